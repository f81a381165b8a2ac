"""Find a child (Ctrl+L) and possible duplicates (Ctrl+Shift+U), by keyboard, in the real window.

Includes issue 12's done-when test (b): a practitioner finds, by NHS number, a child whose
work closed two years ago and reads the history in the case view — keyboard only.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mash_desk.gui.case_view import CaseView
from mash_desk.gui.duplicates_view import DuplicatesView
from mash_desk.gui.find_child import FindChildDialog
from mash_desk.gui.main_window import MainWindow
from mash_desk.gui.printing import PrintPreviewDialog
from mash_desk.services.checks import CheckRequestInput
from mash_desk.storage.models import AccessLogEntry
from tests.services.test_checks import make_referral
from tests.services.test_search import closed_two_years_ago
from tests.support.helpers import VALID_NHS, log_one

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def main_window(qtbot, session) -> MainWindow:
    window = MainWindow(session, drafts_dir=None)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    return window


def focused():
    return QApplication.focusWidget()


def open_finder(qtbot, window) -> FindChildDialog:
    qtbot.keyClick(window, Qt.Key.Key_L, CTRL)
    dialog = window.records.finder
    assert isinstance(dialog, FindChildDialog)
    qtbot.waitUntil(lambda: focused() is dialog.ui.searchEdit, timeout=5000)
    return dialog


def search_for(qtbot, dialog: FindChildDialog, text: str) -> None:
    qtbot.keyClicks(dialog.ui.searchEdit, text)
    qtbot.keyClick(dialog.ui.searchEdit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.searching, timeout=10_000)


def test_practitioner_finds_a_child_closed_two_years_ago_by_nhs_number_and_reads_the_history(
    qtbot, session, gui_desk, gui_actors, clock
):
    old = closed_two_years_ago(gui_desk, clock, gui_actors)
    window = main_window(qtbot, session)
    dialog = open_finder(qtbot, window)
    search_for(qtbot, dialog, "943 476 5919")
    # One result, saying what is known; the focus is on it, so Enter opens it.
    assert dialog.model.rowCount() == 1
    known = dialog.model.index(0, 4).data()
    assert known.startswith("Closed — decided on ") and "last contact" in known
    assert dialog.model.index(0, 0).data() == "Amira HASSAN"
    assert focused() is dialog.ui.resultsTable
    assert access_rows(gui_desk) == []  # a search is not a look at the child's record
    qtbot.keyClick(dialog.ui.resultsTable, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.tabs.count() == 2, timeout=10_000)
    assert not dialog.isVisible()
    assert window.tabs.tabText(1).startswith("Amira HASSAN")
    case_view = window.tabs.currentWidget().findChild(CaseView)
    qtbot.waitUntil(lambda: case_view.case is not None, timeout=15_000)
    assert case_view.person_id == old.person_id
    # The history, by keyboard: the case opens with the focus on its sections; Tab goes
    # through the event-kind boxes and the filter into the events, the arrow keys through
    # them, and the selected event reads in full below.
    qtbot.waitUntil(lambda: focused() is case_view.tabs.tabBar(), timeout=5000)
    for _ in range(30):
        if focused() is case_view.table:
            break
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is case_view.table
    read = []
    for _ in range(case_view.proxy.rowCount()):
        qtbot.keyClick(case_view.table, Qt.Key.Key_Down)
        read.append(case_view.detail.toPlainText())
    text = "\n".join(read)
    assert case_view.proxy.rowCount() >= 4
    assert "2024" in text
    kinds = {case_view.model.event_at(r).kind for r in range(case_view.model.rowCount())}
    assert {"contact", "rag", "outcome", "referral"} <= kinds
    # Closed and decided: the decision is on the case, and its memo reprints with Ctrl+P.
    [referral] = case_view.case.referrals
    assert referral.latest_signed is not None and referral.latest_signed.id == old.decision.id
    qtbot.keyClick(case_view.table, Qt.Key.Key_P, CTRL)
    preview = next(w for w in QApplication.topLevelWidgets() if isinstance(w, PrintPreviewDialog))
    qtbot.waitUntil(lambda: preview.print_button.isEnabled(), timeout=20_000)
    assert preview.decision_id == old.decision.id
    preview.close()
    assert "case.view" in access_rows(gui_desk)  # opening the case logged the look


def access_rows(desk) -> list[str]:
    with desk.db.reading() as s:
        return [e.what for e in s.query(AccessLogEntry).all()]


def test_bad_nhs_number_is_named_and_the_field_gets_the_focus(qtbot, session):
    window = main_window(qtbot, session)
    dialog = open_finder(qtbot, window)
    qtbot.keyClick(dialog.ui.searchEdit, Qt.Key.Key_Tab)
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is dialog.ui.nhsEdit
    qtbot.keyClicks(dialog.ui.nhsEdit, "9434765918")
    qtbot.keyClick(dialog.ui.nhsEdit, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: not dialog.searching and "check digit" in dialog.ui.messageLabel.text(),
        timeout=10_000,
    )
    assert focused() is dialog.ui.nhsEdit
    assert "check digit" in dialog.ui.nhsEdit.accessibleDescription()
    assert dialog.model.rowCount() == 0
    # A date of birth that is no date is named before anything is asked of the database.
    dialog.ui.nhsEdit.clear()
    dialog.ui.dobEdit.setText("31/02/2019")
    dialog.search()
    assert "not a date" in dialog.ui.messageLabel.text()
    assert focused() is dialog.ui.dobEdit


def test_same_household_finds_the_siblings(qtbot, session, gui_desk, gui_actors):
    p = gui_actors["practitioner"]
    first = log_one(gui_desk, p, given="Amira", family="Hassan", address="1 Elm Row")
    household = first.children[0].person.household_id
    log_one(
        gui_desk,
        p,
        given="Yusuf",
        family="Hassan",
        date_of_birth=date(2021, 3, 2),
        household_id=household,
    )
    log_one(gui_desk, p, given="Ben", family="Carter")
    window = main_window(qtbot, session)
    dialog = open_finder(qtbot, window)
    search_for(qtbot, dialog, "Amira")
    assert dialog.model.rowCount() == 1
    qtbot.keyClick(dialog, Qt.Key.Key_H, ALT)
    qtbot.waitUntil(lambda: not dialog.searching and dialog.model.rowCount() == 2, timeout=10_000)
    names = {dialog.model.index(r, 0).data() for r in range(2)}
    assert names == {"Amira HASSAN", "Yusuf HASSAN"}
    assert "Open" in dialog.model.index(0, 4).data()


def test_partner_finds_only_their_agencys_child_and_is_sent_to_the_inbox(
    qtbot, police_session, gui_desk, gui_actors
):
    p = gui_actors["practitioner"]
    ben = make_referral(gui_desk, p, "amber", given="Ben", family="Carter")
    make_referral(gui_desk, p, "amber", given="Bea", family="Carter")
    gui_desk.checks.request(p, ben.id, [CheckRequestInput("police", "Any call-outs?")])
    window = main_window(qtbot, police_session)
    assert window.records.duplicates_action is None
    dialog = open_finder(qtbot, window)
    search_for(qtbot, dialog, "Carter")
    assert dialog.model.rowCount() == 1
    assert dialog.model.index(0, 0).data() == "Ben CARTER"
    assert dialog.model.index(0, 4).data() == "Known to your agency"
    assert not dialog.ui.openButton.isEnabled()
    qtbot.keyClick(dialog.ui.resultsTable, Qt.Key.Key_Return)
    assert "agency inbox" in dialog.ui.messageLabel.text()
    assert window.tabs.count() == 1


def test_manager_merges_a_possible_duplicate_by_keyboard(
    qtbot, manager_session, gui_desk, gui_actors
):
    p = gui_actors["practitioner"]
    kept = log_one(gui_desk, p, given="Amira", family="Hassan", nhs_number=VALID_NHS)
    dup = log_one(gui_desk, p, given="Amirah", family="Hasan")
    kept_id, dup_id = kept.children[0].person.id, dup.children[0].person.id
    window = main_window(qtbot, manager_session)
    qtbot.keyClick(window, Qt.Key.Key_U, CTRL | Qt.KeyboardModifier.ShiftModifier)
    view = window.records.duplicates
    assert isinstance(view, DuplicatesView)
    qtbot.waitUntil(lambda: not view.loading and view.model.rowCount() == 1, timeout=10_000)
    assert "sounds the same" in view.model.index(0, 3).data()
    assert focused() is view.ui.pairsTable
    qtbot.keyClick(view.ui.pairsTable, Qt.Key.Key_Return)
    assert focused() is view.ui.keepCombo
    # Choose the record with the NHS number (the first record) to keep.
    combo = view.ui.keepCombo
    index = next(i for i in range(combo.count()) if combo.itemData(i).person.id == kept_id)
    while combo.currentIndex() != index:
        qtbot.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < index else Qt.Key.Key_Up)
    asked: list[str] = []
    view.confirm = lambda text: asked.append(text) or True
    qtbot.keyClick(view, Qt.Key.Key_M, ALT)
    qtbot.waitUntil(lambda: "Merged:" in view.ui.messageLabel.text(), timeout=10_000)
    [question] = asked
    assert f"Merge Amirah HASAN (person {dup_id}" in question
    assert f"into Amira HASSAN (person {kept_id}" in question
    qtbot.waitUntil(lambda: not view.loading and view.model.rowCount() == 0, timeout=10_000)
    assert gui_desk.search.resolve(p, dup_id) == kept_id


def test_declining_the_confirmation_merges_nothing(qtbot, manager_session, gui_desk, gui_actors):
    p = gui_actors["practitioner"]
    log_one(gui_desk, p, given="Amira", family="Hassan")
    log_one(gui_desk, p, given="Amirah", family="Hasan")
    window = main_window(qtbot, manager_session)
    view = window.records.possible_duplicates()
    qtbot.waitUntil(lambda: not view.loading and view.model.rowCount() == 1, timeout=10_000)
    view.confirm = lambda _text: False
    view.merge_selected()
    assert view.ui.messageLabel.text() == "Not merged."
    assert len(gui_desk.merge.duplicates(gui_actors["manager"])) == 1


def test_practitioner_has_find_but_not_duplicates(qtbot, session):
    window = main_window(qtbot, session)
    menus = {a.text(): a for m in window.menuBar().actions() for a in m.menu().actions()}
    assert menus["&Find a child…"].shortcut().toString() == "Ctrl+L"
    assert "Possible &duplicates…" not in menus
