"""Allocation: take this, allocate and reallocate with a reason, refusals, workload, queue marks."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from mash_desk.domain.enums import Role
from mash_desk.domain.errors import ConflictError, PermissionDenied, ValidationError
from mash_desk.services.inputs import ChildOnContact, OutcomeInput, ReferralDetails
from mash_desk.services.queue import QueueFilter
from mash_desk.storage.models import AuditEntry, ContactChild, Referral, ServiceEpisode, User
from tests.conftest import NOW
from tests.support.helpers import contact, log_one, row_counts


def _contact(desk, actor, **kw):
    return log_one(desk, actor, **kw).children[0]


def _refer(desk, actor, cc):
    return desk.outcomes.record(
        actor,
        cc.id,
        cc.version,
        OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails("N1")),
    ).value.referral


def _item(desk, table, item_id):
    with desk.db.reading() as s:
        row = s.get(table, item_id)
        return row.assigned_to, row.team, row.version


def _audits(desk, action):
    with desk.db.reading() as s:
        return s.execute(
            select(AuditEntry.user_id, AuditEntry.entity_id, AuditEntry.detail).where(
                AuditEntry.action == action
            )
        ).all()


@pytest.fixture
def team_b(desk):
    """A practitioner in another team."""
    return desk.users.create(
        desk.users.system_actor(),
        username="test.bea",
        display_name="Bea Other-Team",
        role=Role.PRACTITIONER,
        agency_code="social_care",
        password=None,
        team="MASH team B",
    ).value


def test_practitioner_takes_an_open_contact(desk, actors):
    p = actors["practitioner"]
    cc = _contact(desk, p)
    result = desk.allocation.take(p, "contact", cc.id, cc.version)
    assert result.value.worker_id == p.user_id and result.value.how == "taken"
    assert result.value.team == "MASH team A"
    assert "queue" in result.changed
    assert _item(desk, ContactChild, cc.id) == (p.user_id, "MASH team A", cc.version + 1)
    [(by, entity_id, detail)] = _audits(desk, "work.taken")
    assert (by, entity_id, json.loads(detail)["to"]) == (p.user_id, cc.id, p.user_id)
    # The queue shows the worker, and "my work" finds it.
    mine = desk.queue.page(p, flt=QueueFilter(worker_id=p.user_id)).rows
    assert [(r.item_id, r.assigned_to, r.assigned_id) for r in mine] == [
        (cc.id, "Test Practitioner", p.user_id)
    ]
    # The chronology says who took it.
    events = [e for e in desk.case.view(p, cc.person.id).events if e.kind == "allocation"]
    assert [(e.who, e.kind_label, e.summary) for e in events] == [
        ("Test Practitioner", "Allocation", "Took the contact (MASH team A)")
    ]


def test_practitioner_takes_a_referral_awaiting_decision(desk, actors):
    p = actors["practitioner"]
    referral = _refer(desk, p, _contact(desk, p))
    desk.allocation.take(p, "referral", referral.id, referral.version)
    assert _item(desk, Referral, referral.id)[0] == p.user_id


def test_manager_allocates_then_reallocates_with_a_reason(desk, actors, team_b):
    p, m = actors["practitioner"], actors["manager"]
    referral = _refer(desk, p, _contact(desk, p))
    first = desk.allocation.allocate(
        m, "referral", referral.id, referral.version, worker_id=p.user_id
    ).value
    assert (first.how, first.team) == ("allocated", "MASH team A")
    before = row_counts(desk)
    with pytest.raises(ValidationError) as refused:
        desk.allocation.allocate(
            m, "referral", referral.id, first.version, worker_id=team_b.user_id
        )
    assert refused.value.rules == {"required_for_reallocation"}
    assert refused.value.for_field("reason")
    assert row_counts(desk) == before
    assert _item(desk, Referral, referral.id) == (p.user_id, "MASH team A", first.version)
    moved = desk.allocation.allocate(
        m,
        "referral",
        referral.id,
        first.version,
        worker_id=team_b.user_id,
        team="MASH team B",
        reason="Sam is on leave from tomorrow",
    ).value
    assert (moved.how, moved.worker_name, moved.team) == (
        "reallocated",
        "Bea Other-Team",
        "MASH team B",
    )
    [(by, _id, detail)] = _audits(desk, "work.reallocated")
    detail = json.loads(detail)
    assert by == m.user_id
    assert (detail["previous"], detail["to"], detail["reason"]) == (
        p.user_id,
        team_b.user_id,
        "Sam is on leave from tomorrow",
    )
    summaries = [
        e.summary for e in desk.case.view(m, referral.person_id).events if e.kind == "allocation"
    ]
    # Newest first.
    assert summaries == [
        "Reallocated the referral to Bea Other-Team (MASH team B), from Test Practitioner: "
        "Sam is on leave from tomorrow",
        "Allocated the referral to Test Practitioner (MASH team A)",
    ]
    # The queue's team filter follows the allocated team.
    rows = desk.queue.page(m, flt=QueueFilter(team="MASH team B")).rows
    assert [(r.item_id, r.team) for r in rows] == [(referral.id, "MASH team B")]


def _refused(desk, call, *, rules, field, item=None):
    before = row_counts(desk)
    with pytest.raises(ValidationError) as refused:
        call()
    assert refused.value.rules == rules
    assert refused.value.for_field(field)
    assert row_counts(desk) == before
    if item is not None:
        table, item_id, expected = item
        assert _item(desk, table, item_id) == expected


def test_each_refusal_names_field_and_rule_and_writes_nothing(desk, actors, team_b):
    p, m = actors["practitioner"], actors["manager"]
    cc = _contact(desk, p)
    untouched = (ContactChild, cc.id, (None, None, cc.version))
    # A practitioner allocating to someone else.
    _refused(
        desk,
        lambda: desk.allocation.allocate(
            p, "contact", cc.id, cc.version, worker_id=actors["practitioner2"].user_id
        ),
        rules={"own_work_only"},
        field="worker",
        item=untouched,
    )
    # A partner rep or a QA officer is not MASH staff.
    for other in ("police", "performance"):
        _refused(
            desk,
            lambda o=other: desk.allocation.allocate(
                m, "contact", cc.id, cc.version, worker_id=actors[o].user_id
            ),
            rules={"not_mash_staff"},
            field="worker",
            item=untouched,
        )
    # An inactive worker.
    with desk.db.transaction() as s:
        s.execute(update(User).where(User.id == team_b.user_id).values(active=False))
    _refused(
        desk,
        lambda: desk.allocation.allocate(m, "contact", cc.id, cc.version, worker_id=team_b.user_id),
        rules={"inactive"},
        field="worker",
        item=untouched,
    )
    # A team nobody works in.
    _refused(
        desk,
        lambda: desk.allocation.allocate(
            m, "contact", cc.id, cc.version, worker_id=p.user_id, team="Nowhere team"
        ),
        rules={"unknown"},
        field="team",
        item=untouched,
    )
    # Closed work.
    with desk.db.transaction() as s:
        s.execute(update(ContactChild).where(ContactChild.id == cc.id).values(status="closed"))
    closed = (ContactChild, cc.id, (None, None, cc.version))
    _refused(
        desk,
        lambda: desk.allocation.take(p, "contact", cc.id, cc.version),
        rules={"closed"},
        field="item",
        item=closed,
    )
    _refused(
        desk,
        lambda: desk.allocation.allocate(m, "contact", cc.id, cc.version, worker_id=p.user_id),
        rules={"closed"},
        field="item",
        item=closed,
    )


def test_taking_work_someone_holds_is_refused(desk, actors):
    p, p2 = actors["practitioner"], actors["practitioner2"]
    cc = _contact(desk, p)
    taken = desk.allocation.take(p2, "contact", cc.id, cc.version).value
    _refused(
        desk,
        lambda: desk.allocation.take(p, "contact", cc.id, taken.version),
        rules={"already_allocated"},
        field="worker",
    )
    _refused(
        desk,
        lambda: desk.allocation.take(p2, "contact", cc.id, taken.version),
        rules={"already_yours"},
        field="worker",
    )


def test_partner_rep_may_not_allocate_and_stale_version_conflicts(desk, actors):
    p = actors["practitioner"]
    cc = _contact(desk, p)
    before = row_counts(desk)
    with pytest.raises(PermissionDenied):
        desk.allocation.take(actors["police"], "contact", cc.id, cc.version)
    with pytest.raises(PermissionDenied):
        desk.allocation.workload(actors["practitioner"])
    desk.allocation.take(p, "contact", cc.id, cc.version)
    with pytest.raises(ConflictError):
        desk.allocation.allocate(
            actors["manager"], "contact", cc.id, cc.version, worker_id=p.user_id
        )
    assert row_counts(desk) == {**before, "allocations": 1, "audit_log": before["audit_log"] + 1}


def _set(desk, table, item_id, **values):
    with desk.db.transaction() as s:
        s.execute(update(table).where(table.id == item_id).values(**values))


def test_workload_counts_against_a_hand_counted_fixture(desk, actors):
    p, p2, m = actors["practitioner"], actors["practitioner2"], actors["manager"]
    hour = timedelta(hours=1)
    # Test Practitioner: red overdue contact, amber contact due this afternoon, green referral
    # due tomorrow, and a closed contact that no longer counts.
    a = _contact(desk, p, given="Ada")
    _set(desk, ContactChild, a.id, assigned_to=p.user_id, rag="red", due_at=NOW - hour)
    b = _contact(desk, p, given="Ben")
    _set(desk, ContactChild, b.id, assigned_to=p.user_id, rag="amber", due_at=NOW + 5 * hour)
    referral = _refer(desk, p, _contact(desk, p, given="Cal"))
    _set(
        desk,
        Referral,
        referral.id,
        assigned_to=p.user_id,
        rag="green",
        decision_due_at=NOW + 24 * hour,
    )
    d = _contact(desk, p, given="Dee")
    _set(desk, ContactChild, d.id, assigned_to=p.user_id, status="closed", due_at=NOW - hour)
    # Test Practitioner2: one unrated contact due in three days.
    e = _contact(desk, p, given="Eve")
    _set(desk, ContactChild, e.id, assigned_to=p2.user_id, rag=None, due_at=NOW + 72 * hour)
    # Unallocated: one amber contact, overdue.
    f = _contact(desk, p, given="Fay")
    _set(desk, ContactChild, f.id, rag="amber", due_at=NOW - 2 * hour)
    rows = {r.display_name: r for r in desk.allocation.workload(m)}
    figures = {
        name: (r.open_items, r.red, r.amber, r.green, r.unrated, r.due_today, r.overdue)
        for name, r in rows.items()
    }
    assert figures["Unallocated"] == (1, 0, 1, 0, 0, 0, 1)
    assert figures["Test Practitioner"] == (3, 1, 1, 1, 0, 1, 1)
    assert figures["Test Practitioner2"] == (1, 0, 0, 0, 1, 0, 0)
    # Staff with nothing open are listed so a manager sees who is free; partners are not.
    assert figures["Test Manager"] == (0,) * 7
    assert "Test Police" not in figures and "Test Performance" not in figures
    assert list(rows)[0] == "Unallocated"
    # The queue's "Unallocated" choice finds the work nobody holds.
    free = desk.queue.page(m, flt=QueueFilter(unallocated=True)).rows
    assert [r.item_id for r in free] == [f.id]


def test_queue_shows_level_and_marks_open_work_elsewhere(desk, actors):
    p = actors["practitioner"]
    first = _contact(desk, p, given="Gia", family="Long", date_of_birth=date(2018, 3, 3))
    # A second contact about the same child (matched to her record), and an open CIN episode.
    second = desk.contacts.log(p, contact(ChildOnContact(person_id=first.person.id)))
    second = second.value.children[0]
    _set(desk, ContactChild, second.id, provisional_level=3)
    with desk.db.transaction() as s:
        s.add(
            ServiceEpisode(
                person_id=first.person.id, service="child_in_need", started_on=date(2026, 1, 5)
            )
        )
    lonely = _contact(desk, p, given="Hal", family="Alone")
    rows = {r.item_id: r for r in desk.queue.page(p).rows}
    assert rows[second.id].level == 3 and rows[first.id].level is None
    assert rows[first.id].also_open == ("1 other open contact", "open as a child in need")
    assert rows[second.id].also_open == ("1 other open contact", "open as a child in need")
    assert rows[lonely.id].also_open == ()


def test_work_says_who_holds_it_now(desk, actors):
    p = actors["practitioner"]
    cc = _contact(desk, p)
    before = desk.allocation.work(p, "contact", cc.id)
    assert (before.assigned_id, before.status, before.version) == (None, "open", cc.version)
    desk.allocation.take(p, "contact", cc.id, cc.version)
    after = desk.allocation.work(p, "contact", cc.id)
    assert (after.assigned_name, after.team, after.version) == (
        "Test Practitioner",
        "MASH team A",
        cc.version + 1,
    )
    assert desk.allocation.teams(p) == ("MASH team A",)
