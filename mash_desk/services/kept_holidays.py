"""The bank holidays of each year, kept in a file between starts (issue 16, start-up).

Working out a year's bank holidays imports the ``holidays`` package, which loads every
country's calendar: 0.17-0.23 s of a desk's start, paid while the queue's first page drew its
countdowns. The days themselves are public and few, so the desk keeps them in its cache folder
(``bank-holidays.json``) and reads them back on the next start. The file names no person. A
missing, unreadable or damaged file is worked out again, never an error: the checker falls back
to the package (:class:`mash_desk.domain.working_time.HolidayChecker`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import threading
from datetime import date
from pathlib import Path

from mash_desk.paths import user_cache_dir

log = logging.getLogger(__name__)

FILE_NAME = "bank-holidays.json"


class HolidayFile:
    """Bank holidays by calendar source and year, in one JSON file (a ``HolidayYears``)."""

    def __init__(self, path: Path | None = None):
        """Keep them in ``path`` (default: ``bank-holidays.json`` in the user's cache folder)."""
        self.path = path or user_cache_dir() / FILE_NAME
        self._lock = threading.Lock()
        self._read: dict[str, dict[str, list[str]]] | None = None

    def get(self, source: str, year: int) -> frozenset[date] | None:
        """The days kept for ``source`` and ``year``, or None (never kept, or unreadable)."""
        with self._lock:
            days = self._contents().get(source, {}).get(str(year))
        if not isinstance(days, list):
            return None
        try:
            return frozenset(date.fromisoformat(d) for d in days)
        except (TypeError, ValueError):
            return None

    def put(self, source: str, year: int, days: frozenset[date]) -> None:
        """Keep ``days`` for ``source`` and ``year``; a folder that cannot be written is skipped."""
        with self._lock:
            contents = self._contents()
            contents.setdefault(source, {})[str(year)] = sorted(d.isoformat() for d in days)
            try:
                self._write(contents)
            except OSError as exc:
                # The desk works without the file: the next start works the year out again.
                log.warning("bank holidays not kept (%s)", type(exc).__name__)

    def _contents(self) -> dict[str, dict[str, list[str]]]:
        if self._read is None:
            self._read = _read_json(self.path)
        return self._read

    def _write(self, contents: dict[str, dict[str, list[str]]]) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # A temporary file of its own, then a rename: two desks starting together each write a
        # whole file, and the last one stays.
        fd, temp = tempfile.mkstemp(prefix=".bank-holidays-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(contents, handle, sort_keys=True)
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise


def _read_json(path: Path) -> dict[str, dict[str, list[str]]]:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, dict)}
