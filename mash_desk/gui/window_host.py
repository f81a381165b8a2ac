"""What the main window's menu builders need from it: :class:`WindowHost`.

``gui/allocation_actions.py`` and ``gui/records_menu.py`` keep their menus' logic out of
``main_window.py``. They are typed against this protocol, not against ``MainWindow``, so
the window imports them and they never import the window (``tests/test_import_cycles.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QStatusBar, QTabWidget, QWidget

from mash_desk.domain.permissions import Permission
from mash_desk.gui.session import DeskSession


class WindowHost(Protocol):
    """The main window as its menu builders see it."""

    session: DeskSession
    tabs: QTabWidget
    queue: Any  # the QueueView, or None for a partner rep (whose home is the inbox)

    def statusBar(self) -> QStatusBar:  # noqa: N802 — Qt's name
        """The window's status bar."""

    def activateWindow(self) -> None:  # noqa: N802 — Qt's name
        """Bring the window to the front."""

    def show_failure(self, message: str) -> None:
        """Say in the window that something could not be done."""

    def open_row(self, row: Any) -> None:
        """Open the case of a queue row (or a found child, shaped like one)."""

    def _action(self, text: str, slot: Callable[[], Any], shortcut: str | None = None) -> QAction:
        """A window-wide action (one binding per key)."""

    def _may(self, permission: Permission) -> bool:
        """Whether the signed-in role may be offered ``permission``'s actions."""

    def _tab_of(self, key: str) -> int:
        """The index of the tab holding ``key``'s work, or -1."""

    def _add_tab(self, widget: QWidget, title: str, key: str) -> None:
        """Add and show a tab for ``key``'s work."""
