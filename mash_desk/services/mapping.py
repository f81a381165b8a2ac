"""Copy ORM rows into DTOs (inside the session, so nothing lazy-loads later)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mash_desk.domain.enums import ContactOutcome, Rag
from mash_desk.services.dto import (
    ContactChildDTO,
    ContactDTO,
    PersonDTO,
    RagRatingDTO,
    ReferralDTO,
)
from mash_desk.storage.models import (
    Contact,
    ContactChild,
    ContactOutcomeRow,
    Household,
    Person,
    RagRating,
    Referral,
    RiskIndicatorRow,
    User,
)


def person_dto(person: Person, postcode: str | None = None) -> PersonDTO:
    """Return the DTO of a person (``postcode`` from the household, when known)."""
    return PersonDTO(
        id=person.id,
        kind=person.kind,
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
        expected_delivery=person.expected_delivery,
        sex=person.sex,
        nhs_number=person.nhs_number,
        upn=person.upn,
        local_id=person.local_id,
        household_id=person.household_id,
        postcode=postcode,
        disability=person.disability,
        version=person.version,
    )


def load_person_dto(session: Session, person: Person) -> PersonDTO:
    """Return a person's DTO with the household postcode looked up."""
    postcode = None
    if person.household_id is not None:
        postcode = session.scalar(
            select(Household.postcode).where(Household.id == person.household_id)
        )
    return person_dto(person, postcode)


def contact_child_dto(session: Session, cc: ContactChild) -> ContactChildDTO:
    """Return one child-on-contact with outcomes and RAG history."""
    outcomes = tuple(
        ContactOutcome(o)
        for o in session.scalars(
            select(ContactOutcomeRow.outcome)
            .where(ContactOutcomeRow.contact_child_id == cc.id)
            .order_by(ContactOutcomeRow.id)
        )
    )
    history = tuple(
        RagRatingDTO(Rag(r.value), r.reason, name, r.rated_at)
        for r, name in session.execute(
            select(RagRating, User.display_name)
            .join(User, User.id == RagRating.rated_by)
            .where(RagRating.contact_child_id == cc.id)
            .order_by(RagRating.rated_at, RagRating.id)
        )
    )
    person = session.get(Person, cc.person_id)
    assert person is not None
    return ContactChildDTO(
        id=cc.id,
        contact_id=cc.contact_id,
        person=load_person_dto(session, person),
        status=cc.status,
        rag=Rag(cc.rag) if cc.rag else None,
        due_at=cc.due_at,
        provisional_level=cc.provisional_level,
        level_rationale=cc.level_rationale,
        threshold_document=cc.threshold_document,
        threshold_version=cc.threshold_version,
        outcomes=outcomes,
        rag_history=history,
        version=cc.version,
    )


def contact_dto(session: Session, contact: Contact) -> ContactDTO:
    """Return a contact with its children."""
    children = session.scalars(
        select(ContactChild).where(ContactChild.contact_id == contact.id).order_by(ContactChild.id)
    ).all()
    indicators = tuple(
        session.scalars(
            select(RiskIndicatorRow.code)
            .where(RiskIndicatorRow.contact_id == contact.id)
            .order_by(RiskIndicatorRow.code)
        )
    )
    return ContactDTO(
        id=contact.id,
        received_at=contact.received_at,
        channel=contact.channel,
        referrer_name=contact.referrer_name,
        referrer_role=contact.referrer_role,
        referrer_agency=contact.referrer_agency,
        referral_source=contact.referral_source,
        concerns=contact.concerns,
        risk_indicators=indicators,
        children=tuple(contact_child_dto(session, cc) for cc in children),
        version=contact.version,
        referrer_phone=contact.referrer_phone,
        referrer_email=contact.referrer_email,
    )


def referral_dto(referral: Referral) -> ReferralDTO:
    """Return the DTO of a referral."""
    return ReferralDTO(
        id=referral.id,
        contact_child_id=referral.contact_child_id,
        person_id=referral.person_id,
        referral_at=referral.referral_at,
        source=referral.source,
        primary_need=referral.primary_need,
        referral_nfa=referral.referral_nfa,
        status=referral.status,
        rag=Rag(referral.rag) if referral.rag else None,
        decision_due_at=referral.decision_due_at,
        assessment_due_at=referral.assessment_due_at,
        version=referral.version,
    )
