"""The threshold engine: suggested level, reasons, consent, routes, pathways, overrides."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mash_desk.domain.errors import NotFound, ValidationError
from mash_desk.domain.thresholds import (
    ChildFacts,
    ConsentRule,
    ThresholdLibrary,
    choose_level,
    consent_notice,
    load_document,
    suggest,
)
from tests.support.thresholds import SHIPPED

DOC = load_document(SHIPPED)
ALL_IDS = [i.id for i in DOC.indicators]
ON = date(2026, 11, 17)
SCHOOL_AGE = ChildFacts(ON, date(2016, 3, 1))
TODDLER = ChildFacts(ON, date(2024, 5, 1))
UNBORN = ChildFacts(ON, None, date(2027, 2, 20))


def routes(suggestion):
    return {r.route.id for r in suggestion.routes}


def pathways(suggestion):
    return {p.pathway.id for p in suggestion.pathways}


# (ticked, child, level, drivers, routes, pathways ⊇) — table of what a MASH manager expects.
CASES = [
    pytest.param(
        ["l1-meeting-milestones"],
        SCHOOL_AGE,
        1,
        {"l1-meeting-milestones"},
        {"universal-services", "information-advice"},
        set(),
        id="L1 universal, school age",
    ),
    pytest.param(
        ["l2-persistent-absence", "l2-bullying", "l1-meeting-milestones"],
        SCHOOL_AGE,
        2,
        {"l2-persistent-absence", "l2-bullying"},
        {"early-help", "information-advice"},
        set(),
        id="L2 school age -> early help",
    ),
    pytest.param(
        ["l2-missed-health-checks"],
        TODDLER,
        2,
        {"l2-missed-health-checks"},
        {"childrens-centre", "information-advice"},
        {"health-notification"},
        id="L2 under 5 -> children's centre, not early help",
    ),
    pytest.param(
        ["l3-parent-substance-affecting-care", "l2-low-income"],
        SCHOOL_AGE,
        3,
        {"l3-parent-substance-affecting-care"},
        {"single-assessment", "forward-to-allocated-worker"},
        set(),
        id="L3 -> single assessment",
    ),
    pytest.param(
        ["l3-disabled-needs-not-met"],
        SCHOOL_AGE,
        3,
        {"l3-disabled-needs-not-met"},
        {"single-assessment", "forward-to-allocated-worker"},
        {"cwds"},
        id="L3 disabled child -> CWDS",
    ),
    pytest.param(
        ["l4-disclosure-physical-abuse"],
        SCHOOL_AGE,
        4,
        {"l4-disclosure-physical-abuse"},
        {"strategy-discussion", "police-action", "forward-to-allocated-worker"},
        {"cp-medical"},
        id="L4 disclosure -> strategy discussion and CP medical",
    ),
    pytest.param(
        ["l3-private-fostering"],
        SCHOOL_AGE,
        3,
        {"l3-private-fostering"},
        {"single-assessment", "forward-to-allocated-worker"},
        {"private-fostering"},
        id="private fostering team",
    ),
    pytest.param(
        ["l4-allegation-professional"],
        SCHOOL_AGE,
        4,
        {"l4-allegation-professional"},
        {"strategy-discussion", "police-action", "forward-to-allocated-worker"},
        {"lado"},
        id="LADO for an allegation against a teacher",
    ),
    pytest.param(
        ["l3-going-missing"],
        SCHOOL_AGE,
        3,
        {"l3-going-missing"},
        {"single-assessment", "forward-to-allocated-worker"},
        {"return-home-interview"},
        id="missing -> return-home interview",
    ),
    pytest.param(
        ["l2-young-carer"],
        SCHOOL_AGE,
        2,
        {"l2-young-carer"},
        {"early-help", "information-advice"},
        {"young-carers-assessment"},
        id="young carer at level 2 keeps its pathway",
    ),
    pytest.param(
        ["l3-homeless-16-17"],
        ChildFacts(ON, date(2009, 6, 1)),
        3,
        {"l3-homeless-16-17"},
        {"single-assessment", "forward-to-allocated-worker"},
        {"joint-housing-assessment"},
        id="homeless 16-17",
    ),
    pytest.param(
        ["l4-fgm-planned", "l3-fgm-risk"],
        SCHOOL_AGE,
        4,
        {"l4-fgm-planned"},
        {"strategy-discussion", "police-action", "forward-to-allocated-worker"},
        {"fgm-duty"},
        id="FGM planned",
    ),
    pytest.param(
        ["l4-county-lines"],
        SCHOOL_AGE,
        4,
        {"l4-county-lines"},
        {"strategy-discussion", "police-action", "forward-to-allocated-worker"},
        {"exploitation-panel", "trafficking-nrm"},
        id="county lines",
    ),
]


@pytest.mark.parametrize("ticked, child, level, drivers, expected_routes, expected", CASES)
def test_engine_table(ticked, child, level, drivers, expected_routes, expected):
    suggestion = suggest(DOC, ticked, child)
    assert suggestion.level is not None and suggestion.level.number == level
    assert {i.id for i in suggestion.drivers} == drivers
    assert routes(suggestion) == expected_routes
    assert expected <= pathways(suggestion)
    assert suggestion.consent == DOC.level(level).consent


def test_worked_example_unborn_baby_and_domestic_abuse():
    """Seed 000 L286-290: unborn baby and DV, s47, midwife notified, IDVA safety plan.

    The sibling under 12 months was in the same household.
    """
    unborn = suggest(DOC, ["l4-pregnant-domestic-abuse"], UNBORN)
    assert unborn.level is not None and unborn.level.number == 4
    assert {"marac-idva", "pre-birth-planning", "health-notification"} <= pathways(unborn)
    assert "strategy-discussion" in routes(unborn)
    # Planning before 34 weeks: six weeks before the expected delivery date.
    pre_birth = next(p for p in unborn.pathways if p.pathway.id == "pre-birth-planning")
    assert pre_birth.due_on == date(2027, 1, 9)
    sibling = suggest(
        DOC,
        ["l4-child-hurt-in-domestic-abuse"],
        ChildFacts(ON, date(2026, 3, 1)),
    )
    assert sibling.level is not None and sibling.level.number == 4
    assert "marac-idva" in pathways(sibling)
    assert unborn.consent is not None
    assert unborn.consent.rule is ConsentRule.MAY_PROCEED_WITHOUT


def test_worked_example_disabled_baby_losing_weight():
    """Seed 000 L319: a disabled six-month-old losing weight; the baby came into care.

    The weight loss was down to a lack of parental support, and action was prompt.
    """
    baby = ChildFacts(ON, date(2026, 5, 17))
    suggestion = suggest(DOC, ["l3-faltering-growth", "l4-disabled-child-harmed"], baby)
    assert suggestion.level is not None and suggestion.level.number == 4
    assert {"cwds", "cp-medical", "health-notification"} <= pathways(suggestion)
    assert "strategy-discussion" in routes(suggestion)


@pytest.mark.parametrize(
    "indicator",
    [
        "l4-baby-parent-substance-misuse",
        "l4-refusing-treatment",
        "l4-trafficked-sexual-exploitation",
        "l4-mappa-father-returning",
        "l4-pregnant-domestic-abuse",
        "l4-domestic-abuse-marac",
        "l4-disclosure-sexual-abuse",
        "l4-serious-unexplained-injury",
    ],
)
def test_harrow_level_4_examples_reach_level_4(indicator):
    """Domain brief §3: Harrow's published Level 4 examples, each on its own."""
    suggestion = suggest(DOC, [indicator], SCHOOL_AGE)
    assert suggestion.level is not None and suggestion.level.number == 4


def test_nothing_ticked_suggests_nothing():
    suggestion = suggest(DOC, [], SCHOOL_AGE)
    assert (suggestion.level, suggestion.routes, suggestion.pathways) == (None, (), ())
    assert "No indicators" in suggestion.explain()


def test_unknown_indicator_names_it():
    with pytest.raises(ValidationError) as caught:
        suggest(DOC, ["l4-made-up"])
    assert caught.value.rules == {"unknown"}
    assert "l4-made-up" in str(caught.value)


def test_without_child_facts_every_conditional_route_is_shown_with_its_condition():
    suggestion = suggest(DOC, ["l2-bullying"])
    assert {(r.route.id, r.when) for r in suggestion.routes} >= {
        ("early-help", "5-or-over"),
        ("childrens-centre", "under-5"),
    }


def test_explain_reads_back_level_reasons_consent_routes_pathways():
    text = suggest(DOC, ["l3-going-missing"], SCHOOL_AGE).explain()
    assert text.startswith("Suggested Level 3")
    assert "Goes missing from home or care" in text
    assert "Consent:" in text and "Return home interview" in text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(ALL_IDS), max_size=12))
def test_suggested_level_is_never_below_any_ticked_indicator(ticked):
    suggestion = suggest(DOC, ticked)
    if ticked:
        assert suggestion.level is not None
        assert all(suggestion.level.number >= DOC.indicator(i).level for i in ticked)
        assert suggestion.level.number == max(DOC.indicator(i).level for i in ticked)
        assert all(d.level == suggestion.level.number for d in suggestion.drivers)
        assert suggestion.drivers


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(ALL_IDS), max_size=10),
    st.lists(st.sampled_from(ALL_IDS), min_size=1, max_size=5),
    st.sampled_from([SCHOOL_AGE, TODDLER, UNBORN, None]),
)
def test_ticking_more_never_lowers_the_level_nor_drops_a_pathway(ticked, more, child):
    before = suggest(DOC, ticked, child)
    after = suggest(DOC, ticked + more, child)
    assert after.level is not None
    assert before.level is None or after.level.number >= before.level.number
    assert pathways(before) <= pathways(after)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(ALL_IDS), min_size=1, max_size=8))
def test_order_of_ticking_does_not_matter(ticked):
    assert suggest(DOC, ticked) == suggest(DOC, list(reversed(ticked)))


def test_confirming_the_suggestion_is_not_an_override():
    suggestion = suggest(DOC, ["l3-going-missing"])
    choice = choose_level(DOC, suggestion, None, None)
    assert (choice.level, choice.suggested, choice.override) == (3, 3, False)
    assert choose_level(DOC, suggestion, 3, "Agree").override is False


@pytest.mark.parametrize("rationale", [None, "", "   \n "])
def test_override_without_rationale_is_refused(rationale):
    suggestion = suggest(DOC, ["l3-going-missing"])
    with pytest.raises(ValidationError) as caught:
        choose_level(DOC, suggestion, 2, rationale)
    assert caught.value.rules == {"override_rationale"}
    assert caught.value.for_field("rationale")
    assert "Level 2 instead of the suggested Level 3" in str(caught.value)


def test_override_with_rationale_is_stored_as_override():
    suggestion = suggest(DOC, ["l3-going-missing"])
    choice = choose_level(DOC, suggestion, 4, "Police say she is with a known exploiter")
    assert (choice.level, choice.suggested, choice.override) == (4, 3, True)
    assert choice.rationale == "Police say she is with a known exploiter"


def test_level_without_indicators_needs_a_reason():
    nothing = suggest(DOC, [])
    with pytest.raises(ValidationError) as caught:
        choose_level(DOC, nothing, None, None)
    assert caught.value.rules == {"required"}
    with pytest.raises(ValidationError) as caught:
        choose_level(DOC, nothing, 1, None)
    assert caught.value.rules == {"required_without_indicators"}
    assert choose_level(DOC, nothing, 1, "Advice call only").override is False


@pytest.mark.parametrize("level", [0, 5, True, "3"])
def test_unknown_level_is_refused(level):
    with pytest.raises(ValidationError) as caught:
        choose_level(DOC, suggest(DOC, ["l1-good-attendance"]), level, "why")
    assert caught.value.rules == {"choice"}


def test_rationale_with_control_characters_is_refused():
    with pytest.raises(ValidationError) as caught:
        choose_level(DOC, suggest(DOC, ["l3-going-missing"]), 2, "fine\x00")
    assert caught.value.for_field("rationale")


def test_consent_notices_follow_the_level_rule():
    level2, level3, level4 = DOC.level(2), DOC.level(3), DOC.level(4)
    assert consent_notice(DOC.level(1), {}) is None
    assert consent_notice(level2, {"early_help": "given"}) is None
    refused = consent_notice(level2, {"early_help": "refused"})
    assert refused is not None and "early help is recorded as refused" in refused
    assert "not recorded" in (consent_notice(level3, {}) or "")
    without = consent_notice(level4, {"share_information": "not_sought"})
    assert without is not None and "without consent" in without and "reason" in without


def test_library_chooses_the_version_in_force_by_effective_date():
    later = replace(DOC, version="2024", effective_from=date(2024, 9, 1))
    future = replace(DOC, version="2027", effective_from=date(2027, 4, 1))
    library = ThresholdLibrary([future, DOC, later])
    assert library.current(date(2020, 1, 1)).version == "2016"
    assert library.current(date(2024, 9, 1)).version == "2024"
    assert library.current(ON).version == "2024"
    assert library.get(("model-threshold", "2016")) is DOC
    with pytest.raises(NotFound, match="No threshold document is in force"):
        library.current(date(2010, 1, 1))
    with pytest.raises(NotFound):
        library.get(("model-threshold", "1999"))
