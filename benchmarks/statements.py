"""Count the SQL statements a call sends, at the DBAPI, whatever layer sent them.

SQLAlchemy's ``before_cursor_execute`` would miss the desk's hot paths, which run compiled SQL
on the driver's cursor (``storage.prepared``) and ``storage.audit_chain.append_sqlite``. So
the count is taken below every layer: on SQLite by the library's trace callback (every
statement it runs), on psycopg by a cursor class counting ``execute`` calls. Transaction
control (BEGIN, COMMIT, ROLLBACK, savepoints) is left out on both — psycopg sends its BEGIN
without a cursor — as are the statements of triggers. The hook costs about a microsecond a
statement, on the app's and the floor's connections alike.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "END")


class Counter:
    """Statements sent since the last :meth:`take`."""

    value = 0

    @classmethod
    def take(cls) -> int:
        """Return the count and start again from zero."""
        found, cls.value = cls.value, 0
        return found


def _traced(statement: str) -> None:
    head = statement.lstrip()[:10].upper()
    if not head.startswith("--") and not head.startswith(_CONTROL):
        Counter.value += 1


def _psycopg_cursor() -> type:
    import psycopg

    class CountingCursor(psycopg.Cursor):
        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            Counter.value += 1
            return super().execute(query, params, **kwargs)

        def executemany(self, query: Any, params_seq: Any, **kwargs: Any) -> Any:
            Counter.value += 1
            return super().executemany(query, params_seq, **kwargs)

    return CountingCursor


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    if hasattr(dbapi_connection, "set_trace_callback"):
        dbapi_connection.set_trace_callback(_traced)
    elif hasattr(dbapi_connection, "cursor_factory"):
        dbapi_connection.cursor_factory = _psycopg_cursor()


def hook(dbapi_connection: Any) -> None:
    """Count on a connection made outside any engine's pool (when counting is installed)."""
    if event.contains(Engine, "connect", _on_connect):
        _on_connect(dbapi_connection, None)


def install() -> None:
    """Count on every connection any engine makes from now on (call before opening desks)."""
    if not event.contains(Engine, "connect", _on_connect):
        event.listen(Engine, "connect", _on_connect)


def uninstall() -> None:
    """Stop counting on connections made from now on."""
    if event.contains(Engine, "connect", _on_connect):
        event.remove(Engine, "connect", _on_connect)


def count(call: Any, *args: Any) -> int:
    """Run ``call(*args)`` and return how many statements it sent."""
    Counter.take()
    call(*args)
    return Counter.take()
