"""The daily meeting: one per day, agenda order with siblings, attendance, quorum, sign-off."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mash_desk.domain.errors import PermissionDenied, ValidationError
from mash_desk.storage.models import Person
from tests.services.test_checks import make_referral
from tests.support.helpers import row_counts


def household_of(desk, person_id):
    with desk.db.reading() as s:
        return s.get(Person, person_id).household_id


def quorate(desk, chair, meeting_id, agencies=("social_care", "police", "health")):
    result = None
    for code in agencies:
        result = desk.meetings.record_attendance(chair, meeting_id, code, f"Rep of {code}")
    return result.value


def test_agenda_ordered_by_deadline_then_rag_with_siblings_together(desk, actors, clock):
    p, chair = actors["practitioner"], actors["chair"]
    ann = make_referral(desk, p, "green", given="Ann", family="Early", address="1 Oak Rd")
    clock.advance(timedelta(minutes=30))
    zed = make_referral(desk, p, "green", given="Zed", family="Green")
    rob = make_referral(desk, p, "red", given="Rob", family="Red")
    clock.advance(timedelta(minutes=30))
    hh = household_of(desk, ann.person_id)
    sib = make_referral(desk, p, "amber", given="Sib", family="Early", household_id=hh)
    meeting = desk.meetings.create_today(chair).value
    # Deadline first (Ann's is earliest, and her sibling follows her although his own
    # deadline is latest), then RAG at the same deadline (red Rob before green Zed).
    assert [i.referral_id for i in meeting.agenda] == [ann.id, sib.id, rob.id, zed.id]
    assert meeting.agenda[0].household_id == meeting.agenda[1].household_id == hh


def test_one_meeting_a_day_and_only_chair_or_manager_creates(desk, actors):
    desk.meetings.create_today(actors["chair"])
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.meetings.create_today(actors["manager"])
    assert caught.value.rules == {"one_per_day"}
    for who in ("practitioner", "police", "performance"):
        with pytest.raises(PermissionDenied):
            desk.meetings.create_today(actors[who])
    assert row_counts(desk) == before
    assert desk.meetings.today(actors["practitioner"]).chair_name == "Test Chair"
    # Issue 13 item 3: the agenda names children, so a performance officer does not read it.
    with pytest.raises(PermissionDenied, match="performance / qa officer may not see the daily"):
        desk.meetings.today(actors["performance"])


def test_quorum_from_policy_and_recorded_reason(desk, actors):
    chair = actors["chair"]
    meeting = desk.meetings.create_today(chair).value
    m = desk.meetings.record_attendance(chair, meeting.id, "police", "PC Lee").value
    assert m.quorum_missing == ("health", "social_care") and not m.may_decide
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.meetings.proceed_without_quorum(chair, m.id, m.version, "  ")
    assert caught.value.errors[0].field == "reason"
    with pytest.raises(PermissionDenied):
        desk.meetings.proceed_without_quorum(actors["manager"], m.id, m.version, "Busy day")
    assert row_counts(desk) == before
    m = desk.meetings.proceed_without_quorum(
        chair, m.id, m.version, "Health rep off sick; health checks returned in writing"
    ).value
    assert m.may_decide and not m.quorate
    m = quorate(desk, chair, m.id)
    assert m.quorate


def test_attendance_refuses_unknown_agency_and_blank_name(desk, actors):
    chair = actors["chair"]
    meeting = desk.meetings.create_today(chair).value
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.meetings.record_attendance(chair, meeting.id, "nasa", " ")
    assert {e.field for e in caught.value.errors} == {"agency", "attendee_name"}
    assert row_counts(desk) == before


def test_sign_off_needs_every_item_decided_or_deferred_with_reason(desk, actors):
    p, chair = actors["practitioner"], actors["chair"]
    referral = make_referral(desk, p, "amber")
    meeting = desk.meetings.create_today(chair).value
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.meetings.sign_off(chair, meeting.id, meeting.version)
    assert caught.value.rules == {"complete"}
    with pytest.raises(ValidationError):
        desk.meetings.defer(chair, meeting.id, referral.id, "")
    assert row_counts(desk) == before
    m = desk.meetings.defer(chair, meeting.id, referral.id, "Awaiting police checks").value
    assert m.agenda[0].status == "deferred"
    with pytest.raises(PermissionDenied):
        desk.meetings.sign_off(actors["manager"], m.id, m.version)
    m = desk.meetings.sign_off(chair, m.id, m.version).value
    assert m.signed_off_at is not None
    with pytest.raises(ValidationError) as caught:
        desk.meetings.record_attendance(chair, m.id, "police", "Late PC")
    assert caught.value.rules == {"signed_off"}
