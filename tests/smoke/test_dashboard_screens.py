"""Screenshots under Xvfb of the figures dashboard (issue 15 item 2), 1366×768, both themes.

A year of synthetic history (its own database: the shared demo has five weeks, too short for
a trend), opened by a manager on each chart tab and with a drill-down list, and by a
performance officer, whose desk opens on it. Saved to ``artifacts/screenshots/`` for a
person to look at.
"""

from __future__ import annotations

from datetime import date

import pytest

from mash_desk.domain.clock import FixedClock
from mash_desk.gui.dashboard_menu import DASHBOARD_TAB
from mash_desk.gui.dashboard_view import DashboardView
from mash_desk.services.desk import Desk
from mash_desk.synthetic import ensure_demo_users, generate
from mash_desk.synthetic.users import DEMO_MANAGER
from tests.conftest import NOW
from tests.smoke.test_screens import (
    _finish,
    _session,
    _settle,
    _window,
    pytestmark,  # noqa: F401 (Xvfb only)
    save,
    save_screen,
    theme,  # noqa: F401 (light and dark)
)

OCTOBER = date(2026, 10, 1)


@pytest.fixture(scope="module")
def year_desk(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('xvfb-year')}/demo.sqlite3"
    desk = Desk.open(url, FixedClock(NOW))
    ensure_demo_users(desk.db)
    generate(desk.db, years=1.05, seed=11, end=NOW)
    yield desk
    desk.close()


def _dashboard(qtbot, desk: Desk, username: str, tmp_path):
    session = _session(desk, username)
    window = _window(qtbot, session, tmp_path)
    window.move(0, 0)
    window.resize(1366, 768)
    if window._tab_of(DASHBOARD_TAB) < 0:  # noqa: SLF001 — a performance desk opens on it
        window.dashboard.open_dashboard()
    view = window.tabs.currentWidget()
    assert isinstance(view, DashboardView)
    qtbot.waitUntil(lambda: view.data is not None, timeout=30_000)
    with qtbot.waitSignal(view.loaded, timeout=30_000):
        view.set_filters(month=OCTOBER)
    _settle(qtbot, session)
    qtbot.wait(300)
    return window, view


def test_manager_dashboard_charts_at_1366(qtbot, year_desk, tmp_path, theme):  # noqa: F811
    window, view = _dashboard(qtbot, year_desk, DEMO_MANAGER, tmp_path)
    for n, name in enumerate(("Trends", "RAG timeliness", "Sources", "Flows", "Neighbours")):
        view.ui.chartTabs.setCurrentWidget(view.charts[name])
        qtbot.wait(250)
        save(window, f"60-dashboard-{n}-{name.lower().replace(' ', '-')}-1366-{theme}")
    view.choose("referral_decisions_in_time")
    view.ui.chartTabs.setCurrentWidget(view.details)
    qtbot.wait(200)
    save(window, f"60-dashboard-5-details-1366-{theme}")
    _finish(qtbot, window)


def test_manager_drill_down_at_1366(qtbot, year_desk, tmp_path, theme):  # noqa: F811
    window, view = _dashboard(qtbot, year_desk, DEMO_MANAGER, tmp_path)
    dialog = view.drill("referral_decisions_in_time")
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.listing is not None, timeout=20_000)
    qtbot.waitExposed(dialog)
    dialog.move(window.frameGeometry().center() - dialog.rect().center())
    qtbot.wait(300)
    save_screen(window, f"61-dashboard-drill-down-1366-{theme}")
    dialog.reject()
    _finish(qtbot, window)


def test_performance_dashboard_at_1366(qtbot, year_desk, tmp_path, theme):  # noqa: F811
    window, view = _dashboard(qtbot, year_desk, "demo.performance", tmp_path)
    assert not view.can_drill
    # The lower tiles (s47 per 10,000, kappa), which the manager's pictures do not reach.
    bar = view.ui.tilesScroll.verticalScrollBar()
    bar.setValue(bar.maximum())
    view.ui.chartTabs.setCurrentWidget(view.charts["Sources"])
    qtbot.wait(250)
    save(window, f"62-dashboard-performance-1366-{theme}")
    _finish(qtbot, window)
