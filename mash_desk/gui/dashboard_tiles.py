"""A dashboard tile: one measure's figure, its target and last period, in words as well as signs.

Nothing is said by colour alone (WCAG 1.4.1): "met" and "not met" are written beside the
tick or cross, the change since last period is an arrow *and* "up 3 from 12 (worse)". The
sentences are built by plain functions (:func:`tile_sentences`), so the tile, its accessible
description and the tests read the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout

from mash_desk.domain.measures import Direction, MeasureUnit
from mash_desk.services.measures import MeasureResult, format_value

# Badge colours are fixed, with white text, so they read the same in both themes:
# white on #1e6b34 is 6.6:1, on #a4262c 7.0:1 (WCAG AA for the badge's bold text).
_MET = "background: #1e6b34; color: #ffffff; padding: 1px 6px; border-radius: 3px;"
_NOT_MET = "background: #a4262c; color: #ffffff; padding: 1px 6px; border-radius: 3px;"
_UP, _DOWN, _SAME = "▲", "▼", "●"


def value_text(result: MeasureResult) -> str:
    """The figure with its unit: ``"5"``, ``"66.7 %"``, ``"5.5 per 10,000 children"``."""
    unit = result.measure.unit
    text = format_value(result.value, unit)
    if result.value is None:
        return "No figure"
    if unit is MeasureUnit.PER_10000:
        return f"{text} per 10,000 children"
    if unit is MeasureUnit.COEFFICIENT:
        return f"κ {text}"
    return text


def _amount(value: float, unit: MeasureUnit) -> str:
    """A difference between two figures: points for a percentage."""
    if unit is MeasureUnit.PERCENT:
        return f"{value:.1f} points"
    return format_value(value, unit)


def _target(value: float, unit: MeasureUnit) -> str:
    """A target as written in the measures file: ``"95 %"``, ``"11.5 %"``, ``"0.6"``."""
    text = f"{value:g}"
    return f"{text} %" if unit is MeasureUnit.PERCENT else text


def target_text(result: MeasureResult) -> str:
    """``"Target 95.0 % or higher: met"``, or ``""`` without a target."""
    target = result.measure.target
    if target is None:
        return ""
    side = "or lower" if result.direction is Direction.LOWER else "or higher"
    wanted = _target(target, result.measure.unit)
    if result.on_target is None:
        return f"Target {wanted} {side}: no figure yet"
    return f"Target {wanted} {side}: {'met' if result.on_target else 'not met'}"


def change_text(result: MeasureResult) -> str:
    """How the figure moved since the period before, with an arrow and in words."""
    unit = result.measure.unit
    before = result.previous.value
    then = result.period.previous.label
    if result.value is None or before is None:
        return f"{then}: no figure to compare"
    was = format_value(before, unit)
    if result.value == before:
        return f"{_SAME} Same as {then} ({was})"
    up = result.value > before
    moved = f"{_UP} Up" if up else f"{_DOWN} Down"
    words = f"{moved} {_amount(abs(result.value - before), unit)} from {was} in {then}"
    if result.improved is None:
        return words
    return f"{words} ({'better' if result.improved else 'worse'})"


def fraction_text(result: MeasureResult) -> str:
    """What was counted: ``"2 of 4"`` for a rate, the count behind a rate per 10,000."""
    unit = result.measure.unit
    if unit is MeasureUnit.COUNT:
        return ""
    if unit is MeasureUnit.PER_10000:
        return f"{result.numerator:,} among {result.denominator or 0:,} children"
    if not result.denominator:
        return "Nothing to count in the period"
    if unit is MeasureUnit.COEFFICIENT:
        return f"{result.numerator:,} of {result.denominator:,} re-ratings agreed"
    return f"{result.numerator:,} of {result.denominator:,}"


@dataclass(frozen=True)
class TileSentences:
    """The words a tile shows (and reads out)."""

    name: str
    value: str
    target: str
    change: str
    fraction: str
    scope: str

    def spoken(self) -> str:
        """All of it as one description for a screen reader."""
        parts = [f"{self.value}.", self.fraction, self.target, self.change, self.scope]
        return " ".join(p if p.endswith(".") or not p else f"{p}." for p in parts if p)


def tile_sentences(result: MeasureResult, *, team: str | None) -> TileSentences:
    """The words of ``result``'s tile (``team``: the team filter, for the scope note)."""
    scope = ""
    if team and not result.team_applied:
        scope = "Whole MASH: these rows carry no team"
    return TileSentences(
        result.measure.name,
        value_text(result),
        target_text(result),
        change_text(result),
        fraction_text(result),
        scope,
    )


class MeasureTile(QFrame):
    """One measure's tile; focusable, Enter or a double-click asks for its children.

    Signals:
        chosen(str): the tile took focus or was clicked (its measure id).
        drill(str): Enter or a double-click (its measure id).
    """

    chosen = Signal(str)
    drill = Signal(str)

    def __init__(self, result: MeasureResult, *, team: str | None, can_drill: bool):
        """Show ``result``; ``can_drill`` says whether Enter lists the children."""
        super().__init__()
        self.measure_id = result.measure.id
        self.can_drill = can_drill
        self.selected = False
        self.setObjectName(f"tile_{self.measure_id}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # Never shorter than its text needs: a grid row squeezed a tile with a two-line name
        # and a two-line change until its lines overlapped (seen at 1366×768).
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.name_label = QLabel()
        self.name_label.setWordWrap(True)
        bold = self.name_label.font()
        bold.setBold(True)
        self.name_label.setFont(bold)
        self.value_label = QLabel()
        big = self.value_label.font()
        big.setPointSizeF(big.pointSizeF() * 1.6)
        big.setBold(True)
        self.value_label.setFont(big)
        self.fraction_label = QLabel()
        self.target_label = QLabel()
        self.change_label = QLabel()
        self.change_label.setWordWrap(True)
        self.scope_label = QLabel()
        self.scope_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(2)
        for label in (
            self.name_label,
            self.value_label,
            self.fraction_label,
            self.target_label,
            self.change_label,
            self.scope_label,
        ):
            # The tile is read as one: its labels are not separate stops for a screen reader.
            label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            layout.addWidget(label)
        self.show_result(result, team=team)

    def show_result(self, result: MeasureResult, *, team: str | None) -> None:
        """Show a new figure for the same measure."""
        self.result = result
        self.sentences = words = tile_sentences(result, team=team)
        self.name_label.setText(words.name)
        self.value_label.setText(words.value)
        self.fraction_label.setText(words.fraction)
        self.fraction_label.setVisible(bool(words.fraction))
        self.target_label.setVisible(bool(words.target))
        if result.on_target is None:
            self.target_label.setStyleSheet("")
            self.target_label.setText(words.target)
        else:
            mark = "✓" if result.on_target else "✗"
            self.target_label.setText(f"{mark} {words.target}")
            self.target_label.setStyleSheet(_MET if result.on_target else _NOT_MET)
        self.target_label.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.change_label.setText(words.change)
        self.scope_label.setText(words.scope)
        self.scope_label.setVisible(bool(words.scope))
        hint = " Press Enter to list the children behind it." if self.can_drill else ""
        self.setAccessibleName(words.name)
        self.setAccessibleDescription(words.spoken() + hint)
        self.setToolTip(f"{result.measure.definition}\n\nSource: {result.measure.source}")

    def set_selected(self, selected: bool) -> None:
        """Mark the tile whose details are shown."""
        if selected != self.selected:
            self.selected = selected
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 — Qt API
        """The frame, and a thick border in the theme's highlight when chosen or focused.

        Painted from the current palette (not a style sheet), so it follows a theme change;
        the border's width, not only its colour, tells the chosen tile apart.
        """
        super().paintEvent(event)
        if not (self.selected or self.hasFocus()):
            return
        painter = QPainter(self)
        pen = QPen(self.palette().color(self.palette().ColorRole.Highlight))
        pen.setWidth(3)
        if not self.hasFocus():
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawRect(self.rect().adjusted(1, 1, -2, -2))
        painter.end()

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 — Qt API
        """Taking focus shows this measure's details beside the tiles."""
        super().focusInEvent(event)
        self.chosen.emit(self.measure_id)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 — Qt API
        """Repaint without the focus border."""
        super().focusOutEvent(event)
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 — Qt API
        """A click chooses the tile (and takes the focus)."""
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.chosen.emit(self.measure_id)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 — Qt API
        """A double-click lists the children (where the role may see them)."""
        if self.can_drill:
            self.drill.emit(self.measure_id)
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 — Qt API
        """Enter lists the children (where the role may see them)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.can_drill:
            self.drill.emit(self.measure_id)
            event.accept()
            return
        super().keyPressEvent(event)
