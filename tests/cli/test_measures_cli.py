"""``mash-desk report measures`` as a performance officer runs it: a table, or JSON."""

from __future__ import annotations

import json

import pytest

from mash_desk.services.desk import Desk
from tests.cli.test_cli import run
from tests.services.measures_fixture import build
from tests.support.helpers import make_actors


@pytest.fixture
def url(db_url: str, clock) -> str:
    """The hand-counted history of the measures tests (October 2026)."""
    desk = Desk.open(db_url, clock)
    actors = make_actors(desk)
    build(desk, actors["manager"].user_id)
    desk.close()
    return db_url


def test_a_performance_officer_prints_the_table_and_json(url: str):
    table = run(
        "report", "measures", "--month", "2026-10", "--as", "test.performance", "--database", url
    )
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].endswith(": Oct 2026") and lines[1].startswith("Last period: Sep 2026.")
    rereferral = next(line for line in lines if line.startswith("Re-referrals within 12 months"))
    for cell in ("25.0 %", "1 / 4", "at most 11.5 % missed", "0.0 %"):
        assert cell in rereferral, (cell, rereferral)
    assert rereferral.endswith("worse")
    assert "Rates per 10,000 use 55,000 children" in table.stdout

    out = run(
        "report",
        "measures",
        "--month",
        "2026-10",
        "--months",
        "2",
        "--measure",
        "contacts",
        "--measure",
        "agency_checks_in_time",
        "--json",
        "--as",
        "test.performance",
        "--database",
        url,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["period"] == {
        "first_month": "2026-09",
        "last_month": "2026-10",
        "months": 2,
        "previous_first_month": "2026-07",
    }
    contacts, checks = data["measures"]
    assert (contacts["id"], contacts["value"], [m["numerator"] for m in contacts["months"]]) == (
        "contacts",
        7,
        [2, 5],
    )
    by_agency = checks["breakdowns"][0]
    assert {i["key"]: (i["numerator"], i["denominator"]) for i in by_agency["items"]} == {
        "police": (1, 2),
        "health": (1, 2),
    }


def test_a_practitioner_is_refused_and_a_bad_month_named(url: str):
    refused = run(
        "report", "measures", "--month", "2026-10", "--as", "test.practitioner", "--database", url
    )
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        "mash-desk: A mash practitioner may not read the front door's measures and figures"
    )
    assert refused.stdout == ""
    bad = run(
        "report", "measures", "--month", "October", "--as", "test.performance", "--database", url
    )
    assert bad.returncode == 2 and "'October' is not a month (expected YYYY-MM" in bad.stderr
