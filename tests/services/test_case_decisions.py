"""The case record carries what the meeting did: decisions, strategy, escalations, routing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from mash_desk.services.decisions import ActionInput
from mash_desk.services.routing import RoutingInput
from mash_desk.services.strategy import StrategyInput
from mash_desk.storage.models import AccessLogEntry
from tests.conftest import NOW
from tests.services.test_decisions import details, meeting, signed  # noqa: F401 - fixture
from tests.support.helpers import log_one

ATTENDEES = (("social_care", "SW Patel"), ("police", "DC Lee"), ("health", "Dr Ahmed"))


@pytest.fixture
def s47(desk, actors, meeting):  # noqa: F811
    return signed(
        desk,
        actors,
        meeting,
        "strategy_discussion_s47",
        allocated_worker_id=actors["practitioner2"].user_id,
        actions=(ActionInput("Book CP medical", date(2026, 11, 18), owner_agency="health"),),
    )


def test_case_record_shows_every_decision_version_and_what_followed(desk, actors, s47, clock):
    p, chair = actors["practitioner"], actors["chair"]
    case = desk.case.view(p, s47.person_id)
    [referral] = case.referrals
    assert referral.needs_strategy == s47  # signed s47, no discussion yet
    assert referral.primary_need_label == "N1 Abuse or neglect"

    escalation = desk.decisions.record_dissent(chair, s47.id, "police", "Threshold not met").value
    clock.advance(timedelta(hours=1))
    amended = desk.decisions.amend(
        chair,
        s47.id,
        s47.version,
        details("strategy_discussion_s47", allocated_team="CP Team"),
        "Allocated to the child protection team",
    ).value
    desk.decisions.resolve(chair, escalation.id, escalation.version, "Agreed at stage 1")
    desk.strategy.record(
        chair,
        amended.id,
        StrategyInput(NOW, ATTENDEES, "proceed", "Reasonable cause to suspect significant harm"),
    )
    routed = desk.routing.create(
        p,
        s47.person_id,
        RoutingInput(
            "transfer",
            "camhs",
            "Specialist assessment",
            3,
            "Summary for CAMHS",
            from_agency="social_care",
            to_team="Tier 3",
        ),
    ).value

    case = desk.case.view(p, s47.person_id)
    [referral] = case.referrals
    first, second = referral.decisions
    assert (first.revision, second.revision) == (1, 2)
    assert referral.superseded_by(first) == 2 and referral.superseded_by(second) is None
    assert referral.latest_signed == second == amended
    assert second.amendment_reason == "Allocated to the child protection team"
    assert referral.needs_strategy is None  # discussion recorded
    [strategy] = referral.strategies
    assert strategy.decision_id == amended.id and strategy.icpc_due_at is not None
    # A practitioner may not list the manager's escalations, but sees this child's, resolved.
    [seen] = referral.escalations
    assert (seen.id, seen.agency_code, seen.status, seen.resolution) == (
        escalation.id,
        "police",
        "resolved",
        "Agreed at stage 1",
    )
    assert case.escalations == (seen,)
    assert [r.id for r in case.routings] == [routed.id]
    assert case.user_name(first.signed_by) == "Test Chair"
    assert case.user_name(first.allocated_worker_id) == "Test Practitioner2"
    assert case.agency_name("camhs") == "CAMHS" and case.agency_name(None) == ""


def test_open_escalation_past_its_clock_is_overdue_in_the_case(desk, actors, s47, clock):
    desk.decisions.record_dissent(actors["chair"], s47.id, "health", "Should be s17")
    [before] = desk.case.view(actors["manager"], s47.person_id).escalations
    assert before.overdue is False and before.stage == 1
    clock.advance(before.due_at - NOW + timedelta(minutes=1))
    [after] = desk.case.view(actors["manager"], s47.person_id).escalations
    assert after.overdue is True and after.stage_name == before.stage_name


def test_one_view_is_one_access_row_however_much_it_reads(desk, actors, s47):
    desk.case.view(actors["practitioner"], s47.person_id)
    with desk.db.reading() as s:
        assert s.scalars(select(AccessLogEntry.what)).all() == ["case.view"]


def test_a_child_without_referrals_has_empty_sections(desk, actors):
    person_id = log_one(desk, actors["practitioner"]).children[0].person.id
    case = desk.case.view(actors["practitioner"], person_id)
    assert (case.referrals, case.routings, case.escalations) == ((), (), ())


def test_case_decision_carries_why_this_level_and_why_this_outcome(desk, actors, meeting):  # noqa: F811
    level_why = "Needs are additional; the school meets them."
    outcome_why = "Mother asked for an assessment herself and consents to it."
    d = signed(
        desk,
        actors,
        meeting,
        level=2,
        level_rationale=level_why,
        outcome_level_reason=outcome_why,
    )
    [referral] = desk.case.view(actors["practitioner"], d.person_id).referrals
    [shown] = referral.decisions
    assert (shown.level, shown.suggested_level) == (2, 3)
    assert (shown.level_rationale, shown.outcome_level_reason) == (level_why, outcome_why)
