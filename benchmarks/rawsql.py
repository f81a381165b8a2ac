"""Hand-written SQL on the desk's own database, the same on SQLite and PostgreSQL (the floors).

A floor talks to the DBAPI connection directly: no ORM, no SQLAlchemy Core, no DTOs. Its SQL
is written once with ``:name`` parameters; on psycopg they become ``%(name)s``. Reads run in
autocommit, as the desk's reads do (PostgreSQL: ``storage.database._make_reader``; SQLite:
pysqlite begins only before a write); writes run between ``BEGIN`` and ``COMMIT``. The
chained log rows are written the way the app writes them on each engine: on SQLite the hash
is computed here (as ``storage.audit_chain.append_sqlite`` does), on PostgreSQL the server's
trigger computes it, and a server-initialised database's access rows go through
``mash_record_access`` (logins may not insert into the access log).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from benchmarks import statements
from mash_desk.domain.audit_chain import canonical_values, row_hash
from mash_desk.services.desk import Desk
from mash_desk.storage.audit_chain import ACCESS, AUDIT

_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


class Raw:
    """One DBAPI connection of the desk's engine, with the floor's few helpers."""

    def __init__(self, desk: Desk, user_id: int):
        self.sqlite = desk.db.dialect == "sqlite"
        self.user_id = user_id
        engine = desk.db.engine
        self.conn: Any
        if self.sqlite:
            # The DBAPI connection itself: the pool's proxy would take the attribute and
            # leave the driver in its own transaction mode.
            # Detached from the pool and kept: a pool connection dropped here went back to
            # the pool in autocommit, and the desk's writer then took it, so every statement of
            # the app's writes committed (and synced) on its own, on the floor's connection.
            self._fairy = engine.raw_connection()
            self.conn = self._fairy.driver_connection
            self._fairy.detach()
            self.conn.isolation_level = None  # explicit BEGIN/COMMIT, as the ORM issues them
        else:
            # A connection of its own, as the same login (the desk's pool is sized for the
            # desk's own two): made the way SQLAlchemy's dialect makes them.
            cargs, cparams = engine.dialect.create_connect_args(engine.url)
            self.conn = engine.dialect.connect(*cargs, **cparams)
            self.conn.autocommit = True
            statements.hook(self.conn)
        self.cur = self.conn.cursor()
        self._access_function = not self.sqlite and bool(
            self.one(
                "SELECT to_regprocedure('mash_record_access(integer, text, text, integer, "
                "timestamptz)') IS NOT NULL"
            )[0]
        )

    def close(self) -> None:
        """Give the connection back."""
        self.cur.close()
        self.conn.close()

    def _sql(self, sql: str) -> str:
        return sql if self.sqlite else _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))

    def all(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Run ``sql`` and return every row."""
        self.cur.execute(self._sql(sql), params or {})
        return [tuple(r) for r in self.cur.fetchall()]

    def one(self, sql: str, params: dict[str, Any] | None = None) -> tuple[Any, ...]:
        """Run ``sql`` and return its first row."""
        self.cur.execute(self._sql(sql), params or {})
        row = self.cur.fetchone()
        assert row is not None, sql  # the floors ask only for rows that exist
        return tuple(row)

    def run(self, sql: str, params: dict[str, Any] | None = None) -> int:
        """Run a write; return the rows it changed."""
        self.cur.execute(self._sql(sql), params or {})
        return self.cur.rowcount

    def insert(self, sql: str, params: dict[str, Any]) -> int:
        """Run an INSERT and return the new row's id."""
        if self.sqlite:
            self.cur.execute(sql, params)
            return int(self.cur.lastrowid)
        self.cur.execute(self._sql(sql + " RETURNING id"), params)  # psycopg has no lastrowid
        return int(self.one_value())

    def one_value(self) -> Any:
        """The first column of the row just returned."""
        row = self.cur.fetchone()
        assert row is not None  # RETURNING always gives the new row
        return row[0]

    def begin(self) -> None:
        """Start a write transaction."""
        self.cur.execute("BEGIN")

    def commit(self) -> None:
        """Commit it."""
        self.cur.execute("COMMIT")

    def ts(self, value: datetime) -> Any:
        """An instant as the engine stores it (SQLite: UTC text, as ``UTCDateTime`` writes)."""
        if self.sqlite:
            return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return value

    def day(self, value: date) -> Any:
        """A date as the engine stores it."""
        return value.isoformat() if self.sqlite else value

    def marks(self, name: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
        """``:name0, :name1, …`` and their parameters, for an IN list."""
        params = {f"{name}{i}": v for i, v in enumerate(values)}
        return ", ".join(f":{k}" for k in params) or "NULL", params

    def user_check(self) -> tuple[Any, ...]:
        """The one look-up of the acting user any permission check needs."""
        return self.one(
            "SELECT id, username, role_code, active, agency_id FROM users WHERE id = :u",
            {"u": self.user_id},
        )

    def access(self, person_id: int, what: str, detail: str | None, at: datetime) -> None:
        """One chained access-log row, written as the app writes it on this engine."""
        if not self.sqlite:
            if self._access_function:
                self.one(
                    "SELECT mash_record_access(:p, :w, :d, :u, :at)",
                    {"p": person_id, "w": what, "d": detail, "u": self.user_id, "at": at},
                )
            else:
                self.run(
                    "INSERT INTO access_log (user_id, person_id, at, what, detail) "
                    "VALUES (:u, :p, :at, :w, :d)",
                    {"p": person_id, "w": what, "d": detail, "u": self.user_id, "at": at},
                )
            return
        row_id, prev = self.one(
            "UPDATE audit_chain_head SET last_id = last_id + 1 WHERE log = 'access_log' "
            "RETURNING last_id, last_hash"
        )
        values = (row_id, self.user_id, person_id, at, what, detail, None)
        digest = row_hash(prev, canonical_values(ACCESS.tag, list(values)))
        self.run(
            "INSERT INTO access_log (id, user_id, person_id, at, what, detail, db_user, "
            "prev_hash, row_hash) VALUES (:id, :u, :p, :at, :w, :d, NULL, :prev, :h)",
            {
                "id": row_id,
                "u": self.user_id,
                "p": person_id,
                "at": self.ts(at),
                "w": what,
                "d": detail,
                "prev": prev,
                "h": digest,
            },
        )
        self.run(
            "UPDATE audit_chain_head SET last_hash = :h WHERE log = 'access_log'", {"h": digest}
        )

    def audit(
        self,
        at: datetime,
        action: str,
        entity: str,
        entity_id: int,
        person_id: int | None,
        detail: str,
    ) -> None:
        """One chained audit row, written as the app writes it on this engine."""
        params = {
            "at": self.ts(at),
            "u": self.user_id,
            "a": action,
            "e": entity,
            "eid": entity_id,
            "p": person_id,
            "d": detail,
        }
        if not self.sqlite:
            self.run(
                "INSERT INTO audit_log (at, user_id, action, entity, entity_id, person_id, "
                "detail) VALUES (:at, :u, :a, :e, :eid, :p, :d)",
                params,
            )
            return
        row_id, prev = self.one(
            "UPDATE audit_chain_head SET last_id = last_id + 1 WHERE log = 'audit_log' "
            "RETURNING last_id, last_hash"
        )
        values = (row_id, at, self.user_id, action, entity, entity_id, person_id, detail)
        digest = row_hash(prev, canonical_values(AUDIT.tag, [*values, None]))
        self.run(
            "INSERT INTO audit_log (id, at, user_id, action, entity, entity_id, person_id, "
            "detail, db_user, prev_hash, row_hash) VALUES (:id, :at, :u, :a, :e, :eid, :p, :d, "
            "NULL, :prev, :h)",
            {**params, "id": row_id, "prev": prev, "h": digest},
        )
        self.run(
            "UPDATE audit_chain_head SET last_hash = :h WHERE log = 'audit_log'", {"h": digest}
        )


def ids(rows: Iterable[tuple[Any, ...]], column: int = 0) -> list[Any]:
    """One column of ``rows``."""
    return [r[column] for r in rows]
