"""The inbox's Routed cases tab: children routed to the rep's agency, acknowledged and answered.

Those nobody has acknowledged yet first; A (in the list) or Ctrl+K acknowledges, Enter opens
the handover summary, Alt+P accepts and Alt+J rejects with the reason typed.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from mash_desk.domain.deadlines import format_duration
from mash_desk.domain.errors import ConflictError
from mash_desk.domain.routing import RoutingStatus
from mash_desk.gui.a11y import live_label
from mash_desk.gui.partner_inbox_parts import (
    TAB_ROUTED,
    ClosedFooter,
    InboxTab,
    OlderListing,
    above_footer,
    detail_label,
    errors_text,
    inbox_table,
    scrolled,
)
from mash_desk.gui.profile_dialog import FieldMessage, with_message
from mash_desk.gui.tasks import describe_error
from mash_desk.services.routing import RoutingDTO

ROUTED_COLUMNS = ("Child", "Age", "Routing", "Handed over", "Acknowledged", "Answer")
R_CHILD, R_AGE, R_ROUTING, R_HANDED, R_ACK, R_STATUS = range(6)

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


class RoutedCasesTab(InboxTab):
    """The routed cases: list, the handover summary, acknowledge, accept or reject."""

    routings_loaded: SignalInstance
    routings: tuple[RoutingDTO, ...]
    opened_routing: RoutingDTO | None
    routing_changed: SignalInstance

    def _build_routed(self) -> QWidget:
        self.routed_page = page = QWidget()
        layout = QVBoxLayout(page)
        top = QHBoxLayout()
        self.routed_status = QLabel()
        live_label(self.routed_status, "Routed cases status")
        self.routed_status.setWordWrap(True)
        self.show_answered = QCheckBox("Show &answered (accepted or rejected)")
        self.show_answered.setAccessibleName("Show accepted and rejected routings")
        self.show_answered.toggled.connect(self._toggle_answered)
        top.addWidget(self.routed_status, 1)
        top.addWidget(self.show_answered)
        layout.addLayout(top)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.routed_table = inbox_table(
            ROUTED_COLUMNS, "Children routed to your agency", R_ROUTING, age=R_AGE
        )
        self.routed_table.activated.connect(lambda index: self.open_routing_row(index.row()))
        self.routed_table.currentCellChanged.connect(
            lambda _r, _c, _pr, _pc: self._routing_selection_changed()
        )
        self.answered_routings = ClosedFooter("answered routings", self.more_answered)
        splitter.addWidget(above_footer(self.routed_table, self.answered_routings))
        splitter.addWidget(self._build_routed_detail())
        # From the list into the detail: set once both share a window (Qt ignores it before).
        QWidget.setTabOrder(self.routed_table, self.routed_reason)
        splitter.setSizes([820, 480])
        layout.addWidget(splitter, 1)
        return page

    def _build_routed_detail(self) -> QWidget:
        box = QGroupBox("The routed case")
        layout = QVBoxLayout(box)
        self.routed_detail = detail_label(
            "Routed case details",
            "Choose a child and press Enter to read the handover; press A to acknowledge.",
        )
        layout.addWidget(scrolled(self.routed_detail), 1)
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

    def _toggle_answered(self, shown: bool) -> None:
        self.answered_routings.reset(shown)
        self.refresh_routed()

    def refresh_routed(self) -> None:
        """Reload the routed cases in the background (as many answered ones as are listed)."""
        self.routed_status.setText("Loading…")
        self.session.tasks.read(
            self.session.desk.routing.inbox,
            self.session.actor,
            include_closed=self.show_answered.isChecked(),
            closed_limit=self.answered_routings.wanted,
            on_done=self._show_routings,
            on_error=lambda e: self.routed_status.setText("⚠ " + describe_error(e)),
            label="Reading the routed cases…",
        )

    def more_answered(self) -> None:
        """Read the next page of answered routings, older than the last one listed."""
        self.answered_routings.read_older(
            self.session,
            OlderListing(
                lambda: self.routings,
                self.session.desk.routing.answered,
                self._show_routings,
                self.routed_table,
                self.routed_status,
            ),
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
        if self.show_answered.isChecked():
            self.answered_routings.listed(sum(1 for r in routings if r.closed_mark is not None))
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
        at_reason, elsewhere = errors_text(exc, ("reason",))
        if at_reason:
            self.routed_reason_message.show_message(at_reason)
            self.routed_reason.setFocus()
        if elsewhere:
            self.routed_message.show_message(elsewhere)
        if isinstance(exc, ConflictError):
            self.refresh_routed()
