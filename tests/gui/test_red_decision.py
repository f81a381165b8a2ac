"""A team manager decides a red referral between meetings, by keyboard, from the queue."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from mash_desk.gui.case_view import CaseView
from mash_desk.gui.main_window import MainWindow
from mash_desk.gui.printing import PrintPreviewDialog
from mash_desk.gui.red_decision import ACTION_KEY, RedDecisionDialog
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import TaskRunner
from tests.gui.test_allocation import _rows, _select
from tests.gui.test_shortcut_scopes import screen_clashes
from tests.services.test_checks import make_referral
from tests.support.helpers import row_counts

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier
L3 = "l3-pregnant-young-person"
RED_ONLY = "Only a red referral is decided between meetings; bring this one to the daily meeting"


@pytest.fixture
def manager_session(qtbot, gui_desk, gui_actors):
    tasks = TaskRunner()
    made = DeskSession(gui_desk, gui_actors["manager"], tasks, database_label="test")
    yield made
    assert tasks.wait(30_000)
    qtbot.wait(10)


def settle(qtbot, session) -> None:
    qtbot.waitUntil(lambda: session.tasks.busy == 0, timeout=15_000)


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    qtbot.keyClick(widget, key, modifier)


def type_into(qtbot, widget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def open_window(qtbot, session, tmp_path: Path, rows: int) -> MainWindow:
    window = MainWindow(session, drafts_dir=tmp_path / "drafts")
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: len(_rows(window)) == rows, timeout=10_000)
    return window


def decide_now(qtbot, window: MainWindow, session, name: str) -> RedDecisionDialog:
    """Select ``name`` in the queue (F8), then Ctrl+Shift+J; wait for what it reads."""
    _select(qtbot, window, name)
    qtbot.keyClick(window, Qt.Key.Key_J, CTRL_SHIFT)
    dialog = window.red_decision_dialog
    assert isinstance(dialog, RedDecisionDialog)
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5_000)
    qtbot.waitUntil(lambda: dialog.form.ui.level.count() > 1, timeout=10_000)
    settle(qtbot, session)
    return dialog


def fill(qtbot, dialog: RedDecisionDialog, outcome: str, rationale: str) -> None:
    ui = dialog.form.ui
    ui.outcome.setFocus()
    ui.outcome.setCurrentIndex(ui.outcome.findData(outcome))
    dialog.form.set_ticked(L3)
    type_into(qtbot, ui.rationale, rationale)


def test_manager_decides_a_red_referral_between_meetings_from_the_queue(
    qtbot, manager_session, gui_desk, gui_actors, tmp_path, monkeypatch
):
    p, manager = gui_actors["practitioner"], gui_actors["manager"]
    red = make_referral(gui_desk, p, "red", given="Rae", family="Stone")
    window = open_window(qtbot, manager_session, tmp_path, rows=1)
    assert window.red_decision_action.shortcut() == QKeySequence(ACTION_KEY)
    dialog = decide_now(qtbot, window, manager_session, "Rae Stone")
    assert "● RED" in dialog.ui.childLabel.text()
    # The chair's view is beside the form: concern, returns, history and threshold.
    chair = dialog.chair.ui
    qtbot.waitUntil(
        lambda: "First referral of this child" in chair.historyText.text(), timeout=10_000
    )
    assert "No agency checks were asked" in chair.checksText.text()
    assert "Loading…" not in chair.concernText.text()
    assert screen_clashes(dialog) == []

    # Ctrl+S drafts, with no meeting.
    fill(qtbot, dialog, "single_assessment_s17", "Serious concern: a statutory assessment now.")
    press(qtbot, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: "Draft saved" in dialog.status_label.text(), timeout=10_000)
    (draft,) = gui_desk.decisions.history(manager, red.id)
    assert (draft.status, draft.meeting_id) == ("draft", None)

    # Ctrl+Enter without the allocated team: the message is at the team field, nothing lost.
    press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: bool(dialog.messages["allocated_team"].message), timeout=10_000)
    assert QApplication.focusWidget() is dialog.form.ui.team
    assert dialog.form.ui.rationale.toPlainText().startswith("Serious concern")
    assert dialog.form.ticked() == (L3,)
    qtbot.keyClicks(dialog.form.ui.team, "First Response Team")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: dialog.signed is not None, timeout=10_000)
    settle(qtbot, manager_session)
    (signed,) = gui_desk.decisions.history(manager, red.id)
    assert (signed.status, signed.meeting_id, signed.signed_by) == (
        "signed",
        None,
        manager.user_id,
    )
    assert "signed between meetings" in dialog.status_label.text()
    assert not dialog.form.ui.signButton.isEnabled()

    # The referral leaves the queue's awaiting-decision state.
    qtbot.waitUntil(
        lambda: all(r.item_id != red.id or r.status != "awaiting_decision" for r in _rows(window)),
        timeout=10_000,
    )
    # Ctrl+P previews the memo of the decision just signed.
    press(qtbot, Qt.Key.Key_P, CTRL)
    memo = dialog.memo_dialog
    assert isinstance(memo, PrintPreviewDialog) and memo.decision_id == signed.id
    settle(qtbot, manager_session)
    memo.close()
    monkeypatch.setattr(dialog, "confirm_discard", lambda: pytest.fail("nothing is unsaved"))
    dialog.reject()

    # The case's Decisions tab says how it was decided.
    case = CaseView(manager_session, red.person_id)
    qtbot.addWidget(case)
    qtbot.waitUntil(lambda: "decided between meetings" in case.decisions_text(), timeout=10_000)


def test_the_routing_is_offered_when_the_child_moves_between_services(
    qtbot, manager_session, gui_desk, gui_actors, tmp_path
):
    red = make_referral(gui_desk, gui_actors["practitioner"], "red", given="Tia", family="Moss")
    window = open_window(qtbot, manager_session, tmp_path, rows=1)
    dialog = decide_now(qtbot, window, manager_session, "Tia Moss")
    fill(qtbot, dialog, "children_with_disabilities", "Needs met best by the disabilities service.")
    type_into(qtbot, dialog.form.ui.team, "Children with Disabilities Service")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(
        lambda: "Ctrl+R opens the routing" in dialog.status_label.text(), timeout=10_000
    )
    assert QApplication.focusWidget() is dialog.next_steps.routing_button
    press(qtbot, Qt.Key.Key_R, CTRL)
    routing = dialog.next_steps.routing_dialog
    assert routing is not None and routing.isVisible()
    qtbot.waitUntil(lambda: routing.loaded, timeout=10_000)
    assert "Needs met best" in routing.reason_edit.toPlainText()
    assert red.id == dialog.target.referral_id
    routing.reject()
    settle(qtbot, manager_session)


def test_an_amber_referral_is_refused_with_the_services_message_and_nothing_written(
    qtbot, manager_session, gui_desk, gui_actors, tmp_path
):
    amber = make_referral(gui_desk, gui_actors["practitioner"], "amber", given="Ada", family="Lee")
    window = open_window(qtbot, manager_session, tmp_path, rows=1)
    dialog = decide_now(qtbot, window, manager_session, "Ada Lee")
    fill(qtbot, dialog, "single_assessment_s17", "Assessment needed.")
    type_into(qtbot, dialog.form.ui.team, "First Response Team")
    before = row_counts(gui_desk)  # after the case was read (that read is logged)
    for key in (Qt.Key.Key_S, Qt.Key.Key_Return):
        press(qtbot, key, CTRL)
        qtbot.waitUntil(lambda: dialog.messages["meeting"].message == RED_ONLY, timeout=10_000)
        settle(qtbot, manager_session)
        assert RED_ONLY in dialog.status_label.text()
        assert QApplication.focusWidget() is dialog.form.ui.outcome
        dialog.messages["meeting"].clear_message()
    assert row_counts(gui_desk) == before
    assert gui_desk.decisions.history(gui_actors["manager"], amber.id) == ()
    # Nothing typed is lost.
    assert dialog.form.ui.rationale.toPlainText() == "Assessment needed."
    assert dialog.has_unsaved_work()
    assert "not red" in dialog.ui.hintLabel.text()
    # Esc asks before losing what was typed; "No" keeps the dialog and the text.
    asked = []
    dialog.confirm_discard = lambda: asked.append(True) or False
    press(qtbot, Qt.Key.Key_Escape)
    assert asked and dialog.isVisible()
    assert dialog.form.ui.rationale.toPlainText() == "Assessment needed."


def test_decide_now_from_the_referrals_case_tab(
    qtbot, manager_session, gui_desk, gui_actors, tmp_path
):
    red = make_referral(gui_desk, gui_actors["practitioner"], "red", given="Eva", family="Fox")
    window = open_window(qtbot, manager_session, tmp_path, rows=1)
    _select(qtbot, window, "Eva Fox")
    qtbot.keyClick(window.queue.table, Qt.Key.Key_Return)  # opens the case tab
    qtbot.waitUntil(lambda: window.tabs.count() == 2, timeout=10_000)
    case = window.tabs.currentWidget().findChild(CaseView)
    qtbot.waitUntil(lambda: case.case is not None, timeout=10_000)
    settle(qtbot, manager_session)
    qtbot.keyClick(window, Qt.Key.Key_J, CTRL_SHIFT)
    dialog = window.red_decision_dialog
    assert isinstance(dialog, RedDecisionDialog)
    assert (dialog.target.referral_id, dialog.target.rag) == (red.id, "red")
    qtbot.waitUntil(lambda: dialog.form.ui.level.count() > 1, timeout=10_000)
    settle(qtbot, manager_session)
    dialog.reject()


def test_the_action_is_not_offered_to_a_practitioner_nor_on_a_contact(
    qtbot, session, manager_session, gui_desk, gui_actors, tmp_path
):
    window = open_window(qtbot, session, tmp_path, rows=0)
    assert not hasattr(window, "red_decision_action")
    keys = {s.toString() for a in window.actions() for s in a.shortcuts()}
    assert QKeySequence(ACTION_KEY).toString() not in keys
    window.close()
    # A contact row has no decision to make yet: the window says so.
    from tests.support.helpers import log_one

    log_one(
        gui_desk,
        gui_actors["practitioner"],
        given="Cy",
        family="Ray",
        rag="red",
        rag_reason="Injury",
    )
    managers = open_window(qtbot, manager_session, tmp_path, rows=1)
    _select(qtbot, managers, "Cy Ray")
    qtbot.keyClick(managers, Qt.Key.Key_J, CTRL_SHIFT)
    assert managers.red_decision_dialog is None
    assert "record its outcome first" in managers.statusBar().currentMessage()
