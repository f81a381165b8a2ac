"""The access log: every view of a child's record is logged, and who may ask who looked."""

from __future__ import annotations

import inspect
from dataclasses import replace
from datetime import timedelta
from unittest.mock import ANY

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError, InternalError

from mash_desk.domain.enums import Role
from mash_desk.domain.errors import NotFound, PermissionDenied
from mash_desk.storage.models import AccessLogEntry, ContactChild
from tests.conftest import NOW
from tests.services.test_checks import ask, make_referral
from tests.support.helpers import child, contact, row_counts


def access_rows(desk):
    with desk.db.reading() as s:
        return [
            (e.user_id, e.person_id, e.at, e.what, e.detail)
            for e in s.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id))
        ]


def test_case_view_is_logged_in_its_own_transaction(desk, actors, clock):
    p = actors["practitioner"]
    referral = make_referral(desk, p, "amber")
    assert access_rows(desk) == []  # logging and referring are not views
    desk.case.view(p, referral.person_id)
    clock.advance(timedelta(minutes=5))
    desk.case.view(actors["manager"], referral.person_id)
    assert access_rows(desk) == [
        (p.user_id, referral.person_id, NOW, "case.view", None),
        (
            actors["manager"].user_id,
            referral.person_id,
            NOW + timedelta(minutes=5),
            "case.view",
            None,
        ),
    ]


def test_partner_opening_a_check_is_logged_but_the_inbox_list_is_not(desk, actors):
    p, police = actors["practitioner"], actors["police"]
    referral = make_referral(desk, p, "red")
    (check,) = ask(desk, p, referral, "police")
    desk.checks.inbox(police)
    assert access_rows(desk) == []
    desk.checks.open_request(police, check.id)
    assert access_rows(desk) == [
        (
            police.user_id,
            referral.person_id,
            NOW,
            "agency_check.open",
            f"Agency check {check.id} (police)",
        )
    ]


def test_reading_a_referrals_checks_is_logged(desk, actors):
    p = actors["practitioner"]
    referral = make_referral(desk, p, "amber")
    desk.checks.for_referral(p, referral.id)
    assert access_rows(desk) == [
        (p.user_id, referral.person_id, NOW, "agency_checks.view", f"Referral {referral.id}")
    ]


def test_opening_a_person_is_logged_every_time(desk, actors, clock):
    p = actors["practitioner"]
    referral = make_referral(desk, p, "amber")
    assert desk.people.get(p, referral.person_id).id == referral.person_id
    clock.advance(timedelta(minutes=1))
    desk.case.view(p, referral.person_id)
    desk.people.get(p, referral.person_id)
    # There is no unlogged way to read a person (issue 12): the second look is a row too.
    assert access_rows(desk) == [
        (p.user_id, referral.person_id, NOW, "person.view", None),
        (p.user_id, referral.person_id, NOW + timedelta(minutes=1), "case.view", None),
        (p.user_id, referral.person_id, NOW + timedelta(minutes=1), "person.view", None),
    ]


def test_opening_a_contact_logs_a_view_of_every_child_on_it(desk, actors):
    p = actors["practitioner"]
    logged = desk.contacts.log(p, contact(child("Ada", "Hart"), child("Ben", "Hart"))).value
    ada, ben = (c.person.id for c in logged.children)
    assert access_rows(desk) == []  # logging a contact is not a view
    assert len(desk.contacts.get(p, logged.id).children) == 2
    assert access_rows(desk) == [
        (p.user_id, ada, NOW, "contact.view", f"Contact {logged.id}"),
        (p.user_id, ben, NOW, "contact.view", f"Contact {logged.id}"),
    ]
    assert [e.what for e in desk.access.who_viewed(actors["manager"], ben)] == ["contact.view"]


# Every public read of a child's record, and what its access-log row says (issue 12: reads
# that returned a child's details without a row).
CHILD_READS = {
    "people.get": (lambda d, a, r: d.people.get(a, r.person_id), "person.view"),
    "contacts.get": (lambda d, a, r: d.contacts.get(a, _contact_of(d, r)), "contact.view"),
    "history.check": (lambda d, a, r: d.history.check(a, r.person_id), "history.view"),
    "thresholds.assessments": (
        lambda d, a, r: d.thresholds.assessments(a, r.person_id),
        "threshold_assessments.view",
    ),
    "routing.for_person": (lambda d, a, r: d.routing.for_person(a, r.person_id), "routings.view"),
    "case.view": (lambda d, a, r: d.case.view(a, r.person_id), "case.view"),
}


def _contact_of(desk, referral):
    with desk.db.reading() as s:
        found = s.scalar(
            select(ContactChild.contact_id).where(ContactChild.id == referral.contact_child_id)
        )
    return found or 999_999


@pytest.mark.parametrize("name", sorted(CHILD_READS))
def test_every_public_read_of_a_child_writes_an_access_row(desk, actors, name):
    p = actors["practitioner"]
    referral = make_referral(desk, p, "amber")
    read, what = CHILD_READS[name]
    assert access_rows(desk) == []
    read(desk, p, referral)
    assert access_rows(desk) == [(p.user_id, referral.person_id, NOW, what, ANY)]
    assert desk.access.who_viewed(actors["manager"], referral.person_id)[0].what_label


def test_no_public_read_of_a_child_can_skip_the_access_log(desk):
    for name in CHILD_READS:
        service, method = name.split(".")
        parameters = inspect.signature(getattr(getattr(desk, service), method)).parameters
        assert "log_access" not in parameters, name


@pytest.mark.parametrize("name", sorted(CHILD_READS))
def test_reads_of_a_missing_child_write_nothing(desk, actors, name):
    p = actors["practitioner"]
    referral = make_referral(desk, p, "amber")
    missing = replace(referral, person_id=999_999, contact_child_id=999_999)
    before = row_counts(desk)
    with pytest.raises(NotFound):
        read, _ = CHILD_READS[name]
        read(desk, p, missing)
    assert row_counts(desk) == before


def test_refused_and_missing_views_log_nothing(desk, actors):
    p = actors["practitioner"]
    referral = make_referral(desk, p, "amber")
    before = row_counts(desk)
    with pytest.raises(NotFound):
        desk.case.view(p, 999_999)
    with pytest.raises(PermissionDenied):
        desk.case.view(actors["police"], referral.person_id)
    with pytest.raises(PermissionDenied):
        desk.checks.for_referral(actors["police"], referral.id)
    with pytest.raises(NotFound):
        desk.checks.open_request(actors["police"], 999_999)
    for read in (desk.people.get, desk.contacts.get):
        with pytest.raises(NotFound):
            read(p, 999_999)
    with pytest.raises(PermissionDenied):
        desk.people.get(actors["police"], referral.person_id)
    with pytest.raises(PermissionDenied):
        desk.contacts.get(actors["performance"], 1)
    assert row_counts(desk) == before


def test_who_viewed_newest_first_with_names_roles_and_agencies(desk, actors, clock):
    p = actors["practitioner"]
    referral = make_referral(desk, p, "red")
    (check,) = ask(desk, p, referral, "police")
    desk.case.view(p, referral.person_id)
    clock.advance(timedelta(minutes=10))
    desk.checks.open_request(actors["police"], check.id)
    clock.advance(timedelta(minutes=10))
    desk.checks.for_referral(actors["chair"], referral.id)
    clock.advance(timedelta(minutes=10))
    desk.case.view(actors["practitioner2"], referral.person_id)

    seen = desk.access.who_viewed(actors["manager"], referral.person_id)
    assert [(e.display_name, e.role, e.agency, e.what_label, e.at) for e in seen] == [
        (
            "Test Practitioner2",
            Role.PRACTITIONER,
            "Children's social care (MASH)",
            "Case record",
            NOW + timedelta(minutes=30),
        ),
        (
            "Test Chair",
            Role.CHAIR,
            "Children's social care (MASH)",
            "Agency checks of a referral",
            NOW + timedelta(minutes=20),
        ),
        (
            "Test Police",
            Role.PARTNER,
            "Police",
            "Agency check (partner inbox)",
            NOW + timedelta(minutes=10),
        ),
        (
            "Test Practitioner",
            Role.PRACTITIONER,
            "Children's social care (MASH)",
            "Case record",
            NOW,
        ),
    ]
    assert (
        seen[2].username == "test.police" and seen[2].detail == f"Agency check {check.id} (police)"
    )
    # Same answer for a performance officer but without the detail (it names what was opened,
    # a file name or a document's reference: issue 13 item 3); asking writes nothing.
    before = row_counts(desk)
    assert desk.access.who_viewed(actors["performance"], referral.person_id) == tuple(
        replace(e, detail=None) for e in seen
    )
    assert row_counts(desk) == before


def test_who_viewed_a_child_nobody_opened_is_empty(desk, actors):
    referral = make_referral(desk, actors["practitioner"], "green")
    assert desk.access.who_viewed(actors["manager"], referral.person_id) == ()
    with pytest.raises(NotFound):
        desk.access.who_viewed(actors["manager"], 999_999)


@pytest.mark.parametrize("role", ["practitioner", "chair", "police", "admin"])
def test_only_managers_and_performance_officers_ask_who_viewed(desk, actors, role):
    referral = make_referral(desk, actors["practitioner"], "green")
    with pytest.raises(PermissionDenied):
        desk.access.who_viewed(actors[role], referral.person_id)


@pytest.mark.parametrize(
    "statement", ["UPDATE access_log SET what = 'forged'", "DELETE FROM access_log"]
)
def test_access_log_is_append_only(desk, actors, statement):
    p = actors["practitioner"]
    referral = make_referral(desk, p, "green")
    desk.case.view(p, referral.person_id)
    with pytest.raises((DatabaseError, InternalError)) as caught, desk.db.transaction() as s:
        s.execute(text(statement))
    assert "append-only" in str(caught.value)
    assert [r[3] for r in access_rows(desk)] == ["case.view"]
