"""Figures ▸ Board report…: the month's board report saved as a PDF or a workbook.

The form is Designer's (``ui/board_report.ui``). The month list offers the last 24 whole
months (the current month has not finished, so the last one is the default); the team list
comes from the measures service. Saving asks where (a file dialog), asks again before a
folder other people on this computer can read, then builds the report off the GUI thread;
the file is written readable by its owner only and the export is audited by the service.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QWidget
from shiboken6 import isValid

from mash_desk.domain.errors import ValidationError
from mash_desk.gui.a11y import announce, live_label
from mash_desk.gui.field_messages import mark, show_message
from mash_desk.gui.forms.ui_board_report import Ui_BoardReportDialog
from mash_desk.gui.session import DeskSession
from mash_desk.gui.shared_folder import ask_shared_folder
from mash_desk.gui.tasks import describe_error
from mash_desk.printing.private_files import (
    make_folder,
    shared_folder_reason,
    write_private_file,
)
from mash_desk.services.board_report import BoardExportDTO

MONTHS_OFFERED = 24
FILTERS = {"pdf": "PDF (*.pdf)", "xlsx": "Excel workbook (*.xlsx)"}


def months_before(today: date, count: int = MONTHS_OFFERED) -> list[date]:
    """The first days of the ``count`` whole months before ``today``'s, newest first."""
    months, year, month = [], today.year, today.month
    for _ in range(count):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        months.append(date(year, month, 1))
    return months


class BoardReportDialog(QDialog):
    """Choose the month, team and format, then save the board report.

    Signals:
        saved(BoardExportDTO): a report was written (and audited).
        teams_loaded(): the team list is filled.
    """

    saved = Signal(object)
    teams_loaded = Signal()

    def __init__(self, session: DeskSession, parent: QWidget | None = None):
        """Build the form and read the teams in the background."""
        super().__init__(parent)
        self.session = session
        self.ui = Ui_BoardReportDialog()
        self.ui.setupUi(self)
        self.last_saved: BoardExportDTO | None = None
        self._busy = False
        for first in months_before(session.desk.ctx.today()):
            self.ui.month.addItem(f"{first:%B %Y}", f"{first:%Y-%m}")
        self.ui.team.addItem("The whole MASH", None)
        self.save_button.setText("&Save…")
        # What to do, then where the report went: read as its text, changes announced.
        live_label(self.ui.status, "What to do, then where the board report was saved")
        for name in ("form", "month"):
            self._error(name).hide()
        self.ui.buttons.accepted.connect(self.choose_file)
        self.ui.buttons.rejected.connect(self.reject)
        self.ui.month.setFocus(Qt.FocusReason.OtherFocusReason)
        session.tasks.read(
            session.desk.measures.teams,
            session.actor,
            on_done=self._teams_arrived,
            on_error=lambda exc: self._set_error("form", describe_error(exc)),
            label="Reading the teams…",
        )

    @property
    def save_button(self):
        """The Save… button."""
        return self.ui.buttons.button(QDialogButtonBox.StandardButton.Save)

    @property
    def chosen_format(self) -> str:
        """``"pdf"`` or ``"xlsx"``."""
        return "xlsx" if self.ui.xlsx.isChecked() else "pdf"

    def _teams_arrived(self, teams: tuple[str, ...]) -> None:
        if not isValid(self):
            return
        for team in teams:
            self.ui.team.addItem(team, team)
        self.teams_loaded.emit()

    # --- saving --------------------------------------------------------------------------------

    def suggested_path(self) -> Path:
        """Where the file dialog starts: the home folder, named by month (no personal data)."""
        return Path.home() / f"mash-board-report-{self.ui.month.currentData()}.{self.chosen_format}"

    @Slot()
    def choose_file(self) -> None:
        """Ask where to save, then save there (after the shared-folder question if needed)."""
        fmt = self.chosen_format
        chosen, _filter = QFileDialog.getSaveFileName(
            self, "Save the board report", str(self.suggested_path()), FILTERS[fmt]
        )
        if chosen:
            self.save_to(Path(chosen))

    def save_to(self, path: Path) -> None:
        """Save into ``path`` (the extension follows the chosen format)."""
        path = path.with_suffix(f".{self.chosen_format}")
        reason = shared_folder_reason(path.parent)
        if reason:
            ask_shared_folder(self, path.parent, reason, lambda: self._export(path))
        else:
            self._export(path)

    def _export(self, path: Path) -> None:
        if self._busy or not isValid(self):
            return
        self._busy = True
        self.save_button.setEnabled(False)
        self._clear_errors()
        self.ui.status.setText("Building the report…")

        def write(data: bytes) -> str:
            make_folder(path.parent)
            write_private_file(path, data)
            return str(path)

        self.session.tasks.write(
            self.session.desk.board_report.export,
            self.session.actor,
            self.ui.month.currentData(),
            self.chosen_format,
            write,
            team=self.ui.team.currentData(),
            on_done=self._saved,
            on_error=self._refused,
            label="Building the board report…",
        )

    def _saved(self, result) -> None:
        self.session.hub.announce(result.changed)
        if not isValid(self):
            return
        self._busy = False
        self.save_button.setEnabled(True)
        done: BoardExportDTO = result.value
        self.last_saved = done
        message = f"Saved the board report for {self.ui.month.currentText()} to {done.where}."
        self.ui.status.setText(message)
        announce(self.ui.status, message)
        self.saved.emit(done)

    def _refused(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        self._busy = False
        self.save_button.setEnabled(True)
        self.ui.status.setText("Nothing was saved.")
        if isinstance(exc, ValidationError):
            for error in exc.errors:
                self._set_error("month" if error.field == "month" else "form", error.message)
            said = " ".join(e.message for e in exc.errors)
        else:
            said = describe_error(exc)
            self._set_error("form", said)
        announce(self.ui.formError, said, assertive=True)

    # --- errors --------------------------------------------------------------------------------

    def _error(self, field: str):
        return self.ui.formError if field == "form" else self.ui.monthError

    def error_text(self, field: str) -> str:
        """The message shown at ``field`` (``"form"`` or ``"month"``); empty if none."""
        return self._error(field).text()

    def _set_error(self, field: str, message: str) -> None:
        if not isValid(self):
            return
        show_message(self._error(field), [message])
        if field == "month":
            mark(self.ui.month, message)

    def _clear_errors(self) -> None:
        show_message(self.ui.formError, [])
        show_message(self.ui.monthError, [])
        mark(self.ui.month, None)
