"""What the partner inbox's three tabs share: read-only tables, detail labels, tab titles.

The inbox (gui/partner_inbox.py) is one widget made of three tabs, each in a module of its
own (gui/partner_requests.py, gui/partner_routed.py, gui/partner_actions.py). Each tab is a
mixin of :class:`InboxTab`, which holds what they all use; the widget itself supplies
``session``, ``sections`` and Qt's ``style``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mash_desk.domain.errors import ValidationError
from mash_desk.gui.a11y import live_label, no_tab_trap
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import describe_error
from mash_desk.services.dto import CLOSED_PAGE

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
TAB_REQUESTS, TAB_ROUTED, TAB_ACTIONS = range(3)


# An unborn child's age reads "Unborn, due 29 Apr 2027": sized to that on one line, the age
# column took the width the work's own column needed (seen at 1366x768 with closed work shown,
# the action cut to four lines). It wraps after "Unborn, due" instead.
_AGE_SAMPLE = "Unborn, due 30"


def inbox_table(
    headers: Sequence[str], name: str, stretch: int, age: int | None = None
) -> QTableWidget:
    """A read-only, single-row-selection table with one stretching column.

    ``age`` is the child's age column: as wide as "Unborn, due 30", the due date wrapping.
    """
    table = QTableWidget(0, len(headers))
    no_tab_trap(table)
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setWordWrap(True)
    header = table.horizontalHeader()
    for col in range(len(headers)):
        header.setSectionResizeMode(
            col,
            QHeaderView.ResizeMode.Stretch
            if col == stretch
            else QHeaderView.ResizeMode.ResizeToContents,
        )
    if age is not None:
        header.setSectionResizeMode(age, QHeaderView.ResizeMode.Interactive)
        padding = 2 * table.style().pixelMetric(table.style().PixelMetric.PM_HeaderMargin) + 8
        header.resizeSection(age, table.fontMetrics().horizontalAdvance(_AGE_SAMPLE) + padding)
    return table


class ClosedFooter(QWidget):
    """Under a list with closed work shown: how much of it is listed, and a button for more.

    Closed work comes a page at a time, newest closed first: all of it took seconds on ten
    years of history and grew with every year.
    """

    page = CLOSED_PAGE
    """How many closed items one page holds."""

    def __init__(self, noun: str, more: Callable[[], Any]):
        """``noun``: what is closed, plural ("closed actions"); ``more``: reads older ones."""
        super().__init__()
        self.noun = noun
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.note = QLabel()
        live_label(self.note, f"How many {noun} are listed")
        self.note.setWordWrap(True)
        self.more = QPushButton()
        self._name_more()
        self.more.clicked.connect(more)
        layout.addWidget(self.note, 1)
        layout.addWidget(self.more)
        self.wanted = self.page
        """How many closed items the list asks for: a page, and a page more per click."""
        self.hide()

    def reset(self, shown: bool) -> None:
        """Closed work shown (``shown``) or not: back to the latest page either way."""
        self.wanted = self.page
        self.setVisible(shown)

    def grow(self) -> None:
        """A page more was read: refreshing the list reads as many as it now shows."""
        self.wanted += self.page

    def listed(self, closed: int) -> None:
        """Say how many closed items are listed; offer more while a page came back full."""
        full = closed >= self.wanted
        if closed == 0:
            self.note.setText(f"No {self.noun}.")
        elif full:
            self.note.setText(f"Showing the latest {closed:,} {self.noun}, newest first.")
        else:
            self.note.setText(f"Showing all {closed:,} {self.noun}, newest first.")
        self._name_more()
        self.more.setVisible(full)
        self.more.setEnabled(full)

    def _name_more(self) -> None:
        self.more.setText(f"Show {self.page} older")
        self.more.setAccessibleName(f"Show {self.page} older {self.noun}")

    def reading(self) -> None:
        """An older page is being read: one click, one page."""
        self.more.setEnabled(False)
        self.note.setText(f"Reading older {self.noun}…")

    def read_older(self, session: DeskSession, listing: OlderListing) -> None:
        """Read the page of closed items older than the last one listed, then list it too."""
        items = listing.listed()
        last = next((i for i in reversed(items) if i.closed_mark), None)
        if last is None:
            return
        self.reading()

        def add(older: tuple[Any, ...]) -> None:
            now = listing.listed()
            ids = {i.id for i in now}
            fresh = tuple(i for i in older if i.id not in ids)
            self.grow()
            listing.show(now + fresh)
            if fresh:
                # Straight to the first older item, so the reader carries on where the list did.
                listing.table.setCurrentCell(len(now), 0)
                listing.table.setFocus()

        def failed(exc: BaseException) -> None:
            listing.show(listing.listed())  # the list as it was, the button back
            listing.status.setText("⚠ " + describe_error(exc))

        session.tasks.read(
            listing.read,
            session.actor,
            before=last.closed_mark,
            limit=self.page,
            on_done=add,
            on_error=failed,
            label=f"Reading older {self.noun}…",
        )


def above_footer(table: QTableWidget, footer: ClosedFooter) -> QWidget:
    """The list with its closed-work footer under it, as one pane of the tab's splitter."""
    pane = QWidget()
    layout = QVBoxLayout(pane)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(table, 1)
    layout.addWidget(footer)
    return pane


@dataclass(frozen=True)
class OlderListing:
    """A list with closed work, as :meth:`ClosedFooter.read_older` reads more of it.

    Attributes:
        listed: the items listed now (each with ``id`` and ``closed_mark``).
        read: the service call for older ones (actor; ``before``, ``limit``).
        show: lists the items given.
        table: the list's table, to move to the first older item.
        status: where a failure is said.
    """

    listed: Callable[[], tuple[Any, ...]]
    read: Callable[..., tuple[Any, ...]]
    show: Callable[[tuple[Any, ...]], None]
    table: QTableWidget
    status: QLabel


def detail_label(name: str, text: str) -> QLabel:
    """A selectable, wrapping plain-text label announced to screen readers as ``name``."""
    label = QLabel(text)
    live_label(label, name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    return label


def scrolled(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless scroll area (long handover summaries)."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(widget)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    return area


def errors_text(exc: BaseException, fields: Sequence[str] = ()) -> tuple[str, str]:
    """Split an error into (message for the text field, message for the buttons)."""
    if isinstance(exc, ValidationError):
        at_field = "; ".join(e.message for e in exc.errors if e.field in fields)
        elsewhere = "; ".join(e.message for e in exc.errors if e.field not in fields)
        return at_field, elsewhere
    return "", describe_error(exc)


class InboxTab:
    """What every tab of the inbox uses: shortcuts, icons, times, tab titles, table filling."""

    session: DeskSession
    sections: QTabWidget

    if TYPE_CHECKING:

        def style(self) -> QStyle:
            """Qt's style (the inbox widget's own)."""
            ...

    @staticmethod
    def _shortcut(widget: QWidget, key: str, slot: Callable[[], Any]) -> None:
        shortcut = QShortcut(QKeySequence(key), widget)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)

    def _icon(self, pixmap: QStyle.StandardPixmap) -> QIcon:
        return self.style().standardIcon(pixmap)

    def _when(self, at: Any) -> str:
        local = at.astimezone(self.session.desk.ctx.tz)
        return f"{local.day} {MONTHS[local.month - 1]} {local:%H:%M}"

    def _set_tab(self, index: int, name: str, count: int, flagged: int, flag_words: str) -> None:
        """Show the count (and what needs attention, in words and an icon) in a tab title."""
        text = f"{name} ({count})"
        if flagged:
            text = f"{name} ({count} · ⚠ {flagged} {flag_words})"
        self.sections.setTabText(index, text)
        self.sections.setTabIcon(
            index, self._icon(QStyle.StandardPixmap.SP_MessageBoxWarning) if flagged else QIcon()
        )

    @staticmethod
    def _reselect(table: QTableWidget, keep: int | None) -> None:
        if table.rowCount() == 0:
            return
        for row in range(table.rowCount()):
            cell = table.item(row, 0)
            if cell is not None and cell.data(Qt.ItemDataRole.UserRole) == keep:
                table.setCurrentCell(row, 0)
                return
        if table.currentRow() < 0 or table.currentRow() >= table.rowCount():
            table.setCurrentCell(0, 0)

    @staticmethod
    def _selected_id(table: QTableWidget) -> int | None:
        item = table.item(table.currentRow(), 0) if table.currentRow() >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _fill(
        self,
        table: QTableWidget,
        rows: Sequence[tuple[int, Sequence[str], dict[int, QIcon]]],
    ) -> None:
        keep = self._selected_id(table)
        # Quiet while rebuilding: a half-filled table must not look like a new selection.
        table.blockSignals(True)
        try:
            table.setRowCount(len(rows))
            for row, (item_id, cells, icons) in enumerate(rows):
                for col, text in enumerate(cells):
                    cell = QTableWidgetItem(text)
                    cell.setData(Qt.ItemDataRole.UserRole, item_id)
                    cell.setToolTip(text)
                    if col in icons:
                        cell.setIcon(icons[col])
                    table.setItem(row, col, cell)
        finally:
            table.blockSignals(False)
        table.resizeRowsToContents()
        self._reselect(table, keep)
