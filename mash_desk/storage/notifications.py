"""The change feed of a shared server: committed changes of other desks, as ids only.

``server init`` puts a trigger on every table other desks show (``server_notify``); each
committed change sends a small JSON payload (table, operation, ids) on one channel. This
module listens to that channel for one desk.

The connection budget (issue 13 item 6: at most 3 connections per desk, and 50 desks on a
default server, ``max_connections`` = 100 with 3 reserved for superusers, so 97 usable):

* The feed LISTENs on the desk's **reading** connection (``Database``'s autocommit,
  read-only reader) instead of opening a connection of its own. A read that runs on it
  delivers notifications to the handler registered here; while no read runs, :meth:`poll`
  (called often, on the GUI thread) takes the reader only if it is free, looks whether its
  socket has anything to read (no round trip to the server) and drains it. The reader is
  autocommit, so LISTENing never leaves it "idle in transaction".
* The **writing** connection is released after :data:`WRITER_IDLE_SECONDS` without a write
  (:meth:`Database.release_idle_writer`) and opened again by the next write.

So a desk holds 1 connection while idle and 2 while a save is under way, never 3:
N desks need N + (saves in flight at the same instant) connections; 50 desks need 50, plus
one per concurrent save, well inside 97. (The third connection of the budget stays unused.)

Whenever the reader is replaced (the server restarted, or a failed read invalidated it),
:meth:`poll` says the feed must LISTEN again, and :meth:`listen` does so on the new one;
changes committed in between are not replayed, so the caller refreshes everything once.
On SQLite there are no notifications (one user per embedded file): the feed is idle.
"""

from __future__ import annotations

import json
import logging
import select
import sys
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import DBAPIError

from mash_desk.storage.database import Database
from mash_desk.storage.server_notify import CHANNEL, ID_COLUMNS

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)

# How long a desk keeps its writing connection after a save: a burst of saves (a contact,
# then its screening and access rows) reuses it, and a desk between two actions gives its
# place on the server back. At 10 s, 50 benchmark desks working at a brisk human pace (an
# action every 1.5–4 s) kept both connections open and reached 96 of 100; opening a writer
# again costs one TLS and SCRAM handshake, a few milliseconds beside a person's pace.
WRITER_IDLE_SECONDS = 2.0

# SQLSTATEs meaning the server went away: class 08 (connection exception), and an
# administrator's or a crash's shutdown, or a server still starting (57P01-57P03).
_LOST_STATES = ("57P01", "57P02", "57P03")
# Writers whose own changes come back are remembered this long (a few pids).
_OWN_PIDS_KEPT = 8


@dataclass(frozen=True)
class Change:
    """One committed change: the table changed, the operation and the row's ids.

    Attributes:
        table: the table (the change key), e.g. ``"contact_children"``.
        op: ``"insert"``, ``"update"`` or ``"delete"``.
        ids: the row's ids the payload carried (``id``, ``person_id``, ``contact_id``...).
    """

    table: str
    op: str
    ids: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Polled:
    """What one :meth:`ChangeFeed.poll` found.

    Attributes:
        changes: committed changes of other desks since the last poll.
        lost: the server went away (the reader is invalidated; :meth:`ChangeFeed.listen`
            reconnects when it is back).
        must_listen: the reader is new or missing: call :meth:`ChangeFeed.listen`.
    """

    changes: tuple[Change, ...] = ()
    lost: bool = False
    must_listen: bool = False


def server_lost(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) says the server cannot be reached.

    A refused or broken connection, not a refusal of the statement: a constraint, a
    privilege or a lock timeout is the server answering, and is reported as such.
    """
    # psycopg is imported only by a server desk (~0.2 s an embedded desk's start does without);
    # where it is not loaded, no exception can be one of its errors.
    psycopg = sys.modules.get("psycopg")
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            return True
        if psycopg is not None and isinstance(exc, psycopg.OperationalError):
            state = exc.sqlstate
            # No SQLSTATE: libpq's own failure (refused, reset, "server closed the connection").
            return state is None or state.startswith("08") or state in _LOST_STATES
        orig = getattr(exc, "orig", None)
        exc = orig if isinstance(orig, BaseException) else exc.__cause__
        seen += 1
    return False


def parse(payload: str) -> Change | None:
    """The change a payload announces, or None if it is not one of ours."""
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("table"), str):
        return None
    ids = {k: int(v) for k, v in data.items() if k in ID_COLUMNS and isinstance(v, int)}
    return Change(data["table"], str(data.get("op", "")), ids)


class ChangeFeed:
    """Listens for committed changes on a desk's reading connection (see the module notes).

    Thread-safe: reads on any thread may deliver notifications to it; :meth:`poll` and
    :meth:`listen` may be called from any thread and never wait for a read in progress.
    """

    def __init__(self, db: Database):
        """Create the feed of ``db`` (idle on SQLite)."""
        self._db = db
        self._lock = threading.Lock()
        self._received: deque[Change] = deque()
        self._listening_on: Any = None
        self._own_pids: deque[int] = deque(maxlen=_OWN_PIDS_KEPT)

    @property
    def available(self) -> bool:
        """Whether this database sends notifications (a shared server)."""
        return self._db.dialect == "postgresql"

    @property
    def listening(self) -> bool:
        """Whether the feed LISTENs on the current reading connection."""
        return self._listening_on is not None

    def listen(self) -> bool:
        """LISTEN on the reading connection, connecting it if need be.

        May block while connecting: never call it on the GUI thread. Raises what connecting
        raises; returns whether it newly LISTENed.
        """
        if not self.available:
            return False
        with self._db.read_connection() as conn:
            driver = conn.connection.driver_connection
            # None only once the pool has invalidated it; a connection just checked out has one.
            assert driver is not None
            if driver is self._listening_on:
                return False
            conn.exec_driver_sql(f"LISTEN {CHANNEL}")
            driver.add_notify_handler(self._notified)
            self._listening_on = driver
        return True

    def poll(self) -> Polled:
        """Collect what arrived, without waiting and without a round trip to the server."""
        if not self.available:
            return Polled()
        self._remember_writer()
        held = self._db._reader
        lost = must_listen = False
        if held.lock is not None and held.lock.acquire(blocking=False):
            try:
                if held.depth == 0:
                    lost, must_listen = self._drain(held)
            finally:
                held.lock.release()
        self._db.release_idle_writer(WRITER_IDLE_SECONDS)
        with self._lock:
            changes = tuple(self._received)
            self._received.clear()
        return Polled(changes, lost, must_listen)

    def _drain(self, held: Any) -> tuple[bool, bool]:
        """Read what the idle reader's socket holds; return (lost, must_listen)."""
        import psycopg  # a server desk's: loaded already by its connection

        conn = held.conn
        if conn is None or conn.closed or conn.invalidated:
            self._listening_on = None
            return False, True
        driver = conn.connection.driver_connection
        if driver is not self._listening_on:
            return False, True
        pgconn = driver.pgconn
        try:
            if pgconn.status != psycopg.pq.ConnStatus.OK:
                raise psycopg.OperationalError("the connection is broken")
            readable, _, _ = select.select([pgconn.socket], [], [], 0)
            if readable:
                pgconn.consume_input()
            # Also what an earlier look at the socket queued (``database._broken``).
            while (notify := pgconn.notifies()) is not None:
                if pgconn.notify_handler is not None:
                    pgconn.notify_handler(notify)
            if pgconn.status != psycopg.pq.ConnStatus.OK:
                raise psycopg.OperationalError("the server closed the connection")
        except (psycopg.Error, OSError, ValueError):
            # The server went away while the desk was idle: the next read connects afresh.
            log.info("The server connection was lost; reconnecting when it is back")
            self._listening_on = None
            conn.invalidate()
            return True, True
        return False, False

    def _notified(self, notify: psycopg.Notify) -> None:
        # Called on whichever thread is reading (or on poll's). Own writes are announced by
        # the view that saved them already: skip them, so a view does not refresh twice.
        if notify.channel != CHANNEL or notify.pid in self._own_pids:
            return
        if notify.pid == self._writer_pid():
            return
        change = parse(notify.payload)
        if change is not None:
            with self._lock:
                self._received.append(change)

    def _writer_pid(self) -> int | None:
        """The server process of this desk's writing connection, if it has one now."""
        conn = self._db._writer.conn
        if conn is None or conn.closed or conn.invalidated:
            return None
        try:
            driver = conn.connection.driver_connection
            if driver is None:
                return None
            return int(driver.info.backend_pid) or None
        except Exception:  # noqa: BLE001 — replaced by another thread meanwhile: no pid
            return None

    def _remember_writer(self) -> None:
        pid = self._writer_pid()
        if pid is not None and pid not in self._own_pids:
            self._own_pids.append(pid)
