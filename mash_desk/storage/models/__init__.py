"""All tables; importing this module registers them on ``Base.metadata``."""

from mash_desk.storage.models.audit import AuditEntry
from mash_desk.storage.models.contacts import (
    Consent,
    Contact,
    ContactChild,
    ContactOutcomeRow,
    RagRating,
    RiskIndicatorRow,
)
from mash_desk.storage.models.people import Household, Person, Relationship, ServiceEpisode
from mash_desk.storage.models.reference import Agency, RoleRow, User
from mash_desk.storage.models.referrals import Referral

__all__ = [
    "Agency",
    "AuditEntry",
    "Consent",
    "Contact",
    "ContactChild",
    "ContactOutcomeRow",
    "Household",
    "Person",
    "RagRating",
    "Referral",
    "Relationship",
    "RiskIndicatorRow",
    "RoleRow",
    "ServiceEpisode",
    "User",
]
