"""Start the desktop client: check for a display, sign in (or open the demo), show the window."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from mash_desk.diagnostics import start_logging
from mash_desk.domain.demo_users import DEMO_PRACTITIONER
from mash_desk.gui.application import application, place, say_start_failed
from mash_desk.gui.backups import offer_daily_backup
from mash_desk.gui.crash_dialog import install_crash_reporting
from mash_desk.gui.database_unlock import (
    StartCancelled,
    open_embedded,
    start_tail_check,
    with_progress,
)
from mash_desk.gui.database_unlock import in_background as _in_background
from mash_desk.gui.display import NO_DISPLAY, display_available
from mash_desk.gui.display import is_server as _is_server
from mash_desk.gui.display import server_label as _server_label
from mash_desk.gui.early_window import EarlyWindow
from mash_desk.gui.main_window import MainWindow
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import TaskRunner, describe_error
from mash_desk.gui.warm_up import WarmUp
from mash_desk.services.desk import Desk
from mash_desk.services.dto import Actor

__all__ = ["NO_DISPLAY", "DemoDesk", "EarlyStart", "display_available", "run_gui"]

# The QApplication, as the tests and benchmarks have always made it here.
_application = application


@dataclass
class EarlyStart:
    """A start whose first page is on screen already (``gui/start.py``), with its desk open.

    ``actor`` is the server login's person; a demo desk signs in as the demo practitioner.
    """

    window: EarlyWindow
    desk: Desk
    actor: Actor | None = None


def _open_demo(app: QApplication, url: str, years: float) -> Desk:
    """Open the demo database, creating its synthetic history on first use with a progress bar."""
    from sqlalchemy import func, select

    from mash_desk.storage.demo_users import ensure_demo_users
    from mash_desk.storage.models import Contact

    def prepare() -> tuple[Desk, bool]:
        opened = Desk.open(url)
        ensure_demo_users(opened.db)
        with opened.db.reading() as session:
            return opened, not session.scalar(select(func.count()).select_from(Contact))

    desk, empty = open_embedded(app, prepare)
    if not empty:
        return desk
    from mash_desk.synthetic import generate  # only the first start creates history

    # The same progress dialog as an encryption conversion (gui/database_unlock.py).
    try:
        with_progress(
            app, "Creating the DEMO database", partial(generate, desk.db), years=years, seed=1
        )
    except BaseException:
        desk.close()
        raise
    return desk


class DemoDesk:
    """The demo desk: one database, a window per demo role, switched from the Demo menu."""

    def __init__(
        self,
        desk: Desk,
        show: Callable[[DeskSession, Callable[[str], object]], MainWindow],
    ):
        """Open windows with ``show(session, switch)`` over the demo ``desk``."""
        self.desk = desk
        self.tasks = TaskRunner()
        self._show = show
        self.window: MainWindow | None = None

    def open_as(self, username: str) -> MainWindow | None:
        """Show the desk as demo user ``username``, replacing the current window.

        Unsaved forms are asked about first; a "Cancel" keeps the current role.
        """
        current = self.window
        if current is not None:
            from mash_desk.gui.main_window import ask_to_close

            for form in current.unsaved_forms():
                current.tabs.setCurrentWidget(form)
                if not ask_to_close(form):
                    return None
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        session = DeskSession(
            self.desk,
            _in_background(app, self.desk.users.actor_for, username),
            self.tasks,
            demo=True,
            database_label="DEMO",
        )
        self.window = self._show(session, self.open_as)
        if current is not None:
            self.window.setGeometry(current.geometry())
            current.hide()
            current.deleteLater()
        return self.window


def _sign_in_with_login(url: str) -> tuple[Desk, Actor] | None:
    """Open a server database as the URL's login and return it with the login's person.

    None (the desk closed again) when the login is nobody's account: a server still on one
    shared login, whose people sign in with their MASH Desk password in the dialog.
    """
    desk = Desk.open(url)
    try:
        actor = desk.users.server_person()
    except BaseException:
        desk.close()
        raise
    if actor is None:
        desk.close()
        return None
    return desk, actor


def _start_error(exc: BaseException, url: str) -> str:
    from sqlalchemy.exc import OperationalError

    if isinstance(exc, OperationalError):
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        return f"Cannot open the database: {reason}"
    if isinstance(exc, OSError):
        return f"Cannot open the database at {url}: {exc.strerror or exc}"
    return describe_error(exc)


def run_gui(
    url: str,
    *,
    demo: bool = False,
    demo_years: float = 1,
    smoke_test: bool = False,
    drafts_dir: Path | None = None,
    window_side: str | None = None,
    early: EarlyStart | None = None,
) -> int:
    """Run the client until its window closes; returns the exit status.

    ``smoke_test`` opens the window, waits until the first queue page is shown, prints
    "ready" and quits — how the scripts and tests check a real start without a person.
    A server ``url`` naming a person's own login signs that person straight in (the server
    checked the password; any other login gets the sign-in dialog); ``window_side``
    ("left"/"right") puts the window on that half of the screen. ``early``: the first page
    is already on screen and the desk open (``gui/start.py``); its window takes that queue.
    """
    if not display_available():
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    app = _application()
    with contextlib.suppress(OSError):  # a desk without a log file still starts
        start_logging()  # already open when started by `mash-desk`
    # An uncaught error shows a reference and goes to the log (issue 14 item 5).
    reporter = install_crash_reporting(app)
    try:
        return _run_window(app, url, demo, demo_years, smoke_test, drafts_dir, window_side, early)
    finally:
        reporter.uninstall()


_ShowWindow = Callable[[DeskSession, Callable[[str], object] | None], MainWindow]


def _run_window(
    app: QApplication,
    url: str,
    demo: bool,
    demo_years: float,
    smoke_test: bool,
    drafts_dir: Path | None,
    window_side: str | None = None,
    early: EarlyStart | None = None,
) -> int:
    # Every window shown stays referenced here: a closed one is hidden, not deleted.
    windows: list[MainWindow] = []
    handing_over = [early.window] if early is not None else []
    show = partial(_show_window, drafts_dir, window_side, windows, handing_over)
    opened = (
        _open_early(url, demo, early, show)
        if early is not None
        else _open_first_window(app, url, demo, demo_years, smoke_test, show)
    )
    if isinstance(opened, int):
        return opened
    desk, window = opened
    warm_up = WarmUp(desk, window)
    if desk.db.dialect == "sqlite" and not smoke_test:
        # On a shared server the chain is the administrator's to verify (audit verify).
        start_tail_check(window, TaskRunner(window), desk.db.engine)
        offer_daily_backup(window)
    if smoke_test:
        _quit_when_ready(app, window)
    status = app.exec()
    warm_up.wait()
    desk.close()
    return status


def _show_window(
    drafts_dir: Path | None,
    window_side: str | None,
    windows: list[MainWindow],
    handing_over: list[EarlyWindow],
    session: DeskSession,
    switch: Callable[[str], object] | None,
) -> MainWindow:
    """Show the main window for ``session`` (``switch`` changes demo role), offering drafts.

    The first window of an early start takes over the queue already on screen.
    """
    early = handing_over.pop() if handing_over else None
    window = MainWindow(
        session,
        switch_role=switch,
        drafts_dir=drafts_dir,
        early_queue=early.queue if early is not None else None,
    )
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    if early is not None:
        early.hand_over(window)
    else:
        window.show()
    windows.append(window)
    if window_side:
        place(window, window_side)
    offer_drafts_when_keyed(window, session, drafts_dir)
    return window


def offer_drafts_when_keyed(window: MainWindow, session: DeskSession, drafts: Path | None) -> int:
    """Find the drafts key on a reading thread, then offer the drafts; returns the task number.

    The key may need the keyring or, on a server desk without one, Argon2 (0.2-0.3 s): the
    window and its first page used to wait for it (issue 16, start-up). A form opened before
    it is found waits for it (``DeskSession.draft_store``), then takes it from the session.
    """
    return session.tasks.read(
        session.draft_store,
        drafts,
        on_done=lambda _store: window.offer_drafts(),
        label="Opening your drafts…",
    )


def _open_early(
    url: str, demo: bool, early: EarlyStart, show: _ShowWindow
) -> tuple[Desk, MainWindow]:
    """The first window over the desk an early start opened (demo, or a person's login)."""
    if demo:
        first = DemoDesk(early.desk, show).open_as(DEMO_PRACTITIONER)
        assert first is not None  # only a "Cancel" over unsaved forms gives None: none yet
        return early.desk, first
    assert early.actor is not None  # a server start signs the login's person in
    session = DeskSession(early.desk, early.actor, TaskRunner(), database_label=_server_label(url))
    return early.desk, show(session, None)


def _open_first_window(
    app: QApplication,
    url: str,
    demo: bool,
    demo_years: float,
    smoke_test: bool,
    show: _ShowWindow,
) -> tuple[Desk, MainWindow] | int:
    """Open the desk and its first window, or return the exit status when that fails."""
    signed_in: tuple[Desk, Actor] | None = None
    if not demo and _is_server(url):
        try:
            signed_in = _in_background(app, _sign_in_with_login, url)
        except Exception as exc:  # noqa: BLE001 — shown in a window, not as a traceback
            say_start_failed(_start_error(exc, url), smoke_test)
            return 1
    if demo:
        return _open_demo_window(app, url, demo_years, smoke_test, show)
    if signed_in is not None:
        desk, actor = signed_in
        session = DeskSession(desk, actor, TaskRunner(), database_label=_server_label(url))
        return desk, show(session, None)
    return _open_with_sign_in(app, url, smoke_test, show)


def _open_demo_window(
    app: QApplication, url: str, demo_years: float, smoke_test: bool, show: _ShowWindow
) -> tuple[Desk, MainWindow] | int:
    """Open (creating on first start) the demo desk as the demo practitioner."""
    try:
        desk = _open_demo(app, url, demo_years)
    except StartCancelled:
        return 1
    except Exception as exc:  # noqa: BLE001 — shown, not raised, in a desktop app
        say_start_failed(describe_error(exc), smoke_test)
        return 1
    demo_desk = DemoDesk(desk, show)
    first = demo_desk.open_as(DEMO_PRACTITIONER)
    assert first is not None  # only a "Cancel" over unsaved forms gives None: none yet
    return desk, first


def _open_with_sign_in(
    app: QApplication, url: str, smoke_test: bool, show: _ShowWindow
) -> tuple[Desk, MainWindow] | int:
    """Open the embedded database (first run if empty), then the sign-in dialog."""
    from mash_desk.gui.first_run import FirstRunDialog
    from mash_desk.gui.sign_in import SignInDialog

    # The embedded database is opened (and migrated) once: the first-run check and the
    # sign-in dialog share it; a server profile chosen instead opens its own.
    opened: dict[str, Desk] = {}
    if not smoke_test:
        try:
            opened[url] = open_embedded(app, lambda: Desk.open(url))
        except StartCancelled:
            return 1
        except Exception as exc:  # noqa: BLE001 — shown in a window, not as a traceback
            QMessageBox.critical(None, "MASH Desk", _start_error(exc, url))
            return 1
        if _in_background(app, opened[url].users.first_run):
            FirstRunDialog(opened[url]).exec()
    dialog = SignInDialog(url, lambda chosen: opened.pop(chosen, None) or Desk.open(chosen))
    accepted = not smoke_test and dialog.exec() == SignInDialog.DialogCode.Accepted
    for unused in opened.values():
        _in_background(app, unused.close)
    if not accepted:
        return 0 if smoke_test else 1
    signed_desk, signed_actor = dialog.result_desk, dialog.result_actor
    # An accepted sign-in has set both (SignInDialog sets them just before accept()).
    assert signed_desk is not None and signed_actor is not None
    tasks = TaskRunner()
    window = show(
        DeskSession(signed_desk, signed_actor, tasks, database_label=dialog.result_label),
        None,
    )
    # e.g. "the keyring was locked; the password was not remembered".
    for notice in getattr(dialog, "result_notices", ()) or ():
        window.statusBar().showMessage(notice, 20_000)
    return signed_desk, window


def _quit_when_ready(app: QApplication, window: MainWindow) -> None:
    """Smoke test: print "ready" and quit once the home view shows rows (give up at 2 min)."""
    from mash_desk.gui.queue_view import QueueView

    queue = window.findChild(QueueView)
    # A partner rep has no front-door queue: their home is the agency's inbox; a
    # performance officer's is the workload figures.
    inbox = getattr(window, "inbox", None)
    figures = getattr(window, "figures", None)

    def ready() -> None:
        shown = queue.model.rowCount() if queue is not None else 0
        if inbox is not None:
            shown = inbox.table.rowCount()
        if figures is not None:
            shown = figures.model.rowCount()
        if shown > 0:
            print("ready", flush=True)
            window.close()
            app.quit()
        else:
            QTimer.singleShot(100, ready)

    QTimer.singleShot(100, ready)
    QTimer.singleShot(120_000, app.quit)
