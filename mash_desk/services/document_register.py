"""The register of issued documents: verify a file, list what was issued, record outputs.

Every print or export of an issued document is recorded (who, when, where, hash) with
:meth:`DocumentRegister.record_output`, which accepts only the issued bytes.
:meth:`DocumentRegister.verify` says whether a file is an unaltered issued document.
:class:`mash_desk.services.documents.DocumentService` builds on this class.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from mash_desk.documents.models import DocumentKind
from mash_desk.documents.render import sha256_hex
from mash_desk.domain.changes import Kind, Topic, change_keys, record_key
from mash_desk.domain.errors import FieldError, NotFound, ValidationError
from mash_desk.domain.meetings import AgendaStatus, DecisionStatus
from mash_desk.domain.permissions import Permission, require
from mash_desk.domain.text import unstorable_problem
from mash_desk.services.context import Service, ServiceContext
from mash_desk.services.document_parts import ISSUE, UNKNOWN_USER, user_name
from mash_desk.services.document_records import (
    IssuedDocumentDTO,
    MeetingPack,
    OutputDTO,
    VerifyResult,
    issued_dto,
    output_dto,
)
from mash_desk.services.dto import Actor, OpResult
from mash_desk.services.meetings import MeetingService
from mash_desk.storage.models import Decision, DocumentOutput, IssuedDocument, Meeting, User
from mash_desk.storage.prepared import Driver
from mash_desk.storage.prepared_memo import DISPLAY_NAME, INSERT_OUTPUT, ISSUED_FOR_OUTPUT

OUTPUT_ACTIONS = ("export", "print")
# The width of document_outputs.destination (storage/models/documents.py): a folder path or a
# printer's name, on one line.
DESTINATION_MAX = 500
_SUBJECT = re.compile(rb"/Subject \(mash-desk (\w+) ([^)]{0,120})\)")


class DocumentRegister(Service):
    """Verify files against the register, list issued documents, record every output."""

    def __init__(self, ctx: ServiceContext):
        """Read meetings through their own service."""
        super().__init__(ctx)
        self._meetings = MeetingService(ctx)

    def record_output(
        self, actor: Actor, document_id: int, action: str, destination: str, data: bytes
    ) -> OpResult[OutputDTO]:
        """Record that an issued document was exported (a path) or printed (a printer).

        ``data`` must be the issued bytes: the hash recorded is of what was written out, and
        anything else is refused.
        """
        errors = _output_errors(action, destination)
        where = (destination or "").strip()
        digest = sha256_hex(data)
        with self.writing(actor, Permission.VIEW_CASE) as unit:
            row = ISSUED_FOR_OUTPUT.first(unit.sql, document_id=document_id)
            if row is None:
                raise NotFound(f"No issued document {document_id}")
            kind, sha256, reference, person_id = row
            require(unit.role, ISSUE[DocumentKind(kind)])
            if digest != sha256:
                errors.append(
                    FieldError(
                        "data",
                        "issued_bytes",
                        f"These bytes are not document {reference} as issued (their "
                        "SHA-256 differs); only the issued file is printed or exported",
                    )
                )
            if errors:
                raise ValidationError(errors)
            output_id = INSERT_OUTPUT.insert_id(
                unit.sql,
                document_id=document_id,
                action=action,
                destination=where,
                sha256=digest,
                output_by=unit.user_id,
                output_at=unit.now,
            )
            unit.audit(
                f"document.{'exported' if action == 'export' else 'printed'}",
                "issued_document",
                document_id,
                person_id=person_id,
                reference=reference,
                destination=where,
                sha256=digest,
            )
            by = DISPLAY_NAME.scalar(unit.sql, user_id=unit.user_id) or UNKNOWN_USER
            return OpResult(
                OutputDTO(output_id, document_id, action, where, digest, by, unit.now),
                change_keys(Topic.DOCUMENTS, record_key(Kind.DOCUMENT, document_id)),
            )

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
            return VerifyResult(digest, issued_dto(row, name or "", ()))

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
                    output_dto(out, user_name(unit, out.output_by))
                )
            return tuple(
                issued_dto(r, user_name(unit, r.issued_by), tuple(outputs.get(r.id, ())))
                for r in rows
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


def _output_errors(action: str, destination: str) -> list[FieldError]:
    """What is wrong with an output's action and destination, all at once."""
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
    return errors
