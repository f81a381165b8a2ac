"""Start the desktop client: the first queue page on screen first, then the rest of the desk.

A desk that signs straight in — the demo desk, or a person's own login on the shared server —
reads its first page through the database driver alone (``services/early_page.py``) and shows
it in the desk's own queue (``gui/early_window.py``) before SQLAlchemy, the mapped tables and
the services are imported: those took about 0.6 s of every start, where a bare window reading
the same rows took 0.2 s (issue 16, start-up to a filled queue). The desk then loads on a
thread while the queue is already there to read, scroll and search, and its main window takes
the queue over. Any start the early page cannot answer exactly as the services would — a
first start, a database to migrate or unlock, a sign-in dialog, a login without an account,
a role without the queue — goes the way it always has (:func:`mash_desk.gui.app.run_gui`).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication

from mash_desk.domain.demo_users import DEMO_PRACTITIONER
from mash_desk.domain.errors import PermissionDenied
from mash_desk.gui.application import (
    NO_DISPLAY,
    application,
    display_available,
    is_server,
    place,
    say_start_failed,
    server_label,
)
from mash_desk.gui.early_window import EarlyWindow
from mash_desk.gui.queue_view import FIRST_PAGE
from mash_desk.gui.tasks import TaskRunner, describe_error
from mash_desk.services.queue_terms import QueuePage
from mash_desk.services.timekeeping import Timekeeping

log = logging.getLogger(__name__)

FirstPageShown = Callable[[EarlyWindow], object]


def start_desk(
    url: str,
    *,
    demo: bool = False,
    demo_years: float = 1,
    smoke_test: bool = False,
    window_side: str | None = None,
    on_first_page: FirstPageShown | None = None,
) -> int:
    """Run the desk until its window closes (see :func:`mash_desk.gui.app.run_gui`).

    ``on_first_page`` is called once the early queue is on screen (the benchmarks time it).
    """
    if not display_available():
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    app = application()
    early = _early_window(url, demo)
    handed: tuple[EarlyWindow, Any, Any] | None = None
    if early is not None:
        early.show()
        if window_side:
            place(early, window_side)  # where the desk's window will be: nothing moves after
        if on_first_page is not None:
            on_first_page(early)
        loaded = _load_the_desk(app, early, url, demo)
        if loaded is None:
            return 0  # closed while the desk loaded
        if isinstance(loaded, BaseException):
            early.close()
            say_start_failed(describe_error(loaded), smoke_test)
            return 1
        handed = (early, *loaded)
    from mash_desk.gui.app import EarlyStart, run_gui

    return run_gui(
        url,
        demo=demo,
        demo_years=demo_years,
        smoke_test=smoke_test,
        window_side=window_side,
        early=EarlyStart(*handed) if handed is not None else None,
    )


def _early_window(url: str, demo: bool) -> EarlyWindow | None:
    """The first page in the desk's queue, when it can be read without the database layer."""
    from mash_desk.services.early_page import read_embedded_page, read_server_page

    times = Timekeeping()
    try:
        if demo:
            path = Path(url.removeprefix("sqlite:///"))
            page = read_embedded_page(path, DEMO_PRACTITIONER, size=FIRST_PAGE, today=times.today())
            if page is not None and not page.rows:
                return None  # a demo desk without history makes it first: the full start does
        elif is_server(url):
            page = read_server_page(url, size=FIRST_PAGE, today=times.today())
        else:
            return None  # the embedded desk's people sign in with a password first
    except Exception:  # noqa: BLE001 — the full start reports whatever is wrong, with its words
        log.exception("The first page could not be read early; the desk starts as before")
        return None
    if page is None:
        return None
    return EarlyWindow(
        page.actor,
        QueuePage(page.rows, page.cursor),
        database_label="DEMO" if demo else server_label(url),
        demo=demo,
        times=times,
    )


def _load_the_desk(
    app: QApplication, early: EarlyWindow, url: str, demo: bool
) -> tuple[Any, Any] | BaseException | None:
    """Import and open the desk on a thread while the early queue stays live.

    Returns (desk, server person), the error that stopped it, or None when the person closed
    the window meanwhile (the desk is then closed again).
    """
    tasks = TaskRunner()
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def finish(key: str, value: object) -> None:
        outcome.setdefault(key, value)
        loop.quit()

    tasks.read(
        _open_the_desk,
        url,
        demo,
        on_done=lambda opened: finish("opened", opened),
        on_error=lambda exc: finish("error", exc),
        label="Opening the rest of the desk…",
    )
    early.closed.connect(lambda: finish("closed", True))
    if not outcome:
        loop.exec()
    if "closed" in outcome:
        tasks.wait()
        app.processEvents()  # the opened desk's answer, if it came, to close it again
        if "opened" in outcome:
            outcome["opened"][0].close()
        return None
    return outcome.get("error") or outcome["opened"]


def _open_the_desk(url: str, demo: bool) -> tuple[Any, Any]:
    """Import the desk's main window and services, and open its database (off the GUI thread)."""
    import mash_desk.gui.app  # noqa: F401 — the main window, the services, SQLAlchemy
    from mash_desk.services.desk import Desk

    desk = Desk.open(url)
    try:
        if demo:
            from mash_desk.storage.demo_users import ensure_demo_users

            ensure_demo_users(desk.db)
            return desk, None
        actor = desk.users.server_person()
        if actor is None:
            raise PermissionDenied("This server login has no active MASH Desk account")
        return desk, actor
    except BaseException:
        desk.close()
        raise
