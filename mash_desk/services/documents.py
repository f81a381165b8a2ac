"""Decision memos, referrer letters, routing notices and minutes: built, issued, verified.

Each document is built in two steps (issue 6): this service assembles a plain-data model from
the database for one recipient (:mod:`mash_desk.documents.models`), then
:mod:`mash_desk.documents.render` turns it into PDF bytes. The ``*_model`` methods are the
preview: nothing is recorded but the access-log row of the child whose record is shown.

Issuing renders the model, hashes the PDF bytes (SHA-256) and keeps the hash with the
decision, meeting or routing, its version, kind and recipient, who issued it and when, plus
the model itself (JSON). The first issue of a document for a recipient is the original; every
later issue is a numbered copy rendered from the original's stored model with "COPY —
reprinted <date>" on every page, so it says exactly what the original said, with its own hash.
Every print or export of an issued document is recorded (who, when, where, hash) with
:meth:`DocumentService.record_output`, which accepts only the issued bytes.
:meth:`DocumentService.verify` says whether a file is an unaltered issued document.

Documents are produced by MASH staff only. A partner rep receives them and cannot produce any
(every method refuses with ``PermissionDenied`` before reading anything): a memo carries other
agencies' information, and a memo made *for* an agency (``recipient_agency``) carries only
that agency's own returns.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from mash_desk.documents.letterhead import load_letterhead
from mash_desk.documents.models import (
    ActionEntry,
    AgencyReturn,
    AmendmentEntry,
    Attendee,
    ChildDetails,
    ConsentEntry,
    ContactSummary,
    DecisionMemo,
    Document,
    DocumentKind,
    DocumentMeta,
    EscalationEntry,
    Field,
    HouseholdMember,
    InformedEntry,
    MeetingMinutes,
    MinuteCase,
    RagEntry,
    ReferralSummary,
    ReferrerLetter,
    RoutingNotice,
    SharingEntry,
    SignOff,
    Supersession,
    ThresholdIndicator,
    ThresholdSummary,
    as_copy,
)
from mash_desk.documents.render import render_document, sha256_hex
from mash_desk.documents.serialize import from_json, to_json
from mash_desk.documents.wording import (
    family_routing_sections,
    family_routing_title,
    professional_routing_sections,
    referrer_sections,
)
from mash_desk.domain.enums import PRIMARY_NEEDS, REFERRAL_SOURCES, RISK_INDICATORS
from mash_desk.domain.errors import (
    ConflictError,
    FieldError,
    NotFound,
    ValidationError,
)
from mash_desk.domain.meetings import (
    PATHWAY_LABELS,
    AgendaStatus,
    DecisionOutcome,
    DecisionStatus,
)
from mash_desk.domain.outcomes import age_text
from mash_desk.domain.permissions import Permission, require
from mash_desk.domain.referrals import is_re_referral
from mash_desk.domain.routing import RoutingKind
from mash_desk.domain.text import unstorable_problem
from mash_desk.services.access import record_access
from mash_desk.services.case import CaseDTO, CaseService
from mash_desk.services.context import Service, Unit
from mash_desk.services.decisions import DecisionDTO, DecisionService
from mash_desk.services.dto import Actor, OpResult
from mash_desk.services.meetings import MeetingDTO, MeetingService, meeting_policy
from mash_desk.services.routing import RoutingService, routings_of
from mash_desk.services.thresholds import assessment_dtos
from mash_desk.storage.models import (
    Agency,
    AgencyCheckRequest,
    Contact,
    ContactChild,
    Decision,
    DocumentOutput,
    Escalation,
    IssuedDocument,
    Meeting,
    Person,
    RagRating,
    Referral,
    RiskIndicatorRow,
    Routing,
    RoutingInforming,
    ThresholdAssessment,
    User,
)
from mash_desk.storage.prepared import Driver

# What each kind needs, to build (preview) and to issue. Practitioners, managers and chairs
# hold the first three; minutes are issued by whoever runs the meeting (chair or manager).
_BUILD = {
    DocumentKind.DECISION_MEMO: Permission.VIEW_CASE,
    DocumentKind.REFERRER_LETTER: Permission.SEND_FEEDBACK,
    DocumentKind.ROUTING_NOTICE: Permission.ROUTE_CHILD,
    DocumentKind.MEETING_MINUTES: Permission.VIEW_MEETINGS,
}
_ISSUE = {**_BUILD, DocumentKind.MEETING_MINUTES: Permission.RUN_MEETING}

OUTPUT_ACTIONS = ("export", "print")
DESTINATION_MAX = 500
MASH_FILE = "mash"
"""Recipient of the full memo kept on the child's MASH case file."""
AUDIENCES = ("professional", "family")

# Access-log "what" keys: the child's record was shown in a document (access.py).
_ACCESS = {
    DocumentKind.DECISION_MEMO: "document.memo",
    DocumentKind.REFERRER_LETTER: "document.letter",
    DocumentKind.ROUTING_NOTICE: "document.notice",
    DocumentKind.MEETING_MINUTES: "document.minutes",
}
_SUBJECT = re.compile(rb"/Subject \(mash-desk (\w+) ([^)]{0,120})\)")


@dataclass(frozen=True)
class OutputDTO:
    """An issued document exported to a file or sent to a printer."""

    id: int
    document_id: int
    action: str
    destination: str
    sha256: str
    output_by: str
    output_at: datetime


@dataclass(frozen=True)
class IssuedDocumentDTO:
    """An issued document (original or copy) with its hash; ``pdf`` is set when just issued."""

    id: int
    kind: DocumentKind
    reference: str
    recipient: str
    decision_id: int | None
    revision: int | None
    meeting_id: int | None
    routing_id: int | None
    copy_of: int | None
    copy_number: int
    sha256: str
    size: int
    issued_by: str
    issued_at: datetime
    outputs: tuple[OutputDTO, ...] = ()
    pdf: bytes = field(default=b"", repr=False, compare=False)

    @property
    def is_copy(self) -> bool:
        """Whether this is a reprinted copy rather than the original."""
        return self.copy_of is not None

    @property
    def filename(self) -> str:
        """A file name that names the document but never the child (listings are not private)."""
        if self.kind is DocumentKind.MEETING_MINUTES:
            base = "minutes"
        elif self.kind is DocumentKind.ROUTING_NOTICE:
            base = f"notice-routing-{self.routing_id}-{self.recipient}"
        else:
            prefix = "memo" if self.kind is DocumentKind.DECISION_MEMO else "letter"
            base = f"{prefix}-decision-{self.decision_id}-v{self.revision}"
            if self.kind is DocumentKind.DECISION_MEMO and self.recipient != MASH_FILE:
                base += f"-{self.recipient}"
        if self.kind is DocumentKind.MEETING_MINUTES:
            base += f"-meeting-{self.meeting_id}"
        return base + (f"-copy-{self.copy_number}" if self.copy_of is not None else "") + ".pdf"


@dataclass(frozen=True)
class VerifyResult:
    """Whether some bytes are an issued document, unaltered, and which one."""

    sha256: str
    document: IssuedDocumentDTO | None
    claims: str | None = None
    """What the file says it is (its PDF subject), when it matches nothing issued."""

    @property
    def verified(self) -> bool:
        """Whether the bytes are exactly an issued document."""
        return self.document is not None

    @property
    def message(self) -> str:
        """The answer in one sentence."""
        d = self.document
        if d is None:
            text = (
                f"NOT an unaltered issued document: its SHA-256 {self.sha256} matches nothing "
                "this MASH issued"
            )
            if self.claims:
                text += f". It calls itself {self.claims}, so it has been altered or was not issued"
            return text + "."
        what = {
            DocumentKind.DECISION_MEMO: f"decision memo of decision {d.decision_id}, version "
            f"{d.revision}",
            DocumentKind.REFERRER_LETTER: f"referrer letter of decision {d.decision_id}, "
            f"version {d.revision}",
            DocumentKind.ROUTING_NOTICE: f"{d.recipient} notice of routing {d.routing_id}",
            DocumentKind.MEETING_MINUTES: f"minutes of meeting {d.meeting_id}",
        }[d.kind]
        copy = f", copy {d.copy_number} of document {d.copy_of}" if d.copy_of else ", the original"
        return (
            f"Unaltered issued {what} (ref. {d.reference}{copy}), issued "
            f"{d.issued_at:%d %b %Y %H:%M} UTC by {d.issued_by}; SHA-256 {d.sha256}."
        )


@dataclass(frozen=True)
class MeetingPack:
    """What a meeting's documents are: its signed decisions in agenda order, and the minutes."""

    meeting_id: int
    meeting_date: date
    signed_off: bool
    decision_ids: tuple[int, ...]
    undecided: tuple[str, ...]
    """Children on the agenda with neither a signed decision nor a deferral."""


class DocumentService(Service):
    """Build, issue and verify documents; record every print and export."""

    def __init__(self, ctx):
        """Read decisions, case records, routings and meetings through their own services."""
        super().__init__(ctx)
        self._decisions = DecisionService(ctx)
        self._case = CaseService(ctx)
        self._routing = RoutingService(ctx)
        self._meetings = MeetingService(ctx)

    # ---- previews (models) ---------------------------------------------------------------

    def memo_model(
        self, actor: Actor, decision_id: int, recipient_agency: str | None = None
    ) -> DecisionMemo:
        """The decision memo of one decision version, for the case file or for one agency.

        For an agency (``recipient_agency``) the agency information and sharing sections hold
        only that agency's own checks and returns.
        """
        with self.reading(actor, Permission.VIEW_CASE) as unit:
            row = _decision(unit, decision_id)
            referral_id, person_id = row.referral_id, row.person_id
            _recipient(unit, recipient_agency)
        return self._memo(actor, decision_id, referral_id, person_id, recipient_agency)

    def letter_model(self, actor: Actor, decision_id: int) -> ReferrerLetter:
        """The referrer's acknowledgement and outcome letter of a signed decision version."""
        with self.writing(actor, Permission.SEND_FEEDBACK) as unit:
            return self._letter(unit, decision_id)

    def routing_notice_model(
        self, actor: Actor, routing_id: int, audience: str = "professional"
    ) -> RoutingNotice:
        """A step-up, step-down or transfer notice: for professionals, or plainly for the family."""
        with self.writing(actor, Permission.ROUTE_CHILD) as unit:
            return self._notice(unit, routing_id, audience)

    def minutes_model(self, actor: Actor, meeting_id: int) -> MeetingMinutes:
        """The minutes of a meeting: attendance, quorum and each case's decision."""
        with self.reading(actor, Permission.VIEW_MEETINGS) as unit:
            if unit.session.get(Meeting, meeting_id) is None:
                raise NotFound(f"No meeting {meeting_id}")
        meeting = self._meetings.get(actor, meeting_id)
        versions = {
            h.id: h
            for item in meeting.agenda
            for h in self._decisions.history(actor, item.referral_id)
        }
        with self.writing(actor, Permission.VIEW_MEETINGS) as unit:
            return self._minutes(unit, meeting, versions)

    # ---- issuing -------------------------------------------------------------------------

    def issue_memo(
        self, actor: Actor, decision_id: int, recipient_agency: str | None = None
    ) -> OpResult[IssuedDocumentDTO]:
        """Issue the memo of a signed decision version (a numbered copy if already issued)."""
        with self.reading(actor, Permission.VIEW_CASE) as unit:
            row = _decision(unit, decision_id)
            _require_signed(row)
            _recipient(unit, recipient_agency)
            recipient = recipient_agency or MASH_FILE
            ids = _Ids(decision_id, row.revision, None, None, row.person_id)
            referral_id, person_id = row.referral_id, row.person_id
            later = _supersession(unit, row)
        return self._issue(
            actor,
            DocumentKind.DECISION_MEMO,
            f"decision:{decision_id}",
            recipient,
            ids,
            lambda: self._memo(actor, decision_id, referral_id, person_id, recipient_agency),
            # A copy repeats the original, and says too that a later version replaced it.
            on_copy=lambda memo: replace(memo, superseded_by=later),
        )

    def issue_letter(self, actor: Actor, decision_id: int) -> OpResult[IssuedDocumentDTO]:
        """Issue the referrer's outcome letter of a signed decision version."""
        with self.reading(actor, Permission.SEND_FEEDBACK) as unit:
            row = _decision(unit, decision_id)
            _require_signed(row)
            ids = _Ids(decision_id, row.revision, None, None, row.person_id)

        def build() -> Document:
            with self.writing(actor, Permission.SEND_FEEDBACK) as unit:
                return self._letter(unit, decision_id)

        return self._issue(
            actor,
            DocumentKind.REFERRER_LETTER,
            f"decision:{decision_id}",
            "referrer",
            ids,
            build,
        )

    def issue_routing_notice(
        self, actor: Actor, routing_id: int, audience: str = "professional"
    ) -> OpResult[IssuedDocumentDTO]:
        """Issue a routing notice for professionals or the family."""
        with self.reading(actor, Permission.ROUTE_CHILD) as unit:
            row = unit.session.get(Routing, routing_id)
            if row is None:
                raise NotFound(f"No routing {routing_id}")
            _check_audience(audience)
            ids = _Ids(row.decision_id, None, None, routing_id, row.person_id)

        def build() -> Document:
            with self.writing(actor, Permission.ROUTE_CHILD) as unit:
                return self._notice(unit, routing_id, audience)

        return self._issue(
            actor, DocumentKind.ROUTING_NOTICE, f"routing:{routing_id}", audience, ids, build
        )

    def issue_minutes(self, actor: Actor, meeting_id: int) -> OpResult[IssuedDocumentDTO]:
        """Issue the minutes of a signed-off meeting."""
        with self.reading(actor, Permission.RUN_MEETING) as unit:
            meeting = unit.session.get(Meeting, meeting_id)
            if meeting is None:
                raise NotFound(f"No meeting {meeting_id}")
            if meeting.signed_off_at is None:
                raise ValidationError(
                    FieldError(
                        "meeting",
                        "signed_off",
                        "Minutes are issued once the chair has signed the meeting off",
                    )
                )

        def build() -> Document:
            return self.minutes_model(actor, meeting_id)

        return self._issue(
            actor,
            DocumentKind.MEETING_MINUTES,
            f"meeting:{meeting_id}",
            "meeting",
            _Ids(None, None, meeting_id, None, None),
            build,
        )

    def record_output(
        self, actor: Actor, document_id: int, action: str, destination: str, data: bytes
    ) -> OpResult[OutputDTO]:
        """Record that an issued document was exported (a path) or printed (a printer).

        ``data`` must be the issued bytes: the hash recorded is of what was written out, and
        anything else is refused.
        """
        errors = []
        if action not in OUTPUT_ACTIONS:
            errors.append(FieldError("action", "choice", f"Say export or print, not {action!r}"))
        where = (destination or "").strip()
        unstorable = unstorable_problem(where, "destination", "The destination")
        if not where:
            errors.append(FieldError("destination", "required", "Say where it went"))
        elif unstorable:
            errors.append(unstorable)
        elif len(where) > DESTINATION_MAX or any(ord(c) < 32 for c in where):
            errors.append(
                FieldError(
                    "destination",
                    "format",
                    f"The destination must be one line of at most {DESTINATION_MAX} characters",
                )
            )
        digest = sha256_hex(data)
        with self.writing(actor, Permission.VIEW_CASE) as unit:
            row = unit.session.get(IssuedDocument, document_id)
            if row is None:
                raise NotFound(f"No issued document {document_id}")
            require(unit.role, _ISSUE[DocumentKind(row.kind)])
            if digest != row.sha256:
                errors.append(
                    FieldError(
                        "data",
                        "issued_bytes",
                        f"These bytes are not document {row.reference} as issued (their "
                        "SHA-256 differs); only the issued file is printed or exported",
                    )
                )
            if errors:
                raise ValidationError(errors)
            output = DocumentOutput(
                document_id=row.id,
                action=action,
                destination=where,
                sha256=digest,
                output_by=unit.user_id,
                output_at=unit.now,
            )
            unit.session.add(output)
            unit.session.flush()
            unit.audit(
                f"document.{'exported' if action == 'export' else 'printed'}",
                "issued_document",
                row.id,
                person_id=row.person_id,
                reference=row.reference,
                destination=where,
                sha256=digest,
            )
            return OpResult(
                _output_dto(output, _name(unit, unit.user_id)),
                frozenset({"documents", f"document:{row.id}"}),
            )

    # ---- reading the register ------------------------------------------------------------

    def verify(self, actor: Actor, data: bytes) -> VerifyResult:
        """Whether ``data`` is exactly a document this MASH issued, and which one.

        Any signed-in user may ask: the answer names the document's kind, ids, version and who
        issued it — never a child — and only for bytes the caller already holds.
        """
        digest = sha256_hex(data)
        with self.ctx.db.read_connection() as conn:
            self._check_user(Driver(conn), actor)
            found_id = conn.execute(
                select(IssuedDocument.id)
                .where(IssuedDocument.sha256 == digest)
                .order_by(IssuedDocument.id)
                .limit(1)
            ).scalar()
        if found_id is None:
            found = _SUBJECT.search(data)
            claims = None
            if found:
                kind, ids = found.group(1).decode(), found.group(2).decode("latin-1")
                claims = f"a {kind.replace('_', ' ')} ({ids.replace('=', ' ')})"
            return VerifyResult(digest, None, claims)
        with self.ctx.db.reading() as session:
            row = session.get(IssuedDocument, found_id)
            assert row is not None
            name = session.scalar(select(User.display_name).where(User.id == row.issued_by))
            return VerifyResult(digest, _issued_dto(row, name or "", ()))

    def issued_for(
        self,
        actor: Actor,
        *,
        decision_id: int | None = None,
        meeting_id: int | None = None,
        routing_id: int | None = None,
    ) -> tuple[IssuedDocumentDTO, ...]:
        """Issued documents (originals and copies) of a decision, meeting or routing."""
        with self.reading(actor, Permission.VIEW_CASE) as unit:
            condition = None
            for column, value in (
                (IssuedDocument.decision_id, decision_id),
                (IssuedDocument.meeting_id, meeting_id),
                (IssuedDocument.routing_id, routing_id),
            ):
                if value is not None:
                    clause = column == value
                    condition = clause if condition is None else condition | clause
            if condition is None:
                raise ValidationError(
                    FieldError("subject", "required", "Name a decision, meeting or routing")
                )
            rows = unit.session.scalars(
                select(IssuedDocument).where(condition).order_by(IssuedDocument.id)
            ).all()
            outputs: dict[int, list[OutputDTO]] = {}
            for out in unit.session.scalars(
                select(DocumentOutput)
                .where(DocumentOutput.document_id.in_([r.id for r in rows]))
                .order_by(DocumentOutput.id)
            ):
                outputs.setdefault(out.document_id, []).append(
                    _output_dto(out, _name(unit, out.output_by))
                )
            return tuple(
                _issued_dto(r, _name(unit, r.issued_by), tuple(outputs.get(r.id, ()))) for r in rows
            )

    def meeting_pack(self, actor: Actor, meeting_date: date) -> MeetingPack:
        """The meeting held on ``meeting_date``: its signed decisions in agenda order."""
        with self.reading(actor, Permission.VIEW_MEETINGS) as unit:
            meeting_id = unit.session.scalar(
                select(Meeting.id).where(Meeting.meeting_date == meeting_date)
            )
            if meeting_id is None:
                raise NotFound(f"No MASH meeting was held on {meeting_date:%a %d %b %Y}")
        meeting = self._meetings.get(actor, meeting_id)
        with self.reading(actor, Permission.VIEW_MEETINGS) as unit:
            signed = dict(
                unit.session.execute(
                    select(Decision.referral_id, func.max(Decision.id))
                    .where(
                        Decision.meeting_id == meeting_id,
                        Decision.status == DecisionStatus.SIGNED.value,
                    )
                    .group_by(Decision.referral_id)
                ).all()
            )
        undecided = tuple(
            item.child_name
            for item in meeting.agenda
            if item.referral_id not in signed and item.status is not AgendaStatus.DEFERRED
        )
        return MeetingPack(
            meeting_id=meeting.id,
            meeting_date=meeting.meeting_date,
            signed_off=meeting.signed_off_at is not None,
            decision_ids=tuple(
                signed[i.referral_id] for i in meeting.agenda if i.referral_id in signed
            ),
            undecided=undecided,
        )

    # ---- issuing, shared -----------------------------------------------------------------

    def _issue(
        self,
        actor: Actor,
        kind: DocumentKind,
        subject: str,
        recipient: str,
        ids: _Ids,
        build: Callable[[], Document],
        on_copy: Callable[[Any], Document] | None = None,
    ) -> OpResult[IssuedDocumentDTO]:
        permission = _ISSUE[kind]
        with self.reading(actor, permission) as unit:
            original = unit.session.execute(
                select(IssuedDocument.id, IssuedDocument.model).where(
                    IssuedDocument.kind == kind.value,
                    IssuedDocument.subject == subject,
                    IssuedDocument.recipient == recipient,
                    IssuedDocument.copy_of_id.is_(None),
                )
            ).first()
            copy_number = 0
            if original is not None:
                copy_number = 1 + (
                    unit.session.scalar(
                        select(func.max(IssuedDocument.copy_number)).where(
                            IssuedDocument.copy_of_id == original.id
                        )
                    )
                    or 0
                )
            today = unit.today
        if original is None:
            model = build()
        else:
            # A copy says what the original said, whatever has changed since.
            model = as_copy(from_json(original.model), today, copy_number)
            if on_copy is not None:
                model = on_copy(model)
        pdf = render_document(model)
        digest = sha256_hex(pdf)
        try:
            # Two users issuing the same original, or the same copy number, at the same moment:
            # the unique indexes refuse the second, which is told to issue again.
            with self.writing(actor, permission) as unit:
                if original is not None and ids.person_id is not None:
                    record_access(unit, ids.person_id, _ACCESS[kind], model.meta.reference)
                row = IssuedDocument(
                    kind=kind.value,
                    subject=subject,
                    recipient=recipient,
                    decision_id=ids.decision_id,
                    revision=ids.revision,
                    meeting_id=ids.meeting_id,
                    routing_id=ids.routing_id,
                    person_id=ids.person_id,
                    reference=model.meta.reference,
                    copy_of_id=original.id if original is not None else None,
                    copy_number=copy_number,
                    sha256=digest,
                    size=len(pdf),
                    model=to_json(model),
                    issued_by=unit.user_id,
                    issued_at=unit.now,
                )
                unit.session.add(row)
                unit.session.flush()
                unit.audit(
                    "document.reprinted" if original is not None else "document.issued",
                    "issued_document",
                    row.id,
                    person_id=ids.person_id,
                    kind=kind.value,
                    reference=row.reference,
                    recipient=recipient,
                    sha256=digest,
                    copy_of=row.copy_of_id,
                    copy_number=copy_number,
                )
                dto = _issued_dto(row, _name(unit, unit.user_id), (), pdf)
        except IntegrityError as exc:
            raise ConflictError(
                "Someone else issued this document a moment ago; nothing was recorded. Issue "
                "it again to print a copy."
            ) from exc
        return OpResult(dto, frozenset({"documents", subject}))

    # ---- building the models -------------------------------------------------------------

    def _meta(
        self,
        unit: Unit,
        kind: DocumentKind,
        title: str,
        reference: str,
        prepared_for: str,
        *,
        draft: bool = False,
    ) -> DocumentMeta:
        return DocumentMeta(
            kind=kind.value,
            title=title,
            reference=reference,
            generated_at=unit.now,
            prepared_for=prepared_for,
            letterhead=load_letterhead(),
            timezone=self.ctx.policy.timezone,
            draft=draft,
        )

    def _memo(
        self,
        actor: Actor,
        decision_id: int,
        referral_id: int,
        person_id: int,
        recipient_agency: str | None,
    ) -> DecisionMemo:
        # The decision, the case record and the routings come through their own services
        # (each checks the actor again); the rest is read below in one unit.
        history = self._decisions.history(actor, referral_id)
        d = next(h for h in history if h.id == decision_id)
        case = self._case.view(actor, person_id)
        feedback = [f for f in self._decisions.feedback(actor, referral_id)]
        with self.writing(actor, Permission.VIEW_CASE) as unit:
            names = _Names(unit)
            agencies = _agencies(unit)
            routings = [r for r in routings_of(unit, person_id) if r.decision_id == d.id]
            referral = unit.session.get(Referral, referral_id)
            assert referral is not None
            contact_child = unit.session.get(ContactChild, referral.contact_child_id)
            assert contact_child is not None
            contact = unit.session.get(Contact, contact_child.contact_id)
            assert contact is not None
            row = _decision(unit, decision_id)
            risk = [
                RISK_INDICATORS.get(code, code)
                for code in unit.session.scalars(
                    select(RiskIndicatorRow.code)
                    .where(RiskIndicatorRow.contact_id == contact.id)
                    .order_by(RiskIndicatorRow.code)
                )
            ]
            rag = [
                RagEntry(r.rated_at, r.value, r.reason, names(r.rated_by))
                for r in unit.session.scalars(
                    select(RagRating)
                    .where(RagRating.contact_child_id == contact_child.id)
                    .order_by(RagRating.rated_at, RagRating.id)
                )
            ]
            checks = unit.session.scalars(
                select(AgencyCheckRequest)
                .where(AgencyCheckRequest.referral_id == referral_id)
                .order_by(AgencyCheckRequest.requested_at, AgencyCheckRequest.id)
            ).all()
            recipient_id = None
            if recipient_agency is not None:
                recipient_id = _recipient(unit, recipient_agency)
                checks = [c for c in checks if c.agency_id == recipient_id]
                scope = (
                    f"Prepared for {agencies.name_of_code(recipient_agency)}: only that agency's "
                    "own checks and returns are shown. Other agencies' information is held by "
                    "the MASH."
                )
            else:
                scope = "MASH case file: every agency's checks and returns are shown."
            returns = tuple(_agency_return(c, agencies) for c in checks)
            sharing = tuple(
                SharingEntry(
                    agencies.name(c.agency_id), c.requested_at, c.question, names(c.requested_by)
                )
                for c in checks
            )
            threshold = self._threshold(unit, row)
            escalations = tuple(self._escalations(unit, d.id, agencies))
            meeting = unit.session.get(Meeting, d.meeting_id) if d.meeting_id else None
            where = (
                f"Daily MASH meeting {meeting.meeting_date:%a %d %b %Y}, chair "
                f"{names(meeting.chair_id)}"
                if meeting is not None
                else "Between meetings (red referral), signed by a manager"
            )
            informed = _informed(d, feedback, routings, agencies)
            memo = DecisionMemo(
                meta=self._meta(
                    unit,
                    DocumentKind.DECISION_MEMO,
                    "MASH decision memo",
                    f"MASH/DM/{d.id}/{d.revision}"
                    + (f"/{recipient_agency.upper()}" if recipient_agency else ""),
                    agencies.name_of_code(recipient_agency)
                    if recipient_agency
                    else "MASH case file",
                    draft=d.status is not DecisionStatus.SIGNED,
                ),
                decision_id=d.id,
                referral_id=d.referral_id,
                revision=d.revision,
                status=d.status.value,
                child=ChildDetails(
                    name=case.child.full_name,
                    date_of_birth=case.child.date_of_birth,
                    expected_delivery=case.child.expected_delivery,
                    age_text=case.age_text,
                    sex=case.child.sex,
                    identifiers=tuple(Field(label, value) for label, value in case.identifiers),
                    address=case.address,
                    postcode=case.child.postcode,
                    flags=_memo_flags(case, referral),
                ),
                household=tuple(
                    HouseholdMember(
                        m.person.full_name,
                        m.relationship,
                        age_text(m.person, unit.today),
                        m.same_household,
                    )
                    for m in case.household
                ),
                contact=ContactSummary(
                    contact_id=contact.id,
                    received_at=contact.received_at,
                    channel=contact.channel.replace("_", " ").capitalize(),
                    referrer=", ".join(
                        x
                        for x in (
                            contact.referrer_name,
                            contact.referrer_role,
                            contact.referrer_agency,
                        )
                        if x
                    )
                    or "Not named",
                    source=REFERRAL_SOURCES.get(contact.referral_source, contact.referral_source),
                    concerns=contact.concerns,
                    risk_indicators=tuple(risk),
                ),
                referral=ReferralSummary(
                    referral_id=referral.id,
                    referral_at=referral.referral_at,
                    primary_need=f"{referral.primary_need} "
                    + PRIMARY_NEEDS.get(referral.primary_need, ""),
                    decision_due_at=referral.decision_due_at,
                    rag=referral.rag,
                ),
                agency_scope=scope,
                agency_returns=returns,
                rag_history=tuple(rag),
                threshold=threshold,
                outcome=d.outcome.label,
                rationale=d.rationale,
                pathways=tuple(PATHWAY_LABELS[p] for p in d.pathways),
                allocated_team=d.allocated_team,
                allocated_worker=names(d.allocated_worker_id) or None,
                s47_started_on=d.s47_started_on,
                consents=tuple(
                    ConsentEntry(
                        c.purpose.replace("_", " ").capitalize(),
                        c.state.replace("_", " "),
                        _consent_detail(c.reason, c.lawful_basis, c.approved_by),
                        c.recorded_by,
                        c.recorded_at,
                    )
                    for c in case.consents
                ),
                sharing=sharing,
                actions=tuple(_action(a, agencies, names) for a in d.actions),
                informed=informed,
                escalations=escalations,
                sign_off=SignOff(
                    drafted_by=names(d.drafted_by),
                    drafted_at=row.drafted_at,
                    signed_by=names(d.signed_by) or None,
                    signed_at=d.signed_at,
                    where=where,
                ),
                amendments=tuple(
                    AmendmentEntry(
                        revision=h.revision,
                        decision_id=h.id,
                        status=h.status.value,
                        signed_at=h.signed_at,
                        signed_by=names(h.signed_by) or None,
                        outcome=h.outcome.label,
                        level=h.level,
                        reason=h.amendment_reason,
                    )
                    for h in history
                    if h.revision <= d.revision
                ),
                superseded_by=_supersession(unit, row),
            )
            record_access(unit, person_id, _ACCESS[DocumentKind.DECISION_MEMO], memo.meta.reference)
            return memo

    def _threshold(self, unit: Unit, row: Decision) -> ThresholdSummary:
        library = self.ctx.thresholds.library(unit.conn)
        assessment = unit.session.get(ThresholdAssessment, row.assessment_id)
        assert assessment is not None
        [view] = assessment_dtos(unit, library, [assessment])
        document = library.get((row.document_id, row.document_version))
        return ThresholdSummary(
            level=row.level,
            level_label=view.level_label,
            document_title=view.document_title,
            document_id=row.document_id,
            document_version=row.document_version,
            suggested_level=view.suggested_level,
            override=view.override,
            level_rationale=view.rationale,
            indicators=tuple(
                ThresholdIndicator(i.level, i.domain, i.text) for i in view.indicators
            ),
            consent_rule=document.level(row.level).consent.text,
            pathways_raised=view.pathways,
            outcome_level_reason=row.outcome_level_reason,
        )

    def _escalations(self, unit: Unit, decision_id: int, agencies: _Agencies):
        policy = meeting_policy(self.ctx)
        for e in unit.session.scalars(
            select(Escalation)
            .where(Escalation.decision_id == decision_id)
            .order_by(Escalation.raised_at, Escalation.id)
        ):
            yield EscalationEntry(
                agency=agencies.name(e.agency_id),
                reason=e.reason,
                raised_at=e.raised_at,
                stage=e.stage,
                stage_name=policy.stage(e.stage).name,
                status=e.status,
                due_at=e.due_at,
                resolution=e.resolution,
            )

    def _letter(self, unit: Unit, decision_id: int) -> ReferrerLetter:
        row = _decision(unit, decision_id)
        _require_signed(row)
        referral = unit.session.get(Referral, row.referral_id)
        assert referral is not None
        contact = unit.session.scalar(
            select(Contact)
            .join(ContactChild, ContactChild.contact_id == Contact.id)
            .where(ContactChild.id == referral.contact_child_id)
        )
        person = unit.session.get(Person, row.person_id)
        assert contact is not None and person is not None
        names = _Names(unit)
        tz = self.ctx.tz
        outcome = DecisionOutcome(row.outcome)
        assert row.signed_at is not None
        decided = row.signed_at.astimezone(tz).date()
        signer = unit.session.get(User, row.signed_by)
        role = {"chair": "Daily meeting chair", "manager": "Team manager, MASH"}.get(
            signer.role_code if signer else "", "MASH"
        )
        letter = ReferrerLetter(
            meta=self._meta(
                unit,
                DocumentKind.REFERRER_LETTER,
                "Referral outcome",
                f"MASH/RL/{row.id}/{row.revision}",
                "The referrer",
            ),
            decision_id=row.id,
            revision=row.revision,
            to_name=contact.referrer_name or "Referrer",
            to_role=contact.referrer_role,
            to_agency=contact.referrer_agency,
            child_name=f"{person.given_name} {person.family_name.upper()}",
            child_born=_born(person.date_of_birth, person.expected_delivery),
            contact_received_at=contact.received_at,
            decided_on=decided,
            outcome=outcome.label,
            sections=referrer_sections(
                outcome,
                outcome.label,
                f"{contact.received_at.astimezone(tz):%d %B %Y}",
                f"{decided:%d %B %Y}",
                row.allocated_team,
            ),
            signed_by=names(row.signed_by),
            signed_role=role,
        )
        record_access(
            unit, row.person_id, _ACCESS[DocumentKind.REFERRER_LETTER], letter.meta.reference
        )
        return letter

    def _notice(self, unit: Unit, routing_id: int, audience: str) -> RoutingNotice:
        _check_audience(audience)
        row = unit.session.get(Routing, routing_id)
        if row is None:
            raise NotFound(f"No routing {routing_id}")
        person = unit.session.get(Person, row.person_id)
        assert person is not None
        agencies = _agencies(unit)
        kind = RoutingKind(row.kind)
        kind_label = {"step_up": "Step-up", "step_down": "Step-down", "transfer": "Transfer"}[
            kind.value
        ]
        to_service = agencies.name(row.to_agency_id)
        family = audience == "family"
        child = f"{person.given_name} {person.family_name.upper()}"
        consent = {True: "Given", False: "Refused", None: "Not recorded"}[row.family_consent]
        if family:
            title = family_routing_title(kind.value)
            sections = family_routing_sections(
                kind.value,
                person.given_name,
                to_service,
                kind is RoutingKind.STEP_DOWN,
                row.childrens_centre_offer,
            )
        else:
            title = f"{kind_label} notification"
            sections = professional_routing_sections(kind.value, to_service)
        notice = RoutingNotice(
            meta=self._meta(
                unit,
                DocumentKind.ROUTING_NOTICE,
                title,
                f"MASH/RN/{row.id}/{'F' if family else 'P'}",
                "The child's parents or carers" if family else "Professionals involved",
            ),
            routing_id=row.id,
            audience=audience,
            kind_label=kind_label,
            child_name=child,
            child_born=_born(person.date_of_birth, person.expected_delivery),
            from_service=agencies.name(row.from_agency_id),
            to_service=to_service,
            to_team=row.to_team,
            level_before=None if family else row.level_before,
            level_after=row.level_after,
            # The family's letter never repeats the professional reasons: they may carry
            # agency information the family is not told.
            reason=None if family else row.reason,
            handover_summary=None if family else row.handover_summary,
            family_consent=consent,
            childrens_centre_offer=row.childrens_centre_offer,
            informed=()
            if family
            else tuple(
                InformedEntry(
                    i.party.capitalize(), i.who, i.method.replace("_", " "), i.informed_at
                )
                for i in unit.session.scalars(
                    select(RoutingInforming)
                    .where(RoutingInforming.routing_id == row.id)
                    .order_by(RoutingInforming.id)
                )
            ),
            sections=sections,
        )
        record_access(
            unit, row.person_id, _ACCESS[DocumentKind.ROUTING_NOTICE], notice.meta.reference
        )
        return notice

    def _minutes(
        self, unit: Unit, meeting: MeetingDTO, versions: dict[int, DecisionDTO]
    ) -> MeetingMinutes:
        names = _Names(unit)
        agencies = _agencies(unit)
        library = self.ctx.thresholds.library(unit.conn)
        stored = unit.session.get(Meeting, meeting.id)
        assert stored is not None
        decisions: dict[int, Decision] = {}
        for d in unit.session.scalars(
            select(Decision)
            .where(Decision.meeting_id == meeting.id)
            .order_by(Decision.revision, Decision.id)
        ):
            decisions[d.referral_id] = d
        ids = [d.id for d in decisions.values()]
        dissent: dict[int, list[str]] = {}
        for e in unit.session.scalars(
            select(Escalation).where(Escalation.decision_id.in_(ids)).order_by(Escalation.id)
        ):
            dissent.setdefault(e.decision_id, []).append(
                f"{agencies.name(e.agency_id)}: {e.reason}"
            )
        cases = []
        for position, item in enumerate(meeting.agenda, start=1):
            decided = decisions.get(item.referral_id)
            dto = versions.get(decided.id) if decided is not None else None
            level_label = None
            if decided is not None:
                level_label = (
                    library.get((decided.document_id, decided.document_version))
                    .level(decided.level)
                    .label
                )
            cases.append(
                MinuteCase(
                    position=position,
                    child_name=item.child_name,
                    referral_id=item.referral_id,
                    rag=item.rag,
                    status=item.status.value if decided is None else decided.status,
                    decision_id=decided.id if decided else None,
                    revision=decided.revision if decided else None,
                    outcome=DecisionOutcome(decided.outcome).label if decided else None,
                    level_label=level_label,
                    rationale=decided.rationale if decided else None,
                    pathways=tuple(PATHWAY_LABELS[p] for p in dto.pathways) if dto else (),
                    actions=tuple(_action(a, agencies, names) for a in dto.actions) if dto else (),
                    deferred_reason=item.deferred_reason
                    if item.status is AgendaStatus.DEFERRED
                    else None,
                    dissent=tuple(dissent.get(decided.id, ())) if decided else (),
                )
            )
        minutes = MeetingMinutes(
            meta=self._meta(
                unit,
                DocumentKind.MEETING_MINUTES,
                "Meeting minutes",
                f"MASH/MM/{meeting.meeting_date:%Y%m%d}",
                "Attendees and service managers",
            ),
            meeting_id=meeting.id,
            meeting_date=meeting.meeting_date,
            chair=meeting.chair_name,
            attendance=tuple(
                Attendee(a.agency_name, a.attendee_name, a.present) for a in meeting.attendance
            ),
            quorate=meeting.quorate,
            quorum_missing=tuple(agencies.name_of_code(c) for c in meeting.quorum_missing),
            quorum_reason=meeting.quorum_reason,
            cases=tuple(cases),
            signed_off_by=names(stored.signed_off_by) or None,
            signed_off_at=stored.signed_off_at,
        )
        for item in meeting.agenda:
            record_access(
                unit, item.person_id, _ACCESS[DocumentKind.MEETING_MINUTES], minutes.meta.reference
            )
        return minutes


# ---- helpers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Ids:
    """What an issued document is about."""

    decision_id: int | None
    revision: int | None
    meeting_id: int | None
    routing_id: int | None
    person_id: int | None


class _Names:
    """Display names of users, each looked up once."""

    def __init__(self, unit: Unit):
        self._unit = unit
        self._known: dict[int, str] = {}

    def __call__(self, user_id: int | None) -> str:
        if user_id is None:
            return ""
        if user_id not in self._known:
            self._known[user_id] = _name(self._unit, user_id)
        return self._known[user_id]


def _name(unit: Unit, user_id: int) -> str:
    name = unit.session.scalar(select(User.display_name).where(User.id == user_id))
    return name or "unknown user"


class _Agencies:
    """Agency names by id and by code."""

    def __init__(self, rows: list[tuple[int, str, str]]):
        self._by_id = {i: name for i, _, name in rows}
        self._by_code = {code: name for _, code, name in rows}

    def name(self, agency_id: int | None) -> str:
        return self._by_id.get(agency_id or 0, "Unknown agency")

    def name_of_code(self, code: str | None) -> str:
        return self._by_code.get(code or "", code or "")


def _agencies(unit: Unit) -> _Agencies:
    return _Agencies(
        [
            (agency_id, code, name)
            for agency_id, code, name in unit.session.execute(
                select(Agency.id, Agency.code, Agency.name)
            )
        ]
    )


def _decision(unit: Unit, decision_id: int) -> Decision:
    row = unit.session.get(Decision, decision_id)
    if row is None:
        raise NotFound(f"No decision {decision_id}")
    return row


def _require_signed(row: Decision) -> None:
    if row.status != DecisionStatus.SIGNED.value:
        raise ValidationError(
            FieldError(
                "decision",
                "signed",
                "Only a signed decision's documents are issued; this one is still a draft "
                "(preview it instead)",
            )
        )


def _recipient(unit: Unit, code: str | None) -> int | None:
    """The id of the recipient agency (None: the MASH case file); refuses an unknown code."""
    if code is None:
        return None
    problem = unstorable_problem(code, "recipient_agency", "Recipient agency")
    if problem:
        raise ValidationError(problem)
    agency_id = unit.session.scalar(select(Agency.id).where(Agency.code == code, Agency.active))
    if agency_id is None:
        raise ValidationError(FieldError("recipient_agency", "exists", f"Unknown agency {code!r}"))
    return agency_id


def _check_audience(audience: str) -> None:
    if audience not in AUDIENCES:
        raise ValidationError(
            FieldError(
                "audience", "choice", f"A notice is for professional or family, not {audience!r}"
            )
        )


def _born(dob: date | None, edd: date | None) -> str:
    if dob is not None:
        return f"born {dob:%d %b %Y}"
    if edd is not None:
        return f"unborn, due {edd:%d %b %Y}"
    return "date of birth not known"


def _supersession(unit: Unit, row: Decision) -> Supersession | None:
    """The newest signed version of the decision after ``row``, if it has been amended."""
    later = unit.session.scalar(
        select(Decision)
        .where(
            Decision.referral_id == row.referral_id,
            Decision.revision > row.revision,
            Decision.status == DecisionStatus.SIGNED.value,
        )
        .order_by(Decision.revision.desc())
        .limit(1)
    )
    if later is None:
        return None
    return Supersession(
        revision=later.revision,
        decision_id=later.id,
        reference=f"MASH/DM/{later.id}/{later.revision}",
        signed_at=later.signed_at,
        signed_by=_name(unit, later.signed_by) if later.signed_by is not None else None,
        reason=later.amendment_reason,
    )


def _memo_flags(case: CaseDTO, referral: Referral) -> tuple[str, ...]:
    """The child's flags as they bear on *this* referral.

    The case record's re-referral flag is about the child's newest (or next) referral; a
    memo is about one referral, which is a re-referral only if another came in the 12 months
    before it — never because of itself, or of a referral made after it.
    """
    flags = [f.label for f in case.flags if f.code != "re_referral"]
    others = (r.referral_at for r in case.history.referrals if r.referral_id != referral.id)
    if is_re_referral(referral.referral_at, others):
        flags.insert(0, "Re-referral")
    return tuple(flags)


def _consent_detail(reason: str | None, basis: str | None, approver: str | None) -> str:
    if basis:
        return f"Lawful basis: {basis}" + (f" (approved by {approver})" if approver else "")
    return reason or ""


def _agency_return(c: AgencyCheckRequest, agencies: _Agencies) -> AgencyReturn:
    if c.status == "returned":
        answer = "Nothing known" if c.nothing_known else (c.finding or "")
    elif c.status == "withdrawn":
        answer = f"Withdrawn: {c.withdrawal_reason or ''}".strip()
    else:
        answer = ""
    return AgencyReturn(
        agency=agencies.name(c.agency_id),
        question=c.question,
        status=c.status,
        answer=answer,
        requested_at=c.requested_at,
        returned_at=c.returned_at,
    )


def _action(a, agencies: _Agencies, names: _Names) -> ActionEntry:
    owner = agencies.name_of_code(a.owner_agency) if a.owner_agency else names(a.owner_user_id)
    # ``status`` arrived on ActionDTO with partner action work; older DTOs have none.
    return ActionEntry(a.description, owner, a.due_on, getattr(a, "status", "open"))


def _informed(d: DecisionDTO, feedback, routings, agencies: _Agencies) -> tuple[InformedEntry, ...]:
    """Who was told of the decision: as recorded on it, the referrer's feedback, routings."""
    found = [
        InformedEntry(party, text, "as recorded on the decision", None)
        for party, text in (
            ("Family", d.inform_family),
            ("Referrer", d.inform_referrer),
            ("Professionals", d.inform_professionals),
        )
        if text
    ]
    for f in feedback:
        if f.decision_id != d.id:
            continue
        if f.sent_at is not None:
            how = f.method.value.replace("_", " ") if f.method else ""
            found.append(InformedEntry("Referrer", "Outcome feedback sent", how, f.sent_at))
        else:
            found.append(
                InformedEntry(
                    "Referrer",
                    f"Outcome feedback not sent yet (due {f.due_at:%d %b %Y %H:%M} UTC)",
                    "",
                    None,
                )
            )
    for r in routings:
        for i in r.informed:
            found.append(
                InformedEntry(
                    i.party.value.capitalize(),
                    f"{i.who} (routing {r.id} to {agencies.name_of_code(r.to_agency)})",
                    i.method.value.replace("_", " "),
                    i.informed_at,
                )
            )
    return tuple(found)


def _output_dto(o: DocumentOutput, by: str) -> OutputDTO:
    return OutputDTO(o.id, o.document_id, o.action, o.destination, o.sha256, by, o.output_at)


def _issued_dto(
    r: IssuedDocument, by: str, outputs: tuple[OutputDTO, ...], pdf: bytes = b""
) -> IssuedDocumentDTO:
    return IssuedDocumentDTO(
        id=r.id,
        kind=DocumentKind(r.kind),
        reference=r.reference,
        recipient=r.recipient,
        decision_id=r.decision_id,
        revision=r.revision,
        meeting_id=r.meeting_id,
        routing_id=r.routing_id,
        copy_of=r.copy_of_id,
        copy_number=r.copy_number,
        sha256=r.sha256,
        size=r.size,
        issued_by=by,
        issued_at=r.issued_at,
        outputs=outputs,
        pdf=pdf,
    )
