"""The choices the queue's worker and team filters offer."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from mash_desk.domain.enums import Role
from mash_desk.domain.errors import PermissionDenied
from mash_desk.services.queue import QueueFilter
from mash_desk.storage.models import ContactChild, User
from tests.support.helpers import log_one


def test_workers_are_front_door_roles_sorted_by_name(desk, actors):
    system = desk.users.system_actor()
    desk.users.create(
        system,
        username="test.aaron",
        display_name="Aaron Early",
        role=Role.PRACTITIONER,
        agency_code="social_care",
        password=None,
        team="MASH team B",
    )
    choices = desk.queue.choices(actors["practitioner"])
    names = [w.display_name for w in choices.workers]
    assert names == sorted(names, key=str.casefold)
    assert names[0] == "Aaron Early"
    for holder in ("practitioner", "practitioner2", "manager", "chair"):
        assert actors[holder].user_id in {w.user_id for w in choices.workers}
    # Partner reps, QA officers and administrators hold no front-door work.
    for other in ("police", "performance", "admin"):
        assert actors[other].user_id not in {w.user_id for w in choices.workers}
    assert choices.teams == ("MASH team A", "MASH team B")


def test_deactivated_worker_with_open_work_is_still_offered(desk, actors):
    p = actors["practitioner"]
    gone = actors["practitioner2"]
    cc = log_one(desk, p).children[0]
    with desk.db.transaction() as s:
        s.execute(
            update(ContactChild).where(ContactChild.id == cc.id).values(assigned_to=gone.user_id)
        )
        s.execute(update(User).where(User.id == gone.user_id).values(active=False))
    choices = desk.queue.choices(p)
    assert gone.user_id in {w.user_id for w in choices.workers}
    # And the worker filter finds the work assigned to them.
    rows = desk.queue.page(p, flt=QueueFilter(worker_id=gone.user_id)).rows
    assert [r.item_id for r in rows] == [cc.id]


def test_partner_rep_gets_no_choices(desk, actors):
    with pytest.raises(PermissionDenied):
        desk.queue.choices(actors["police"])
