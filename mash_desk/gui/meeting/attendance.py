"""Attendance by agency and the quorum line, in words, with "proceed without quorum"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
)

from mash_desk.gui.meeting.common import labelled, message_box, named
from mash_desk.gui.meeting.reading_pane import live
from mash_desk.services.meetings import MeetingDTO

if TYPE_CHECKING:
    from mash_desk.gui.meeting.host import MeetingScreen


def agency_names(codes: tuple[str, ...], names: dict[str, str]) -> str:
    """``"Health and Police"``: agencies by name (the code only for one not known)."""
    words = [names.get(code, code) for code in codes]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


class AttendancePanel(QGroupBox):
    """Who attends for which agency, and whether the meeting may decide."""

    def __init__(self, mode: MeetingScreen):
        """Build the attendance box of ``mode`` (which does the writing)."""
        super().__init__("Attendance by agency (Ctrl+T)")
        self.mode = mode
        form = QGridLayout(self)
        self.agency_box = named(QComboBox(), "Attending agency")
        self.attendee_edit = named(QLineEdit(), "Attendee's name")
        # Short enough to show whole in the narrow attendance column at 1366×768.
        self.attendee_edit.setPlaceholderText("Their full name")
        # Long agency names are cut off in the closed box there: the tip shows the whole name.
        self.agency_box.currentTextChanged.connect(self.agency_box.setToolTip)
        self.attendee_present = named(QCheckBox("Present"), "Present, not apologies")
        self.attendee_present.setChecked(True)
        self.attend_button = QPushButton("Record attendance")
        self.attend_button.setAccessibleName("Record attendance")
        self.attend_button.clicked.connect(self.record_attendance)
        self.attendee_edit.returnPressed.connect(self.record_attendance)
        form.addWidget(labelled("A&gency", self.agency_box), 0, 0)
        form.addWidget(self.agency_box, 0, 1)
        form.addWidget(labelled("Attendee", self.attendee_edit), 1, 0)
        form.addWidget(message_box(self.attendee_edit, mode.messages, "attendee_name"), 1, 1)
        form.addWidget(self.attendee_present, 2, 0)
        form.addWidget(self.attend_button, 2, 1)
        self.attendance_list = named(QListWidget(), "Attendance (ticked: present)")
        self.attendance_list.setMaximumHeight(80)
        self.attendance_list.setWordWrap(True)
        self.attendance_list.itemChanged.connect(self._toggled)
        form.addWidget(self.attendance_list, 3, 0, 1, 2)
        # Its text is what a screen reader reads: no fixed accessible name (WCAG 4.1.2).
        self.quorum_label = live(description="Quorum")
        form.addWidget(self.quorum_label, 4, 0, 1, 2)
        self.quorum_reason = named(QLineEdit(), "Reason to proceed without quorum")
        self.quorum_reason.setPlaceholderText("Why the meeting goes on without quorum")
        self.quorum_reason.returnPressed.connect(self.proceed_without_quorum)
        self.quorum_reason_label = labelled("Reason", self.quorum_reason)
        self.quorum_button = QPushButton("Proceed without quorum")
        self.quorum_button.setAccessibleName("Proceed without quorum")
        self.quorum_button.clicked.connect(self.proceed_without_quorum)
        form.addWidget(self.quorum_reason_label, 5, 0)
        form.addWidget(message_box(self.quorum_reason, mode.messages, "quorum"), 5, 1)
        form.addWidget(self.quorum_button, 6, 0, 1, 2)

    def set_agencies(self, agencies: list[tuple[str, str]]) -> None:
        """Offer ``agencies`` (code, name) to attend."""
        self.agency_box.clear()
        for code, name in agencies:
            self.agency_box.addItem(name, code)

    def show_meeting(self, meeting: MeetingDTO, names: dict[str, str]) -> None:
        """Show who attends and the quorum line, agencies named by ``names`` (code → name)."""
        self.attendance_list.blockSignals(True)
        self.attendance_list.clear()
        for a in meeting.attendance:
            item = QListWidgetItem(f"{a.agency_name}: {a.attendee_name}")
            item.setData(Qt.ItemDataRole.UserRole, (a.agency_code, a.attendee_name))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if a.present else Qt.CheckState.Unchecked)
            self.attendance_list.addItem(item)
        self.attendance_list.blockSignals(False)
        missing = agency_names(tuple(meeting.quorum_missing), names)
        if meeting.quorate:
            self.quorum_label.setText("✔ Quorate: every required agency is present.")
        elif meeting.quorum_reason:
            self.quorum_label.setText(
                f"⚠ Not quorate ({missing} not present); the chair recorded why it goes on: "
                f"{meeting.quorum_reason}"
            )
        else:
            self.quorum_label.setText(
                f"⚠ Not quorate: {missing} not present. Decisions wait until they join, or "
                "until you record why the meeting goes on (Ctrl+Shift+Q)."
            )
        if meeting.may_decide:
            self.mode.messages["quorum"].clear_message()
        # Once decisions may be made the reason has nothing to do: it gives the agenda room.
        for widget in (self.quorum_reason, self.quorum_button):
            widget.setEnabled(not meeting.may_decide)
        reason_box = self.quorum_reason.parentWidget()
        assert reason_box is not None  # message_box() in __init__ put the reason in its box
        for shown in (reason_box, self.quorum_button):
            shown.setVisible(not meeting.may_decide)
        self.quorum_reason_label.setVisible(not meeting.may_decide)

    def record_attendance(self) -> None:
        """Record the attendee typed for the chosen agency."""
        mode = self.mode
        if mode.meeting is None:
            return
        mode.messages["attendee_name"].clear_message()
        mode.write(
            mode.session.desk.meetings.record_attendance,
            mode.meeting.id,
            self.agency_box.currentData() or "",
            self.attendee_edit.text(),
            self.attendee_present.isChecked(),
            then=lambda _m: self.attendee_edit.clear(),
            fallback="attendee_name",
            label="Recording attendance…",
        )

    def _toggled(self, item: QListWidgetItem) -> None:
        mode = self.mode
        if mode.meeting is None:
            return
        code, name = item.data(Qt.ItemDataRole.UserRole)
        mode.write(
            mode.session.desk.meetings.record_attendance,
            mode.meeting.id,
            code,
            name,
            item.checkState() == Qt.CheckState.Checked,
            fallback="attendee_name",
            label="Recording attendance…",
        )

    def proceed_without_quorum(self) -> None:
        """Record why the meeting goes on without quorum (the reason is required)."""
        mode = self.mode
        if mode.meeting is None:
            return
        self.quorum_reason.setFocus()
        mode.messages["quorum"].clear_message()
        mode.write(
            mode.session.desk.meetings.proceed_without_quorum,
            mode.meeting.id,
            mode.meeting.version,
            self.quorum_reason.text(),
            fallback="quorum",
            label="Recording the reason…",
        )
