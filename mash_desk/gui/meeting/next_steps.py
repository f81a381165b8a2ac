"""What follows a signed decision (routing, strategy discussion, memo) and the reasons box.

The routing when the child moves between services and the strategy discussion after an s47
decision open filled in from the decision, so nobody types it twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mash_desk.domain.enums import ServiceKind
from mash_desk.domain.meetings import AgendaStatus, DecisionOutcome, DecisionStatus
from mash_desk.domain.routing import SOCIAL_CARE, RoutingKind, RoutingStatus
from mash_desk.gui.meeting.common import choose, message_box, named, when_ready
from mash_desk.gui.meeting.follow_ups import _CWDS_TEAM, FollowUp
from mash_desk.gui.meeting.reading_pane import live
from mash_desk.gui.routing_dialog import KIND_SHORT, STATUS_LABELS, RoutingDialog
from mash_desk.gui.strategy_dialog import StrategyDialog
from mash_desk.services.decisions import DecisionDTO

if TYPE_CHECKING:
    from mash_desk.gui.meeting.host import MeetingHost, MeetingScreen


def _row(*widgets: QWidget) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for i, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if i == 0 else 0)
    return row


class ReasonsBox(QGroupBox):
    """Defer (before signing), dissent and amend (after): each with its required reason."""

    def __init__(self, mode: MeetingScreen):
        """Build the three reason rows; ``mode`` does the writing."""
        super().__init__("Defer · dissent · amend")
        form = QFormLayout(self)
        messages = mode.messages
        self.defer_reason = named(QLineEdit(), "Reason for deferring")
        self.defer_reason.setPlaceholderText("Why this child waits for a later meeting")
        self.defer_button = QPushButton("Defer (Ctrl+D)")
        self.defer_button.setAccessibleName("Defer")
        defer_label = QLabel("Defer: reason")
        defer_label.setBuddy(self.defer_reason)
        form.addRow(
            defer_label,
            _row(message_box(self.defer_reason, messages, "defer"), self.defer_button),
        )
        self.dissent_agency = named(QComboBox(), "Dissenting agency")
        self.dissent_agency.setMinimumContentsLength(18)
        self.dissent_reason = named(QLineEdit(), "Reason for disagreeing")
        self.dissent_reason.setPlaceholderText("Why the agency disagrees")
        self.dissent_button = QPushButton("Record dissent (Ctrl+Shift+D)")
        self.dissent_button.setAccessibleName("Record dissent")
        agency_label = QLabel("Dissenting agency")
        agency_label.setBuddy(self.dissent_agency)
        form.addRow(agency_label, message_box(self.dissent_agency, messages, "agency"))
        dissent_label = QLabel("Dissent: reason")
        dissent_label.setBuddy(self.dissent_reason)
        form.addRow(
            dissent_label,
            _row(message_box(self.dissent_reason, messages, "dissent"), self.dissent_button),
        )
        self.amend_reason = named(QLineEdit(), "Reason for the amendment")
        self.amend_reason.setPlaceholderText("Why the signed decision changes (uses the form)")
        self.amend_button = QPushButton("Amend signed decision (Ctrl+Shift+A)")
        self.amend_button.setAccessibleName("Amend the signed decision")
        amend_label = QLabel("Amend: reason")
        amend_label.setBuddy(self.amend_reason)
        form.addRow(
            amend_label,
            _row(message_box(self.amend_reason, messages, "reason"), self.amend_button),
        )
        for edit, slot in (
            (self.defer_reason, mode.defer),
            (self.dissent_reason, mode.record_dissent),
            (self.amend_reason, mode.amend),
        ):
            edit.returnPressed.connect(slot)
        self.defer_button.clicked.connect(mode.defer)
        self.dissent_button.clicked.connect(mode.record_dissent)
        self.amend_button.clicked.connect(mode.amend)


class NextSteps(QGroupBox):
    """After signing: the routing, the strategy discussion and the memo, one key each."""

    def __init__(self, mode: MeetingHost):
        """Build the box (hidden until a decision is signed)."""
        super().__init__("After signing: what follows the decision")
        self.mode = mode
        self.routing_dialog: RoutingDialog | None = None
        self.strategy_dialog: StrategyDialog | None = None
        layout = QVBoxLayout(self)
        self.next_label = live(description="What follows the decision")
        layout.addWidget(self.next_label)
        self.routing_button = QPushButton("Record routing… (Ctrl+R)")
        self.routing_button.setAccessibleName("Record the routing")
        self.routing_button.clicked.connect(self.open_routing_dialog)
        self.strategy_button = QPushButton("Record strategy discussion… (Ctrl+Shift+S)")
        self.strategy_button.setAccessibleName("Record the strategy discussion")
        self.strategy_button.clicked.connect(self.open_strategy_dialog)
        self.print_memo_button = QPushButton("Print memo… (Ctrl+P)")
        self.print_memo_button.setAccessibleName("Print the decision memo")
        self.print_memo_button.clicked.connect(mode.print_memo)
        buttons = QHBoxLayout()
        for button in (self.routing_button, self.strategy_button, self.print_memo_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.hide()

    def show_for(self, latest: DecisionDTO | None, follow: FollowUp | None) -> None:
        """Offer only what this decision calls for, and say where each thing stands."""
        signed = latest is not None and latest.status == DecisionStatus.SIGNED
        self.setVisible(signed or follow is not None)
        self.routing_button.setEnabled(follow is not None and follow.needs_routing)
        self.strategy_button.setEnabled(follow is not None and follow.strategy_needed)
        self.routing_button.setVisible(follow is not None and follow.routing_kind is not None)
        self.strategy_button.setVisible(
            follow is not None and follow.decision.outcome == DecisionOutcome.S47
        )
        if follow is None:
            self.next_label.setText("Checking what follows this decision…")
            return
        lines = [self._routing_line(follow)]
        if follow.strategy_needed:
            lines.append("⚑ Strategy discussion to record for the s47 enquiry (Ctrl+Shift+S).")
        elif follow.decision.outcome == DecisionOutcome.S47:
            lines.append("✔ Strategy discussion recorded.")
        self.next_label.setText("\n".join(lines))

    @staticmethod
    def _routing_line(follow: FollowUp) -> str:
        if follow.routing_kind is None:
            return "No routing: this decision does not move the child between services."
        if follow.routing is None:
            return (
                f"⚑ {KIND_SHORT[follow.routing_kind]} to record: the child moves between "
                "services (Ctrl+R opens the routing, filled in from the decision)."
            )
        if follow.routing.status is RoutingStatus.OPEN:
            return (
                f"⚑ Routing {follow.routing.id} saved: record who was told — family, "
                "professionals, referrer — and complete it (Ctrl+R)."
            )
        mark = "⚑" if follow.needs_routing else "✔"
        return (
            f"{mark} Routing {follow.routing.id} ({KIND_SHORT[follow.routing_kind]}): "
            f"{STATUS_LABELS[follow.routing.status]}."
        )

    def after_signing(self, decision: DecisionDTO, amended: bool = False) -> None:
        """Offer the routing / strategy discussion the decision calls for, or move on."""
        mode = self.mode
        follow = mode.follow_ups.get(decision.referral_id)
        if follow is None or not follow.pending:
            if not amended:
                mode.next_pending()
            return
        item = mode.item
        if item is None or item.referral_id != decision.referral_id:
            return
        # Stay on the child: what follows is one key away, the next child one more.
        mode.update_buttons()
        QTimer.singleShot(0, lambda: mode.scroller.ensureWidgetVisible(self))
        (self.routing_button if follow.needs_routing else self.strategy_button).setFocus()
        keys = []
        if follow.needs_routing:
            keys.append("record the routing (Ctrl+R)")
        if follow.strategy_needed:
            keys.append("record the strategy discussion (Ctrl+Shift+S)")
        done = "amended" if amended else "signed"
        pending = mode.meeting is not None and any(
            i.status == AgendaStatus.PENDING for i in mode.meeting.agenda
        )
        then = (
            "Alt+Right goes on to the next child"
            if pending
            else "every child is decided or deferred: then sign off the meeting (Ctrl+Shift+O)"
        )
        mode.status_label.setText(
            f"Decision {done} (version {decision.revision}). Next for {item.child_name}: "
            f"{' and '.join(keys)}; {then}."
        )

    # ---- the dialogs -----------------------------------------------------------------------

    def open_routing_dialog(self) -> RoutingDialog | None:
        """Open the routing the signed decision calls for, filled in from the decision.

        A routing already saved but not complete opens to record who was told.
        """
        mode = self.mode
        follow, item = mode.follow_up, mode.item
        if follow is None or not follow.needs_routing or item is None:
            return None
        assert follow.routing_kind is not None
        if follow.routing is not None and follow.routing.status is RoutingStatus.OPEN:
            dialog = RoutingDialog(
                mode.session,
                follow.person_id,
                follow.referral_id,
                follow.routing.decision_id,
                parent=self._host_widget(),
                routing=follow.routing,
            )
        else:
            dialog = RoutingDialog(
                mode.session,
                follow.person_id,
                follow.referral_id,
                follow.decision.id,
                follow.routing_kind.value,
                self._host_widget(),
            )
            self._prefill_routing(dialog, follow)
        return self._open_dialog("routing_dialog", dialog)

    def _prefill_routing(self, dialog: RoutingDialog, follow: FollowUp) -> None:
        """What the meeting already knows goes into the routing, so nobody types it twice."""
        d = follow.decision
        choose(dialog.level_after_combo, d.level)
        record = self.mode.referral_record(follow.referral_id)
        if record is not None and record.level is not None:
            choose(dialog.level_before_combo, record.level)
        dialog.reason_edit.setPlainText(d.rationale)
        dialog.summary_edit.setPlainText(self._handover(follow))
        if follow.routing_kind is not RoutingKind.TRANSFER:
            return  # The dialog chooses the usual from/to of a step up or down itself.
        to = None
        if d.outcome == DecisionOutcome.CWDS:
            to = SOCIAL_CARE
            dialog.team_edit.setText(d.allocated_team or _CWDS_TEAM)
        elif d.outcome == DecisionOutcome.FORWARD_OPEN_CASE:
            early = ServiceKind.EARLY_HELP.value in follow.open_services
            to = "early_support" if early else SOCIAL_CARE
            dialog.team_edit.setText(d.allocated_team or "")
        if to is not None:
            # The agencies arrive in the background: choose the receiver once they have.
            when_ready(lambda: dialog.loaded, lambda: choose(dialog.to_combo, to), dialog)

    def _handover(self, follow: FollowUp) -> str:
        """The handover summary's start: the decision and what the agencies said."""
        mode, d = self.mode, follow.decision
        day = mode.meeting.meeting_date if mode.meeting is not None else None
        when = f" at the MASH meeting of {day:%d/%m/%Y}" if day else ""
        lines = [f"{d.outcome.label}, level {d.level}{when}: {d.rationale}"]
        checks = mode.checks.get(follow.referral_id)
        for c in getattr(checks, "checks", ()):
            if c.status == "returned":
                lines.append(f"{c.agency_name}: {c.answer}")
        for a in d.actions:
            lines.append(f"Action: {a.description} (due {a.due_on:%d/%m/%Y})")
        return "\n".join(lines)

    def open_strategy_dialog(self) -> StrategyDialog | None:
        """Open the strategy discussion of the signed s47 decision on screen."""
        mode = self.mode
        follow = mode.follow_up
        if follow is None or not follow.strategy_needed:
            return None
        dialog = StrategyDialog(
            mode.session, follow.referral_id, follow.decision.id, self._host_widget()
        )
        present: dict[str, str] = {}
        if mode.meeting is not None:
            for a in mode.meeting.attendance:
                if a.present:
                    present.setdefault(a.agency_code, a.attendee_name)

        def names() -> None:
            # Held at the meeting, the discussion has the people present: their names go in.
            for row in dialog.rows:
                code, name = row.value()
                if not name and code in present:
                    row.name_edit.setText(present[code])

        when_ready(lambda: len(dialog.rows) > 0, names, dialog)
        return self._open_dialog("strategy_dialog", dialog)

    def _host_widget(self) -> QWidget:
        """The host screen, as the parent of the dialogs opened from here."""
        host = self.mode
        # Both hosts (meeting mode, the red-referral dialog) are widgets; the protocol cannot
        # say so itself.
        assert isinstance(host, QWidget)
        return host

    def _open_dialog(self, attr: str, dialog: Any) -> Any:
        old = getattr(self, attr)
        if old is not None:
            old.deleteLater()
        setattr(self, attr, dialog)
        dialog.finished.connect(lambda _r: self._dialog_closed())
        dialog.open()
        return dialog

    def _dialog_closed(self) -> None:
        # Back to the meeting with the keyboard where the next step is.
        mode = self.mode
        mode.window().activateWindow()
        follow = mode.follow_up
        if follow is not None and follow.pending:
            button = self.routing_button if follow.needs_routing else self.strategy_button
            button.setFocus()
        else:
            mode.agenda_list.setFocus()
            if mode.item is not None:
                mode.status_label.setText(
                    f"Nothing more to record for {mode.item.child_name} now: Alt+Right for "
                    "the next child."
                )
