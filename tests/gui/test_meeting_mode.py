"""Meeting mode: the chair runs a whole meeting from the keyboard."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mash_desk.gui.main_window import MainWindow
from mash_desk.gui.meeting_mode import MeetingMode
from tests.services.test_checks import ask, make_referral

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
L3 = "l3-pregnant-young-person"


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    qtbot.keyClick(widget, key, modifier)


def settle(qtbot, session):
    qtbot.waitUntil(lambda: session.tasks.busy == 0, timeout=15_000)


def show(qtbot, widget):
    qtbot.addWidget(widget)
    widget.resize(1400, 950)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()


def type_into(qtbot, widget, text):
    widget.setFocus()
    widget.clear() if hasattr(widget, "clear") else None
    qtbot.keyClicks(widget, text)


def attend(qtbot, mode, session, code, name):
    mode.agency_box.setCurrentIndex(mode.agency_box.findData(code))
    press(qtbot, Qt.Key.Key_T, CTRL)
    assert QApplication.focusWidget() is mode.attendee_edit
    qtbot.keyClicks(mode.attendee_edit, name)
    press(qtbot, Qt.Key.Key_Return)
    settle(qtbot, session)


def signed_latest(mode):
    latest = mode.latest()
    return latest is not None and latest.status == "signed"


def test_chair_runs_a_whole_meeting(qtbot, chair_session, gui_desk, gui_actors):
    desk, p, chair = gui_desk, gui_actors["practitioner"], gui_actors["chair"]
    referrals = [
        make_referral(desk, p, "amber", given="Ava", family="Stone"),
        make_referral(desk, p, "green", given="Ben", family="Marsh"),
        make_referral(desk, p, "amber", given="Cai", family="Rowe"),
        make_referral(desk, p, "green", given="Dee", family="Fenn"),
    ]
    (check,) = ask(desk, p, referrals[0], "police")
    desk.checks.return_findings(gui_actors["police"], check.id, check.version, nothing_known=True)

    mode = MeetingMode(chair_session)
    show(qtbot, mode)
    qtbot.waitUntil(lambda: mode.meeting is not None and mode.agency_box.count() > 0)
    qtbot.waitUntil(lambda: mode.document is not None and mode.level_box.count() > 1)
    settle(qtbot, chair_session)
    assert len(mode.meeting.agenda) == 4
    assert mode.progress_label.text().endswith("Case 1 of 4 · 0 decided · 0 deferred")
    assert "Not quorate" in mode.quorum_label.text()

    # Without quorum a decision waits; the message is at the quorum field.
    mode.agenda_list.setFocus()
    for code, name in (("social_care", "Sam Social"), ("police", "PC Pat Lane")):
        attend(qtbot, mode, chair_session, code, name)
    assert "Health (GP, midwifery, health visiting, school nursing) not present" in (
        mode.quorum_label.text()
    )
    press(qtbot, Qt.Key.Key_Q, CTRL | SHIFT)
    settle(qtbot, chair_session)
    assert "Reason for deciding without quorum" in mode.messages["quorum"].message
    attend(qtbot, mode, chair_session, "health", "Hana Health")
    assert "✔ Quorate" in mode.quorum_label.text()

    # Case 1: single assessment, signed with Ctrl+Enter.
    first = mode.item
    qtbot.waitUntil(lambda: "Nothing known" in mode.checks_label.text())
    qtbot.waitUntil(lambda: mode.summary_label.text() not in ("", "Loading…"))
    mode.grab().save("/tmp/meeting_mode.png")
    mode.outcome_box.setCurrentIndex(mode.outcome_box.findData("single_assessment_s17"))
    mode.set_ticked(L3)
    assert "Level 3" in mode.suggestion_label.text()
    type_into(qtbot, mode.rationale, "Unmet needs need a statutory assessment.")
    press(qtbot, Qt.Key.Key_Return, CTRL)  # team missing: message at the field
    settle(qtbot, chair_session)
    qtbot.waitUntil(lambda: bool(mode.messages["allocated_team"].message))
    type_into(qtbot, mode.team_edit, "First Response Team")
    mode.pathway_boxes["health_notification"].setChecked(True)
    mode.action_owner.setCurrentIndex(mode.action_owner.findData("agency:health"))
    type_into(qtbot, mode.action_text, "Notify the GP")
    press(qtbot, Qt.Key.Key_Return)
    assert mode.action_list.count() == 1
    mode.team_edit.setFocus()
    press(qtbot, Qt.Key.Key_Return, CTRL)
    settle(qtbot, chair_session)
    qtbot.waitUntil(lambda: mode.item.referral_id != first.referral_id)
    assert "1 decided" in mode.progress_label.text()

    # Back to case 1 (Alt+Left): police dissent, then an amendment.
    press(qtbot, Qt.Key.Key_Left, ALT)
    assert mode.item.referral_id == first.referral_id
    settle(qtbot, chair_session)
    qtbot.waitUntil(lambda: signed_latest(mode))
    mode.dissent_agency.setCurrentIndex(mode.dissent_agency.findData("police"))
    type_into(qtbot, mode.dissent_reason, "Police consider s47 threshold met.")
    press(qtbot, Qt.Key.Key_D, CTRL | SHIFT)
    settle(qtbot, chair_session)
    qtbot.waitUntil(lambda: "Dissent recorded for police" in mode.status_label.text())
    mode.outcome_box.setCurrentIndex(mode.outcome_box.findData("strategy_discussion_s47"))
    press(qtbot, Qt.Key.Key_A, CTRL | SHIFT)  # no reason yet
    settle(qtbot, chair_session)
    assert "Reason for the amendment" in mode.messages["reason"].message
    qtbot.keyClicks(mode.amend_reason, "Police information changes the risk picture.")
    press(qtbot, Qt.Key.Key_A, CTRL | SHIFT)
    settle(qtbot, chair_session)
    qtbot.waitUntil(lambda: mode.latest() is not None and mode.latest().revision == 2)
    assert "Version 2" in mode.history_label.text()
    assert "amends version 1" in mode.history_label.text()

    # Case 2 (Alt+Right): NFA at level 1 with a rationale, drafted first, then signed.
    press(qtbot, Qt.Key.Key_Right, ALT)
    second = mode.item
    settle(qtbot, chair_session)
    mode.outcome_box.setCurrentIndex(mode.outcome_box.findData("nfa"))
    mode.level_box.setCurrentIndex(mode.level_box.findData(1))
    type_into(qtbot, mode.level_rationale, "School support resolves the concern.")
    type_into(qtbot, mode.rationale, "No further action: needs met by universal services.")
    press(qtbot, Qt.Key.Key_S, CTRL)
    settle(qtbot, chair_session)
    qtbot.waitUntil(lambda: mode.latest() is not None and mode.latest().status == "draft")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    settle(qtbot, chair_session)
    qtbot.waitUntil(lambda: mode.item.referral_id != second.referral_id)

    # Case 3: deferred with its reason (Ctrl+D twice: first the reason is asked for).
    third = mode.item
    press(qtbot, Qt.Key.Key_D, CTRL)
    settle(qtbot, chair_session)
    assert "Reason for deferring" in mode.messages["defer"].message
    assert QApplication.focusWidget() is mode.defer_reason
    qtbot.keyClicks(mode.defer_reason, "Education check still awaited.")
    press(qtbot, Qt.Key.Key_Return)
    settle(qtbot, chair_session)
    qtbot.waitUntil(lambda: mode.item.referral_id != third.referral_id)

    # Case 4: step down, signed.
    fourth = mode.item
    settle(qtbot, chair_session)
    mode.outcome_box.setCurrentIndex(mode.outcome_box.findData("step_down_early_help"))
    mode.level_box.setCurrentIndex(mode.level_box.findData(2))
    type_into(qtbot, mode.level_rationale, "Additional needs, family consents to early help.")
    type_into(qtbot, mode.rationale, "Early help assessment with the family's consent.")
    type_into(qtbot, mode.inform_family, "Mother by phone")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    settle(qtbot, chair_session)
    qtbot.waitUntil(lambda: "3 decided · 1 deferred" in mode.progress_label.text())
    assert "sign off the meeting" in mode.status_label.text()
    mode.grab().save("/tmp/meeting_mode_end.png")

    with qtbot.waitSignal(mode.signed_off, timeout=15_000):
        press(qtbot, Qt.Key.Key_O, CTRL | SHIFT)
    settle(qtbot, chair_session)
    assert "SIGNED OFF" in mode.progress_label.text()

    # Everything is stored, as the services tell it.
    meeting = desk.meetings.get(chair, mode.meeting.id)
    assert meeting.signed_off_at is not None
    statuses = {i.referral_id: i.status for i in meeting.agenda}
    assert statuses == {
        first.referral_id: "decided",
        second.referral_id: "decided",
        third.referral_id: "deferred",
        fourth.referral_id: "decided",
    }
    history = desk.decisions.history(chair, first.referral_id)
    assert [(d.revision, d.status, d.outcome) for d in history] == [
        (1, "signed", "single_assessment_s17"),
        (2, "signed", "strategy_discussion_s47"),
    ]
    assert history[1].amends_id == history[0].id
    assert history[1].amendment_reason == "Police information changes the risk picture."
    assert [a.owner_agency for a in history[0].actions] == ["health"]
    assert history[0].pathways == ("health_notification",)
    (escalation,) = desk.decisions.escalations(chair)
    assert (escalation.decision_id, escalation.agency_code, escalation.stage) == (
        history[0].id,
        "police",
        1,
    )
    (nfa,) = desk.decisions.history(chair, second.referral_id)
    assert (nfa.outcome, nfa.level, nfa.status) == ("nfa", 1, "signed")
    (step_down,) = desk.decisions.history(chair, fourth.referral_id)
    assert (step_down.level, step_down.inform_family) == (2, "Mother by phone")
    assert desk.decisions.history(chair, third.referral_id) == ()


def test_meeting_menu_opens_meeting_mode_for_a_chair_only(qtbot, chair_session, session):
    window = MainWindow(chair_session)
    qtbot.addWidget(window)
    titles = [a.text() for a in window.menuBar().actions()]
    assert "&Meeting" in titles
    mode = window.open_meeting()
    assert isinstance(mode, MeetingMode)
    assert window.open_meeting() is mode  # one tab for today's meeting
    qtbot.waitUntil(lambda: mode.meeting is not None)
    settle(qtbot, chair_session)
    practitioner = MainWindow(session)
    qtbot.addWidget(practitioner)
    assert "&Meeting" not in [a.text() for a in practitioner.menuBar().actions()]
    settle(qtbot, session)
