"""Section 1 of the decision memo: the child, their flags and household, and their consents.

Read with the memo's prepared statements (:mod:`mash_desk.storage.prepared_memo`) instead of
building the whole case view, but in the case view's own words and order
(:mod:`mash_desk.services.case`), so a memo and the case record never describe a child apart.
"""

from __future__ import annotations

from datetime import date

from mash_desk.documents.models import ChildDetails, ConsentEntry, Field, HouseholdMember
from mash_desk.domain.enums import PersonKind, RelationshipKind
from mash_desk.domain.errors import NotFound
from mash_desk.domain.identifiers import format_nhs_number
from mash_desk.domain.outcomes import age_text
from mash_desk.domain.referrals import is_re_referral
from mash_desk.services.case import _RELATIONSHIP_LABELS as _LABELS
from mash_desk.services.case import _REVERSE_LABELS, SAME_ADDRESS, _flags
from mash_desk.services.context import Unit
from mash_desk.services.dto import HistoryDTO, OpenService, PersonDTO
from mash_desk.storage.prepared_memo import (
    CHILD,
    CONSENTS,
    HOUSEHOLD,
    OPEN_SERVICES,
    REFERRAL_TIMES,
    RELATIONSHIPS,
)


def read_child(unit: Unit, person_id: int) -> tuple[PersonDTO, str | None]:
    """The child as stored and their address; a merged-away record opens as the one kept."""
    row = CHILD.first(unit.sql, person_id=person_id)
    # A merged-away duplicate opens as the record it was merged into (services.merge).
    while row is not None and row[14] is not None:
        row = CHILD.first(unit.sql, person_id=row[14])
    if row is None:
        raise NotFound(f"No person with id {person_id}")
    return PersonDTO(*row[:14]), row[15]


def child_details(
    unit: Unit, child: PersonDTO, address: str | None, referral_id: int, referral_at
) -> ChildDetails:
    """Who the child is, with the flags that bear on this referral."""
    return ChildDetails(
        name=child.full_name,
        date_of_birth=child.date_of_birth,
        expected_delivery=child.expected_delivery,
        age_text=age_text(child, unit.today),
        sex=child.sex,
        identifiers=_identifiers(child),
        address=address,
        postcode=child.postcode,
        flags=_memo_flags(unit, child, referral_id, referral_at),
    )


def _identifiers(child: PersonDTO) -> tuple[Field, ...]:
    # As the case view lists them (CaseDTO.identifiers).
    found = []
    if child.nhs_number:
        found.append(Field("NHS number", format_nhs_number(child.nhs_number)))
    if child.upn:
        found.append(Field("UPN", child.upn))
    if child.local_id:
        found.append(Field("Local id", child.local_id))
    return tuple(found)


def _memo_flags(unit: Unit, child: PersonDTO, referral_id: int, referral_at) -> tuple[str, ...]:
    """The child's flags as they bear on *this* referral.

    The case record's re-referral flag is about the child's newest (or next) referral; a
    memo is about one referral, which is a re-referral only if another came in the 12 months
    before it — never because of itself, or of a referral made after it.
    """
    today = unit.today
    services = tuple(
        OpenService(*row) for row in OPEN_SERVICES.all(unit.sql, person_id=child.id, today=today)
    )
    # The case view's flags but the re-referral one, which is worked out below.
    known = HistoryDTO(child.id, (), (), False, services, 0, 0, 0)
    flags = [f.label for f in _flags(child, known, today)]
    referrals = REFERRAL_TIMES.all(unit.sql, person_id=child.id)
    others = (at for rid, at in referrals if rid != referral_id)
    if is_re_referral(referral_at, others):
        flags.insert(0, "Re-referral")
    return tuple(flags)


def household(unit: Unit, child: PersonDTO) -> tuple[HouseholdMember, ...]:
    """Who lives with or is linked to the child, adults first (as the case view lists them)."""
    labels: dict[int, list[str]] = {}
    for a, b, kind in RELATIONSHIPS.all(unit.sql, person_id=child.id):
        rk = RelationshipKind(kind)
        if b == child.id:
            labels.setdefault(a, []).append(_LABELS[rk])
        else:
            labels.setdefault(b, []).append(_REVERSE_LABELS[rk])
    if not labels and child.household_id is None:
        return ()
    rows = HOUSEHOLD.all(unit.sql, person_id=child.id, household_id=child.household_id)
    members = sorted((PersonDTO(*row) for row in rows), key=_family_order)
    return tuple(
        HouseholdMember(
            other.full_name,
            ", ".join(dict.fromkeys(labels.get(other.id, []))) or SAME_ADDRESS,
            age_text(other, unit.today),
            child.household_id is not None and other.household_id == child.household_id,
        )
        for other in members
    )


def _family_order(p: PersonDTO) -> tuple:
    # Adults first, then children oldest first (unborn last): how a family is written down.
    born = p.date_of_birth or p.expected_delivery or date.max
    return (p.kind != PersonKind.ADULT.value, born, p.family_name, p.given_name, p.id)


def consents(unit: Unit, person_id: int) -> tuple[ConsentEntry, ...]:
    """The child's consents, newest first, with the lawful basis where there was no consent."""
    return tuple(
        ConsentEntry(
            purpose.replace("_", " ").capitalize(),
            state.replace("_", " "),
            _consent_detail(reason, basis, (approver or "unknown user") if approver_id else None),
            recorder or "unknown user",
            at,
        )
        for purpose, state, reason, basis, approver_id, approver, recorder, at in CONSENTS.all(
            unit.sql, person_id=person_id
        )
    )


def _consent_detail(reason: str | None, basis: str | None, approver: str | None) -> str:
    if basis:
        return f"Lawful basis: {basis}" + (f" (approved by {approver})" if approver else "")
    return reason or ""
