"""One child on the New contact form: a new child's details, or a stored record chosen.

The card's identity fields feed the duplicate search; its match choice, household,
parents and carers, RAG and consent go to the contact service with the rest of the form.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from PySide6.QtCore import Qt, QTimer
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
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from mash_desk.domain.enums import (
    ConsentPurpose,
    Rag,
    Sex,
)
from mash_desk.domain.errors import FieldError
from mash_desk.domain.ethnicity import ETHNICITY_LABELS
from mash_desk.gui.a11y import (
    live_label,
    mark_required_by_labels,
    no_tab_trap,
)
from mash_desk.gui.contact_matches import (
    MatchChoice,
    RestoredMatch,
    SuggestionList,
    new_child_item,
    parse_date,
    person_from_json,
    person_json,
)
from mash_desk.gui.contact_people import ConsentSection, RelativesBox
from mash_desk.gui.field_messages import Target as _Target
from mash_desk.gui.field_messages import error_label as _error_label
from mash_desk.gui.field_messages import mark as _mark
from mash_desk.gui.field_messages import set_combo as _set_combo
from mash_desk.gui.field_messages import show_message as _show_message
from mash_desk.gui.session import DeskSession
from mash_desk.services.dto import PersonDTO
from mash_desk.services.inputs import ChildOnContact, NewPerson

log = logging.getLogger(__name__)

SEARCH_DEBOUNCE_MS = 400  # look up existing children once the typist pauses


class CardForm(Protocol):
    """What a child card needs from its form: the session, and when the contact came in."""

    session: DeskSession

    def received_at(self) -> datetime:
        """When the contact was received (the deadline counts from it)."""


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
        form: CardForm,
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
        # Widgets are made in this order on purpose: it is the order screen readers list them.
        self._build_identity_fields()
        self._build_rag_fields()
        self._place_fields(grid)
        self._build_matches(grid)
        self._place_sections(grid, on_remove)
        self._start_search_timer()
        self._wire_signals()
        self.update_deadline()

    # -- building --------------------------------------------------------------------------

    def _build_identity_fields(self) -> None:
        """Make a new child's details: names, dates, sex, ethnicity, numbers, household."""
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
        # The census and Annex A report it (issue 15): what the child or family say, or
        # "not yet obtained" — never guessed. Left unset until someone asks.
        self.ethnicity = QComboBox(self)
        self.ethnicity.setAccessibleName("Ethnicity")
        self.ethnicity.addItem("Not recorded yet", "")
        for code, label in ETHNICITY_LABELS.items():
            self.ethnicity.addItem(label, code)
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

    def _build_rag_fields(self) -> None:
        """Make the RAG choice (each with its decision timescale), its reason and the due line."""
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
        for combo in (self.sex, self.ethnicity, self.rag):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(16)
        self.deadline = QLabel(self)
        self.deadline.setWordWrap(True)
        live_label(self.deadline, "Decision due")
        self.deadline_icon = QLabel(self)

    def _place_fields(self, grid: QGridLayout) -> None:
        """Put each field in the grid with its caption above and its message below."""
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
            "ethnicity": self.ethnicity,
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
            "ethnicity": "Ethnicity (as the family give it)",
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
            "ethnicity": (7, 0),
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

    def _build_matches(self, grid: QGridLayout) -> None:
        """Make the list of possible existing records, with why each may be this child."""
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

    def _place_sections(
        self, grid: QGridLayout, on_remove: Callable[[ChildCard], None] | None
    ) -> None:
        """Add the due line, consent, parents and carers, and the card's Remove button."""
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

    def _start_search_timer(self) -> None:
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.search)

    def _wire_signals(self) -> None:
        """Search again when the identity changes; tell the form about every other change."""
        self.unborn.toggled.connect(self._unborn_toggled)
        for edit in (self.given_name, self.family_name, self.date_of_birth,
                     self.expected_delivery, self.nhs_number):  # fmt: skip
            edit.textEdited.connect(self._identity_edited)
            edit.textChanged.connect(self._changed)
        for edit in (self.date_of_birth, self.expected_delivery):
            edit.editingFinished.connect(lambda e=edit: self._tidy_date(e))
        self.unborn.toggled.connect(self._identity_edited)
        self.sex.currentIndexChanged.connect(self._changed)
        self.ethnicity.currentIndexChanged.connect(self._changed)
        self.rag.currentIndexChanged.connect(self._changed)
        self.rag.currentIndexChanged.connect(self.update_deadline)
        mark_required_by_labels(self)
        self.rag_reason.textChanged.connect(self._changed)
        for edit in (self.address, self.postcode, self.school, self.new_child_reason):
            edit.textChanged.connect(self._changed)
        self.suggestions.currentRowChanged.connect(self._choice_changed)
        self.household.currentIndexChanged.connect(self._changed)

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
            self.ethnicity,
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
            "ethnicity": self.ethnicity.currentData() or "",
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
            _set_combo(self.ethnicity, data.get("ethnicity") or "")
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
        common: dict[str, Any] = {
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
            ethnicity=self.ethnicity.currentData() or None,
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
