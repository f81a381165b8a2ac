"""Load a PostgreSQL benchmark database from a cached SQLite history by ``COPY``.

Generating a history on PostgreSQL costs 2–3 minutes per year of history on this machine
(10 years ≈ 30 minutes, 100 years out of reach); the same rows are already in the cached
SQLite file of :func:`benchmarks.harness.build`. So the server database is migrated as a
desk would migrate it, emptied of what migrating seeded, and every table's rows are streamed
across with ``COPY ... FROM STDIN`` in foreign-key order (``sorted_tables``).

Rows are read through SQLAlchemy Core with the models' own types, so instants come back
aware, booleans as booleans and JSON as objects, and written through the same types' bind
processing for PostgreSQL: the server holds what the desk itself would have written.

The user triggers on every table (the audit and access logs' chain triggers, installed by
migration 0015) are off during the copy: the logs' rows keep the ids and hashes SQLite gave
them, and ``audit_chain_head`` is copied with them, so rows written later chain on from the
copied head. The chain's canonical form is engine-independent (``db_user`` is NULL in both,
instants in UTC to the microsecond), so the copied logs still verify.
"""

from __future__ import annotations

import itertools
import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Connection, Engine, Table, select
from sqlalchemy.engine import Dialect

from mash_desk.storage.base import Base
from mash_desk.storage.database import Database, make_engine
from mash_desk.storage.migrations import current_revision, head_revision

_BATCH = 5000
_CHUNK = 200_000


def _tables() -> list[Table]:
    import mash_desk.storage.models  # noqa: F401  (registers every table on Base.metadata)

    return list(Base.metadata.sorted_tables)


@contextmanager
def _migrated_source(source: Path) -> Iterator[Engine]:
    """Yield an engine on ``source``; on a migrated temporary copy if its schema is behind."""
    engine = make_engine(f"sqlite:///{source}")
    if current_revision(engine) == head_revision():
        try:
            yield engine
        finally:
            engine.dispose()
        return
    engine.dispose()
    # An older cache file: migrate a copy (the cache itself is never written here).
    from benchmarks.harness import copy_database

    with tempfile.TemporaryDirectory(prefix="mash-bench-pgcopy-") as tmp:
        work = Path(tmp) / source.name
        copy_database(source, work)
        Database(f"sqlite:///{work}", seed=False).close()
        engine = make_engine(f"sqlite:///{work}")
        try:
            yield engine
        finally:
            engine.dispose()
            shutil.rmtree(tmp, ignore_errors=True)


def _converters(table: Table, dialect: Dialect) -> list[Callable[[Any], Any] | None]:
    """For each column: how its Python value becomes what the server's column takes."""
    converters: list[Callable[[Any], Any] | None] = []
    for col in table.columns:
        if isinstance(col.type, JSON):
            # COPY takes JSON as text; psycopg has no default dumper for a dict.
            converters.append(lambda v: None if v is None else json.dumps(v))
            continue
        converters.append(col.type.dialect_impl(dialect).bind_processor(dialect))
    return converters


def _copy_table(source: Connection, target: Any, table: Table, dialect: Dialect) -> int:
    """Stream every row of ``table`` from ``source`` into the server cursor; return the count.

    One ``COPY`` per :data:`_CHUNK` rows: the server queues a foreign-key check per row until
    its statement ends, in memory, and a 100-year table has millions of rows.
    """
    quoted = ", ".join(f'"{c.name}"' for c in table.columns)
    statement = f'COPY "{table.name}" ({quoted}) FROM STDIN'
    converters = _converters(table, dialect)
    rows = iter(source.execution_options(yield_per=_BATCH).execute(select(*table.columns)))
    count = 0
    for first in rows:  # each pass takes one chunk's rows from the same stream
        with target.copy(statement) as copy:
            for row in itertools.chain([first], itertools.islice(rows, _CHUNK - 1)):
                copy.write_row(
                    [v if f is None else f(v) for f, v in zip(converters, row, strict=True)]
                )
                count += 1
    return count


def _reset_sequences(cursor: Any, tables: list[Table]) -> None:
    """Set every table's id sequence to its largest id, so the next insert follows the copy."""
    for table in tables:
        for col in table.primary_key.columns:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", (f'"{table.name}"', col.name))
            sequence = cursor.fetchone()[0]
            if sequence is None:
                continue
            cursor.execute(
                f'SELECT setval(%s, coalesce((SELECT max("{col.name}") FROM "{table.name}"), 0) '
                "+ 1, false)",
                (sequence,),
            )


def load_history(source: Path, pg_url: str) -> dict[str, int]:
    """Make the server database at ``pg_url`` hold exactly the rows of the SQLite ``source``.

    The database is migrated (as a desk would), emptied of everything migrating seeded, then
    filled table by table in one transaction; sequences follow the copied ids and the planner
    gets statistics. Returns each table's row count. Nothing of ``server init`` is run here.
    """
    tables = _tables()
    Database(pg_url, seed=False).close()
    target_engine = make_engine(pg_url)
    counts: dict[str, int] = {}
    try:
        with _migrated_source(source) as source_engine, source_engine.connect() as reading:
            raw = target_engine.raw_connection()
            try:
                cursor = raw.cursor()
                names = ", ".join(f'"{t.name}"' for t in tables)
                cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
                for table in tables:
                    cursor.execute(f'ALTER TABLE "{table.name}" DISABLE TRIGGER USER')
                for table in tables:
                    counts[table.name] = _copy_table(reading, cursor, table, target_engine.dialect)
                for table in tables:
                    cursor.execute(f'ALTER TABLE "{table.name}" ENABLE TRIGGER USER')
                _reset_sequences(cursor, tables)
                raw.commit()
            finally:
                raw.close()
    finally:
        target_engine.dispose()
    analyse(pg_url)
    return counts


def analyse(pg_url: str) -> None:
    """Run VACUUM and ANALYZE on the whole database (outside a transaction), as after a bulk load.

    Not ANALYZE alone: the autovacuum would otherwise visit every freshly loaded table in the
    middle of the timed runs (on 100 years, gigabytes of reads and hint-bit writes), and the
    plans change under the run as the visibility map fills (index-only scans). One run had
    finding a child on 100 years at 1.84× its floor, and 1.05× when timed again afterwards.
    """
    engine = make_engine(pg_url).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE)")
    finally:
        engine.dispose()
