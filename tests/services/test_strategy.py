"""Strategy discussions: minimum attendance, s47 decision, ICPC target for the returns."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from mash_desk.domain.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from mash_desk.services.strategy import StrategyInput
from mash_desk.storage.models import AuditEntry
from tests.conftest import NOW
from tests.services.test_decisions import details, meeting, signed  # noqa: F401 - fixture
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


def test_overdue_icpc_lists_proceeding_enquiries_past_their_target(desk, actors, s47, clock):
    manager = actors["manager"]
    d = desk.strategy.record(actors["chair"], s47.id, minuted()).value
    assert desk.strategy.overdue_icpc(manager) == ()  # target Tue 8 Dec 2026, not yet
    clock.advance(d.icpc_due_at - NOW)
    assert desk.strategy.overdue_icpc(manager) == ()  # due now is not overdue
    clock.advance(timedelta(days=1))
    before = row_counts(desk)
    [late] = desk.strategy.overdue_icpc(manager)
    assert (late.discussion, late.child_name) == (d, "Amira HASSAN")
    assert late.overdue_text == "overdue by 1 day"
    assert desk.strategy.overdue_icpc(actors["chair"]) == (late,)
    assert row_counts(desk) == before  # a list, not a view of a record: nothing written


def test_no_conference_is_owed_after_no_further_s47_action(desk, actors, s47, clock):
    desk.strategy.record(actors["chair"], s47.id, minuted(s47="no_further_s47_action"))
    clock.advance(timedelta(days=60))
    assert desk.strategy.overdue_icpc(actors["manager"]) == ()


def test_amending_away_from_s47_ends_the_conference_clock(desk, actors, s47, clock):
    chair = actors["chair"]
    desk.strategy.record(chair, s47.id, minuted())
    clock.advance(timedelta(days=30))
    assert len(desk.strategy.overdue_icpc(chair)) == 1
    # Still s47 after an amendment (another team): the conference is still owed.
    s47_again = desk.decisions.amend(
        chair,
        s47.id,
        s47.version,
        details("strategy_discussion_s47", allocated_team="CP Team"),
        "Allocated to the child protection team",
    ).value
    assert len(desk.strategy.overdue_icpc(chair)) == 1
    desk.decisions.amend(
        chair, s47_again.id, s47_again.version, details(), "Medical found an accidental cause"
    )
    assert desk.strategy.overdue_icpc(chair) == ()


@pytest.mark.parametrize("who", ["practitioner", "police", "performance", "admin"])
def test_only_managers_and_chairs_see_overdue_conferences(desk, actors, who):
    with pytest.raises(PermissionDenied):
        desk.strategy.overdue_icpc(actors[who])


# ---- the initial child protection conference held ------------------------------------------

TARGET = date(2026, 12, 8)  # 15 working days after Tue 17 Nov 2026


def _proceeding(desk, actors, s47, clock, on):
    """A proceeding discussion held at HELD, with the clock moved to 10:00 on ``on``."""
    d = desk.strategy.record(actors["chair"], s47.id, minuted()).value
    clock.advance(timedelta(days=(on - NOW.date()).days))
    return d


def test_conference_held_within_target_is_recorded_once_and_audited(desk, actors, s47, clock):
    manager = actors["manager"]
    d = _proceeding(desk, actors, s47, clock, date(2026, 11, 20))
    result = desk.strategy.record_icpc(manager, d.id, d.version, date(2026, 11, 20))
    held = result.value
    assert (held.icpc_held_on, held.icpc_within_target, held.icpc_working_days_late) == (
        date(2026, 11, 20),
        True,
        0,
    )
    assert (held.icpc_recorded_by, held.icpc_recorded_at) == (manager.user_id, clock.now())
    assert held.version == d.version + 1 and held.icpc_due_at == d.icpc_due_at
    assert {f"person:{d.person_id}", f"referral:{d.referral_id}"} <= result.changed
    assert desk.strategy.for_referral(actors["practitioner"], d.referral_id) == (held,)
    with desk.db.reading() as s:
        [entry] = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "strategy_discussion.icpc_held")
        ).all()
    assert (entry.entity_id, entry.person_id, entry.user_id) == (d.id, d.person_id, manager.user_id)
    assert '"held_on": "2026-11-20"' in entry.detail and '"within_target": true' in entry.detail
    # Recorded once: a second record, even with the current version, names who and when.
    for version in (held.version, d.version):
        e = refused(
            desk,
            lambda v=version: desk.strategy.record_icpc(
                actors["chair"], d.id, v, date(2026, 11, 19)
            ),
            "once",
        )
        assert e.for_field("held_on")[0].message == (
            "The conference date is already recorded (20 Nov 2026) by Test Manager on "
            "20 Nov 2026 at 10:00; nothing was changed"
        )
    # Its target passes with the conference held: nothing is overdue.
    clock.advance(timedelta(days=40))
    assert desk.strategy.overdue_icpc(manager) == ()


@pytest.mark.parametrize(
    ("held_on", "within", "late"),
    [
        (TARGET, True, 0),  # on the target's date is within it
        (date(2026, 12, 9), False, 1),
        (date(2026, 12, 11), False, 3),
        (date(2026, 12, 14), False, 4),  # the weekend does not count
    ],
)
def test_late_conference_counts_working_days_after_the_target(
    desk, actors, s47, clock, held_on, within, late
):
    d = _proceeding(desk, actors, s47, clock, date(2026, 12, 15))
    held = desk.strategy.record_icpc(actors["chair"], d.id, d.version, held_on).value
    assert (held.icpc_within_target, held.icpc_working_days_late) == (within, late)
    assert not held.conference_owed


def test_conference_date_rules_nothing_written(desk, actors, s47, clock):
    chair = actors["chair"]
    d = _proceeding(desk, actors, s47, clock, date(2026, 11, 24))
    for held_on, rule, message in (
        (date(2026, 11, 25), "not_future", "The conference date is in the future"),
        (
            date(2026, 11, 16),
            "not_before_discussion",
            "The conference date is before the strategy discussion (17 Nov 2026)",
        ),
        (None, "required", "Give the date it was held"),
    ):
        e = refused(
            desk, lambda h=held_on: desk.strategy.record_icpc(chair, d.id, d.version, h), rule
        )
        assert [x.message for x in e.for_field("held_on")] == [message]
    # Held on the day of the discussion itself, and today, are both allowed.
    assert desk.strategy.record_icpc(chair, d.id, d.version, date(2026, 11, 17)).value.icpc_held_on


def test_no_conference_after_no_further_s47_action_every_rule_in_one_pass(desk, actors, s47):
    d = desk.strategy.record(actors["chair"], s47.id, minuted(s47="no_further_s47_action")).value
    e = refused(
        desk,
        lambda: desk.strategy.record_icpc(
            actors["chair"], d.id, d.version, NOW.date() + timedelta(days=1)
        ),
        "s47_proceeding",
        "not_future",
    )
    assert e.for_field("discussion")[0].message.startswith("Only a discussion that decided")


def test_stale_version_is_a_conflict_and_missing_discussion_not_found(desk, actors, s47):
    d = desk.strategy.record(actors["chair"], s47.id, minuted()).value
    before = row_counts(desk)
    with pytest.raises(ConflictError):
        desk.strategy.record_icpc(actors["chair"], d.id, d.version + 1, NOW.date())
    with pytest.raises(NotFound):
        desk.strategy.record_icpc(actors["chair"], 999_999, 1, NOW.date())
    assert row_counts(desk) == before


@pytest.mark.parametrize("who", ["practitioner", "police", "performance", "admin"])
def test_only_managers_and_chairs_record_the_conference(desk, actors, s47, who):
    d = desk.strategy.record(actors["chair"], s47.id, minuted()).value
    before = row_counts(desk)
    with pytest.raises(PermissionDenied):
        desk.strategy.record_icpc(actors[who], d.id, d.version, NOW.date())
    assert row_counts(desk) == before


def test_overdue_lists_only_enquiries_without_a_conference(desk, actors, s47, clock):
    chair = actors["chair"]
    d = desk.strategy.record(chair, s47.id, minuted()).value
    clock.advance(timedelta(days=30))  # Thu 17 Dec: target passed
    [late] = desk.strategy.overdue_icpc(chair)
    assert late.discussion.id == d.id and late.discussion.conference_owed
    desk.strategy.record_icpc(chair, d.id, d.version, date(2026, 12, 16))
    assert desk.strategy.overdue_icpc(chair) == ()


def test_an_amended_decisions_own_discussion_carries_the_one_conference(desk, actors, s47, clock):
    chair = actors["chair"]
    first = desk.strategy.record(chair, s47.id, minuted()).value
    again = desk.decisions.amend(
        chair,
        s47.id,
        s47.version,
        details("strategy_discussion_s47", allocated_team="CP Team"),
        "Allocated to the child protection team",
    ).value
    clock.advance(timedelta(hours=2))
    second = desk.strategy.record(chair, again.id, minuted(held_at=clock.now())).value
    clock.advance(timedelta(days=40))
    # One enquiry, one line: the latest discussion's.
    assert [o.discussion.id for o in desk.strategy.overdue_icpc(chair)] == [second.id]
    # The conference recorded against either discussion settles the enquiry.
    desk.strategy.record_icpc(chair, first.id, first.version, date(2026, 12, 10))
    assert desk.strategy.overdue_icpc(chair) == ()
