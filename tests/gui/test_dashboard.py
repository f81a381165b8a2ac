"""The figures dashboard (issue 15 item 2) on real widgets over the hand-counted history.

``tests/services/measures_fixture.py`` places every row of October 2026 (and September, and
one November contact) on purpose; the figures below are its hand counts. The tests' clock
stands at 17 November 2026, so the dashboard opens on "November 2026 (so far)".
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.colors import to_hex
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from mash_desk.domain.errors import PermissionDenied
from mash_desk.domain.measures import MonthPeriod
from mash_desk.gui.dashboard_menu import DASHBOARD_TAB
from mash_desk.gui.dashboard_view import DashboardView
from mash_desk.gui.main_window import MainWindow
from mash_desk.gui.measure_children_dialog import MeasureChildrenDialog
from mash_desk.gui.session import DeskSession
from mash_desk.gui.theme import apply_theme
from mash_desk.services.measure_children import MEASURE_CHILDREN_VIEW, Part
from mash_desk.storage.models import AccessLogEntry
from tests.gui.conftest import session_as
from tests.services.measures_fixture import build
from tests.support.helpers import log_one

OCTOBER = date(2026, 10, 1)
NOVEMBER = date(2026, 11, 1)


@pytest.fixture
def history(gui_desk, gui_actors):
    build(gui_desk, gui_actors["manager"].user_id)
    return gui_desk


@pytest.fixture
def manager(qtbot, history, gui_actors) -> Iterator[DeskSession]:
    yield from session_as(qtbot, history, gui_actors["manager"])


@pytest.fixture
def performance(qtbot, history, gui_actors) -> Iterator[DeskSession]:
    yield from session_as(qtbot, history, gui_actors["performance"])


def _open(qtbot, session: DeskSession) -> tuple[MainWindow, DashboardView]:
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    if window._tab_of(DASHBOARD_TAB) < 0:  # noqa: SLF001 — a performance desk opens on it
        qtbot.keyClick(
            window,
            Qt.Key.Key_B,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    view = window.tabs.widget(window._tab_of(DASHBOARD_TAB))  # noqa: SLF001
    assert isinstance(view, DashboardView)
    qtbot.waitUntil(lambda: view.data is not None, timeout=20_000)
    return window, view


def _choose(qtbot, view: DashboardView, **filters) -> None:
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        view.set_filters(**filters)
        # Until the figures arrive the dashboard says it is loading them.
        assert view.status.text().startswith("Loading the figures for ")
    assert not view.status.text().startswith("Loading")


def _access_rows(desk) -> int:
    with desk.db.reading() as s:
        return s.scalar(
            select(func.count())
            .select_from(AccessLogEntry)
            .where(AccessLogEntry.what == MEASURE_CHILDREN_VIEW)
        )


def test_a_manager_sees_the_hand_counted_figures_and_the_period_filter_moves_them(qtbot, manager):
    window, view = _open(qtbot, manager)
    assert window.tabs.currentWidget() is view
    # This month so far: the one November contact.
    assert view.ui.monthCombo.currentText() == "November 2026 (so far)"
    assert view.tiles["contacts"].sentences.value == "1"
    assert "November 2026 is not over" in view.status.text()

    _choose(qtbot, view, month=OCTOBER)
    tiles = view.tiles
    assert tiles["contacts"].sentences.value == "5"
    assert tiles["referrals"].sentences.value == "4"
    decisions = tiles["referral_decisions_in_time"].sentences
    assert (decisions.value, decisions.fraction) == ("50.0 %", "2 of 4")
    assert decisions.target == "Target 100 % or higher: not met"
    assert decisions.change == "▼ Down 50.0 points from 100.0 % in Sep 2026 (worse)"
    rereferral = tiles["re_referral_rate"].sentences
    assert rereferral.target == "Target 11.5 % or lower: not met"
    assert rereferral.change.startswith("▲ Up 25.0 points") and rereferral.change.endswith(
        "(worse)"
    )
    assert tiles["s47_per_10000"].sentences.value == "0.5 per 10,000 children"
    assert tiles["s47_per_10000"].sentences.fraction == "3 among 55,000 children"
    assert tiles["agency_checks_in_time"].sentences.change == "Sep 2026: no figure to compare"
    assert tiles["threshold_consistency"].sentences.value == "κ 0.69"
    assert "not met" in tiles["referral_decisions_in_time"].accessibleDescription()

    # Two months to October add September's two contacts and one referral.
    _choose(qtbot, view, months=3)
    assert view.period == MonthPeriod(OCTOBER, 3)
    assert tiles["contacts"].sentences.value == "7"
    assert tiles["referrals"].sentences.value == "5"
    # A team narrows what carries a team, and says so where rows carry none.
    assert view.ui.teamCombo.findData("MASH team B") > 0
    _choose(qtbot, view, months=1, team="MASH team B")
    assert tiles["referrals"].sentences.value == "1"
    assert tiles["contacts"].sentences.scope == "Whole MASH: these rows carry no team"


def test_charts_exist_with_accessible_names_and_text_alternatives(qtbot, manager):
    _window, view = _open(qtbot, manager)
    _choose(qtbot, view, month=OCTOBER)
    canvases = view.findChildren(FigureCanvasQTAgg)
    names = {c.accessibleName() for c in canvases}
    assert names == {
        "Chart: Trends",
        "Chart: RAG timeliness",
        "Chart: Sources",
        "Chart: Flows",
        "Chart: Neighbours",
    }
    for canvas in canvases:
        assert canvas.accessibleDescription()  # the summary sentence
    rag = view.charts["RAG timeliness"]
    assert "Red: contact outcome within its RAG time 50 % (1 of 2)" in rag.summary.text()
    assert rag.table.rowCount() == 3
    sources = view.charts["Sources"].summary.text()
    assert sources.startswith("4 referrals in Oct 2026. Largest sources: 6: Police 4 (100 %)")
    neighbours = view.charts["Neighbours"]
    assert "2012-13" in neighbours.note.text()
    assert "Seed 004 L137-150" in neighbours.note.text()
    # October 4, September 1 (G) and D's earlier referral on 20 November 2025.
    assert neighbours.summary.text().startswith("This desk: 6 referrals, Nov 2025 to Oct 2026.")
    flows = view.charts["Flows"].summary.text()
    assert "1 step-up, 2 step-downs, 1 transfer" in flows
    # A theme change redraws the charts in the dark palette (no white plot on a dark desk).
    trends = view.charts["Trends"]
    app = QApplication.instance()
    assert to_hex(trends.figure.get_facecolor()) == "#ffffff"
    apply_theme(app, "dark")
    try:
        qtbot.waitUntil(lambda: to_hex(trends.figure.get_facecolor()) == "#252526", timeout=5000)
    finally:
        apply_theme(app, "light")
    # The table behind the button is the same figures, for a screen reader.
    button = view.charts["Trends"].table_button
    button.click()
    assert view.charts["Trends"].table.isVisibleTo(view) and (
        view.charts["Trends"].table.rowCount() == 12
    )


def test_a_drill_down_lists_the_children_logs_each_and_opens_a_case(qtbot, manager, history):
    window, view = _open(qtbot, manager)
    _choose(qtbot, view, month=OCTOBER)
    before = _access_rows(history)
    tile = view.tiles["referral_decisions_in_time"]
    tile.setFocus()
    qtbot.keyClick(tile, Qt.Key.Key_Return)
    dialog = view.drill_dialog
    assert isinstance(dialog, MeasureChildrenDialog)
    qtbot.waitUntil(lambda: dialog.listing is not None, timeout=15_000)
    # An "in time" figure lists its misses first: B (signed late) and D (never signed, past
    # due), newest referral first.
    assert [r.name for r in dialog.listing.rows] == ["D Synthetic", "B Synthetic"]
    assert dialog.model.item(0, 4).text() == "No"
    with qtbot.waitSignal(dialog.loaded, timeout=15_000):
        dialog.ui.partCombo.setCurrentIndex(dialog.ui.partCombo.findData(Part.COUNTED))
    assert [r.name for r in dialog.listing.rows] == ["C Synthetic", "A Synthetic"]
    assert _access_rows(history) == before + 4
    # A breakdown row drills to its group: red referrals are A and B.
    view.choose("referrals")
    details = view.details.table
    red = next(r for r in range(details.rowCount()) if details.item(r, 1).text() == "Red")
    details.activated.emit(details.model().index(red, 0))
    group = view.drill_dialog
    qtbot.waitUntil(lambda: group.listing is not None, timeout=15_000)
    assert sorted(r.name for r in group.listing.rows) == ["A Synthetic", "B Synthetic"]
    # Enter on a child opens the case in a tab of the window.
    table = group.ui.childrenTable
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.tabs.tabText(window.tabs.currentIndex()).endswith("Synthetic"))
    assert window.tabs.currentWidget().property("tab_key").startswith("person:")


def test_a_performance_officer_sees_counts_and_no_drill_down(qtbot, performance, history):
    window, view = _open(qtbot, performance)
    # The officer's desk opens on the dashboard, with the workload home tab behind it.
    assert window.tabs.currentWidget() is view and window.tabs.count() == 2
    _choose(qtbot, view, month=OCTOBER)
    assert view.tiles["contacts"].sentences.value == "5"
    assert not view.can_drill
    assert all(not tile.can_drill for tile in view.tiles.values())
    tile = view.tiles["contacts"]
    tile.setFocus()
    qtbot.keyClick(tile, Qt.Key.Key_Return)
    qtbot.mouseDClick(tile, Qt.MouseButton.LeftButton)
    assert view.drill_dialog is None
    assert "Counts only" in view.status.text()
    assert "Enter to list" not in tile.accessibleDescription()
    before = _access_rows(history)
    with pytest.raises(PermissionDenied):
        history.measure_children.children(performance.actor, "contacts", MonthPeriod(OCTOBER))
    assert _access_rows(history) == before


def test_a_new_contact_moves_the_contacts_tile(qtbot, manager, history, gui_actors):
    _window, view = _open(qtbot, manager)
    assert view.tiles["contacts"].sentences.value == "1"
    logged = log_one(history, gui_actors["practitioner"], given="Nia", family="Synthetic")
    assert logged.id
    # The save's announcement (as the contact form makes it) reloads the figures.
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        manager.hub.announce(frozenset({"queue", f"contact:{logged.id}"}))
    assert view.tiles["contacts"].sentences.value == "2"
