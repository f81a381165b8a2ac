"""The outcome form flags a primary need the CIN census would refuse, as it is chosen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import update

from mash_desk.storage.models import Referral
from tests.gui.test_outcome_dialog import ALT, _key, _open, _save, _tick
from tests.gui.test_red_decision import decide_now, manager_session, open_window  # noqa: F401
from tests.services.test_checks import make_referral
from tests.support.helpers import log_one

FLAG = (
    "CIN census rule 8610: A primary need is required unless the referral led to no further action"
)


def test_not_stated_need_is_flagged_when_chosen_and_still_saves(qtbot, session):
    cc = log_one(session.desk, session.actor).children[0]
    dialog = _open(qtbot, session, cc.id)
    _tick(qtbot, dialog.ui.referralCheck, Qt.Key.Key_R)
    _key(qtbot, Qt.Key.Key_P, ALT)
    _key(qtbot, Qt.Key.Key_Down)  # N0: not stated
    assert dialog.ui.primaryNeed.currentData() == "N0"
    assert dialog.message("primary_need") == FLAG
    assert dialog.ui.primaryNeedError.accessibleName() == f"Problem: {FLAG}"
    _key(qtbot, Qt.Key.Key_Down)  # N1: the flag goes
    assert dialog.message("primary_need") == ""
    _key(qtbot, Qt.Key.Key_Up)  # back to N0: a flag, not a refusal
    assert dialog.message("primary_need") == FLAG
    with qtbot.waitSignal(dialog.recorded, timeout=10_000) as saved:
        _save(qtbot, dialog)
    assert saved.args[0].referral.primary_need == "N0"


def test_decision_form_flags_a_not_stated_need_unless_the_outcome_is_nfa(
    qtbot,
    manager_session,  # noqa: F811
    gui_desk,
    gui_actors,
    tmp_path,
):
    red = make_referral(gui_desk, gui_actors["practitioner"], "red", given="Rae", family="Stone")
    with gui_desk.db.transaction() as s:
        s.execute(update(Referral).where(Referral.id == red.id).values(primary_need="N0"))
    window = open_window(qtbot, manager_session, tmp_path, rows=1)
    dialog = decide_now(qtbot, window, manager_session, "Rae Stone")
    form = dialog.form
    qtbot.waitUntil(lambda: form.referral_need == "N0", timeout=10_000)
    assert not form.ui.censusFlag.isVisible()  # no outcome chosen yet
    form.ui.outcome.setCurrentIndex(form.ui.outcome.findData("single_assessment_s17"))
    assert form.ui.censusFlag.isVisible()
    assert form.ui.censusFlag.text() == (
        "⚑ CIN census rule 8610: A primary need is required unless the referral led to no "
        "further action — this referral's primary need is N0 (not stated)"
    )
    form.ui.outcome.setCurrentIndex(form.ui.outcome.findData("nfa"))
    assert not form.ui.censusFlag.isVisible() and form.ui.censusFlag.text() == ""
