"""Whether the desk can show a window here, and how its window names the database.

No Qt: the console script checks for a display, and the start reads its first page, before
Qt is imported (``gui/start.py``, issue 16).
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit

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


def is_server(url: str) -> bool:
    """Whether ``url`` names a shared PostgreSQL server (not an embedded file)."""
    return urlsplit(url).scheme.split("+")[0] in ("postgresql", "postgres")


def server_label(url: str) -> str:
    """How the window names a server database: "mash on db.example", never the login."""
    parsed = urlsplit(url)
    return f"{parsed.path.lstrip('/')} on {parsed.hostname or 'this computer'}"
