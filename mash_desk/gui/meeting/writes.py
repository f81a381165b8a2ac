"""Meeting mode's writes: decisions, what follows them, printing and signing off.

A mixin of :class:`mash_desk.gui.meeting_mode.MeetingMode`, which holds the state (meeting,
agenda position, decision history, follow-ups) and the parts; here is what changes it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QWidget

from mash_desk.domain.changes import Kind, Topic, record_key
from mash_desk.domain.errors import FieldError, ValidationError
from mash_desk.domain.meetings import DecisionStatus
from mash_desk.gui.meeting.follow_ups import FollowUp, read_follow_ups
from mash_desk.gui.tasks import describe_error
from mash_desk.services.decisions import DecisionDTO
from mash_desk.services.meetings import MeetingDTO

if TYPE_CHECKING:
    from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton

    from mash_desk.gui.live import LiveLabel
    from mash_desk.gui.meeting.agenda import AgendaPanel
    from mash_desk.gui.meeting.decision_form import DecisionForm
    from mash_desk.gui.meeting.next_steps import NextSteps
    from mash_desk.services.decisions import DecisionInput
    from mash_desk.services.dto import Actor
    from mash_desk.services.meetings import AgendaItemDTO

    # The type checker reads the mixin as the widget it is always mixed into (MeetingMode);
    # at run time it adds nothing to MeetingMode's bases.
    _Widget = QWidget
else:
    _Widget = object


class MeetingWrites(_Widget):
    """Save, sign, defer, dissent, amend; follow-ups; memos; sign-off (on MeetingMode)."""

    # Provided by MeetingMode.
    session: Any
    meeting: MeetingDTO | None
    messages: dict[str, Any]
    decisions: dict[int, tuple[DecisionDTO, ...]]
    follow_ups: dict[int, FollowUp]
    _follow_loading: bool
    _follow_dirty: bool
    _follow_then: list[Callable[[], None]]
    _inputs: dict[int, Any]
    _last_signed: DecisionDTO | None
    _shown_referral: int | None
    current: int
    memo_dialog: QWidget | None
    print_dialog: QWidget | None
    signed_off: Signal
    status_label: LiveLabel
    form: DecisionForm
    agenda_panel: AgendaPanel
    next_steps: NextSteps
    sign_button: QPushButton
    defer_button: QPushButton
    defer_reason: QLineEdit
    dissent_agency: QComboBox
    dissent_reason: QLineEdit
    amend_reason: QLineEdit

    if TYPE_CHECKING:

        @property
        def _actor(self) -> Actor: ...

        @property
        def item(self) -> AgendaItemDTO | None:
            """The agenda item on screen."""

        def latest(self) -> DecisionDTO | None:
            """The newest decision version of the child on screen."""

        def details(self) -> DecisionInput:
            """The decision as the form holds it."""

        def when(self, at: datetime) -> str:
            """``at`` in the desk's time zone, in a few words."""

        def update_buttons(self) -> None:
            """Enable what may be done now."""

        def next_pending(self) -> None:
            """Go to the next child still to decide."""

        def _meeting_loaded(self, meeting: MeetingDTO) -> None: ...

        def _load_history(self, referral_id: int) -> None: ...

        def _show_progress(self) -> None: ...

        def _failed(self, exc: BaseException) -> None: ...

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
        if key_shown := next(iter(grouped), None):
            # Announced as well as painted (WCAG 3.3.1): the status line is live.
            self.status_label.setText("⚠ " + self.messages[key_shown].message)
        if first is not None:
            if key_shown == "outcome_level_reason":
                self.form.update_outcome_prompt()
            first.setFocus()

    def _field_key(self, error: FieldError, fallback: str) -> str:
        field = error.field
        if field.startswith("actions["):
            return "actions"
        if field == "reason":
            # Each reason-taking action passes its own reason field as the fallback.
            return fallback if fallback != "decision" else "reason"
        return field if field in self.messages else fallback

    def write(
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

    _write = write

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
        redraft = latest is not None and latest.status == DecisionStatus.DRAFT
        fn: Callable[..., Any]
        args: tuple[Any, ...]
        if redraft:
            assert latest is not None
            fn, args = desk.decisions.redraft, (latest.id, latest.version, details)
        else:
            fn, args = desk.decisions.draft, (item.referral_id, details, self.meeting.id)

        def done(result, r=item.referral_id) -> None:
            self.session.hub.announce(result.changed)
            kept = self.decisions.get(r, ())
            self.decisions[r] = (*(kept[:-1] if redraft else kept), result.value)
            self.status_label.setText(f"Draft saved for {item.child_name}.")
            self._load_history(r)
            if callable(then):
                then(result.value)

        self.session.tasks.write(
            fn,
            self._actor,
            *args,
            on_done=done,
            on_error=lambda e, r=item.referral_id: self._refused(e, r, details),
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
            decision = result.value
            # The refreshed meeting has the child decided, which reloads what follows it.
            self._refresh(
                then=lambda: self._follow_ups_then(lambda: self.next_steps.after_signing(decision))
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
        self.write(
            self.session.desk.meetings.defer,
            self.meeting.id,
            item.referral_id,
            self.defer_reason.text(),
            # The meeting is shown after ``then`` runs; move on once it is.
            then=lambda _m: QTimer.singleShot(0, self.next_pending),
            fallback="defer",
            label="Deferring…",
        )

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
                f"{self.when(e.due_at)}."
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
            amended = result.value
            # An amended outcome may call for another routing or a strategy discussion.
            self._load_follow_ups(then=lambda: self.next_steps.after_signing(amended, amended=True))

        details = self.details()
        self.session.tasks.write(
            self.session.desk.decisions.amend,
            self._actor,
            latest.id,
            latest.version,
            details,
            self.amend_reason.text(),
            on_done=done,
            on_error=lambda e, r=latest.referral_id: self._refused(e, r, details, "reason"),
            label="Amending…",
        )

    def _refused(
        self, exc: BaseException, referral_id: int, typed: Any, fallback: str = "decision"
    ) -> None:
        """Show why a draft or amendment was refused; after a lost race, show the winner's.

        Someone else drafted or amended this decision first: the message names them, the
        history is read again so their version is on screen, and the form keeps what this
        user typed (a kept input is never overwritten by the history).
        """
        self._show_errors(exc, fallback)
        if isinstance(exc, ValidationError) and exc.rules & {"one_draft", "latest"}:
            self._inputs[referral_id] = typed
            self._load_history(referral_id)
            self.status_label.setText(
                f"⚠ {self.messages[fallback].message} What you typed is still in the form."
            )

    # ---- what follows a signed decision ----------------------------------------------------

    def _hub_changed(self, keys: frozenset[str]) -> None:
        # A routing or strategy discussion saved here or in a case view changes the flags.
        if self.meeting is not None and keys & {Topic.ROUTINGS, Topic.STRATEGY}:
            self._load_follow_ups()
        # Another desk changed this meeting (its agenda, attendance or a decision): read it
        # again. The child on screen stays, and with it the decision form being typed in.
        if self.meeting is not None and keys & {
            Topic.MEETINGS,
            record_key(Kind.MEETING, self.meeting.id),
        }:
            self.session.tasks.read(
                self.session.desk.meetings.get,
                self._actor,
                self.meeting.id,
                on_done=self._meeting_reread,
                label="Refreshing the meeting…",
            )

    def _meeting_reread(self, meeting: Any) -> None:
        shown = self._shown_referral
        for index, item in enumerate(meeting.agenda):
            if item.referral_id == shown:
                self.current = index
        self._meeting_loaded(meeting)

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
        if self.meeting is not None:
            self.agenda_panel.rewrite(self.meeting)
            self._show_progress()
        self.update_buttons()
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

    # ---- printing and signing off ----------------------------------------------------------

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
            self.status_label.setText("No signed decision yet: nothing to print (Ctrl+P).")
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
            self.status_label.setText(
                "The meeting's memos print once it is signed off (Ctrl+Shift+O)."
            )
            return None
        from mash_desk.gui.meeting_print import open_meeting_print

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
