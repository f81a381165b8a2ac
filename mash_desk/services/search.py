"""Find any child, open or closed, from anywhere in the desk (issue 12 item 3).

A child whose work closed years ago drops out of the work queue, yet the next call about
them must find them again. One search box takes a name (matched phonetically, with the keys
duplicate detection uses), a date of birth, an NHS number or a postcode; the optional fields
narrow it. Every look-up goes through an index (name keys, date of birth, NHS number,
postcode, household) and reads at most ``CANDIDATE_LIMIT`` rows, so the search stays fast
however long the history. Each result says what the MASH knows and has open; a partner rep
finds only children their own agency was asked about, routed or given actions for.

Searching writes no access-log row: a result line is not the child's record. Opening the
case view from a result does (``case.view``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import bindparam, select

from mash_desk.domain.enums import Role, WorkStatus
from mash_desk.domain.errors import FieldError, NotFound, ValidationError
from mash_desk.domain.identifiers import normalise_nhs_number, normalise_postcode
from mash_desk.domain.matching import PersonFacts, name_key, score
from mash_desk.domain.meetings import DecisionOutcome
from mash_desk.domain.permissions import Permission
from mash_desk.domain.referrals import twelve_months_before
from mash_desk.services.context import Service, Unit
from mash_desk.services.dto import Actor, PersonDTO
from mash_desk.storage.models import Person
from mash_desk.storage.prepared import Prepared
from mash_desk.storage.prepared_search import FACTS, candidates, facts_ids, facts_of
from mash_desk.storage.prepared_search import not_merged as not_merged  # services.merge uses it

RESULT_LIMIT = 50
"""Results shown at most; beyond that the user is asked to refine the search."""
CANDIDATE_LIMIT = 500
"""Rows read at most before ranking (a common surname alone can match hundreds)."""
MORE_MESSAGE = "More children match than are shown: add a date of birth or postcode to refine."
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$|^(\d{4})-(\d{2})-(\d{2})$")
_CLOSED_REFERRAL = (WorkStatus.DECIDED.value, WorkStatus.CLOSED.value)
_MERGED_INTO = Prepared(select(Person.id, Person.merged_into).where(Person.id == bindparam("pid")))


@dataclass(frozen=True)
class ChildQuery:
    """What the user typed: one free-text box and the optional narrowing fields."""

    text: str = ""
    date_of_birth: date | None = None
    nhs_number: str = ""
    postcode: str = ""
    household_id: int | None = None


@dataclass(frozen=True)
class Criteria:
    """A query understood: names, identifiers and dates, each already validated."""

    names: tuple[str, ...] = ()
    date_of_birth: date | None = None
    nhs_number: str | None = None
    postcode: str | None = None
    household_id: int | None = None


@dataclass(frozen=True)
class FoundChild:
    """One child found, with what the MASH knows and has open (``None``: not yours to see)."""

    person: PersonDTO
    status: str
    open_work: int | None = None
    last_contact: datetime | None = None
    referrals_12_months: int | None = None
    level: int | None = None
    open_services: tuple[str, ...] = ()

    @property
    def known(self) -> str:
        """What is known, in one line of words (never colour alone)."""
        parts = [self.status]
        if self.last_contact is not None:
            parts.append(f"last contact {self.last_contact:%d/%m/%Y}")
        if self.referrals_12_months is not None:
            n = self.referrals_12_months
            parts.append(f"{n} referral{'' if n == 1 else 's'} in 12 months")
        if self.level is not None:
            parts.append(f"Level {self.level}")
        parts += [f"open to {s}" for s in self.open_services]
        return "; ".join(parts)


@dataclass(frozen=True)
class SearchResults:
    """The children found, best match first, and whether more matched than are shown."""

    children: tuple[FoundChild, ...]
    more: bool

    @property
    def message(self) -> str:
        """What to tell the user about the result as a whole."""
        if not self.children:
            return "No child found. Check the spelling, or search by date of birth or NHS number."
        n = len(self.children)
        found = f"{n} {'child' if n == 1 else 'children'} found."
        return f"{found} {MORE_MESSAGE}" if self.more else found


def parse_date(token: str) -> date | None:
    """Read dd/mm/yyyy (or d-m-yyyy, d.m.yyyy, yyyy-mm-dd); ``None`` if it is no date."""
    match = _DATE.match(token)
    if not match:
        return None
    d, m, y, iy, im, iday = match.groups()
    try:
        return date(int(iy), int(im), int(iday)) if iy else date(int(y), int(m), int(d))
    except ValueError:
        return None


def understand(query: ChildQuery) -> Criteria:
    """Read the query: which words are a date, an NHS number, a postcode or names.

    Raises ``ValidationError`` naming the field for an NHS number or postcode that is not
    one, a date that is no date, or a query with nothing to search by.
    """
    errors: list[FieldError] = []
    text = " ".join(query.text.replace(",", " ").split())
    nhs = postcode = None
    dob = query.date_of_birth
    names: list[str] = []
    digits = re.sub(r"[\s-]", "", text)
    if digits.isdigit() and len(digits) >= 9:
        nhs, problem = normalise_nhs_number(digits, "text")
        if problem:
            errors.append(problem)
        text = ""
    elif any(map(str.isdigit, text)) and normalise_postcode(text)[0]:
        postcode, _ = normalise_postcode(text)
        text = ""
    for token in text.split():
        if any(map(str.isdigit, token)):
            parsed = parse_date(token)
            if parsed is None:
                errors.append(
                    FieldError(
                        "text",
                        "format",
                        f"{token!r} is neither a date (dd/mm/yyyy), an NHS number nor a postcode",
                    )
                )
            else:
                dob = parsed
        elif name_key(token):
            names.append(token)
    if query.nhs_number.strip():
        nhs, problem = normalise_nhs_number(query.nhs_number)
        if problem:
            errors.append(problem)
    if query.postcode.strip():
        postcode, problem = normalise_postcode(query.postcode)
        if problem:
            errors.append(problem)
    if errors:
        raise ValidationError(errors)
    found = Criteria(tuple(names), dob, nhs, postcode, query.household_id)
    if found == Criteria():
        raise ValidationError(
            FieldError(
                "text",
                "required",
                "Type a name, a date of birth, an NHS number or a postcode to search",
            )
        )
    return found


def _swapped(d: date) -> date:
    try:
        return date(d.year, d.day, d.month)
    except ValueError:
        return d


def _candidates(criteria: Criteria, partner: bool) -> tuple[Prepared, dict[str, Any]]:
    """The prepared statement for the criteria's shape, and its values."""
    values: dict[str, Any] = {"limit": CANDIDATE_LIMIT + 1}
    names = criteria.names
    if len(names) == 1:
        values["key"] = name_key(names[0])
    elif names:
        values["first"], values["last"] = name_key(names[0]), name_key(names[-1])
    days: list[date] = []
    if criteria.date_of_birth:
        dob = criteria.date_of_birth
        # With a name, a day/month swap (the commonest typing error) still finds the child.
        days = sorted({dob, _swapped(dob)} if names else {dob})
        values.update({f"dob{i}": day for i, day in enumerate(days)})
    if criteria.nhs_number:
        values["nhs"] = criteria.nhs_number
    if criteria.postcode:
        values["postcode"] = criteria.postcode
    if criteria.household_id is not None:
        values["household"] = criteria.household_id
    statement = candidates(
        min(len(names), 2),
        len(days),
        bool(criteria.nhs_number),
        bool(criteria.postcode),
        criteria.household_id is not None,
        partner,
    )
    return statement, values


def _rank(criteria: Criteria, person: PersonDTO) -> float:
    """How well a candidate fits the names and date typed (the duplicate matcher's score)."""
    if not criteria.names:
        return 0.0
    first, last = criteria.names[0], criteria.names[-1]
    cand = PersonFacts(
        person.given_name, person.family_name, person.date_of_birth, None, None, None
    )
    tries = [(first, last), (last, first)] if len(criteria.names) > 1 else [(first, first)]
    return max(score(PersonFacts(g, f, criteria.date_of_birth), cand)[0] for g, f in tries)


class SearchService(Service):
    """Find children by name, date of birth, NHS number, postcode or household."""

    def find(self, actor: Actor, query: ChildQuery) -> SearchResults:
        """Return up to ``RESULT_LIMIT`` children matching every criterion, best first.

        Open and closed work alike; merged-away duplicates never (their kept record is
        found instead). A partner rep finds only their agency's children and sees no more
        about them than their inbox shows. Nothing is written (no access row per result).
        """
        criteria = understand(query)
        with self.reading(actor, Permission.FIND_CHILD) as unit:
            partner = unit.role is Role.PARTNER
            statement, values = _candidates(criteria, partner)
            rows = statement.all(unit.sql, user_id=unit.user_id, **values)
            people = [PersonDTO(*row) for row in rows]
            people.sort(key=lambda p: -_rank(criteria, p))
            shown = people[:RESULT_LIMIT]
            if partner:
                children = tuple(FoundChild(p, "Known to your agency") for p in shown)
            else:
                children = with_facts(unit, shown)
        return SearchResults(children, len(people) > RESULT_LIMIT)

    def resolve(self, actor: Actor, person_id: int) -> int:
        """Return the record to open for ``person_id``: the kept one if it was merged away."""
        with self.reading(actor, Permission.VIEW_CASE) as unit:
            return resolve_person(unit, person_id)


def resolve_person(unit: Unit, person_id: int) -> int:
    """Follow ``merged_into`` to the record in use (a merge never chains past a few)."""
    seen: set[int] = set()
    current = person_id
    while True:
        row = _MERGED_INTO.first(unit.sql, pid=current)
        if row is None:
            raise NotFound(f"No person with id {person_id}")
        if row[1] is None or current in seen:
            return current
        seen.add(current)
        current = row[1]


def with_facts(unit: Unit, people: list[PersonDTO]) -> tuple[FoundChild, ...]:
    """Add what is known and open to each child: five indexed reads for the whole page."""
    ids = list(dict.fromkeys(p.id for p in people))
    if not ids:
        return ()
    facts: dict[int, dict[str, Any]] = {
        i: {"open": 0, "last": None, "recent": 0, "level": None, "decided": None, "any": False}
        for i in ids
    }
    services: dict[int, list[str]] = {i: [] for i in ids}
    since = twelve_months_before(unit.now)
    # One set of id parameters for the five reads (the same children each time).
    size, params = facts_ids(ids)
    for kind in FACTS:
        statement = facts_of(kind, size)
        if kind == "services":
            params = {**params, "today": unit.today}
        _add_facts(kind, statement.all(unit.sql, **params), facts, services, since, unit.now)
    return tuple(
        FoundChild(
            person=p,
            status=_status(facts[p.id]),
            open_work=facts[p.id]["open"],
            last_contact=facts[p.id]["last"],
            referrals_12_months=facts[p.id]["recent"],
            level=facts[p.id]["level"],
            open_services=tuple(services[p.id]),
        )
        for p in people
    )


def _add_facts(
    kind: str,
    rows: list[tuple[Any, ...]],
    facts: dict[int, dict[str, Any]],
    services: dict[int, list[str]],
    since: datetime,
    now: datetime,
) -> None:
    """Fold one statement's rows (storage.prepared_search.FACTS) into each child's facts."""
    if kind == "contacts":
        for pid, open_count, last, total in rows:
            facts[pid].update(open=int(open_count or 0), last=last, any=total > 0)
    elif kind == "referrals":
        for pid, at, status in rows:
            f = facts[pid]
            f["any"] = True
            f["recent"] += int(since <= _aware(at) <= now)
            f["open"] += int(status not in _CLOSED_REFERRAL)
    elif kind == "levels":
        for pid, level in rows:
            facts[pid]["level"] = level  # the latest assessment wins
    elif kind == "decisions":
        for pid, outcome, signed_at in rows:
            facts[pid]["decided"] = (outcome, signed_at)
    else:
        for pid, service in rows:
            services[pid].append(service.replace("_", " "))


def _aware(at: datetime) -> datetime:
    # Reads through UTCDateTime give aware datetimes; a bare one is UTC all the same.
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _status(f: dict[str, Any]) -> str:
    if f["open"]:
        return f"Open: {f['open']} item{'' if f['open'] == 1 else 's'} of work"
    if f["decided"]:
        outcome, signed_at = f["decided"]
        when = f" on {signed_at:%d/%m/%Y}" if signed_at else ""
        return f"Closed — decided{when}: {DecisionOutcome(outcome).label}"
    if f["any"]:
        return "Closed"
    return "No front-door work recorded"
