"""The CIN census rules and code mapping, as pure functions over one child's year."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from mash_desk.domain.census import (
    CensusChild,
    CensusPeriod,
    CensusReferral,
    CensusS47,
    ethnicity_code,
    gender_code,
    upn_unknown_code,
)
from mash_desk.domain.census_rules import RULES, Severity, failures, period_of

PERIOD = CensusPeriod(2027)
S47 = CensusS47(
    discussion_id=1,
    discussed_on=date(2026, 11, 17),
    started_on=date(2026, 11, 17),
    icpc_target=date(2026, 12, 8),
    icpc_expected_target=date(2026, 12, 8),
    icpc_held_on=date(2026, 12, 7),
    not_required_on=None,
)
REFERRAL = CensusReferral(7, date(2026, 11, 17), "6", "N1", False, S47)
CHILD = CensusChild(
    person_id=3,
    la_child_id="MASH3",
    upn="A310511419826",
    date_of_birth=date(2015, 5, 1),
    expected_birth=None,
    sex="male",
    ethnicity="WBRI",
    disabled=False,
    referrals=(REFERRAL,),
)


def broken(child: CensusChild) -> set[str]:
    return {f.rule.id for f in failures(child, PERIOD)}


def with_referral(**kw) -> CensusChild:
    return replace(CHILD, referrals=(replace(REFERRAL, **kw),))


def with_s47(**kw) -> CensusChild:
    return with_referral(s47=replace(S47, **kw))


def test_a_clean_year_breaks_nothing_and_every_rule_says_where_it_comes_from():
    assert broken(CHILD) == set()
    assert len({r.id for r in RULES}) == len(RULES)
    assert all(r.source and r.message and r.field and r.desk_field for r in RULES)


def test_period_is_april_to_march_and_each_day_has_one():
    assert (PERIOD.start, PERIOD.end) == (date(2026, 4, 1), date(2027, 3, 31))
    assert period_of(date(2026, 4, 1)) == period_of(date(2027, 3, 31)) == PERIOD
    assert period_of(date(2026, 3, 31)) == CensusPeriod(2026)


@pytest.mark.parametrize(
    ("child", "rule"),
    [
        (with_referral(primary_need="N0"), "8610"),
        (with_referral(primary_need=None), "8610"),
        (with_referral(primary_need="N12"), "8650"),
        (with_referral(source="11"), "8866"),
        (with_referral(source=None), "8866"),
        (with_referral(referral_date=date(2026, 3, 31)), "8600"),
        (with_s47(started_on=date(2026, 11, 16)), "2889"),
        (with_s47(icpc_target=date(2026, 12, 9)), "MD-ICPC-TARGET"),
        (with_s47(icpc_held_on=date(2026, 11, 16)), "8615"),
        (with_s47(icpc_held_on=date(2026, 12, 5)), "8875"),  # a Saturday
        (with_s47(not_required_on=date(2026, 12, 1)), "MD-ICPC-NOT-REQUIRED"),
        (replace(CHILD, ethnicity="XXXX"), "4220"),
        (replace(CHILD, upn="A310511419827"), "1510"),  # wrong check letter
        (replace(CHILD, date_of_birth=date(2027, 4, 2)), "8520"),
    ],
)
def test_each_error_rule_names_itself(child, rule):
    assert rule in broken(child)
    assert all(f.person_id == 3 and f.la_child_id == "MASH3" for f in failures(child, PERIOD))


def test_no_further_action_needs_no_primary_need():
    assert broken(with_referral(primary_need="N0", nfa=True, s47=None)) == set()


def test_unborn_child_is_gender_0_with_expected_birth_and_not_school_age():
    unborn = replace(
        CHILD, upn=None, date_of_birth=None, expected_birth=date(2027, 2, 1), sex="female"
    )
    assert unborn.unborn and gender_code(unborn) == "0"
    assert upn_unknown_code(unborn) == "UN1"
    assert broken(unborn) == set()
    # A referral more than 40 weeks before the expected birth (rule 8606).
    early = replace(unborn, expected_birth=date(2027, 9, 1))
    assert "8606" in broken(early)
    nobody = replace(unborn, expected_birth=None)
    assert [f.rule.severity for f in failures(nobody, PERIOD) if f.rule.id == "8525Q"] == [
        Severity.QUERY
    ]


def test_upn_unknown_reasons_and_the_school_age_query():
    no_upn = replace(CHILD, upn=None)
    assert upn_unknown_code(no_upn) is None and "8770Q" in broken(no_upn)
    nfa = replace(no_upn, referrals=(replace(REFERRAL, nfa=True, s47=None),))
    assert upn_unknown_code(nfa) == "UN7" and "8770Q" not in broken(nfa)
    toddler = replace(no_upn, date_of_birth=date(2023, 1, 1))
    assert upn_unknown_code(toddler) == "UN1"


def test_ethnicity_missing_is_not_yet_obtained():
    assert ethnicity_code(None) == "NOBT" and ethnicity_code(" wbri ") == "WBRI"
    assert ethnicity_code("ZZZZ") is None


def test_a_form_checks_the_typed_source_and_need_before_the_decision():
    from mash_desk.domain.census_rules import typed_referral_failures

    assert typed_referral_failures("6", "N1") == ()
    assert [r.id for r in typed_referral_failures("6", "N0")] == ["8610"]
    assert typed_referral_failures("6", "N0", nfa=True) == ()
    assert [r.id for r in typed_referral_failures("99", "N1")] == ["8866"]
