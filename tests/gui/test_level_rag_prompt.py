"""Issue 12 §6: a Level 4 on an amber or green contact is never saved silently."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import select

from mash_desk.storage.models import AuditEntry, ThresholdAssessment
from tests.gui.test_threshold_panel import _panel
from tests.support.helpers import row_counts

WHY = "Child is in hospital with the non-abusing parent; safe tonight"


def _shown(qtbot, panel):
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)


def test_level_four_on_amber_asks_and_cannot_be_saved_silently(qtbot, session):
    panel, cc = _panel(qtbot, session, rag="amber", rag_reason="Bruise seen at school")
    _shown(qtbot, panel)
    prompt = panel.rag_prompt
    panel.set_ticked("l2-bullying")
    assert prompt.isHidden()
    panel.set_ticked("l4-disclosure-physical-abuse")
    assert prompt.isVisible()
    assert "Level 4 is suggested, but this contact is rated amber" in prompt.question.text()
    before = row_counts(session.desk)
    panel.tree.setFocus()
    QTest.keyClick(panel.tree, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: prompt.message != "", timeout=10_000)
    assert "re-rate red, or record why" in prompt.message
    assert prompt.not_red_reason.hasFocus()
    assert row_counts(session.desk) == before
    # Typed by keyboard where the focus went; saving again stores and audits the reason.
    QTest.keyClicks(prompt.not_red_reason, WHY)
    with qtbot.waitSignal(panel.screened, timeout=10_000) as saved:
        QTest.keyClick(
            prompt.not_red_reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
    assert saved.args[0].rag.value == "amber"
    with session.desk.db.reading() as s:
        assert s.scalars(select(ThresholdAssessment.not_red_reason)).one() == WHY
        [detail] = s.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "contact.screened")
        ).all()
    assert json.loads(detail)["not_red_reason"] == WHY


def test_level_four_on_green_re_rated_red_from_the_prompt(qtbot, session):
    panel, cc = _panel(qtbot, session, rag="green", rag_reason="Low-level worry")
    _shown(qtbot, panel)
    prompt = panel.rag_prompt
    panel.set_ticked("l3-going-missing")
    panel.choose_level(4)
    panel.rationale.setPlainText("Found with an adult known for exploitation")
    assert "Level 4 is chosen" in prompt.question.text()
    prompt.red_check.setFocus()
    QTest.keyClick(prompt.red_check, Qt.Key.Key_Space)
    assert prompt.rag_reason.isVisible() and not prompt.not_red_reason.isVisible()
    QTest.keyClick(prompt.red_check, Qt.Key.Key_Tab)
    assert prompt.rag_reason.hasFocus()
    QTest.keyClicks(prompt.rag_reason, "Level 4: exploitation risk tonight")
    with qtbot.waitSignal(panel.screened, timeout=10_000) as saved:
        QTest.keyClick(prompt.rag_reason, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert saved.args[0].rag.value == "red"
    assert saved.args[0].rag_history[-1].reason == "Level 4: exploitation risk tonight"
    assert prompt.isHidden()  # nothing left to ask once red
