"""Print (or save as PDFs) every memo of a meeting, and its minutes once signed off.

Progress, a status per document and Cancel, which stops after the document being printed.
The printer choice and print dialog are the memo preview's (:mod:`mash_desk.gui.printing`);
what is sent is always the issued PDF's own bytes, recorded with their hash (issue 6).
"""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mash_desk.domain.changes import Topic, change_keys
from mash_desk.gui.live import live
from mash_desk.gui.printing import (
    PrinterChoice,
    issue_and_deliver,
    row_with_message,
)
from mash_desk.gui.profile_dialog import with_message
from mash_desk.gui.session import DeskSession
from mash_desk.gui.shared_folder import ask_shared_folder
from mash_desk.gui.tasks import describe_error
from mash_desk.printing.cups import (
    PrinterNotFound,
    PrintingUnavailable,
)
from mash_desk.printing.delivery import (
    Delivered,
    Destination,
    FolderDestination,
    MeetingBatch,
    PrinterDestination,
    meeting_batch,
)

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
        self._build_day(layout)
        self._build_destination(layout)
        self._build_progress(layout)
        self._build_buttons(layout)
        QShortcut(QKeySequence.StandardKey.Print, self, self.start)
        self._set_tab_order()
        self._where_changed()

    def _build_day(self, layout: QVBoxLayout) -> None:
        """Make the meeting day (a new day reads its documents) and the notes line."""
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
        date_label = top.labelForField(date_box)
        assert isinstance(date_label, QLabel)  # addRow(text, …) made it a QLabel
        date_label.setBuddy(self.date_edit)
        layout.addLayout(top)
        self.notes = live(description="What is not in the batch")
        self.notes.hide()
        layout.addWidget(self.notes)

    def _build_destination(self, layout: QVBoxLayout) -> None:
        """Offer a printer (the default) or a folder of PDFs, each with its settings indented."""
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
        folder_box, self.folder_message = row_with_message(folder_row, self.folder_edit)
        indent = QHBoxLayout()
        indent.setContentsMargins(24, 0, 0, 0)
        indent.addWidget(folder_box)
        layout.addLayout(indent)
        self.to_printer.toggled.connect(self._where_changed)

    def _build_progress(self, layout: QVBoxLayout) -> None:
        """Make the documents table with each one's status, the progress bar and summary."""
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Document", "Status"])
        self.table.setAccessibleName("Documents of the meeting")
        self.table.setTabKeyNavigation(False)  # one Tab leaves the table (WCAG 2.1.2)
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
        self.summary = live(description="Batch summary")
        layout.addWidget(self.summary)

    def _build_buttons(self, layout: QVBoxLayout) -> None:
        """Add Print all (enabled once documents are read) and Close / Cancel."""
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

    def _set_tab_order(self) -> None:
        """Tab from the day through the destination and the table to the buttons."""
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
        if isinstance(destination, FolderDestination) and (shared := destination.shared_reason()):
            ask_shared_folder(self, destination.folder, shared, partial(self._begin, destination))
            return
        self._begin(destination)

    def _begin(self, destination: Destination) -> None:
        if self.running or self.batch is None or not self.batch.items:
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
        row_item = self.table.item(index, 0)
        if row_item is not None:
            self.table.scrollToItem(row_item)
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
        self.session.hub.announce(change_keys(Topic.DOCUMENTS))
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


__all__ = ["MeetingPrintDialog", "open_meeting_print"]
