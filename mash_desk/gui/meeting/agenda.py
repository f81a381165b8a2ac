"""The agenda: one line per child, where they stand and what still follows their decision."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QGroupBox,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QVBoxLayout,
)

from mash_desk.domain.meetings import AgendaStatus
from mash_desk.gui.meeting.common import RAG_WORDS, STATUS_WORDS, message_box, named
from mash_desk.services.meetings import AgendaItemDTO, MeetingDTO

if TYPE_CHECKING:
    from mash_desk.gui.meeting.host import MeetingScreen


class AgendaPanel(QGroupBox):
    """The agenda list, signing off the meeting and printing its memos."""

    def __init__(self, mode: MeetingScreen):
        """Build the agenda box of ``mode``."""
        super().__init__("Agenda (Ctrl+G; Alt+Left / Alt+Right move)")
        self.mode = mode
        layout = QVBoxLayout(self)
        self.agenda_list = named(QListWidget(), "Agenda")
        self.agenda_list.setWordWrap(True)
        self.agenda_list.setIconSize(QSize(16, 16))
        layout.addWidget(self.agenda_list)
        self.sign_off_button = QPushButton("Sign off the meeting (Ctrl+Shift+O)")
        self.sign_off_button.setAccessibleName("Sign off the meeting")
        layout.addWidget(message_box(self.sign_off_button, mode.messages, "agenda"))
        self.print_meeting_button = QPushButton("Print meeting memos… (Ctrl+Shift+P)")
        self.print_meeting_button.setAccessibleName("Print the meeting's memos")
        self.print_meeting_button.setEnabled(False)
        layout.addWidget(self.print_meeting_button)

    def show_meeting(self, meeting: MeetingDTO, current: int) -> None:
        """List ``meeting``'s agenda with row ``current`` chosen (no row-changed signal)."""
        self.agenda_list.blockSignals(True)
        self.agenda_list.clear()
        for number, item in enumerate(meeting.agenda, 1):
            entry = QListWidgetItem(self.text(number, item))
            self._mark(entry, item)
            self.agenda_list.addItem(entry)
        if meeting.agenda:
            self.agenda_list.setCurrentRow(current)
        self.agenda_list.blockSignals(False)

    def rewrite(self, meeting: MeetingDTO) -> None:
        """Rewrite each line (what follows a signed case changed)."""
        for number, item in enumerate(meeting.agenda, 1):
            entry = self.agenda_list.item(number - 1)
            if entry is None:
                continue
            entry.setText(self.text(number, item))
            self._mark(entry, item)

    def text(self, number: int, item: AgendaItemDTO) -> str:
        """One agenda line: name and status first, that is what the chair scans for."""
        mode = self.mode
        rag = RAG_WORDS.get(item.rag or "", "unrated")
        overdue = (
            " ⚠ OVERDUE"
            if item.decision_due_at < mode.now() and item.status == AgendaStatus.PENDING
            else ""
        )
        text = (
            f"{number}. {item.child_name} — {STATUS_WORDS[AgendaStatus(item.status)]}\n"
            f"      {rag} · due {mode.when(item.decision_due_at)}{overdue}"
        )
        if item.deferred_reason:
            text += f"\n      ({item.deferred_reason})"
        follow = mode.follow_ups.get(item.referral_id)
        if follow is not None and follow.pending:
            text += f"\n      {follow.agenda_words()}"
        return text

    def _mark(self, entry: QListWidgetItem, item: AgendaItemDTO) -> None:
        """Flag a signed case whose routing or strategy discussion is still to record.

        In words and with an icon, never by colour alone (house rules).
        """
        follow = self.mode.follow_ups.get(item.referral_id)
        style = self.style()
        if follow is not None and follow.pending:
            entry.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning))
            entry.setToolTip(follow.agenda_words().removeprefix("⚑ ").capitalize())
        elif item.status == AgendaStatus.PENDING:
            # Nothing to flag: a blank icon keeps the names in one column.
            blank = QPixmap(16, 16)
            blank.fill(Qt.GlobalColor.transparent)
            entry.setIcon(QIcon(blank))
        else:
            entry.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton))
