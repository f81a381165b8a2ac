"""What callers hand to the services: plain, unvalidated values straight from a form.

Validation happens in the services so a scripted call meets exactly the rules a form does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from mash_desk.domain.enums import ConsentPurpose, ConsentState, ContactOutcome, Rag


@dataclass(frozen=True)
class NewPerson:
    """A person to create. A child has a date of birth, or an expected delivery if unborn."""

    given_name: str
    family_name: str
    kind: str = "child"
    date_of_birth: date | None = None
    expected_delivery: date | None = None
    sex: str = "unknown"
    nhs_number: str | None = None
    upn: str | None = None
    local_id: str | None = None
    household_id: int | None = None
    address: str | None = None
    postcode: str | None = None
    disability: bool = False
    first_language: str | None = None
    school: str | None = None
    ethnicity: str | None = None
    """A DfE ethnicity code (domain/ethnicity.py), as the child or family give it."""


@dataclass(frozen=True)
class ConsentInput:
    """Consent for one purpose, for the person it is attached to."""

    purpose: ConsentPurpose | str
    state: ConsentState | str
    reason: str | None = None
    lawful_basis: str | None = None
    approved_by: int | None = None


@dataclass(frozen=True)
class RelativeInput:
    """A parent or carer of a child on a contact: a new adult, or an existing person."""

    relationship: str
    given_name: str = ""
    family_name: str = ""
    parental_responsibility: bool | None = None
    person_id: int | None = None


@dataclass(frozen=True)
class AttachmentInput:
    """A file the referrer sent (the referral form, their e-mail): its name and bytes."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class ChildOnContact:
    """A child a contact is about: an existing person, or a new one to create.

    ``new_child_reason`` is required when a stored child matches ``new`` strongly
    (``domain.matching.STRONG_MATCH_AT``): why this is nevertheless a different child.
    ``sibling_of`` names a stored child whose household a new child joins.
    """

    person_id: int | None = None
    new: NewPerson | None = None
    rag: Rag | str | None = None
    rag_reason: str | None = None
    consents: tuple[ConsentInput, ...] = ()
    new_child_reason: str | None = None
    sibling_of: int | None = None
    relatives: tuple[RelativeInput, ...] = ()


@dataclass(frozen=True)
class NewContact:
    """A contact as the practitioner typed it."""

    received_at: datetime | None
    channel: str
    referral_source: str
    concerns: str
    children: tuple[ChildOnContact, ...]
    referrer_name: str | None = None
    referrer_role: str | None = None
    referrer_agency: str | None = None
    risk_indicators: tuple[str, ...] = ()
    referrer_phone: str | None = None
    referrer_email: str | None = None
    attachments: tuple[AttachmentInput, ...] = ()


@dataclass(frozen=True)
class ReferralDetails:
    """CIN fields asked for when a contact progresses to a referral."""

    primary_need: str
    source: str | None = None


@dataclass(frozen=True)
class OutcomeInput:
    """Outcomes for one child on a contact."""

    outcomes: tuple[ContactOutcome | str, ...]
    no_offer_reason: str | None = None
    referral: ReferralDetails | None = None
    note: str | None = field(default=None)
    consent_reason: str | None = None
    """Why the child's work goes on without consent (Level 4 may proceed without it)."""
    consent: ConsentInput | None = None
    """Consent asked for at this moment (the one the level's rule is about), recorded with
    the outcome in one transaction."""
