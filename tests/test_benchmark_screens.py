"""The screens benchmark's floors answer the app's question (benchmarks/screens.py, issue 16).

Every ratio in the README's "what users wait for" table divides by a floor; a floor that
answered less than the app (fewer referrals, no access row, another agenda) would flatter it.
The benchmark refuses to time one whose answer differs; this runs those checks once on a small
history on SQLite — the service calls, the start-up window's first page and the 2,000-row
scroll — so a change to a service, a widget or a floor cannot slip past them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import statements, waits
from benchmarks.engines import DEMO_LOGINS, Target, build_backlog, open_seats
from benchmarks.harness import END, SEED
from benchmarks.screens import OPERATIONS, ROLES, WRITES, ScreenScenarios
from mash_desk.storage.database import Database
from mash_desk.synthetic import ensure_demo_users, generate


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Target:
    path = Path(tmp_path_factory.mktemp("screens")) / "history.sqlite3"
    db = Database(f"sqlite:///{path}")
    ensure_demo_users(db)
    generate(db, years=0.1, seed=SEED, end=END)
    db.close()
    statements.install()
    return Target("sqlite", 0.1, dict.fromkeys(ROLES, f"sqlite:///{path}"), dict(DEMO_LOGINS))


@pytest.fixture(scope="module")
def scenarios(target: Target):
    found = ScreenScenarios(open_seats(target), repeat=2)
    yield found
    found.close()


def test_every_screen_floor_gives_the_apps_answer(scenarios: ScreenScenarios):
    scenarios.check_answers()


@pytest.mark.parametrize("operation", OPERATIONS)
def test_each_screen_operation_runs_on_both_sides(scenarios: ScreenScenarios, operation: str):
    app, floor = scenarios.pair(operation)
    probe = 1 if operation in WRITES else 0  # probe 0 of a write is the answer check's
    assert app(probe) is not None and floor(probe) is not None


def test_opening_a_case_counts_statements_and_writes_one_access_row_on_each_side(
    scenarios: ScreenScenarios,
):
    raw = scenarios.work.raw
    child = scenarios.longest

    def views() -> int:
        return raw.one(
            "SELECT count(*) FROM access_log WHERE person_id = :p AND what = 'case.view'",
            {"p": child},
        )[0]

    before = views()
    app, floor = scenarios.pair("open_case_longest")
    assert statements.count(app, 0) > 0
    assert views() == before + 1
    assert statements.count(floor, 0) > 0
    assert views() == before + 2


def test_the_start_up_window_and_the_scrolled_queue_show_the_floors_rows(target: Target):
    # Each side in its own fresh process, offscreen; the run stops if their rows differ.
    started = waits._startup(target, rounds=1)
    assert started["median_ms"] > 0
    seats = open_seats(target)
    try:
        open_items = build_backlog(seats["practitioner"], count=300)
    finally:
        for seat in seats.values():
            seat.close()
    scrolled = waits._scroll(target, rounds=1, open_items=open_items)
    assert scrolled["rows"] == open_items >= 300
