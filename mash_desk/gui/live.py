"""A status line a screen reader can follow: :class:`LiveLabel` (rules in ``gui/a11y.py``).

Its *current* text is its accessible name, and each change is announced (WCAG 4.1.2, 4.1.3).
It must never carry a fixed accessible name: Qt would read that name and the text on screen
would be lost to the screen reader. Say what the line reports in the accessible description.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QWidget

from mash_desk.gui.a11y import announce


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
        if text:
            # One way to announce for the whole desk (gui/a11y.py: Qt < 6.8 falls back to a
            # name change); Qt itself reports the new name, as the name is the text.
            announce(self, text)
            self.announced.emit(text)


def live(text: str = "", description: str = "") -> LiveLabel:
    """A new :class:`LiveLabel` showing ``text``; ``description`` says what it reports."""
    label = LiveLabel()
    label.setText(text)
    if description:
        label.setAccessibleDescription(description)
    return label
