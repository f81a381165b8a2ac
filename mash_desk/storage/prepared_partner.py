"""Prepared statements of the partner inbox (services/checks.py), compiled once per dialect.

A partner rep's inbox is refreshed every time the tab is shown and after each return; as an
ORM query it cost five to seven times the same SELECT by hand (issue 16). One statement reads
the rep's own agency's checks with the child's name and dates: the agency is taken from the
user's stored row inside the statement, never from the Actor the caller holds.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.sql import ClauseElement

from mash_desk.storage.models import Agency, AgencyCheckRequest, Person, Referral, User
from mash_desk.storage.prepared import Prepared

# The order InboxRow unpacks them in (services/checks.py).
INBOX_COLUMNS = (
    AgencyCheckRequest.id,
    Agency.code,
    Person.given_name,
    Person.family_name,
    Person.date_of_birth,
    Person.expected_delivery,
    AgencyCheckRequest.question,
    AgencyCheckRequest.requested_at,
    AgencyCheckRequest.due_at,
    AgencyCheckRequest.rag,
    AgencyCheckRequest.status,
    AgencyCheckRequest.returned_at,
    AgencyCheckRequest.version,
)
# "requested": services.checks.CheckStatus.REQUESTED (storage does not import services).
_OPEN = "requested"


def _inbox(open_only: bool) -> ClauseElement:
    own_agency = select(User.agency_id).where(User.id == bindparam("user_id")).scalar_subquery()
    statement = (
        select(*INBOX_COLUMNS)
        .join(Agency, Agency.id == AgencyCheckRequest.agency_id)
        .join(Referral, Referral.id == AgencyCheckRequest.referral_id)
        .join(Person, Person.id == Referral.person_id)
        .where(AgencyCheckRequest.agency_id == own_agency)
        .order_by(AgencyCheckRequest.due_at, AgencyCheckRequest.id)
    )
    return statement.where(AgencyCheckRequest.status == _OPEN) if open_only else statement


INBOX_OPEN = Prepared(_inbox(open_only=True))
"""The open checks asked of the user's agency, soonest due first (``user_id``)."""
INBOX_ALL = Prepared(_inbox(open_only=False))
"""Every check asked of the user's agency, open or not, soonest due first (``user_id``)."""
