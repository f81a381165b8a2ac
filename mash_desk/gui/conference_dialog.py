"""Record the date an s47 enquiry's initial child protection conference was held."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import (
    QDate,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
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
    """Record the date one s47 enquiry's initial child protection conference was held.

    Drives :meth:`~mash_desk.services.strategy.StrategyService.record_icpc`: the date
    (default today) with the service's message beside it — not in the future, not before the
    strategy discussion, recorded once. Closes itself once saved; the case view then shows
    whether it was within the target. Keys: Enter or Ctrl+S save · Esc cancel.

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
        self.result: StrategyDTO | None = None
        self._busy = False
        tz = session.desk.ctx.tz
        self.setWindowTitle(f"Initial conference held — referral {referral_id}")
        self.setMinimumWidth(460)
        outer = QVBoxLayout(self)
        target = ""
        if discussion.icpc_due_at is not None:
            target = f" Its target is {when_text(discussion.icpc_due_at, tz, '%a %d %b %Y')}."
        self.intro_label = QLabel(
            "When was the initial child protection conference held for the s47 enquiry of "
            f"referral {referral_id}? The strategy discussion was held "
            f"{when_text(discussion.held_at, tz, '%a %d %b %Y')}.{target}"
        )
        self.intro_label.setWordWrap(True)
        live_label(self.intro_label, "About this conference")
        outer.addWidget(self.intro_label)
        form = QFormLayout()
        self.held_on_edit = QDateEdit()
        self.held_on_edit.setAccessibleName("Date the conference was held")
        self.held_on_edit.setCalendarPopup(True)
        self.held_on_edit.setDisplayFormat("ddd dd MMM yyyy")
        today = session.desk.ctx.today()
        self.held_on_edit.setDate(QDate(today.year, today.month, today.day))
        box, self.held_on_message = with_message(self.held_on_edit)
        label = QLabel("Conference &held on:")
        label.setBuddy(self.held_on_edit)
        form.addRow(label, box)
        outer.addLayout(form)
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
        QWidget.setTabOrder(self.held_on_edit, self.save_button)
        QWidget.setTabOrder(self.save_button, self.cancel_button)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        self.held_on_edit.setFocus()

    def held_on(self) -> date:
        """The date in the field."""
        value = self.held_on_edit.date()
        return date(value.year(), value.month(), value.day())

    def message(self) -> str:
        """The message beside the date ("" when none)."""
        return self.held_on_message.message

    def save(self) -> None:
        """Record the date; a broken rule appears beside the date, nothing is saved."""
        if self._busy or self.result is not None:
            return
        self.held_on_message.clear_message()
        self.error_label.clear_message()
        self._busy = True
        self.save_button.setEnabled(False)
        self.session.tasks.write(
            self.session.desk.strategy.record_icpc,
            self.session.actor,
            self.discussion.id,
            self.discussion.version,
            self.held_on(),
            on_done=self._done,
            on_error=self._failed,
            label="Saving the conference date…",
        )

    def _done(self, result: Any) -> None:
        self._busy = False
        self.result = result.value
        self.session.hub.announce(result.changed)
        self.saved.emit(result.value)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            beside = [e.message for e in exc.errors if e.field == "held_on"]
            other = [e.message for e in exc.errors if e.field != "held_on"]
            self.held_on_message.show_message("\n".join(beside))
            self.error_label.show_message("\n".join(other))
            if beside:
                self.held_on_edit.setFocus()
            return
        self.error_label.show_message(describe_error(exc))
