"""The access log: every view of a child's record is logged, and who may ask who looked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError, InternalError

from mash_desk.domain.enums import Role
from mash_desk.domain.errors import NotFound, PermissionDenied
from mash_desk.storage.models import AccessLogEntry
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


def test_opening_a_person_is_logged_unless_the_case_view_already_did(desk, actors, clock):
    p = actors["practitioner"]
    referral = make_referral(desk, p, "amber")
    assert desk.people.get(p, referral.person_id).id == referral.person_id
    clock.advance(timedelta(minutes=1))
    # A screen that shows the case record (which logged "case.view") reads without a second row.
    desk.case.view(p, referral.person_id)
    desk.people.get(p, referral.person_id, log_access=False)
    assert access_rows(desk) == [
        (p.user_id, referral.person_id, NOW, "person.view", None),
        (p.user_id, referral.person_id, NOW + timedelta(minutes=1), "case.view", None),
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
    desk.contacts.get(p, logged.id, log_access=False)
    assert len(access_rows(desk)) == 2
    assert [e.what for e in desk.access.who_viewed(actors["manager"], ben)] == ["contact.view"]


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
    # Same answer for a performance officer; asking writes nothing.
    before = row_counts(desk)
    assert desk.access.who_viewed(actors["performance"], referral.person_id) == seen
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
