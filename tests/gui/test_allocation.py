"""Allocation by keyboard: Take this from the queue, My work, the Allocate dialog, workload."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import update

from mash_desk.gui.allocate_dialog import AllocateDialog
from mash_desk.gui.main_window import MainWindow
from mash_desk.gui.queue_model import COL_ELSEWHERE, COL_LEVEL, COL_WORKER, RowRole
from mash_desk.gui.workload_view import WorkloadView
from mash_desk.services.inputs import ChildOnContact
from mash_desk.storage.models import ContactChild
from tests.conftest import NOW
from tests.support.helpers import contact, log_one

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _window(qtbot, session, tmp_path: Path) -> MainWindow:
    made = MainWindow(session, drafts_dir=tmp_path / "drafts")
    qtbot.addWidget(made)
    made.show()
    made.activateWindow()
    return made


def _rows(window: MainWindow) -> list:
    model = window.queue.model
    return [model.index(r, 0).data(RowRole) for r in range(model.rowCount())]


def _worker_cell(window: MainWindow, name: str) -> str:
    model = window.queue.model
    for r in range(model.rowCount()):
        if model.index(r, 0).data(RowRole).child_name == name:
            return model.index(r, COL_WORKER).data()
    raise KeyError(name)


def _select(qtbot, window: MainWindow, name: str) -> None:
    """Move down the queue with F8 until ``name`` is selected."""
    for _ in range(len(_rows(window)) + 1):
        qtbot.keyClick(window, Qt.Key.Key_F8)
        row = window.queue.selected_row()
        if row is not None and row.child_name == name:
            return
    raise AssertionError(f"{name} not reached with F8")


def test_take_this_from_the_queue_row_shows_me_as_the_worker(qtbot, session, tmp_path):
    log_one(session.desk, session.actor, given="Nia", family="Cole", rag="amber", rag_reason="r")
    window = _window(qtbot, session, tmp_path)
    qtbot.waitUntil(lambda: len(_rows(window)) == 1, timeout=10_000)
    assert _worker_cell(window, "Nia Cole") == "Unassigned"
    _select(qtbot, window, "Nia Cole")
    qtbot.keyClick(window, Qt.Key.Key_T, CTRL_SHIFT)
    qtbot.waitUntil(lambda: _worker_cell(window, "Nia Cole") == "Test Practitioner", timeout=10_000)
    assert "You took Nia Cole's contact" in window.statusBar().currentMessage()
    # Taking it again says so, in words, and changes nothing.
    _select(qtbot, window, "Nia Cole")
    qtbot.keyClick(window, Qt.Key.Key_T, CTRL_SHIFT)
    qtbot.waitUntil(lambda: "already yours" in window.statusBar().currentMessage(), timeout=10_000)


def test_my_work_filter_by_keyboard(qtbot, session, gui_desk, gui_actors, tmp_path):
    p, p2 = gui_actors["practitioner"], gui_actors["practitioner2"]
    mine = log_one(gui_desk, p, given="Mia", family="Mine").children[0]
    theirs = log_one(gui_desk, p, given="Theo", family="Theirs").children[0]
    gui_desk.allocation.take(p, "contact", mine.id, mine.version)
    gui_desk.allocation.take(p2, "contact", theirs.id, theirs.version)
    window = _window(qtbot, session, tmp_path)
    qtbot.waitUntil(lambda: len(_rows(window)) == 2, timeout=10_000)
    qtbot.keyClick(window, Qt.Key.Key_M, CTRL_SHIFT)
    qtbot.waitUntil(
        lambda: (
            [r.child_name for r in _rows(window)] == ["Mia Mine"] and not window.queue.model.loading
        ),
        timeout=10_000,
    )
    assert window.queue.my_work_toggle.isChecked()
    assert not window.queue.worker_filter.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_M, CTRL_SHIFT)
    qtbot.waitUntil(lambda: len(_rows(window)) == 2, timeout=10_000)


def test_queue_shows_level_and_open_work_elsewhere(qtbot, session, gui_desk, gui_actors, tmp_path):
    p = gui_actors["practitioner"]
    first = log_one(gui_desk, p, given="Ola", family="Twice").children[0]
    gui_desk.contacts.log(p, contact(ChildOnContact(person_id=first.person.id)))
    with gui_desk.db.transaction() as s:
        s.execute(
            update(ContactChild).where(ContactChild.id == first.id).values(provisional_level=3)
        )
    window = _window(qtbot, session, tmp_path)
    qtbot.waitUntil(lambda: len(_rows(window)) == 2, timeout=10_000)
    model = window.queue.model
    by_id = {model.index(r, 0).data(RowRole).item_id: r for r in range(model.rowCount())}
    row = by_id[first.id]
    assert model.index(row, COL_LEVEL).data() == "Level 3"
    assert model.index(row, COL_ELSEWHERE).data() == "1 other open contact"
    # Not by colour alone: an icon beside the words, and the words to a screen reader.
    assert not model.index(row, COL_ELSEWHERE).data(Qt.ItemDataRole.DecorationRole).isNull()
    spoken = model.index(row, COL_ELSEWHERE).data(Qt.ItemDataRole.AccessibleTextRole)
    assert spoken == "Also open: 1 other open contact"


def _choose(qtbot, combo, wanted) -> None:
    """Move a focused combo box with the Down key until it shows ``wanted``."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentData() == wanted:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == wanted


def test_manager_reallocates_through_the_dialog(
    qtbot, manager_session, gui_desk, gui_actors, tmp_path
):
    p, p2 = gui_actors["practitioner"], gui_actors["practitioner2"]
    cc = log_one(gui_desk, p, given="Rae", family="Moved").children[0]
    gui_desk.allocation.take(p, "contact", cc.id, cc.version)
    window = _window(qtbot, manager_session, tmp_path)
    qtbot.waitUntil(lambda: len(_rows(window)) == 1, timeout=10_000)
    _select(qtbot, window, "Rae Moved")
    qtbot.keyClick(window, Qt.Key.Key_L, CTRL_SHIFT)
    qtbot.waitUntil(lambda: isinstance(window.allocation.dialog, AllocateDialog), timeout=5000)
    dialog = window.allocation.dialog
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled(), timeout=10_000)
    assert "held by Test Practitioner" in dialog.ui.subjectLabel.text()
    _choose(qtbot, dialog.ui.worker, p2.user_id)
    # No reason: refused at the reason field, nothing saved.
    qtbot.keyClick(dialog, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.error_text("reason") != "", timeout=10_000)
    assert "say why" in dialog.error_text("reason")
    assert QApplication.focusWidget() is dialog.ui.reason
    assert _worker_cell(window, "Rae Moved") == "Test Practitioner"
    qtbot.keyClicks(dialog.ui.reason, "Covering while Test Practitioner is on leave")
    qtbot.keyClick(dialog, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(
        lambda: _worker_cell(window, "Rae Moved") == "Test Practitioner2", timeout=10_000
    )
    assert "reallocated to Test Practitioner2" in window.statusBar().currentMessage()


def test_workload_view_counts_and_enter_filters_the_queue(
    qtbot, manager_session, gui_desk, gui_actors, tmp_path
):
    p = gui_actors["practitioner"]
    for given, rag, due in (
        ("Ann", "red", NOW - timedelta(hours=1)),
        ("Bo", "amber", NOW + timedelta(hours=3)),
    ):
        cc = log_one(gui_desk, p, given=given, family="Load", rag=rag, rag_reason="r").children[0]
        taken = gui_desk.allocation.take(p, "contact", cc.id, cc.version).value
        with gui_desk.db.transaction() as s:
            s.execute(
                update(ContactChild).where(ContactChild.id == taken.item_id).values(due_at=due)
            )
    log_one(gui_desk, p, given="Cy", family="Free", rag="green", rag_reason="r")
    window = _window(qtbot, manager_session, tmp_path)
    qtbot.waitUntil(lambda: len(_rows(window)) == 3, timeout=10_000)
    qtbot.keyClick(window, Qt.Key.Key_W, CTRL_SHIFT)
    view = window.tabs.currentWidget()
    assert isinstance(view, WorkloadView)
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=10_000)
    # open, red, amber, green, not rated, due today, overdue
    assert view.figures("Test Practitioner") == (2, 1, 1, 0, 0, 1, 1)
    assert view.figures("Unallocated") == (1, 0, 0, 1, 0, 0, 0)
    assert view.figures("Test Manager") == (0,) * 7
    # Enter on the practitioner's row shows their work in the queue.
    view.table.setFocus()
    for _ in range(view.model.rowCount()):
        if view.table.currentIndex().siblingAtColumn(0).data() == "Test Practitioner":
            break
        qtbot.keyClick(view.table, Qt.Key.Key_Down)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert window.tabs.currentIndex() == 0
    qtbot.waitUntil(
        lambda: (
            sorted(r.child_name for r in _rows(window)) == ["Ann Load", "Bo Load"]
            and not window.queue.model.loading
        ),
        timeout=10_000,
    )
    assert window.queue.current_filter().worker_id == p.user_id


def test_take_this_in_a_case_tab_adds_the_allocation_to_its_chronology(qtbot, session, tmp_path):
    from mash_desk.gui.case_view import CaseView

    log_one(session.desk, session.actor, given="Uma", family="Case", rag="green", rag_reason="r")
    window = _window(qtbot, session, tmp_path)
    qtbot.waitUntil(lambda: len(_rows(window)) == 1, timeout=10_000)
    _select(qtbot, window, "Uma Case")
    qtbot.keyClick(window.queue.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.tabs.count() == 2, timeout=5000)
    case = window.tabs.currentWidget().findChild(CaseView)
    qtbot.waitUntil(lambda: case.case is not None, timeout=10_000)
    qtbot.keyClick(window, Qt.Key.Key_T, CTRL_SHIFT)
    qtbot.waitUntil(
        lambda: case.case is not None and any(e.kind == "allocation" for e in case.case.events),
        timeout=10_000,
    )
    event = next(e for e in case.case.events if e.kind == "allocation")
    assert event.summary == "Took the contact (MASH team A)"
    assert _worker_cell(window, "Uma Case") == "Test Practitioner"
