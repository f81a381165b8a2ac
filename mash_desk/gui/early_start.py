"""The Qt half of a start (``gui/start.py``): the early queue, the desk loading behind it.

:func:`run_desk` shows the first page read on ``gui/start.py``'s thread in the desk's own
queue (``gui/early_window.py``), opens the desk on a worker thread while that queue is live,
and hands over to :func:`mash_desk.gui.app.run_gui`, whose main window takes the queue.
"""

from __future__ import annotations

from typing import Any

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
        loaded = _load_the_desk(url, demo)
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


def _load_the_desk(url: str, demo: bool) -> tuple[Any, Any] | BaseException:
    """Import and open the desk on the GUI thread, the first page already painted.

    Returns (desk, server person), or the error that stopped it. Not on a worker thread: a
    worker importing the desk while this thread painted the live first page crashed a start
    now and then (a segmentation fault inside PySide6, whose import hook and lazily made types
    are shared by every thread). The page stays on screen meanwhile; it answers again when
    the main window takes it over, about 0.6 s later.
    """
    try:
        return _open_the_desk(url, demo)
    except Exception as exc:  # noqa: BLE001 — shown in a window, not as a traceback
        return exc


def _open_the_desk(url: str, demo: bool) -> tuple[Any, Any]:
    """Import the desk's services and main window, and open its database."""
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
