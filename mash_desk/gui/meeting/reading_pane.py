"""Two small widgets the meeting's Designer forms use for text that changes.

* :class:`ReadingPane`: read-only text the chair reads by keyboard (caret moves, Tab leaves),
  scrolling inside itself so the decision form beside it never moves.
* :class:`LiveLabel`: a status line whose *current* text is what a screen reader gets, with
  each change announced (WCAG 4.1.3). It must never carry a fixed accessible name: Qt would
  then read the name and the text on screen would be lost.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QAccessibleEvent
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget


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


class LiveLabel(QLabel):
    """A label whose changes reach a screen reader: its text is its accessible name.

    Signals:
        announced(str): the text just announced (for tests and for the status bar).
    """

    announced = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        """Create an empty live label (plain text, wrapped)."""
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt naming)
        """Show ``text`` and announce it when it changed (and is not empty)."""
        changed = text != self.text()
        super().setText(text)
        if not changed:
            return
        if QAccessible.isActive():
            QAccessible.updateAccessibility(QAccessibleEvent(self, QAccessible.Event.NameChanged))
            if text:
                QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(self, text))
        if text:
            self.announced.emit(text)


def live(text: str = "", description: str = "") -> LiveLabel:
    """A new :class:`LiveLabel` showing ``text``; ``description`` says what it reports."""
    label = LiveLabel()
    label.setText(text)
    if description:
        label.setAccessibleDescription(description)
    return label
