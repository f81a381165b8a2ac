"""``mash-desk audit verify`` as a user runs it: exit 0 with a summary, 1 naming the row."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from mash_desk.services.desk import Desk
from tests.cli.test_cli import run
from tests.support.helpers import log_one, make_actors, side_engine


@pytest.fixture
def url(db_url: str, clock) -> str:
    """A database with some audit rows (users made, two contacts logged)."""
    desk = Desk.open(db_url, clock)
    actors = make_actors(desk)
    log_one(desk, actors["practitioner"])
    log_one(desk, actors["practitioner"], given="Ben")
    desk.close()
    return db_url


def test_verify_passes_then_names_the_altered_row(url: str):
    ok = run("audit", "verify", "--database", url)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("audit_log: chain verified:") and "unbroken" in ok.stdout
    assert "access_log: chain verified:" in ok.stdout

    desk = Desk.open(url)
    postgres = desk.db.dialect == "postgresql"
    with side_engine(desk).begin() as conn:
        # As the owner: drop the append-only guard, then rewrite one row.
        if postgres:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("UPDATE audit_log SET detail = '{}' WHERE id = 3"))
    desk.close()

    broken = run("audit", "verify", "--database", url)
    assert broken.returncode == 1
    assert broken.stderr.strip() == "audit_log: chain broken: row 3 altered"
    assert "access_log: chain verified" in broken.stdout


def test_verify_of_a_database_without_a_chain_says_to_upgrade(tmp_path):
    result = run("audit", "verify", "--database", f"sqlite:///{tmp_path}/x.sqlite3")
    assert result.returncode == 2
    assert "run mash-desk db upgrade" in result.stderr
