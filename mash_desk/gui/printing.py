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
* :class:`MeetingPrintDialog` — print (or save as PDFs) every memo of a meeting, and its
  minutes once signed off, with progress, per-document status and Cancel.

Keys: Ctrl+P print · Ctrl+Shift+S save as PDF · Esc close (while a batch runs, Esc or Cancel
stops it after the document being printed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mash_desk.documents import render_document
from mash_desk.documents.models import DocumentKind
from mash_desk.gui.a11y import live_label, no_tab_trap
from mash_desk.gui.profile_dialog import FieldMessage, with_message
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import describe_error
from mash_desk.printing.cups import (
    MAX_COPIES,
    Printer,
    PrinterNotFound,
    PrintingUnavailable,
    list_printers,
)
from mash_desk.printing.delivery import (
    Delivered,
    Destination,
    FileDestination,
    FolderDestination,
    MeetingBatch,
    PackItem,
    PrinterDestination,
    deliver,
    meeting_batch,
)
from mash_desk.printing.pages import PreviewUnavailable, render_pages
from mash_desk.services.desk import Desk
from mash_desk.services.documents import MASH_FILE, IssuedDocumentDTO
from mash_desk.services.dto import Actor

PAGE_WIDTH = 620
"""Width of a previewed page on screen, in pixels (an A4 page fits a laptop's height at 2:3)."""


# ---- choosing a printer ------------------------------------------------------------------


def _row_with_message(row: QHBoxLayout, field: QWidget) -> tuple[QWidget, FieldMessage]:
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
        box, self.message = _row_with_message(printer_row, self.printer_box)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("&Printer", box)
        form.addRow("&Copies", self.copies_box)
        form.labelForField(box).setBuddy(self.printer_box)
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
        self.heading = QLabel("Drawing the memo…")
        self.heading.setWordWrap(True)
        live_label(self.heading, "About this memo")
        layout.addWidget(self.heading)
        self.copy_note = QLabel()
        self.copy_note.setWordWrap(True)
        live_label(self.copy_note, "Copy notice")
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
        self.status = QLabel()
        self.status.setWordWrap(True)
        live_label(self.status, "Print status")
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

    def save_to(self, path: Path) -> None:
        """Issue the memo and write its PDF to ``path`` in the background."""
        self._start(FileDestination(path), f"Saving to {path}…")

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
        self.session.hub.announce(frozenset({"documents"}))


def print_decision_memo(
    session: DeskSession, decision_id: int, parent: QWidget | None = None
) -> PrintPreviewDialog:
    """Show the preview of a signed decision's memo, from which the user prints or saves it."""
    dialog = PrintPreviewDialog(session, decision_id, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


# ---- a meeting's memos ---------------------------------------------------------------------

WAITING = "… Waiting"
WORKING = "▶ Printing…"
NOT_DONE = "■ Not printed"


class MeetingPrintDialog(QDialog):
    """Print — or save as PDFs — every memo of a meeting and its minutes, one at a time.

    Each document is issued, delivered and recorded on its own, so Cancel stops after the one
    being printed and everything done so far stays done and recorded. A print system problem
    (no print server, printer gone) stops the batch; a document that cannot be issued is marked
    and the batch goes on.

    Signals:
        finished_batch(str): the summary, once a batch has ended (done, stopped or cancelled).
    """

    finished_batch = Signal(str)
    STATUS_COLUMN = 1

    def __init__(self, session: DeskSession, meeting_date: date, parent: QWidget | None = None):
        """Build the dialog and read the meeting's documents in the background."""
        super().__init__(parent)
        self.session = session
        self.meeting_date = meeting_date
        self.batch: MeetingBatch | None = None
        self.running = False
        self.cancelling = False
        self.results: list[str] = []
        self._next_index = 0
        self._destination: Destination | None = None
        self._request = 0
        self.setWindowTitle("Print meeting memos")
        self.resize(760, 600)
        self._build()
        self.load(meeting_date)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QFormLayout()
        top.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("ddd dd MMM yyyy")
        self.date_edit.setAccessibleName("Meeting day")
        d = self.meeting_date
        self.date_edit.setDate(QDate(d.year, d.month, d.day))
        self.date_edit.dateChanged.connect(lambda q: self.load(date(q.year(), q.month(), q.day())))
        date_box, self.date_message = with_message(self.date_edit)
        top.addRow("Meeting &day", date_box)
        top.labelForField(date_box).setBuddy(self.date_edit)
        layout.addLayout(top)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        live_label(self.notes, "What is not in the batch")
        self.notes.hide()
        layout.addWidget(self.notes)

        self.to_printer = QRadioButton("Print &to a printer")
        self.to_printer.setAccessibleName("Print to a printer")
        self.to_folder = QRadioButton("Save as PDFs in a &folder")
        self.to_folder.setAccessibleName("Save as PDFs in a folder")
        self.to_printer.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.to_printer)
        group.addButton(self.to_folder)
        layout.addWidget(self.to_printer)
        self.choice = PrinterChoice(self.session, self)
        indent = QHBoxLayout()
        indent.setContentsMargins(24, 0, 0, 0)
        indent.addWidget(self.choice)
        layout.addLayout(indent)
        layout.addWidget(self.to_folder)
        self.folder_edit = QLineEdit()
        self.folder_edit.setAccessibleName("Folder for the PDFs")
        self.folder_edit.setPlaceholderText("Folder for the PDF files")
        self.folder_button = QPushButton("C&hoose…")
        self.folder_button.setAccessibleName("Choose the folder")
        self.folder_button.clicked.connect(self.choose_folder)
        folder_row = QHBoxLayout()
        folder_row.setContentsMargins(0, 0, 0, 0)
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.folder_button)
        folder_box, self.folder_message = _row_with_message(folder_row, self.folder_edit)
        indent = QHBoxLayout()
        indent.setContentsMargins(24, 0, 0, 0)
        indent.addWidget(folder_box)
        layout.addLayout(indent)
        self.to_printer.toggled.connect(self._where_changed)

        self.table = QTableWidget(0, 2)
        no_tab_trap(self.table)
        self.table.setHorizontalHeaderLabels(["Document", "Status"])
        self.table.setAccessibleName("Documents of the meeting")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Batch progress")
        self.progress.setFormat("%v of %m done")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        layout.addWidget(self.progress)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        live_label(self.summary, "Batch summary")
        layout.addWidget(self.summary)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.start_button = QPushButton("&Print all")
        self.start_button.setAccessibleName("Start the batch")
        self.start_button.setDefault(True)
        self.start_button.setEnabled(False)
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Close")
        self.cancel_button.setAccessibleName("Cancel or close")
        self.cancel_button.clicked.connect(self.reject)
        # Wide enough for its longest text, so the button does not jump while printing.
        self.cancel_button.setMinimumWidth(
            self.cancel_button.fontMetrics().horizontalAdvance("Stopping after this one…") + 32
        )
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        QShortcut(QKeySequence.StandardKey.Print, self, self.start)
        chain = [
            self.date_edit,
            self.to_printer,
            self.choice.printer_box,
            self.choice.refresh_button,
            self.choice.copies_box,
            self.to_folder,
            self.folder_edit,
            self.folder_button,
            self.table,
            self.start_button,
            self.cancel_button,
        ]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self._where_changed()

    # -- what to print ---------------------------------------------------------------------

    def load(self, meeting_date: date) -> None:
        """Read the documents of the meeting held on ``meeting_date``."""
        if self.running:
            return
        self.meeting_date = meeting_date
        self.batch = None
        self.table.setRowCount(0)
        self.start_button.setEnabled(False)
        self.summary.clear()
        self.date_message.clear_message()
        self.notes.hide()
        self._request += 1
        request = self._request
        self.session.tasks.read(
            meeting_batch,
            self.session.desk,
            self.session.actor,
            meeting_date,
            on_done=lambda batch: self._loaded(request, batch),
            on_error=lambda exc: self._load_failed(request, exc),
            label="Reading the meeting…",
        )

    def _loaded(self, request: int, batch: MeetingBatch) -> None:
        if request != self._request:
            return
        self.batch = batch
        self.results = [WAITING] * len(batch.items)
        self.table.setRowCount(len(batch.items))
        for row, item in enumerate(batch.items):
            self.table.setItem(row, 0, QTableWidgetItem(item.label))
            self.table.setItem(row, self.STATUS_COLUMN, QTableWidgetItem(WAITING))
        self.progress.setRange(0, max(len(batch.items), 1))
        self.progress.setValue(0)
        if batch.notes:
            self.notes.setText("Note: " + " ".join(batch.notes))
            self.notes.show()
        if not batch.items:
            self.summary.setText("This meeting has no signed decision yet: nothing to print.")
        self._update_start()

    def _load_failed(self, request: int, exc: BaseException) -> None:
        if request == self._request:
            self.date_message.show_message(describe_error(exc))

    def _where_changed(self) -> None:
        printing = self.to_printer.isChecked()
        self.choice.setEnabled(printing)
        self.folder_edit.setEnabled(not printing)
        self.folder_button.setEnabled(not printing)
        self.start_button.setText("&Print all" if printing else "&Save all")
        self._update_start()

    def _update_start(self) -> None:
        self.start_button.setEnabled(
            not self.running and self.batch is not None and bool(self.batch.items)
        )

    def choose_folder(self) -> None:
        """Pick the folder the PDFs are saved in."""
        folder = QFileDialog.getExistingDirectory(self, "Save the PDFs in", self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)
            self.to_folder.setChecked(True)

    # -- running ---------------------------------------------------------------------------

    def _destination_chosen(self) -> Destination | None:
        if self.to_printer.isChecked():
            printer = self.choice.chosen()
            if printer is None:
                self.choice.message.show_message("Choose a printer, or save as PDFs instead")
                return None
            self.choice.message.clear_message()
            return PrinterDestination(printer, self.choice.copies())
        text = self.folder_edit.text().strip()
        if not text:
            self.folder_message.show_message("Choose the folder the PDFs go in")
            return None
        destination = FolderDestination(Path(text).expanduser())
        try:
            destination.check()
        except Exception as exc:  # noqa: BLE001 — the reason goes under the field
            self.folder_message.show_message(describe_error(exc))
            return None
        self.folder_message.clear_message()
        return destination

    def start(self) -> None:
        """Print (or save) every document of the batch, one after another."""
        if self.running or self.batch is None or not self.batch.items:
            return
        destination = self._destination_chosen()
        if destination is None:
            return
        self._destination = destination
        self.running = True
        self.cancelling = False
        self._next_index = 0
        self.results = [WAITING] * len(self.batch.items)
        for row in range(len(self.batch.items)):
            self._set_status(row, WAITING)
        self.progress.setValue(0)
        self.summary.clear()
        for widget in (self.date_edit, self.to_printer, self.to_folder, self.choice):
            widget.setEnabled(False)
        self.folder_edit.setEnabled(False)
        self.folder_button.setEnabled(False)
        self.start_button.setEnabled(False)
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Stop after the document being printed (Esc)")
        self._run_next()

    def _run_next(self) -> None:
        assert self.batch is not None and self._destination is not None
        index = self._next_index
        if self.cancelling or index >= len(self.batch.items):
            self._finish("cancelled" if self.cancelling else "")
            return
        item = self.batch.items[index]
        printing = self._destination.action == "print"
        self._set_status(index, WORKING if printing else "▶ Saving…")
        self.table.scrollToItem(self.table.item(index, 0))
        total = len(self.batch.items)
        self.session.tasks.write(
            issue_and_deliver,
            self.session.desk,
            self.session.actor,
            item,
            self._destination,
            on_done=partial(self._item_done, index),
            on_error=partial(self._item_failed, index),
            label=f"{'Printing' if printing else 'Saving'} {index + 1} of {total}…",
        )

    def _item_done(self, index: int, done: Delivered) -> None:
        issued = done.issued
        copy = f", copy {issued.copy_number}" if issued.is_copy else ""
        verb = "Printed" if done.output.action == "print" else "Saved"
        self._set_status(index, f"✔ {verb}: {done.where} ({issued.reference}{copy})")
        self.session.hub.announce(done.changed)
        self._advance(index)

    def _item_failed(self, index: int, exc: BaseException) -> None:
        self._set_status(index, f"✖ Failed: {describe_error(exc)}")
        self.session.hub.announce(frozenset({"documents"}))
        if isinstance(exc, PrintingUnavailable | PrinterNotFound):
            # Every later document would fail the same way: stop here, saying why.
            self._finish("stopped")
            return
        self._advance(index)

    def _advance(self, index: int) -> None:
        self._next_index = index + 1
        self.progress.setValue(self._next_index)
        self._run_next()

    def _set_status(self, row: int, text: str) -> None:
        self.results[row] = text
        cell = self.table.item(row, self.STATUS_COLUMN)
        if cell is not None:
            cell.setText(text)
            cell.setToolTip(text)
            self.table.resizeColumnToContents(self.STATUS_COLUMN)

    def _finish(self, why: str) -> None:
        assert self.batch is not None and self._destination is not None
        printing = self._destination.action == "print"
        reason = {"cancelled": "cancelled", "stopped": "stopped after the failure above"}.get(why)
        for row in range(self._next_index, len(self.batch.items)):
            if self.results[row] == WAITING and reason:
                self._set_status(row, f"{NOT_DONE if printing else '■ Not saved'} — {reason}")
        done = sum(r.startswith("✔") for r in self.results)
        failed = sum(r.startswith("✖") for r in self.results)
        left = sum(r.startswith("■") for r in self.results)
        verb = "printed" if printing else "saved"
        parts = [f"{done} of {len(self.results)} {verb}"]
        if failed:
            parts.append(f"{failed} failed")
        if left:
            parts.append(f"{left} not {verb} ({reason})")
        text = ", ".join(parts) + "."
        if printing and done:
            text += " Every print is recorded with the printer, the job and the document's hash."
        self.summary.setText(("✔ " if not failed and not left else "⚠ ") + text)
        self.running = False
        self.cancelling = False
        for widget in (self.date_edit, self.to_printer, self.to_folder):
            widget.setEnabled(True)
        self._where_changed()
        self.cancel_button.setText("Close")
        self.cancel_button.setEnabled(True)
        self.cancel_button.setToolTip("")
        self.finished_batch.emit(text)

    def cancel(self) -> None:
        """Stop after the document being printed (nothing already sent is taken back)."""
        if not self.running:
            return
        self.cancelling = True
        self.cancel_button.setText("Stopping after this one…")
        self.cancel_button.setEnabled(False)

    def reject(self) -> None:
        """Esc and Cancel stop a running batch first; otherwise close."""
        if self.running:
            self.cancel()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 — Qt API
        """Closing while printing cancels the rest instead, and waits for the current one."""
        if self.running:
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)


def open_meeting_print(
    session: DeskSession, meeting_date: date, parent: QWidget | None = None
) -> MeetingPrintDialog:
    """Show the batch dialog for the meeting of ``meeting_date`` (non-modal, deleted on close)."""
    dialog = MeetingPrintDialog(session, meeting_date, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


__all__ = [
    "MeetingPrintDialog",
    "PrintDialog",
    "PrintPreviewDialog",
    "PrinterChoice",
    "open_meeting_print",
    "print_decision_memo",
]
