"""Time converting an unencrypted 10-year database to SQLCipher (``mash-desk db encrypt``).

The unencrypted file is what a desk before issue 14 left: made here from the cached
encrypted 10-year history with ``sqlcipher_export`` (not timed), then converted in place
exactly as the desk and ``db encrypt`` do — copy, verify every table's count and the audit
chains, replace, overwrite the plaintext.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.harness import build
from benchmarks.keys import BENCHMARK_KEY
from mash_desk.storage.encrypted_files import encrypt_in_place

YEARS = 10


def plaintext_copy(encrypted: Path, out: Path) -> None:
    """Write ``out``: the database ``encrypted`` (benchmark key), unencrypted."""
    from sqlcipher3 import dbapi2

    conn = dbapi2.connect(str(encrypted))
    try:
        conn.execute(f"PRAGMA key = \"x'{BENCHMARK_KEY.hex()}'\"")
        conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(out),))
        conn.execute("SELECT sqlcipher_export('plain')")
        conn.execute("DETACH DATABASE plain")
    finally:
        conn.close()


def run(years: int = YEARS, rebuild: bool = False) -> dict[str, Any]:
    """Convert a plaintext ``years``-year database once; return the time and what it held."""
    cached = build(years, rebuild)
    with tempfile.TemporaryDirectory(prefix="mash-bench-encrypt-") as tmp:
        plain = Path(tmp) / "mash-desk.sqlite3"
        plaintext_copy(cached, plain)
        size = plain.stat().st_size
        started = time.perf_counter()
        report = encrypt_in_place(plain)
        seconds = time.perf_counter() - started
    return {
        f"{years}y": {
            "seconds": round(seconds, 2),
            "megabytes": round(size / 1e6, 1),
            "rows": report.rows,
            "tables": len(report.counts),
            "chains_ok": report.chains_ok,
        }
    }
