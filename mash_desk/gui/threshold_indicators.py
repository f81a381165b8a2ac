"""The threshold document's indicators as a tree: domain, then level, then indicator.

Each indicator has a check box; ticks live in a Python set the threshold panel reads
directly, and a search rebuilds the tree in one model reset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont

from mash_desk.domain.thresholds import (
    Indicator,
    ThresholdDocument,
)
from mash_desk.gui.form_indicators import (
    FORM_MARK,
    related_to_form,
)

# The indicator id on each indicator row: views and tests find a row by it.
IndicatorRole = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


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
