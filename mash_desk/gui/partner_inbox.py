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
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mash_desk.domain.deadlines import format_duration
from mash_desk.domain.errors import ConflictError, ValidationError
from mash_desk.domain.routing import RoutingStatus
from mash_desk.gui.a11y import live_label, no_tab_trap
from mash_desk.gui.profile_dialog import FieldMessage, with_message
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import describe_error
from mash_desk.services.actions import ActionItem, ActionStatus
from mash_desk.services.checks import CheckStatus, InboxItem, PartnerCheck
from mash_desk.services.routing import RoutingDTO

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
COLUMNS = ("Child", "Age", "Question", "Due", "Status")
COL_CHILD, COL_AGE, COL_QUESTION, COL_DUE, COL_STATUS = range(5)
ROUTED_COLUMNS = ("Child", "Age", "Routing", "Handed over", "Acknowledged", "Answer")
R_CHILD, R_AGE, R_ROUTING, R_HANDED, R_ACK, R_STATUS = range(6)
ACTION_COLUMNS = ("Child", "Age", "Action", "Owner", "Due", "Status")
A_CHILD, A_AGE, A_ACTION, A_OWNER, A_DUE, A_STATUS = range(6)
TAB_REQUESTS, TAB_ROUTED, TAB_ACTIONS = range(3)

_KIND_WORDS = {"step_up": "Step up", "step_down": "Step down", "transfer": "Transfer"}
_PARTY_WORDS = {"family": "Family", "professionals": "Professionals", "referrer": "Referrer"}
_METHOD_WORDS = {
    "phone": "by phone",
    "in_person": "in person",
    "letter": "by letter",
    "email": "by email",
    "meeting": "at a meeting",
}
_ROUTING_STATUS_WORDS = {
    "open": "Being prepared",
    "complete": "Waiting for your answer",
    "accepted": "Accepted",
    "rejected": "Rejected",
}
_ANSWER_WORDS = {"open": "—", "complete": "Waiting", "accepted": "Accepted", "rejected": "Rejected"}


def _table(headers: Sequence[str], name: str, stretch: int) -> QTableWidget:
    """A read-only, single-row-selection table with one stretching column."""
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
    return table


def _detail_label(name: str, text: str) -> QLabel:
    label = QLabel(text)
    live_label(label, name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    return label


def _scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(widget)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    return area


def _errors_text(exc: BaseException, fields: Sequence[str] = ()) -> tuple[str, str]:
    """Split an error into (message for the text field, message for the buttons)."""
    if isinstance(exc, ValidationError):
        at_field = "; ".join(e.message for e in exc.errors if e.field in fields)
        elsewhere = "; ".join(e.message for e in exc.errors if e.field not in fields)
        return at_field, elsewhere
    return "", describe_error(exc)


class PartnerInbox(QWidget):
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

    @staticmethod
    def _shortcut(widget: QWidget, key: str, slot: Callable[[], Any]) -> None:
        shortcut = QShortcut(QKeySequence(key), widget)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)

    def _icon(self, pixmap: QStyle.StandardPixmap) -> QIcon:
        return self.style().standardIcon(pixmap)

    def _when(self, at: Any) -> str:
        local = at.astimezone(self.session.desk.ctx.tz)
        return f"{local.day} {_MONTHS[local.month - 1]} {local:%H:%M}"

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
        if "agency_checks" in keys or f"agency_inbox:{self.session.actor.agency_code}" in keys:
            self.refresh_requests()
        if "routings" in keys:
            self.refresh_routed()
        if "actions" in keys or "decisions" in keys:
            self.refresh_actions()

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

    # ==== requests (agency checks) ========================================================

    def _build_requests(self) -> QWidget:
        self.requests_page = page = QWidget()
        layout = QVBoxLayout(page)
        top = QHBoxLayout()
        self.status = QLabel()
        live_label(self.status, "Requests status")
        self.status.setWordWrap(True)
        self.show_closed = QCheckBox("Show returned and &withdrawn")
        self.show_closed.setAccessibleName("Show returned and withdrawn checks")
        self.show_closed.toggled.connect(lambda _on: self.refresh_requests())
        top.addWidget(self.status, 1)
        top.addWidget(self.show_closed)
        layout.addLayout(top)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.table = _table(COLUMNS, "Agency check requests", COL_QUESTION)
        self.table.activated.connect(lambda index: self.open_row(index.row()))
        splitter.addWidget(self.table)
        splitter.addWidget(self._build_check_detail())
        splitter.setSizes([700, 500])
        layout.addWidget(splitter, 1)
        return page

    def _build_check_detail(self) -> QWidget:
        box = QGroupBox("The check")
        layout = QVBoxLayout(box)
        self.detail = _detail_label("Check details", "Choose a check and press Enter to open it.")
        layout.addWidget(self.detail)
        self.finding = QPlainTextEdit()
        self.finding.setAccessibleName("Your agency's finding")
        self.finding.setPlaceholderText("What your agency knows about the child")
        self.finding.setTabChangesFocus(True)
        finding_box, self.finding_message = with_message(self.finding)
        layout.addWidget(finding_box, 1)
        buttons = QHBoxLayout()
        # No Alt mnemonic: Alt+F is the File menu.
        self.return_button = QPushButton("Return finding (Ctrl+Enter)")
        self.return_button.setAccessibleName("Return the finding")
        self.return_button.clicked.connect(self.return_finding)
        self.nothing_button = QPushButton("&Nothing known (Alt+N)")
        self.nothing_button.setAccessibleName("Return nothing known")
        self.nothing_button.clicked.connect(self.return_nothing_known)
        buttons.addWidget(self.return_button)
        buttons.addWidget(self.nothing_button)
        layout.addLayout(buttons)
        QWidget.setTabOrder(self.table, self.finding)
        QWidget.setTabOrder(self.finding, self.return_button)
        QWidget.setTabOrder(self.return_button, self.nothing_button)
        self._set_open(False)
        return box

    def _set_open(self, can_return: bool) -> None:
        for widget in (self.finding, self.return_button, self.nothing_button):
            widget.setEnabled(can_return)

    def refresh_requests(self) -> None:
        """Reload the check requests in the background."""
        self.status.setText("Loading…")
        self.session.tasks.read(
            self.session.desk.checks.inbox,
            self.session.actor,
            include_closed=self.show_closed.isChecked(),
            on_done=self._show,
            on_error=lambda e: self.status.setText("⚠ " + describe_error(e)),
            label="Reading the agency inbox…",
        )

    def _show(self, items: tuple[InboxItem, ...]) -> None:
        keep = self.opened.id if self.opened is not None else None
        self.items = items
        warning = self._icon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        rows = []
        for item in items:
            due = f"{self._when(item.due_at)} — {item.timing}"
            if item.overdue:
                due = "OVERDUE: " + due
            cells = (item.child_name, item.age_text, item.question, due, item.status.value)
            rows.append((item.id, cells, {COL_DUE: warning} if item.overdue else {}))
        self._fill(self.table, rows)
        overdue = sum(1 for i in items if i.overdue)
        text = f"{len(items)} check(s)"
        if overdue:
            text += f" · ⚠ {overdue} overdue"
        self.status.setText(text)
        self._set_tab(TAB_REQUESTS, "Requests", len(items), overdue, "overdue")
        if keep is not None and keep not in {i.id for i in items}:
            self.opened = None
        self.loaded.emit(items)

    def open_row(self, row: int) -> None:
        """Open the check on ``row`` (its identifying details; logged as a view)."""
        if not 0 <= row < len(self.items):
            return
        self.session.tasks.write(
            self.session.desk.checks.open_request,
            self.session.actor,
            self.items[row].id,
            on_done=self._opened,
            on_error=lambda e: self.detail.setText("⚠ " + describe_error(e)),
            label="Opening the check…",
        )

    def open_selected(self) -> None:
        """Open the selected check."""
        self.open_row(self.table.currentRow())

    def _opened(self, check: PartnerCheck) -> None:
        self.opened = check
        self.finding_message.clear_message()
        born = (
            f"born {check.date_of_birth:%d/%m/%Y}"
            if check.date_of_birth
            else f"expected {check.expected_delivery:%d/%m/%Y}"
            if check.expected_delivery
            else "date of birth not known"
        )
        due = f"{self._when(check.due_at)} — {check.timing}"
        lines = [
            f"{check.child_name} ({check.age_text}, {born})",
            f"NHS number: {check.nhs_number or 'not recorded'}",
            f"Address: {check.address or 'not recorded'} {check.postcode or ''}".rstrip(),
            "",
            f"Question: {check.question}",
            ("⚠ OVERDUE — " if check.overdue else "Due ") + due,
        ]
        if check.status is CheckStatus.RETURNED:
            answer = "Nothing known" if check.nothing_known else check.finding
            lines += ["", f"Returned by {check.returned_by}: {answer}"]
        elif check.status is CheckStatus.WITHDRAWN:
            lines += ["", f"Withdrawn by the MASH: {check.withdrawal_reason}"]
        self.detail.setText("\n".join(lines))
        can_return = check.status is CheckStatus.REQUESTED
        self._set_open(can_return)
        if can_return:
            self.finding.setFocus()

    def return_finding(self) -> None:
        """Return what the agency knows (the text in the finding box)."""
        self._return(finding=self.finding.toPlainText(), nothing_known=False)

    def return_nothing_known(self) -> None:
        """Return "nothing known" for the opened check."""
        self._return(finding=self.finding.toPlainText() or None, nothing_known=True)

    def _return(self, *, finding: str | None, nothing_known: bool) -> None:
        check = self.opened
        if check is None or check.status is not CheckStatus.REQUESTED:
            return
        self.finding_message.clear_message()

        def done(result) -> None:
            self.session.hub.announce(result.changed)
            self.finding.clear()
            self._opened(result.value)
            self.status.setText(f"Returned to the MASH: {result.value.child_name}.")
            self.returned.emit(result.value)
            self.table.setFocus()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                self.finding_message.show_message("; ".join(e.message for e in exc.errors))
            else:
                self.finding_message.show_message(describe_error(exc))
            self.finding.setFocus()

        self.session.tasks.write(
            self.session.desk.checks.return_findings,
            self.session.actor,
            check.id,
            check.version,
            finding=finding,
            nothing_known=nothing_known,
            on_done=done,
            on_error=failed,
            label="Returning the check…",
        )

    # ==== routed cases ====================================================================

    def _build_routed(self) -> QWidget:
        self.routed_page = page = QWidget()
        layout = QVBoxLayout(page)
        top = QHBoxLayout()
        self.routed_status = QLabel()
        live_label(self.routed_status, "Routed cases status")
        self.routed_status.setWordWrap(True)
        self.show_answered = QCheckBox("Show &answered (accepted or rejected)")
        self.show_answered.setAccessibleName("Show accepted and rejected routings")
        self.show_answered.toggled.connect(lambda _on: self.refresh_routed())
        top.addWidget(self.routed_status, 1)
        top.addWidget(self.show_answered)
        layout.addLayout(top)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.routed_table = _table(ROUTED_COLUMNS, "Children routed to your agency", R_ROUTING)
        self.routed_table.activated.connect(lambda index: self.open_routing_row(index.row()))
        self.routed_table.currentCellChanged.connect(
            lambda _r, _c, _pr, _pc: self._routing_selection_changed()
        )
        splitter.addWidget(self.routed_table)
        splitter.addWidget(self._build_routed_detail())
        splitter.setSizes([820, 480])
        layout.addWidget(splitter, 1)
        return page

    def _build_routed_detail(self) -> QWidget:
        box = QGroupBox("The routed case")
        layout = QVBoxLayout(box)
        self.routed_detail = _detail_label(
            "Routed case details",
            "Choose a child and press Enter to read the handover; press A to acknowledge.",
        )
        layout.addWidget(_scrolled(self.routed_detail), 1)
        self.routed_reason = QPlainTextEdit()
        self.routed_reason.setAccessibleName("Reason for accepting or rejecting")
        self.routed_reason.setPlaceholderText(
            "Why you reject it (required to reject), or a note on accepting (optional)"
        )
        self.routed_reason.setTabChangesFocus(True)
        self.routed_reason.setMaximumHeight(90)
        reason_box, self.routed_reason_message = with_message(self.routed_reason)
        layout.addWidget(reason_box)
        buttons = QHBoxLayout()
        self.acknowledge_button = QPushButton("Ac&knowledge (A or Ctrl+K)")
        self.acknowledge_button.setAccessibleName("Acknowledge the routed case")
        self.acknowledge_button.clicked.connect(self.acknowledge_selected)
        self.accept_button = QPushButton("Acce&pt (Alt+P)")
        self.accept_button.setAccessibleName("Accept the routed case")
        self.accept_button.clicked.connect(lambda: self.respond(True))
        self.reject_button = QPushButton("Re&ject with reason (Alt+J)")
        self.reject_button.setAccessibleName("Reject the routed case with the reason")
        self.reject_button.clicked.connect(lambda: self.respond(False))
        for button in (self.acknowledge_button, self.accept_button, self.reject_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.routed_message = FieldMessage(self.acknowledge_button, box)
        layout.addWidget(self.routed_message)
        QWidget.setTabOrder(self.routed_table, self.routed_reason)
        QWidget.setTabOrder(self.routed_reason, self.acknowledge_button)
        QWidget.setTabOrder(self.acknowledge_button, self.accept_button)
        QWidget.setTabOrder(self.accept_button, self.reject_button)
        self._routing_buttons(None)
        return box

    def _routing_buttons(self, routing: RoutingDTO | None) -> None:
        waiting = routing is not None and routing.status is RoutingStatus.COMPLETE
        acknowledged = routing is not None and routing.acknowledged
        self.acknowledge_button.setEnabled(waiting and not acknowledged)
        for widget in (self.accept_button, self.reject_button, self.routed_reason):
            widget.setEnabled(waiting)

    def refresh_routed(self) -> None:
        """Reload the routed cases in the background."""
        self.routed_status.setText("Loading…")
        self.session.tasks.read(
            self.session.desk.routing.inbox,
            self.session.actor,
            include_closed=self.show_answered.isChecked(),
            on_done=self._show_routings,
            on_error=lambda e: self.routed_status.setText("⚠ " + describe_error(e)),
            label="Reading the routed cases…",
        )

    def _show_routings(self, routings: tuple[RoutingDTO, ...]) -> None:
        self.routings = routings
        new_icon = self._icon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        done_icon = self._icon(QStyle.StandardPixmap.SP_DialogApplyButton)
        now = self.session.desk.ctx.clock.now()
        rows = []
        for r in routings:
            team = f", team {r.to_team}" if r.to_team else ""
            routing = f"{_KIND_WORDS[r.kind]} from {r.from_agency_name}{team}"
            handed = self._when(r.completed_at) if r.completed_at else "not yet"
            if r.completed_at and r.status is RoutingStatus.COMPLETE:
                waited = format_duration(max(now - r.completed_at, timedelta(0)))
                handed += f"\nwaiting {waited}"
            if r.acknowledged_at is None:
                ack, icon = "NEW\nnot acknowledged", new_icon
            else:
                ack, icon = f"{r.acknowledged_by}\n{self._when(r.acknowledged_at)}", done_icon
            cells = (r.child_name, r.age_text, routing, handed, ack, _ANSWER_WORDS[r.status])
            rows.append((r.id, cells, {R_ACK: icon}))
        self._fill(self.routed_table, rows)
        waiting = [r for r in routings if r.status is RoutingStatus.COMPLETE]
        new = sum(1 for r in waiting if not r.acknowledged)
        text = f"{len(waiting)} waiting for your answer"
        if new:
            text += f" · ⚠ {new} not yet acknowledged"
        self.routed_status.setText(text)
        self._set_tab(TAB_ROUTED, "Routed cases", len(waiting), new, "new")
        if self.opened_routing is not None:
            fresh = {r.id: r for r in routings}.get(self.opened_routing.id)
            if fresh is None:
                self.opened_routing = None
                self.routed_detail.setText("Choose a child and press Enter to read the handover.")
            else:
                self._show_routing(fresh)
        self._routing_buttons(self._selected_routing())
        self.routings_loaded.emit(routings)

    def _selected_routing(self) -> RoutingDTO | None:
        """The selected routing, as fresh as this widget has it (opened or listed)."""
        wanted = self._selected_id(self.routed_table)
        listed = next((r for r in self.routings if r.id == wanted), None)
        opened = self.opened_routing
        if listed is not None and opened is not None and opened.id == listed.id:
            return opened if opened.version >= listed.version else listed
        return listed

    def _routing_selection_changed(self) -> None:
        routing = self._selected_routing()
        if self.opened_routing is not None and (
            routing is None or routing.id != self.opened_routing.id
        ):
            # The buttons act on the selected child: never show another child's handover.
            self.opened_routing = None
            self.routed_detail.setText("Press Enter to read this child's handover.")
        self.routed_message.clear_message()
        self.routed_reason_message.clear_message()
        self._routing_buttons(routing)

    def open_routing_row(self, row: int) -> None:
        """Open the routing on ``row``: its handover in full (logged as a view)."""
        if not 0 <= row < len(self.routings):
            return
        self.routed_message.clear_message()
        self.session.tasks.write(
            self.session.desk.routing.get,
            self.session.actor,
            self.routings[row].id,
            on_done=self._routing_opened,
            on_error=lambda e: self.routed_message.show_message(describe_error(e)),
            label="Opening the routed case…",
        )

    def _routing_opened(self, routing: RoutingDTO) -> None:
        self._show_routing(routing)
        if routing.status is RoutingStatus.COMPLETE:
            self.routed_reason.setFocus()

    def _show_routing(self, r: RoutingDTO) -> None:
        self.opened_routing = r
        levels = f"level {r.level_after}"
        if r.level_before is not None:
            levels = f"level {r.level_before} → level {r.level_after}"
        consent = {True: "given", False: "refused", None: "not recorded"}[r.family_consent]
        lines = [
            f"{r.child_name} ({r.age_text})",
            f"{_KIND_WORDS[r.kind]}: {r.from_agency_name} → {r.to_agency_name}"
            + (f", team {r.to_team}" if r.to_team else ""),
            f"Reason: {r.reason}",
            f"Threshold: {levels}",
            f"Family consent: {consent}",
        ]
        if r.childrens_centre_offer:
            lines.append("Children's-centre offer: yes (under 5, not needing social care)")
        lines += ["", "Handover summary:", r.handover_summary, "", "Who was told:"]
        lines += [
            f"• {_PARTY_WORDS[i.party]}: {i.who}, {_METHOD_WORDS[i.method]}, "
            f"{self._when(i.informed_at)}"
            for i in r.informed
        ] or ["• nobody recorded yet"]
        lines.append("")
        if r.acknowledged_at is None:
            lines.append("⚠ Not yet acknowledged by your agency")
        else:
            lines.append(f"✓ Acknowledged by {r.acknowledged_by}, {self._when(r.acknowledged_at)}")
        lines.append(f"Status: {_ROUTING_STATUS_WORDS[r.status]}")
        if r.response_reason:
            lines.append(f"Answer: {r.response_reason}")
        self.routed_detail.setText("\n".join(lines))
        self._routing_buttons(r)

    def acknowledge_selected(self) -> None:
        """Acknowledge the selected routed case ("we have it")."""
        routing = self._selected_routing()
        if routing is None:
            return
        self.routed_message.clear_message()

        def done(result) -> None:
            self.session.hub.announce(result.changed)
            self.routed_status.setText(f"Acknowledged: {result.value.child_name}.")
            if self.opened_routing is not None and self.opened_routing.id == result.value.id:
                self._show_routing(result.value)
            else:
                self._routing_buttons(result.value)
            self.routing_changed.emit(result.value)

        self.session.tasks.write(
            self.session.desk.routing.acknowledge,
            self.session.actor,
            routing.id,
            routing.version,
            on_done=done,
            on_error=self._routing_failed,
            label="Acknowledging the routed case…",
        )

    def respond(self, accept: bool) -> None:
        """Accept the selected routed case, or reject it with the reason typed."""
        routing = self._selected_routing()
        if routing is None:
            return
        self.routed_message.clear_message()
        self.routed_reason_message.clear_message()

        def done(result) -> None:
            self.session.hub.announce(result.changed)
            self.routed_reason.clear()
            word = "Accepted" if accept else "Rejected — back to the MASH"
            self.routed_status.setText(f"{word}: {result.value.child_name}.")
            self._show_routing(result.value)
            self.routing_changed.emit(result.value)
            self.routed_table.setFocus()

        self.session.tasks.write(
            self.session.desk.routing.respond,
            self.session.actor,
            routing.id,
            routing.version,
            accept,
            self.routed_reason.toPlainText() or None,
            on_done=done,
            on_error=self._routing_failed,
            label="Answering the routed case…",
        )

    def _routing_failed(self, exc: BaseException) -> None:
        at_reason, elsewhere = _errors_text(exc, ("reason",))
        if at_reason:
            self.routed_reason_message.show_message(at_reason)
            self.routed_reason.setFocus()
        if elsewhere:
            self.routed_message.show_message(elsewhere)
        if isinstance(exc, ConflictError):
            self.refresh_routed()

    # ==== actions =========================================================================

    def _build_actions(self) -> QWidget:
        self.actions_page = page = QWidget()
        layout = QVBoxLayout(page)
        top = QHBoxLayout()
        self.actions_status = QLabel()
        live_label(self.actions_status, "Actions status")
        self.actions_status.setWordWrap(True)
        self.show_closed_actions = QCheckBox("Show &closed actions")
        self.show_closed_actions.setAccessibleName("Show closed actions")
        self.show_closed_actions.toggled.connect(lambda _on: self.refresh_actions())
        top.addWidget(self.actions_status, 1)
        top.addWidget(self.show_closed_actions)
        layout.addLayout(top)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.actions_table = _table(ACTION_COLUMNS, "Your agency's actions", A_ACTION)
        self.actions_table.currentCellChanged.connect(
            lambda row, _c, _pr, _pc: self._show_action_row(row)
        )
        splitter.addWidget(self.actions_table)
        splitter.addWidget(self._build_action_detail())
        splitter.setSizes([820, 480])
        layout.addWidget(splitter, 1)
        return page

    def _build_action_detail(self) -> QWidget:
        box = QGroupBox("The action")
        layout = QVBoxLayout(box)
        self.action_detail = _detail_label("Action details", "Choose an action.")
        layout.addWidget(_scrolled(self.action_detail), 1)
        self.action_note = QPlainTextEdit()
        self.action_note.setAccessibleName("Progress note or closing note")
        self.action_note.setPlaceholderText(
            "Progress so far — or, to close it, what was done / why it was not done"
        )
        self.action_note.setTabChangesFocus(True)
        self.action_note.setMaximumHeight(90)
        note_box, self.action_note_message = with_message(self.action_note)
        layout.addWidget(note_box)
        buttons = QHBoxLayout()
        self.note_button = QPushButton("Add progress note (Ctrl+Enter)")
        self.note_button.setAccessibleName("Add the progress note")
        self.note_button.clicked.connect(self.add_note)
        self.done_button = QPushButton("Close as don&e (Alt+E)")
        self.done_button.setAccessibleName("Close the action as done")
        self.done_button.clicked.connect(lambda: self.close_action(True))
        self.not_done_button = QPushButton("Close as n&ot done (Alt+O)")
        self.not_done_button.setAccessibleName("Close the action as not done")
        self.not_done_button.clicked.connect(lambda: self.close_action(False))
        for button in (self.note_button, self.done_button, self.not_done_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.action_message = FieldMessage(self.note_button, box)
        layout.addWidget(self.action_message)
        QWidget.setTabOrder(self.actions_table, self.action_note)
        QWidget.setTabOrder(self.action_note, self.note_button)
        QWidget.setTabOrder(self.note_button, self.done_button)
        QWidget.setTabOrder(self.done_button, self.not_done_button)
        self._action_buttons(None)
        return box

    def _action_buttons(self, item: ActionItem | None) -> None:
        workable = item is not None and item.is_open
        for widget in (self.action_note, self.note_button, self.done_button, self.not_done_button):
            widget.setEnabled(workable)

    def refresh_actions(self) -> None:
        """Reload the actions in the background."""
        self.actions_status.setText("Loading…")
        self.session.tasks.read(
            self.session.desk.actions.inbox,
            self.session.actor,
            include_closed=self.show_closed_actions.isChecked(),
            on_done=self._show_actions,
            on_error=lambda e: self.actions_status.setText("⚠ " + describe_error(e)),
            label="Reading your agency's actions…",
        )

    def _due_words(self, item: ActionItem, sep: str = "\n") -> tuple[str, QIcon | None]:
        """The due date in words, and an icon when it needs attention (never colour alone)."""
        due = f"{item.due_on:%a} {item.due_on.day} {_MONTHS[item.due_on.month - 1]}"
        if item.overdue:
            warning = self._icon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            return f"OVERDUE: {due}{sep}{item.timing}", warning
        if item.is_open and item.timing == "due today":
            info = self._icon(QStyle.StandardPixmap.SP_MessageBoxInformation)
            return f"TODAY: {due}{sep}{item.timing}", info
        return f"{due}{sep}{item.timing}", None

    def _owner_words(self, item: ActionItem) -> str:
        """Whose action it is, from where the reader sits (a rep: "You" or "Your agency")."""
        if item.owner_user_id is not None and item.owner_user_id == self.session.actor.user_id:
            return "You"
        if item.owner_agency is not None and item.owner_agency == self.session.actor.agency_code:
            return "Your agency"
        return item.owner

    def _show_actions(self, items: tuple[ActionItem, ...]) -> None:
        self.action_items = items
        rows = []
        for item in items:
            due, due_icon = self._due_words(item)
            icons: dict[int, QIcon] = {A_DUE: due_icon} if due_icon else {}
            if item.status is ActionStatus.DONE:
                icons[A_STATUS] = self._icon(QStyle.StandardPixmap.SP_DialogApplyButton)
            elif item.status is ActionStatus.NOT_DONE:
                icons[A_STATUS] = self._icon(QStyle.StandardPixmap.SP_DialogCancelButton)
            status = item.status.label
            if item.updates and item.status is ActionStatus.OPEN:
                status += f" · {len(item.updates)} note(s)"
            owner = self._owner_words(item)
            cells = (item.child_name, item.age_text, item.description, owner, due, status)
            rows.append((item.id, cells, icons))
        self._fill(self.actions_table, rows)
        open_items = [i for i in items if i.is_open]
        overdue = sum(1 for i in open_items if i.overdue)
        text = f"{len(open_items)} open action(s)"
        if overdue:
            text += f" · ⚠ {overdue} overdue"
        self.actions_status.setText(text)
        self._set_tab(TAB_ACTIONS, "Actions", len(open_items), overdue, "overdue")
        self._show_action_row(self.actions_table.currentRow())
        self.actions_loaded.emit(items)

    def _selected_action(self) -> ActionItem | None:
        wanted = self._selected_id(self.actions_table)
        return next((i for i in self.action_items if i.id == wanted), None)

    def _show_action_row(self, _row: int) -> None:
        item = self._selected_action()
        self._action_buttons(item)
        if item is None:
            self.action_detail.setText("Choose an action.")
            return
        due, _icon = self._due_words(item, " — ")
        lines = [
            f"{item.child_name} ({item.age_text})",
            f"Decision: {item.outcome.label}",
            "",
            f"Action: {item.description}",
            f"Owner: {item.owner}",
            ("⚠ " if item.overdue else "Due ") + due,
            f"Status: {item.status.label}",
        ]
        if item.closed_at is not None:
            lines.append(
                f"Closed by {item.closed_by}, {self._when(item.closed_at)}: {item.closing_note}"
            )
        lines += ["", "Progress:"]
        lines += [
            f"• {self._when(u.written_at)} {u.written_by}: {u.note}" for u in item.updates
        ] or ["• no notes yet"]
        self.action_detail.setText("\n".join(lines))

    def add_note(self) -> None:
        """Add the typed progress note to the selected action."""
        item = self._selected_action()
        if item is None or not item.is_open:
            return
        self._work_action(
            item,
            self.session.desk.actions.update,
            (self.action_note.toPlainText() or None,),
            "Progress note added",
        )

    def close_action(self, done: bool) -> None:
        """Close the selected action: done (what was done) or not done (why), from the note."""
        item = self._selected_action()
        if item is None or not item.is_open:
            return
        self._work_action(
            item,
            self.session.desk.actions.close,
            (done, self.action_note.toPlainText() or None),
            "Closed as done" if done else "Closed as not done",
        )

    def _work_action(
        self, item: ActionItem, call: Callable[..., Any], args: tuple, words: str
    ) -> None:
        self.action_message.clear_message()
        self.action_note_message.clear_message()

        def done(result) -> None:
            self.session.hub.announce(result.changed)
            self.action_note.clear()
            self.actions_status.setText(f"{words}: {result.value.description}.")
            self.action_changed.emit(result.value)
            self.actions_table.setFocus()

        def failed(exc: BaseException) -> None:
            at_note, elsewhere = _errors_text(exc, ("note",))
            if at_note:
                self.action_note_message.show_message(at_note)
                self.action_note.setFocus()
            if elsewhere:
                self.action_message.show_message(elsewhere)
            if isinstance(exc, ConflictError):
                self.refresh_actions()

        self.session.tasks.write(
            call,
            self.session.actor,
            item.id,
            item.version,
            *args,
            on_done=done,
            on_error=failed,
            label="Saving the action…",
        )
