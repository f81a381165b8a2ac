"""What the register of issued documents holds: the issued documents, their outputs, checks.

Plain data handed to the GUI and the command line (printing, verifying a file), kept apart
from how documents are built so a caller that only lists or verifies imports no builder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from mash_desk.documents.models import DocumentKind
from mash_desk.storage.models import DocumentOutput, IssuedDocument

MASH_FILE = "mash"
"""Recipient of the full memo kept on the child's MASH case file."""


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


def output_dto(o: DocumentOutput, by: str) -> OutputDTO:
    """The register's view of a stored output (``by``: the display name of who sent it)."""
    return OutputDTO(o.id, o.document_id, o.action, o.destination, o.sha256, by, o.output_at)


def issued_dto(
    r: IssuedDocument, by: str, outputs: tuple[OutputDTO, ...], pdf: bytes = b""
) -> IssuedDocumentDTO:
    """The register's view of a stored issued document (``by``: who issued it, by name)."""
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
