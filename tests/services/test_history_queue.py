"""History check (known before, re-referral, open services) and the paged work queue."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mash_desk.domain.enums import Rag
from mash_desk.domain.errors import PermissionDenied
from mash_desk.services.inputs import ChildOnContact, OutcomeInput, ReferralDetails
from mash_desk.services.queue import QueueFilter
from mash_desk.storage.models import ServiceEpisode
from tests.support.helpers import child, contact, log_one


def _refer(desk, actor, cc):
    return desk.outcomes.record(
        actor,
        cc.id,
        cc.version,
        OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails("N1")),
    )


def test_new_child_has_no_history(desk, actors):
    cc = log_one(desk, actors["practitioner"]).children[0]
    history = desk.history.check(
        actors["practitioner"], cc.person.id, exclude_contact_id=cc.contact_id
    )
    assert not history.known and history.total_contacts == 0


def test_re_referral_within_twelve_months(desk, actors, clock):
    p = actors["practitioner"]
    first = log_one(desk, p, date_of_birth=date(2015, 2, 2)).children[0]
    _refer(desk, p, first)
    clock.advance(timedelta(days=200))
    # A new contact about the child: a referral made from it would be a re-referral.
    second = desk.contacts.log(p, contact(ChildOnContact(person_id=first.person.id))).value
    history = desk.history.check(p, first.person.id, exclude_contact_id=second.id)
    assert history.re_referral_within_12_months
    assert history.total_referrals == 1 and history.total_contacts == 1
    # Progressed, it is one: its predecessor came 200 days before it.
    _refer(desk, p, second.children[0])
    assert desk.history.check(p, first.person.id).re_referral_within_12_months
    clock.advance(timedelta(days=400))
    third = desk.contacts.log(p, contact(ChildOnContact(person_id=first.person.id))).value
    assert not desk.history.check(p, first.person.id).re_referral_within_12_months
    assert third.children[0].person.id == first.person.id


def test_a_first_referral_is_not_its_own_re_referral(desk, actors, clock):
    p = actors["practitioner"]
    first = log_one(desk, p, date_of_birth=date(2015, 2, 2)).children[0]
    _refer(desk, p, first)
    assert not desk.history.check(p, first.person.id).re_referral_within_12_months
    clock.advance(timedelta(days=3))
    case = desk.case.view(p, first.person.id)
    assert not case.has_flag("re_referral")
    assert "Re-referral" not in [f.label for f in case.flags]


def test_open_to_a_service_is_shown(desk, actors):
    p = actors["practitioner"]
    cc = log_one(desk, p).children[0]
    with desk.db.transaction() as s:
        s.add(
            ServiceEpisode(
                person_id=cc.person.id,
                service="child_in_need",
                team="Children in Need team 2",
                started_on=date(2026, 6, 1),
            )
        )
        s.add(
            ServiceEpisode(
                person_id=cc.person.id,
                service="early_help",
                started_on=date(2025, 1, 1),
                ended_on=date(2025, 6, 1),
            )
        )
    history = desk.history.check(p, cc.person.id)
    assert [(o.service, o.team) for o in history.open_services] == [
        ("child_in_need", "Children in Need team 2")
    ]
    assert history.open_work == 1


def test_queue_orders_by_deadline_and_pages_without_gaps(desk, actors):
    p = actors["practitioner"]
    ids = []
    for i, rag in enumerate(["green", "red", "amber", "green", "red"]):
        logged = log_one(desk, p, given=f"Child{i}", family=f"Family{i}", rag=rag, rag_reason="r")
        ids.append(logged.children[0].id)
    referred = log_one(desk, p, given="Ref", family="Erred").children[0]
    _refer(desk, p, referred)
    seen = []
    page = desk.queue.page(p, size=2)
    while True:
        seen.extend(page.rows)
        if page.next_cursor is None:
            break
        page = desk.queue.page(p, size=2, after=page.next_cursor)
    assert len(seen) == 6 and len({(r.kind, r.item_id) for r in seen}) == 6
    dues = [r.due_at for r in seen]
    assert dues == sorted(dues)
    assert seen[0].rag is Rag.RED
    assert {r.kind for r in seen} == {"contact", "referral"}
    # The referred contact left the contact queue and reappears as a referral.
    assert ("contact", referred.id) not in {(r.kind, r.item_id) for r in seen}


@pytest.mark.parametrize("size", [1, 2])
def test_queue_pages_through_siblings_sharing_a_deadline(desk, actors, clock, size):
    # Siblings on one contact share its deadline: pages continue by kind and id within it.
    p = actors["practitioner"]
    desk.contacts.log(p, contact(child("Ana", "Kim"), child("Ben", "Kim"), child("Cai", "Kim")))
    clock.advance(timedelta(minutes=5))
    log_one(desk, p, given="Dee", family="Lo")
    seen, page = [], desk.queue.page(p, size=size)
    while True:
        seen.extend(page.rows)
        if page.next_cursor is None:
            break
        page = desk.queue.page(p, size=size, after=page.next_cursor)
    assert [r.child_name for r in seen] == ["Ana Kim", "Ben Kim", "Cai Kim", "Dee Lo"]
    assert [(r.due_at, r.item_id) for r in seen] == sorted((r.due_at, r.item_id) for r in seen)


def test_queue_filters(desk, actors):
    p = actors["practitioner"]
    log_one(desk, p, given="Zofia", family="Nowak", rag="red", rag_reason="r")
    log_one(desk, p, given="Tom", family="Smith", rag="green", rag_reason="r")
    reds = desk.queue.page(p, flt=QueueFilter(rag=Rag.RED)).rows
    assert [r.child_name for r in reds] == ["Zofia Nowak"]
    found = desk.queue.page(p, flt=QueueFilter(search="smi")).rows
    assert [r.child_name for r in found] == ["Tom Smith"]


def test_queue_groups_siblings_by_household(desk, actors):
    p = actors["practitioner"]
    desk.contacts.log(
        p,
        contact(child("A", "Okafor", postcode="HA3 5QR"), child("B", "Okafor", postcode="HA3 5QR")),
    )
    rows = desk.queue.page(p).rows
    assert len({r.household_id for r in rows}) == 1


def test_partner_rep_cannot_see_front_door_queue(desk, actors):
    with pytest.raises(PermissionDenied):
        desk.queue.page(actors["police"])


def test_existing_child_keeps_history_across_contacts(desk, actors):
    p = actors["practitioner"]
    first = log_one(desk, p).children[0]
    desk.outcomes.record(
        p, first.id, first.version, OutcomeInput(outcomes=("information_advice_signpost",))
    )
    second = desk.contacts.log(p, contact(ChildOnContact(person_id=first.person.id))).value
    history = desk.history.check(p, first.person.id, exclude_contact_id=second.id)
    assert [c.contact_id for c in history.contacts] == [first.contact_id]
    assert history.contacts[0].outcomes == ("information_advice_signpost",)
