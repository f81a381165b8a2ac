"""The desk's first screen while the rest of it loads: the real queue over the first page.

Importing the database layer (SQLAlchemy, the mapped tables, the services) took about 0.6 s
of a start, where a bare window reading the same rows took 0.2 s (issue 16, start-up to a
filled queue). The first page is now read without it (``services/early_page.py``) and shown
here in the desk's own :class:`QueueView`; the desk loads behind it, and its main window then
takes this queue over (``MainWindow(early_queue=…)``) with its rows, the selected row, the
scroll position and anything typed or chosen meanwhile. A row opened before then opens as
soon as the window is there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QProgressBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mash_desk.gui.identity import DEMO_BANNER_STYLE, demo_banner, window_title
from mash_desk.gui.queue_view import QueueView
from mash_desk.gui.theme import with_contrast_edge
from mash_desk.services.actor import Actor
from mash_desk.services.queue_terms import QueuePage, QueueRow
from mash_desk.services.timekeeping import Timekeeping

if TYPE_CHECKING:
    from mash_desk.gui.main_window import MainWindow

LOADING = "Opening the rest of the desk…"


class EarlyWindow(QMainWindow):
    """The queue's first page, shown before the desk has loaded.

    Signals:
        closed(): the person closed the window before the desk was ready (start-up ends).
    """

    closed = Signal()

    def __init__(
        self,
        actor: Actor,
        page: QueuePage,
        *,
        database_label: str,
        demo: bool,
        times: Timekeeping,
    ):
        super().__init__()
        self.setObjectName("mainWindow")  # the theme styles both windows alike
        self.setWindowTitle(window_title(actor, database_label, demo=demo))
        self.resize(1280, 800)  # MainWindow's size: the hand-over does not move anything
        self.queue = QueueView(actor, first_page=page, times=times)
        self.pending_open: QueueRow | None = None
        self.queue.open_requested.connect(self._remember_open)
        self._handed_over = False
        self.setCentralWidget(self._central(actor, demo))
        # The main window's menu bar starts with File for every role; a bar of the same height
        # here keeps the queue where it is when the window is handed over.
        self.menuBar().addMenu("&File").setEnabled(False)
        self._say_loading()
        # Drawn before the desk's own style is applied (gui/theme.py apply_theme): the
        # controls a person may use meanwhile keep their readable edges (WCAG 2.1 1.4.11).
        self._edged = (self.queue.search, self.queue.my_work_toggle, self.queue.group_toggle)
        app = QApplication.instance()
        theme = str((app.property("mash_theme") if app is not None else None) or "light")
        for control in self._edged:
            with_contrast_edge(control, theme)

    def _central(self, actor: Actor, demo: bool) -> QWidget:
        """The demo banner (as the main window has it) above a tab bar holding the queue."""
        tabs = QTabWidget()
        tabs.setDocumentMode(True)
        tabs.setAccessibleName("Open work")
        tabs.addTab(self.queue, "Work queue")
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        if demo:
            banner = QLabel(demo_banner(actor))
            banner.setObjectName("demoBanner")
            banner.setWordWrap(True)
            banner.setStyleSheet(DEMO_BANNER_STYLE)
            layout.addWidget(banner)
        layout.addWidget(tabs)
        return central

    def _say_loading(self) -> None:
        busy = QProgressBar()
        busy.setRange(0, 0)
        busy.setMaximumWidth(160)
        busy.setAccessibleName(LOADING)
        self.statusBar().showMessage(LOADING)
        self.statusBar().addPermanentWidget(busy)

    def _remember_open(self, row: QueueRow) -> None:
        # The last row asked for wins, as a second double-click would in the real window.
        self.pending_open = row
        self.statusBar().showMessage(f"{LOADING} The case opens when it is ready.")

    def hand_over(self, window: MainWindow) -> None:
        """Show ``window`` where this one is (it holds the queue now), then go."""
        self._handed_over = True
        self.queue.open_requested.disconnect(self._remember_open)
        for control in self._edged:
            control.setPalette(QPalette())  # the desk's style draws the edges from here on
        if self.isMaximized():
            window.showMaximized()
        else:
            window.setGeometry(self.geometry())
            window.show()
        self.hide()
        self.deleteLater()
        if self.pending_open is not None:
            window.open_row(self.pending_open)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Closing before the desk is ready ends the start, as closing the desk would."""
        if not self._handed_over:
            self.closed.emit()
        super().closeEvent(event)
