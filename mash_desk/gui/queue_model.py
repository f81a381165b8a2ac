"""Table model of the live work queue: open contacts and referrals, soonest deadline first.

The model holds only the pages it has been given: the first page arrives from
:meth:`QueueModel.reload`, later ones when a view scrolls to the bottom (``canFetchMore`` /
``fetchMore``), each read in the background through ``session.tasks`` so a slow database never
freezes the window. A timer re-reads the session clock and redraws only the time-left column,
so the countdown stays live without touching the database.

Urgency is never shown by colour alone: the RAG column carries the word and a shaped icon, and
the time-left column says "OVERDUE" or "due today" in words beside a warning or critical icon.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QApplication, QStyle
from shiboken6 import isValid

from mash_desk.domain.deadlines import Deadlines, format_duration
from mash_desk.domain.enums import Rag
from mash_desk.domain.policy import Policy
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import describe_error
from mash_desk.services.contacts import UNRATED_CLOCK
from mash_desk.services.dto import QueueCursor, QueuePage, QueueRow
from mash_desk.services.queue import MAX_PAGE, QueueFilter

COL_CHILD, COL_AGE, COL_HOUSEHOLD, COL_RAG, COL_TIME_LEFT, COL_STATUS, COL_WORKER = range(7)
# Added after the first seven so their numbers stay put for every caller.
COL_LEVEL, COL_ELSEWHERE = 7, 8
HEADERS = (
    "Child",
    "Age",
    "Household",
    "RAG",
    "Time left",
    "Status",
    "Worker",
    "Level",
    "Also open",
)
_HEADER_TIPS = (
    "The child the work is about",
    "Age today, or the expected delivery date of an unborn child",
    "Postcode and household number: siblings share a household",
    "Urgency rating (red, amber, green)",
    "Time left before the decision is due, counted on the item's own clock",
    "Contact or referral, and where it stands",
    "Who the work is assigned to, and in which team",
    "Threshold level: provisional on a contact, assessed on a referral",
    "Other open work about the same child: contacts, referrals, open services",
)

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
_ONE_HOUR = timedelta(hours=1)
_ONE_MINUTE = timedelta(minutes=1)
_INFINITY = float("inf")
# English names on purpose: Qt sets the C library locale at start-up, and strftime would
# then follow the machine's language while every other word on screen is English.
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Urgency(StrEnum):
    """How close a row is to its deadline."""

    NONE = "none"  # no deadline recorded
    OK = "ok"
    NEAR = "near"  # under one working hour left, or due today
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Countdown:
    """The time-left cell: short text, urgency, and a full sentence for tooltips and readers."""

    text: str
    urgency: Urgency
    detail: str


def format_day(d: date) -> str:
    """Return a date as ``"3 Feb 2027"``."""
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _format_instant(at: datetime, deadlines: Deadlines) -> str:
    local = at.astimezone(deadlines.calendar.timezone)
    return f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]}, {local:%H:%M}"


def runs_in_real_time(row: QueueRow, policy: Policy) -> bool:
    """Whether the row's decision clock counts real time (red) rather than MASH working time."""
    if row.kind == "referral":
        limit = policy.referral_decision
    else:
        limit = policy.rag[row.rag or UNRATED_CLOCK].decision
    return limit.counts_real_time


def countdown(
    due: datetime | None, now: datetime, deadlines: Deadlines, *, real_time: bool
) -> Countdown:
    """Describe the time left before ``due`` as the queue shows it.

    Working-time clocks count only MASH opening hours ("2 h 15 min left", or "due in 1 working
    day" when a whole working day or more is left); real-time clocks (red) count every hour.
    Lateness is given in real time, because a child waits through nights and weekends too.
    """
    if due is None:
        return Countdown("no deadline", Urgency.NONE, "No decision deadline is recorded")
    calendar = deadlines.calendar
    zone = calendar.timezone
    when = _format_instant(due, deadlines)
    if due <= now:
        late = now - due
        text = "DUE NOW" if late < _ONE_MINUTE else f"OVERDUE by {format_duration(late)}"
        return Countdown(text, Urgency.OVERDUE, f"Overdue: the decision was due {when}")
    measure = (
        "real time: this clock keeps running out of hours" if real_time else "MASH working hours"
    )
    detail = f"Decision due {when}, counted in {measure}"
    left = due - now if real_time else calendar.working_time_between(now, due)
    today = now.astimezone(zone).date()
    due_day = due.astimezone(zone).date()
    due_today = due_day == today
    if left <= timedelta(0):
        # Out of hours, with the deadline at the next opening: no working time is left.
        text = "due at next opening"
    elif real_time or due_today or calendar.add_working_days(now, 1) > due:
        text = f"{format_duration(left)} left"
    else:
        days = deadlines.working_days_left(due, now)
        text = f"due in {days} working day{'' if days == 1 else 's'}"
    if due_today:
        return Countdown(f"{text} — due today", Urgency.NEAR, detail)
    if left < _ONE_HOUR:
        return Countdown(f"{text} — due soon", Urgency.NEAR, detail)
    return Countdown(text, Urgency.OK, detail)


def describe_age(dob: date | None, edd: date | None, today: date) -> tuple[str, tuple]:
    """Return a child's age as shown in the queue, and a sort key (youngest first).

    Years from one year old; months below that; an unborn child shows the expected delivery.
    """
    if dob is not None:
        months = (today.year - dob.year) * 12 + today.month - dob.month - (today.day < dob.day)
        key = (0, (today - dob).days)
        if months >= 12:
            years = months // 12
            return f"{years} year{'' if years == 1 else 's'}", key
        if months >= 1:
            return f"{months} month{'' if months == 1 else 's'}", key
        return "under 1 month", key
    if edd is not None:
        return f"unborn, due {format_day(edd)}", (0, (today - edd).days)
    return "not recorded", (1, 0)


def _shape_icon(rag: Rag | None) -> QIcon:
    """Paint a RAG badge whose shape differs by rating, so it reads without colour."""
    icon = QIcon()
    for size in (16, 32):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        s = float(size)
        m = s * 0.12
        painter.setPen(QPen(QColor("#202020"), max(1.0, s / 16)))
        if rag is Rag.RED:
            # A diamond: the sharpest shape for the most urgent rating.
            painter.setBrush(QColor("#c62828"))
            painter.drawPolygon(
                QPolygonF(
                    [
                        QPointF(s / 2, m),
                        QPointF(s - m, s / 2),
                        QPointF(s / 2, s - m),
                        QPointF(m, s / 2),
                    ]
                )
            )
        elif rag is Rag.AMBER:
            painter.setBrush(QColor("#f0a000"))
            painter.drawPolygon(
                QPolygonF([QPointF(s / 2, m), QPointF(s - m, s - m), QPointF(m, s - m)])
            )
        elif rag is Rag.GREEN:
            painter.setBrush(QColor("#2e7d32"))
            painter.drawEllipse(QRectF(m, m, s - 2 * m, s - 2 * m))
        else:
            # Not rated: a hollow ring.
            path = QPainterPath()
            path.addEllipse(QRectF(m, m, s - 2 * m, s - 2 * m))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def _blank_icon() -> QIcon:
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    return QIcon(pixmap)


class _Icons:
    """Icons built on first use (painting needs the QApplication to exist)."""

    _cache: dict[Any, QIcon] = {}

    @classmethod
    def rag(cls, rag: Rag | None) -> QIcon:
        if rag not in cls._cache:
            cls._cache[rag] = _shape_icon(rag)
        return cls._cache[rag]

    @classmethod
    def elsewhere(cls) -> QIcon:
        if "elsewhere" not in cls._cache:
            style = QApplication.style()
            cls._cache["elsewhere"] = style.standardIcon(
                QStyle.StandardPixmap.SP_MessageBoxInformation
            )
        return cls._cache["elsewhere"]

    @classmethod
    def urgency(cls, urgency: Urgency) -> QIcon:
        if urgency not in cls._cache:
            style = QApplication.style()
            if urgency is Urgency.OVERDUE:
                icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical)
            elif urgency is Urgency.NEAR:
                icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            else:
                # A transparent icon keeps every time-left text at the same indent.
                icon = _blank_icon()
            cls._cache[urgency] = icon
        return cls._cache[urgency]


_RAG_WORDS = {Rag.RED: "Red", Rag.AMBER: "Amber", Rag.GREEN: "Green", None: "Not rated"}
_RAG_KEYS = {Rag.RED: -3, Rag.AMBER: -2, Rag.GREEN: -1, None: 0}


def _key(row: QueueRow) -> tuple[str, int]:
    return row.kind, row.item_id


def _due_ts(row: QueueRow) -> float:
    return row.due_at.timestamp() if row.due_at is not None else _INFINITY


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
        session: DeskSession,
        parent: QObject | None = None,
        *,
        page_size: int = 50,
        countdown_ms: int = 30_000,
    ):
        """Create an empty model; call :meth:`reload` to read the first page.

        Args:
            session: the signed-in desk (services, actor, task runner).
            parent: Qt parent.
            page_size: rows per page read from the service (1 to ``MAX_PAGE``).
            countdown_ms: how often the time-left column is redrawn from the session clock.
        """
        super().__init__(parent)
        if not 1 <= page_size <= MAX_PAGE:
            raise ValueError(f"page_size must be 1 to {MAX_PAGE}, got {page_size}")
        self._session = session
        self._ctx = session.desk.ctx
        self._page_size = page_size
        self._rows: list[QueueRow] = []
        self._keys: set[tuple[str, int]] = set()
        self._first_due: dict[int, float] = {}
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
        """Rows asked for per page."""
        return self._page_size

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
        self._start(self._generation, self._page_size, self._cursor, replace=False)

    def _start(
        self, generation: int, size: int, after: QueueCursor | None, *, replace: bool
    ) -> None:
        self._set_busy(True)
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
            self._group_rows()
            self.endResetModel()
        else:
            # Keyset pages never overlap unless a row's deadline moved between two reads;
            # a row already shown stays where it is rather than appear twice.
            fresh = [r for r in page.rows if _key(r) not in self._keys]
            if fresh:
                first = len(self._rows)
                self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
                self._rows.extend(fresh)
                self._keys.update(_key(r) for r in fresh)
                self._group_rows()
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

    def _group_rows(self) -> None:
        first: dict[int, float] = {}
        for row in self._rows:
            if row.household_id is not None:
                first[row.household_id] = min(first.get(row.household_id, _INFINITY), _due_ts(row))
        self._first_due = first

    # --- the live countdown --------------------------------------------------------------------

    def _refresh_clock(self) -> bool:
        """Re-read the session clock; return whether the local date changed."""
        self._now = self._ctx.clock.now().astimezone(UTC)
        today = self._now.astimezone(self._ctx.tz).date()
        self._countdowns.clear()
        changed = today != self._today
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

    # --- Qt model ------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        """Rows loaded (the table has no children)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        """The ``COL_*`` columns."""
        return 0 if parent.isValid() else len(HEADERS)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """Rows can be selected, never edited here."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles and their tooltips."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return super().headerData(section, orientation, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return _HEADER_TIPS[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Text, icons, tooltips and the custom roles of one cell."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == RowRole:
            return row
        if role == UrgencyRole:
            return self.countdown_of(row).urgency
        if role == GroupRole:
            if row.household_id is None:
                return (_due_ts(row), -1, row.kind, row.item_id)
            return (self._first_due[row.household_id], row.household_id, "", 0)
        if role == SortRole:
            return self._sort_key(row, column)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, column, spoken=role == Qt.ItemDataRole.AccessibleTextRole)
        if role == Qt.ItemDataRole.DecorationRole:
            if column == COL_RAG:
                return _Icons.rag(row.rag)
            if column == COL_TIME_LEFT:
                return _Icons.urgency(self.countdown_of(row).urgency)
            if column == COL_ELSEWHERE and row.also_open:
                return _Icons.elsewhere()
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        return None

    def _text(self, row: QueueRow, column: int, *, spoken: bool) -> str:
        if column == COL_CHILD:
            return row.child_name
        if column == COL_AGE:
            return describe_age(row.date_of_birth, row.expected_delivery, self._today)[0]
        if column == COL_HOUSEHOLD:
            if row.household_id is None:
                return row.postcode or "not recorded"
            if row.postcode:
                return f"{row.postcode} · household {row.household_id}"
            return f"household {row.household_id}"
        if column == COL_RAG:
            word = _RAG_WORDS[row.rag]
            return f"RAG: {word}" if spoken else word
        if column == COL_TIME_LEFT:
            cell = self.countdown_of(row)
            return f"{cell.text}. {cell.detail}" if spoken else cell.text
        if column == COL_STATUS:
            kind = "Contact" if row.kind == "contact" else "Referral"
            return f"{kind}: {row.status.replace('_', ' ')}"
        if column == COL_WORKER:
            return row.assigned_to or "Unassigned"
        if column == COL_LEVEL:
            if row.level is None:
                return "Level: not assessed" if spoken else "not assessed"
            return f"Level {row.level}"
        if column == COL_ELSEWHERE:
            if not row.also_open:
                return "No other open work" if spoken else ""
            text = "; ".join(row.also_open)
            # The header says "Also open"; a screen reader hears the cell without it.
            return f"Also open: {text}" if spoken else text
        return ""

    def _tooltip(self, row: QueueRow, column: int) -> str | None:
        if column == COL_CHILD:
            if row.kind == "referral":
                return f"Referral {row.item_id}, from contact {row.contact_id}"
            return f"Contact {row.contact_id}"
        if column == COL_TIME_LEFT:
            return self.countdown_of(row).detail
        if column == COL_RAG:
            return f"RAG rating: {_RAG_WORDS[row.rag]}"
        if column == COL_AGE and row.date_of_birth is not None:
            return f"Born {format_day(row.date_of_birth)}"
        if column == COL_WORKER:
            who = row.assigned_to or "Nobody yet"
            return f"{who}, {row.team}" if row.team else who
        if column == COL_ELSEWHERE and row.also_open:
            return "This child already has open work: " + "; ".join(row.also_open)
        return None

    def _sort_key(self, row: QueueRow, column: int) -> tuple:
        if column == COL_CHILD:
            return (row.child_name.casefold(),)
        if column == COL_AGE:
            return describe_age(row.date_of_birth, row.expected_delivery, self._today)[1]
        if column == COL_HOUSEHOLD:
            if row.household_id is None and not row.postcode:
                return (1, "", 0)
            return (0, (row.postcode or "").casefold(), row.household_id or 0)
        if column == COL_RAG:
            return (_RAG_KEYS[row.rag],)
        if column == COL_TIME_LEFT:
            return (_due_ts(row), row.kind, row.item_id)
        if column == COL_STATUS:
            return (row.kind, row.status)
        if column == COL_WORKER:
            return (1, "") if row.assigned_to is None else (0, row.assigned_to.casefold())
        if column == COL_LEVEL:
            return (row.level is None, -(row.level or 0))
        if column == COL_ELSEWHERE:
            return (not row.also_open, -len(row.also_open))
        return ()


class QueueProxy(QSortFilterProxyModel):
    """Sorts the loaded rows by any column's :data:`SortRole`, optionally household by household.

    Grouped, the rows of one household stay together, households ordered by their earliest
    deadline whichever way the chosen column sorts; within a household the column decides.
    """

    def __init__(self, parent: QObject | None = None):
        """Sort on :data:`SortRole`; filtering is the service's job, not the proxy's."""
        super().__init__(parent)
        self.setSortRole(SortRole)
        self._grouped = False

    @property
    def grouped(self) -> bool:
        """Whether rows are grouped by household."""
        return self._grouped

    def set_grouped(self, grouped: bool) -> None:
        """Turn grouping by household on or off and re-sort."""
        if grouped != self._grouped:
            self._grouped = grouped
            self.invalidate()

    def lessThan(  # noqa: N802
        self,
        left: QModelIndex | QPersistentModelIndex,
        right: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        """Compare Python sort keys (tuples), households first when grouped."""
        if self._grouped:
            a, b = left.data(GroupRole), right.data(GroupRole)
            if a != b:
                # The proxy reverses lessThan for a descending sort; reverse it back here so
                # households stay in earliest-deadline order.
                return (a < b) != (self.sortOrder() == Qt.SortOrder.DescendingOrder)
        return left.data(SortRole) < right.data(SortRole)
