"""The privacy screen: one key blanks the window at once.

Practitioners take calls with others in the room (visitors at the desk, a colleague from
another agency); the curtain hides every name on screen instantly, without closing anything
or losing a keystroke of unsaved work.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

PRIVACY_KEY = "F12"


class PrivacyCurtain(QWidget):
    """An opaque cover over the whole window; F12 or a click lifts it."""

    lifted = Signal()

    def __init__(self, window: QWidget):
        """Cover ``window`` (hidden until :meth:`drop`)."""
        super().__init__(window)
        self.setObjectName("privacyCurtain")
        self.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#privacyCurtain { background: #202020; } QLabel { color: #f0f0f0; }")
        self.setAccessibleName("Privacy screen")
        label = QLabel(
            f"Screen hidden for privacy.\nPress {PRIVACY_KEY} or click to show it again.",
            self,
        )
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet("font-size: 18pt;")
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.hide()
        window.installEventFilter(self)
        self._window = window
        self._title = ""
        self._focus: QWidget | None = None

    def drop(self) -> None:
        """Hide everything now (the window title too: it can carry a child's name)."""
        self.setGeometry(self._window.rect())
        # Typing resumes where it left off: the practitioner may be mid-sentence on a call.
        self._focus = QApplication.focusWidget()
        self._title = self._window.windowTitle()
        self._window.setWindowTitle("MASH Desk")
        self.show()
        self.raise_()
        self.setFocus()

    def lift(self) -> None:
        """Show the window again, as it was."""
        if not self.isVisible():
            return
        self.hide()
        self._window.setWindowTitle(self._title)
        if self._focus is not None and shiboken6.isValid(self._focus):
            self._focus.setFocus()
        self.lifted.emit()

    def toggle(self) -> None:
        """Drop the curtain if it is up, lift it if it is down."""
        if self.isVisible():
            self.lift()
        else:
            self.drop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 — Qt API
        """Keep the curtain the size of the window."""
        if watched is self._window and event.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self._window.rect())
        return False

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 — Qt API
        """A click lifts the curtain."""
        self.lift()
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 — Qt API
        """Only the privacy key lifts it; other keys are swallowed, not typed into a form."""
        if event.key() == Qt.Key.Key_F12:
            self.lift()
        event.accept()
