"""A performance officer's desk: figures, not children (issue 13 item 3).

The window opens on the workload counts; nothing in it names a child of the data set, and
no menu offers a screen that lists children (the services would refuse it anyway).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QMenu, QTabBar, QWidget

from mash_desk.gui.allocation_actions import WORKLOAD_KEY
from mash_desk.gui.dashboard_view import DashboardView
from mash_desk.gui.main_window import MainWindow
from mash_desk.gui.queue_view import QueueView
from mash_desk.gui.session import DeskSession
from mash_desk.gui.workload_view import COL_OPEN, COL_WORKER
from tests.gui.conftest import session_as
from tests.services.test_checks import make_referral
from tests.support.helpers import log_one

CHILDREN = (("Ola", "Brook"), ("Rex", "Dale"), ("Tia", "Moss"))


def _model_texts(model: QAbstractItemModel) -> list[str]:
    parent = QModelIndex()
    columns = range(model.columnCount(parent))
    texts = [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in columns]
    for row in range(model.rowCount(parent)):
        for column in range(model.columnCount(parent)):
            index = model.index(row, column, parent)
            texts.append(str(model.data(index, Qt.ItemDataRole.DisplayRole)))
            texts.append(str(model.data(index, Qt.ItemDataRole.ToolTipRole)))
            texts.append(str(model.data(index, Qt.ItemDataRole.AccessibleTextRole)))
    return texts


def _every_text(window: MainWindow) -> str:
    """What the window shows or reads out: titles, labels, tables, menus, tabs."""
    texts = [window.windowTitle(), window.statusBar().currentMessage()]
    for widget in window.findChildren(QWidget):
        texts += [widget.accessibleName(), widget.accessibleDescription(), widget.toolTip()]
        if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
            texts.append(widget.text())
        if isinstance(widget, QTabBar):
            texts += [widget.tabText(i) for i in range(widget.count())]
        if isinstance(widget, QMenu):
            texts += [a.text() for a in widget.actions()]
    for model in window.findChildren(QAbstractItemModel):
        texts += _model_texts(model)
    return "\n".join(texts)


def _offered(window: MainWindow) -> set[str]:
    """The visible menu items, without accelerators and shortcuts."""
    return {
        action.text().replace("&", "").split("\t")[0]
        for menu in window.menuBar().findChildren(QMenu)
        for action in menu.actions()
        if action.isVisible() and not action.isSeparator() and action.text()
    }


@pytest.fixture
def performance_session(qtbot, gui_desk, gui_actors) -> Iterator[DeskSession]:
    """Three children's open work on the desk, then the performance officer signed in."""
    p = gui_actors["practitioner"]
    for given, family in CHILDREN[:2]:
        make_referral(gui_desk, p, "red", given=given, family=family)
    given, family = CHILDREN[2]
    log_one(gui_desk, p, given=given, family=family)
    yield from session_as(qtbot, gui_desk, gui_actors["performance"])


def test_a_performance_officer_opens_on_figures_and_sees_no_child(qtbot, performance_session):
    session = performance_session
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    figures = window.figures
    assert figures is not None and window.queue is None
    assert window.findChild(QueueView) is None
    qtbot.waitUntil(lambda: figures.model.rowCount() > 0, timeout=15_000)
    qtbot.waitUntil(lambda: session.tasks.busy == 0, timeout=15_000)

    # The home tab is the workload, and it counts the three children's open work; the
    # measures dashboard (issue 15 item 2) opens in front of it.
    assert window.tabs.widget(0) is figures
    assert isinstance(window.tabs.currentWidget(), DashboardView)
    assert figures.property("tab_key") == WORKLOAD_KEY
    rows = {
        figures.model.item(r, COL_WORKER).text(): int(figures.model.item(r, COL_OPEN).text())
        for r in range(figures.model.rowCount())
    }
    assert rows["Unallocated"] == 3
    # No promise of a queue it does not have.
    assert "queue" not in figures.status.text()

    shown = _every_text(window)
    for given, family in CHILDREN:
        assert given not in shown and family not in shown
    assert "Unallocated" in shown  # the scan reads the table it is checking

    offered = _offered(window)
    assert {"Workload…", "Dashboard…"} <= offered
    refused = {
        "New contact",
        "Search the queue",
        "Next in queue",
        "My work",
        "Find a child…",
        "Print decision memo…",
        "Open today's meeting",
    }
    assert offered & refused == set()
    assert "Figures" in {m.title().replace("&", "") for m in window.menuBar().findChildren(QMenu)}

    # Ctrl+N opens no contact form for a role that may not log one.
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.count() == 2
    # Ctrl+W closes the dashboard; the home tab stays (as the queue does).
    window.close_current_tab()
    assert window.tabs.currentWidget() is figures
    window.close_current_tab()
    assert window.tabs.currentWidget() is figures
