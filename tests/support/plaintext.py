"""Make an unencrypted copy of an encrypted test database: the file an older desk wrote."""

from __future__ import annotations

from pathlib import Path

from tests.support.database_keys import SYNTHETIC_KEY


def plaintext_copy(encrypted: Path, out: Path) -> None:
    """Write ``out``: the same database as ``encrypted`` (synthetic key), unencrypted."""
    from sqlcipher3 import dbapi2

    conn = dbapi2.connect(str(encrypted))
    try:
        conn.execute(f"PRAGMA key = \"x'{SYNTHETIC_KEY.hex()}'\"")
        conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(out),))
        conn.execute("SELECT sqlcipher_export('plain')")
        conn.execute("DETACH DATABASE plain")
    finally:
        conn.close()


def found_in(path: Path, needles: list[str]) -> list[str]:
    """Return the ``needles`` whose UTF-8 bytes appear in the file (what `strings` shows)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    return [n for n in needles if n.encode("utf-8") in data]
