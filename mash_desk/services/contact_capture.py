"""What a contact captures beyond the children's identities (issue 12 items 2 and 5).

Checked before anything is written, with the rest of :meth:`ContactService.log`:

* a new child that matches a stored child strongly needs a reason to be a new record;
* the referrer's phone and e-mail, so the outcome can be fed back;
* parents and carers, with whether they hold parental responsibility;
* a named sibling's household for a new child (an address match is ``people.household_to_join``);
* attachments the referrer sent, stored with their SHA-256.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert, select

from mash_desk.domain.contact_details import (
    CheckedAttachment,
    check_attachment,
    normalise_email,
    normalise_phone,
)
from mash_desk.domain.enums import PersonKind, RelationshipKind
from mash_desk.domain.errors import FieldError
from mash_desk.domain.text import clean_narrative
from mash_desk.services.context import Unit
from mash_desk.services.dto import MatchDTO, PersonDTO
from mash_desk.services.inputs import ChildOnContact, NewContact, NewPerson, RelativeInput
from mash_desk.services.people import insert_person, match_people, prepare_person
from mash_desk.storage.base import table_of
from mash_desk.storage.models import ContactAttachment, Person, Relationship
from mash_desk.storage.prepared import Prepared

RELATIVE_KINDS = (RelationshipKind.PARENT, RelationshipKind.CARER)

_PERSON_KIND_HOUSEHOLD = Prepared(
    select(Person.kind, Person.household_id).where(Person.id == bindparam("id"))
)
_INSERT_RELATIONSHIP = Prepared(
    insert(table_of(Relationship))
    .values(
        person_id=bindparam("person_id"),
        related_id=bindparam("related_id"),
        kind=bindparam("kind"),
        parental_responsibility=bindparam("pr"),
    )
    .returning(Relationship.__table__.c.id)
)
_INSERT_ATTACHMENT = Prepared(
    insert(table_of(ContactAttachment))
    .values(
        {
            c: bindparam(c)
            for c in (
                "contact_id",
                "filename",
                "media_type",
                "size",
                "sha256",
                "data",
                "added_by",
                "added_at",
            )
        }
    )
    .returning(ContactAttachment.__table__.c.id)
)


@dataclass
class ChildPlan:
    """What will be written for one child beyond the contact row itself."""

    new_child_reason: str | None = None
    strong_matches: tuple[int, ...] = ()
    sibling_of: int | None = None
    relatives: list[tuple[RelativeInput, dict[str, Any] | None]] = field(default_factory=list)


@dataclass
class Capture:
    """The checked extras of a whole contact, and every problem found."""

    referrer: dict[str, str | None] = field(default_factory=dict)
    attachments: list[tuple[CheckedAttachment, bytes]] = field(default_factory=list)
    children: list[ChildPlan] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)


def check_contact_extras(new: NewContact) -> Capture:
    """Check the referrer's phone and e-mail and the attachments (no database needed)."""
    capture = Capture()
    for name, check in (("referrer_phone", normalise_phone), ("referrer_email", normalise_email)):
        raw = (getattr(new, name) or "").strip()
        value, problem = check(raw, name) if raw else (None, None)
        capture.referrer[name] = value
        if problem:
            capture.errors.append(problem)
    for i, attachment in enumerate(new.attachments):
        checked, problem = check_attachment(
            attachment.filename, attachment.data, f"attachments[{i}]"
        )
        if problem:
            capture.errors.append(problem)
        elif checked is not None:
            capture.attachments.append((checked, attachment.data))
    return capture


def check_child_extras(
    unit: Unit, child: ChildOnContact, values: dict[str, Any] | None, prefix: str
) -> tuple[ChildPlan, list[FieldError]]:
    """Check one child's match choice, household and relatives; ``values`` if new."""
    plan = ChildPlan()
    errors: list[FieldError] = []
    reason, problem = clean_narrative(
        child.new_child_reason, prefix + "new_child_reason", "Why this is a new child"
    )
    errors += [problem] if problem else []
    if child.new is not None and values is not None:
        strong = [m for m in match_people(unit, child.new) if m.strong]
        plan.strong_matches = tuple(m.person.id for m in strong)
        if strong and not reason and not problem:
            errors.append(_strong_match_error(strong, prefix))
        plan.new_child_reason = reason if strong else None
        errors += _join_household(unit, child, values, prefix)
        plan.sibling_of = child.sibling_of
    for j, relative in enumerate(child.relatives):
        prepared, relative_errors = _check_relative(unit, relative, f"{prefix}relatives[{j}].")
        errors += relative_errors
        plan.relatives.append((relative, prepared))
    return plan, errors


def _strong_match_error(strong: list[MatchDTO], prefix: str) -> FieldError:
    who = "; ".join(f"{m.person.full_name} (person {m.person.id}, {m.score:.0%})" for m in strong)
    return FieldError(
        prefix + "new_child_reason",
        "strong_match",
        f"A stored child matches strongly: {who}. Use that record, or say why this is a "
        "different child",
    )


def _join_household(
    unit: Unit, child: ChildOnContact, values: dict[str, Any], prefix: str
) -> list[FieldError]:
    """Put a new child in a named sibling's household.

    A household at the same address (a child alongside on this contact, or one on file) is
    found later by ``people.household_to_join``, the one rule for both.
    """
    if child.sibling_of is not None:
        found = _PERSON_KIND_HOUSEHOLD.first(unit.sql, id=child.sibling_of)
        if found is None or found[0] != PersonKind.CHILD:
            return [
                FieldError(prefix + "sibling_of", "exists", f"No child with id {child.sibling_of}")
            ]
        if found[1] is not None and values.get("household_id") is None:
            values["household_id"] = found[1]
    return []


def _check_relative(
    unit: Unit, relative: RelativeInput, prefix: str
) -> tuple[dict[str, Any] | None, list[FieldError]]:
    errors: list[FieldError] = []
    if relative.relationship not in {k.value for k in RELATIVE_KINDS}:
        errors.append(
            FieldError(
                prefix + "relationship",
                "choice",
                f"Relationship {relative.relationship!r} is not parent or carer",
            )
        )
    if relative.parental_responsibility is None:
        errors.append(
            FieldError(
                prefix + "parental_responsibility",
                "required",
                "Say whether this parent or carer holds parental responsibility (yes or no)",
            )
        )
    if relative.person_id is not None:
        found = _PERSON_KIND_HOUSEHOLD.first(unit.sql, id=relative.person_id)
        if found is None or found[0] != PersonKind.ADULT:
            errors.append(
                FieldError(prefix + "person", "exists", f"No adult with id {relative.person_id}")
            )
        return None, errors
    values, person_errors = prepare_person(
        unit,
        NewPerson(relative.given_name, relative.family_name, kind=PersonKind.ADULT.value),
        prefix,
    )
    return values, errors + person_errors


def store_child_extras(unit: Unit, plan: ChildPlan, person: PersonDTO) -> None:
    """Write a child's relatives and sibling link (after the child's row exists)."""
    if plan.sibling_of is not None:
        _relate(unit, plan.sibling_of, person.id, RelationshipKind.SIBLING.value, None)
    for relative, values in plan.relatives:
        if values is not None:
            adult_id = insert_person(unit, {**values, "household_id": person.household_id}).id
        else:
            assert relative.person_id is not None
            adult_id = relative.person_id
        _relate(unit, adult_id, person.id, relative.relationship, relative.parental_responsibility)


def _relate(unit: Unit, person_id: int, related_id: int, kind: str, pr: bool | None) -> None:
    rel_id = _INSERT_RELATIONSHIP.insert_id(
        unit.sql, person_id=person_id, related_id=related_id, kind=kind, pr=pr
    )
    unit.audit(
        "relationship.added",
        "relationship",
        rel_id,
        person_id=related_id,
        person=person_id,
        kind=kind,
        parental_responsibility=pr,
    )


def store_attachments(unit: Unit, contact_id: int, capture: Capture) -> list[dict[str, Any]]:
    """Store the contact's attachments; return what the audit row records of each."""
    stored = []
    for checked, data in capture.attachments:
        attachment_id = _INSERT_ATTACHMENT.insert_id(
            unit.sql,
            contact_id=contact_id,
            filename=checked.filename,
            media_type=checked.media_type,
            size=checked.size,
            sha256=checked.sha256,
            data=data,
            added_by=unit.user_id,
            added_at=unit.now,
        )
        stored.append({"id": attachment_id, "sha256": checked.sha256, "size": checked.size})
    return stored
