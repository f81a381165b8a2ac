"""The partner inbox with closed work shown: newest closed first, a page at a time (issue 16).

Pages are two items here (``ClosedFooter.page``) so that a few closed items make two pages;
the desk's own page is ``services.dto.CLOSED_PAGE``.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from mash_desk.gui.partner_inbox import TAB_ACTIONS, TAB_REQUESTS, TAB_ROUTED
from mash_desk.gui.partner_inbox_parts import ClosedFooter
from mash_desk.services.decisions import ActionInput
from tests.gui.conftest import session_as
from tests.gui.test_partner_inbox import settle, shown_inbox
from tests.services.test_checks import ask, make_referral
from tests.services.test_decisions import details
from tests.services.test_routing import completed, down, partner

PAGE = 2


@pytest.fixture
def police_history(gui_desk, gui_actors, clock):
    """One open police action and three closed, an hour apart; the same for checks."""
    p, police = gui_actors["practitioner"], gui_actors["police"]
    referral = make_referral(gui_desk, p, "red", given="Ola", family="Brook")
    wanted = [ActionInput(f"Action {n}", date(2026, 11, 19), "police") for n in "ABC"]
    wanted.append(ActionInput("Still to do", date(2026, 11, 20), "police"))
    draft = gui_desk.decisions.draft(p, referral.id, details(actions=tuple(wanted))).value
    gui_desk.decisions.sign(gui_actors["manager"], draft.id, draft.version)
    actions = {a.description: a for a in gui_desk.actions.inbox(police)}
    checks = [
        ask(gui_desk, p, make_referral(gui_desk, p, "amber", given=name, family="Dale"), "police")[
            0
        ]
        for name in ("Ada", "Ben", "Cat", "Dot")
    ]
    for n in range(3):
        clock.advance(timedelta(hours=1))
        action = actions[f"Action {'ABC'[n]}"]
        gui_desk.actions.close(police, action.id, action.version, True, "Done")
        gui_desk.checks.return_findings(police, checks[n].id, checks[n].version, nothing_known=True)
    return checks


def test_closed_actions_newest_first_and_a_page_more_on_request(
    qtbot, police_session, police_history, monkeypatch
):
    monkeypatch.setattr(ClosedFooter, "page", PAGE)
    inbox = shown_inbox(qtbot, police_session)
    inbox.sections.setCurrentIndex(TAB_ACTIONS)
    qtbot.waitUntil(lambda: len(inbox.action_items) == 1)
    footer = inbox.closed_actions
    assert not footer.isVisible()  # open work only: nothing said about closed work

    inbox.show_closed_actions.setChecked(True)
    qtbot.waitUntil(lambda: len(inbox.action_items) == 3)
    settle(qtbot, police_session)
    assert [inbox.actions_table.item(r, 2).text() for r in range(3)] == [
        "Still to do",
        "Action C",  # closed last, listed first
        "Action B",
    ]
    assert footer.note.text() == "Showing the latest 2 closed actions, newest first."
    assert footer.more.isVisible() and footer.more.text() == "Show 2 older"

    qtbot.mouseClick(footer.more, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(inbox.action_items) == 4)
    settle(qtbot, police_session)
    assert inbox.actions_table.item(3, 2).text() == "Action A"
    assert inbox.actions_table.currentRow() == 3  # the reader carries on at the older one
    assert footer.note.text() == "Showing all 3 closed actions, newest first."
    assert not footer.more.isVisible()
    assert inbox.sections.tabText(TAB_ACTIONS) == "Actions (1)"  # open work counted only

    inbox.refresh_actions()  # a change elsewhere reloads as much as is shown
    settle(qtbot, police_session)
    assert [i.description for i in inbox.action_items][-1] == "Action A"

    inbox.show_closed_actions.setChecked(False)
    qtbot.waitUntil(lambda: len(inbox.action_items) == 1)
    assert not footer.isVisible()


def test_returned_checks_newest_first_and_a_page_more_on_request(
    qtbot, police_session, police_history, monkeypatch
):
    ada, ben, cat, dot = police_history
    monkeypatch.setattr(ClosedFooter, "page", PAGE)
    inbox = shown_inbox(qtbot, police_session)
    qtbot.waitUntil(lambda: len(inbox.items) == 1)

    inbox.show_closed.setChecked(True)
    qtbot.waitUntil(lambda: len(inbox.items) == 3)
    settle(qtbot, police_session)
    assert [i.id for i in inbox.items] == [dot.id, cat.id, ben.id]
    assert inbox.table.item(1, 0).text() == "Cat DALE"
    footer = inbox.closed_checks
    assert footer.note.text() == (
        "Showing the latest 2 returned or withdrawn checks, newest first."
    )

    qtbot.mouseClick(footer.more, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(inbox.items) == 4)
    settle(qtbot, police_session)
    assert [i.id for i in inbox.items] == [dot.id, cat.id, ben.id, ada.id]
    assert inbox.table.item(3, 0).text() == "Ada DALE"
    assert footer.note.text() == "Showing all 3 returned or withdrawn checks, newest first."
    assert not footer.more.isVisible()
    assert inbox.status.text() == "1 open check(s)"
    assert inbox.sections.tabText(TAB_REQUESTS) == "Requests (1)"


@pytest.fixture
def early_session(qtbot, gui_desk):
    """A rep of Early Support, the service most step-downs go to."""
    yield from session_as(qtbot, gui_desk, partner(gui_desk, "early_support"))


def test_answered_routings_newest_first_and_a_page_more_on_request(
    qtbot, gui_desk, gui_actors, early_session, clock, monkeypatch
):
    p, early = gui_actors["practitioner"], early_session.actor
    routed = []
    for given in ("Ada", "Ben", "Cat", "Dot"):
        child = make_referral(gui_desk, p, "amber", given=given, family="Fenn")
        routed.append(
            completed(gui_desk, p, gui_desk.routing.create(p, child.person_id, down()).value)
        )
    for routing in routed[:3]:
        clock.advance(timedelta(hours=1))
        gui_desk.routing.respond(early, routing.id, routing.version, True, None)
    monkeypatch.setattr(ClosedFooter, "page", PAGE)
    inbox = shown_inbox(qtbot, early_session)
    inbox.sections.setCurrentIndex(TAB_ROUTED)
    qtbot.waitUntil(lambda: len(inbox.routings) == 1)
    footer = inbox.answered_routings
    assert not footer.isVisible()  # waiting routings only: nothing said about answered ones

    inbox.show_answered.setChecked(True)
    qtbot.waitUntil(lambda: len(inbox.routings) == 3)
    settle(qtbot, early_session)
    names = [inbox.routed_table.item(r, 0).text() for r in range(3)]
    assert names == ["Dot FENN", "Cat FENN", "Ben FENN"]  # waiting, then the newest answer
    assert footer.note.text() == "Showing the latest 2 answered routings, newest first."

    qtbot.mouseClick(footer.more, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(inbox.routings) == 4)
    settle(qtbot, early_session)
    assert inbox.routed_table.item(3, 0).text() == "Ada FENN"
    assert inbox.routed_table.currentRow() == 3  # the reader carries on at the older one
    assert footer.note.text() == "Showing all 3 answered routings, newest first."
    assert not footer.more.isVisible()
    assert inbox.routed_status.text() == "1 waiting for your answer · ⚠ 1 not yet acknowledged"
