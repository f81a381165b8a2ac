"""Agency checks: the MASH asks partner agencies what they know about a referred child.

For a referral, a MASH practitioner or manager asks chosen agencies (codes from the
``agencies`` table: agencies are data) one question each. Each check is due by the RAG
policy's agency-check clock, counted from the request in real elapsed hours (default red 2 h,
amber 6 h, green 24 h; an unrated referral runs on the amber clock). One check per referral
and agency may be open at a time.

A partner-agency rep sees **only their own agency's** checks: an inbox with the child's name,
age, the question and the due time — never the case record — and returns a finding or
"nothing known". A check addressed to another agency is reported as not found, so a rep
cannot even learn that it exists. The MASH sees every check of a referral with its return as
it arrives, what is overdue (from the service clock), and one list of every overdue check.

Every change writes an audit row in its transaction; a request records the disclosure to the
agency and a return the information that agency shared (domain brief §6, golden rules:
record what was shared, with whom and why). Opening a check, or a referral's checks, is a view
of the child's record and is written to the access log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import aliased

from mash_desk.domain.changes import Kind, Topic, agency_inbox, change_keys, record_key
from mash_desk.domain.enums import Rag, WorkStatus
from mash_desk.domain.errors import FieldError, NotFound, PermissionDenied, ValidationError
from mash_desk.domain.outcomes import age_text
from mash_desk.domain.permissions import Permission
from mash_desk.domain.text import clean_narrative, unsendable
from mash_desk.services.access import AGENCY_CHECK_OPENED, AGENCY_CHECKS_VIEWED, record_access
from mash_desk.services.check_requests import (
    CheckRequestInput,
    CheckStatus,
    add_requests,
    check_agencies,
    check_questions,
    consent_to_share,
)
from mash_desk.services.context import Service, Unit, check_version
from mash_desk.services.dto import CLOSED_PAGE, Actor, ClosedMark, OpResult
from mash_desk.storage.models import (
    Agency,
    AgencyCheckRequest,
    Household,
    Person,
    Referral,
    User,
)
from mash_desk.storage.prepared_partner import (
    INBOX_CLOSED_BEFORE,
    INBOX_CLOSED_LATEST,
    INBOX_OPEN,
)

# A referral whose next steps are decided needs no more checks for that decision.
_CLOSED_REFERRAL = frozenset({WorkStatus.DECIDED.value, WorkStatus.CLOSED.value})
UNRATED_CLOCK = Rag.AMBER
"""An unrated referral runs on the amber clock, as an unrated contact does."""


@dataclass(frozen=True)
class AgencyCheckDTO:
    """An agency check as the MASH sees it, with its return once it arrives.

    ``overdue`` and ``timing`` are worked out from the service clock when the check was read.
    ``rag`` is the referral's rating when the check was asked (``None``: unrated).
    """

    id: int
    referral_id: int
    person_id: int
    child_name: str
    agency_code: str
    agency_name: str
    question: str
    requested_by: str
    requested_at: datetime
    due_at: datetime
    rag: Rag | None
    status: CheckStatus
    returned_by: str | None
    returned_at: datetime | None
    finding: str | None
    nothing_known: bool
    withdrawn_by: str | None
    withdrawn_at: datetime | None
    withdrawal_reason: str | None
    version: int
    overdue: bool
    timing: str

    @property
    def clock_rag(self) -> Rag:
        """The RAG clock the due time was computed on."""
        return self.rag or UNRATED_CLOCK

    @property
    def outstanding(self) -> bool:
        """Whether the agency has still to return it."""
        return self.status is CheckStatus.REQUESTED

    @property
    def returned_late(self) -> bool:
        """Whether it was returned after its due time."""
        return self.returned_at is not None and self.returned_at > self.due_at

    @property
    def answer(self) -> str:
        """The return in words: the finding, "Nothing known", or empty while outstanding."""
        if self.status is not CheckStatus.RETURNED:
            return ""
        return "Nothing known" if self.nothing_known else self.finding or ""


@dataclass(frozen=True)
class ReferralChecks:
    """Every check of one referral, oldest request first."""

    referral_id: int
    person_id: int
    child_name: str
    as_of: datetime
    checks: tuple[AgencyCheckDTO, ...]

    @property
    def outstanding(self) -> tuple[AgencyCheckDTO, ...]:
        """Checks still awaited."""
        return tuple(c for c in self.checks if c.outstanding)

    @property
    def overdue(self) -> tuple[AgencyCheckDTO, ...]:
        """Checks awaited past their due time."""
        return tuple(c for c in self.checks if c.overdue)

    @property
    def returned(self) -> tuple[AgencyCheckDTO, ...]:
        """Checks the agencies have returned."""
        return tuple(c for c in self.checks if c.status is CheckStatus.RETURNED)


@dataclass(frozen=True)
class InboxItem:
    """A check in a partner agency's inbox: the child, the question and when it is due.

    Deliberately not the case record: a partner sees what it is asked, nothing more.
    ``closed_at``: when it was returned or withdrawn (``None`` while it is awaited).
    """

    id: int
    agency_code: str
    child_name: str
    age_text: str
    question: str
    requested_at: datetime
    due_at: datetime
    rag: Rag | None
    status: CheckStatus
    overdue: bool
    timing: str
    version: int
    closed_at: datetime | None

    @property
    def closed_mark(self) -> ClosedMark | None:
        """Where the closed checks listed end, if this is the last (see ``closed``)."""
        return None if self.closed_at is None else ClosedMark(self.closed_at, self.id)


@dataclass(frozen=True)
class PartnerCheck(InboxItem):
    """One check opened by its agency: the identifiers it needs to search its own records."""

    date_of_birth: date | None
    expected_delivery: date | None
    nhs_number: str | None
    address: str | None
    postcode: str | None
    returned_by: str | None
    returned_at: datetime | None
    finding: str | None
    nothing_known: bool
    withdrawal_reason: str | None


_REQUESTER = aliased(User)
_RETURNER = aliased(User)
_WITHDRAWER = aliased(User)


class _Born(NamedTuple):
    """The two dates ``age_text`` reads, without building a person DTO."""

    date_of_birth: date | None
    expected_delivery: date | None


def _full_name(given: str, family: str) -> str:
    return f"{given} {family.upper()}"


class AgencyCheckService(Service):
    """Ask partner agencies for checks, return them, and watch what is overdue."""

    # ---- the MASH side -------------------------------------------------------------------

    def request(
        self, actor: Actor, referral_id: int, checks: Sequence[CheckRequestInput]
    ) -> OpResult[tuple[AgencyCheckDTO, ...]]:
        """Ask each chosen agency its question about the referred child.

        Every check is due by the agency-check clock of the referral's RAG rating (amber when
        unrated), counted from now. Refused, with a message per field and nothing written:
        no agency chosen, an unknown or inactive agency, the same agency twice, a blank
        question, an agency that already has an open check for this referral, or a referral
        whose decision is made.
        """
        errors, questions = check_questions(checks)
        with self.writing(actor, Permission.REQUEST_AGENCY_CHECKS) as unit:
            referral = unit.load(
                Referral, referral_id, what="referral", missing=f"No referral with id {referral_id}"
            )
            if referral.status in _CLOSED_REFERRAL:
                errors.append(
                    FieldError(
                        "referral",
                        "open",
                        "The decision on this referral is made; agency checks are asked "
                        "while it awaits its decision",
                    )
                )
            codes, agency_ids, agency_errors = check_agencies(unit, referral_id, checks)
            errors += agency_errors
            if errors:
                raise ValidationError(errors)
            rag = Rag(referral.rag) if referral.rag else None
            due_at = self.ctx.deadlines.agency_check_due(rag or UNRATED_CLOCK, unit.now)
            made = add_requests(unit, referral, [agency_ids[c] for c in codes], questions, due_at)
            consent = consent_to_share(unit, referral.person_id)
            for request, code in zip(made, codes, strict=True):
                unit.audit(
                    "agency_check.requested",
                    "agency_check_request",
                    request.id,
                    person_id=referral.person_id,
                    referral_id=referral.id,
                    agency=code,
                    question=request.question,
                    rag=request.rag,
                    clock=(rag or UNRATED_CLOCK).value,
                    due_at=due_at.isoformat(),
                    # Asking an agency discloses the child's identity and the concern to it.
                    shared={
                        "with_agency": code,
                        "what": "child's identifiers and the question",
                        "why": f"agency check for referral {referral.id}",
                        "consent_to_share": consent,
                    },
                )
            rows = self._rows(unit, AgencyCheckRequest.id.in_([r.id for r in made]))
            return OpResult(
                rows,
                change_keys(
                    Topic.AGENCY_CHECKS,
                    record_key(Kind.REFERRAL, referral.id),
                    record_key(Kind.PERSON, referral.person_id),
                    *(agency_inbox(code) for code in codes),
                ),
            )

    def for_referral(self, actor: Actor, referral_id: int) -> ReferralChecks:
        """Every check of a referral with its return, and what is overdue (logged as a view)."""
        with self.writing(actor, Permission.VIEW_AGENCY_CHECKS) as unit:
            found = unit.session.execute(
                select(Referral.person_id, Person.given_name, Person.family_name)
                .join(Person, Person.id == Referral.person_id)
                .where(Referral.id == referral_id)
            ).first()
            if found is None:
                raise NotFound(f"No referral with id {referral_id}")
            person_id, given, family = found
            rows = self._rows(unit, AgencyCheckRequest.referral_id == referral_id)
            record_access(unit, person_id, AGENCY_CHECKS_VIEWED, f"Referral {referral_id}")
            return ReferralChecks(referral_id, person_id, _full_name(given, family), unit.now, rows)

    def overdue(self, actor: Actor, agency_code: str | None = None) -> tuple[AgencyCheckDTO, ...]:
        """Every check awaited past its due time, most overdue first (optionally one agency)."""
        with self.reading(actor, Permission.VIEW_AGENCY_CHECKS) as unit:
            condition = (AgencyCheckRequest.status == CheckStatus.REQUESTED.value) & (
                AgencyCheckRequest.due_at < unit.now
            )
            if unsendable(agency_code):
                return ()  # no agency's code holds such a character
            if agency_code is not None:
                condition = condition & (Agency.code == agency_code)
            return self._rows(unit, condition)

    def withdraw(
        self, actor: Actor, request_id: int, expected_version: int, reason: str | None
    ) -> OpResult[AgencyCheckDTO]:
        """Withdraw an open check; the reason is required and kept."""
        text, problem = clean_narrative(reason, "reason", "Reason for withdrawing the check")
        if problem is None and text is None:
            problem = FieldError(
                "reason",
                "required",
                "Say why the check is withdrawn (the agency sees the reason)",
            )
        if problem:
            raise ValidationError(problem)
        with self.writing(actor, Permission.REQUEST_AGENCY_CHECKS) as unit:
            request = unit.load(
                AgencyCheckRequest,
                request_id,
                what="agency check",
                expected_version=expected_version,
                missing=f"No agency check with id {request_id}",
            )
            _require_open(request)
            request.status = CheckStatus.WITHDRAWN.value
            request.withdrawn_by = unit.user_id
            request.withdrawn_at = unit.now
            request.withdrawal_reason = text
            unit.session.flush()
            person_id, code = _person_and_agency(unit, request)
            unit.audit(
                "agency_check.withdrawn",
                "agency_check_request",
                request.id,
                person_id=person_id,
                referral_id=request.referral_id,
                agency=code,
                reason=text,
            )
            (row,) = self._rows(unit, AgencyCheckRequest.id == request.id)
            return OpResult(
                row,
                change_keys(
                    Topic.AGENCY_CHECKS,
                    record_key(Kind.REFERRAL, request.referral_id),
                    record_key(Kind.PERSON, person_id),
                    agency_inbox(code),
                ),
            )

    # ---- the partner side ----------------------------------------------------------------

    def inbox(
        self, actor: Actor, *, include_closed: bool = False, closed_limit: int = CLOSED_PAGE
    ) -> tuple[InboxItem, ...]:
        """The checks asked of the rep's own agency: every open one, soonest due first.

        With ``include_closed``, then its latest ``closed_limit`` returned or withdrawn ones,
        newest closed first (``closed`` lists older ones). Never another agency's.
        """
        with self.reading(actor, Permission.RETURN_AGENCY_CHECKS) as unit:
            # Prepared statements (storage/prepared_partner.py): the agency is the user's
            # stored one, read inside the statement; the inbox is refreshed on every visit.
            rows = INBOX_OPEN.all(unit.sql, user_id=unit.user_id)
            if include_closed:
                rows += self._closed_rows(unit, None, closed_limit)
            return tuple(self._inbox_item(unit, *row) for row in rows)

    def closed(
        self, actor: Actor, *, before: ClosedMark | None = None, limit: int = CLOSED_PAGE
    ) -> tuple[InboxItem, ...]:
        """The rep's agency's ``limit`` latest closed checks closed before ``before``.

        Newest closed first; ``before`` is the last one listed so far (its ``closed_mark``),
        ``None`` for the latest. Never another agency's.
        """
        with self.reading(actor, Permission.RETURN_AGENCY_CHECKS) as unit:
            return tuple(
                self._inbox_item(unit, *row) for row in self._closed_rows(unit, before, limit)
            )

    @staticmethod
    def _closed_rows(unit: Unit, before: ClosedMark | None, limit: int) -> list[tuple]:
        if limit <= 0:
            return []
        if before is None:
            return INBOX_CLOSED_LATEST.all(unit.sql, user_id=unit.user_id, limit=limit)
        return INBOX_CLOSED_BEFORE.all(
            unit.sql,
            user_id=unit.user_id,
            limit=limit,
            before_at=before.closed_at,
            before_id=before.id,
        )

    def open_request(self, actor: Actor, request_id: int) -> PartnerCheck:
        """Open one check of the rep's own agency (logged as a view of the child's record).

        Another agency's check is not found, exactly like one that does not exist.
        """
        with self.writing(actor, Permission.RETURN_AGENCY_CHECKS) as unit:
            request, code, person = self._own_request(unit, request_id)
            shown = self._partner_check(unit, request, code, person)
            record_access(
                unit, person.id, AGENCY_CHECK_OPENED, f"Agency check {request.id} ({code})"
            )
            return shown

    def return_findings(
        self,
        actor: Actor,
        request_id: int,
        expected_version: int,
        *,
        finding: str | None = None,
        nothing_known: bool = False,
    ) -> OpResult[PartnerCheck]:
        """Return what the agency knows: a finding, or "nothing known" — exactly one.

        The return is information shared by the agency with the MASH and is recorded as such
        in the audit row.
        """
        text, problem = clean_narrative(finding, "finding", "The finding")
        if problem is None:
            if nothing_known and text:
                problem = FieldError(
                    "finding",
                    "exclusive",
                    'Return either a finding or "nothing known", not both',
                )
            elif not nothing_known and not text:
                problem = FieldError(
                    "finding",
                    "required",
                    'Write what your agency knows about the child, or return "nothing known"',
                )
        if problem:
            raise ValidationError(problem)
        with self.writing(actor, Permission.RETURN_AGENCY_CHECKS) as unit:
            request, code, person = self._own_request(unit, request_id)
            check_version(request, expected_version, "agency check")
            _require_open(request)
            request.status = CheckStatus.RETURNED.value
            request.returned_by = unit.user_id
            request.returned_at = unit.now
            request.finding = None if nothing_known else text
            request.nothing_known = nothing_known
            unit.session.flush()
            late = unit.now > request.due_at
            unit.audit(
                "agency_check.returned",
                "agency_check_request",
                request.id,
                person_id=person.id,
                referral_id=request.referral_id,
                agency=code,
                nothing_known=nothing_known,
                late=late,
                # The agency shares what it knows with the MASH (domain brief §6).
                shared={
                    "by_agency": code,
                    "with": "mash",
                    "request_id": request.id,
                    "what": "nothing known" if nothing_known else text,
                },
            )
            return OpResult(
                self._partner_check(unit, request, code, person),
                change_keys(
                    Topic.AGENCY_CHECKS,
                    record_key(Kind.REFERRAL, request.referral_id),
                    record_key(Kind.PERSON, person.id),
                    agency_inbox(code),
                ),
            )

    # ---- helpers -------------------------------------------------------------------------

    def _rows(self, unit: Unit, condition: ColumnElement[bool]) -> tuple[AgencyCheckDTO, ...]:
        rows = unit.session.execute(
            select(
                AgencyCheckRequest,
                Agency.code,
                Agency.name,
                Referral.person_id,
                Person.given_name,
                Person.family_name,
                _REQUESTER.display_name,
                _RETURNER.display_name,
                _WITHDRAWER.display_name,
            )
            .join(Agency, Agency.id == AgencyCheckRequest.agency_id)
            .join(Referral, Referral.id == AgencyCheckRequest.referral_id)
            .join(Person, Person.id == Referral.person_id)
            .join(_REQUESTER, _REQUESTER.id == AgencyCheckRequest.requested_by)
            .outerjoin(_RETURNER, _RETURNER.id == AgencyCheckRequest.returned_by)
            .outerjoin(_WITHDRAWER, _WITHDRAWER.id == AgencyCheckRequest.withdrawn_by)
            .where(condition)
            .order_by(AgencyCheckRequest.due_at, AgencyCheckRequest.id)
        ).all()
        out = []
        for r, code, name, person_id, given, family, asked_by, returned_by, withdrawn_by in rows:
            status = CheckStatus(r.status)
            overdue, timing = self._timing(unit, r, status)
            out.append(
                AgencyCheckDTO(
                    id=r.id,
                    referral_id=r.referral_id,
                    person_id=person_id,
                    child_name=_full_name(given, family),
                    agency_code=code,
                    agency_name=name,
                    question=r.question,
                    requested_by=asked_by,
                    requested_at=r.requested_at,
                    due_at=r.due_at,
                    rag=Rag(r.rag) if r.rag else None,
                    status=status,
                    returned_by=returned_by,
                    returned_at=r.returned_at,
                    finding=r.finding,
                    nothing_known=r.nothing_known,
                    withdrawn_by=withdrawn_by,
                    withdrawn_at=r.withdrawn_at,
                    withdrawal_reason=r.withdrawal_reason,
                    version=r.version,
                    overdue=overdue,
                    timing=timing,
                )
            )
        return tuple(out)

    def _timing(self, unit: Unit, r: AgencyCheckRequest, status: CheckStatus) -> tuple[bool, str]:
        """Whether the check is overdue now, and its timing in words."""
        return self._timing_of(unit.now, status, r.due_at, r.returned_at)

    def _timing_of(
        self, now: datetime, status: CheckStatus, due_at: datetime, returned_at: datetime | None
    ) -> tuple[bool, str]:
        if status is CheckStatus.REQUESTED:
            return due_at < now, self.ctx.deadlines.describe_remaining(due_at, now)
        if status is CheckStatus.WITHDRAWN:
            return False, "withdrawn"
        assert returned_at is not None
        if returned_at > due_at:
            late = self.ctx.deadlines.describe_remaining(due_at, returned_at)
            return False, "returned " + late.replace("overdue by", "late by")
        return False, "returned on time"

    def _own_request(self, unit: Unit, request_id: int) -> tuple[AgencyCheckRequest, str, Person]:
        """The check, if it is addressed to the rep's own agency; otherwise ``NotFound``."""
        agency_id = _own_agency(unit)
        found = unit.session.execute(
            select(AgencyCheckRequest, Agency.code, Person)
            .join(Agency, Agency.id == AgencyCheckRequest.agency_id)
            .join(Referral, Referral.id == AgencyCheckRequest.referral_id)
            .join(Person, Person.id == Referral.person_id)
            .where(
                AgencyCheckRequest.id == request_id,
                AgencyCheckRequest.agency_id == agency_id,
            )
        ).first()
        if found is None:
            # The same words whether it does not exist or belongs to another agency.
            raise NotFound(f"No agency check {request_id} in your agency's inbox")
        return found[0], found[1], found[2]

    def _item(self, unit: Unit, r: AgencyCheckRequest, code: str, person: Person) -> InboxItem:
        return self._inbox_item(
            unit,
            r.id,
            code,
            person.given_name,
            person.family_name,
            person.date_of_birth,
            person.expected_delivery,
            r.question,
            r.requested_at,
            r.due_at,
            r.rag,
            r.status,
            r.returned_at,
            r.withdrawn_at,
            r.version,
        )

    def _inbox_item(
        self,
        unit: Unit,
        request_id: int,
        code: str,
        given: str,
        family: str,
        date_of_birth: date | None,
        expected_delivery: date | None,
        question: str,
        requested_at: datetime,
        due_at: datetime,
        rag: str | None,
        status_code: str,
        returned_at: datetime | None,
        withdrawn_at: datetime | None,
        version: int,
    ) -> InboxItem:
        """One inbox line, from the columns of storage.prepared_partner.INBOX_COLUMNS."""
        status = CheckStatus(status_code)
        overdue, timing = self._timing_of(unit.now, status, due_at, returned_at)
        return InboxItem(
            id=request_id,
            agency_code=code,
            child_name=_full_name(given, family),
            age_text=age_text(_Born(date_of_birth, expected_delivery), unit.today),
            question=question,
            requested_at=requested_at,
            due_at=due_at,
            rag=Rag(rag) if rag else None,
            status=status,
            overdue=overdue,
            timing=timing,
            version=version,
            closed_at=returned_at or withdrawn_at,
        )

    def _partner_check(
        self, unit: Unit, r: AgencyCheckRequest, code: str, person: Person
    ) -> PartnerCheck:
        item = self._item(unit, r, code, person)
        address = postcode = None
        if person.household_id is not None:
            found = unit.session.execute(
                select(Household.address, Household.postcode).where(
                    Household.id == person.household_id
                )
            ).first()
            if found is not None:
                address, postcode = found
        returned_by = None
        if r.returned_by is not None:
            returned_by = unit.session.scalar(
                select(User.display_name).where(User.id == r.returned_by)
            )
        return PartnerCheck(
            **{f: getattr(item, f) for f in InboxItem.__dataclass_fields__},
            date_of_birth=person.date_of_birth,
            expected_delivery=person.expected_delivery,
            nhs_number=person.nhs_number,
            address=address,
            postcode=postcode,
            returned_by=returned_by,
            returned_at=r.returned_at,
            finding=r.finding,
            nothing_known=r.nothing_known,
            withdrawal_reason=r.withdrawal_reason,
        )


def _own_agency(unit: Unit) -> int:
    """The agency of the acting user, as stored (never the one an Actor claims)."""
    agency_id = unit.session.scalar(select(User.agency_id).where(User.id == unit.user_id))
    if agency_id is None:  # pragma: no cover - the user was checked a moment ago
        raise PermissionDenied("This user account is not active; sign in again")
    return agency_id


def _require_open(request: AgencyCheckRequest) -> None:
    if request.status == CheckStatus.RETURNED.value:
        raise ValidationError(
            FieldError("status", "open", "This check was already returned; nothing was changed")
        )
    if request.status == CheckStatus.WITHDRAWN.value:
        raise ValidationError(
            FieldError(
                "status",
                "open",
                f"This check was withdrawn ({request.withdrawal_reason}); nothing was changed",
            )
        )


def _person_and_agency(unit: Unit, request: AgencyCheckRequest) -> tuple[int, str]:
    person_id = unit.session.scalar(
        select(Referral.person_id).where(Referral.id == request.referral_id)
    )
    code = unit.session.scalar(select(Agency.code).where(Agency.id == request.agency_id))
    assert person_id is not None and code is not None
    return person_id, code
