"""A new database: the first administrator, and nobody else, can be created before sign-in."""

from __future__ import annotations

import pytest

from mash_desk.domain.enums import Role
from mash_desk.domain.errors import PermissionDenied, ValidationError
from tests.support.helpers import row_counts


def test_first_administrator_then_first_run_is_over(desk):
    assert desk.users.first_run()
    made = desk.users.create_first_administrator(
        username="Admin.One", display_name="Admin One", password="a long passphrase"
    ).value
    assert made.role is Role.ADMIN and made.username == "admin.one"
    assert not desk.users.first_run()
    assert desk.users.sign_in("admin.one", "a long passphrase").user_id == made.user_id
    with pytest.raises(PermissionDenied, match="already has user accounts"):
        desk.users.create_first_administrator(
            username="intruder", display_name="Intruder", password="another long one"
        )


@pytest.mark.parametrize(
    "password, field, rule", [("", "password", "required"), ("short", "password", "length")]
)
def test_first_administrator_rules(desk, password, field, rule):
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.users.create_first_administrator(
            username="admin", display_name="Admin", password=password
        )
    assert caught.value.for_field(field) and rule in caught.value.rules
    assert row_counts(desk) == before
