"""Prepared statements of recording a contact's outcome (services/outcomes.py).

Recording an outcome is the practitioner's last click on most contacts. As an ORM unit of
work it cost two to three times the same reads and writes by hand (issue 16): the child, the
person and the household were loaded as objects, and the outcome rows and the closed contact
went through the unit of work. Here the child on the contact comes with the person's DTO
columns in one read, and the writes are single statements; the referral a contact may
progress to stays in the ORM (services.outcomes._write), which is rarer and has many defaults.
"""

from __future__ import annotations

from sqlalchemy import bindparam, insert, select, update

from mash_desk.storage.models import (
    Consent,
    ContactChild,
    ContactOutcomeRow,
    Household,
    Person,
    RagRating,
    User,
)
from mash_desk.storage.prepared import Prepared, equals_unplanned
from mash_desk.storage.prepared_search import CHILD_COLUMNS

# The child on the contact, as services.outcomes.OpenChild unpacks it, then PersonDTO's.
OPEN_CHILD_COLUMNS = (
    ContactChild.id,
    ContactChild.contact_id,
    ContactChild.person_id,
    ContactChild.status,
    ContactChild.rag,
    ContactChild.due_at,
    ContactChild.provisional_level,
    ContactChild.level_rationale,
    ContactChild.threshold_document,
    ContactChild.threshold_version,
    ContactChild.version,
)
CHILD_ON_CONTACT = Prepared(
    select(*OPEN_CHILD_COLUMNS, *CHILD_COLUMNS)
    .join(Person, Person.id == ContactChild.person_id)
    .outerjoin(Household, Household.id == Person.household_id)
    .where(ContactChild.id == bindparam("cc_id"))
)
"""One child on a contact (``cc_id``) with the person's DTO columns."""
CONSENTS = Prepared(
    select(Consent.purpose, Consent.state)
    .where(
        equals_unplanned(Consent.person_id, "person_id"),
        equals_unplanned(Consent.contact_id, "contact_id"),
    )
    .order_by(Consent.recorded_at, Consent.id)
)
"""Consents recorded for a person on a contact, oldest first (the latest state wins)."""
INSERT_OUTCOME = Prepared(
    insert(ContactOutcomeRow).values(
        contact_child_id=bindparam("cc_id"),
        outcome=bindparam("outcome"),
        recorded_by=bindparam("user_id"),
        recorded_at=bindparam("at"),
    )
)
CLOSE_CHILD = Prepared(
    update(ContactChild)
    .where(ContactChild.id == bindparam("cc_id"), ContactChild.version == bindparam("expected"))
    .values(
        status=bindparam("status"),
        closed_at=bindparam("at"),
        no_offer_reason=bindparam("no_offer_reason"),
        consent_reason=bindparam("consent_reason"),
        version=ContactChild.version + 1,
    )
)
"""Close (or refer) a child on a contact if still at version ``expected``; 0 rows: it moved on."""
RAG_HISTORY = Prepared(
    select(RagRating.value, RagRating.reason, User.display_name, RagRating.rated_at)
    .join(User, User.id == RagRating.rated_by)
    .where(equals_unplanned(RagRating.contact_child_id, "cc_id"))
    .order_by(RagRating.rated_at, RagRating.id)
)
"""Every RAG rating of a child on a contact, oldest first, with the rater's name."""
