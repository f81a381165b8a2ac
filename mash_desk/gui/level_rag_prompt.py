"""The threshold panel's prompt when a Level 4 sits on an amber or green contact (issue 12 §6).

Level 4 means the child may be suffering significant harm; amber and green say the work can
wait. When the two disagree the screening is not saved silently: the practitioner re-rates
the contact red (with the reason every RAG change needs) or records why it stays amber or
green. The screening service applies the same rule
(:func:`mash_desk.domain.outcome_rules.check_level_four_rag`) and stores the reason with the
assessment and in the audit row.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from mash_desk.domain.outcome_rules import SIGNIFICANT_HARM_LEVEL, check_level_four_rag

WARNING = "⚠ "
# Service fields this prompt shows the messages of.
FIELDS = ("not_red_reason", "rag", "rag_reason")


class LevelRagPrompt(QFrame):
    """Re-rate red, or say why not: shown only while a Level 4 is on an amber/green child."""

    def __init__(self, parent: QWidget | None = None):
        """Build the prompt, hidden until :meth:`update_for` finds a disagreement."""
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Level 4 on a contact not rated red")
        layout = QVBoxLayout(self)
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.question.setTextFormat(Qt.TextFormat.PlainText)
        self.question.setAccessibleName("Level and rating disagree")
        self.red_check = QCheckBox("Re-rate this co&ntact Red")
        self.red_check.setAccessibleName("Re-rate this contact red")
        self.rag_reason = QLineEdit()
        self.rag_reason.setAccessibleName("Reason for rating red")
        self.rag_reason.setPlaceholderText("Why red now (kept in the RAG history)")
        self.not_red_title = QLabel("&Why it stays as rated")
        self.not_red_reason = QPlainTextEdit()
        self.not_red_reason.setTabChangesFocus(True)
        self.not_red_reason.setMaximumHeight(70)
        self.not_red_reason.setAccessibleName("Why the contact is not rated red")
        self.not_red_reason.setPlaceholderText(
            "Say why a Level 4 child is not rated red (stored with the screening and audited)"
        )
        self.not_red_title.setBuddy(self.not_red_reason)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.hide()
        for widget in (
            self.question,
            self.red_check,
            self.rag_reason,
            self.not_red_title,
            self.not_red_reason,
            self.error,
        ):
            layout.addWidget(widget)
        self.red_check.toggled.connect(self._red_toggled)
        self._red_toggled(False)
        self.hide()

    def chain(self) -> list[QWidget]:
        """The prompt's inputs in tab order."""
        return [self.red_check, self.rag_reason, self.not_red_reason]

    def update_for(self, suggested: int | None, chosen: int | None, rag: str | None) -> None:
        """Show the prompt when the level (suggested or chosen) and the rating disagree."""
        level = chosen if chosen is not None else suggested
        asked = check_level_four_rag(suggested, level or 0, rag, None) is not None
        if asked:
            which = "chosen" if chosen == SIGNIFICANT_HARM_LEVEL else "suggested"
            self.question.setText(
                f"Level {SIGNIFICANT_HARM_LEVEL} is {which}, but this contact is rated {rag}. "
                "Re-rate it red, or record why it stays as rated."
            )
        self.setVisible(asked)
        if not asked:
            self.clear_error()

    def screen_kwargs(self) -> dict[str, Any]:
        """What to add to the screening call: a red re-rating or the reason why not."""
        if self.isHidden():
            return {}
        if self.red_check.isChecked():
            return {"rag": "red", "rag_reason": self.rag_reason.text().strip() or None}
        return {"not_red_reason": self.not_red_reason.toPlainText().strip() or None}

    def state(self) -> tuple:
        """What was chosen or typed (for the panel's unsaved-work check)."""
        return (
            self.red_check.isChecked(),
            self.rag_reason.text().strip(),
            self.not_red_reason.toPlainText().strip(),
        )

    def reset(self) -> None:
        """Empty the prompt for a new child."""
        self.red_check.setChecked(False)
        self.rag_reason.clear()
        self.not_red_reason.clear()
        self.clear_error()
        self.hide()

    def show_error(self, messages: list[str]) -> None:
        """Show the service's messages under the prompt and focus what needs filling."""
        text = " ".join(messages)
        self.error.setText(WARNING + text)
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        self.error.setStyleSheet(f"color: {'#ff8a80' if dark else '#b00020'}; font-weight: 600;")
        self.error.setAccessibleName("Problem: " + text)
        target = self.rag_reason if self.red_check.isChecked() else self.not_red_reason
        target.setAccessibleDescription(text)
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        self.error.show()

    def clear_error(self) -> None:
        """Hide the message."""
        self.error.clear()
        self.error.hide()
        for widget in (self.rag_reason, self.not_red_reason):
            widget.setAccessibleDescription("")

    @property
    def message(self) -> str:
        """The message shown ("" when none)."""
        return self.error.text().removeprefix(WARNING) if not self.error.isHidden() else ""

    def _red_toggled(self, red: bool) -> None:
        # Re-rated red there is nothing to explain; kept as rated, the reason is asked for.
        self.rag_reason.setVisible(red)
        self.not_red_title.setVisible(not red)
        self.not_red_reason.setVisible(not red)
