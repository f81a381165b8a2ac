"""Identifier and free-text rules (domain brief §7)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mash_desk.domain.identifiers import (
    format_nhs_number,
    normalise_local_id,
    normalise_nhs_number,
    normalise_postcode,
    normalise_upn,
)
from mash_desk.domain.text import NARRATIVE_MAX, clean_narrative, clean_short


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("943 476 5919", "9434765919"), ("943-476-5919", "9434765919"), ("9434765919", "9434765919")],
)
def test_nhs_number_accepted_as_staff_type_it(typed, stored):
    assert normalise_nhs_number(typed) == (stored, None)
    assert format_nhs_number(stored) == "943 476 5919"


@pytest.mark.parametrize(
    ("typed", "rule"),
    [("9434765918", "checksum"), ("943476591", "length"), ("94347659AB", "format")],
)
def test_bad_nhs_numbers(typed, rule):
    value, problem = normalise_nhs_number(typed)
    assert value is None and problem is not None
    assert (problem.field, problem.rule) == ("nhs_number", rule)


def test_nhs_check_value_ten_is_invalid():
    # 1000000001 gives a modulus-11 check value of 10, which can never be valid.
    _, problem = normalise_nhs_number("1000000010")
    assert problem is not None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ha1 2xy", "HA1 2XY"),
        ("SW1A1AA", "SW1A 1AA"),
        ("ec1a  1bb", "EC1A 1BB"),
        ("W1A 0AX", "W1A 0AX"),
    ],
)
def test_postcodes_normalised(typed, stored):
    assert normalise_postcode(typed) == (stored, None)


@pytest.mark.parametrize("typed", ["HA1", "12345", "HA1 2XYZ", "QA1 2XY", ""])
def test_bad_postcodes(typed):
    value, problem = normalise_postcode(typed)
    assert value is None and problem is not None and "postcode" in problem.message.lower()


def test_upn_check_letter():
    assert normalise_upn("b801200005001") == ("B801200005001", None)
    assert normalise_upn("B801200005002")[1].rule == "checksum"


@pytest.mark.parametrize(
    ("typed", "ok"), [("HRW12345", True), ("A" * 20, True), ("A" * 21, False), ("AB-12", False)]
)
def test_local_id(typed, ok):
    assert (normalise_local_id(typed)[1] is None) == ok


def test_narrative_limit_and_controls():
    assert clean_narrative("x" * NARRATIVE_MAX, "c", "C")[1] is None
    assert clean_narrative("x" * (NARRATIVE_MAX + 1), "c", "C")[1].rule == "too_long"
    assert clean_narrative("a\u0085b", "c", "C")[1].rule == "control_characters"
    assert clean_short("a\tb", "n", "Name")[1].rule == "control_characters"


@given(st.text(max_size=300))
def test_any_text_gives_a_value_or_a_named_problem(text):
    value, problem = clean_narrative(text, "concerns", "Concerns")
    assert (value is None) or (problem is None)
    if problem:
        assert problem.field == "concerns" and problem.message
