"""Record the strategy discussion of a signed s47 decision, then show its conference target.

Drives :meth:`~mash_desk.services.strategy.StrategyService.record`: when it was held, who took
part (social care, police and health as a minimum — domain brief §5 — enforced by the service
and shown beside the attendee list), the s47 decision and its rationale. After saving, the
dialog shows the initial child protection conference target the service computed (15 working
days after the discussion with the default policy, domain brief §4).

Keys: Ctrl+S save · Ctrl+N add an attendee · Esc close.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mash_desk.domain.errors import ValidationError
from mash_desk.domain.routing import STRATEGY_MINIMUM, S47Decision
from mash_desk.gui.a11y import live_label
from mash_desk.gui.profile_dialog import FieldMessage, add_form_row, message_label, with_message
from mash_desk.gui.routing_dialog import local_datetime_edit, read_local, show_local
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import describe_error
from mash_desk.services.strategy import StrategyDTO, StrategyInput

S47_LABELS = {
    S47Decision.PROCEED: "Proceed with an s47 enquiry",
    S47Decision.NO_FURTHER_ACTION: "No further s47 action",
}
_WARNING = "⚠ "
_ATTENDEE_FIELD = re.compile(r"attendees\[(\d+)\]\.(agency|name)")


class AttendeeRow(QWidget):
    """One participant: their agency and their name, with a button to take the row away."""

    def __init__(self, number: int, agencies: list[tuple[str, str]], code: str = ""):
        """Build the row, with ``code``'s agency chosen."""
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.agency_combo = QComboBox()
        self.agency_combo.addItem("Choose agency…", "")
        for agency_code, name in agencies:
            self.agency_combo.addItem(name, agency_code)
        index = self.agency_combo.findData(code)
        self.agency_combo.setCurrentIndex(max(index, 0))
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("Name and role")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setAutoDefault(False)
        layout.addWidget(self.agency_combo, 1)
        layout.addWidget(self.name_edit, 1)
        layout.addWidget(self.remove_button)
        self.renumber(number)

    def renumber(self, number: int) -> None:
        """Name the inputs after the row's place in the list (read out by screen readers)."""
        self.agency_combo.setAccessibleName(f"Agency of attendee {number}")
        self.name_edit.setAccessibleName(f"Name of attendee {number}")
        self.remove_button.setAccessibleName(f"Remove attendee {number}")

    def value(self) -> tuple[str, str]:
        """(agency code, name) as typed."""
        return self.agency_combo.currentData() or "", self.name_edit.text()


class StrategyDialog(QDialog):
    """Minute the strategy discussion of one signed s47 decision.

    Signals:
        saved(object): the :class:`~mash_desk.services.strategy.StrategyDTO` once recorded.
    """

    saved = Signal(object)

    FIELDS = ("held_at", "attendees", "s47_decision", "rationale", "decision")

    def __init__(
        self,
        session: DeskSession,
        referral_id: int,
        decision_id: int,
        parent: QWidget | None = None,
    ):
        """Build the form and load the agencies in the background."""
        super().__init__(parent)
        self.session = session
        self.referral_id = referral_id
        self.decision_id = decision_id
        self.discussion: StrategyDTO | None = None
        self.agencies: list[tuple[str, str]] = []
        self.rows: list[AttendeeRow] = []
        self.messages: dict[str, FieldMessage] = {}
        self._busy = False
        self.setWindowTitle(f"Strategy discussion — referral {referral_id}")
        self.setMinimumWidth(640)
        self._build()
        QShortcut(QKeySequence("Ctrl+S"), self, self._save_key)
        QShortcut(QKeySequence("Ctrl+N"), self, self._add_key)
        session.tasks.read(
            session.desk.reference.agencies,
            session.actor,
            on_done=self._agencies_read,
            on_error=self._show_failure,
            label="Reading agencies…",
        )
        self._update_state()

    # ---- building ------------------------------------------------------------------------

    def _row(self, form: QFormLayout, key: str, text: str, widget: QWidget) -> None:
        add_form_row(form, self.messages, key, text, widget)

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        intro = QLabel(
            f"Strategy discussion of the signed s47 decision {self.decision_id} "
            f"(referral {self.referral_id})."
        )
        intro.setWordWrap(True)
        outer.addWidget(intro)
        self.decision_message = FieldMessage(intro, self)
        outer.addWidget(self.decision_message)
        self.messages["decision"] = self.decision_message

        form = QFormLayout()
        self.held_at_edit = local_datetime_edit("When the discussion was held")
        show_local(self.held_at_edit, self.session.desk.ctx.clock.now(), self.session)
        self._row(form, "held_at", "&Held:", self.held_at_edit)
        outer.addLayout(form)

        self.attendee_box = QGroupBox("Attendees")
        box_layout = QVBoxLayout(self.attendee_box)
        self.minimum_label = QLabel(
            "ℹ Social care, police and health must take part as a minimum (domain brief §5)."
        )
        self.minimum_label.setWordWrap(True)
        self.minimum_label.setAccessibleName("Attendance minimum")
        box_layout.addWidget(self.minimum_label)
        self.rows_holder = QWidget()
        self.rows_holder.setAccessibleName("Attendees")
        self.rows_layout = QVBoxLayout(self.rows_holder)
        self.rows_layout.setContentsMargins(0, 0, 0, 0)
        holder_box, self.messages["attendees"] = with_message(self.rows_holder)
        box_layout.addWidget(holder_box)
        self.add_button = QPushButton("A&dd attendee")
        self.add_button.setAccessibleName("Add an attendee (Ctrl+N)")
        self.add_button.setToolTip("Add an attendee (Ctrl+N)")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(lambda: self.add_attendee(focus=True))
        box_layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        outer.addWidget(self.attendee_box)

        form2 = QFormLayout()
        self.s47_combo = QComboBox()
        self.s47_combo.setAccessibleName("s47 decision")
        self.s47_combo.addItem("Choose…", "")
        for value, label in S47_LABELS.items():
            self.s47_combo.addItem(label, value.value)
        self.rationale_edit = QPlainTextEdit()
        self.rationale_edit.setAccessibleName("Rationale for the s47 decision")
        self.rationale_edit.setTabChangesFocus(True)
        self.rationale_edit.setFixedHeight(90)
        self._row(form2, "s47_decision", "s&47 decision:", self.s47_combo)
        self._row(form2, "rationale", "&Rationale:", self.rationale_edit)
        outer.addLayout(form2)

        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        live_label(self.result_label, "Initial child protection conference target")
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_label.hide()
        outer.addWidget(self.result_label)
        self.error_label = message_label("Problem recording the discussion")
        outer.addWidget(self.error_label)

        buttons = QHBoxLayout()
        buttons.addStretch()
        self.save_button = QPushButton("&Save discussion")
        self.save_button.setAccessibleName("Save the strategy discussion (Ctrl+S)")
        self.save_button.setToolTip("Save the strategy discussion (Ctrl+S)")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.close_button = QPushButton("Cancel")
        self.close_button.setAccessibleName("Close the strategy discussion dialog")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        outer.addLayout(buttons)

    def _agencies_read(self, agencies: Any) -> None:
        self.agencies = [(a.code, a.name) for a in agencies]
        # Start with the three agencies that must take part: the names are what is typed.
        for code in STRATEGY_MINIMUM:
            self.add_attendee(code)
        self._update_state()

    def _show_failure(self, exc: BaseException) -> None:
        self.error_label.setText(_WARNING + describe_error(exc))
        self.error_label.show()

    @property
    def loaded(self) -> bool:
        """Whether the agencies have arrived (attendee rows can be filled)."""
        return bool(self.agencies)

    # ---- attendees -----------------------------------------------------------------------

    def add_attendee(self, code: str = "", *, focus: bool = False) -> AttendeeRow | None:
        """Add an attendee row (of agency ``code``) and return it."""
        if not self.loaded or self.discussion is not None:
            return None
        row = AttendeeRow(len(self.rows) + 1, self.agencies, code)
        row.remove_button.clicked.connect(lambda: self.remove_attendee(row))
        self.rows.append(row)
        self.rows_layout.addWidget(row)
        self._retab()
        if focus:
            row.agency_combo.setFocus()
        return row

    def remove_attendee(self, row: AttendeeRow) -> None:
        """Take an attendee row away (what was typed in the others stays)."""
        if row not in self.rows or self.discussion is not None:
            return
        self.rows.remove(row)
        self.rows_layout.removeWidget(row)
        row.deleteLater()
        for number, other in enumerate(self.rows, start=1):
            other.renumber(number)
        self._retab()

    def _add_key(self) -> None:
        self.add_attendee(focus=True)

    def _retab(self) -> None:
        chain: list[QWidget] = [self.held_at_edit]
        for row in self.rows:
            chain += [row.agency_combo, row.name_edit, row.remove_button]
        chain += [
            self.add_button,
            self.s47_combo,
            self.rationale_edit,
            self.save_button,
            self.close_button,
        ]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    # ---- saving --------------------------------------------------------------------------

    def discussion_input(self) -> StrategyInput:
        """The discussion as typed (unvalidated: the service checks every rule)."""
        return StrategyInput(
            held_at=read_local(self.held_at_edit, self.session),
            attendees=tuple(row.value() for row in self.rows),
            s47_decision=self.s47_combo.currentData() or "",
            rationale=self.rationale_edit.toPlainText(),
        )

    def message(self, field: str) -> str:
        """The message shown beside ``field`` ("" when none)."""
        return self.messages[field].message

    def _save_key(self) -> None:
        if self.save_button.isEnabled():
            self.save()

    def save(self) -> None:
        """Record the discussion; each broken rule appears beside its field."""
        if self._busy or self.discussion is not None or not self.loaded:
            return
        for message in self.messages.values():
            message.clear_message()
        self.error_label.hide()
        self._busy = True
        self._update_state()
        self.session.tasks.write(
            self.session.desk.strategy.record,
            self.session.actor,
            self.decision_id,
            self.discussion_input(),
            on_done=self._done,
            on_error=self._failed,
            label="Saving the strategy discussion…",
        )

    def _done(self, result: Any) -> None:
        self._busy = False
        self.discussion = result.value
        self.session.hub.announce(result.changed)
        self._show_result(result.value)
        self._update_state()
        self.saved.emit(result.value)

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self._update_state()
        if not isinstance(exc, ValidationError):
            self._show_failure(exc)
            return
        found: dict[str, list[str]] = {}
        for error in exc.errors:
            text = error.message
            match = _ATTENDEE_FIELD.fullmatch(error.field)
            if match:
                # Per-row problems are listed beside the attendees, naming the row.
                text = f"Attendee {int(match.group(1)) + 1}: {error.message}"
                key = "attendees"
            else:
                key = error.field if error.field in self.messages else "decision"
                if key == "s47_decision" and not self.s47_combo.currentData():
                    # Nothing chosen: the service's "unknown decision ''" would puzzle.
                    text = "Choose the s47 decision: proceed, or no further s47 action"
            found.setdefault(key, []).append(text)
        first: QWidget | None = None
        for key in self.FIELDS:
            if key in found:
                self.messages[key].show_message("\n".join(found[key]))
                if key == "attendees":
                    first = first or self._first_bad_attendee(exc)
                elif key != "decision":
                    first = first or self.messages[key].field
        if first is not None:
            first.setFocus()

    def _first_bad_attendee(self, exc: ValidationError) -> QWidget:
        for error in exc.errors:
            match = _ATTENDEE_FIELD.fullmatch(error.field)
            if match and int(match.group(1)) < len(self.rows):
                row = self.rows[int(match.group(1))]
                return row.agency_combo if match.group(2) == "agency" else row.name_edit
        return self.add_button

    # ---- after saving --------------------------------------------------------------------

    def _show_result(self, d: StrategyDTO) -> None:
        ctx = self.session.desk.ctx
        if d.icpc_due_at is not None:
            text = (
                f"✔ Recorded. Initial child protection conference target: "
                f"{d.icpc_due_at.astimezone(ctx.tz):%A %d %B %Y} "
                f"({ctx.policy.icpc.describe()} after the discussion); s47 enquiry started "
                f"{d.s47_started_on:%d %b %Y}."
            )
        else:
            text = "✔ Recorded. No further s47 action: there is no conference target."
        self.result_label.setText(text)
        self.result_label.show()

    def _update_state(self) -> None:
        saved = self.discussion is not None
        ready = self.loaded and not saved
        for widget in (self.held_at_edit, self.s47_combo, self.add_button):
            widget.setEnabled(ready)
        for row in self.rows:
            row.agency_combo.setEnabled(ready)
            row.name_edit.setReadOnly(saved)
            row.remove_button.setEnabled(ready)
        self.rationale_edit.setReadOnly(saved)
        self.save_button.setEnabled(ready and not self._busy)
        self.save_button.setVisible(not saved)
        self.close_button.setText("Close" if saved else "Cancel")
