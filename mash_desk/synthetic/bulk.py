"""Fast bulk INSERTs for generated rows, on either SQLite or PostgreSQL, in or out of process.

``session.execute(insert(table), rows)`` spends most of its time building one parameter
dictionary per row; at a hundred years of history (tens of millions of rows) that alone
takes many minutes. Here each table's INSERT is compiled once by the database's own dialect,
values go through the same bind processors SQLAlchemy would apply (so the stored text of a
timestamp or boolean is identical), and the driver's ``executemany`` gets plain tuples.

Long histories are written by a separate process (:class:`ProcessWriter`) so that inventing
month *n + 1* on one core overlaps with inserting month *n* on the other; a thread would not
help, as the writer needs the GIL for every row it binds. Short ones are written in process
(:class:`InlineWriter`), one transaction per batch.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any, Protocol

from sqlalchemy import Connection, Table, event, insert
from sqlalchemy.engine import Dialect

from mash_desk.storage.audit_chain import AUDIT_LOG, set_head
from mash_desk.storage.base import Base
from mash_desk.storage.database import Database

# One batch (a month of history): table name → rows as tuples in the table's column order.
# Batches are written in the order given, tables in the order of the mapping (parents first).
Batch = dict[str, list[tuple[Any, ...]]]
Processor = Callable[[Any], Any]

_SAMPLE_INSTANT = datetime(2001, 2, 3, 4, 5, 6, 7, tzinfo=UTC)
_SAMPLE_DAY = date(2001, 2, 3)
_CHUNK_ROWS = 5000
# How many months may wait for the writer process before the generator waits for it.
_QUEUE_DEPTH = 3
_POLL_SECONDS = 1.0
# A year of monthly batches per transaction in the writer process (see ``_writer_process``).
_BATCHES_PER_COMMIT = 12


def _fast(processor: Processor | None) -> Processor | None:
    """Return a quicker equivalent of a timestamp or date bind processor, if there is one.

    Formatting timestamps is most of the cost of a bulk insert. The quick versions use the C
    ``isoformat``; they are used only if they give exactly what the dialect's processor gives
    for a sample value (SQLite stores ``YYYY-MM-DD HH:MM:SS.ffffff`` text; PostgreSQL takes
    the aware value as it is), so stored values never differ.
    """
    if processor is None:
        return None
    try:
        instant = processor(_SAMPLE_INSTANT)
    except (TypeError, ValueError, AttributeError):
        instant = None
    if instant == _SAMPLE_INSTANT.isoformat(" ", "microseconds")[:26]:

        def text_instant(value: Any) -> Any:
            if type(value) is datetime and value.tzinfo is UTC:
                return value.isoformat(" ", "microseconds")[:26]
            return processor(value)

        return text_instant
    if isinstance(instant, datetime) and instant == _SAMPLE_INSTANT and instant.tzinfo is UTC:

        def aware_instant(value: Any) -> Any:
            if type(value) is datetime and value.tzinfo is UTC:
                return value
            return processor(value)

        return aware_instant
    try:
        day = processor(_SAMPLE_DAY)
    except (TypeError, ValueError, AttributeError):
        day = None
    if day == _SAMPLE_DAY.isoformat():

        def text_day(value: Any) -> Any:
            return value.isoformat() if type(value) is date else processor(value)

        return text_day
    return processor


class BulkInsert:
    """One table's compiled INSERT with every column, and the processors of its values."""

    def __init__(self, table: Table, dialect: Dialect):
        keys = [c.key for c in table.columns]
        compiled = insert(table).compile(dialect=dialect, column_keys=keys)
        self.sql = str(compiled)
        self.positional = bool(compiled.positional)
        self.keys = keys
        processors = [
            _fast(c.type.dialect_impl(dialect).bind_processor(dialect)) for c in table.columns
        ]
        # Positional styles (SQLite's qmark) bind in the compiled order; keep it explicit.
        order = list(compiled.positiontup or keys) if self.positional else keys
        # One generated function per table turns a row into driver parameters without a
        # per-value loop: ``lambda r: (r[0], p1(r[1]), r[2], ...)``.
        names = {f"p{i}": p for i, p in enumerate(processors) if p is not None}
        items = [f"p{i}(r[{i}])" if f"p{i}" in names else f"r[{i}]" for i in map(keys.index, order)]
        if self.positional:
            source = f"lambda r: ({', '.join(items)},)"
        else:
            source = (
                "lambda r: {"
                + ", ".join(f"{k!r}: {v}" for k, v in zip(order, items, strict=True))
                + "}"
            )
        self._convert: Callable[[tuple[Any, ...]], Any] = eval(source, names)

    def parameters(self, rows: Sequence[tuple[Any, ...]]) -> list[Any]:
        """Return the driver parameters for ``rows`` (tuples in the table's column order)."""
        return list(map(self._convert, rows))

    def execute(self, connection: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert ``rows`` (tuples in column order, every column given) through ``connection``."""
        for i in range(0, len(rows), _CHUNK_ROWS):
            connection.exec_driver_sql(self.sql, self.parameters(rows[i : i + _CHUNK_ROWS]))


class Writer(Protocol):
    """Writes batches of rows; ``close`` waits until all are committed."""

    def write(self, batch: Batch) -> None:
        """Queue or write one batch."""

    def close(self) -> None:
        """Finish writing; raise if any batch failed."""

    def abort(self) -> None:
        """Stop writing as soon as possible (batches not yet committed are lost)."""


def _insert_batch(connection: Connection, inserters: dict[str, BulkInsert], batch: Batch) -> None:
    for name, rows in batch.items():
        if rows:
            inserters[name].execute(connection, rows)
    audit = batch.get(AUDIT_LOG)
    if audit and connection.dialect.name == "sqlite":
        # The rows came chained (generate.py); the head moves in the same transaction, so a
        # run stopped half-way leaves a chain the desk can go on appending to.
        keys = inserters[AUDIT_LOG].keys
        last = audit[-1]
        set_head(connection, last[keys.index("id")], last[keys.index("row_hash")])


def _write_batch(db: Database, inserters: dict[str, BulkInsert], batch: Batch) -> None:
    with db.transaction() as session:
        _insert_batch(session.connection(), inserters, batch)


def _inserters(db: Database) -> dict[str, BulkInsert]:
    dialect = db.engine.dialect
    return {name: BulkInsert(table, dialect) for name, table in Base.metadata.tables.items()}


class InlineWriter:
    """Writes each batch straight away, in this process."""

    def __init__(self, db: Database):
        self._db = db
        self._inserters = _inserters(db)

    def write(self, batch: Batch) -> None:
        """Write one batch in one transaction."""
        _write_batch(self._db, self._inserters, batch)

    def close(self) -> None:
        """Nothing is pending."""

    def abort(self) -> None:
        """Nothing is pending."""


def _bulk_load_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Tune the writer's own SQLite connection for a long bulk load.

    A bigger page cache keeps the upper levels of every index in memory, and checkpointing
    the write-ahead log every few hundred megabytes rather than every 4 MB saves thousands of
    fsyncs. Every transaction still commits durably; other connections keep the defaults.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA cache_size=-262144")  # KiB: 256 MB
    cursor.execute("PRAGMA wal_autocheckpoint=50000")  # pages: about 200 MB
    cursor.close()


def _writer_process(url: str, batches: Any, errors: Any) -> None:
    """Entry point of the writer process: write batches until ``None`` arrives."""
    db = Database(url, migrate=False, seed=False)
    if db.dialect == "sqlite":
        event.listen(db.engine, "connect", _bulk_load_pragmas)
    try:
        inserters = _inserters(db)
        done = False
        while not done:
            # Several months per transaction: index pages touched every month (phonetic
            # name keys, person ids) are then written once per commit instead of monthly.
            with db.transaction() as session:
                connection = session.connection()
                for _ in range(_BATCHES_PER_COMMIT):
                    batch = batches.get()
                    if batch is None:
                        done = True
                        break
                    _insert_batch(connection, inserters, batch)
        if db.dialect == "sqlite":
            # Fold the (large) write-ahead log back into the database file before exiting.
            with db.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    except BaseException:
        errors.put(traceback.format_exc())
        raise
    finally:
        db.close()


class ProcessWriter:
    """Writes batches in a separate process with its own connection to the database."""

    def __init__(self, db: Database):
        # Forked (Linux only): the child starts at once and never re-imports the caller's
        # main module, which spawn would do (and ``python -m mash_desk`` has no main guard).
        context = multiprocessing.get_context("fork")
        self._batches = context.Queue(_QUEUE_DEPTH)
        self._errors = context.Queue()
        self._process = context.Process(
            target=_writer_process,
            args=(db.url, self._batches, self._errors),
            name="mash-desk-synthetic-writer",
            daemon=True,
        )
        # Forked from a Python thread, never straight from a Qt pool thread: a child forked
        # from a thread Python only knows as a "dummy" fails threading's shutdown
        # ("assert tlock is not None") and exits 1 after writing everything. The desk's log
        # makes that happen: a log record made on a pool thread names it, which registers
        # the dummy (tests/synthetic/test_writer_process_from_qt.py).
        starter = threading.Thread(target=self._process.start, name="mash-desk-writer-start")
        starter.start()
        starter.join()

    def _failed(self) -> RuntimeError:
        try:
            detail = self._errors.get(timeout=_POLL_SECONDS)
        except queue.Empty:
            detail = f"exit code {self._process.exitcode}"
        return RuntimeError(f"the synthetic-data writer process failed: {detail}")

    def write(self, batch: Batch) -> None:
        """Queue one batch; waits while the writer is several batches behind."""
        while True:
            if not self._process.is_alive():
                raise self._failed()
            try:
                self._batches.put(batch, timeout=_POLL_SECONDS)
                return
            except queue.Full:
                continue

    def close(self) -> None:
        """Wait for every queued batch to be committed; raise if the writer failed."""
        if self._process.is_alive():
            self.write_end()
        self._process.join()
        if self._process.exitcode != 0:
            raise self._failed()

    def write_end(self) -> None:
        """Tell the writer no more batches are coming."""
        while self._process.is_alive():
            try:
                self._batches.put(None, timeout=_POLL_SECONDS)
                return
            except queue.Full:
                continue

    def abort(self) -> None:
        """Stop the writer process now."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
