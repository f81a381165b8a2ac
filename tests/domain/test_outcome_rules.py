"""Pure rules of issue 12: a manager closes a red contact, consent by level, Level 4 not red."""

from __future__ import annotations

import pytest

from mash_desk.domain.enums import ContactOutcome as O
from mash_desk.domain.outcome_rules import (
    check_consent,
    check_forward,
    check_level_four_rag,
    check_red_nfa,
)
from mash_desk.domain.thresholds import ConsentRule as R


@pytest.mark.parametrize(
    "outcomes, rag, manager, refused",
    [
        ({O.NFA}, "red", False, True),
        ({O.NFA}, "red", True, False),
        ({O.NFA}, "amber", False, False),
        ({O.REFERRAL}, "red", False, False),
        ({O.NFA}, None, False, False),
    ],
)
def test_only_a_manager_closes_a_red_contact_with_nfa(outcomes, rag, manager, refused):
    problem = check_red_nfa(outcomes, rag, manager)
    assert (problem is not None) == refused
    if problem:
        assert (problem.field, problem.rule) == ("outcomes", "manager_authorises_red_nfa")


@pytest.mark.parametrize(
    "outcomes, rule, recorded, reason, expected",
    [
        ({O.EARLY_HELP}, R.REQUIRED, {}, None, {("consent", "early_help_needs_consent")}),
        (
            {O.EARLY_HELP},
            R.REQUIRED,
            {"early_help": "sought"},
            None,
            {("consent", "early_help_needs_consent")},
        ),
        ({O.EARLY_HELP}, R.REQUIRED, {"early_help": "given"}, None, set()),
        ({O.ADVICE}, R.REQUIRED, {}, None, set()),
        ({O.REFERRAL}, R.SOUGHT, {}, None, {("consent", "assessment_consent_sought")}),
        (
            {O.REFERRAL},
            R.SOUGHT,
            {"assessment": "not_sought"},
            None,
            {("consent", "assessment_consent_sought")},
        ),
        ({O.REFERRAL}, R.SOUGHT, {"assessment": "refused"}, None, set()),
        (
            {O.REFERRAL},
            R.MAY_PROCEED_WITHOUT,
            {},
            None,
            {("consent_reason", "reason_without_consent")},
        ),
        (
            {O.FORWARD_TO_WORKER},
            R.MAY_PROCEED_WITHOUT,
            {},
            None,
            {("consent_reason", "reason_without_consent")},
        ),
        ({O.REFERRAL}, R.MAY_PROCEED_WITHOUT, {}, "Risk to the child", set()),
        ({O.REFERRAL}, R.MAY_PROCEED_WITHOUT, {"share_information": "given"}, None, set()),
        ({O.REFERRAL}, None, {}, None, set()),
    ],
)
def test_consent_the_level_needs(outcomes, rule, recorded, reason, expected):
    found = check_consent(outcomes, "Level x", rule, recorded, reason)
    assert {(e.field, e.rule) for e in found} == expected


@pytest.mark.parametrize(
    "suggested, chosen, rag, reason, asked",
    [
        (4, 4, "amber", None, True),
        (4, 3, "green", None, True),
        (3, 4, "amber", None, True),
        (4, 4, "amber", "Safe with the other parent tonight", False),
        (4, 4, "red", None, False),
        (4, 4, None, None, False),
        (3, 3, "green", None, False),
    ],
)
def test_level_four_on_amber_or_green_needs_red_or_a_reason(suggested, chosen, rag, reason, asked):
    problem = check_level_four_rag(suggested, chosen, rag, reason)
    assert (problem is not None) == asked
    if problem:
        assert (problem.field, problem.rule) == ("not_red_reason", "level_four_not_red")


@pytest.mark.parametrize(
    "outcomes, worker, refused",
    [
        ({O.FORWARD_TO_WORKER}, None, True),
        ({O.FORWARD_TO_WORKER}, "", True),
        ({O.FORWARD_TO_WORKER, O.ADVICE}, None, True),
        ({O.FORWARD_TO_WORKER}, "Sam Worker", False),
        ({O.REFERRAL}, None, False),  # only a forward needs somebody to forward to
    ],
)
def test_forward_needs_an_open_case_with_a_worker(outcomes, worker, refused):
    error = check_forward(outcomes, worker)
    assert (error is not None) == refused
    if error is not None:
        assert (error.field, error.rule) == ("outcomes", "forward_needs_open_case")
