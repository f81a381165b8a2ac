"""Meeting mode: people as owners, ticks restored, and what follows a signed decision."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mash_desk.domain.meetings import DecisionOutcome
from mash_desk.domain.routing import RoutingKind
from mash_desk.gui.meeting_mode import MeetingMode, routing_kind_for
from mash_desk.storage.models import ServiceEpisode
from tests.services.test_checks import make_referral

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
L2 = "l2-missed-health-checks"
L3 = "l3-pregnant-young-person"
L4 = "l4-non-mobile-baby-bruise"


def settle(qtbot, session):
    qtbot.waitUntil(lambda: session.tasks.busy == 0, timeout=15_000)


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    qtbot.keyClick(widget, key, modifier)


def quorate_meeting(desk, chair):
    meeting = desk.meetings.create_today(chair).value
    for code, name in (
        ("social_care", "Sam Social"),
        ("police", "PC Pat Lane"),
        ("health", "Hana Health"),
    ):
        desk.meetings.record_attendance(chair, meeting.id, code, name)
    return meeting


def open_mode(qtbot, session):
    mode = MeetingMode(session)
    qtbot.addWidget(mode)
    mode.resize(1400, 950)
    mode.show()
    qtbot.waitExposed(mode)
    mode.activateWindow()
    qtbot.waitUntil(
        lambda: (
            mode.meeting is not None
            and mode.agency_box.count() > 0
            and mode.worker_box.count() > 1
            and mode.document is not None
            and mode.level_box.count() > 1
        ),
        timeout=15_000,
    )
    settle(qtbot, session)
    return mode


def agenda_text(mode, row):
    return mode.agenda_list.item(row).text()


def decide(qtbot, mode, session, outcome, rationale, *, ticks=(), level=None, team=None):
    mode.outcome_box.setCurrentIndex(mode.outcome_box.findData(outcome))
    for indicator in ticks:
        mode.set_ticked(indicator)
    if level is not None:
        mode.level_box.setCurrentIndex(mode.level_box.findData(level))
        mode.level_rationale.setText(f"Level {level} on the agencies' information.")
    mode.rationale.setPlainText(rationale)
    if team:
        mode.team_edit.setText(team)
    mode.rationale.setFocus()
    press(qtbot, Qt.Key.Key_Return, CTRL)
    settle(qtbot, session)


@pytest.mark.parametrize(
    ("outcome", "services", "kind"),
    [
        (DecisionOutcome.NFA, (), None),
        (DecisionOutcome.STEP_DOWN, (), RoutingKind.STEP_DOWN),
        (DecisionOutcome.SINGLE_ASSESSMENT, (), None),
        (DecisionOutcome.SINGLE_ASSESSMENT, ("early_help",), RoutingKind.STEP_UP),
        (DecisionOutcome.S47, ("early_help",), RoutingKind.STEP_UP),
        (DecisionOutcome.S47, ("child_in_need",), None),
        (DecisionOutcome.CWDS, (), RoutingKind.TRANSFER),
        (DecisionOutcome.FORWARD_OPEN_CASE, ("child_in_need",), RoutingKind.TRANSFER),
        (DecisionOutcome.TRANSFER_COUNCIL, (), RoutingKind.TRANSFER),
    ],
)
def test_which_outcomes_move_the_child_between_services(outcome, services, kind):
    assert routing_kind_for(outcome, services) is kind


def test_agencies_and_staff_come_from_the_services(qtbot, chair_session, gui_desk, gui_actors):
    quorate_meeting(gui_desk, gui_actors["chair"])
    mode = open_mode(qtbot, chair_session)
    stored = gui_desk.reference.agencies(gui_actors["chair"])
    assert mode.agencies == [(a.code, a.name) for a in stored]
    assert mode.agency_box.itemText(0) == "Children's social care (MASH)"
    # MASH staff may be allocated; partner reps, QA and admin may not.
    workers = {mode.worker_box.itemData(i) for i in range(1, mode.worker_box.count())}
    ids = {name: a.user_id for name, a in gui_actors.items()}
    assert workers == {ids[n] for n in ("practitioner", "practitioner2", "manager", "chair")}
    owners = [mode.action_owner.itemData(i) for i in range(mode.action_owner.count())]
    assert owners[0] == f"user:{ids['chair']}"
    assert "agency:police" in owners and f"user:{ids['practitioner2']}" in owners
    assert f"user:{ids['police']}" not in owners


def test_worker_and_person_owner_stored_and_ticks_restored(
    qtbot, chair_session, gui_desk, gui_actors
):
    desk, p, chair = gui_desk, gui_actors["practitioner"], gui_actors["chair"]
    p2 = gui_actors["practitioner2"]
    first = make_referral(desk, p, "amber", given="Ava", family="Stone")
    make_referral(desk, p, "green", given="Ben", family="Marsh")
    quorate_meeting(desk, chair)
    mode = open_mode(qtbot, chair_session)
    assert mode.item.referral_id == first.id

    mode.worker_box.setCurrentIndex(mode.worker_box.findData(p2.user_id))
    mode.action_owner.setCurrentIndex(mode.action_owner.findData(f"user:{p2.user_id}"))
    mode.action_text.setText("Visit the family with the health visitor")
    mode.action_text.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    assert (
        mode.action_list.item(0)
        .text()
        .startswith(f"Visit the family with the health visitor — {p2.display_name} — due")
    )
    decide(
        qtbot,
        mode,
        chair_session,
        "single_assessment_s17",
        "Needs at risk of not being met without a statutory assessment.",
        ticks=(L2, L3),
        team="First Response Team",
    )
    # Not open to early help: nothing follows, so the chair moves on to the next child.
    qtbot.waitUntil(lambda: mode.item.referral_id != first.id, timeout=10_000)
    (decision,) = desk.decisions.history(chair, first.id)
    assert decision.allocated_worker_id == p2.user_id
    assert [(a.owner_user_id, a.owner_agency) for a in decision.actions] == [(p2.user_id, None)]
    assert set(decision.indicators) == {L2, L3}

    # Back on the signed decision: its ticks, not only its level, are on the form.
    press(qtbot, Qt.Key.Key_Left, ALT)
    settle(qtbot, chair_session)
    qtbot.waitUntil(lambda: set(mode.ticked()) == {L2, L3}, timeout=10_000)
    assert mode.level_box.currentData() is None  # the ticks give level 3 by themselves
    assert mode.level_rationale.text() == ""
    assert "Suggested Level 3" in mode.suggestion_label.text()
    assert mode.worker_box.currentData() == p2.user_id

    # A fresh meeting screen shows them too, whichever of history and document comes first.
    again = open_mode(qtbot, chair_session)
    qtbot.waitUntil(lambda: set(again.ticked()) == {L2, L3}, timeout=10_000)


def test_step_down_offers_its_routing_prefilled_until_it_is_complete(
    qtbot, chair_session, gui_desk, gui_actors
):
    desk, p, chair = gui_desk, gui_actors["practitioner"], gui_actors["chair"]
    referral = make_referral(desk, p, "amber", given="Dee", family="Fenn")
    quorate_meeting(desk, chair)
    mode = open_mode(qtbot, chair_session)
    rationale = "Needs met at level 2; the family agrees to early help."
    decide(qtbot, mode, chair_session, "step_down_early_help", rationale, level=2)

    # The chair stays on the child; the routing is one key away and flagged on the agenda.
    qtbot.waitUntil(lambda: mode.routing_button.isEnabled(), timeout=10_000)
    assert mode.item.referral_id == referral.id
    assert "record the routing (Ctrl+R)" in mode.status_label.text()
    assert "⚑ step down to record" in agenda_text(mode, 0)
    assert not mode.agenda_list.item(0).icon().isNull()
    assert "⚑ 1 to route or discuss" in mode.progress_label.text()
    assert QApplication.focusWidget() is mode.routing_button
    assert not mode.strategy_button.isEnabled()

    press(qtbot, Qt.Key.Key_R, CTRL)
    dialog = mode.routing_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.loaded and dialog.person is not None, timeout=10_000)
    (decision,) = desk.decisions.history(chair, referral.id)
    assert dialog.kind_combo.currentData() == "step_down"
    assert (dialog.from_combo.currentData(), dialog.to_combo.currentData()) == (
        "social_care",
        "early_support",
    )
    assert dialog.decision_id == decision.id and dialog.link_check.isChecked()
    assert dialog.level_after_combo.currentData() == 2
    assert dialog.reason_edit.toPlainText() == rationale
    assert dialog.summary_edit.toPlainText().startswith(
        f"Step down to early help, level 2 at the MASH meeting of 17/11/2026: {rationale}"
    )
    dialog.consent_combo.setCurrentIndex(dialog.consent_combo.findData(True))
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save_button.click()
    qtbot.waitUntil(lambda: "who was told to record" in agenda_text(mode, 0), timeout=10_000)
    for party, who in (("family", "Mother"), ("professionals", "School DSL"), ("referrer", "Jo")):
        dialog.party_combo.setCurrentIndex(dialog.party_combo.findData(party))
        dialog.who_edit.setText(who)
        told = len(dialog.routing.informed)
        dialog.inform_button.click()
        qtbot.waitUntil(lambda t=told: len(dialog.routing.informed) == t + 1, timeout=10_000)
    with qtbot.waitSignal(dialog.completed, timeout=10_000):
        dialog.complete_button.click()
    dialog.close_button.click()
    settle(qtbot, chair_session)
    qtbot.waitUntil(lambda: "⚑" not in agenda_text(mode, 0), timeout=10_000)
    assert not mode.routing_button.isEnabled()
    assert "✔ Routing" in mode.next_label.text()
    assert "Complete — with the receiving service" in mode.next_label.text()
    (routing,) = desk.routing.for_person(chair, referral.person_id)
    assert (routing.decision_id, routing.kind, routing.status) == (
        decision.id,
        "step_down",
        "complete",
    )


def test_s47_offers_the_strategy_discussion_with_the_meeting_present(
    qtbot, chair_session, gui_desk, gui_actors
):
    desk, p, chair = gui_desk, gui_actors["practitioner"], gui_actors["chair"]
    referral = make_referral(desk, p, "red", given="Eli", family="Moss")
    quorate_meeting(desk, chair)
    mode = open_mode(qtbot, chair_session)
    decide(
        qtbot,
        mode,
        chair_session,
        "strategy_discussion_s47",
        "Bruising to a non-mobile baby: reasonable cause to suspect significant harm.",
        ticks=(L4,),
        team="First Response Team",
    )
    qtbot.waitUntil(lambda: mode.strategy_button.isEnabled(), timeout=10_000)
    assert "⚑ strategy discussion to record" in agenda_text(mode, 0)
    assert not mode.routing_button.isEnabled()  # not open to early help: no step up
    assert QApplication.focusWidget() is mode.strategy_button

    press(qtbot, Qt.Key.Key_S, CTRL | SHIFT)
    dialog = mode.strategy_dialog
    assert dialog is not None
    # Held at the meeting: the names of those present are filled in for the three agencies.
    qtbot.waitUntil(
        lambda: (
            [r.value() for r in dialog.rows]
            == [("social_care", "Sam Social"), ("police", "PC Pat Lane"), ("health", "Hana Health")]
        ),
        timeout=10_000,
    )
    dialog.s47_combo.setCurrentIndex(dialog.s47_combo.findData("proceed"))
    dialog.rationale_edit.setPlainText("Threshold for s47 met; joint visit today.")
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save_button.click()
    dialog.close_button.click()
    qtbot.waitUntil(lambda: "⚑" not in agenda_text(mode, 0), timeout=10_000)
    assert "✔ Strategy discussion recorded." in mode.next_label.text()
    (discussion,) = desk.strategy.for_referral(chair, referral.id)
    assert discussion.s47_decision == "proceed"


@pytest.mark.parametrize(
    ("outcome", "level", "from_to", "team"),
    [
        ("single_assessment_s17", None, ("early_support", "social_care"), ""),
        ("children_with_disabilities", None, ("social_care", "social_care"), "CWDS North"),
    ],
)
def test_step_up_and_transfer_preset_in_the_routing(
    qtbot, chair_session, gui_desk, gui_actors, outcome, level, from_to, team
):
    desk, p, chair = gui_desk, gui_actors["practitioner"], gui_actors["chair"]
    referral = make_referral(desk, p, "amber", given="Fay", family="Holt")
    with desk.db.transaction() as s:
        s.add(
            ServiceEpisode(
                person_id=referral.person_id, service="early_help", started_on=date(2026, 6, 1)
            )
        )
    quorate_meeting(desk, chair)
    mode = open_mode(qtbot, chair_session)
    decide(
        qtbot,
        mode,
        chair_session,
        outcome,
        "Needs have risen: a statutory service is needed now.",
        ticks=(L3,),
        team=team or "First Response Team",
    )
    qtbot.waitUntil(lambda: mode.routing_button.isEnabled(), timeout=10_000)
    kind = "step_up" if outcome == "single_assessment_s17" else "transfer"
    assert f"⚑ {kind.replace('_', ' ')} to record" in agenda_text(mode, 0)
    press(qtbot, Qt.Key.Key_R, CTRL)
    dialog = mode.routing_dialog
    qtbot.waitUntil(lambda: dialog.loaded and dialog.to_combo.currentData() != "", timeout=10_000)
    assert dialog.kind_combo.currentData() == kind
    assert (dialog.from_combo.currentData(), dialog.to_combo.currentData()) == from_to
    assert dialog.level_after_combo.currentData() == 3
    if team:
        assert dialog.team_edit.text() == team
    dialog.close_button.click()
    settle(qtbot, chair_session)
    # Closed without saving: the routing is still to record, and still one key away.
    qtbot.waitUntil(lambda: QApplication.focusWidget() is mode.routing_button, timeout=5_000)


def test_memo_printed_after_signing_and_meeting_memos_after_sign_off(
    qtbot, chair_session, gui_desk, gui_actors, monkeypatch, tmp_path
):
    from mash_desk.gui.meeting_print import MeetingPrintDialog
    from mash_desk.gui.printing import PrintPreviewDialog

    # No print server and no CUPS commands: the dialogs open, nothing leaves the machine.
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "gone.sock"))
    monkeypatch.setenv("PATH", str(tmp_path))
    desk, p, chair = gui_desk, gui_actors["practitioner"], gui_actors["chair"]
    first = make_referral(desk, p, "green", given="Gus", family="Lane")
    second = make_referral(desk, p, "green", given="Hal", family="Lane")
    quorate_meeting(desk, chair)
    mode = open_mode(qtbot, chair_session)
    assert mode.item.referral_id == first.id
    press(qtbot, Qt.Key.Key_P, CTRL)  # nothing signed yet: nothing to print
    assert mode.memo_dialog is None
    decide(qtbot, mode, chair_session, "nfa", "Universal services meet the needs.", ticks=(L2,))
    qtbot.waitUntil(lambda: mode.item.referral_id == second.id, timeout=10_000)
    (decision,) = desk.decisions.history(chair, first.id)

    # On to the next child, Ctrl+P still prints the memo of the decision just signed.
    press(qtbot, Qt.Key.Key_P, CTRL)
    memo = mode.memo_dialog
    assert isinstance(memo, PrintPreviewDialog) and memo.decision_id == decision.id
    assert "just signed" in mode.status_label.text()
    settle(qtbot, chair_session)
    memo.close()
    mode.activateWindow()  # the window manager's part, when the preview closes
    qtbot.waitUntil(lambda: QApplication.activeWindow() is mode, timeout=5_000)
    mode.agenda_list.setFocus()
    assert not mode.print_meeting_button.isEnabled()
    press(qtbot, Qt.Key.Key_P, CTRL | SHIFT)  # not signed off: nothing yet
    assert mode.print_dialog is None

    mode.defer_reason.setFocus()
    qtbot.keyClicks(mode.defer_reason, "Health check awaited.")
    press(qtbot, Qt.Key.Key_Return)
    settle(qtbot, chair_session)
    with qtbot.waitSignal(mode.signed_off, timeout=15_000):
        mode.agenda_list.setFocus()
        press(qtbot, Qt.Key.Key_O, CTRL | SHIFT)
    settle(qtbot, chair_session)
    assert "Ctrl+Shift+P" in mode.status_label.text()
    assert mode.print_meeting_button.isEnabled()
    press(qtbot, Qt.Key.Key_P, CTRL | SHIFT)
    batch = mode.print_dialog
    assert isinstance(batch, MeetingPrintDialog)
    assert batch.meeting_date == mode.meeting.meeting_date
    settle(qtbot, chair_session)
    batch.close()
