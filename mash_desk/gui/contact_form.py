"""The New contact form: log a concern about one or more children, fast and from the keyboard.

Practitioners fill this in while the referrer is still on the phone, so:

* everything is reachable with Tab, and Ctrl+S or Ctrl+Enter saves from any field;
* existing children are looked up while the name and date of birth are typed (in the
  background, debounced), with the reasons each record may be the same child, so a known
  child is linked instead of duplicated;
* the service's rule messages appear next to the field they concern, and nothing is
  written until every rule passes;
* the form's state is kept as a draft on disk every few seconds and shortly after every
  change, so a crash or power cut loses at most a few seconds of typing.

The static layout comes from ``ui/new_contact.ui`` (compiled into
``mash_desk.gui.forms.ui_new_contact``); the child cards are built here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QEventLoop, Qt, QTime, QTimer, QTimeZone, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLineEdit,
    QListWidgetItem,
    QMessageBox,
    QStyle,
    QWidget,
)

from mash_desk.domain.enums import (
    REFERRAL_SOURCES,
    RISK_INDICATORS,
    Channel,
)
from mash_desk.domain.errors import FieldError, ValidationError
from mash_desk.domain.outcomes import is_under_five
from mash_desk.domain.permissions import Permission, allows
from mash_desk.gui.a11y import (
    announce,
    mark_required_by_labels,
    no_tab_trap,
)
from mash_desk.gui.attachments import AttachmentsEditor
from mash_desk.gui.child_card import RAG_WORDS, ChildCard
from mash_desk.gui.contact_drafts import DraftKeeping
from mash_desk.gui.contact_matches import (
    describe_match,
    parse_date,
)
from mash_desk.gui.drafts import DraftStore
from mash_desk.gui.field_messages import Target as _Target
from mash_desk.gui.field_messages import mark as _mark
from mash_desk.gui.field_messages import set_combo as _set_combo
from mash_desk.gui.field_messages import show_message as _show_message
from mash_desk.gui.forms.ui_new_contact import Ui_NewContactForm
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import describe_error
from mash_desk.services.dto import ContactDTO, OpResult
from mash_desk.services.inputs import NewContact
from mash_desk.services.reference import UserChoiceDTO

log = logging.getLogger(__name__)

AUTOSAVE_MS = 3000  # the periodic safety net: at most three seconds of typing at risk
EDIT_DEBOUNCE_MS = 500  # after a burst of typing, keep the draft half a second later

CHANNEL_LABELS = {
    Channel.PHONE: "Phone",
    Channel.EMAIL: "Email",
    Channel.REFERRAL_FORM: "Referral form",
    Channel.POLICE_NOTIFICATION: "Police notification",
    Channel.DROP_IN: "Drop-in",
    Channel.OUT_OF_HOURS: "Out-of-hours handover",
    Channel.PRIVATE_FOSTERING: "Private fostering notification",
}
_CHILD_FIELD = re.compile(r"^children\[(\d+)\]\.(.+)$")
_ERROR_SHEET = (
    'QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"], QComboBox[invalid="true"],'
    ' QDateTimeEdit[invalid="true"], QListWidget[invalid="true"]'
    " { border: 2px solid #c62828; border-radius: 2px; padding: 1px 3px; }"
)


def ask_unsaved_work(parent: QWidget) -> str:
    """Ask what to do with unsaved work; return ``"save"``, ``"discard"`` or ``"cancel"``."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Unsaved contact",
        "This contact has not been saved. Save it now?",
        QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setInformativeText("Discard throws away what you typed, including its draft.")
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    answer = box.exec()
    return {
        QMessageBox.StandardButton.Save: "save",
        QMessageBox.StandardButton.Discard: "discard",
    }.get(QMessageBox.StandardButton(answer), "cancel")


class ContactForm(DraftKeeping, QWidget):
    """Log a new contact with its children; drafts kept on disk until it is saved.

    Signals:
        saved(ContactDTO): the contact was logged (the form is then cleared for the next).
        dirty_changed(bool): whether the form holds unsaved work changed.

    Args:
        session: the signed-in desk.
        parent: the Qt parent.
        drafts: where drafts are kept; by default the user's drafts folder.
        drafts_dir: the folder for a default :class:`DraftStore` (tests pass a temporary one).
    """

    saved = Signal(object)
    dirty_changed = Signal(bool)

    def __init__(
        self,
        session: DeskSession,
        parent: QWidget | None = None,
        *,
        drafts: DraftStore | None = None,
        drafts_dir: Path | None = None,
    ):
        """Build the form over ``session`` with one empty child."""
        super().__init__(parent)
        self.session = session
        self.ui = Ui_NewContactForm()
        self.ui.setupUi(self)
        self.setStyleSheet(_ERROR_SHEET)
        self.drafts = drafts or session.draft_store(drafts_dir)
        self.draft_id: str | None = None
        self._last_written: str | None = None
        self._cards: list[ChildCard] = []
        self._saving = False
        self._save_outcome: bool | None = None
        self._dirty = False
        self._loading = False
        self._baseline: dict[str, Any] = {}
        self._sent_cards: list[ChildCard] = []
        self._linked_seen: list[tuple[int, str]] = []
        self._fill_choices()
        self._prepare_widgets()
        self._add_shortcuts()
        self._wire_edits()
        self._start_timers()
        self.clear()
        self._load_managers()

    # -- building --------------------------------------------------------------------------

    def _fill_choices(self) -> None:
        """Offer the channels, referral sources and risk indicators (ticked by hand)."""
        ui = self.ui
        for channel, label in CHANNEL_LABELS.items():
            ui.channel.addItem(label, channel.value)
        for code, label in REFERRAL_SOURCES.items():
            ui.referralSource.addItem(f"{code} — {label}", code)
        for code, label in RISK_INDICATORS.items():
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            ui.riskIndicators.addItem(item)

    def _prepare_widgets(self) -> None:
        """Clear the messages, mark required fields, and hook up buttons and attachments."""
        ui = self.ui
        self._set_received_edit_zone()
        for target in self._static_targets().values():
            _show_message(target.label, [])
        ui.statusLabel.clear()
        no_tab_trap(ui.riskIndicators)
        mark_required_by_labels(self)
        ui.saveButton.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_DialogSaveButton))
        ui.saveButton.clicked.connect(self.save)
        ui.addChildButton.clicked.connect(self.add_child)
        self.setFocusProxy(ui.channel)
        self.attachments = AttachmentsEditor(
            self,
            ui.attachmentsList,
            ui.addAttachmentButton,
            ui.removeAttachmentButton,
            ui.attachmentsError,
            self._edited,
        )
        self._managers: tuple[UserChoiceDTO, ...] = ()

    def _add_shortcuts(self) -> None:
        """Ctrl+S / Ctrl+Enter save and Ctrl+Shift+N adds a child, anywhere in the form."""
        for sequence in (
            QKeySequence(QKeySequence.StandardKey.Save),
            QKeySequence("Ctrl+Return"),
            QKeySequence("Ctrl+Enter"),
        ):
            shortcut = QShortcut(sequence, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.save)
        add = QShortcut(QKeySequence("Ctrl+Shift+N"), self)
        add.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        add.activated.connect(self.add_child)

    def _wire_edits(self) -> None:
        """Every edit marks the form dirty; a new received time moves every deadline."""
        ui = self.ui
        for edit in self._referrer_edits():
            edit.textChanged.connect(self._edited)
        ui.concerns.textChanged.connect(self._edited)
        ui.channel.currentIndexChanged.connect(self._edited)
        ui.referralSource.currentIndexChanged.connect(self._edited)
        ui.riskIndicators.itemChanged.connect(self._edited)
        ui.receivedAt.dateTimeChanged.connect(self._edited)
        ui.receivedAt.dateTimeChanged.connect(self._update_deadlines)

    def _start_timers(self) -> None:
        """Keep a draft shortly after typing pauses, and on a steady beat as well."""
        self._edit_timer = QTimer(self)
        self._edit_timer.setSingleShot(True)
        self._edit_timer.setInterval(EDIT_DEBOUNCE_MS)
        self._edit_timer.timeout.connect(self.autosave)
        self._autosave_timer = QTimer(self)
        self._autosave_timer.setInterval(AUTOSAVE_MS)
        self._autosave_timer.timeout.connect(self.autosave)
        self._autosave_timer.start()

    def _referrer_edits(self) -> tuple[QLineEdit, ...]:
        ui = self.ui
        return (
            ui.referrerName,
            ui.referrerRole,
            ui.referrerAgency,
            ui.referrerPhone,
            ui.referrerEmail,
        )

    def _load_managers(self) -> None:
        """Read who may authorise a consent override (MASH managers and chairs)."""
        self.session.tasks.read(
            self.session.desk.reference.users,
            self.session.actor,
            on_done=self._managers_loaded,
            on_error=lambda exc: log.warning("Could not list managers: %s", type(exc).__name__),
            label="Reading the staff list…",
        )

    def _managers_loaded(self, users: tuple[UserChoiceDTO, ...]) -> None:
        self._managers = tuple(u for u in users if allows(u.role, Permission.AUTHORISE))
        for card in self._cards:
            card.consent.set_managers(self._managers)

    @property
    def managers(self) -> tuple[UserChoiceDTO, ...]:
        """Who the consent override can name as its authorising manager."""
        return self._managers

    # -- children --------------------------------------------------------------------------

    @property
    def cards(self) -> list[ChildCard]:
        """The child cards, in order."""
        return list(self._cards)

    def add_child(self) -> ChildCard:
        """Add an empty child card and put the cursor in its first name."""
        card = self._new_card()
        self._renumber()
        if not self._loading:
            card.given_name.setFocus(Qt.FocusReason.TabFocusReason)
            self.ui.scrollArea.ensureWidgetVisible(card)
            self._edited()
        return card

    def _new_card(self) -> ChildCard:
        card = ChildCard(
            self, self.ui.childrenArea, on_change=self._edited, on_remove=self.remove_child
        )
        self.ui.childrenLayout.addWidget(card)
        card.consent.set_managers(self._managers)
        card.set_household_choices(
            [(pid, f"{name} (person {pid})") for pid, name in self._linked_seen]
        )
        # Shown now, not at the layout's next pass: a Tab typed at once must reach the card.
        card.show()
        self._cards.append(card)
        return card

    def remove_child(self, card: ChildCard) -> None:
        """Take a child off the contact (the last one stays)."""
        if card not in self._cards or len(self._cards) == 1:
            return
        index = self._cards.index(card)
        self._cards.remove(card)
        card.retire()
        card.hide()
        self.ui.childrenLayout.removeWidget(card)
        card.deleteLater()
        self._renumber()
        if not self._loading:
            self._cards[min(index, len(self._cards) - 1)].given_name.setFocus()
            self._edited()

    def _renumber(self) -> None:
        for number, card in enumerate(self._cards, start=1):
            card.set_number(number, only=len(self._cards) == 1, last=number == len(self._cards))
        self._update_tab_order()

    def _update_tab_order(self) -> None:
        ui = self.ui
        chain: list[QWidget] = [
            ui.receivedAt,
            ui.channel,
            ui.referrerName,
            ui.referrerRole,
            ui.referrerAgency,
            ui.referrerPhone,
            ui.referrerEmail,
            ui.referralSource,
            ui.concerns,
            ui.riskIndicators,
            ui.attachmentsList,
            ui.addAttachmentButton,
            ui.removeAttachmentButton,
        ]
        for card in self._cards:
            chain += card.focus_chain()
        chain += [ui.addChildButton, ui.saveButton]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    # -- received at -----------------------------------------------------------------------

    def _set_received_edit_zone(self) -> None:
        # The edit shows the MASH's own wall-clock time whatever the PC's zone is: it holds
        # that wall time as if it were UTC, and received_at() attaches the policy's zone.
        edit = self.ui.receivedAt
        if hasattr(edit, "setTimeZone"):
            edit.setTimeZone(QTimeZone(QTimeZone.Initialization.UTC))
        else:  # pragma: no cover — Qt before 6.7
            edit.setTimeSpec(Qt.TimeSpec.UTC)

    def received_at(self) -> datetime:
        """Return the received-at time as an aware datetime in the MASH's time zone."""
        value = self.ui.receivedAt.dateTime()
        day, moment = value.date(), value.time()
        return datetime(
            day.year(),
            day.month(),
            day.day(),
            moment.hour(),
            moment.minute(),
            tzinfo=self.session.desk.ctx.tz,
        )

    def set_received_at(self, when: datetime) -> None:
        """Show ``when`` (aware) in the received-at field, in the MASH's time zone."""
        local = when.astimezone(self.session.desk.ctx.tz)
        self.ui.receivedAt.setDateTime(
            QDateTime(
                QDate(local.year, local.month, local.day),
                QTime(local.hour, local.minute),
                QTimeZone(QTimeZone.Initialization.UTC),
            )
        )

    def _update_deadlines(self, *_args: Any) -> None:
        for card in self._cards:
            card.update_deadline()

    # -- state, dirtiness, drafts ----------------------------------------------------------

    def _checked_indicators(self) -> list[str]:
        box = self.ui.riskIndicators
        return [
            box.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(box.count())
            if box.item(row).checkState() == Qt.CheckState.Checked
        ]

    def has_unsaved_work(self) -> bool:
        """Return whether anything was typed since the form was opened or last saved."""
        return self._saving or self.to_draft() != self._baseline

    def _refresh_households(self) -> None:
        """Offer each new child the households of the existing children on the contact."""
        linked = [(c.linked.id, c.linked.full_name) for c in self._cards if c.linked]
        if linked == self._linked_seen:
            return
        self._linked_seen = linked
        for card in self._cards:
            card.set_household_choices(
                [(pid, f"{name} (person {pid})") for pid, name in linked if card.linked is None]
            )

    def _edited(self, *_args: Any) -> None:
        if self._loading:
            return
        self._refresh_households()
        dirty = self.has_unsaved_work()
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)
        self._edit_timer.start()

    def clear(self) -> None:
        """Empty the form for the next contact (received now, one blank child)."""
        ui = self.ui
        self._loading = True
        try:
            self.set_received_at(self.session.desk.ctx.clock.now())
            _set_combo(ui.channel, Channel.PHONE.value)
            for edit in self._referrer_edits():
                edit.clear()
            self.attachments.load(())
            ui.referralSource.setCurrentIndex(-1)
            ui.concerns.clear()
            for row in range(ui.riskIndicators.count()):
                ui.riskIndicators.item(row).setCheckState(Qt.CheckState.Unchecked)
            ui.riskIndicators.setCurrentRow(-1)
            ui.riskIndicators.scrollToTop()
            self._remove_all_cards()
            self._linked_seen = []
            self._new_card()
            self._renumber()
        finally:
            self._loading = False
        self.clear_errors()
        self._update_deadlines()
        self._baseline = self.to_draft()
        if self._dirty:
            self._dirty = False
            self.dirty_changed.emit(False)

    def _remove_all_cards(self) -> None:
        for card in self._cards:
            card.retire()
            card.hide()
            self.ui.childrenLayout.removeWidget(card)
            card.deleteLater()
        self._cards = []

    # -- saving ----------------------------------------------------------------------------

    def build(self) -> tuple[NewContact, list[FieldError]]:
        """Return the contact as typed, and the problems found before asking the service.

        A card left completely blank beside others is not sent: an extra "Add child" pressed
        by mistake must not block the save.
        """
        ui = self.ui
        problems: list[FieldError] = []
        children = []
        self._sent_cards = [c for c in self._cards if not c.is_blank()] or self._cards[:1]
        for index, card in enumerate(self._sent_cards):
            child, card_problems = card.build(f"children[{index}].")
            children.append(child)
            problems += card_problems
        new = NewContact(
            received_at=self.received_at(),
            channel=ui.channel.currentData() or "",
            referral_source=ui.referralSource.currentData() or "",
            concerns=ui.concerns.toPlainText(),
            children=tuple(children),
            referrer_name=ui.referrerName.text(),
            referrer_role=ui.referrerRole.text(),
            referrer_agency=ui.referrerAgency.text(),
            risk_indicators=tuple(self._checked_indicators()),
            referrer_phone=ui.referrerPhone.text(),
            referrer_email=ui.referrerEmail.text(),
            attachments=self.attachments.build(),
        )
        return new, problems

    def save(self) -> None:
        """Log the contact in the background; problems appear at their fields."""
        if self._saving:
            return
        self.clear_errors()
        new, problems = self.build()
        if problems:
            self.show_errors(problems)
            return
        self._saving = True
        self._save_outcome = None
        self._set_busy(True)
        self.session.tasks.write(
            self.session.desk.contacts.log,
            self.session.actor,
            new,
            on_done=self._saved,
            on_error=self._save_failed,
            label="Saving contact…",
        )

    @property
    def saving(self) -> bool:
        """Whether a save is under way."""
        return self._saving

    def _set_busy(self, busy: bool) -> None:
        self.ui.scrollArea.setEnabled(not busy)
        self.ui.saveButton.setEnabled(not busy)
        self.ui.addChildButton.setEnabled(not busy)
        if busy:
            self.ui.statusLabel.setText("Saving the contact…")

    def _saved(self, result: OpResult[ContactDTO]) -> None:
        self._saving = False
        self._save_outcome = True
        self._set_busy(False)
        contact = result.value
        self.session.hub.announce(result.changed)
        self._drop_draft()
        self.clear()
        self.ui.statusLabel.setText(self._saved_message(contact, result.notices))
        self.ui.channel.setFocus(Qt.FocusReason.OtherFocusReason)
        self.saved.emit(contact)

    def _saved_message(self, contact: ContactDTO, notices: Iterable[str]) -> str:
        tz = self.session.desk.ctx.tz
        today = self.session.desk.ctx.today()
        lines = [
            f"✔ Contact {contact.id} saved: {len(contact.children)} "
            f"child{'ren' if len(contact.children) != 1 else ''} now in the work queue."
        ]
        for child in contact.children:
            due = f"{child.due_at.astimezone(tz):%a %d/%m %H:%M}" if child.due_at else "no deadline"
            rating = RAG_WORDS[child.rag] if child.rag else "not rated"
            lines.append(f"   • {child.person.full_name} ({rating}) — decision due {due}")
        lines += [f"ℹ {notice}" for notice in notices]
        if any(
            is_under_five(c.person.date_of_birth, c.person.expected_delivery, today)
            for c in contact.children
        ):
            lines.append(
                "ℹ Under 5 on this contact: if social care is not needed, a children's-centre "
                "early-help offer must be made."
            )
        return "\n".join(lines)

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self._save_outcome = False
        self._set_busy(False)
        if isinstance(exc, ValidationError):
            self.show_errors(exc.errors)
            return
        _show_message(
            self.ui.formError,
            [f"Not saved: {describe_error(exc)} Your draft is kept; try again."],
        )
        self.ui.statusLabel.clear()

    def clear_errors(self) -> None:
        """Hide every field message."""
        for target in self._static_targets().values():
            _show_message(target.label, [])
            _mark(target.widget, None)
        _show_message(self.ui.formError, [])
        _show_message(self.ui.attachmentsError, [])
        _mark(self.ui.attachmentsList, None)
        for card in self._cards:
            card.clear_errors()

    def _static_targets(self) -> dict[str, _Target]:
        ui = self.ui
        return {
            "received_at": _Target(ui.receivedAt, ui.receivedAtError),
            "channel": _Target(ui.channel, ui.channelError),
            "referrer_name": _Target(ui.referrerName, ui.referrerNameError),
            "referrer_role": _Target(ui.referrerRole, ui.referrerRoleError),
            "referrer_agency": _Target(ui.referrerAgency, ui.referrerAgencyError),
            "referrer_phone": _Target(ui.referrerPhone, ui.referrerPhoneError),
            "referrer_email": _Target(ui.referrerEmail, ui.referrerEmailError),
            "referral_source": _Target(ui.referralSource, ui.referralSourceError),
            "concerns": _Target(ui.concerns, ui.concernsError),
            "risk_indicators": _Target(ui.riskIndicators, ui.riskIndicatorsError),
            "children": _Target(ui.addChildButton, ui.childrenError),
        }

    def target_of(self, field: str) -> _Target:
        """Return the widget and label that show the messages of service field ``field``."""
        static = self._static_targets()
        if field in static:
            return static[field]
        if field.startswith("attachments["):
            return _Target(self.ui.attachmentsList, self.ui.attachmentsError)
        match = _CHILD_FIELD.match(field)
        sent = self._sent_cards or self._cards
        if match and int(match.group(1)) < len(sent):
            return sent[int(match.group(1))].target(match.group(2))
        return _Target(None, self.ui.formError)

    def show_errors(self, errors: Iterable[FieldError]) -> None:
        """Show each message at its field, flag the fields, and focus the first."""
        grouped: dict[int, tuple[_Target, list[str]]] = {}
        for error in errors:
            target = self.target_of(error.field)
            key = id(target.label)
            if key not in grouped:
                grouped[key] = (target, [])
            grouped[key][1].append(error.message)
        first: QWidget | None = None
        for target, messages in grouped.values():
            _show_message(target.label, messages)
            _mark(target.widget, " ".join(messages))
            if first is None and target.widget is not None and target.widget.isEnabled():
                first = target.widget
        count = sum(len(m) for _, m in grouped.values())
        self.ui.statusLabel.setText(
            f"⚠ Not saved: {count} problem{'s' if count != 1 else ''} to fix, "
            "marked next to the fields. Nothing was written."
        )
        first_message = next(iter(grouped.values()))[1][0] if grouped else ""
        announce(
            self.ui.statusLabel, f"{self.ui.statusLabel.text()} {first_message}", assertive=True
        )
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            self.ui.scrollArea.ensureWidgetVisible(first)

    # -- closing ---------------------------------------------------------------------------

    def ask_unsaved(self) -> str:
        """Ask Save / Discard / Cancel; tests replace this to answer without a dialog."""
        return ask_unsaved_work(self)

    def maybe_close(self) -> bool:
        """Return whether the form may close now, asking first if work would be lost.

        Save waits for the save to finish (the window stays responsive meanwhile) and
        closes only if it succeeded; Discard deletes the draft; Cancel keeps the form.
        """
        if self._saving:
            self._wait_for_save()
        if not self.has_unsaved_work():
            self._drop_draft()
            return True
        answer = self.ask_unsaved()
        if answer == "save":
            self.save()
            if self._saving:
                self._wait_for_save()
            return bool(self._save_outcome) and not self.has_unsaved_work()
        if answer == "discard":
            # Emptied as well as deleted: were the close then refused elsewhere (another
            # form answered Cancel), the next autosave must not bring the draft back.
            self._drop_draft()
            self.clear()
            return True
        return False

    def _wait_for_save(self) -> None:
        loop = QEventLoop(self)
        timer = QTimer(self)
        timer.setInterval(20)
        timer.timeout.connect(lambda: None if self._saving else loop.quit())
        timer.start()
        loop.exec()
        timer.stop()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 — Qt API
        """Ask before a close would lose typed work."""
        if self.maybe_close():
            event.accept()
        else:
            event.ignore()


__all__ = [
    "ContactForm",
    "ask_unsaved_work",
    "describe_match",
    "parse_date",
]
