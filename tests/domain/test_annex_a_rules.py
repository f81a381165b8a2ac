"""Annex A rules: the desk's codes as Ofsted's options, ages, and "in the last 12 months"."""

from __future__ import annotations

from datetime import date

import pytest

from mash_desk.domain.annex_a import (
    AnnexASpecError,
    age_on,
    count_earlier_within_year,
    parse_spec,
    twelve_months_before,
)
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
