"""All tables; importing this module registers them on ``Base.metadata``."""

from mash_desk.storage.models.allocations import Allocation
from mash_desk.storage.models.attachments import ContactAttachment
from mash_desk.storage.models.audit import AuditChainHead, AuditEntry
from mash_desk.storage.models.checks import AccessLogEntry, AgencyCheckRequest
from mash_desk.storage.models.contacts import (
    Consent,
    Contact,
    ContactChild,
    ContactOutcomeRow,
    RagRating,
    RiskIndicatorRow,
)
from mash_desk.storage.models.documents import DocumentOutput, IssuedDocument
from mash_desk.storage.models.meetings import (
    AgendaItem,
    Decision,
    DecisionAction,
    DecisionActionUpdate,
    DecisionPathway,
    Escalation,
    EscalationStep,
    Meeting,
    MeetingAttendance,
    ReferrerFeedback,
)
from mash_desk.storage.models.people import Household, Person, Relationship, ServiceEpisode
from mash_desk.storage.models.reference import Agency, RoleRow, User
from mash_desk.storage.models.referrals import Referral
from mash_desk.storage.models.routing import (
    Routing,
    RoutingInforming,
    StrategyAttendee,
    StrategyDiscussion,
)
from mash_desk.storage.models.thresholds import (
    AssessmentIndicator,
    QaItem,
    QaSample,
    ThresholdAssessment,
    ThresholdDocumentRow,
)

__all__ = [
    "AccessLogEntry",
    "Agency",
    "Allocation",
    "AgencyCheckRequest",
    "AgendaItem",
    "AssessmentIndicator",
    "AuditChainHead",
    "AuditEntry",
    "Consent",
    "Contact",
    "ContactAttachment",
    "Decision",
    "DocumentOutput",
    "DecisionAction",
    "DecisionActionUpdate",
    "DecisionPathway",
    "Escalation",
    "EscalationStep",
    "ContactChild",
    "ContactOutcomeRow",
    "Household",
    "IssuedDocument",
    "Meeting",
    "MeetingAttendance",
    "Person",
    "QaItem",
    "QaSample",
    "RagRating",
    "Referral",
    "ReferrerFeedback",
    "Relationship",
    "RiskIndicatorRow",
    "RoleRow",
    "Routing",
    "RoutingInforming",
    "StrategyAttendee",
    "StrategyDiscussion",
    "ServiceEpisode",
    "ThresholdAssessment",
    "ThresholdDocumentRow",
    "User",
]
