"""An s47 enquiry concluded with no initial conference needed (the census's ICPCnotRequired)."""

# ruff: noqa: F811 - the fixtures are imported from the strategy tests

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from mash_desk.domain.errors import PermissionDenied
from mash_desk.storage.models import AuditEntry
from tests.conftest import NOW
from tests.services.test_decisions import meeting, signed  # noqa: F401 - fixture
from tests.services.test_strategy import _proceeding, minuted, refused, s47  # noqa: F401
from tests.support.helpers import row_counts

REASON = "Enquiry found the injury accidental; no continuing risk of significant harm."


def test_no_conference_needed_is_recorded_once_audited_and_ends_the_clock(
    desk,
    actors,
    s47,
    clock,
):
    manager = actors["manager"]
    d = _proceeding(desk, actors, s47, clock, date(2026, 11, 24))
    result = desk.strategy.record_no_conference(
        manager, d.id, d.version, date(2026, 11, 23), f"  {REASON}  "
    )
    done = result.value
    assert (done.icpc_not_required_on, done.icpc_not_required_reason) == (
        date(2026, 11, 23),
        REASON,
    )
    assert (done.icpc_held_on, done.conference_owed) == (None, False)
    assert (done.icpc_recorded_by, done.icpc_recorded_at) == (manager.user_id, clock.now())
    assert f"referral:{d.referral_id}" in result.changed
    assert desk.strategy.for_referral(actors["practitioner"], d.referral_id) == (done,)
    with desk.db.reading() as s:
        [entry] = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "strategy_discussion.icpc_not_required")
        ).all()
    assert (entry.entity_id, entry.person_id, entry.user_id) == (d.id, d.person_id, manager.user_id)
    assert json.loads(entry.detail)["concluded_on"] == "2026-11-23"
    # Its target passes: nothing is overdue, it waits for no conference.
    clock.advance(timedelta(days=40))
    assert desk.strategy.overdue_icpc(manager) == ()
    # Once, and it excludes a conference date (and the other way round), naming who and when.
    e = refused(
        desk,
        lambda: desk.strategy.record_icpc(manager, d.id, done.version, date(2026, 12, 1)),
        "once",
    )
    assert e.for_field("held_on")[0].message == (
        "The enquiry is already recorded as concluded with no conference needed "
        "(23 Nov 2026) by Test Manager on 24 Nov 2026 at 10:00; nothing was changed"
    )
    refused(
        desk,
        lambda: desk.strategy.record_no_conference(
            manager, d.id, done.version, date(2026, 12, 1), REASON
        ),
        "once",
    )


def test_no_conference_after_a_conference_was_held_is_refused(desk, actors, s47, clock):
    chair = actors["chair"]
    d = _proceeding(desk, actors, s47, clock, date(2026, 11, 20))
    held = desk.strategy.record_icpc(chair, d.id, d.version, date(2026, 11, 20)).value
    e = refused(
        desk,
        lambda: desk.strategy.record_no_conference(
            chair, d.id, held.version, date(2026, 11, 20), REASON
        ),
        "once",
    )
    assert e.for_field("concluded_on")[0].message.startswith(
        "The conference date is already recorded (20 Nov 2026)"
    )


def test_every_rule_of_a_concluded_enquiry_at_once_nothing_written(desk, actors, s47, clock):
    chair = actors["chair"]
    d = _proceeding(desk, actors, s47, clock, date(2026, 11, 24))
    e = refused(
        desk,
        lambda: desk.strategy.record_no_conference(
            chair, d.id, d.version, date(2026, 11, 25), "  "
        ),
        "not_future",
        "required",
    )
    assert [x.message for x in e.for_field("concluded_on")] == [
        "The date the enquiry concluded is in the future"
    ]
    assert [x.field for x in e.errors] == ["concluded_on", "reason"]
    e = refused(
        desk,
        lambda: desk.strategy.record_no_conference(
            chair, d.id, d.version, date(2026, 11, 16), REASON
        ),
        "not_before_discussion",
    )
    assert e.for_field("concluded_on")[0].message == (
        "The date the enquiry concluded is before the strategy discussion (17 Nov 2026)"
    )
    refused(
        desk,
        lambda: desk.strategy.record_no_conference(chair, d.id, d.version, None, REASON),
        "required",
    )


def test_no_conference_after_no_further_s47_action_is_refused(desk, actors, s47):
    d = desk.strategy.record(actors["chair"], s47.id, minuted(s47="no_further_s47_action")).value
    refused(
        desk,
        lambda: desk.strategy.record_no_conference(
            actors["chair"], d.id, d.version, NOW.date(), REASON
        ),
        "s47_proceeding",
    )


@pytest.mark.parametrize("who", ["practitioner", "police", "performance", "admin"])
def test_only_managers_and_chairs_record_no_conference(desk, actors, s47, who):
    d = desk.strategy.record(actors["chair"], s47.id, minuted()).value
    before = row_counts(desk)
    with pytest.raises(PermissionDenied):
        desk.strategy.record_no_conference(actors[who], d.id, d.version, NOW.date(), REASON)
    assert row_counts(desk) == before
