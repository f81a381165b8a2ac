"""The dashboard from the main window: Figures ▸ Dashboard (Ctrl+Shift+B), one tab per window.

A performance officer's desk opens on it (its natural place: counts, never children); a
manager or chair opens it from the menu. A child listed by a drill-down opens in a tab of
the window as a found child does (``gui/records_menu.py``), through the window's
``open_row`` (the case view logs the look).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QWidget

from mash_desk.domain.permissions import Permission

if TYPE_CHECKING:
    from mash_desk.gui.dashboard_view import DashboardView
    from mash_desk.gui.window_host import WindowHost

DASHBOARD_KEY = "Ctrl+Shift+B"
DASHBOARD_TAB = "dashboard"


class DashboardMenu:
    """Installs the dashboard action and opens its tab for one main window."""

    def __init__(self, window: WindowHost, menu: QMenu):
        """Add "Dashboard…" to ``menu`` if the signed-in role may read the measures."""
        self.window = window
        self.action = None
        self.board_action = None
        if window._may(Permission.VIEW_MEASURES):  # noqa: SLF001 — the window's "what to offer"
            menu.addSeparator()
            self.action = window._action("&Dashboard…", self.open_dashboard, DASHBOARD_KEY)  # noqa: SLF001
            menu.addAction(self.action)
            # Issue 15 item 3: the month's report for the partnership board (PDF or .xlsx).
            self.board_action = window._action("&Board report…", self.open_board_report)  # noqa: SLF001
            menu.addAction(self.board_action)

    def open_dashboard(self) -> DashboardView:
        """Open (or go to) the dashboard tab."""
        from mash_desk.gui.dashboard_view import DashboardView

        w = self.window
        index = w._tab_of(DASHBOARD_TAB)  # noqa: SLF001
        if index >= 0:
            w.tabs.setCurrentIndex(index)
            return w.tabs.widget(index)  # type: ignore[return-value]  # the tab holds a DashboardView
        view = DashboardView(w.session)
        view.open_requested.connect(self.open_child)
        w._add_tab(view, "Figures", DASHBOARD_TAB)  # noqa: SLF001
        view.setFocus(Qt.FocusReason.OtherFocusReason)
        return view

    def open_board_report(self) -> QWidget:
        """Open the board report dialog (from the dashboard, for the month it shows)."""
        return self.open_dashboard().open_board_report()

    def open_child(self, person_id: int, name: str) -> None:
        """Open a listed child's case in a tab of the window."""
        from mash_desk.gui.records_menu import open_person

        open_person(self.window, person_id, name)
