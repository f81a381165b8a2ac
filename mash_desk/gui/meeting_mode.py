"""Meeting mode: the chair walks today's MASH meeting one child at a time, from the keyboard.

The left column holds the meeting: attendance by agency, quorum in words (with "proceed
without quorum" and its reason), and the agenda with its progress and, for each signed case,
what still follows it (a routing or a strategy discussion, in words and with an icon). The
right side is one screen per child: case summary, agency check returns, decision history and
the decision form (outcome, parallel pathways, level from the threshold indicators or an
override with its rationale, actions owned by an agency or a person, who is informed,
allocated team and worker). After signing, the screen offers what follows: the routing when
the child moves between services and the strategy discussion after an s47 decision, and the
decision memo to print; once signed off, the meeting's memos print in one batch. Every call
goes through ``session.tasks``; every write is announced on ``session.hub``.

Keys (each action at most two keystrokes away):
    Alt+Right / Alt+PgDown   next child          Alt+Left / Alt+PgUp   previous child
    Ctrl+G                   the agenda list     Ctrl+T                attendance
    Ctrl+S                   save draft          Ctrl+Enter            sign the decision
    Ctrl+D                   defer (with reason) Ctrl+Shift+D          record dissent
    Ctrl+Shift+A             amend (with reason) Ctrl+Shift+Q          proceed without quorum
    Ctrl+E                   the decision form   Ctrl+Shift+O          sign off the meeting
    Ctrl+R                   record the routing  Ctrl+Shift+S          record the strategy
                                                                       discussion
    Ctrl+P                   print the memo of   Ctrl+Shift+P          print the meeting's
                             the signed decision                       memos (signed off)
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from mash_desk.domain.enums import Role, ServiceKind
from mash_desk.domain.errors import FieldError, ValidationError
from mash_desk.domain.meetings import (
    OUTCOME_LABELS,
    PATHWAY_LABELS,
    AgendaStatus,
    DecisionOutcome,
    DecisionStatus,
    Pathway,
)
from mash_desk.domain.routing import SOCIAL_CARE, RoutingKind, RoutingStatus
from mash_desk.domain.thresholds.engine import suggest
from mash_desk.gui.profile_dialog import FieldMessage, with_message
from mash_desk.gui.routing_dialog import KIND_SHORT, STATUS_LABELS, RoutingDialog
from mash_desk.gui.session import DeskSession
from mash_desk.gui.strategy_dialog import StrategyDialog
from mash_desk.gui.tasks import describe_error
from mash_desk.services.decisions import ActionInput, DecisionDTO, DecisionInput
from mash_desk.services.desk import Desk
from mash_desk.services.dto import Actor
from mash_desk.services.meetings import AgendaItemDTO, MeetingDTO
from mash_desk.services.reference import AgencyDTO, UserChoiceDTO
from mash_desk.services.routing import RoutingDTO

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_STATUS_WORDS = {
    AgendaStatus.PENDING: "○ to decide",
    AgendaStatus.DECIDED: "✔ decided",
    AgendaStatus.DEFERRED: "» deferred",
}
_RAG_WORDS = {"red": "● RED", "amber": "◐ AMBER", "green": "○ GREEN"}


# Roles that work for the MASH itself: an allocated worker or an action's owner is one of them
# (partner reps own their agency's actions through the agency, domain brief §2).
_MASH_STAFF = frozenset({Role.PRACTITIONER, Role.MANAGER, Role.CHAIR})
# Outcomes that hand the child to another team or council (domain brief §5): Children with
# Disabilities Service, the team of the case already open, or another council.
_TRANSFER_OUTCOMES = frozenset(
    {
        DecisionOutcome.CWDS,
        DecisionOutcome.FORWARD_OPEN_CASE,
        DecisionOutcome.TRANSFER_COUNCIL,
    }
)
# A statutory assessment or s47 enquiry of a child open to early help is a step up
# (domain brief §5, seed 000 L109).
_STEP_UP_OUTCOMES = frozenset({DecisionOutcome.SINGLE_ASSESSMENT, DecisionOutcome.S47})
_CWDS_TEAM = "Children with Disabilities Service"


def routing_kind_for(
    outcome: DecisionOutcome, open_services: Collection[str]
) -> RoutingKind | None:
    """The routing a signed outcome calls for (None: the child does not change service).

    Domain brief §5: a step down moves the child from social care to early help; a single
    assessment or s47 enquiry of a child open to early help steps them up; the Children with
    Disabilities Service, forwarding to an open case and a transfer to another council hand
    the child to another team or council.
    """
    if outcome is DecisionOutcome.STEP_DOWN:
        return RoutingKind.STEP_DOWN
    if outcome in _STEP_UP_OUTCOMES and ServiceKind.EARLY_HELP.value in open_services:
        return RoutingKind.STEP_UP
    if outcome in _TRANSFER_OUTCOMES:
        return RoutingKind.TRANSFER
    return None


@dataclass(frozen=True)
class FollowUp:
    """What a signed decision still calls for: its routing and its strategy discussion.

    ``routing`` is the newest routing of ``routing_kind`` that follows one of the referral's
    decision versions (None while none is recorded).
    """

    referral_id: int
    person_id: int
    decision: DecisionDTO
    routing_kind: RoutingKind | None
    routing: RoutingDTO | None
    strategy_needed: bool
    open_services: tuple[str, ...] = ()

    @property
    def needs_routing(self) -> bool:
        """Whether the routing is still to record, or to complete (or was sent back)."""
        return self.routing_kind is not None and (
            self.routing is None
            or self.routing.status in (RoutingStatus.OPEN, RoutingStatus.REJECTED)
        )

    @property
    def pending(self) -> bool:
        """Whether anything still follows the decision."""
        return self.needs_routing or self.strategy_needed

    def agenda_words(self) -> str:
        """What is still to do, in the agenda's few words ("" when nothing)."""
        words = []
        if self.needs_routing:
            assert self.routing_kind is not None
            kind = KIND_SHORT[self.routing_kind].lower()
            if self.routing is None:
                words.append(f"{kind} to record")
            elif self.routing.status is RoutingStatus.REJECTED:
                words.append(f"{kind} rejected, back with the MASH")
            else:
                words.append(f"{kind}: who was told to record")
        if self.strategy_needed:
            words.append("strategy discussion to record")
        return "⚑ " + " and ".join(words) if words else ""


def read_follow_ups(
    desk: Desk, actor: Actor, items: Sequence[AgendaItemDTO]
) -> dict[int, FollowUp]:
    """What each decided child on the agenda still needs, by referral id.

    Several service reads: run it through ``session.tasks``. None of them logs a view of a
    child's record — the chair has not opened these children by asking for this.
    """
    found: dict[int, FollowUp] = {}
    for item in items:
        if item.status != AgendaStatus.DECIDED:
            continue
        history = desk.decisions.history(actor, item.referral_id)
        signed = [d for d in history if d.status == DecisionStatus.SIGNED]
        if not signed:
            continue
        latest = signed[-1]
        services = tuple(s.service for s in desk.history.check(actor, item.person_id).open_services)
        kind = routing_kind_for(DecisionOutcome(latest.outcome), services)
        routing = None
        if kind is not None:
            versions = {d.id for d in history}
            linked = [
                r
                for r in desk.routing.for_person(actor, item.person_id)
                if r.decision_id in versions and r.kind == kind
            ]
            routing = linked[-1] if linked else None
        # One discussion per enquiry, as the case view counts it (ReferralRecord.needs_strategy).
        strategy = latest.outcome == DecisionOutcome.S47 and not desk.strategy.for_referral(
            actor, item.referral_id
        )
        found[item.referral_id] = FollowUp(
            item.referral_id, item.person_id, latest, kind, routing, strategy, services
        )
    return found


def _key(widget: QWidget, sequences: tuple[str, ...], slot: Callable[[], Any]) -> None:
    for sequence in sequences:
        shortcut = QShortcut(QKeySequence(sequence), widget)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)


def _named(widget: QWidget, name: str) -> QWidget:
    widget.setAccessibleName(name)
    return widget


def _choose(combo: QComboBox, data: Any) -> None:
    index = combo.findData(data)
    if index >= 0:
        combo.setCurrentIndex(index)


def _when(ready: Callable[[], bool], then: Callable[[], None], owner: QWidget) -> None:
    """Run ``then`` once ``ready()`` (a dialog's background load), while ``owner`` lives."""
    timer = QTimer(owner)
    timer.setInterval(25)

    def tick() -> None:
        if ready():
            timer.stop()
            timer.deleteLater()
            then()

    timer.timeout.connect(tick)
    timer.start()
    tick()


class MeetingMode(QWidget):
    """Run today's meeting (opened, or created, in the background).

    Signals:
        meeting_changed(object): the :class:`MeetingDTO` after every load or change.
        signed_off(object): the meeting once the chair has signed it off.
    """

    meeting_changed = Signal(object)
    signed_off = Signal(object)

    def __init__(self, session: DeskSession, parent: QWidget | None = None):
        """Build the screen and start opening (or creating) today's meeting."""
        super().__init__(parent)
        self.session = session
        self.meeting: MeetingDTO | None = None
        self.current = 0
        self.document: Any = None
        self.agencies: list[tuple[str, str]] = []
        self.staff: list[UserChoiceDTO] = []
        self.decisions: dict[int, tuple[DecisionDTO, ...]] = {}
        self.follow_ups: dict[int, FollowUp] = {}
        self.routing_dialog: RoutingDialog | None = None
        self.strategy_dialog: StrategyDialog | None = None
        self.memo_dialog: QWidget | None = None
        self.print_dialog: QWidget | None = None
        self._last_signed: DecisionDTO | None = None
        self._cases: dict[int, Any] = {}
        self._checks: dict[int, Any] = {}
        self._follow_loading = False
        self._follow_dirty = False
        self._follow_then: list[Callable[[], None]] = []
        self._decided_seen: frozenset[int] | None = None
        self._inputs: dict[int, DecisionInput] = {}
        self._actions: list[ActionInput] = []
        self._shown_referral: int | None = None
        self.messages: dict[str, FieldMessage] = {}
        self._build()
        self._bind_keys()
        session.hub.changed.connect(self._hub_changed)
        self._open()

    # ---- building ------------------------------------------------------------------------

    def _message(self, field: QWidget, key: str) -> QWidget:
        box, message = with_message(field)
        self.messages[key] = message
        return box

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.progress_label = _named(QLabel("Opening today's meeting…"), "Meeting progress")
        self.progress_label.setStyleSheet("font-weight: bold; font-size: 14px;")
        self.status_label = _named(QLabel(), "Meeting status")
        self.status_label.setWordWrap(True)
        outer.addWidget(self.progress_label)
        outer.addWidget(self.status_label)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(splitter, 1)
        splitter.addWidget(self._build_meeting_column())
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setWidget(self._build_child_screen())
        splitter.addWidget(self.scroller)
        splitter.setSizes([380, 900])

    def _build_meeting_column(self) -> QWidget:
        column = QWidget()
        layout = QVBoxLayout(column)
        attendance = QGroupBox("Attendance by agency (Ctrl+T)")
        form = QGridLayout(attendance)
        self.agency_box = _named(QComboBox(), "Attending agency")
        self.attendee_edit = _named(QLineEdit(), "Attendee's name")
        self.attendee_edit.setPlaceholderText("Name of the person attending")
        self.attendee_present = _named(QCheckBox("Present"), "Present, not apologies")
        self.attendee_present.setChecked(True)
        self.attend_button = QPushButton("&Record attendance")
        self.attend_button.setAccessibleName("Record attendance")
        self.attend_button.clicked.connect(self.record_attendance)
        self.attendee_edit.returnPressed.connect(self.record_attendance)
        form.addWidget(self.agency_box, 0, 0, 1, 2)
        form.addWidget(self._message(self.attendee_edit, "attendee_name"), 1, 0, 1, 2)
        form.addWidget(self.attendee_present, 2, 0)
        form.addWidget(self.attend_button, 2, 1)
        self.attendance_list = _named(QListWidget(), "Attendance (ticked: present)")
        self.attendance_list.setMaximumHeight(96)
        self.attendance_list.setWordWrap(True)
        self.attendance_list.itemChanged.connect(self._attendance_toggled)
        form.addWidget(self.attendance_list, 3, 0, 1, 2)
        self.quorum_label = _named(QLabel(), "Quorum")
        self.quorum_label.setWordWrap(True)
        form.addWidget(self.quorum_label, 4, 0, 1, 2)
        self.quorum_reason = _named(QLineEdit(), "Reason to proceed without quorum")
        self.quorum_reason.setPlaceholderText("Why the meeting goes on without quorum")
        self.quorum_reason.returnPressed.connect(self.proceed_without_quorum)
        self.quorum_button = QPushButton("Proceed without quorum")
        self.quorum_button.setAccessibleName("Proceed without quorum")
        self.quorum_button.clicked.connect(self.proceed_without_quorum)
        form.addWidget(self._message(self.quorum_reason, "quorum"), 5, 0, 1, 2)
        form.addWidget(self.quorum_button, 6, 0, 1, 2)
        layout.addWidget(attendance)

        agenda = QGroupBox("Agenda (Ctrl+G; Alt+Left / Alt+Right move)")
        agenda_layout = QVBoxLayout(agenda)
        self.agenda_list = _named(QListWidget(), "Agenda")
        self.agenda_list.setWordWrap(True)
        self.agenda_list.setIconSize(QSize(16, 16))
        self.agenda_list.currentRowChanged.connect(self._agenda_row_changed)
        agenda_layout.addWidget(self.agenda_list)
        self.sign_off_button = QPushButton("Sign &off the meeting (Ctrl+Shift+O)")
        self.sign_off_button.setAccessibleName("Sign off the meeting")
        self.sign_off_button.clicked.connect(self.sign_off)
        agenda_layout.addWidget(self._message(self.sign_off_button, "agenda"))
        self.print_meeting_button = QPushButton("Print meeting memos… (Ctrl+Shift+P)")
        self.print_meeting_button.setAccessibleName("Print the meeting's memos")
        self.print_meeting_button.clicked.connect(self.print_meeting_memos)
        self.print_meeting_button.setEnabled(False)
        agenda_layout.addWidget(self.print_meeting_button)
        layout.addWidget(agenda, 1)
        return column

    def _build_child_screen(self) -> QWidget:
        screen = QWidget()
        layout = QVBoxLayout(screen)
        self.child_label = _named(QLabel("No child chosen"), "Child being decided")
        self.child_label.setStyleSheet("font-weight: bold; font-size: 15px;")
        self.child_label.setWordWrap(True)
        layout.addWidget(self.child_label)
        self.summary_label = _named(QLabel(), "Case summary")
        self.checks_label = _named(QLabel(), "Agency check returns")
        self.history_label = _named(QLabel(), "Decision versions")
        for title, label in (
            ("Case summary", self.summary_label),
            ("Agency check returns", self.checks_label),
            ("Decision versions", self.history_label),
        ):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(label)
            layout.addWidget(box)
        layout.addWidget(self._build_decision_form())
        layout.addWidget(self._build_next_steps())
        layout.addWidget(self._build_after_signing())
        layout.addStretch(1)
        return screen

    def _build_decision_form(self) -> QWidget:
        box = self.decision_box = QGroupBox("Decision (Ctrl+E)")
        form = QFormLayout(box)
        self.outcome_box = _named(QComboBox(), "Outcome")
        self.outcome_box.addItem("Choose the outcome…", None)
        for outcome in DecisionOutcome:
            self.outcome_box.addItem(OUTCOME_LABELS[outcome], outcome.value)
        form.addRow("&Outcome", self._message(self.outcome_box, "outcome"))

        pathways = QWidget()
        grid = QGridLayout(pathways)
        grid.setContentsMargins(0, 0, 0, 0)
        self.pathway_boxes: dict[str, QCheckBox] = {}
        for i, pathway in enumerate(Pathway):
            check = _named(QCheckBox(PATHWAY_LABELS[pathway]), PATHWAY_LABELS[pathway])
            self.pathway_boxes[pathway.value] = check
            grid.addWidget(check, i // 2, i % 2)
        form.addRow("Parallel pathways", self._message(pathways, "pathways"))

        self.indicator_filter = _named(QLineEdit(), "Find threshold indicators")
        self.indicator_filter.setPlaceholderText("Type to find indicators (threshold document)")
        self.indicator_filter.textChanged.connect(self._filter_indicators)
        self.indicator_list = _named(QListWidget(), "Threshold indicators (tick those that apply)")
        self.indicator_list.setMinimumHeight(120)
        # Wrapped, not cut off: an indicator is read in full before it is ticked.
        self.indicator_list.setWordWrap(True)
        self.indicator_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.indicator_list.itemChanged.connect(lambda _i: self._update_suggestion())
        self.suggestion_label = _named(QLabel("No indicators ticked: no level suggested."), "")
        self.suggestion_label.setAccessibleName("Suggested level")
        self.suggestion_label.setWordWrap(True)
        indicators = QWidget()
        ind_layout = QVBoxLayout(indicators)
        ind_layout.setContentsMargins(0, 0, 0, 0)
        ind_layout.addWidget(self.indicator_filter)
        ind_layout.addWidget(self.indicator_list)
        ind_layout.addWidget(self.suggestion_label)
        form.addRow("&Indicators", self._message(indicators, "indicators"))
        self.level_box = _named(QComboBox(), "Level")
        self.level_box.addItem("The suggested level", None)
        form.addRow("&Level", self._message(self.level_box, "level"))
        self.level_rationale = _named(QLineEdit(), "Rationale for the level")
        self.level_rationale.setPlaceholderText("Needed when overriding the suggestion")
        form.addRow("Level rationale", self._message(self.level_rationale, "level_rationale"))

        self.rationale = _named(QPlainTextEdit(), "Rationale for the decision")
        self.rationale.setTabChangesFocus(True)
        self.rationale.setFixedHeight(70)
        form.addRow("&Rationale", self._message(self.rationale, "rationale"))

        actions = QWidget()
        act_layout = QGridLayout(actions)
        act_layout.setContentsMargins(0, 0, 0, 0)
        self.action_text = _named(QLineEdit(), "Action: what is to be done")
        self.action_text.setPlaceholderText("What is to be done")
        self.action_owner = _named(QComboBox(), "Action owner")
        self.action_due = _named(QDateEdit(), "Action due date")
        self.action_due.setCalendarPopup(True)
        self.action_due.setDisplayFormat("d MMM yyyy")
        self.action_add = QPushButton("Add &action")
        self.action_add.setAccessibleName("Add action")
        self.action_add.clicked.connect(self.add_action)
        self.action_text.returnPressed.connect(self.add_action)
        self.action_list = _named(QListWidget(), "Actions (Delete removes)")
        self.action_list.setMaximumHeight(80)
        _key(self.action_list, ("Delete",), self.remove_action)
        act_layout.addWidget(self.action_text, 0, 0, 1, 3)
        act_layout.addWidget(self.action_owner, 1, 0)
        act_layout.addWidget(self.action_due, 1, 1)
        act_layout.addWidget(self.action_add, 1, 2)
        act_layout.addWidget(self.action_list, 2, 0, 1, 3)
        form.addRow("Actions", self._message(actions, "actions"))

        self.inform_family = _named(QLineEdit(), "Inform the family: who, how")
        self.inform_referrer = _named(QLineEdit(), "Inform the referrer: who, how")
        self.inform_professionals = _named(QLineEdit(), "Inform professionals: who, how")
        form.addRow("Inform family", self._message(self.inform_family, "inform_family"))
        form.addRow("Inform referrer", self._message(self.inform_referrer, "inform_referrer"))
        form.addRow(
            "Inform professionals",
            self._message(self.inform_professionals, "inform_professionals"),
        )
        self.team_edit = _named(QLineEdit(), "Allocated team")
        self.team_edit.setPlaceholderText("Required for social-care outcomes")
        form.addRow("Allocated &team", self._message(self.team_edit, "allocated_team"))
        self.worker_box = _named(QComboBox(), "Allocated worker")
        self.worker_box.addItem("No worker allocated yet", None)
        form.addRow("Allocated &worker", self._message(self.worker_box, "allocated_worker"))

        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save draft (Ctrl+S)")
        self.save_button.setAccessibleName("Save draft")
        self.save_button.clicked.connect(self.save_draft)
        self.sign_button = QPushButton("Sign as chair (Ctrl+Enter)")
        self.sign_button.setAccessibleName("Sign the decision")
        self.sign_button.clicked.connect(self.sign)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.sign_button)
        holder = QWidget()
        holder.setLayout(buttons)
        form.addRow("", self._message(holder, "decision"))
        return box

    def _build_next_steps(self) -> QWidget:
        self.next_box = QGroupBox("After signing: what follows the decision")
        layout = QVBoxLayout(self.next_box)
        self.next_label = _named(QLabel(), "What follows the decision")
        self.next_label.setWordWrap(True)
        self.next_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.next_label)
        self.routing_button = QPushButton("Record routing… (Ctrl+R)")
        self.routing_button.setAccessibleName("Record the routing")
        self.routing_button.clicked.connect(self.open_routing_dialog)
        self.strategy_button = QPushButton("Record strategy discussion… (Ctrl+Shift+S)")
        self.strategy_button.setAccessibleName("Record the strategy discussion")
        self.strategy_button.clicked.connect(self.open_strategy_dialog)
        self.print_memo_button = QPushButton("Print memo… (Ctrl+P)")
        self.print_memo_button.setAccessibleName("Print the decision memo")
        self.print_memo_button.clicked.connect(self.print_memo)
        buttons = QHBoxLayout()
        buttons.addWidget(self.routing_button)
        buttons.addWidget(self.strategy_button)
        buttons.addWidget(self.print_memo_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.next_box.hide()
        return self.next_box

    def _build_after_signing(self) -> QWidget:
        box = QGroupBox("Defer · dissent · amend")
        form = QFormLayout(box)
        self.defer_reason = _named(QLineEdit(), "Reason for deferring")
        self.defer_reason.setPlaceholderText("Why this child waits for a later meeting")
        self.defer_reason.returnPressed.connect(self.defer)
        self.defer_button = QPushButton("Defer (Ctrl+D)")
        self.defer_button.setAccessibleName("Defer")
        self.defer_button.clicked.connect(self.defer)
        form.addRow(
            "Defer", self._row(self._message(self.defer_reason, "defer"), self.defer_button)
        )
        self.dissent_agency = _named(QComboBox(), "Dissenting agency")
        self.dissent_agency.setMinimumContentsLength(22)
        self.dissent_reason = _named(QLineEdit(), "Reason for disagreeing")
        self.dissent_reason.setPlaceholderText("Why the agency disagrees")
        self.dissent_reason.returnPressed.connect(self.record_dissent)
        self.dissent_button = QPushButton("Record dissent (Ctrl+Shift+D)")
        self.dissent_button.setAccessibleName("Record dissent")
        self.dissent_button.clicked.connect(self.record_dissent)
        dissent = QWidget()
        d_layout = QHBoxLayout(dissent)
        d_layout.setContentsMargins(0, 0, 0, 0)
        d_layout.addWidget(self._message(self.dissent_agency, "agency"))
        d_layout.addWidget(self._message(self.dissent_reason, "dissent"), 1)
        form.addRow("Dissent", self._row(dissent, self.dissent_button))
        self.amend_reason = _named(QLineEdit(), "Reason for the amendment")
        self.amend_reason.setPlaceholderText("Why the signed decision changes (uses the form)")
        self.amend_reason.returnPressed.connect(self.amend)
        self.amend_button = QPushButton("Amend signed decision (Ctrl+Shift+A)")
        self.amend_button.setAccessibleName("Amend the signed decision")
        self.amend_button.clicked.connect(self.amend)
        form.addRow(
            "Amend", self._row(self._message(self.amend_reason, "reason"), self.amend_button)
        )
        return box

    @staticmethod
    def _row(*widgets: QWidget) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        for i, widget in enumerate(widgets):
            layout.addWidget(widget, 1 if i == 0 else 0)
        return row

    def _bind_keys(self) -> None:
        _key(self, ("Alt+Right", "Alt+PgDown"), self.next_child)
        _key(self, ("Alt+Left", "Alt+PgUp"), self.previous_child)
        _key(self, ("Ctrl+S",), self.save_draft)
        _key(self, ("Ctrl+Return", "Ctrl+Enter"), self.sign)
        _key(self, ("Ctrl+D",), self.defer)
        _key(self, ("Ctrl+Shift+D",), self.record_dissent)
        _key(self, ("Ctrl+Shift+A",), self.amend)
        _key(self, ("Ctrl+Shift+Q",), self.proceed_without_quorum)
        _key(self, ("Ctrl+Shift+O",), self.sign_off)
        _key(self, ("Ctrl+R",), self.open_routing_dialog)
        _key(self, ("Ctrl+Shift+S",), self.open_strategy_dialog)
        _key(self, ("Ctrl+P",), self.print_memo)
        _key(self, ("Ctrl+Shift+P",), self.print_meeting_memos)
        _key(self, ("Ctrl+G",), self.agenda_list.setFocus)
        _key(self, ("Ctrl+T",), self.attendee_edit.setFocus)
        _key(self, ("Ctrl+E",), self.go_to_decision)
        self.setFocusProxy(self.agenda_list)

    # ---- loading -------------------------------------------------------------------------

    @property
    def _actor(self):
        return self.session.actor

    def _open(self) -> None:
        tasks, desk = self.session.tasks, self.session.desk
        tasks.read(
            desk.reference.agencies,
            self._actor,
            on_done=self._agencies_read,
            on_error=self._failed,
            label="Reading agencies…",
        )
        tasks.read(
            desk.reference.users,
            self._actor,
            on_done=self._users_read,
            on_error=self._failed,
            label="Reading the MASH staff…",
        )
        tasks.read(
            desk.thresholds.current,
            self._actor,
            on_done=self._document_read,
            label="Reading the threshold document…",
        )
        tasks.read(
            desk.meetings.today,
            self._actor,
            on_done=self._today_read,
            on_error=self._failed,
            label="Opening today's meeting…",
        )

    def _today_read(self, meeting: MeetingDTO | None) -> None:
        if meeting is not None:
            self._meeting_loaded(meeting)
            return
        self.session.tasks.write(
            self.session.desk.meetings.create_today,
            self._actor,
            on_done=self._created,
            on_error=self._create_failed,
            label="Creating today's meeting…",
        )

    def _created(self, result) -> None:
        self.session.hub.announce(result.changed)
        self._meeting_loaded(result.value)

    def _create_failed(self, exc: BaseException) -> None:
        # Someone else created it a moment ago: open theirs.
        if isinstance(exc, ValidationError) and exc.for_field("meeting_date"):
            self.session.tasks.read(
                self.session.desk.meetings.today, self._actor, on_done=self._today_read
            )
            return
        self._failed(exc)

    def _failed(self, exc: BaseException) -> None:
        self.status_label.setText("⚠ " + describe_error(exc))

    def _agencies_read(self, agencies: Sequence[AgencyDTO]) -> None:
        self.agencies = [(a.code, a.name) for a in agencies]
        self.agency_box.clear()
        for code, name in self.agencies:
            self.agency_box.addItem(name, code)
        self._fill_owners()

    def _users_read(self, users: Sequence[UserChoiceDTO]) -> None:
        self.staff = [u for u in users if u.role in _MASH_STAFF]
        chosen = self.worker_box.currentData()
        self.worker_box.clear()
        self.worker_box.addItem("No worker allocated yet", None)
        for user in self.staff:
            self.worker_box.addItem(user.label, user.id)
        self.worker_box.setCurrentIndex(max(self.worker_box.findData(chosen), 0))
        self._fill_owners()
        self._show_actions()

    def _fill_owners(self) -> None:
        """Owners of an action: the chair, an agency, or a member of the MASH staff."""
        # Data is "user:<id>" or "agency:<code>".
        self.action_owner.clear()
        me = self._actor.user_id
        self.action_owner.addItem(f"Me: {self._actor.display_name}", f"user:{me}")
        if self.agencies:
            self.action_owner.insertSeparator(self.action_owner.count())
        for code, name in self.agencies:
            self.action_owner.addItem(f"Agency: {name}", f"agency:{code}")
        others = [u for u in self.staff if u.id != me]
        if others:
            self.action_owner.insertSeparator(self.action_owner.count())
        for user in others:
            self.action_owner.addItem(f"Person: {user.label}", f"user:{user.id}")
        self.action_owner.setCurrentIndex(0)

    def _document_read(self, document) -> None:
        self.document = document
        self.indicator_list.blockSignals(True)
        self.indicator_list.clear()
        for indicator in document.indicators:
            item = QListWidgetItem(
                f"L{indicator.level} · {indicator.domain.name}: {indicator.text}"
            )
            item.setData(Qt.ItemDataRole.UserRole, indicator.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.indicator_list.addItem(item)
        self.indicator_list.blockSignals(False)
        self.level_box.clear()
        self.level_box.addItem("The suggested level", None)
        for level in document.levels:
            self.level_box.addItem(level.label, level.number)
        shown = self._shown_referral
        if shown is not None and shown in self._inputs:
            self._fill(self._inputs[shown])
        elif shown is not None and self.decisions.get(shown):
            # The history came first: its ticks can only be shown now the list exists.
            self._fill_from(self.decisions[shown][-1])

    def _meeting_loaded(self, meeting: MeetingDTO) -> None:
        self.meeting = meeting
        self._show_attendance(meeting)
        self.agenda_list.blockSignals(True)
        self.agenda_list.clear()
        for number, item in enumerate(meeting.agenda, 1):
            self.agenda_list.addItem(self._agenda_item(number, item))
        self.current = min(self.current, max(len(meeting.agenda) - 1, 0))
        if meeting.agenda:
            self.agenda_list.setCurrentRow(self.current)
        self.agenda_list.blockSignals(False)
        self._show_progress()
        self.meeting_changed.emit(meeting)
        decided = frozenset(i.referral_id for i in meeting.agenda if i.status == "decided")
        if decided != self._decided_seen:
            # A child was decided (or the meeting just opened): what follows may have changed.
            self._decided_seen = decided
            self._load_follow_ups()
        if meeting.agenda and self._shown_referral != meeting.agenda[self.current].referral_id:
            self._show_child()
        else:
            if self.item is not None:
                self._show_heading(self.item)  # decided or deferred since it was shown
            self._update_buttons()

    def _agenda_item(self, number: int, item: AgendaItemDTO) -> QListWidgetItem:
        entry = QListWidgetItem(self._agenda_text(number, item))
        self._mark(entry, item)
        return entry

    def _mark(self, entry: QListWidgetItem, item: AgendaItemDTO) -> None:
        """Flag a signed case whose routing or strategy discussion is still to record.

        In words and with an icon, never by colour alone (house rules).
        """
        follow = self.follow_ups.get(item.referral_id)
        style = self.style()
        if follow is not None and follow.pending:
            entry.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning))
            entry.setToolTip(follow.agenda_words().removeprefix("⚑ ").capitalize())
        elif item.status == AgendaStatus.PENDING:
            # Nothing to flag: a blank icon keeps the names in one column.
            blank = QPixmap(16, 16)
            blank.fill(Qt.GlobalColor.transparent)
            entry.setIcon(QIcon(blank))
        else:
            entry.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton))

    def _render_follow_ups(self) -> None:
        """Show what follows each signed case in the agenda, progress and next-steps box."""
        if self.meeting is None:
            return
        for number, item in enumerate(self.meeting.agenda, 1):
            entry = self.agenda_list.item(number - 1)
            if entry is None:
                continue
            entry.setText(self._agenda_text(number, item))
            self._mark(entry, item)
        self._show_progress()
        self._show_next_steps()

    def _agenda_text(self, number: int, item: AgendaItemDTO) -> str:
        rag = _RAG_WORDS.get(item.rag or "", "unrated")
        overdue = (
            " ⚠ OVERDUE"
            if item.decision_due_at < self._now() and item.status == AgendaStatus.PENDING
            else ""
        )
        # Name and where the child stands first: that is what the chair scans the list for.
        text = (
            f"{number}. {item.child_name} — {_STATUS_WORDS[AgendaStatus(item.status)]}\n"
            f"      {rag} · due {self._when(item.decision_due_at)}{overdue}"
        )
        if item.deferred_reason:
            text += f"\n      ({item.deferred_reason})"
        follow = self.follow_ups.get(item.referral_id)
        if follow is not None and follow.pending:
            text += f"\n      {follow.agenda_words()}"
        return text

    def _now(self) -> datetime:
        return self.session.desk.ctx.clock.now()

    def _when(self, at: datetime) -> str:
        local = at.astimezone(self.session.desk.ctx.tz)
        return f"{local.day} {_MONTHS[local.month - 1]} {local:%H:%M}"

    def _show_attendance(self, meeting: MeetingDTO) -> None:
        self.attendance_list.blockSignals(True)
        self.attendance_list.clear()
        for a in meeting.attendance:
            item = QListWidgetItem(f"{a.agency_name}: {a.attendee_name}")
            item.setData(Qt.ItemDataRole.UserRole, (a.agency_code, a.attendee_name))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if a.present else Qt.CheckState.Unchecked)
            self.attendance_list.addItem(item)
        self.attendance_list.blockSignals(False)
        if meeting.quorate:
            self.quorum_label.setText("✔ Quorate: every required agency is present.")
        elif meeting.quorum_reason:
            self.quorum_label.setText(
                f"⚠ Not quorate ({', '.join(meeting.quorum_missing)} not present); the chair "
                f"recorded why it goes on: {meeting.quorum_reason}"
            )
        else:
            self.quorum_label.setText(
                f"⚠ Not quorate: {', '.join(meeting.quorum_missing)} not present. Decisions wait "
                "until they join, or until you record why the meeting goes on (Ctrl+Shift+Q)."
            )
        if meeting.may_decide:
            self.messages["quorum"].clear_message()
        # Once decisions may be made the reason has nothing to do: it gives the agenda room.
        self.quorum_reason.setEnabled(not meeting.may_decide)
        self.quorum_button.setEnabled(not meeting.may_decide)
        self.quorum_reason.parentWidget().setVisible(not meeting.may_decide)
        self.quorum_button.setVisible(not meeting.may_decide)
        self.dissent_agency.clear()
        for a in meeting.attendance:
            if a.present and self.dissent_agency.findData(a.agency_code) < 0:
                self.dissent_agency.addItem(a.agency_name, a.agency_code)

    def _show_progress(self) -> None:
        meeting = self.meeting
        if meeting is None:
            return
        total = len(meeting.agenda)
        decided = sum(1 for i in meeting.agenda if i.status == AgendaStatus.DECIDED)
        deferred = sum(1 for i in meeting.agenda if i.status == AgendaStatus.DEFERRED)
        where = f"Case {self.current + 1} of {total}" if total else "No children on the agenda"
        text = (
            f"Meeting {meeting.meeting_date:%d/%m/%Y} · {where} · {decided} decided · "
            f"{deferred} deferred"
        )
        waiting = sum(1 for f in self.follow_ups.values() if f.pending)
        if waiting:
            text += f" · ⚑ {waiting} to route or discuss"
        if meeting.signed_off_at is not None:
            text += " · ✔ SIGNED OFF"
        self.progress_label.setText(text)
        if meeting.signed_off_at is None and total and decided + deferred == total:
            self.status_label.setText(
                "Every child is decided or deferred: sign off the meeting (Ctrl+Shift+O)."
            )

    @property
    def item(self) -> AgendaItemDTO | None:
        """The agenda item on screen."""
        if self.meeting is None or not self.meeting.agenda:
            return None
        return self.meeting.agenda[self.current]

    def _show_child(self) -> None:
        item = self.item
        if item is None:
            return
        self._clear_messages()
        self._shown_referral = item.referral_id
        # A new child starts at the top of the screen: summary first, form below.
        self.scroller.verticalScrollBar().setValue(0)
        self._show_heading(item)
        for label in (self.summary_label, self.checks_label, self.history_label):
            label.setText("Loading…")
        self.defer_reason.clear()
        self.dissent_reason.clear()
        self.amend_reason.clear()
        self._fill(self._inputs.get(item.referral_id))
        tasks, desk, rid = self.session.tasks, self.session.desk, item.referral_id
        # The case view and the checks write the access log, so they go on the writer.
        tasks.write(
            desk.case.view,
            self._actor,
            item.person_id,
            on_done=lambda case, r=rid: self._case_read(r, case),
            on_error=lambda e: self.summary_label.setText("⚠ " + describe_error(e)),
            label="Opening the case…",
        )
        tasks.write(
            desk.checks.for_referral,
            self._actor,
            rid,
            on_done=lambda checks, r=rid: self._checks_read(r, checks),
            on_error=lambda e: self.checks_label.setText("⚠ " + describe_error(e)),
            label="Reading agency checks…",
        )
        self._load_history(rid)
        self._show_progress()
        self._update_buttons()

    def _show_heading(self, item: AgendaItemDTO) -> None:
        self.child_label.setText(
            f"{item.child_name} — {_RAG_WORDS.get(item.rag or '', 'unrated')} — decision due "
            f"{self._when(item.decision_due_at)} — {_STATUS_WORDS[AgendaStatus(item.status)]}"
        )

    def _load_history(self, referral_id: int) -> None:
        self.session.tasks.read(
            self.session.desk.decisions.history,
            self._actor,
            referral_id,
            on_done=lambda h, r=referral_id: self._history_read(r, h),
            on_error=lambda e: self.history_label.setText("⚠ " + describe_error(e)),
            label="Reading decisions…",
        )

    def _case_read(self, referral_id: int, case) -> None:
        self._cases[referral_id] = case
        if referral_id != self._shown_referral:
            return
        lines = [f"{case.child.full_name}, {case.age_text}"]
        if case.address:
            lines.append(f"Address: {case.address}")
        lines += [f"⚑ {f.label}: {f.detail}" for f in case.flags]
        lines += [
            f"Deadline: {d.what} — due {self._when(d.due_at)}" + (" ⚠ OVERDUE" if d.overdue else "")
            for d in case.deadlines
        ]
        if case.household:
            lines.append(
                "Household: "
                + "; ".join(f"{m.person.full_name} ({m.relationship})" for m in case.household)
            )
        for event in case.events[:5]:
            lines.append(f"{self._when(event.when)} · {event.kind_label} · {event.summary}")
        self.summary_label.setText("\n".join(lines))

    def _checks_read(self, referral_id: int, checks) -> None:
        self._checks[referral_id] = checks
        if referral_id != self._shown_referral:
            return
        if not checks.checks:
            self.checks_label.setText("No agency checks were asked for this referral.")
            return
        lines = []
        for c in checks.checks:
            if c.status == "returned":
                state = f"returned: {c.answer}"
            elif c.overdue:
                state = f"⚠ OVERDUE — {c.timing}"
            else:
                state = f"awaited — {c.timing}"
            lines.append(f"{c.agency_name} — {c.question}\n    {state}")
        self.checks_label.setText("\n".join(lines))

    def _history_read(self, referral_id: int, history: tuple[DecisionDTO, ...]) -> None:
        self.decisions[referral_id] = history
        if referral_id != self._shown_referral:
            return
        if not history:
            self.history_label.setText("No decision yet.")
        else:
            lines = []
            for d in history:
                state = f"signed {self._when(d.signed_at)}" if d.signed_at is not None else "draft"
                line = (
                    f"Version {d.revision} · {state} · {d.outcome.label} · Level {d.level}"
                    f" · {d.rationale}"
                )
                if d.amendment_reason:
                    line += f"\n    amends version {d.revision - 1}: {d.amendment_reason}"
                lines.append(line)
            self.history_label.setText("\n".join(lines))
            if referral_id not in self._inputs:
                self._fill_from(history[-1])
        self._update_buttons()

    # ---- the form ------------------------------------------------------------------------

    def _fill(self, details: DecisionInput | None) -> None:
        details = details or DecisionInput(outcome="", rationale="")
        index = self.outcome_box.findData(details.outcome) if details.outcome else 0
        self.outcome_box.setCurrentIndex(max(index, 0))
        for value, box in self.pathway_boxes.items():
            box.setChecked(value in details.pathways)
        self.indicator_list.blockSignals(True)
        first_ticked = None
        for row in range(self.indicator_list.count()):
            item = self.indicator_list.item(row)
            ticked = item.data(Qt.ItemDataRole.UserRole) in details.indicators
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            first_ticked = first_ticked or (item if ticked else None)
        self.indicator_list.blockSignals(False)
        # What the decision rests on is in view, not scrolled away among 150 indicators.
        if first_ticked is not None:
            self.indicator_list.scrollToItem(first_ticked)
        else:
            self.indicator_list.scrollToTop()
        self.level_box.setCurrentIndex(max(self.level_box.findData(details.level), 0))
        self.level_rationale.setText(details.level_rationale or "")
        self.rationale.setPlainText(details.rationale or "")
        self._actions = list(details.actions)
        self._show_actions()
        self.inform_family.setText(details.inform_family or "")
        self.inform_referrer.setText(details.inform_referrer or "")
        self.inform_professionals.setText(details.inform_professionals or "")
        self.team_edit.setText(details.allocated_team or "")
        worker = self.worker_box.findData(details.allocated_worker_id)
        self.worker_box.setCurrentIndex(max(worker, 0))
        self._update_suggestion()

    def _fill_from(self, d: DecisionDTO) -> None:
        # The version's own ticks come back, so an amendment starts from what was decided on.
        known = {
            self.indicator_list.item(r).data(Qt.ItemDataRole.UserRole)
            for r in range(self.indicator_list.count())
        }
        ticks = tuple(i for i in d.indicators if i in known)
        level: int | None = d.level
        rationale: str | None = f"Level {d.level} as recorded in version {d.revision}"
        if self.document is not None and ticks:
            suggested = suggest(self.document, ticks).level
            if suggested is not None and suggested.number == d.level:
                # The ticks give the level by themselves: no override, no rationale needed.
                level, rationale = None, None
        self._fill(
            DecisionInput(
                outcome=d.outcome.value,
                rationale=d.rationale,
                indicators=ticks,
                level=level,
                level_rationale=rationale,
                pathways=tuple(p.value for p in d.pathways),
                actions=tuple(
                    ActionInput(a.description, a.due_on, a.owner_agency, a.owner_user_id)
                    for a in d.actions
                ),
                inform_family=d.inform_family,
                inform_referrer=d.inform_referrer,
                inform_professionals=d.inform_professionals,
                allocated_team=d.allocated_team,
                allocated_worker_id=d.allocated_worker_id,
            )
        )

    def ticked(self) -> tuple[str, ...]:
        """Ids of the ticked threshold indicators."""
        return tuple(
            self.indicator_list.item(r).data(Qt.ItemDataRole.UserRole)
            for r in range(self.indicator_list.count())
            if self.indicator_list.item(r).checkState() == Qt.CheckState.Checked
        )

    def set_ticked(self, indicator_id: str, ticked: bool = True) -> None:
        """Tick (or untick) one indicator by id."""
        for r in range(self.indicator_list.count()):
            item = self.indicator_list.item(r)
            if item.data(Qt.ItemDataRole.UserRole) == indicator_id:
                item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def _filter_indicators(self, text: str) -> None:
        words = text.lower().split()
        for r in range(self.indicator_list.count()):
            item = self.indicator_list.item(r)
            item.setHidden(not all(w in item.text().lower() for w in words))

    def _update_suggestion(self) -> None:
        if self.document is None:
            return
        # The pure engine: instant feedback as indicators are ticked, no database call.
        self.suggestion_label.setText(suggest(self.document, self.ticked()).explain())

    def add_action(self) -> None:
        """Add the action typed in the action fields to the decision's actions."""
        text = self.action_text.text().strip()
        if not text:
            self.messages["actions"].show_message("Say what is to be done, then add it")
            self.action_text.setFocus()
            return
        # Owners are "agency:<code>" or "user:<id>" (see _fill_owners).
        owner = self.action_owner.currentData() or f"user:{self._actor.user_id}"
        kind, _, key = owner.partition(":")
        due = self.action_due.date().toPython()
        if kind == "agency":
            action = ActionInput(text, due, owner_agency=key)
        else:
            action = ActionInput(text, due, owner_user_id=int(key))
        self._actions.append(action)
        self.action_text.clear()
        self.messages["actions"].clear_message()
        self._show_actions()

    def remove_action(self) -> None:
        """Remove the selected action."""
        row = self.action_list.currentRow()
        if 0 <= row < len(self._actions):
            del self._actions[row]
            self._show_actions()

    def _show_actions(self) -> None:
        self.action_list.clear()
        for a in self._actions:
            owner = self._owner_name(a)
            due = a.due_on.strftime("%d/%m/%Y") if a.due_on else "no date"
            self.action_list.addItem(f"{a.description} — {owner} — due {due}")
        today = self.session.desk.ctx.today()
        self.action_due.setDate(QDate(today + timedelta(days=1)))

    def _owner_name(self, action: ActionInput) -> str:
        if action.owner_agency:
            return dict(self.agencies).get(action.owner_agency, action.owner_agency)
        if action.owner_user_id == self._actor.user_id:
            return f"{self._actor.display_name} (me)"
        names = {u.id: u.display_name for u in self.staff}
        return names.get(action.owner_user_id or 0, "a MASH colleague")

    def details(self) -> DecisionInput:
        """The decision as the form holds it (validated by the service)."""
        return DecisionInput(
            outcome=self.outcome_box.currentData() or "",
            rationale=self.rationale.toPlainText(),
            indicators=self.ticked(),
            level=self.level_box.currentData(),
            level_rationale=self.level_rationale.text() or None,
            document=tuple(self.document.key) if self.document is not None else None,
            pathways=tuple(v for v, box in self.pathway_boxes.items() if box.isChecked()),
            actions=tuple(self._actions),
            inform_family=self.inform_family.text() or None,
            inform_referrer=self.inform_referrer.text() or None,
            inform_professionals=self.inform_professionals.text() or None,
            allocated_team=self.team_edit.text() or None,
            allocated_worker_id=self.worker_box.currentData(),
        )

    def latest(self) -> DecisionDTO | None:
        """The newest decision version of the child on screen (None before one is drafted)."""
        if self._shown_referral is None:
            return None
        history = self.decisions.get(self._shown_referral, ())
        return history[-1] if history else None

    def _update_buttons(self) -> None:
        item, latest = self.item, self.latest()
        open_meeting = self.meeting is not None and self.meeting.signed_off_at is None
        pending = item is not None and item.status == AgendaStatus.PENDING and open_meeting
        signed = latest is not None and latest.status == DecisionStatus.SIGNED
        self.save_button.setEnabled(pending)
        self.sign_button.setEnabled(pending)
        self.defer_button.setEnabled(pending)
        self.defer_reason.setEnabled(pending)
        self.dissent_button.setEnabled(latest is not None and open_meeting)
        self.amend_button.setEnabled(signed)
        self.amend_reason.setEnabled(signed)
        self.sign_off_button.setEnabled(open_meeting)
        # The memos of a meeting are printed once it is signed off: nothing changes after.
        self.print_meeting_button.setEnabled(
            self.meeting is not None and self.meeting.signed_off_at is not None
        )
        self.print_memo_button.setEnabled(self._memo_decision() is not None)
        self._show_next_steps()

    # ---- messages ------------------------------------------------------------------------

    def _clear_messages(self) -> None:
        for message in self.messages.values():
            message.clear_message()

    def _show_errors(self, exc: BaseException, fallback: str = "decision") -> None:
        """Put each field's message next to its field (unknown fields at ``fallback``)."""
        if not isinstance(exc, ValidationError):
            self.messages[fallback].show_message(describe_error(exc))
            return
        grouped: dict[str, list[str]] = {}
        for error in exc.errors:
            grouped.setdefault(self._field_key(error, fallback), []).append(error.message)
        first = None
        for key, texts in grouped.items():
            self.messages[key].show_message("; ".join(texts))
            first = first or self.messages[key].field
        if first is not None:
            first.setFocus()

    def _field_key(self, error: FieldError, fallback: str) -> str:
        field = error.field
        if field.startswith("actions["):
            return "actions"
        if field == "allocated_worker":
            return "allocated_worker"
        if field == "reason":
            # Each reason-taking action passes its own reason field as the fallback.
            return fallback if fallback != "decision" else "reason"
        if field == "quorum":
            return "quorum"
        return field if field in self.messages else fallback

    # ---- attendance and quorum -----------------------------------------------------------

    def record_attendance(self) -> None:
        """Record the attendee typed for the chosen agency."""
        if self.meeting is None:
            return
        self.messages["attendee_name"].clear_message()
        self._write(
            self.session.desk.meetings.record_attendance,
            self.meeting.id,
            self.agency_box.currentData() or "",
            self.attendee_edit.text(),
            self.attendee_present.isChecked(),
            then=lambda _m: self.attendee_edit.clear(),
            fallback="attendee_name",
            label="Recording attendance…",
        )

    def _attendance_toggled(self, item: QListWidgetItem) -> None:
        if self.meeting is None:
            return
        code, name = item.data(Qt.ItemDataRole.UserRole)
        self._write(
            self.session.desk.meetings.record_attendance,
            self.meeting.id,
            code,
            name,
            item.checkState() == Qt.CheckState.Checked,
            fallback="attendee_name",
            label="Recording attendance…",
        )

    def proceed_without_quorum(self) -> None:
        """Record why the meeting goes on without quorum (the reason is required)."""
        if self.meeting is None:
            return
        self.quorum_reason.setFocus()
        self.messages["quorum"].clear_message()
        self._write(
            self.session.desk.meetings.proceed_without_quorum,
            self.meeting.id,
            self.meeting.version,
            self.quorum_reason.text(),
            fallback="quorum",
            label="Recording the reason…",
        )

    def _write(
        self,
        fn: Callable[..., Any],
        *args: Any,
        then: Callable[[Any], None] | None = None,
        fallback: str = "decision",
        label: str = "Saving…",
    ) -> None:
        """Write a meeting change; show the new meeting, or the errors at their fields."""

        def done(result) -> None:
            self.session.hub.announce(result.changed)
            if then is not None:
                then(result.value)
            self._meeting_loaded(result.value)

        self.session.tasks.write(
            fn,
            self._actor,
            *args,
            on_done=done,
            on_error=lambda e: self._show_errors(e, fallback),
            label=label,
        )

    # ---- navigation ----------------------------------------------------------------------

    def go_to(self, index: int) -> None:
        """Show agenda item ``index`` (0-based)."""
        if self.meeting is None or not 0 <= index < len(self.meeting.agenda):
            return
        self.agenda_list.setCurrentRow(index)

    def _agenda_row_changed(self, row: int) -> None:
        if (
            self.meeting is None
            or row < 0
            or row == self.current
            and (self._shown_referral == self.meeting.agenda[row].referral_id)
        ):
            return
        self._keep_form()
        self.current = row
        self._show_child()

    def _keep_form(self) -> None:
        # Moving to the next child must not lose what was typed for this one.
        if self._shown_referral is not None and self.outcome_box.currentData():
            self._inputs[self._shown_referral] = self.details()

    def go_to_decision(self) -> None:
        """Bring the decision form to the top of the child's screen, the outcome focused."""
        self.outcome_box.setFocus()
        QTimer.singleShot(
            0, lambda: self.scroller.verticalScrollBar().setValue(self.decision_box.y())
        )

    def next_child(self) -> None:
        """Go to the next child on the agenda."""
        self.go_to(self.current + 1)

    def previous_child(self) -> None:
        """Go to the previous child on the agenda."""
        self.go_to(self.current - 1)

    def _next_pending(self) -> None:
        if self.meeting is None:
            return
        agenda = self.meeting.agenda
        for offset in range(1, len(agenda) + 1):
            index = (self.current + offset) % len(agenda)
            if agenda[index].status == AgendaStatus.PENDING:
                self.go_to(index)
                return

    # ---- decisions -----------------------------------------------------------------------

    def save_draft(self, then: Callable[[DecisionDTO], None] | None = None) -> None:
        """Save the form as the child's draft decision (drafted, or the draft changed)."""
        item, latest = self.item, self.latest()
        if item is None or self.meeting is None:
            return
        self._clear_messages()
        details = self.details()
        self._inputs[item.referral_id] = details
        desk = self.session.desk
        if latest is not None and latest.status == DecisionStatus.DRAFT:
            fn, args = desk.decisions.redraft, (latest.id, latest.version, details)
        else:
            fn, args = desk.decisions.draft, (item.referral_id, details, self.meeting.id)

        def done(result, r=item.referral_id) -> None:
            self.session.hub.announce(result.changed)
            self.decisions[r] = (
                (*self.decisions.get(r, ())[:-1], result.value)
                if (latest is not None and latest.status == DecisionStatus.DRAFT)
                else (*self.decisions.get(r, ()), result.value)
            )
            self.status_label.setText(f"Draft saved for {item.child_name}.")
            self._load_history(r)
            if callable(then):
                then(result.value)

        self.session.tasks.write(
            fn,
            self._actor,
            *args,
            on_done=done,
            on_error=self._show_errors,
            label="Saving the draft…",
        )

    def sign(self) -> None:
        """Save the form as the draft, then sign it as the meeting's chair."""
        if self.item is None or not self.sign_button.isEnabled():
            return

        def signed(result) -> None:
            self.session.hub.announce(result.changed)
            self._last_signed = result.value
            self.status_label.setText(f"Decision signed (version {result.value.revision}).")
            self._inputs.pop(result.value.referral_id, None)
            self._load_history(result.value.referral_id)
            # The refreshed meeting has the child decided, which reloads what follows it.
            self._refresh(
                then=lambda d=result.value: self._follow_ups_then(lambda: self._after_signing(d))
            )

        def drafted(d: DecisionDTO) -> None:
            self.session.tasks.write(
                self.session.desk.decisions.sign,
                self._actor,
                d.id,
                d.version,
                on_done=signed,
                on_error=self._show_errors,
                label="Signing…",
            )

        self.save_draft(then=drafted)

    def defer(self) -> None:
        """Defer the child to a later meeting; the reason is required."""
        item = self.item
        if item is None or self.meeting is None or not self.defer_button.isEnabled():
            return
        self._clear_messages()
        self.defer_reason.setFocus()
        self._write(
            self.session.desk.meetings.defer,
            self.meeting.id,
            item.referral_id,
            self.defer_reason.text(),
            then=lambda _m: self._next_pending_later(),
            fallback="defer",
            label="Deferring…",
        )

    def _next_pending_later(self) -> None:
        # The meeting is shown after ``then`` runs; move on once it is.
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, self._next_pending)

    def record_dissent(self) -> None:
        """Record the chosen agency's disagreement with the decision (opens an escalation)."""
        latest = self.latest()
        if latest is None:
            self.messages["dissent"].show_message("There is no decision to disagree with yet")
            return
        self._clear_messages()
        self.dissent_reason.setFocus()

        def done(result) -> None:
            self.session.hub.announce(result.changed)
            e = result.value
            self.dissent_reason.clear()
            self.status_label.setText(
                f"Dissent recorded for {e.agency_code}: {e.stage_name} escalation opened, due "
                f"{self._when(e.due_at)}."
            )

        self.session.tasks.write(
            self.session.desk.decisions.record_dissent,
            self._actor,
            latest.id,
            self.dissent_agency.currentData() or "",
            self.dissent_reason.text(),
            on_done=done,
            on_error=lambda e: self._show_errors(e, "dissent"),
            label="Recording dissent…",
        )

    def amend(self) -> None:
        """Amend the signed decision with the form's values and the reason (a new version)."""
        latest = self.latest()
        if latest is None or latest.status != DecisionStatus.SIGNED:
            return
        self._clear_messages()
        self.amend_reason.setFocus()

        def done(result, r=latest.referral_id) -> None:
            self.session.hub.announce(result.changed)
            self.amend_reason.clear()
            self.status_label.setText(f"Decision amended: version {result.value.revision} signed.")
            self._load_history(r)
            # An amended outcome may call for another routing or a strategy discussion.
            self._load_follow_ups(then=lambda d=result.value: self._after_signing(d, amended=True))

        self.session.tasks.write(
            self.session.desk.decisions.amend,
            self._actor,
            latest.id,
            latest.version,
            self.details(),
            self.amend_reason.text(),
            on_done=done,
            on_error=lambda e: self._show_errors(e, "reason"),
            label="Amending…",
        )

    # ---- what follows a signed decision ----------------------------------------------------

    def _hub_changed(self, keys: frozenset[str]) -> None:
        # A routing or strategy discussion saved here or in a case view changes the flags.
        if self.meeting is not None and keys & {"routings", "strategy"}:
            self._load_follow_ups()

    def _load_follow_ups(self, then: Callable[[], None] | None = None) -> None:
        """Reload what follows each signed case (one background read; calls coalesce)."""
        if self.meeting is None:
            return
        if then is not None:
            self._follow_then.append(then)
        if self._follow_loading:
            self._follow_dirty = True
            return
        self._follow_loading = True
        self.session.tasks.read(
            read_follow_ups,
            self.session.desk,
            self._actor,
            self.meeting.agenda,
            on_done=self._follow_ups_read,
            on_error=self._follow_ups_failed,
            label="Checking routings and strategy discussions…",
        )

    def _follow_ups_then(self, then: Callable[[], None]) -> None:
        """Run ``then`` once the follow-ups in flight (or a fresh read) have arrived."""
        if self._follow_loading:
            self._follow_then.append(then)
        else:
            self._load_follow_ups(then=then)

    def _follow_ups_read(self, found: dict[int, FollowUp]) -> None:
        self._follow_loading = False
        if self._follow_dirty:
            self._follow_dirty = False
            self._load_follow_ups()
            return
        self.follow_ups = found
        self._render_follow_ups()
        waiting, self._follow_then = self._follow_then, []
        for then in waiting:
            then()

    def _follow_ups_failed(self, exc: BaseException) -> None:
        self._follow_loading = self._follow_dirty = False
        self._follow_then = []
        self._failed(exc)

    @property
    def follow_up(self) -> FollowUp | None:
        """What follows the signed decision of the child on screen (None: nothing signed)."""
        if self._shown_referral is None:
            return None
        return self.follow_ups.get(self._shown_referral)

    def _after_signing(self, decision: DecisionDTO, amended: bool = False) -> None:
        """Offer the routing / strategy discussion the decision calls for, or move on."""
        follow = self.follow_ups.get(decision.referral_id)
        if follow is None or not follow.pending:
            if not amended:
                self._next_pending()
            return
        if self.item is None or self.item.referral_id != decision.referral_id:
            return
        # Stay on the child: what follows is one key away, the next child one more.
        self._show_next_steps()
        QTimer.singleShot(0, lambda: self.scroller.ensureWidgetVisible(self.next_box))
        button = self.routing_button if follow.needs_routing else self.strategy_button
        button.setFocus()
        keys = []
        if follow.needs_routing:
            keys.append("record the routing (Ctrl+R)")
        if follow.strategy_needed:
            keys.append("record the strategy discussion (Ctrl+Shift+S)")
        done = "amended" if amended else "signed"
        pending = self.meeting is not None and any(
            i.status == AgendaStatus.PENDING for i in self.meeting.agenda
        )
        then = (
            "Alt+Right goes on to the next child"
            if pending
            else "every child is decided or deferred: then sign off the meeting (Ctrl+Shift+O)"
        )
        self.status_label.setText(
            f"Decision {done} (version {decision.revision}). Next for {self.item.child_name}: "
            f"{' and '.join(keys)}; {then}."
        )

    def _show_next_steps(self) -> None:
        latest = self.latest()
        follow = self.follow_up
        signed = latest is not None and latest.status == DecisionStatus.SIGNED
        self.next_box.setVisible(signed or follow is not None)
        self.routing_button.setEnabled(follow is not None and follow.needs_routing)
        self.strategy_button.setEnabled(follow is not None and follow.strategy_needed)
        # Only what this decision calls for is offered.
        self.routing_button.setVisible(follow is not None and follow.routing_kind is not None)
        self.strategy_button.setVisible(
            follow is not None and follow.decision.outcome == DecisionOutcome.S47
        )
        if follow is None:
            self.next_label.setText("Checking what follows this decision…")
            return
        lines = []
        if follow.routing_kind is None:
            lines.append("No routing: this decision does not move the child between services.")
        elif follow.routing is None:
            lines.append(
                f"⚑ {KIND_SHORT[follow.routing_kind]} to record: the child moves between "
                "services (Ctrl+R opens the routing, filled in from the decision)."
            )
        elif follow.routing.status is RoutingStatus.OPEN:
            lines.append(
                f"⚑ Routing {follow.routing.id} saved: record who was told — family, "
                "professionals, referrer — and complete it (Ctrl+R)."
            )
        else:
            mark = "⚑" if follow.needs_routing else "✔"
            lines.append(
                f"{mark} Routing {follow.routing.id} ({KIND_SHORT[follow.routing_kind]}): "
                f"{STATUS_LABELS[follow.routing.status]}."
            )
        if follow.strategy_needed:
            lines.append("⚑ Strategy discussion to record for the s47 enquiry (Ctrl+Shift+S).")
        elif follow.decision.outcome == DecisionOutcome.S47:
            lines.append("✔ Strategy discussion recorded.")
        self.next_label.setText("\n".join(lines))

    def open_routing_dialog(self) -> RoutingDialog | None:
        """Open the routing the signed decision calls for, filled in from the decision.

        A routing already saved but not complete opens to record who was told.
        """
        follow, item = self.follow_up, self.item
        if follow is None or not follow.needs_routing or item is None:
            return None
        assert follow.routing_kind is not None
        d = follow.decision
        if follow.routing is not None and follow.routing.status is RoutingStatus.OPEN:
            dialog = RoutingDialog(
                self.session,
                follow.person_id,
                follow.referral_id,
                follow.routing.decision_id,
                parent=self,
                routing=follow.routing,
            )
        else:
            dialog = RoutingDialog(
                self.session,
                follow.person_id,
                follow.referral_id,
                d.id,
                follow.routing_kind.value,
                self,
            )
            self._prefill_routing(dialog, follow)
        return self._open_dialog("routing_dialog", dialog)

    def _prefill_routing(self, dialog: RoutingDialog, follow: FollowUp) -> None:
        """What the meeting already knows goes into the routing, so nobody types it twice."""
        d = follow.decision
        _choose(dialog.level_after_combo, d.level)
        record = self._referral_record(follow.referral_id)
        if record is not None and record.level is not None:
            _choose(dialog.level_before_combo, record.level)
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
            _when(lambda: dialog.loaded, lambda: _choose(dialog.to_combo, to), dialog)

    def _referral_record(self, referral_id: int) -> Any:
        case = self._cases.get(referral_id)
        for record in getattr(case, "referrals", ()):
            if record.id == referral_id:
                return record
        return None

    def _handover(self, follow: FollowUp) -> str:
        """The handover summary's start: the decision and what the agencies said."""
        d = follow.decision
        day = self.meeting.meeting_date if self.meeting is not None else None
        when = f" at the MASH meeting of {day:%d/%m/%Y}" if day else ""
        lines = [f"{d.outcome.label}, level {d.level}{when}: {d.rationale}"]
        checks = self._checks.get(follow.referral_id)
        for c in getattr(checks, "checks", ()):
            if c.status == "returned":
                lines.append(f"{c.agency_name}: {c.answer}")
        for a in d.actions:
            lines.append(f"Action: {a.description} (due {a.due_on:%d/%m/%Y})")
        return "\n".join(lines)

    def open_strategy_dialog(self) -> StrategyDialog | None:
        """Open the strategy discussion of the signed s47 decision on screen."""
        follow = self.follow_up
        if follow is None or not follow.strategy_needed:
            return None
        dialog = StrategyDialog(self.session, follow.referral_id, follow.decision.id, self)
        present = {}
        if self.meeting is not None:
            for a in self.meeting.attendance:
                if a.present:
                    present.setdefault(a.agency_code, a.attendee_name)

        def names() -> None:
            # Held at the meeting, the discussion has the people present: their names go in.
            for row in dialog.rows:
                code, name = row.value()
                if not name and code in present:
                    row.name_edit.setText(present[code])

        _when(lambda: len(dialog.rows) > 0, names, dialog)
        return self._open_dialog("strategy_dialog", dialog)

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
        self.window().activateWindow()
        follow = self.follow_up
        if follow is not None and follow.pending:
            button = self.routing_button if follow.needs_routing else self.strategy_button
            button.setFocus()
        else:
            self.agenda_list.setFocus()
            if self.item is not None:
                self.status_label.setText(
                    f"Nothing more to record for {self.item.child_name} now: Alt+Right for "
                    "the next child."
                )

    # ---- printing ------------------------------------------------------------------------

    def _memo_decision(self) -> DecisionDTO | None:
        """The signed decision whose memo Ctrl+P prints.

        The version in force of the child on screen; on a child not yet decided, the decision
        signed last here (the chair has just moved on from it).
        """
        latest = self.latest()
        if latest is not None and latest.status == DecisionStatus.SIGNED:
            return latest
        return self._last_signed

    def print_memo(self) -> QWidget | None:
        """Preview the memo of the signed decision (print or save it from the preview)."""
        decision = self._memo_decision()
        if decision is None:
            return None
        from mash_desk.gui.printing import print_decision_memo

        if decision.referral_id != self._shown_referral:
            self.status_label.setText(
                f"Printing the memo of the decision just signed (referral {decision.referral_id})."
            )
        self.memo_dialog = print_decision_memo(self.session, decision.id, self)
        return self.memo_dialog

    def print_meeting_memos(self) -> QWidget | None:
        """Print — or save as PDFs — every memo of the signed-off meeting."""
        if self.meeting is None or self.meeting.signed_off_at is None:
            return None
        from mash_desk.gui.printing import open_meeting_print

        self.print_dialog = open_meeting_print(self.session, self.meeting.meeting_date, self)
        return self.print_dialog

    def sign_off(self) -> None:
        """Sign the meeting off (every child decided or deferred)."""
        if self.meeting is None or self.meeting.signed_off_at is not None:
            return
        self._clear_messages()

        def done(result) -> None:
            self.session.hub.announce(result.changed)
            self._meeting_loaded(result.value)
            self.status_label.setText(
                "✔ Meeting signed off. Print the meeting's memos: Ctrl+Shift+P."
            )
            self.signed_off.emit(result.value)

        self.session.tasks.write(
            self.session.desk.meetings.sign_off,
            self._actor,
            self.meeting.id,
            self.meeting.version,
            on_done=done,
            on_error=lambda e: self._show_errors(e, "agenda"),
            label="Signing off…",
        )

    def _refresh(self, then: Callable[[], None] | None = None) -> None:
        if self.meeting is None:
            return

        def loaded(meeting: MeetingDTO) -> None:
            self._meeting_loaded(meeting)
            if then is not None:
                then()

        self.session.tasks.read(
            self.session.desk.meetings.get,
            self._actor,
            self.meeting.id,
            on_done=loaded,
            on_error=self._failed,
            label="Refreshing the meeting…",
        )
