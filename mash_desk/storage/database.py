"""Open a database (SQLite file or PostgreSQL server), migrate it and hand out sessions."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from mash_desk.paths import user_data_dir

ENV_VAR = "MASH_DESK_DATABASE_URL"


def default_url() -> str:
    """Return the database URL to use when none is given: env var, else the user's SQLite file."""
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return from_env
    return f"sqlite:///{user_data_dir() / 'mash-desk.sqlite3'}"


def demo_url() -> str:
    """Return the URL of the clearly separate DEMO database (synthetic data only)."""
    return f"sqlite:///{user_data_dir() / 'mash-desk-DEMO.sqlite3'}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; WAL lets the GUI read while the writer writes.
    # synchronous=FULL because in WAL mode NORMAL may lose the last commits at a power cut,
    # and a contact a practitioner saw saved must survive one (nothing typed is ever lost).
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create an engine with the settings MASH Desk relies on for either database."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        # A bare postgresql:// URL would pick psycopg2; MASH Desk ships psycopg 3.
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True)


class Database:
    """One open database: engine, migrations and a session factory.

    Sessions keep loaded attributes after commit (``expire_on_commit=False``) because
    services copy them into frozen DTOs after the transaction ends.
    """

    def __init__(self, url: str, *, migrate: bool = True, seed: bool = True):
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._local = threading.local()
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

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Yield a session inside one transaction: committed on success, rolled back on error."""
        with self.sessions.begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """Yield a session for reads; it is rolled back at the end."""
        with self.sessions() as session:
            yield session

    @contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """Yield this thread's reading connection; its transaction ends when the block does.

        Reads are frequent and small (the queue refreshing, as-you-type duplicate search,
        history checks), so each thread keeps one connection instead of paying a pool
        check-out per read. Nested use on one thread shares the outer block's snapshot.
        """
        local = self._local
        conn = getattr(local, "conn", None)
        if conn is None or conn.closed or conn.invalidated:
            conn = local.conn = self.engine.connect()
            local.depth = 0
        local.depth += 1
        try:
            yield conn
        finally:
            local.depth -= 1
            if local.depth == 0:
                conn.rollback()

    @contextmanager
    def write_transaction(self) -> Iterator[Connection]:
        """Yield this thread's writing connection inside a transaction (commit on success).

        Kept per thread, like the reading connection, so a save does not pay a pool
        check-out and reset; the GUI funnels writes through one worker thread anyway.
        """
        local = self._local
        conn = getattr(local, "writer", None)
        if conn is None or conn.closed or conn.invalidated:
            conn = local.writer = self.engine.connect()
        with conn.begin():
            yield conn

    def close(self) -> None:
        """Close this thread's connections and dispose of the pool."""
        for name in ("conn", "writer"):
            conn = getattr(self._local, name, None)
            if conn is not None:
                conn.close()
                setattr(self._local, name, None)
        self.engine.dispose()
