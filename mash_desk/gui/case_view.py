"""A child's case record: who they are, who they live with, flags, and the chronology.

The record is read in the background through ``session.tasks`` (the case service reads the
history check, threshold assessments and audit rows in one snapshot) and re-read whenever a
saved change announces ``person:<id>``. Flags are text badges with an icon, never a colour
alone, because the people reading them include colour-blind practitioners and monochrome
printouts of screenshots.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QIcon, QKeySequence, QShortcut
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
    QVBoxLayout,
    QWidget,
)

from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import describe_error
from mash_desk.services.case import EVENT_KINDS, CaseDTO, CaseEvent, CaseFlag, Deadline, age_text

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
    delta = deadline.due_at - now
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

    def __init__(self, session: DeskSession, person_id: int, parent: QWidget | None = None):
        """Build the view and start loading the case of ``person_id``."""
        super().__init__(parent)
        self.session = session
        self.person_id = person_id
        self.case: CaseDTO | None = None
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
        chain = [*buttons, self.filter_edit, self.table, self.detail]
        chain += [self.open_assessment_button, self.deadline_list, self.consent_list]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

        QShortcut(
            QKeySequence.StandardKey.Find,
            self,
            self.focus_filter,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        QShortcut(
            QKeySequence.StandardKey.Refresh,
            self,
            self.reload,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
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
        splitter.addWidget(self._chronology())
        splitter.addWidget(self._side())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([900, 340])
        layout.addWidget(splitter, 1)
        self.status_label = QLabel()
        self.status_label.setAccessibleName("Case status")
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
        self.flags_row = QHBoxLayout()
        self.flags_row.setSpacing(6)
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
            layout.addWidget(label)
        layout.addWidget(flags_holder)
        self.household_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.household_label)
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

        bar = QHBoxLayout()
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
        bar.addStretch()
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter the chronology (Ctrl+F)")
        self.filter_edit.setAccessibleName("Filter the chronology by text")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._text_changed)
        bar.addWidget(self.filter_edit, 1)
        layout.addLayout(bar)

        self.model = ChronologyModel(self.session, self)
        self.proxy = ChronologyFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
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
            widget.setAccessibleName(name)
            widget.setWordWrap(True)
            widget.setAlternatingRowColors(True)
            setattr(self, attr, widget)
            title.setBuddy(widget)
            layout.addWidget(widget, 1)
        return box

    # -- loading ---------------------------------------------------------------------------

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
        if f"person:{self.person_id}" in keys:
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
