"""Possible duplicates and the merge of two records of one child (issue 12 item 2)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from mash_desk.domain.errors import NotFound, PermissionDenied, ValidationError
from mash_desk.services.inputs import ChildOnContact, NewPerson
from mash_desk.services.search import ChildQuery
from mash_desk.storage.models import (
    AuditEntry,
    Consent,
    ContactChild,
    Decision,
    Person,
    Referral,
    Relationship,
    ServiceEpisode,
    ThresholdAssessment,
)
from tests.services.test_checks import make_referral
from tests.services.test_search import closed_two_years_ago
from tests.support.helpers import VALID_NHS, contact, log_one, row_counts

OTHER_NHS = "4010232137"  # another valid check digit


@pytest.fixture
def two(desk, clock, actors):
    """Amira Hassan (closed, decided, NHS number) and "Amirah Hasan" typed later, open."""
    p = actors["practitioner"]
    old = closed_two_years_ago(desk, clock, actors)
    dup = make_referral(desk, p, "amber", given="Amirah", family="Hasan")
    mother = desk.people.create(p, NewPerson("Leila", "Hasan", kind="adult")).value
    desk.people.link(p, mother.id, dup.person_id, "parent")
    desk.people.link(p, dup.person_id, old.person_id, "sibling")  # typed as her own sibling
    with desk.db.transaction() as s:
        s.add(
            ServiceEpisode(
                person_id=dup.person_id, service="early_help", started_on=date(2026, 10, 1)
            )
        )
    desk.case.view(p, dup.person_id)  # an access row under the duplicate's id
    return old.person_id, dup.person_id, mother.id


def owned_by(desk, person_id):
    with desk.db.reading() as s:
        return {
            model.__tablename__: s.scalar(
                select(func.count()).select_from(model).where(model.person_id == person_id)
            )
            for model in (
                ContactChild,
                Referral,
                Decision,
                Consent,
                ServiceEpisode,
                ThresholdAssessment,
            )
        }


def test_duplicates_list_pairs_them_with_why(desk, actors, two):
    kept, dup, _ = two
    [pair] = desk.merge.duplicates(actors["manager"])
    assert {pair.first.person.id, pair.second.person.id} == {kept, dup}
    assert pair.score >= 0.85
    assert "same date of birth" in pair.explanation
    assert "sounds the same" in pair.explanation
    # Each side says what is known, to choose the record to keep.
    by_id = {c.person.id: c for c in (pair.first, pair.second)}
    assert by_id[kept].status.startswith("Closed — decided")
    assert by_id[dup].status.startswith("Open")


def test_merge_moves_everything_to_the_kept_record_and_audits_both(desk, actors, two):
    kept, dup, mother = two
    manager = actors["manager"]
    before_kept, before_dup = owned_by(desk, kept), owned_by(desk, dup)
    result = desk.merge.merge(manager, kept, dup).value
    assert result.kept.id == kept and result.kept.nhs_number == VALID_NHS
    assert owned_by(desk, dup) == dict.fromkeys(before_dup, 0)
    assert owned_by(desk, kept) == {k: before_kept[k] + before_dup[k] for k in before_kept}
    with desk.db.reading() as s:
        assert s.get(Person, dup).merged_into == kept
        links = {(r.person_id, r.related_id, r.kind) for r in s.scalars(select(Relationship)).all()}
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "person.merged")).one()
    # The mother's link moved; the "sibling of herself" link went.
    assert links == {(mother, kept, "parent")}
    detail = json.loads(entry.detail)
    assert (entry.person_id, detail["kept"]["id"], detail["merged"]["id"]) == (kept, kept, dup)
    assert (detail["kept"]["given_name"], detail["merged"]["given_name"]) == ("Amira", "Amirah")
    assert detail["moved"]["contacts"] == 1 and detail["moved"]["referrals"] == 1
    # The kept record's case holds both histories, and the duplicate's trail is read with it.
    case = desk.case.view(manager, kept)
    assert len(case.referrals) == 2
    assert any("Duplicate record merged" in e.summary for e in case.events)
    # The practitioner looked at the duplicate before the merge: still answered for the child.
    viewers = {e.username for e in desk.access.who_viewed(manager, kept)}
    assert viewers == {"test.practitioner", "test.manager"}


def test_merged_record_is_hidden_but_leads_to_the_kept_one(desk, actors, two):
    kept, dup, _ = two
    p = actors["practitioner"]
    desk.merge.merge(actors["manager"], kept, dup)
    assert [c.person.id for c in desk.search.find(p, ChildQuery("Amirah Hasan")).children] == [kept]
    found = desk.people.find_duplicates(
        p, NewPerson("Amirah", "Hasan", date_of_birth=date(2019, 6, 1))
    )
    assert [m.person.id for m in found] == [kept]
    assert desk.merge.duplicates(actors["manager"]) == ()
    assert desk.search.resolve(p, dup) == kept
    assert desk.case.view(p, dup).child.id == kept
    # The queue shows the open work under the kept child.
    assert {r.person_id for r in desk.queue.page(p).rows} == {kept}


def test_identifiers_only_the_duplicate_knew_move_to_the_kept_record(desk, actors):
    p = actors["practitioner"]
    first = log_one(desk, p, given="Ben", family="Carter").children[0].person
    second = log_one(desk, p, given="Benn", family="Carter", nhs_number=VALID_NHS)
    second_id = second.children[0].person.id
    result = desk.merge.merge(actors["manager"], first.id, second_id).value
    assert result.kept.nhs_number == VALID_NHS
    [found] = desk.search.find(p, ChildQuery(VALID_NHS)).children
    assert found.person.id == first.id


def refused(desk, actor, kept, merged):
    before = row_counts(desk)
    with pytest.raises((ValidationError, PermissionDenied, NotFound)) as caught:
        desk.merge.merge(actor, kept, merged)
    assert row_counts(desk) == before
    return caught.value


@pytest.mark.parametrize("role", ["practitioner", "chair", "police", "performance", "admin"])
def test_only_a_manager_merges(desk, actors, two, role):
    kept, dup, _ = two
    assert isinstance(refused(desk, actors[role], kept, dup), PermissionDenied)
    with pytest.raises(PermissionDenied):
        desk.merge.duplicates(actors[role])


def test_refusals_name_the_field_and_the_rule(desk, actors, two):
    kept, dup, mother = two
    manager = actors["manager"]
    same = refused(desk, manager, kept, kept)
    assert [(e.field, e.rule) for e in same.errors] == [("merged_id", "same")]
    assert isinstance(refused(desk, manager, kept, 999_999), NotFound)
    adult = refused(desk, manager, kept, mother)
    assert ("kind", "conflict") in {(e.field, e.rule) for e in adult.errors}
    desk.merge.merge(manager, kept, dup)
    again = refused(desk, manager, kept, dup)
    assert [(e.field, e.rule) for e in again.errors] == [("merged_id", "already_merged")]
    assert f"merged into person {kept}" in again.errors[0].message
    into_merged = refused(desk, manager, dup, mother)
    assert ("kept_id", "already_merged") in {(e.field, e.rule) for e in into_merged.errors}


def test_two_nhs_numbers_are_two_children(desk, actors):
    p = actors["practitioner"]
    a = log_one(desk, p, given="Ben", family="Carter", nhs_number=VALID_NHS).children[0]
    b = log_one(desk, p, given="Ben", family="Carter", nhs_number=OTHER_NHS).children[0]
    error = refused(desk, actors["manager"], a.person.id, b.person.id)
    [problem] = error.errors
    assert (problem.field, problem.rule) == ("nhs_number", "conflict")
    assert VALID_NHS in problem.message and OTHER_NHS in problem.message


def test_two_children_on_one_contact_are_not_merged(desk, actors):
    p = actors["practitioner"]
    twins = desk.contacts.log(
        p,
        contact(
            ChildOnContact(new=NewPerson("Ada", "Nwosu", date_of_birth=date(2020, 1, 5))),
            ChildOnContact(new=NewPerson("Ida", "Nwosu", date_of_birth=date(2020, 1, 5))),
        ),
    ).value
    a, b = (c.person.id for c in twins.children)
    error = refused(desk, actors["manager"], a, b)
    assert [(e.field, e.rule) for e in error.errors] == [("merged_id", "same_contact")]


def test_same_named_children_born_years_apart_are_not_listed(desk, actors):
    p = actors["practitioner"]
    log_one(desk, p, given="George", family="Abbott", date_of_birth=date(2012, 5, 15))
    log_one(desk, p, given="George", family="Abbott", date_of_birth=date(2020, 6, 4))
    assert desk.merge.duplicates(actors["manager"]) == ()
    # A year typed wrong is still a possible duplicate.
    log_one(desk, p, given="George", family="Abbott", date_of_birth=date(2019, 6, 4))
    [pair] = desk.merge.duplicates(actors["manager"])
    assert {pair.first.person.date_of_birth, pair.second.person.date_of_birth} == {
        date(2020, 6, 4),
        date(2019, 6, 4),
    }
    assert "year differs by one" in pair.explanation
