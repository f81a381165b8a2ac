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
from collections.abc import Callable, Iterable
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QEventLoop, Qt, QTime, QTimer, QTimeZone, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
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
    Rag,
    Sex,
)
from mash_desk.domain.errors import FieldError, ValidationError
from mash_desk.domain.outcomes import is_under_five
from mash_desk.domain.permissions import Permission, allows
from mash_desk.gui.a11y import (
    announce,
    live_label,
    mark_required_by_labels,
    no_tab_trap,
)
from mash_desk.gui.attachments import AttachmentsEditor
from mash_desk.gui.contact_drafts import DraftKeeping
from mash_desk.gui.contact_matches import (
    MatchChoice,
    RestoredMatch,
    SuggestionList,
    describe_match,
    new_child_item,
    parse_date,
    person_from_json,
    person_json,
)
from mash_desk.gui.contact_people import ConsentSection, RelativesBox
from mash_desk.gui.drafts import DraftStore
from mash_desk.gui.field_messages import Target as _Target
from mash_desk.gui.field_messages import error_label as _error_label
from mash_desk.gui.field_messages import mark as _mark
from mash_desk.gui.field_messages import set_combo as _set_combo
from mash_desk.gui.field_messages import show_message as _show_message
from mash_desk.gui.forms.ui_new_contact import Ui_NewContactForm
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import describe_error
from mash_desk.services.dto import ContactDTO, OpResult, PersonDTO
from mash_desk.services.inputs import ChildOnContact, NewContact, NewPerson
from mash_desk.services.reference import UserChoiceDTO

log = logging.getLogger(__name__)

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

UNBORN = "Unborn — give the expected delivery date"  # Alt+U: the newest child card only
RAG_WORDS = {Rag.RED: "Red", Rag.AMBER: "Amber", Rag.GREEN: "Green"}
# Shapes as well as colours, so urgency never depends on seeing red from amber.
RAG_ICONS = {
    Rag.RED: QStyle.StandardPixmap.SP_MessageBoxCritical,
    Rag.AMBER: QStyle.StandardPixmap.SP_MessageBoxWarning,
    Rag.GREEN: QStyle.StandardPixmap.SP_MessageBoxInformation,
}
UNRATED_CLOCK = Rag.AMBER  # the service's clock for a child not yet rated

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


class ChildCard(MatchChoice, QGroupBox):
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
        self.strong = False  # a shown suggestion matches strongly: a choice is required
        self.restore_new_choice = False  # set from a draft; applied when results arrive

        grid = QGridLayout(self)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.given_name = self._line("First name", "Leave blank for an unborn child")
        self.family_name = self._line("Family name *", "")
        self.unborn = QCheckBox(f"&{UNBORN}", self)
        self.unborn.setAccessibleName("Unborn child")
        self.date_of_birth = self._line("Date of birth *", "dd/mm/yyyy")
        self.expected_delivery = self._line("Expected delivery date *", "dd/mm/yyyy")
        self.expected_delivery.setEnabled(False)
        self.sex = QComboBox(self)
        self.sex.setAccessibleName("Sex")
        for sex, label in SEX_LABELS.items():
            self.sex.addItem(label, sex.value)
        self.nhs_number = self._line("NHS number", "10 digits, e.g. 943 476 5919")
        self.address = self._line("Address", "House number and street, town")
        self.postcode = self._line("Postcode", "e.g. HA1 2XY")
        self.school = self._line("School or nursery", "Where the child goes, if known")
        # A new sibling of a child already on file joins that child's household, so the
        # sibling's history is seen (issue 12: an unborn baby beside a known sibling).
        self.household = QComboBox(self)
        self.household.setAccessibleName("Lives with (household)")
        self.household.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.household.setMinimumContentsLength(16)
        self.household.setToolTip(
            "A new child at the address of a household on file joins it; choose a sibling on "
            "this contact to join theirs"
        )
        self.set_household_choices([])
        self.new_child_reason = self._line(
            "Why this is a new child", "e.g. a cousin with the same name and birthday"
        )

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
            "address": self.address,
            "postcode": self.postcode,
            "school": self.school,
            "sibling_of": self.household,
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
            "address": "Address (for a new record)",
            "postcode": "Postcode",
            "school": "School or nursery",
            "sibling_of": "Lives with (household)",
            "rag": "RAG rating",
            "rag_reason": "Reason for the RAG rating",
        }
        # Visual order follows the tab order: the names, then the possible existing records
        # (row 1), then the rest of a new child's details.
        positions = {
            "given_name": (0, 0),
            "family_name": (0, 1),
            "date_of_birth": (3, 0),
            "expected_delivery": (3, 1),
            "sex": (4, 0),
            "nhs_number": (4, 1),
            "address": (5, 0),
            "postcode": (5, 1),
            "school": (6, 0),
            "sibling_of": (6, 1),
            "rag": (8, 0),
            "rag_reason": (8, 1),
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
        grid.addWidget(self.unborn, 2, 0, 1, 2)

        # Possible existing records, with why each may be this child.
        matches = QVBoxLayout()
        matches.setSpacing(2)
        self.search_status = QLabel(self)
        self.search_status.setWordWrap(True)
        live_label(self.search_status, "Existing records")
        self.suggestions = SuggestionList(self)
        no_tab_trap(self.suggestions)
        self.suggestions.setAccessibleName("Possible existing records of this child")
        self.suggestions.setAccessibleDescription(
            "Use the arrow keys to choose an existing record, or New child at the end"
        )
        self.suggestions.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.suggestions.setWordWrap(True)
        self.suggestions.hide()
        self.linked_note = QLabel(self)
        self.linked_note.setWordWrap(True)
        self.linked_note.hide()
        self.errors["person"] = _error_label(self)
        self.errors["new_child_reason"] = _error_label(self)
        self.new_child_reason.hide()
        for widget in (self.search_status, self.suggestions, self.linked_note):
            matches.addWidget(widget)
        matches.addWidget(self.errors["person"])
        matches.addWidget(self.new_child_reason)
        matches.addWidget(self.errors["new_child_reason"])
        grid.addLayout(matches, 1, 0, 1, 2)

        self.consent = ConsentSection(self, self._changed)
        self.relatives = RelativesBox(self, self._changed)
        due_row = QHBoxLayout()
        due_row.addWidget(self.deadline_icon)
        due_row.addWidget(self.deadline, 1)
        grid.addLayout(due_row, 9, 0, 1, 2)
        grid.addWidget(self.consent, 10, 0, 1, 2)
        grid.addWidget(self.relatives, 11, 0, 1, 2)

        bottom = QHBoxLayout()
        self.errors["_card"] = _error_label(self)
        bottom.addWidget(self.errors["_card"], 1)
        self.remove_button = QPushButton("Remove this child", self)
        self.remove_button.setAccessibleName("Remove this child from the contact")
        self.remove_button.clicked.connect(lambda: (on_remove or (lambda _c: None))(self))
        bottom.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignRight)
        grid.addLayout(bottom, 12, 0, 1, 2)

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
        for edit in (self.address, self.postcode, self.school, self.new_child_reason):
            edit.textChanged.connect(self._changed)
        self.suggestions.currentRowChanged.connect(self._choice_changed)
        self.household.currentIndexChanged.connect(self._changed)
        self.update_deadline()

    # -- building --------------------------------------------------------------------------

    def _line(self, accessible: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setAccessibleName(accessible.rstrip(" *"))
        edit.setPlaceholderText(placeholder)
        return edit

    def set_number(self, number: int, only: bool, *, last: bool = True) -> None:
        """Title the card "Child n" and allow removal only when another child remains.

        Only the ``last`` card, the child being added, keeps Alt+U for Unborn: one letter in
        every card would bind one key twice, and Qt would then tick none of the boxes.
        """
        self.setTitle(f"Child {number}")
        self.setAccessibleName(f"Child {number}")
        self.remove_button.setEnabled(not only)
        self.unborn.setText(f"&{UNBORN}" if last else UNBORN)

    def focus_chain(self) -> list[QWidget]:
        """Return the card's inputs in tab order."""
        chain: list[QWidget] = [
            self.given_name,
            self.family_name,
            # Right after the names: the existing records are the first thing to settle.
            self.suggestions,
            self.new_child_reason,
            self.unborn,
            self.date_of_birth,
            self.expected_delivery,
            self.sex,
            self.nhs_number,
            self.address,
            self.postcode,
            self.school,
            self.household,
            self.rag,
            self.rag_reason,
            *self.consent.focus_chain(),
            *self.relatives.focus_chain(),
            self.remove_button,
        ]
        return chain

    def set_household_choices(self, siblings: list[tuple[int, str]]) -> None:
        """Offer the household of each existing child on the contact (keeping the choice)."""
        chosen = self.household.currentData()
        self.household.blockSignals(True)
        try:
            self.household.clear()
            self.household.addItem("Own household", None)
            for person_id, label in siblings:
                self.household.addItem(f"With {label} — a sibling", person_id)
            index = self.household.findData(chosen) if chosen is not None else 0
            self.household.setCurrentIndex(max(index, 0))
        finally:
            self.household.blockSignals(False)

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
            "address": self.address.text(),
            "postcode": self.postcode.text(),
            "school": self.school.text(),
            "new_child_reason": self.new_child_reason.text(),
            "new_child_chosen": self.linked is None and self.new_child_chosen(),
            "sibling_of": self.household.currentData(),
            "consents": self.consent.state(),
            "relatives": self.relatives.state(),
            "person_id": self.linked.id if self.linked else None,
            "person": person_json(self.linked) if self.linked else None,
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
            self.restore_new_choice = bool(data.get("new_child_chosen"))
            for name in ("address", "postcode", "school", "new_child_reason"):
                getattr(self, name).setText(str(data.get(name, "")))
            self.consent.load(data.get("consents") or {})
            self.relatives.load(data.get("relatives") or [])
            sibling = data.get("sibling_of")
            if isinstance(sibling, int) and self.household.findData(sibling) < 0:
                # The sibling's card may load after this one: keep the choice until it does.
                self.household.addItem(f"With person {sibling} — a sibling", sibling)
            _set_combo(self.household, sibling if isinstance(sibling, int) else None)
        finally:
            self._filling = False
        person = person_from_json(data.get("person"))
        if person is not None:
            label = str(data.get("person_label") or person.full_name)
            self._filling = True
            try:
                chosen = QListWidgetItem(label)
                chosen.setData(Qt.ItemDataRole.UserRole, RestoredMatch(person))
                self.suggestions.addItem(chosen)
                self.suggestions.addItem(new_child_item())
                self.suggestions.setCurrentRow(0)
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
            "address": "",
            "postcode": "",
            "school": "",
            "new_child_reason": "",
            "new_child_chosen": False,
            "sibling_of": None,
            "consents": {p.value: {"state": "", "reason": ""} for p in ConsentPurpose},
            "relatives": [],
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
        consents = self.consent.build()
        rag = self.rag.currentData() or None
        reason_text = self.rag_reason.text().strip() or None
        common = {
            "rag": rag,
            "rag_reason": reason_text,
            "consents": consents,
            "relatives": self.relatives.build(),
        }
        if self.linked is not None:
            return ChildOnContact(person_id=self.linked.id, **common), problems
        problems += self._choice_problems(prefix)
        person = NewPerson(
            given_name=self.given_name.text(),
            family_name=self.family_name.text(),
            date_of_birth=dob,
            expected_delivery=edd,
            sex=self.sex.currentData() or Sex.UNKNOWN.value,
            nhs_number=self.nhs_number.text().strip() or None,
            address=self.address.text().strip() or None,
            postcode=self.postcode.text().strip() or None,
            school=self.school.text().strip() or None,
        )
        reason = self.new_child_reason.text().strip() if self.new_child_chosen() else ""
        return (
            ChildOnContact(
                new=person,
                new_child_reason=reason or None,
                sibling_of=self.household.currentData(),
                **common,
            ),
            problems,
        )

    def target(self, rest: str) -> _Target:
        """Return where the message of field ``children[i].<rest>`` is shown."""
        if rest in self._blocks:
            return _Target(self._blocks[rest], self.errors[rest])
        if rest == "person":
            widget = self.given_name if self.suggestions.isHidden() else self.suggestions
            return _Target(widget, self.errors["person"])
        if rest == "new_child_reason":
            if self.new_child_reason.isHidden():
                return _Target(
                    self.given_name if self.suggestions.isHidden() else self.suggestions,
                    self.errors["new_child_reason"],
                )
            return _Target(self.new_child_reason, self.errors["new_child_reason"])
        found = self.consent.target(rest) or self.relatives.target(rest)
        return found or _Target(None, self.errors["_card"])

    def clear_errors(self) -> None:
        """Hide every message in the card."""
        for label in self.errors.values():
            _show_message(label, [])
        self.consent.clear_errors()
        self.relatives.clear_errors()
        for widget in self.focus_chain():
            if widget.property("invalid"):
                _mark(widget, None)


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
        self._linked_seen: list[tuple[int, str]] = []

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
        self.attachments = AttachmentsEditor(
            self,
            ui.attachmentsList,
            ui.addAttachmentButton,
            ui.removeAttachmentButton,
            ui.attachmentsError,
            self._edited,
        )
        self._managers: tuple[UserChoiceDTO, ...] = ()

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

        for edit in self._referrer_edits():
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
        self._load_managers()

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
    "ChildCard",
    "ContactForm",
    "ask_unsaved_work",
    "describe_match",
    "parse_date",
]
