"""Test-session set-up: Qt offscreen, a throwaway PostgreSQL server, databases per test."""

from __future__ import annotations

import os

# Without a display QApplication aborts the whole run (platform.md); set before any Qt import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Every embedded test database is encrypted with one synthetic key, in subprocesses too.
os.environ["MASH_DESK_KEY_STORE"] = "tests.support.database_keys:SyntheticKeys"
# A server desk keeps its drafts key in the keyring (storage/draft_keys.py): tests never touch
# the keyring of whoever runs them, except the Secret Service tests, which bring their own.
if os.environ.get("MASH_DESK_SECRET_SERVICE") != "1":
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

import itertools
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from mash_desk.domain.clock import FixedClock
from mash_desk.services.desk import Desk
from mash_desk.services.dto import Actor
from mash_desk.storage.database import Database
from tests.support import postgres
from tests.support.helpers import make_actors

# The `server_db` fixture: a database after `server init` with one server login per role;
# `counted`: a desk whose statements are counted (tests that pin a screen's statements).
pytest_plugins = ["tests.support.server", "tests.support.counting"]

# CI sets this so that "PostgreSQL tests skipped" is a failure, not a quiet pass.
REQUIRE_PG = os.environ.get("MASH_DESK_REQUIRE_POSTGRES") == "1"
# Tuesday 17 November 2026, 10:00 in London (GMT): inside MASH hours, no holiday near.
NOW = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)
_counter = itertools.count()


def _private_folder(
    tmp_path_factory: pytest.TempPathFactory, env: str, name: str
) -> Iterator[Path]:
    """Point the folder variable ``env`` at a session folder of its own, then put it back."""
    folder = tmp_path_factory.mktemp(name) / "mash-desk"
    before = os.environ.get(env)
    os.environ[env] = str(folder)
    yield folder
    if before is None:
        os.environ.pop(env, None)
    else:
        os.environ[env] = before


@pytest.fixture(scope="session", autouse=True)
def _private_log_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Commands run by the tests (in-process or not) log here, not in the real user's folder."""
    from mash_desk.paths import LOG_DIR_ENV

    yield from _private_folder(tmp_path_factory, LOG_DIR_ENV, "logs")


@pytest.fixture(scope="session", autouse=True)
def _private_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """What desks keep between starts (the bank holidays) goes here, not to the real user's."""
    from mash_desk.paths import CACHE_DIR_ENV

    yield from _private_folder(tmp_path_factory, CACHE_DIR_ENV, "cache")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[postgres.PgServer | None]:
    """Start one PostgreSQL cluster for the whole session (or say why not)."""
    if os.environ.get("MASH_DESK_SKIP_POSTGRES") == "1" and not REQUIRE_PG:
        yield None
        return
    try:
        server = postgres.start()
    except RuntimeError as exc:
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL is required (MASH_DESK_REQUIRE_POSTGRES=1) but {exc}")
        server = None
        os.environ["MASH_DESK_PG_UNAVAILABLE"] = str(exc)
    yield server
    if server is not None:
        server.stop()


@pytest.fixture(scope="session")
def templates(
    pg_server: postgres.PgServer | None, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """Migrate one template database per backend once; each test gets a fresh copy."""
    made: dict[str, str] = {}
    sqlite_template = tmp_path_factory.mktemp("template") / "template.sqlite3"
    Database(f"sqlite:///{sqlite_template}").close()
    made["sqlite"] = str(sqlite_template)
    if pg_server is not None:
        engine = create_engine(pg_server.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("CREATE DATABASE mash_template"))
        engine.dispose()
        Database(pg_server.url("mash_template")).close()
        made["postgresql"] = "mash_template"
    return made


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy an encrypted test database with its key header (it cannot be opened without)."""
    from mash_desk.storage.encryption import header_path

    shutil.copyfile(source, target)
    shutil.copyfile(header_path(source), header_path(target))


def fresh_database_url(
    backend: str, templates: dict[str, str], pg_server: postgres.PgServer | None, tmp_path: Path
) -> str:
    """Return the URL of a new, migrated, empty database on ``backend``."""
    if backend == "sqlite":
        target = tmp_path / "test.sqlite3"
        copy_sqlite(Path(templates["sqlite"]), target)
        return f"sqlite:///{target}"
    if pg_server is None:
        reason = os.environ.get("MASH_DESK_PG_UNAVAILABLE", "disabled")
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    name = f"mash_test_{os.getpid()}_{next(_counter)}"
    engine = create_engine(pg_server.admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE mash_template'))
    engine.dispose()
    return pg_server.url(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(
    request: pytest.FixtureRequest, templates: dict[str, str], pg_server, tmp_path: Path
) -> str:
    """A fresh migrated database, once on SQLite and once on PostgreSQL."""
    return fresh_database_url(request.param, templates, pg_server, tmp_path)


@pytest.fixture
def clock() -> FixedClock:
    """A clock standing at a known working moment."""
    return FixedClock(NOW)


@pytest.fixture
def desk(db_url: str, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Desk]:
    """All services over a fresh database with the fixed clock."""
    d = Desk.open(db_url, clock)
    if os.environ.get("MASH_DESK_TEST_AS_GROUPS") == "1" and d.db.dialect == "postgresql":
        from tests.support.server import act_as_groups

        act_as_groups(d, monkeypatch)
    yield d
    d.close()


@pytest.fixture
def actors(desk: Desk) -> dict[str, Actor]:
    """One user per role (and a second practitioner), created through the user service."""
    return make_actors(desk)
