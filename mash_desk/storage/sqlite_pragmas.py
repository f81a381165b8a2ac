"""The settings every connection to an embedded (SQLite) database gets.

A module of its own, free of SQLAlchemy, so the early first page (``services/early_page.py``)
opens the file with exactly the settings the desk's engine gives each of its connections.
"""

from __future__ import annotations

from typing import Any


def sqlite_pragmas(dbapi_connection: Any, _record: Any = None) -> None:
    """Set up a fresh DB-API connection (SQLAlchemy calls this on each ``connect``)."""
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; WAL lets the GUI read while the writer writes.
    # synchronous=FULL because in WAL mode NORMAL may lose the last commits at a power cut,
    # and a contact a practitioner saw saved must survive one (nothing typed is ever lost).
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
