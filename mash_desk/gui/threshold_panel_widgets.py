"""The threshold panel's widgets and their layout, without its behaviour.

:class:`ThresholdPanelWidgets` builds what the practitioner sees — the document line, the
indicator tree with its search and detail, and the decision side (suggestion, level,
rationale, the Level 4 RAG prompt, Save) — and sets the tab order.
:class:`~mash_desk.gui.threshold_panel.ThresholdPanel` adds what the widgets do.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
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

from mash_desk.gui.a11y import live_label, name_clear_button, no_tab_trap
from mash_desk.gui.form_indicators import form_indicators_label
from mash_desk.gui.level_rag_prompt import LevelRagPrompt
from mash_desk.gui.threshold_indicators import IndicatorModel


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


class ThresholdPanelWidgets(QWidget):
    """The threshold panel's widgets, laid out: indicators on the left, the decision right."""

    def _build(self) -> None:
        """Make every widget, in the order screen readers list them, and set the tab order."""
        layout = QVBoxLayout(self)
        self._build_header(layout)
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

    def _build_header(self, layout: QVBoxLayout) -> None:
        """Name the document in use, its problems, the mode, the child and the form's flags."""
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

    def _indicator_side(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search indicators, e.g. “domestic abuse” (Ctrl+F)")
        self.search.setAccessibleName("Search the threshold indicators")
        name_clear_button(self.search, "Clear the indicator search")
        layout.addWidget(self.search)
        self.model = IndicatorModel(self)
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
        self._add_suggestion(layout)
        self._add_level_and_rationale(layout)
        self._add_save_and_status(layout)
        layout.addStretch()
        scroll = QScrollArea()
        scroll.setAccessibleName("Suggested level and decision")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        self.decision_scroll = scroll
        return scroll

    def _add_suggestion(self, layout: QVBoxLayout) -> None:
        """Show the suggested level, then why, its consent rule, the routes and pathways."""
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

    def _add_level_and_rationale(self, layout: QVBoxLayout) -> None:
        """Add the level chooser (confirm or override) and the rationale, each with a message."""
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        layout.addWidget(line)
        level_title = _bold(QLabel("&Level"))
        self.level_combo = QComboBox()
        self.level_combo.setAccessibleName("Threshold level: confirm the suggestion or override")
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

    def _add_save_and_status(self, layout: QVBoxLayout) -> None:
        """Add Save, the problem line, the status line and the next steps after a save."""
        buttons = QHBoxLayout()
        self.save_button = QPushButton("&Save screening (Ctrl+S)")
        self.save_button.setAccessibleName("Save the screening")
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
