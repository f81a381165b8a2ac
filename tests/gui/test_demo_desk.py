"""The demo desk: clearly labelled, and the Demo menu switches role without losing work."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction

from mash_desk.gui.app import DemoDesk
from mash_desk.gui.main_window import MainWindow
from mash_desk.synthetic import ensure_demo_users


def menu_action(window: MainWindow, text: str) -> QAction:
    for action in window.actions():
        if action.text() == text:
            return action
    raise AssertionError(f"no action {text!r}")


def test_demo_menu_switches_role_and_asks_about_unsaved_work(qtbot, gui_desk, tmp_path: Path):
    ensure_demo_users(gui_desk.db)
    windows: list[MainWindow] = []

    def show(session, switch):
        window = MainWindow(session, switch_role=switch, drafts_dir=tmp_path / "drafts")
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    demo = DemoDesk(gui_desk, show)
    first = demo.open_as("demo.practitioner")
    assert first is not None and "MASH practitioner" in first.windowTitle()
    assert first.windowTitle().startswith("[DEMO]") and first.banner.isVisible()

    form = first.new_contact()
    form.ui.concerns.setPlainText("Half-typed contact")
    qtbot.waitUntil(form.has_unsaved_work, timeout=3000)
    form.ask_unsaved = lambda: "cancel"
    menu_action(first, "Sign in as Team manager").trigger()
    assert demo.window is first and len(windows) == 1  # cancelled: still the practitioner

    form.ask_unsaved = lambda: "discard"
    menu_action(first, "Sign in as Team manager").trigger()
    second = demo.window
    assert second is not first and "Team / service manager" in second.windowTitle()
    assert second.session.actor.username == "demo.manager"
    assert not first.isVisible()
    demo.tasks.wait(10_000)
