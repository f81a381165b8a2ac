"""The threshold panel: tick what applies, see the suggested level live, confirm or override.

The document in force is read in the background; the engine
(:func:`mash_desk.domain.thresholds.suggest`) is pure and takes microseconds, so every tick
re-runs it on the GUI thread and the suggestion, its reasons, the consent rule, the routes for
this child and the pathways (with the pre-birth date) update as the practitioner works. Saving
goes through the screening service, which applies the same rules again and stores the
document version the practitioner was shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from mash_desk.domain.errors import ConflictError, FieldError, ValidationError
from mash_desk.domain.thresholds import (
    ChildFacts,
    ConsentRule,
    Indicator,
    Suggestion,
    ThresholdDocument,
    choose_level,
    suggest,
)
from mash_desk.gui.a11y import (
    announce,
    live_label,
    mark_invalid,
    mark_required,
    name_clear_button,
    no_tab_trap,
)
from mash_desk.gui.form_indicators import (
    FORM_MARK,
    form_indicators_label,
    related_to_form,
    show_form_indicators,
)
from mash_desk.gui.level_rag_prompt import FIELDS as RAG_PROMPT_FIELDS
from mash_desk.gui.level_rag_prompt import LevelRagPrompt
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import describe_error
from mash_desk.services.case import age_text
from mash_desk.services.dto import ContactChildDTO, OpResult
from mash_desk.services.thresholds import AssessmentDTO

IndicatorRole = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()

_CONSENT_WORDS = {
    ConsentRule.NOT_NEEDED: "no consent needed",
    ConsentRule.REQUIRED: "family consent required",
    ConsentRule.SOUGHT: "consent sought",
    ConsentRule.MAY_PROCEED_WITHOUT: "may proceed without consent — record why",
}
_CONDITION_WORDS = {"under-5": "if under 5", "5-or-over": "if 5 or over", "unborn": "if unborn"}
WARNING = "⚠ "  # the icon that goes with every message, so none is signalled by colour alone


def _bold(label: QLabel, scale: float = 1.0) -> QLabel:
    font = QFont(label.font())
    font.setBold(True)
    if scale != 1.0:
        font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label


def _message_label(name: str) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    live_label(label, name)
    label.setStyleSheet("color: palette(bright-text); background: #b00020; padding: 3px;")
    label.hide()
    return label


@dataclass(eq=False)
class _Node:
    """A row of the indicator tree: a domain, a level within it, or an indicator."""

    key: int
    text: str
    level_text: str
    parent: _Node | None
    row: int
    indicator: Indicator | None = None
    children: list[_Node] = field(default_factory=list)


class IndicatorModel(QAbstractItemModel):
    """The document's indicators by domain, then level, with a check box on each indicator.

    A model of its own rather than a QTreeWidget: a search rebuilds the tree in one reset
    instead of hiding ~180 items one call at a time, and ticks live in a Python set the
    panel reads directly.

    Signals:
        ticked_changed(): an indicator was ticked or unticked (by the user or in code).
    """

    COL_TEXT, COL_LEVEL = range(2)
    HEADERS = ("Indicator (Space ticks)", "Level")
    ticked_changed = Signal()

    def __init__(self, parent: Any = None):
        """Create an empty tree (no document yet)."""
        super().__init__(parent)
        self.document: ThresholdDocument | None = None
        self.ticked: set[str] = set()
        # Risk indicators ticked on the contact form: indicators flagged with one are marked.
        self.form_flags: frozenset[str] = frozenset()
        self.editable = True
        self._words = ""
        self._roots: list[_Node] = []
        self._nodes: dict[int, _Node] = {}
        self._leaves: dict[str, _Node] = {}

    # -- contents ------------------------------------------------------------------------

    def set_document(
        self, document: ThresholdDocument | None, ticked: set[str] | None = None
    ) -> None:
        """Show ``document`` with ``ticked`` ticked (ids it does not define are dropped)."""
        self.document = document
        known = {i.id for i in document.indicators} if document else set()
        self.ticked = set(ticked or ()) & known
        self._rebuild()

    def set_search(self, words: str) -> None:
        """Keep only indicators whose wording, terms or dimension contain every word."""
        self._words = words
        self._rebuild()

    def set_editable(self, editable: bool) -> None:
        """Allow ticking (screening) or not (a past assessment)."""
        self.beginResetModel()
        self.editable = editable
        self.endResetModel()

    def _rebuild(self) -> None:
        self.beginResetModel()
        self._roots, self._nodes, self._leaves = [], {}, {}
        document = self.document
        if document is not None:
            matching = {i.id for i in document.search(self._words)}
            for domain, indicators in document.grouped():
                shown = [i for i in indicators if i.id in matching]
                if not shown:
                    continue
                domain_node = self._add(domain.name, "", None, self._roots)
                for number in document.level_numbers:
                    at_level = [i for i in shown if i.level == number]
                    if not at_level:
                        continue
                    level = document.level(number)
                    level_node = self._add(
                        level.label, f"Level {number}", domain_node, domain_node.children
                    )
                    for indicator in at_level:
                        leaf = self._add(
                            indicator.text,
                            f"Level {indicator.level}",
                            level_node,
                            level_node.children,
                            indicator,
                        )
                        self._leaves[indicator.id] = leaf
        self.endResetModel()

    def _add(
        self,
        text: str,
        level_text: str,
        parent: _Node | None,
        siblings: list[_Node],
        indicator: Indicator | None = None,
    ) -> _Node:
        node = _Node(len(self._nodes) + 1, text, level_text, parent, len(siblings), indicator)
        siblings.append(node)
        self._nodes[node.key] = node
        return node

    def shown_ids(self) -> list[str]:
        """Ids of the indicators in the tree now, top to bottom."""
        return list(self._leaves)

    def index_of(self, indicator_id: str) -> QModelIndex:
        """The index of an indicator, or an invalid index when the search hides it."""
        node = self._leaves.get(indicator_id)
        return self.createIndex(node.row, 0, node.key) if node else QModelIndex()

    def set_checked(self, indicator_id: str, checked: bool) -> None:
        """Tick or untick one indicator, shown or not."""
        if (indicator_id in self.ticked) == checked:
            return
        if checked:
            self.ticked.add(indicator_id)
        else:
            self.ticked.discard(indicator_id)
        index = self.index_of(indicator_id)
        if index.isValid():
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.ticked_changed.emit()

    # -- Qt's model interface --------------------------------------------------------------

    def _node(self, index: Index) -> _Node | None:
        return self._nodes.get(index.internalId()) if index.isValid() else None

    def index(self, row: int, column: int, parent: Index = _ROOT) -> QModelIndex:
        """The index of a row under ``parent``."""
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        owner = self._node(parent)
        siblings = owner.children if owner is not None else self._roots
        return self.createIndex(row, column, siblings[row].key)

    def parent(self, index: Index = _ROOT) -> QModelIndex:  # type: ignore[override]  # Qt's 2 overloads
        """The index of the row above (invalid for a domain)."""
        node = self._node(index)
        if node is None or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.parent.row, 0, node.parent.key)

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 — Qt's name
        """Children of a row (only column 0 has children)."""
        if parent.isValid() and parent.column() != 0:
            return 0
        owner = self._node(parent)
        return len(owner.children if owner is not None else self._roots)

    def columnCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 — Qt's name
        """The indicator's wording and its level."""
        return len(self.HEADERS)

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
        """Wording, level as text, tick, full wording as tooltip, bold domains."""
        node = self._node(index)
        if node is None:
            return None
        column = index.column()
        indicator = node.indicator
        related = indicator is not None and related_to_form(indicator, self.form_flags)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COL_TEXT:
                return f"{FORM_MARK} {node.text}" if related else node.text
            return node.level_text
        if role == Qt.ItemDataRole.CheckStateRole and column == 0 and indicator is not None:
            ticked = indicator.id in self.ticked
            return Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole and indicator is not None:
            # The full wording: long indicators are elided in the tree.
            tip = f"{indicator.text}\n{indicator.dimension.name} · {indicator.id}"
            if indicator.pathways:
                tip += "\nRaises: " + ", ".join(p.name for p in indicator.pathways)
            if related:
                tip += "\n" + FORM_MARK + " Related to a risk indicator ticked on the contact form"
            return tip
        if role == Qt.ItemDataRole.FontRole and node.parent is None:
            font = QFont()
            font.setBold(True)
            return font
        if role == IndicatorRole and indicator is not None:
            return indicator.id
        if role == Qt.ItemDataRole.AccessibleTextRole and column == 0 and indicator:
            state = "ticked" if indicator.id in self.ticked else "not ticked"
            hint = ", related to the contact form's risk indicators" if related else ""
            return f"{indicator.text}, Level {indicator.level}, {state}{hint}"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Every row selectable (keyboard moves through them); indicators checkable."""
        node = self._node(index)
        if node is None:
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if node.indicator is not None and self.editable and index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(  # noqa: N802 — Qt's name
        self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        """Tick or untick an indicator (the view calls this on a click or Space)."""
        node = self._node(index)
        if (
            node is None
            or node.indicator is None
            or role != Qt.ItemDataRole.CheckStateRole
            or not self.editable
        ):
            return False
        state = Qt.CheckState(value) if isinstance(value, int) else value
        self.set_checked(node.indicator.id, state == Qt.CheckState.Checked)
        return True


class ThresholdPanel(QWidget):
    """Apply the threshold document to one child on a contact (or show a past assessment).

    Signals:
        screened(object): the saved :class:`~mash_desk.services.dto.ContactChildDTO`.
        document_loaded(object): the :class:`ThresholdDocument` now shown.
    """

    screened = Signal(object)
    document_loaded = Signal(object)

    def __init__(self, session: DeskSession, parent: QWidget | None = None):
        """Build the panel and start reading the document in force."""
        super().__init__(parent)
        self.session = session
        self.document: ThresholdDocument | None = None
        self.subject: ContactChildDTO | None = None
        self.assessment: AssessmentDTO | None = None
        self.suggestion: Suggestion | None = None
        self.notices: tuple[str, ...] = ()
        self._saving = False
        self._request = 0
        self._levels_of: ThresholdDocument | None = None

        layout = QVBoxLayout(self)
        self.document_label = _bold(QLabel("Loading the threshold document…"))
        self.document_label.setWordWrap(True)
        live_label(self.document_label, "Threshold document in use")
        self.document_error = _message_label("Threshold document problem")
        self.mode_label = QLabel()
        self.mode_label.setWordWrap(True)
        self.mode_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.mode_label.hide()
        self.subject_label = QLabel("No child chosen: open a contact to screen a child.")
        self.subject_label.setWordWrap(True)
        live_label(self.subject_label, "Child being screened")
        for widget in (self.document_label, self.document_error, self.mode_label):
            layout.addWidget(widget)
        layout.addWidget(self.subject_label)
        self.form_label = form_indicators_label()
        layout.addWidget(self.form_label)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._indicator_side())
        splitter.addWidget(self._decision_side())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)

        for chain in (
            (self.search, self.tree),
            (self.tree, self.level_combo),
            (self.level_combo, self.rationale),
            *pairwise([self.rationale, *self.rag_prompt.chain(), self.save_button]),
        ):
            QWidget.setTabOrder(*chain)
        scoped = Qt.ShortcutContext.WidgetWithChildrenShortcut
        # setContext, not a context= argument: PySide6 ignores that keyword and the shortcut
        # would be window-wide, clashing with the case view's keys in the same tab.
        bound = [
            QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search),
            QShortcut(QKeySequence.StandardKey.Save, self, self.save),
        ]
        # Ctrl+Enter saves too, as in the contact form.
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            bound.append(QShortcut(QKeySequence(keys), self, self.save))
        for shortcut in bound:
            shortcut.setContext(scoped)
        self._saved_state: tuple | None = None
        self.setAccessibleName("Threshold panel")
        self._fill_levels()
        self._update_suggestion()
        self._update_enabled()
        self.load_current()

    # -- building ----------------------------------------------------------------------------

    def _indicator_side(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search indicators, e.g. “domestic abuse” (Ctrl+F)")
        self.search.setAccessibleName("Search the threshold indicators")
        name_clear_button(self.search, "Clear the indicator search")
        self.search.textChanged.connect(self.filter_indicators)
        layout.addWidget(self.search)
        self.model = IndicatorModel(self)
        self.model.ticked_changed.connect(self._ticks_changed)
        self.tree = QTreeView()
        no_tab_trap(self.tree)
        self.tree.setModel(self.model)
        self.tree.setAccessibleName("Threshold indicators by domain and level")
        self.tree.setAccessibleDescription(
            "Tick every indicator that applies; the suggested level updates as you tick"
        )
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.tree, 1)
        self._add_indicator_detail(layout)
        self.match_label = QLabel()
        live_label(self.match_label, "How many indicators match the search")
        layout.addWidget(self.match_label)
        self.indicators_error = _message_label("Problem with the ticked indicators")
        layout.addWidget(self.indicators_error)
        return box

    def _add_indicator_detail(self, layout: QVBoxLayout) -> None:
        # The tree elides long wording and its tooltip needs a mouse: the indicator the
        # keyboard is on is shown in full here, wrapped, with its dimension and pathways.
        self.indicator_detail = QLabel()
        self.indicator_detail.setObjectName("indicatorDetail")
        self.indicator_detail.setWordWrap(True)
        self.indicator_detail.setTextFormat(Qt.TextFormat.PlainText)
        self.indicator_detail.setAccessibleName("The selected indicator in full")
        self.indicator_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.indicator_detail)
        hint = "Move to an indicator with the arrow keys to read it in full here."
        self.indicator_detail.setText(hint)
        self.tree.selectionModel().currentChanged.connect(
            lambda current, _previous: self.indicator_detail.setText(
                current.siblingAtColumn(0).data(Qt.ItemDataRole.ToolTipRole) or hint
            )
        )

    def _decision_side(self) -> QWidget:
        inner = QWidget()
        layout = QVBoxLayout(inner)
        self.suggested_label = _bold(QLabel(), 1.25)
        self.suggested_label.setWordWrap(True)
        live_label(self.suggested_label, "Suggested level")
        layout.addWidget(self.suggested_label)
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        self.drivers_label = QLabel()
        self.consent_label = QLabel()
        self.routes_label = QLabel()
        self.pathways_label = QLabel()
        for row, (title, label, name) in enumerate(
            (
                ("Because", self.drivers_label, "Indicators behind the suggested level"),
                ("Consent", self.consent_label, "Consent rule of the suggested level"),
                ("Routes", self.routes_label, "Routes for this child"),
                ("Pathways", self.pathways_label, "Pathways raised"),
            )
        ):
            heading = _bold(QLabel(title + ":"))
            heading.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            live_label(label, name)
            label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(heading, row, 0)
            grid.addWidget(label, row, 1)
        layout.addLayout(grid)

        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        layout.addWidget(line)
        level_title = _bold(QLabel("&Level"))
        self.level_combo = QComboBox()
        self.level_combo.setAccessibleName("Threshold level: confirm the suggestion or override")
        self.level_combo.currentIndexChanged.connect(self._choice_changed)
        level_title.setBuddy(self.level_combo)
        layout.addWidget(level_title)
        layout.addWidget(self.level_combo)
        self.level_error = _message_label("Problem with the level")
        layout.addWidget(self.level_error)
        self.rationale_title = _bold(QLabel("Ra&tionale"))
        layout.addWidget(self.rationale_title)
        self.rationale = QPlainTextEdit()
        self.rationale.setTabChangesFocus(True)
        self.rationale.setAccessibleName("Rationale for the level")
        self.rationale.setPlaceholderText(
            "Why this level: needed when you override the suggestion or tick nothing"
        )
        self.rationale.setMaximumHeight(90)
        self.rationale_title.setBuddy(self.rationale)
        layout.addWidget(self.rationale)
        self.rationale_error = _message_label("Problem with the rationale")
        layout.addWidget(self.rationale_error)
        self.rag_prompt = LevelRagPrompt()  # Level 4 on amber/green: re-rate or say why
        layout.addWidget(self.rag_prompt)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("&Save screening (Ctrl+S)")
        self.save_button.setAccessibleName("Save the screening")
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.save_button)
        buttons.addStretch()
        layout.addLayout(buttons)
        self.error_label = _message_label("Problem saving the screening")
        layout.addWidget(self.error_label)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        live_label(self.status_label, "Screening status")
        layout.addWidget(self.status_label)
        self.notices_label = QLabel()
        self.notices_label.setWordWrap(True)
        self.notices_label.setTextFormat(Qt.TextFormat.PlainText)
        self.notices_label.setFrameShape(QFrame.Shape.StyledPanel)
        live_label(self.notices_label, "What to do next")
        self.notices_label.hide()
        layout.addWidget(self.notices_label)
        layout.addStretch()
        scroll = QScrollArea()
        scroll.setAccessibleName("Suggested level and decision")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        self.decision_scroll = scroll
        return scroll

    # -- the document ------------------------------------------------------------------------

    @property
    def read_only(self) -> bool:
        """Whether a past assessment is shown (nothing can be ticked or saved)."""
        return self.assessment is not None

    def load_current(self, then_say: str | None = None) -> None:
        """Read the document in force today in the background."""
        self._request += 1
        number = self._request
        self.session.tasks.read(
            self.session.desk.thresholds.current,
            self.session.actor,
            on_done=lambda doc: self._document_ready(number, doc, then_say),
            on_error=lambda exc: self._document_failed(number, exc),
            label="Loading the threshold document…",
        )

    def _document_ready(
        self, number: int, document: ThresholdDocument, say: str | None = None
    ) -> None:
        if number != self._request:
            return
        self.document = document
        self.document_label.setText(
            f"{document.title} — version {document.version}, in force from "
            f"{document.effective_from:%d %B %Y}"
        )
        self.model.set_document(document, self.model.ticked)
        self.model.set_editable(not self.read_only)
        self.tree.expandAll()
        self._update_match_label()
        if say:
            self._show_message(self.document_error, say)
        else:
            self.document_error.hide()
        self._update_suggestion()
        self._update_enabled()
        self.document_loaded.emit(document)

    def _document_failed(self, number: int, exc: BaseException) -> None:
        if number != self._request:
            return
        self.document_label.setText("The threshold document could not be read.")
        self._show_message(self.document_error, describe_error(exc))
        self._update_enabled()

    def filter_indicators(self, text: str) -> None:
        """Show only the indicators whose wording, terms or dimension contain every word."""
        self.model.set_search(text)
        self.tree.expandAll()
        self._update_match_label()

    def _update_match_label(self) -> None:
        if self.document is None:
            return
        total = len(self.document.indicators)
        ticked = len(self.model.ticked)
        text = self.search.text()
        if text.strip():
            shown = self.model.shown_ids()
            hidden = len(self.model.ticked - set(shown))
            self.match_label.setText(
                f"{len(shown)} of {total} indicators match “{text}” · {ticked} ticked"
                + (f", {hidden} of them hidden by the search" if hidden else "")
            )
        else:
            self.match_label.setText(f"{total} indicators · {ticked} ticked")

    def visible_indicator_ids(self) -> list[str]:
        """Ids of the indicators the tree shows now (search applied)."""
        return self.model.shown_ids()

    # -- the subject and ticking --------------------------------------------------------------

    def set_subject(
        self, contact_child: ContactChildDTO, form_indicators: Sequence[str] = ()
    ) -> None:
        """Screen this child on this contact (ticks start empty).

        ``form_indicators`` are the risk indicators ticked on the contact form: they are
        named above the tree and the indicators they relate to are marked in it.
        """
        self.model.form_flags = frozenset(form_indicators)
        show_form_indicators(self.form_label, form_indicators)
        was_read_only = self.read_only
        self.assessment = None
        self._saved_state = None
        self.subject = contact_child
        self.notices = ()
        self.notices_label.hide()
        self.status_label.clear()
        self.rationale.setReadOnly(False)
        self.rationale.clear()
        self.rag_prompt.reset()
        self.mode_label.hide()
        self.subject_label.show()
        self._clear_errors()
        person = contact_child.person
        facts = self._facts()
        age = age_text(person, facts.on) if facts else ""
        under = " · under 5" if facts is not None and facts.under_five else ""
        current = ""
        if contact_child.provisional_level is not None:
            current = (
                f" · screened before at Level {contact_child.provisional_level} "
                f"({contact_child.threshold_document} version {contact_child.threshold_version})"
            )
        self.subject_label.setText(
            f"Child: {person.full_name} — {age}{under} · contact {contact_child.contact_id}"
            + current
        )
        self.model.set_document(self.model.document)  # ticks start empty for a new child
        if was_read_only or self.document is None:
            self.load_current()
        else:
            self.model.set_editable(True)
            self.tree.expandAll()
        self._update_match_label()
        self._update_suggestion()
        self._update_enabled()

    def _facts(self) -> ChildFacts | None:
        if self.subject is None:
            return None
        person = self.subject.person
        return ChildFacts(
            self.session.desk.ctx.today(), person.date_of_birth, person.expected_delivery
        )

    def ticked(self) -> tuple[str, ...]:
        """The ticked indicator ids, in document order."""
        if self.document is None:
            return tuple(sorted(self.model.ticked))
        return tuple(i.id for i in self.document.indicators if i.id in self.model.ticked)

    def set_ticked(self, indicator_id: str, ticked: bool = True) -> None:
        """Tick or untick an indicator (as clicking it does)."""
        if self.read_only:
            return
        if self.document is None or not self.document.has_indicator(indicator_id):
            raise KeyError(indicator_id)
        self.model.set_checked(indicator_id, ticked)

    def _ticks_changed(self) -> None:
        self.indicators_error.hide()
        self._update_suggestion()
        self._update_match_label()
        # The focus stays on the indicator: say the new suggestion without moving it.
        announce(self.suggested_label, self.suggested_label.text())

    def focus_search(self) -> None:
        """Put the cursor in the search field (Ctrl+F)."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # -- the suggestion -----------------------------------------------------------------------

    def _update_suggestion(self) -> None:
        document = self.document
        if document is None:
            self.suggestion = None
            self.suggested_label.setText("Suggested level: waiting for the threshold document")
            for label in (
                self.drivers_label,
                self.consent_label,
                self.routes_label,
                self.pathways_label,
            ):
                label.setText("—")
            self._name_suggestion()
            return
        facts = None if self.read_only else self._facts()
        self.suggestion = suggest(document, self.ticked(), facts)
        s = self.suggestion
        if s.level is None:
            self.suggested_label.setText("Suggested level: none yet — tick what applies")
            self.drivers_label.setText("Nothing ticked.")
            self.consent_label.setText("—")
            self.routes_label.setText("—")
        else:
            self.suggested_label.setText(f"Suggested: {s.level.label}")
            self.drivers_label.setText("\n".join(f"• {i.text}" for i in s.drivers))
            consent = s.level.consent
            self.consent_label.setText(
                f"{_CONSENT_WORDS[consent.rule].capitalize()}. {consent.text}"
            )
            routes = []
            for r in s.routes:
                when = f" ({_CONDITION_WORDS.get(r.when.value, r.when.value)})" if r.when else ""
                routes.append(f"• {r.route.name}{when if facts is None else ''}")
            self.routes_label.setText("\n".join(routes) or "—")
        pathways = []
        for raised in s.pathways:
            text = f"• {raised.pathway.name}"
            if raised.pathway.timescale:
                text += f" — {raised.pathway.timescale}"
            if raised.due_on is not None:
                text += f" (by {raised.due_on:%d %B %Y})"
            pathways.append(text)
        self.pathways_label.setText("\n".join(pathways) or "None raised.")
        self._name_suggestion()

    def _fill_levels(self) -> None:
        """Offer "Confirm suggested level" and every level of the document shown."""
        chosen = self.level_combo.currentData()
        self.level_combo.blockSignals(True)
        self.level_combo.clear()
        self.level_combo.addItem("Confirm suggested level", None)
        self._levels_of = self.document
        if self.document is not None:
            for level in self.document.levels:
                self.level_combo.addItem(f"Override: {level.label}", level.number)
        self.level_combo.setCurrentIndex(max(self.level_combo.findData(chosen), 0))
        self.level_combo.blockSignals(False)

    def _name_suggestion(self) -> None:
        """Keep the chooser's first entry naming the level it confirms."""
        if self._levels_of is not self.document:
            self._fill_levels()
        s = self.suggestion
        confirm = "Confirm suggested level"
        if s is not None and s.level is not None:
            # The number only: the full "Level 3: Complex needs: child in need" was cut off in
            # the closed box at 1366×768; the suggestion heading above names it in full.
            confirm += f" (Level {s.level.number})"
        if self.level_combo.itemText(0) != confirm:
            self.level_combo.setItemText(0, confirm)
        self._choice_changed()

    def chosen_level(self) -> int | None:
        """The level chosen in the chooser; None confirms the suggestion."""
        return self.level_combo.currentData()

    def choose_level(self, level: int | None) -> None:
        """Pick a level in the chooser (None: confirm the suggestion)."""
        self.level_combo.setCurrentIndex(max(self.level_combo.findData(level), 0))

    def _choice_changed(self, *_args) -> None:
        s = self.suggestion
        level = self.chosen_level()
        suggested = s.level.number if s is not None and s.level is not None else None
        needs = (level is not None and level != suggested) or (suggested is None and level)
        if self.read_only:
            self.rationale_title.setText("Ra&tionale")
        else:
            self.rationale_title.setText(
                "Ra&tionale (required: say why)" if needs else "Ra&tionale (optional)"
            )
        mark_required(self.rationale, bool(needs) and not self.read_only)
        self.level_error.hide()
        rag = self.subject.rag if self.subject is not None and not self.read_only else None
        was_hidden = self.rag_prompt.isHidden()
        self.rag_prompt.update_for(suggested, level, rag)
        if was_hidden and not self.rag_prompt.isHidden():
            # At 1366×768 the prompt opens below the fold: bring it and Save into view once
            # the layout has made room for it.
            QTimer.singleShot(0, self, self._show_rag_prompt)

    def _show_rag_prompt(self) -> None:
        self.decision_scroll.ensureWidgetVisible(self.save_button)

    # -- saving --------------------------------------------------------------------------------

    def _update_enabled(self) -> None:
        can_save = (
            not self.read_only
            and self.subject is not None
            and self.document is not None
            and not self._saving
        )
        self.save_button.setEnabled(can_save)
        self.save_button.setVisible(not self.read_only)
        self.level_combo.setEnabled(not self.read_only)

    def _clear_errors(self) -> None:
        for label in (
            self.level_error,
            self.rationale_error,
            self.indicators_error,
            self.error_label,
        ):
            label.hide()
        self.rag_prompt.clear_error()
        for widget in (self.level_combo, self.rationale, self.tree):
            mark_invalid(widget, None)

    @staticmethod
    def _show_message(label: QLabel, text: str) -> None:
        label.setText(WARNING + text)
        label.show()
        announce(label, text, assertive=True)

    def _show_errors(self, errors: tuple[FieldError, ...] | list[FieldError]) -> None:
        places = {
            "rationale": self.rationale_error,
            "level": self.level_error,
            "indicators": self.indicators_error,
            "document": self.document_error,
        }
        grouped: dict[QLabel, list[str]] = {}
        prompt = [e.message for e in errors if e.field in RAG_PROMPT_FIELDS]
        if prompt:
            self.rag_prompt.show_error(prompt)
        errors = [e for e in errors if e.field not in RAG_PROMPT_FIELDS]
        for error in errors:
            grouped.setdefault(places.get(error.field, self.error_label), []).append(error.message)
        fields = {
            self.rationale_error: self.rationale,
            self.level_error: self.level_combo,
            self.indicators_error: self.tree,
        }
        for label, messages in grouped.items():
            self._show_message(label, "\n".join(messages))
            mark_invalid(fields.get(label), " ".join(messages))
        if self.rationale_error in grouped:
            self.rationale.setFocus(Qt.FocusReason.OtherFocusReason)
        elif self.level_error in grouped:
            self.level_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    def _state(self) -> tuple:
        return (
            self.ticked(),
            self.chosen_level(),
            self.rationale.toPlainText().strip(),
            self.rag_prompt.state(),
        )

    def has_unsaved_work(self) -> bool:
        """Whether ticks, a level or a rationale were entered and not saved."""
        if self.read_only or self.subject is None:
            return False
        state = self._state()
        if self._saved_state is not None:
            return state != self._saved_state
        return bool(state[0] or state[2])

    def maybe_close(self) -> bool:
        """Ask before throwing away an unsaved screening; True when it may close."""
        if not self.has_unsaved_work():
            return True
        answer = self.ask_unsaved()
        if answer == "save":
            self.save()
            return False  # closes after the user sees the result
        return answer == "discard"

    def ask_unsaved(self) -> str:
        """Ask what to do with an unsaved screening: "save", "discard" or "cancel"."""
        from PySide6.QtWidgets import QMessageBox

        buttons = (
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        answer = QMessageBox.question(
            self,
            "Unsaved screening",
            "The indicators and level you chose for this child are not saved yet.",
            buttons,
            QMessageBox.StandardButton.Cancel,
        )
        return {
            QMessageBox.StandardButton.Save: "save",
            QMessageBox.StandardButton.Discard: "discard",
        }.get(answer, "cancel")

    def save(self) -> None:
        """Save the screening: the ticked indicators, the level and the document version."""
        if self.read_only or self.subject is None or self.document is None or self._saving:
            return
        if self._saved_state is not None and self._state() == self._saved_state:
            # A second Ctrl+S (or key repeat) must not write the same screening twice.
            self.status_label.setText("Already saved; change something to save again.")
            return
        assert self.suggestion is not None
        self._clear_errors()
        level = self.chosen_level()
        rationale = self.rationale.toPlainText().strip() or None
        try:
            # The same pure rule the service applies: a missing rationale is shown at once,
            # without a round trip. The service checks again before writing.
            choose_level(self.document, self.suggestion, level, rationale)
        except ValidationError as exc:
            self._show_errors(exc.errors)
            return
        cc = self.subject
        self._saving = True
        self._update_enabled()
        self.status_label.setText("Saving…")
        self.session.tasks.write(
            self.session.desk.screening.screen,
            self.session.actor,
            cc.id,
            cc.version,
            indicators=list(self.ticked()),
            level=level,
            rationale=rationale,
            document=self.document.key,
            **self.rag_prompt.screen_kwargs(),
            on_done=self._saved,
            on_error=self._save_failed,
            label="Saving the screening…",
        )

    def _saved(self, result: OpResult[ContactChildDTO]) -> None:
        self._saving = False
        self._saved_state = self._state()
        # Tell the other views first: this panel may be closing while the save finishes.
        self.session.hub.announce(result.changed)
        self.subject = result.value
        self._choice_changed()  # re-rated red: the Level 4 prompt has nothing left to ask
        level = result.value.provisional_level
        self.status_label.setText(
            f"Saved: Level {level} against {result.value.threshold_document} version "
            f"{result.value.threshold_version}."
        )
        self.notices = result.notices
        if result.notices:
            self.notices_label.setText(
                "Next steps:\n" + "\n".join(f"• {n}" for n in result.notices)
            )
            self.notices_label.show()
        else:
            self.notices_label.hide()
        self._update_enabled()
        said = [self.status_label.text()] + list(result.notices)
        announce(self.status_label, " ".join(said))  # a status message (WCAG 4.1.3)
        self.screened.emit(result.value)

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self.status_label.clear()
        if isinstance(exc, ValidationError):
            if "not_current" in exc.rules:
                self.model.ticked.clear()
                self.load_current(
                    then_say=(
                        "The threshold document changed while this panel was open, so nothing "
                        "was saved. The document in force is now shown: read the indicators "
                        "and tick them again."
                    )
                )
                others = [e for e in exc.errors if e.rule != "not_current"]
                if others:
                    self._show_errors(others)
            else:
                self._show_errors(exc.errors)
        elif isinstance(exc, ConflictError):
            self._show_message(
                self.error_label,
                f"{exc} Close this contact and open it again from the queue.",
            )
        else:
            self._show_message(self.error_label, describe_error(exc))
        self._update_enabled()

    # -- a past assessment ---------------------------------------------------------------------

    def show_assessment(self, assessment: AssessmentDTO) -> None:
        """Show a past assessment, read only, against the document version it used."""
        self.assessment = assessment
        self.model.ticked = {i.id for i in assessment.indicators}
        self._clear_errors()
        self.notices_label.hide()
        self.status_label.clear()
        self.document_label.setText(f"Loading {assessment.document}…")
        self._update_enabled()
        self._request += 1
        number = self._request
        self.session.tasks.read(
            self.session.desk.thresholds.document,
            self.session.actor,
            assessment.document.id,
            assessment.document.version,
            on_done=lambda doc: self._assessment_document(number, doc),
            on_error=lambda exc: self._document_failed(number, exc),
            label="Loading the threshold document version…",
        )

    def _assessment_document(self, number: int, document: ThresholdDocument) -> None:
        if number != self._request or self.assessment is None:
            return
        a = self.assessment
        local = a.assessed_at.astimezone(self.session.desk.ctx.tz)
        how = "override" if a.override else "suggested level confirmed"
        self.mode_label.setText(
            f"Read only: {a.kind} assessment of {local:%d %b %Y %H:%M} by {a.assessed_by} "
            f"({a.level_label}, {how}), shown against the version it used."
        )
        self.mode_label.show()
        self.subject_label.hide()
        self._document_ready(number, document)
        # A confirmed suggestion shows as confirmed; an override or a level chosen with
        # nothing ticked shows the level itself.
        confirmed = not a.override and a.suggested_level is not None
        self.choose_level(None if confirmed else a.chosen_level)
        self.rationale.setPlainText(a.rationale or "")
        self.rationale.setReadOnly(True)
        self._update_enabled()
