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
from mash_desk.domain.text import (
    NARRATIVE_MAX,
    clean_narrative,
    clean_short,
    unsendable,
    unstorable_problem,
)


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


# Text rules at the edge (issue 14 item 7): what a damaged paste brings.
LONE_SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff", "\ud83d"]  # \ud83d: half an emoji


@pytest.mark.parametrize("bad", LONE_SURROGATES)
@pytest.mark.parametrize("clean", [clean_short, clean_narrative])
def test_lone_surrogate_is_refused_in_words_a_practitioner_understands(clean, bad):
    value, problem = clean(f"Seen at school {bad}today", "concerns", "Concerns")
    assert value is None
    assert (problem.field, problem.rule) == ("concerns", "unstorable_character")
    assert problem.message == (
        "Concerns contains a character that cannot be stored (often from a damaged paste): "
        "remove it"
    )


@pytest.mark.parametrize("bad", ["\x00", "\x01", "\x1b", "\x7f", "\x80", "\x9f"])
@pytest.mark.parametrize("clean", [clean_short, clean_narrative])
def test_nul_and_other_c0_c1_controls_are_refused(clean, bad):
    value, problem = clean(f"Mother{bad} called", "referrer_name", "Referrer's name")
    assert value is None
    assert (problem.field, problem.rule) == ("referrer_name", "control_characters")
    assert problem.message.startswith("Referrer's name contains hidden control characters")


def test_narrative_keeps_line_breaks_and_tabs_and_stores_windows_breaks_as_lf():
    assert clean_narrative("One\r\nTwo\n\tThree", "c", "C") == ("One\nTwo\n\tThree", None)
    assert clean_short("One\nTwo", "n", "Name")[1].rule == "control_characters"


def test_whole_emoji_and_storable_unusual_text_are_kept():
    # A whole emoji is a surrogate pair only in UTF-16; in Python it is one code point.
    assert clean_short("Amira 😀", "n", "Name") == ("Amira 😀", None)
    # Noncharacters and bidi controls are storable and occur in real mixed-script pastes.
    assert clean_short("\ufdd0 \u202bمرحبا\u202c x", "n", "Name")[1] is None


def test_short_limit_counts_what_is_stored_after_nfc():
    # U+0344 is one character typed and two stored (NFC decomposes it); a column as wide as
    # the limit would be overrun if the length were counted before normalising.
    value, problem = clean_short("\u0344" * 100, "team", "Team", max_length=150)
    assert value is None and problem.rule == "too_long"
    assert clean_short("x" * 80, "team", "Team", max_length=80)[1] is None
    assert clean_short("x" * 81, "team", "Team", max_length=80)[1].rule == "too_long"


def test_unstorable_problem_for_codes_and_unsendable_for_searches():
    assert unstorable_problem(None, "agency", "Agency") is None
    assert unstorable_problem("police", "agency", "Agency") is None
    assert unstorable_problem("pol\ud800", "agency", "Agency").rule == "unstorable_character"
    assert unstorable_problem("pol\tice", "agency", "Agency").rule == "control_characters"
    assert unstorable_problem("a\tb", "n", "Note", narrative=True) is None
    # Only what a driver refuses makes a search unsendable; a tab is merely unmatched.
    assert [unsendable(v) for v in (None, "", "Smith", "Sm\tith", "Sm\x00", "Sm\udc80")] == [
        False,
        False,
        False,
        False,
        True,
        True,
    ]


EVERYTHING = st.text(st.characters(codec=None, exclude_categories=()), max_size=300)


@pytest.mark.parametrize("clean", [clean_short, clean_narrative])
@given(text=EVERYTHING)
def test_whatever_is_accepted_can_be_stored(clean, text):
    value, problem = clean(text, "field", "Field")
    assert (value is None) or (problem is None)
    if problem is not None:
        assert problem.field == "field" and problem.message.startswith("Field ")
    if value is not None:
        value.encode("utf-8")  # raises on a lone surrogate
        assert "\x00" not in value and not any(0x7F <= ord(c) <= 0x9F for c in value)
