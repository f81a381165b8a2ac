"""The first queue page shown while the desk loads, and the main window taking it over.

Issue 16 (start-up): the first page is on screen before the database layer has loaded
(``gui/start.py``). What the practitioner does meanwhile is kept: a search typed runs once the
desk is there, a row opened opens, and the rows, the selection and the scroll stay where they
were, because the main window takes over the very queue they were looking at.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette

from mash_desk.gui.early_window import LOADING, EarlyWindow
from mash_desk.gui.main_window import MainWindow
from mash_desk.gui.queue_model import COL_CHILD, RowRole
from mash_desk.gui.theme import THEMES, apply_theme, contrast_ratio, palette
from mash_desk.services.timekeeping import Timekeeping
from tests.support.helpers import log_one


def _early(qtbot, session) -> EarlyWindow:
    """An early window over the first page, as the services read it for ``session``'s person."""
    desk, actor = session.desk, session.actor
    for given, family in (("Zofia", "Nowak"), ("Tom", "Smith"), ("Ada", "Jones")):
        log_one(desk, actor, given=given, family=family, rag="amber", rag_reason="r")
    page = desk.queue.page(actor, size=50)
    window = EarlyWindow(
        actor, page, database_label="test", demo=False, times=Timekeeping(desk.ctx.clock)
    )
    qtbot.addWidget(window)
    window.show()
    return window


def _names(queue) -> list[str]:
    return [queue.proxy.index(r, COL_CHILD).data() for r in range(queue.proxy.rowCount())]


def test_the_first_page_shows_at_once_and_says_the_desk_is_still_loading(qtbot, session):
    early = _early(qtbot, session)
    # Shown from the page it was given: no read in flight, nothing waiting for a session.
    assert not early.queue.model.loading
    assert sorted(_names(early.queue)) == ["Ada Jones", "Tom Smith", "Zofia Nowak"]
    assert early.statusBar().currentMessage() == LOADING
    assert early.windowTitle() == (
        f"MASH Desk — {session.actor.display_name} (MASH practitioner) — test"
    )


def test_a_search_typed_while_loading_runs_when_the_desk_is_there(qtbot, session):
    early = _early(qtbot, session)
    queue = early.queue
    qtbot.keyClicks(queue.search, "nowak")
    queue.search.returnPressed.emit()
    # Nothing can read yet: the search waits, the rows stay, the queue says it is loading.
    assert queue.model.loading
    assert queue.loading_label.isVisibleTo(queue)
    assert len(_names(queue)) == 3

    window = MainWindow(session, early_queue=queue)
    qtbot.addWidget(window)
    early.hand_over(window)
    assert window.queue is queue  # the very widget, with what was typed in it
    assert queue.search.text() == "nowak"
    qtbot.waitUntil(lambda: not queue.model.loading)
    assert _names(queue) == ["Zofia Nowak"]
    qtbot.waitUntil(lambda: queue.choices_ready)  # the filters are filled once the desk is there


def test_a_row_opened_while_loading_opens_in_the_main_window(qtbot, session):
    early = _early(qtbot, session)
    queue = early.queue
    row = queue.proxy.index(1, COL_CHILD)
    queue.table.setCurrentIndex(row)
    queue.table.setFocus()
    qtbot.keyClick(queue.table, Qt.Key.Key_Return)
    wanted = row.data(RowRole)
    assert early.pending_open == wanted
    assert "The case opens when it is ready" in early.statusBar().currentMessage()

    window = MainWindow(session, early_queue=queue)
    qtbot.addWidget(window)
    early.hand_over(window)
    assert window.isVisible() and not early.isVisible()
    # The selection came across with the queue, and the case asked for is open in front.
    assert queue.selected_row() == wanted
    assert window.tabs.count() == 2
    assert window.tabs.currentWidget() is not queue
    assert window.tabs.currentWidget().property("tab_key") == f"{wanted.kind}:{wanted.item_id}"


def test_the_main_window_takes_the_early_windows_place(qtbot, session):
    early = _early(qtbot, session)
    early.setGeometry(40, 30, 1000, 700)
    window = MainWindow(session, early_queue=early.queue)
    qtbot.addWidget(window)
    early.hand_over(window)
    assert window.geometry() == early.geometry()
    assert window.tabs.widget(0) is early.queue
    assert window.tabs.tabText(0) == "Work queue"


def test_closing_the_first_page_before_the_desk_is_there_says_so(qtbot, session):
    early = _early(qtbot, session)
    with qtbot.waitSignal(early.closed):
        early.close()


def test_the_first_page_sits_where_the_main_windows_queue_will(qtbot, session):
    early = _early(qtbot, session)
    qtbot.waitExposed(early)
    before = early.queue.mapTo(early, early.queue.rect().topLeft())
    window = MainWindow(session, early_queue=early.queue)
    qtbot.addWidget(window)
    early.hand_over(window)
    qtbot.waitExposed(window)
    # A menu bar of the same height above: nothing jumps when the window is handed over.
    assert early.menuBar().height() == window.menuBar().height() > 0
    assert window.queue.mapTo(window, window.queue.rect().topLeft()) == before


@pytest.mark.parametrize("theme", THEMES)
def test_the_first_pages_controls_keep_readable_edges_before_the_desks_style(
    qtbot, qapp, session, theme
):
    """Drawn in plain Fusion while the desk loads, the search box still has its 3:1 edge."""
    style, colours = qapp.style().name(), QPalette(qapp.palette())
    try:
        apply_theme(qapp, theme, first_page=True)
        early = _early(qtbot, session)
        qtbot.waitExposed(early)
        search = early.queue.search
        image = search.grab().toImage()
        background = palette(theme).color(QPalette.ColorRole.Window)
        inside = palette(theme).color(QPalette.ColorRole.Base)
        y = search.rect().center().y()
        edge = max(
            min(contrast_ratio(image.pixelColor(x, y), c) for c in (background, inside))
            for x in range(0, 3)
        )
        assert edge >= 3.0
        window = MainWindow(session, early_queue=early.queue)
        qtbot.addWidget(window)
        early.hand_over(window)
        # The desk's own style draws the edges once it has the queue.
        window_colour = search.palette().color(QPalette.ColorRole.Window)
        assert window_colour == qapp.palette().color(QPalette.ColorRole.Window)
    finally:
        qapp.setStyle(style)
        qapp.setPalette(colours)
