"""Annex A rules: the desk's codes as Ofsted's options, ages, and "in the last 12 months"."""

from __future__ import annotations

from datetime import date

import pytest

from mash_desk.domain.annex_a import (
    LIST_KEYS,
    AnnexASpecError,
    age_on,
    count_earlier_within_year,
    load_spec,
    parse_spec,
    twelve_months_before,
)
from mash_desk.paths import resource
from mash_desk.services.annex_a import annex_a_spec, period_problems

SPEC = annex_a_spec()


@pytest.mark.parametrize(
    ("sex", "option"),
    [
        ("male", "a) Male"),
        ("female", "b) Female"),
        ("unknown", "c) Not stated/recorded"),
        ("indeterminate", "d) Neither"),
        (None, "c) Not stated/recorded"),
    ],
)
def test_gender(sex, option):
    assert SPEC.gender(sex) == option


@pytest.mark.parametrize(
    ("code", "option"),
    [("WBRI", "a) WBRI"), ("chne", "q) CHNE"), ("REFU", "s) REFU"), (None, "s) NOBT"),
     ("", "s) NOBT"), ("XXXX", "s) NOBT")],
)  # fmt: skip
def test_ethnicity_by_dfe_code_and_not_obtained_when_unknown(code, option):
    assert SPEC.ethnicity(code) == option


@pytest.mark.parametrize(
    ("code", "option"),
    [("1A", "a) 1A: Individual"), ("3C", "i) 3C: Health services"), ("4", "m) 4: Housing"),
     ("6", "q) 6: Police"), ("10", "u) 10: Unknown"), ("5D", "o) 5B: LA services"),
     ("ZZ", "u) 10: Unknown")],
)  # fmt: skip
def test_source_codes_with_early_help_as_other_internal_la_service(code, option):
    assert SPEC.source(code) == option


def test_yes_no_unknown():
    assert [SPEC.yes_no(v) for v in (True, False, None)] == ["a) Yes", "b) No", "c) Unknown"]


def test_age_in_whole_years_on_the_day_and_none_unborn():
    assert age_on(date(2019, 6, 1), date(2026, 5, 31)) == 6
    assert age_on(date(2019, 6, 1), date(2026, 6, 1)) == 7
    assert age_on(None, date(2026, 6, 1)) is None


def test_twelve_months_before_and_leap_day():
    assert twelve_months_before(date(2026, 11, 17)) == date(2025, 11, 17)
    assert twelve_months_before(date(2028, 2, 29)) == date(2027, 2, 28)


def test_earlier_events_within_a_year_exclude_the_row_itself():
    when = (date(2026, 11, 17), (date(2026, 11, 17), 5))
    events = [
        (date(2025, 11, 16), (date(2025, 11, 16), 1)),  # a day too early
        (date(2025, 11, 17), (date(2025, 11, 17), 2)),  # exactly 12 months: counted
        (date(2026, 11, 17), (date(2026, 11, 17), 4)),  # earlier the same day
        when,  # itself
        (date(2026, 11, 18), (date(2026, 11, 18), 6)),  # later
    ]
    assert count_earlier_within_year(when, events) == 2


def test_period_rules():
    assert period_problems(date(2026, 1, 1), date(2026, 1, 1)) == []
    assert [e.rule for e in period_problems(date(2026, 2, 1), date(2026, 1, 1))] == ["order"]
    assert [e.rule for e in period_problems(date(2020, 1, 1), date(2026, 1, 1))] == ["range"]


def test_a_spec_missing_a_list_is_refused_naming_it():
    with pytest.raises(AnnexASpecError, match="list_5"):
        parse_spec(
            {"version": "x", "lists": {}, "codes": {"gender": [], "ethnicity": [],
             "source": [], "yes_no": []}} | {"lists": {k: {"sheet": k, "title": k,
             "headers": []} for k in ("list_1", "list_2", "list_3")}},
            "test",
        )  # fmt: skip


def _line_of(text: str, wanted: str) -> int:
    return next(n for n, row in enumerate(text.splitlines(), 1) if row == wanted)


def test_a_file_with_two_different_mistakes_reports_both_with_their_lines(tmp_path):
    shipped = resource("returns", "annex_a.yaml").read_text(encoding="utf-8")
    text = shipped.replace('    title: "Early help"\n', "    title:\n").replace(
        "    - s) NOBT\n", ""
    )
    path = tmp_path / "annex_a.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AnnexASpecError) as caught:
        load_spec(path)
    assert [str(p) for p in caught.value.problems] == [
        f"line {_line_of(text, '    title:')}, lists.list_2.title: "
        "expected non-empty text, got nothing",
        f"line {_line_of(text, '  ethnicity:')}, codes.ethnicity: "
        'no option for code NOBT (written as "x) NOBT")',
    ]
    assert f"Annex A file {path} has 2 problem(s)" in str(caught.value)


def test_the_shipped_annex_a_file_passes_the_check():
    spec = load_spec(resource("returns", "annex_a.yaml"))
    assert set(LIST_KEYS) <= set(spec.lists) and spec.ethnicity(None).endswith("NOBT")
