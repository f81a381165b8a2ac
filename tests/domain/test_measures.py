"""The measures file: the shipped one loads, a broken one is refused naming measure and field."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from mash_desk.domain.measures import (
    CALCULATIONS,
    MEASURES_MAX_BYTES,
    Breakdown,
    Direction,
    MeasuresError,
    MeasureUnit,
    MonthPeriod,
    load_child_population,
    load_measures,
    shipped_child_population,
    shipped_measures,
)
from mash_desk.paths import resource

SECTION_9 = {
    "contacts",
    "referrals",
    "contact_referral_conversion",
    "re_referral_rate",
    "referral_decisions_in_time",
    "agency_checks_in_time",
    "contact_outcomes",
    "step_up_step_down",
    "strategy_to_s47",
    "s47_per_10000",
    "icpc_in_time",
    "feedback_in_time",
    "consent_recorded",
    "threshold_consistency",
}


def _shipped() -> dict:
    return yaml.safe_load(resource("measures", "measures-v1.yaml").read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "measures.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _problems(tmp_path: Path, data: object) -> list[str]:
    with pytest.raises(MeasuresError) as caught:
        load_measures(_write(tmp_path, data))
    return [f"{p.place}: {p.message}" for p in caught.value.problems]


def test_the_shipped_file_has_every_section_9_measure_with_source_and_target():
    catalogue = shipped_measures()
    assert (catalogue.id, catalogue.version) == ("mash-measures", 1)
    assert {m.id for m in catalogue.measures} >= SECTION_9
    for m in catalogue.measures:
        assert m.source and m.definition and m.numerator and m.period == "month"
        assert (m.denominator is None) == (m.unit is MeasureUnit.COUNT), m.id
        assert (m.target is None) or m.direction is not Direction.NONE, m.id
    rereferral = catalogue.get("re_referral_rate")
    assert (rereferral.target, rereferral.direction, rereferral.unit) == (
        11.5,
        Direction.LOWER,
        MeasureUnit.PERCENT,
    )
    assert "000 L380" in rereferral.source
    assert catalogue.get("agency_checks_in_time").breakdowns == (Breakdown.AGENCY, Breakdown.RAG)
    assert catalogue.get("s47_per_10000").unit is MeasureUnit.PER_10000


def test_the_child_population_is_reference_data_with_its_source():
    population = shipped_child_population()
    assert population.children == 55_000
    assert "000 L415" in population.source


def test_a_broken_measure_is_refused_naming_measure_and_field(tmp_path):
    data = _shipped()
    rereferral = next(m for m in data["measures"] if m["id"] == "re_referral_rate")
    rereferral["target"] = 150
    rereferral["unit"] = "count"
    contacts = next(m for m in data["measures"] if m["id"] == "contacts")
    contacts["breakdowns"] = ["agency"]
    del contacts["source"]
    checks = next(m for m in data["measures"] if m["id"] == "agency_checks_in_time")
    checks["calculation"] = "checks_on_time"
    checks["colour"] = "blue"
    problems = _problems(tmp_path, data)
    i = {m["id"]: n for n, m in enumerate(data["measures"])}
    assert f"measures[{i['contacts']}] (contacts).source: missing" in problems
    assert any(
        p.startswith(f"measures[{i['contacts']}] (contacts).breakdowns[0]: ")
        and "cannot be split by agency" in p
        for p in problems
    )
    assert any(
        p.startswith(f"measures[{i['re_referral_rate']}] (re_referral_rate).unit: ")
        and "gives a percent" in p
        for p in problems
    )
    assert any(
        p.startswith(f"measures[{i['agency_checks_in_time']}] (agency_checks_in_time).calculation")
        and "'checks_on_time'" in p
        for p in problems
    )
    assert any("(agency_checks_in_time).colour: unknown key" in p for p in problems)


@pytest.mark.parametrize(
    ("change", "where", "words"),
    [
        ({"target": "high"}, "target", "expected a number"),
        ({"target": 101}, "target", "outside 0 to 100"),
        ({"direction": "up"}, "direction", "not a direction"),
        ({"direction": "none"}, "direction", "higher or lower"),
        ({"denominator": None}, "denominator", "expected non-empty text"),
        ({"period": "week"}, "period", "not a period"),
        ({"id": "Re-Referrals"}, "id", "not an id"),
        ({"name": "  "}, "name", "expected non-empty text"),
        ({"breakdowns": "source"}, "breakdowns", "expected a list"),
        ({"breakdowns": ["source", "source"]}, "breakdowns[1]", "listed twice"),
    ],
)
def test_each_field_is_checked(tmp_path, change, where, words):
    data = _shipped()
    index = next(n for n, m in enumerate(data["measures"]) if m["id"] == "re_referral_rate")
    data["measures"][index].update(change)
    measure_id = change.get("id", "re_referral_rate")
    problems = _problems(tmp_path, data)
    assert any(
        p.startswith(f"measures[{index}] ({measure_id}).{where}: ") and words in p for p in problems
    ), problems


def test_a_rate_needs_a_denominator_and_a_count_has_none(tmp_path):
    data = _shipped()
    rate = next(m for m in data["measures"] if m["id"] == "strategy_to_s47")
    del rate["denominator"]
    count = next(m for m in data["measures"] if m["id"] == "referrals")
    count["denominator"] = "Contacts"
    problems = _problems(tmp_path, data)
    assert any("(strategy_to_s47).denominator: missing" in p for p in problems)
    assert any("(referrals).denominator: a count has no denominator" in p for p in problems)


def test_duplicate_ids_and_file_level_problems(tmp_path):
    data = _shipped()
    data["measures"].append(dict(data["measures"][0]))
    problems = _problems(tmp_path, data)
    assert f"measures[{len(data['measures']) - 1}] (contacts).id: used by an earlier measure" in (
        problems
    )
    assert _problems(tmp_path, None) == ["file: the file is empty"]
    assert _problems(tmp_path, {**data, "version": 0})[0].startswith("version: ")
    broken = tmp_path / "broken.yaml"
    broken.write_text("measures: [\n", encoding="utf-8")
    with pytest.raises(MeasuresError, match="YAML syntax error"):
        load_measures(broken)
    with pytest.raises(MeasuresError, match="does not exist"):
        load_measures(tmp_path / "missing.yaml")


def test_a_file_over_the_cap_is_refused_before_parsing(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * MEASURES_MAX_BYTES)
    with pytest.raises(MeasuresError) as caught:
        load_measures(big)
    assert "too large" in caught.value.problems[0].message
    assert "nothing of it was read" in str(caught.value)


def test_the_population_file_is_checked(tmp_path):
    path = tmp_path / "population.yaml"
    path.write_text("area: Somewhere\nchildren: -3\nas_of: 2024\n", encoding="utf-8")
    with pytest.raises(MeasuresError) as caught:
        load_child_population(path)
    assert {str(p) for p in caught.value.problems} == {
        "source: missing",
        "line 2, children: must be a whole number of children above 0, got -3",
    }


def test_a_council_can_retarget_and_drop_measures(tmp_path):
    data = _shipped()
    data["version"] = 2
    data["measures"] = [m for m in data["measures"] if m["id"] in {"contacts", "re_referral_rate"}]
    data["measures"][1]["target"] = 10
    catalogue = load_measures(_write(tmp_path, data))
    assert catalogue.version == 2
    assert [m.id for m in catalogue.measures] == ["contacts", "re_referral_rate"]
    assert catalogue.get("re_referral_rate").target == 10.0


def test_every_calculation_says_its_unit_and_breakdowns():
    assert CALCULATIONS["threshold_agreement"].unit is MeasureUnit.COEFFICIENT
    assert not CALCULATIONS["contacts_received"].by_team


def test_month_periods_are_local_months():
    october = MonthPeriod.parse("2026-10")
    assert october.label == "Oct 2026"
    assert october.previous == MonthPeriod(date(2026, 9, 1))
    london = ZoneInfo("Europe/London")
    start, end = october.boundaries(london)
    # October starts at midnight BST (23:00 UTC on 30 Sep) and ends at midnight GMT.
    assert start.astimezone(UTC) == datetime(2026, 9, 30, 23, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2026, 11, 1, 0, 0, tzinfo=UTC)
    year = MonthPeriod.parse("2026-03", 12)
    assert (year.first, year.end, year.label) == (
        date(2025, 4, 1),
        date(2026, 4, 1),
        "Apr 2025 to Mar 2026",
    )
    assert year.previous.first == date(2024, 4, 1)
    for bad in ("2026-13", "2026/10", "Oct 2026"):
        with pytest.raises(ValueError, match="not a month"):
            MonthPeriod.parse(bad)


def test_two_different_mistakes_are_both_reported_with_their_lines(tmp_path):
    shipped = resource("measures", "measures-v1.yaml").read_text(encoding="utf-8")
    before = "    target: 11.5\n    direction: lower\n    breakdowns: [source]\n"
    after = "    target: low\n    direction: lower\n    breakdowns: [source, planet]\n"
    assert before in shipped, "test fixture out of date"
    text = shipped.replace(before, after, 1)
    path = tmp_path / "measures.yaml"
    path.write_text(text, encoding="utf-8")
    rows = text.splitlines()
    index = next(n for n, m in enumerate(_shipped()["measures"]) if m["id"] == "re_referral_rate")
    with pytest.raises(MeasuresError) as caught:
        load_measures(path)
    lines = {(p.place, p.line) for p in caught.value.problems}
    where = f"measures[{index}] (re_referral_rate)"
    assert lines == {
        (f"{where}.target", rows.index("    target: low") + 1),
        (f"{where}.breakdowns[1]", rows.index("    breakdowns: [source, planet]") + 1),
    }
    assert all(p.file == str(path) for p in caught.value.problems)
