"""Decide a red referral between meetings: a team manager's decision with no meeting.

The dialog (Designer form ``ui/red_decision.ui``) reuses meeting mode's parts rather than
copying them: the chair's view (:class:`~mash_desk.gui.meeting.case_summary.ChairPanel`: the
concern, the agency returns, the history and the threshold assessment) beside the decision
form (:class:`~mash_desk.gui.meeting.decision_form.DecisionForm`), and under the form what
follows a signed decision (:class:`~mash_desk.gui.meeting.next_steps.NextSteps`: the routing
when the child moves between services, the strategy discussion of an s47, the memo).

Every rule is the service's (:meth:`DecisionService.draft` with no meeting, then ``sign``):
only a red referral is decided between meetings (rule ``red_between_meetings``), only a
manager or chair signs. Each refusal is shown at its field and nothing typed is lost.

Keys: Ctrl+S save the draft · Ctrl+Enter sign · Ctrl+R record the routing · Ctrl+Shift+S
record the strategy discussion · Ctrl+P preview (and print) the memo · Ctrl+E the decision
form · Esc close (asks first when something typed is not saved).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from mash_desk.domain.enums import WorkStatus
from mash_desk.domain.errors import ValidationError
from mash_desk.domain.meetings import AgendaStatus, DecisionStatus
from mash_desk.gui import red_decision_action
from mash_desk.gui.forms.ui_red_decision import Ui_RedDecisionDialog
from mash_desk.gui.meeting.case_summary import ChairPanel
from mash_desk.gui.meeting.common import RAG_WORDS, LabelMessage, bind_key, when_text
from mash_desk.gui.meeting.decision_form import DecisionForm
from mash_desk.gui.meeting.follow_ups import FollowUp, read_follow_ups
from mash_desk.gui.meeting.next_steps import NextSteps
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import describe_error
from mash_desk.services.decisions import DecisionDTO, DecisionInput
from mash_desk.services.reference import AgencyDTO, UserChoiceDTO

ACTION_TEXT, ACTION_KEY = red_decision_action.ACTION_TEXT, red_decision_action.ACTION_KEY
# Service fields about *where* the decision is made (no meeting, red only; still awaiting):
# their message goes at the top of the dialog, the outcome taking the keyboard.
_WHERE_FIELDS = ("meeting", "referral", "status", "version")


@dataclass(frozen=True)
class RedTarget:
    """The referral to decide, as a queue row or a case names it.

    It stands for meeting mode's agenda item where the shared parts expect one
    (:func:`read_follow_ups`, :class:`NextSteps`): a referral decided here is "decided".
    """

    referral_id: int
    person_id: int
    child_name: str
    rag: str | None

    @property
    def status(self) -> AgendaStatus:
        """Always decided, once there is anything to follow up (see read_follow_ups)."""
        return AgendaStatus.DECIDED


def target_of_row(row: Any) -> RedTarget | str:
    """The referral of a queue row, or why the row has none to decide."""
    if row is None:
        return "Select a referral awaiting decision in the work queue, or open its case, first"
    if row.kind != "referral":
        return "This is a contact: record its outcome first (Ctrl+O); a referral is decided"
    rag = getattr(row.rag, "value", row.rag)
    return RedTarget(row.item_id, row.person_id, row.child_name, rag)


def target_of_case(case: Any) -> RedTarget | str:
    """The child's referral awaiting decision (newest first), or why there is none."""
    if case is None:
        return "The case is still loading; try again in a moment"
    waiting = [r for r in case.referrals if r.status == WorkStatus.AWAITING_DECISION.value]
    if not waiting:
        return "This child has no referral awaiting a decision"
    r = waiting[0]  # referrals come newest first
    rag = getattr(r.rag, "value", r.rag)
    return RedTarget(r.id, case.child.id, case.child.full_name, rag)


class RedDecisionDialog(QDialog):
    """A manager drafts and signs a red referral's decision with no meeting."""

    def __init__(self, session: DeskSession, target: RedTarget, parent: QWidget | None = None):
        """Build the dialog over ``target`` and read what the decision rests on."""
        super().__init__(parent)
        self.session = session
        self.target = target
        self.ui = ui = Ui_RedDecisionDialog()
        ui.setupUi(self)
        # Names the shared parts (DecisionForm, NextSteps) reach on their host.
        self.messages: dict[str, Any] = {}
        self.meeting = None  # between meetings: there is none
        self.status_label = ui.statusLabel
        self.scroller = ui.scroller
        self.agenda_list = ui.closeButton  # where the keyboard goes once nothing follows
        self.checks: dict[int, Any] = {}
        self.cases: dict[int, Any] = {}
        self.follow_ups: dict[int, FollowUp] = {}
        self.history: tuple[DecisionDTO, ...] = ()
        self.memo_dialog: QWidget | None = None
        self._baseline: DecisionInput | None = None
        self._history_loaded = False
        self._build()
        self._bind_keys()
        self._load()

    # ---- building ------------------------------------------------------------------------

    def _build(self) -> None:
        ui = self.ui
        self.chair = ChairPanel()
        ui.chairLayout.addWidget(self.chair)
        self.form = DecisionForm(self)
        self.next_steps = NextSteps(self)
        ui.formLayout.addWidget(self.form)
        ui.formLayout.addWidget(self.next_steps)
        ui.formLayout.addStretch(1)
        ui.splitter.setSizes([520, 700])
        where = LabelMessage(self.form.ui.outcome, ui.whereError)
        for key in _WHERE_FIELDS:
            self.messages[key] = where
        form = self.form.ui
        form.signButton.setText("Sign as manager (Ctrl+Enter)")
        form.decisionBox.setTitle("Decision between meetings (Ctrl+E)")
        # The shared part's buttons open through this dialog, which says what follows after.
        steps = self.next_steps
        for button, slot in (
            (steps.routing_button, self.open_routing_dialog),
            (steps.strategy_button, self.open_strategy_dialog),
        ):
            button.clicked.disconnect()
            button.clicked.connect(lambda _checked=False, s=slot: s())
        form.saveButton.clicked.connect(lambda: self.save_draft())
        form.signButton.clicked.connect(self.sign)
        ui.closeButton.clicked.connect(self.reject)
        rag = RAG_WORDS.get(self.target.rag or "", "unrated")
        ui.childLabel.setText(
            f"{self.target.child_name} — {rag} — referral {self.target.referral_id} — "
            "to decide between meetings"
        )
        if self.target.rag != "red":
            # Said before anything is typed; the refusal itself is the service's, at saving.
            ui.hintLabel.setText(
                f"⚠ Rated {rag}, not red: the desk decides only red referrals between "
                "meetings, so saving will be refused. " + ui.hintLabel.text()
            )
        self.setWindowTitle(f"Decide between meetings — {self.target.child_name}")
        self.chair.loading()
        form.versionsText.setText("Loading…")
        self.update_buttons()

    def _bind_keys(self) -> None:
        bind_key(self, ("Ctrl+S",), lambda: self.save_draft())
        bind_key(self, ("Ctrl+Return", "Ctrl+Enter"), self.sign)
        bind_key(self, ("Ctrl+R",), self.open_routing_dialog)
        bind_key(self, ("Ctrl+Shift+S",), self.open_strategy_dialog)
        bind_key(self, ("Ctrl+P",), self.print_memo)
        bind_key(self, ("Ctrl+E",), self.form.ui.outcome.setFocus)

    # ---- what the shared parts ask of their host -----------------------------------------

    @property
    def item(self) -> RedTarget:
        """The referral on screen (meeting mode's agenda item)."""
        return self.target

    @property
    def follow_up(self) -> FollowUp | None:
        """What follows the signed decision (None: nothing signed yet)."""
        return self.follow_ups.get(self.target.referral_id)

    def referral_record(self, referral_id: int) -> Any:
        """The case's record of ``referral_id`` (None before the case is read)."""
        case = self.cases.get(referral_id)
        return next((r for r in getattr(case, "referrals", ()) if r.id == referral_id), None)

    def when(self, at: datetime) -> str:
        """``at`` in the desk's time zone, in a few words."""
        return when_text(at, self.session.desk.ctx.tz)

    def next_pending(self) -> None:
        """Nothing follows the signed decision: say what is left (meeting mode moves on)."""
        signed = self.signed
        if signed is not None:
            self.status_label.setText(
                f"✔ Decision signed between meetings (version {signed.revision}). Nothing else "
                "to record now: Ctrl+P prints the memo, Esc closes."
            )
        self.ui.closeButton.setFocus()

    # ---- loading -------------------------------------------------------------------------

    def _load(self) -> None:
        tasks, desk, actor = self.session.tasks, self.session.desk, self.session.actor
        rid = self.target.referral_id
        tasks.read(desk.reference.agencies, actor, on_done=self._agencies_read, label="Agencies…")
        tasks.read(desk.reference.users, actor, on_done=self._users_read, label="MASH staff…")
        tasks.read(
            desk.thresholds.current,
            actor,
            on_done=self._document_read,
            label="Reading the threshold document…",
        )
        # The case view and the checks write the access log, so they go on the writer.
        tasks.write(
            desk.case.view,
            actor,
            self.target.person_id,
            events_limit=None,  # the case summary reads contacts back to the last referral
            on_done=self._case_read,
            on_error=lambda e: self.chair.case_failed(describe_error(e)),
            label="Opening the case…",
        )
        tasks.write(
            desk.checks.for_referral,
            actor,
            rid,
            on_done=self._checks_read,
            on_error=lambda e: self.chair.ui.checksText.setText("⚠ " + describe_error(e)),
            label="Reading agency checks…",
        )
        self._load_history()

    def _agencies_read(self, agencies: Sequence[AgencyDTO]) -> None:
        self.form.set_agencies([(a.code, a.name) for a in agencies])

    def _users_read(self, users: Sequence[UserChoiceDTO]) -> None:
        self.form.set_staff(list(users))

    def _document_read(self, document: Any) -> None:
        unsaved, typed = self.has_unsaved_work(), self.form.details()
        self.form.set_document(document)
        latest = self.latest
        if unsaved:
            self.form.fill(typed)  # what was typed before the document came stays
        elif latest is not None and latest.status == DecisionStatus.DRAFT:
            self.form.fill_from(latest)  # the draft's ticks need the list, here now
        if self._history_loaded and not unsaved:
            self._baseline = self._comparable(self.form.details())

    def _case_read(self, case: Any) -> None:
        self.cases[self.target.referral_id] = case
        self.chair.show_case(case, self.target.referral_id, self.when)
        rid = self.target.referral_id
        need = next((r.primary_need for r in case.referrals if r.id == rid), None)
        self.form.set_referral_need(need)

    def _checks_read(self, checks: Any) -> None:
        self.checks[self.target.referral_id] = checks
        self.chair.show_checks(checks, self.when)

    def _load_history(self, then: Callable[[], None] | None = None) -> None:
        def read(history: tuple[DecisionDTO, ...]) -> None:
            first = not self._history_loaded
            self._history_loaded = True
            self.history = history
            self._show_history()
            if first and history and history[-1].status == DecisionStatus.DRAFT:
                # A draft saved earlier comes back to finish (and sign).
                self.form.fill_from(history[-1])
            if first:
                self._baseline = self._comparable(self.form.details())
            self.update_buttons()
            if then is not None:
                then()

        self.session.tasks.read(
            self.session.desk.decisions.history,
            self.session.actor,
            self.target.referral_id,
            on_done=read,
            on_error=lambda e: self.form.ui.versionsText.setText("⚠ " + describe_error(e)),
            label="Reading decisions…",
        )

    def _show_history(self) -> None:
        lines = []
        for d in self.history:
            state = f"signed {self.when(d.signed_at)}" if d.signed_at is not None else "draft"
            where = "at a meeting" if d.meeting_id is not None else "between meetings"
            lines.append(
                f"Version {d.revision} · {state} {where} · {d.outcome.label} · Level {d.level}"
                f" · {d.rationale}"
            )
        self.form.ui.versionsText.setText("\n".join(lines) or "No decision yet.")

    # ---- state ---------------------------------------------------------------------------

    @property
    def latest(self) -> DecisionDTO | None:
        """The newest decision version (None before one is drafted)."""
        return self.history[-1] if self.history else None

    @property
    def signed(self) -> DecisionDTO | None:
        """The decision in force, once signed."""
        latest = self.latest
        return latest if latest is not None and latest.status == DecisionStatus.SIGNED else None

    def update_buttons(self) -> None:
        """Save and sign until signed; then what follows the decision, and the memo."""
        deciding = self._history_loaded and self.signed is None
        self.form.ui.saveButton.setEnabled(deciding)
        self.form.ui.signButton.setEnabled(deciding)
        self.next_steps.print_memo_button.setEnabled(self.signed is not None)
        self.next_steps.show_for(self.latest, self.follow_up)

    @staticmethod
    def _comparable(details: DecisionInput) -> DecisionInput:
        # The document's key arrives in the background; it is not something typed.
        return dataclasses.replace(details, document=None)

    def has_unsaved_work_in(self, details: DecisionInput) -> bool:
        """Whether ``details`` differ from what was last loaded or saved."""
        return self._baseline is not None and self._comparable(details) != self._baseline

    def has_unsaved_work(self) -> bool:
        """Whether the form holds something typed and not saved."""
        return self.signed is None and self.has_unsaved_work_in(self.form.details())

    # ---- messages ------------------------------------------------------------------------

    def _clear_messages(self) -> None:
        for message in {id(m): m for m in self.messages.values()}.values():
            message.clear_message()

    def _show_errors(self, exc: BaseException) -> None:
        """Each message at its field (the service's words); the first field takes the keys."""
        if not isinstance(exc, ValidationError):
            self.messages["decision"].show_message(describe_error(exc))
            self.status_label.setText("⚠ " + describe_error(exc))
            return
        grouped: dict[str, list[str]] = {}
        for error in exc.errors:
            key = "actions" if error.field.startswith("actions[") else error.field
            grouped.setdefault(key if key in self.messages else "decision", []).append(
                error.message
            )
        for key, texts in grouped.items():
            self.messages[key].show_message("; ".join(texts))
        first = next(iter(grouped))
        # Announced as well as painted (WCAG 3.3.1): the status line is live.
        self.status_label.setText("⚠ " + self.messages[first].message)
        if "outcome_level_reason" in grouped:
            self.form.update_outcome_prompt()
        self.messages[first].field.setFocus()

    # ---- writes --------------------------------------------------------------------------

    def save_draft(self, then: Callable[[DecisionDTO], None] | None = None) -> None:
        """Save the form as the draft decision, with no meeting (drafted, or redrafted)."""
        if not self.form.ui.saveButton.isEnabled():
            return
        self._clear_messages()
        details = self.form.details()
        desk, latest = self.session.desk, self.latest
        redraft = latest is not None and latest.status == DecisionStatus.DRAFT
        fn: Callable[..., Any]
        args: tuple[Any, ...]
        if redraft:
            assert latest is not None
            fn, args = desk.decisions.redraft, (latest.id, latest.version, details)
        else:
            fn, args = desk.decisions.draft, (self.target.referral_id, details, None)

        def done(result: Any) -> None:
            self.session.hub.announce(result.changed)
            kept = self.history[:-1] if redraft else self.history
            self.history = (*kept, result.value)
            self._baseline = self._comparable(details)
            self._show_history()
            self.status_label.setText(
                f"Draft saved for {self.target.child_name}: not yet signed (Ctrl+Enter signs)."
            )
            self.update_buttons()
            if then is not None:
                then(result.value)

        self.session.tasks.write(
            fn,
            self.session.actor,
            *args,
            on_done=done,
            on_error=self._show_errors,
            label="Saving the draft…",
        )

    def sign(self) -> None:
        """Save the form as the draft, then sign it as the manager, with no meeting."""
        if not self.form.ui.signButton.isEnabled():
            return

        def signed(result: Any) -> None:
            self.session.hub.announce(result.changed)
            self.history = (*self.history[:-1], result.value)
            self._show_history()
            self.update_buttons()
            self.status_label.setText(
                f"✔ Decision signed between meetings (version {result.value.revision})."
            )
            decision = result.value
            self._load_follow_ups(then=lambda: self._after_signing(decision))

        def drafted(d: DecisionDTO) -> None:
            self.session.tasks.write(
                self.session.desk.decisions.sign,
                self.session.actor,
                d.id,
                d.version,
                on_done=signed,
                on_error=self._show_errors,
                label="Signing…",
            )

        self.save_draft(then=drafted)

    # ---- what follows a signed decision ----------------------------------------------------

    def _load_follow_ups(self, then: Callable[[], None] | None = None) -> None:
        def read(found: dict[int, FollowUp]) -> None:
            self.follow_ups = found
            self.update_buttons()
            if then is not None:
                then()

        self.session.tasks.read(
            read_follow_ups,
            self.session.desk,
            self.session.actor,
            [self.target],
            on_done=read,
            on_error=lambda e: self.status_label.setText("⚠ " + describe_error(e)),
            label="Checking routings and strategy discussions…",
        )

    def _after_signing(self, decision: DecisionDTO) -> None:
        """Offer the routing (or strategy discussion) the decision calls for, as meeting mode."""
        self.next_steps.after_signing(decision)
        follow = self.follow_up
        if follow is None or not follow.pending:
            return
        keys = []
        if follow.needs_routing:
            keys.append("the child moves between services: Ctrl+R opens the routing")
        if follow.strategy_needed:
            keys.append("record the strategy discussion (Ctrl+Shift+S)")
        # Meeting mode's words speak of the next child; here there is only this one.
        self.status_label.setText(
            f"✔ Decision signed between meetings (version {decision.revision}). Next: "
            f"{'; '.join(keys)}. Ctrl+P prints the memo."
        )

    def open_routing_dialog(self) -> Any:
        """Open the routing the signed decision calls for, filled in from the decision."""
        return self._follow_dialog(self.next_steps.open_routing_dialog())

    def open_strategy_dialog(self) -> Any:
        """Open the strategy discussion of a signed s47 decision."""
        return self._follow_dialog(self.next_steps.open_strategy_dialog())

    def _follow_dialog(self, dialog: Any) -> Any:
        if dialog is not None:
            dialog.finished.connect(lambda _r: self._dialog_closed())
        return dialog

    def _dialog_closed(self) -> None:
        # A routing saved changes what follows; the shared part's words speak of a meeting.
        self._load_follow_ups(then=self._say_what_follows)

    def _say_what_follows(self) -> None:
        follow = self.follow_up
        if follow is not None and follow.pending:
            self.status_label.setText(self.next_steps.next_label.text())
        else:
            self.next_pending()

    # ---- printing and closing --------------------------------------------------------------

    def print_memo(self) -> QWidget | None:
        """Preview the memo of the signed decision (print or save it from the preview)."""
        signed = self.signed
        if signed is None:
            self.status_label.setText("No signed decision yet: nothing to print (Ctrl+P).")
            return None
        from mash_desk.gui.printing import print_decision_memo

        self.memo_dialog = print_decision_memo(self.session, signed.id, self)
        return self.memo_dialog

    def confirm_discard(self) -> bool:
        """Ask before closing over what was typed and not saved."""
        answer = QMessageBox.question(
            self,
            "Close without saving?",
            "What you typed for this decision is not saved. Close and lose it?\n"
            "(No keeps it open: Ctrl+S saves the draft.)",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def reject(self) -> None:
        """Close (Esc), asking first when something typed is not saved."""
        if self.has_unsaved_work() and not self.confirm_discard():
            return
        super().reject()


def decide_now(window: Any) -> RedDecisionDialog | None:
    """Open the dialog for the queue row selected, or the case in the window's current tab.

    A contact row, or a case with no referral awaiting decision, is said on the window's
    status line. Whether the referral may be decided here (red only, a manager) is the
    service's to say, at the first save.
    """
    from mash_desk.gui.case_view import CaseView

    current = window.tabs.currentWidget()
    if current is not None and current is window.queue:
        target = target_of_row(window.queue.selected_row())
    else:
        case = current.findChild(CaseView) if current is not None else None
        target = (
            target_of_case(case.case)
            if case is not None
            else "Select a referral in the work queue, or open its case, first"
        )
    if isinstance(target, str):
        window.show_failure(target)
        return None
    old = window.red_decision_dialog
    if old is not None:
        # Window-modal, so a previous one is closed by now: it goes, not piles up.
        old.deleteLater()
    dialog = RedDecisionDialog(window.session, target, window)
    window.red_decision_dialog = dialog
    dialog.open()
    return dialog
