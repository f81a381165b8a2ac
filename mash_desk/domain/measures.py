"""What managers measure (domain brief §9), read from a versioned file a council can edit.

A measures file (``resources/measures/measures-v1.yaml`` ships with the app) lists each
measure: its name and plain-English definition, what is counted and what it is divided by,
the seed line or statutory return it comes from, its target and which side of the target is
good, and which *calculation* the database runs for it (the calculations are code, listed in
:data:`CALCULATIONS`; the file chooses among them). :func:`load_measures` checks the whole
file and reports every problem at once, each naming the measure and the field.

The child population (the denominator of "s47 per 10,000 children") is reference data of its
own (``resources/reference/child_population.yaml``), read by :func:`load_child_population`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from mash_desk.domain.yaml_values import (
    ResourceFileError,
    YamlChecker,
    kind_of,
    parse_yaml,
    read_resource,
)

# The shipped file is about 11 KB; 256 KiB leaves room for a council's own measures and
# comments, while a wrong file (an export, a log) is refused before YAML parsing.
MEASURES_MAX_BYTES = 256 * 1024
# The population file is a few lines.
POPULATION_MAX_BYTES = 16 * 1024

# A measure's id is the key the board report's charts and the dashboard name it by
# (reporting/board_content.py): a plain identifier. The 40 is the desk's own choice (no outside
# source), long enough for the shipped ids, the longest of which is under 30.
_ID = re.compile(r"[a-z][a-z0-9_]{0,39}")


class MeasuresError(ResourceFileError):
    """A measures (or population, or neighbours) file could not be used; lists every problem.

    Each problem says where it is: ``measures[3] (re_referral_rate).target`` and its line, a
    top-level key, or ``file`` when the file as a whole is unreadable.
    """

    what = "measures file"


class MeasureUnit(StrEnum):
    """What a measure's value is."""

    COUNT = "count"
    PERCENT = "percent"
    PER_10000 = "per_10000"
    COEFFICIENT = "coefficient"
    """A statistic such as Cohen's kappa (-1 to 1)."""


class Direction(StrEnum):
    """Which side of the target is good."""

    HIGHER = "higher"
    LOWER = "lower"
    NONE = "none"
    """A volume or context figure: no side is good."""


class Breakdown(StrEnum):
    """A dimension a figure can be split by."""

    RAG = "rag"
    AGENCY = "agency"
    OUTCOME = "outcome"
    SOURCE = "source"
    CHANNEL = "channel"
    KIND = "kind"
    LEVEL = "level"


@dataclass(frozen=True)
class Calculation:
    """One computation the database knows how to run, and what it gives.

    Attributes:
        unit: the unit its value is in.
        breakdowns: the dimensions it can be split by.
        by_team: whether the rows it counts carry a team (the team filter applies).
    """

    unit: MeasureUnit
    breakdowns: frozenset[Breakdown] = frozenset()
    by_team: bool = True

    @property
    def is_rate(self) -> bool:
        """Whether the value divides a numerator by a denominator."""
        return self.unit is not MeasureUnit.COUNT


def _calc(unit: MeasureUnit, *breakdowns: Breakdown, by_team: bool = True) -> Calculation:
    return Calculation(unit, frozenset(breakdowns), by_team)


_B = Breakdown
_U = MeasureUnit
# The calculations services.measure_queries implements (a test holds the two lists equal).
# Contacts, routings and QA re-ratings carry no team: a contact arrives before any team takes
# it, a routing moves a child between services, a re-rating is about a practitioner's level.
CALCULATIONS: dict[str, Calculation] = {
    "contacts_received": _calc(_U.COUNT, _B.SOURCE, _B.CHANNEL, by_team=False),
    "referrals_made": _calc(_U.COUNT, _B.SOURCE, _B.RAG),
    "contact_referral_conversion": _calc(_U.PERCENT, _B.SOURCE),
    "re_referrals": _calc(_U.PERCENT, _B.SOURCE, _B.RAG),
    "referrals_with_service": _calc(_U.PERCENT, _B.SOURCE, _B.RAG),
    "referral_decisions_in_time": _calc(_U.PERCENT, _B.RAG),
    "rag_decisions_in_time": _calc(_U.PERCENT, _B.RAG),
    "agency_checks_in_time": _calc(_U.PERCENT, _B.AGENCY, _B.RAG),
    "contact_outcomes": _calc(_U.COUNT, _B.OUTCOME),
    "routings": _calc(_U.COUNT, _B.KIND, _B.AGENCY, by_team=False),
    "strategy_to_s47": _calc(_U.PERCENT),
    "s47_started": _calc(_U.PER_10000),
    "icpc_in_time": _calc(_U.PERCENT),
    "feedback_in_time": _calc(_U.PERCENT),
    "consent_recorded": _calc(_U.PERCENT, _B.RAG),
    "threshold_agreement": _calc(_U.COEFFICIENT, _B.LEVEL, by_team=False),
}

PERIODS = ("month",)


@dataclass(frozen=True)
class Measure:
    """One validated measure of the file.

    Attributes:
        id: stable key.
        name: what a manager reads.
        definition: plain-English definition.
        calculation: the key of the computation in :data:`CALCULATIONS`.
        numerator: what is counted.
        denominator: what it is divided by (None for a count).
        period: ``"month"``.
        unit: the unit of the value.
        target: the target value (a percent as 0–100), or None.
        direction: which side of the target is good.
        breakdowns: the dimensions shown beside the figure.
        source: the seed line or statutory return.
    """

    id: str
    name: str
    definition: str
    calculation: str
    numerator: str
    denominator: str | None
    period: str
    unit: MeasureUnit
    target: float | None
    direction: Direction
    breakdowns: tuple[Breakdown, ...]
    source: str

    @property
    def by_team(self) -> bool:
        """Whether a team filter applies to this measure's rows."""
        return CALCULATIONS[self.calculation].by_team


@dataclass(frozen=True)
class MeasureCatalogue:
    """A validated measures file: its identity and the measures in file order."""

    id: str
    version: int
    title: str
    measures: tuple[Measure, ...]

    def get(self, measure_id: str) -> Measure:
        """Return the measure called ``measure_id``.

        Raises:
            KeyError: no such measure in this file.
        """
        for measure in self.measures:
            if measure.id == measure_id:
                return measure
        raise KeyError(measure_id)


@dataclass(frozen=True)
class ChildPopulation:
    """How many children live in the area: the denominator of rates per 10,000 children."""

    area: str
    children: int
    as_of: int
    source: str


# --- months ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthPeriod:
    """Whole calendar months: ``months`` of them ending with the month of ``last``.

    Attributes:
        last: the first day of the period's last month.
        months: how many months (1 for one month).
    """

    last: date
    months: int = 1

    def __post_init__(self) -> None:
        """Refuse a ``last`` that is not the first of a month, or a length under one."""
        if self.last.day != 1:
            raise ValueError(f"a month period's last month must be a first day, got {self.last}")
        if self.months < 1:
            raise ValueError(f"a period has at least one month, got {self.months}")

    @classmethod
    def parse(cls, text: str, months: int = 1) -> MonthPeriod:
        """Build the period ending with the month ``YYYY-MM``.

        Raises:
            ValueError: ``text`` is not a month written YYYY-MM, or ``months`` is below 1.
        """
        if not re.fullmatch(r"\d{4}-\d{2}", text.strip()):
            raise ValueError(f"{text!r} is not a month (expected YYYY-MM, e.g. 2026-11)")
        year, month = (int(p) for p in text.strip().split("-"))
        if not 1 <= month <= 12:
            raise ValueError(f"{text!r} is not a month (the month is 01 to 12)")
        return cls(date(year, month, 1), months)

    def month_starts(self) -> tuple[date, ...]:
        """The first day of each month of the period, oldest first."""
        return tuple(add_months(self.last, -n) for n in range(self.months - 1, -1, -1))

    @property
    def first(self) -> date:
        """The first day of the period."""
        return add_months(self.last, 1 - self.months)

    @property
    def end(self) -> date:
        """The day after the period (the first of the month after it)."""
        return add_months(self.last, 1)

    @property
    def previous(self) -> MonthPeriod:
        """The period of the same length just before this one."""
        return MonthPeriod(add_months(self.last, -self.months), self.months)

    @property
    def label(self) -> str:
        """``"Nov 2026"`` or ``"Jun 2026 to Nov 2026"``."""
        if self.months == 1:
            return f"{self.last:%b %Y}"
        return f"{self.first:%b %Y} to {self.last:%b %Y}"

    def boundaries(self, tz: ZoneInfo) -> tuple[datetime, ...]:
        """Local midnights starting each month, then the end: ``months + 1`` aware instants."""
        return tuple(datetime.combine(day, time(), tz) for day in (*self.month_starts(), self.end))


def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after (or before, if negative) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


# --- loading ---------------------------------------------------------------------------------


def _read_yaml(path: Path, limit: int, what: str) -> object:
    return parse_yaml(read_resource(path, limit, what, MeasuresError), path, what, MeasuresError)


def load_measures(path: str | Path) -> MeasureCatalogue:
    """Read, validate and return the measures file at ``path``.

    Raises:
        MeasuresError: listing every problem found, each naming the measure and field.
    """
    path = Path(path)
    data = _read_yaml(path, MEASURES_MAX_BYTES, "measures file")
    checker = _Checker(path, data)
    catalogue = checker.catalogue(data)
    checker.raise_if_any(MeasuresError)
    assert catalogue is not None  # every way to None adds a problem
    return catalogue


def load_child_population(path: str | Path) -> ChildPopulation:
    """Read and validate the child-population reference file at ``path``.

    Raises:
        MeasuresError: the file is unreadable or a field is missing or wrong.
    """
    path = Path(path)
    what = "population file"
    data = _read_yaml(path, POPULATION_MAX_BYTES, what)
    checker = _Checker(path, data)
    top = checker.mapping(data, "", ("area", "children", "as_of", "source"))
    if top is None:
        raise MeasuresError(checker.problems, path, what)
    area = checker.text(top.get("area"), "area") if "area" in top else None
    source = checker.text(top.get("source"), "source") if "source" in top else None
    children = top.get("children")
    if "children" in top and (
        isinstance(children, bool) or not isinstance(children, int) or children <= 0
    ):
        checker.add("children", f"must be a whole number of children above 0, got {children!r}")
    as_of = top.get("as_of")
    # A year of an ONS mid-year estimate: 1900 to 2200 only catches a typing slip (24, 20224).
    if "as_of" in top and (
        isinstance(as_of, bool) or not isinstance(as_of, int) or not 1900 <= as_of <= 2200
    ):
        checker.add("as_of", f"must be the year of the estimate, e.g. 2024, got {as_of!r}")
    checker.raise_if_any(MeasuresError, what)
    assert area is not None and source is not None
    assert isinstance(children, int) and isinstance(as_of, int)
    return ChildPopulation(area, children, as_of, source)


@cache
def shipped_measures() -> MeasureCatalogue:
    """The measures shipped in ``resources/measures/measures-v1.yaml`` (loaded once)."""
    from mash_desk.paths import resource

    return load_measures(resource("measures", "measures-v1.yaml"))


@cache
def shipped_child_population() -> ChildPopulation:
    """The child population shipped in ``resources/reference/child_population.yaml``."""
    from mash_desk.paths import resource

    return load_child_population(resource("reference", "child_population.yaml"))


def _choices(values: Any) -> str:
    return ", ".join(str(v) for v in values)


_FIELDS = ("id", "name", "definition", "calculation", "numerator", "period", "unit", "source")
_OPTIONAL = ("denominator", "target", "direction", "breakdowns")


class _Checker(YamlChecker):
    """Collects problems while turning the parsed YAML into a :class:`MeasureCatalogue`."""

    def text(self, value: object, where: str) -> str | None:
        # A definition is shown on one line of the dashboard: the file's line breaks go.
        text = super().text(value, where)
        return " ".join(text.split()) if text is not None else None

    def catalogue(self, data: object) -> MeasureCatalogue | None:
        if data is None:
            self.add("file", "the file is empty")
            return None
        top = self.mapping(data, "", ("id", "version", "title", "measures"))
        if top is None:
            return None
        catalogue_id = self.text(top.get("id"), "id") if "id" in top else None
        title = self.text(top.get("title"), "title") if "title" in top else None
        version = top.get("version")
        if "version" in top and (
            isinstance(version, bool) or not isinstance(version, int) or version < 1
        ):
            self.add("version", f"must be a whole number from 1, got {version!r}")
        items = top.get("measures")
        measures: list[Measure] = []
        if "measures" in top:
            if not isinstance(items, list) or not items:
                self.add("measures", f"expected a list of measures, got {kind_of(items)}")
            else:
                seen: set[str] = set()
                for i, item in enumerate(items):
                    measure = self.measure(item, i)
                    if measure is None:
                        continue
                    if measure.id in seen:
                        self.add(f"measures[{i}] ({measure.id}).id", "used by an earlier measure")
                    seen.add(measure.id)
                    measures.append(measure)
        if self.problems or catalogue_id is None or title is None:
            return None
        assert isinstance(version, int)
        return MeasureCatalogue(catalogue_id, version, title, tuple(measures))

    def measure(self, item: object, index: int) -> Measure | None:
        raw_id = item.get("id") if isinstance(item, dict) else None
        where = f"measures[{index}]" + (f" ({raw_id})" if isinstance(raw_id, str) else "")
        spec = self.mapping(item, where, _FIELDS, _OPTIONAL)
        if spec is None:
            return None
        before = len(self.problems)
        if "id" in spec and (not isinstance(raw_id, str) or not _ID.fullmatch(raw_id)):
            self.add(
                f"{where}.id",
                f"{raw_id!r} is not an id (lower-case letters, digits and _, up to 40)",
            )
        texts = {
            key: self.text(spec.get(key), f"{where}.{key}")
            for key in ("name", "definition", "numerator", "source")
            if key in spec
        }
        calc = self.calculation(spec, where)
        period = spec.get("period")
        if "period" in spec and period not in PERIODS:
            self.add(
                f"{where}.period", f"{period!r} is not a period (expected {_choices(PERIODS)})"
            )
        unit = self.unit(spec, where, calc)
        denominator = self.denominator(spec, where, calc)
        direction, target = self.target(spec, where, unit)
        breakdowns = self.breakdowns(spec, where, calc)
        if len(self.problems) > before or calc is None or unit is None:
            return None
        return Measure(
            id=str(raw_id),
            name=str(texts["name"]),
            definition=str(texts["definition"]),
            calculation=str(spec["calculation"]),
            numerator=str(texts["numerator"]),
            denominator=denominator,
            period=str(period),
            unit=unit,
            target=target,
            direction=direction,
            breakdowns=breakdowns,
            source=str(texts["source"]),
        )

    def calculation(self, spec: dict[str, Any], where: str) -> Calculation | None:
        if "calculation" not in spec:
            return None
        name = spec["calculation"]
        if not isinstance(name, str) or name not in CALCULATIONS:
            self.add(
                f"{where}.calculation",
                f"{name!r} is not a calculation MASH Desk knows "
                f"(expected one of {_choices(CALCULATIONS)})",
            )
            return None
        return CALCULATIONS[name]

    def unit(
        self, spec: dict[str, Any], where: str, calc: Calculation | None
    ) -> MeasureUnit | None:
        if "unit" not in spec:
            return None
        value = spec["unit"]
        if value not in {u.value for u in MeasureUnit}:
            self.add(f"{where}.unit", f"{value!r} is not a unit (expected {_choices(MeasureUnit)})")
            return None
        unit = MeasureUnit(value)
        if calc is not None and unit is not calc.unit:
            self.add(
                f"{where}.unit",
                f"the calculation {spec['calculation']} gives a {calc.unit.value}, not {value}",
            )
            return None
        return unit

    def denominator(self, spec: dict[str, Any], where: str, calc: Calculation | None) -> str | None:
        if calc is None:
            return None
        if calc.is_rate and "denominator" not in spec:
            self.add(f"{where}.denominator", "missing (a rate says what it divides by)")
            return None
        if not calc.is_rate and "denominator" in spec:
            self.add(f"{where}.denominator", "a count has no denominator; leave it out")
            return None
        return self.text(spec["denominator"], f"{where}.denominator") if calc.is_rate else None

    def target(
        self, spec: dict[str, Any], where: str, unit: MeasureUnit | None
    ) -> tuple[Direction, float | None]:
        raw = spec.get("direction", "none")
        if raw not in {d.value for d in Direction}:
            self.add(
                f"{where}.direction", f"{raw!r} is not a direction (expected {_choices(Direction)})"
            )
            return Direction.NONE, None
        direction = Direction(raw)
        if "target" not in spec or spec["target"] is None:
            return direction, None
        target = spec["target"]
        if isinstance(target, bool) or not isinstance(target, int | float):
            self.add(f"{where}.target", f"expected a number, got {kind_of(target)}")
            return direction, None
        # A percentage cannot pass 100 %; a coefficient is Cohen's kappa, -1 to 1
        # (threshold_agreement, domain brief §9); a count or a rate per 10,000 is from 0.
        low, high = (
            {
                MeasureUnit.PERCENT: (0, 100),
                MeasureUnit.COEFFICIENT: (-1, 1),
            }.get(unit, (0, math.inf))
            if unit is not None
            else (-math.inf, math.inf)
        )
        if not math.isfinite(target) or not low <= target <= high:
            self.add(
                f"{where}.target",
                f"{target!r} is outside {low} to {high} for a {unit.value if unit else 'measure'}",
            )
            return direction, None
        if direction is Direction.NONE:
            # The dashboard colours a figure by the side of its target it is on: without a
            # direction a target could not be coloured, so it is refused, not ignored.
            self.add(f"{where}.direction", "a measure with a target says whether higher or lower")
        return direction, float(target)

    def breakdowns(
        self, spec: dict[str, Any], where: str, calc: Calculation | None
    ) -> tuple[Breakdown, ...]:
        raw = spec.get("breakdowns", [])
        if not isinstance(raw, list):
            self.add(f"{where}.breakdowns", f"expected a list, got {kind_of(raw)}")
            return ()
        result: list[Breakdown] = []
        for i, item in enumerate(raw):
            if item not in {b.value for b in Breakdown}:
                self.add(
                    f"{where}.breakdowns[{i}]",
                    f"{item!r} is not a breakdown (expected {_choices(Breakdown)})",
                )
                continue
            breakdown = Breakdown(item)
            if calc is not None and breakdown not in calc.breakdowns:
                offered = _choices(sorted(calc.breakdowns)) or "none"
                self.add(
                    f"{where}.breakdowns[{i}]",
                    f"the calculation {spec['calculation']} cannot be split by {item} "
                    f"(it can by: {offered})",
                )
                continue
            if breakdown in result:
                self.add(f"{where}.breakdowns[{i}]", f"{item} is listed twice")
                continue
            result.append(breakdown)
        return tuple(result)
