"""Meeting mode when someone else drafted or amended the decision first (issue 13, item 7).

The chair's form was opened before the other person saved; the chair's save is refused with a
message naming who got there first, what the chair typed stays in the form, and the history
shows the other person's version.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from mash_desk.gui.meeting_mode import MeetingMode
from tests.gui.test_meeting_mode import L3, settle, show, signed_latest, type_into
from tests.services.test_checks import make_referral
from tests.services.test_decisions import details
from tests.services.test_meetings import quorate

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
MINE = "Chair's own view: the unborn baby's needs call for a statutory assessment."


def open_meeting(qtbot, chair_session, desk, chair):
    """Today's quorate meeting with one amber child, open in meeting mode on that child."""
    referral = make_referral(desk, chair, "amber", given="Ivy", family="Moss")
    meeting = desk.meetings.create_today(chair).value
    quorate(desk, chair, meeting.id)
    mode = MeetingMode(chair_session)
    show(qtbot, mode)
    qtbot.waitUntil(lambda: mode.meeting is not None and mode.item is not None)
    qtbot.waitUntil(lambda: mode.document is not None and mode.level_box.count() > 1)
    settle(qtbot, chair_session)
    return mode, referral, meeting


def fill_form(qtbot, mode):
    mode.outcome_box.setCurrentIndex(mode.outcome_box.findData("single_assessment_s17"))
    mode.set_ticked(L3)
    type_into(qtbot, mode.rationale, MINE)
    type_into(qtbot, mode.team_edit, "First Response Team")


def test_second_drafter_keeps_their_text_and_sees_who_is_drafting(
    qtbot, chair_session, gui_desk, gui_actors
):
    chair, other = gui_actors["chair"], gui_actors["practitioner2"]
    mode, referral, meeting = open_meeting(qtbot, chair_session, gui_desk, chair)
    assert mode.latest() is None and mode.history_label.text() == "No decision yet."
    fill_form(qtbot, mode)
    # Saved by a colleague at another desk after the chair's form was opened.
    gui_desk.decisions.draft(other, referral.id, details(rationale="Colleague's draft"), meeting.id)

    qtbot.keyClick(mode.rationale, Qt.Key.Key_S, CTRL)
    settle(qtbot, chair_session)
    qtbot.waitUntil(lambda: bool(mode.messages["decision"].message))
    message = mode.messages["decision"].message
    assert f"{other.display_name} is already drafting this decision" in message
    assert "10:00 on 17/11/2026" in message
    assert mode.status_label.text() == f"⚠ {message} What you typed is still in the form."
    # Their draft is shown; the chair's words are still in the form, not replaced by it.
    qtbot.waitUntil(lambda: "Version 1 · draft" in mode.history_label.text())
    assert "Colleague's draft" in mode.history_label.text()
    assert mode.rationale.toPlainText() == MINE
    assert mode.team_edit.text() == "First Response Team"


def test_second_amender_keeps_their_text_and_sees_who_amended(
    qtbot, chair_session, gui_desk, gui_actors
):
    chair, manager = gui_actors["chair"], gui_actors["manager"]
    referral = make_referral(gui_desk, chair, "amber", given="Ivy", family="Moss")
    meeting = gui_desk.meetings.create_today(chair).value
    quorate(gui_desk, chair, meeting.id)
    d = gui_desk.decisions.draft(chair, referral.id, details(), meeting.id).value
    first = gui_desk.decisions.sign(chair, d.id, d.version).value
    mode = MeetingMode(chair_session)
    show(qtbot, mode)
    qtbot.waitUntil(lambda: mode.meeting is not None and mode.document is not None)
    settle(qtbot, chair_session)
    qtbot.waitUntil(lambda: signed_latest(mode))
    type_into(qtbot, mode.rationale, MINE)
    type_into(qtbot, mode.amend_reason, "Health returned a disclosure")
    # The manager amends the same version from their own desk first.
    gui_desk.decisions.amend(manager, first.id, first.version, details(), "Police rang")

    qtbot.keyClick(mode.amend_reason, Qt.Key.Key_A, CTRL | SHIFT)
    settle(qtbot, chair_session)
    qtbot.waitUntil(lambda: bool(mode.messages["reason"].message))
    message = mode.messages["reason"].message
    assert f"This decision was amended by {manager.display_name} at 10:00" in message
    qtbot.waitUntil(lambda: "Version 2 · signed" in mode.history_label.text())
    assert "amends version 1: Police rang" in mode.history_label.text()
    assert mode.rationale.toPlainText() == MINE
    assert mode.amend_reason.text() == "Health returned a disclosure"
