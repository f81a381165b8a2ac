"""The conference dialog's second choice: the s47 enquiry concluded with no conference needed."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication

from tests.gui.test_case_view import _conference_dialog


def test_no_conference_needed_with_date_and_reason_shows_in_the_case(
    qtbot, session, gui_actors, clock
):
    view, dialog = _conference_dialog(qtbot, session, gui_actors, clock, date(2026, 12, 11))
    assert not dialog.reason_edit.isVisible()  # "Conference held" is the default choice
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.held_on_edit)
    qtbot.keyClick(dialog.held_on_edit, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    # Qt clicks a button chosen by its mnemonic after a short animation.
    qtbot.waitUntil(lambda: dialog.no_conference)
    assert dialog.reason_edit.isVisible()
    assert dialog.date_label.text() == "Enquiry c&oncluded on:"
    # No reason and a future date: both messages beside their fields, nothing saved.
    dialog.held_on_edit.setDate(QDate(2026, 12, 12))
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.message() != "", timeout=10_000)
    assert dialog.message() == "The date the enquiry concluded is in the future"
    assert dialog.reason_message.message != "" and dialog.isVisible()
    assert session.desk.strategy.overdue_icpc(gui_actors["chair"])  # still owed
    dialog.held_on_edit.setDate(QDate(2026, 12, 4))
    dialog.reason_edit.setPlainText("Enquiry found the injury accidental; no continuing risk.")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "No conference needed" in view.decisions_text(), timeout=10_000)
    assert not dialog.isVisible()
    text = view.decisions_text()
    assert "✔ No conference needed — s47 concluded 04 Dec 2026" in text
    assert "Enquiry found the injury accidental; no continuing risk." in text
    assert "(recorded by Test Chair on Fri 11 Dec 2026 10:00)" in text
    assert "OVERDUE" not in text and "no conference recorded" not in text
    assert view.tabs.tabText(1) == "D&ecisions and routing"
    assert not view.conference_button.isEnabled()
    assert session.desk.strategy.overdue_icpc(gui_actors["chair"]) == ()
