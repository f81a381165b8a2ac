"""What every document builder shares: who may build and issue what, names, checks, the header.

The builders (:mod:`.memo_model`, :mod:`.document_letters`, :mod:`.document_minutes`) and
:class:`mash_desk.services.documents.DocumentService` all take these from here, so a rule
such as "only a signed decision's documents are issued" is written once.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from mash_desk.documents.letterhead import load_letterhead
from mash_desk.documents.models import ActionEntry, DocumentKind, DocumentMeta
from mash_desk.domain.errors import FieldError, NotFound, ValidationError
from mash_desk.domain.meetings import DecisionStatus
from mash_desk.domain.permissions import Permission
from mash_desk.domain.text import unstorable_problem
from mash_desk.services.context import ServiceContext, Unit
from mash_desk.services.decisions import ActionDTO
from mash_desk.storage.models import Agency, Decision, User
from mash_desk.storage.prepared_memo import ACTIVE_AGENCY

# What each kind needs, to build (preview) and to issue. Practitioners, managers and chairs
# hold the first three; minutes are issued by whoever runs the meeting (chair or manager).
BUILD = {
    DocumentKind.DECISION_MEMO: Permission.VIEW_CASE,
    DocumentKind.REFERRER_LETTER: Permission.SEND_FEEDBACK,
    DocumentKind.ROUTING_NOTICE: Permission.ROUTE_CHILD,
    DocumentKind.MEETING_MINUTES: Permission.VIEW_MEETINGS,
}
ISSUE = {**BUILD, DocumentKind.MEETING_MINUTES: Permission.RUN_MEETING}

# Access-log "what" keys: the child's record was shown in a document (access.py).
ACCESS = {
    DocumentKind.DECISION_MEMO: "document.memo",
    DocumentKind.REFERRER_LETTER: "document.letter",
    DocumentKind.ROUTING_NOTICE: "document.notice",
    DocumentKind.MEETING_MINUTES: "document.minutes",
}
AUDIENCES = ("professional", "family")
UNKNOWN_USER = "unknown user"
UNKNOWN_AGENCY = "Unknown agency"


class Names:
    """Display names of users, each looked up once."""

    def __init__(self, unit: Unit):
        """Look names up in ``unit``."""
        self._unit = unit
        self._known: dict[int, str] = {}

    def __call__(self, user_id: int | None) -> str:
        """The user's display name ("" for no user)."""
        if user_id is None:
            return ""
        if user_id not in self._known:
            self._known[user_id] = user_name(self._unit, user_id)
        return self._known[user_id]


def user_name(unit: Unit, user_id: int) -> str:
    """One user's display name."""
    name = unit.session.scalar(select(User.display_name).where(User.id == user_id))
    return name or UNKNOWN_USER


class Agencies:
    """Agency names by id and by code."""

    def __init__(self, rows: list[tuple[int, str, str]]):
        """Name the agencies of ``rows`` (id, code, name)."""
        self._by_id = {i: name for i, _, name in rows}
        self._by_code = {code: name for _, code, name in rows}

    def name(self, agency_id: int | None) -> str:
        """The agency's name, by id."""
        return self._by_id.get(agency_id or 0, UNKNOWN_AGENCY)

    def name_of_code(self, code: str | None) -> str:
        """The agency's name, by code (the code itself when unknown)."""
        return self._by_code.get(code or "", code or "")


def agencies(unit: Unit) -> Agencies:
    """Every agency's name."""
    return Agencies(
        [
            (agency_id, code, name)
            for agency_id, code, name in unit.session.execute(
                select(Agency.id, Agency.code, Agency.name)
            )
        ]
    )


def decision_row(unit: Unit, decision_id: int) -> Decision:
    """The stored decision version, or ``NotFound``."""
    row = unit.session.get(Decision, decision_id)
    if row is None:
        raise NotFound(f"No decision {decision_id}")
    return row


def require_signed(status: str) -> None:
    """Refuse to issue the documents of a decision version that is not signed."""
    if status != DecisionStatus.SIGNED.value:
        raise ValidationError(
            FieldError(
                "decision",
                "signed",
                "Only a signed decision's documents are issued; this one is still a draft "
                "(preview it instead)",
            )
        )


def agency_recipient(unit: Unit, code: str | None) -> tuple[int, str] | None:
    """The id and name of the recipient agency (None: the MASH case file); refuses a bad code."""
    if code is None:
        return None
    problem = unstorable_problem(code, "recipient_agency", "Recipient agency")
    if problem:
        raise ValidationError(problem)
    row = ACTIVE_AGENCY.first(unit.sql, code=code)
    if row is None:
        raise ValidationError(FieldError("recipient_agency", "exists", f"Unknown agency {code!r}"))
    return row[0], row[1]


def check_audience(audience: str) -> None:
    """Refuse a notice audience other than professionals or the family."""
    if audience not in AUDIENCES:
        raise ValidationError(
            FieldError(
                "audience", "choice", f"A notice is for professional or family, not {audience!r}"
            )
        )


def born(dob: date | None, edd: date | None) -> str:
    """The date of birth as letters and notices say it: born, unborn and due, or not known."""
    if dob is not None:
        return f"born {dob:%d %b %Y}"
    if edd is not None:
        return f"unborn, due {edd:%d %b %Y}"
    return "date of birth not known"


def document_meta(
    unit: Unit,
    ctx: ServiceContext,
    kind: DocumentKind,
    title: str,
    reference: str,
    prepared_for: str,
    *,
    draft: bool = False,
) -> DocumentMeta:
    """The header every document carries: kind, title, reference, when, for whom, letterhead."""
    return DocumentMeta(
        kind=kind.value,
        title=title,
        reference=reference,
        generated_at=unit.now,
        prepared_for=prepared_for,
        letterhead=load_letterhead(),
        timezone=ctx.policy.timezone,
        draft=draft,
    )


def action_entry(a: ActionDTO, agency_names: Agencies, names: Names) -> ActionEntry:
    """One decision action as the minutes print it: owning agency, or else owning user."""
    owner = agency_names.name_of_code(a.owner_agency) if a.owner_agency else names(a.owner_user_id)
    # ``status`` arrived on ActionDTO with partner action work; older DTOs have none.
    return ActionEntry(a.description, owner, a.due_on, getattr(a, "status", "open"))
