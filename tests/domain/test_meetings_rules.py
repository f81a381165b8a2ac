"""Meeting rules: agenda order with siblings together, quorum, the meeting policy file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mash_desk.domain.meetings import (
    AgendaEntry,
    agenda_order,
    default_meeting_policy,
    load_meeting_policy,
    quorum_missing,
)
from mash_desk.domain.policy import ClockUnit, PolicyError

T = datetime(2026, 11, 17, 10, tzinfo=UTC)


def test_agenda_by_deadline_then_rag_with_siblings_together():
    entries = [
        AgendaEntry(1, None, T + timedelta(hours=5), "green"),
        AgendaEntry(2, 7, T + timedelta(hours=9), "amber"),  # sibling of 3
        AgendaEntry(3, 7, T + timedelta(hours=2), "amber"),
        AgendaEntry(4, None, T + timedelta(hours=2), "red"),
        AgendaEntry(5, None, T + timedelta(hours=5), "red"),
        AgendaEntry(6, None, T + timedelta(hours=5), None),
    ]
    assert [e.referral_id for e in agenda_order(entries)] == [4, 3, 2, 5, 1, 6]


def test_quorum_missing_lists_absent_required_agencies():
    assert quorum_missing({"social_care", "police", "health"}, {"police", "education"}) == (
        "health",
        "social_care",
    )
    assert quorum_missing({"police"}, {"police"}) == ()


def test_shipped_policy_has_quorum_and_four_stages():
    policy = default_meeting_policy()
    assert policy.quorum == {"social_care", "police", "health"}
    assert [s.name for s in policy.escalation] == [
        "Practitioner to practitioner",
        "Managers",
        "Senior managers",
        "Safeguarding partnership",
    ]
    assert policy.stage(1).clock.unit is ClockUnit.WORKING_DAYS
    assert policy.referrer_feedback.amount == 1


def test_bad_policy_names_every_problem(tmp_path):
    path = tmp_path / "meetings.yaml"
    path.write_text(
        "id: x\ntitle: x\nquorum: []\n"
        "escalation:\n  - {stage: 2, name: A, clock: {working_days: 1}}\n"
        "referrer_feedback: {days: 1}\n"
    )
    with pytest.raises(PolicyError) as caught:
        load_meeting_policy(path)
    text = "; ".join(str(p) for p in caught.value.problems)
    assert "quorum:" in text
    assert "escalation[0].stage" in text
    assert "referrer_feedback.days" in text


def test_two_different_mistakes_are_both_reported_with_their_lines(tmp_path):
    path = tmp_path / "meetings.yaml"
    path.write_text(
        "id: x\n"
        "title: x\n"
        "quorum: [police, police]\n"
        "escalation:\n"
        "  - {stage: 1, name: A, clock: {working_days: 1}}\n"
        "  - {stage: 2, name: B, clock: {working_days: 0.5}}\n"
        "referrer_feedback: {working_days: 1}\n"
    )
    with pytest.raises(PolicyError) as caught:
        load_meeting_policy(path)
    assert [str(p) for p in caught.value.problems] == [
        "line 3, quorum: an agency is listed twice",
        "line 6, escalation[1].clock.working_days: must be a whole number of days, got 0.5",
    ]
    assert all(p.file == str(path) for p in caught.value.problems)
