"""Who has looked at a child's record: the access log and the question it answers.

Every service that shows a child's record writes one ``access_log`` row with
:func:`record_access`, inside a write unit (``Service.writing``), so the record is shown only
if the row that says so was committed with it. Rows cannot be changed or deleted afterwards
(database triggers, migration 0003), and are hash-chained like the audit log (migration 0015).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select

from mash_desk.domain.enums import Role
from mash_desk.domain.errors import NotFound
from mash_desk.domain.permissions import Permission, allows
from mash_desk.services.context import Service, Unit
from mash_desk.services.dto import Actor
from mash_desk.storage.models import AccessLogEntry, Agency, Person, User
from mash_desk.storage.prepared import Prepared

# What was viewed, as stored in ``access_log.what`` (stable keys) and as a manager reads it.
CASE_VIEW = "case.view"
HISTORY_VIEW = "history.view"
ASSESSMENTS_VIEW = "threshold_assessments.view"
ROUTINGS_VIEW = "routings.view"
AGENCY_CHECK_OPENED = "agency_check.open"
AGENCY_CHECKS_VIEWED = "agency_checks.view"
WHAT_LABELS = {
    CASE_VIEW: "Case record",
    AGENCY_CHECK_OPENED: "Agency check (partner inbox)",
    AGENCY_CHECKS_VIEWED: "Agency checks of a referral",
    HISTORY_VIEW: "History check (previous contacts and referrals)",
    ASSESSMENTS_VIEW: "Threshold assessments",
    ROUTINGS_VIEW: "Step-ups, step-downs and transfers",
    # Keys written by other services (kept here so "who viewed" reads in words for all).
    "person.view": "Person record",
    "person.match": "Possible-duplicate summary (while logging a contact)",
    "attachment.open": "Attachment of a contact (opened read-only)",
    "contact.view": "Contact record",
    "outcome.prepare": "Contact outcome (record outcome dialog)",
    "routing.open": "Routing and handover summary",
    "decision_actions.view": "Actions of a decision",
    "document.memo": "Decision memo (preview, issue or print)",
    "document.letter": "Referrer letter",
    "document.notice": "Step-up / step-down notice",
    "document.minutes": "Meeting minutes",
    "annex_a.export": "Ofsted Annex A workbook (exported)",
    "measure.children": "Children behind a dashboard figure (listed, not opened)",
    "returns.cin": "Children in Need census export (identifiers and characteristics)",
}
# An access row says what was looked at in a line ("Find a child: 3 results"), never the
# record itself: the log is read by auditors row by row, and personal data stays out of it.
DETAIL_MAX = 200

_VIEWER = (
    AccessLogEntry.at,
    AccessLogEntry.user_id,
    User.username,
    User.display_name,
    User.role_code,
    Agency.name,
    AccessLogEntry.what,
)


def _who(*detail: Any) -> Prepared:
    return Prepared(
        select(*_VIEWER, *detail)
        .join(User, User.id == AccessLogEntry.user_id)
        .join(Agency, Agency.id == User.agency_id)
        # Views of a duplicate merged into this record stay under the duplicate's id (the log
        # cannot be rewritten), so they are read with this record's.
        .where(
            AccessLogEntry.person_id.in_(
                select(Person.id).where(
                    (Person.id == bindparam("pid")) | (Person.merged_into == bindparam("pid"))
                )
            )
        )
        .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
    )


_WHO = _who(AccessLogEntry.detail)
# The detail names what was opened (an attachment's file name, a document's reference): a
# reader who may not open the case (a performance officer, issue 13 item 3) gets the log
# without it, as its server login may not select the column (storage.server_policies).
_WHO_WITHOUT_DETAIL = _who()
_PERSON = Prepared(select(Person.id).where(Person.id == bindparam("pid")))


def record_access(unit: Unit, person_id: int, what: str, detail: str | None = None) -> None:
    """Log that the unit's user viewed ``person_id``'s record, in the unit's transaction.

    Call it from a write unit only: a read unit is rolled back, and the row with it. The row
    is written, hash-chained, when the unit ends (``Unit.write_logs``).
    """
    unit.log_access(person_id, what, detail[:DETAIL_MAX] if detail else None)


@dataclass(frozen=True)
class AccessEntry:
    """One view of a child's record."""

    at: datetime
    user_id: int
    username: str
    display_name: str
    role: Role
    agency: str
    what: str
    detail: str | None

    @property
    def what_label(self) -> str:
        """What was viewed, in words."""
        return WHAT_LABELS.get(self.what, self.what.replace("_", " ").replace(".", " "))


class AccessLogService(Service):
    """Answer "who has looked at this child?" for managers and performance officers."""

    def who_viewed(self, actor: Actor, person_id: int) -> tuple[AccessEntry, ...]:
        """Every logged view of the child's record, newest first, with the viewer's name."""
        with self.reading(actor, Permission.VIEW_ACCESS_LOG) as unit:
            if _PERSON.first(unit.sql, pid=person_id) is None:
                raise NotFound(f"No person with id {person_id}")
            if allows(unit.role, Permission.VIEW_CASE):
                rows = _WHO.all(unit.sql, pid=person_id)
            else:
                rows = [(*row, None) for row in _WHO_WITHOUT_DETAIL.all(unit.sql, pid=person_id)]
        return tuple(
            AccessEntry(at, uid, username, name, Role(role), agency, what, detail)
            for at, uid, username, name, role, agency, what, detail in rows
        )
