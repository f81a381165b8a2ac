"""Duplicate scoring, outcome rules and the permission table."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mash_desk.domain.enums import ContactOutcome as O  # noqa: N817
from mash_desk.domain.enums import Role
from mash_desk.domain.errors import PermissionDenied
from mash_desk.domain.matching import SUGGEST_AT, PersonFacts, name_key, score
from mash_desk.domain.outcomes import apply_under_five_rule, check_outcomes, is_under_five
from mash_desk.domain.permissions import Permission, allows, require


@pytest.mark.parametrize(
    ("a", "b"),
    [("Mohammed", "Muhammad"), ("Smith", "Smyth"), ("Łukasz", "Lukasz"), ("Smith-Jones", "Smith")],
)
def test_names_that_sound_alike_share_a_key(a, b):
    assert name_key(a) == name_key(b) != ""


def test_same_person_typed_differently_scores_above_threshold():
    stored = PersonFacts("Zofia", "Kowalczyk", date(2017, 8, 3), postcode="HA3 5QR")
    typed = PersonFacts("Sofia", "Kowalczyk", date(2017, 3, 8))
    value, reasons = score(typed, stored)
    assert value >= SUGGEST_AT
    assert {r.field for r in reasons} == {"family_name", "given_name", "date_of_birth"}


def test_different_people_score_below_threshold():
    value, _ = score(
        PersonFacts("Olivia", "Brown", date(2015, 1, 1)),
        PersonFacts("Zofia", "Kowalczyk", date(2017, 8, 3)),
    )
    assert value < SUGGEST_AT


names = st.text(alphabet=st.characters(categories=["Lu", "Ll"]), min_size=1, max_size=12)


@given(names, names, st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 1, 1)))
def test_score_is_bounded_and_identical_records_match(given_name, family, dob):
    facts = PersonFacts(given_name, family, dob)
    value, reasons = score(facts, facts)
    assert 0 <= value <= 1
    assert all(0 <= r.strength <= 1 for r in reasons)
    assert value >= 0.3  # at least the date of birth agrees


def test_nfa_is_exclusive():
    assert check_outcomes({O.NFA}) == []
    assert [e.rule for e in check_outcomes({O.NFA, O.ADVICE})] == ["nfa_exclusive"]
    assert [e.rule for e in check_outcomes(set())] == ["required"]


@pytest.mark.parametrize(
    ("outcomes", "under_five", "reason", "expected", "noticed", "rules"),
    [
        ({O.EARLY_HELP}, True, None, {O.EARLY_HELP, O.CHILDRENS_CENTRE}, True, set()),
        ({O.ADVICE}, True, None, {O.ADVICE, O.CHILDRENS_CENTRE}, True, set()),
        ({O.REFERRAL}, True, None, {O.REFERRAL}, False, set()),
        ({O.FORWARD_TO_WORKER}, True, None, {O.FORWARD_TO_WORKER}, False, set()),
        ({O.CHILDRENS_CENTRE}, True, None, {O.CHILDRENS_CENTRE}, False, set()),
        ({O.NFA}, True, None, {O.NFA}, False, {"under_five_childrens_centre"}),
        ({O.NFA}, True, "Already attends a centre", {O.NFA}, False, set()),
        ({O.EARLY_HELP}, False, None, {O.EARLY_HELP}, False, set()),
    ],
)
def test_under_five_rule(outcomes, under_five, reason, expected, noticed, rules):
    final, notices, problems = apply_under_five_rule(outcomes, under_five, reason)
    assert final == expected and bool(notices) == noticed and {p.rule for p in problems} == rules


def test_unborn_and_fifth_birthday():
    today = date(2026, 11, 17)
    assert is_under_five(None, date(2027, 2, 1), today)
    assert is_under_five(date(2021, 11, 18), None, today)
    assert not is_under_five(date(2021, 11, 17), None, today)


def test_permissions_follow_the_users_of_the_front_door():
    assert allows(Role.PRACTITIONER, Permission.LOG_CONTACT)
    assert not allows(Role.PARTNER, Permission.VIEW_QUEUE)
    assert not allows(Role.PERFORMANCE, Permission.RECORD_OUTCOME)
    with pytest.raises(
        PermissionDenied, match="partner-agency representative may not log contacts"
    ):
        require(Role.PARTNER, Permission.LOG_CONTACT)


def test_names_key_alike_with_or_without_accents_and_punctuation():
    # Typed on whatever keyboard was at hand: the same child is found either way.
    from mash_desk.domain.matching import name_key

    assert name_key("Łukasz") == name_key("Lukasz")
    assert name_key("Zoë") == name_key("Zoe")
    assert name_key("Weiß") == name_key("Weiss")
    assert name_key("Smith-Jones") == name_key("smith jones") != ""
    assert name_key("  ") == ""
