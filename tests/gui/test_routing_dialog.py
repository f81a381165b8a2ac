"""The routing dialog: rules shown beside their fields, informing, completion, under-5 offer."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from sqlalchemy import select

from mash_desk.gui.routing_dialog import RoutingDialog
from mash_desk.storage.models import Routing, ServiceEpisode
from tests.services.test_checks import make_referral
from tests.services.test_decisions import details
from tests.services.test_meetings import quorate
from tests.support.helpers import row_counts

REASON = "Needs now met at level 2 with family support from the children's centre."
CTRL = Qt.KeyboardModifier.ControlModifier
SUMMARY = "Assessment attached: attendance 82%, mother agrees to a parenting group."


def _open(qtbot, session, person_id, **kw):
    dialog = RoutingDialog(session, person_id, **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded and dialog.person is not None, timeout=10_000)
    return dialog


def _choose(combo, data):
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def _routings(desk):
    with desk.db.reading() as s:
        return s.scalars(select(Routing)).all()


def _tell(qtbot, dialog, party, who, method="phone"):
    _choose(dialog.party_combo, party)
    dialog.who_edit.setText(who)
    _choose(dialog.method_combo, method)
    told = len(dialog.routing.informed)
    dialog.inform_button.click()
    qtbot.waitUntil(lambda: len(dialog.routing.informed) == told + 1, timeout=10_000)


def test_step_down_rules_beside_their_fields_then_corrected_informed_and_completed(qtbot, session):
    desk, p = session.desk, session.actor
    referral = make_referral(desk, p, "amber")
    dialog = _open(qtbot, session, referral.person_id, preset_kind="step_down")
    # The kind chose its usual services.
    assert (dialog.from_combo.currentData(), dialog.to_combo.currentData()) == (
        "social_care",
        "early_support",
    )
    assert dialog.child_label.text() == f"Child: Amira HASSAN (person {referral.person_id})"
    assert dialog.under_five_label.isHidden()  # born 2019: seven years old
    _choose(dialog.level_before_combo, 3)
    _choose(dialog.level_after_combo, 3)
    dialog.reason_edit.setPlainText(REASON)
    dialog.summary_edit.setPlainText(SUMMARY)
    dialog.team_edit.setText("Early Support North")
    before = row_counts(desk)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.message("level_after") != "", timeout=10_000)
    assert dialog.message("level_after").startswith("A step down needs level 2 or below")
    assert "family's consent" in dialog.message("family_consent")
    assert dialog.messages["family_consent"].isVisible()
    assert dialog.message("reason") == ""
    # Nothing typed is lost, nothing was written, and the form can still be changed.
    assert dialog.reason_edit.toPlainText() == REASON
    assert dialog.summary_edit.toPlainText() == SUMMARY
    assert dialog.team_edit.text() == "Early Support North"
    assert row_counts(desk) == before
    assert dialog.routing is None and dialog.save_button.isEnabled()
    assert not dialog.inform_box.isEnabled()

    _choose(dialog.level_after_combo, 2)
    _choose(dialog.consent_combo, True)
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        dialog.save_button.click()
    routing = saved.args[0]
    assert (routing.kind, routing.level_before, routing.level_after) == ("step_down", 3, 2)
    assert (routing.to_team, routing.family_consent, routing.status) == (
        "Early Support North",
        True,
        "open",
    )
    assert dialog.message("level_after") == "" and dialog.message("family_consent") == ""
    assert dialog.save_button.isHidden() and dialog.reason_edit.isReadOnly()
    assert not dialog.kind_combo.isEnabled() and dialog.inform_box.isEnabled()
    assert dialog.windowTitle() == f"Routing {routing.id} — Step down"
    items = [dialog.informed_list.item(i).text() for i in range(dialog.informed_list.count())]
    assert items == [
        "✘ Family: not yet informed",
        "✘ Professionals involved: not yet informed",
        "✘ Referrer: not yet informed",
    ]

    # Completing before everyone is told is refused beside the list of who was told.
    dialog.complete_button.click()
    qtbot.waitUntil(lambda: dialog.message("informed") != "", timeout=10_000)
    assert dialog.message("informed").endswith("not yet informed: family, professionals, referrer")
    # A blank name is refused beside the name.
    dialog.inform_button.click()
    qtbot.waitUntil(lambda: dialog.message("who") != "", timeout=10_000)
    assert dialog.message("informed") == ""

    _tell(qtbot, dialog, "family", "Mother")
    assert dialog.message("who") == "" and dialog.who_edit.text() == ""
    assert dialog.party_combo.currentData() == "professionals"  # the next one to tell
    _tell(qtbot, dialog, "professionals", "School DSL", "email")
    _tell(qtbot, dialog, "referrer", "Jo Teacher", "letter")
    items = [dialog.informed_list.item(i).text() for i in range(dialog.informed_list.count())]
    assert items == [
        "✔ Family: Mother — Phone, 17 Nov 2026 10:00",
        "✔ Professionals involved: School DSL — Email, 17 Nov 2026 10:00",
        "✔ Referrer: Jo Teacher — Letter, 17 Nov 2026 10:00",
    ]
    with qtbot.waitSignal(dialog.completed, timeout=10_000) as done:
        dialog.complete_button.click()
    assert done.args[0].status == "complete"
    assert "Complete — with the receiving service" in dialog.status_label.text()
    assert not dialog.inform_box.isEnabled()
    [stored] = _routings(desk)
    assert (stored.status, stored.to_team) == ("complete", "Early Support North")


def test_under_five_child_is_told_of_and_given_the_childrens_centre_offer(qtbot, session):
    desk, p = session.desk, session.actor
    referral = make_referral(desk, p, "green", date_of_birth=date(2023, 3, 1))
    dialog = _open(qtbot, session, referral.person_id, preset_kind="step_down")
    assert dialog.under_five_label.isVisible()
    assert "children's-centre offer" in dialog.under_five_label.text()
    _choose(dialog.level_after_combo, 1)
    _choose(dialog.consent_combo, True)
    dialog.reason_edit.setPlainText(REASON)
    dialog.summary_edit.setPlainText(SUMMARY)
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        dialog.save_button.click()
    assert saved.args[0].childrens_centre_offer is True
    assert "children's-centre offer is recorded" in dialog.status_label.text()


def test_step_up_rules_and_no_step_down_from_a_child_protection_plan(qtbot, session):
    desk, p = session.desk, session.actor
    referral = make_referral(desk, p, "amber")
    with desk.db.transaction() as s:
        s.add(
            ServiceEpisode(
                person_id=referral.person_id,
                service="child_protection_plan",
                started_on=date(2026, 6, 1),
            )
        )
    dialog = _open(qtbot, session, referral.person_id)
    _choose(dialog.kind_combo, "step_up")
    assert dialog.to_combo.currentData() == "social_care"
    _choose(dialog.to_combo, "housing")
    _choose(dialog.level_after_combo, 2)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.message("level_after") != "", timeout=10_000)
    assert dialog.message("level_after").startswith("A step up needs level 3 or above")
    assert dialog.message("to_agency") == "A step up goes to children's social care"
    assert dialog.message("reason").startswith("Reason")
    assert dialog.message("handover_summary").startswith("Handover summary")

    _choose(dialog.kind_combo, "step_down")
    _choose(dialog.to_combo, "early_support")
    _choose(dialog.consent_combo, True)
    dialog.reason_edit.setPlainText(REASON)
    dialog.summary_edit.setPlainText(SUMMARY)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "child-protection plan" in dialog.message("kind"), timeout=10_000)
    assert dialog.message("level_after") == "" and dialog.message("to_agency") == ""
    assert _routings(desk) == []


def test_opened_after_a_decision_the_routing_is_linked_to_it(qtbot, session, gui_actors):
    desk, chair = session.desk, gui_actors["chair"]
    referral = make_referral(desk, session.actor, "amber")
    meeting = desk.meetings.create_today(chair).value
    quorate(desk, chair, meeting.id)
    draft = desk.decisions.draft(
        chair,
        referral.id,
        details(
            "step_down_early_help",
            allocated_team=None,
            level=2,
            level_rationale="Needs met with universal plus early help",
        ),
        meeting.id,
    ).value
    decision = desk.decisions.sign(chair, draft.id, draft.version).value
    dialog = _open(
        qtbot,
        session,
        referral.person_id,
        referral_id=referral.id,
        decision_id=decision.id,
        preset_kind="step_down",
    )
    assert dialog.link_check.isVisible() and dialog.link_check.isChecked()
    assert dialog.link_check.text() == f"Follows decision {decision.id} of referral {referral.id}"
    assert dialog.kind_combo.currentData() == "step_down"
    _choose(dialog.level_after_combo, 2)
    _choose(dialog.consent_combo, True)
    dialog.reason_edit.setPlainText(REASON)
    dialog.summary_edit.setPlainText(SUMMARY)
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        dialog.save_button.click()
    assert (saved.args[0].decision_id, saved.args[0].referral_id) == (decision.id, referral.id)


def test_an_open_routing_is_carried_on_and_keys_work(qtbot, session):
    desk, p = session.desk, session.actor
    referral = make_referral(desk, p, "amber")
    first = _open(qtbot, session, referral.person_id, preset_kind="step_down")
    _choose(first.level_after_combo, 2)
    _choose(first.consent_combo, True)
    first.reason_edit.setPlainText(REASON)
    first.summary_edit.setPlainText(SUMMARY)
    first.reason_edit.setFocus()
    with qtbot.waitSignal(first.saved, timeout=10_000) as saved:
        qtbot.keyClick(first, "s", modifier=CTRL)
    dialog = _open(qtbot, session, referral.person_id, routing=saved.args[0])
    assert dialog.reason_edit.toPlainText() == REASON and dialog.reason_edit.isReadOnly()
    assert dialog.level_after_combo.currentData() == 2 and dialog.inform_box.isEnabled()
    dialog.who_edit.setText("Mother")
    dialog.who_edit.setFocus()
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as told:
        qtbot.keyClick(dialog.who_edit, "i", modifier=CTRL)
    assert [i.who for i in told.args[0].informed] == ["Mother"]
    assert dialog.kind_combo.accessibleName() == "Kind of routing"
    # A message's name is its text (read by screen readers); what it is for, its description.
    assert dialog.messages["level_after"].accessibleDescription() == "Level after message"


def test_completing_by_keys_leaves_the_keyboard_on_close(qtbot, session):
    from PySide6.QtWidgets import QApplication

    desk, p = session.desk, session.actor
    referral = make_referral(desk, p, "amber")
    dialog = _open(qtbot, session, referral.person_id, preset_kind="step_down")
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5_000)
    _choose(dialog.level_after_combo, 2)
    _choose(dialog.consent_combo, True)
    dialog.reason_edit.setPlainText(REASON)
    dialog.summary_edit.setPlainText(SUMMARY)
    dialog.reason_edit.setFocus()
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        qtbot.keyClick(dialog.reason_edit, "s", modifier=CTRL)
    # Saved: "who was told" has the keyboard, the next party already chosen.
    for party, who in (("family", "Mother"), ("professionals", "GP"), ("referrer", "School")):
        assert QApplication.focusWidget() is dialog.who_edit
        assert dialog.party_combo.currentData() == party
        qtbot.keyClicks(dialog.who_edit, who)
        with qtbot.waitSignal(dialog.saved, timeout=10_000):
            qtbot.keyClick(dialog.who_edit, "i", modifier=CTRL)
    with qtbot.waitSignal(dialog.completed, timeout=10_000):
        qtbot.keyClick(dialog.who_edit, Qt.Key.Key_Return, modifier=CTRL)
    # "Who was told" is disabled once complete: the keyboard is on Close, not lost.
    assert QApplication.focusWidget() is dialog.close_button
    qtbot.keyClick(dialog.close_button, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
