"""The strategy-discussion dialog: attendance minimum beside the list, ICPC target shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from mash_desk.gui.routing_dialog import show_local
from mash_desk.gui.strategy_dialog import StrategyDialog
from tests.conftest import NOW
from tests.services.test_checks import make_referral
from tests.services.test_decisions import details
from tests.services.test_meetings import quorate
from tests.support.helpers import row_counts

RATIONALE = "Bruising to a non-mobile baby: reasonable cause to suspect significant harm."


def signed_s47(desk, actors):
    """A signed s47 decision on a new referral, decided at today's quorate meeting."""
    chair = actors["chair"]
    referral = make_referral(desk, actors["practitioner"], "red")
    meeting = desk.meetings.create_today(chair).value
    quorate(desk, chair, meeting.id)
    draft = desk.decisions.draft(
        chair, referral.id, details("strategy_discussion_s47"), meeting.id
    ).value
    return desk.decisions.sign(chair, draft.id, draft.version).value


@pytest.fixture
def s47(session, gui_actors):
    decision = signed_s47(session.desk, gui_actors)
    session.actor = gui_actors["chair"]
    return decision


def _open(qtbot, session, decision):
    dialog = StrategyDialog(session, decision.referral_id, decision.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: len(dialog.rows) == 3, timeout=10_000)
    return dialog


def test_missing_health_shown_beside_attendees_then_added_and_icpc_target_shown(
    qtbot, session, s47
):
    dialog = _open(qtbot, session, s47)
    # The three agencies that must take part start the list; the names are typed.
    assert [r.value()[0] for r in dialog.rows] == ["social_care", "police", "health"]
    assert "Social care, police and health" in dialog.minimum_label.text()
    dialog.remove_attendee(dialog.rows[2])
    dialog.rows[0].name_edit.setText("SW Patel")
    dialog.rows[1].name_edit.setText("DC Lee")
    dialog.s47_combo.setCurrentIndex(dialog.s47_combo.findData("proceed"))
    dialog.rationale_edit.setPlainText(RATIONALE)
    before = row_counts(session.desk)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.message("attendees") != "", timeout=10_000)
    assert dialog.message("attendees").endswith("missing: health")
    assert dialog.messages["attendees"].isVisible()
    assert row_counts(session.desk) == before
    # Nothing typed was lost.
    assert [r.value() for r in dialog.rows] == [("social_care", "SW Patel"), ("police", "DC Lee")]
    assert dialog.rationale_edit.toPlainText() == RATIONALE

    dialog.rationale_edit.setFocus()
    qtbot.keyClick(dialog, "n", modifier=Qt.KeyboardModifier.ControlModifier)
    assert len(dialog.rows) == 3 and dialog.rows[2].agency_combo.hasFocus()
    row = dialog.rows[2]
    assert row.name_edit.accessibleName() == "Name of attendee 3"
    row.agency_combo.setCurrentIndex(row.agency_combo.findData("health"))
    row.name_edit.setText("Dr Ahmed (named nurse)")
    announced = []
    session.hub.changed.connect(announced.append)
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        dialog.save_button.click()
    d = saved.args[0]
    assert d.attendees == (
        ("social_care", "SW Patel"),
        ("police", "DC Lee"),
        ("health", "Dr Ahmed (named nurse)"),
    )
    assert dialog.message("attendees") == ""
    assert dialog.result_label.text() == (
        "✔ Recorded. Initial child protection conference target: Tuesday 08 December 2026 "
        "(15 working days after the discussion); s47 enquiry started 17 Nov 2026."
    )
    assert dialog.save_button.isHidden() and dialog.close_button.text() == "Close"
    assert dialog.rationale_edit.isReadOnly() and not dialog.add_button.isEnabled()
    assert f"person:{s47.person_id}" in announced[0]


def test_every_problem_beside_its_field_in_one_pass(qtbot, session, s47):
    dialog = _open(qtbot, session, s47)
    show_local(dialog.held_at_edit, NOW + timedelta(hours=3), session)
    dialog.rows[0].name_edit.setText("SW Patel")
    dialog.rows[2].name_edit.setText("Dr Ahmed")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.message("held_at") != "", timeout=10_000)
    assert dialog.message("held_at") == "That time is in the future"
    assert dialog.message("attendees").startswith("Attendee 2: Attendee's name")
    assert dialog.message("s47_decision").startswith("Choose the s47 decision")
    assert dialog.message("rationale").startswith("Rationale")
    assert dialog.focusWidget() is dialog.held_at_edit


def test_no_further_action_has_no_target_and_a_second_discussion_is_refused(qtbot, session, s47):
    dialog = _open(qtbot, session, s47)
    for row, name in zip(dialog.rows, ("SW Patel", "DC Lee", "Dr Ahmed"), strict=True):
        row.name_edit.setText(name)
    dialog.s47_combo.setCurrentIndex(dialog.s47_combo.findData("no_further_s47_action"))
    dialog.rationale_edit.setPlainText("Explanation accepted: accidental injury.")
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save_button.click()
    assert "no conference target" in dialog.result_label.text()

    again = _open(qtbot, session, s47)
    for row, name in zip(again.rows, ("SW Patel", "DC Lee", "Dr Ahmed"), strict=True):
        row.name_edit.setText(name)
    again.s47_combo.setCurrentIndex(1)
    again.rationale_edit.setPlainText(RATIONALE)
    again.save_button.click()
    qtbot.waitUntil(lambda: again.message("decision") != "", timeout=10_000)
    assert again.message("decision") == "This decision's discussion is recorded"
    assert again.save_button.isEnabled()


def test_a_practitioner_is_told_plainly_they_may_not(qtbot, session, s47, gui_actors):
    session.actor = gui_actors["practitioner"]
    dialog = _open(qtbot, session, s47)
    for row, name in zip(dialog.rows, ("SW Patel", "DC Lee", "Dr Ahmed"), strict=True):
        row.name_edit.setText(name)
    dialog.s47_combo.setCurrentIndex(1)
    dialog.rationale_edit.setPlainText(RATIONALE)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=10_000)
    assert "may not record strategy discussions" in dialog.error_label.text()
    assert dialog.discussion is None and dialog.save_button.isEnabled()
