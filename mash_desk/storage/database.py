"""Open a database (SQLite file or PostgreSQL server), migrate it and hand out sessions."""

from __future__ import annotations

import select
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from mash_desk.storage.sqlite_pragmas import sqlite_pragmas

# On a shared server a desk may hold at most three connections: one for reads, one for
# writes (both held by :class:`Database`) and one, outside this pool, for notifications.
# No overflow: a code path that tried to open a fourth would wait, and a test catches it.
PG_POOL_SIZE = 2


def make_engine(url: str, *, key: bytes | None = None) -> Engine:
    """Create an engine with the settings MASH Desk relies on for either database.

    A SQLite file is always encrypted with SQLCipher (:mod:`mash_desk.storage.encryption`):
    ``key`` is its raw key, else it is found (keyring, or a passphrase unlocked earlier).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            from mash_desk.storage.encryption import sqlite_engine

            return sqlite_engine(Path(parsed.database), key=key, on_connect=sqlite_pragmas)
        engine = create_engine(url, hide_parameters=True)
        event.listen(engine, "connect", sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        # A bare postgresql:// URL would pick psycopg2; MASH Desk ships psycopg 3.
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(
        parsed, pool_pre_ping=True, pool_size=PG_POOL_SIZE, max_overflow=0, hide_parameters=True
    )


def _make_reader(conn: Connection) -> None:
    """Turn a fresh server connection into the desk's reading connection.

    In autocommit each statement is its own transaction, so the connection is never left
    "idle in transaction" and a read costs no BEGIN or COMMIT round trip. Under READ
    COMMITTED, PostgreSQL's default, every statement takes its own snapshot anyway, so a
    read sees exactly what it saw inside a transaction. (Ending each read with ROLLBACK
    instead would also make psycopg forget its server-side prepared statements, and the
    queue would be planned again on every refresh.) The session is read-only: the server
    refuses a write that strays onto this connection instead of committing it.
    """
    conn.execution_options(isolation_level="AUTOCOMMIT")
    conn.exec_driver_sql("SET SESSION default_transaction_read_only = on")
    conn.rollback()


def _broken(conn: Connection | None) -> bool:
    """Whether a held connection must be replaced before the next unit uses it.

    Besides SQLAlchemy's own flags, the driver's: a hot path on the driver's cursor
    (``storage.prepared``) that met a dead server leaves the driver connection broken
    without SQLAlchemy knowing.
    """
    if conn is None or conn.closed or conn.invalidated:
        return True
    driver = conn.connection.driver_connection
    pgconn = getattr(driver, "pgconn", None)
    if driver is None or pgconn is None:
        return bool(getattr(driver, "closed", False))
    # Between units a server connection has nothing to say unless the server is going (a
    # restart's "terminating connection" and end of file) or sent a notification. A look at
    # the socket, without a round trip, finds a connection a restart has cut off, so the
    # first save after the server is back does not fail on it.
    try:
        # A goodbye comes as a message and then the end of the stream: two reads. A
        # notification stays queued in the driver for the change feed.
        for _ in range(3):
            if not select.select([pgconn.socket], [], [], 0)[0]:
                break
            pgconn.consume_input()
    except Exception:  # noqa: BLE001 — any failure here means the connection is unusable
        return True
    return bool(driver.closed)


class _Held:
    """A connection that units of work borrow in turn, and how deeply they are nested on it.

    With a ``lock`` (shared server) threads take turns on the one connection; without one
    (SQLite) each thread has its own ``_Held``. The connection stays checked out of the pool
    between units, so a unit pays neither a check-out nor a ping; each unit ends its own
    transaction instead (see :meth:`Database.read_connection`).
    """

    __slots__ = ("engine", "lock", "conn", "depth", "owner", "read_only", "idle_since")

    def __init__(self, engine: Engine, lock: threading.RLock | None, *, read_only: bool = False):
        self.engine = engine
        self.lock = lock
        self.read_only = read_only
        self.conn: Connection | None = None
        self.depth = 0
        self.owner: int | None = None
        self.idle_since = time.monotonic()

    def enter(self) -> Connection:
        if self.lock is not None:
            self.lock.acquire()
        try:
            conn = self.conn
            # Replaced only between units: a nested unit must fail with its outer one.
            if self.depth == 0 and _broken(conn):
                if conn is not None:
                    if not conn.closed and not conn.invalidated:
                        # Cut off by the server: closed, not handed back to the pool alive.
                        conn.invalidate()
                    conn.close()  # hands a broken connection's place in the pool back
                conn = self.conn = self.engine.connect()
                if self.read_only:
                    _make_reader(conn)
        except BaseException:
            if self.lock is not None:
                self.lock.release()
            raise
        self.depth += 1
        self.owner = threading.get_ident()
        # _broken(None) is true, so a first unit has just connected; a nested one reuses it.
        assert conn is not None
        return conn

    def leave(self) -> None:
        self.depth -= 1
        if self.depth == 0:
            self.owner = None
            self.idle_since = time.monotonic()
        if self.lock is not None:
            self.lock.release()

    def held_here(self) -> bool:
        return self.depth > 0 and self.owner == threading.get_ident()

    def close(self) -> None:
        if self.conn is not None:
            if self.read_only:
                # Its session settings must not reach whoever takes it from the pool next.
                self.conn.invalidate()
            self.conn.close()
            self.conn = None


class Database:
    """One open database: engine, migrations, sessions and the connections units borrow.

    Sessions keep loaded attributes after commit (``expire_on_commit=False``) because
    services copy them into frozen DTOs after the transaction ends.

    Every unit of work ends its transaction before its connection is free again: reads roll
    back, writes commit or roll back. On SQLite each thread keeps a reading and a writing
    connection (WAL lets readers run beside the writer). On a shared server the desk holds
    one reading and one writing connection that its threads take turns on, so a desk never
    uses more than its budget, and reads never queue behind a slow write.
    """

    def __init__(
        self, url: str, *, migrate: bool = True, seed: bool = True, key: bytes | None = None
    ):
        self.url = url
        self.engine = make_engine(url, key=key)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._local = threading.local()
        self._shared = self.engine.dialect.name != "sqlite"
        self._reader = _Held(self.engine, threading.RLock(), read_only=self._shared)
        self._writer = _Held(self.engine, threading.RLock())
        if migrate:
            from mash_desk.storage.migrations import upgrade

            upgrade(self.engine)
        if seed:
            from mash_desk.storage.reference_data import ensure_reference_data

            with self.transaction() as session:
                ensure_reference_data(session)

    @property
    def dialect(self) -> str:
        """Return ``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    def _held(self, name: str) -> _Held:
        if self._shared:
            return self._reader if name == "reader" else self._writer
        held = getattr(self._local, name, None)
        if held is None:
            held = _Held(self.engine, None)
            setattr(self._local, name, held)
        return held

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Yield a session inside one transaction: committed on success, rolled back on error."""
        if not self._shared:
            with self.sessions.begin() as session:
                yield session
            return
        with self.write_transaction() as conn, _joined(conn) as session:
            yield session
            session.flush()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """Yield a session for reads; it is rolled back at the end."""
        if not self._shared:
            with self.sessions() as session:
                yield session
            return
        with self.read_connection() as conn, _joined(conn) as session:
            yield session

    @contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """Yield a reading connection inside a transaction that is rolled back at the end.

        Reads are frequent and small (the queue refreshing, as-you-type duplicate search,
        history checks), so the connection is kept between reads instead of paying a pool
        check-out per read. Nested use on one thread shares the outer block's snapshot.

        The transaction is begun through SQLAlchemy even though the hot paths run on the
        driver's cursor (:mod:`mash_desk.storage.prepared`): psycopg opens a transaction on
        a cursor's first statement, and SQLAlchemy rolls back only a transaction it knows of,
        so without this a read left the connection "idle in transaction", holding its
        snapshot and its locks until the next read.

        On a shared server the reading connection is in autocommit (see ``_make_reader``),
        so there is no transaction to leave open and the rollback costs nothing.
        """
        if self._shared and self._writer.held_here():
            # A read inside this thread's write uses the write's connection (and sees its
            # changes): a writer that waited for the reader could deadlock with a reader
            # waiting to write.
            assert self._writer.conn is not None
            yield self._writer.conn
            return
        held = self._held("reader")
        conn = held.enter()
        try:
            outermost = held.depth == 1
            if outermost and not conn.in_transaction():
                conn.begin()
            try:
                yield conn
            finally:
                if outermost:
                    conn.rollback()
        finally:
            held.leave()

    @contextmanager
    def write_transaction(self) -> Iterator[Connection]:
        """Yield the writing connection inside a transaction (commit on success).

        Kept between writes, like the reading connection, so a save does not pay a pool
        check-out and reset; the GUI funnels writes through one worker thread anyway.
        """
        held = self._held("writer")
        conn = held.enter()
        try:
            with conn.begin():
                yield conn
        finally:
            held.leave()

    def release_idle_writer(self, idle_for: float) -> bool:
        """Give the writing connection back to the server after ``idle_for`` seconds unused.

        On a shared server an idle desk then holds only its reading connection (see
        ``storage.notifications`` for the arithmetic); the next write connects again. Never
        waits: a writer in use, or taken by another thread, is left alone.
        """
        held = self._writer
        if not self._shared or held.lock is None or not held.lock.acquire(blocking=False):
            return False
        try:
            if held.depth or held.conn is None:
                return False
            if time.monotonic() - held.idle_since < idle_for:
                return False
            # Invalidated, not just closed: a closed connection would stay open in the pool.
            held.conn.invalidate()
            held.conn.close()
            held.conn = None
            return True
        finally:
            held.lock.release()

    def close(self) -> None:
        """Close the connections this desk holds and dispose of the pool."""
        for name in ("reader", "writer"):
            held = getattr(self._local, name, None)
            if held is not None:
                held.close()
        self._reader.close()
        self._writer.close()
        self.engine.dispose()


@contextmanager
def _joined(conn: Connection) -> Iterator[Session]:
    # Joined to the connection's transaction, which the caller ends.
    session = Session(bind=conn, expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
