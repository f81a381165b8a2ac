"""Run database and keyring work off the GUI thread, and bring results back to it.

Every call into the services goes through :class:`TaskRunner`: reads run on a small thread
pool, writes on a pool of one thread so SQLite never sees two writers from this window at
once (architecture guide, "Layers"). Results and errors come back by queued signal to the GUI
thread, where the callbacks run; the window never freezes on a slow query or a locked keyring.

Threads do not hold server connections: on a shared server the reader threads take turns on
the desk's one reading connection and the writer uses its one writing connection (see
``Database``), so a desk keeps its budget however many reads are queued, and a read never
waits for a slow write.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from mash_desk.diagnostics import log_folder, log_unexpected
from mash_desk.domain.errors import MashDeskError


def _server_lost(exc: BaseException) -> bool:
    # Only the database layer raises what "the server is gone" looks like: before it has
    # loaded (the first queue page is drawn without it, issue 16) nothing here can be one.
    if "sqlalchemy" not in sys.modules and "psycopg" not in sys.modules:
        return False
    from mash_desk.services.live import server_lost

    return server_lost(exc)


log = logging.getLogger(__name__)

# What a callback returns is ignored: ``object`` lets a lambda that returns something be one.
Callback = Callable[[Any], object]


class _Relay(QObject):
    """Carries a finished job's outcome across threads (emitted by the worker thread)."""

    finished = Signal(int, object, object)


class _Job(QRunnable):
    def __init__(self, number: int, fn: Callable[..., Any], args: tuple, kwargs: dict, relay):
        super().__init__()
        self.number, self.fn, self.args, self.kwargs, self.relay = number, fn, args, kwargs, relay
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn(*self.args, **self.kwargs)
        except BaseException as exc:  # noqa: BLE001 — every failure must reach the GUI
            # The exception keeps its __traceback__: the GUI thread logs it with a reference.
            self.relay.finished.emit(self.number, None, exc)
        else:
            self.relay.finished.emit(self.number, result, None)


@dataclass
class _Pending:
    label: str
    on_done: Callback | None
    on_error: Callback | None
    # What is logged when the task fails: the function's name, never ``label``, which may
    # hold a path the user typed ("Saving to …/Amira's memo.pdf").
    step: str = "a task"


def _step_name(fn: Callable[..., Any]) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', type(fn).__name__)}"


SERVER_LOST = (
    "The server cannot be reached, so this was not done. Nothing you typed is lost; "
    "MASH Desk is reconnecting and you can try again once it is back."
)


def describe_error(exc: BaseException) -> str:
    """A sentence a practitioner can act on, with the log's reference; never a traceback."""
    if isinstance(exc, MashDeskError):
        return str(exc)
    if _server_lost(exc):
        return SERVER_LOST
    # An error caught outside the task runner is logged here, so the reference the sentence
    # gives is always in the log.
    reference = getattr(exc, "mash_reference", None) or log_task_error(exc, "shown to the user")
    return (
        "Something went wrong and nothing was saved by this step "
        f"({type(exc).__name__}). Please tell your administrator the reference {reference}; "
        f"the details are in the log in {log_folder()}."
    )


def log_task_error(exc: BaseException, where: str) -> str:
    """Write ``exc`` with a new reference to the log, and keep the reference on it.

    ``where`` says where it happened in the code's words (a function's name), never a value.
    """
    reference = log_unexpected(exc, where)
    with contextlib.suppress(AttributeError, TypeError):  # e.g. an exception with __slots__
        exc.mash_reference = reference  # type: ignore[attr-defined]  # a tag of our own
    return reference


class TaskRunner(QObject):
    """Runs callables in the background and calls back on the GUI thread.

    Signals:
        busy_changed(int, str): how many tasks are running, and the label of the newest,
            for the status-bar progress indicator.
        failed(str): the message of a failure no callback handled.
        connection_lost(): a task failed because the server cannot be reached (whether or
            not its callback handled the failure), for the window's banner.
    """

    busy_changed = Signal(int, str)
    failed = Signal(str)
    connection_lost = Signal()

    def __init__(self, parent: QObject | None = None, *, readers: int = 3):
        """Create the reading pool (``readers`` threads) and the one-thread writing pool."""
        super().__init__(parent)
        self._readers = QThreadPool(self)
        self._readers.setMaxThreadCount(readers)
        self._writer = QThreadPool(self)
        self._writer.setMaxThreadCount(1)
        self._relay = _Relay()
        self._relay.finished.connect(self._finished)
        self._numbers = itertools.count(1)
        self._pending: dict[int, _Pending] = {}

    @property
    def busy(self) -> int:
        """Tasks started and not yet finished."""
        return len(self._pending)

    def read(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callback | None = None,
        on_error: Callback | None = None,
        label: str = "Loading…",
        **kwargs: Any,
    ) -> int:
        """Run a reading call in the background; returns a task number."""
        return self._start(self._readers, fn, args, kwargs, label, on_done, on_error)

    def write(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callback | None = None,
        on_error: Callback | None = None,
        label: str = "Saving…",
        **kwargs: Any,
    ) -> int:
        """Run a writing call on the single writer thread; returns a task number."""
        return self._start(self._writer, fn, args, kwargs, label, on_done, on_error)

    def _start(self, pool, fn, args, kwargs, label, on_done, on_error) -> int:
        number = next(self._numbers)
        self._pending[number] = _Pending(label, on_done, on_error, _step_name(fn))
        pool.start(_Job(number, fn, args, kwargs, self._relay))
        self.busy_changed.emit(len(self._pending), label)
        return number

    @Slot(int, object, object)
    def _finished(self, number: int, result: object, error: object) -> None:
        pending = self._pending.pop(number, None)
        self.busy_changed.emit(len(self._pending), "")
        if pending is None:
            return
        if error is None:
            self._call(pending, pending.on_done, result)
            return
        assert isinstance(error, BaseException)
        if _server_lost(error):
            # Expected while the server is away: no traceback in the log, the banner says it.
            log.warning("Background step %s: the server cannot be reached", pending.step)
            self.connection_lost.emit()
        elif not isinstance(error, MashDeskError):
            log_task_error(error, f"in background step {pending.step}")
        if pending.on_error is not None:
            self._call(pending, pending.on_error, error)
        else:
            self.failed.emit(describe_error(error))

    def _call(self, pending: _Pending, callback: Callback | None, value: object) -> None:
        """Deliver a result, unless the widget that asked for it has been closed meanwhile."""
        if callback is None:
            return
        owner = getattr(callback, "__self__", None)
        if isinstance(owner, QObject) and not shiboken6.isValid(owner):
            return
        try:
            callback(value)
        except RuntimeError as exc:
            # A lambda that touches a widget closed while the task ran: the result is stale.
            if "already deleted" not in str(exc):
                self._callback_failed(pending, exc)
        except Exception as exc:  # noqa: BLE001 — a broken callback must not die silently
            self._callback_failed(pending, exc)

    def _callback_failed(self, pending: _Pending, exc: Exception) -> None:
        log_task_error(exc, f"handling the result of {pending.step}")
        self.failed.emit(describe_error(exc))

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until every started task has finished (shutdown and tests)."""
        return self._readers.waitForDone(msecs) and self._writer.waitForDone(msecs)
