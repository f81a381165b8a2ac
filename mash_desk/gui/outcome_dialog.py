"""Record the outcome of one child on a contact, or progress it to a MASH referral.

The dialog (Designer form ``ui/outcome.ui``) drives
:meth:`~mash_desk.services.outcomes.OutcomeService.record`, where every rule lives: NFA
excludes every other outcome; an under-5 not needing social care gets a children's-centre
offer (the service adds it and says so); a red contact is closed with NFA only by a manager;
the consent the child's threshold level needs (Level 2 early help: the family's consent;
Level 3 referral: consent sought; Level 4: may go on without consent, with the reason); a
referral needs its CIN primary need; a forward to the allocated worker needs an open case
held by a worker (ticking it says who, or that nobody holds the case). Each refusal is shown
under the field it names, and nothing typed is lost.

Keys: Ctrl+Enter save · Esc cancel (asks first when something was chosen or typed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import QCheckBox, QDialog, QLabel, QMessageBox, QPushButton, QWidget

from mash_desk.domain.census_rules import typed_referral_failures
from mash_desk.domain.enums import PRIMARY_NEEDS, REFERRAL_SOURCES, ContactOutcome
from mash_desk.domain.errors import ValidationError
from mash_desk.domain.permissions import Permission, allows
from mash_desk.gui.a11y import announce, clear_invalid, mark_invalid
from mash_desk.gui.forms.ui_outcome import Ui_OutcomeDialog
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import describe_error
from mash_desk.services.inputs import ConsentInput, OutcomeInput, ReferralDetails
from mash_desk.services.outcomes import OutcomeContext, OutcomeResult

_WARNING = "⚠ "
_CHOOSE = "Choose the primary need…"
_RAG_WORDS = {"red": "Red", "amber": "Amber", "green": "Green", None: "not rated"}
_CONSENT_WORDS = {
    "share_information": "share information",
    "early_help": "early help",
    "assessment": "an assessment",
}
# Where each service field's message goes (widget to flag, label to show it in).
_FIELDS = {
    "outcomes": ("nfaCheck", "outcomesError"),
    "no_offer_reason": ("noOfferReason", "noOfferReasonError"),
    "referral_source": ("referralSource", "referralSourceError"),
    "primary_need": ("primaryNeed", "primaryNeedError"),
    "consent": ("consentReason", "consentError"),
    "consent_reason": ("consentReason", "consentReasonError"),
    "consent_now.state": ("consentState", "consentStateError"),
    "consent_now.purpose": ("consentState", "consentStateError"),
    "consent_now.reason": ("consentState", "consentStateError"),
}
# A refusal whose fix is a different box than its field's usual one: focus goes there.
_RULE_WIDGETS = {"forward_needs_open_case": "forwardCheck"}
NO_OPEN_CASE_TEXT = (
    "This child has no open case with an allocated worker, so there is nobody to forward "
    "to: choose another outcome (a MASH referral, usually)."
)
# States a practitioner records while deciding (an override names a manager: not here).
_CONSENT_STATES = (("Sought", "sought"), ("Given", "given"), ("Refused", "refused"))
REFERRAL_NFA_TEXT = (
    "Set when the meeting decides the referral: yes if the decision is no further action "
    "(CIN census ReferralNFA)."
)


def consent_summary(ready: OutcomeContext) -> str:
    """Say what the child's level needs by way of consent, and what is recorded."""
    if ready.level is None:
        return (
            "Not screened yet: no threshold level, so no consent rule to check. Screen the "
            "contact first if you can."
        )
    recorded = dict(ready.consents)
    stands = "; ".join(
        f"{_CONSENT_WORDS.get(p, p)}: {s.replace('_', ' ')}" for p, s in sorted(recorded.items())
    )
    rule = {
        "not-needed": "No consent is needed at this level.",
        "required": "Early help needs the family's consent (recorded as given).",
        "sought": "A referral needs consent to an assessment sought (given or refused counts).",
        "may-proceed-without": (
            "Agencies may act without consent to share information; if it is not given, "
            "record the reason below."
        ),
    }.get(ready.consent_rule or "", ready.consent_text or "")
    return f"{ready.level_label}. {rule} Consent on this contact — {stands or 'none recorded'}."


def outcome_button(session: DeskSession, slot: Callable[[], Any]) -> QPushButton:
    """The case view's "Record outcome…" button (offered to roles that record outcomes)."""
    button = QPushButton("Record o&utcome…")
    button.setAccessibleName("Record the outcome of this child's open contact")
    button.setToolTip("Close the contact with its outcomes, or progress it to a referral (Ctrl+O)")
    button.setEnabled(allows(session.actor.role, Permission.RECORD_OUTCOME))
    button.clicked.connect(lambda _checked=False: slot())
    return button


class OutcomeDialog(QDialog):
    """Record one or more outcomes for one child on a contact.

    Give ``contact_child_id`` (a queue row), or ``person_id`` (the case view) to take the
    child's newest open contact.

    Signals:
        recorded(object): the :class:`~mash_desk.services.outcomes.OutcomeResult` once saved.
    """

    recorded = Signal(object)

    def __init__(
        self,
        session: DeskSession,
        contact_child_id: int | None = None,
        parent: QWidget | None = None,
        *,
        person_id: int | None = None,
    ):
        """Build the form and read the child's contact in the background."""
        super().__init__(parent)
        self.session = session
        self.ui = Ui_OutcomeDialog()
        self.ui.setupUi(self)
        self.ready: OutcomeContext | None = None
        self.outcome: OutcomeResult | None = None
        self.notices: tuple[str, ...] = ()
        self._busy = False
        self._edited = False
        self.census_flag = ""
        """The CIN census rule shown beside the primary need as it was chosen ("" if none)."""
        self.checks: dict[ContactOutcome, QCheckBox] = {
            ContactOutcome.NFA: self.ui.nfaCheck,
            ContactOutcome.ADVICE: self.ui.adviceCheck,
            ContactOutcome.EARLY_HELP: self.ui.earlyHelpCheck,
            ContactOutcome.CHILDRENS_CENTRE: self.ui.childrensCentreCheck,
            ContactOutcome.REFERRAL: self.ui.referralCheck,
            ContactOutcome.FORWARD_TO_WORKER: self.ui.forwardCheck,
        }
        self._fill_choices()
        self._connect()
        self._clear_messages()
        self.ui.referralNfa.setText(REFERRAL_NFA_TEXT)
        self.ui.saveButton.setEnabled(False)
        self._update()
        self._load(contact_child_id, person_id)

    # -- building ---------------------------------------------------------------------------

    def _fill_choices(self) -> None:
        for code, text in REFERRAL_SOURCES.items():
            self.ui.referralSource.addItem(f"{code} — {text}", code)
        self.ui.primaryNeed.addItem(_CHOOSE, "")
        for code, text in PRIMARY_NEEDS.items():
            self.ui.primaryNeed.addItem(f"{code} — {text}", code)

    def _connect(self) -> None:
        for check in self.checks.values():
            check.toggled.connect(self._changed)
        self.ui.nfaCheck.toggled.connect(self._nfa_toggled)
        for edit in (self.ui.noOfferReason, self.ui.consentReason):
            edit.textChanged.connect(self._changed)
        for combo in (self.ui.referralSource, self.ui.primaryNeed, self.ui.consentState):
            combo.activated.connect(self._changed)
        self.ui.saveButton.clicked.connect(self.save)
        self.ui.cancelButton.clicked.connect(self.reject)
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(key), self, self.save)

    # -- loading ----------------------------------------------------------------------------

    def _load(self, contact_child_id: int | None, person_id: int | None) -> None:
        tasks, desk, actor = self.session.tasks, self.session.desk, self.session.actor
        if contact_child_id is not None:
            tasks.read(
                desk.outcomes.prepare,
                actor,
                contact_child_id,
                on_done=self._prepared,
                on_error=self._load_failed,
                label="Reading the contact…",
            )
            return
        tasks.read(
            desk.outcomes.open_contact_child,
            actor,
            person_id,
            on_done=self._found,
            on_error=self._load_failed,
            label="Finding the open contact…",
        )

    def _found(self, contact_child_id: int | None) -> None:
        if contact_child_id is None:
            self._form_error(
                "This child has no open contact: outcomes are recorded once, for each contact."
            )
            self.ui.childLabel.setText("No open contact")
            return
        self._load(contact_child_id, None)

    def _load_failed(self, exc: BaseException) -> None:
        self._form_error(describe_error(exc))

    def _prepared(self, ready: OutcomeContext) -> None:
        self.ready = ready
        level = ready.level_label or "not screened"
        self.ui.childLabel.setText(
            f"{ready.child_name} · contact {ready.contact_id} · RAG "
            f"{_RAG_WORDS.get(ready.rag, ready.rag)} · {level}"
            + (" · under 5" if ready.under_five else "")
        )
        self.setWindowTitle(f"Record outcome — {ready.child_name}")
        index = self.ui.referralSource.findData(ready.contact_source)
        if index >= 0:
            self.ui.referralSource.setCurrentIndex(index)
        self.ui.consentRule.setText(consent_summary(ready))
        self._fill_consent_states(ready)
        if ready.rag == "red" and not ready.may_authorise:
            # Said before the choice, not only as a refusal after it (domain brief §4).
            self.ui.nfaCheck.setText("&No further action — a manager records it on a red contact")
            self.ui.nfaCheck.setAccessibleDescription(
                "This contact is rated red: only a manager may close it with no further action"
            )
        if ready.status != "open":
            self._form_error("Outcomes were already recorded for this child on this contact.")
        self._update()
        self.ui.nfaCheck.setFocus()

    def _fill_consent_states(self, ready: OutcomeContext) -> None:
        combo = self.ui.consentState
        combo.clear()
        purpose = ready.consent_purpose
        if purpose is None:
            combo.addItem("Nothing to ask at this level", "")
        else:
            words = _CONSENT_WORDS.get(purpose, purpose)
            self.ui.consentStateLabel.setText(f"C&onsent to {words}, asked for now")
            combo.addItem("No change (as recorded on the contact)", "")
            for text, state in _CONSENT_STATES:
                combo.addItem(text, state)
        for widget in (self.ui.consentStateLabel, combo):
            widget.setEnabled(purpose is not None)

    @property
    def loaded(self) -> bool:
        """Whether the child's contact has been read."""
        return self.ready is not None

    # -- state ------------------------------------------------------------------------------

    def chosen(self) -> tuple[ContactOutcome, ...]:
        """The outcomes ticked, in the form's order."""
        return tuple(o for o, check in self.checks.items() if check.isChecked())

    def _nfa_toggled(self, on: bool) -> None:
        # NFA excludes every other outcome: untick and grey the rest so the form cannot
        # say two things at once (the service refuses the mix as well).
        for outcome, check in self.checks.items():
            if outcome is ContactOutcome.NFA:
                continue
            if on:
                check.setChecked(False)
            check.setEnabled(not on)

    def _changed(self, *_args: Any) -> None:
        self._edited = True
        self._update()

    def _update(self) -> None:
        ready, chosen = self.ready, set(self.chosen())
        under_five = bool(ready and ready.under_five)
        social_care = chosen & {ContactOutcome.REFERRAL, ContactOutcome.FORWARD_TO_WORKER}
        offer = (
            under_five
            and chosen
            and not social_care
            and ContactOutcome.NFA not in chosen
            and ContactOutcome.CHILDRENS_CENTRE not in chosen
        )
        self.ui.underFiveNotice.setText(
            "Under 5: a children's-centre offer will be added to these outcomes (every "
            "under-5 not needing social care is offered one)."
            if offer
            else ""
        )
        self.ui.underFiveNotice.setVisible(bool(offer))
        no_offer = under_five and ContactOutcome.NFA in chosen
        for widget in (self.ui.noOfferReasonLabel, self.ui.noOfferReason):
            widget.setVisible(no_offer)
        self.ui.referralGroup.setEnabled(ContactOutcome.REFERRAL in chosen)
        self._flag_census(ContactOutcome.REFERRAL in chosen)
        self._show_forward_worker(ContactOutcome.FORWARD_TO_WORKER in chosen)
        proceed = bool(ready and ready.consent_rule == "may-proceed-without")
        for widget in (self.ui.consentReasonLabel, self.ui.consentReason):
            widget.setEnabled(proceed)
        may_save = bool(ready and ready.status == "open") and self.outcome is None
        self.ui.saveButton.setEnabled(may_save and not self._busy)

    def _flag_census(self, referring: bool) -> None:
        """Say beside the primary need, as it is chosen, that the CIN census would refuse it.

        Issue 15 item 6: a referral's need is checked when it is typed, not at year end. Only
        a flag: the referral may still be saved (an N0 referral decided as no further action
        is valid), so a message the service gave is never replaced by it.
        """
        label = self.ui.primaryNeedError
        need = self.ui.primaryNeed.currentData() or None
        source = self.ui.referralSource.currentData() or None
        broken = typed_referral_failures(source, need) if referring and need else ()
        flag = next((r for r in broken if r.desk_field == "primary_need"), None)
        if flag is not None and (self.census_flag or not label.isVisible()):
            self.census_flag = f"CIN census rule {flag.id}: {flag.message}"
            self._show(label, [self.census_flag])
        elif flag is None and self.census_flag:
            self.census_flag = ""
            label.clear()
            label.hide()

    def _show_forward_worker(self, ticked: bool) -> None:
        """Say who the child would be forwarded to, or that nobody holds the case."""
        label, ready = self.ui.forwardWorker, self.ready
        if not ticked or ready is None:
            label.clear()
            label.hide()
            return
        case = ready.open_case
        label.setText(f"→ {case.sentence()}" if case else _WARNING + NO_OPEN_CASE_TEXT)
        label.show()

    def has_unsaved_work(self) -> bool:
        """Whether something was chosen or typed and not saved."""
        return self._edited and self.outcome is None

    def outcome_input(self) -> OutcomeInput:
        """What the form says, as the service takes it."""
        chosen = self.chosen()
        referral = None
        if ContactOutcome.REFERRAL in chosen:
            referral = ReferralDetails(
                self.ui.primaryNeed.currentData() or "",
                self.ui.referralSource.currentData() or None,
            )
        # Only asked of an under-5 closed with NFA; a reason typed before the choice changed
        # stays in the box (nothing typed is lost) but is not sent.
        asked = bool(self.ready and self.ready.under_five) and ContactOutcome.NFA in chosen
        no_offer = self.ui.noOfferReason.toPlainText() if asked else ""
        state = self.ui.consentState.currentData()
        consent = None
        if state and self.ready is not None and self.ready.consent_purpose:
            consent = ConsentInput(self.ready.consent_purpose, state)
        return OutcomeInput(
            consent=consent,
            outcomes=tuple(o.value for o in chosen),
            no_offer_reason=no_offer or None,
            referral=referral,
            consent_reason=self.ui.consentReason.toPlainText() or None,
        )

    # -- saving -----------------------------------------------------------------------------

    def save(self) -> None:
        """Record the outcomes; each broken rule appears under its field."""
        if self.ready is None or self._busy or self.outcome is not None:
            return
        self._clear_messages()
        self._busy = True
        self._update()
        self.ui.statusLabel.setText("Saving the outcome…")
        self.session.tasks.write(
            self.session.desk.outcomes.record,
            self.session.actor,
            self.ready.contact_child_id,
            self.ready.version,
            self.outcome_input(),
            on_done=self._saved,
            on_error=self._failed,
            label="Recording the outcome…",
        )

    def _saved(self, result: Any) -> None:
        self._busy = False
        self.outcome = result.value
        self.notices = tuple(result.notices)
        self.session.hub.announce(result.changed)
        self.recorded.emit(result.value)
        outcomes = ", ".join(o.label for o in result.value.contact_child.outcomes)
        said = f"Recorded: {outcomes}."
        if result.value.referral is not None:
            said += f" Referral {result.value.referral.id} awaits the meeting's decision."
        self.ui.statusLabel.setText(" ".join((said, *self.notices)))
        self._update()
        if not self.notices:
            self.accept()
            return
        # A notice changes what was recorded (the under-5 offer): it stays on screen until read.
        for check in self.checks.values():
            check.setEnabled(False)
        self.ui.cancelButton.setText("Close")
        self.ui.cancelButton.setAccessibleName("Close")
        self.ui.cancelButton.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.ui.statusLabel.setText("Not saved.")
        self._update()
        if not isinstance(exc, ValidationError):
            self._form_error(describe_error(exc))
            return
        first: QWidget | None = None
        shown: dict[str, list[str]] = {}
        leftover: list[str] = []
        focus: QWidget | None = None
        said: list[str] = []
        for error in exc.errors:
            if error.field in _FIELDS:
                shown.setdefault(error.field, []).append(error.message)
                if error.rule in _RULE_WIDGETS:
                    focus = getattr(self.ui, _RULE_WIDGETS[error.rule])
            else:
                leftover.append(error.message)
        for field, messages in shown.items():
            widget_name, label_name = _FIELDS[field]
            widget = getattr(self.ui, widget_name)
            if not widget.isEnabled():
                # The consent reason is only open at Level 4: the fix is in the outcomes.
                widget = self.ui.nfaCheck if self.ui.nfaCheck.isEnabled() else self._first_ticked()
            if focus is not None and field == "outcomes" and focus.isEnabled():
                widget = focus
            self._show(getattr(self.ui, label_name), messages)
            # Said with the field whenever it takes focus (its own description kept after).
            mark_invalid(widget, " ".join(messages))
            said.extend(messages)
            first = first or widget
        if leftover:
            self._form_error(" ".join(leftover))
        if first is not None:
            first.setFocus()
        # Painted is not enough (WCAG 3.3.1): said at once, wherever the reader is.
        announce(first or self.ui.formError, " ".join(said), assertive=True)

    def _first_ticked(self) -> QWidget:
        return next((c for c in self.checks.values() if c.isChecked()), self.ui.nfaCheck)

    def message(self, field: str) -> str:
        """The message shown for a service field ("" when none)."""
        label = getattr(self.ui, _FIELDS[field][1])
        return label.text().removeprefix(_WARNING) if label.isVisible() else ""

    @staticmethod
    def _show(label: QLabel, messages: list[str]) -> None:
        label.setText(_WARNING + " ".join(messages))
        label.setAccessibleName("Problem: " + " ".join(messages))
        # Dark red reads at 7:1 on the light theme; on the dark theme a light red does.
        dark = label.palette().color(QPalette.ColorRole.Window).lightness() < 128
        label.setStyleSheet(f"color: {'#ff8a80' if dark else '#b00020'}; font-weight: 600;")
        label.show()

    def _form_error(self, text: str) -> None:
        self.ui.formError.setText(_WARNING + text)
        self.ui.formError.show()
        announce(self.ui.formError, text, assertive=True)

    def _clear_messages(self) -> None:
        self.census_flag = ""
        for widget_name, label_name in _FIELDS.values():
            label = getattr(self.ui, label_name)
            label.clear()
            label.hide()
            clear_invalid(getattr(self.ui, widget_name))
        for check in self.checks.values():  # a consent problem may stand on a ticked outcome
            clear_invalid(check)
        for widget_name in _RULE_WIDGETS.values():
            clear_invalid(getattr(self.ui, widget_name))
        self.ui.formError.clear()
        self.ui.formError.hide()

    # -- closing ----------------------------------------------------------------------------

    def reject(self) -> None:
        """Esc / Cancel: ask before throwing away what was chosen or typed."""
        if self.has_unsaved_work() and not self.confirm_discard():
            return
        super().reject()

    def confirm_discard(self) -> bool:
        """Ask whether to discard the unsaved outcome; tests replace this to answer."""
        answer = QMessageBox.question(
            self,
            "Unsaved outcome",
            "The outcome you chose for this child is not saved. Discard it?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard


def open_for_row(session: DeskSession, row: Any, parent: QWidget) -> OutcomeDialog | None:
    """Open the dialog for a queue row's child on its contact (a contact row only).

    A referral row already has its outcome: the parent window is told so instead.
    """
    if row is None or row.kind != "contact":
        say = getattr(parent, "show_failure", None)
        if say is not None:
            say(
                "Select an open contact in the queue first: a referral already has its outcome"
                if row is not None
                else "Select an open contact in the queue first"
            )
        return None
    dialog = OutcomeDialog(session, row.item_id, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
