"""Routing and strategy-discussion rules, table-driven (domain brief §4–5)."""

from __future__ import annotations

import pytest

from mash_desk.domain.routing import (
    InformedParty,
    RoutingKind,
    informing_missing,
    offers_childrens_centre,
    routing_problems,
    strategy_attendance_missing,
)

UP, DOWN, MOVE = RoutingKind.STEP_UP, RoutingKind.STEP_DOWN, RoutingKind.TRANSFER


@pytest.mark.parametrize(
    ("kind", "to", "level", "consent", "services", "rules"),
    [
        # step up needs level >= 3, into social care
        (UP, "social_care", 3, None, (), set()),
        (UP, "social_care", 4, None, (), set()),
        (UP, "social_care", 2, None, (), {"step_up_level"}),
        (UP, "early_support", 3, None, (), {"step_up_to"}),
        # step down needs level <= 2, into early help, with the family's consent
        (DOWN, "early_support", 2, True, (), set()),
        (DOWN, "childrens_centres", 1, True, ("early_help",), set()),
        (DOWN, "early_support", 3, True, (), {"step_down_level"}),
        (DOWN, "police", 2, True, (), {"step_down_to"}),
        (DOWN, "early_support", 2, None, (), {"consent"}),
        (DOWN, "early_support", 2, False, (), {"consent"}),
        # never straight from a child-protection plan or an open s47 enquiry
        (DOWN, "early_support", 2, True, ("child_protection_plan",), {"not_from_child_protection"}),
        (DOWN, "early_support", 2, True, ("s47_enquiry",), {"not_from_child_protection"}),
        (DOWN, "early_support", 2, True, ("child_in_need",), set()),
        # a transfer carries no level rule, only the range
        (MOVE, "camhs", 2, None, ("child_protection_plan",), set()),
        (MOVE, "camhs", 5, None, (), {"range"}),
        # every problem at once
        (
            DOWN,
            "police",
            4,
            False,
            ("s47_enquiry",),
            {"step_down_level", "step_down_to", "consent", "not_from_child_protection"},
        ),
    ],
)
def test_routing_rules(kind, to, level, consent, services, rules):
    assert {p.rule for p in routing_problems(kind, to, level, consent, services)} == rules


def test_blocking_services_are_named():
    [problem] = routing_problems(
        DOWN, "early_support", 2, True, ("s47_enquiry", "child_protection_plan")
    )
    assert "a child-protection plan and an open s47 enquiry" in problem.message


@pytest.mark.parametrize(
    ("under_five", "level", "to", "offered"),
    [
        (True, 2, "early_support", True),
        (True, 1, "camhs", True),
        (True, 2, "childrens_centres", False),  # already going to a children's centre
        (True, 3, "social_care", False),  # needs social care
        (False, 2, "early_support", False),
    ],
)
def test_under_five_not_needing_social_care_offered_childrens_centre(
    under_five, level, to, offered
):
    assert offers_childrens_centre(under_five, level, to) is offered


@pytest.mark.parametrize(
    ("told", "missing"),
    [
        ((), "family, professionals, referrer"),
        ((InformedParty.FAMILY,), "professionals, referrer"),
        ((InformedParty.FAMILY, InformedParty.REFERRER), "professionals"),
        (tuple(InformedParty), None),
    ],
)
def test_everyone_informed_before_completion(told, missing):
    problem = informing_missing(told)
    if missing is None:
        assert problem is None
    else:
        assert problem.rule == "informing_required"
        assert problem.message.endswith(f"not yet informed: {missing}")


@pytest.mark.parametrize(
    ("agencies", "missing"),
    [
        ({"social_care", "police", "health"}, None),
        ({"social_care", "police", "health", "education"}, None),
        ({"social_care", "police"}, "health"),
        ({"education"}, "social_care, police, health"),
    ],
)
def test_strategy_discussion_minimum_attendance(agencies, missing):
    problem = strategy_attendance_missing(agencies)
    if missing is None:
        assert problem is None
    else:
        assert (problem.field, problem.rule) == ("attendees", "strategy_minimum")
        assert problem.message.endswith(f"missing: {missing}")
