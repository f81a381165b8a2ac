"""Unlocking an idle-locked desk: only the signed-in user's own password, checked as sign-in."""

from __future__ import annotations

import pytest

from mash_desk.domain.enums import Role
from mash_desk.domain.errors import PermissionDenied
from tests.support.helpers import row_counts

PASSWORD = "correct horse battery"


def _two_users(desk):
    system = desk.users.system_actor()
    made = [
        desk.users.create(
            system,
            username=name,
            display_name=name.title(),
            role=Role.PRACTITIONER,
            agency_code="social_care",
            password=f"{PASSWORD} {name}",
        ).value
        for name in ("ann", "bob")
    ]
    return made


def test_own_password_unlocks_and_nothing_is_written(desk):
    ann, _bob = _two_users(desk)
    before = row_counts(desk)
    desk.users.confirm_password(ann, f"{PASSWORD} ann")
    assert row_counts(desk) == before


@pytest.mark.parametrize("typed", ["", "wrong password here", f"{PASSWORD} bob"])
def test_any_other_password_is_refused(desk, typed):
    ann, _bob = _two_users(desk)
    with pytest.raises(PermissionDenied, match="not recognised"):
        desk.users.confirm_password(ann, typed)


def test_a_user_without_a_password_cannot_unlock(desk, actors):
    # Accounts without a password (demo users, test users) have nothing to check against.
    with pytest.raises(PermissionDenied):
        desk.users.confirm_password(actors["practitioner"], "")
