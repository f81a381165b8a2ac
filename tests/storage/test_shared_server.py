"""Desks on a shared server end every transaction and keep to three connections each.

Several desks work on one PostgreSQL database — through the services and through the GUI's
task runner with many reads at once — while another connection watches ``pg_stat_activity``:
after every call no desk connection is "idle in transaction", no desk holds more than three
connections, and a schema change from another session gets its lock while the desks are idle.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, make_url

from mash_desk.domain.clock import FixedClock
from mash_desk.gui.tasks import TaskRunner
from mash_desk.services.desk import Desk
from mash_desk.services.dto import Actor
from tests.conftest import fresh_database_url
from tests.support.helpers import child, contact, log_one, make_actors

BUDGET = 3  # reads, writes, notifications
DESKS = 3


@pytest.fixture
def pg_url(templates, pg_server, tmp_path: Path) -> str:
    """A fresh migrated PostgreSQL database (skips, or fails under CI, without a server)."""
    return fresh_database_url("postgresql", templates, pg_server, tmp_path)


@pytest.fixture
def watcher(pg_server) -> Iterator[Connection]:
    """A connection to the maintenance database that reads ``pg_stat_activity``."""
    engine = create_engine(pg_server.admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        yield conn
    engine.dispose()


@pytest.fixture
def desks(pg_url: str, clock: FixedClock) -> Iterator[list[Desk]]:
    """Several desks on one database, each naming itself to the server."""
    opened = [
        Desk.open(
            make_url(pg_url)
            .update_query_dict({"application_name": f"desk{i}"})
            .render_as_string(hide_password=False),
            clock,
        )
        for i in range(DESKS)
    ]
    yield opened
    for desk in opened:
        desk.close()


def _activity(watcher: Connection, url: str) -> list[tuple[str, str]]:
    rows = watcher.execute(
        text("SELECT application_name, state FROM pg_stat_activity WHERE datname = :db"),
        {"db": make_url(url).database},
    )
    return [(name, state) for name, state in rows if name.startswith("desk")]


def _assert_settled(watcher: Connection, url: str) -> None:
    """No desk connection inside a transaction, none over budget, and DDL gets its lock."""
    activity = _activity(watcher, url)
    in_transaction = [(n, s) for n, s in activity if s.startswith("idle in transaction")]
    assert in_transaction == []
    per_desk = Counter(name for name, _ in activity)
    assert max(per_desk.values()) <= BUDGET, per_desk
    _alter_table_gets_its_lock(url)


def _alter_table_gets_its_lock(url: str) -> None:
    # A migration needs ACCESS EXCLUSIVE on the table; a desk idle in a transaction that
    # read it would hold ACCESS SHARE and make this wait out the lock timeout.
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(conninfo) as conn:
        conn.execute("SET lock_timeout = '3s'")
        for table in ("contacts", "contact_children", "people", "audit_log", "users"):
            conn.execute(f"ALTER TABLE {table} ADD COLUMN budget_probe integer")
        conn.rollback()


def _one_case(desk: Desk, actor: Actor) -> int:
    return log_one(desk, actor, given="Budget").children[0].person.id


def test_service_calls_leave_no_transaction_open(desks, watcher, pg_url):
    actors = make_actors(desks[0])
    practitioner = actors["practitioner"]
    person_id = _one_case(desks[0], practitioner)
    for desk in desks:
        desk.queue.page(practitioner, size=50)
        _assert_settled(watcher, pg_url)
        desk.contacts.log(practitioner, contact(child(given="Second")))
        _assert_settled(watcher, pg_url)
        desk.case.view(practitioner, person_id)
        _assert_settled(watcher, pg_url)
        desk.summary.summary(practitioner)
        _assert_settled(watcher, pg_url)
        desk.users.actor_for(practitioner.username)
        _assert_settled(watcher, pg_url)


def test_task_runners_keep_the_budget_under_many_concurrent_reads(qtbot, desks, watcher, pg_url):
    actors = make_actors(desks[0])
    practitioner = actors["practitioner"]
    person_id = _one_case(desks[0], practitioner)
    runners = [TaskRunner(readers=4) for _ in desks]
    done: list[object] = []
    errors: list[BaseException] = []
    peak: Counter[str] = Counter()

    def sample() -> None:
        for name, count in Counter(n for n, _ in _activity(watcher, pg_url)).items():
            peak[name] = max(peak[name], count)

    for runner, desk in zip(runners, desks, strict=True):
        for i in range(12):
            runner.read(
                desk.queue.page, practitioner, size=50, on_done=done.append, on_error=errors.append
            )
            runner.read(
                desk.case.view, practitioner, person_id, on_done=done.append, on_error=errors.append
            )
            if i % 4 == 0:
                runner.write(
                    desk.contacts.log,
                    practitioner,
                    contact(child(given=f"Run{i}")),
                    on_done=done.append,
                    on_error=errors.append,
                )
    expected = DESKS * (12 * 2 + 3)
    qtbot.waitUntil(lambda: (sample(), len(done) + len(errors) == expected)[1], timeout=60_000)
    assert errors == []
    assert max(peak.values()) <= BUDGET, peak
    _assert_settled(watcher, pg_url)


def test_reads_do_not_queue_behind_a_slow_write(qtbot, desks):
    desk = desks[0]
    practitioner = make_actors(desk)["practitioner"]
    runner = TaskRunner()
    writing, release = threading.Event(), threading.Event()

    def slow_write() -> str:
        with desk.db.write_transaction():
            writing.set()
            release.wait(30)
        return "written"

    written: list[str] = []
    runner.write(slow_write, on_done=written.append)
    assert writing.wait(30)
    pages: list[object] = []
    runner.read(desk.queue.page, practitioner, size=50, on_done=pages.append)
    try:
        qtbot.waitUntil(lambda: len(pages) == 1, timeout=10_000)
        assert written == []  # the read came back while the write still held its transaction
    finally:
        release.set()
    qtbot.waitUntil(lambda: written == ["written"], timeout=10_000)


def test_every_unit_ends_its_transaction_on_either_engine(desk, actors):
    practitioner = actors["practitioner"]
    person_id = log_one(desk, practitioner, given="Ends").children[0].person.id
    desk.queue.page(practitioner, size=50)
    desk.case.view(practitioner, person_id)
    desk.contacts.log(practitioner, contact(child(given="Again")))
    for name in ("reader", "writer"):
        conn = desk.db._held(name).conn
        assert conn is not None
        driver = conn.connection.driver_connection
        if desk.db.dialect == "sqlite":
            assert not driver.in_transaction
        else:
            assert driver.info.transaction_status == psycopg.pq.TransactionStatus.IDLE


def test_a_read_inside_a_write_never_waits_for_the_reader(desks):
    # One thread reads and then wants to write; another writes and reads inside its write.
    # Were the writer to wait for the reading connection, each would wait for the other.
    db = desks[0].db
    reading, writing = threading.Event(), threading.Event()
    finished: list[str] = []

    def reader_then_writer() -> None:
        with db.read_connection():
            reading.set()
            assert writing.wait(30)
            with db.write_transaction():
                finished.append("reader wrote")

    other = threading.Thread(target=reader_then_writer)
    other.start()
    assert reading.wait(30)
    with db.write_transaction() as conn:
        writing.set()
        conn.exec_driver_sql("CREATE TEMPORARY TABLE scratch (n integer)")
        with db.read_connection() as inner:
            # The read uses the write's own connection, so it sees the uncommitted table.
            assert inner.exec_driver_sql("SELECT count(*) FROM scratch").scalar() == 0
        finished.append("writer read")
    other.join(30)
    assert finished == ["writer read", "reader wrote"]
