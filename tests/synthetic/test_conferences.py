"""Initial child protection conferences in the synthetic history: held, on time, a few owed.

Each proceeding s47 enquiry whose 15-working-day target (§4) has passed has its conference
date, written exactly as ``StrategyService.record_icpc`` writes it; about four in five within
the target (Harrow 78–80 %, §4, 000 L705); none dated for a target still to come; and the
manager's overdue list on the demo's today is a handful, not a year's worth.
"""

from __future__ import annotations

import json

from mash_desk.services.desk import Desk
from mash_desk.storage.models import StrategyDiscussion
from tests.conftest import NOW
from tests.synthetic.test_meetings import DEADLINES, TODAY, _audits, _local_day, _rows


def _proceeding(desk: Desk) -> list[dict]:
    return [s for s in _rows(desk, StrategyDiscussion) if s["s47_decision"] == "proceed"]


def test_conferences_follow_the_service_rules_and_harrows_rate(screened: Desk):
    proceeding = _proceeding(screened)
    passed = [s for s in proceeding if s["icpc_due_at"] < NOW]
    coming = [s for s in proceeding if s["icpc_due_at"] >= NOW]
    assert passed and coming
    # A target still to come: no conference dated yet.
    assert all(s["icpc_held_on"] is None and s["version"] == 1 for s in coming)
    held = [s for s in passed if s["icpc_held_on"] is not None]
    concluded = [s for s in passed if s["icpc_not_required_on"] is not None]
    owed = [s for s in passed if s["icpc_held_on"] is None and s not in concluded]
    # About 40 % of s47 enquiries lead to a conference (§9, 000 L409); the others conclude
    # with no conference needed, under record_no_conference's rules.
    assert 0.25 <= len(held) / (len(held) + len(concluded)) <= 0.55
    for s in concluded:
        assert s["icpc_held_on"] is None and s["icpc_not_required_reason"]
        assert _local_day(s["held_at"]) <= s["icpc_not_required_on"] < TODAY
        assert s["version"] == 2 and s["recorded_at"] <= s["icpc_recorded_at"] <= NOW
    for s in held:
        # record_icpc's rules: not before the discussion, not in the future, recorded once
        # (version 2) by a manager or chair on or after the day it was held.
        assert _local_day(s["held_at"]) <= s["icpc_held_on"] < TODAY
        assert _local_day(s["icpc_recorded_at"]) >= s["icpc_held_on"]
        assert s["recorded_at"] <= s["icpc_recorded_at"] <= NOW
        assert s["version"] == 2
    within = [s for s in held if s["icpc_held_on"] <= _local_day(s["icpc_due_at"])]
    # Within 15 working days: Harrow 79 % (2012-13), 78 % (2013-14), over 80 % (§4, 000 L705).
    assert 0.65 <= len(within) / len(held) <= 0.92
    late = [s for s in held if s not in within]
    days_late = [
        DEADLINES.calendar.working_days_between(_local_day(s["icpc_due_at"]), s["icpc_held_on"])
        for s in late
    ]
    assert late and all(1 <= n <= 8 for n in days_late)
    # Owed: only a few, whose targets passed in the last working days before today.
    assert 1 <= len(owed) <= 2
    assert all((NOW - s["icpc_due_at"]).days <= 7 for s in owed)


def test_conference_audit_rows_are_what_the_service_writes(screened: Desk):
    held = {s["id"]: s for s in _proceeding(screened) if s["icpc_held_on"] is not None}
    audits = _audits(screened, "strategy_discussion.icpc_held")
    assert sorted(a["entity_id"] for a in audits) == sorted(held)
    for a in audits:
        s = held[a["entity_id"]]
        assert (a["at"], a["user_id"], a["person_id"]) == (
            s["icpc_recorded_at"],
            s["icpc_recorded_by"],
            s["person_id"],
        )
        detail = json.loads(a["detail"])
        assert json.dumps(detail, default=str, ensure_ascii=False, sort_keys=True) == a["detail"]
        target = _local_day(s["icpc_due_at"])
        assert detail == {
            "referral_id": s["referral_id"],
            "held_on": s["icpc_held_on"].isoformat(),
            "icpc_due_at": str(s["icpc_due_at"]),
            "within_target": s["icpc_held_on"] <= target,
            "working_days_late": DEADLINES.calendar.working_days_between(target, s["icpc_held_on"]),
        }


def test_no_conference_audit_rows_are_what_the_service_writes(screened: Desk):
    concluded = {s["id"]: s for s in _proceeding(screened) if s["icpc_not_required_on"] is not None}
    audits = _audits(screened, "strategy_discussion.icpc_not_required")
    assert concluded and sorted(a["entity_id"] for a in audits) == sorted(concluded)
    for a in audits:
        s = concluded[a["entity_id"]]
        assert (a["at"], a["user_id"], a["person_id"]) == (
            s["icpc_recorded_at"],
            s["icpc_recorded_by"],
            s["person_id"],
        )
        assert json.loads(a["detail"]) == {
            "referral_id": s["referral_id"],
            "concluded_on": s["icpc_not_required_on"].isoformat(),
            "icpc_due_at": str(s["icpc_due_at"]),
        }


def test_managers_overdue_conferences_are_a_handful_not_hundreds(screened: Desk):
    manager = screened.users.actor_for("demo.manager")
    proceeding = _proceeding(screened)
    overdue = screened.strategy.overdue_icpc(manager)
    # Before conferences were recorded, every passed target was listed (~90 in this quarter).
    assert len([s for s in proceeding if s["icpc_due_at"] < NOW]) > 20
    assert 1 <= len(overdue) <= 2
    assert all(o.discussion.conference_owed for o in overdue)
    # And the service reads a held conference back with its verdict.
    s = next(s for s in proceeding if s["icpc_held_on"] is not None)
    (discussion,) = screened.strategy.for_referral(manager, s["referral_id"])
    assert discussion.icpc_held_on == s["icpc_held_on"]
    assert discussion.icpc_within_target == (s["icpc_held_on"] <= _local_day(s["icpc_due_at"]))
