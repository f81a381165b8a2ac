"""Two records of one child: the manager's possible-duplicates list and the merge.

Front-door records are typed at speed, so one child sometimes gets two records ("Mohammed"
and "Muhammad", a day/month swap). Until the records are merged the history check sees only
half the child's past. A team manager reviews the pairs that look alike (scored by
:mod:`mash_desk.domain.matching`, as the new-contact form's suggestions are), chooses which
record to keep, and merges: every contact, referral, decision, consent, relationship,
service episode, threshold assessment, routing and strategy discussion moves to the kept
record, in one transaction with an audit row naming both identities. The merged-away record
stays (old audit, access-log and issued-document rows name it and cannot be rewritten) with
``merged_into`` pointing to the kept one: search, matching and the queue no longer show it,
and opening it leads to the kept record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import CursorResult, and_, extract, func, or_, select, update
from sqlalchemy.orm import aliased

from mash_desk.domain.changes import Kind, change_keys, record_key
from mash_desk.domain.enums import PersonKind
from mash_desk.domain.errors import FieldError, NotFound, ValidationError
from mash_desk.domain.matching import SUGGEST_AT, FieldMatch, PersonFacts, score
from mash_desk.domain.permissions import Permission
from mash_desk.services.context import Service, Unit
from mash_desk.services.dto import Actor, OpResult, PersonDTO
from mash_desk.services.mapping import load_person_dto
from mash_desk.services.people import PERSON_DTO_COLUMNS
from mash_desk.services.search import FoundChild, not_merged, with_facts
from mash_desk.storage.models import (
    Consent,
    ContactChild,
    Decision,
    Household,
    Person,
    Referral,
    Relationship,
    Routing,
    ServiceEpisode,
    StrategyDiscussion,
    ThresholdAssessment,
)

PAIR_LIMIT = 50
"""Pairs listed at most (strongest first)."""
CANDIDATE_PAIRS = 1000
"""Pairs read at most per kind of likeness, so the list costs the same however big the table."""

# Tables whose rows belong to one child through ``person_id``; versioned ones get a new
# version so a screen that had the row open is told it changed instead of overwriting.
_MOVED: tuple[tuple[str, Any, bool], ...] = (
    ("contacts", ContactChild, True),
    ("referrals", Referral, True),
    ("decisions", Decision, True),
    ("consents", Consent, False),
    ("service_episodes", ServiceEpisode, False),
    ("threshold_assessments", ThresholdAssessment, False),
    ("routings", Routing, True),
    ("strategy_discussions", StrategyDiscussion, True),
)


@dataclass(frozen=True)
class DuplicatePair:
    """Two records that look like one child, how strongly, and why."""

    first: FoundChild
    second: FoundChild
    score: float
    reasons: tuple[FieldMatch, ...]

    @property
    def explanation(self) -> str:
        """The reasons in one line, strongest first."""
        ordered = sorted(self.reasons, key=lambda r: -r.strength)
        return "; ".join(f"{r.how} ({r.strength:.0%})" for r in ordered)


@dataclass(frozen=True)
class MergeResult:
    """The kept record after the merge and how many rows of each kind moved to it."""

    kept: PersonDTO
    merged_id: int
    moved: tuple[tuple[str, int], ...]


def _identity(p: Person) -> dict[str, Any]:
    """Who a record said the child was, for the audit row (both sides are kept there)."""
    return {
        "id": p.id,
        "given_name": p.given_name,
        "family_name": p.family_name,
        "date_of_birth": p.date_of_birth,
        "expected_delivery": p.expected_delivery,
        "nhs_number": p.nhs_number,
        "local_id": p.local_id,
        "upn": p.upn,
        "household_id": p.household_id,
    }


def _facts(p: PersonDTO) -> PersonFacts:
    return PersonFacts(
        p.given_name, p.family_name, p.date_of_birth, p.expected_delivery, p.nhs_number, p.postcode
    )


def _births_agree(a: PersonDTO, b: PersonDTO, reasons: tuple[FieldMatch, ...]) -> bool:
    """Two stored dates of birth that neither match nor look mistyped are two children.

    The new-contact form suggests on names alone because a caller may not know the date;
    two stored records both know it, so same-named children born years apart are left out.
    """
    if a.date_of_birth is None or b.date_of_birth is None:
        return True
    return any(r.field == "date_of_birth" for r in reasons)


class MergeService(Service):
    """List possible duplicate records and merge two of them (team managers only)."""

    def duplicates(self, actor: Actor, limit: int = PAIR_LIMIT) -> tuple[DuplicatePair, ...]:
        """Pairs of live child records that look like one child, strongest first.

        Pairs come only from indexed self-joins (same phonetic names; same family or first
        name key and date of birth; same family name and a near expected delivery), each
        capped, then scored as duplicate detection scores a new child.
        """
        with self.reading(actor, Permission.MERGE_PEOPLE) as unit:
            pairs = _candidate_pairs(unit)
            ids = sorted({i for pair in pairs for i in pair})
            people = _people(unit, ids)
            scored = []
            for a, b in pairs:
                value, reasons = score(_facts(people[a]), _facts(people[b]))
                if value >= SUGGEST_AT and _births_agree(people[a], people[b], reasons):
                    scored.append((value, a, b, reasons))
            scored.sort(key=lambda s: (-s[0], s[1], s[2]))
            scored = scored[:limit]
            shown = sorted({i for _, a, b, _ in scored for i in (a, b)})
            found = {c.person.id: c for c in with_facts(unit, [people[i] for i in shown])}
        return tuple(DuplicatePair(found[a], found[b], v, r) for v, a, b, r in scored)

    def merge(self, actor: Actor, kept_id: int, merged_id: int) -> OpResult[MergeResult]:
        """Move everything of ``merged_id`` to ``kept_id`` and mark it merged, audited.

        Refused, with the field and the rule and nothing written: the same record twice,
        either record already merged, a child with an adult, two different NHS numbers (or
        local ids or UPNs), or both records on one contact (two children, such as twins).
        """
        if kept_id == merged_id:
            raise ValidationError(
                FieldError("merged_id", "same", "Choose two different records to merge")
            )
        with self.writing(actor, Permission.MERGE_PEOPLE) as unit:
            kept = unit.session.get(Person, kept_id)
            merged = unit.session.get(Person, merged_id)
            for pid, found in ((kept_id, kept), (merged_id, merged)):
                if found is None:
                    raise NotFound(f"No person with id {pid}")
            assert kept is not None and merged is not None
            problems = _refusals(unit, kept, merged)
            if problems:
                raise ValidationError(problems)
            identities = {"kept": _identity(kept), "merged": _identity(merged)}
            moved = _move_rows(unit, kept_id, merged_id)
            moved.append(("relationships", _move_relationships(unit, kept_id, merged_id)))
            filled = _fill_blanks(unit, kept, merged)
            merged.merged_into = kept_id
            unit.session.flush()
            counts = {name: n for name, n in moved if n}
            unit.audit(
                "person.merged",
                "person",
                kept_id,
                person_id=kept_id,
                filled=filled,
                moved=counts,
                **identities,
            )
            # The merged-away record's own trail says where it went.
            unit.audit("person.merged_away", "person", merged_id, person_id=merged_id, into=kept_id)
            result = MergeResult(load_person_dto(unit.session, kept), merged_id, tuple(moved))
            return OpResult(
                result,
                change_keys(record_key(Kind.PERSON, kept_id), record_key(Kind.PERSON, merged_id)),
            )


def _refusals(unit: Unit, kept: Person, merged: Person) -> list[FieldError]:
    problems: list[FieldError] = []
    for field, person in (("kept_id", kept), ("merged_id", merged)):
        if person.merged_into is not None:
            problems.append(
                FieldError(
                    field,
                    "already_merged",
                    f"{person.given_name} {person.family_name.upper()} (person {person.id}) was "
                    f"already merged into person {person.merged_into}; merge with that record",
                )
            )
    if problems:
        return problems
    if kept.kind != merged.kind:
        problems.append(
            FieldError("kind", "conflict", "One record is a child and the other an adult")
        )
    for field, label in (("nhs_number", "NHS numbers"), ("local_id", "local ids"), ("upn", "UPNs")):
        a, b = getattr(kept, field), getattr(merged, field)
        if a and b and a != b:
            problems.append(
                FieldError(
                    field,
                    "conflict",
                    f"The records have different {label} ({a} and {b}): they are two "
                    "children, or one is wrong — correct it before merging",
                )
            )
    shared = unit.session.scalar(
        select(ContactChild.contact_id)
        .where(ContactChild.person_id == kept.id)
        .where(
            ContactChild.contact_id.in_(
                select(ContactChild.contact_id).where(ContactChild.person_id == merged.id)
            )
        )
        .limit(1)
    )
    if shared is not None:
        problems.append(
            FieldError(
                "merged_id",
                "same_contact",
                f"Both records are children on contact {shared}: a contact lists each child "
                "once, so these are two children (twins?), not one",
            )
        )
    return problems


def _move_rows(unit: Unit, kept_id: int, merged_id: int) -> list[tuple[str, int]]:
    moved = []
    for name, model, versioned in _MOVED:
        values: dict[str, Any] = {"person_id": kept_id}
        if versioned:
            values["version"] = model.version + 1
        result = unit.session.execute(
            update(model)
            .where(model.person_id == merged_id)
            .values(values)
            .execution_options(synchronize_session=False)
        )
        assert isinstance(result, CursorResult)  # an UPDATE's result counts its rows
        moved.append((name, result.rowcount or 0))
    return moved


def _move_relationships(unit: Unit, kept_id: int, merged_id: int) -> int:
    """Re-point the merged record's links; drop links between the two and exact repeats."""
    moved = 0
    rows = unit.session.scalars(
        select(Relationship).where(
            or_(Relationship.person_id == merged_id, Relationship.related_id == merged_id)
        )
    ).all()
    existing = {
        (r.person_id, r.related_id, r.kind)
        for r in unit.session.scalars(
            select(Relationship).where(
                or_(Relationship.person_id == kept_id, Relationship.related_id == kept_id)
            )
        )
    }
    for rel in rows:
        key = (
            kept_id if rel.person_id == merged_id else rel.person_id,
            kept_id if rel.related_id == merged_id else rel.related_id,
            rel.kind,
        )
        if key[0] == key[1] or key in existing:
            unit.session.delete(rel)
            continue
        rel.person_id, rel.related_id = key[0], key[1]
        existing.add(key)
        moved += 1
    unit.session.flush()
    return moved


def _fill_blanks(unit: Unit, kept: Person, merged: Person) -> list[str]:
    """Give the kept record what only the merged one knew (identifiers, address, birth)."""
    filled = []
    for field in ("nhs_number", "local_id", "upn", "household_id", "first_language"):
        if getattr(kept, field) is None and getattr(merged, field) is not None:
            value = getattr(merged, field)
            # NHS number and local id are unique: free the value before the kept record
            # takes it, in two statements.
            setattr(merged, field, None)
            unit.session.flush()
            setattr(kept, field, value)
            filled.append(field)
    if kept.date_of_birth is None and merged.date_of_birth is not None:
        # The unborn baby on one record was born by the time the other was made.
        kept.date_of_birth, kept.expected_delivery = merged.date_of_birth, None
        filled.append("date_of_birth")
    return filled


def _candidate_pairs(unit: Unit) -> list[tuple[int, int]]:
    a, b = aliased(Person), aliased(Person)
    live = and_(
        a.id < b.id,
        not_merged(a),
        not_merged(b),
        a.kind == PersonKind.CHILD.value,
        b.kind == PersonKind.CHILD.value,
    )
    # Births within a year of each other: a day/month swap, a year typed wrong or a few
    # days out (the date mismatches the matcher still counts); a missing date may match.
    near_birth = or_(
        a.date_of_birth.is_(None),
        b.date_of_birth.is_(None),
        func.abs(extract("year", a.date_of_birth) - extract("year", b.date_of_birth)) <= 1,
    )
    likenesses = (
        and_(a.family_key == b.family_key, a.given_key == b.given_key, near_birth),
        and_(a.family_key == b.family_key, a.date_of_birth == b.date_of_birth),
        and_(a.given_key == b.given_key, a.date_of_birth == b.date_of_birth),
        and_(
            a.family_key == b.family_key,
            a.expected_delivery.is_not(None),
            b.expected_delivery.is_not(None),
        ),
    )
    pairs: set[tuple[int, int]] = set()
    for likeness in likenesses:
        rows = unit.conn.execute(
            select(a.id, b.id).join(b, likeness).where(live).limit(CANDIDATE_PAIRS)
        )
        pairs.update((x, y) for x, y in rows)
    return sorted(pairs)


def _people(unit: Unit, ids: list[int]) -> dict[int, PersonDTO]:
    found: dict[int, PersonDTO] = {}
    for start in range(0, len(ids), 500):  # bind-parameter limits on both engines
        for row in unit.conn.execute(
            select(*PERSON_DTO_COLUMNS)
            .outerjoin(Household, Household.id == Person.household_id)
            .where(Person.id.in_(ids[start : start + 500]))
        ):
            found[row[0]] = PersonDTO(*tuple(row))
    return found
