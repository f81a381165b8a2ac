"""The manager's workload view: each worker's open work by RAG, due today and overdue.

Figures come counted from the database (``AllocationService.workload``). Enter on a worker
narrows the work queue to that worker, so a manager goes from "who is overloaded" to the work
itself in one key.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from mash_desk.domain.changes import Topic
from mash_desk.domain.permissions import ROLE_PERMISSIONS, Permission
from mash_desk.gui.a11y import live_label
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import describe_error
from mash_desk.services.allocation import WorkloadRow

HEADERS = ("Worker", "Team", "Open", "Red", "Amber", "Green", "Not rated", "Due today", "Overdue")
(
    COL_WORKER,
    COL_TEAM,
    COL_OPEN,
    COL_RED,
    COL_AMBER,
    COL_GREEN,
    COL_UNRATED,
    COL_DUE_TODAY,
    COL_OVERDUE,
) = range(len(HEADERS))
WorkerRole = int(Qt.ItemDataRole.UserRole) + 1
"""The :class:`WorkloadRow` behind a row (any column)."""
_SORT = int(Qt.ItemDataRole.UserRole)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class _WorkloadTable(QTableView):
    """Enter chooses the current worker; Tab leaves the table instead of walking its cells."""

    chosen = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Choose the current row on Enter or Return."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.chosen.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class WorkloadView(QWidget):
    """One row per worker (unallocated work first).

    Signals:
        worker_chosen(object, str): the manager pressed Enter on a worker: their user id
            (``None`` for the unallocated row) and name.
        loaded(): the figures arrived.
    """

    worker_chosen = Signal(object, str)
    loaded = Signal()

    def __init__(self, session: DeskSession, parent: QWidget | None = None):
        """Build the table and read the figures in the background."""
        super().__init__(parent)
        self.session = session
        self.rows: tuple[WorkloadRow, ...] = ()
        self.model = QStandardItemModel(0, len(HEADERS), self)
        self.model.setHorizontalHeaderLabels(list(HEADERS))
        self.model.setSortRole(_SORT)
        self.table = _WorkloadTable()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Workload by worker")
        # A performance officer reads the counts only: there is no queue to narrow for them.
        permitted = ROLE_PERMISSIONS.get(session.actor.role, frozenset())
        self.enter_hint = (
            "Enter on a worker shows their work in the queue."
            if Permission.VIEW_QUEUE in permitted
            else ""
        )
        self.table.setAccessibleDescription(
            f"Open work per worker by RAG rating, due today and overdue. {self.enter_hint}"
        )
        self.table.setTabKeyNavigation(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        # One line per worker; the team column is widened to its names once they arrive
        # (sized to its header it cut them to "Emerg…" beside a half-empty worker column).
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        # Unsorted until the manager asks: unallocated work first, then workers by name.
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_WORKER, QHeaderView.ResizeMode.Stretch)
        self.title = QLabel("Workload: open contacts and referrals awaiting decision")
        # A bold font, not a style sheet: a sheet would pin the text colour of the theme the
        # view was opened in, and the title would vanish when the theme changes.
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.status = live_label(QLabel("Loading…"), "Workload status")
        self.status.setWordWrap(True)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Count again (F5)")
        self.refresh_button.setAccessibleName("Refresh the workload")
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        shortcut = QShortcut(QKeySequence(Qt.Key.Key_F5), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.refresh)
        self.refresh_button.clicked.connect(self.refresh)
        self.table.chosen.connect(self._choose_current)
        self.table.doubleClicked.connect(lambda _index: self._choose_current())
        session.hub.changed.connect(self._hub_changed)
        self.setFocusProxy(self.table)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Count again in the background."""
        self.session.tasks.read(
            self.session.desk.allocation.workload,
            self.session.actor,
            on_done=self._arrived,
            on_error=self._failed,
            label="Counting the workload…",
        )

    def _fit_team_column(self) -> None:
        """Widen the team column to its longest name (taken from the stretched worker one)."""
        header = self.table.horizontalHeader()
        wanted = max(
            [header.sectionSizeFromContents(COL_TEAM).width()]
            + [
                self.table.fontMetrics().horizontalAdvance(self.model.item(r, COL_TEAM).text()) + 16
                for r in range(self.model.rowCount())
            ]
        )
        header.setSectionResizeMode(COL_TEAM, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_TEAM, wanted)

    def figures(self, name: str) -> tuple[int, ...]:
        """The numbers shown for one worker: open, red, amber, green, not rated, today, overdue."""
        for row in range(self.model.rowCount()):
            if self.model.item(row, COL_WORKER).data(WorkerRole).display_name == name:
                return tuple(int(self.model.item(row, c).text()) for c in range(COL_OPEN, 9))
        raise KeyError(name)

    def _arrived(self, rows: tuple[WorkloadRow, ...]) -> None:
        if not isValid(self):
            return
        self.rows = rows
        current = self.table.currentIndex()
        kept = current.data(WorkerRole).worker_id if current.isValid() else None
        self.table.setSortingEnabled(False)
        self.model.removeRows(0, self.model.rowCount())
        for r in rows:
            name = r.display_name if r.active else f"{r.display_name} (account closed)"
            cells = [name, r.team or "—"]
            cells += [str(n) for n in (r.open_items, r.red, r.amber, r.green, r.unrated)]
            cells += [str(r.due_today), str(r.overdue)]
            items = []
            for column, text in enumerate(cells):
                item = QStandardItem(text)
                item.setData(r, WorkerRole)
                # Numbers sort as numbers (10 after 9), names without regard to case.
                item.setData(int(text) if column >= COL_OPEN else text.casefold(), _SORT)
                if column >= COL_OPEN:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                    item.setData(f"{HEADERS[column]}: {text}", Qt.ItemDataRole.AccessibleTextRole)
                items.append(item)
            self.model.appendRow(items)
        self.table.setSortingEnabled(True)
        self._fit_team_column()
        total = sum(r.open_items for r in rows)
        late = sum(r.overdue for r in rows)
        counts = f"{total} open item{'' if total == 1 else 's'}, {late} overdue."
        self.status.setText(f"{counts} {self.enter_hint}".strip())
        for row in range(self.model.rowCount()):
            if self.model.item(row, 0).data(WorkerRole).worker_id == kept:
                self.table.setCurrentIndex(self.model.index(row, 0))
                break
        else:
            if self.model.rowCount():
                self.table.setCurrentIndex(self.model.index(0, 0))
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        if isValid(self):
            self.status.setText(f"The workload could not be read: {describe_error(exc)}")

    @Slot()
    def _choose_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            row: WorkloadRow = index.data(WorkerRole)
            self.worker_chosen.emit(row.worker_id, row.display_name)

    @Slot(object)
    def _hub_changed(self, keys: frozenset[str]) -> None:
        if keys & {Topic.QUEUE, Topic.WORKLOAD}:
            self.refresh()
