"""A PostgreSQL benchmark database copied from a SQLite history holds that history (issue 16).

The screens benchmark times PostgreSQL on the rows of the cached SQLite history of the same
size, copied across by ``COPY`` (benchmarks/pg_copy.py). If the copy dropped rows, shifted an
instant or turned a flag, the PostgreSQL figures would be for another history; if it broke the
logs' hash chain, the desks' own writes during the run would chain onto a broken head. This
copies a small generated history and compares it with its source, then runs the screens'
answer checks on the copy after ``server init``, as the benchmark does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Table, create_engine, func, select, text

from benchmarks import pg_copy, statements
from benchmarks.engines import PgCluster, open_seats
from benchmarks.harness import END, SEED
from benchmarks.pg_copy import _tables, load_history
from benchmarks.screens import ScreenScenarios
from mash_desk.storage.audit_chain import verify_all
from mash_desk.storage.database import Database, make_engine
from mash_desk.synthetic import ensure_demo_users, generate
from tests.support import postgres

SAMPLE = 25


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = Path(tmp_path_factory.mktemp("pgcopy")) / "history.sqlite3"
    db = Database(f"sqlite:///{path}")
    ensure_demo_users(db)
    generate(db, years=0.1, seed=SEED, end=END)
    db.close()
    return path


def _server(pg_server: postgres.PgServer | None) -> postgres.PgServer:
    if pg_server is None:
        pytest.skip("PostgreSQL is not available")
    return pg_server


def _new_database(server: postgres.PgServer, name: str) -> str:
    admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return server.url(name)


def _sample(conn, table: Table) -> list[tuple]:
    """The first and last rows by primary key, as the models' types read them."""
    key = list(table.primary_key.columns)
    first = conn.execute(select(table).order_by(*key).limit(SAMPLE)).all()
    last = conn.execute(select(table).order_by(*(k.desc() for k in key)).limit(SAMPLE)).all()
    return [tuple(r) for r in first + last]


def test_the_copy_holds_every_row_of_the_sqlite_history(
    history: Path, pg_server: postgres.PgServer | None, monkeypatch: pytest.MonkeyPatch
):
    url = _new_database(_server(pg_server), "bench_copy_rows")
    # Small COPY chunks, so the larger tables cross several chunk boundaries here.
    monkeypatch.setattr(pg_copy, "_CHUNK", 997)
    copied = load_history(history, url)
    source, target = make_engine(f"sqlite:///{history}"), make_engine(url)
    try:
        with source.connect() as old, target.connect() as new:
            assert copied["contacts"] > 0 and copied["audit_log"] > 0
            for table in _tables():
                count = select(func.count()).select_from(table)
                assert new.scalar(count) == old.scalar(count) == copied[table.name], table.name
                assert _sample(new, table) == _sample(old, table), table.name
    finally:
        source.dispose()
        target.dispose()


def test_the_copied_logs_verify_and_new_rows_chain_after_them(
    history: Path, pg_server: postgres.PgServer | None
):
    server = _server(pg_server)
    statements.install()
    target = PgCluster(server).target(0.1, source=history)
    owner = make_engine(server.url("mash_bench_0_1y"))
    try:
        with owner.connect() as conn:
            before = conn.scalar(text("SELECT max(id) FROM audit_log"))
        scenarios = ScreenScenarios(open_seats(target), repeat=2)
        try:
            # Every screen, app and floor, on the copy: their writes chain onto its head.
            scenarios.check_answers()
        finally:
            scenarios.close()
        with owner.connect() as conn:
            assert conn.scalar(text("SELECT max(id) FROM audit_log")) > before
        assert all(report.ok for report in verify_all(owner)), verify_all(owner)
    finally:
        owner.dispose()
        statements.uninstall()
