"""Widgets the meeting's Designer forms use for text that changes.

* :class:`ReadingPane`: read-only text the chair reads by keyboard (caret moves, Tab leaves),
  scrolling inside itself so the decision form beside it never moves.
* :class:`~mash_desk.gui.live.LiveLabel` (re-exported here for the forms' ``<customwidgets>``):
  a status line whose current text is what a screen reader gets, each change announced.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from mash_desk.gui.live import LiveLabel, live

__all__ = ["LiveLabel", "ReadingPane", "live"]


class ReadingPane(QPlainTextEdit):
    """Read-only, wrapped text with ``text()`` / ``setText()`` as a label has."""

    def __init__(self, parent: QWidget | None = None):
        """Create an empty, read-only pane."""
        super().__init__(parent)
        self.setReadOnly(True)
        # Keyboard users read with the caret; Tab must still move on to the next control.
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)

    def text(self) -> str:
        """The text shown."""
        return self.toPlainText()

    def setText(self, text: str) -> None:  # noqa: N802 (Qt naming, as QLabel)
        """Show ``text`` from its start."""
        self.setPlainText(text)
        self.moveCursor(self.textCursor().MoveOperation.Start)
