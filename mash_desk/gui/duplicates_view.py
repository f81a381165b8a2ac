"""Possible duplicates (Ctrl+Shift+U, team managers): review pairs and merge two records.

The form is ``ui/duplicates_view.ui``. The list comes from ``desk.merge.duplicates`` (scored
as the new-contact form scores suggestions); merging asks for a confirmation that names both
records and which one is kept, then runs ``desk.merge.merge`` off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QDialog, QHeaderView, QMessageBox, QWidget

from mash_desk.domain.errors import ValidationError
from mash_desk.gui.find_child import born_text, fit_columns
from mash_desk.gui.forms.ui_duplicates_view import Ui_DuplicatesDialog
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import describe_error
from mash_desk.services.merge import DuplicatePair
from mash_desk.services.search import FoundChild

HEADERS = ("Likeness", "First record", "Second record", "Why they match")
PairRole = Qt.ItemDataRole.UserRole + 1
_ERROR_STYLE = "color: #b00020; font-weight: bold;"


def describe(child: FoundChild) -> str:
    """One record in words: name, person id, birth and what the MASH knows."""
    born = born_text(child)
    return f"{child.person.full_name} (person {child.person.id}, {born}) — {child.known}"


def short(child: FoundChild) -> str:
    """One record in a table cell: name, person id and birth."""
    return f"{child.person.full_name} (person {child.person.id}), {born_text(child)}"


def confirmation(kept: FoundChild, merged: FoundChild) -> str:
    """The question asked before a merge, naming both records and the one kept."""
    return (
        f"Merge {merged.person.full_name} (person {merged.person.id}, {born_text(merged)}) "
        f"into {kept.person.full_name} (person {kept.person.id}, {born_text(kept)})?\n\n"
        f"Every contact, referral, decision, consent and relationship of person "
        f"{merged.person.id} moves to person {kept.person.id}. Person {merged.person.id} "
        "will no longer be found, and opening it leads to the kept record. The merge is "
        "audited with both identities."
    )


class DuplicatesView(QDialog):
    """The possible-duplicates list with the choice of record to keep and the merge."""

    def __init__(self, session: DeskSession, parent: QWidget | None = None):
        """Build the list over ``session``; ``reload`` fetches the pairs."""
        super().__init__(parent)
        self._merged_line = ""
        self.session = session
        self.ui = Ui_DuplicatesDialog()
        self.ui.setupUi(self)
        self.pairs: tuple[DuplicatePair, ...] = ()
        self.loading = False
        self.merging = False
        # Replaced in tests; the default asks with a message box (No is the default answer).
        self.confirm: Callable[[str], bool] = self._ask
        self.model = QStandardItemModel(0, len(HEADERS), self)
        self.model.setHorizontalHeaderLabels(list(HEADERS))
        table = self.ui.pairsTable
        table.setModel(self.model)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(len(HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        table.selectionModel().currentRowChanged.connect(lambda *_: self._pair_chosen())
        # Enter on a pair goes on to the choice of record to keep.
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.ui.keepCombo.setFocus)
        self.ui.mergeButton.clicked.connect(self.merge_selected)
        self.ui.refreshButton.clicked.connect(self.reload)
        self.ui.closeButton.clicked.connect(self.close)
        self._update_buttons()

    def reload(self) -> None:
        """Fetch the pairs again in the background."""
        self.loading = True
        self._say(f"{self._merged_line} Looking for records that may be one child…".strip())
        self.session.tasks.read(
            self.session.desk.merge.duplicates,
            self.session.actor,
            on_done=self._loaded,
            on_error=lambda exc: self._done_with_error(describe_error(exc)),
            label="Looking for duplicates…",
        )

    def _loaded(self, pairs: tuple[DuplicatePair, ...]) -> None:
        self.loading = False
        self.pairs = pairs
        self.model.removeRows(0, self.model.rowCount())
        for pair in pairs:
            # Who each record is; what the MASH knows of each is in the "keep" choice below.
            cells = (
                f"{pair.score:.0%}",
                short(pair.first),
                short(pair.second),
                pair.explanation,
            )
            items = [QStandardItem(text) for text in cells]
            items[0].setData(pair, PairRole)
            self.model.appendRow(items)
        fit_columns(self.ui.pairsTable, len(HEADERS) - 1)
        if pairs:
            self.ui.pairsTable.selectRow(0)
            self.ui.pairsTable.setCurrentIndex(self.model.index(0, 0))
            self.ui.pairsTable.setFocus(Qt.FocusReason.OtherFocusReason)
            status = (
                "1 pair of records may be one child."
                if len(pairs) == 1
                else f"{len(pairs)} pairs of records may be one child."
            )
        else:
            self.ui.keepCombo.clear()
            status = "No records look like the same child."
        self._say(f"{self._merged_line} {status}".strip())
        self._merged_line = ""
        self._update_buttons()

    def selected(self) -> DuplicatePair | None:
        """The pair on the current row, if any."""
        index = self.ui.pairsTable.currentIndex()
        if not index.isValid():
            return None
        value: Any = self.model.index(index.row(), 0).data(PairRole)
        return value if isinstance(value, DuplicatePair) else None

    def _pair_chosen(self) -> None:
        pair = self.selected()
        combo = self.ui.keepCombo
        combo.clear()
        if pair is None:
            return
        # The record with more history is offered first: usually the one to keep.
        first, second = pair.first, pair.second
        if (second.open_work or 0) + (second.referrals_12_months or 0) > (first.open_work or 0) + (
            first.referrals_12_months or 0
        ):
            first, second = second, first
        for child in (first, second):
            combo.addItem(describe(child), child)
        self._update_buttons()

    def kept_and_merged(self) -> tuple[FoundChild, FoundChild] | None:
        """The record chosen to keep and the one to merge into it."""
        pair = self.selected()
        kept = self.ui.keepCombo.currentData()
        if pair is None or not isinstance(kept, FoundChild):
            return None
        merged = pair.second if kept.person.id == pair.first.person.id else pair.first
        return kept, merged

    def merge_selected(self) -> None:
        """Ask, naming both records, then merge the other record into the kept one."""
        chosen = self.kept_and_merged()
        if chosen is None:
            self._say("Choose a pair and the record to keep first.")
            return
        kept, merged = chosen
        if not self.confirm(confirmation(kept, merged)):
            self._say("Not merged.")
            return
        self.merging = True
        self._update_buttons()
        self.session.tasks.write(
            self.session.desk.merge.merge,
            self.session.actor,
            kept.person.id,
            merged.person.id,
            on_done=lambda result: self._merged(result, kept, merged),
            on_error=self._merge_failed,
            label="Merging records…",
        )

    def _merged(self, result: Any, kept: FoundChild, merged: FoundChild) -> None:
        self.merging = False
        self.session.hub.announce(result.changed | {"queue"})
        # The reload's own status would replace this line: it is kept in front of it.
        self._merged_line = (
            f"Merged: {merged.person.full_name} (person {merged.person.id}) is now part of "
            f"{kept.person.full_name} (person {kept.person.id})."
        )
        self.reload()
        self._say(self._merged_line)

    def _merge_failed(self, exc: BaseException) -> None:
        self.merging = False
        if isinstance(exc, ValidationError):
            self._done_with_error("Not merged: " + " ".join(e.message for e in exc.errors))
        else:
            self._done_with_error(describe_error(exc))

    def _done_with_error(self, message: str) -> None:
        self.loading = False
        self._say(message, error=True)
        self._update_buttons()

    def _say(self, message: str, *, error: bool = False) -> None:
        self.ui.messageLabel.setStyleSheet(_ERROR_STYLE if error else "")
        self.ui.messageLabel.setText(message)
        self.ui.pairsTable.setAccessibleDescription(message)

    def _update_buttons(self) -> None:
        self.ui.mergeButton.setEnabled(self.selected() is not None and not self.merging)

    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(
            self,
            "Merge two records?",
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes
