"""The hash chains of the audit and access logs: SQLite appends, PostgreSQL's trigger, verify.

The canonical form and the hash are in :mod:`mash_desk.domain.audit_chain`. On PostgreSQL the
database computes them in a BEFORE INSERT trigger (:func:`pg_chain_function`), so a client that
writes a log row cannot skip or forge its link; on SQLite, where whoever can write the file can
do anything anyway, :func:`append_sqlite` computes them as the application writes the row.
Either way the next row's id and its predecessor's hash come from ``audit_chain_head``, taken
under a write lock first, so concurrent writers chain one after another, in id order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    String,
    TableClause,
    bindparam,
    column,
    select,
    table,
)

from mash_desk.domain.audit_chain import (
    ACCESS_VERSION,
    GENESIS,
    VERSION,
    canonical_values,
    row_hash,
)
from mash_desk.storage.base import UTCDateTime

_PAGE = 5000
_INTS = frozenset({"id", "user_id", "entity_id", "person_id"})


@dataclass(frozen=True)
class ChainedLog:
    """One hash-chained log: its table, tag and the columns of its canonical form, in order."""

    name: str
    tag: str
    columns: tuple[str, ...]
    """Content columns in canonical order: ``id`` first, ``db_user`` last."""

    @property
    def table(self) -> TableClause:
        """Return a lightweight table of the chained columns (migrations use it too)."""
        cols = [
            column(c, UTCDateTime() if c == "at" else Integer if c in _INTS else String)
            for c in self.columns
        ]
        return table(self.name, *cols, column("prev_hash", String), column("row_hash", String))

    def content(self, values: Any) -> str:
        """Return the canonical text of a row (anything with the columns as attributes)."""
        return canonical_values(self.tag, [getattr(values, c) for c in self.columns])


AUDIT_LOG = "audit_log"
ACCESS_LOG = "access_log"
AUDIT = ChainedLog(
    AUDIT_LOG,
    VERSION,
    ("id", "at", "user_id", "action", "entity", "entity_id", "person_id", "detail", "db_user"),
)
ACCESS = ChainedLog(
    ACCESS_LOG, ACCESS_VERSION, ("id", "user_id", "person_id", "at", "what", "detail", "db_user")
)
LOGS = (AUDIT, ACCESS)

_HEAD = table(
    "audit_chain_head", column("log", String), column("last_id", Integer), column("last_hash")
)

# --- SQLite: the application appends --------------------------------------------------------

# Taking the head with an UPDATE first takes SQLite's write lock before the predecessor is
# read, so no other connection can chain onto the same row in between.
_TAKE_HEAD = (
    "UPDATE audit_chain_head SET last_id = last_id + 1 WHERE log = ? RETURNING last_id, last_hash"
)
_SET_HEAD = "UPDATE audit_chain_head SET last_hash = ? WHERE log = ?"
_INSERTS = {
    log.name: f"INSERT INTO {log.name} ({', '.join(log.columns)}, prev_hash, row_hash) "
    f"VALUES ({', '.join('?' * (len(log.columns) + 2))})"
    for log in LOGS
}


def append_sqlite(dbapi: Any, log: ChainedLog, **values: Any) -> None:
    """Write one chained row of ``log`` on a SQLite DBAPI connection, in its open transaction.

    ``values`` are the log's columns but ``id`` and ``db_user`` (instants as aware datetimes).
    """
    cursor = dbapi.cursor()
    try:
        cursor.execute(_TAKE_HEAD, (log.name,))
        head = cursor.fetchone()
        if head is None:
            raise RuntimeError(f"{log.name} has no chain head: run mash-desk db upgrade")
        values["id"], prev = head
        values["db_user"] = None
        ordered = [values[c] for c in log.columns]
        digest = row_hash(prev, canonical_values(log.tag, ordered))
        stored = [
            v.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
            if isinstance(v, datetime)
            else v
            for v in ordered
        ]
        cursor.execute(_INSERTS[log.name], (*stored, prev, digest))
        cursor.execute(_SET_HEAD, (digest, log.name))
    finally:
        cursor.close()


class Chainer:
    """Hash audit rows in order for a bulk writer (the demo generator) that gives ids itself."""

    def __init__(self, last_id: int, last_hash: str):
        self.last_id = last_id
        self.last_hash = last_hash

    def link(self, row: dict[str, Any]) -> None:
        """Set ``prev_hash`` and ``row_hash`` of ``row`` (the next row, by id) in place."""
        if row["id"] <= self.last_id:
            raise ValueError(f"audit row {row['id']} is not after row {self.last_id}")
        content = canonical_values(AUDIT.tag, [row.get(c) for c in AUDIT.columns])
        row["prev_hash"] = self.last_hash
        row["row_hash"] = self.last_hash = row_hash(self.last_hash, content)
        self.last_id = row["id"]


def read_head(conn: Connection, log: ChainedLog = AUDIT) -> tuple[int, str] | None:
    """Return the chain head's last id and hash (None if the table or its row is missing)."""
    row = conn.execute(
        select(_HEAD.c.last_id, _HEAD.c.last_hash).where(_HEAD.c.log == log.name)
    ).first()
    return None if row is None else (int(row[0]), str(row[1]))


def set_head(conn: Connection, last_id: int, last_hash: str, log: ChainedLog = AUDIT) -> None:
    """Move the chain head (for bulk writers, in the transaction of the rows they wrote)."""
    conn.execute(
        _HEAD.update().where(_HEAD.c.log == log.name).values(last_id=last_id, last_hash=last_hash)
    )


# --- PostgreSQL: the database appends -------------------------------------------------------

PG_FIELD_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_chain_field(value text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN value IS NULL THEN '~' ELSE char_length(value)::text || ':' || value END
$$
"""


def _pg_value(name: str) -> str:
    if name == "at":
        return "to_char(NEW.at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
    return f"NEW.{name}::text" if name in _INTS else f"NEW.{name}"


def pg_chain_function(log: ChainedLog) -> str:
    """Return the CREATE FUNCTION of ``log``'s BEFORE INSERT trigger.

    SECURITY DEFINER: application roles need no rights on audit_chain_head, and the id, the
    login and the hashes are set here whatever the client sent. The id is taken from the head
    (not the sequence) under the head's row lock, so ids follow the chain even when two
    transactions interleave; a rolled-back insert rolls the head back with it (no gaps).
    """
    fields = "\n    || ".join(f"audit_chain_field({_pg_value(c)})" for c in log.columns)
    return f"""
CREATE OR REPLACE FUNCTION {log.name}_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  head record;
BEGIN
  SELECT last_id, last_hash INTO head FROM audit_chain_head
    WHERE log = '{log.name}' FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION '{log.name} has no chain head';
  END IF;
  NEW.id := head.last_id + 1;
  NEW.db_user := session_user;
  NEW.prev_hash := head.last_hash;
  NEW.row_hash := encode(sha256(convert_to(head.last_hash || '{log.tag}'
    || {fields}, 'UTF8')), 'hex');
  UPDATE audit_chain_head SET last_id = NEW.id, last_hash = NEW.row_hash
    WHERE log = '{log.name}';
  RETURN NEW;
END $$
"""


def pg_chain_trigger(log: ChainedLog) -> str:
    """Return the CREATE TRIGGER that chains every row inserted into ``log``."""
    return (
        f"CREATE TRIGGER {log.name}_chain BEFORE INSERT ON {log.name} "
        f"FOR EACH ROW EXECUTE FUNCTION {log.name}_chain()"
    )


# --- both: rows in id order ------------------------------------------------------------------


def _pages(conn: Connection, log: ChainedLog, after: int = 0) -> Iterator[Any]:
    """Yield every row of ``log`` in id order, a page at a time (never all in memory)."""
    rows_of = log.table
    while True:
        rows = conn.execute(
            select(rows_of).where(rows_of.c.id > after).order_by(rows_of.c.id).limit(_PAGE)
        ).all()
        yield from rows
        if len(rows) < _PAGE:
            return
        after = rows[-1].id


def rechain(conn: Connection, log: ChainedLog) -> tuple[int, str]:
    """Chain every existing row of ``log`` (the migration, guards off); return the head."""
    last_id, last_hash = 0, GENESIS
    batch: list[dict[str, Any]] = []
    rows_of = log.table
    update = (
        rows_of.update()
        .where(rows_of.c.id == bindparam("rid"))
        .values(prev_hash=bindparam("p"), row_hash=bindparam("h"))
    )
    for row in _pages(conn, log):
        digest = row_hash(last_hash, log.content(row))
        batch.append({"rid": row.id, "p": last_hash, "h": digest})
        last_id, last_hash = row.id, digest
        if len(batch) >= _PAGE:
            conn.execute(update, batch)
            batch = []
    if batch:
        conn.execute(update, batch)
    return last_id, last_hash


# --- verifying ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    """What ``audit verify`` found in one log: ``problem`` is None when its chain holds."""

    rows: int
    last_id: int | None
    problem: str | None = None
    row_id: int | None = None
    log: str = AUDIT_LOG

    @property
    def ok(self) -> bool:
        """Return whether the chain verified."""
        return self.problem is None

    def summary(self) -> str:
        """Return the one line ``audit verify`` prints for this log."""
        if self.problem:
            return f"{self.log}: chain broken: {self.problem}"
        if not self.rows:
            return f"{self.log}: chain verified: the log is empty"
        return f"{self.log}: chain verified: {self.rows:,} rows, to row {self.last_id}, unbroken"


def _missing(prev_id: int | None, row_id: int) -> tuple[str, int]:
    if prev_id is None:
        return f"rows before {row_id} missing: row {row_id} is first", row_id
    if row_id == prev_id + 2:
        return f"row {prev_id + 1} missing: row {row_id} follows {prev_id}", prev_id + 1
    if row_id > prev_id + 2:
        return f"rows {prev_id + 1} to {row_id - 1} missing: row {row_id} follows {prev_id}", (
            prev_id + 1
        )
    return (
        f"row {row_id} does not follow row {prev_id}: one of them was altered or replaced",
        prev_id,
    )


def _problem(
    conn: Connection, log: ChainedLog, head: tuple[int, str], after: int = 0
) -> tuple[int, int, Any]:
    """Walk ``log`` after row ``after``; return (rows, last id, None or (problem, row id))."""
    count = 0
    prev_id: int | None = None
    prev_hash = GENESIS
    before: tuple[int | None, str] = (None, "")  # the row before the previous one
    for row in _pages(conn, log, after):
        if after and prev_id is None and row.prev_hash is not None:
            # Checking the tail only: its first row's link is taken as given.
            prev_hash = row.prev_hash
        if row.prev_hash is None or row.row_hash is None:
            return count, prev_id or 0, (f"row {row.id} is not chained (no hash)", row.id)
        if row_hash(row.prev_hash, log.content(row)) != row.row_hash:
            return count, prev_id or 0, (f"row {row.id} altered", row.id)
        if row.prev_hash != prev_hash:
            if prev_id is not None and row.prev_hash == before[1]:
                # This row links to the one before the previous: the previous was slipped in.
                where = before[0] or "the start"
                found = (
                    f"row {prev_id} forged: it is not in the chain, row {row.id} follows {where}"
                )
                return count, prev_id, (found, prev_id)
            return count, prev_id or 0, _missing(prev_id, row.id)
        if row.id > head[0]:
            found = f"row {row.id} forged: the chain ends at row {head[0]}"
            return count, prev_id or 0, (found, row.id)
        count += 1
        before = (prev_id, prev_hash)
        prev_id, prev_hash = row.id, row.row_hash
    last = prev_id or 0
    if head[0] > last:
        return count, last, (f"row {head[0]} missing: the log ends at row {last}", head[0])
    if head[1] != prev_hash:
        return count, last, (f"row {last} altered (not the chain's head)", last)
    return count, last, None


def _verify_log(conn: Connection, log: ChainedLog, tail: int | None = None) -> ChainReport:
    head = read_head(conn, log)
    if head is None:
        return ChainReport(0, None, "no chain head (run mash-desk db upgrade)", log=log.name)
    after = max(0, head[0] - tail) if tail else 0
    count, last, found = _problem(conn, log, head, after)
    if found is None:
        return ChainReport(count, last or None, log=log.name)
    return ChainReport(count, last or None, found[0], found[1], log=log.name)


def verify(engine: Engine, log: ChainedLog = AUDIT) -> ChainReport:
    """Walk ``log``'s whole chain in id order, in one snapshot; report the first broken link."""
    return verify_all(engine, (log,))[0]


def verify_all(
    engine: Engine, logs: tuple[ChainedLog, ...] = LOGS, *, tail: int | None = None
) -> tuple[ChainReport, ...]:
    """Verify each of ``logs`` (both, by default), all in one snapshot.

    With ``tail``, only about the last ``tail`` rows of each (a quick check at start-up:
    what was changed or removed recently, and the end of the log against its head).
    """
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        else:
            # pysqlite begins transactions only before writes; a read transaction keeps the
            # heads and the rows in one snapshot while desks go on writing.
            conn.exec_driver_sql("BEGIN")
        try:
            return tuple(_verify_log(conn, log, tail) for log in logs)
        finally:
            conn.rollback()
