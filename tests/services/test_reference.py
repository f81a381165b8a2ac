"""Reference lists: agencies for anyone signed in, users for MASH staff only."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import update

from mash_desk.domain.enums import Role
from mash_desk.domain.errors import PermissionDenied
from mash_desk.storage.models import Agency, User
from mash_desk.storage.reference_data import load_agencies
from tests.support.helpers import row_counts


@pytest.mark.parametrize("who", ["practitioner", "chair", "police", "performance", "admin"])
def test_every_signed_in_role_lists_the_agencies_in_reference_file_order(desk, actors, who):
    agencies = desk.reference.agencies(actors[who])
    assert [(a.code, a.name) for a in agencies] == [(a["code"], a["name"]) for a in load_agencies()]
    assert agencies[0].code == "social_care" and all(a.active for a in agencies)


def test_an_inactive_agency_is_offered_only_when_asked(desk, actors):
    with desk.db.transaction() as s:
        s.execute(update(Agency).where(Agency.code == "yot").values(active=False))
    p = actors["practitioner"]
    assert "yot" not in {a.code for a in desk.reference.agencies(p)}
    [yot] = [a for a in desk.reference.agencies(p, include_inactive=True) if a.code == "yot"]
    assert (yot.name, yot.active) == ("Youth Offending Team", False)


def test_a_forged_or_inactive_actor_gets_no_list(desk, actors):
    forged = replace(actors["practitioner"], username="someone.else")
    with pytest.raises(PermissionDenied):
        desk.reference.agencies(forged)
    with desk.db.transaction() as s:
        s.execute(update(User).where(User.username == "test.chair").values(active=False))
    with pytest.raises(PermissionDenied):
        desk.reference.users(actors["chair"])


def test_users_are_active_by_name_without_the_system_account(desk, actors):
    with desk.db.transaction() as s:
        s.execute(update(User).where(User.username == "test.practitioner2").values(active=False))
    users = desk.reference.users(actors["chair"])
    names = [u.display_name for u in users]
    assert names == sorted(names)
    assert "Test Practitioner2" not in names and "MASH Desk (automatic)" not in names
    assert {"Test Practitioner", "Test Manager", "Test Police"} <= set(names)
    [p] = [u for u in users if u.id == actors["practitioner"].user_id]
    assert (p.role, p.agency_code, p.team) == (Role.PRACTITIONER, "social_care", "MASH team A")
    assert p.label == "Test Practitioner (MASH practitioner, MASH team A)"


def test_users_filtered_by_role_and_agency(desk, actors):
    p = actors["practitioner"]
    assert [u.display_name for u in desk.reference.users(p, role="manager")] == ["Test Manager"]
    assert [u.display_name for u in desk.reference.users(p, agency_code="police")] == [
        "Test Police"
    ]
    assert desk.reference.users(p, role="manager", agency_code="police") == ()


def test_a_partner_rep_may_not_list_users_even_claiming_another_role(desk, actors):
    police = actors["police"]
    before = row_counts(desk)
    with pytest.raises(PermissionDenied):
        desk.reference.users(police)
    with pytest.raises(PermissionDenied):
        desk.reference.users(replace(police, role=Role.MANAGER))
    assert row_counts(desk) == before
