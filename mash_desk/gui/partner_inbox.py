"""The partner-agency inbox: the checks the MASH asked of the rep's own agency, and the return.

The services decide what a rep may see (only their agency's checks, never the case record);
this widget lists them soonest due first with the due time in words and an icon when
overdue, opens one to show the identifying details the agency searches its records with, and
returns a finding or "nothing known". Routed cases and actions are not in the services yet.

Keys: Enter opens the selected check; Ctrl+Enter returns the finding; Alt+N returns
"nothing known"; F5 reloads; Ctrl+F goes to the list.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mash_desk.domain.errors import ValidationError
from mash_desk.gui.profile_dialog import with_message
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import describe_error
from mash_desk.services.checks import CheckStatus, InboxItem, PartnerCheck

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
COLUMNS = ("Child", "Age", "Question", "Due", "Status")
COL_CHILD, COL_AGE, COL_QUESTION, COL_DUE, COL_STATUS = range(5)


class PartnerInbox(QWidget):
    """The signed-in rep's agency inbox of check requests.

    Signals:
        loaded(object): the tuple of :class:`InboxItem` now listed.
        returned(object): the :class:`PartnerCheck` just returned.
    """

    loaded = Signal(object)
    returned = Signal(object)

    def __init__(self, session: DeskSession, parent: QWidget | None = None):
        """Build the inbox and start reading it."""
        super().__init__(parent)
        self.session = session
        self.items: tuple[InboxItem, ...] = ()
        self.opened: PartnerCheck | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.title = QLabel(f"Agency checks asked of {session.actor.agency_code}")
        self.title.setStyleSheet("font-weight: bold; font-size: 14px;")
        self.show_closed = QCheckBox("Show &returned and withdrawn")
        self.show_closed.setAccessibleName("Show returned and withdrawn checks")
        self.show_closed.toggled.connect(lambda _on: self.refresh())
        top.addWidget(self.title, 1)
        top.addWidget(self.show_closed)
        layout.addLayout(top)
        self.status = QLabel()
        self.status.setAccessibleName("Inbox status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Agency check requests")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_QUESTION, QHeaderView.ResizeMode.Stretch)
        for col in (COL_CHILD, COL_AGE, COL_DUE, COL_STATUS):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.activated.connect(lambda index: self.open_row(index.row()))
        splitter.addWidget(self.table)
        splitter.addWidget(self._build_detail())
        splitter.setSizes([700, 500])
        layout.addWidget(splitter, 1)

        for sequence, slot in (
            ("Ctrl+Return", self.return_finding),
            ("Ctrl+Enter", self.return_finding),
            ("F5", self.refresh),
            ("Ctrl+F", self.table.setFocus),
        ):
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.setFocusProxy(self.table)
        self.session.hub.changed.connect(self._hub_changed)
        self.refresh()

    def _build_detail(self) -> QWidget:
        box = QGroupBox("The check")
        layout = QVBoxLayout(box)
        self.detail = QLabel("Choose a check and press Enter to open it.")
        self.detail.setAccessibleName("Check details")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.detail)
        self.finding = QPlainTextEdit()
        self.finding.setAccessibleName("Your agency's finding")
        self.finding.setPlaceholderText("What your agency knows about the child")
        self.finding.setTabChangesFocus(True)
        finding_box, self.finding_message = with_message(self.finding)
        layout.addWidget(finding_box, 1)
        buttons = QHBoxLayout()
        self.return_button = QPushButton("Return &finding (Ctrl+Enter)")
        self.return_button.setAccessibleName("Return the finding")
        self.return_button.clicked.connect(self.return_finding)
        self.nothing_button = QPushButton("&Nothing known (Alt+N)")
        self.nothing_button.setAccessibleName("Return nothing known")
        self.nothing_button.clicked.connect(self.return_nothing_known)
        buttons.addWidget(self.return_button)
        buttons.addWidget(self.nothing_button)
        layout.addLayout(buttons)
        self._set_open(False)
        return box

    def _set_open(self, can_return: bool) -> None:
        for widget in (self.finding, self.return_button, self.nothing_button):
            widget.setEnabled(can_return)

    # ---- the list ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the inbox in the background."""
        self.status.setText("Loading…")
        self.session.tasks.read(
            self.session.desk.checks.inbox,
            self.session.actor,
            include_closed=self.show_closed.isChecked(),
            on_done=self._show,
            on_error=lambda e: self.status.setText("⚠ " + describe_error(e)),
            label="Reading the agency inbox…",
        )

    def _when(self, at: Any) -> str:
        local = at.astimezone(self.session.desk.ctx.tz)
        return f"{local.day} {_MONTHS[local.month - 1]} {local:%H:%M}"

    def _show(self, items: tuple[InboxItem, ...]) -> None:
        keep = self.opened.id if self.opened is not None else None
        self.items = items
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            due = f"{self._when(item.due_at)} — {item.timing}"
            if item.overdue:
                due = "OVERDUE: " + due
            cells = (item.child_name, item.age_text, item.question, due, item.status.value)
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, item.id)
                cell.setToolTip(text)
                if col == COL_DUE and item.overdue:
                    cell.setIcon(warning)
                self.table.setItem(row, col, cell)
        self.table.resizeRowsToContents()
        overdue = sum(1 for i in items if i.overdue)
        text = f"{len(items)} check(s)"
        if overdue:
            text += f" · ⚠ {overdue} overdue"
        self.status.setText(text + " · routed cases and actions are not shown here yet.")
        if items and self.table.currentRow() < 0:
            self.table.setCurrentCell(0, 0)
        if keep is not None and keep not in {i.id for i in items}:
            self.opened = None
        self.loaded.emit(items)

    def _hub_changed(self, keys: frozenset[str]) -> None:
        if "agency_checks" in keys or f"agency_inbox:{self.session.actor.agency_code}" in keys:
            self.refresh()

    # ---- one check -----------------------------------------------------------------------

    def open_row(self, row: int) -> None:
        """Open the check on ``row`` (its identifying details; logged as a view)."""
        if not 0 <= row < len(self.items):
            return
        self.session.tasks.write(
            self.session.desk.checks.open_request,
            self.session.actor,
            self.items[row].id,
            on_done=self._opened,
            on_error=lambda e: self.detail.setText("⚠ " + describe_error(e)),
            label="Opening the check…",
        )

    def open_selected(self) -> None:
        """Open the selected check."""
        self.open_row(self.table.currentRow())

    def _opened(self, check: PartnerCheck) -> None:
        self.opened = check
        self.finding_message.clear_message()
        born = (
            f"born {check.date_of_birth:%d/%m/%Y}"
            if check.date_of_birth
            else f"expected {check.expected_delivery:%d/%m/%Y}"
            if check.expected_delivery
            else "date of birth not known"
        )
        due = f"{self._when(check.due_at)} — {check.timing}"
        lines = [
            f"{check.child_name} ({check.age_text}, {born})",
            f"NHS number: {check.nhs_number or 'not recorded'}",
            f"Address: {check.address or 'not recorded'} {check.postcode or ''}".rstrip(),
            "",
            f"Question: {check.question}",
            ("⚠ OVERDUE — " if check.overdue else "Due ") + due,
        ]
        if check.status is CheckStatus.RETURNED:
            answer = "Nothing known" if check.nothing_known else check.finding
            lines += ["", f"Returned by {check.returned_by}: {answer}"]
        elif check.status is CheckStatus.WITHDRAWN:
            lines += ["", f"Withdrawn by the MASH: {check.withdrawal_reason}"]
        self.detail.setText("\n".join(lines))
        can_return = check.status is CheckStatus.REQUESTED
        self._set_open(can_return)
        if can_return:
            self.finding.setFocus()

    def return_finding(self) -> None:
        """Return what the agency knows (the text in the finding box)."""
        self._return(finding=self.finding.toPlainText(), nothing_known=False)

    def return_nothing_known(self) -> None:
        """Return "nothing known" for the opened check."""
        self._return(finding=self.finding.toPlainText() or None, nothing_known=True)

    def _return(self, *, finding: str | None, nothing_known: bool) -> None:
        check = self.opened
        if check is None or check.status is not CheckStatus.REQUESTED:
            return
        self.finding_message.clear_message()

        def done(result) -> None:
            self.session.hub.announce(result.changed)
            self.finding.clear()
            self._opened(result.value)
            self.status.setText(f"Returned to the MASH: {result.value.child_name}.")
            self.returned.emit(result.value)
            self.table.setFocus()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                self.finding_message.show_message("; ".join(e.message for e in exc.errors))
            else:
                self.finding_message.show_message(describe_error(exc))
            self.finding.setFocus()

        self.session.tasks.write(
            self.session.desk.checks.return_findings,
            self.session.actor,
            check.id,
            check.version,
            finding=finding,
            nothing_known=nothing_known,
            on_done=done,
            on_error=failed,
            label="Returning the check…",
        )
