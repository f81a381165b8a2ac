"""The inbox's Actions tab: actions from signed decisions owned by the agency or the rep.

Soonest due first; Ctrl+Enter adds a progress note, Alt+E closes as done (what was done) and
Alt+O closes as not done (why). With closed actions shown they follow the open ones, newest
closed first, a page at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from mash_desk.domain.errors import ConflictError
from mash_desk.gui.a11y import live_label
from mash_desk.gui.partner_inbox_parts import (
    MONTHS,
    TAB_ACTIONS,
    ClosedFooter,
    InboxTab,
    OlderListing,
    above_footer,
    detail_label,
    errors_text,
    inbox_table,
    scrolled,
)
from mash_desk.gui.profile_dialog import FieldMessage, with_message
from mash_desk.gui.tasks import describe_error
from mash_desk.services.actions import ActionItem, ActionStatus

ACTION_COLUMNS = ("Child", "Age", "Action", "Owner", "Due", "Status")
A_CHILD, A_AGE, A_ACTION, A_OWNER, A_DUE, A_STATUS = range(6)


class AgencyActionsTab(InboxTab):
    """The agency's actions: list, the action's detail, notes and closing."""

    actions_loaded: SignalInstance
    action_items: tuple[ActionItem, ...]
    action_changed: SignalInstance

    def _build_actions(self) -> QWidget:
        self.actions_page = page = QWidget()
        layout = QVBoxLayout(page)
        top = QHBoxLayout()
        self.actions_status = QLabel()
        live_label(self.actions_status, "Actions status")
        self.actions_status.setWordWrap(True)
        self.show_closed_actions = QCheckBox("Show &closed actions")
        self.show_closed_actions.setAccessibleName("Show closed actions")
        self.show_closed_actions.toggled.connect(self._toggle_closed_actions)
        top.addWidget(self.actions_status, 1)
        top.addWidget(self.show_closed_actions)
        layout.addLayout(top)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.actions_table = inbox_table(
            ACTION_COLUMNS, "Your agency's actions", A_ACTION, age=A_AGE
        )
        self.actions_table.currentCellChanged.connect(
            lambda row, _c, _pr, _pc: self._show_action_row(row)
        )
        self.closed_actions = ClosedFooter("closed actions", self.more_closed_actions)
        splitter.addWidget(above_footer(self.actions_table, self.closed_actions))
        splitter.addWidget(self._build_action_detail())
        # From the list into the detail: set once both share a window (Qt ignores it before).
        QWidget.setTabOrder(self.actions_table, self.action_note)
        splitter.setSizes([820, 480])
        layout.addWidget(splitter, 1)
        return page

    def _build_action_detail(self) -> QWidget:
        box = QGroupBox("The action")
        layout = QVBoxLayout(box)
        self.action_detail = detail_label("Action details", "Choose an action.")
        layout.addWidget(scrolled(self.action_detail), 1)
        self.action_note = QPlainTextEdit()
        self.action_note.setAccessibleName("Progress note or closing note")
        self.action_note.setPlaceholderText(
            "Progress so far — or, to close it, what was done / why it was not done"
        )
        self.action_note.setTabChangesFocus(True)
        self.action_note.setMaximumHeight(90)
        note_box, self.action_note_message = with_message(self.action_note)
        layout.addWidget(note_box)
        buttons = QHBoxLayout()
        self.note_button = QPushButton("Add progress note (Ctrl+Enter)")
        self.note_button.setAccessibleName("Add the progress note")
        self.note_button.clicked.connect(self.add_note)
        self.done_button = QPushButton("Close as don&e (Alt+E)")
        self.done_button.setAccessibleName("Close the action as done")
        self.done_button.clicked.connect(lambda: self.close_action(True))
        self.not_done_button = QPushButton("Close as n&ot done (Alt+O)")
        self.not_done_button.setAccessibleName("Close the action as not done")
        self.not_done_button.clicked.connect(lambda: self.close_action(False))
        for button in (self.note_button, self.done_button, self.not_done_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.action_message = FieldMessage(self.note_button, box)
        layout.addWidget(self.action_message)
        QWidget.setTabOrder(self.action_note, self.note_button)
        QWidget.setTabOrder(self.note_button, self.done_button)
        QWidget.setTabOrder(self.done_button, self.not_done_button)
        self._action_buttons(None)
        return box

    def _action_buttons(self, item: ActionItem | None) -> None:
        workable = item is not None and item.is_open
        for widget in (self.action_note, self.note_button, self.done_button, self.not_done_button):
            widget.setEnabled(workable)

    def _toggle_closed_actions(self, shown: bool) -> None:
        self.closed_actions.reset(shown)
        self.refresh_actions()

    def refresh_actions(self) -> None:
        """Reload the actions in the background (as many closed ones as are listed)."""
        self.actions_status.setText("Loading…")
        self.session.tasks.read(
            self.session.desk.actions.inbox,
            self.session.actor,
            include_closed=self.show_closed_actions.isChecked(),
            closed_limit=self.closed_actions.wanted,
            on_done=self._show_actions,
            on_error=lambda e: self.actions_status.setText("⚠ " + describe_error(e)),
            label="Reading your agency's actions…",
        )

    def more_closed_actions(self) -> None:
        """Read the next page of closed actions, older than the last one listed."""
        self.closed_actions.read_older(
            self.session,
            OlderListing(
                lambda: self.action_items,
                self.session.desk.actions.closed,
                self._show_actions,
                self.actions_table,
                self.actions_status,
            ),
        )

    def _due_words(self, item: ActionItem, sep: str = "\n") -> tuple[str, QIcon | None]:
        """The due date in words, and an icon when it needs attention (never colour alone)."""
        due = f"{item.due_on:%a} {item.due_on.day} {MONTHS[item.due_on.month - 1]}"
        if item.overdue:
            warning = self._icon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            return f"OVERDUE: {due}{sep}{item.timing}", warning
        if item.is_open and item.timing == "due today":
            info = self._icon(QStyle.StandardPixmap.SP_MessageBoxInformation)
            return f"TODAY: {due}{sep}{item.timing}", info
        return f"{due}{sep}{item.timing}", None

    def _owner_words(self, item: ActionItem) -> str:
        """Whose action it is, from where the reader sits (a rep: "You" or "Your agency")."""
        if item.owner_user_id is not None and item.owner_user_id == self.session.actor.user_id:
            return "You"
        if item.owner_agency is not None and item.owner_agency == self.session.actor.agency_code:
            return "Your agency"
        return item.owner

    def _show_actions(self, items: tuple[ActionItem, ...]) -> None:
        self.action_items = items
        rows = []
        for item in items:
            due, due_icon = self._due_words(item)
            icons: dict[int, QIcon] = {A_DUE: due_icon} if due_icon else {}
            if item.status is ActionStatus.DONE:
                icons[A_STATUS] = self._icon(QStyle.StandardPixmap.SP_DialogApplyButton)
            elif item.status is ActionStatus.NOT_DONE:
                icons[A_STATUS] = self._icon(QStyle.StandardPixmap.SP_DialogCancelButton)
            status = item.status.label
            if item.updates and item.status is ActionStatus.OPEN:
                status += f" · {len(item.updates)} note(s)"
            owner = self._owner_words(item)
            cells = (item.child_name, item.age_text, item.description, owner, due, status)
            rows.append((item.id, cells, icons))
        self._fill(self.actions_table, rows)
        open_items = [i for i in items if i.is_open]
        overdue = sum(1 for i in open_items if i.overdue)
        text = f"{len(open_items)} open action(s)"
        if overdue:
            text += f" · ⚠ {overdue} overdue"
        self.actions_status.setText(text)
        if self.show_closed_actions.isChecked():
            self.closed_actions.listed(sum(1 for i in items if i.closed_mark is not None))
        self._set_tab(TAB_ACTIONS, "Actions", len(open_items), overdue, "overdue")
        self._show_action_row(self.actions_table.currentRow())
        self.actions_loaded.emit(items)

    def _selected_action(self) -> ActionItem | None:
        wanted = self._selected_id(self.actions_table)
        return next((i for i in self.action_items if i.id == wanted), None)

    def _show_action_row(self, _row: int) -> None:
        item = self._selected_action()
        self._action_buttons(item)
        if item is None:
            self.action_detail.setText("Choose an action.")
            return
        due, _icon = self._due_words(item, " — ")
        lines = [
            f"{item.child_name} ({item.age_text})",
            f"Decision: {item.outcome.label}",
            "",
            f"Action: {item.description}",
            f"Owner: {item.owner}",
            ("⚠ " if item.overdue else "Due ") + due,
            f"Status: {item.status.label}",
        ]
        if item.closed_at is not None:
            lines.append(
                f"Closed by {item.closed_by}, {self._when(item.closed_at)}: {item.closing_note}"
            )
        lines += ["", "Progress:"]
        lines += [
            f"• {self._when(u.written_at)} {u.written_by}: {u.note}" for u in item.updates
        ] or ["• no notes yet"]
        self.action_detail.setText("\n".join(lines))

    def add_note(self) -> None:
        """Add the typed progress note to the selected action."""
        item = self._selected_action()
        if item is None or not item.is_open:
            return
        self._work_action(
            item,
            self.session.desk.actions.update,
            (self.action_note.toPlainText() or None,),
            "Progress note added",
        )

    def close_action(self, done: bool) -> None:
        """Close the selected action: done (what was done) or not done (why), from the note."""
        item = self._selected_action()
        if item is None or not item.is_open:
            return
        self._work_action(
            item,
            self.session.desk.actions.close,
            (done, self.action_note.toPlainText() or None),
            "Closed as done" if done else "Closed as not done",
        )

    def _work_action(
        self, item: ActionItem, call: Callable[..., Any], args: tuple, words: str
    ) -> None:
        self.action_message.clear_message()
        self.action_note_message.clear_message()

        def done(result) -> None:
            self.session.hub.announce(result.changed)
            self.action_note.clear()
            self.actions_status.setText(f"{words}: {result.value.description}.")
            self.action_changed.emit(result.value)
            self.actions_table.setFocus()

        def failed(exc: BaseException) -> None:
            at_note, elsewhere = errors_text(exc, ("note",))
            if at_note:
                self.action_note_message.show_message(at_note)
                self.action_note.setFocus()
            if elsewhere:
                self.action_message.show_message(elsewhere)
            if isinstance(exc, ConflictError):
                self.refresh_actions()

        self.session.tasks.write(
            call,
            self.session.actor,
            item.id,
            item.version,
            *args,
            on_done=done,
            on_error=failed,
            label="Saving the action…",
        )
