"""Table model of the live work queue: open contacts and referrals, soonest deadline first.

The model holds only the pages it has been given: the first page arrives from
:meth:`QueueModel.reload`, later ones when a view scrolls to the bottom (``canFetchMore`` /
``fetchMore``), each read in the background through ``session.tasks`` so a slow database never
freezes the window. A timer re-reads the session clock and redraws only the time-left column,
so the countdown stays live without touching the database.

A view asks for seven roles of every visible cell on every paint (and a sorting proxy asks for
sort keys on every comparison), so a row's cells are worked out once, when first shown, and
kept until the clock moves (:data:`_SLOTS`); sort keys are kept per column. What each cell says
is in :mod:`mash_desk.gui.queue_cells`, its icon in :mod:`mash_desk.gui.queue_icons`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from shiboken6 import isValid

from mash_desk.gui.queue_cells import (
    COL_AGE,
    COL_CHILD,
    COL_ELSEWHERE,
    COL_HOUSEHOLD,
    COL_LEVEL,
    COL_RAG,
    COL_STATUS,
    COL_TIME_LEFT,
    COL_WORKER,
    COLUMNS,
    HEADER_TIPS,
    HEADERS,
    Countdown,
    Urgency,
    cell_text,
    cell_tip,
    countdown,
    describe_age,
    due_ts,
    format_day,
    runs_in_real_time,
    sort_key,
)
from mash_desk.gui.queue_icons import cell_icon
from mash_desk.gui.tasks import describe_error
from mash_desk.services.queue_terms import MAX_PAGE, QueueCursor, QueueFilter, QueuePage, QueueRow
from mash_desk.services.timekeeping import Timekeeping

if TYPE_CHECKING:  # the session brings the database layer, which the first page is drawn without
    from mash_desk.gui.session import DeskSession

# The columns and the wording live in queue_cells; callers have always found them here.
__all__ = [
    "COL_AGE",
    "COL_CHILD",
    "COL_ELSEWHERE",
    "COL_HOUSEHOLD",
    "COL_LEVEL",
    "COL_RAG",
    "COL_STATUS",
    "COL_TIME_LEFT",
    "COL_WORKER",
    "HEADERS",
    "Countdown",
    "GroupRole",
    "QueueModel",
    "QueueProxy",
    "RowRole",
    "SortRole",
    "Urgency",
    "UrgencyRole",
    "countdown",
    "describe_age",
    "format_day",
    "runs_in_real_time",
]

_USER = int(Qt.ItemDataRole.UserRole)
SortRole = _USER + 1
"""A sortable Python value for the cell's column (used by :class:`QueueProxy`)."""
RowRole = _USER + 2
"""The :class:`QueueRow` behind the cell."""
UrgencyRole = _USER + 3
"""The row's :class:`Urgency` value, any column (Qt hands str enums back as plain strings)."""
GroupRole = _USER + 4
"""Household group key: rows of one household share it; it sorts by the earliest deadline."""

# The invisible root every row hangs from (a shared default, never changed).
_ROOT = QModelIndex()
_INFINITY = float("inf")
_TEXT, _SPOKEN, _TIP, _ICON = range(4)
_SLOTS = {
    int(Qt.ItemDataRole.DisplayRole): _TEXT,
    int(Qt.ItemDataRole.AccessibleTextRole): _SPOKEN,
    int(Qt.ItemDataRole.ToolTipRole): _TIP,
    int(Qt.ItemDataRole.DecorationRole): _ICON,
}
"""The roles the model answers per cell, and where a row's worked-out cells keep each."""
_Cells = tuple[tuple[Any, ...], ...]


def _each(roles: QModelRoleDataSpan | QModelRoleData) -> Iterable[QModelRoleData]:
    # Qt hands a span (iterable in PySide, though its stubs do not say so); Python may hand one.
    return (roles,) if isinstance(roles, QModelRoleData) else cast(Iterable[QModelRoleData], roles)


def _key(row: QueueRow) -> tuple[str, int]:
    return row.kind, row.item_id


class QueueModel(QAbstractTableModel):
    """The open-work queue, one row per :class:`QueueRow`, loaded a page at a time.

    Signals:
        loading_changed(bool): a page request started or ended.
        loaded(): a page (or a reload) arrived and is in the model.
        failed(str): a page could not be read; the sentence says why.
    """

    loading_changed = Signal(bool)
    loaded = Signal()
    failed = Signal(str)

    def __init__(
        self,
        session: DeskSession | None,
        parent: QObject | None = None,
        *,
        page_size: int = 50,
        fetch_size: int | None = None,
        countdown_ms: int = 30_000,
        times: Timekeeping | None = None,
    ):
        """Create an empty model; call :meth:`reload` to read the first page.

        Args:
            session: the signed-in desk (services, actor, task runner); ``None`` while the
                desk is still loading (start-up): the model then shows the page it is given
                (:meth:`show_page`), keeps any read asked for, and makes it on
                :meth:`attach`.
            parent: Qt parent.
            page_size: rows of the first page read from the service (1 to ``MAX_PAGE``).
            fetch_size: rows per page read when a view scrolls for more (1 to ``MAX_PAGE``;
                default ``page_size``).
            countdown_ms: how often the time-left column is redrawn from the session clock.
            times: the clock and rules without a session (``session`` is ``None``).
        """
        super().__init__(parent)
        fetch_size = page_size if fetch_size is None else fetch_size
        for name, size in (("page_size", page_size), ("fetch_size", fetch_size)):
            if not 1 <= size <= MAX_PAGE:
                raise ValueError(f"{name} must be 1 to {MAX_PAGE}, got {size}")
        self._session = session
        self._ctx: Timekeeping = session.desk.ctx if session is not None else times or Timekeeping()
        # A read asked for before the desk has loaded (generation, size, cursor, replace).
        self._waiting: tuple[int, int, QueueCursor | None, bool] | None = None
        self._page_size = page_size
        self._fetch_size = fetch_size
        self._rows: list[QueueRow] = []
        self._keys: set[tuple[str, int]] = set()
        self._first_due: dict[int, float] = {}
        # Worked-out cells by source row (None: not shown since the clock last moved), and
        # sort keys by column, each list a prefix of the rows (rows are only ever appended).
        self._cells: list[_Cells | None] = []
        self._sort_keys: dict[int, list[tuple]] = {}
        self._cursor: QueueCursor | None = None
        self._filter = QueueFilter()
        # Each reload starts a new generation; pages of an older one are dropped on arrival.
        self._generation = 0
        self._busy = False
        self._broken = False
        self._countdowns: dict[tuple[str, int], Countdown] = {}
        self._now = self._ctx.clock.now()
        self._today = self._now.astimezone(self._ctx.tz).date()
        self._timer = QTimer(self)
        self._timer.setInterval(countdown_ms)
        self._timer.timeout.connect(self.tick)
        self._timer.start()

    # --- state ---------------------------------------------------------------------------------

    @property
    def filter(self) -> QueueFilter:
        """The filter the rows were read with."""
        return self._filter

    @property
    def loading(self) -> bool:
        """Whether a page request is in flight."""
        return self._busy

    @property
    def has_more(self) -> bool:
        """Whether the service has rows beyond those loaded."""
        return self._cursor is not None

    @property
    def page_size(self) -> int:
        """Rows asked for in the first page."""
        return self._page_size

    @property
    def fetch_size(self) -> int:
        """Rows asked for per page when a view scrolls for more."""
        return self._fetch_size

    @property
    def countdown_timer(self) -> QTimer:
        """The timer that redraws the countdown (tests shorten or stop it)."""
        return self._timer

    def rows(self) -> tuple[QueueRow, ...]:
        """The rows loaded so far, in the service's deadline order."""
        return tuple(self._rows)

    def row_at(self, row: int) -> QueueRow:
        """The :class:`QueueRow` at a source row number."""
        return self._rows[row]

    def now(self) -> datetime:
        """The instant the countdown was last computed at (from the session clock)."""
        return self._now

    # --- loading -------------------------------------------------------------------------------

    def set_filter(self, flt: QueueFilter) -> None:
        """Read the queue again from its first page with ``flt``."""
        self._filter = flt
        self.reload(keep_loaded=False)

    def reload(self, *, keep_loaded: bool = True) -> None:
        """Read the queue again in the background; the old rows stay until the new ones arrive.

        Args:
            keep_loaded: ask for as many rows as are loaded now (up to ``MAX_PAGE``), so a
                refresh does not take away rows the practitioner scrolled to.
        """
        self._generation += 1
        generation = self._generation
        size = self._page_size
        if keep_loaded:
            size = min(max(len(self._rows), self._page_size), MAX_PAGE)
        self._broken = False
        self._start(generation, size, None, replace=True)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> bool:  # noqa: N802
        """Whether another page can be asked for now (not while one is on its way)."""
        return (
            not parent.isValid()
            and self._cursor is not None
            and not self._busy
            and not self._broken
        )

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> None:  # noqa: N802
        """Ask the service, in the background, for the page after the last loaded row."""
        if not self.canFetchMore(parent):
            return
        self._start(self._generation, self._fetch_size, self._cursor, replace=False)

    def show_page(self, page: QueuePage) -> None:
        """Show ``page`` as the first page (read before the session existed, at start-up)."""
        self._arrived(self._generation, page, replace=True)

    def attach(self, session: DeskSession) -> None:
        """Take the loaded desk's session, and make the read asked for while it loaded."""
        self._session = session
        self._ctx = session.desk.ctx
        waiting, self._waiting = self._waiting, None
        if waiting is not None:
            generation, size, after, replace = waiting
            if generation == self._generation:
                self._start(generation, size, after, replace=replace)

    def _start(
        self, generation: int, size: int, after: QueueCursor | None, *, replace: bool
    ) -> None:
        self._set_busy(True)
        if self._session is None:
            # Typed or pressed before the desk finished loading: nothing is lost, it runs then.
            self._waiting = (generation, size, after, replace)
            return
        self._session.tasks.read(
            self._session.desk.queue.page,
            self._session.actor,
            size=size,
            after=after,
            flt=self._filter,
            on_done=lambda page: self._arrived(generation, page, replace),
            on_error=lambda exc: self._refused(generation, exc),
            label="Loading the work queue…",
        )

    def _arrived(self, generation: int, page: QueuePage, replace: bool) -> None:
        # A page may land after its window closed; the C++ model is gone by then.
        if not isValid(self) or generation != self._generation:
            return
        if replace:
            self.beginResetModel()
            self._rows = list(page.rows)
            self._keys = {_key(r) for r in self._rows}
            self._refresh_clock()
            self._sort_keys = {}
            self._first_due = {}
            self._group_rows(self._rows)
            self.endResetModel()
        else:
            # Keyset pages never overlap unless a row's deadline moved between two reads;
            # a row already shown stays where it is rather than appear twice.
            fresh = [r for r in page.rows if _key(r) not in self._keys]
            if fresh:
                first = len(self._rows)
                self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
                self._rows.extend(fresh)
                self._cells.extend([None] * len(fresh))
                self._keys.update(_key(r) for r in fresh)
                self._group_rows(fresh)
                self.endInsertRows()
        self._cursor = page.next_cursor
        self._set_busy(False)
        self.loaded.emit()

    def _refused(self, generation: int, exc: BaseException) -> None:
        if not isValid(self) or generation != self._generation:
            return
        # No automatic retry: views ask for more on every scroll, and a failing read would
        # repeat for ever. A refresh clears this.
        self._broken = True
        self._set_busy(False)
        self.failed.emit(describe_error(exc))

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.loading_changed.emit(busy)

    def _group_rows(self, rows: list[QueueRow]) -> None:
        # Only the rows just added: a page appended costs its own rows, not all those above.
        first = self._first_due
        for row in rows:
            if row.household_id is not None:
                due = due_ts(row)
                if due < first.get(row.household_id, _INFINITY):
                    first[row.household_id] = due

    # --- the live countdown --------------------------------------------------------------------

    def _refresh_clock(self) -> bool:
        """Re-read the session clock; return whether the local date changed."""
        self._now = self._ctx.clock.now().astimezone(UTC)
        today = self._now.astimezone(self._ctx.tz).date()
        self._countdowns.clear()
        self._cells = [None] * len(self._rows)
        changed = today != self._today
        if changed:
            self._sort_keys.pop(COL_AGE, None)
        self._today = today
        return changed

    @Slot()
    def tick(self) -> None:
        """Re-read the session clock and redraw the time-left column (ages too at midnight)."""
        new_day = self._refresh_clock()
        if not self._rows:
            return
        last = len(self._rows) - 1
        roles = [
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.DecorationRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.AccessibleTextRole,
            UrgencyRole,
        ]
        self.dataChanged.emit(self.index(0, COL_TIME_LEFT), self.index(last, COL_TIME_LEFT), roles)
        if new_day:
            self.dataChanged.emit(self.index(0, COL_AGE), self.index(last, COL_AGE))

    def countdown_of(self, row: QueueRow) -> Countdown:
        """The time-left cell of ``row`` as of the last clock reading."""
        found = self._countdowns.get(_key(row))
        if found is None:
            found = countdown(
                row.due_at,
                self._now,
                self._ctx.deadlines,
                real_time=runs_in_real_time(row, self._ctx.policy),
            )
            self._countdowns[_key(row)] = found
        return found

    def sort_keys(self, column: int) -> list[tuple]:
        """Every loaded row's sort key for ``column``, by source row (what :data:`SortRole` holds).

        Worked out once per row and kept: a sorting proxy asks for two keys per comparison.
        """
        keys = self._sort_keys.setdefault(column, [])
        if len(keys) < len(self._rows):
            today = self._today
            keys.extend(sort_key(row, column, today) for row in self._rows[len(keys) :])
        return keys

    def group_key(self, row_number: int) -> tuple:
        """The household group key of a source row (what :data:`GroupRole` holds)."""
        row = self._rows[row_number]
        if row.household_id is None:
            return (due_ts(row), -1, row.kind, row.item_id)
        return (self._first_due[row.household_id], row.household_id, "", 0)

    def _work_out_cells(self, row_number: int) -> _Cells:
        row = self._rows[row_number]
        cell = self.countdown_of(row)
        today = self._today
        cells = (
            tuple(cell_text(row, c, today, cell, spoken=False) for c in COLUMNS),
            tuple(cell_text(row, c, today, cell, spoken=True) for c in COLUMNS),
            tuple(cell_tip(row, c, cell) for c in COLUMNS),
            tuple(cell_icon(row, c, cell.urgency) for c in COLUMNS),
        )
        self._cells[row_number] = cells
        return cells

    # --- Qt model ------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        """Rows loaded (the table has no children)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        """The ``COL_*`` columns."""
        return 0 if parent.isValid() else len(HEADERS)

    def index(
        self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = _ROOT
    ) -> QModelIndex:
        """The index of a cell (the base class would ask rowCount and columnCount first).

        The proxy maps every cell it paints through here: one call instead of three.
        """
        if 0 <= row < len(self._rows) and 0 <= column < len(HEADERS) and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    # flags() is the base class's: enabled, selectable, no children, never editable here.

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles and their tooltips."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return super().headerData(section, orientation, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Text, icons, tooltips and the custom roles of one cell."""
        slot = _SLOTS.get(role)
        if slot is None and role <= _USER:
            return None  # fonts, colours, alignment, check state: the style's own
        number = index.row()
        if not 0 <= number < len(self._rows):  # an invalid index is row -1
            return None
        if slot is not None:
            cells = self._cells[number] or self._work_out_cells(number)
            return cells[slot][index.column()]
        if role == SortRole:
            return self.sort_keys(index.column())[number]
        if role == RowRole:
            return self._rows[number]
        if role == UrgencyRole:
            return self.countdown_of(self._rows[number]).urgency
        if role == GroupRole:
            return self.group_key(number)
        return None

    def multiData(  # noqa: N802
        self, index: QModelIndex | QPersistentModelIndex, roles: QModelRoleDataSpan | QModelRoleData
    ) -> None:
        """Every role a view's delegate asks for at once (seven per cell on every paint).

        One call per cell instead of seven calls of :meth:`data`, each a trip from Qt into
        Python; roles the model does not set (fonts, colours, alignment) are left empty.
        """
        each = _each(roles)
        number = index.row()
        if not 0 <= number < len(self._rows):
            for wanted in each:
                wanted.clearData()
            return
        cells = self._cells[number] or self._work_out_cells(number)
        column = index.column()
        for wanted in each:
            role = wanted.role()
            slot = _SLOTS.get(role)
            if slot is not None:
                wanted.setData(cells[slot][column])
            elif role > _USER:
                wanted.setData(self.data(index, role))
            else:
                wanted.clearData()


class QueueProxy(QSortFilterProxyModel):
    """Sorts the loaded rows by any column's :data:`SortRole`, optionally household by household.

    Grouped, the rows of one household stay together, households ordered by their earliest
    deadline whichever way the chosen column sorts; within a household the column decides.

    Soonest deadline first (time left, ascending, ungrouped) is the order the service reads the
    queue in and the order pages are appended in (each page starts after the last row's
    deadline), so the proxy keeps the model's own order then rather than sort it again:
    otherwise every page appended on scrolling costs a comparison (two Python calls or more)
    per row, and every countdown tick a check of every row.
    """

    def __init__(self, parent: QObject | None = None):
        """Sort on :data:`SortRole`; filtering is the service's job, not the proxy's."""
        super().__init__(parent)
        self.setSortRole(SortRole)
        self._grouped = False
        self._column = -1
        self._order = Qt.SortOrder.AscendingOrder
        self._queue: QueueModel | None = None

    @property
    def grouped(self) -> bool:
        """Whether rows are grouped by household."""
        return self._grouped

    def setSourceModel(self, model: QAbstractItemModel) -> None:  # noqa: N802
        """Show ``model``'s rows (a :class:`QueueModel`'s are compared by its kept sort keys)."""
        self._queue = model if isinstance(model, QueueModel) else None
        super().setSourceModel(model)

    def sortColumn(self) -> int:  # noqa: N802
        """The column the rows are sorted by, as the header shows it (-1: not sorted)."""
        return self._column

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column`` in ``order`` (the view calls this when a header is clicked)."""
        self._column, self._order = column, order
        self._apply_sort()

    def set_grouped(self, grouped: bool) -> None:
        """Turn grouping by household on or off and re-sort."""
        if grouped != self._grouped:
            self._grouped = grouped
            if not self._apply_sort():
                self.invalidate()

    def _in_model_order(self) -> bool:
        return (
            self._queue is not None
            and self._column == COL_TIME_LEFT
            and self._order == Qt.SortOrder.AscendingOrder
            and not self._grouped
        )

    def _apply_sort(self) -> bool:
        """Sort as asked; return whether the proxy re-sorted (it skips an unchanged sort)."""
        column = -1 if self._in_model_order() else self._column
        # -1 keeps the model's order (QSortFilterProxyModel's documented "no sorting").
        unchanged = column == super().sortColumn() and self._order == self.sortOrder()
        super().sort(column, self._order)
        return not unchanged

    def multiData(  # noqa: N802
        self, index: QModelIndex | QPersistentModelIndex, roles: QModelRoleDataSpan | QModelRoleData
    ) -> None:
        """Hand a view's request for all of a cell's roles to the model in one call.

        QSortFilterProxyModel would ask the model role by role (:meth:`QueueModel.multiData`).
        """
        if self._queue is None:
            super().multiData(index, roles)
            return
        self._queue.multiData(self.mapToSource(index), roles)

    def lessThan(  # noqa: N802
        self,
        left: QModelIndex | QPersistentModelIndex,
        right: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        """Compare Python sort keys (tuples), households first when grouped."""
        queue = self._queue
        if queue is None:
            return left.data(SortRole) < right.data(SortRole)
        a, b = left.row(), right.row()
        if self._grouped:
            group_a, group_b = queue.group_key(a), queue.group_key(b)
            if group_a != group_b:
                # The proxy reverses lessThan for a descending sort; reverse it back here so
                # households stay in earliest-deadline order.
                return (group_a < group_b) != (self._order == Qt.SortOrder.DescendingOrder)
        keys = queue.sort_keys(left.column())
        return keys[a] < keys[b]
