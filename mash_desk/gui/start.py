"""Start the desktop client: the first queue page on screen first, then the rest of the desk.

A desk that signs straight in — the demo desk, or a person's own login on the shared server —
reads its first page through the database driver alone (``services/early_page.py``) and shows
it in the desk's own queue (``gui/early_window.py``) before SQLAlchemy, the mapped tables and
the services are imported: those took about 0.6 s of every start, where a bare window reading
the same rows took 0.2 s (issue 16, start-up to a filled queue). The page is read on a thread
while Qt loads, the desk then loads on a thread while the queue is already there to read,
scroll and search, and its main window takes the queue over (``gui/early_start.py``).

Any start the early page cannot answer exactly as the services would — a first start, a
database to migrate or unlock, a sign-in dialog, a login without an account, a role without
the queue — goes the way it always has (:func:`mash_desk.gui.app.run_gui`).

No Qt at import: the read starts before Qt is loaded.
"""

from __future__ import annotations

import sys

from mash_desk.gui.display import NO_DISPLAY, display_available
from mash_desk.gui.first_page_read import FirstPageRead, FirstPageShown


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
    reading = FirstPageRead(url, demo) if FirstPageRead.wanted(url, demo) else None
    if reading is not None:
        _load_before_qt(server=not demo)
        reading.start()
    from mash_desk.gui.early_start import run_desk  # Qt, loading while the page is read

    return run_desk(
        url,
        reading,
        demo=demo,
        demo_years=demo_years,
        smoke_test=smoke_test,
        window_side=window_side,
        on_first_page=on_first_page,
    )


def _load_before_qt(*, server: bool) -> None:
    """Import the first page's modules that need no Qt, the driver among them, before Qt.

    Once PySide6 is loaded, its import hook reads the source of every module imported after
    it (``shibokensupport.feature``, looking for ``from __feature__ import``): about 12 ms for
    these on every start. And the reading thread then imports nothing while Qt loads beside
    it: no import runs on two threads through that hook at once.
    """
    import mash_desk.gui.queue_cells  # noqa: F401
    import mash_desk.services.early_page  # noqa: F401
    import mash_desk.services.timekeeping  # noqa: F401

    if server:
        import psycopg  # noqa: F401
        import psycopg.conninfo  # noqa: F401
    else:
        import sqlcipher3.dbapi2  # noqa: F401
