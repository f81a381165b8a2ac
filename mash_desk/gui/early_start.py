"""The Qt half of a start (``gui/start.py``): the early queue, the desk loading behind it.

:func:`run_desk` shows the first page read on ``gui/start.py``'s thread in the desk's own
queue (``gui/early_window.py``), then loads and opens the desk on the GUI thread a step at a
time, the page answering between steps, and hands over to :func:`mash_desk.gui.app.run_gui`,
whose main window takes the queue.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QApplication

from mash_desk.domain.errors import PermissionDenied
from mash_desk.gui.application import application, place, say_start_failed
from mash_desk.gui.display import server_label
from mash_desk.gui.early_window import EarlyWindow
from mash_desk.gui.first_page_read import FirstPageRead, FirstPageShown
from mash_desk.gui.tasks import describe_error
from mash_desk.services.queue_terms import QueuePage


def run_desk(
    url: str,
    reading: FirstPageRead | None,
    *,
    demo: bool = False,
    demo_years: float = 1,
    smoke_test: bool = False,
    window_side: str | None = None,
    on_first_page: FirstPageShown | None = None,
) -> int:
    """Run the desk until its window closes; ``reading`` is the first page on its way."""
    app = application(first_page=reading is not None)
    early = _early_window(reading, url, demo) if reading is not None else None
    handed: tuple[EarlyWindow, Any, Any] | None = None
    if early is not None:
        early.show()
        if window_side:
            place(early, window_side)  # where the desk's window will be: nothing moves after
        # Painted before the desk starts loading: its thread would share the interpreter
        # with this first paint.
        app.processEvents()
        if on_first_page is not None:
            on_first_page(early)
        loaded = _load_the_desk(url, demo, _answering(app, early))
        if loaded is None:
            return 0  # closed while the desk loaded: the start ends, as closing the desk does
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


def _early_window(reading: FirstPageRead, url: str, demo: bool) -> EarlyWindow | None:
    """The first page in the desk's queue, when it could be read without the database layer."""
    reading.join()
    if reading.page is None or reading.times is None:
        return None
    return EarlyWindow(
        reading.page.actor,
        QueuePage(reading.page.rows, reading.page.cursor),
        database_label="DEMO" if demo else server_label(url),
        demo=demo,
        times=reading.times,
    )


# The desk's modules, loaded in this order (each brings the ones before it anyway), the
# first page answering between them: a key pressed, a row chosen or the window closed while
# the desk loads is taken within a step (at most about 0.2 s here, SQLAlchemy's core), not
# after the whole load (~0.6 s).
LOAD_STEPS = (
    "sqlalchemy",
    "sqlalchemy.orm",
    "mash_desk.storage.database",
    "mash_desk.storage.models",
    "mash_desk.services.desk",
    "mash_desk.gui.main_window",
    "mash_desk.gui.app",
)

StillWanted = Callable[[], bool]


def _answering(app: QApplication, early: EarlyWindow) -> StillWanted:
    """Between two steps: let the first page answer; False once the person has closed it."""
    closed: list[bool] = []
    early.closed.connect(lambda: closed.append(True))

    def still_wanted() -> bool:
        app.processEvents()
        return not closed

    return still_wanted


def _load_the_desk(
    url: str, demo: bool, still_wanted: StillWanted
) -> tuple[Any, Any] | None | BaseException:
    """Import and open the desk on the GUI thread, the first page already painted.

    Returns (desk, server person); None when the person closed the first page meanwhile; or
    the error that stopped it. Not on a worker thread: a worker importing the desk while this
    thread painted the live first page crashed a start now and then (a segmentation fault
    inside PySide6, whose import hook and lazily made types are shared by every thread).
    """
    try:
        for module in LOAD_STEPS:
            importlib.import_module(module)
            if not still_wanted():
                return None
        return _open_the_desk(url, demo, still_wanted)
    except Exception as exc:  # noqa: BLE001 — shown in a window, not as a traceback
        return exc


def _open_the_desk(url: str, demo: bool, still_wanted: StillWanted) -> tuple[Any, Any] | None:
    """Open the desk's database and find who is signed in (the modules are loaded)."""
    from mash_desk.services.desk import Desk

    desk = Desk.open(url)
    try:
        if not still_wanted():
            desk.close()
            return None
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
