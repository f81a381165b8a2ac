"""The children behind a dashboard figure (issue 15 item 2: "every figure drills down").

A manager or chair who reads "Referral decisions within one working day: 92 %" asks which
children were late. :meth:`MeasureChildrenService.children` lists them: the rows the measure
counted for the period (and team, and one breakdown group if asked), each with the child's
name, the date of the piece of work and whether it counts in the figure's numerator.

The rows are chosen by the same definitions the figure is computed from
(``services.measure_queries.FIGURES``: the joined tables, the month column, the numerator and
the conditions every counted row meets), read here, never copied, so the list and the figure
cannot drift apart.

Only roles that may open case records (``Permission.VIEW_CASE``) and read measures get the
list, and each child listed is written to the access log in the same transaction: a list of
names is a look at those children. A performance officer, who sees counts only (issue 13
item 3), is refused before anything is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, case, func, literal, select

from mash_desk.domain.errors import FieldError, ValidationError
from mash_desk.domain.measures import Breakdown, Measure, MonthPeriod
from mash_desk.domain.permissions import Permission, require
from mash_desk.services.access import record_access
from mash_desk.services.context import Service
from mash_desk.services.dto import Actor
from mash_desk.services.measure_queries import FIGURES, Figure, Window
from mash_desk.services.measures import MAX_MONTHS, MeasureService
from mash_desk.storage.models import Contact, ContactChild, Person, Referral, Routing

MEASURE_CHILDREN_VIEW = "measure.children"
"""``access_log.what`` of a drill-down list (``services.access.WHAT_LABELS`` reads it)."""

# A list longer than a screenful is not read child by child; 500 rows is about three weeks of
# the front door's contacts (domain brief §9: about 37 a working day). Each listed child is an
# access row, so the cap also keeps one click from writing thousands of them.
MAX_ROWS = 500

# Which column holds the child of each calculation's rows, and what one row is.
_REFERRAL = (Referral.person_id, "Referral")
_CHILD_ON_CONTACT = (ContactChild.person_id, "Contact")
_PERSON_OF: dict[str, tuple[Any, str]] = {
    "contacts_received": _CHILD_ON_CONTACT,
    "referrals_made": _REFERRAL,
    "contact_referral_conversion": _CHILD_ON_CONTACT,
    "re_referrals": _REFERRAL,
    "referrals_with_service": _REFERRAL,
    "referral_decisions_in_time": _REFERRAL,
    "rag_decisions_in_time": _CHILD_ON_CONTACT,
    "agency_checks_in_time": (Referral.person_id, "Agency check"),
    "contact_outcomes": _CHILD_ON_CONTACT,
    "routings": (Routing.person_id, "Routing"),
    "strategy_to_s47": (Referral.person_id, "Strategy discussion"),
    "s47_started": (Referral.person_id, "Section 47 enquiry"),
    "icpc_in_time": (Referral.person_id, "Initial conference"),
    "feedback_in_time": (Referral.person_id, "Referrer feedback"),
    "consent_recorded": _CHILD_ON_CONTACT,
}
DRILLABLE_CALCULATIONS = frozenset(_PERSON_OF)
"""Calculations whose children can be listed (kappa's re-ratings are QA samples, not a list
of children's work: the consistency-QA screen shows those)."""


class Part(StrEnum):
    """Which of the counted rows to list."""

    COUNTED = "counted"
    """In the numerator (every row of a count)."""
    NOT_COUNTED = "not_counted"
    """In the denominator but not the numerator (e.g. the late ones)."""
    ALL = "all"
    """The whole denominator."""


@dataclass(frozen=True)
class ChildRow:
    """One piece of work behind a figure.

    Attributes:
        person_id: the child's record (opens the case).
        name: the child's name as recorded.
        date_of_birth: the child's date of birth, if known.
        item: what the row is ("Contact", "Referral", "Agency check" ...).
        on: the local date that placed it in the period.
        counted: whether it counts in the numerator (always True for a count).
    """

    person_id: int
    name: str
    date_of_birth: date | None
    item: str
    on: date
    counted: bool


@dataclass(frozen=True)
class MeasureChildren:
    """The children behind one figure, newest first.

    Attributes:
        measure: the measure.
        period: the months.
        team: the team filter, or None.
        breakdown: the breakdown whose group was asked for, or None.
        key: that group's stored key (``""``: not recorded).
        part: which rows were listed.
        rows: at most :data:`MAX_ROWS` of them.
        matching: how many rows the part holds (more than ``rows`` when cut).
        counted: rows in the numerator (the whole denominator's, whatever ``part``).
        total: rows in the denominator (or the count).
    """

    measure: Measure
    period: MonthPeriod
    team: str | None
    breakdown: Breakdown | None
    key: str | None
    part: Part
    rows: tuple[ChildRow, ...]
    matching: int
    counted: int
    total: int

    @property
    def cut(self) -> bool:
        """Whether more rows matched than are listed."""
        return self.matching > len(self.rows)


class MeasureChildrenService(Service):
    """List the children behind a measure's figure, logging each one listed."""

    def __init__(self, ctx: Any, measures: MeasureService | None = None):
        """Read definitions from ``measures`` (default: a service over the shipped files)."""
        super().__init__(ctx)
        self._measures = measures or MeasureService(ctx)

    def drillable(self, measure_id: str) -> bool:
        """Whether a measure's children can be listed (no database read; safe for anyone)."""
        try:
            measure = self._measures.definitions.get(measure_id)
        except KeyError:
            return False
        return measure.calculation in DRILLABLE_CALCULATIONS

    def children(
        self,
        actor: Actor,
        measure_id: str,
        period: MonthPeriod,
        *,
        team: str | None = None,
        breakdown: Breakdown | None = None,
        key: str | None = None,
        part: Part = Part.COUNTED,
    ) -> MeasureChildren:
        """The children behind ``measure_id``'s figure for ``period`` (newest first).

        Raises:
            PermissionDenied: the role may not open case records or read measures.
            ValidationError: the measure is unknown or has no list of children, the
                breakdown is not one of the measure's, or the period is out of range.
        """
        measure = self._check(measure_id, period, breakdown)
        team = (team or "").strip() or None
        with self.writing(actor, Permission.VIEW_CASE) as unit:
            require(unit.role, Permission.VIEW_MEASURES)
            window = Window(
                starts=(*period.month_starts(), period.end),
                tz=self.ctx.tz,
                now=unit.now,
                team=team,
                dialect=unit.conn.dialect.name,
            )
            fig = FIGURES[measure.calculation](window)
            rows_q = _rows(measure, fig, window, breakdown, key)
            listed = rows_q.subquery("listed")
            tally: dict[int, int] = dict(
                unit.conn.execute(
                    select(listed.c.counted, func.count()).group_by(listed.c.counted)
                ).all()
            )
            chosen = select(listed)
            if part is not Part.ALL:
                chosen = chosen.where(listed.c.counted == (1 if part is Part.COUNTED else 0))
            ordered = chosen.order_by(listed.c.at.desc(), listed.c.person_id)
            found = unit.conn.execute(ordered.limit(MAX_ROWS)).all()
            rows = tuple(_child_row(r, measure, self.ctx.tz, fig.by_date) for r in found)
            for person_id in dict.fromkeys(r.person_id for r in rows):
                record_access(
                    unit,
                    person_id,
                    MEASURE_CHILDREN_VIEW,
                    f"{measure.id}, {period.label}" + (f", {team}" if team else ""),
                )
        counted = int(tally.get(1, 0))
        total = counted + int(tally.get(0, 0))
        matching = {Part.COUNTED: counted, Part.NOT_COUNTED: total - counted}.get(part, total)
        return MeasureChildren(
            measure, period, team, breakdown, key, part, rows, matching, counted, total
        )

    def _check(self, measure_id: str, period: MonthPeriod, breakdown: Breakdown | None) -> Measure:
        errors: list[FieldError] = []
        catalogue = self._measures.definitions
        try:
            measure: Measure | None = catalogue.get(measure_id)
        except KeyError:
            measure = None
            errors.append(
                FieldError("measure", "unknown", f"No measure {measure_id} in {catalogue.title}")
            )
        if measure is not None and measure.calculation not in DRILLABLE_CALCULATIONS:
            errors.append(
                FieldError(
                    "measure",
                    "no_children",
                    f"{measure.name} counts re-ratings of QA samples, not children's work; "
                    "the consistency checks list them",
                )
            )
        if measure is not None and breakdown is not None and breakdown not in measure.breakdowns:
            errors.append(
                FieldError(
                    "breakdown", "unknown", f"{measure.name} is not broken down {breakdown.value}"
                )
            )
        this_month = self.ctx.today().replace(day=1)
        if period.last > this_month:
            errors.append(FieldError("month", "future", f"{period.last:%B %Y} has not started yet"))
        if period.months > MAX_MONTHS:
            errors.append(FieldError("months", "range", f"A period is at most {MAX_MONTHS} months"))
        if errors:
            raise ValidationError(errors)
        assert measure is not None
        return measure


def _rows(
    measure: Measure,
    fig: Figure,
    window: Window,
    breakdown: Breakdown | None,
    key: str | None,
) -> Select[Any]:
    """``SELECT DISTINCT person_id, names, birth date, at, counted`` of the figure's rows."""
    person, _item = _PERSON_OF[measure.calculation]
    source = fig.source
    if measure.calculation == "contacts_received":
        # A contact counts once; its children are the ones behind it.
        source = source.join(ContactChild, ContactChild.contact_id == Contact.id)
    source = source.join(Person, Person.id == person)
    edges: Sequence[Any] = window.starts if fig.by_date else window.instants
    counted = case((fig.numerator, 1), else_=0) if fig.numerator is not None else literal(1)
    query = (
        select(
            person.label("person_id"),
            Person.given_name,
            Person.family_name,
            Person.date_of_birth,
            fig.when.label("at"),
            counted.label("counted"),
        )
        .select_from(source)
        .where(fig.when >= edges[0], fig.when < edges[-1], *fig.where)
        .distinct()
    )
    if window.team is not None and fig.team is not None:
        query = query.where(fig.team == window.team)
    if breakdown is not None:
        assert fig.keys is not None
        column = fig.keys[breakdown]
        query = query.where(column.is_(None) if not key else column == key)
    return query


def _child_row(row: Any, measure: Measure, tz: Any, by_date: bool) -> ChildRow:
    _person, item = _PERSON_OF[measure.calculation]
    at = row.at
    on = at if by_date or not isinstance(at, datetime) else at.astimezone(tz).date()
    return ChildRow(
        int(row.person_id),
        f"{row.given_name} {row.family_name}".strip(),
        row.date_of_birth,
        item,
        on,
        bool(row.counted),
    )
