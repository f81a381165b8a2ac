"""Prepared statements of the partner inbox (services/checks.py), compiled once per dialect.

A partner rep's inbox is refreshed every time the tab is shown and after each return; as an
ORM query it cost five to seven times the same SELECT by hand (issue 16). One statement reads
the rep's own agency's checks with the child's name and dates: the agency is taken from the
user's stored row inside the statement, never from the Actor the caller holds.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, literal_column, select, union_all
from sqlalchemy.sql import ClauseElement, ColumnElement

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
    AgencyCheckRequest.withdrawn_at,
    AgencyCheckRequest.version,
)
# "requested": services.checks.CheckStatus.REQUESTED (storage does not import services).
_OPEN = "requested"
# Written into the SQL, not bound: with the agency a subquery and the status a parameter,
# PostgreSQL's generic plan for the inbox guessed thousands of rows, so it planned the
# statement again at every call, row policies and all (1.9-2.6 ms against the floor's 0.6-0.9;
# 0.8 ms with the status written in, issue 16). A constant belongs in the statement's text.
_OPEN_SQL: ColumnElement[str] = literal_column(f"'{_OPEN}'")


def _own_agency() -> Any:
    return select(User.agency_id).where(User.id == bindparam("user_id")).scalar_subquery()


def _inbox() -> ClauseElement:
    return (
        select(*INBOX_COLUMNS)
        .join(Agency, Agency.id == AgencyCheckRequest.agency_id)
        .join(Referral, Referral.id == AgencyCheckRequest.referral_id)
        .join(Person, Person.id == Referral.person_id)
        .where(
            AgencyCheckRequest.agency_id == _own_agency(),
            AgencyCheckRequest.status == _OPEN_SQL,
        )
        .order_by(AgencyCheckRequest.due_at, AgencyCheckRequest.id)
    )


def _closed_by(closed_at: Any, after_mark: bool) -> Any:
    """The agency's latest ``limit`` checks closed this way (returned or withdrawn)."""
    branch = select(AgencyCheckRequest.id.label("id"), closed_at.label("closed_at")).where(
        AgencyCheckRequest.agency_id == _own_agency(), closed_at.is_not(None)
    )
    if after_mark:
        # "<= and (< or id <)": the first term lets the index seek to the mark.
        before_at = bindparam("before_at", type_=closed_at.type)
        branch = branch.where(
            closed_at <= before_at,
            (closed_at < before_at) | (AgencyCheckRequest.id < bindparam("before_id")),
        )
    return (
        branch.order_by(closed_at.desc(), AgencyCheckRequest.id.desc())
        .limit(bindparam("limit"))
        .subquery()
    )


def _closed(after_mark: bool) -> ClauseElement:
    returned = _closed_by(AgencyCheckRequest.returned_at, after_mark)
    withdrawn = _closed_by(AgencyCheckRequest.withdrawn_at, after_mark)
    picked = union_all(
        select(returned.c.id, returned.c.closed_at), select(withdrawn.c.id, withdrawn.c.closed_at)
    ).subquery()
    return (
        select(*INBOX_COLUMNS)
        .join(picked, picked.c.id == AgencyCheckRequest.id)
        .join(Agency, Agency.id == AgencyCheckRequest.agency_id)
        .join(Referral, Referral.id == AgencyCheckRequest.referral_id)
        .join(Person, Person.id == Referral.person_id)
        .order_by(picked.c.closed_at.desc(), AgencyCheckRequest.id.desc())
        .limit(bindparam("limit"))
    )


INBOX_OPEN = Prepared(_inbox())
"""The open checks asked of the user's agency, soonest due first (``user_id``)."""
INBOX_CLOSED_LATEST = Prepared(_closed(after_mark=False))
"""The user's agency's latest closed checks, newest closed first (``user_id``, ``limit``)."""
INBOX_CLOSED_BEFORE = Prepared(_closed(after_mark=True))
"""The next ``limit`` closed checks closed before (``before_at``, ``before_id``)."""
