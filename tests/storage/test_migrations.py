"""Migrations from empty, twice in a row, no drift; the audit log refuses rewriting."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DatabaseError, InternalError

from mash_desk.storage.base import Base
from mash_desk.storage.database import Database, make_engine
from mash_desk.storage.migrations import current_revision, head_revision, upgrade
from tests.conftest import fresh_database_url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, pg_server, tmp_path):
    """An empty database (no tables) on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/empty.sqlite3"
    if pg_server is None:
        pytest.skip("PostgreSQL tests skipped: server unavailable")
    name = f"empty_{tmp_path.name[-20:].replace('-', '_').lower()}"
    engine = create_engine(pg_server.admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return pg_server.url(name)


def test_upgrade_from_empty_then_again_is_a_no_op(empty_url):
    engine = make_engine(empty_url)
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert set(inspect(engine).get_table_names()) == tables
    assert {"people", "contacts", "contact_children", "referrals", "audit_log"} <= tables
    engine.dispose()


def test_the_head_read_without_alembic_is_alembics_head():
    # Start-up reads the shipped head from the version files' text (no Alembic import when
    # the schema is current): it must name the revision Alembic would upgrade to.
    from alembic.script import ScriptDirectory

    from mash_desk.storage.migrations import alembic_config

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_the_revision_read_without_alembic_is_alembics(empty_url):
    engine = make_engine(empty_url)
    upgrade(engine)
    with engine.connect() as conn:
        alembics = MigrationContext.configure(conn).get_current_revision()
    assert current_revision(engine) == alembics == head_revision()
    engine.dispose()


def test_models_and_migrations_do_not_drift(empty_url):
    engine = make_engine(empty_url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    engine.dispose()
    assert diff == [], f"models differ from migrations; add a revision: {diff}"


def test_reference_data_seeded_once(empty_url):
    Database(empty_url).close()
    db = Database(empty_url)
    with db.reading() as s:
        roles = s.execute(text("SELECT count(*) FROM roles")).scalar()
        agencies = s.execute(text("SELECT count(*) FROM agencies")).scalar()
        police = s.execute(text("SELECT count(*) FROM agencies WHERE code = 'police'")).scalar()
    db.close()
    assert (roles, police) == (6, 1) and agencies >= 12


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log"]
)
def test_audit_log_is_append_only(db_url, statement):
    db = Database(db_url)
    with db.transaction() as s:
        s.execute(
            text(
                "INSERT INTO audit_log (at, user_id, action, entity, detail) "
                "VALUES (CURRENT_TIMESTAMP, 1, 'test', 'test', '{}')"
            )
        )
    with pytest.raises((DatabaseError, InternalError)) as caught, db.transaction() as s:
        s.execute(text(statement))
    assert "append-only" in str(caught.value)
    with db.reading() as s:
        assert s.execute(text("SELECT action FROM audit_log")).scalars().all() == ["test"]
    db.close()


def test_sqlite_settings(tmp_path, templates, pg_server):
    url = fresh_database_url("sqlite", templates, pg_server, tmp_path)
    db = Database(url)
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    db.close()
