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

from datetime import date, datetime
from html import escape
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QIcon, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QDialog,
    QFormLayout,
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

from mash_desk.domain.errors import ValidationError
from mash_desk.domain.meetings import (
    OUTCOME_LABELS,
    PATHWAY_LABELS,
    DecisionOutcome,
    DecisionStatus,
    EscalationStatus,
)
from mash_desk.domain.permissions import Permission, allows
from mash_desk.domain.routing import InformedParty, RoutingStatus
from mash_desk.gui.a11y import live_label, name_clear_button, no_tab_trap
from mash_desk.gui.attachments import CaseAttachments
from mash_desk.gui.flow_layout import FlowLayout
from mash_desk.gui.outcome_dialog import OutcomeDialog, outcome_button
from mash_desk.gui.profile_dialog import FieldMessage, with_message
from mash_desk.gui.routing_dialog import (
    KIND_SHORT,
    METHOD_LABELS,
    PARTY_LABELS,
    STATUS_LABELS,
    RoutingDialog,
)
from mash_desk.gui.session import DeskSession
from mash_desk.gui.strategy_dialog import S47_LABELS, StrategyDialog
from mash_desk.gui.tasks import describe_error
from mash_desk.services.case import (
    EVENT_KINDS,
    CaseDTO,
    CaseEvent,
    CaseFlag,
    Deadline,
    ReferralRecord,
    age_text,
)
from mash_desk.services.decisions import DecisionDTO, EscalationDTO
from mash_desk.services.routing import RoutingDTO
from mash_desk.services.strategy import StrategyDTO

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()

# Standard icons per flag: a warning triangle for what changes the decision (open to a
# service, re-referral), information for facts that change the route.
_FLAG_ICONS = {
    "open_service": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "re_referral": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "under_5": QStyle.StandardPixmap.SP_MessageBoxInformation,
    "unborn": QStyle.StandardPixmap.SP_MessageBoxInformation,
    "disability": QStyle.StandardPixmap.SP_MessageBoxInformation,
}


def _local(value: datetime, session: DeskSession) -> datetime:
    return value.astimezone(session.desk.ctx.tz)


def describe_due(deadline: Deadline, now: datetime) -> str:
    """``"OVERDUE by 2 h 10 min"`` or ``"due in 3 h"``: urgency in words, not colour."""
    return describe_time(deadline.due_at, now)


def describe_time(due_at: datetime, now: datetime) -> str:
    """``"OVERDUE by 2 h 10 min"`` or ``"due in 3 h"`` for any due time."""
    delta = due_at - now
    overdue = delta.total_seconds() < 0
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} d")
    if hours:
        parts.append(f"{hours} h")
    if mins and not days:
        parts.append(f"{mins} min")
    span = " ".join(parts) or "less than a minute"
    return f"OVERDUE by {span}" if overdue else f"due in {span}"


class ChronologyModel(QAbstractTableModel):
    """The events of one case, newest first, as a read-only table."""

    COL_WHEN, COL_KIND, COL_WHO, COL_SUMMARY = range(4)
    HEADERS = ("When", "Kind", "By", "What happened")
    SortRole = Qt.ItemDataRole.UserRole + 1
    EventRole = Qt.ItemDataRole.UserRole + 2
    KindRole = Qt.ItemDataRole.UserRole + 3

    def __init__(self, session: DeskSession, parent: Any = None):
        """Create an empty model; times show in the MASH's own time zone."""
        super().__init__(parent)
        self._session = session
        self._events: tuple[CaseEvent, ...] = ()

    def set_events(self, events: tuple[CaseEvent, ...]) -> None:
        """Replace the events (a reload)."""
        self.beginResetModel()
        self._events = tuple(events)
        self.endResetModel()

    def event_at(self, row: int) -> CaseEvent:
        """The event of a source row."""
        return self._events[row]

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 — Qt's name
        """Events, or 0 under any item (a flat table)."""
        return 0 if parent.isValid() else len(self._events)

    def columnCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 — Qt's name
        """The four columns, or 0 under any item."""
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(  # noqa: N802 — Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, tooltip (the full detail), sort keys and the event itself."""
        if not index.isValid() or not 0 <= index.row() < len(self._events):
            return None
        event = self._events[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COL_WHEN:
                return f"{_local(event.when, self._session):%d %b %Y %H:%M}"
            if column == self.COL_KIND:
                return event.kind_label
            if column == self.COL_WHO:
                return event.who
            if column == self.COL_SUMMARY:
                return event.summary
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return event.detail or event.summary
        if role == self.SortRole:
            if column == self.COL_WHEN:
                # Newest-first ties keep the service's order (logged, rated, screened…).
                return (event.when.timestamp(), -index.row())
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        if role == self.EventRole:
            return event
        if role == self.KindRole:
            return event.kind
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Selectable, never editable."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class ChronologyFilter(QSortFilterProxyModel):
    """Keeps the events of the chosen kinds whose text contains what was typed."""

    def __init__(self, parent: Any = None):
        """Show every kind until told otherwise; text matching ignores case."""
        super().__init__(parent)
        self._kinds: frozenset[str] = frozenset(EVENT_KINDS)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
        self.setSortRole(ChronologyModel.SortRole)

    def set_kinds(self, kinds: frozenset[str]) -> None:
        """Show only these event kinds."""
        # Qt 6.10 replaced invalidateRowsFilter (now deprecated) with begin/endFilterChange;
        # the project supports PySide6 from 6.6, so use whichever this Qt has.
        if hasattr(self, "endFilterChange"):
            self.beginFilterChange()
            self._kinds = frozenset(kinds)
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover — older Qt
            self._kinds = frozenset(kinds)
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        """A row shows if its kind is chosen and any column contains the text."""
        model = self.sourceModel()
        kind = model.data(model.index(source_row, 0, source_parent), ChronologyModel.KindRole)
        if kind not in self._kinds:
            return False
        return super().filterAcceptsRow(source_row, source_parent)

    def lessThan(self, left: Index, right: Index) -> bool:  # noqa: N802 — Qt's name
        """Compare sort keys of any type (tuples for time, text for the rest)."""
        a, b = left.data(ChronologyModel.SortRole), right.data(ChronologyModel.SortRole)
        if isinstance(a, str) and isinstance(b, str):
            return a.casefold() < b.casefold()
        try:
            return a < b
        except TypeError:
            return str(a) < str(b)


class FlagBadge(QFrame):
    """A flag as a bordered badge: icon plus words, with the detail as its tooltip."""

    def __init__(self, flag: CaseFlag, parent: QWidget | None = None):
        """Show ``flag``'s icon and label."""
        super().__init__(parent)
        self.flag = flag
        self.setObjectName("flagBadge")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#flagBadge { border: 1px solid palette(mid); border-radius: 4px; "
            "background: palette(alternate-base); }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 8, 2)
        layout.setSpacing(4)
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(_FLAG_ICONS.get(flag.code, _INFO)).pixmap(16))
        text = QLabel(flag.label)
        bold = text.font()
        bold.setBold(True)
        text.setFont(bold)
        layout.addWidget(icon)
        layout.addWidget(text)
        self.setToolTip(flag.detail)
        self.setAccessibleName(f"Flag: {flag.label}")
        self.setAccessibleDescription(flag.detail)


_INFO = QStyle.StandardPixmap.SP_MessageBoxInformation


class ConferenceDialog(QDialog):
    """Record the date one s47 enquiry's initial child protection conference was held.

    Drives :meth:`~mash_desk.services.strategy.StrategyService.record_icpc`: the date
    (default today) with the service's message beside it — not in the future, not before the
    strategy discussion, recorded once. Closes itself once saved; the case view then shows
    whether it was within the target. Keys: Enter or Ctrl+S save · Esc cancel.

    Signals:
        saved(object): the updated :class:`~mash_desk.services.strategy.StrategyDTO`.
    """

    saved = Signal(object)

    def __init__(
        self,
        session: DeskSession,
        referral_id: int,
        discussion: StrategyDTO,
        parent: QWidget | None = None,
    ):
        """Build the form for ``discussion`` (of referral ``referral_id``)."""
        super().__init__(parent)
        self.session = session
        self.referral_id = referral_id
        self.discussion = discussion
        self.result: StrategyDTO | None = None
        self._busy = False
        tz = session.desk.ctx.tz
        self.setWindowTitle(f"Initial conference held — referral {referral_id}")
        self.setMinimumWidth(460)
        outer = QVBoxLayout(self)
        target = ""
        if discussion.icpc_due_at is not None:
            target = f" Its target is {_when(discussion.icpc_due_at, tz, '%a %d %b %Y')}."
        self.intro_label = QLabel(
            "When was the initial child protection conference held for the s47 enquiry of "
            f"referral {referral_id}? The strategy discussion was held "
            f"{_when(discussion.held_at, tz, '%a %d %b %Y')}.{target}"
        )
        self.intro_label.setWordWrap(True)
        live_label(self.intro_label, "About this conference")
        outer.addWidget(self.intro_label)
        form = QFormLayout()
        self.held_on_edit = QDateEdit()
        self.held_on_edit.setAccessibleName("Date the conference was held")
        self.held_on_edit.setCalendarPopup(True)
        self.held_on_edit.setDisplayFormat("ddd dd MMM yyyy")
        today = session.desk.ctx.today()
        self.held_on_edit.setDate(QDate(today.year, today.month, today.day))
        box, self.held_on_message = with_message(self.held_on_edit)
        label = QLabel("Conference &held on:")
        label.setBuddy(self.held_on_edit)
        form.addRow(label, box)
        outer.addLayout(form)
        # Problems that are not about the date (the discussion did not proceed, no network).
        self.error_label = FieldMessage(self.intro_label, self)
        live_label(self.error_label, "Problem recording the conference")
        outer.addWidget(self.error_label)
        buttons = QHBoxLayout()
        buttons.addStretch()
        self.save_button = QPushButton("&Save")
        self.save_button.setAccessibleName("Save the conference date (Ctrl+S)")
        self.save_button.setToolTip("Save the conference date (Ctrl+S)")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Close without recording the conference")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        outer.addLayout(buttons)
        QWidget.setTabOrder(self.held_on_edit, self.save_button)
        QWidget.setTabOrder(self.save_button, self.cancel_button)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        self.held_on_edit.setFocus()

    def held_on(self) -> date:
        """The date in the field."""
        value = self.held_on_edit.date()
        return date(value.year(), value.month(), value.day())

    def message(self) -> str:
        """The message beside the date ("" when none)."""
        return self.held_on_message.message

    def save(self) -> None:
        """Record the date; a broken rule appears beside the date, nothing is saved."""
        if self._busy or self.result is not None:
            return
        self.held_on_message.clear_message()
        self.error_label.clear_message()
        self._busy = True
        self.save_button.setEnabled(False)
        self.session.tasks.write(
            self.session.desk.strategy.record_icpc,
            self.session.actor,
            self.discussion.id,
            self.discussion.version,
            self.held_on(),
            on_done=self._done,
            on_error=self._failed,
            label="Saving the conference date…",
        )

    def _done(self, result: Any) -> None:
        self._busy = False
        self.result = result.value
        self.session.hub.announce(result.changed)
        self.saved.emit(result.value)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            beside = [e.message for e in exc.errors if e.field == "held_on"]
            other = [e.message for e in exc.errors if e.field != "held_on"]
            self.held_on_message.show_message("\n".join(beside))
            self.error_label.show_message("\n".join(other))
            if beside:
                self.held_on_edit.setFocus()
            return
        self.error_label.show_message(describe_error(exc))


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

    def __init__(self, session: DeskSession, person_id: int, parent: QWidget | None = None):
        """Build the view and start loading the case of ``person_id``."""
        super().__init__(parent)
        self.session = session
        self.person_id = person_id
        self.case: CaseDTO | None = None
        self.routing_dialog: RoutingDialog | None = None
        self.outcome_dialog: OutcomeDialog | None = None
        self.strategy_dialog: StrategyDialog | None = None
        self.conference_dialog: ConferenceDialog | None = None
        self._request = 0
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
        layout.addWidget(self.count_label)

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
            "Record the date the initial child protection conference was held"
        )
        self.conference_button.setToolTip(
            "Record when the initial child protection conference was held (Alt+H)"
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
            on_done=lambda case, n=number: self._loaded(n, case),
            on_error=lambda exc, n=number: self._failed(n, exc),
            label="Loading the case record…",
        )

    def _on_changed(self, keys: frozenset[str]) -> None:
        # Every re-read is a logged view of the child, so only what touches this child counts:
        # dissent announces the referral; moving or resolving an escalation announces only
        # "escalations", which matters here while one of this child's is open.
        case = self.case
        mine = {f"person:{self.person_id}"}
        if case is not None:
            mine |= {f"referral:{r.id}" for r in case.referrals}
            if any(e.status is EscalationStatus.OPEN for e in case.escalations):
                mine.add("escalations")
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
            f"As of {_local(self.session.desk.ctx.clock.now(), self.session):%d %b %Y %H:%M}"
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
        self.age_label.setText(f"{age} · {child.sex.replace('_', ' ')} · person {child.id}")
        ids = " · ".join(f"{label} {value}" for label, value in case.identifiers)
        self.identifiers_label.setText(ids or "No identifiers recorded")
        where = ", ".join(x for x in (case.address, child.postcode) if x)
        self.address_label.setText(f"Address: {where}" if where else "Address not recorded")
        while self.flags_row.count():
            item = self.flags_row.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
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
                f"{_local(deadline.due_at, self.session):%a %d %b %Y %H:%M}{rag}"
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
                f"{consent.summary}\n{_local(consent.recorded_at, self.session):%d %b %Y} · "
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
        title = self.DECISIONS_TAB + (f" — {_OVERDUE} {late} overdue" if late else "")
        index = self.tabs.indexOf(self.record_browser.parentWidget())
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
        self.count_label.setText(
            f"Showing all {total} events"
            if shown == total
            else f"Showing {shown} of {total} events"
        )

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
        when = f"{_local(event.when, self.session):%A %d %B %Y %H:%M}"
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


# ---- the decisions tab, as rich text --------------------------------------------------------

_OVERDUE = "⚠"
_PENDING = "◷"  # a clock face every shipped font has (U+23F1 is often missing)
_DONE = "✔"
_TABLE = '<table width="100%" border="1" cellspacing="0" cellpadding="4">'


def _when(value: datetime, tz: Any, fmt: str = "%a %d %b %Y %H:%M") -> str:
    return value.astimezone(tz).strftime(fmt)


def _row(label: str, html_value: str) -> str:
    return f'<tr><td width="22%" valign="top"><b>{escape(label)}</b></td><td>{html_value}</td></tr>'


def _text(value: str | None) -> str:
    """User text, escaped, with its line breaks kept."""
    return escape(value or "").replace("\n", "<br>")


def _due_html(due_at: datetime, now: datetime, tz: Any, *, done: bool = False) -> str:
    """Urgency in words and a sign, never colour alone."""
    when = _when(due_at, tz)
    if done:
        return f"{escape(when)}"
    if due_at < now:
        return f"<b>{_OVERDUE} {escape(describe_time(due_at, now))}</b> (due {escape(when)})"
    return f"{_PENDING} {escape(describe_time(due_at, now))} (due {escape(when)})"


def _level_html(d: DecisionDTO, document: str) -> str:
    """The level with why it was chosen and why the outcome departs from it, when it does.

    ``document`` is already escaped; the two reasons are the chair's own words, escaped here.
    """
    parts = [f"Level {d.level} (threshold document {document})"]
    if d.suggested_level is not None and d.suggested_level != d.level:
        parts.append(f"Overrides the suggested Level {d.suggested_level}")
    if d.level_rationale:
        parts.append(f"Why this level: {_text(d.level_rationale)}")
    if d.outcome_level_reason:
        parts.append(f"Why this outcome at this level: {_text(d.outcome_level_reason)}")
    return "<br>".join(parts)


def _decision_html(
    record: ReferralRecord, d: DecisionDTO, case: CaseDTO, now: datetime, tz: Any
) -> str:
    superseded = record.superseded_by(d)
    if d.status is DecisionStatus.DRAFT:
        state = (
            f"✎ <b>DRAFT</b> by {escape(case.user_name(d.drafted_by))} — not signed; it may "
            "still change at the meeting"
        )
    else:
        assert d.signed_at is not None
        state = (
            f"{_DONE} Signed by {escape(case.user_name(d.signed_by))} on "
            f"{escape(_when(d.signed_at, tz))} · read-only (changed only by amendment)"
        )
        if superseded is not None:
            state += f" · <b>SUPERSEDED by version {superseded}</b>"
        elif d is record.latest_signed:
            state += " · <b>IN FORCE</b>"
    if d.meeting_id is not None:
        where = f"decided at meeting {d.meeting_id}"
    elif d.amends_id is not None:
        where = "amended by a manager or chair"
    else:
        where = "decided between meetings: red referral"
    rows = [f'<tr><td colspan="2"><b>Version {d.revision}</b> — {state}</td></tr>']
    if d.amends_id is not None:
        amended = next((x.revision for x in record.decisions if x.id == d.amends_id), None)
        rows.append(_row(f"Amends version {amended}", f"Reason: {_text(d.amendment_reason)}"))
    rows.append(_row("Outcome", escape(OUTCOME_LABELS[d.outcome]) + f" ({escape(where)})"))
    document = escape(" ".join(str(part) for part in d.document))
    rows.append(_row("Level", _level_html(d, document)))
    rows.append(_row("Rationale", _text(d.rationale)))
    pathways = ", ".join(escape(PATHWAY_LABELS[p]) for p in d.pathways) or "None"
    rows.append(_row("Parallel pathways", pathways))
    actions = []
    for a in d.actions:
        owner = case.agency_name(a.owner_agency) or case.user_name(a.owner_user_id)
        actions.append(
            f"• {_text(a.description)} — owner: {escape(owner)} — due {a.due_on:%a %d %b %Y}"
        )
    rows.append(_row("Actions", "<br>".join(actions) or "None"))
    allocated = [x for x in (d.allocated_team, case.user_name(d.allocated_worker_id)) if x]
    if allocated:
        rows.append(_row("Allocated", escape(" · ".join(allocated))))
    if d.s47_started_on is not None:
        rows.append(_row("s47 enquiry started", f"{d.s47_started_on:%a %d %b %Y}"))
    informed = [
        f"{who}: {_text(text)}"
        for who, text in (
            ("Family", d.inform_family),
            ("Referrer", d.inform_referrer),
            ("Professionals", d.inform_professionals),
        )
        if text
    ]
    if informed:
        rows.append(_row("Who is informed", "<br>".join(informed)))
    return _TABLE + "".join(rows) + "</table><br>"


def _strategy_html(
    record: ReferralRecord, s: StrategyDTO, case: CaseDTO, now: datetime, tz: Any
) -> str:
    version = next((d.revision for d in record.decisions if d.id == s.decision_id), "?")
    people = "; ".join(
        f"{escape(case.agency_name(code))}: {escape(name)}" for code, name in s.attendees
    )
    rows = [
        f'<tr><td colspan="2"><b>Strategy discussion</b> held {escape(_when(s.held_at, tz))} '
        f"(decision version {version})</td></tr>",
        _row("Attendees", people),
        _row("s47 decision", escape(S47_LABELS[s.s47_decision])),
        _row("Rationale", _text(s.rationale)),
    ]
    held = conference_text(s)
    if s.icpc_due_at is not None and held is not None:
        assert s.icpc_recorded_at is not None
        sign = _DONE if s.icpc_within_target else _OVERDUE
        rows.append(
            _row("Initial conference (ICPC) target", _due_html(s.icpc_due_at, now, tz, done=True))
        )
        rows.append(
            _row(
                "Initial conference (ICPC)",
                f"<b>{sign} {escape(held)}</b> (recorded by "
                f"{escape(case.user_name(s.icpc_recorded_by))} on "
                f"{escape(_when(s.icpc_recorded_at, tz))})",
            )
        )
    elif s.icpc_due_at is not None:
        target = _due_html(s.icpc_due_at, now, tz)
        if s.icpc_due_at < now and s == conference_owed(record):
            target += " — initial conference target passed, no conference recorded"
        elif s.icpc_due_at < now:
            target = escape(_when(s.icpc_due_at, tz))
        rows.append(_row("Initial conference (ICPC) target", target))
    else:
        rows.append(_row("Initial conference (ICPC) target", "None (no further s47 action)"))
    return _TABLE + "".join(rows) + "</table><br>"


def _escalation_html(
    record: ReferralRecord, e: EscalationDTO, case: CaseDTO, now: datetime, tz: Any
) -> str:
    version = next((d.revision for d in record.decisions if d.id == e.decision_id), "?")
    if e.status is EscalationStatus.RESOLVED:
        state = f"{_DONE} Resolved: {_text(e.resolution)}"
    else:
        state = _due_html(e.due_at, now, tz)
    rows = [
        f'<tr><td colspan="2"><b>{escape(case.agency_name(e.agency_code))} disagrees</b> '
        f"with decision version {version} — stage {e.stage}: {escape(e.stage_name)}</td></tr>",
        _row("Reason", _text(e.reason)),
        _row("Stage due" if e.status is EscalationStatus.OPEN else "Outcome", state),
    ]
    return _TABLE + "".join(rows) + "</table><br>"


def _routing_html(r: RoutingDTO, case: CaseDTO, tz: Any) -> str:
    head = (
        f"<b>{escape(KIND_SHORT[r.kind])}</b>: {escape(case.agency_name(r.from_agency))} → "
        f"{escape(case.agency_name(r.to_agency))}"
        + (f" ({escape(r.to_team)})" if r.to_team else "")
        + f" — routing {r.id}"
    )
    before = f"Level {r.level_before}" if r.level_before is not None else "not recorded"
    consent = {True: "given", False: "not given", None: "not recorded"}[r.family_consent]
    status = escape(STATUS_LABELS[r.status])
    if r.status is RoutingStatus.REJECTED or (
        r.status is RoutingStatus.ACCEPTED and r.response_reason
    ):
        status += f": {_text(r.response_reason)}"
    acknowledged_at = getattr(r, "acknowledged_at", None)
    if acknowledged_at is not None:
        who = getattr(r, "acknowledged_by", None) or "the receiving service"
        on = escape(_when(acknowledged_at, tz))
        status += f"<br>{_DONE} Acknowledged by {escape(who)} on {on}"
    told = {i.party for i in r.informed}
    informed = [
        f"{_DONE} {escape(PARTY_LABELS[i.party])}: {escape(i.who)} — "
        f"{escape(METHOD_LABELS[i.method])}, {escape(_when(i.informed_at, tz))}"
        for i in r.informed
    ]
    informed += [
        f"✘ {escape(PARTY_LABELS[p])}: not yet informed" for p in InformedParty if p not in told
    ]
    rows = [
        f'<tr><td colspan="2">{head}</td></tr>',
        _row("Levels", f"{before} → Level {r.level_after}"),
        _row("Family consent", consent),
        _row("Status", status),
        _row("Who was informed", "<br>".join(informed)),
        _row("Reason", _text(r.reason)),
        _row("Handover summary", _text(r.handover_summary)),
    ]
    if r.childrens_centre_offer:
        rows.append(_row("Children's centre", "ℹ Offer recorded (under 5, no social care need)"))
    return _TABLE + "".join(rows) + "</table><br>"


def case_record_html(case: CaseDTO, now: datetime, tz: Any) -> str:
    """The decisions, strategy discussions, escalations and routings of a case, as rich text.

    Every piece of typed text is escaped; urgency is in words with a sign.
    """
    parts: list[str] = []
    linked = {r.referral_id for r in case.routings}
    for record in case.referrals:
        rag = f" · {record.rag.value.upper()}" if record.rag else ""
        level = f" · Level {record.level}" if record.level is not None else ""
        parts.append(
            f"<h3>Referral {record.id} — received {escape(_when(record.referral_at, tz))} · "
            f"{escape(record.primary_need_label)} · {escape(record.status.replace('_', ' '))}"
            f"{level}{rag}</h3>"
        )
        parts.append("<h4>Decision versions</h4>")
        if record.decisions:
            for d in reversed(record.decisions):  # newest version first
                parts.append(_decision_html(record, d, case, now, tz))
        else:
            parts.append("<p>No decision yet: waiting for the daily meeting.</p>")
        if record.strategies or (
            record.latest_signed and record.latest_signed.outcome is DecisionOutcome.S47
        ):
            parts.append("<h4>Strategy discussions</h4>")
            for s in record.strategies:
                parts.append(_strategy_html(record, s, case, now, tz))
            if not record.strategies:
                parts.append(
                    f"<p><b>{_OVERDUE} No strategy discussion recorded</b> for this s47 "
                    "decision yet.</p>"
                )
        if record.escalations:
            parts.append("<h4>Escalations (professional disagreement)</h4>")
            for e in record.escalations:
                parts.append(_escalation_html(record, e, case, now, tz))
        if record.id in linked:
            parts.append("<h4>Routings following this referral's decisions</h4>")
            for r in reversed(case.routings):
                if r.referral_id == record.id:
                    parts.append(_routing_html(r, case, tz))
    others = [r for r in case.routings if r.referral_id is None]
    if others:
        parts.append("<h3>Routings not linked to a decision</h3>")
        parts += [_routing_html(r, case, tz) for r in reversed(others)]
    if not parts:
        parts.append(
            "<p>No referrals or routings yet: decisions, strategy discussions, escalations "
            "and routings appear here once the child is referred to the MASH.</p>"
        )
    return "".join(parts)


def conference_text(s: StrategyDTO) -> str | None:
    """``"ICPC held 20 Nov 2026 — within target"`` or ``"… — 3 working days late"``.

    None while no conference is recorded.
    """
    if s.icpc_held_on is None:
        return None
    held = f"ICPC held {s.icpc_held_on:%d %b %Y}"
    late = s.icpc_working_days_late or 0
    if s.icpc_within_target:
        return f"{held} — within target"
    if late:
        return f"{held} — {late} working day{'s' if late != 1 else ''} late"
    return f"{held} — late (after the target date)"  # on a closed day just after it


def conference_owed(record: ReferralRecord) -> StrategyDTO | None:
    """The discussion of ``record`` whose initial conference is still owed, if any.

    The same rule as the managers' overdue list: one conference per enquiry, carried by the
    referral's latest discussion (if it decided to proceed), settled by a conference recorded
    against any of its discussions; nothing is owed once the decision in force is not s47.
    """
    latest = record.latest_signed
    if not record.strategies or latest is None or latest.outcome is not DecisionOutcome.S47:
        return None
    if any(s.icpc_held_on is not None for s in record.strategies):
        return None
    newest = max(record.strategies, key=lambda s: (s.held_at, s.id))
    return newest if newest.conference_owed else None


def overdue_count(case: CaseDTO, now: datetime) -> int:
    """How many escalation stages and conference targets of the case are past due."""
    late = sum(1 for e in case.escalations if e.status is EscalationStatus.OPEN and e.due_at < now)
    for record in case.referrals:
        owed = conference_owed(record)
        late += owed is not None and owed.icpc_due_at is not None and owed.icpc_due_at < now
    return late
