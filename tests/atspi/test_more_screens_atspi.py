"""The rest of the desk's screens as a screen-reader user meets them, over the real AT-SPI bus.

Meeting mode (attendance, agenda, chair's view, decision form), the outcome dialog, the
allocate dialog, the workload view, the find-a-child dialog, the possible-duplicates view, the
idle lock screen and the routing dialog, each read as ``test_screens_atspi.py`` reads the
others: no interactive object without a name, status lines read as their text, one Tab out of
every table, list and tree, and (outcome dialog, decision form, lock screen, allocate and
routing dialogs) a problem both announced and put on its field.
"""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from mash_desk.gui.allocate_dialog import AllocateDialog
from mash_desk.gui.duplicates_view import DuplicatesView
from mash_desk.gui.find_child import FindChildDialog
from mash_desk.gui.meeting_mode import MeetingMode
from mash_desk.gui.outcome_dialog import OutcomeDialog
from mash_desk.gui.queue_model import RowRole
from mash_desk.gui.routing_dialog import RoutingDialog
from mash_desk.gui.workload_view import WorkloadView
from mash_desk.synthetic import DEMO_PRACTITIONER
from mash_desk.synthetic.users import DEMO_CHAIR, DEMO_MANAGER
from tests.atspi.conftest import ScreenReader, demo_session
from tests.atspi.test_screens_atspi import (
    ANNOUNCEMENT,
    _settle,
    _window,
    assert_every_view_lets_tab_out,
    find,
    focused,
    showing,
    unnamed_controls,
)

pytestmark = [
    pytest.mark.atspi,
    pytest.mark.skipif(
        os.environ.get("MASH_DESK_ATSPI") != "1",
        reason="needs the accessibility bus: bash scripts/atspi-tests.sh",
    ),
]


def _activate(qtbot, widget: QWidget) -> None:
    widget.show()
    qtbot.waitExposed(widget)
    widget.raise_()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=10_000)


def _reads_as_text(tree: list[dict], label) -> dict:
    """The label's AT-SPI object: its name is the text on screen (no fixed name hides it)."""
    text = label.text().strip()
    assert text, label.objectName()
    nodes = [n for n in showing(tree) if n["role"] == "label" and n["name"].strip() == text]
    assert nodes, f"{label.objectName()!r} does not read as {text!r}"
    return nodes[0]


def _announced(reader: ScreenReader, words: str, timeout: int = 20_000) -> dict:
    return reader.wait_event(
        lambda e: e["event"] == ANNOUNCEMENT and words in str(e["data"]), timeout=timeout
    )


def _contact_row(window):
    model = window.queue.model
    return next(
        model.index(r, 0).data(RowRole)
        for r in range(model.rowCount())
        if model.index(r, 0).data(RowRole).kind == "contact"
    )


def _select(window, row) -> None:
    model = window.queue.model
    for r in range(model.rowCount()):
        if model.index(r, 0).data(RowRole) is row:
            window.queue.table.selectRow(r)
            return
    raise AssertionError("row not in the queue")


# -- meeting mode ---------------------------------------------------------------------------


def test_meeting_mode(qtbot, demo_desk, reader, tmp_path):
    session = demo_session(demo_desk, DEMO_CHAIR)
    window = _window(qtbot, session, tmp_path)
    mode = window.open_meeting()
    assert isinstance(mode, MeetingMode)
    qtbot.waitUntil(lambda: mode.meeting is not None and mode.document is not None, timeout=20_000)
    qtbot.waitUntil(lambda: mode.agenda_list.count() > 0, timeout=20_000)
    _settle(qtbot, session)
    tree = reader.tree()
    assert unnamed_controls(tree) == []
    # The quorum line names agencies in words, and is read as its text.
    quorum = _reads_as_text(tree, mode.quorum_label)
    assert "quorate" in quorum["name"].lower()
    for label in (mode.progress_label, mode.child_label):
        _reads_as_text(tree, label)
    # The chair's view: four named panes whose text a screen reader reads.
    panes = [
        n
        for n in showing(tree)
        if n["name"] in ("Concern narratives", "Agency returns", "History", "Threshold assessment")
        and n["role"] == "text"
    ]
    assert len(panes) == 4, panes
    assert all(p["text"] and p["text"].strip() for p in panes), panes
    assert assert_every_view_lets_tab_out(qtbot, reader, mode) >= 3

    # A decision saved without its outcome: announced, and said on the field.
    reader.listen(ANNOUNCEMENT)
    mode.rationale.setPlainText("")
    mode.save_draft()
    _settle(qtbot, session)
    qtbot.waitUntil(lambda: any(m.message for m in mode.messages.values()), timeout=20_000)
    shown = next(m for m in mode.messages.values() if m.message)
    _announced(reader, shown.message)
    tree = reader.tree()
    field = [n for n in showing(tree) if shown.message in n["description"]]
    assert field and field[0]["role"] in ("combo box", "text", "check box", "list"), field
    session.tasks.wait(10_000)


# -- the outcome dialog ----------------------------------------------------------------------


def test_outcome_dialog(qtbot, demo_desk, reader, tmp_path):
    session = demo_session(demo_desk, DEMO_PRACTITIONER)
    window = _window(qtbot, session, tmp_path)
    qtbot.waitUntil(lambda: window.queue.model.rowCount() > 5, timeout=20_000)
    _select(window, _contact_row(window))
    dialog = window.record_outcome()
    assert isinstance(dialog, OutcomeDialog)
    dialog.confirm_discard = lambda: True
    qtbot.waitUntil(lambda: dialog.loaded, timeout=20_000)
    _activate(qtbot, dialog)
    _settle(qtbot, session)
    tree = reader.tree()
    assert unnamed_controls(tree) == []
    for label in (dialog.ui.childLabel, dialog.ui.consentRule):
        _reads_as_text(tree, label)

    # Nothing ticked: the problem is announced and put on the first outcome.
    reader.listen(ANNOUNCEMENT)
    dialog.save()
    qtbot.waitUntil(lambda: dialog.message("outcomes") != "", timeout=20_000)
    message = dialog.message("outcomes")
    _announced(reader, message)
    tree = reader.tree()
    nfa = find(tree, role="check box", name=dialog.ui.nfaCheck.accessibleName())
    assert message in nfa["description"] and "focused" in nfa["states"]
    assert find(tree, role="label", name=f"Problem: {message}")
    _reads_as_text(tree, dialog.ui.statusLabel)
    dialog.reject()
    session.tasks.wait(10_000)


# -- allocation and workload ------------------------------------------------------------------


def test_allocate_dialog_and_workload_view(qtbot, demo_desk, reader, tmp_path):
    session = demo_session(demo_desk, DEMO_MANAGER)
    window = _window(qtbot, session, tmp_path)
    qtbot.waitUntil(lambda: window.queue.model.rowCount() > 5, timeout=20_000)
    _settle(qtbot, session)
    _select(window, _contact_row(window))
    window.allocation.allocate()
    qtbot.waitUntil(lambda: isinstance(window.allocation.dialog, AllocateDialog), timeout=5000)
    dialog = window.allocation.dialog
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled(), timeout=20_000)
    _activate(qtbot, dialog)
    tree = reader.tree()
    assert unnamed_controls(tree) == []
    _reads_as_text(tree, dialog.ui.subjectLabel)

    # No worker chosen: announced, and on the field.
    reader.listen(ANNOUNCEMENT)
    dialog.save()
    qtbot.waitUntil(
        lambda: any(dialog.error_text(f) for f in ("worker", "reason", "form")), timeout=20_000
    )
    field = next(f for f in ("worker", "reason", "form") if dialog.error_text(f))
    message = dialog.error_text(field).removeprefix("⚠ ")
    _announced(reader, message)
    if field != "form":
        tree = reader.tree()
        described = [n for n in showing(tree) if message in n["description"]]
        assert described and "focused" in described[0]["states"], described
    dialog.reject()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    _activate(qtbot, window)

    view = window.allocation.open_workload()
    assert isinstance(view, WorkloadView)
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=20_000)
    _settle(qtbot, session)
    tree = reader.tree()
    assert unnamed_controls(tree) == []
    assert find(tree, role="table", name="Workload by worker")["rows"] > 0
    qtbot.waitUntil(lambda: view.status.text() != "Loading…", timeout=20_000)
    _reads_as_text(reader.tree(), view.status)
    assert assert_every_view_lets_tab_out(qtbot, reader, view) >= 1
    session.tasks.wait(10_000)


# -- records: find a child, possible duplicates -----------------------------------------------


def test_find_child_and_possible_duplicates(qtbot, demo_desk, reader, tmp_path):
    session = demo_session(demo_desk, DEMO_MANAGER)
    window = _window(qtbot, session, tmp_path)
    _settle(qtbot, session)
    finder = window.records.find_child()
    assert isinstance(finder, FindChildDialog)
    _activate(qtbot, finder)
    child = next(r for r in _rows(window) if r.child_name)
    family = child.child_name.split()[-1]
    qtbot.keyClicks(finder.ui.searchEdit, family)
    qtbot.keyClick(finder.ui.searchEdit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not finder.searching and finder.model.rowCount() > 0, timeout=20_000)
    tree = reader.tree()
    assert unnamed_controls(tree) == []
    assert find(tree, role="table", name=finder.ui.resultsTable.accessibleName())["rows"] > 0
    _reads_as_text(tree, finder.ui.messageLabel)
    assert assert_every_view_lets_tab_out(qtbot, reader, finder) >= 1
    finder.hide()
    _activate(qtbot, window)

    duplicates = window.records.possible_duplicates()
    assert isinstance(duplicates, DuplicatesView)
    _activate(qtbot, duplicates)
    qtbot.waitUntil(lambda: not duplicates.loading, timeout=20_000)
    _settle(qtbot, session)
    tree = reader.tree()
    assert unnamed_controls(tree) == []
    _reads_as_text(tree, duplicates.ui.messageLabel)
    assert assert_every_view_lets_tab_out(qtbot, reader, duplicates) >= 1
    duplicates.hide()
    session.tasks.wait(10_000)


def _rows(window):
    model = window.queue.model
    return [model.index(r, 0).data(RowRole) for r in range(model.rowCount())]


# -- the idle lock screen -----------------------------------------------------------------------


def test_idle_lock_screen(qtbot, demo_desk, reader, tmp_path):
    session = demo_session(demo_desk, DEMO_PRACTITIONER)
    window = _window(qtbot, session, tmp_path)
    _settle(qtbot, session)
    window.lock.lock()
    screen = window.lock.screen
    field = screen.ui.password
    qtbot.waitUntil(lambda: window.focusWidget() is field, timeout=10_000)
    tree = reader.tree()
    assert unnamed_controls(tree) == []
    assert focused(tree)["role"] == "password text"

    reader.listen(ANNOUNCEMENT)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Type your password" in screen.ui.message.text(), timeout=10_000)
    message = screen.ui.message.text().removeprefix("⚠ ").strip()
    _announced(reader, message)
    tree = reader.tree()
    _reads_as_text(tree, screen.ui.message)
    password = focused(tree)
    assert password["role"] == "password text" and message in password["description"]
    session.tasks.wait(10_000)


# -- the routing dialog -------------------------------------------------------------------------


def test_routing_dialog(qtbot, demo_desk, reader, tmp_path):
    session = demo_session(demo_desk, DEMO_PRACTITIONER)
    window = _window(qtbot, session, tmp_path)
    qtbot.waitUntil(lambda: window.queue.model.rowCount() > 5, timeout=20_000)
    row = next(r for r in _rows(window) if r.person_id is not None)
    dialog = RoutingDialog(session, row.person_id, parent=window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    qtbot.addWidget(dialog)
    _activate(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.loaded and dialog.person is not None, timeout=20_000)
    _settle(qtbot, session)
    tree = reader.tree()
    assert unnamed_controls(tree) == []
    _reads_as_text(tree, dialog.child_label)
    assert_every_view_lets_tab_out(qtbot, reader, dialog)

    reader.listen(ANNOUNCEMENT)
    dialog.save_routing()
    qtbot.waitUntil(lambda: any(m.message for m in dialog.messages.values()), timeout=20_000)
    shown = next(m for m in dialog.messages.values() if m.message)
    _announced(reader, shown.message)
    tree = reader.tree()
    described = [n for n in showing(tree) if shown.message in n["description"]]
    assert described, shown.message
    assert QApplication.focusWidget() is not None
    dialog.reject()
    session.tasks.wait(10_000)
