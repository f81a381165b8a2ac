"""The audit log's hash chain on disk: appending on SQLite, the PostgreSQL trigger, verifying.

The canonical form and the hash are in :mod:`mash_desk.domain.audit_chain`. On PostgreSQL the
database computes them in a BEFORE INSERT trigger (``PG_CHAIN_FUNCTION``), so a client that
writes an audit row cannot skip or forge its link; on SQLite, where whoever can write the file
can do anything anyway, :func:`append_sqlite` computes them as the application writes the row.
Either way the next row's id and its predecessor's hash come from ``audit_chain_head``, taken
under a write lock first, so concurrent writers chain one after another, in id order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    String,
    Text,
    bindparam,
    column,
    select,
    table,
)

from mash_desk.domain.audit_chain import GENESIS, canonical, row_hash
from mash_desk.storage.base import UTCDateTime

AUDIT_LOG = "audit_log"
_PAGE = 5000

_AUDIT = table(
    AUDIT_LOG,
    column("id", Integer),
    column("at", UTCDateTime()),
    column("user_id", Integer),
    column("action", String),
    column("entity", String),
    column("entity_id", Integer),
    column("person_id", Integer),
    column("detail", Text),
    column("db_user", String),
    column("prev_hash", String),
    column("row_hash", String),
)
_HEAD = table(
    "audit_chain_head", column("log", String), column("last_id", Integer), column("last_hash")
)

# --- SQLite: the application appends --------------------------------------------------------

# Taking the head with an UPDATE first takes SQLite's write lock before the predecessor is
# read, so no other connection can chain onto the same row in between.
_TAKE_HEAD = (
    "UPDATE audit_chain_head SET last_id = last_id + 1 WHERE log = 'audit_log' "
    "RETURNING last_id, last_hash"
)
_INSERT = (
    "INSERT INTO audit_log (id, at, user_id, action, entity, entity_id, person_id, detail, "
    "db_user, prev_hash, row_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)"
)
_SET_HEAD = "UPDATE audit_chain_head SET last_hash = ? WHERE log = 'audit_log'"


def append_sqlite(
    dbapi: Any,
    at: datetime,
    user_id: int,
    action: str,
    entity: str,
    entity_id: int | None,
    person_id: int | None,
    detail: str,
) -> None:
    """Write one chained audit row on a SQLite DBAPI connection, in its open transaction."""
    cursor = dbapi.cursor()
    try:
        cursor.execute(_TAKE_HEAD)
        head = cursor.fetchone()
        if head is None:
            raise RuntimeError("the audit chain has no head row: run mash-desk db upgrade")
        new_id, prev = head
        content = canonical(new_id, at, user_id, action, entity, entity_id, person_id, detail, None)
        digest = row_hash(prev, content)
        stamp = at.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
        cursor.execute(
            _INSERT,
            (new_id, stamp, user_id, action, entity, entity_id, person_id, detail, prev, digest),
        )
        cursor.execute(_SET_HEAD, (digest,))
    finally:
        cursor.close()


class Chainer:
    """Hash rows in order for a bulk writer (the demo generator) that gives ids itself."""

    def __init__(self, last_id: int, last_hash: str):
        self.last_id = last_id
        self.last_hash = last_hash

    def link(self, row: dict[str, Any]) -> None:
        """Set ``prev_hash`` and ``row_hash`` of ``row`` (the next row, by id) in place."""
        if row["id"] <= self.last_id:
            raise ValueError(f"audit row {row['id']} is not after row {self.last_id}")
        content = canonical(
            row["id"],
            row["at"],
            row["user_id"],
            row["action"],
            row["entity"],
            row["entity_id"],
            row["person_id"],
            row["detail"],
            row.get("db_user"),
        )
        row["prev_hash"] = self.last_hash
        row["row_hash"] = self.last_hash = row_hash(self.last_hash, content)
        self.last_id = row["id"]


def read_head(conn: Connection) -> tuple[int, str] | None:
    """Return the chain head's last id and hash (None if the table or its row is missing)."""
    row = conn.execute(
        select(_HEAD.c.last_id, _HEAD.c.last_hash).where(_HEAD.c.log == AUDIT_LOG)
    ).first()
    return None if row is None else (int(row[0]), str(row[1]))


def set_head(conn: Connection, last_id: int, last_hash: str) -> None:
    """Move the chain head (for bulk writers and the migration, as the database owner)."""
    conn.execute(
        _HEAD.update().where(_HEAD.c.log == AUDIT_LOG).values(last_id=last_id, last_hash=last_hash)
    )


# --- PostgreSQL: the database appends -------------------------------------------------------

PG_FIELD_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_chain_field(value text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN value IS NULL THEN '~' ELSE char_length(value)::text || ':' || value END
$$
"""
# SECURITY DEFINER: application roles need no rights on audit_chain_head, and the id, the
# login and the hashes are set here whatever the client sent. The id is taken from the head
# (not the sequence) under the head's row lock, so ids follow the chain even when two
# transactions interleave; a rolled-back insert rolls the head back with it (no gaps).
PG_CHAIN_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  head record;
BEGIN
  SELECT last_id, last_hash INTO head FROM audit_chain_head
    WHERE log = 'audit_log' FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'the audit chain has no head row';
  END IF;
  NEW.id := head.last_id + 1;
  NEW.db_user := session_user;
  NEW.prev_hash := head.last_hash;
  NEW.row_hash := encode(sha256(convert_to(head.last_hash || 'mash-audit-v1'
    || audit_chain_field(NEW.id::text)
    || audit_chain_field(to_char(NEW.at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'))
    || audit_chain_field(NEW.user_id::text)
    || audit_chain_field(NEW.action)
    || audit_chain_field(NEW.entity)
    || audit_chain_field(NEW.entity_id::text)
    || audit_chain_field(NEW.person_id::text)
    || audit_chain_field(NEW.detail)
    || audit_chain_field(NEW.db_user), 'UTF8')), 'hex');
  UPDATE audit_chain_head SET last_id = NEW.id, last_hash = NEW.row_hash
    WHERE log = 'audit_log';
  RETURN NEW;
END $$
"""
PG_CHAIN_TRIGGER = (
    "CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_chain()"
)


# --- both: rows in id order ------------------------------------------------------------------


def _pages(conn: Connection) -> Iterator[Any]:
    """Yield every audit row in id order, a page at a time (never the whole log in memory)."""
    after = 0
    while True:
        rows = conn.execute(
            select(_AUDIT).where(_AUDIT.c.id > after).order_by(_AUDIT.c.id).limit(_PAGE)
        ).all()
        yield from rows
        if len(rows) < _PAGE:
            return
        after = rows[-1].id


def _content(row: Any) -> str:
    return canonical(
        row.id,
        row.at,
        row.user_id,
        row.action,
        row.entity,
        row.entity_id,
        row.person_id,
        row.detail,
        row.db_user,
    )


def rechain(conn: Connection, progress: Callable[[int], None] | None = None) -> tuple[int, str]:
    """Compute the chain over every existing row (the migration; triggers off); return the head."""
    last_id, last_hash = 0, GENESIS
    batch: list[dict[str, Any]] = []
    update = (
        _AUDIT.update()
        .where(_AUDIT.c.id == bindparam("rid"))
        .values(prev_hash=bindparam("p"), row_hash=bindparam("h"))
    )
    for row in _pages(conn):
        digest = row_hash(last_hash, _content(row))
        batch.append({"rid": row.id, "p": last_hash, "h": digest})
        last_id, last_hash = row.id, digest
        if len(batch) >= _PAGE:
            conn.execute(update, batch)
            batch = []
            if progress:
                progress(last_id)
    if batch:
        conn.execute(update, batch)
    return last_id, last_hash


# --- verifying ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    """What ``audit verify`` found: ``problem`` is None when the whole chain holds."""

    rows: int
    last_id: int | None
    problem: str | None = None
    row_id: int | None = None

    @property
    def ok(self) -> bool:
        """Return whether the chain verified."""
        return self.problem is None

    def summary(self) -> str:
        """Return the one line ``audit verify`` prints."""
        if self.problem:
            return f"audit chain broken: {self.problem}"
        if not self.rows:
            return "audit chain verified: the log is empty"
        return f"audit chain verified: {self.rows:,} rows, 1 to {self.last_id}, unbroken"


def _missing(prev_id: int | None, row_id: int) -> ChainReport:
    if prev_id is None:
        return ChainReport(0, None, f"rows before {row_id} missing: row {row_id} is first", row_id)
    gap = (
        f"row {prev_id + 1} missing"
        if row_id == prev_id + 2
        else f"rows {prev_id + 1} to {row_id - 1} missing"
        if row_id > prev_id + 2
        else None
    )
    if gap is None:
        return ChainReport(
            0,
            prev_id,
            f"row {row_id} does not follow row {prev_id}: one of them was altered or replaced",
            prev_id,
        )
    return ChainReport(0, prev_id, f"{gap}: row {row_id} follows {prev_id}", row_id)


def _walk(conn: Connection, head: tuple[int, str]) -> ChainReport:
    count = 0
    prev_id: int | None = None
    prev_hash = GENESIS
    before: tuple[int | None, str] = (None, "")  # the row before the previous one
    for row in _pages(conn):
        if row.prev_hash is None or row.row_hash is None:
            return ChainReport(count, prev_id, f"row {row.id} is not chained (no hash)", row.id)
        if row_hash(row.prev_hash, _content(row)) != row.row_hash:
            return ChainReport(count, prev_id, f"row {row.id} altered", row.id)
        if row.prev_hash != prev_hash:
            if prev_id is not None and row.prev_hash == before[1]:
                # This row links to the one before the previous: the previous was slipped in.
                return ChainReport(
                    count,
                    prev_id,
                    f"row {prev_id} forged: it is not in the chain, "
                    f"row {row.id} follows {before[0] or 'the start'}",
                    prev_id,
                )
            return _missing(prev_id, row.id)
        if row.id > head[0]:
            return ChainReport(
                count, prev_id, f"row {row.id} forged: the chain ends at row {head[0]}", row.id
            )
        count += 1
        before = (prev_id, prev_hash)
        prev_id, prev_hash = row.id, row.row_hash
    last = prev_id or 0
    if head[0] > last:
        return ChainReport(
            count, prev_id, f"row {head[0]} missing: the log ends at row {last}", head[0]
        )
    if head[1] != prev_hash:
        return ChainReport(count, prev_id, f"row {last} altered (not the chain's head)", last)
    return ChainReport(count, prev_id)


def verify(engine: Engine) -> ChainReport:
    """Walk the whole chain in id order, in one snapshot; report the first broken link."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        else:
            # pysqlite begins transactions only before writes; a read transaction keeps the
            # head and the rows in one snapshot while desks go on writing.
            conn.exec_driver_sql("BEGIN")
        try:
            head = read_head(conn)
            if head is None:
                return ChainReport(0, None, "the log has no chain head (run mash-desk db upgrade)")
            return _walk(conn, head)
        finally:
            conn.rollback()
