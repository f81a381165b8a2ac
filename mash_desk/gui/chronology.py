"""The case chronology as a Qt model, with its filter by kind and text.

Due times are said in words (urgency is never shown by colour alone).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from mash_desk.gui.session import DeskSession
from mash_desk.services.case import (
    EVENT_KINDS,
    CaseEvent,
    Deadline,
)

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


def local_time(value: datetime, session: DeskSession) -> datetime:
    """``value`` in the desk's local time zone."""
    return value.astimezone(session.desk.ctx.tz)


def describe_due(deadline: Deadline, now: datetime) -> str:
    """``"OVERDUE by 2 h 10 min"`` or ``"due in 3 h"``: urgency in words, not colour."""
    return describe_time(deadline.due_at, now)


def describe_time(due_at: datetime, now: datetime) -> str:
    """``"OVERDUE by 2 h 10 min"`` or ``"due in 3 h"`` for any due time."""
    delta = due_at - now
    overdue = delta.total_seconds() < 0
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} d")
    if hours:
        parts.append(f"{hours} h")
    if mins and not days:
        parts.append(f"{mins} min")
    span = " ".join(parts) or "less than a minute"
    return f"OVERDUE by {span}" if overdue else f"due in {span}"


class ChronologyModel(QAbstractTableModel):
    """The events of one case, newest first, as a read-only table."""

    COL_WHEN, COL_KIND, COL_WHO, COL_SUMMARY = range(4)
    HEADERS = ("When", "Kind", "By", "What happened")
    SortRole = Qt.ItemDataRole.UserRole + 1
    EventRole = Qt.ItemDataRole.UserRole + 2
    KindRole = Qt.ItemDataRole.UserRole + 3

    def __init__(self, session: DeskSession, parent: Any = None):
        """Create an empty model; times show in the MASH's own time zone."""
        super().__init__(parent)
        self._session = session
        self._events: tuple[CaseEvent, ...] = ()

    def set_events(self, events: tuple[CaseEvent, ...]) -> None:
        """Replace the events (a reload)."""
        self.beginResetModel()
        self._events = tuple(events)
        self.endResetModel()

    def event_at(self, row: int) -> CaseEvent:
        """The event of a source row."""
        return self._events[row]

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 — Qt's name
        """Events, or 0 under any item (a flat table)."""
        return 0 if parent.isValid() else len(self._events)

    def columnCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 — Qt's name
        """The four columns, or 0 under any item."""
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(  # noqa: N802 — Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, tooltip (the full detail), sort keys and the event itself."""
        if not index.isValid() or not 0 <= index.row() < len(self._events):
            return None
        event = self._events[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COL_WHEN:
                return f"{local_time(event.when, self._session):%d %b %Y %H:%M}"
            if column == self.COL_KIND:
                return event.kind_label
            if column == self.COL_WHO:
                return event.who
            if column == self.COL_SUMMARY:
                return event.summary
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return event.detail or event.summary
        if role == self.SortRole:
            if column == self.COL_WHEN:
                # Newest-first ties keep the service's order (logged, rated, screened…).
                return (event.when.timestamp(), -index.row())
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        if role == self.EventRole:
            return event
        if role == self.KindRole:
            return event.kind
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Selectable, never editable."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class ChronologyFilter(QSortFilterProxyModel):
    """Keeps the events of the chosen kinds whose text contains what was typed."""

    def __init__(self, parent: Any = None):
        """Show every kind until told otherwise; text matching ignores case."""
        super().__init__(parent)
        self._kinds: frozenset[str] = frozenset(EVENT_KINDS)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
        self.setSortRole(ChronologyModel.SortRole)

    def set_kinds(self, kinds: frozenset[str]) -> None:
        """Show only these event kinds."""
        # Qt 6.10 replaced invalidateRowsFilter (now deprecated) with begin/endFilterChange;
        # the project supports PySide6 from 6.6, so use whichever this Qt has.
        if hasattr(self, "endFilterChange"):
            self.beginFilterChange()
            self._kinds = frozenset(kinds)
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover — older Qt
            self._kinds = frozenset(kinds)
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        """A row shows if its kind is chosen and any column contains the text."""
        model = self.sourceModel()
        kind = model.data(model.index(source_row, 0, source_parent), ChronologyModel.KindRole)
        if kind not in self._kinds:
            return False
        return super().filterAcceptsRow(source_row, source_parent)

    def lessThan(self, left: Index, right: Index) -> bool:  # noqa: N802 — Qt's name
        """Compare sort keys of any type (tuples for time, text for the rest)."""
        a, b = left.data(ChronologyModel.SortRole), right.data(ChronologyModel.SortRole)
        if isinstance(a, str) and isinstance(b, str):
            return a.casefold() < b.casefold()
        try:
            return a < b
        except TypeError:
            return str(a) < str(b)
