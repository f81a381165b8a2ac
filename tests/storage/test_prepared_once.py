"""Signing's and recording an outcome's reads are compiled once per connection on SQLite.

A SQLite statement is compiled again at every execution when its plan depended on a bound
value: a bound ``LIMIT ?``, or ``indexed_column = ?`` in a file carrying STAT4 statistics
(after ``ANALYZE``, as every benchmark history is) (issue 16). The chair's signature read its
decision that way, and its pathways, actions, indicators and who is present: a fifth of the
click was SQLite compiling the same SQL again; recording an outcome read the consents on the
contact and the child's RAG ratings the same way. SQLite asks the authorizer about every
table and column it compiles, so a statement that runs again for another record without
asking anything was not compiled again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.harness import END, SEED
from mash_desk.services.decision_signing import FIRST_READ
from mash_desk.storage.database import Database
from mash_desk.storage.prepared import Driver, Prepared
from mash_desk.storage.prepared_meeting import ACTIONS, INDICATORS, PATHWAYS, PRESENT_AGENCIES
from mash_desk.storage.prepared_outcomes import CONSENTS, RAG_HISTORY
from mash_desk.synthetic import ensure_demo_users, generate

_ALLOW = 0  # SQLITE_OK: the authorizer lets every read through


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A short synthetic history with its statistics taken, as the benchmark's files have."""
    path = Path(tmp_path_factory.mktemp("prepared")) / "history.sqlite3"
    made = Database(f"sqlite:///{path}")
    ensure_demo_users(made)
    generate(made, years=0.05, seed=SEED, end=END)
    with made.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    made.close()
    db = Database(f"sqlite:///{path}", migrate=False, seed=False)  # reads the statistics
    yield db
    db.close()


def _two(db: Database, sql: str) -> list[Any]:
    with db.write_transaction() as conn:
        found = [row[0] for row in conn.exec_driver_sql(sql).all()]
        conn.rollback()
    assert len(found) == 2, sql
    return found


def _compiled_again(db: Database, statement: Prepared, runs: list[dict[str, Any]]) -> int:
    """How many questions SQLite asked compiling ``statement`` after its first run."""
    asked = [0]

    def authorizer(*_args: Any) -> int:
        asked[0] += 1
        return _ALLOW

    with db.write_transaction() as conn:
        sql = Driver(conn)
        sql.dbapi.set_authorizer(authorizer)
        try:
            statement.all(sql, **runs[0])
            asked[0] = 0
            for params in runs[1:]:
                statement.all(sql, **params)
        finally:
            sql.dbapi.set_authorizer(None)
        conn.rollback()
    return asked[0]


_BY_DECISION = (
    "SELECT decision_id FROM decision_pathways GROUP BY decision_id "
    "HAVING count(*) > 1 ORDER BY decision_id LIMIT 2"
)
_READS = {
    "FIRST_READ": (FIRST_READ, "decision_id", _BY_DECISION),
    "PRESENT_AGENCIES": (
        PRESENT_AGENCIES,
        "meeting_id",
        "SELECT DISTINCT meeting_id FROM meeting_attendance ORDER BY meeting_id LIMIT 2",
    ),
    "PATHWAYS": (PATHWAYS, "decision_id", _BY_DECISION),
    "ACTIONS": (
        ACTIONS,
        "decision_id",
        "SELECT DISTINCT decision_id FROM decision_actions ORDER BY decision_id LIMIT 2",
    ),
    "INDICATORS": (
        INDICATORS,
        "assessment_id",
        "SELECT assessment_id FROM threshold_assessment_indicators GROUP BY assessment_id "
        "HAVING count(*) > 1 ORDER BY assessment_id LIMIT 2",
    ),
    "RAG_HISTORY": (
        RAG_HISTORY,
        "cc_id",
        "SELECT DISTINCT contact_child_id FROM rag_ratings ORDER BY contact_child_id LIMIT 2",
    ),
}


def test_the_consents_on_a_contact_are_compiled_once_whatever_child_they_read(
    history: Database,
):
    with history.write_transaction() as conn:
        pairs = conn.exec_driver_sql(
            "SELECT DISTINCT person_id, contact_id FROM consents WHERE contact_id IS NOT NULL "
            "ORDER BY person_id, contact_id LIMIT 2"
        ).all()
        conn.rollback()
    assert len(pairs) == 2
    runs = [{"person_id": person, "contact_id": contact} for person, contact in pairs]
    assert _compiled_again(history, CONSENTS, runs) == 0


@pytest.mark.parametrize("read", sorted(_READS))
def test_each_read_is_compiled_once_whatever_it_reads(history: Database, read: str):
    statement, name, probes = _READS[read]
    user = {"acting_user_id": _two(history, "SELECT id FROM users LIMIT 2")[0]}
    runs = [{name: value, **user} for value in _two(history, probes)]
    assert _compiled_again(history, statement, runs) == 0
