"""Prepared statements of "find any child" (services/search.py), compiled once per dialect.

Built as Core statements for every call, the search cost four to seven times the same SQL by
hand (issue 16): most of it SQLAlchemy building, caching and compiling six statements. Here
each statement is built once per *shape* — which criteria were given (names, dates, NHS
number, postcode, household, a partner's scope) and, for the per-child facts, how many
children are shown, rounded up to a few sizes — and compiled once per dialect
(:mod:`mash_desk.storage.prepared`). Values are always bound, never written into the SQL.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Date,
    and_,
    bindparam,
    case,
    func,
    literal_column,
    or_,
    select,
)

from mash_desk.domain.enums import PersonKind, WorkStatus
from mash_desk.domain.meetings import DecisionStatus
from mash_desk.domain.routing import RoutingStatus
from mash_desk.storage.models import (
    AgencyCheckRequest,
    Contact,
    ContactChild,
    Decision,
    DecisionAction,
    Household,
    Person,
    Referral,
    Routing,
    ServiceEpisode,
    ThresholdAssessment,
    User,
)
from mash_desk.storage.prepared import Prepared

# In PersonDTO's field order (services/dto.py), as services.people.PERSON_DTO_COLUMNS.
CHILD_COLUMNS = (
    Person.id,
    Person.kind,
    Person.given_name,
    Person.family_name,
    Person.date_of_birth,
    Person.expected_delivery,
    Person.sex,
    Person.nhs_number,
    Person.upn,
    Person.local_id,
    Person.household_id,
    Household.postcode,
    Person.disability,
    Person.version,
)
_HANDED_OVER = [
    s.value for s in (RoutingStatus.COMPLETE, RoutingStatus.ACCEPTED, RoutingStatus.REJECTED)
]
# Sizes the per-child statements are compiled for; a page of n children binds the next size
# up, the last id repeated (a repeated value in IN changes nothing). services.search shows at
# most 50 (RESULT_LIMIT), merge candidates no more.
_SIZES = (1, 2, 4, 8, 16, 32, 64)


def not_merged(person: Any) -> ColumnElement[bool]:
    """Records in use, written so no planner reads them through the ``merged_into`` index.

    Without statistics SQLite takes ``merged_into IS NULL`` (true of nearly every row) for
    the narrowest index and reads the whole table through it; wrapped in ``coalesce`` it
    filters the rows the name, date, NHS-number or postcode index found.
    """
    return func.coalesce(person.merged_into, 0) == 0


def partner_scope() -> ColumnElement[bool]:
    """The children a partner rep's agency may see (``user_id``): asked, routed, actioned.

    The same three doors the partner inbox opens (checks, routings, actions) and no other;
    the agency is the user's stored one, read inside the statement. Each door is an EXISTS on
    the candidate's own rows (index look-ups for the few children the name found), not the
    set of every child the agency was ever asked about: that set grew with history and, on a
    server, every row of it passed the row-security checks (1 s on ten years).
    """
    agency = select(User.agency_id).where(User.id == bindparam("user_id")).scalar_subquery()
    asked = (
        select(Referral.id)
        .join(AgencyCheckRequest, AgencyCheckRequest.referral_id == Referral.id)
        .where(Referral.person_id == Person.id, AgencyCheckRequest.agency_id == agency)
    )
    routed = select(Routing.id).where(
        Routing.person_id == Person.id,
        Routing.to_agency_id == agency,
        # One bound value each: a list would render an expanding IN, which Prepared cannot run.
        Routing.status.in_([bindparam(f"handed{i}", v) for i, v in enumerate(_HANDED_OVER)]),
    )
    actioned = (
        select(Decision.id)
        .join(DecisionAction, DecisionAction.decision_id == Decision.id)
        .where(
            Decision.person_id == Person.id,
            Decision.status == DecisionStatus.SIGNED.value,
            or_(
                DecisionAction.owner_agency_id == agency,
                DecisionAction.owner_user_id == bindparam("user_id"),
            ),
        )
    )
    return or_(asked.exists(), routed.exists(), actioned.exists())


def _name_condition(names: int) -> ColumnElement[bool]:
    """Phonetic match on the name keys (indexed): one name (``key``), or two either way round.

    Two names (``first``, ``last``): "Amira Hassan" also finds "Hassan Amira".
    """
    if names == 1:
        key: BindParameter[str] = bindparam("key")
        return or_(Person.family_key == key, Person.given_key == key)
    first: BindParameter[str] = bindparam("first")
    last: BindParameter[str] = bindparam("last")
    return or_(
        and_(Person.given_key == first, Person.family_key == last),
        and_(Person.given_key == last, Person.family_key == first),
    )


@cache
def candidates(
    names: int, dates: int, nhs: bool, postcode: bool, household: bool, partner: bool
) -> Prepared:
    """Children in use matching every criterion given, by name then id (``limit`` rows).

    ``names``: 0, 1 or 2 name keys; ``dates``: how many dates of birth (``dob0``, ``dob1``);
    ``nhs``, ``postcode``, ``household``: whether those are bound; ``partner``: only the
    children of ``user_id``'s agency (:func:`partner_scope`).
    """
    found: list[ColumnElement[bool]] = [not_merged(Person), Person.kind == PersonKind.CHILD.value]
    if nhs:
        found.append(Person.nhs_number == bindparam("nhs"))
    if names:
        found.append(_name_condition(names))
    if dates:
        found.append(
            Person.date_of_birth.in_([bindparam(f"dob{i}", type_=Date) for i in range(dates)])
        )
    if postcode:
        found.append(Household.postcode == bindparam("postcode"))
    if household:
        found.append(Person.household_id == bindparam("household"))
    if partner:
        found.append(partner_scope())
    return Prepared(
        select(*CHILD_COLUMNS)
        .outerjoin(Household, Household.id == Person.household_id)
        .where(*found)
        .order_by(Person.family_name, Person.given_name, Person.id)
        .limit(bindparam("limit"))
    )


def _contacts(ids: ColumnElement[bool]) -> Any:
    return (
        select(
            ContactChild.person_id,
            func.sum(case((ContactChild.status == WorkStatus.OPEN.value, 1), else_=0)),
            func.max(Contact.received_at),
            func.count(),
        )
        .join(Contact, Contact.id == ContactChild.contact_id)
        .where(ids)
        .group_by(ContactChild.person_id)
    )


def _referrals(ids: ColumnElement[bool]) -> Any:
    return select(Referral.person_id, Referral.referral_at, Referral.status).where(ids)


def _levels(ids: ColumnElement[bool]) -> Any:
    return (
        select(ThresholdAssessment.person_id, ThresholdAssessment.chosen_level)
        .where(ids, ThresholdAssessment.kind != "qa")
        .order_by(ThresholdAssessment.assessed_at, ThresholdAssessment.id)
    )


def _decisions(ids: ColumnElement[bool]) -> Any:
    return (
        select(Decision.person_id, Decision.outcome, Decision.signed_at)
        # Written into the SQL, not bound: bound, SQLite planned the search through the partial
        # draft index (uq_decisions_one_draft) and ran five times slower.
        .where(ids, Decision.status == literal_column(f"'{DecisionStatus.SIGNED.value}'"))
        .order_by(Decision.signed_at, Decision.id)
    )


def _services(ids: ColumnElement[bool]) -> Any:
    today = bindparam("today", type_=Date)
    return select(ServiceEpisode.person_id, ServiceEpisode.service).where(
        ids,
        ServiceEpisode.started_on <= today,
        ServiceEpisode.ended_on.is_(None) | (ServiceEpisode.ended_on > today),
    )


_FACTS: dict[str, tuple[Any, Callable[[ColumnElement[bool]], Any]]] = {
    "contacts": (ContactChild.person_id, _contacts),
    "referrals": (Referral.person_id, _referrals),
    "levels": (ThresholdAssessment.person_id, _levels),
    "decisions": (Decision.person_id, _decisions),
    "services": (ServiceEpisode.person_id, _services),
}
FACTS = tuple(_FACTS)
"""What is known of each child shown, one statement each (services.search.with_facts):

``contacts`` (person, open count, last received, total), ``referrals`` (person, referral_at,
status), ``levels`` (person, chosen level; latest last), ``decisions`` (signed: person,
outcome, signed_at; latest last), ``services`` (person, service open on ``today``)."""


@cache
def facts_of(kind: str, size: int) -> Prepared:
    """The statement of ``kind`` (one of :data:`FACTS`) for a bucket from :func:`facts_ids`."""
    column, build = _FACTS[kind]
    return Prepared(build(column.in_([bindparam(f"p{i}") for i in range(size)])))


def facts_ids(ids: Sequence[int]) -> tuple[int, dict[str, Any]]:
    """The page-size bucket for ``ids`` and their parameters, the same for every kind."""
    size = next((s for s in _SIZES if s >= len(ids)), None)
    if size is None:  # more than any page shows: compiled once for this exact count
        size = len(ids)
    last = len(ids) - 1
    return size, {f"p{i}": ids[min(i, last)] for i in range(size)}


def make_likely_statements() -> None:
    """Make the statements a first search most likely runs, for the desk's warm-up.

    A search by name, with or without a date of birth, as a MASH worker or a partner rep;
    and what is known of the children found, for every page-size bucket. The other
    combinations (NHS number, postcode, household) are made on first use.
    """
    for names, dates, partner in itertools.product((1, 2), (0, 1), (False, True)):
        candidates(names, dates, False, False, False, partner)
    for kind, size in itertools.product(FACTS, _SIZES):
        facts_of(kind, size)
