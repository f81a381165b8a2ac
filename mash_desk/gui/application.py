"""The desk's QApplication, its placing on screen, and a start's failure said in a window.

Light on purpose: the start-up path (``gui/start.py``) draws the first queue page with these
before the database layer has loaded (issue 16, start-up to a filled queue).
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication, QWidget

from mash_desk import __version__
from mash_desk.gui.theme import THEMES, apply_theme


def application(*, first_page: bool = False) -> QApplication:
    """The desk's QApplication (made on first call), in the theme the person chose.

    ``first_page``: in Qt's own Fusion drawing, for the page shown before the desk has loaded
    (see :func:`mash_desk.gui.theme.apply_theme`).
    """
    app = QApplication.instance()
    if app is None:
        QCoreApplication.setOrganizationName("mash-desk")
        QCoreApplication.setApplicationName("MASH Desk")
        QCoreApplication.setApplicationVersion(__version__)
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    theme = str(QSettings().value("theme", "light"))
    apply_theme(app, theme if theme in THEMES else "light", first_page=first_page)
    return app


def say_start_failed(message: str, smoke_test: bool) -> None:
    """Tell the person why the desk could not start."""
    # A smoke test has nobody to close a dialog: it says why on stderr and exits instead.
    if smoke_test:
        print(f"mash-desk: {message}", file=sys.stderr)
    else:
        from PySide6.QtWidgets import QMessageBox  # only when a start fails

        QMessageBox.critical(None, "MASH Desk", message)


def place(window: QWidget, side: str) -> None:
    """Give ``window`` the left or right half of its screen's free area."""
    area = window.screen().availableGeometry()
    half = area.width() // 2
    left = area.x() + (half if side == "right" else 0)
    window.setGeometry(left, area.y(), half, area.height())
