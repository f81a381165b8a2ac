"""The inbox's Requests tab: agency checks asked of the rep's agency, opened and returned.

Soonest due first; open one (Enter) to see the identifying details the agency searches its
records with, and return a finding (Ctrl+Enter) or "nothing known" (Alt+N). With returned and
withdrawn checks shown they follow the open ones, newest closed first, a page at a time.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, SignalInstance
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

from mash_desk.domain.errors import ValidationError
from mash_desk.gui.a11y import live_label
from mash_desk.gui.partner_inbox_parts import (
    TAB_REQUESTS,
    ClosedFooter,
    InboxTab,
    OlderListing,
    above_footer,
    detail_label,
    inbox_table,
)
from mash_desk.gui.profile_dialog import with_message
from mash_desk.gui.tasks import describe_error
from mash_desk.services.checks import CheckStatus, InboxItem, PartnerCheck

COLUMNS = ("Child", "Age", "Question", "Due", "Status")
COL_CHILD, COL_AGE, COL_QUESTION, COL_DUE, COL_STATUS = range(5)


class CheckRequestsTab(InboxTab):
    """The check requests: list, the opened check, and its return."""

    loaded: SignalInstance
    items: tuple[InboxItem, ...]
    opened: PartnerCheck | None
    returned: SignalInstance

    def _build_requests(self) -> QWidget:
        self.requests_page = page = QWidget()
        layout = QVBoxLayout(page)
        top = QHBoxLayout()
        self.status = QLabel()
        live_label(self.status, "Requests status")
        self.status.setWordWrap(True)
        self.show_closed = QCheckBox("Show returned and &withdrawn")
        self.show_closed.setAccessibleName("Show returned and withdrawn checks")
        self.show_closed.toggled.connect(self._toggle_closed)
        top.addWidget(self.status, 1)
        top.addWidget(self.show_closed)
        layout.addLayout(top)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.table = inbox_table(COLUMNS, "Agency check requests", COL_QUESTION, age=COL_AGE)
        self.table.activated.connect(lambda index: self.open_row(index.row()))
        self.closed_checks = ClosedFooter("returned or withdrawn checks", self.more_closed)
        splitter.addWidget(above_footer(self.table, self.closed_checks))
        splitter.addWidget(self._build_check_detail())
        # From the list into the detail: set once both share a window (Qt ignores it before).
        QWidget.setTabOrder(self.table, self.finding)
        splitter.setSizes([700, 500])
        layout.addWidget(splitter, 1)
        return page

    def _build_check_detail(self) -> QWidget:
        box = QGroupBox("The check")
        layout = QVBoxLayout(box)
        self.detail = detail_label("Check details", "Choose a check and press Enter to open it.")
        layout.addWidget(self.detail)
        self.finding = QPlainTextEdit()
        self.finding.setAccessibleName("Your agency's finding")
        self.finding.setPlaceholderText("What your agency knows about the child")
        self.finding.setTabChangesFocus(True)
        finding_box, self.finding_message = with_message(self.finding)
        layout.addWidget(finding_box, 1)
        buttons = QHBoxLayout()
        # No Alt mnemonic: Alt+F is the File menu.
        self.return_button = QPushButton("Return finding (Ctrl+Enter)")
        self.return_button.setAccessibleName("Return the finding")
        self.return_button.clicked.connect(self.return_finding)
        self.nothing_button = QPushButton("&Nothing known (Alt+N)")
        self.nothing_button.setAccessibleName("Return nothing known")
        self.nothing_button.clicked.connect(self.return_nothing_known)
        buttons.addWidget(self.return_button)
        buttons.addWidget(self.nothing_button)
        layout.addLayout(buttons)
        QWidget.setTabOrder(self.finding, self.return_button)
        QWidget.setTabOrder(self.return_button, self.nothing_button)
        self._set_open(False)
        return box

    def _set_open(self, can_return: bool) -> None:
        for widget in (self.finding, self.return_button, self.nothing_button):
            widget.setEnabled(can_return)

    def _toggle_closed(self, shown: bool) -> None:
        self.closed_checks.reset(shown)
        self.refresh_requests()

    def refresh_requests(self) -> None:
        """Reload the check requests in the background (as many closed ones as are listed)."""
        self.status.setText("Loading…")
        self.session.tasks.read(
            self.session.desk.checks.inbox,
            self.session.actor,
            include_closed=self.show_closed.isChecked(),
            closed_limit=self.closed_checks.wanted,
            on_done=self._show,
            on_error=lambda e: self.status.setText("⚠ " + describe_error(e)),
            label="Reading the agency inbox…",
        )

    def more_closed(self) -> None:
        """Read the next page of returned and withdrawn checks, older than the last listed."""
        self.closed_checks.read_older(
            self.session,
            OlderListing(
                lambda: self.items,
                self.session.desk.checks.closed,
                self._show,
                self.table,
                self.status,
            ),
        )

    def _show(self, items: tuple[InboxItem, ...]) -> None:
        keep = self.opened.id if self.opened is not None else None
        self.items = items
        warning = self._icon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        rows = []
        for item in items:
            due = f"{self._when(item.due_at)} — {item.timing}"
            if item.overdue:
                due = "OVERDUE: " + due
            cells = (item.child_name, item.age_text, item.question, due, item.status.value)
            rows.append((item.id, cells, {COL_DUE: warning} if item.overdue else {}))
        self._fill(self.table, rows)
        overdue = sum(1 for i in items if i.overdue)
        # Open ones only: the closed ones listed are a page of history, not work to count.
        awaited = sum(1 for i in items if i.status is CheckStatus.REQUESTED)
        text = f"{awaited} open check(s)"
        if overdue:
            text += f" · ⚠ {overdue} overdue"
        self.status.setText(text)
        if self.show_closed.isChecked():
            self.closed_checks.listed(sum(1 for i in items if i.closed_mark is not None))
        self._set_tab(TAB_REQUESTS, "Requests", awaited, overdue, "overdue")
        if keep is not None and keep not in {i.id for i in items}:
            self.opened = None
        self.loaded.emit(items)

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
