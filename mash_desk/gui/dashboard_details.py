"""The chosen measure's details beside the tiles: its definition, source and breakdowns.

Every breakdown row is a figure of its own ("Red: 87 %"); a double-click or Enter on one
lists the children behind that group, for roles that may see them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mash_desk.domain.measures import MeasureUnit
from mash_desk.gui.a11y import live_label, no_tab_trap
from mash_desk.services.measures import BreakdownItem, MeasureResult, format_value

HEADERS = ("Breakdown", "Group", "Figure", "Counted", "Of")
ItemRole = int(Qt.ItemDataRole.UserRole) + 1
"""(breakdown dimension, item key, item label) of a row."""


def item_figure(item: BreakdownItem, unit: MeasureUnit) -> str:
    """A breakdown group's figure, with its share of the total for a count."""
    if unit is MeasureUnit.COUNT:
        share = f" ({item.share:.0f} %)" if item.share is not None else ""
        return f"{item.numerator:,}{share}"
    return format_value(item.value, unit)


class MeasureDetails(QWidget):
    """Definition, source and breakdown table of one measure.

    Signals:
        drill(object, str, str): a breakdown row was chosen: its dimension, key and label.
    """

    drill = Signal(object, str, str)

    def __init__(self, can_drill: bool, parent: QWidget | None = None):
        """Empty until :meth:`show_result`; ``can_drill`` offers the children of a row."""
        super().__init__(parent)
        self.can_drill = can_drill
        self.result: MeasureResult | None = None
        self._drillable = False
        self.text = live_label(QLabel("Choose a measure to see its details."), "Measure details")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.setAccessibleName("Breakdowns of the measure")
        hint = "Enter or a double-click lists the children of a group." if can_drill else ""
        self.table.setAccessibleDescription(f"Each group's figure. {hint}".strip())
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        no_tab_trap(self.table)
        self.table.activated.connect(lambda index: self._chosen(index.row()))
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.table, 1)

    def show_result(self, result: MeasureResult, *, drillable: bool = True) -> None:
        """Show ``result``'s definition and breakdowns (``drillable``: it lists children)."""
        self.result = result
        self._drillable = drillable
        m = result.measure
        lines = [f"<b>{m.name}</b>", m.definition, f"<b>Counted:</b> {m.numerator}"]
        if m.denominator:
            lines.append(f"<b>Out of:</b> {m.denominator}")
        lines.append(f"<b>Source:</b> {m.source}")
        if not result.breakdowns:
            lines.append("This measure has no breakdown.")
        self.text.setText("<br>".join(lines))
        rows = [(b, i) for b in result.breakdowns for i in b.items]
        self.table.setRowCount(len(rows))
        for r, (breakdown, item) in enumerate(rows):
            cells = (
                breakdown.title,
                item.label,
                item_figure(item, breakdown.unit),
                f"{item.numerator:,}",
                "" if item.denominator is None else f"{item.denominator:,}",
            )
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(ItemRole, (breakdown.dimension, item.key, item.label))
                cell.setData(Qt.ItemDataRole.AccessibleTextRole, f"{HEADERS[c]}: {text}")
                if c >= 2:
                    cell.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, cell)

    def _chosen(self, row: int) -> None:
        cell = self.table.item(row, 0)
        if cell is None or not (self.can_drill and self._drillable):
            return
        dimension, key, label = cell.data(ItemRole)
        self.drill.emit(dimension, key, label)
