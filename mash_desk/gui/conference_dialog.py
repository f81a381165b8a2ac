"""Record an s47 enquiry's initial child protection conference: held, or not needed."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import (
    QDate,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from mash_desk.domain.errors import ValidationError
from mash_desk.gui.a11y import live_label
from mash_desk.gui.case_html import when_text
from mash_desk.gui.profile_dialog import FieldMessage, with_message
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import describe_error
from mash_desk.services.strategy import StrategyDTO


class ConferenceDialog(QDialog):
    """Record one s47 enquiry's initial child protection conference: held, or not needed.

    Two choices. "Conference held" drives
    :meth:`~mash_desk.services.strategy.StrategyService.record_icpc`: the date (default
    today) with the service's message beside it — not in the future, not before the strategy
    discussion, recorded once. "No conference needed (s47 concluded)" drives
    :meth:`~mash_desk.services.strategy.StrategyService.record_no_conference` (the census's
    ICPCnotRequired): the date the enquiry concluded and a reason, each with its message.
    Closes itself once saved; the case view then shows the outcome. Keys: Alt+H / Alt+N
    choose · Enter or Ctrl+S save · Esc cancel.

    Signals:
        saved(object): the updated :class:`~mash_desk.services.strategy.StrategyDTO`.
    """

    saved = Signal(object)

    def __init__(
        self,
        session: DeskSession,
        referral_id: int,
        discussion: StrategyDTO,
        parent: QWidget | None = None,
    ):
        """Build the form for ``discussion`` (of referral ``referral_id``)."""
        super().__init__(parent)
        self.session = session
        self.referral_id = referral_id
        self.discussion = discussion
        self.recorded: StrategyDTO | None = None
        self._busy = False
        self.setWindowTitle(f"Initial conference held — referral {referral_id}")
        self.setMinimumWidth(460)
        outer = QVBoxLayout(self)
        self._build_intro(outer)
        self._build_choice(outer)
        self._build_fields(outer)
        self.not_needed_radio.toggled.connect(self._show_choice)
        self._show_choice(False)
        self._build_buttons(outer)
        QWidget.setTabOrder(self.held_on_edit, self.reason_edit)
        QWidget.setTabOrder(self.reason_edit, self.save_button)
        QWidget.setTabOrder(self.save_button, self.cancel_button)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        self.held_on_edit.setFocus()

    def _build_intro(self, outer: QVBoxLayout) -> None:
        """Say which enquiry this is, when its strategy discussion was held and its target."""
        discussion = self.discussion
        referral_id = self.referral_id
        tz = self.session.desk.ctx.tz
        target = ""
        if discussion.icpc_due_at is not None:
            target = f" Its target is {when_text(discussion.icpc_due_at, tz, '%a %d %b %Y')}."
        self.intro_label = QLabel(
            "When was the initial child protection conference held for the s47 enquiry of "
            f"referral {referral_id} — or did the enquiry conclude with none needed? The "
            "strategy discussion was held "
            f"{when_text(discussion.held_at, tz, '%a %d %b %Y')}.{target}"
        )
        self.intro_label.setWordWrap(True)
        live_label(self.intro_label, "About this conference")
        outer.addWidget(self.intro_label)

    def _build_choice(self, outer: QVBoxLayout) -> None:
        """Offer the two outcomes: conference held (the default) or none needed."""
        self.held_radio = QRadioButton("Conference &held")
        self.held_radio.setAccessibleName("The initial conference was held")
        self.not_needed_radio = QRadioButton("&No conference needed (s47 concluded)")
        self.not_needed_radio.setAccessibleName(
            "No conference needed: the s47 enquiry concluded without one"
        )
        self.choice = QButtonGroup(self)
        self.choice.addButton(self.held_radio)
        self.choice.addButton(self.not_needed_radio)
        self.held_radio.setChecked(True)
        choices = QHBoxLayout()
        choices.addWidget(self.held_radio)
        choices.addWidget(self.not_needed_radio)
        choices.addStretch()
        outer.addLayout(choices)

    def _build_fields(self, outer: QVBoxLayout) -> None:
        """Make the date (today by default) and the reason, each with its message below."""
        form = QFormLayout()
        self.held_on_edit = QDateEdit()
        self.held_on_edit.setAccessibleName("Date the conference was held")
        self.held_on_edit.setCalendarPopup(True)
        self.held_on_edit.setDisplayFormat("ddd dd MMM yyyy")
        today = self.session.desk.ctx.today()
        self.held_on_edit.setDate(QDate(today.year, today.month, today.day))
        box, self.held_on_message = with_message(self.held_on_edit)
        self.date_label = QLabel("Conference held &on:")
        self.date_label.setBuddy(self.held_on_edit)
        form.addRow(self.date_label, box)
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setAccessibleName("Why no conference is needed")
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setFixedHeight(80)
        self.reason_box, self.reason_message = with_message(self.reason_edit)
        self.reason_label = QLabel("&Reason:")
        self.reason_label.setBuddy(self.reason_edit)
        form.addRow(self.reason_label, self.reason_box)
        outer.addLayout(form)

    def _build_buttons(self, outer: QVBoxLayout) -> None:
        """Add the dialog-wide message line, then Save (the default) and Cancel."""
        # Problems that are not about the date (the discussion did not proceed, no network).
        self.error_label = FieldMessage(self.intro_label, self)
        live_label(self.error_label, "Problem recording the conference")
        outer.addWidget(self.error_label)
        buttons = QHBoxLayout()
        buttons.addStretch()
        self.save_button = QPushButton("&Save")
        self.save_button.setAccessibleName("Save the conference date (Ctrl+S)")
        self.save_button.setToolTip("Save the conference date (Ctrl+S)")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Close without recording the conference")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        outer.addLayout(buttons)

    def _show_choice(self, not_needed: bool) -> None:
        """Name the date for the choice made; the reason only when no conference is needed."""
        self.date_label.setText("Enquiry c&oncluded on:" if not_needed else "Conference held &on:")
        self.held_on_edit.setAccessibleName(
            "Date the s47 enquiry concluded" if not_needed else "Date the conference was held"
        )
        self.reason_label.setVisible(not_needed)
        self.reason_box.setVisible(not_needed)
        self.held_on_message.clear_message()
        self.reason_message.clear_message()

    @property
    def no_conference(self) -> bool:
        """Whether "No conference needed (s47 concluded)" is chosen."""
        return self.not_needed_radio.isChecked()

    def held_on(self) -> date:
        """The date in the field."""
        value = self.held_on_edit.date()
        return date(value.year(), value.month(), value.day())

    def message(self) -> str:
        """The message beside the date ("" when none)."""
        return self.held_on_message.message

    def save(self) -> None:
        """Record the date; a broken rule appears beside the date, nothing is saved."""
        if self._busy or self.recorded is not None:
            return
        self.held_on_message.clear_message()
        self.reason_message.clear_message()
        self.error_label.clear_message()
        self._busy = True
        self.save_button.setEnabled(False)
        strategy = self.session.desk.strategy
        d = self.discussion
        if self.no_conference:
            self.session.tasks.write(
                strategy.record_no_conference,
                self.session.actor,
                d.id,
                d.version,
                self.held_on(),
                self.reason_edit.toPlainText(),
                on_done=self._done,
                on_error=self._failed,
                label="Saving that no conference is needed…",
            )
            return
        self.session.tasks.write(
            strategy.record_icpc,
            self.session.actor,
            d.id,
            d.version,
            self.held_on(),
            on_done=self._done,
            on_error=self._failed,
            label="Saving the conference date…",
        )

    def _done(self, result: Any) -> None:
        self._busy = False
        self.recorded = result.value
        self.session.hub.announce(result.changed)
        self.saved.emit(result.value)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            dates = ("held_on", "concluded_on")
            beside = [e.message for e in exc.errors if e.field in dates]
            reason = [e.message for e in exc.errors if e.field == "reason"]
            other = [e.message for e in exc.errors if e.field not in (*dates, "reason")]
            self.held_on_message.show_message("\n".join(beside))
            self.reason_message.show_message("\n".join(reason))
            self.error_label.show_message("\n".join(other))
            if beside:
                self.held_on_edit.setFocus()
            elif reason:
                self.reason_edit.setFocus()
            return
        self.error_label.show_message(describe_error(exc))
