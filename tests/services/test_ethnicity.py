"""A child's ethnicity, as the DfE records it (the CIN census and Annex A report it)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from mash_desk.domain.errors import ValidationError
from mash_desk.services.inputs import NewPerson
from mash_desk.storage.models import AuditEntry, Person
from tests.support.helpers import row_counts


def _stored(desk, person_id: int) -> str | None:
    with desk.db.reading() as session:
        return session.scalar(select(Person.ethnicity).where(Person.id == person_id))


def test_a_childs_ethnicity_is_stored_and_changed_with_an_audit(desk, actors):
    p = actors["practitioner"]
    made = desk.people.create(
        p, NewPerson("Amara", "Okafor", date_of_birth=date(2018, 3, 1), ethnicity="BAFR")
    ).value
    assert _stored(desk, made.id) == "BAFR"
    again = NewPerson("Amara", "Okafor", date_of_birth=date(2018, 3, 1), ethnicity="MWBA")
    desk.people.update(p, made.id, made.version, again)
    assert _stored(desk, made.id) == "MWBA"
    with desk.db.reading() as session:
        detail = session.scalars(
            select(AuditEntry.detail).where(
                AuditEntry.action == "person.updated", AuditEntry.entity_id == made.id
            )
        ).one()
    assert json.loads(detail)["changes"] == {"ethnicity": ["BAFR", "MWBA"]}


def test_an_unknown_code_names_the_field_and_writes_nothing(desk, actors):
    before = row_counts(desk)
    with pytest.raises(ValidationError) as refused:
        desk.people.create(
            actors["practitioner"],
            NewPerson("Amara", "Okafor", date_of_birth=date(2018, 3, 1), ethnicity="British"),
        )
    [error] = refused.value.errors
    assert error.field == "ethnicity" and "DfE's ethnicity codes" in error.message
    assert row_counts(desk) == before


def test_not_given_is_stored_as_nothing(desk, actors):
    made = desk.people.create(
        actors["practitioner"], NewPerson("Amara", "Okafor", date_of_birth=date(2018, 3, 1))
    ).value
    assert _stored(desk, made.id) is None
