"""Decision memos, referrer letters, routing notices and minutes: built, issued, verified.

Each document is built in two steps (issue 6): a builder assembles a plain-data model from the
database for one recipient (:mod:`mash_desk.documents.models`), then
:mod:`mash_desk.documents.render` turns it into PDF bytes. The ``*_model`` methods are the
preview: nothing is recorded but the access-log row of the child whose record is shown.

Issuing renders the model, hashes the PDF bytes (SHA-256) and keeps the hash with the
decision, meeting or routing, its version, kind and recipient, who issued it and when, plus
the model itself (JSON). The first issue of a document for a recipient is the original; every
later issue is a numbered copy rendered from the original's stored model with "COPY —
reprinted <date>" on every page, so it says exactly what the original said, with its own hash.
Outputs and verification: :mod:`mash_desk.services.document_register`.

Where each part lives: the memo's reads and sections in :mod:`.memo_model` and
:mod:`.memo_child`, letters and notices in :mod:`.document_letters`, minutes in
:mod:`.document_minutes`, what they share in :mod:`.document_parts`, the register's DTOs in
:mod:`.document_records` (re-exported here, where the GUI and printing import them).

Documents are produced by MASH staff only. A partner rep receives them and cannot produce any
(every method refuses with ``PermissionDenied`` before reading anything): a memo carries other
agencies' information, and a memo made *for* an agency (``recipient_agency``) carries only
that agency's own returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import NamedTuple

from mash_desk.documents.models import (
    DecisionMemo,
    Document,
    DocumentKind,
    MeetingMinutes,
    ReferrerLetter,
    RoutingNotice,
    as_copy,
)
from mash_desk.documents.render import render_document, sha256_hex
from mash_desk.documents.serialize import from_json, to_json
from mash_desk.domain.changes import Kind, RecordKey, Topic, change_keys, record_key
from mash_desk.domain.errors import ConflictError, FieldError, NotFound, ValidationError
from mash_desk.domain.permissions import Permission, require
from mash_desk.services.access import record_access
from mash_desk.services.case_referrals import decisions_by_referral
from mash_desk.services.context import Unit
from mash_desk.services.document_letters import build_letter, build_notice
from mash_desk.services.document_minutes import build_minutes
from mash_desk.services.document_parts import (
    ACCESS,
    ISSUE,
    UNKNOWN_USER,
    agency_recipient,
    check_audience,
    decision_row,
    require_signed,
)
from mash_desk.services.document_records import (
    MASH_FILE,
    IssuedDocumentDTO,
    MeetingPack,
    OutputDTO,
    VerifyResult,
)
from mash_desk.services.document_register import DESTINATION_MAX, OUTPUT_ACTIONS, DocumentRegister
from mash_desk.services.dto import Actor, OpResult
from mash_desk.services.memo_model import build_memo, read_versions, supersession
from mash_desk.storage.models import Meeting, Routing
from mash_desk.storage.prepared_case import AGENCIES
from mash_desk.storage.prepared_memo import DISPLAY_NAME, INSERT_ISSUED, ORIGINAL

__all__ = [
    "DESTINATION_MAX",
    "MASH_FILE",
    "OUTPUT_ACTIONS",
    "DocumentService",
    "IssuedDocumentDTO",
    "MeetingPack",
    "OutputDTO",
    "VerifyResult",
]


@dataclass(frozen=True)
class _About:
    """What an issued document is about, and for whom (the register's key and ids)."""

    kind: DocumentKind
    subject: RecordKey
    recipient: str
    decision_id: int | None = None
    revision: int | None = None
    meeting_id: int | None = None
    routing_id: int | None = None
    person_id: int | None = None


class _Original(NamedTuple):
    """The original issue of a document, as stored, and how many copies followed it."""

    id: int
    model: str
    copies: int | None


class DocumentService(DocumentRegister):
    """Build, issue and verify documents; record every print and export."""

    # ---- previews (models) ---------------------------------------------------------------

    def memo_model(
        self, actor: Actor, decision_id: int, recipient_agency: str | None = None
    ) -> DecisionMemo:
        """The decision memo of one decision version, for the case file or for one agency.

        For an agency (``recipient_agency``) the agency information and sharing sections hold
        only that agency's own checks and returns.
        """
        with self.writing(actor, Permission.VIEW_CASE) as unit:
            require(unit.role, Permission.VIEW_DECISIONS)
            versions, d = read_versions(unit, decision_id)
            memo = build_memo(unit, self.ctx, versions, d, recipient_agency)
            record_access(
                unit, d.person_id, ACCESS[DocumentKind.DECISION_MEMO], memo.meta.reference
            )
            return memo

    def letter_model(self, actor: Actor, decision_id: int) -> ReferrerLetter:
        """The referrer's acknowledgement and outcome letter of a signed decision version."""
        with self.writing(actor, Permission.SEND_FEEDBACK) as unit:
            return build_letter(unit, self.ctx, decision_id)

    def routing_notice_model(
        self, actor: Actor, routing_id: int, audience: str = "professional"
    ) -> RoutingNotice:
        """A step-up, step-down or transfer notice: for professionals, or plainly for the family."""
        with self.writing(actor, Permission.ROUTE_CHILD) as unit:
            return build_notice(unit, self.ctx, routing_id, audience)

    def minutes_model(self, actor: Actor, meeting_id: int) -> MeetingMinutes:
        """The minutes of a meeting: attendance, quorum and each case's decision."""
        with self.reading(actor, Permission.VIEW_MEETINGS) as unit:
            if unit.session.get(Meeting, meeting_id) is None:
                raise NotFound(f"No meeting {meeting_id}")
        meeting = self._meetings.get(actor, meeting_id)
        with self.writing(actor, Permission.VIEW_MEETINGS) as unit:
            # Every agenda child's decision versions, read per table for each child (the case
            # view's reads, storage/prepared_case.py), not a unit per referral.
            agencies = {aid: (code, name) for aid, code, name in AGENCIES.all(unit.sql)}
            children = {item.person_id for item in meeting.agenda}
            versions = {
                h.id: h
                for person_id in sorted(children)
                for found in decisions_by_referral(unit, person_id, agencies).values()
                for h in found
            }
            return build_minutes(unit, self.ctx, meeting, versions)

    # ---- issuing -------------------------------------------------------------------------

    def issue_memo(
        self, actor: Actor, decision_id: int, recipient_agency: str | None = None
    ) -> OpResult[IssuedDocumentDTO]:
        """Issue the memo of a signed decision version (a numbered copy if already issued).

        The memo is read in the same unit that looks for an earlier issue, and its access-log
        row is written with the issue itself: one read and one write whatever the history.
        """
        with self.reading(actor, Permission.VIEW_CASE) as unit:
            require(unit.role, Permission.VIEW_DECISIONS)
            versions, d = read_versions(unit, decision_id)
            require_signed(d.status)
            # A bad agency code is refused by field before it is looked for among the issued
            # memos (text the database cannot store never reaches it).
            agency_recipient(unit, recipient_agency)
            about = _About(
                DocumentKind.DECISION_MEMO,
                record_key(Kind.DECISION, decision_id),
                recipient_agency or MASH_FILE,
                decision_id=decision_id,
                revision=d.revision,
                person_id=d.person_id,
            )
            original = _original(unit, about)
            if original is None:
                model: Document = build_memo(unit, self.ctx, versions, d, recipient_agency)
            else:
                agency_recipient(unit, recipient_agency)
                # A copy repeats the original, and says too that a later version replaced it.
                copy = _copy(original, unit)
                assert isinstance(copy, DecisionMemo)  # stored under this memo's subject
                model = replace(copy, superseded_by=supersession(versions, d))
        return self._record_issue(actor, about, model, original, log_access=True)

    def issue_letter(self, actor: Actor, decision_id: int) -> OpResult[IssuedDocumentDTO]:
        """Issue the referrer's outcome letter of a signed decision version."""
        with self.reading(actor, Permission.SEND_FEEDBACK) as unit:
            row = decision_row(unit, decision_id)
            require_signed(row.status)
            about = _About(
                DocumentKind.REFERRER_LETTER,
                record_key(Kind.DECISION, decision_id),
                "referrer",
                decision_id=decision_id,
                revision=row.revision,
                person_id=row.person_id,
            )

        def build() -> Document:
            with self.writing(actor, Permission.SEND_FEEDBACK) as unit:
                return build_letter(unit, self.ctx, decision_id)

        return self._issue(actor, about, build)

    def issue_routing_notice(
        self, actor: Actor, routing_id: int, audience: str = "professional"
    ) -> OpResult[IssuedDocumentDTO]:
        """Issue a routing notice for professionals or the family."""
        with self.reading(actor, Permission.ROUTE_CHILD) as unit:
            row = unit.session.get(Routing, routing_id)
            if row is None:
                raise NotFound(f"No routing {routing_id}")
            check_audience(audience)
            about = _About(
                DocumentKind.ROUTING_NOTICE,
                record_key(Kind.ROUTING, routing_id),
                audience,
                decision_id=row.decision_id,
                routing_id=routing_id,
                person_id=row.person_id,
            )

        def build() -> Document:
            with self.writing(actor, Permission.ROUTE_CHILD) as unit:
                return build_notice(unit, self.ctx, routing_id, audience)

        return self._issue(actor, about, build)

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
        about = _About(
            DocumentKind.MEETING_MINUTES,
            record_key(Kind.MEETING, meeting_id),
            "meeting",
            meeting_id=meeting_id,
        )
        return self._issue(actor, about, lambda: self.minutes_model(actor, meeting_id))

    # ---- issuing, shared -----------------------------------------------------------------

    def _issue(
        self, actor: Actor, about: _About, build: Callable[[], Document]
    ) -> OpResult[IssuedDocumentDTO]:
        """Issue a document whose builder writes its own access row (letters, notices, minutes)."""
        with self.reading(actor, ISSUE[about.kind]) as unit:
            original = _original(unit, about)
            copy = None if original is None else _copy(original, unit)
        model = build() if copy is None else copy
        # A copy is built from the stored model, so its view of the child is logged here.
        return self._record_issue(actor, about, model, original, log_access=copy is not None)

    def _record_issue(
        self,
        actor: Actor,
        about: _About,
        model: Document,
        original: _Original | None,
        *,
        log_access: bool,
    ) -> OpResult[IssuedDocumentDTO]:
        """Render, hash and record ``model`` as the original or the next numbered copy."""
        pdf = render_document(model)
        digest = sha256_hex(pdf)
        copy_number = 0 if original is None else (original.copies or 0) + 1
        with self.writing(actor, ISSUE[about.kind]) as unit:
            if log_access and about.person_id is not None:
                record_access(unit, about.person_id, ACCESS[about.kind], model.meta.reference)
            document_id = _insert_issued(unit, about, model, original, copy_number, pdf, digest)
            unit.audit(
                "document.reprinted" if original is not None else "document.issued",
                "issued_document",
                document_id,
                person_id=about.person_id,
                kind=about.kind.value,
                reference=model.meta.reference,
                recipient=about.recipient,
                sha256=digest,
                copy_of=original.id if original is not None else None,
                copy_number=copy_number,
            )
            dto = IssuedDocumentDTO(
                id=document_id,
                kind=about.kind,
                reference=model.meta.reference,
                recipient=about.recipient,
                decision_id=about.decision_id,
                revision=about.revision,
                meeting_id=about.meeting_id,
                routing_id=about.routing_id,
                copy_of=original.id if original is not None else None,
                copy_number=copy_number,
                sha256=digest,
                size=len(pdf),
                issued_by=DISPLAY_NAME.scalar(unit.sql, user_id=unit.user_id) or UNKNOWN_USER,
                issued_at=unit.now,
                pdf=pdf,
            )
        return OpResult(dto, change_keys(Topic.DOCUMENTS, about.subject))


def _original(unit: Unit, about: _About) -> _Original | None:
    row = ORIGINAL.first(
        unit.sql, kind=about.kind.value, subject=about.subject, recipient=about.recipient
    )
    return None if row is None else _Original(*row)


def _copy(original: _Original, unit: Unit) -> Document:
    """The next numbered copy: what the original said, whatever has changed since."""
    return as_copy(from_json(original.model), unit.today, (original.copies or 0) + 1)


def _insert_issued(
    unit: Unit,
    about: _About,
    model: Document,
    original: _Original | None,
    copy_number: int,
    pdf: bytes,
    digest: str,
) -> int:
    try:
        return INSERT_ISSUED.insert_id(
            unit.sql,
            kind=about.kind.value,
            subject=about.subject,
            recipient=about.recipient,
            decision_id=about.decision_id,
            revision=about.revision,
            meeting_id=about.meeting_id,
            routing_id=about.routing_id,
            person_id=about.person_id,
            reference=model.meta.reference,
            copy_of_id=original.id if original is not None else None,
            copy_number=copy_number,
            sha256=digest,
            size=len(pdf),
            model=to_json(model),
            issued_by=unit.user_id,
            issued_at=unit.now,
        )
    except unit.conn.dialect.loaded_dbapi.IntegrityError as exc:
        # Two users issuing the same original, or the same copy number, at the same moment:
        # the unique indexes refuse the second, which is told to issue again.
        raise ConflictError(
            "Someone else issued this document a moment ago; nothing was recorded. Issue "
            "it again to print a copy."
        ) from exc
