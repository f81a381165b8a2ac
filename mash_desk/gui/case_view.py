"""A child's case record: who they are, who they live with, flags, chronology and decisions.

The record is read in the background through ``session.tasks`` (the case service reads the
history check, threshold assessments, audit rows, decisions, routings, escalations and
strategy discussions in one call) and re-read whenever a saved change announces
``person:<id>`` (or one of the child's referrals, or an escalation while one is open). Flags
are text badges with an icon, never a colour alone, because the people reading them include
colour-blind practitioners and monochrome printouts of screenshots; deadlines say "OVERDUE"
in words with a warning sign.

The "Decisions and routing" tab shows, per referral, every version of the decision (a signed
version is never changed, only amended: superseded versions are kept and marked), the
strategy discussions with their conference target, the escalations of agencies' dissent, and
the routings; from there the routing and strategy-discussion dialogs are opened, and a manager
or chair records the date the initial child protection conference was held (a small date
dialog, :class:`ConferenceDialog`); the discussion then says in words whether it was within
the 15-working-day target (domain brief §4) or how many working days late.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QIcon, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mash_desk.domain.changes import ChangeKey, Kind, Topic, record_key
from mash_desk.domain.meetings import (
    DecisionOutcome,
    EscalationStatus,
)
from mash_desk.domain.permissions import Permission, allows
from mash_desk.domain.routing import RoutingStatus
from mash_desk.gui.a11y import live_label, name_clear_button, no_tab_trap
from mash_desk.gui.attachments import CaseAttachments
from mash_desk.gui.case_html import OVERDUE_SIGN, case_record_html, conference_owed, overdue_count
from mash_desk.gui.chronology import ChronologyFilter, ChronologyModel, describe_due, local_time
from mash_desk.gui.conference_dialog import ConferenceDialog
from mash_desk.gui.flag_badge import FlagBadge
from mash_desk.gui.flow_layout import FlowLayout
from mash_desk.gui.outcome_dialog import OutcomeDialog, outcome_button
from mash_desk.gui.routing_dialog import (
    RoutingDialog,
)
from mash_desk.gui.session import DeskSession
from mash_desk.gui.strategy_dialog import StrategyDialog
from mash_desk.gui.tasks import describe_error
from mash_desk.services.case import (
    CHRONOLOGY_PAGE,
    EVENT_KINDS,
    CaseDTO,
    CaseEvent,
    ReferralRecord,
    age_text,
)
from mash_desk.services.decisions import DecisionDTO
from mash_desk.services.routing import RoutingDTO
from mash_desk.services.strategy import StrategyDTO

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


# Below this width (the case beside the threshold panel, up to 1920 pixels wide) the side
# lists stack under the record: side by side they would need a sideways scroll.
NARROW_CASE_WIDTH = 900


class CaseView(QWidget):
    """One child's case record, read in the background and kept up to date.

    Signals:
        loaded(object): the :class:`~mash_desk.services.case.CaseDTO` just shown.
        title_changed(str): the tab title, once the child's name is known.
        assessment_requested(object): the user opened a threshold event; carries its
            :class:`~mash_desk.services.thresholds.AssessmentDTO` (show it with
            ``ThresholdPanel.show_assessment``).
    """

    loaded = Signal(object)
    title_changed = Signal(str)
    assessment_requested = Signal(object)

    # Alt+E, not Alt+D: "&Demo" is a menu of the demo desk.
    DECISIONS_TAB = "D&ecisions and routing"
    # Built in a loop over their titles (_side_lists).
    deadline_list: QListWidget
    consent_list: QListWidget

    def __init__(
        self,
        session: DeskSession,
        person_id: int,
        parent: QWidget | None = None,
        chronology_page: int = CHRONOLOGY_PAGE,
    ):
        """Build the view and start loading the case of ``person_id``.

        The chronology opens on its newest ``chronology_page`` events; "Show older entries"
        reads the rest.
        """
        super().__init__(parent)
        self.session = session
        self.person_id = person_id
        self.case: CaseDTO | None = None
        self.routing_dialog: RoutingDialog | None = None
        self.outcome_dialog: OutcomeDialog | None = None
        self.strategy_dialog: StrategyDialog | None = None
        self.conference_dialog: ConferenceDialog | None = None
        self._request = 0
        self._events_limit: int | None = chronology_page
        self._loading = False

        self.stack = QStackedWidget()
        self.loading_label = QLabel("Loading the case record…")
        self.loading_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.loading_label)
        self.stack.addWidget(self._error_page())
        self.stack.addWidget(self._content_page())
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)
        buttons = list(self.kind_buttons.values())
        chain = [self.outcome_button, *buttons, self.filter_edit, self.table, self.detail]
        chain += [self.open_assessment_button, self.routing_button, self.continue_routing_button]
        chain += [self.strategy_button, self.conference_button, self.record_browser]
        chain += [self.deadline_list, self.consent_list]
        chain += [self.attachments.files, self.attachments.open_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

        # setContext, not a context= argument: PySide6 ignores that keyword, and a window-wide
        # Ctrl+F here would clash with the threshold panel's beside it (Qt then fires neither).
        for key, slot in (
            (QKeySequence.StandardKey.Find, self.focus_filter),
            (QKeySequence.StandardKey.Refresh, self.reload),
        ):
            QShortcut(key, self, slot).setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        session.hub.changed.connect(self._on_changed)
        self.setAccessibleName("Case record")
        self.reload()

    # -- pages -----------------------------------------------------------------------------

    def _error_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch()
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.retry_button = QPushButton("&Try again")
        self.retry_button.setAccessibleName("Try loading the case again")
        self.retry_button.clicked.connect(self.reload)
        layout.addWidget(self.error_label)
        layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch()
        return page

    def _content_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self._header())
        splitter = QSplitter(Qt.Orientation.Horizontal)
        # Tabs rather than one long page: the case often sits beside the threshold panel in a
        # narrow column, and each tab reads well there.
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Case record sections")
        self.tabs.addTab(self._chronology(), "&Chronology")
        self.tabs.addTab(self._decisions(), self.DECISIONS_TAB)
        splitter.addWidget(self.tabs)
        splitter.addWidget(self._side())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([900, 340])
        self._body = splitter
        layout.addWidget(splitter, 1)
        self.status_label = QLabel()
        live_label(self.status_label, "Case status")
        layout.addWidget(self.status_label)
        return page

    def _header(self) -> QWidget:
        box = QFrame()
        box.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(box)
        layout.setSpacing(3)
        self.name_label = QLabel()
        font = QFont(self.name_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.name_label.setFont(font)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.age_label = QLabel()
        self.identifiers_label = QLabel()
        self.identifiers_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.address_label = QLabel()
        self.flags_row = FlowLayout(spacing=6)  # many flags wrap in a narrow column
        flags_holder = QWidget()
        flags_holder.setLayout(self.flags_row)
        self.flags_row.setContentsMargins(0, 2, 0, 2)
        self.household_label = QLabel()
        self.household_label.setWordWrap(True)
        for label in (
            self.name_label,
            self.age_label,
            self.identifiers_label,
            self.address_label,
        ):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)  # a long name or address wraps in a narrow column
            layout.addWidget(label)
        layout.addWidget(flags_holder)
        self.household_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.household_label)
        # Issue 12: the contact's outcome is recorded from the case (logic in outcome_dialog).
        self.outcome_button = outcome_button(self.session, self.open_outcome_dialog)
        layout.addWidget(self.outcome_button, 0, Qt.AlignmentFlag.AlignLeft)
        return box

    def _chronology(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Chronology (newest first)")
        bold = title.font()
        bold.setBold(True)
        title.setFont(bold)
        layout.addWidget(title)

        # Wraps in the narrow column beside the threshold panel, never scrolls sideways.
        bar = FlowLayout()
        # Check boxes rather than toggle buttons: their state reads as a tick, not a shade.
        self.kind_buttons: dict[str, QCheckBox] = {}
        bar.addWidget(QLabel("Show:"))
        for kind, label in EVENT_KINDS.items():
            button = QCheckBox(label)
            button.setChecked(True)
            button.setAccessibleName(f"Show {label.lower()} events")
            button.setToolTip(f"Show or hide {label.lower()} events")
            button.toggled.connect(self._kinds_changed)
            self.kind_buttons[kind] = button
            bar.addWidget(button)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter the chronology (Ctrl+F)")
        self.filter_edit.setAccessibleName("Filter the chronology by text")
        name_clear_button(self.filter_edit, "Clear the chronology filter")
        self.filter_edit.textChanged.connect(self._text_changed)
        self.filter_edit.setMinimumWidth(220)
        bar.addWidget(self.filter_edit)
        layout.addLayout(bar)

        self.model = ChronologyModel(self.session, self)
        self.proxy = ChronologyFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        no_tab_trap(self.table)
        title.setBuddy(self.table)  # the heading is the table's label for screen readers
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Chronology of events")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(ChronologyModel.COL_WHEN, Qt.SortOrder.DescendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ChronologyModel.COL_SUMMARY, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self.table.activated.connect(self._activated)
        layout.addWidget(self.table, 1)
        self.count_label = QLabel()
        count_row = QHBoxLayout()
        count_row.addWidget(self.count_label, 1)
        # The chronology opens on its newest page (services.case.CHRONOLOGY_PAGE).
        self.older_button = QPushButton("Show older entries")
        self.older_button.setAccessibleName("Show the older entries of the chronology")
        self.older_button.clicked.connect(self.show_older_entries)
        self.older_button.setVisible(False)
        count_row.addWidget(self.older_button)
        layout.addLayout(count_row)

        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setAccessibleName("Details of the selected event")
        self.detail.setPlaceholderText("Select an event to read it in full.")
        self.detail.setMaximumHeight(110)
        layout.addWidget(self.detail)
        self.open_assessment_button = QPushButton("Show &assessment against its document")
        self.open_assessment_button.setAccessibleName(
            "Show the selected threshold assessment against the document version it used"
        )
        self.open_assessment_button.setEnabled(False)
        self.open_assessment_button.clicked.connect(self._request_assessment)
        layout.addWidget(self.open_assessment_button, 0, Qt.AlignmentFlag.AlignLeft)
        return box

    def _decisions(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = FlowLayout()  # wraps in a narrow column
        self.routing_button = QPushButton("Record rout&ing…")
        self.routing_button.setAccessibleName("Record a routing: step up, step down or transfer")
        self.routing_button.setToolTip("Step the child up or down, or transfer them (Alt+I)")
        self.routing_button.clicked.connect(self.open_routing_dialog)
        self.continue_routing_button = QPushButton("C&ontinue open routing…")
        self.continue_routing_button.setAccessibleName(
            "Continue the open routing: record who was told and complete it"
        )
        self.continue_routing_button.clicked.connect(self.continue_routing)
        self.strategy_button = QPushButton("Record strate&gy discussion…")
        self.strategy_button.setAccessibleName("Record the strategy discussion of the s47 decision")
        self.strategy_button.clicked.connect(self.open_strategy_dialog)
        self.conference_button = QPushButton("Conference &held…")
        self.conference_button.setAccessibleName(
            "Record the date the initial child protection conference was held, or that the "
            "s47 enquiry concluded with none needed"
        )
        self.conference_button.setToolTip(
            "Record when the initial child protection conference was held, or that the s47 "
            "enquiry concluded with no conference needed (Alt+H)"
        )
        self.conference_button.clicked.connect(self.open_conference_dialog)
        for button in (
            self.routing_button,
            self.continue_routing_button,
            self.strategy_button,
            self.conference_button,
        ):
            button.setEnabled(False)
            bar.addWidget(button)
        layout.addLayout(bar)
        self.decisions_hint = QLabel()
        self.decisions_hint.setWordWrap(True)
        live_label(self.decisions_hint, "About the decision buttons")
        self.decisions_hint.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.decisions_hint)
        self.record_browser = QTextBrowser()
        self.record_browser.setAccessibleName(
            "Decisions with every version, strategy discussions, escalations and routings"
        )
        self.record_browser.setOpenLinks(False)
        self.record_browser.setTabChangesFocus(True)
        layout.addWidget(self.record_browser, 1)
        return box

    def _side(self) -> QWidget:
        box = QWidget()
        box.setMinimumWidth(300)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        for text, attr, name in (
            ("Next deadlines", "deadline_list", "Next deadlines of open work"),
            ("Consent", "consent_list", "Consent recorded for the child"),
        ):
            title = QLabel(text)
            bold = title.font()
            bold.setBold(True)
            title.setFont(bold)
            layout.addWidget(title)
            widget = QListWidget()
            no_tab_trap(widget)
            widget.setAccessibleName(name)
            widget.setWordWrap(True)
            widget.setAlternatingRowColors(True)
            setattr(self, attr, widget)
            title.setBuddy(widget)
            layout.addWidget(widget, 1)
        # Files the referrers sent, opened read-only (logic in gui/attachments.py).
        self.attachments = CaseAttachments(self.session, self.person_id, box)
        layout.addWidget(self.attachments, 1)
        return box

    # -- loading ---------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 — Qt API
        """In a narrow column the deadlines and consent go under the record, not beside it."""
        super().resizeEvent(event)
        body = getattr(self, "_body", None)
        if body is not None:
            narrow = event.size().width() < NARROW_CASE_WIDTH
            body.setOrientation(Qt.Orientation.Vertical if narrow else Qt.Orientation.Horizontal)

    def title(self) -> str:
        """The tab title: the child's name once loaded."""
        if self.case is None:
            return f"Case {self.person_id}"
        return self.case.child.full_name

    @property
    def loading(self) -> bool:
        """Whether a read is under way."""
        return self._loading

    def reload(self) -> None:
        """Read the case again in the background."""
        self._request += 1
        number = self._request
        self._loading = True
        if self.case is None:
            self.stack.setCurrentIndex(0)
        else:
            self.status_label.setText("Refreshing…")
        # Opening a case writes the access-log row ("who has looked at this child"), so it
        # goes through the single writer like every other write.
        self.session.tasks.write(
            self.session.desk.case.view,
            self.session.actor,
            self.person_id,
            events_limit=self._events_limit,
            on_done=partial(self._loaded, number),
            on_error=partial(self._failed, number),
            label="Loading the case record…",
        )

    def _on_changed(self, keys: frozenset[str]) -> None:
        # Every re-read is a logged view of the child, so only what touches this child counts:
        # dissent announces the referral; moving or resolving an escalation announces only
        # "escalations", which matters here while one of this child's is open.
        case = self.case
        mine: set[ChangeKey] = {record_key(Kind.PERSON, self.person_id)}
        if case is not None:
            mine |= {record_key(Kind.REFERRAL, r.id) for r in case.referrals}
            if any(e.status is EscalationStatus.OPEN for e in case.escalations):
                mine.add(Topic.ESCALATIONS)
        if keys & mine:
            self.reload()

    def _loaded(self, number: int, case: CaseDTO) -> None:
        if number != self._request:
            return  # an older read finishing after a newer one started
        self._loading = False
        self.case = case
        self._show(case)
        self.stack.setCurrentIndex(2)
        self.status_label.setText(
            f"As of {local_time(self.session.desk.ctx.clock.now(), self.session):%d %b %Y %H:%M}"
        )
        self.title_changed.emit(self.title())
        self.loaded.emit(case)

    def _failed(self, number: int, exc: BaseException) -> None:
        if number != self._request:
            return
        self._loading = False
        message = describe_error(exc)
        if self.case is None:
            self.error_label.setText(f"The case record could not be opened. {message}")
            self.stack.setCurrentIndex(1)
        else:
            self.status_label.setText(f"Could not refresh: {message}")

    # -- showing ---------------------------------------------------------------------------

    def _show(self, case: CaseDTO) -> None:
        child = case.child
        self.name_label.setText(child.full_name)
        if child.unborn:
            age = case.age_text
        elif child.date_of_birth is not None:
            age = f"{case.age_text} · born {child.date_of_birth:%d %b %Y}"
        else:
            age = case.age_text
        self.age_label.setText(
            f"{age} · {child.sex.replace('_', ' ')} · {case.ethnicity_text} · person {child.id}"
        )
        ids = " · ".join(f"{label} {value}" for label, value in case.identifiers)
        self.identifiers_label.setText(ids or "No identifiers recorded")
        where = ", ".join(x for x in (case.address, child.postcode) if x)
        self.address_label.setText(f"Address: {where}" if where else "Address not recorded")
        while self.flags_row.count():
            item = self.flags_row.takeAt(0)
            old = item.widget() if item is not None else None
            if old is not None:
                old.deleteLater()
        self.flag_badges = [FlagBadge(flag) for flag in case.flags]
        for badge in self.flag_badges:
            self.flags_row.addWidget(badge)
        if not case.flags:
            self.flags_row.addWidget(QLabel("No flags"))
        self.flags_row.addStretch()
        if case.household:
            people = []
            for m in case.household:
                p = m.person
                age = "adult" if p.kind == "adult" else age_text(p, case.as_of)
                people.append(f"{p.full_name} ({age}) — {m.relationship}")
            self.household_label.setText("Household: " + "; ".join(people))
        else:
            self.household_label.setText("Household: no one else recorded")

        self.model.set_events(case.events)
        self._update_count()
        self.detail.clear()
        self.open_assessment_button.setEnabled(False)

        now = self.session.desk.ctx.clock.now()
        self.deadline_list.clear()
        style = self.style()
        for deadline in case.deadlines:
            rag = f" · {deadline.rag.value.upper()}" if deadline.rag else ""
            text = (
                f"{describe_due(deadline, now)} — {deadline.what}\n"
                f"{local_time(deadline.due_at, self.session):%a %d %b %Y %H:%M}{rag}"
            )
            icon = (
                QStyle.StandardPixmap.SP_MessageBoxCritical
                if deadline.overdue
                else QStyle.StandardPixmap.SP_FileDialogInfoView
            )
            self.deadline_list.addItem(QListWidgetItem(QIcon(style.standardIcon(icon)), text))
        if not case.deadlines:
            self.deadline_list.addItem("No open work")
        self.consent_list.clear()
        for consent in case.consents:
            self.consent_list.addItem(
                f"{consent.summary}\n{local_time(consent.recorded_at, self.session):%d %b %Y} · "
                f"{consent.recorded_by}"
                + (f" · contact {consent.contact_id}" if consent.contact_id else "")
            )
        if not case.consents:
            self.consent_list.addItem("No consent recorded")
        self._show_decisions(case, now)

    def _show_decisions(self, case: CaseDTO, now: datetime) -> None:
        tz = self.session.desk.ctx.tz
        scroll = self.record_browser.verticalScrollBar().value()
        self.record_browser.setHtml(case_record_html(case, now, tz))
        self.record_browser.verticalScrollBar().setValue(scroll)
        late = overdue_count(case, now)
        title = self.DECISIONS_TAB + (f" — {OVERDUE_SIGN} {late} overdue" if late else "")
        index = self.tabs.indexOf(self.record_browser.parentWidget() or self.record_browser)
        self.tabs.setTabText(index, title)
        self.tabs.setTabToolTip(
            index,
            f"{late} escalation stage(s) or conference target(s) past due" if late else "",
        )
        role = self.session.actor.role
        may_route = allows(role, Permission.ROUTE_CHILD)
        self.routing_button.setEnabled(may_route)
        self.continue_routing_button.setEnabled(may_route and self.open_routing() is not None)
        waiting = self.strategy_waiting()
        may_minute = allows(role, Permission.RECORD_STRATEGY)
        self.strategy_button.setEnabled(waiting is not None and may_minute)
        owed = self.conference_waiting()
        self.conference_button.setEnabled(owed is not None and may_minute)
        hints = []
        if waiting is not None and not may_minute:
            hints.append(
                f"Referral {waiting[0].id} has a signed s47 decision waiting for its strategy "
                "discussion: a manager or chair records it."
            )
        elif waiting is None and owed is None:
            hints.append(
                "Record strategy discussion is offered when a signed s47 decision has none."
            )
        if owed is not None and not may_minute:
            hints.append(
                f"Referral {owed[0].id} waits for its initial child protection conference: a "
                "manager or chair records when it was held."
            )
        elif owed is not None:
            hints.append(
                f"Referral {owed[0].id} waits for its initial child protection conference: "
                "once it is held, record the date with Conference held… (Alt+H)."
            )
        if not may_route:
            hints.append("Your role does not route children.")
        self.decisions_hint.setText(" ".join(hints))

    # -- decisions tab actions -------------------------------------------------------------

    def open_routing(self) -> RoutingDTO | None:
        """The newest routing of the child still waiting for who was told, if any."""
        if self.case is None:
            return None
        waiting = [r for r in self.case.routings if r.status is RoutingStatus.OPEN]
        return waiting[-1] if waiting else None

    def strategy_waiting(self) -> tuple[ReferralRecord, DecisionDTO] | None:
        """The newest referral whose signed s47 decision has no strategy discussion yet."""
        if self.case is None:
            return None
        for record in self.case.referrals:  # newest first
            decision = record.needs_strategy
            if decision is not None:
                return record, decision
        return None

    def conference_waiting(self) -> tuple[ReferralRecord, StrategyDTO] | None:
        """The newest s47 enquiry still waiting for its initial conference, with its discussion.

        One conference per enquiry: the referral's latest discussion carries it, and none of
        its discussions has a conference recorded; an enquiry ended by amending the decision
        to another outcome waits for nothing.
        """
        if self.case is None:
            return None
        for record in self.case.referrals:  # newest first
            discussion = conference_owed(record)
            if discussion is not None:
                return record, discussion
        return None

    def _routing_preset(self) -> tuple[int | None, int | None, str | None]:
        """(referral, decision, kind) for a routing that follows the newest decision.

        The newest referral's decision in force is linked unless a routing already follows
        it; a step-down decision presets a step down, a transfer to another council a
        transfer. The dialog lets the user unlink it.
        """
        if self.case is None or not self.case.referrals:
            return None, None, None
        record = self.case.referrals[0]
        decision = record.latest_signed
        if decision is None or any(r.decision_id == decision.id for r in self.case.routings):
            return None, None, None
        kind = {
            DecisionOutcome.STEP_DOWN: "step_down",
            DecisionOutcome.TRANSFER_COUNCIL: "transfer",
        }.get(decision.outcome)
        return record.id, decision.id, kind

    def _replace_dialog(self, attr: str, dialog: Any) -> Any:
        old = getattr(self, attr)
        if old is not None:
            old.deleteLater()
        setattr(self, attr, dialog)
        dialog.open()
        return dialog

    def open_outcome_dialog(self) -> OutcomeDialog:
        """Open the outcome dialog for this child's newest open contact."""
        dialog = OutcomeDialog(self.session, parent=self, person_id=self.person_id)
        return self._replace_dialog("outcome_dialog", dialog)

    def open_routing_dialog(self) -> RoutingDialog:
        """Open the routing dialog for this child (linked to the newest decision if fitting)."""
        referral_id, decision_id, kind = self._routing_preset()
        dialog = RoutingDialog(self.session, self.person_id, referral_id, decision_id, kind, self)
        return self._replace_dialog("routing_dialog", dialog)

    def continue_routing(self) -> RoutingDialog | None:
        """Open the child's open routing to record who was told and complete it."""
        routing = self.open_routing()
        if routing is None:
            return None
        dialog = RoutingDialog(
            self.session,
            self.person_id,
            routing.referral_id,
            routing.decision_id,
            parent=self,
            routing=routing,
        )
        return self._replace_dialog("routing_dialog", dialog)

    def open_strategy_dialog(self) -> StrategyDialog | None:
        """Open the strategy-discussion dialog of the s47 decision waiting for one."""
        waiting = self.strategy_waiting()
        if waiting is None:
            return None
        record, decision = waiting
        dialog = StrategyDialog(self.session, record.id, decision.id, self)
        return self._replace_dialog("strategy_dialog", dialog)

    def open_conference_dialog(self) -> ConferenceDialog | None:
        """Open the date dialog of the conference the newest s47 enquiry waits for."""
        owed = self.conference_waiting()
        if owed is None:
            return None
        record, discussion = owed
        dialog = ConferenceDialog(self.session, record.id, discussion, self)
        return self._replace_dialog("conference_dialog", dialog)

    def decisions_text(self) -> str:
        """The decisions tab as plain text (what a screen reader or a test reads)."""
        return self.record_browser.toPlainText()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        text = f"Showing all {total} events"
        if shown != total:
            text = f"Showing {shown} of {total} events"
        more = self.case is not None and self.case.chronology_more
        if more:
            assert self.case is not None and self.case.events_total is not None
            text = f"Showing {shown} of the newest {total} events ({self.case.events_total} in all)"
        self.count_label.setText(text)
        self.older_button.setVisible(more)

    def show_older_entries(self) -> None:
        """Read the case again with its whole chronology (the first read holds the newest page)."""
        self._events_limit = None
        self.reload()

    # -- filtering and selection -------------------------------------------------------------

    def shown_kinds(self) -> frozenset[str]:
        """The event kinds whose buttons are on."""
        return frozenset(k for k, b in self.kind_buttons.items() if b.isChecked())

    def set_kind_shown(self, kind: str, shown: bool) -> None:
        """Show or hide one kind of event (as its button does)."""
        self.kind_buttons[kind].setChecked(shown)

    def _kinds_changed(self) -> None:
        self.proxy.set_kinds(self.shown_kinds())
        self._update_count()

    def _text_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self._update_count()

    def focus_filter(self) -> None:
        """Put the cursor in the chronology's text filter."""
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def visible_events(self) -> list[CaseEvent]:
        """The events the table shows, top to bottom."""
        return [
            self.proxy.index(row, 0).data(ChronologyModel.EventRole)
            for row in range(self.proxy.rowCount())
        ]

    def _selected_event(self) -> CaseEvent | None:
        index = self.table.currentIndex()
        return index.data(ChronologyModel.EventRole) if index.isValid() else None

    def _show_detail(self, current: QModelIndex, _previous: QModelIndex) -> None:
        event = current.data(ChronologyModel.EventRole) if current.isValid() else None
        if event is None:
            self.detail.clear()
            self.open_assessment_button.setEnabled(False)
            return
        when = f"{local_time(event.when, self.session):%A %d %B %Y %H:%M}"
        self.detail.setPlainText(
            f"{event.kind_label} · {when} · {event.who}\n{event.detail or event.summary}"
        )
        self.open_assessment_button.setEnabled(event.assessment is not None)

    def _activated(self, index: QModelIndex) -> None:
        event = index.data(ChronologyModel.EventRole)
        if event is not None and event.assessment is not None:
            self.assessment_requested.emit(event.assessment)

    def _request_assessment(self) -> None:
        event = self._selected_event()
        if event is not None and event.assessment is not None:
            self.assessment_requested.emit(event.assessment)
