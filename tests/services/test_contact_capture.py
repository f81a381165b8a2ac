"""What the contact form captures (issue 12 items 2, 5, 6, 8): each rule, on both engines.

Synthetic names and details only.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest
from sqlalchemy import select

from mash_desk.domain.contact_details import MAX_ATTACHMENT_BYTES
from mash_desk.domain.errors import PermissionDenied, ValidationError
from mash_desk.services.inputs import (
    AttachmentInput,
    ChildOnContact,
    ConsentInput,
    NewPerson,
    OutcomeInput,
    ReferralDetails,
    RelativeInput,
)
from mash_desk.storage.models import (
    AccessLogEntry,
    AuditEntry,
    Consent,
    Contact,
    Person,
    Relationship,
    ServiceEpisode,
)
from tests.conftest import NOW
from tests.support.helpers import child, contact, log_one, row_counts

PDF = b"%PDF-1.4\n% synthetic referral form\n"
EML = b"From: jo.teacher@school.example.org\r\nSubject: Referral\r\n\r\nPlease see attached.\r\n"


def _refused(desk, actor, new_contact, field: str, rule: str) -> ValidationError:
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.contacts.log(actor, new_contact)
    assert any(e.field == field and e.rule == rule for e in caught.value.errors), (
        caught.value.errors
    )
    assert row_counts(desk) == before, "a refused contact must write nothing"
    return caught.value


def _audit(desk, action: str) -> dict:
    with desk.db.reading() as s:
        row = s.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id.desc())
        ).first()
    assert row is not None
    return json.loads(row.detail)


# -- match before create ----------------------------------------------------------------


def test_strong_match_needs_a_reason_to_create_a_new_child(desk, actors):
    p = actors["practitioner"]
    first = log_one(desk, p).children[0]
    error = _refused(
        desk,
        p,
        contact(child(new_child_reason=None)),
        "children[0].new_child_reason",
        "strong_match",
    )
    assert f"person {first.person.id}" in error.errors[0].message
    logged = desk.contacts.log(
        p, contact(child(new_child_reason="Cousin with the same name and birthday"))
    ).value
    assert logged.children[0].person.id != first.person.id
    detail = _audit(desk, "contact.logged")
    assert detail["new_despite_match"] == [
        {
            "person": logged.children[0].person.id,
            "matched": [first.person.id],
            "reason": "Cousin with the same name and birthday",
        }
    ]


def test_choosing_the_existing_record_needs_no_reason(desk, actors):
    p = actors["practitioner"]
    first = log_one(desk, p).children[0]
    again = desk.contacts.log(p, contact(ChildOnContact(person_id=first.person.id))).value
    assert again.children[0].person.id == first.person.id
    assert "new_despite_match" not in _audit(desk, "contact.logged")


def test_weak_match_needs_no_reason(desk, actors):
    p = actors["practitioner"]
    log_one(desk, p)
    # Same names, a different birthday a week away: a suggestion, not a strong match.
    desk.contacts.log(p, contact(child(date_of_birth=date(2019, 6, 6), new_child_reason=None)))


def test_suggestion_says_what_the_mash_knows(desk, actors, clock):
    p = actors["practitioner"]
    cc = log_one(desk, p).children[0]
    desk.outcomes.record(
        p,
        cc.id,
        cc.version,
        OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails("N1")),
    )
    with desk.db.transaction() as s:
        s.add(
            ServiceEpisode(
                person_id=cc.person.id, service="child_in_need", started_on=date(2026, 6, 1)
            )
        )
    matches = desk.people.find_duplicates(
        p, NewPerson("Amira", "Hassan", date_of_birth=date(2019, 6, 1))
    )
    assert matches[0].strong and matches[0].person.id == cc.person.id
    known = matches[0].known
    assert known is not None
    assert known.referrals_12_months == 1
    assert known.open_work == 1  # the referral awaiting its decision
    assert known.last_contact == NOW and known.current_level is None
    assert known.plans == ("child_in_need",)
    with desk.db.reading() as s:
        whats = s.scalars(
            select(AccessLogEntry.what).where(AccessLogEntry.person_id == cc.person.id)
        ).all()
    assert "person.match" in whats, "showing what is known is a logged read of the record"


def test_partner_cannot_see_suggestions(desk, actors):
    log_one(desk, actors["practitioner"])
    with pytest.raises(PermissionDenied):
        desk.people.find_duplicates(
            actors["police"], NewPerson("Amira", "Hassan", date_of_birth=date(2019, 6, 1))
        )


# -- referrer, address, school, relatives -----------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field", "rule"),
    [
        ({"referrer_phone": "12345"}, "referrer_phone", "phone_format"),
        ({"referrer_phone": "+1 202 555 0100"}, "referrer_phone", "phone_format"),
        ({"referrer_email": "jo.teacher@school"}, "referrer_email", "email_format"),
        ({"referrer_email": "jo teacher@school.example.org"}, "referrer_email", "email_format"),
    ],
)
def test_referrer_contact_details_are_validated(desk, actors, kwargs, field, rule):
    _refused(desk, actors["practitioner"], contact(child(), **kwargs), field, rule)


def test_referrer_contact_details_stored_clean(desk, actors):
    logged = desk.contacts.log(
        actors["practitioner"],
        contact(
            child(),
            referrer_phone="+44 (0)20 7946 0000",
            referrer_email="Jo.Teacher@School.Example.ORG",
        ),
    ).value
    assert logged.referrer_phone == "02079460000"
    assert logged.referrer_email == "Jo.Teacher@school.example.org"
    with desk.db.reading() as s:
        row = s.get(Contact, logged.id)
        assert (row.referrer_phone, row.referrer_email) == (
            "02079460000",
            "Jo.Teacher@school.example.org",
        )


def test_bad_postcode_is_a_field_error(desk, actors):
    _refused(
        desk,
        actors["practitioner"],
        contact(child(postcode="HA1 2X", address="1 Test Road")),
        "children[0].postcode",
        "format",
    )


def test_address_school_and_parents_are_kept(desk, actors):
    parents = (
        RelativeInput("parent", "Leila", "Hassan", parental_responsibility=True),
        RelativeInput("carer", "Sam", "Okoro", parental_responsibility=False),
    )
    new = ChildOnContact(
        new=NewPerson(
            "Amira",
            "Hassan",
            date_of_birth=date(2019, 6, 1),
            address="1 Test Road",
            postcode="ha1 2xy",
            school="Northfield Primary",
        ),
        relatives=parents,
    )
    logged = desk.contacts.log(actors["practitioner"], contact(new)).value
    kid = logged.children[0].person
    with desk.db.reading() as s:
        stored = s.get(Person, kid.id)
        assert stored.school == "Northfield Primary" and kid.postcode == "HA1 2XY"
        rels = s.execute(
            select(
                Person.given_name,
                Person.kind,
                Person.household_id,
                Relationship.kind,
                Relationship.parental_responsibility,
            )  # fmt: skip
            .join(Relationship, Relationship.person_id == Person.id)
            .where(Relationship.related_id == kid.id)
            .order_by(Person.given_name)
        ).all()
    assert [tuple(r) for r in rels] == [
        ("Leila", "adult", kid.household_id, "parent", True),
        ("Sam", "adult", kid.household_id, "carer", False),
    ]


@pytest.mark.parametrize(
    ("relative", "field", "rule"),
    [
        (RelativeInput("parent", "Leila", "Hassan"), "parental_responsibility", "required"),
        (RelativeInput("uncle", "Leila", "Hassan", True), "relationship", "choice"),
        (RelativeInput("parent", "Leila", "", True), "family_name", "required"),
        (
            RelativeInput("parent", person_id=999_999, parental_responsibility=True),
            "person",
            "exists",
        ),  # fmt: skip
    ],
)
def test_bad_relative_is_refused_at_its_field(desk, actors, relative, field, rule):
    bad = ChildOnContact(
        new=NewPerson("Amira", "Hassan", date_of_birth=date(2019, 6, 1)), relatives=(relative,)
    )
    _refused(desk, actors["practitioner"], contact(bad), f"children[0].relatives[0].{field}", rule)


def test_new_child_at_a_known_address_joins_that_household(desk, actors):
    p = actors["practitioner"]
    older = log_one(desk, p, address="1 Test Road", postcode="HA1 2XY").children[0].person
    baby = (
        desk.contacts.log(
            p,
            contact(
                child(
                    "",
                    "Hassan",
                    date_of_birth=None,
                    expected_delivery=date(2027, 3, 1),
                    address="1 test road",
                    postcode="ha12xy",
                )  # fmt: skip
            ),
        )
        .value.children[0]
        .person
    )
    assert baby.household_id == older.household_id is not None


def test_named_sibling_gives_the_household_and_a_link(desk, actors):
    p = actors["practitioner"]
    older = log_one(desk, p, address="1 Test Road", postcode="HA1 2XY").children[0].person
    sibling = ChildOnContact(
        new=NewPerson("Zara", "Hassan", date_of_birth=date(2021, 2, 2)), sibling_of=older.id
    )
    younger = desk.contacts.log(p, contact(sibling)).value.children[0].person
    assert younger.household_id == older.household_id
    with desk.db.reading() as s:
        kinds = s.scalars(
            select(Relationship.kind).where(
                Relationship.person_id == older.id, Relationship.related_id == younger.id
            )
        ).all()
    assert kinds == ["sibling"]
    bad = ChildOnContact(
        new=NewPerson("Zara", "Hassan", date_of_birth=date(2021, 2, 2)), sibling_of=999_999
    )
    _refused(desk, p, contact(bad), "children[0].sibling_of", "exists")


# -- attachments --------------------------------------------------------------------------


def test_attachments_stored_with_their_hash_and_read_back(desk, actors):
    p = actors["practitioner"]
    logged = desk.contacts.log(
        p,
        contact(
            child(),
            attachments=(
                AttachmentInput("C:\\Users\\jo\\referral form.pdf", PDF),
                AttachmentInput("email.eml", EML),
            ),
        ),
    ).value
    person_id = logged.children[0].person.id
    listed = desk.attachments.for_person(p, person_id)
    assert sorted(a.filename for a in listed) == ["email.eml", "referral form.pdf"]
    pdf = next(a for a in listed if a.filename.endswith(".pdf"))
    assert pdf.sha256 == hashlib.sha256(PDF).hexdigest() and pdf.media_type == "application/pdf"
    content = desk.attachments.read(p, pdf.id)
    assert content.data == PDF
    with desk.db.reading() as s:
        whats = s.scalars(
            select(AccessLogEntry.what).where(AccessLogEntry.person_id == person_id)
        ).all()
    assert "attachment.open" in whats
    assert [a["sha256"] for a in _audit(desk, "contact.logged")["attachments"]] == [
        hashlib.sha256(PDF).hexdigest(),
        hashlib.sha256(EML).hexdigest(),
    ]
    with pytest.raises(PermissionDenied):
        desk.attachments.read(actors["police"], pdf.id)


@pytest.mark.parametrize(
    ("name", "data", "rule"),
    [
        ("run-me.exe", b"MZ\x90\x00", "file_type"),
        ("form.pdf", b"MZ\x90\x00 a program renamed", "content"),
        ("photo.png", b"\xff\xd8\xff a jpeg named png", "content"),
        ("empty.pdf", b"", "empty"),
        ("huge.pdf", b"%PDF-" + b"0" * MAX_ATTACHMENT_BYTES, "too_large"),
        ("note.eml", b"\x00\x01binary", "content"),
    ],
)
def test_bad_attachment_is_refused(desk, actors, name, data, rule):
    _refused(
        desk,
        actors["practitioner"],
        contact(child(), attachments=(AttachmentInput(name, data),)),
        "attachments[0]",
        rule,
    )


# -- consent override and the RAG reason --------------------------------------------------


def test_consent_override_names_a_manager_and_the_basis(desk, actors):
    override = ConsentInput(
        "share_information",
        "overridden",
        lawful_basis="Seeking consent would place the child at risk of significant harm",
        approved_by=actors["manager"].user_id,
    )
    log_one(desk, actors["practitioner"], consents=(override,))
    with desk.db.reading() as s:
        row = s.scalars(select(Consent)).one()
    assert row.approved_by == actors["manager"].user_id
    assert row.lawful_basis.startswith("Seeking consent")


@pytest.mark.parametrize(
    ("approver", "basis", "field", "rule"),
    [
        ("practitioner2", "Risk of harm", "approved_by", "approver"),
        ("police", "Risk of harm", "approved_by", "approver"),
        (None, "Risk of harm", "approved_by", "approver"),
        ("manager", "", "lawful_basis", "required"),
    ],
)
def test_consent_override_refused_without_a_manager_or_basis(
    desk, actors, approver, basis, field, rule
):
    override = ConsentInput(
        "share_information",
        "overridden",
        lawful_basis=basis,
        approved_by=actors[approver].user_id if approver else None,
    )
    _refused(
        desk,
        actors["practitioner"],
        contact(child(consents=(override,))),
        f"children[0].consents[0].{field}",
        rule,
    )


def test_rag_without_its_reason_is_a_field_error(desk, actors):
    _refused(
        desk,
        actors["practitioner"],
        contact(child(rag="red", rag_reason="  ")),
        "children[0].rag_reason",
        "required",
    )
