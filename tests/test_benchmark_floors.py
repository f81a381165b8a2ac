"""The benchmark's floors answer the app's question (benchmarks/harness.py).

A floor that answered less than the app would flatter every ratio in the README; the
harness refuses to time one whose answer differs, and this runs that check on a small
history so a change to a service or a floor cannot slip past it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.harness import END, OPERATIONS, SEED, Scenarios, _same
from mash_desk.storage.database import Database
from mash_desk.synthetic import ensure_demo_users, generate


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory):
    path = Path(tmp_path_factory.mktemp("bench")) / "history.sqlite3"
    db = Database(f"sqlite:///{path}")
    ensure_demo_users(db)
    generate(db, years=0.1, seed=SEED, end=END)
    db.close()
    found = Scenarios(path, repeat=3)
    yield found
    found.close()


def test_every_floor_gives_the_apps_answer(scenarios: Scenarios):
    scenarios.check_answers()


@pytest.mark.parametrize("operation", OPERATIONS)
def test_each_operation_runs_on_both_sides(scenarios: Scenarios, operation: str):
    app, floor = scenarios.pair(operation)
    assert app(1) is not None and floor(1) is not None


def test_a_floor_with_another_answer_stops_the_run():
    with pytest.raises(AssertionError, match="queue_first_page: the floor's answer differs"):
        _same("queue_first_page", [("contact", 1)], [("contact", 2)])
