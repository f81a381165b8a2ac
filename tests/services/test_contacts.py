"""Logging contacts: one or more children, ratings, consents, audit, and refusals."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from mash_desk.domain.enums import Rag
from mash_desk.domain.errors import PermissionDenied, ValidationError
from mash_desk.services.inputs import ChildOnContact, ConsentInput, OutcomeInput, ReferralDetails
from mash_desk.storage.models import AuditEntry, Consent, RagRating
from tests.support.helpers import child, contact, log_one, row_counts


def test_two_child_contact_with_unborn_sibling(desk, actors):
    result = desk.contacts.log(
        actors["practitioner"],
        contact(
            child("Amira", "Hassan", postcode="ha1 2xy", rag="amber", rag_reason="Bruise on arm"),
            child(
                "",
                "Hassan",
                date_of_birth=None,
                expected_delivery=date(2027, 3, 1),
                postcode="HA1 2XY",
            ),
            risk_indicators=("domestic_abuse", "pre_birth"),
        ),
    )
    logged = result.value
    assert len(logged.children) == 2
    born, unborn = logged.children
    assert unborn.person.unborn and unborn.person.given_name == "Unborn"
    # Siblings typed with the same address share one household.
    assert born.person.household_id == unborn.person.household_id
    assert born.person.postcode == "HA1 2XY"
    assert born.rag is Rag.AMBER and unborn.rag is None
    # Amber = 1 working day: Tue 10:00 → Wed 10:00.
    assert born.due_at == datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
    assert logged.risk_indicators == ("domestic_abuse", "pre_birth")
    assert "queue" in result.changed


def _unborn(due: date = date(2027, 3, 1), **kw) -> ChildOnContact:
    return child("", "Hassan", date_of_birth=None, expected_delivery=due, **kw)


def test_unborn_baby_beside_a_sibling_on_file_joins_the_siblings_household(desk, actors, clock):
    p = actors["practitioner"]
    sibling = log_one(
        desk, p, given="Amira", family="Hassan", address="4 Elm Row", postcode="HA1 2XY"
    ).children[0]
    desk.outcomes.record(
        p,
        sibling.id,
        sibling.version,
        OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails("N1")),
    )
    clock.advance(timedelta(days=150))
    # Five months on, the midwife calls about the pregnancy: the sibling is chosen from the
    # records and the baby is typed at the same address, spelt a little differently.
    logged = desk.contacts.log(
        p,
        contact(
            ChildOnContact(person_id=sibling.person.id),
            _unborn(date(2027, 8, 1), address="4, elm row", postcode="ha12xy"),
            risk_indicators=("pre_birth",),
        ),
    ).value
    unborn = logged.children[1].person
    assert unborn.household_id == sibling.person.household_id
    assert unborn.postcode == "HA1 2XY"
    # So the baby's record shows the sibling, whose referral five months ago is on theirs.
    case = desk.case.view(p, unborn.id)
    assert [(m.person.id, m.same_household) for m in case.household] == [(sibling.person.id, True)]


def test_a_new_child_with_no_address_beside_a_sibling_joins_the_siblings_household(desk, actors):
    p = actors["practitioner"]
    sibling = log_one(desk, p, address="4 Elm Row", postcode="HA1 2XY").children[0]
    logged = desk.contacts.log(
        p, contact(ChildOnContact(person_id=sibling.person.id), _unborn())
    ).value
    assert logged.children[1].person.household_id == sibling.person.household_id


def test_a_new_child_at_a_known_address_joins_that_household(desk, actors):
    p = actors["practitioner"]
    first = log_one(desk, p, address="4 Elm Row", postcode="HA1 2XY").children[0]
    later = log_one(desk, p, given="Omar", address="4 ELM ROW", postcode="HA1 2XY").children[0]
    assert later.person.household_id == first.person.household_id


def test_a_new_child_elsewhere_gets_its_own_household(desk, actors):
    p = actors["practitioner"]
    sibling = log_one(desk, p, address="4 Elm Row", postcode="HA1 2XY").children[0]
    logged = desk.contacts.log(
        p,
        contact(
            ChildOnContact(person_id=sibling.person.id),
            _unborn(address="9 Oak Lane", postcode="HA3 5QR"),
        ),
    ).value
    other = logged.children[1].person
    assert other.household_id not in (None, sibling.person.household_id)
    # Same postcode, another house: not the same home either.
    next_door = log_one(desk, p, given="Omar", address="6 Elm Row", postcode="HA1 2XY")
    assert next_door.children[0].person.household_id != sibling.person.household_id


def test_every_contact_writes_its_audit_row(desk, actors):
    logged = log_one(desk, actors["practitioner"], rag="red", rag_reason="Disclosure")
    with desk.db.reading() as s:
        entries = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    actions = [e.action for e in entries if e.user_id == actors["practitioner"].user_id]
    assert actions.count("contact.logged") == 1 and actions.count("person.created") == 1
    logged_row = next(e for e in entries if e.action == "contact.logged")
    assert logged_row.entity_id == logged.id
    assert json.loads(logged_row.detail)["ratings"] == ["red"]


def test_rag_history_keeps_who_and_why(desk, actors):
    logged = log_one(desk, actors["practitioner"], rag="green", rag_reason="Low-level worry")
    history = logged.children[0].rag_history
    assert [(h.value, h.reason, h.rated_by) for h in history] == [
        (Rag.GREEN, "Low-level worry", "Test Practitioner")
    ]


def test_consents_recorded_per_person_and_purpose(desk, actors):
    consents = (
        ConsentInput("share_information", "given"),
        ConsentInput("early_help", "not_sought", reason="Mother unreachable by phone"),
        ConsentInput(
            "assessment",
            "overridden",
            lawful_basis="Seeking consent would put the child at risk",
            approved_by=actors["manager"].user_id,
        ),
    )
    log_one(desk, actors["practitioner"], consents=consents)
    with desk.db.reading() as s:
        rows = {(c.purpose, c.state) for c in s.scalars(select(Consent))}
    assert rows == {
        ("share_information", "given"),
        ("early_help", "not_sought"),
        ("assessment", "overridden"),
    }


def _refused(desk, actor, new_contact, field: str, rule: str) -> ValidationError:
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.contacts.log(actor, new_contact)
    assert any(e.field == field and e.rule == rule for e in caught.value.errors), (
        caught.value.errors
    )
    assert row_counts(desk) == before, "a refused contact must write nothing"
    return caught.value


@pytest.mark.parametrize(
    ("kwargs", "field", "rule", "words"),
    [
        ({"nhs_number": "943 476 5918"}, "children[0].nhs_number", "checksum", "check digit"),
        ({"date_of_birth": date(2027, 1, 1)}, "children[0].date_of_birth", "not_future", "future"),
        (
            {"date_of_birth": None, "expected_delivery": date(2026, 10, 1)},
            "children[0].expected_delivery",
            "edd_past",
            "passed",
        ),
        (
            {"date_of_birth": None, "expected_delivery": date(2027, 10, 1)},
            "children[0].expected_delivery",
            "edd_too_far",
            "42 weeks",
        ),
        (
            {"family": "Smith\x00\x07"},
            "children[0].family_name",
            "control_characters",
            "control characters",
        ),
        ({"postcode": "HA1 ZZZZ"}, "children[0].postcode", "format", "postcode"),
        ({"upn": "B801200005002"}, "children[0].upn", "checksum", "check digit"),
        ({"local_id": "ID with spaces"}, "children[0].local_id", "format", "20 letters"),
    ],
    ids=[
        "nhs-check-digit",
        "dob-future",
        "edd-past",
        "edd-beyond-42-weeks",
        "control-chars",
        "postcode",
        "upn",
        "local-id",
    ],
)
def test_bad_child_details_are_refused_and_name_the_field(desk, actors, kwargs, field, rule, words):
    error = _refused(desk, actors["practitioner"], contact(child(**kwargs)), field, rule)
    assert words.lower() in " ".join(e.message for e in error.for_field(field)).lower()


def test_contact_with_no_child(desk, actors):
    _refused(desk, actors["practitioner"], contact(), "children", "required")


def test_unknown_referral_source(desk, actors):
    error = _refused(
        desk,
        actors["practitioner"],
        contact(child(), referral_source="11"),
        "referral_source",
        "cin_code",
    )
    assert "'11'" in error.for_field("referral_source")[0].message


def test_rag_without_reason(desk, actors):
    _refused(
        desk,
        actors["practitioner"],
        contact(child(rag="red")),
        "children[0].rag_reason",
        "required",
    )


def test_huge_narrative_refused_cleanly(desk, actors):
    error = _refused(
        desk,
        actors["practitioner"],
        contact(child(), concerns="x" * 200_000),
        "concerns",
        "too_long",
    )
    assert "200,000" in error.for_field("concerns")[0].message


def test_narrative_keeps_line_breaks_but_refuses_other_controls(desk, actors):
    ok = desk.contacts.log(
        actors["practitioner"], contact(child(), concerns="Line one\r\nLine two\tend")
    ).value
    assert ok.concerns == "Line one\nLine two\tend"
    _refused(
        desk,
        actors["practitioner"],
        contact(child(), concerns="bell\x07"),
        "concerns",
        "control_characters",
    )


def test_all_problems_reported_together(desk, actors):
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.contacts.log(
            actors["practitioner"],
            contact(child(nhs_number="1234567890", rag="red"), referral_source="ZZ"),
        )
    assert {"checksum", "cin_code", "required"} <= caught.value.rules
    assert row_counts(desk) == before


def test_override_needs_lawful_basis_and_a_manager(desk, actors):
    consent = ConsentInput(
        "share_information", "overridden", approved_by=actors["practitioner2"].user_id
    )
    error = _refused(
        desk,
        actors["practitioner"],
        contact(child(consents=(consent,))),
        "children[0].consents[0].lawful_basis",
        "required",
    )
    assert error.for_field("children[0].consents[0].approved_by")


def test_existing_child_and_duplicate_on_same_contact(desk, actors):
    first = log_one(desk, actors["practitioner"])
    pid = first.children[0].person.id
    again = desk.contacts.log(actors["practitioner"], contact(ChildOnContact(person_id=pid))).value
    assert again.children[0].person.id == pid
    _refused(
        desk,
        actors["practitioner"],
        contact(ChildOnContact(person_id=pid), ChildOnContact(person_id=pid)),
        "children[1].person",
        "unique",
    )


def test_future_received_at_refused(desk, actors, clock):
    _refused(
        desk,
        actors["practitioner"],
        contact(child(), received_at=clock.now() + timedelta(hours=1)),
        "received_at",
        "not_future",
    )


@pytest.mark.parametrize("who", ["police", "performance", "admin"])
def test_roles_that_may_not_log_contacts(desk, actors, who):
    before = row_counts(desk)
    with pytest.raises(PermissionDenied):
        desk.contacts.log(actors[who], contact(child()))
    assert row_counts(desk) == before


def test_forged_actor_role_gains_nothing(desk, actors):
    from dataclasses import replace

    from mash_desk.domain.enums import Role

    forged = replace(actors["police"], role=Role.MANAGER)
    with pytest.raises(PermissionDenied):
        desk.contacts.log(forged, contact(child()))


def test_rag_rows_written_only_when_rated(desk, actors):
    log_one(desk, actors["practitioner"])
    with desk.db.reading() as s:
        assert s.scalars(select(RagRating)).all() == []
