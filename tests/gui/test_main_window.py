"""The main window end to end: keyboard-first work, privacy, drafts, and no freezing."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QSplitter

from mash_desk.domain.enums import Rag
from mash_desk.gui.app import offer_drafts_when_keyed
from mash_desk.gui.case_view import CaseView
from mash_desk.gui.contact_form import ContactForm
from mash_desk.gui.drafts import DraftStore
from mash_desk.gui.main_window import MainWindow
from mash_desk.gui.queue_model import COL_TIME_LEFT, RowRole
from mash_desk.gui.session import DeskSession
from mash_desk.gui.threshold_panel import ThresholdPanel
from mash_desk.services.inputs import ChildOnContact, NewContact
from tests.conftest import NOW
from tests.gui.test_contact_form import keyboard_two_children
from tests.support.helpers import log_one


@pytest.fixture
def drafts_dir(tmp_path: Path) -> Path:
    return tmp_path / "drafts"


@pytest.fixture
def window(qtbot, session, drafts_dir) -> MainWindow:
    made = MainWindow(session, drafts_dir=drafts_dir)
    qtbot.addWidget(made)
    made.show()
    return made


def queue_rows(window: MainWindow) -> list:
    model = window.queue.model
    return [model.index(r, 0).data(RowRole) for r in range(model.rowCount())]


def current_form(window: MainWindow) -> ContactForm:
    widget = window.tabs.currentWidget()
    assert isinstance(widget, ContactForm)
    return widget


def test_window_opens_on_the_queue_with_who_and_where(window, session):
    assert window.tabs.tabText(0) == "Work queue"
    assert "Test Practitioner (MASH practitioner)" in window.windowTitle()
    assert not window.banner.isVisible()


def test_demo_desk_is_clearly_labelled_and_offers_roles(qtbot, session, drafts_dir):
    session.demo = True
    made = MainWindow(session, switch_role=lambda _username: None, drafts_dir=drafts_dir)
    qtbot.addWidget(made)
    made.show()
    assert made.windowTitle().startswith("[DEMO]")
    assert made.banner.isVisible() and "DEMO DATABASE" in made.banner.text()
    menus = [a.text() for a in made.menuBar().actions()]
    assert "&Demo" in menus


def test_keyboard_only_contact_reaches_the_queue_with_its_deadlines(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = current_form(window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.ui.channel, timeout=3000)
    keyboard_two_children(qtbot, form)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not form.has_unsaved_work(), timeout=10_000)
    # F8 goes back to the queue (next item), which refreshed itself after the save.
    qtbot.keyClick(window, Qt.Key.Key_F8)
    assert window.tabs.currentIndex() == 0
    qtbot.waitUntil(lambda: len(queue_rows(window)) == 2, timeout=10_000)
    rows = {row.rag: row for row in queue_rows(window)}
    assert rows[Rag.AMBER].due_at == NOW + timedelta(days=1)
    assert rows[Rag.RED].due_at == NOW + timedelta(hours=4)
    assert rows[Rag.RED].expected_delivery is not None
    red_line = next(
        r for r in range(window.queue.model.rowCount()) if queue_rows(window)[r].rag is Rag.RED
    )
    time_left = window.queue.model.index(red_line, COL_TIME_LEFT).data()
    assert time_left.startswith("4 h")


def test_enter_on_a_queue_row_opens_the_case_with_the_threshold_panel(
    qtbot, gui_desk, gui_actors, drafts_dir, session
):
    log_one(gui_desk, gui_actors["practitioner"], rag="amber", rag_reason="School concern")
    made = MainWindow(session, drafts_dir=drafts_dir)
    qtbot.addWidget(made)
    made.show()
    qtbot.waitUntil(lambda: len(queue_rows(made)) == 1, timeout=10_000)
    made.queue.select_next()
    qtbot.keyClick(made.queue.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: made.tabs.count() == 2, timeout=5000)
    splitter = made.tabs.widget(1)
    assert isinstance(splitter, QSplitter)
    assert splitter.findChild(CaseView) is not None
    panel = splitter.findChild(ThresholdPanel)
    assert panel is not None
    qtbot.waitUntil(
        lambda: panel.subject is not None and panel.document is not None, timeout=10_000
    )
    # Ctrl+W closes the case again; the queue itself cannot be closed.
    made.tabs.setCurrentIndex(1)
    qtbot.keyClick(made, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert made.tabs.count() == 1
    assert not made.close_tab(0)


def test_privacy_key_blanks_the_window_at_once(qtbot, window):
    title = window.windowTitle()
    qtbot.keyClick(window, Qt.Key.Key_F12)
    assert window.curtain.isVisible() and window.windowTitle() == "MASH Desk"
    qtbot.keyClick(window.curtain, Qt.Key.Key_F12)
    assert not window.curtain.isVisible() and window.windowTitle() == title


def test_a_slow_service_keeps_the_window_responsive_and_shows_progress(
    qtbot, session, drafts_dir, gui_desk, gui_actors, monkeypatch
):
    log_one(gui_desk, gui_actors["practitioner"])
    real_page = session.desk.queue.page

    def slow_page(*args, **kwargs):
        time.sleep(1.5)
        return real_page(*args, **kwargs)

    monkeypatch.setattr(session.desk.queue, "page", slow_page)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    made = MainWindow(session, drafts_dir=drafts_dir)
    qtbot.addWidget(made)
    made.show()
    qtbot.waitUntil(lambda: made._progress.isVisible(), timeout=2000)
    assert made._busy_label.text()
    qtbot.waitUntil(lambda: len(queue_rows(made)) == 1, timeout=10_000)
    timer.stop()
    assert len(ticks) >= 40  # 1.5 s of slow work; the event loop turned throughout
    qtbot.waitUntil(lambda: not made._progress.isVisible(), timeout=2000)


def test_contacts_left_by_a_crash_are_offered_back(qtbot, session, drafts_dir, window):
    store = DraftStore(drafts_dir, session.actor.username)
    form = ContactForm(session, drafts_dir=drafts_dir)
    qtbot.addWidget(form)
    form.ui.concerns.setPlainText("Neighbour heard a baby crying for hours")
    data = form.to_draft()
    draft_id = store.new_id()
    store.save(draft_id, data, kind="contact", summary="Neighbour")
    assert [d.id for d in store.pending()] == [draft_id]
    restored = window.offer_drafts(ask=lambda count: count == 1)
    assert restored == 1
    restored_form = current_form(window)
    assert restored_form.ui.concerns.toPlainText() == "Neighbour heard a baby crying for hours"
    qtbot.waitUntil(lambda: draft_id not in [d.id for d in store.pending()], timeout=3000)
    restored_form.ask_unsaved = lambda: "discard"
    form.ask_unsaved = lambda: "discard"


def test_the_first_page_is_shown_while_the_drafts_key_is_still_being_found(
    qtbot, session, drafts_dir, monkeypatch
):
    # A contact left by a crash, sealed with this desk's drafts key.
    log_one(session.desk, session.actor)
    store = session.draft_store(drafts_dir)
    store.save(store.new_id(), {"concerns": "Left when the desk stopped"}, kind="contact")
    # The next start: finding the key is slow (a server desk without a keyring runs Argon2).
    found = threading.Event()
    real_key = session.desk.draft_key

    def slow_key(folder: Path) -> bytes | None:
        assert found.wait(30), "the key was never let through"
        return real_key(folder)

    monkeypatch.setattr(session.desk, "draft_key", slow_key)
    later = DeskSession(session.desk, session.actor, session.tasks, database_label="test")
    made = MainWindow(later, drafts_dir=drafts_dir)
    qtbot.addWidget(made)
    asked: list[int] = []
    offered: list[int] = []
    monkeypatch.setattr(
        made,
        "offer_drafts",
        lambda: offered.append(
            MainWindow.offer_drafts(made, ask=lambda count: asked.append(count) or False)
        ),
    )
    made.show()
    offer_drafts_when_keyed(made, later, drafts_dir)

    qtbot.waitUntil(lambda: len(queue_rows(made)) == 1, timeout=10_000)
    assert offered == [], "the drafts were offered before their key was found"
    found.set()
    qtbot.waitUntil(lambda: offered == [0], timeout=10_000)
    assert asked == [1], "once the key was found, the crash's draft was offered"


def test_closing_with_unsaved_work_asks_and_can_be_cancelled(qtbot, window):
    form = window.new_contact()
    form.ui.concerns.setPlainText("Typed while on the phone")
    qtbot.waitUntil(form.has_unsaved_work, timeout=3000)
    form.ask_unsaved = lambda: "cancel"
    window.close()
    assert window.isVisible() and form.has_unsaved_work()
    form.ask_unsaved = lambda: "discard"
    window.close()
    assert not window.isVisible()


def open_first_contact(qtbot, made: MainWindow) -> ThresholdPanel:
    qtbot.waitUntil(lambda: len(queue_rows(made)) >= 1, timeout=10_000)
    made.open_row(next(r for r in queue_rows(made) if r.kind == "contact"))
    panel = made.tabs.currentWidget().findChild(ThresholdPanel)
    qtbot.waitUntil(
        lambda: panel.subject is not None and panel.document is not None, timeout=10_000
    )
    return panel


def test_unsaved_screening_is_not_lost_when_the_tab_closes(qtbot, window, gui_desk, gui_actors):
    log_one(gui_desk, gui_actors["practitioner"])
    window.refresh_queue()
    panel = open_first_contact(qtbot, window)
    assert panel.isEnabled()
    panel.set_ticked("l2-bullying", True)
    asked = []
    panel.ask_unsaved = lambda: asked.append(1) or "cancel"
    assert not window.close_tab(1)
    assert asked and window.tabs.count() == 2
    panel.ask_unsaved = lambda: "discard"
    assert window.close_tab(1) and window.tabs.count() == 1


def test_a_saved_screening_is_not_written_twice(qtbot, window, gui_desk, gui_actors):
    log_one(gui_desk, gui_actors["practitioner"])
    window.refresh_queue()
    panel = open_first_contact(qtbot, window)
    panel.set_ticked("l2-bullying", True)
    panel.save()
    qtbot.waitUntil(lambda: not panel.has_unsaved_work(), timeout=10_000)
    panel.save()
    assert "Already saved" in panel.status_label.text()
    person = panel.subject.person.id
    assert len(gui_desk.thresholds.assessments(gui_actors["practitioner"], person)) == 1


def test_each_open_contact_of_a_child_gets_its_own_tab(qtbot, window, gui_desk, gui_actors):
    first = log_one(gui_desk, gui_actors["practitioner"]).children[0]
    gui_desk.contacts.log(
        gui_actors["practitioner"],
        NewContact(
            children=(ChildOnContact(person_id=first.person.id),),
            received_at=None,
            channel="phone",
            referral_source="3B",
            concerns="Health visitor: second concern about the same child.",
        ),
    )
    window.refresh_queue()
    qtbot.waitUntil(lambda: len(queue_rows(window)) == 2, timeout=10_000)
    for row in queue_rows(window):
        window.open_row(row)
    assert window.tabs.count() == 3
    subjects = set()
    for index in (1, 2):
        panel = window.tabs.widget(index).findChild(ThresholdPanel)
        qtbot.waitUntil(lambda p=panel: p.subject is not None, timeout=10_000)
        subjects.add(panel.subject.contact_id)
    assert len(subjects) == 2


def test_under_the_privacy_screen_no_shortcut_acts_and_focus_comes_back(qtbot, window):
    form = window.new_contact()
    form.ui.concerns.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.ui.concerns, timeout=3000)
    window.toggle_privacy()
    qtbot.keyClick(window.curtain, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.count() == 2  # Ctrl+N did not open another form
    window.toggle_privacy()
    assert QApplication.focusWidget() is form.ui.concerns
    assert window.new_contact_action.isEnabled()
    form.ask_unsaved = lambda: "discard"


def test_f8_then_enter_opens_the_contact_with_the_keyboard_in_the_indicator_search(
    qtbot, window, gui_desk, gui_actors
):
    log_one(gui_desk, gui_actors["practitioner"], rag="amber", rag_reason="School concern")
    window.refresh_queue()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.waitUntil(lambda: len(queue_rows(window)) == 1, timeout=10_000)
    # From wherever the keyboard is (here the tab bar), F8 selects the row and goes with it.
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F8)
    assert QApplication.focusWidget() is window.queue.table
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.tabs.count() == 2, timeout=5000)
    panel = window.tabs.currentWidget().findChild(ThresholdPanel)
    # Opened to be screened: typing searches the indicators straight away.
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.search, timeout=10_000)
    qtbot.keyClicks(panel.search, "alcohol")
    assert "l3-parent-substance-affecting-care" in panel.visible_indicator_ids()
