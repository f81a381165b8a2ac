"""The first queue page, read on a thread of its own while the main thread loads Qt.

No Qt here: the read starts before Qt is imported (``gui/start.py``, issue 16 start-up).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from mash_desk.domain.demo_users import DEMO_PRACTITIONER
from mash_desk.gui.display import is_server

if TYPE_CHECKING:
    from mash_desk.gui.early_window import EarlyWindow
    from mash_desk.services.early_page import EarlyPage
    from mash_desk.services.timekeeping import Timekeeping

log = logging.getLogger(__name__)

FirstPageShown = Callable[["EarlyWindow"], object]


class FirstPageRead(threading.Thread):
    """The first page read on a thread of its own, while the main thread loads Qt.

    Reading it is mostly SQLite (or the server) working with the interpreter's lock released,
    so it overlaps Qt's loading instead of following it. ``page`` is None when the page cannot
    be read early (the full start then says why, if anything is wrong).
    """

    def __init__(self, url: str, demo: bool):
        super().__init__(name="first-page", daemon=True)
        self.url, self.demo = url, demo
        self.times: Timekeeping | None = None
        self.page: EarlyPage | None = None

    @staticmethod
    def wanted(url: str, demo: bool) -> bool:
        """Whether this start can show its first page early (it signs straight in)."""
        # The embedded desk's people sign in with a password first.
        return demo or is_server(url)

    def run(self) -> None:
        """Read the page; any failure leaves ``page`` None and goes to the log."""
        from mash_desk.services.early_page import read_embedded_page, read_server_page
        from mash_desk.services.queue_terms import FIRST_PAGE
        from mash_desk.services.timekeeping import Timekeeping

        try:
            self.times = times = Timekeeping()
            if self.demo:
                path = Path(self.url.removeprefix("sqlite:///"))
                page = read_embedded_page(
                    path, DEMO_PRACTITIONER, size=FIRST_PAGE, today=times.today()
                )
                # A demo desk without history makes it first, with its progress: the full start.
                self.page = page if page is not None and page.rows else None
            else:
                self.page = read_server_page(self.url, size=FIRST_PAGE, today=times.today())
        except Exception:  # noqa: BLE001 — the full start reports whatever is wrong, in its words
            log.exception("The first page could not be read early; the desk starts as before")
