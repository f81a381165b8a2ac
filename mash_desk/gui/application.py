"""The desk's QApplication, the display check and the window's database label.

Light on purpose: the start-up path (``gui/start.py``) draws the first queue page with these
before the database layer has loaded (issue 16, start-up to a filled queue).
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from mash_desk import __version__
from mash_desk.gui.theme import THEMES, apply_theme

NO_DISPLAY = (
    "mash-desk: no display available: run it in a desktop session (DISPLAY or WAYLAND_DISPLAY "
    "unset), or use `mash-desk summary` for a text summary"
)


def display_available(environ: dict[str, str] | None = None, platform: str = sys.platform) -> bool:
    """Whether Qt can open windows here (without one, QApplication aborts the process)."""
    env = os.environ if environ is None else environ
    if not platform.startswith("linux"):
        return True
    if env.get("QT_QPA_PLATFORM"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def application() -> QApplication:
    """The desk's QApplication (made on first call), in the theme the person chose."""
    app = QApplication.instance()
    if app is None:
        QCoreApplication.setOrganizationName("mash-desk")
        QCoreApplication.setApplicationName("MASH Desk")
        QCoreApplication.setApplicationVersion(__version__)
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    theme = str(QSettings().value("theme", "light"))
    apply_theme(app, theme if theme in THEMES else "light")
    return app


def is_server(url: str) -> bool:
    """Whether ``url`` names a shared PostgreSQL server (not an embedded file)."""
    return urlsplit(url).scheme.split("+")[0] in ("postgresql", "postgres")


def server_label(url: str) -> str:
    """How the window names a server database: "mash on db.example", never the login."""
    parsed = urlsplit(url)
    return f"{parsed.path.lstrip('/')} on {parsed.hostname or 'this computer'}"


def say_start_failed(message: str, smoke_test: bool) -> None:
    """Tell the person why the desk could not start."""
    # A smoke test has nobody to close a dialog: it says why on stderr and exits instead.
    if smoke_test:
        print(f"mash-desk: {message}", file=sys.stderr)
    else:
        QMessageBox.critical(None, "MASH Desk", message)


def place(window: QWidget, side: str) -> None:
    """Give ``window`` the left or right half of its screen's free area."""
    area = window.screen().availableGeometry()
    half = area.width() // 2
    left = area.x() + (half if side == "right" else 0)
    window.setGeometry(left, area.y(), half, area.height())
