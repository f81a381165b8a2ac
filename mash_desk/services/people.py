"""Find, create and change people, with duplicate detection."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, insert, or_, select

from mash_desk.domain.changes import Kind, change_keys, record_key
from mash_desk.domain.enums import PersonKind, RelationshipKind, Sex
from mash_desk.domain.errors import FieldError, ValidationError
from mash_desk.domain.ethnicity import ethnicity_problem
from mash_desk.domain.identifiers import (
    normalise_local_id,
    normalise_nhs_number,
    normalise_postcode,
    normalise_upn,
)
from mash_desk.domain.matching import SUGGEST_AT, PersonFacts, name_key, score
from mash_desk.domain.outcomes import age_in_years
from mash_desk.domain.permissions import Permission, allows
from mash_desk.domain.text import clean_short
from mash_desk.services.access import record_access
from mash_desk.services.context import Service, Unit
from mash_desk.services.dto import Actor, MatchDTO, OpResult, PersonDTO
from mash_desk.services.inputs import NewPerson
from mash_desk.services.known import known_summaries
from mash_desk.services.mapping import load_person_dto
from mash_desk.storage.base import table_of
from mash_desk.storage.models import Household, Person, Relationship
from mash_desk.storage.prepared import Prepared
from mash_desk.storage.prepared_memo import PERSON_COLUMNS

# The width of persons.first_language (storage/models/people.py): PostgreSQL refuses more.
FIRST_LANGUAGE_MAX = 60

# Full-term pregnancy is at most 42 weeks (NICE), so an expected delivery further ahead
# than that is a typing error, not a pregnancy.
MAX_PREGNANCY = timedelta(weeks=42)
UNBORN_GIVEN_NAME = "Unborn"
ADULT_AGE = 18
PERSON_VIEW = "person.view"
"""``access_log.what`` of :meth:`PeopleService.get`."""
PERSON_MATCH = "person.match"
"""``access_log.what`` of a duplicate suggestion that showed what the MASH knows."""


def birth_date_problems(
    child: bool, dob: date | None, edd: date | None, today: date, prefix: str = ""
) -> list[FieldError]:
    """What is wrong with a person's date of birth and expected delivery date, if anything.

    A child needs one of the two (an unborn child the expected delivery), never both; only an
    unborn child has an expected delivery; a child is under 18 (Children Act 1989 s105).
    """
    errors: list[FieldError] = []
    if dob and edd:
        errors.append(
            FieldError(
                prefix + "expected_delivery",
                "dob_or_edd",
                "Give a date of birth or, for an unborn child, an expected delivery date — "
                "not both",
            )
        )
    if dob and dob > today:
        errors.append(
            FieldError(
                prefix + "date_of_birth",
                "not_future",
                f"Date of birth {dob:%d/%m/%Y} is in the future; for an unborn child give the "
                "expected delivery date instead",
            )
        )
    if not child:
        if edd:
            errors.append(
                FieldError(
                    prefix + "expected_delivery",
                    "adult_edd",
                    "Only an unborn child has an expected delivery date",
                )
            )
        return errors
    if not dob and not edd:
        errors.append(
            FieldError(
                prefix + "date_of_birth",
                "required",
                "A child needs a date of birth, or an expected delivery date if unborn",
            )
        )
    if dob and dob <= today and age_in_years(dob, today) >= ADULT_AGE:
        errors.append(
            FieldError(
                prefix + "date_of_birth",
                "child_age",
                f"Born {dob:%d/%m/%Y}, this person is {age_in_years(dob, today)}: record "
                "people aged 18 or over as adults",
            )
        )
    if edd and not dob:
        errors += _expected_delivery_problems(edd, today, prefix)
    return errors


def _expected_delivery_problems(edd: date, today: date, prefix: str) -> list[FieldError]:
    if edd < today:
        return [
            FieldError(
                prefix + "expected_delivery",
                "edd_past",
                f"Expected delivery {edd:%d/%m/%Y} has passed: if the baby is born, "
                "record the date of birth",
            )
        ]
    if edd > today + MAX_PREGNANCY:
        return [
            FieldError(
                prefix + "expected_delivery",
                "edd_too_far",
                f"Expected delivery {edd:%d/%m/%Y} is more than 42 weeks away — check the date",
            )
        ]
    return []


def validate_person(
    new: NewPerson, today: date, prefix: str = ""
) -> tuple[dict[str, Any], list[FieldError]]:
    """Check a new person's details; return clean column values and the problems found."""
    errors: list[FieldError] = []
    values: dict[str, Any] = {}

    def keep(name: str, result: tuple[Any, FieldError | None]) -> None:
        value, problem = result
        if problem:
            errors.append(replace(problem, field=prefix + problem.field))
        else:
            values[name] = value

    if new.kind not in {k.value for k in PersonKind}:
        errors.append(FieldError(prefix + "kind", "choice", f"Unknown kind of person {new.kind!r}"))
        return values, errors
    unborn = new.kind == PersonKind.CHILD and new.expected_delivery is not None
    keep("family_name", clean_short(new.family_name, "family_name", "Family name", required=True))
    keep(
        "given_name",
        clean_short(new.given_name, "given_name", "First name", required=not unborn),
    )
    if unborn and not values.get("given_name") and "given_name" not in {e.field for e in errors}:
        values["given_name"] = UNBORN_GIVEN_NAME
    if new.sex not in {s.value for s in Sex}:
        errors.append(FieldError(prefix + "sex", "choice", f"Unknown sex {new.sex!r}"))
    values["sex"] = new.sex
    ethnicity = new.ethnicity or None
    problem = ethnicity_problem(ethnicity)
    if problem:
        errors.append(FieldError(prefix + "ethnicity", "choice", f"Ethnicity: {problem}"))
    values["ethnicity"] = ethnicity
    values["kind"] = new.kind
    values["disability"] = bool(new.disability)
    keep(
        "first_language",
        clean_short(
            new.first_language, "first_language", "First language", max_length=FIRST_LANGUAGE_MAX
        ),
    )

    dob, edd = new.date_of_birth, new.expected_delivery
    errors += birth_date_problems(new.kind == PersonKind.CHILD, dob, edd, today, prefix)
    values["date_of_birth"] = dob
    values["expected_delivery"] = None if dob else edd

    for name, raw, check in (
        ("nhs_number", new.nhs_number, normalise_nhs_number),
        ("upn", new.upn, normalise_upn),
        ("local_id", new.local_id, normalise_local_id),
    ):
        if raw and raw.strip():
            keep(name, check(raw))
        else:
            values[name] = None
    values["household_id"] = new.household_id
    if new.postcode and new.postcode.strip():
        keep("postcode", normalise_postcode(new.postcode))
    keep("address", clean_short(new.address, "address", "Address"))
    keep("school", clean_short(new.school, "school", "School"))
    return values, errors


class PeopleService(Service):
    """Search, create and edit people."""

    def get(self, actor: Actor, person_id: int) -> PersonDTO:
        """Return one person; the view is written to the access log in the same unit.

        Every view of a child's record goes into the access log (issue 5, "who has looked
        at this child"), so the person is returned only once that row is committed. There
        is no unlogged way in: a screen that shows the person again logs again (issue 12).
        """
        with self.writing(actor, Permission.VIEW_CASE) as unit:
            found = _load(unit, person_id)
            record_access(unit, person_id, PERSON_VIEW)
            return found

    def find_duplicates(self, actor: Actor, new: NewPerson, limit: int = 8) -> list[MatchDTO]:
        """Return stored people who may be ``new``, strongest first, each with its reasons.

        For a user who may read case records each suggestion also says what the MASH knows
        (open work, last contact, referrals in 12 months, level, plans); that is a read of
        the child's record, so it is written to the access log with the suggestion.
        """
        if not _facts_shape(_facts(new))[0]:
            with self.reading(actor, Permission.SEARCH_PEOPLE):
                return []
        with self.writing(actor, Permission.SEARCH_PEOPLE) as unit:
            matches = match_people(unit, new, limit)
            if not allows(unit.role, Permission.VIEW_CASE):
                return matches
            summaries = known_summaries(unit, [m.person.id for m in matches])
            for match in matches:
                record_access(unit, match.person.id, PERSON_MATCH, "Possible duplicate")
            return [replace(m, known=summaries.get(m.person.id)) for m in matches]

    def create(self, actor: Actor, new: NewPerson) -> OpResult[PersonDTO]:
        """Create a person (and a household if an address is given without one)."""
        with self.writing(actor, Permission.EDIT_PERSON) as unit:
            person = create_person(unit, new)
            return OpResult(person, change_keys(record_key(Kind.PERSON, person.id)))

    def update(
        self, actor: Actor, person_id: int, expected_version: int, new: NewPerson
    ) -> OpResult[PersonDTO]:
        """Replace a person's details; refuse if it was saved since ``expected_version``."""
        with self.writing(actor, Permission.EDIT_PERSON) as unit:
            person = unit.load(
                Person,
                person_id,
                what="person's record",
                expected_version=expected_version,
                missing=f"No person with id {person_id}",
            )
            values, errors = validate_person(new, self.ctx.today())
            _check_unique_ids(unit, values, errors, exclude_id=person_id)
            if errors:
                raise ValidationError(errors)
            before = load_person_dto(unit.session, person)
            ethnicity = [person.ethnicity, values["ethnicity"]]
            for name in _PERSON_COLUMNS:
                setattr(person, name, values[name])
            person.ethnicity = values["ethnicity"]
            person.given_key = name_key(person.given_name)
            person.family_key = name_key(person.family_name)
            unit.session.flush()
            changed = {
                name: [getattr(before, name), values[name]]
                for name in _PERSON_COLUMNS
                if getattr(before, name) != values[name]
            }
            if ethnicity[0] != ethnicity[1]:
                changed["ethnicity"] = ethnicity
            unit.audit("person.updated", "person", person.id, person_id=person.id, changes=changed)
            return OpResult(
                load_person_dto(unit.session, person),
                change_keys(record_key(Kind.PERSON, person.id)),
            )

    def link(
        self, actor: Actor, person_id: int, related_id: int, kind: RelationshipKind | str
    ) -> OpResult[None]:
        """Record how two people are related (sibling, parent, carer, …)."""
        try:
            kind = RelationshipKind(kind)
        except ValueError:
            raise ValidationError(
                FieldError("kind", "choice", f"Unknown relationship {kind!r}")
            ) from None
        if person_id == related_id:
            raise ValidationError(
                FieldError("related_id", "self", "A person cannot be related to themselves")
            )
        with self.writing(actor, Permission.EDIT_PERSON) as unit:
            for pid in (person_id, related_id):
                unit.load(Person, pid, what="person", missing=f"No person with id {pid}")
            rel = Relationship(person_id=person_id, related_id=related_id, kind=kind.value)
            unit.session.add(rel)
            unit.session.flush()
            unit.audit(
                "relationship.added",
                "relationship",
                rel.id,
                person_id=related_id,
                person=person_id,
                kind=kind.value,
            )
            return OpResult(
                None,
                change_keys(
                    record_key(Kind.PERSON, person_id), record_key(Kind.PERSON, related_id)
                ),
            )


# A mistyped year or a day/month swap stays within ~13 months; unborn siblings' due dates
# are months apart, a re-notified pregnancy's within weeks.
DOB_WINDOW = timedelta(days=400)
EDD_WINDOW = timedelta(days=60)
CANDIDATE_LIMIT = 500
# In the order of PersonDTO's fields, so a row builds the DTO directly (one definition, in
# storage, which the memo's reads share).
PERSON_DTO_COLUMNS = PERSON_COLUMNS


def _swapped(d: date) -> date:
    """Return the date with day and month swapped, or the date itself if that is no date."""
    try:
        return date(d.year, d.day, d.month)
    except ValueError:
        return d


_CANDIDATE_CONDITIONS = {
    "nhs": lambda: Person.nhs_number == bindparam("nhs"),
    # Both names sound alike and the date of birth is near: typing errors in the date.
    "names_dob": lambda: and_(
        Person.family_key == bindparam("fkey"),
        Person.given_key == bindparam("gkey"),
        Person.date_of_birth.between(bindparam("dob_lo"), bindparam("dob_hi")),
    ),
    # Same family name and the same (or day/month-swapped) date: a first name spelt apart.
    "family_dob": lambda: and_(
        Person.family_key == bindparam("fkey"),
        Person.date_of_birth.in_([bindparam("dob"), bindparam("dob_swapped")]),
    ),
    "given_dob": lambda: and_(
        Person.given_key == bindparam("gkey"), Person.date_of_birth == bindparam("dob")
    ),
    "family_edd": lambda: and_(
        Person.family_key == bindparam("fkey"),
        Person.expected_delivery.between(bindparam("edd_lo"), bindparam("edd_hi")),
    ),
    "names": lambda: and_(
        Person.family_key == bindparam("fkey"), Person.given_key == bindparam("gkey")
    ),
}


@functools.cache
def _candidates(shape: tuple[str, ...]) -> Prepared:
    """Return the candidate query for one combination of known facts (compiled once)."""
    return Prepared(
        select(*PERSON_DTO_COLUMNS)
        .outerjoin(Household, Household.id == Person.household_id)
        .where(or_(*(_CANDIDATE_CONDITIONS[name]() for name in shape)))
        # A merged-away duplicate is never suggested: its kept record is (services.merge).
        # In coalesce so SQLite filters what the key indexes found rather than reading the
        # whole table through the merged_into index (see services.search.not_merged).
        .where(func.coalesce(Person.merged_into, 0) == 0)
        .limit(CANDIDATE_LIMIT)
    )


_PERSON_COLUMNS = (
    "kind",
    "given_name",
    "family_name",
    "date_of_birth",
    "expected_delivery",
    "sex",
    "nhs_number",
    "upn",
    "local_id",
    "disability",
)


def _facts(new: NewPerson) -> PersonFacts:
    nhs = None
    if new.nhs_number:
        nhs, _ = normalise_nhs_number(new.nhs_number)
    postcode = None
    if new.postcode:
        postcode, _ = normalise_postcode(new.postcode)
    return PersonFacts(
        new.given_name or "",
        new.family_name or "",
        new.date_of_birth,
        new.expected_delivery,
        nhs,
        postcode,
    )


_BY_NHS = Prepared(
    select(Person.id, Person.given_name, Person.family_name).where(
        Person.nhs_number == bindparam("value"), Person.id != bindparam("exclude")
    )
)
_BY_LOCAL_ID = Prepared(
    select(Person.id, Person.given_name, Person.family_name).where(
        Person.local_id == bindparam("value"), Person.id != bindparam("exclude")
    )
)
_HOUSEHOLD_POSTCODE = Prepared(
    select(Household.id, Household.postcode).where(Household.id == bindparam("id"))
)
_INSERT_HOUSEHOLD = Prepared(
    insert(table_of(Household))
    .values(address=bindparam("address"), postcode=bindparam("postcode"), version=1)
    .returning(Household.__table__.c.id)
)
_INSERTED_PERSON_COLUMNS = (
    *_PERSON_COLUMNS,
    "first_language",
    "school",
    "ethnicity",
    "household_id",
    "given_key",
    "family_key",
    "created_at",
    "interpreter_needed",
)
_INSERT_PERSON = Prepared(
    insert(table_of(Person))
    .values({**{c: bindparam(c) for c in _INSERTED_PERSON_COLUMNS}, "version": 1})
    .returning(Person.__table__.c.id)
)


def _facts_shape(facts: PersonFacts) -> tuple[tuple[str, ...], dict[str, Any]]:
    """Return which candidate look-ups the known facts allow, and their parameters."""
    fkey, gkey = name_key(facts.family_name), name_key(facts.given_name)
    params: dict[str, Any] = {}
    shape: list[str] = []
    if facts.nhs_number:
        shape.append("nhs")
        params["nhs"] = facts.nhs_number
    if facts.date_of_birth:
        dob = facts.date_of_birth
        params["dob"] = dob
        if fkey and gkey:
            shape.append("names_dob")
            params.update(fkey=fkey, gkey=gkey, dob_lo=dob - DOB_WINDOW, dob_hi=dob + DOB_WINDOW)
        if fkey:
            shape.append("family_dob")
            params.update(fkey=fkey, dob_swapped=_swapped(dob))
        if gkey:
            shape.append("given_dob")
            params["gkey"] = gkey
    elif facts.expected_delivery and fkey:
        edd = facts.expected_delivery
        shape.append("family_edd")
        params.update(fkey=fkey, edd_lo=edd - EDD_WINDOW, edd_hi=edd + EDD_WINDOW)
    elif fkey and gkey:
        shape.append("names")
        params.update(fkey=fkey, gkey=gkey)
    return tuple(shape), params


def match_people(unit: Unit, new: NewPerson, limit: int = 8) -> list[MatchDTO]:
    """Return stored people who may be ``new`` (score at least ``SUGGEST_AT``), strongest first.

    Candidates come only through narrow indexed look-ups — NHS number; both phonetic
    name keys with a date window; phonetic family name with the same or day/month-swapped
    date; phonetic first name with the same date — so a handful of rows are scored and
    the cost stays flat however long the history.
    """
    facts = _facts(new)
    shape, params = _facts_shape(facts)
    if not shape:
        return []
    matches = []
    for row in _candidates(shape).all(unit.sql, **params):
        person = PersonDTO(*row)
        old = PersonFacts(
            person.given_name,
            person.family_name,
            person.date_of_birth,
            person.expected_delivery,
            person.nhs_number,
            person.postcode,
        )
        value, reasons = score(facts, old)
        if value >= SUGGEST_AT:
            matches.append(MatchDTO(person, value, reasons))
    matches.sort(key=lambda m: (-m.score, m.person.id))
    return matches[:limit]


def _check_unique_ids(
    unit: Unit,
    values: dict[str, Any],
    errors: list[FieldError],
    *,
    exclude_id: int | None = None,
    prefix: str = "",
) -> None:
    for name, query, label in (
        ("nhs_number", _BY_NHS, "NHS number"),
        ("local_id", _BY_LOCAL_ID, "Local child id"),
    ):
        value = values.get(name)
        if not value:
            continue
        clash = query.first(unit.sql, value=value, exclude=exclude_id or 0)
        if clash:
            errors.append(
                FieldError(
                    prefix + name,
                    "unique",
                    f"{label} {value} already belongs to {clash[1]} {clash[2]} "
                    f"(person {clash[0]}) — use that record instead of creating a new one",
                )
            )


def prepare_person(
    unit: Unit, new: NewPerson, prefix: str = ""
) -> tuple[dict[str, Any], list[FieldError]]:
    """Check a new person against every rule, including clashes with stored identifiers.

    Returns the clean values (with the household's postcode filled in) and the problems;
    nothing is written.
    """
    values, errors = validate_person(new, unit.today, prefix)
    _check_unique_ids(unit, values, errors, prefix=prefix)
    household_id = values.get("household_id")
    if household_id is not None:
        found = _HOUSEHOLD_POSTCODE.first(unit.sql, id=household_id)
        if found is None:
            errors.append(
                FieldError(prefix + "household_id", "exists", f"No household {household_id}")
            )
        else:
            values["postcode"] = found[1]
    return values, errors


def create_person(unit: Unit, new: NewPerson, prefix: str = "") -> PersonDTO:
    """Validate and insert a person inside ``unit``; raise ``ValidationError`` on any problem."""
    values, errors = prepare_person(unit, new, prefix)
    if errors:
        raise ValidationError(errors)
    return insert_person(unit, {**values, "household_id": household_to_join(unit, values)})


def _address_key(address: str | None) -> str:
    """An address compared loosely: case, punctuation and spacing do not matter."""
    return " ".join(re.sub(r"[^\w\s]", " ", (address or "").casefold()).split())


def _same_place(typed: tuple[str, str | None], stored: tuple[str, str | None]) -> bool:
    """Whether a typed (address key, postcode) and a household's could be one home.

    Nothing may disagree and something must agree: a sibling's household with the same
    postcode and no address typed is the same home; another street is not.
    """
    (address, postcode), (their_address, their_postcode) = typed, stored
    if address and their_address and address != their_address:
        return False
    if postcode and their_postcode and postcode != their_postcode:
        return False
    return bool((address and address == their_address) or (postcode and postcode == their_postcode))


_HOUSEHOLDS_AT = Prepared(
    select(Household.id, Household.address)
    .where(Household.postcode == bindparam("postcode"))
    .order_by(Household.id)
)


def household_to_join(
    unit: Unit, values: dict[str, Any], alongside: Sequence[int | None] = ()
) -> int | None:
    """The existing household a new person joins, or None (a new one, or none at all).

    ``alongside`` are the households of the children already on the same contact, in the
    order they were entered. In turn: the household chosen on the form; else a household of
    a child alongside at the same address (or, with no address typed, the one household
    they share: an unborn baby notified beside a sibling lives with that sibling); else a
    stored household at exactly this address and postcode. So a sibling's earlier contacts
    and referrals are seen from the new child's record (issue 12).
    """
    if values.get("household_id") is not None:
        return values["household_id"]
    typed = (_address_key(values.get("address")), values.get("postcode"))
    near = list(dict.fromkeys(h for h in alongside if h is not None))
    if near:
        found = unit.conn.execute(
            select(Household.id, Household.address, Household.postcode).where(
                Household.id.in_(near)
            )
        )
        rows = {h: (_address_key(a), pc) for h, a, pc in found}
        if not any(typed):
            return near[0] if len(near) == 1 else None
        for household_id in near:
            if household_id in rows and _same_place(typed, rows[household_id]):
                return household_id
    address, postcode = typed
    if address and postcode:
        for household_id, their_address in _HOUSEHOLDS_AT.all(unit.sql, postcode=postcode):
            if _address_key(their_address) == address:
                return household_id
    return None


def insert_person(unit: Unit, values: dict[str, Any]) -> PersonDTO:
    """Insert a person from values ``prepare_person`` accepted (and a household if needed)."""
    household_id = values.get("household_id")
    postcode = values.get("postcode")
    if household_id is not None and postcode is None:
        # Joined a household without typing its postcode: the person lives at its postcode.
        found = _HOUSEHOLD_POSTCODE.first(unit.sql, id=household_id)
        postcode = found[1] if found else None
    if household_id is None and (postcode or values.get("address")):
        household_id = _INSERT_HOUSEHOLD.insert_id(
            unit.sql, address=values.get("address"), postcode=postcode
        )
        unit.audit("household.created", "household", household_id, postcode=postcode)
    row = {name: values[name] for name in _PERSON_COLUMNS}
    row.update(
        first_language=values.get("first_language"),
        school=values.get("school"),
        ethnicity=values.get("ethnicity"),
        household_id=household_id,
        given_key=name_key(values["given_name"]),
        family_key=name_key(values["family_name"]),
        created_at=unit.now,
        interpreter_needed=False,
    )
    person_id = _INSERT_PERSON.insert_id(unit.sql, **row)
    unit.audit(
        "person.created",
        "person",
        person_id,
        person_id=person_id,
        kind=row["kind"],
        unborn=row["expected_delivery"] is not None,
    )
    return PersonDTO(
        id=person_id,
        kind=row["kind"],
        given_name=row["given_name"],
        family_name=row["family_name"],
        date_of_birth=row["date_of_birth"],
        expected_delivery=row["expected_delivery"],
        sex=row["sex"],
        nhs_number=row["nhs_number"],
        upn=row["upn"],
        local_id=row["local_id"],
        household_id=household_id,
        postcode=postcode,
        disability=row["disability"],
        version=1,
    )


def _load(unit: Unit, person_id: int) -> PersonDTO:
    person = unit.load(Person, person_id, what="person", missing=f"No person with id {person_id}")
    return load_person_dto(unit.session, person)
