"""The demo desk: clearly labelled, and the Demo menu switches role without losing work."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QAction

from mash_desk.gui.app import DemoDesk
from mash_desk.gui.main_window import MainWindow
from mash_desk.synthetic import ensure_demo_users, generate
from mash_desk.synthetic.users import DEMO_ROLES, DEMO_USERS
from tests.conftest import NOW


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


def _demo(qtbot, desk, tmp_path: Path) -> DemoDesk:
    # Not handed to qtbot: the demo desk deletes the window it replaces by itself.
    def show(session, switch):
        window = MainWindow(session, switch_role=switch, drafts_dir=tmp_path / "drafts")
        window.show()
        return window

    return DemoDesk(desk, show)


def test_every_role_and_every_partner_agency_is_in_the_demo_menu(qtbot, gui_desk, tmp_path):
    ensure_demo_users(gui_desk.db)
    demo = _demo(qtbot, gui_desk, tmp_path)
    window = demo.open_as("demo.practitioner")
    offered = {username for username, _label in DEMO_ROLES}
    agencies = {a.code for a in gui_desk.reference.agencies(window.session.actor)}
    users = {u.username: u for u in DEMO_USERS}
    assert {users[name].agency for name in offered} == agencies
    assert {users[name].role for name in offered} == {u.role for u in DEMO_USERS}
    for _username, label in DEMO_ROLES:
        assert menu_action(window, f"Sign in as {label}").isEnabled()
    demo.tasks.wait(10_000)
    window.close()


@pytest.mark.parametrize(
    "label, agency", [("Police partner", "police"), ("Health partner", "health")]
)
def test_police_and_health_reps_have_work_in_every_inbox_tab_today(
    qtbot, gui_desk, tmp_path, label, agency
):
    ensure_demo_users(gui_desk.db)
    generate(gui_desk.db, years=0.1, seed=11, end=NOW)
    demo = _demo(qtbot, gui_desk, tmp_path)
    first = demo.open_as("demo.practitioner")
    menu_action(first, f"Sign in as {label}").trigger()
    window = demo.window
    assert window.session.actor.agency_code == agency
    inbox = window.inbox
    qtbot.waitUntil(
        lambda: bool(inbox.items and inbox.routings and inbox.action_items), timeout=20_000
    )
    tabs = [inbox.sections.tabText(i) for i in range(inbox.sections.count())]
    assert [t.split(" (")[0] for t in tabs] == ["Requests", "Routed cases", "Actions"]
    assert all(" (0" not in t for t in tabs), tabs
    assert inbox.table.rowCount() and inbox.routed_table.rowCount()
    assert inbox.actions_table.rowCount()
    demo.tasks.wait(10_000)
    window.close()
