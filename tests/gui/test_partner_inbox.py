"""The partner-agency inbox: only the rep's agency's checks; returns from the keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mash_desk.domain.enums import Role
from mash_desk.gui.main_window import MainWindow
from mash_desk.gui.partner_inbox import COL_DUE, PartnerInbox
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import TaskRunner
from tests.services.test_checks import ask, make_referral

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def police_session(qtbot, gui_desk, gui_actors):
    tasks = TaskRunner()
    s = DeskSession(gui_desk, gui_actors["police"], tasks, database_label="test")
    yield s
    assert tasks.wait(30_000)
    qtbot.wait(10)


def settle(qtbot, session):
    qtbot.waitUntil(lambda: session.tasks.busy == 0, timeout=15_000)


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    qtbot.keyClick(widget, key, modifier)


@pytest.fixture
def checks(gui_desk, gui_actors, clock):
    from datetime import timedelta

    p = gui_actors["practitioner"]
    red = make_referral(gui_desk, p, "red", given="Ola", family="Brook")
    amber = make_referral(gui_desk, p, "amber", given="Rex", family="Dale")
    ask(gui_desk, p, red, "police", "health")
    ask(gui_desk, p, amber, "police")
    clock.advance(timedelta(hours=3))  # the red check (2 h) is now overdue
    return red, amber


def test_inbox_shows_only_own_agency_and_returns_nothing_known_by_keyboard(
    qtbot, police_session, gui_desk, gui_actors, checks
):
    inbox = PartnerInbox(police_session)
    qtbot.addWidget(inbox)
    inbox.resize(1300, 600)
    inbox.show()
    qtbot.waitExposed(inbox)
    inbox.activateWindow()
    qtbot.waitUntil(lambda: len(inbox.items) == 2)
    assert {i.agency_code for i in inbox.items} == {"police"}
    assert [i.child_name for i in inbox.items] == ["Ola BROOK", "Rex DALE"]
    due = inbox.table.item(0, COL_DUE)
    assert due.text().startswith("OVERDUE") and not due.icon().isNull()
    assert "1 overdue" in inbox.status.text()
    inbox.grab().save("/tmp/partner_inbox_list.png")

    inbox.table.setFocus()
    inbox.table.setCurrentCell(0, 0)
    press(qtbot, Qt.Key.Key_Return)  # Enter opens the selected check
    settle(qtbot, police_session)
    qtbot.waitUntil(lambda: inbox.opened is not None)
    assert "NHS number" in inbox.detail.text() and "Ola BROOK" in inbox.detail.text()
    assert QApplication.focusWidget() is inbox.finding

    press(qtbot, Qt.Key.Key_Return, CTRL)  # an empty finding: the message is at the field
    settle(qtbot, police_session)
    qtbot.waitUntil(lambda: bool(inbox.finding_message.message))
    assert "nothing known" in inbox.finding_message.message
    inbox.grab().save("/tmp/partner_inbox.png")

    with qtbot.waitSignal(inbox.returned, timeout=15_000):
        press(qtbot, Qt.Key.Key_N, ALT)
    settle(qtbot, police_session)
    qtbot.waitUntil(lambda: len(inbox.items) == 1)
    assert "Nothing known" in inbox.detail.text()
    red, _amber = checks
    (police_check, health_check) = sorted(
        gui_desk.checks.for_referral(gui_actors["practitioner"], red.id).checks,
        key=lambda c: c.agency_code != "police",
    )
    assert (police_check.status, police_check.nothing_known) == ("returned", True)
    assert health_check.status == "requested"


def test_partner_home_tab_is_the_inbox(qtbot, police_session, gui_desk, checks):
    window = MainWindow(police_session)
    qtbot.addWidget(window)
    assert isinstance(window.tabs.widget(0), PartnerInbox)
    assert window.queue is None
    assert "&Meeting" not in [a.text() for a in window.menuBar().actions()]
    window.next_in_queue()  # harmless without a queue
    qtbot.waitUntil(lambda: len(window.tabs.widget(0).items) == 2)
    settle(qtbot, police_session)


def test_a_health_rep_sees_health_checks_only(qtbot, gui_desk, gui_actors, checks):
    system = gui_desk.users.system_actor()
    health = gui_desk.users.create(
        system,
        username="test.health",
        display_name="Test Health",
        role=Role.PARTNER,
        agency_code="health",
        password=None,
        team=None,
    ).value
    tasks = TaskRunner()
    inbox = PartnerInbox(DeskSession(gui_desk, health, tasks, database_label="test"))
    qtbot.addWidget(inbox)
    qtbot.waitUntil(lambda: len(inbox.items) == 1)
    assert inbox.items[0].agency_code == "health" and inbox.items[0].child_name == "Ola BROOK"
    assert tasks.wait(30_000)
