"""The idle lock: a quiet desk locks itself, only the user's password opens it, work survives."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from mash_desk.domain.enums import Role
from mash_desk.domain.policy import default_policy
from mash_desk.gui.idle_lock import LOCKED_TITLE
from mash_desk.gui.main_window import MainWindow
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import TaskRunner
from mash_desk.services.desk import Desk
from mash_desk.synthetic.users import DEMO_PASSWORD
from tests.conftest import fresh_database_url

PASSWORD = "a long sign-in passphrase"
HALF_TYPED = "Class teacher says the child was hungry"


@pytest.fixture
def short_desk(templates, tmp_path: Path, clock) -> Iterator[Desk]:
    """A desk whose policy locks after half a minute of quiet (the file says 10 by default)."""
    policy = replace(default_policy(), idle_lock_minutes=0.5)
    desk = Desk.open(fresh_database_url("sqlite", templates, None, tmp_path), clock, policy)
    yield desk
    desk.close()


def _window(qtbot, desk: Desk, tmp_path: Path, *, demo: bool = False) -> MainWindow:
    actor = desk.users.create(
        desk.users.system_actor(),
        username="lock.practitioner",
        display_name="Lock Practitioner",
        role=Role.PRACTITIONER,
        agency_code="social_care",
        password=PASSWORD,
    ).value
    session = DeskSession(desk, actor, TaskRunner(), demo=demo, database_label="test")
    window = MainWindow(session, drafts_dir=tmp_path / "drafts")
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    # Window shortcuts (F12, Ctrl+Shift+F12) reach only the active window.
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    return window


def _type_password(qtbot, window: MainWindow, password: str) -> None:
    field = window.lock.screen.ui.password
    assert window.focusWidget() is field
    qtbot.keyClicks(field, password)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def _drain(window: MainWindow) -> None:
    assert window.session.tasks.wait(30_000)


def test_the_period_comes_from_the_policy(qtbot, short_desk, tmp_path):
    window = _window(qtbot, short_desk, tmp_path)
    assert window.lock.watch.timer.interval() == 30_000
    assert window.lock.watch.timer.isActive() and not window.lock.is_locked()
    _drain(window)


def test_input_restarts_the_idle_count(qtbot, short_desk, tmp_path):
    window = _window(qtbot, short_desk, tmp_path)
    timer = window.lock.watch.timer
    qtbot.waitUntil(lambda: timer.remainingTime() < 29_000, timeout=10_000)
    qtbot.keyClick(window.tabs, Qt.Key.Key_Shift)
    assert timer.remainingTime() > 29_500
    _drain(window)


def test_idle_desk_locks_and_only_the_users_password_brings_the_work_back(
    qtbot, short_desk, tmp_path
):
    window = _window(qtbot, short_desk, tmp_path)
    title = window.windowTitle()
    form = window.new_contact()
    form.ask_unsaved = lambda: "discard"  # when the test closes the window
    form.ui.concerns.setFocus()
    qtbot.keyClicks(form.ui.concerns, HALF_TYPED)
    # Drive the idle clock: the quiet half-minute is over at once.
    with qtbot.waitSignal(window.lock.locked, timeout=5_000):
        window.lock.watch.timer.start(1)
    assert window.lock.screen.isVisible() and not window.centralWidget().isVisible()
    assert window.windowTitle() == LOCKED_TITLE  # a child's name can be in the title
    assert not window.menuBar().isEnabled() and not window.new_contact_action.isEnabled()

    _type_password(qtbot, window, "not my password at all")
    message = window.lock.screen.ui.message
    qtbot.waitUntil(lambda: "not recognised" in message.text(), timeout=10_000)
    assert window.lock.is_locked() and not window.centralWidget().isVisible()
    assert window.lock.screen.ui.password.text() == ""

    with qtbot.waitSignal(window.lock.unlocked, timeout=10_000):
        _type_password(qtbot, window, PASSWORD)
    assert not window.lock.is_locked() and window.windowTitle() == title
    assert window.tabs.currentWidget() is form
    assert form.ui.concerns.toPlainText() == HALF_TYPED
    assert window.focusWidget() is form.ui.concerns
    assert window.new_contact_action.isEnabled()
    assert window.lock.watch.timer.isActive() and window.lock.watch.timer.interval() == 30_000
    _drain(window)


def test_empty_password_says_so_and_stays_locked(qtbot, short_desk, tmp_path):
    window = _window(qtbot, short_desk, tmp_path)
    window.lock.lock()
    _type_password(qtbot, window, "")
    assert "Type your password" in window.lock.screen.ui.message.text()
    assert window.lock.is_locked()
    _drain(window)


def test_f12_blinds_at_once_without_a_password_and_lock_now_locks(qtbot, short_desk, tmp_path):
    window = _window(qtbot, short_desk, tmp_path)
    qtbot.keyClick(window, Qt.Key.Key_F12)
    assert window.curtain.isVisible() and not window.lock.is_locked()
    qtbot.keyClick(window.curtain, Qt.Key.Key_F12)
    assert not window.curtain.isVisible()

    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_F12, modifiers)
    assert window.lock.is_locked()
    # F12 under the lock neither lifts it nor drops the curtain over it.
    qtbot.keyClick(window.lock.screen.ui.password, Qt.Key.Key_F12)
    assert window.lock.is_locked() and not window.curtain.isVisible()
    _drain(window)


def test_the_curtain_left_down_turns_into_the_lock(qtbot, short_desk, tmp_path):
    window = _window(qtbot, short_desk, tmp_path)
    window.toggle_privacy()
    with qtbot.waitSignal(window.lock.locked, timeout=5_000):
        window.lock.watch.timer.start(1)
    assert not window.curtain.isVisible() and window.lock.screen.isVisible()
    _drain(window)


def test_an_open_dialog_is_hidden_with_the_window_and_comes_back(qtbot, short_desk, tmp_path):
    window = _window(qtbot, short_desk, tmp_path)
    dialog = QDialog(window)
    dialog.setWindowTitle("Routing — Amira Hassan")
    dialog.open()
    qtbot.waitExposed(dialog)
    window.lock.lock()
    assert not dialog.isVisible()
    with qtbot.waitSignal(window.lock.unlocked, timeout=10_000):
        _type_password(qtbot, window, PASSWORD)
    assert dialog.isVisible()
    dialog.reject()
    _drain(window)


def test_the_demo_lock_states_its_password(qtbot, short_desk, tmp_path):
    window = _window(qtbot, short_desk, tmp_path, demo=True)
    window.lock.lock()
    note = window.lock.screen.ui.demoNote
    assert note.isVisible() and f"“{DEMO_PASSWORD}”" in note.text()
    with qtbot.waitSignal(window.lock.unlocked, timeout=10_000):
        _type_password(qtbot, window, DEMO_PASSWORD)
    _drain(window)
