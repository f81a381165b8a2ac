"""People: duplicate detection that says why, unique identifiers, and conflict detection."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from mash_desk.domain.errors import ConflictError, PermissionDenied, ValidationError
from mash_desk.services.inputs import NewPerson
from tests.support.helpers import VALID_NHS, row_counts


@pytest.fixture
def known(desk, actors):
    """A child already on record."""
    return desk.people.create(
        actors["practitioner"],
        NewPerson(
            "Mohammed",
            "Khan",
            date_of_birth=date(2016, 3, 4),
            nhs_number=VALID_NHS,
            postcode="HA2 0AB",
        ),
    ).value


def test_nhs_number_match_is_conclusive(desk, actors, known):
    matches = desk.people.find_duplicates(
        actors["practitioner"], NewPerson("Mo", "Kahn", nhs_number="943 476 5919")
    )
    assert matches[0].person.id == known.id
    assert matches[0].score == 1.0
    assert "same NHS number" in matches[0].explanation


def test_phonetic_name_and_swapped_birthday_suggested_with_reasons(desk, actors, known):
    matches = desk.people.find_duplicates(
        actors["practitioner"], NewPerson("Muhammad", "Khan", date_of_birth=date(2016, 4, 3))
    )
    assert [m.person.id for m in matches] == [known.id]
    fields = {r.field: r.how for r in matches[0].reasons}
    assert fields["given_name"] == "first name sounds the same"
    assert fields["family_name"] == "same family name"
    assert fields["date_of_birth"] == "day and month swapped"


def test_stronger_match_ranks_first(desk, actors, known):
    other = desk.people.create(
        actors["practitioner"], NewPerson("Mohammed", "Khan", date_of_birth=date(2016, 9, 30))
    ).value
    matches = desk.people.find_duplicates(
        actors["practitioner"], NewPerson("Mohammed", "Khan", date_of_birth=date(2016, 3, 4))
    )
    assert [m.person.id for m in matches][:1] == [known.id]
    assert other.id not in [m.person.id for m in matches] or matches[0].score > matches[-1].score


def test_unrelated_child_not_suggested(desk, actors, known):
    assert (
        desk.people.find_duplicates(
            actors["practitioner"], NewPerson("Olivia", "Brown", date_of_birth=date(2016, 3, 4))
        )
        == []
    )


def test_unborn_sibling_matched_on_expected_delivery(desk, actors):
    first = desk.people.create(
        actors["practitioner"], NewPerson("", "Nowak", expected_delivery=date(2027, 2, 10))
    ).value
    matches = desk.people.find_duplicates(
        actors["practitioner"], NewPerson("", "Nowak", expected_delivery=date(2027, 2, 20))
    )
    assert matches and matches[0].person.id == first.id
    assert any(r.field == "expected_delivery" for r in matches[0].reasons)


def test_nhs_number_cannot_belong_to_two_people(desk, actors, known):
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.people.create(
            actors["practitioner"],
            NewPerson("Sam", "Other", date_of_birth=date(2015, 1, 1), nhs_number=VALID_NHS),
        )
    assert caught.value.rules == {"unique"}
    assert "Mohammed Khan" in caught.value.errors[0].message
    assert row_counts(desk) == before


def test_second_save_of_same_record_is_told_and_overwrites_nothing(desk, actors, known):
    # Two practitioners open the same child; the first saves a corrected name.
    first = desk.people.update(
        actors["practitioner"],
        known.id,
        known.version,
        replace_person(known, given_name="Muhammad"),
    )
    assert first.value.version == known.version + 1
    before = row_counts(desk)
    with pytest.raises(ConflictError) as caught:
        desk.people.update(
            actors["practitioner2"],
            known.id,
            known.version,
            replace_person(known, given_name="Mohamed"),
        )
    assert "nothing was overwritten" in str(caught.value)
    assert row_counts(desk) == before
    assert desk.people.get(actors["practitioner"], known.id).given_name == "Muhammad"


def test_update_is_audited_with_before_and_after(desk, actors, known):
    import json

    from sqlalchemy import select

    from mash_desk.storage.models import AuditEntry

    desk.people.update(
        actors["practitioner"],
        known.id,
        known.version,
        replace_person(known, given_name="Muhammad"),
    )
    with desk.db.reading() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "person.updated")).one()
    assert json.loads(entry.detail)["changes"] == {"given_name": ["Mohammed", "Muhammad"]}


def test_adult_dob_and_child_age_rules(desk, actors):
    with pytest.raises(ValidationError) as caught:
        desk.people.create(
            actors["practitioner"], NewPerson("Grown", "Up", date_of_birth=date(2000, 1, 1))
        )
    assert caught.value.rules == {"child_age"}
    adult = desk.people.create(
        actors["practitioner"],
        NewPerson("Grown", "Up", kind="adult", date_of_birth=date(2000, 1, 1)),
    ).value
    assert adult.kind == "adult"


def test_partner_rep_cannot_search_people(desk, actors):
    with pytest.raises(PermissionDenied):
        desk.people.find_duplicates(
            actors["police"], NewPerson("Mohammed", "Khan", date_of_birth=date(2016, 3, 4))
        )


def replace_person(person, **changes) -> NewPerson:
    """Return the editable fields of ``person`` as a NewPerson with ``changes`` applied."""
    base = NewPerson(
        given_name=person.given_name,
        family_name=person.family_name,
        kind=person.kind,
        date_of_birth=person.date_of_birth,
        expected_delivery=person.expected_delivery,
        sex=person.sex,
        nhs_number=person.nhs_number,
        upn=person.upn,
        local_id=person.local_id,
        household_id=person.household_id,
        disability=person.disability,
    )
    return replace(base, **changes)
