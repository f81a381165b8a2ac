"""The partner-agency inbox: only the rep's agency's work — checks, routed cases, actions."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mash_desk.domain.enums import Role
from mash_desk.gui.main_window import MainWindow
from mash_desk.gui.partner_inbox import (
    A_DUE,
    A_STATUS,
    COL_DUE,
    R_ACK,
    TAB_ACTIONS,
    TAB_ROUTED,
    PartnerInbox,
)
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import TaskRunner
from mash_desk.services.decisions import ActionInput
from mash_desk.services.routing import RoutingInput
from tests.services.test_checks import ask, make_referral
from tests.services.test_decisions import details
from tests.services.test_routing import completed

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


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
    qtbot.waitUntil(lambda: inbox.title.text() == "Work for Police")
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


# ---- routed cases and actions ----------------------------------------------------------------

SUMMARY = "Mum agrees to a health-led plan; school nurse already involved; no police concerns."


@pytest.fixture
def health_rep(gui_desk):
    return gui_desk.users.create(
        gui_desk.users.system_actor(),
        username="test.health.rep",
        display_name="Hana Health",
        role=Role.PARTNER,
        agency_code="health",
        password=None,
        team=None,
    ).value


@pytest.fixture
def health_work(gui_desk, gui_actors, health_rep):
    """Two children routed to health; a signed decision with a health and a police action."""
    p = gui_actors["practitioner"]
    ola = make_referral(gui_desk, p, "red", given="Ola", family="Brook")
    rex = make_referral(gui_desk, p, "amber", given="Rex", family="Dale")
    draft = gui_desk.decisions.draft(
        p,
        ola.id,
        details(
            actions=(
                ActionInput("Health visitor home visit", date(2026, 11, 19), "health"),
                ActionInput("Check the police national computer", date(2026, 11, 17), "police"),
            )
        ),
    ).value
    decision = gui_desk.decisions.sign(gui_actors["manager"], draft.id, draft.version).value
    routings = []
    for referral in (ola, rex):
        made = gui_desk.routing.create(
            p,
            referral.person_id,
            RoutingInput(
                "transfer",
                "health",
                "Health needs lead this plan",
                2,
                SUMMARY,
                level_before=3,
                family_consent=True,
                from_agency="social_care",
            ),
        ).value
        routings.append(completed(gui_desk, p, made))
    return decision, routings


def shown_inbox(qtbot, session):
    inbox = PartnerInbox(session)
    qtbot.addWidget(inbox)
    inbox.resize(1400, 700)
    inbox.show()
    qtbot.waitExposed(inbox)
    inbox.activateWindow()
    return inbox


def test_health_rep_acknowledges_rejects_and_works_an_action_by_keyboard(
    qtbot, gui_desk, gui_actors, health_rep, health_work
):
    decision, (ola_routing, rex_routing) = health_work
    tasks = TaskRunner()
    session = DeskSession(gui_desk, health_rep, tasks, database_label="test")
    inbox = shown_inbox(qtbot, session)
    qtbot.waitUntil(lambda: len(inbox.routings) == 2 and len(inbox.action_items) == 1)
    settle(qtbot, session)
    titles = [inbox.sections.tabText(i) for i in range(3)]
    assert titles == ["Requests (0)", "Routed cases (2 · ⚠ 2 new)", "Actions (1)"]
    assert not inbox.sections.tabIcon(TAB_ROUTED).isNull()  # an icon as well as the words

    inbox.table.setFocus()
    press(qtbot, Qt.Key.Key_2, ALT)
    assert inbox.sections.currentIndex() == TAB_ROUTED
    assert QApplication.focusWidget() is inbox.routed_table
    assert inbox.routed_table.item(0, R_ACK).text() == "NEW\nnot acknowledged"
    assert not inbox.routed_table.item(0, R_ACK).icon().isNull()
    inbox.routed_table.setCurrentCell(0, 0)
    with qtbot.waitSignal(inbox.routing_changed, timeout=15_000):
        press(qtbot, Qt.Key.Key_A)  # one key acknowledges
    settle(qtbot, session)
    qtbot.waitUntil(lambda: inbox.routings[0].id == rex_routing.id)  # unacknowledged first
    assert "1 new" in inbox.sections.tabText(TAB_ROUTED)
    assert gui_desk.routing.get(gui_actors["manager"], ola_routing.id).acknowledged_by == (
        "Hana Health"
    )
    assert inbox.routed_table.item(1, R_ACK).text() == "Hana Health\n17 Nov 10:00"

    inbox.routed_table.setFocus()
    inbox.routed_table.setCurrentCell(0, 0)
    press(qtbot, Qt.Key.Key_Return)  # open Rex: the whole handover, logged as a view
    settle(qtbot, session)
    qtbot.waitUntil(lambda: inbox.opened_routing is not None)
    text = inbox.routed_detail.text()
    for expected in (
        "Rex DALE",
        SUMMARY,
        "level 3 → level 2",
        "Family consent: given",
        "Family: Mother, by phone",
        "Not yet acknowledged",
    ):
        assert expected in text
    assert QApplication.focusWidget() is inbox.routed_reason
    inbox.grab().save("/tmp/partner-inbox-routed.png")

    press(qtbot, Qt.Key.Key_J, ALT)  # reject without a reason: the message is at the field
    settle(qtbot, session)
    qtbot.waitUntil(lambda: bool(inbox.routed_reason_message.message))
    assert "Reason for rejecting is required" in inbox.routed_reason_message.message
    qtbot.keyClicks(inbox.routed_reason, "Already open to our community paediatrics team")
    with qtbot.waitSignal(inbox.routing_changed, timeout=15_000):
        press(qtbot, Qt.Key.Key_J, ALT)
    settle(qtbot, session)
    qtbot.waitUntil(lambda: [r.id for r in inbox.routings] == [ola_routing.id])
    assert [r.id for r in gui_desk.routing.returned(gui_actors["practitioner"])] == [rex_routing.id]
    assert not inbox.routed_reason_message.isVisible()

    press(qtbot, Qt.Key.Key_3, ALT)
    assert QApplication.focusWidget() is inbox.actions_table
    inbox.actions_table.setCurrentCell(0, 0)
    (item,) = inbox.action_items
    assert (item.description, item.owner_agency) == ("Health visitor home visit", "health")
    assert inbox.actions_table.item(0, A_DUE).text() == "Thu 19 Nov\ndue in 2 days"
    inbox.action_note.setFocus()
    press(qtbot, Qt.Key.Key_Return, CTRL)  # an empty note: the message is at the field
    settle(qtbot, session)
    qtbot.waitUntil(lambda: bool(inbox.action_note_message.message))
    assert inbox.action_note_message.message == "Progress note is required"
    qtbot.keyClicks(inbox.action_note, "Visit booked for Thursday 10:00")
    with qtbot.waitSignal(inbox.action_changed, timeout=15_000):
        press(qtbot, Qt.Key.Key_Return, CTRL)
    settle(qtbot, session)
    qtbot.waitUntil(lambda: bool(inbox.action_items and inbox.action_items[0].updates))
    assert "Hana Health: Visit booked for Thursday 10:00" in inbox.action_detail.text()
    inbox.grab().save("/tmp/partner-inbox-actions.png")

    inbox.action_note.setFocus()
    press(qtbot, Qt.Key.Key_O, ALT)  # not done without the reason
    settle(qtbot, session)
    qtbot.waitUntil(lambda: bool(inbox.action_note_message.message))
    assert "Why it was not done" in inbox.action_note_message.message
    qtbot.keyClicks(inbox.action_note, "Visited: baby well, mum coping, GP informed")
    with qtbot.waitSignal(inbox.action_changed, timeout=15_000):
        press(qtbot, Qt.Key.Key_E, ALT)  # close as done
    settle(qtbot, session)
    qtbot.waitUntil(lambda: inbox.action_items == ())
    assert inbox.sections.tabText(TAB_ACTIONS) == "Actions (0)"
    [version] = gui_desk.decisions.history(gui_actors["manager"], decision.referral_id)
    health_action = next(a for a in version.actions if a.owner_agency == "health")
    assert (health_action.status, health_action.closing_note) == (
        "done",
        "Visited: baby well, mum coping, GP informed",
    )
    inbox.show_closed_actions.setChecked(True)
    qtbot.waitUntil(lambda: len(inbox.action_items) == 1)
    settle(qtbot, session)
    assert not inbox.actions_table.item(0, A_STATUS).icon().isNull()
    assert not inbox.done_button.isEnabled()  # closed is final
    assert tasks.wait(30_000)


def test_police_rep_sees_none_of_healths_routed_cases_or_actions(
    qtbot, police_session, health_work, clock
):
    from datetime import timedelta

    clock.advance(timedelta(days=1))  # Wednesday: police's Tuesday action is overdue
    inbox = shown_inbox(qtbot, police_session)
    qtbot.waitUntil(lambda: len(inbox.action_items) == 1)
    settle(qtbot, police_session)
    assert inbox.routings == ()
    assert inbox.sections.tabText(TAB_ROUTED) == "Routed cases (0)"
    (item,) = inbox.action_items
    assert item.owner_agency == "police"
    due = inbox.actions_table.item(0, A_DUE)
    assert due.text() == "OVERDUE: Tue 17 Nov\noverdue by 1 day" and not due.icon().isNull()
    assert inbox.sections.tabText(TAB_ACTIONS) == "Actions (1 · ⚠ 1 overdue)"
    assert not inbox.sections.tabIcon(TAB_ACTIONS).isNull()
    inbox.sections.setCurrentIndex(TAB_ACTIONS)
    inbox.grab().save("/tmp/partner-inbox-police-actions.png")


def test_inbox_refreshes_when_a_routing_is_handed_over(
    qtbot, gui_desk, gui_actors, health_rep, health_work
):
    tasks = TaskRunner()
    session = DeskSession(gui_desk, health_rep, tasks, database_label="test")
    inbox = shown_inbox(qtbot, session)
    qtbot.waitUntil(lambda: len(inbox.routings) == 2)
    p = gui_actors["practitioner"]
    sam = make_referral(gui_desk, p, "green", given="Sam", family="Ives")
    made = gui_desk.routing.create(
        p,
        sam.person_id,
        RoutingInput("transfer", "health", "Health lead", 2, SUMMARY, from_agency="social_care"),
    ).value
    done = completed(gui_desk, p, made)
    session.hub.announce(frozenset({"routings", f"routing:{done.id}"}))
    qtbot.waitUntil(lambda: len(inbox.routings) == 3)
    assert "3 · ⚠ 3 new" in inbox.sections.tabText(TAB_ROUTED)
    # The buttons act on the selected child, so another child's handover is never left shown.
    inbox.sections.setCurrentIndex(TAB_ROUTED)
    inbox.open_routing_row(0)
    qtbot.waitUntil(lambda: inbox.opened_routing is not None)
    assert inbox.opened_routing.child_name in inbox.routed_detail.text()
    inbox.routed_table.setCurrentCell(1, 0)
    assert inbox.opened_routing is None
    assert "Press Enter" in inbox.routed_detail.text()
    assert tasks.wait(30_000)


def test_the_inbox_tab_order_runs_from_each_list_into_its_detail(qtbot, qtlog, police_session):
    """Tab from a list reaches its detail: Qt drops an order set across two windows.

    Each tab's detail box used to be ordered after its list before the two shared a window,
    so Qt warned and kept its own order (keyboard users are this screen's main users).
    """
    inbox = PartnerInbox(police_session)
    qtbot.addWidget(inbox)
    settle(qtbot, police_session)
    assert [r.message for r in qtlog.records if "setTabOrder" in r.message] == []
    assert next_by_tab(inbox.table) is inbox.finding
    assert next_by_tab(inbox.routed_table) is inbox.routed_reason
    assert next_by_tab(inbox.actions_table) is inbox.action_note


def next_by_tab(widget):
    """The widget Tab moves to from ``widget`` (its own parts, such as a viewport, skipped)."""
    found = widget.nextInFocusChain()
    while found is not widget and (
        widget.isAncestorOf(found) or not found.focusPolicy() & Qt.FocusPolicy.TabFocus
    ):
        found = found.nextInFocusChain()
    return found
