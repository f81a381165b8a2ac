"""Prepared statements: SQLAlchemy Core statements run on the DBAPI cursor.

The hot paths of the front door (log a contact, the queue, duplicate matching, the history
check) run several times a minute per practitioner and are benchmarked against hand-written
SQL. A Core statement costs ~20 µs of SQLAlchemy bookkeeping per execution and an ORM unit of
work ~190 µs, against ~5 µs for the SQL itself on SQLite. So these paths build their SQL with
Core — dialect-correct for SQLite and PostgreSQL — compile it once per dialect, and execute the
compiled string on the cursor of the very connection (and transaction) SQLAlchemy holds.
Values are converted to and from the driver here, the one place that knows both databases.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Boolean, Connection, Date, DateTime, bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from mash_desk.storage.base import UTCDateTime


def _sqlite_bind(value: Any) -> Any:
    # Same text form SQLAlchemy's SQLite dialect writes, so ORM and prepared paths agree.
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _sqlite_datetime(value: str | None) -> datetime | None:
    # Appending the offset lets one C call build the aware value (5x faster than .replace).
    return None if value is None else datetime.fromisoformat(value + "+00:00")


def _sqlite_date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _sqlite_bool(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def _pg_datetime(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


def _converter(type_: Any, dialect: str) -> Callable[[Any], Any] | None:
    if isinstance(type_, UTCDateTime):
        return _sqlite_datetime if dialect == "sqlite" else _pg_datetime
    if dialect == "sqlite" and isinstance(type_, Date):
        return _sqlite_date
    if dialect == "sqlite" and isinstance(type_, Boolean):
        return _sqlite_bool
    return None


def _bind_converter(type_: Any) -> Callable[[Any], Any] | None:
    if isinstance(type_, (UTCDateTime, DateTime, Date)):
        return _sqlite_bind
    return None


class _Compiled:
    __slots__ = ("sql", "names", "fixed", "converters", "positional", "binders")

    def __init__(self, statement: ClauseElement, dialect: Any):
        compiled = statement.compile(dialect=dialect)
        # A DML or SELECT statement compiles to a SQLCompiler (positiontup, binds).
        assert isinstance(compiled, SQLCompiler)
        self.sql = compiled.string
        self.positional = compiled.positiontup is not None
        self.names: Sequence[str] = list(compiled.positiontup or compiled.params.keys())
        # SQLite gets instants and dates as the text SQLAlchemy writes; which parameters need
        # that is known from their column types, so it is worked out once here.
        self.binders = [
            (name, _bind_converter(compiled.binds[name].type) if dialect.name == "sqlite" else None)
            for name in self.names
        ]
        self.fixed: dict[str, Any] = {k: v for k, v in compiled.params.items() if v is not None}
        columns: list[ColumnElement[Any]] = list(getattr(statement, "selected_columns", []))
        if not columns and getattr(statement, "_returning", None):
            columns = list(statement._returning)  # type: ignore[attr-defined]  # no public API
        funcs = [_converter(c.type, dialect.name) for c in columns]
        self.converters = [(i, f) for i, f in enumerate(funcs) if f is not None]


class Driver:
    """The DBAPI connection under a SQLAlchemy ``Connection``, looked up once per unit of work."""

    __slots__ = ("dialect", "name", "dbapi")

    def __init__(self, connection: Connection):
        self.dialect = connection.dialect
        self.name: str = connection.dialect.name
        dbapi = connection.connection.driver_connection
        # None only once the pool has invalidated it; a live Connection's is there.
        assert dbapi is not None
        self.dbapi = dbapi


Target = Connection | Driver


def _driver(target: Target) -> Driver:
    return target if isinstance(target, Driver) else Driver(target)


# Every statement made so far, so a desk can compile them before their first use
# (services/warm_up.py); weak, because some are made per page size or per list length. The
# lock: the warm-up's thread lists them while a click's thread may be making one.
_MADE: weakref.WeakSet[Prepared] = weakref.WeakSet()
_MADE_LOCK = threading.Lock()


def compile_all(dialect: Any) -> int:
    """Compile every statement made so far for ``dialect``; return how many were new."""
    with _MADE_LOCK:
        made = list(_MADE)
    fresh = 0
    for prepared in made:
        if dialect.name not in prepared._compiled:
            prepared.compile_for(dialect)
            fresh += 1
    return fresh


class Prepared:
    """One statement, compiled lazily per dialect; call with named parameters."""

    def __init__(self, statement: ClauseElement):
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}
        with _MADE_LOCK:
            _MADE.add(self)

    def compile_for(self, dialect: Any) -> _Compiled:
        """The statement compiled for ``dialect``, compiling it on first use.

        Two threads may compile the same statement at once (the warm-up and a first click):
        both results are the same, and the dict keeps one.
        """
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = _Compiled(self.statement, dialect)
        return compiled

    def _for(self, driver: Driver) -> _Compiled:
        compiled = self._compiled.get(driver.name)
        if compiled is None:
            compiled = self.compile_for(driver.dialect)
        return compiled

    def _execute(self, target: Target, params: Mapping[str, Any]) -> tuple[Any, _Compiled]:
        driver = _driver(target)
        compiled = self._for(driver)
        values = {**compiled.fixed, **params} if compiled.fixed else params
        cursor = driver.dbapi.cursor()
        if compiled.positional:
            cursor.execute(
                compiled.sql,
                [conv(values[n]) if conv else values[n] for n, conv in compiled.binders],
            )
        else:
            cursor.execute(compiled.sql, {n: values[n] for n in compiled.names})
        return cursor, compiled

    def all(self, connection: Target, **params: Any) -> list[tuple[Any, ...]]:
        """Return every row, with dates, instants and flags converted."""
        cursor, compiled = self._execute(connection, params)
        rows = cursor.fetchall()
        cursor.close()
        converters = compiled.converters
        if not converters:
            return rows
        out = []
        for row in rows:
            values = list(row)
            for i, convert in converters:
                values[i] = convert(values[i])
            out.append(tuple(values))
        return out

    def raw(self, connection: Target, **params: Any) -> list[tuple[Any, ...]]:
        """Return rows as the driver gives them (SQLite instants as sortable text).

        For callers that keep only some rows: convert those with ``convert``.
        """
        cursor, _ = self._execute(connection, params)
        rows = cursor.fetchall()
        cursor.close()
        return rows

    def convert(self, connection: Target, row: tuple[Any, ...]) -> tuple[Any, ...]:
        """Convert one row returned by ``raw``."""
        converters = self._for(_driver(connection)).converters
        if not converters:
            return row
        values = list(row)
        for i, convert in converters:
            values[i] = convert(values[i])
        return tuple(values)

    def first(self, connection: Target, **params: Any) -> tuple[Any, ...] | None:
        """Return the first row or ``None``."""
        rows = self.all(connection, **params)
        return rows[0] if rows else None

    def scalar(self, connection: Target, **params: Any) -> Any:
        """Return the first column of the first row, or ``None``."""
        row = self.first(connection, **params)
        return None if row is None else row[0]

    def run(self, connection: Target, **params: Any) -> int:
        """Execute a write; return the number of rows it touched."""
        cursor, _ = self._execute(connection, params)
        count = cursor.rowcount
        cursor.close()
        return count

    def insert_id(self, connection: Target, **params: Any) -> int:
        """Execute an ``INSERT … RETURNING id`` and return the new id."""
        cursor, _ = self._execute(connection, params)
        new_id = cursor.fetchone()[0]
        cursor.close()
        return int(new_id)


class _Unplanned(ColumnElement[Any]):
    """A bound value the SQLite planner does not look at (see :func:`equals_unplanned`)."""

    inherit_cache = True
    _traverse_internals = [("bind", InternalTraversal.dp_clauseelement)]

    def __init__(self, bind: BindParameter[Any]):
        self.bind = bind
        self.type = bind.type


@compiles(_Unplanned)
def _bound(element: _Unplanned, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.bind, **kw))


@compiles(_Unplanned, "sqlite")
def _bound_unary_plus(element: _Unplanned, compiler: Any, **kw: Any) -> str:
    return "+" + str(compiler.process(element.bind, **kw))


def equals_unplanned(
    column: ColumnElement[Any] | QueryableAttribute[Any], name: str
) -> ColumnElement[bool]:
    """``column = :name``, planned once on SQLite rather than at every execution.

    In a file whose statistics were taken (``ANALYZE``: every benchmark history), this SQLite
    (3.51, built with STAT4) looks at the bound value of ``indexed_column = ?`` when it plans,
    and a statement planned on a bound value is compiled again every time a value is bound:
    a decision's pathways took 25 µs where 8 µs run them (issue 16). For a column with one
    index, whose plan no value changes (a decision's pathways by decision), ``+?`` — unary
    plus, which leaves the value as it is — keeps the value out of the planner's sight: the
    index is still used and the statement is compiled once per connection. Other databases
    get the plain parameter.
    """
    return column == _Unplanned(bindparam(name, type_=column.type))
