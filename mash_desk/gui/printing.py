"""Print a decision memo (preview first), or a whole meeting's memos, to a local printer.

What is printed is always the issued PDF's own bytes, sent to the printer by
:mod:`mash_desk.printing` in the background; every print or save is recorded with the hash of
those bytes (issue 6, "Printing locally"). The preview draws the memo as it stands now —
nothing is issued until Print or Save — and says when printing will make a numbered copy of
an earlier original instead ("COPY — reprinted <date>", with the original's content).

Printers come from the print server (CUPS ``lpstat``), the same one that receives the job,
rather than from Qt's printer list: Qt would print by drawing pages itself, which is not
lossless, and its list could name another server than the one ``lp`` talks to.

Entry points for the rest of the GUI:

* :func:`print_decision_memo` — preview one signed decision's memo, then print or save it.
* :mod:`mash_desk.gui.meeting_print` — a whole meeting's memos and minutes, with progress,
  per-document status and Cancel (it uses this module's printer choice and print dialog).

Keys: Ctrl+P print · Ctrl+Shift+S save as PDF · Esc close (while a batch runs, Esc or Cancel
stops it after the document being printed).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mash_desk.documents import render_document
from mash_desk.documents.models import DocumentKind
from mash_desk.domain.changes import Topic, change_keys
from mash_desk.gui.live import live
from mash_desk.gui.profile_dialog import FieldMessage
from mash_desk.gui.session import DeskSession
from mash_desk.gui.shared_folder import ask_shared_folder
from mash_desk.gui.tasks import describe_error
from mash_desk.printing.cups import (
    MAX_COPIES,
    Printer,
    list_printers,
)
from mash_desk.printing.delivery import (
    Delivered,
    Destination,
    FileDestination,
    PackItem,
    PrinterDestination,
    deliver,
)
from mash_desk.printing.pages import PreviewUnavailable, render_pages
from mash_desk.services.desk import Desk
from mash_desk.services.documents import MASH_FILE, IssuedDocumentDTO
from mash_desk.services.dto import Actor

PAGE_WIDTH = 620
"""Width of a previewed page on screen, in pixels (an A4 page fits a laptop's height at 2:3)."""


# ---- choosing a printer ------------------------------------------------------------------


def row_with_message(row: QHBoxLayout, field: QWidget) -> tuple[QWidget, FieldMessage]:
    """A row of widgets with the message of its main ``field`` underneath."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    row.setContentsMargins(0, 0, 0, 0)
    layout.addLayout(row)
    message = FieldMessage(field, box)
    layout.addWidget(message)
    return box, message


class PrinterChoice(QWidget):
    """A printer list (from the print server, read in the background) and a copies box.

    Signals:
        loaded(object): the tuple of :class:`~mash_desk.printing.cups.Printer` found (maybe
            empty); a problem reaching the print server is shown under the list instead.
    """

    loaded = Signal(object)

    def __init__(self, session: DeskSession, parent: QWidget | None = None):
        """Build the fields and ask the print server for its printers."""
        super().__init__(parent)
        self.session = session
        self.printers: tuple[Printer, ...] = ()
        self.printer_box = QComboBox()
        self.printer_box.setAccessibleName("Printer")
        self.printer_box.setMinimumWidth(320)
        self.copies_box = QSpinBox()
        self.copies_box.setRange(1, MAX_COPIES)
        self.copies_box.setAccessibleName("Copies")
        self.refresh_button = QPushButton("Look again")
        self.refresh_button.setAccessibleName("Look for printers again")
        self.refresh_button.clicked.connect(self.refresh)
        printer_row = QHBoxLayout()
        printer_row.setContentsMargins(0, 0, 0, 0)
        printer_row.addWidget(self.printer_box, 1)
        printer_row.addWidget(self.refresh_button)
        box, self.message = row_with_message(printer_row, self.printer_box)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("&Printer", box)
        form.addRow("&Copies", self.copies_box)
        printer_label = form.labelForField(box)
        assert isinstance(printer_label, QLabel)  # addRow(text, …) made it a QLabel
        printer_label.setBuddy(self.printer_box)
        QWidget.setTabOrder(self.printer_box, self.refresh_button)
        QWidget.setTabOrder(self.refresh_button, self.copies_box)
        self.refresh()

    def refresh(self) -> None:
        """Ask the print server for its printers again."""
        self.printer_box.clear()
        self.printer_box.addItem("Looking for printers…")
        self.printer_box.setEnabled(False)
        self.message.clear_message()
        self.session.tasks.read(
            list_printers, on_done=self._listed, on_error=self._failed, label="Finding printers…"
        )

    def _listed(self, printers: tuple[Printer, ...]) -> None:
        self.printers = printers
        self.printer_box.clear()
        for printer in printers:
            self.printer_box.addItem(printer.label, printer.name)
        self.printer_box.setEnabled(bool(printers))
        if printers and self.refresh_button.hasFocus():
            # The list was disabled while it loaded, so the focus fell to "Look again", where
            # Enter would only look again: it goes to the printers found.
            self.printer_box.setFocus(Qt.FocusReason.OtherFocusReason)
        if not printers:
            self.printer_box.addItem("No printer")
            self.message.show_message(
                "No printer is set up on this computer. Ask your administrator to add one, "
                "or save the documents as PDF files instead."
            )
        self.loaded.emit(printers)

    def _failed(self, exc: BaseException) -> None:
        self.printers = ()
        self.printer_box.clear()
        self.printer_box.addItem("No printer")
        self.printer_box.setEnabled(False)
        self.message.show_message(describe_error(exc))
        self.loaded.emit(())

    def chosen(self) -> Printer | None:
        """The printer picked, if any."""
        name = self.printer_box.currentData()
        return next((p for p in self.printers if p.name == name), None)

    def choose(self, name: str) -> None:
        """Pick the printer called ``name`` (tests and remembered choices)."""
        index = self.printer_box.findData(name)
        if index >= 0:
            self.printer_box.setCurrentIndex(index)

    def copies(self) -> int:
        """How many copies of each document."""
        return self.copies_box.value()


class PrintDialog(QDialog):
    """Choose a local printer and the number of copies; Print accepts."""

    def __init__(self, session: DeskSession, what: str, parent: QWidget | None = None):
        """Ask where to print ``what`` (shown at the top, e.g. the memo's reference)."""
        super().__init__(parent)
        self.setWindowTitle("Print")
        layout = QVBoxLayout(self)
        intro = QLabel(what)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.choice = PrinterChoice(session, self)
        layout.addWidget(self.choice)
        note = QLabel(
            "The memo is issued when you print: its exact PDF goes to the printer, and the print "
            "is recorded with who, when, which printer and the document's SHA-256."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.print_button = QPushButton("&Print")
        self.print_button.setAccessibleName("Print")
        self.print_button.setDefault(True)
        self.print_button.setEnabled(False)
        self.print_button.clicked.connect(self.accept)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        buttons.addWidget(self.print_button)
        buttons.addWidget(cancel)
        layout.addLayout(buttons)
        self.choice.loaded.connect(lambda printers: self.print_button.setEnabled(bool(printers)))
        self.setMinimumWidth(520)

    @property
    def printer(self) -> Printer | None:
        """The printer chosen."""
        return self.choice.chosen()

    @property
    def copies(self) -> int:
        """The copies chosen."""
        return self.choice.copies()


# ---- one memo: preview, print, save ------------------------------------------------------


@dataclass(frozen=True)
class MemoPreview:
    """A memo drawn for the screen, and what printing it will issue."""

    reference: str
    pdf: bytes
    pages: tuple[bytes, ...]
    """PNG images, one per page (empty when they cannot be drawn: see ``problem``)."""
    problem: str
    earlier: tuple[IssuedDocumentDTO, ...]
    """Earlier issues of this memo for the case file: printing now makes a numbered copy."""


def build_preview(desk: Desk, actor: Actor, decision_id: int) -> MemoPreview:
    """Render the memo as it stands (nothing issued) and list its earlier issues."""
    model = desk.documents.memo_model(actor, decision_id)
    pdf = render_document(model)
    try:
        pages, problem = render_pages(pdf), ""
    except PreviewUnavailable as exc:
        pages, problem = (), str(exc)
    earlier = tuple(
        d
        for d in desk.documents.issued_for(actor, decision_id=decision_id)
        if d.kind is DocumentKind.DECISION_MEMO and d.recipient == MASH_FILE
    )
    return MemoPreview(model.meta.reference, pdf, pages, problem, earlier)


def issue_and_deliver(
    desk: Desk, actor: Actor, item: PackItem, destination: Destination
) -> Delivered:
    """Issue one document and deliver it (runs on the task runner's writer thread)."""
    return deliver(desk, actor, partial(item.issue, desk, actor), destination)


class PrintPreviewDialog(QDialog):
    """A decision memo's pages on screen, with Print… and Save as PDF….

    Signals:
        delivered(object): the :class:`~mash_desk.printing.delivery.Delivered` of each print
            or save.
    """

    delivered = Signal(object)

    def __init__(self, session: DeskSession, decision_id: int, parent: QWidget | None = None):
        """Build the dialog and draw the memo of ``decision_id`` in the background."""
        super().__init__(parent)
        self.session = session
        self.decision_id = decision_id
        self.preview: MemoPreview | None = None
        self.page_labels: list[QLabel] = []
        self.busy = False
        self.setWindowTitle(f"Print preview — decision memo (decision {decision_id})")
        self.resize(PAGE_WIDTH + 80, 860)
        layout = QVBoxLayout(self)
        # Status lines read out their own text, and announce changes (mash_desk.gui.live).
        self.heading = live("Drawing the memo…", "About this memo")
        layout.addWidget(self.heading)
        self.copy_note = live(description="Copy notice")
        self.copy_note.setStyleSheet("QLabel { border: 1px solid #8a6d00; padding: 4px; }")
        self.copy_note.hide()
        layout.addWidget(self.copy_note)
        self.pages = QWidget()
        self.pages_layout = QVBoxLayout(self.pages)
        self.pages_layout.setSpacing(12)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setWidget(self.pages)
        self.scroller.setAccessibleName("Memo pages")
        # Grey around white pages, as a print preview looks (the pages carry their own text).
        self.pages.setObjectName("previewPages")
        self.pages.setStyleSheet("#previewPages { background: #6b6b6b; }")
        layout.addWidget(self.scroller, 1)
        self.status = live(description="Print status")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        self.page_count = QLabel()
        buttons.addWidget(self.page_count)
        buttons.addStretch(1)
        self.print_button = QPushButton("&Print…")
        self.print_button.setAccessibleName("Print the memo")
        self.print_button.setToolTip("Choose a printer and print (Ctrl+P)")
        self.print_button.clicked.connect(self.ask_print)
        self.save_button = QPushButton("&Save as PDF…")
        self.save_button.setAccessibleName("Save the memo as a PDF file")
        self.save_button.setToolTip("Issue the memo and save its PDF (Ctrl+Shift+S)")
        self.save_button.clicked.connect(self.ask_save)
        close = QPushButton("Close")
        close.setAccessibleName("Close the preview")
        close.clicked.connect(self.reject)
        for button in (self.print_button, self.save_button):
            button.setEnabled(False)
            buttons.addWidget(button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        QWidget.setTabOrder(self.scroller, self.print_button)
        QWidget.setTabOrder(self.print_button, self.save_button)
        QWidget.setTabOrder(self.save_button, close)
        QShortcut(QKeySequence.StandardKey.Print, self, self.ask_print)
        QShortcut(QKeySequence("Ctrl+Shift+S"), self, self.ask_save)
        session.tasks.read(
            build_preview,
            session.desk,
            session.actor,
            decision_id,
            on_done=self._shown,
            on_error=self._failed,
            label="Drawing the memo…",
        )

    # -- the preview -----------------------------------------------------------------------

    def _shown(self, preview: MemoPreview) -> None:
        self.preview = preview
        self.heading.setText(
            f"Decision memo {preview.reference} as it stands now. Nothing is issued until you "
            "print or save it."
        )
        if preview.earlier:
            first = preview.earlier[0]
            self.copy_note.setText(
                f"Note: issued before on {first.issued_at:%d %b %Y} by {first.issued_by}. Printing "
                f"now makes copy {len(preview.earlier)}, marked “COPY — reprinted”, with the "
                "original's content, which may differ from this preview if the record changed."
            )
            self.copy_note.show()
        for number, png in enumerate(preview.pages, start=1):
            pixmap = QPixmap()
            pixmap.loadFromData(png, "PNG")
            page = pixmap.scaledToWidth(PAGE_WIDTH, Qt.TransformationMode.SmoothTransformation)
            label = QLabel()
            label.setPixmap(page)
            # A page keeps its size: the scroll area scrolls rather than squeezing it.
            label.setFixedSize(page.size())
            label.setFrameShape(QFrame.Shape.Box)
            label.setAccessibleName(f"Page {number} of {len(preview.pages)}")
            self.pages_layout.addWidget(label)
            self.page_labels.append(label)
        if preview.problem:
            problem = QLabel(f"⚠ {preview.problem}")
            problem.setWordWrap(True)
            problem.setStyleSheet("QLabel { background: white; padding: 8px; }")
            self.pages_layout.addWidget(problem)
        self.page_count.setText(f"{len(preview.pages)} page(s)" if preview.pages else "")
        self.pages_layout.activate()
        self.print_button.setEnabled(True)
        self.save_button.setEnabled(True)
        self.print_button.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self.heading.setText(f"⚠ The memo could not be drawn: {describe_error(exc)}")

    # -- printing and saving ---------------------------------------------------------------

    def ask_print(self) -> PrintDialog | None:
        """Open the print dialog; printing starts when it is accepted."""
        if self.preview is None or self.busy:
            return None
        dialog = PrintDialog(
            self.session, f"Print decision memo {self.preview.reference}", parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda d=dialog: self.print_to(d.printer, d.copies) if d.printer else None
        )
        dialog.open()
        return dialog

    def print_to(self, printer: Printer | str, copies: int = 1) -> None:
        """Issue the memo and send it to ``printer`` in the background."""
        name = printer.name if isinstance(printer, Printer) else printer
        self._start(PrinterDestination(printer, copies), f"Printing to {name}…")

    def ask_save(self) -> None:
        """Ask for a file name, then issue the memo and save it there."""
        if self.preview is None or self.busy:
            return
        suggested = f"memo-decision-{self.decision_id}.pdf"
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the memo as a PDF", str(Path.home() / suggested), "PDF files (*.pdf)"
        )
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> QMessageBox | None:
        """Issue the memo and write its PDF (0600) to ``path`` in the background.

        A folder other people on this computer can read is asked about first: the question
        is returned, and the memo is issued only if "Save here anyway" is pressed.
        """
        destination = FileDestination(path)
        shared = destination.shared_reason()
        if shared is None:
            self._start(destination, f"Saving to {path}…")
            return None
        return ask_shared_folder(
            self, path.parent, shared, lambda: self._start(destination, f"Saving to {path}…")
        )

    def _start(self, destination: Destination, doing: str) -> None:
        self.busy = True
        self.print_button.setEnabled(False)
        self.save_button.setEnabled(False)
        self.status.setText(doing)
        self.session.tasks.write(
            issue_and_deliver,
            self.session.desk,
            self.session.actor,
            PackItem("memo", "", decision_id=self.decision_id),
            destination,
            on_done=self._delivered,
            on_error=self._not_delivered,
            label=doing,
        )

    def _delivered(self, done: Delivered) -> None:
        self.busy = False
        self.print_button.setEnabled(True)
        self.save_button.setEnabled(True)
        issued = done.issued
        copy = f", copy {issued.copy_number}" if issued.is_copy else ""
        verb = "Sent to" if done.output.action == "print" else "Saved to"
        self.status.setText(
            f"✔ {verb} {done.where} — {issued.reference}{copy}, SHA-256 {issued.sha256[:16]}…"
        )
        self.session.hub.announce(done.changed)
        self.delivered.emit(done)

    def _not_delivered(self, exc: BaseException) -> None:
        self.busy = False
        self.print_button.setEnabled(True)
        self.save_button.setEnabled(True)
        self.status.setText(f"⚠ {describe_error(exc)}")
        # The memo may have been issued before the printer refused it.
        self.session.hub.announce(change_keys(Topic.DOCUMENTS))


def print_decision_memo(
    session: DeskSession, decision_id: int, parent: QWidget | None = None
) -> PrintPreviewDialog:
    """Show the preview of a signed decision's memo, from which the user prints or saves it."""
    dialog = PrintPreviewDialog(session, decision_id, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


# ---- a meeting's memos ---------------------------------------------------------------------


__all__ = [
    "PrintDialog",
    "PrintPreviewDialog",
    "PrinterChoice",
    "issue_and_deliver",
    "print_decision_memo",
]
