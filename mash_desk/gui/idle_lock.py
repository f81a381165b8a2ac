"""The idle lock: after a quiet spell the window locks and asks for the user's password.

A MASH desk left open in a shared office shows children's records to anyone who walks past.
F12 (gui/privacy.py) is the practitioner's own instant blind and needs no password; the idle
lock is the safety net for when they forget: after the policy's ``idle_lock_minutes`` without
a key press or mouse use anywhere in the application, the window is covered and only the
signed-in user's password (checked by the user service, as at sign-in) brings it back.

Nothing underneath is closed or reset: the tabs are hidden, not torn down, so a half-typed
contact is exactly as it was after unlocking, with the cursor where it was.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from mash_desk.domain.demo_users import DEMO_PASSWORD
from mash_desk.domain.errors import PermissionDenied
from mash_desk.gui.a11y import announce, live_label, mark_invalid
from mash_desk.gui.forms.ui_lock_screen import Ui_LockScreenForm
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import describe_error

LOCK_KEY = "Ctrl+Shift+F12"
LOCKED_TITLE = "MASH Desk — locked"

# Input that shows a person is at the desk. Timers, repaints and background results are not.
_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


class IdleWatch(QObject):
    """Emits ``idle`` after ``period_ms`` without keyboard or mouse input to the application."""

    idle = Signal()

    def __init__(self, period_ms: int, parent: QObject):
        """Start watching every event of the application (the filter is removed with us)."""
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(period_ms)
        self.timer.timeout.connect(self.idle)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)
        self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 — Qt API
        """Any input restarts the count; the event itself goes on untouched."""
        if event.type() in _INPUT_EVENTS and self.timer.isActive():
            self.timer.start()
        return False


def check_password(session: DeskSession, password: str) -> None:
    """Raise PermissionDenied unless ``password`` unlocks this session (runs off the GUI thread).

    Demo accounts have no stored password (the demo opens as any role without one), so the
    demo desk's lock takes the password it states on screen.
    """
    if session.demo:
        if password != DEMO_PASSWORD:
            raise PermissionDenied("Password not recognised")
        return
    session.desk.users.confirm_password(session.actor, password)


class LockScreen(QWidget):
    """The opaque cover with the password field, over the whole main window."""

    unlock_requested = Signal(str)

    def __init__(self, window: QWidget, session: DeskSession):
        """Cover ``window`` (hidden until the lock drops)."""
        super().__init__(window)
        self.setObjectName("lockScreen")
        self.ui = Ui_LockScreenForm()
        self.ui.setupUi(self)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Window)
        who = f"{session.actor.display_name} ({session.actor.username})"
        self.ui.explanation.setText(
            f"Locked after a period without use. Signed in as {who}: type your password to "
            "come back. Your unsaved work is kept as it was."
        )
        if session.demo:
            self.ui.demoNote.setText(
                f"DEMO DATABASE: the demo password is “{DEMO_PASSWORD}” for every demo user."
            )
            self.ui.demoNote.setStyleSheet(
                "background: #ffe08a; color: #1b1b1b; padding: 6px; font-weight: bold;"
            )
        else:
            self.ui.demoNote.hide()
        # The message reads as its text (a fixed name would hide it from a screen reader).
        live_label(self.ui.message, "Unlock message")
        self.ui.password.returnPressed.connect(self._submit)
        self.ui.unlockButton.clicked.connect(self._submit)
        window.installEventFilter(self)
        self._window = window
        self.hide()

    def _submit(self) -> None:
        self.unlock_requested.emit(self.ui.password.text())

    def set_busy(self, busy: bool) -> None:
        """Grey the field and button while the password is being checked."""
        self.ui.password.setEnabled(not busy)
        self.ui.unlockButton.setEnabled(not busy)
        if busy:
            self.show_message("Checking the password…", problem=False)

    def show_message(self, text: str, *, problem: bool) -> None:
        """Say what happened; a problem is marked by a sign as well as its colour."""
        self.ui.message.setText(f"⚠ {text}" if problem and text else text)
        # Said at once (the focus stays in the password field), and with the field on focus.
        mark_invalid(self.ui.password, text if problem else None)
        announce(self.ui.password, text, assertive=problem)

    def cover(self) -> None:
        """Show over everything, empty, with the password field focused."""
        self.setGeometry(self._window.rect())
        # A wrapped label centred in a layout is given one line's height unless told how
        # many its text needs at the panel's fixed width.
        margins = self.ui.panelLayout.contentsMargins()
        width = self.ui.panel.maximumWidth() - margins.left() - margins.right()
        for label in (self.ui.explanation, self.ui.demoNote):
            label.setMinimumHeight(label.heightForWidth(width))
        self.ui.password.clear()
        self.show_message("", problem=False)
        self.set_busy(False)
        self.show()
        self.raise_()
        self.ui.password.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 — Qt API
        """Keep the cover the size of the window."""
        if watched is self._window and event.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self._window.rect())
        return False

    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802 — Qt API
        """Tab cycles between the password and Unlock only, never into the work beneath."""
        order = [self.ui.password, self.ui.unlockButton]
        current = QApplication.focusWidget()
        index = order.index(current) if current in order else -1
        order[(index + (1 if forward else -1)) % len(order)].setFocus()
        return True


class WindowLock(QObject):
    """Locks ``window`` after the policy's idle period, or at once with :meth:`lock`."""

    locked = Signal()
    unlocked = Signal()

    def __init__(self, window: QMainWindow, session: DeskSession):
        """Watch for idleness over the whole application on behalf of ``window``."""
        super().__init__(window)
        self._window = window
        self._session = session
        minutes = session.desk.ctx.policy.idle_lock_minutes
        self._period_ms = max(1, round(minutes * 60_000))
        self.watch = IdleWatch(self._period_ms, self)
        self.watch.idle.connect(self.lock)
        self.screen = LockScreen(window, session)
        self.screen.unlock_requested.connect(self._try_unlock)
        self._title = ""
        self._focus: QWidget | None = None
        self._disabled: list[QAction] = []
        self._hidden: list[QWidget] = []
        self._checking = False

    def is_locked(self) -> bool:
        """Whether the window is locked now."""
        return self.screen.isVisible()

    def lock(self) -> None:
        """Hide everything until the user's password is given (already locked: nothing)."""
        if self.is_locked():
            return
        window = self._window
        curtain = getattr(window, "curtain", None)
        if curtain is not None and curtain.isVisible():
            # Lifted first so the focus and title it saved come back after the unlock.
            curtain.lift()
        self.watch.timer.stop()
        # The window's own focus child: QApplication's is None while another app is active.
        self._focus = window.focusWidget()
        self._title = window.windowTitle()
        window.setWindowTitle(LOCKED_TITLE)
        # Dialogs of this window (routing, printing) would show a child's details beside the
        # lock and take the keyboard from it; they come back, as they were, with the window.
        self._hidden = [
            widget
            for widget in QApplication.topLevelWidgets()
            if widget is not window and widget.isVisible() and _belongs_to(widget, window)
        ]
        for widget in self._hidden:
            widget.hide()
        # Hidden, not closed: the tabs keep every field as it is, and their shortcuts sleep.
        if (central := window.centralWidget()) is not None:
            central.hide()
        window.menuBar().setEnabled(False)
        self._disabled = [
            action
            for action in window.findChildren(QAction)
            if action.isEnabled() and not _inside(action, self.screen)
        ]
        for action in self._disabled:
            action.setEnabled(False)
        self.screen.cover()
        self.locked.emit()

    def _try_unlock(self, password: str) -> None:
        if self._checking:
            return
        if not password:
            self.screen.show_message("Type your password to unlock.", problem=True)
            return
        self._checking = True
        self.screen.set_busy(True)
        self._session.tasks.read(
            check_password,
            self._session,
            password,
            on_done=lambda _none: self._unlock(),
            on_error=self._refused,
            label="Checking the password…",
        )

    def _refused(self, exc: BaseException) -> None:
        self._checking = False
        self.screen.set_busy(False)
        self.screen.ui.password.clear()
        self.screen.ui.password.setFocus()
        if isinstance(exc, PermissionDenied):
            text = "Password not recognised. The desk stays locked."
        else:
            text = f"Could not check the password: {describe_error(exc)}"
        self.screen.show_message(text, problem=True)

    def _unlock(self) -> None:
        self._checking = False
        window = self._window
        self.screen.hide()
        self.screen.ui.password.clear()
        if (central := window.centralWidget()) is not None:
            central.show()
        window.menuBar().setEnabled(True)
        for action in self._disabled:
            if shiboken6.isValid(action):
                action.setEnabled(True)
        self._disabled = []
        window.setWindowTitle(self._title)
        for widget in self._hidden:
            if shiboken6.isValid(widget):
                widget.show()
        self._hidden = []
        if self._focus is not None and shiboken6.isValid(self._focus):
            self._focus.setFocus()
        self.watch.timer.start(self._period_ms)
        self.unlocked.emit()


def _inside(action: QAction, screen: QWidget) -> bool:
    # The password field's own actions (its context menu) must keep working on the lock.
    owner = action.parent()
    return isinstance(owner, QWidget) and (owner is screen or screen.isAncestorOf(owner))


def _belongs_to(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if parent is window:
            return True
        parent = parent.parentWidget()
    return False
