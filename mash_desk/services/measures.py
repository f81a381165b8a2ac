"""The front door's measures for a month or a range of months (issue 15 item 1).

Managers, chairs and performance officers (``Permission.VIEW_MEASURES``) read each measure
of the measures file (``domain.measures``) for a period: the value, its numerator and
denominator, the target and its direction, the same figure for the period before, one figure
per month (for trend charts) and the breakdowns the file asks for (by RAG, agency, outcome,
source ...). The database does the counting (``services.measure_queries``); only the
per-month totals come back, so nothing here names or identifies a child, and a performance
officer's aggregate-only login can run all of it.

The dashboard and the board report use :meth:`MeasureService.compute` (every measure, or a
chosen few) and read :class:`MeasureResult` objects; ``mash-desk report measures`` prints
them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from mash_desk.domain.enums import OUTCOME_LABELS, REFERRAL_SOURCES, Channel, ContactOutcome
from mash_desk.domain.errors import FieldError, ValidationError
from mash_desk.domain.measures import (
    Breakdown,
    ChildPopulation,
    Direction,
    Measure,
    MeasureCatalogue,
    MeasureUnit,
    MonthPeriod,
    shipped_child_population,
    shipped_measures,
)
from mash_desk.domain.permissions import Permission
from mash_desk.services.context import Service, ServiceContext, Unit
from mash_desk.services.dto import Actor
from mash_desk.services.measure_queries import (
    AGREEMENT,
    FIGURES,
    Figure,
    Window,
    agreement_pairs,
    figure_select,
)
from mash_desk.services.quality import cohens_kappa
from mash_desk.storage.models import Agency, Referral

# Ten years of months: the longest history the dashboard charts (issue 15 item 2).
MAX_MONTHS = 120

BREAKDOWN_TITLES = {
    Breakdown.RAG: "By RAG rating",
    Breakdown.AGENCY: "By agency",
    Breakdown.OUTCOME: "By outcome",
    Breakdown.SOURCE: "By referral source",
    Breakdown.CHANNEL: "By channel",
    Breakdown.KIND: "By kind of move",
    Breakdown.LEVEL: "By original threshold level",
}
_KIND_LABELS = {"step_up": "Step up", "step_down": "Step down", "transfer": "Transfer"}
_NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class MonthFigure:
    """One month's figure (or a whole period's): value, numerator and denominator."""

    month: date
    value: float | None
    numerator: int
    denominator: int | None


@dataclass(frozen=True)
class BreakdownItem:
    """One group of a breakdown over the period.

    Attributes:
        key: the stored code (``"red"``, ``"police"``, ``"6"``), ``""`` when not recorded.
        label: what a reader sees.
        value: the group's figure, in the breakdown's unit.
        numerator: counted in the group.
        denominator: the group's denominator (None for a count).
        share: for a count, the group's share of the measure's total in percent (None for a
            rate).
        series: the group's figure month by month.
    """

    key: str
    label: str
    value: float | None
    numerator: int
    denominator: int | None
    share: float | None
    series: tuple[MonthFigure, ...]


@dataclass(frozen=True)
class BreakdownResult:
    """A measure split by one dimension, largest group first."""

    dimension: Breakdown
    title: str
    unit: MeasureUnit
    items: tuple[BreakdownItem, ...]


@dataclass(frozen=True)
class MeasureResult:
    """One measure computed for a period: what a dashboard tile and a report row show.

    Attributes:
        measure: the measure as defined in the file (name, definition, source ...).
        period: the months computed.
        value: the figure (None when there is nothing to divide by).
        numerator: what was counted.
        denominator: what it was divided by (None for a count; the population for a rate per
            10,000 children).
        previous: the same figure for the period of equal length just before.
        series: the figure for each month of the period, oldest first.
        breakdowns: the breakdowns the file lists for the measure.
        team_applied: False when a team was asked for but the measure's rows carry no team
            (the figure is then the whole MASH's).
    """

    measure: Measure
    period: MonthPeriod
    value: float | None
    numerator: int
    denominator: int | None
    previous: MonthFigure
    series: tuple[MonthFigure, ...]
    breakdowns: tuple[BreakdownResult, ...]
    team_applied: bool

    @property
    def target(self) -> float | None:
        """The measure's target."""
        return self.measure.target

    @property
    def direction(self) -> Direction:
        """Which side of the target is good."""
        return self.measure.direction

    @property
    def previous_value(self) -> float | None:
        """Last period's value."""
        return self.previous.value

    @property
    def on_target(self) -> bool | None:
        """Whether the value meets the target (None without a target or a value)."""
        if self.value is None or self.measure.target is None:
            return None
        if self.measure.direction is Direction.LOWER:
            return self.value <= self.measure.target
        return self.value >= self.measure.target

    @property
    def improved(self) -> bool | None:
        """Whether the value moved the good way since last period (None: no good way)."""
        if self.value is None or self.previous.value is None or self.value == self.previous.value:
            return None
        if self.measure.direction is Direction.NONE:
            return None
        up = self.value > self.previous.value
        return up if self.measure.direction is Direction.HIGHER else not up


@dataclass(frozen=True)
class MeasuresReport:
    """Every measure asked for, for one period (and team)."""

    catalogue_id: str
    catalogue_version: int
    title: str
    period: MonthPeriod
    team: str | None
    computed_at: datetime
    population: ChildPopulation
    results: tuple[MeasureResult, ...]

    def get(self, measure_id: str) -> MeasureResult:
        """The result of the measure called ``measure_id``.

        Raises:
            KeyError: the measure was not computed.
        """
        for result in self.results:
            if result.measure.id == measure_id:
                return result
        raise KeyError(measure_id)


def format_value(value: float | None, unit: MeasureUnit) -> str:
    """A figure as a reader sees it: ``"1,234"``, ``"11.5 %"``, ``"7.3"``, ``"0.72"``, ``"–"``."""
    if value is None:
        return "–"
    if unit is MeasureUnit.COUNT:
        return f"{value:,.0f}"
    if unit is MeasureUnit.PERCENT:
        return f"{value:.1f} %"
    if unit is MeasureUnit.COEFFICIENT:
        return f"{value:.2f}"
    return f"{value:.1f}"


Counts = dict[int, tuple[int, int | None]]


def _wanted(breakdowns: bool | Collection[str], measure_id: str) -> bool:
    return breakdowns if isinstance(breakdowns, bool) else measure_id in breakdowns


class MeasureService(Service):
    """Compute the measures of a measures file for a period."""

    def __init__(
        self,
        ctx: ServiceContext,
        catalogue: MeasureCatalogue | None = None,
        population: ChildPopulation | None = None,
    ):
        """Use ``catalogue`` and ``population`` (default: the shipped files)."""
        super().__init__(ctx)
        self._catalogue = catalogue
        self._population = population

    @property
    def definitions(self) -> MeasureCatalogue:
        """The measures file in use (no figures: safe to show anyone)."""
        if self._catalogue is None:
            self._catalogue = shipped_measures()
        return self._catalogue

    @property
    def population(self) -> ChildPopulation:
        """The child population the rates per 10,000 use."""
        if self._population is None:
            self._population = shipped_child_population()
        return self._population

    def teams(self, actor: Actor) -> tuple[str, ...]:
        """The teams referrals have been given, for a team filter's choices."""
        with self.reading(actor, Permission.VIEW_MEASURES) as unit:
            rows = unit.conn.execute(
                select(Referral.team).distinct().where(Referral.team.is_not(None))
            ).scalars()
            return tuple(sorted(team for team in rows if team is not None))

    def compute(
        self,
        actor: Actor,
        period: MonthPeriod,
        *,
        team: str | None = None,
        measures: Sequence[str] | None = None,
        breakdowns: bool | Collection[str] = True,
    ) -> MeasuresReport:
        """Compute ``measures`` (default: all of the file) for ``period`` and ``team``.

        ``breakdowns`` is False for none, or the ids of the measures whose breakdowns are
        wanted: a chart's trend needs only the monthly series of most measures, and each
        breakdown is a grouped read of its own.

        Raises:
            PermissionDenied: the actor's role may not read measures.
            ValidationError: the period ends after this month or is over ten years, or a
                measure id is not in the file (each names its field).
        """
        chosen = self._check(period, measures)
        team = (team or "").strip() or None
        with self.reading(actor, Permission.VIEW_MEASURES) as unit:
            window = Window(
                starts=(*period.previous.month_starts(), *period.month_starts(), period.end),
                tz=self.ctx.tz,
                now=unit.now,
                team=team,
                dialect=unit.conn.dialect.name,
            )
            agencies = dict(unit.conn.execute(select(Agency.code, Agency.name)).all())
            results = tuple(
                self._result(unit, window, period, m, agencies, _wanted(breakdowns, m.id))
                for m in chosen
            )
            computed_at = unit.now
        catalogue = self.definitions
        return MeasuresReport(
            catalogue.id,
            catalogue.version,
            catalogue.title,
            period,
            team,
            computed_at,
            self.population,
            results,
        )

    def _check(self, period: MonthPeriod, measures: Sequence[str] | None) -> list[Measure]:
        errors: list[FieldError] = []
        this_month = self.ctx.today().replace(day=1)
        if period.last > this_month:
            errors.append(
                FieldError(
                    "month",
                    "future",
                    f"{period.last:%B %Y} has not started yet; choose {this_month:%B %Y} "
                    "or an earlier month",
                )
            )
        if period.months > MAX_MONTHS:
            errors.append(
                FieldError(
                    "months",
                    "range",
                    f"A period is at most {MAX_MONTHS} months (ten years), not {period.months}",
                )
            )
        catalogue = self.definitions
        known = {m.id for m in catalogue.measures}
        unknown = [m for m in measures or () if m not in known]
        if unknown:
            errors.append(
                FieldError(
                    "measures",
                    "unknown",
                    f"No measure {', '.join(unknown)} in {catalogue.title} (version "
                    f"{catalogue.version}); the measures are {', '.join(sorted(known))}",
                )
            )
        if errors:
            raise ValidationError(errors)
        wanted = set(measures) if measures else known
        return [m for m in catalogue.measures if m.id in wanted]

    # --- one measure --------------------------------------------------------------------------

    def _result(
        self,
        unit: Unit,
        window: Window,
        period: MonthPeriod,
        measure: Measure,
        agencies: dict[str, str],
        with_breakdowns: bool = True,
    ) -> MeasureResult:
        n = period.months
        if measure.calculation == AGREEMENT:
            return self._agreement(unit, window, period, measure)
        figure = FIGURES[measure.calculation](window)
        wanted = measure.breakdowns if with_breakdowns else ()
        by_breakdown = {b: _keyed_counts(unit, figure, window, b) for b in wanted}
        if by_breakdown and figure.additive:
            # Every row falls in exactly one group of a breakdown (a missing key is a group of
            # its own), so the groups add up to the whole: no separate query for it.
            counts = _added(next(iter(by_breakdown.values())).values())
        else:
            counts = _keyed_counts(unit, figure, window, None)[""]
        current = self._summed(measure.unit, counts, range(n, 2 * n), period.last)
        previous = self._summed(measure.unit, counts, range(n), period.previous.last)
        breakdowns = tuple(
            self._breakdown(period, measure, b, keyed, current.numerator, agencies)
            for b, keyed in by_breakdown.items()
        )
        return MeasureResult(
            measure,
            period,
            current.value,
            current.numerator,
            current.denominator,
            previous,
            self._series(measure.unit, counts, period),
            breakdowns,
            team_applied=window.team is None or measure.by_team,
        )

    def _value(
        self, unit: MeasureUnit, num: int, den: int | None
    ) -> tuple[float | None, int | None]:
        if unit is MeasureUnit.COUNT:
            return float(num), None
        if unit is MeasureUnit.PER_10000:
            children = self.population.children
            return num * 10_000 / children, children
        if not den:
            return None, den or 0
        return 100 * num / den, den

    def _summed(
        self, unit: MeasureUnit, counts: Counts, months: Iterable[int], month: date
    ) -> MonthFigure:
        num = sum(counts.get(m, (0, 0))[0] for m in months)
        den = sum(counts.get(m, (0, 0))[1] or 0 for m in months)
        value, denominator = self._value(unit, num, den)
        return MonthFigure(month, value, num, denominator)

    def _series(
        self, unit: MeasureUnit, counts: Counts, period: MonthPeriod
    ) -> tuple[MonthFigure, ...]:
        n = period.months
        return tuple(
            self._summed(unit, counts, (n + i,), start)
            for i, start in enumerate(period.month_starts())
        )

    def _breakdown(
        self,
        period: MonthPeriod,
        measure: Measure,
        breakdown: Breakdown,
        by_key: dict[str, Counts],
        total: int,
        agencies: dict[str, str],
    ) -> BreakdownResult:
        n = period.months
        items = []
        for key, counts in by_key.items():
            whole = self._summed(measure.unit, counts, range(n, 2 * n), period.last)
            if whole.numerator == 0 and not whole.denominator:
                continue  # seen only last period
            share = (
                100 * whole.numerator / total
                if measure.unit is MeasureUnit.COUNT and total
                else None
            )
            items.append(
                BreakdownItem(
                    key,
                    _label(breakdown, key, agencies),
                    whole.value,
                    whole.numerator,
                    whole.denominator,
                    share,
                    self._series(measure.unit, counts, period),
                )
            )
        items.sort(
            key=lambda i: (-i.numerator if i.denominator is None else -(i.denominator), i.key)
        )
        return BreakdownResult(breakdown, BREAKDOWN_TITLES[breakdown], measure.unit, tuple(items))

    def _agreement(
        self, unit: Unit, window: Window, period: MonthPeriod, measure: Measure
    ) -> MeasureResult:
        n = period.months
        pairs: dict[int, list[tuple[int, int, int]]] = {}
        for month, original, rerate, count in unit.conn.execute(agreement_pairs(window)):
            pairs.setdefault(int(month), []).append((int(original), int(rerate), int(count)))

        def figure(months: Iterable[int], month: date) -> MonthFigure:
            table = [p for m in months for p in pairs.get(m, [])]
            rated = sum(c for _, _, c in table)
            agreed = sum(c for a, b, c in table if a == b)
            return MonthFigure(month, _kappa(table), agreed, rated)

        series = tuple(figure((n + i,), s) for i, s in enumerate(period.month_starts()))
        current = figure(range(n, 2 * n), period.last)
        breakdowns: tuple[BreakdownResult, ...] = ()
        if Breakdown.LEVEL in measure.breakdowns:
            breakdowns = (_agreement_by_level(pairs, period),)
        return MeasureResult(
            measure,
            period,
            current.value,
            current.numerator,
            current.denominator,
            figure(range(n), period.previous.last),
            series,
            breakdowns,
            team_applied=window.team is None,
        )


def _keyed_counts(
    unit: Unit, figure: Figure, window: Window, breakdown: Breakdown | None
) -> dict[str, Counts]:
    """Run one figure's query: key ("" for none or no breakdown) -> month -> counts."""
    result: dict[str, Counts] = {}
    for row in unit.conn.execute(figure_select(figure, window, breakdown)):
        month, num, den = row[0], row[-2], row[-1]
        key = "" if breakdown is None or row[1] is None else str(row[1])
        result.setdefault(key, {})[int(month)] = (int(num), None if den is None else int(den))
    return result or {"": {}}


def _added(groups: Iterable[Counts]) -> Counts:
    """Month by month, the sums of several groups' counts."""
    total: dict[int, tuple[int, int | None]] = {}
    for counts in groups:
        for month, (num, den) in counts.items():
            had_num, had_den = total.get(month, (0, None))
            total[month] = (
                had_num + num,
                None if den is None and had_den is None else (had_den or 0) + (den or 0),
            )
    return total


def _kappa(table: Sequence[tuple[int, int, int]]) -> float | None:
    """Cohen's kappa of a table of (original, re-rated, how many) level pairs."""
    # services.quality computes kappa from pairs; a month has at most a few hundred.
    return cohens_kappa([(a, b) for a, b, count in table for _ in range(count)])


def _agreement_by_level(
    pairs: dict[int, list[tuple[int, int, int]]], period: MonthPeriod
) -> BreakdownResult:
    n = period.months
    items = []
    levels = sorted({a for rows in pairs.values() for a, _, _ in rows})
    for level in levels:

        def share(months: Iterable[int], month: date, level: int = level) -> MonthFigure:
            rows = [(a, b, c) for m in months for a, b, c in pairs.get(m, []) if a == level]
            rated = sum(c for _, _, c in rows)
            agreed = sum(c for a, b, c in rows if a == b)
            return MonthFigure(month, 100 * agreed / rated if rated else None, agreed, rated)

        whole = share(range(n, 2 * n), period.last)
        if not whole.denominator:
            continue
        series = tuple(share((n + i,), s) for i, s in enumerate(period.month_starts()))
        items.append(
            BreakdownItem(
                str(level),
                f"Level {level}",
                whole.value,
                whole.numerator,
                whole.denominator,
                None,
                series,
            )
        )
    return BreakdownResult(
        Breakdown.LEVEL, "Agreement by original threshold level", MeasureUnit.PERCENT, tuple(items)
    )


def _label(breakdown: Breakdown, key: str, agencies: dict[str, str]) -> str:
    if not key:
        return _NOT_RECORDED
    labels: dict[Breakdown, Any] = {
        Breakdown.RAG: lambda k: k.title(),
        Breakdown.AGENCY: lambda k: agencies.get(k, k),
        Breakdown.OUTCOME: lambda k: (
            OUTCOME_LABELS.get(ContactOutcome(k), k)
            if k in {o.value for o in ContactOutcome}
            else k
        ),
        Breakdown.SOURCE: lambda k: f"{k}: {REFERRAL_SOURCES[k]}" if k in REFERRAL_SOURCES else k,
        Breakdown.CHANNEL: lambda k: (
            k.replace("_", " ").capitalize() if k in {c.value for c in Channel} else k
        ),
        Breakdown.KIND: lambda k: _KIND_LABELS.get(k, k),
        Breakdown.LEVEL: lambda k: f"Level {k}",
    }
    return str(labels[breakdown](key))
