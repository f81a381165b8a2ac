"""The figures dashboard and the board report dialog, read over the real AT-SPI bus (issue 15).

A manager meets them with a screen reader: every control named, the status line read as its
text, each tile named by its measure and figure, each chart by what it shows, and one Tab
out of every table.
"""

from __future__ import annotations

import os

import pytest

from mash_desk.gui.board_report_dialog import BoardReportDialog
from mash_desk.synthetic.users import DEMO_MANAGER
from tests.atspi.conftest import demo_session
from tests.atspi.test_more_screens_atspi import _activate, _reads_as_text
from tests.atspi.test_screens_atspi import (
    _settle,
    _window,
    assert_every_view_lets_tab_out,
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


def test_the_dashboard_and_the_board_report_dialog(qtbot, demo_desk, reader, tmp_path):
    session = demo_session(demo_desk, DEMO_MANAGER)
    window = _window(qtbot, session, tmp_path)
    _settle(qtbot, session)
    view = window.dashboard.open_dashboard()
    with qtbot.waitSignal(view.loaded, timeout=60_000):
        pass
    _settle(qtbot, session)
    tree = reader.tree()
    assert unnamed_controls(tree) == []
    _reads_as_text(tree, view.ui.statusLabel)
    names = [n["name"] for n in showing(tree)]
    # Each tile says its measure and its figure; each chart what it shows.
    for tile in list(view.tiles.values())[:4]:
        assert tile.accessibleName() in names, tile.accessibleName()
    chart = view.charts[view.ui.chartTabs.tabText(view.ui.chartTabs.currentIndex())]
    assert chart.canvas.accessibleName() in names
    assert_every_view_lets_tab_out(qtbot, reader, view)

    dialog = view.open_board_report()
    assert isinstance(dialog, BoardReportDialog)
    with qtbot.waitSignal(dialog.teams_loaded, timeout=20_000):
        pass
    _activate(qtbot, dialog)
    tree = reader.tree()
    assert unnamed_controls(tree) == []
    _reads_as_text(tree, dialog.ui.introLabel)
    dialog.reject()
