"""A whole desk — main window, queue, a case, the meeting — keeps to three server connections.

The desk's budget on a shared server is three connections (issue 13 item 6, issue 16): one
for reads (which also LISTENs for other desks' changes), one for writes, one spare. The
window's background tasks, the change feed, the drafts store and the services must all fit
in it. A watcher on its own connection samples ``pg_stat_activity`` for the desk's
``application_name`` while the chair works, and the most seen at any sample is the answer.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QSplitter
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from mash_desk.domain.clock import FixedClock
from mash_desk.gui.case_view import CaseView
from mash_desk.gui.main_window import MainWindow
from mash_desk.gui.meeting_mode import MeetingMode
from mash_desk.gui.queue_model import RowRole
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import TaskRunner
from mash_desk.services.desk import Desk
from tests.conftest import fresh_database_url
from tests.support.helpers import log_one, make_actors

BUDGET = 3  # reads (and notifications), writes, one spare
NAME = "deskbudget"

pytestmark = pytest.mark.postgres


class _Peak:
    """Samples the desk's connections on the server from a thread of its own."""

    def __init__(self, admin_url: str, database: str):
        self._engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self._database = database
        self._stop = threading.Event()
        self.most = 0
        self.samples = 0
        self._thread = threading.Thread(target=self._run, daemon=True)

    def now(self) -> int:
        with self._engine.connect() as conn:
            return conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = :db AND application_name = :app"
                ),
                {"db": self._database, "app": NAME},
            )

    def _run(self) -> None:
        while not self._stop.is_set():
            self.most = max(self.most, self.now())
            self.samples += 1
            self._stop.wait(0.005)

    def __enter__(self) -> _Peak:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.most = max(self.most, self.now())
        self._engine.dispose()


@pytest.fixture
def named_desk(templates, pg_server, tmp_path: Path, clock: FixedClock) -> Iterator[Desk]:
    """A desk on a fresh PostgreSQL database that names itself to the server."""
    url = fresh_database_url("postgresql", templates, pg_server, tmp_path)
    named = make_url(url).update_query_dict({"application_name": NAME})
    desk = Desk.open(named.render_as_string(hide_password=False), clock)
    yield desk
    desk.close()


def test_a_desk_at_work_holds_at_most_three_server_connections(
    qtbot, named_desk: Desk, pg_server, tmp_path: Path
) -> None:
    actors = make_actors(named_desk)
    chair = actors["chair"]
    for given in ("Amira", "Bilal", "Chloe"):
        log_one(named_desk, actors["practitioner"], given=given)
    tasks = TaskRunner()
    session = DeskSession(named_desk, chair, tasks, database_label="test")
    database = make_url(named_desk.db.url).database
    assert database is not None
    with _Peak(pg_server.admin_url, database) as peak:
        window = MainWindow(session, drafts_dir=tmp_path / "drafts")
        qtbot.addWidget(window)
        window.show()
        model = window.queue.model
        qtbot.waitUntil(lambda: model.rowCount() >= 3, timeout=20_000)
        window.refresh_queue()
        window.open_row(model.index(0, 0).data(RowRole))
        splitter = window.tabs.currentWidget()
        assert isinstance(splitter, QSplitter)
        case = splitter.findChild(CaseView)
        qtbot.waitUntil(lambda: case.case is not None, timeout=20_000)
        mode = window.open_meeting()
        assert isinstance(mode, MeetingMode)
        qtbot.waitUntil(lambda: mode.meeting is not None, timeout=20_000)
        qtbot.waitUntil(lambda: tasks.busy == 0, timeout=20_000)
        assert peak.now() >= 1, "the desk is connected while it works"
    assert tasks.wait(30_000)
    window.close()
    assert peak.samples > 0
    assert peak.most <= BUDGET, f"the desk held {peak.most} server connections at once"
