"""Strategy discussions: minimum attendance, s47 decision, ICPC target for the returns."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from mash_desk.domain.errors import NotFound, PermissionDenied, ValidationError
from mash_desk.services.strategy import StrategyInput
from mash_desk.storage.models import AuditEntry
from tests.conftest import NOW
from tests.services.test_decisions import meeting, signed  # noqa: F401 - fixture
from tests.support.helpers import row_counts

HELD = NOW - timedelta(hours=1)  # Tue 17 Nov 2026 09:00 UTC
MINIMUM = (("social_care", "SW Patel"), ("police", "DC Lee"), ("health", "Dr Ahmed"))


def minuted(attendees=MINIMUM, s47="proceed", **kw):
    kw.setdefault("held_at", HELD)
    kw.setdefault("rationale", "Bruising to a non-mobile baby: reasonable cause to suspect harm.")
    return StrategyInput(attendees=attendees, s47_decision=s47, **kw)


@pytest.fixture
def s47(desk, actors, meeting):  # noqa: F811
    return signed(desk, actors, meeting, "strategy_discussion_s47")


def refused(desk, call, *rules):
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        call()
    assert caught.value.rules == set(rules)
    assert row_counts(desk) == before
    return caught.value


def test_proceed_sets_s47_start_and_icpc_target_fifteen_working_days_later(desk, actors, s47):
    chair = actors["chair"]
    attendees = (*MINIMUM, ("education", "Head teacher"))
    d = desk.strategy.record(chair, s47.id, minuted(attendees)).value
    assert (d.referral_id, d.decision_id, d.person_id) == (s47.referral_id, s47.id, s47.person_id)
    assert d.attendees == attendees and d.s47_decision == "proceed"
    assert d.s47_started_on == date(2026, 11, 17)
    assert d.icpc_due_at == desk.ctx.deadlines.icpc_due(HELD)
    # 15 working days after Tue 17 Nov 2026 (no bank holiday between): Tue 8 Dec.
    assert d.icpc_due_at.astimezone(ZoneInfo("Europe/London")).date() == date(2026, 12, 8)
    assert desk.strategy.for_referral(actors["practitioner"], s47.referral_id) == (d,)
    with desk.db.reading() as s:
        [entry] = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "strategy_discussion.recorded")
        ).all()
    assert (entry.entity_id, entry.person_id) == (d.id, s47.person_id)
    refused(desk, lambda: desk.strategy.record(chair, s47.id, minuted()), "one_discussion")


def test_no_further_s47_action_has_no_conference_target(desk, actors, s47):
    d = desk.strategy.record(actors["manager"], s47.id, minuted(s47="no_further_s47_action")).value
    assert (d.s47_started_on, d.icpc_due_at) == (None, None)


@pytest.mark.parametrize(
    ("attendees", "missing"),
    [
        (MINIMUM[:2], "health"),
        (MINIMUM[1:], "social_care"),
        ((("education", "Head"),), "social_care, police, health"),
    ],
)
def test_minimum_attendance_enforced_naming_the_missing_agency(
    desk, actors, s47, attendees, missing
):
    e = refused(
        desk,
        lambda: desk.strategy.record(actors["chair"], s47.id, minuted(attendees)),
        "strategy_minimum",
    )
    assert e.for_field("attendees")[0].message.endswith(f"missing: {missing}")


def test_bad_input_in_one_pass_nothing_written(desk, actors, s47):
    refused(
        desk,
        lambda: desk.strategy.record(
            actors["chair"],
            s47.id,
            minuted(
                (*MINIMUM, ("mi5", " ")),
                s47="maybe",
                held_at=NOW + timedelta(hours=2),
                rationale=" ",
            ),
        ),
        "exists",
        "required",
        "choice",
        "not_future",
    )


def test_only_after_a_signed_s47_decision(desk, actors, meeting):  # noqa: F811
    d = signed(desk, actors, meeting)  # single assessment
    refused(desk, lambda: desk.strategy.record(actors["chair"], d.id, minuted()), "signed_s47")
    with pytest.raises(NotFound):
        desk.strategy.record(actors["chair"], 999_999, minuted())


def test_managers_and_chairs_record_practitioners_and_partners_may_not(desk, actors, s47):
    before = row_counts(desk)
    for who in ("practitioner", "police", "performance"):
        with pytest.raises(PermissionDenied):
            desk.strategy.record(actors[who], s47.id, minuted())
    with pytest.raises(PermissionDenied):
        desk.strategy.for_referral(actors["police"], s47.referral_id)
    assert row_counts(desk) == before
