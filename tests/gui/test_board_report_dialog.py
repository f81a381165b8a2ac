"""Figures ▸ Board report…: a manager saves the month's board report from the desk."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from mash_desk.gui.board_report_dialog import BoardReportDialog, months_before
from tests.conftest import NOW
from tests.gui.conftest import session_as
from tests.services.measures_fixture import TEAM_A, build


@pytest.fixture
def dialog(qtbot, manager_session, gui_actors) -> BoardReportDialog:
    build(manager_session.desk, gui_actors["manager"].user_id)
    made = BoardReportDialog(manager_session)
    qtbot.addWidget(made)
    made.show()
    with qtbot.waitSignal(made.teams_loaded, timeout=10_000):
        pass
    return made


def test_the_months_offered_are_whole_months_newest_first():
    assert months_before(NOW.date(), 3) == [
        NOW.date().replace(day=1, month=10),
        NOW.date().replace(day=1, month=9),
        NOW.date().replace(day=1, month=8),
    ]


def test_a_manager_saves_last_months_pdf_for_the_board(qtbot, dialog, tmp_path: Path):
    assert dialog.ui.month.currentText() == "October 2026"  # the last whole month
    assert dialog.ui.team.findData(TEAM_A) > 0  # teams from the work itself
    with qtbot.waitSignal(dialog.saved, timeout=60_000) as saved:
        dialog.save_to(tmp_path / "board")
    out = tmp_path / "board.pdf"
    assert saved.args[0].where == str(out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "MASH board report — October 2026" in PdfReader(out).pages[0].extract_text()
    assert f"Saved the board report for October 2026 to {out}." == dialog.ui.status.text()


def test_the_workbook_of_one_team(qtbot, dialog, tmp_path: Path):
    dialog.ui.xlsx.setChecked(True)
    dialog.ui.team.setCurrentIndex(dialog.ui.team.findData(TEAM_A))
    with qtbot.waitSignal(dialog.saved, timeout=60_000) as saved:
        dialog.save_to(tmp_path / "board.pdf")  # the extension follows the chosen format
    assert saved.args[0].team == TEAM_A
    book = load_workbook(tmp_path / "board.xlsx")
    assert f"{TEAM_A};" in str(book["Summary"]["A2"].value)


def test_a_practitioner_is_told_why_not(qtbot, gui_desk, gui_actors, tmp_path: Path):
    for session in session_as(qtbot, gui_desk, gui_actors["practitioner"]):
        made = BoardReportDialog(session)
        qtbot.addWidget(made)
        qtbot.waitUntil(lambda m=made: m.error_text("form") != "", timeout=10_000)
        assert "may not" in made.error_text("form").lower()
        made.save_to(tmp_path / "board.pdf")
        qtbot.waitUntil(lambda m=made: m.save_button.isEnabled(), timeout=30_000)
        assert not (tmp_path / "board.pdf").exists()


def test_the_dashboard_opens_it_on_the_month_it_shows(qtbot, manager_session, gui_actors):
    from PySide6.QtCore import Qt

    from mash_desk.gui.dashboard_view import DashboardView

    build(manager_session.desk, gui_actors["manager"].user_id)
    view = DashboardView(manager_session)
    qtbot.addWidget(view)
    view.show()
    qtbot.mouseClick(view.ui.boardButton, Qt.MouseButton.LeftButton)
    dialog = view.board_dialog
    assert isinstance(dialog, BoardReportDialog) and dialog.isVisible()
    # The dashboard opens on this month, not over yet: the report offers the last whole one.
    assert dialog.ui.month.currentText() == "October 2026"
    dialog.ui.month.setCurrentIndex(1)
    dialog.close()
    index = view.ui.monthCombo.findText("September 2026")
    view.ui.monthCombo.setCurrentIndex(index)
    qtbot.mouseClick(view.ui.boardButton, Qt.MouseButton.LeftButton)
    assert view.board_dialog.ui.month.currentText() == "September 2026"
