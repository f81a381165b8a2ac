"""A status line a screen reader can follow: :class:`LiveLabel`.

Its *current* text is its accessible name, and each change is announced (WCAG 4.1.2, 4.1.3).
It must never carry a fixed accessible name: Qt would read that name and the text on screen
would be lost to the screen reader. Say what the line reports in the accessible description.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QAccessibleEvent
from PySide6.QtWidgets import QLabel, QWidget


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
