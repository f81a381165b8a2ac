"""The outcome form flags a primary need the CIN census would refuse, as it is chosen."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui.test_outcome_dialog import ALT, _key, _open, _save, _tick
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
