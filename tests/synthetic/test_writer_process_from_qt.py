"""The demo's writer process, started from a Qt pool thread while the desk logs (issue 14).

A child forked from a thread Python knows only as a "dummy" (a Qt pool thread on which a
log record was made) used to fail threading's shutdown and exit 1 after writing everything:
the desk's first start with its log on then said the DEMO database could not be made.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mash_desk import diagnostics
from mash_desk.gui.tasks import TaskRunner
from mash_desk.storage.database import Database
from mash_desk.synthetic.bulk import ProcessWriter


def _start_and_close_a_writer(db: Database) -> str:
    logging.getLogger("mash_desk.synthetic").info("Starting the writer process")
    writer = ProcessWriter(db)
    writer.close()  # raises RuntimeError when the process exits non-zero
    return "closed"


def test_a_writer_process_started_from_a_logging_pool_thread_exits_cleanly(qtbot, tmp_path: Path):
    diagnostics.start_logging(tmp_path / "log", logging.INFO)
    db = Database(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    outcome: dict[str, object] = {}
    tasks = TaskRunner()
    try:
        tasks.write(
            _start_and_close_a_writer,
            db,
            on_done=lambda value: outcome.setdefault("done", value),
            on_error=lambda exc: outcome.setdefault("error", exc),
        )
        qtbot.waitUntil(lambda: bool(outcome), timeout=60_000)
    finally:
        tasks.wait()
        db.close()
        diagnostics.stop_logging()
    assert outcome == {"done": "closed"}
