"""Which stored record is this child? The duplicate search and choice of one child card.

Split out of ``contact_form.py``: :class:`MatchChoice` is the part of ``ChildCard`` that looks
up existing records while the names and date of birth are typed (in the background,
debounced), shows each with what the MASH knows about that child and why it may be the same,
and keeps the practitioner's choice — an existing record, or "New child". When a strong
match is showing (``domain.matching.STRONG_MATCH_AT``) nothing is chosen for the user, and
"New child" needs a reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
)

from mash_desk.domain.enums import Sex
from mash_desk.domain.errors import FieldError
from mash_desk.domain.identifiers import format_nhs_number
from mash_desk.gui.field_messages import set_combo as _set_combo
from mash_desk.gui.tasks import describe_error
from mash_desk.services.dto import KnownSummary, MatchDTO, PersonDTO
from mash_desk.services.inputs import NewPerson

if TYPE_CHECKING:
    from mash_desk.gui.session import DeskSession

_DATE_SPLIT = re.compile(r"^\s*(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{2}|\d{4})\s*$")
_DATE_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_DATE_COMPACT = re.compile(r"^\s*(\d{2})(\d{2})(\d{4})\s*$")


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


class SuggestionList(QListWidget):
    """The possible existing records: tabbing in chooses nothing.

    A plain list makes its first row current when it gets the focus, which would link the
    first suggestion just by tabbing past it; here the first arrow key makes the choice.
    """

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 — Qt API
        """Take the focus without making a row current if none was chosen."""
        chosen = self.currentRow()
        self.blockSignals(True)
        try:
            super().focusInEvent(event)
            if chosen < 0:
                self.setCurrentRow(-1)
        finally:
            self.blockSignals(False)


NEW_CHILD = "new"
"""Item data of the suggestions' last line: none of these records is this child."""


def new_child_item() -> QListWidgetItem:
    """Return the suggestions' last line: none of these records is this child."""
    item = QListWidgetItem("+ New child — none of these records is this child")
    item.setData(Qt.ItemDataRole.UserRole, NEW_CHILD)
    return item


class MatchChoice:
    """Mixin of ``ChildCard``: the duplicate search and the choice of record.

    It uses the card's identity fields, ``suggestions``, ``search_status``, ``linked_note``
    and ``new_child_reason`` widgets, and its ``_filling``/``_changed``/``_on_change``.
    """

    # Provided by ChildCard (set in its __init__).
    session: DeskSession
    given_name: QLineEdit
    family_name: QLineEdit
    unborn: QCheckBox
    date_of_birth: QLineEdit
    expected_delivery: QLineEdit
    sex: QComboBox
    nhs_number: QLineEdit
    address: QLineEdit
    postcode: QLineEdit
    school: QLineEdit
    household: QComboBox
    new_child_reason: QLineEdit
    search_status: QLabel
    suggestions: SuggestionList
    linked_note: QLabel
    linked: PersonDTO | None
    strong: bool
    restore_new_choice: bool
    _linked_label: str
    _typed: dict[str, Any] | None
    _filling: bool
    _gone: bool
    _search_generation: int
    _on_change: Callable[[], None]

    if TYPE_CHECKING:

        def identity(self) -> dict[str, Any]:
            """The identity fields as typed."""

        def set_identity(self, values: dict[str, Any]) -> None:
            """Fill the identity fields from ``values``."""

        def _changed(self, *_args: Any) -> None: ...

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
        # On the writer: showing what is known about a suggestion writes its access-log row.
        self.session.tasks.write(
            self.session.desk.people.find_duplicates,
            self.session.actor,
            facts,
            on_done=lambda found: self._results(generation, found),
            on_error=lambda exc: self._search_failed(generation, exc),
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
            self.strong = any(m.strong for m in found)
            self._follow_choice()
            if not found:
                self.suggestions.hide()
                self.search_status.setText(
                    "✓ No existing record matches: a new child will be created." if searched else ""
                )
                return
            for match in found:
                item = QListWidgetItem(describe_match(match))
                item.setData(Qt.ItemDataRole.UserRole, match)
                item.setToolTip(describe_match(match))
                self.suggestions.addItem(item)
            self.suggestions.addItem(new_child_item())
            # Nothing is chosen for the user: "new child" first (as it was) let a 90 % match
            # be saved as a second record without a question (issue 12).
            self.suggestions.setCurrentRow(-1)
            if self.restore_new_choice:
                # A restored draft said "New child" (with its reason): keep that choice.
                self.restore_new_choice = False
                self.suggestions.setCurrentRow(self.suggestions.count() - 1)
                self._follow_choice()
            self.suggestions.show()
            self._fit_suggestions()
            count = len(found)
            self.search_status.setText(
                "⚠ A stored record matches this child strongly — choose it with the arrow "
                "keys, or choose “New child” (last) and say why:"
                if self.strong
                else f"⚠ {count} existing record{'s' if count != 1 else ''} may be this child "
                "— choose one with the arrow keys, or “New child” (last):"
            )
        finally:
            self._filling = False

    def _fit_suggestions(self) -> None:
        # Room for "new child" plus up to three records of four lines each (who, what is
        # known, and the reasons, which wrap); the list scrolls beyond that. Row sizes are
        # not known until the list is laid out, so the height comes from the font.
        records = min(self.suggestions.count() - 1, 3)
        line = self.suggestions.fontMetrics().lineSpacing()
        height = line * (1 + 4 * records) + 2 * self.suggestions.frameWidth() + 8
        self.suggestions.setFixedHeight(height)

    def new_child_chosen(self) -> bool:
        """Return whether "New child" is the chosen line of the suggestions."""
        item = self.suggestions.currentItem()
        return item is not None and item.data(Qt.ItemDataRole.UserRole) == NEW_CHILD

    def _follow_choice(self) -> None:
        # The reason is asked only where it is needed: a new child despite a strong match.
        self.new_child_reason.setVisible(
            self.strong and self.linked is None and self.new_child_chosen()
        )

    def _choice_changed(self, row: int) -> None:
        if self._filling or row < 0:
            return
        item = self.suggestions.item(row)
        match = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if match == NEW_CHILD:
            self.unlink()
        elif match is not None:
            self.link(match.person, item.text().split("\n")[0])
        self._follow_choice()
        self._changed()

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
        # A linked child's address and school are on their record; these are for a new one.
        for widget in (self.address, self.postcode, self.school, self.household):
            widget.setEnabled(editable)
        self.unborn.setEnabled(editable)
        self.sex.setEnabled(editable)

    def _choice_problems(self, prefix: str) -> list[FieldError]:
        """A strong match showing needs an explicit choice, and "new child" its reason."""
        if not self.strong or self.suggestions.isHidden():
            return []
        if not self.new_child_chosen():
            return [
                FieldError(
                    prefix + "person",
                    "choice_needed",
                    "A stored record matches this child strongly: choose it, or choose "
                    "“New child” and say why",
                )
            ]
        if not self.new_child_reason.text().strip():
            return [
                FieldError(
                    prefix + "new_child_reason",
                    "required",
                    "Say why this is a different child from the strongly matching record",
                )
            ]
        return []


@dataclass(frozen=True)
class RestoredMatch:
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
    strength = "STRONG match" if match.strong else "match"
    lines = [" · ".join(bits) + f"  — {match.score:.0%} {strength}"]
    if match.known is not None:
        lines.append("    Known: " + describe_known(match.known))
    lines.append(f"    Why: {match.explanation or 'similar details'}")
    return "\n".join(lines)


def describe_known(known: KnownSummary) -> str:
    """Return what the MASH knows about a suggested child, in one line."""
    open_work = (
        f"{known.open_work} open item{'s' if known.open_work != 1 else ''}"
        if known.open_work
        else "no open work"
    )
    last = f"last contact {known.last_contact:%d/%m/%Y}" if known.last_contact else "no contacts"
    count = known.referrals_12_months
    referrals = f"{count} referral{'s' if count != 1 else ''} in 12 months"
    level = f"level {known.current_level}" if known.current_level else "no level yet"
    plans = (
        "open to " + ", ".join(p.replace("_", " ") for p in known.plans)
        if known.plans
        else "no plan"
    )
    return " · ".join((open_work, last, referrals, level, plans))


def person_json(person: PersonDTO) -> dict[str, Any]:
    """Return a chosen record as JSON-ready data (kept in the draft)."""
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


def person_from_json(data: Any) -> PersonDTO | None:
    """Return the record :func:`person_json` kept, or None if the data is not one."""
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
