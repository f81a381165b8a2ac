"""Meeting mode: the chair walks today's MASH meeting one child at a time, from the keyboard.

The left column holds the meeting (:mod:`.meeting.attendance`, :mod:`.meeting.agenda`):
attendance by agency, quorum in words, the agenda with its progress and what still follows
each signed case. Beside it the chair's view (:mod:`.meeting.case_summary`): the concern
narratives in full, agency returns, history and the threshold assessment; and beside that the
decision form (:mod:`.meeting.decision_form`), what follows a signed decision and the reasons
box (:mod:`.meeting.next_steps`). This class composes the parts, loads the meeting and does
the decision writes. Every call goes through ``session.tasks``; every write is announced on
``session.hub``.

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

In the main window Ctrl+P and Ctrl+Shift+P are the window's own menu actions; they hand the
key to meeting mode when it is the current tab (one binding per key, or Qt fires neither).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGroupBox,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mash_desk.domain.errors import ValidationError
from mash_desk.domain.meetings import AgendaStatus, DecisionStatus
from mash_desk.gui.meeting.agenda import AgendaPanel
from mash_desk.gui.meeting.attendance import AttendancePanel
from mash_desk.gui.meeting.case_summary import ChairPanel
from mash_desk.gui.meeting.common import STATUS_WORDS, bind_key, when_text, window_bound
from mash_desk.gui.meeting.decision_form import DecisionForm
from mash_desk.gui.meeting.follow_ups import FollowUp, read_follow_ups, routing_kind_for
from mash_desk.gui.meeting.next_steps import NextSteps, ReasonsBox
from mash_desk.gui.meeting.reading_pane import LiveLabel, ReadingPane, live
from mash_desk.gui.meeting.writes import MeetingWrites
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import describe_error
from mash_desk.services.decisions import DecisionDTO, DecisionInput
from mash_desk.services.dto import Actor
from mash_desk.services.meetings import AgendaItemDTO, MeetingDTO
from mash_desk.services.reference import AgencyDTO, UserChoiceDTO

__all__ = ["FollowUp", "MeetingMode", "read_follow_ups", "routing_kind_for"]

# Widgets the tests and the main window reach on the mode itself, by the part that owns them.
_PARTS = {
    "attendance": (
        "agency_box",
        "attendee_edit",
        "attendee_present",
        "attend_button",
        "attendance_list",
        "quorum_label",
        "quorum_reason",
        "quorum_button",
    ),
    "agenda_panel": ("agenda_list", "sign_off_button", "print_meeting_button"),
    "reasons": (
        "defer_reason",
        "defer_button",
        "dissent_agency",
        "dissent_reason",
        "dissent_button",
        "amend_reason",
        "amend_button",
    ),
    "next_steps": ("next_label", "routing_button", "strategy_button", "print_memo_button"),
    "form": ("pathway_boxes",),
}
# The decision form's Designer widgets under the names meeting mode always gave them.
_FORM_WIDGETS = {
    "outcome_box": "outcome",
    "level_box": "level",
    "level_rationale": "levelRationale",
    "outcome_level_reason": "outcomeLevelReason",
    "rationale": "rationale",
    "indicator_filter": "indicatorFilter",
    "indicator_list": "indicatorList",
    "suggestion_label": "suggestion",
    "action_text": "actionText",
    "action_owner": "actionOwner",
    "action_due": "actionDue",
    "action_add": "actionAdd",
    "action_list": "actionList",
    "inform_family": "informFamily",
    "inform_referrer": "informReferrer",
    "inform_professionals": "informProfessionals",
    "team_edit": "team",
    "worker_box": "worker",
    "save_button": "saveButton",
    "sign_button": "signButton",
    "history_label": "versionsText",
    "decision_box": "decisionBox",
}
# Keys the main window may own window-wide; meeting mode then leaves them to it.
_WINDOW_KEYS = ("Ctrl+P", "Ctrl+Shift+P")


class MeetingMode(MeetingWrites, QWidget):
    """Run today's meeting (opened, or created, in the background).

    Signals:
        meeting_changed(object): the :class:`MeetingDTO` after every load or change.
        signed_off(object): the meeting once the chair has signed it off.
    """

    meeting_changed = Signal(object)
    signed_off = Signal(object)

    # Set in _build from the parts that own them (_PARTS, _FORM_WIDGETS).
    agency_box: QComboBox
    attendee_edit: QLineEdit
    attendee_present: QCheckBox
    attend_button: QPushButton
    attendance_list: QListWidget
    quorum_label: LiveLabel
    quorum_reason: QLineEdit
    quorum_button: QPushButton
    agenda_list: QListWidget
    sign_off_button: QPushButton
    print_meeting_button: QPushButton
    defer_reason: QLineEdit
    defer_button: QPushButton
    dissent_agency: QComboBox
    dissent_reason: QLineEdit
    dissent_button: QPushButton
    amend_reason: QLineEdit
    amend_button: QPushButton
    next_label: LiveLabel
    routing_button: QPushButton
    strategy_button: QPushButton
    print_memo_button: QPushButton
    pathway_boxes: dict[str, QCheckBox]
    outcome_box: QComboBox
    level_box: QComboBox
    level_rationale: QLineEdit
    outcome_level_reason: QLineEdit
    rationale: QPlainTextEdit
    indicator_filter: QLineEdit
    indicator_list: QListWidget
    suggestion_label: LiveLabel
    action_text: QLineEdit
    action_owner: QComboBox
    action_due: QDateEdit
    action_add: QPushButton
    action_list: QListWidget
    inform_family: QLineEdit
    inform_referrer: QLineEdit
    inform_professionals: QLineEdit
    team_edit: QLineEdit
    worker_box: QComboBox
    save_button: QPushButton
    sign_button: QPushButton
    history_label: ReadingPane
    decision_box: QGroupBox

    def __init__(self, session: DeskSession, parent: QWidget | None = None):
        """Build the screen and start opening (or creating) today's meeting."""
        super().__init__(parent)
        self.session = session
        self.meeting: MeetingDTO | None = None
        self.current = 0
        self.agencies: list[tuple[str, str]] = []
        self.decisions: dict[int, tuple[DecisionDTO, ...]] = {}
        self.follow_ups: dict[int, FollowUp] = {}
        self.memo_dialog: QWidget | None = None
        self.print_dialog: QWidget | None = None
        self.cases: dict[int, Any] = {}
        self.checks: dict[int, Any] = {}
        self.messages: dict[str, Any] = {}
        self._last_signed: DecisionDTO | None = None
        self._follow_loading = False
        self._follow_dirty = False
        self._follow_then: list[Callable[[], None]] = []
        self._decided_seen: frozenset[int] | None = None
        self._inputs: dict[int, DecisionInput] = {}
        self._shown_referral: int | None = None
        self._build()
        self._bind_keys()
        session.hub.changed.connect(self._hub_changed)
        self._open()

    # ---- building ------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.progress_label = live("Opening today's meeting…", "Meeting progress")
        self.progress_label.setStyleSheet("font-weight: bold; font-size: 14px;")
        self.status_label = live(description="Meeting status")
        self.child_label = live("No child chosen", "Child being decided")
        self.child_label.setStyleSheet("font-weight: bold; font-size: 15px;")
        for label in (self.progress_label, self.status_label, self.child_label):
            outer.addWidget(label)
        self.attendance = AttendancePanel(self)
        self.agenda_panel = AgendaPanel(self)
        self.chair = ChairPanel()
        self.form = DecisionForm(self)
        self.next_steps = NextSteps(self)
        self.reasons = ReasonsBox(self)
        for part, names in _PARTS.items():
            for name in names:
                setattr(self, name, getattr(getattr(self, part), name))
        for name, widget in _FORM_WIDGETS.items():
            setattr(self, name, getattr(self.form.ui, widget))
        self.summary_label = self.chair.ui.historyText
        self.checks_label = self.chair.ui.checksText
        self.next_box = self.next_steps
        self.agenda_list.currentRowChanged.connect(self._agenda_row_changed)
        self.sign_off_button.clicked.connect(self.sign_off)
        self.print_meeting_button.clicked.connect(self.print_meeting_memos)
        self.save_button.clicked.connect(lambda: self.save_draft())
        self.sign_button.clicked.connect(self.sign)
        column = QWidget()
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.addWidget(self.attendance)
        column_layout.addWidget(self.agenda_panel, 1)
        screen = QWidget()
        screen_layout = QVBoxLayout(screen)
        for shown in (self.form, self.next_steps, self.reasons):
            screen_layout.addWidget(shown)
        screen_layout.addStretch(1)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        # The form wraps to its column (WCAG 1.4.10): never a sideways scroll.
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller.setWidget(screen)
        # It takes the focus to scroll by keyboard: a screen reader must be able to name it.
        self.scroller.setAccessibleName("Decision form and what follows")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        # The chair's view sits beside the form in its own column, so it never scrolls away.
        for pane in (column, self.chair, self.scroller):
            splitter.addWidget(pane)
        splitter.setSizes([300, 470, 600])
        outer.addWidget(splitter, 1)

    def _bind_keys(self) -> None:
        bind_key(self, ("Alt+Right", "Alt+PgDown"), self.next_child)
        bind_key(self, ("Alt+Left", "Alt+PgUp"), self.previous_child)
        bind_key(self, ("Ctrl+S",), lambda: self.save_draft())
        bind_key(self, ("Ctrl+Return", "Ctrl+Enter"), self.sign)
        bind_key(self, ("Ctrl+D",), self.defer)
        bind_key(self, ("Ctrl+Shift+D",), self.record_dissent)
        bind_key(self, ("Ctrl+Shift+A",), self.amend)
        bind_key(self, ("Ctrl+Shift+Q",), self.attendance.proceed_without_quorum)
        bind_key(self, ("Ctrl+Shift+O",), self.sign_off)
        bind_key(self, ("Ctrl+R",), self.open_routing_dialog)
        bind_key(self, ("Ctrl+Shift+S",), self.open_strategy_dialog)
        bind_key(self, ("Ctrl+G",), self.agenda_list.setFocus)
        bind_key(self, ("Ctrl+T",), self.attendee_edit.setFocus)
        bind_key(self, ("Ctrl+E",), self.go_to_decision)
        self._window_keys = [
            *bind_key(self, ("Ctrl+P",), self.print_memo),
            *bind_key(self, ("Ctrl+Shift+P",), self.print_meeting_memos),
        ]
        self.setFocusProxy(self.agenda_list)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        """Leave Ctrl+P / Ctrl+Shift+P to the window when it binds them itself."""
        super().showEvent(event)
        taken = window_bound(self, _WINDOW_KEYS)
        for shortcut in self._window_keys:
            shortcut.setEnabled(shortcut.key().toString() not in taken)

    # ---- parts' state, under the names the tests and dialogs use ---------------------------

    @property
    def document(self) -> Any:
        """The threshold document in force (None until read)."""
        return self.form.document

    @property
    def staff(self) -> list[UserChoiceDTO]:
        """The MASH staff (workers and action owners)."""
        return self.form.staff

    @property
    def routing_dialog(self) -> Any:
        """The routing dialog opened last (None before one)."""
        return self.next_steps.routing_dialog

    @property
    def strategy_dialog(self) -> Any:
        """The strategy-discussion dialog opened last (None before one)."""
        return self.next_steps.strategy_dialog

    def ticked(self) -> tuple[str, ...]:
        """Ids of the ticked threshold indicators."""
        return self.form.ticked()

    def set_ticked(self, indicator_id: str, ticked: bool = True) -> None:
        """Tick (or untick) one indicator by id."""
        self.form.set_ticked(indicator_id, ticked)

    def details(self) -> DecisionInput:
        """The decision as the form holds it."""
        return self.form.details()

    def add_action(self) -> None:
        """Add the action typed in the action fields."""
        self.form.add_action()

    def record_attendance(self) -> None:
        """Record the attendee typed for the chosen agency."""
        self.attendance.record_attendance()

    def proceed_without_quorum(self) -> None:
        """Record why the meeting goes on without quorum."""
        self.attendance.proceed_without_quorum()

    def open_routing_dialog(self) -> Any:
        """Open the routing the signed decision calls for (see :class:`NextSteps`)."""
        return self.next_steps.open_routing_dialog()

    def open_strategy_dialog(self) -> Any:
        """Open the strategy discussion of the signed s47 decision on screen."""
        return self.next_steps.open_strategy_dialog()

    def now(self) -> datetime:
        """The desk's clock."""
        return self.session.desk.ctx.clock.now()

    def when(self, at: datetime) -> str:
        """``at`` in the desk's time zone, in a few words."""
        return when_text(at, self.session.desk.ctx.tz)

    def referral_record(self, referral_id: int) -> Any:
        """The case's record of ``referral_id`` (None before the case is read)."""
        case = self.cases.get(referral_id)
        return next((r for r in getattr(case, "referrals", ()) if r.id == referral_id), None)

    # ---- loading -------------------------------------------------------------------------

    @property
    def _actor(self) -> Actor:
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
        self.attendance.set_agencies(self.agencies)
        self.form.set_agencies(self.agencies)
        if self.meeting is not None:
            # The quorum line names agencies: now their names are known.
            self.attendance.show_meeting(self.meeting, dict(self.agencies))

    def _users_read(self, users: Sequence[UserChoiceDTO]) -> None:
        self.form.set_staff(list(users))

    def _document_read(self, document) -> None:
        self.form.set_document(document)
        shown = self._shown_referral
        if shown is not None and shown in self._inputs:
            self.form.fill(self._inputs[shown])
        elif shown is not None and self.decisions.get(shown):
            # The history came first: its ticks can only be shown now the list exists.
            self.form.fill_from(self.decisions[shown][-1])

    def _meeting_loaded(self, meeting: MeetingDTO) -> None:
        self.meeting = meeting
        self.attendance.show_meeting(meeting, dict(self.agencies))
        self._fill_dissenters(meeting)
        self.current = min(self.current, max(len(meeting.agenda) - 1, 0))
        self.agenda_panel.show_meeting(meeting, self.current)
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
            self.update_buttons()

    def _fill_dissenters(self, meeting: MeetingDTO) -> None:
        box = self.dissent_agency
        chosen = box.currentData()
        box.clear()
        for a in meeting.attendance:
            if a.present and box.findData(a.agency_code) < 0:
                box.addItem(a.agency_name, a.agency_code)
        box.setCurrentIndex(max(box.findData(chosen), 0))

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
        # A new child starts at the top of the form.
        self.scroller.verticalScrollBar().setValue(0)
        self._show_heading(item)
        self.chair.loading()
        self.history_label.setText("Loading…")
        for edit in (self.defer_reason, self.dissent_reason, self.amend_reason):
            edit.clear()
        self.form.fill(self._inputs.get(item.referral_id))
        self.form.set_referral_need(self._need(self.cases.get(item.referral_id), item.referral_id))
        tasks, desk, rid = self.session.tasks, self.session.desk, item.referral_id
        # The case view and the checks write the access log, so they go on the writer.
        tasks.write(
            desk.case.view,
            self._actor,
            item.person_id,
            events_limit=None,  # the case summary reads contacts back to the last referral
            on_done=lambda case, r=rid: self._case_read(r, case),
            on_error=lambda e: self.chair.case_failed(describe_error(e)),
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
        self.update_buttons()

    def _show_heading(self, item: AgendaItemDTO) -> None:
        rag = {"red": "● RED", "amber": "◐ AMBER", "green": "○ GREEN"}.get(item.rag or "")
        self.child_label.setText(
            f"{item.child_name} — {rag or 'unrated'} — decision due "
            f"{self.when(item.decision_due_at)} — {STATUS_WORDS[AgendaStatus(item.status)]}"
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
        self.cases[referral_id] = case
        if referral_id == self._shown_referral:
            self.chair.show_case(case, referral_id, self.when)
            self.form.set_referral_need(self._need(case, referral_id))

    @staticmethod
    def _need(case, referral_id: int) -> str | None:
        """The primary need of ``referral_id`` in ``case`` (None while the case is unread)."""
        records = case.referrals if case is not None else ()
        return next((r.primary_need for r in records if r.id == referral_id), None)

    def _checks_read(self, referral_id: int, checks) -> None:
        self.checks[referral_id] = checks
        if referral_id == self._shown_referral:
            self.chair.show_checks(checks, self.when)

    def _history_read(self, referral_id: int, history: tuple[DecisionDTO, ...]) -> None:
        self.decisions[referral_id] = history
        if referral_id != self._shown_referral:
            return
        if not history:
            self.history_label.setText("No decision yet.")
        else:
            lines = []
            for d in history:
                state = f"signed {self.when(d.signed_at)}" if d.signed_at is not None else "draft"
                line = (
                    f"Version {d.revision} · {state} · {d.outcome.label} · Level {d.level}"
                    f" · {d.rationale}"
                )
                if d.outcome_level_reason:
                    line += f"\n    why this outcome at this level: {d.outcome_level_reason}"
                if d.amendment_reason:
                    line += f"\n    amends version {d.revision - 1}: {d.amendment_reason}"
                lines.append(line)
            self.history_label.setText("\n".join(lines))
            if referral_id not in self._inputs:
                self.form.fill_from(history[-1])
        self.update_buttons()

    def latest(self) -> DecisionDTO | None:
        """The newest decision version of the child on screen (None before one is drafted)."""
        if self._shown_referral is None:
            return None
        history = self.decisions.get(self._shown_referral, ())
        return history[-1] if history else None

    def update_buttons(self) -> None:
        """Enable what may be done now, and show what follows the decision on screen."""
        item, latest = self.item, self.latest()
        open_meeting = self.meeting is not None and self.meeting.signed_off_at is None
        pending = item is not None and item.status == AgendaStatus.PENDING and open_meeting
        signed = latest is not None and latest.status == DecisionStatus.SIGNED
        for widget in (self.save_button, self.sign_button, self.defer_button, self.defer_reason):
            widget.setEnabled(pending)
        self.dissent_button.setEnabled(latest is not None and open_meeting)
        self.amend_button.setEnabled(signed)
        self.amend_reason.setEnabled(signed)
        self.sign_off_button.setEnabled(open_meeting)
        # The memos of a meeting are printed once it is signed off: nothing changes after.
        self.print_meeting_button.setEnabled(
            self.meeting is not None and self.meeting.signed_off_at is not None
        )
        self.print_memo_button.setEnabled(self._memo_decision() is not None)
        self.next_steps.show_for(latest, self.follow_up)

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
        """Bring the decision form to the top of its column, the outcome focused."""
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

    def next_pending(self) -> None:
        """Go to the next child still to decide (round the agenda)."""
        if self.meeting is None:
            return
        agenda = self.meeting.agenda
        for offset in range(1, len(agenda) + 1):
            index = (self.current + offset) % len(agenda)
            if agenda[index].status == AgendaStatus.PENDING:
                self.go_to(index)
                return
