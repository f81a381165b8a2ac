"""Working-time arithmetic: opening hours, weekends and bank holidays in the service's time zone.

Everything is computed on local calendar days (so British Summer Time is handled by
``zoneinfo``: 09:00 London is 08:00 UTC in summer and 09:00 UTC in winter) and every day's
opening interval is turned into UTC before any subtraction, so a working day is always its real
length. Loops run over days, never minutes; each day's interval is cached.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from mash_desk.domain.policy import BankHolidays, Policy

_ONE_DAY = timedelta(days=1)
_ZERO = timedelta(0)
# A calendar with hours on some weekday opens within a week unless holidays cover it; ten
# years of closed days in a row means the holiday source is broken, so stop rather than hang.
_MAX_SCAN_DAYS = 3660


def _utc(value: datetime, name: str) -> datetime:
    """Return ``value`` in UTC, refusing naive datetimes (their instant is unknowable)."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(f"{name} must be an aware datetime, got naive {value.isoformat()}")
    return value.astimezone(UTC)


class HolidayYears(Protocol):
    """Where a checker keeps the bank holidays of each year it has worked out, between starts.

    ``source`` names the calendar and the version of the package that computed it, so a new
    release of ``holidays`` (a new bank holiday announced) is never answered from old days.
    """

    def get(self, source: str, year: int) -> frozenset[date] | None:
        """The bank holidays of ``year`` kept for ``source``, or None when none are kept."""

    def put(self, source: str, year: int, days: frozenset[date]) -> None:
        """Keep ``days`` as the bank holidays of ``year`` for ``source``."""


class HolidayChecker:
    """Tells whether a date is a bank holiday or a local closure day (callable with the date).

    Uses the ``holidays`` package (for the default policy, ``GB`` subdivision ``ENG``, the same
    days as ``holidays.UK(subdiv="ENG")``), a year at a time, each year with the next: a
    deadline set in December runs into January.
    """

    def __init__(self, bank_holidays: BankHolidays, kept: HolidayYears | None = None):
        """Check against ``bank_holidays``, keeping the years worked out in ``kept``."""
        self._bank_holidays = bank_holidays
        self._extra = bank_holidays.extra_closed_days
        self._kept = kept
        # Worked out on the first date asked about in a year, not here: importing ``holidays``
        # loads every country's calendar (0.17-0.23 s), which a desk's first page paid while it
        # drew its first countdown (issue 16). With ``kept`` a later start reads the year back
        # instead. Two threads asking first may each work a year out; both answer the same.
        self._years: dict[int, frozenset[date]] = {}

    @property
    def loaded(self) -> bool:
        """Whether a year's bank holidays have been loaded (by a first question in it)."""
        return bool(self._years)

    def __call__(self, day: date) -> bool:
        """Whether ``day`` is closed although its weekday has hours."""
        if day in self._extra:
            return True
        days = self._years.get(day.year)
        if days is None:
            days = self._load(day.year)
        return day in days

    def _load(self, year: int) -> frozenset[date]:
        """Read ``year`` and the next from ``kept``, else work them out and keep them."""
        source = self._source()
        wanted = (year, year + 1)
        found = {y: self._kept.get(source, y) for y in wanted} if self._kept else {}
        missing = [y for y in wanted if found.get(y) is None]
        if missing:
            worked_out = self._work_out(missing)
            for y in missing:
                found[y] = worked_out[y]
                if self._kept is not None:
                    self._kept.put(source, y, worked_out[y])
        for y in wanted:
            self._years.setdefault(y, found[y] or frozenset())
        return self._years[year]

    def _source(self) -> str:
        bank = self._bank_holidays
        return f"{bank.country}/{bank.subdivision or ''}/holidays {_holidays_release()}"

    def _work_out(self, years: list[int]) -> dict[int, frozenset[date]]:
        import holidays

        bank = self._bank_holidays
        calendar = holidays.country_holidays(bank.country, subdiv=bank.subdivision, years=years)
        # A day observed in a year other than its holiday's (1 January kept on 31 December
        # in some countries) counts in the year it falls in.
        return {y: frozenset(d for d in calendar if d.year == y) for y in years}


@functools.cache
def _holidays_release() -> str:
    """The installed ``holidays`` package's release, read without importing it (0.09 s).

    Read once per process: the package does not change under a running desk.
    """
    try:
        spec = importlib.util.find_spec("holidays")
    except (ImportError, ValueError):
        return "missing"
    folder = spec.submodule_search_locations if spec is not None else None
    if not folder:
        return "missing"
    version_file = Path(next(iter(folder))) / "version.py"
    try:
        return hashlib.sha256(version_file.read_bytes()).hexdigest()[:16]
    except OSError:
        return "unknown"


def holiday_checker(
    bank_holidays: BankHolidays, kept: HolidayYears | None = None
) -> HolidayChecker:
    """Return a predicate telling whether a date is a bank holiday or local closure day."""
    return HolidayChecker(bank_holidays, kept)


class WorkingCalendar:
    """Opening hours of a service in one time zone, with its closed days.

    Opening intervals are half open: the service is open from opening time up to, but not
    at, closing time. Deadlines may still fall exactly at closing time.
    """

    def __init__(
        self,
        tz: str,
        hours: Mapping[int, tuple[time, time]],
        is_holiday: Callable[[date], bool],
    ):
        """Build a calendar.

        Args:
            tz: IANA time zone name, e.g. ``"Europe/London"``.
            hours: opening and closing local time by weekday (0 = Monday); a missing weekday
                is closed. Closing must be after opening on the same day.
            is_holiday: tells whether a date is closed although its weekday has hours.

        Raises:
            ValueError: unknown time zone, bad weekday, closing not after opening, or no
                weekday with hours.
        """
        try:
            self._zone = ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {tz!r}") from None
        self._hours: dict[int, tuple[time, time]] = {}
        for weekday, (start, end) in hours.items():
            if weekday not in range(7):
                raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {weekday!r}")
            if end <= start:
                raise ValueError(f"weekday {weekday}: closing {end} is not after opening {start}")
            self._hours[weekday] = (start, end)
        if not self._hours:
            raise ValueError("a working calendar needs at least one weekday with hours")
        self._is_holiday = is_holiday
        self._intervals: dict[date, tuple[datetime, datetime] | None] = {}

    @classmethod
    def from_policy(cls, policy: Policy, kept: HolidayYears | None = None) -> WorkingCalendar:
        """Build the calendar of a policy: its time zone, opening hours and bank holidays.

        ``kept`` keeps the bank holidays of each year between starts (see :class:`HolidayYears`).
        """
        return cls(
            policy.timezone,
            {day: (h.start, h.end) for day, h in policy.working_hours.items()},
            holiday_checker(policy.bank_holidays, kept),
        )

    @property
    def timezone(self) -> ZoneInfo:
        """Return the service's time zone."""
        return self._zone

    @property
    def holidays_loaded(self) -> bool:
        """Whether its closed days are loaded (a calendar of fixed days always is)."""
        return not isinstance(self._is_holiday, HolidayChecker) or self._is_holiday.loaded

    # --- days ---------------------------------------------------------------------------------

    def _interval(self, day: date) -> tuple[datetime, datetime] | None:
        """Return the UTC opening and closing instants of a local ``day``, or None if closed."""
        try:
            return self._intervals[day]
        except KeyError:
            pass
        hours = self._hours.get(day.weekday())
        interval: tuple[datetime, datetime] | None = None
        if hours is not None and not self._is_holiday(day):
            start = datetime.combine(day, hours[0], tzinfo=self._zone).astimezone(UTC)
            end = datetime.combine(day, hours[1], tzinfo=self._zone).astimezone(UTC)
            # Hours that open inside a spring-forward gap can map past closing time; such a
            # day has no real working time, so treat it as closed rather than go backwards.
            if end > start:
                interval = (start, end)
        self._intervals[day] = interval
        return interval

    def _local_date(self, at_utc: datetime) -> date:
        return at_utc.astimezone(self._zone).date()

    def is_working_day(self, d: date) -> bool:
        """Whether the service opens at all on the local date ``d``."""
        return self._interval(d) is not None

    def is_open(self, at: datetime) -> bool:
        """Whether the service is open at the instant ``at`` (closing time itself is closed)."""
        at = _utc(at, "at")
        interval = self._interval(self._local_date(at))
        return interval is not None and interval[0] <= at < interval[1]

    def next_opening(self, at: datetime) -> datetime:
        """Return ``at`` (in UTC) if open, else the next instant the service opens."""
        at = _utc(at, "at")
        day = self._local_date(at)
        for _ in range(_MAX_SCAN_DAYS):
            interval = self._interval(day)
            if interval is not None and at < interval[1]:
                return max(at, interval[0])
            day += _ONE_DAY
        raise ValueError(f"no opening within {_MAX_SCAN_DAYS} days of {at.isoformat()}")

    # --- arithmetic ---------------------------------------------------------------------------

    def add_working_time(self, start: datetime, delta: timedelta) -> datetime:
        """Return the instant (UTC) when ``delta`` of working time has passed since ``start``.

        Only time inside opening hours counts; a start out of hours begins counting at the
        next opening. A deadline that uses up a day exactly stays at that day's closing time.

        Raises:
            ValueError: naive ``start`` or negative ``delta``.
        """
        current = _utc(start, "start")
        if delta < _ZERO:
            raise ValueError(f"delta must not be negative, got {delta}")
        remaining = delta
        day = self._local_date(current)
        closed_run = 0
        while closed_run <= _MAX_SCAN_DAYS:
            interval = self._interval(day)
            if interval is not None and current < interval[1]:
                closed_run = 0
                begin = max(current, interval[0])
                available = interval[1] - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            else:
                closed_run += 1
            day += _ONE_DAY
        raise ValueError(f"no opening within {_MAX_SCAN_DAYS} days after {day.isoformat()}")

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """Return the instant (UTC) ``days`` working days after ``start``.

        A start out of hours first moves to the next opening. The result keeps the start's
        local wall-clock time of day, clamped into the result day's opening hours (so it may
        be exactly closing time on a short day). ``days=0`` returns the (moved) start.

        Raises:
            ValueError: naive ``start`` or negative ``days``.
        """
        if days < 0:
            raise ValueError(f"days must not be negative, got {days}")
        opened = self.next_opening(_utc(start, "start"))
        if days == 0:
            return opened
        local = opened.astimezone(self._zone)
        time_of_day = local.time()
        day = local.date()
        counted = 0
        closed_run = 0
        while closed_run <= _MAX_SCAN_DAYS:
            day += _ONE_DAY
            interval = self._interval(day)
            if interval is None:
                closed_run += 1
                continue
            closed_run = 0
            counted += 1
            if counted == days:
                wanted = datetime.combine(day, time_of_day, tzinfo=self._zone).astimezone(UTC)
                return min(max(wanted, interval[0]), interval[1])
        raise ValueError(f"no opening within {_MAX_SCAN_DAYS} days after {day.isoformat()}")

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Return the working time from ``a`` to ``b`` (negative when ``b`` is before ``a``).

        Consistent with :meth:`add_working_time`: for ``d >= 0``,
        ``working_time_between(s, add_working_time(s, d)) == d``.
        """
        a = _utc(a, "a")
        b = _utc(b, "b")
        if b < a:
            return -self.working_time_between(b, a)
        total = _ZERO
        day = self._local_date(a)
        last = self._local_date(b)
        while day <= last:
            interval = self._interval(day)
            if interval is not None:
                begin = max(a, interval[0])
                end = min(b, interval[1])
                if end > begin:
                    total += end - begin
            day += _ONE_DAY
        return total

    def working_days_between(self, a: date, b: date) -> int:
        """Count working days ``d`` with ``a < d <= b`` (0 when ``b <= a``)."""
        count = 0
        day = a + _ONE_DAY
        while day <= b:
            if self._interval(day) is not None:
                count += 1
            day += _ONE_DAY
        return count
