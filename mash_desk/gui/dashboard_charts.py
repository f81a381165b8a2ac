"""A dashboard chart: matplotlib drawn into Qt, in the desk's theme, with a text alternative.

Each :class:`ChartPanel` holds a canvas (``FigureCanvasQTAgg``) with an accessible name, a
summary sentence under it (what a sighted reader takes from the picture, and what a screen
reader reads), and the same figures as a table behind a button. The chart is redrawn from
the window's palette whenever the theme changes, so a dark desk never shows a white plot.
Series differ by marker, line style or hatching as well as colour (WCAG 1.4.1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mash_desk.gui.a11y import live_label, no_tab_trap


@dataclass(frozen=True)
class ChartColours:
    """What a chart is drawn in, taken from the theme."""

    background: str
    text: str
    grid: str
    series: tuple[str, ...]
    highlight: str
    dark: bool

    @classmethod
    def of(cls, widget: QWidget) -> ChartColours:
        """The colours for ``widget``'s palette (light or dark theme)."""
        palette = widget.palette()
        base = palette.color(palette.ColorRole.Base)
        text = palette.color(palette.ColorRole.Text).name()
        if base.lightness() < 128:
            # Lighter hues on #252526: each at least 4.5:1 against it.
            return cls(
                base.name(),
                text,
                "#4a4a4a",
                ("#7ab8ff", "#ffb35c", "#5fd38d", "#d9a3ff"),
                "#ff8a8a",
                True,
            )
        # Darker hues on white: each at least 4.5:1 against it.
        return cls(
            base.name(),
            text,
            "#cfcfcf",
            ("#0b5cad", "#b35900", "#1e7b45", "#7a3d9b"),
            "#a4262c",
            False,
        )


Drawer = Callable[[Any, ChartColours], None]
"""Draws on a matplotlib ``Axes`` in the given colours."""


@dataclass(frozen=True)
class ChartData:
    """One chart: how to draw it and its text alternative.

    Attributes:
        title: the chart's title (also its accessible name's ending).
        summary: one or two sentences saying what the chart shows.
        headers: the table's column headers.
        rows: the table's rows (texts).
        draw: draws the chart on an Axes.
        note: a caveat shown under the summary (e.g. the neighbours' year).
    """

    title: str
    summary: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    draw: Drawer
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def style_axes(ax: Any, colours: ChartColours) -> None:
    """Theme an Axes: background, text, spines and a light grid behind the data."""
    ax.set_facecolor(colours.background)
    ax.tick_params(colors=colours.text, labelsize=8.5)
    for spine in ax.spines.values():
        spine.set_color(colours.grid)
    ax.grid(True, color=colours.grid, linewidth=0.6, alpha=0.8)
    ax.set_axisbelow(True)
    ax.xaxis.label.set_color(colours.text)
    ax.yaxis.label.set_color(colours.text)


def legend(ax: Any, colours: ChartColours, **kwargs: Any) -> None:
    """A legend in the theme's colours."""
    box = ax.legend(fontsize=8.5, frameon=True, **kwargs)
    if box is not None:
        box.get_frame().set_facecolor(colours.background)
        box.get_frame().set_edgecolor(colours.grid)
        for text in box.get_texts():
            text.set_color(colours.text)


class ChartPanel(QWidget):
    """A chart, its summary sentence and its figures as a table."""

    def __init__(self, name: str, parent: QWidget | None = None):
        """An empty panel for the chart called ``name`` (e.g. "Monthly trends")."""
        super().__init__(parent)
        self.name = name
        self.data: ChartData | None = None
        self.figure = Figure(figsize=(6.4, 3.6), dpi=100, layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setObjectName(f"chart_{name.lower().replace(' ', '_')}")
        self.canvas.setAccessibleName(f"Chart: {name}")
        self.canvas.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setMinimumHeight(220)
        self.summary = live_label(QLabel("Loading…"), f"What the {name.lower()} chart shows")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.hide()
        italic = self.note.font()
        italic.setItalic(True)
        self.note.setFont(italic)
        self.table_button = QToolButton()
        self.table_button.setText("Show the figures as a table")
        self.table_button.setCheckable(True)
        self.table_button.setAccessibleName(f"Show the {name.lower()} figures as a table")
        self.table = QTableWidget()
        self.table.setAccessibleName(f"{name}: the figures")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.hide()
        no_tab_trap(self.table)
        self.table_button.toggled.connect(self._show_table)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.canvas, 3)
        layout.addWidget(self.summary)
        layout.addWidget(self.note)
        layout.addWidget(self.table_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.table, 2)

    def show_chart(self, data: ChartData) -> None:
        """Draw ``data`` and fill its text alternative."""
        self.data = data
        self.summary.setText(data.summary)
        self.canvas.setAccessibleDescription(data.summary)
        self.note.setText(data.note)
        self.note.setVisible(bool(data.note))
        self._fill_table(data.headers, data.rows)
        self.redraw()

    def redraw(self) -> None:
        """Draw the chart again in the current theme's colours."""
        if self.data is None:
            return
        colours = ChartColours.of(self)
        self.figure.clear()
        self.figure.set_facecolor(colours.background)
        # The figure's title, not the axes': long axis labels (authorities, sources) push the
        # axes right, and a title over them was cut off at the canvas's edge.
        self.figure.suptitle(
            self.data.title, x=0.01, ha="left", fontsize=10, fontweight="bold", color=colours.text
        )
        ax = self.figure.add_subplot(111)
        style_axes(ax, colours)
        self.data.draw(ax, colours)
        self.canvas.draw_idle()

    def _fill_table(self, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(list(headers))
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if c > 0:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{headers[c]}: {text}")
                self.table.setItem(r, c, item)

    def _show_table(self, shown: bool) -> None:
        self.table.setVisible(shown)
        self.table_button.setText("Hide the table" if shown else "Show the figures as a table")

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 — Qt API
        """Redraw in the new theme's colours when the palette changes."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.redraw()
