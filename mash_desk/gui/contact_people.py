"""Parts of a child's card on the New contact form: consent, and parents and carers.

Split out of ``contact_form.py`` so each part keeps its own fields, state and messages. The
parts tell their card about changes by a plain callback (see ``ChildCard`` for why not
signals).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from mash_desk.domain.enums import ConsentPurpose, ConsentState, RelationshipKind
from mash_desk.gui.field_messages import Target, error_label, mark, set_combo, show_message
from mash_desk.services.inputs import ConsentInput, RelativeInput
from mash_desk.services.reference import UserChoiceDTO

CONSENT_PURPOSE_LABELS = {
    ConsentPurpose.SHARE_INFORMATION: "Share information",
    ConsentPurpose.EARLY_HELP: "Early help",
    ConsentPurpose.ASSESSMENT: "Assessment",
}
CONSENT_STATE_CHOICES = (
    ("", "Not recorded yet"),
    (ConsentState.SOUGHT.value, "Sought — awaiting an answer"),
    (ConsentState.GIVEN.value, "Given"),
    (ConsentState.REFUSED.value, "Refused"),
    (ConsentState.NOT_SOUGHT.value, "Not sought (say why)"),
    (ConsentState.OVERRIDDEN.value, "Overridden — a manager authorised sharing without it"),
)
STATES_WITH_REASON = {ConsentState.REFUSED.value, ConsentState.NOT_SOUGHT.value}
_CONSENT_FIELD = re.compile(r"^consents\[(\d+)\]\.(\w+)$")
_RELATIVE_FIELD = re.compile(r"^relatives\[(\d+)\]\.(\w+)$")


class _ConsentRow:
    """The widgets of one consent purpose."""

    def __init__(self, box: QGroupBox, grid: QGridLayout, row: int, label: str):
        self.state = QComboBox(box)
        self.state.setAccessibleName(f"Consent to {label.lower()}")
        for value, text in CONSENT_STATE_CHOICES:
            self.state.addItem(text, value)
        self.state.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.state.setMinimumContentsLength(18)
        self.reason = QLineEdit(box)
        self.reason.setAccessibleName(f"Why consent to {label.lower()} was not sought or refused")
        self.reason.setPlaceholderText("Reason (when refused or not sought)")
        self.reason.setEnabled(False)
        self.manager = QComboBox(box)
        self.manager.setAccessibleName(f"Manager who authorised the override ({label.lower()})")
        self.manager.setPlaceholderText("Authorising manager…")
        self.basis = QLineEdit(box)
        self.basis.setAccessibleName(f"Lawful basis for the override ({label.lower()})")
        self.basis.setPlaceholderText("Lawful basis, e.g. seeking consent would risk harm")
        self.error = error_label(box)
        caption = QLabel(label, box)
        caption.setBuddy(self.state)
        grid.addWidget(caption, row * 3, 0)
        grid.addWidget(self.state, row * 3, 1)
        grid.addWidget(self.reason, row * 3, 2)
        grid.addWidget(self.manager, row * 3 + 1, 1)
        grid.addWidget(self.basis, row * 3 + 1, 2)
        grid.addWidget(self.error, row * 3 + 2, 1, 1, 2)
        self.state.currentIndexChanged.connect(self.follow_state)
        self.follow_state()

    def follow_state(self, *_args: Any) -> None:
        """Offer only the fields the chosen state needs (hidden ones leave the tab order)."""
        value = self.state.currentData()
        self.reason.setEnabled(value in STATES_WITH_REASON)
        overridden = value == ConsentState.OVERRIDDEN.value
        self.manager.setVisible(overridden)
        self.basis.setVisible(overridden)


class ConsentSection(QGroupBox):
    """Consent per purpose; an override names the authorising manager and the lawful basis."""

    def __init__(self, parent: QWidget, on_change: Callable[[], None]):
        """Build one row per consent purpose."""
        super().__init__("Consent", parent)
        grid = QGridLayout(self)
        grid.setColumnStretch(2, 1)
        self.rows: dict[ConsentPurpose, _ConsentRow] = {}
        for row, (purpose, label) in enumerate(CONSENT_PURPOSE_LABELS.items()):
            entry = _ConsentRow(self, grid, row, label)
            self.rows[purpose] = entry
            entry.state.currentIndexChanged.connect(lambda *_: on_change())
            entry.manager.currentIndexChanged.connect(lambda *_: on_change())
            for edit in (entry.reason, entry.basis):
                edit.textChanged.connect(lambda *_: on_change())
        # Which consent purpose each ``consents[j]`` of the last save attempt was.
        self.order: list[ConsentPurpose] = []

    def set_managers(self, managers: Sequence[UserChoiceDTO]) -> None:
        """Offer ``managers`` as authorisers, keeping each row's choice where still offered."""
        for entry in self.rows.values():
            chosen = entry.manager.currentData()
            entry.manager.blockSignals(True)
            entry.manager.clear()
            for manager in managers:
                entry.manager.addItem(manager.label, manager.id)
            entry.manager.setCurrentIndex(entry.manager.findData(chosen) if chosen else -1)
            entry.manager.blockSignals(False)

    def focus_chain(self) -> list[QWidget]:
        """Return the inputs in tab order."""
        chain: list[QWidget] = []
        for entry in self.rows.values():
            chain += [entry.state, entry.reason, entry.manager, entry.basis]
        return chain

    def build(self) -> tuple[ConsentInput, ...]:
        """Return the consents chosen (and remember their order for messages)."""
        consents = []
        self.order = []
        for purpose, entry in self.rows.items():
            state = entry.state.currentData()
            if not state:
                continue
            overridden = state == ConsentState.OVERRIDDEN.value
            consents.append(
                ConsentInput(
                    purpose=purpose.value,
                    state=state,
                    reason=entry.reason.text().strip() or None
                    if entry.reason.isEnabled()
                    else None,
                    lawful_basis=entry.basis.text().strip() or None if overridden else None,
                    approved_by=entry.manager.currentData() if overridden else None,
                )
            )
            self.order.append(purpose)
        return tuple(consents)

    def state(self) -> dict[str, Any]:
        """Return the section as JSON-ready data (for drafts)."""
        return {
            purpose.value: {
                "state": entry.state.currentData() or "",
                "reason": entry.reason.text(),
                **(
                    {"approved_by": entry.manager.currentData(), "basis": entry.basis.text()}
                    if entry.state.currentData() == ConsentState.OVERRIDDEN.value
                    else {}
                ),
            }
            for purpose, entry in self.rows.items()
        }

    def load(self, data: dict[str, Any]) -> None:
        """Fill the section from :meth:`state`'s shape."""
        for purpose, entry in self.rows.items():
            saved = (data or {}).get(purpose.value) or {}
            set_combo(entry.state, saved.get("state", ""))
            entry.reason.setText(str(saved.get("reason", "")))
            entry.basis.setText(str(saved.get("basis", "")))
            manager = saved.get("approved_by")
            entry.manager.setCurrentIndex(entry.manager.findData(manager) if manager else -1)

    def target(self, rest: str) -> Target | None:
        """Return where the message of ``consents[j].<name>`` goes, if it is one of ours."""
        match = _CONSENT_FIELD.match(rest)
        if not match or int(match.group(1)) >= len(self.order):
            return None
        entry = self.rows[self.order[int(match.group(1))]]
        widget = {
            "reason": entry.reason,
            "lawful_basis": entry.basis,
            "approved_by": entry.manager,
        }.get(match.group(2), entry.state)
        return Target(widget, entry.error)

    def clear_errors(self) -> None:
        """Hide every message."""
        for entry in self.rows.values():
            show_message(entry.error, [])
            for widget in (entry.state, entry.reason, entry.manager, entry.basis):
                mark(widget, None)


RELATIONSHIP_LABELS = {RelationshipKind.PARENT: "Parent", RelationshipKind.CARER: "Carer"}
_PR_CHOICES = (("yes", "Has parental responsibility"), ("no", "No parental responsibility"))


class RelativesBox(QGroupBox):
    """Parents and carers of a child: name, relationship, parental responsibility (yes/no)."""

    def __init__(self, parent: QWidget, on_change: Callable[[], None]):
        """Build the entry row and the list of people added."""
        super().__init__("Parents and carers", parent)
        self._on_change = on_change
        grid = QGridLayout(self)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.given = QLineEdit(self)
        self.given.setAccessibleName("Parent or carer's first name")
        self.given.setPlaceholderText("First name")
        self.family = QLineEdit(self)
        self.family.setAccessibleName("Parent or carer's family name")
        self.family.setPlaceholderText("Family name")
        self.relationship = QComboBox(self)
        self.relationship.setAccessibleName("Relationship to the child")
        for kind, label in RELATIONSHIP_LABELS.items():
            self.relationship.addItem(label, kind.value)
        self.responsibility = QComboBox(self)
        self.responsibility.setAccessibleName("Parental responsibility")
        self.responsibility.setPlaceholderText("Parental responsibility? (yes / no)")
        for value, label in _PR_CHOICES:
            self.responsibility.addItem(label, value)
        self.responsibility.setCurrentIndex(-1)
        self.add_button = QPushButton("Add parent or carer", self)
        self.add_button.setAccessibleName("Add this parent or carer")
        self.people = QListWidget(self)
        self.people.setAccessibleName("Parents and carers added")
        self.people.setAccessibleDescription("Delete removes the chosen person")
        self.people.setMaximumHeight(self.fontMetrics().lineSpacing() * 4 + 8)
        self.people.hide()
        self.error = error_label(self)
        # Visible captions linked to their fields: placeholders vanish once typed in.
        for row, column, text, widget in (
            (0, 0, "First name", self.given),
            (0, 1, "Family name", self.family),
            (2, 0, "Relationship", self.relationship),
            (2, 1, "Parental responsibility", self.responsibility),
        ):
            caption = QLabel(text, self)
            caption.setBuddy(widget)
            grid.addWidget(caption, row, column)
            grid.addWidget(widget, row + 1, column)
        grid.addWidget(self.add_button, 4, 1, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.people, 5, 0, 1, 2)
        grid.addWidget(self.error, 6, 0, 1, 2)
        self.add_button.clicked.connect(self.add_typed)
        for edit in (self.given, self.family):
            edit.returnPressed.connect(self.add_typed)
        remove = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.people)
        remove.setContext(Qt.ShortcutContext.WidgetShortcut)
        remove.activated.connect(self.remove_current)

    def focus_chain(self) -> list[QWidget]:
        """Return the inputs in tab order."""
        return [
            self.given,
            self.family,
            self.relationship,
            self.responsibility,
            self.add_button,
            self.people,
        ]

    def add_typed(self) -> None:
        """Add the person typed in the entry row (all four answers are needed)."""
        given, family = self.given.text().strip(), self.family.text().strip()
        answer = self.responsibility.currentData()
        if not (given or family) or answer is None:
            show_message(
                self.error,
                ["Type the name and say whether they hold parental responsibility, then add"],
            )
            (self.given if not (given or family) else self.responsibility).setFocus()
            return
        show_message(self.error, [])
        self.add(
            {
                "given_name": given,
                "family_name": family,
                "relationship": self.relationship.currentData(),
                "parental_responsibility": answer == "yes",
            }
        )
        self.given.clear()
        self.family.clear()
        self.responsibility.setCurrentIndex(-1)
        self.given.setFocus()

    def add(self, person: dict[str, Any]) -> None:
        """Add one person in :meth:`state`'s shape."""
        kind = RelationshipKind(person.get("relationship", RelationshipKind.PARENT.value))
        responsibility = "has" if person.get("parental_responsibility") else "no"
        item = QListWidgetItem(
            f"{person.get('given_name', '')} {str(person.get('family_name', '')).upper()} — "
            f"{RELATIONSHIP_LABELS.get(kind, kind.value)}, {responsibility} parental "
            "responsibility"
        )
        item.setData(Qt.ItemDataRole.UserRole, dict(person))
        self.people.addItem(item)
        self.people.show()
        self._on_change()

    def remove_current(self) -> None:
        """Take the chosen person off the list."""
        row = self.people.currentRow()
        if row >= 0:
            self.people.takeItem(row)
            self.people.setVisible(self.people.count() > 0)
            self._on_change()

    def state(self) -> list[dict[str, Any]]:
        """Return the people added, JSON-ready."""
        return [
            self.people.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.people.count())
        ]

    def load(self, people: Sequence[dict[str, Any]]) -> None:
        """Replace the list with ``people`` (:meth:`state`'s shape)."""
        self.people.clear()
        for person in people:
            if isinstance(person, dict):
                self.add(person)
        self.people.setVisible(self.people.count() > 0)

    def build(self) -> tuple[RelativeInput, ...]:
        """Return the people added, for the service."""
        return tuple(
            RelativeInput(
                relationship=str(p.get("relationship", "")),
                given_name=str(p.get("given_name", "")),
                family_name=str(p.get("family_name", "")),
                parental_responsibility=p.get("parental_responsibility"),
            )
            for p in self.state()
        )

    def target(self, rest: str) -> Target | None:
        """Return where a message about ``relatives[j].<name>`` goes, if it is one of ours."""
        if not _RELATIVE_FIELD.match(rest):
            return None
        return Target(self.people, self.error)

    def clear_errors(self) -> None:
        """Hide the message."""
        show_message(self.error, [])
        mark(self.people, None)
