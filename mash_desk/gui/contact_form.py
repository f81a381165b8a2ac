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

import contextlib
import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QEventLoop, Qt, QTime, QTimer, QTimeZone, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from mash_desk.domain.enums import (
    REFERRAL_SOURCES,
    RISK_INDICATORS,
    Channel,
    ConsentPurpose,
    ConsentState,
    Rag,
    Sex,
)
from mash_desk.domain.errors import FieldError, ValidationError
from mash_desk.domain.identifiers import format_nhs_number
from mash_desk.domain.outcomes import is_under_five
from mash_desk.gui.a11y import (
    announce,
    live_label,
    mark_invalid,
    mark_required_by_labels,
    no_tab_trap,
)
from mash_desk.gui.drafts import DraftStore
from mash_desk.gui.forms.ui_new_contact import Ui_NewContactForm
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import describe_error
from mash_desk.services.dto import ContactDTO, MatchDTO, OpResult, PersonDTO
from mash_desk.services.inputs import ChildOnContact, ConsentInput, NewContact, NewPerson

log = logging.getLogger(__name__)

DRAFT_KIND = "new_contact"
AUTOSAVE_MS = 3000  # the periodic safety net: at most three seconds of typing at risk
EDIT_DEBOUNCE_MS = 500  # after a burst of typing, keep the draft half a second later
SEARCH_DEBOUNCE_MS = 400  # look up existing children once the typist pauses

CHANNEL_LABELS = {
    Channel.PHONE: "Phone",
    Channel.EMAIL: "Email",
    Channel.REFERRAL_FORM: "Referral form",
    Channel.POLICE_NOTIFICATION: "Police notification",
    Channel.DROP_IN: "Drop-in",
    Channel.OUT_OF_HOURS: "Out-of-hours handover",
    Channel.PRIVATE_FOSTERING: "Private fostering notification",
}
SEX_LABELS = {
    Sex.UNKNOWN: "Not known",
    Sex.FEMALE: "Female",
    Sex.MALE: "Male",
    Sex.INDETERMINATE: "Indeterminate",
}
CONSENT_PURPOSE_LABELS = {
    ConsentPurpose.SHARE_INFORMATION: "Share information",
    ConsentPurpose.EARLY_HELP: "Early help",
    ConsentPurpose.ASSESSMENT: "Assessment",
}
# Overriding consent needs the approving manager chosen from the users, which no service
# lists yet; until one does, an override is recorded from the case, not from this form.
CONSENT_STATE_CHOICES = (
    ("", "Not recorded yet"),
    (ConsentState.SOUGHT.value, "Sought — awaiting an answer"),
    (ConsentState.GIVEN.value, "Given"),
    (ConsentState.REFUSED.value, "Refused"),
    (ConsentState.NOT_SOUGHT.value, "Not sought (say why)"),
)
_STATES_WITH_REASON = {ConsentState.REFUSED.value, ConsentState.NOT_SOUGHT.value}
RAG_WORDS = {Rag.RED: "Red", Rag.AMBER: "Amber", Rag.GREEN: "Green"}
# Shapes as well as colours, so urgency never depends on seeing red from amber.
RAG_ICONS = {
    Rag.RED: QStyle.StandardPixmap.SP_MessageBoxCritical,
    Rag.AMBER: QStyle.StandardPixmap.SP_MessageBoxWarning,
    Rag.GREEN: QStyle.StandardPixmap.SP_MessageBoxInformation,
}
UNRATED_CLOCK = Rag.AMBER  # the service's clock for a child not yet rated

_CHILD_FIELD = re.compile(r"^children\[(\d+)\]\.(.+)$")
_CONSENT_FIELD = re.compile(r"^consents\[(\d+)\]\.(\w+)$")
_DATE_SPLIT = re.compile(r"^\s*(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{2}|\d{4})\s*$")
_DATE_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_DATE_COMPACT = re.compile(r"^\s*(\d{2})(\d{2})(\d{4})\s*$")
_ERROR_SHEET = (
    'QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"], QComboBox[invalid="true"],'
    ' QDateTimeEdit[invalid="true"], QListWidget[invalid="true"]'
    " { border: 2px solid #c62828; border-radius: 2px; padding: 1px 3px; }"
)


def parse_date(text: str) -> date | None:
    """Read a typed date: dd/mm/yyyy (also with - . or space), yyyy-mm-dd or ddmmyyyy.

    Returns None for blank text; raises ``ValueError`` for text that is no date. A two-digit
    year is read as 20yy: the form records children.
    """
    if not text.strip():
        return None
    match = _DATE_SPLIT.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if len(match.group(3)) == 2:
            year += 2000
        return date(year, month, day)
    match = _DATE_ISO.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return date(year, month, day)
    match = _DATE_COMPACT.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    raise ValueError(text)


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


def _set_combo(combo: QComboBox, value: Any) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(index if index >= 0 else (0 if combo.placeholderText() == "" else -1))


def _error_colour(widget: QWidget) -> str:
    # Dark red reads at 7:1 on the light theme; on the dark theme a light red does.
    dark = widget.palette().color(QPalette.ColorRole.Window).lightness() < 128
    return "#ff8a80" if dark else "#b00020"


def _mark(widget: QWidget | None, message: str | None) -> None:
    """Flag (or unflag) a field as invalid, for the eye and for screen readers."""
    if widget is None:
        return
    widget.setProperty("invalid", bool(message))
    mark_invalid(widget, message)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def _show_message(label: QLabel, messages: list[str]) -> None:
    if not messages:
        label.clear()
        label.hide()
        return
    label.setText("\n".join(f"⚠ {m}" for m in messages))
    label.setStyleSheet(f"color: {_error_colour(label)}; font-weight: 600;")
    label.setAccessibleName("Problem: " + " ".join(messages))
    label.show()


def _error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.hide()
    return label


@dataclass
class _Target:
    """Where the messages of one field go: its widget (to flag and focus) and its label."""

    widget: QWidget | None
    label: QLabel


class ChildCard(QGroupBox):
    """One child on the contact: a new child's details, or a link to an existing record.

    The card tells its form about changes by plain calls rather than Qt signals: they fire
    on every keystroke, and PySide6 6.12.0 loses a reference to ``True`` on every signal
    emitted from Python, which in time crashes the interpreter.

    Args:
        form: the form (it provides the session and the received-at time).
        parent: the Qt parent.
        on_change: called when anything in the card changed (the form keeps its draft).
        on_remove: called with the card when the user asks to take the child off.
    """

    def __init__(
        self,
        form: ContactForm,
        parent: QWidget | None = None,
        *,
        on_change: Callable[[], None] | None = None,
        on_remove: Callable[[ChildCard], None] | None = None,
    ):
        """Build an empty card for ``form``."""
        super().__init__(parent)
        self.form = form
        self._on_change = on_change or (lambda: None)
        self.session = form.session
        self._search_generation = 0
        self._gone = False
        self._filling = False
        self.linked: PersonDTO | None = None
        self._linked_label = ""
        self._typed: dict[str, Any] | None = None

        grid = QGridLayout(self)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.given_name = self._line("First name", "Leave blank for an unborn child")
        self.family_name = self._line("Family name *", "")
        self.unborn = QCheckBox("&Unborn — give the expected delivery date", self)
        self.unborn.setAccessibleName("Unborn child")
        self.date_of_birth = self._line("Date of birth *", "dd/mm/yyyy")
        self.expected_delivery = self._line("Expected delivery date *", "dd/mm/yyyy")
        self.expected_delivery.setEnabled(False)
        self.sex = QComboBox(self)
        self.sex.setAccessibleName("Sex")
        for sex, label in SEX_LABELS.items():
            self.sex.addItem(label, sex.value)
        self.nhs_number = self._line("NHS number", "10 digits, e.g. 943 476 5919")

        self.rag = QComboBox(self)
        self.rag.setAccessibleName("RAG rating")
        self.rag.addItem(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxQuestion),
            "Not rated yet (runs on the amber clock)",
            "",
        )
        policy = self.session.desk.ctx.policy
        for rag in (Rag.RED, Rag.AMBER, Rag.GREEN):
            self.rag.addItem(
                self.style().standardIcon(RAG_ICONS[rag]),
                f"{RAG_WORDS[rag]} — decide within {policy.rag[rag].decision.describe()}",
                rag.value,
            )
        self.rag_reason = self._line("Reason for the RAG rating", "Why this urgency")
        # Long choices would otherwise widen their column and squeeze the other one.
        for combo in (self.sex, self.rag):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(16)
        self.deadline = QLabel(self)
        self.deadline.setWordWrap(True)
        live_label(self.deadline, "Decision due")
        self.deadline_icon = QLabel(self)

        self.errors: dict[str, QLabel] = {}
        self._blocks: dict[str, QWidget] = {
            "given_name": self.given_name,
            "family_name": self.family_name,
            "date_of_birth": self.date_of_birth,
            "expected_delivery": self.expected_delivery,
            "sex": self.sex,
            "nhs_number": self.nhs_number,
            "rag": self.rag,
            "rag_reason": self.rag_reason,
        }
        labels = {
            "given_name": "First name",
            "family_name": "Family name *",
            "date_of_birth": "Date of birth *",
            "expected_delivery": "Expected delivery date *",
            "sex": "Sex",
            "nhs_number": "NHS number",
            "rag": "RAG rating",
            "rag_reason": "Reason for the RAG rating",
        }
        positions = {
            "given_name": (0, 0),
            "family_name": (0, 1),
            "date_of_birth": (2, 0),
            "expected_delivery": (2, 1),
            "sex": (3, 0),
            "nhs_number": (3, 1),
            "rag": (5, 0),
            "rag_reason": (5, 1),
        }
        for name, widget in self._blocks.items():
            block = QVBoxLayout()
            block.setSpacing(2)
            caption = QLabel(labels[name], self)
            caption.setBuddy(widget)
            block.addWidget(caption)
            block.addWidget(widget)
            self.errors[name] = _error_label(self)
            block.addWidget(self.errors[name])
            # Top-aligned, so a message under one field does not push its neighbour down.
            grid.addLayout(block, *positions[name], alignment=Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.unborn, 1, 0, 1, 2)

        # Possible existing records, with why each may be this child.
        matches = QVBoxLayout()
        matches.setSpacing(2)
        self.search_status = QLabel(self)
        self.search_status.setWordWrap(True)
        live_label(self.search_status, "Existing records")
        self.suggestions = QListWidget(self)
        no_tab_trap(self.suggestions)
        self.suggestions.setAccessibleName("Possible existing records of this child")
        self.suggestions.setAccessibleDescription(
            "Use the arrow keys to choose an existing record, or Keep as a new child"
        )
        self.suggestions.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.suggestions.setWordWrap(True)
        self.suggestions.hide()
        self.linked_note = QLabel(self)
        self.linked_note.setWordWrap(True)
        self.linked_note.hide()
        self.errors["person"] = _error_label(self)
        for widget in (self.search_status, self.suggestions, self.linked_note):
            matches.addWidget(widget)
        matches.addWidget(self.errors["person"])
        grid.addLayout(matches, 4, 0, 1, 2)

        consent_box = QGroupBox("Consent", self)
        consent_grid = QGridLayout(consent_box)
        consent_grid.setColumnStretch(2, 1)
        self.consents: dict[ConsentPurpose, tuple[QComboBox, QLineEdit, QLabel]] = {}
        for row, (purpose, label) in enumerate(CONSENT_PURPOSE_LABELS.items()):
            state = QComboBox(consent_box)
            state.setAccessibleName(f"Consent to {label.lower()}")
            for value, text in CONSENT_STATE_CHOICES:
                state.addItem(text, value)
            reason = QLineEdit(consent_box)
            reason.setAccessibleName(f"Why consent to {label.lower()} was not sought or refused")
            reason.setPlaceholderText("Reason (when refused or not sought)")
            reason.setEnabled(False)
            error = _error_label(consent_box)
            caption = QLabel(label, consent_box)
            caption.setBuddy(state)
            consent_grid.addWidget(caption, row * 2, 0)
            consent_grid.addWidget(state, row * 2, 1)
            consent_grid.addWidget(reason, row * 2, 2)
            consent_grid.addWidget(error, row * 2 + 1, 1, 1, 2)
            self.consents[purpose] = (state, reason, error)
            state.currentIndexChanged.connect(
                lambda _i, s=state, r=reason: r.setEnabled(s.currentData() in _STATES_WITH_REASON)
            )
            state.currentIndexChanged.connect(self._changed)
            reason.textChanged.connect(self._changed)
        due_row = QHBoxLayout()
        due_row.addWidget(self.deadline_icon)
        due_row.addWidget(self.deadline, 1)
        grid.addLayout(due_row, 6, 0, 1, 2)
        grid.addWidget(consent_box, 7, 0, 1, 2)
        # Which consent purpose each ``consents[j]`` of the last save attempt was.
        self.consent_order: list[ConsentPurpose] = []

        bottom = QHBoxLayout()
        self.errors["_card"] = _error_label(self)
        bottom.addWidget(self.errors["_card"], 1)
        self.remove_button = QPushButton("Remove this child", self)
        self.remove_button.setAccessibleName("Remove this child from the contact")
        self.remove_button.clicked.connect(lambda: (on_remove or (lambda _c: None))(self))
        bottom.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignRight)
        grid.addLayout(bottom, 8, 0, 1, 2)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.search)

        self.unborn.toggled.connect(self._unborn_toggled)
        for edit in (self.given_name, self.family_name, self.date_of_birth,
                     self.expected_delivery, self.nhs_number):  # fmt: skip
            edit.textEdited.connect(self._identity_edited)
            edit.textChanged.connect(self._changed)
        for edit in (self.date_of_birth, self.expected_delivery):
            edit.editingFinished.connect(lambda e=edit: self._tidy_date(e))
        self.unborn.toggled.connect(self._identity_edited)
        self.sex.currentIndexChanged.connect(self._changed)
        self.rag.currentIndexChanged.connect(self._changed)
        self.rag.currentIndexChanged.connect(self.update_deadline)
        mark_required_by_labels(self)
        self.rag_reason.textChanged.connect(self._changed)
        self.suggestions.currentRowChanged.connect(self._choice_changed)
        self.update_deadline()

    # -- building --------------------------------------------------------------------------

    def _line(self, accessible: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setAccessibleName(accessible.rstrip(" *"))
        edit.setPlaceholderText(placeholder)
        return edit

    def set_number(self, number: int, only: bool) -> None:
        """Title the card "Child n" and allow removal only when another child remains."""
        self.setTitle(f"Child {number}")
        self.setAccessibleName(f"Child {number}")
        self.remove_button.setEnabled(not only)

    def focus_chain(self) -> list[QWidget]:
        """Return the card's inputs in tab order."""
        chain: list[QWidget] = [
            self.given_name,
            self.family_name,
            self.unborn,
            self.date_of_birth,
            self.expected_delivery,
            self.sex,
            self.nhs_number,
            self.suggestions,
            self.rag,
            self.rag_reason,
        ]
        for state, reason, _ in self.consents.values():
            chain += [state, reason]
        chain.append(self.remove_button)
        return chain

    def retire(self) -> None:
        """Stop the card before it is deleted (late search results are then ignored)."""
        self._gone = True
        self._search_timer.stop()

    # -- reacting --------------------------------------------------------------------------

    def _changed(self, *_args: Any) -> None:
        if not self._filling:
            self._on_change()

    def _unborn_toggled(self, unborn: bool) -> None:
        # Disabled fields drop out of the tab order, so Tab goes straight to the right date.
        self.date_of_birth.setEnabled(not unborn)
        self.expected_delivery.setEnabled(unborn)
        self._changed()

    def _tidy_date(self, edit: QLineEdit) -> None:
        try:
            value = parse_date(edit.text())
        except ValueError:
            return
        if value is not None and edit.text() != f"{value:%d/%m/%Y}":
            edit.setText(f"{value:%d/%m/%Y}")

    def _identity_edited(self, *_args: Any) -> None:
        if self._filling or self.linked is not None:
            return
        self._search_timer.start()

    def update_deadline(self, *_args: Any) -> None:
        """Show when the decision on this child will be due, in words and with an icon."""
        received = self.form.received_at()
        value = self.rag.currentData()
        rag = Rag(value) if value else UNRATED_CLOCK
        due = self.session.desk.ctx.deadlines.decision_due(rag, received)
        local = due.astimezone(self.session.desk.ctx.tz)
        lead = "Not rated yet (amber clock)" if not value else RAG_WORDS[rag]
        icon = RAG_ICONS[rag] if value else QStyle.StandardPixmap.SP_MessageBoxQuestion
        self.deadline_icon.setPixmap(self.style().standardIcon(icon).pixmap(16, 16))
        self.deadline.setText(f"{lead}: decision due by {local:%a %d/%m/%Y %H:%M}")

    # -- duplicate search ------------------------------------------------------------------

    def facts(self) -> NewPerson | None:
        """Return what is typed as a person to look up, or None if too little to search on."""
        given = self.given_name.text().strip()
        family = self.family_name.text().strip()
        try:
            dob = None if self.unborn.isChecked() else parse_date(self.date_of_birth.text())
            edd = parse_date(self.expected_delivery.text()) if self.unborn.isChecked() else None
        except ValueError:
            dob = edd = None
        digits = re.sub(r"\D", "", self.nhs_number.text())
        nhs = digits if len(digits) == 10 else None
        if not (nhs or (family and (given or dob or edd))):
            return None
        return NewPerson(
            given_name=given,
            family_name=family,
            date_of_birth=dob,
            expected_delivery=edd,
            nhs_number=nhs,
        )

    def search(self) -> None:
        """Look for existing records of the child as typed (in the background)."""
        if self._gone or self.linked is not None:
            return
        facts = self.facts()
        self._search_generation += 1
        generation = self._search_generation
        if facts is None:
            self._show_matches([], searched=False)
            return
        self.search_status.setText("Looking for existing records…")
        self.session.tasks.read(
            self.session.desk.people.find_duplicates,
            self.session.actor,
            facts,
            on_done=lambda found, g=generation: self._results(g, found),
            on_error=lambda exc, g=generation: self._search_failed(g, exc),
            label="Looking for existing records…",
        )

    def _results(self, generation: int, found: list[MatchDTO]) -> None:
        # A slower, older search must not overwrite the answer to what is typed now.
        if self._gone or generation != self._search_generation or self.linked is not None:
            return
        self._show_matches(found, searched=True)

    def _search_failed(self, generation: int, exc: BaseException) -> None:
        if self._gone or generation != self._search_generation:
            return
        self.search_status.setText(f"⚠ Could not look for existing records: {describe_error(exc)}")

    def _show_matches(self, found: list[MatchDTO], *, searched: bool) -> None:
        self._filling = True
        try:
            self.suggestions.clear()
            if not found:
                self.suggestions.hide()
                self.search_status.setText(
                    "✓ No existing record matches: a new child will be created." if searched else ""
                )
                return
            keep = QListWidgetItem("+ Keep as a new child (none of these)")
            keep.setData(Qt.ItemDataRole.UserRole, None)
            self.suggestions.addItem(keep)
            for match in found:
                item = QListWidgetItem(describe_match(match))
                item.setData(Qt.ItemDataRole.UserRole, match)
                item.setToolTip(describe_match(match))
                self.suggestions.addItem(item)
            self.suggestions.setCurrentRow(0)
            self.suggestions.show()
            self._fit_suggestions()
            count = len(found)
            self.search_status.setText(
                f"⚠ {count} existing record{'s' if count != 1 else ''} may be this child — "
                "choose one with the arrow keys, or keep as a new child:"
            )
        finally:
            self._filling = False

    def _fit_suggestions(self) -> None:
        # Room for "keep as new" plus up to three records of three lines each (who, and the
        # reasons, which wrap); the list scrolls beyond that. Row sizes are not known until
        # the list is laid out, so the height comes from the font rather than the rows.
        records = min(self.suggestions.count() - 1, 3)
        line = self.suggestions.fontMetrics().lineSpacing()
        height = line * (1 + 3 * records) + 2 * self.suggestions.frameWidth() + 8
        self.suggestions.setFixedHeight(height)

    def _choice_changed(self, row: int) -> None:
        if self._filling or row < 0:
            return
        item = self.suggestions.item(row)
        match = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if match is None:
            self.unlink()
        else:
            self.link(match.person, item.text().split("\n")[0])

    def link(self, person: PersonDTO, label: str) -> None:
        """Use an existing record for this child; the typed details are kept to undo."""
        if self._typed is None:
            self._typed = self.identity()
        self.linked = person
        self._linked_label = label
        self._filling = True
        try:
            self.given_name.setText(person.given_name)
            self.family_name.setText(person.family_name)
            self.unborn.setChecked(person.unborn)
            self.date_of_birth.setText(
                f"{person.date_of_birth:%d/%m/%Y}" if person.date_of_birth else ""
            )
            self.expected_delivery.setText(
                f"{person.expected_delivery:%d/%m/%Y}" if person.expected_delivery else ""
            )
            _set_combo(self.sex, person.sex)
            nhs = person.nhs_number
            self.nhs_number.setText(format_nhs_number(nhs) if nhs else "")
        finally:
            self._filling = False
        self._set_identity_editable(False)
        self.linked_note.setText(
            f"✔ This contact will use the existing record of {person.full_name} "
            f"(person {person.id}). Choose “Keep as a new child” to undo."
        )
        self.linked_note.show()
        self._on_change()

    def unlink(self) -> None:
        """Go back to creating a new child from what was typed."""
        if self.linked is None:
            return
        self.linked = None
        self._linked_label = ""
        typed, self._typed = self._typed, None
        self._set_identity_editable(True)
        if typed is not None:
            self._filling = True
            try:
                self.set_identity(typed)
            finally:
                self._filling = False
        self.linked_note.hide()
        self._on_change()

    def _set_identity_editable(self, editable: bool) -> None:
        # Read-only rather than disabled: the linked child's details stay readable (and in
        # the tab order for screen readers); the note under them says how to undo the link.
        for edit in (
            self.given_name,
            self.family_name,
            self.date_of_birth,
            self.expected_delivery,
            self.nhs_number,
        ):
            edit.setReadOnly(not editable)
        self.unborn.setEnabled(editable)
        self.sex.setEnabled(editable)

    # -- state -----------------------------------------------------------------------------

    def identity(self) -> dict[str, Any]:
        """Return the identity fields as typed."""
        return {
            "given_name": self.given_name.text(),
            "family_name": self.family_name.text(),
            "unborn": self.unborn.isChecked(),
            "date_of_birth": self.date_of_birth.text(),
            "expected_delivery": self.expected_delivery.text(),
            "sex": self.sex.currentData(),
            "nhs_number": self.nhs_number.text(),
        }

    def set_identity(self, values: dict[str, Any]) -> None:
        """Fill the identity fields from :meth:`identity`'s shape."""
        self.given_name.setText(str(values.get("given_name", "")))
        self.family_name.setText(str(values.get("family_name", "")))
        self.unborn.setChecked(bool(values.get("unborn", False)))
        self.date_of_birth.setText(str(values.get("date_of_birth", "")))
        self.expected_delivery.setText(str(values.get("expected_delivery", "")))
        _set_combo(self.sex, values.get("sex", Sex.UNKNOWN.value))
        self.nhs_number.setText(str(values.get("nhs_number", "")))

    def state(self) -> dict[str, Any]:
        """Return everything in the card as JSON-ready data (for drafts)."""
        return {
            **self.identity(),
            "rag": self.rag.currentData() or "",
            "rag_reason": self.rag_reason.text(),
            "consents": {
                purpose.value: {"state": state.currentData() or "", "reason": reason.text()}
                for purpose, (state, reason, _) in self.consents.items()
            },
            "person_id": self.linked.id if self.linked else None,
            "person": _person_json(self.linked) if self.linked else None,
            "person_label": self._linked_label,
            "typed": self._typed,
        }

    def load(self, data: dict[str, Any]) -> None:
        """Fill the card from :meth:`state`'s shape (missing keys keep their defaults)."""
        self._filling = True
        try:
            self.set_identity(data)
            _set_combo(self.rag, data.get("rag", ""))
            self.rag_reason.setText(str(data.get("rag_reason", "")))
            for purpose, (state, reason, _) in self.consents.items():
                entry = (data.get("consents") or {}).get(purpose.value) or {}
                _set_combo(state, entry.get("state", ""))
                reason.setText(str(entry.get("reason", "")))
        finally:
            self._filling = False
        person = _person_from_json(data.get("person"))
        if person is not None:
            label = str(data.get("person_label") or person.full_name)
            self._filling = True
            try:
                keep = QListWidgetItem("+ Keep as a new child (none of these)")
                keep.setData(Qt.ItemDataRole.UserRole, None)
                chosen = QListWidgetItem(label)
                chosen.setData(Qt.ItemDataRole.UserRole, _RestoredMatch(person))
                self.suggestions.addItem(keep)
                self.suggestions.addItem(chosen)
                self.suggestions.setCurrentRow(1)
                self.suggestions.show()
                self._fit_suggestions()
            finally:
                self._filling = False
            typed = data.get("typed")
            self._typed = typed if isinstance(typed, dict) else None
            self.link(person, label)
            if isinstance(typed, dict):
                self._typed = typed
        elif (self.family_name.text() or self.nhs_number.text()).strip():
            self._search_timer.start()
        self.update_deadline()

    def is_blank(self) -> bool:
        """Return whether nothing was entered in this card."""
        blank = ChildCard.blank_state()
        return self.state() == blank

    @staticmethod
    def blank_state() -> dict[str, Any]:
        """Return the state of an untouched card."""
        return {
            "given_name": "",
            "family_name": "",
            "unborn": False,
            "date_of_birth": "",
            "expected_delivery": "",
            "sex": Sex.UNKNOWN.value,
            "nhs_number": "",
            "rag": "",
            "rag_reason": "",
            "consents": {p.value: {"state": "", "reason": ""} for p in ConsentPurpose},
            "person_id": None,
            "person": None,
            "person_label": "",
            "typed": None,
        }

    def build(self, prefix: str) -> tuple[ChildOnContact, list[FieldError]]:
        """Return the child for the service, and the dates that could not be read."""
        problems: list[FieldError] = []
        dob = edd = None
        if self.linked is None:
            unborn = self.unborn.isChecked()
            for name, edit in (
                ("date_of_birth", self.date_of_birth),
                ("expected_delivery", self.expected_delivery),
            ):
                if (name == "expected_delivery") == unborn:
                    try:
                        value = parse_date(edit.text())
                    except ValueError:
                        problems.append(
                            FieldError(
                                prefix + name,
                                "date_format",
                                f"“{edit.text().strip()}” is not a date: type it as dd/mm/yyyy",
                            )
                        )
                        continue
                    if name == "date_of_birth":
                        dob = value
                    else:
                        edd = value
        consents = []
        self.consent_order = []
        for purpose, (state, reason, _) in self.consents.items():
            if state.currentData():
                consents.append(
                    ConsentInput(
                        purpose=purpose.value,
                        state=state.currentData(),
                        reason=reason.text().strip() or None if reason.isEnabled() else None,
                    )
                )
                self.consent_order.append(purpose)
        rag = self.rag.currentData() or None
        reason_text = self.rag_reason.text().strip() or None
        if self.linked is not None:
            return (
                ChildOnContact(
                    person_id=self.linked.id,
                    rag=rag,
                    rag_reason=reason_text,
                    consents=tuple(consents),
                ),
                problems,
            )
        person = NewPerson(
            given_name=self.given_name.text(),
            family_name=self.family_name.text(),
            date_of_birth=dob,
            expected_delivery=edd,
            sex=self.sex.currentData() or Sex.UNKNOWN.value,
            nhs_number=self.nhs_number.text().strip() or None,
        )
        return (
            ChildOnContact(new=person, rag=rag, rag_reason=reason_text, consents=tuple(consents)),
            problems,
        )

    def target(self, rest: str) -> _Target:
        """Return where the message of field ``children[i].<rest>`` is shown."""
        if rest in self._blocks:
            return _Target(self._blocks[rest], self.errors[rest])
        if rest == "person":
            widget = self.given_name if self.suggestions.isHidden() else self.suggestions
            return _Target(widget, self.errors["person"])
        match = _CONSENT_FIELD.match(rest)
        if match and int(match.group(1)) < len(self.consent_order):
            state, reason, label = self.consents[self.consent_order[int(match.group(1))]]
            widget = reason if match.group(2) in ("reason", "lawful_basis") else state
            return _Target(widget, label)
        return _Target(None, self.errors["_card"])

    def clear_errors(self) -> None:
        """Hide every message in the card."""
        for label in self.errors.values():
            _show_message(label, [])
        for _, _, label in self.consents.values():
            _show_message(label, [])
        for widget in self.focus_chain():
            if widget.property("invalid"):
                _mark(widget, None)


@dataclass(frozen=True)
class _RestoredMatch:
    """A chosen record restored from a draft (its reasons were not kept)."""

    person: PersonDTO


def describe_match(match: MatchDTO) -> str:
    """Return a suggestion as two lines: who the record is, then why it may be this child."""
    person = match.person
    born = (
        f"born {person.date_of_birth:%d/%m/%Y}"
        if person.date_of_birth
        else f"unborn, due {person.expected_delivery:%d/%m/%Y}"
        if person.expected_delivery
        else "no date of birth"
    )
    bits = [person.full_name, born]
    if person.nhs_number:
        bits.append(f"NHS {format_nhs_number(person.nhs_number)}")
    if person.postcode:
        bits.append(person.postcode)
    bits.append(f"person {person.id}")
    return (
        " · ".join(bits)
        + f"  — {match.score:.0%} match\n    Why: {match.explanation or 'similar details'}"
    )


def _person_json(person: PersonDTO) -> dict[str, Any]:
    return {
        "id": person.id,
        "kind": person.kind,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "expected_delivery": (
            person.expected_delivery.isoformat() if person.expected_delivery else None
        ),
        "sex": person.sex,
        "nhs_number": person.nhs_number,
        "postcode": person.postcode,
        "household_id": person.household_id,
        "version": person.version,
    }


def _person_from_json(data: Any) -> PersonDTO | None:
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return None
    try:
        return PersonDTO(
            id=data["id"],
            kind=str(data.get("kind", "child")),
            given_name=str(data.get("given_name", "")),
            family_name=str(data.get("family_name", "")),
            date_of_birth=date.fromisoformat(data["date_of_birth"])
            if data.get("date_of_birth")
            else None,
            expected_delivery=date.fromisoformat(data["expected_delivery"])
            if data.get("expected_delivery")
            else None,
            sex=str(data.get("sex", Sex.UNKNOWN.value)),
            nhs_number=data.get("nhs_number"),
            upn=None,
            local_id=None,
            household_id=data.get("household_id"),
            postcode=data.get("postcode"),
            disability=False,
            version=int(data.get("version", 1)),
        )
    except (TypeError, ValueError):
        return None


class ContactForm(QWidget):
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
        self.drafts = drafts or DraftStore(drafts_dir, session.actor.username)
        self.draft_id: str | None = None
        self._last_written: str | None = None
        self._cards: list[ChildCard] = []
        self._saving = False
        self._save_outcome: bool | None = None
        self._dirty = False
        self._loading = False
        self._baseline: dict[str, Any] = {}
        self._sent_cards: list[ChildCard] = []

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
        self._set_received_edit_zone()
        for label in self._static_targets().values():
            _show_message(label.label, [])
        ui.statusLabel.clear()
        no_tab_trap(ui.riskIndicators)
        mark_required_by_labels(self)
        ui.saveButton.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_DialogSaveButton))
        ui.saveButton.clicked.connect(self.save)
        ui.addChildButton.clicked.connect(self.add_child)
        self.setFocusProxy(ui.channel)

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

        for edit in (ui.referrerName, ui.referrerRole, ui.referrerAgency):
            edit.textChanged.connect(self._edited)
        ui.concerns.textChanged.connect(self._edited)
        ui.channel.currentIndexChanged.connect(self._edited)
        ui.referralSource.currentIndexChanged.connect(self._edited)
        ui.riskIndicators.itemChanged.connect(self._edited)
        ui.receivedAt.dateTimeChanged.connect(self._edited)
        ui.receivedAt.dateTimeChanged.connect(self._update_deadlines)

        self._edit_timer = QTimer(self)
        self._edit_timer.setSingleShot(True)
        self._edit_timer.setInterval(EDIT_DEBOUNCE_MS)
        self._edit_timer.timeout.connect(self.autosave)
        self._autosave_timer = QTimer(self)
        self._autosave_timer.setInterval(AUTOSAVE_MS)
        self._autosave_timer.timeout.connect(self.autosave)
        self._autosave_timer.start()

        self.clear()

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
            card.set_number(number, only=len(self._cards) == 1)
        self._update_tab_order()

    def _update_tab_order(self) -> None:
        ui = self.ui
        chain: list[QWidget] = [
            ui.receivedAt,
            ui.channel,
            ui.referrerName,
            ui.referrerRole,
            ui.referrerAgency,
            ui.referralSource,
            ui.concerns,
            ui.riskIndicators,
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

    def to_draft(self) -> dict[str, Any]:
        """Return everything typed as JSON-ready data; :meth:`load_draft` takes it back."""
        ui = self.ui
        return {
            "kind": DRAFT_KIND,
            "received_at": self.received_at().isoformat(),
            "channel": ui.channel.currentData() or "",
            "referrer_name": ui.referrerName.text(),
            "referrer_role": ui.referrerRole.text(),
            "referrer_agency": ui.referrerAgency.text(),
            "referral_source": ui.referralSource.currentData() or "",
            "concerns": ui.concerns.toPlainText(),
            "risk_indicators": self._checked_indicators(),
            "children": [card.state() for card in self._cards],
        }

    def load_draft(self, data: dict[str, Any]) -> None:
        """Fill the form from :meth:`to_draft` data (a restored draft).

        The restored state is written at once under this form's own draft, so the old draft
        file can be discarded by the caller without a moment when neither exists.
        """
        ui = self.ui
        self._loading = True
        try:
            with contextlib.suppress(KeyError, ValueError, TypeError):
                self.set_received_at(datetime.fromisoformat(str(data["received_at"])))
            _set_combo(ui.channel, data.get("channel", Channel.PHONE.value))
            ui.referrerName.setText(str(data.get("referrer_name", "")))
            ui.referrerRole.setText(str(data.get("referrer_role", "")))
            ui.referrerAgency.setText(str(data.get("referrer_agency", "")))
            _set_combo(ui.referralSource, data.get("referral_source", ""))
            ui.concerns.setPlainText(str(data.get("concerns", "")))
            wanted = set(data.get("risk_indicators") or ())
            for row in range(ui.riskIndicators.count()):
                item = ui.riskIndicators.item(row)
                item.setCheckState(
                    Qt.CheckState.Checked
                    if item.data(Qt.ItemDataRole.UserRole) in wanted
                    else Qt.CheckState.Unchecked
                )
            self._remove_all_cards()
            children = [c for c in data.get("children") or () if isinstance(c, dict)] or [{}]
            for child in children:
                self._new_card().load(child)
            self._renumber()
        finally:
            self._loading = False
        self.clear_errors()
        self._update_deadlines()
        self._edited()
        self.autosave()

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

    def _edited(self, *_args: Any) -> None:
        if self._loading:
            return
        dirty = self.has_unsaved_work()
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)
        self._edit_timer.start()

    def summary(self) -> str:
        """Return one line describing the contact being typed (for the drafts list)."""
        names = []
        for card in self._cards:
            name = f"{card.given_name.text().strip()} {card.family_name.text().strip().upper()}"
            if name.strip():
                names.append(name.strip())
        who = ", ".join(names) if names else "no child named yet"
        concerns = " ".join(self.ui.concerns.toPlainText().split())
        if len(concerns) > 60:
            concerns = concerns[:57] + "…"
        when = self.received_at()
        return f"Contact received {when:%d/%m/%Y %H:%M} about {who}" + (
            f": {concerns}" if concerns else ""
        )

    def autosave(self) -> None:
        """Keep the form's state as a draft on disk if it changed since the last write.

        Runs on the GUI thread on purpose: the write is a few kilobytes, and doing it here
        keeps it strictly ordered with the save that deletes it.
        """
        if not self.has_unsaved_work():
            if self.draft_id is not None:
                self._drop_draft()
            return
        data = self.to_draft()
        text = json.dumps(data, sort_keys=True)
        if text == self._last_written:
            return
        if self.draft_id is None:
            self.draft_id = self.drafts.new_id()
            self.drafts.claim(self.draft_id)
        try:
            self.drafts.save(self.draft_id, data, kind=DRAFT_KIND, summary=self.summary())
        except OSError as exc:
            log.warning("Could not write the draft of a contact: %s", exc)
            self.ui.statusLabel.setText(
                f"⚠ Could not keep a draft of this contact ({exc.strerror or exc}). "
                "Save it as soon as you can."
            )
            return
        self._last_written = text

    def _drop_draft(self) -> None:
        if self.draft_id is not None:
            try:
                self.drafts.discard(self.draft_id)
            except OSError as exc:
                log.warning("Could not delete a contact draft: %s", exc)
        self.draft_id = None
        self._last_written = None

    def clear(self) -> None:
        """Empty the form for the next contact (received now, one blank child)."""
        ui = self.ui
        self._loading = True
        try:
            self.set_received_at(self.session.desk.ctx.clock.now())
            _set_combo(ui.channel, Channel.PHONE.value)
            for edit in (ui.referrerName, ui.referrerRole, ui.referrerAgency):
                edit.clear()
            ui.referralSource.setCurrentIndex(-1)
            ui.concerns.clear()
            for row in range(ui.riskIndicators.count()):
                ui.riskIndicators.item(row).setCheckState(Qt.CheckState.Unchecked)
            ui.riskIndicators.setCurrentRow(-1)
            ui.riskIndicators.scrollToTop()
            self._remove_all_cards()
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
    "ChildCard",
    "ContactForm",
    "ask_unsaved_work",
    "describe_match",
    "parse_date",
]
