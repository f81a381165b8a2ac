"""Issue a document and deliver it — to a folder or to a printer — and record where it went.

One path for the command line (``mash-desk memos``) and the GUI (print a memo, print a
meeting's memos): issue the document (original, or a numbered copy), hand its exact bytes to
a :class:`Destination`, then record the export or print with the issued bytes so the stored
hash is the hash of what went out (issue 6, "Printing locally").

A destination is checked before anything is issued (a folder exists or can be made, a
printer is there), so a missing printer does not leave issued-but-unprinted documents behind.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

from mash_desk.domain.changes import ChangeKey
from mash_desk.domain.errors import MashDeskError
from mash_desk.printing.cups import (
    MAX_COPIES,
    Printer,
    PrintError,
    PrintJob,
    find_printer,
    print_pdf,
)
from mash_desk.printing.private_files import make_folder, shared_folder_reason, write_private_file
from mash_desk.services.desk import Desk
from mash_desk.services.documents import IssuedDocumentDTO, MeetingPack, OutputDTO
from mash_desk.services.dto import Actor, OpResult


class Destination(Protocol):
    """Where issued documents go, and what that is recorded as (``export`` or ``print``)."""

    action: str

    def deliver(self, name: str, pdf: bytes) -> str:
        """Deliver ``pdf`` (named ``name``); return where it went, as recorded."""
        ...


class FolderDestination:
    """Write each document as a file in a folder (recorded as an export with its path)."""

    action = "export"

    def __init__(self, folder: Path):
        """Deliver into ``folder`` (made when missing)."""
        self.folder = Path(folder)

    def check(self) -> None:
        """Say why the folder cannot be used, before anything is issued (nothing is made yet)."""
        existing = self.folder.absolute()
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        if not existing.is_dir():
            raise MashDeskError(f"Cannot use the folder {self.folder}: {existing} is not a folder")
        if not os.access(existing, os.W_OK | os.X_OK):
            raise MashDeskError(f"Cannot write into the folder {self.folder}")

    def shared_reason(self) -> str | None:
        """Why other people on this computer can read or change the folder, or None."""
        return shared_folder_reason(self.folder)

    def deliver(self, name: str, pdf: bytes) -> str:
        """Write ``pdf`` as ``name`` (whole or not at all, 0600); return its absolute path."""
        make_folder(self.folder)
        target = self.folder / name
        write_private_file(target, pdf)
        return str(target.resolve())


class FileDestination(FolderDestination):
    """Write one document to a file the user chose (recorded as an export with its path)."""

    def __init__(self, path: Path):
        """Deliver to ``path`` (replaced whole if it exists)."""
        super().__init__(Path(path).parent)
        self.path = Path(path)

    def deliver(self, name: str, pdf: bytes) -> str:
        """Write ``pdf`` to the chosen file (0600), whatever the document's own file name."""
        return super().deliver(self.path.name, pdf)


class PrinterDestination:
    """Send each document's exact bytes to a local printer (recorded with the job's id)."""

    action = "print"

    def __init__(self, printer: str | Printer | None = None, copies: int = 1):
        """Print to ``printer`` (its name; default: the default printer), ``copies`` each."""
        if not 1 <= copies <= MAX_COPIES:
            raise PrintError(f"Copies must be between 1 and {MAX_COPIES}, not {copies}.")
        self._asked = printer.name if isinstance(printer, Printer) else printer
        self.printer: Printer | None = printer if isinstance(printer, Printer) else None
        self.copies = copies
        self.jobs: list[PrintJob] = []

    def check(self) -> Printer:
        """Find the printer, or raise :class:`PrintError` saying why — before issuing."""
        if self.printer is None:
            self.printer = find_printer(self._asked)
        return self.printer

    def deliver(self, name: str, pdf: bytes) -> str:
        """Send ``pdf`` as a job titled ``name``; return ``printer NAME, job NAME-12``."""
        printer = self.check()
        job = print_pdf(pdf, printer.name, title=name, copies=self.copies)
        self.jobs.append(job)
        return job.destination


@dataclass(frozen=True)
class Delivered:
    """A document issued, delivered and recorded."""

    issued: IssuedDocumentDTO
    where: str
    output: OutputDTO
    changed: frozenset[ChangeKey]


def deliver(
    desk: Desk,
    actor: Actor,
    issue: Callable[[], OpResult[IssuedDocumentDTO]],
    destination: Destination,
) -> Delivered:
    """Issue a document, deliver its bytes and record the output; one call per document.

    Raises:
        PrintError: the printer refused the job. The document was issued all the same (the
            message gives its reference): printing it again makes a numbered copy.
    """
    result = issue()
    issued = result.value
    try:
        where = destination.deliver(issued.filename, issued.pdf)
    except PrintError as exc:
        raise type(exc)(f"{issued.reference} was issued but not printed: {exc}") from exc
    recorded = desk.documents.record_output(actor, issued.id, destination.action, where, issued.pdf)
    return Delivered(issued, where, recorded.value, result.changed | recorded.changed)


@dataclass(frozen=True)
class PackItem:
    """One document of a meeting's pack: a signed decision's memo, or the minutes."""

    kind: str
    """``memo`` or ``minutes``."""
    label: str
    decision_id: int | None = None
    meeting_id: int | None = None

    def issue(self, desk: Desk, actor: Actor) -> OpResult[IssuedDocumentDTO]:
        """Issue this document (a numbered copy when it was issued before)."""
        if self.kind == "minutes":
            assert self.meeting_id is not None
            return desk.documents.issue_minutes(actor, self.meeting_id)
        assert self.decision_id is not None
        return desk.documents.issue_memo(actor, self.decision_id)


@dataclass(frozen=True)
class MeetingBatch:
    """What printing a meeting's documents will do: its items in order, and what is missing."""

    pack: MeetingPack
    items: tuple[PackItem, ...]

    @property
    def notes(self) -> tuple[str, ...]:
        """Why some documents are not in the batch (children undecided, minutes not due)."""
        found = [f"No signed decision yet for {name}: no memo." for name in self.pack.undecided]
        if not self.pack.signed_off:
            found.append("No minutes: the chair has not signed the meeting off yet.")
        return tuple(found)


def meeting_batch(
    desk: Desk, actor: Actor, meeting_date: date, *, labels: bool = True
) -> MeetingBatch:
    """The documents of the meeting held on ``meeting_date``, in agenda order, minutes last.

    With ``labels`` each memo is labelled with the child's name and the decision's outcome
    (what a chair reads in the batch dialog); without, by decision number only.
    """
    pack = desk.documents.meeting_pack(actor, meeting_date)
    about: dict[int, str] = {}
    if labels and pack.decision_ids:
        wanted = set(pack.decision_ids)
        meeting = desk.meetings.get(actor, pack.meeting_id)
        for item in meeting.agenda:
            for version in desk.decisions.history(actor, item.referral_id):
                if version.id in wanted:
                    about[version.id] = (
                        f"{item.child_name} — {version.outcome.label} (version {version.revision})"
                    )
    items = [
        PackItem("memo", f"Decision memo: {about.get(d, f'decision {d}')}", decision_id=d)
        for d in pack.decision_ids
    ]
    if pack.signed_off:
        items.append(
            PackItem(
                "minutes",
                f"Minutes of the meeting of {pack.meeting_date:%d %b %Y}",
                meeting_id=pack.meeting_id,
            )
        )
    return MeetingBatch(pack, tuple(items))
