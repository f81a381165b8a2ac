"""The Records menu: find any child (Ctrl+L) and a manager's possible duplicates (Ctrl+Shift+U).

Kept out of ``main_window.py`` so the window only installs it: the dialogs live here, one
of each per window, and a found child opens through the window's own ``open_row`` as a queue
row would (one tab per child, with the case view that logs the look).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenuBar, QWidget

from mash_desk.domain.permissions import Permission

if TYPE_CHECKING:
    from mash_desk.gui.duplicates_view import DuplicatesView
    from mash_desk.gui.find_child import FindChildDialog
    from mash_desk.gui.window_host import WindowHost

FIND_KEY = "Ctrl+L"
DUPLICATES_KEY = "Ctrl+Shift+U"


def open_person(window: WindowHost, person_id: int, name: str) -> None:
    """Open a child's case in a tab of ``window``, as a queue row opens (the view logs it)."""
    window.activateWindow()
    window.open_row(
        SimpleNamespace(
            kind="person",
            item_id=person_id,
            person_id=person_id,
            contact_id=None,
            child_name=name,
        )
    )


class RecordsMenu:
    """Builds the menu and owns its dialogs for one main window."""

    def __init__(self, window: WindowHost, bar: QMenuBar):
        """Add the Records menu to ``bar`` with what the signed-in role may use."""
        self.window = window
        self.finder: FindChildDialog | None = None
        self.duplicates: DuplicatesView | None = None
        self.find_action = None
        self.duplicates_action = None
        may = window._may  # noqa: SLF001 — the window's own "what to offer" rule
        if not may(Permission.FIND_CHILD) and not may(Permission.MERGE_PEOPLE):
            return
        menu = bar.addMenu("&Records")
        if may(Permission.FIND_CHILD):
            self.find_action = window._action("&Find a child…", self.find_child, FIND_KEY)  # noqa: SLF001
            menu.addAction(self.find_action)
        if may(Permission.MERGE_PEOPLE):
            self.duplicates_action = window._action(  # noqa: SLF001
                "Possible &duplicates…", self.possible_duplicates, DUPLICATES_KEY
            )
            menu.addAction(self.duplicates_action)

    @property
    def _widget(self) -> QWidget:
        """The window as the dialogs' parent (the host protocol does not say it is a widget)."""
        window = self.window
        assert isinstance(window, QWidget)  # the host is always the main window
        return window

    def find_child(self) -> FindChildDialog:
        """Show the find dialog (kept between uses, with its last results) in the search box."""
        from mash_desk.gui.find_child import FindChildDialog

        if self.finder is None:
            self.finder = FindChildDialog(self.window.session, self._widget)
            self.finder.open_requested.connect(self.open_child)
        self.finder.show()
        self.finder.raise_()
        self.finder.activateWindow()
        self.finder.focus_search()
        return self.finder

    def open_child(self, person_id: int, name: str) -> None:
        """Open a found child's case in a tab of the window (as a queue row opens)."""
        if self.finder is not None:
            self.finder.hide()
        open_person(self.window, person_id, name)
        # The keyboard carries on in the case just opened (Ctrl+F, Tab to its chronology).
        tab = self.window.tabs.currentWidget()
        from mash_desk.gui.case_view import CaseView  # loads with the first case opened

        case = tab.findChild(CaseView) if tab is not None else None
        if case is not None:
            # Once it shows (the sections are hidden while the record loads); one time only,
            # so a later reload never takes the focus from where the user is.
            case.loaded.connect(
                lambda _case, c=case: c.tabs.setFocus(Qt.FocusReason.OtherFocusReason),
                Qt.ConnectionType.SingleShotConnection,
            )

    def possible_duplicates(self) -> DuplicatesView:
        """Show the manager's list of records that may be one child."""
        from mash_desk.gui.duplicates_view import DuplicatesView

        if self.duplicates is None:
            self.duplicates = DuplicatesView(self.window.session, self._widget)
        self.duplicates.show()
        self.duplicates.raise_()
        self.duplicates.activateWindow()
        self.duplicates.reload()
        return self.duplicates
