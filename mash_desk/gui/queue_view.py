"""The live work queue: filters, search as you type, and the table of open work.

Every filter is applied by the service (``QueueFilter``), so narrowing the queue never depends
on which pages happen to be loaded; sorting by a column and grouping by household rearrange
only the rows loaded. The queue refreshes itself whenever a saved change touches it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from mash_desk.domain.changes import Topic
from mash_desk.domain.enums import Rag
from mash_desk.gui.a11y import name_clear_button, no_tab_trap
from mash_desk.gui.queue_model import (
    COL_AGE,
    COL_CHILD,
    COL_ELSEWHERE,
    COL_HOUSEHOLD,
    COL_LEVEL,
    COL_RAG,
    COL_STATUS,
    COL_TIME_LEFT,
    COL_WORKER,
    QueueModel,
    QueueProxy,
    RowRole,
)
from mash_desk.gui.tasks import describe_error
from mash_desk.services.actor import Actor
from mash_desk.services.queue_terms import (
    FIRST_PAGE,
    SCROLL_PAGE,
    QueueChoices,
    QueueFilter,
    QueuePage,
    QueueRow,
)
from mash_desk.services.timekeeping import Timekeeping

if TYPE_CHECKING:  # the session brings the database layer, which the first page is drawn without
    from mash_desk.gui.session import DeskSession

EMPTY_MESSAGE = "No open work matches these filters"
UNALLOCATED = "unallocated"
"""The worker filter's choice for work nobody holds yet."""
_COLUMN_WIDTHS = {
    COL_CHILD: 170,
    COL_AGE: 80,
    # Wide enough for "HA1 9RY · household 1234": at 150 the household number was cut off.
    COL_HOUSEHOLD: 195,
    COL_RAG: 90,
    COL_TIME_LEFT: 200,
    COL_STATUS: 180,
    COL_WORKER: 140,
    COL_LEVEL: 85,
    # The last column stretches to the window's edge: no horizontal scroll at 1366 wide.
    COL_ELSEWHERE: 185,
}


class _QueueTable(QTableView):
    """The queue's table: Enter opens the current row (QTableView would only move on)."""

    open_current = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Open the current row on Enter or Return."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_current.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class QueueView(QWidget):
    """The open-work queue with its filters.

    Signals:
        open_requested(QueueRow): the practitioner asked to open a row (Enter, double-click).
    """

    open_requested = Signal(object)

    def __init__(
        self,
        session: DeskSession | Actor,
        parent: QWidget | None = None,
        *,
        page_size: int = FIRST_PAGE,
        fetch_size: int = SCROLL_PAGE,
        countdown_ms: int = 30_000,
        search_delay_ms: int = 250,
        first_page: QueuePage | None = None,
        times: Timekeeping | None = None,
    ):
        """Build the view and start reading the first page and the filter choices.

        Args:
            session: the signed-in desk; or, while the desk is still loading (start-up), the
                signed-in person, with ``first_page`` already read: the view shows it, keeps
                what is typed or chosen meanwhile, and reads on :meth:`attach`.
            parent: Qt parent.
            page_size: rows of the first page (what start-up and every filter change wait for).
            fetch_size: rows read per page when scrolling for more.
            countdown_ms: how often the time-left column is redrawn.
            search_delay_ms: pause in typing before the search runs.
            first_page: the first page, read before the desk loaded (with an :class:`Actor`).
            times: the clock and rules the countdowns use until :meth:`attach`.
        """
        super().__init__(parent)
        self._session = None if isinstance(session, Actor) else session
        self._actor = session if isinstance(session, Actor) else session.actor
        self.model = QueueModel(
            self._session,
            self,
            page_size=page_size,
            fetch_size=max(fetch_size, page_size),
            countdown_ms=countdown_ms,
            times=times,
        )
        self.proxy = QueueProxy(self)
        self.proxy.setSourceModel(self.model)
        self._remembered: tuple[str, int] | None = None
        self._scrolled_to = 0
        self._error: str | None = None
        self._choices_ready = False

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(search_delay_ms)
        self._search_timer.timeout.connect(self._apply_filters)

        self._build()
        self._connect()
        self._update_state()
        if first_page is not None:
            self.model.show_page(first_page)
        else:
            self.model.reload()
        if self._session is not None:
            self._session.hub.changed.connect(self._hub_changed)
            self._load_choices()

    def attach(self, session: DeskSession) -> None:
        """Take the loaded desk: make what was asked meanwhile, read the filter choices."""
        self._session = session
        self._actor = session.actor
        self.model.attach(session)
        session.hub.changed.connect(self._hub_changed)
        self._load_choices()

    # --- building ------------------------------------------------------------------------------

    def _build(self) -> None:
        # In this order: the order widgets are made is the order a screen reader lists them.
        self._build_filters()
        self._build_status()
        self._build_table()
        self._lay_out()
        self._set_tab_order()
        self._bind_keys()

    def _build_filters(self) -> None:
        """The search box, the four filters, the two toggles and Refresh."""
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by name, NHS number or postcode (Ctrl+F)")
        name_clear_button(self.search, "Clear the queue search")
        self.search.setAccessibleName("Search the queue")
        self.search.setAccessibleDescription(
            "Narrows the queue to children whose name, NHS number or postcode contains the text"
        )
        self.search.installEventFilter(self)

        self.rag_filter = QComboBox()
        self.rag_filter.addItem("Any rating", None)
        for rag in (Rag.RED, Rag.AMBER, Rag.GREEN):
            self.rag_filter.addItem(rag.value.title(), rag)
        self.rag_filter.setAccessibleName("Filter by RAG rating")

        self.kind_filter = QComboBox()
        self.kind_filter.addItem("Contacts and referrals", None)
        self.kind_filter.addItem("Contacts (open)", "contact")
        self.kind_filter.addItem("Referrals (awaiting decision)", "referral")
        self.kind_filter.setAccessibleName("Filter by kind of work")

        self.team_filter = QComboBox()
        self.team_filter.addItem("All teams", None)
        self.team_filter.setAccessibleName("Filter by team")
        self.team_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

        self.worker_filter = QComboBox()
        self.worker_filter.addItem("Anyone", None)
        self.worker_filter.addItem("Unallocated", UNALLOCATED)
        self.worker_filter.setAccessibleName("Filter by assigned worker")
        self.worker_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

        self.my_work_toggle = QCheckBox("M&y work")
        self.my_work_toggle.setAccessibleName("Show only my work")
        self.my_work_toggle.setToolTip("Only the work allocated to me (Ctrl+Shift+M)")

        self.group_toggle = QCheckBox("Group by &household")
        self.group_toggle.setAccessibleName("Group rows by household")
        self.group_toggle.setToolTip(
            "Keep siblings together; households in order of their earliest deadline"
        )

        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setAccessibleName("Refresh the queue")
        self.refresh_button.setToolTip("Read the queue again (F5)")

    def _build_status(self) -> None:
        """The loading indicator, the row count and the message line."""
        self.loading_label = QLabel("Loading…")
        self.loading_label.setAccessibleName("Loading the queue")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(90)
        self.busy.setMaximumHeight(12)
        self.busy.setTextVisible(False)
        self.busy.setAccessibleName("Loading the queue")
        self.count_label = QLabel()
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def _build_table(self) -> None:
        """The queue table (soonest deadline first) and the empty-queue message it gives way to."""
        self.table = _QueueTable()
        no_tab_trap(self.table)
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Open work queue")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.setSortingEnabled(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        for column, width in _COLUMN_WIDTHS.items():
            self.table.setColumnWidth(column, width)
        # Soonest deadline first, as the service orders it.
        self.table.sortByColumn(COL_TIME_LEFT, Qt.SortOrder.AscendingOrder)

        self.empty_label = QLabel(EMPTY_MESSAGE)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setAccessibleName(EMPTY_MESSAGE)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_label)

    def _lay_out(self) -> None:
        """Search above the filters, the message, the table, the status line at the foot."""
        filters = QHBoxLayout()
        for text, combo in (
            ("R&AG", self.rag_filter),
            ("&Work", self.kind_filter),
            ("&Team", self.team_filter),
            ("W&orker", self.worker_filter),
        ):
            label = QLabel(text)
            label.setBuddy(combo)
            filters.addWidget(label)
            filters.addWidget(combo)
        filters.addSpacing(12)
        filters.addWidget(self.my_work_toggle)
        filters.addWidget(self.group_toggle)
        filters.addStretch(1)
        filters.addWidget(self.refresh_button)

        search_row = QHBoxLayout()
        search_label = QLabel("&Search")
        search_label.setBuddy(self.search)
        search_row.addWidget(search_label)
        search_row.addWidget(self.search, 1)

        status = QHBoxLayout()
        status.addWidget(self.count_label)
        status.addStretch(1)
        status.addWidget(self.loading_label)
        status.addWidget(self.busy)

        layout = QVBoxLayout(self)
        layout.addLayout(search_row)
        layout.addLayout(filters)
        layout.addWidget(self.message_label)
        layout.addWidget(self.stack, 1)
        layout.addLayout(status)

    def _set_tab_order(self) -> None:
        """Tab runs from the search through the filters and Refresh into the table."""
        QWidget.setTabOrder(self.search, self.rag_filter)
        QWidget.setTabOrder(self.rag_filter, self.kind_filter)
        QWidget.setTabOrder(self.kind_filter, self.team_filter)
        QWidget.setTabOrder(self.team_filter, self.worker_filter)
        QWidget.setTabOrder(self.worker_filter, self.my_work_toggle)
        QWidget.setTabOrder(self.my_work_toggle, self.group_toggle)
        QWidget.setTabOrder(self.group_toggle, self.refresh_button)
        QWidget.setTabOrder(self.refresh_button, self.table)

    def _bind_keys(self) -> None:
        """Ctrl+F, F5 and Ctrl+Down/Up while the queue (or anything in it) has the focus."""
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (
            (QKeySequence(QKeySequence.StandardKey.Find), self.focus_search),
            (QKeySequence(Qt.Key.Key_F5), self.refresh),
            (QKeySequence("Ctrl+Down"), self.select_next),
            (QKeySequence("Ctrl+Up"), self.select_previous),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)

    def _connect(self) -> None:
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self._apply_filters)
        for combo in (self.rag_filter, self.kind_filter, self.team_filter, self.worker_filter):
            combo.currentIndexChanged.connect(self._apply_filters)
        self.group_toggle.toggled.connect(self._set_grouped)
        self.my_work_toggle.toggled.connect(self._my_work_toggled)
        self.refresh_button.clicked.connect(self.refresh)
        self.table.open_current.connect(self._open_current)
        self.table.doubleClicked.connect(self._open_index)
        self.model.loading_changed.connect(lambda _busy: self._update_state())
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(self._failed)
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._restore_selection)
        self.model.rowsInserted.connect(lambda *_: self._update_state())

    # --- public slots --------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        """Read the queue (and the filter choices) again."""
        self.model.reload()
        self._load_choices()

    @Slot()
    def select_next(self) -> None:
        """Select the row below the current one (the first row if none is selected)."""
        self._move(1)

    @Slot()
    def select_previous(self) -> None:
        """Select the row above the current one (the last row if none is selected)."""
        self._move(-1)

    @Slot()
    def focus_search(self) -> None:
        """Put the cursor in the search box with its text selected."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def selected_row(self) -> QueueRow | None:
        """The row the practitioner has selected, if any."""
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(
            index.row(), QModelIndex()
        ):
            return None
        return index.data(RowRole)

    @Slot()
    def toggle_my_work(self) -> None:
        """Show only the work allocated to the signed-in user, or everyone's again."""
        self.my_work_toggle.toggle()

    def show_worker(self, user_id: int | None, name: str | None = None) -> None:
        """Narrow the queue to one worker's work (``None``: the work nobody holds)."""
        self.my_work_toggle.setChecked(False)
        found = self.worker_filter.findData(user_id)
        if found < 0 and user_id is not None:
            # The choices may not be read yet; the filter still applies by id.
            self.worker_filter.addItem(name or f"Worker {user_id}", user_id)
            found = self.worker_filter.count() - 1
        if user_id is None:
            found = self.worker_filter.findData(UNALLOCATED)
        self.worker_filter.setCurrentIndex(max(found, 0))
        self._apply_filters()

    def current_filter(self) -> QueueFilter:
        """The filter the widgets describe now (the model may still be reading it)."""
        worker = self.worker_filter.currentData()
        if self.my_work_toggle.isChecked():
            worker = self._actor.user_id
        unallocated = worker == UNALLOCATED
        # Qt hands str enums back as plain strings.
        rag = self.rag_filter.currentData()
        return QueueFilter(
            rag=Rag(rag) if rag else None,
            kind=self.kind_filter.currentData(),
            worker_id=None if unallocated else worker,
            team=self.team_filter.currentData(),
            search=self.search.text().strip() or None,
            unallocated=unallocated,
        )

    # --- behaviour -----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Down in the search box moves into the results."""
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self.proxy.rowCount() > 0
        ):
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            if not self.table.currentIndex().isValid():
                self._move(1)
            return True
        return super().eventFilter(watched, event)

    @Slot()
    def _apply_filters(self) -> None:
        self._search_timer.stop()
        wanted = self.current_filter()
        if wanted != self.model.filter:
            self.model.set_filter(wanted)

    @Slot(bool)
    def _my_work_toggled(self, mine: bool) -> None:
        # "My work" decides the worker; the worker choice waits until it is turned off.
        self.worker_filter.setEnabled(not mine)
        self._apply_filters()

    @Slot(bool)
    def _set_grouped(self, grouped: bool) -> None:
        if self.proxy.sortColumn() < 0:
            self.table.sortByColumn(COL_TIME_LEFT, Qt.SortOrder.AscendingOrder)
        self.proxy.set_grouped(grouped)

    def _move(self, step: int) -> None:
        count = self.proxy.rowCount()
        if count == 0:
            return
        current = self.table.currentIndex()
        if current.isValid():
            row = min(max(current.row() + step, 0), count - 1)
            column = current.column()
        else:
            row, column = (0 if step > 0 else count - 1), COL_CHILD
        index = self.proxy.index(row, column)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)

    @Slot()
    def _open_current(self) -> None:
        self._open_index(self.table.currentIndex())

    @Slot(QModelIndex)
    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(index.data(RowRole))

    @Slot(object)
    def _hub_changed(self, keys: frozenset[str]) -> None:
        if Topic.QUEUE in keys:
            self.model.reload()

    @Slot()
    def _remember_selection(self) -> None:
        row = self.selected_row()
        self._remembered = (row.kind, row.item_id) if row is not None else None
        # A refresh (F5, a save here, another desk's change) must not move the view.
        self._scrolled_to = self.table.verticalScrollBar().value()

    @Slot()
    def _restore_selection(self) -> None:
        # After the reset the rows are laid out anew: scroll back once they are.
        QTimer.singleShot(0, self, self._rescroll)  # dropped if the view is gone by then
        if self._remembered is None:
            return
        for i in range(self.proxy.rowCount()):
            index = self.proxy.index(i, COL_CHILD)
            row: QueueRow = index.data(RowRole)
            if (row.kind, row.item_id) == self._remembered:
                self.table.setCurrentIndex(index)
                self.table.scrollTo(index)
                break

    @Slot()
    def _rescroll(self) -> None:
        self.table.verticalScrollBar().setValue(self._scrolled_to)
        if self._remembered is not None and self.table.currentIndex().isValid():
            self.table.scrollTo(self.table.currentIndex())  # only if it moved out of sight

    @Slot()
    def _loaded(self) -> None:
        self._error = None
        self._update_state()

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._error = f"The queue could not be read: {message} Press F5 to try again."
        self._update_state()

    @Slot()
    def _update_state(self) -> None:
        loading = self.model.loading
        self.loading_label.setVisible(loading)
        self.busy.setVisible(loading)
        self.message_label.setText(self._error or "")
        self.message_label.setVisible(self._error is not None)
        count = self.model.rowCount()
        empty = count == 0 and not loading and self._error is None
        self.stack.setCurrentWidget(self.empty_label if empty else self.table)
        if count == 0:
            # The empty state says it in the middle of the view; no need to say it twice.
            self.count_label.setText("")
        else:
            noun = "item" if count == 1 else "items"
            more = " loaded; scroll down for more" if self.model.has_more else ""
            self.count_label.setText(f"{count} open {noun}{more}")

    # --- filter choices ------------------------------------------------------------------------

    def _load_choices(self) -> None:
        if self._session is None:
            return  # read on attach()
        self._session.tasks.read(
            self._session.desk.queue.choices,
            self._session.actor,
            on_done=self._fill_choices,
            # The queue's own read reports the same refusal; the combos just stay at "any".
            on_error=lambda exc: self._choices_failed(describe_error(exc)),
            label="Loading the queue filters…",
        )

    def _choices_failed(self, message: str) -> None:
        if not isValid(self):
            return
        self.team_filter.setToolTip(f"Teams could not be read: {message}")
        self.worker_filter.setToolTip(f"Workers could not be read: {message}")

    def _fill_choices(self, choices: QueueChoices) -> None:
        # The choices may arrive after the view was closed and deleted.
        if not isValid(self):
            return
        me = self._actor.user_id
        team_items = [(team, team) for team in choices.teams]
        worker_items: list[tuple[str, object]] = [("Unallocated", UNALLOCATED)]
        worker_items += [
            (f"{w.display_name} (me)" if w.user_id == me else w.display_name, w.user_id)
            for w in choices.workers
        ]
        self._refill(self.team_filter, "All teams", team_items)
        self._refill(self.worker_filter, "Anyone", worker_items)
        self._choices_ready = True

    @staticmethod
    def _refill(combo: QComboBox, anything: str, items: Sequence[tuple[str, object]]) -> None:
        # Refilling must not count as the practitioner choosing something: keep the choice
        # if it is still offered, and apply nothing.
        kept = combo.currentData()
        combo.blockSignals(True)
        try:
            combo.clear()
            combo.addItem(anything, None)
            for text, value in items:
                combo.addItem(text, value)
            found = combo.findData(kept) if kept is not None else 0
            combo.setCurrentIndex(max(found, 0))
        finally:
            combo.blockSignals(False)
        if kept is not None and combo.currentData() != kept:
            # The chosen team or worker is gone: show everyone, as the combo now says.
            combo.currentIndexChanged.emit(combo.currentIndex())

    @property
    def choices_ready(self) -> bool:
        """Whether the team and worker filters have been filled from the service."""
        return self._choices_ready
