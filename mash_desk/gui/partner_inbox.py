"""The partner-agency inbox: check requests, routed cases and actions of the rep's own agency.

The services decide what a rep may see (only their agency's work, never the case record);
this widget shows it in three tabs, each with its count in the tab title:

* **Requests** — agency checks, soonest due first; open one to see the identifying details
  the agency searches its records with, and return a finding or "nothing known".
* **Routed cases** — children routed to the agency, those nobody has acknowledged yet first;
  acknowledge with one key, open one for the handover summary (reason, levels, consent, who
  was told), and accept it or reject it with a reason.
* **Actions** — the agency's (and the rep's own) actions from signed decisions, soonest due
  first; add a progress note, or close one as done (what was done) or not done (why).

Due times are always in words with an icon as well as the text, never colour alone.

Keys: Alt+1 / Alt+2 / Alt+3 switch tabs; F5 reloads; Ctrl+F goes to the list.
Requests: Enter opens the selected check; Ctrl+Enter returns the finding; Alt+N returns
"nothing known". Routed cases: A (in the list) or Ctrl+K acknowledges; Enter opens; Alt+P
accepts; Alt+J rejects with the reason typed. Actions: Ctrl+Enter adds the progress note;
Alt+E closes as done; Alt+O closes as not done.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mash_desk.domain.changes import Topic, agency_inbox
from mash_desk.gui.partner_actions import A_DUE, A_STATUS, AgencyActionsTab
from mash_desk.gui.partner_inbox_parts import TAB_ACTIONS, TAB_REQUESTS, TAB_ROUTED
from mash_desk.gui.partner_requests import COL_DUE, CheckRequestsTab
from mash_desk.gui.partner_routed import R_ACK, RoutedCasesTab
from mash_desk.gui.session import DeskSession
from mash_desk.services.actions import ActionItem
from mash_desk.services.checks import InboxItem, PartnerCheck
from mash_desk.services.routing import RoutingDTO

__all__ = [
    "A_DUE",
    "A_STATUS",
    "COL_DUE",
    "R_ACK",
    "TAB_ACTIONS",
    "TAB_REQUESTS",
    "TAB_ROUTED",
    "PartnerInbox",
]


class PartnerInbox(CheckRequestsTab, RoutedCasesTab, AgencyActionsTab, QWidget):
    """The signed-in rep's agency inbox: check requests, routed cases and actions.

    Signals:
        loaded(object): the tuple of :class:`InboxItem` (check requests) now listed.
        returned(object): the :class:`PartnerCheck` just returned.
        routings_loaded(object): the tuple of :class:`RoutingDTO` now listed.
        routing_changed(object): the :class:`RoutingDTO` just acknowledged, accepted or
            rejected.
        actions_loaded(object): the tuple of :class:`ActionItem` now listed.
        action_changed(object): the :class:`ActionItem` just updated or closed.
    """

    loaded = Signal(object)
    returned = Signal(object)
    routings_loaded = Signal(object)
    routing_changed = Signal(object)
    actions_loaded = Signal(object)
    action_changed = Signal(object)

    def __init__(self, session: DeskSession, parent: QWidget | None = None):
        """Build the three tabs and start reading them."""
        super().__init__(parent)
        self.session = session
        self.items: tuple[InboxItem, ...] = ()
        self.opened: PartnerCheck | None = None
        self.routings: tuple[RoutingDTO, ...] = ()
        self.opened_routing: RoutingDTO | None = None
        self.action_items: tuple[ActionItem, ...] = ()
        layout = QVBoxLayout(self)
        self.title = QLabel(f"Work for {session.actor.agency_code}")
        self.title.setStyleSheet("font-weight: bold; font-size: 14px;")
        layout.addWidget(self.title)
        self.sections = QTabWidget()
        self.sections.setAccessibleName("Agency inbox sections")
        self.sections.addTab(self._build_requests(), "Requests")
        self.sections.addTab(self._build_routed(), "Routed cases")
        self.sections.addTab(self._build_actions(), "Actions")
        for index, key in enumerate(("Alt+1", "Alt+2", "Alt+3")):
            self.sections.setTabToolTip(index, f"{key}")
        self.sections.currentChanged.connect(lambda _i: self.focus_list())
        layout.addWidget(self.sections, 1)

        self._shortcut(self, "F5", self.refresh)
        self._shortcut(self, "Ctrl+F", self.focus_list)
        for index, key in enumerate(("Alt+1", "Alt+2", "Alt+3")):
            self._shortcut(self, key, functools.partial(self.sections.setCurrentIndex, index))
        # Page-scoped: Ctrl+Enter returns a finding on one tab and adds a note on another.
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            self._shortcut(self.requests_page, key, self.return_finding)
            self._shortcut(self.actions_page, key, self.add_note)
        self._shortcut(self.routed_page, "Ctrl+K", self.acknowledge_selected)
        # One key, while the list has the focus (a letter typed elsewhere is just text).
        ack = QShortcut(QKeySequence("A"), self.routed_table)
        ack.setContext(Qt.ShortcutContext.WidgetShortcut)
        ack.activated.connect(self.acknowledge_selected)
        self.setFocusProxy(self.table)
        self.session.hub.changed.connect(self._hub_changed)
        self.session.tasks.read(
            self.session.desk.reference.agencies,
            self.session.actor,
            on_done=self._agencies_read,
            label="Reading agencies…",
        )
        self.refresh()

    def _agencies_read(self, agencies: tuple) -> None:
        # The title names the agency as its reps know it ("Health"), not by its code.
        names = {a.code: a.name for a in agencies}
        code = self.session.actor.agency_code
        self.title.setText(f"Work for {names.get(code, code)}")

    def refresh(self) -> None:
        """Reload all three tabs in the background."""
        self.refresh_requests()
        self.refresh_routed()
        self.refresh_actions()

    def focus_list(self) -> None:
        """Put the keyboard focus on the list of the tab shown."""
        tables = (self.table, self.routed_table, self.actions_table)
        tables[self.sections.currentIndex()].setFocus()

    def _hub_changed(self, keys: frozenset[str]) -> None:
        if Topic.AGENCY_CHECKS in keys or agency_inbox(self.session.actor.agency_code) in keys:
            self.refresh_requests()
        if Topic.ROUTINGS in keys:
            self.refresh_routed()
        if Topic.ACTIONS in keys or Topic.DECISIONS in keys:
            self.refresh_actions()
