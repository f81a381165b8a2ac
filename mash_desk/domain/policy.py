"""The MASH policy: opening hours, bank holidays and the time limits deadlines are built from.

A policy lives in a YAML file a council administrator can read and edit
(``resources/policy/default.yaml`` ships with the app). :func:`load_policy` checks the whole
file and reports every problem at once, each naming the key it concerns, so an administrator
can fix a broken file in one pass instead of one error per restart.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mash_desk.domain.enums import Rag
from mash_desk.domain.yaml_values import (
    ResourceFileError,
    YamlChecker,
    kind_of,
    parse_yaml,
    read_resource,
)

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday keys of ``working_hours``, in ``date.weekday()`` order (0 = Monday)."""

_RAG_NAMES = ", ".join(r.value for r in Rag)


# The shipped policy files are 3.4 KB (default.yaml) and 1.4 KB (meetings.yaml): a page of
# settings. 256 KiB is over 70 times the larger, room for comments and a long bank-holiday
# list, while a wrong file (a log, an export, a hostile file) is refused before YAML parsing.
POLICY_MAX_BYTES = 256 * 1024

# The longest idle period a policy may set before the desk locks (see idle_lock_minutes).
IDLE_LOCK_MAX_MINUTES = 60


class PolicyError(ResourceFileError):
    """A policy (or meeting policy) file could not be used; ``problems`` lists every problem.

    Each problem names the dotted key it concerns (``working_hours.tue``) and its line, or
    ``file`` when the file as a whole is unreadable.
    """

    what = "policy file"


class ClockUnit(StrEnum):
    """What a time limit counts."""

    HOURS = "hours"
    """Real elapsed hours: nights, weekends and bank holidays count."""
    WORKING_HOURS = "working_hours"
    """Hours counted only while the MASH is open."""
    WORKING_DAYS = "working_days"
    """Whole working days; the deadline keeps the local time of day of the start."""


@dataclass(frozen=True)
class TimeLimit:
    """One clock: ``amount`` of ``unit``, optionally running out of hours.

    Attributes:
        amount: how many units (whole number for working days).
        unit: what is counted.
        out_of_hours: only with ``WORKING_HOURS``: the clock keeps running while the MASH is
            closed, so the limit is measured in real elapsed hours. Red decisions use this
            because the Emergency Duty Team works red cases to completion.
    """

    amount: float
    unit: ClockUnit
    out_of_hours: bool = False

    @property
    def counts_real_time(self) -> bool:
        """Whether the clock runs day and night (real elapsed time) rather than opening hours."""
        return self.unit is ClockUnit.HOURS or self.out_of_hours

    def describe(self) -> str:
        """Return the limit in plain words, e.g. ``"4 working hours, clock runs out of hours"``."""
        amount = int(self.amount) if float(self.amount).is_integer() else self.amount
        words = {
            ClockUnit.HOURS: ("hour", "hours"),
            ClockUnit.WORKING_HOURS: ("working hour", "working hours"),
            ClockUnit.WORKING_DAYS: ("working day", "working days"),
        }[self.unit]
        text = f"{amount} {words[0] if amount == 1 else words[1]}"
        if self.out_of_hours:
            text += ", clock runs out of hours"
        return text


class OpeningHours(NamedTuple):
    """Opening and closing time of one weekday (local time, closing strictly after opening)."""

    start: time
    end: time


@dataclass(frozen=True)
class BankHolidays:
    """Where the closed days come from.

    Attributes:
        country: ISO country code understood by the ``holidays`` package (``"GB"``).
        subdivision: its subdivision code (``"ENG"``), or None for national holidays only.
        extra_closed_days: local closure days on top of the bank holidays.
    """

    country: str
    subdivision: str | None
    extra_closed_days: frozenset[date] = frozenset()


@dataclass(frozen=True)
class RagClocks:
    """The clocks that depend on a contact's RAG rating."""

    decision: TimeLimit
    agency_check: TimeLimit


@dataclass(frozen=True)
class Policy:
    """A validated MASH policy. Build it with :func:`load_policy` or :func:`default_policy`.

    Attributes:
        id: short stable identifier of the policy.
        title: human-readable name.
        timezone: IANA time zone name of the service (``"Europe/London"``).
        working_hours: opening hours by weekday (0 = Monday); a missing weekday is closed.
        bank_holidays: where the closed days come from.
        rag: decision and agency-check clocks by RAG rating (every rating present).
        referral_decision: time to decide the response to a referral.
        single_assessment: time to complete a single assessment, from the referral.
        icpc: time from the strategy discussion to the initial child protection conference.
        idle_lock_minutes: minutes without keyboard or mouse input after which the desk locks
            and asks for the user's password again.
    """

    id: str
    title: str
    timezone: str
    working_hours: Mapping[int, OpeningHours] = field(hash=False)
    bank_holidays: BankHolidays
    rag: Mapping[Rag, RagClocks] = field(hash=False)
    referral_decision: TimeLimit
    single_assessment: TimeLimit
    icpc: TimeLimit
    idle_lock_minutes: float = 10

    @property
    def zone(self) -> ZoneInfo:
        """Return the service's time zone."""
        return ZoneInfo(self.timezone)


def load_policy(path: str | Path, *, check_calendar: bool = True) -> Policy:
    """Read, validate and return the policy in the YAML file at ``path``.

    ``check_calendar=False`` leaves out asking the ``holidays`` package whether the bank
    holidays' country and subdivision exist (it imports every country, ~0.2 s); only the
    shipped policy is loaded so, and a test checks its calendar.

    Raises:
        PolicyError: listing every problem found (unreadable file, YAML syntax, unknown or
            missing keys, bad values), each with its line.
    """
    path = Path(path)
    data = read_policy_yaml(path)
    checker = _Checker(path, data)
    checker.check_calendar = check_calendar
    policy = checker.policy(data)
    checker.raise_if_any(PolicyError)
    assert policy is not None  # every way to None adds a problem
    return policy


def read_policy_yaml(path: Path) -> object:
    """Return the parsed YAML (with lines) of the policy file at ``path``.

    Raises:
        PolicyError: the file is missing, unreadable, over :data:`POLICY_MAX_BYTES` (checked
            before it is read whole), not UTF-8 or not YAML.
    """
    raw = read_resource(path, POLICY_MAX_BYTES, PolicyError.what, PolicyError)
    return parse_yaml(raw, path, PolicyError.what, PolicyError)


@cache
def default_policy() -> Policy:
    """Return the policy shipped in ``resources/policy/default.yaml`` (loaded once)."""
    from mash_desk.paths import resource

    # The shipped file's calendar is checked by the test suite
    # (tests/domain/test_policy.py::test_the_shipped_calendar_is_known), so each start need
    # not import the ``holidays`` package before the first deadline is worked out (issue 16).
    return load_policy(resource("policy", "default.yaml"), check_calendar=False)


# --- validation ------------------------------------------------------------------------------


class _Checker(YamlChecker):
    """Collects problems while turning the parsed YAML into a :class:`Policy`."""

    check_calendar = True

    def policy(self, data: object) -> Policy | None:
        if data is None:
            self.add("file", "the file is empty")
            return None
        if not isinstance(data, dict):
            self.add(
                "file", f"expected a mapping of policy keys at the top level, got {kind_of(data)}"
            )
            return None
        top = self.mapping(
            data,
            "",
            required=(
                "id",
                "title",
                "timezone",
                "working_hours",
                "bank_holidays",
                "rag",
                "deadlines",
            ),
            # Optional so a council's older copy of the file keeps loading (default 10).
            optional=("idle_lock_minutes",),
        )
        if top is None:
            return None
        policy_id = self.text(top.get("id"), "id") if "id" in top else None
        title = self.text(top.get("title"), "title") if "title" in top else None
        tz = self.timezone(top["timezone"]) if "timezone" in top else None
        hours = self.working_hours(top["working_hours"]) if "working_hours" in top else None
        holidays = self.bank_holidays(top["bank_holidays"]) if "bank_holidays" in top else None
        rag = self.rag(top["rag"]) if "rag" in top else None
        deadlines = self.deadlines(top["deadlines"]) if "deadlines" in top else {}
        idle_lock = self.idle_lock(top.get("idle_lock_minutes", 10))
        if (
            self.problems
            or policy_id is None
            or title is None
            or tz is None
            or hours is None
            or holidays is None
            or rag is None
            or idle_lock is None
        ):
            return None
        return Policy(
            id=policy_id,
            title=title,
            timezone=tz,
            working_hours=hours,
            bank_holidays=holidays,
            rag=rag,
            referral_decision=deadlines["referral_decision"],
            single_assessment=deadlines["single_assessment"],
            icpc=deadlines["icpc"],
            idle_lock_minutes=idle_lock,
        )

    def idle_lock(self, value: object) -> float | None:
        # An hour is the longest a screen of children's records could sit open unattended
        # and still be called "locked when unattended"; beyond that it is a typing mistake.
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not 0 < value <= IDLE_LOCK_MAX_MINUTES
        ):
            self.add(
                "idle_lock_minutes",
                f"must be a number of minutes above 0 and at most {IDLE_LOCK_MAX_MINUTES}, "
                f"got {value!r}",
            )
            return None
        return float(value)

    def timezone(self, value: object) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.add(
                "timezone", f"expected a time zone name such as Europe/London, got {kind_of(value)}"
            )
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            self.add("timezone", f"unknown time zone {value!r}")
            return None
        return value

    def clock_time(self, value: object, where: str) -> time | None:
        if isinstance(value, int) and not isinstance(value, bool):
            # YAML 1.1 reads an unquoted 17:00 as the base-60 number 1020.
            self.add(where, f'got the number {value}; write the time in quotes, e.g. "17:00"')
            return None
        if not isinstance(value, str):
            self.add(where, f'expected a time such as "09:00", got {kind_of(value)}')
            return None
        try:
            parsed = time.fromisoformat(value.strip())
        except ValueError:
            parsed = None
        # Exactly HH:MM: fromisoformat would also take "09:00:30" or "0900", and opening
        # hours to the second are a typing slip, not a policy.
        if parsed is None or len(value.strip()) != 5:
            self.add(where, f'{value!r} is not a time (expected HH:MM, e.g. "09:00")')
            return None
        return parsed

    def working_hours(self, value: object) -> Mapping[int, OpeningHours] | None:
        if not isinstance(value, dict):
            self.add(
                "working_hours",
                f"expected a mapping of weekdays (mon to sun), got {kind_of(value)}",
            )
            return None
        result: dict[int, OpeningHours] = {}
        ok = True
        for key, day in value.items():
            where = f"working_hours.{key}"
            if key not in WEEKDAYS:
                self.add(where, f"unknown weekday (expected {', '.join(WEEKDAYS)})")
                ok = False
                continue
            if day == "closed":
                continue
            if not isinstance(day, dict):
                self.add(
                    where, f'expected "closed" or {{start: "HH:MM", end: "HH:MM"}}, got {day!r}'
                )
                ok = False
                continue
            spec = self.mapping(day, where, required=("start", "end"))
            if spec is None:
                ok = False
                continue
            start = self.clock_time(spec["start"], f"{where}.start") if "start" in spec else None
            end = self.clock_time(spec["end"], f"{where}.end") if "end" in spec else None
            if start is None or end is None:
                ok = False
                continue
            if end <= start:
                self.add(where, f"end {end:%H:%M} is not after start {start:%H:%M}")
                ok = False
                continue
            result[WEEKDAYS.index(key)] = OpeningHours(start, end)
        if ok and not result:
            self.add("working_hours", "every day is closed; at least one day must have hours")
            return None
        return MappingProxyType(dict(sorted(result.items()))) if ok else None

    def bank_holidays(self, value: object) -> BankHolidays | None:
        spec = self.mapping(
            value,
            "bank_holidays",
            required=("country",),
            optional=("subdivision", "extra_closed_days"),
        )
        if spec is None or "country" not in spec:
            return None
        country, subdivision = spec["country"], spec.get("subdivision")
        if not isinstance(country, str) or not country.strip():
            self.add(
                "bank_holidays.country",
                f"expected a country code such as GB, got {kind_of(country)}",
            )
            return None
        if self.check_calendar and not self.calendar_known(country, subdivision):
            return None
        days = self.closed_days(spec.get("extra_closed_days") or [])
        return None if days is None else BankHolidays(country, subdivision, days)

    def calendar_known(self, country: str, subdivision: object) -> bool:
        import holidays  # deferred: the package imports every country's calendar

        try:
            known = tuple(holidays.country_holidays(country).subdivisions)
        except NotImplementedError:
            self.add(
                "bank_holidays.country", f"unknown country {country!r} (expected a code such as GB)"
            )
            return False
        if subdivision is not None and subdivision not in known:
            self.add(
                "bank_holidays.subdivision",
                f"{subdivision!r} is not a subdivision of {country} "
                f"(expected one of {', '.join(known)})",
            )
            return False
        return True

    def closed_days(self, extra: object) -> frozenset[date] | None:
        if not isinstance(extra, list):
            self.add(
                "bank_holidays.extra_closed_days", f"expected a list of dates, got {kind_of(extra)}"
            )
            return None
        days: set[date] = set()
        for i, item in enumerate(extra):
            if type(item) is not date:
                self.add(
                    f"bank_holidays.extra_closed_days[{i}]",
                    f"{item!r} is not a date (expected YYYY-MM-DD)",
                )
            else:
                days.add(item)
        return frozenset(days) if len(days) == len(extra) else None

    def rag(self, value: object) -> Mapping[Rag, RagClocks] | None:
        if not isinstance(value, dict):
            self.add(
                "rag", f"expected a mapping of RAG ratings ({_RAG_NAMES}), got {kind_of(value)}"
            )
            return None
        result: dict[Rag, RagClocks] = {}
        ok = True
        for key, clocks in value.items():
            where = f"rag.{key}"
            if key not in {r.value for r in Rag}:
                self.add(where, f"unknown RAG rating (expected {_RAG_NAMES})")
                ok = False
                continue
            spec = self.mapping(clocks, where, required=("decision", "agency_check"))
            if spec is None:
                ok = False
                continue
            decision = (
                self.limit(spec.get("decision"), f"{where}.decision")
                if "decision" in spec
                else None
            )
            check = (
                self.limit(spec.get("agency_check"), f"{where}.agency_check")
                if "agency_check" in spec
                else None
            )
            if decision is None or check is None:
                ok = False
                continue
            result[Rag(key)] = RagClocks(decision=decision, agency_check=check)
        # Every contact gets a RAG rating (domain brief §4), so each rating needs its clocks.
        for rating in Rag:
            if rating.value not in value:
                self.add(f"rag.{rating.value}", "missing")
                ok = False
        return MappingProxyType({r: result[r] for r in Rag}) if ok else None

    def deadlines(self, value: object) -> dict[str, TimeLimit]:
        names = ("referral_decision", "single_assessment", "icpc")
        spec = self.mapping(value, "deadlines", required=names)
        result: dict[str, TimeLimit] = {}
        if spec is None:
            return result
        for name in names:
            if name in spec:
                limit = self.limit(spec[name], f"deadlines.{name}")
                if limit is not None:
                    result[name] = limit
        return result

    def limit(self, value: object, where: str) -> TimeLimit | None:
        units = tuple(u.value for u in ClockUnit)
        if not isinstance(value, dict):
            self.add(where, f"expected a mapping such as {{working_days: 1}}, got {kind_of(value)}")
            return None
        given = [u for u in units if u in value]
        for key in value:
            if key not in units and key != "out_of_hours":
                self.add(
                    f"{where}.{key}",
                    f"unknown key (expected one of {', '.join(units)}, out_of_hours)",
                )
                return None
        if len(given) != 1:
            self.add(where, f"give exactly one of {', '.join(units)}")
            return None
        unit = ClockUnit(given[0])
        amount = value[unit.value]
        if (
            isinstance(amount, bool)
            or not isinstance(amount, int | float)
            or not math.isfinite(amount)
            or amount <= 0
        ):
            self.add(f"{where}.{unit.value}", f"must be a positive number, got {amount!r}")
            return None
        if unit is ClockUnit.WORKING_DAYS and not float(amount).is_integer():
            self.add(f"{where}.{unit.value}", f"must be a whole number of days, got {amount!r}")
            return None
        out_of_hours = value.get("out_of_hours", False)
        if not isinstance(out_of_hours, bool):
            self.add(f"{where}.out_of_hours", f"must be true or false, got {out_of_hours!r}")
            return None
        if out_of_hours and unit is not ClockUnit.WORKING_HOURS:
            self.add(
                f"{where}.out_of_hours",
                f"only applies to working_hours ({unit.value} "
                + (
                    "always runs out of hours)"
                    if unit is ClockUnit.HOURS
                    else "are whole working days)"
                ),
            )
            return None
        if unit is ClockUnit.WORKING_DAYS:
            amount = int(amount)
        return TimeLimit(amount=amount, unit=unit, out_of_hours=out_of_hours)
