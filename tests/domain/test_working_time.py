"""WorkingCalendar: opening hours, weekends, England bank holidays and British Summer Time.

Expected values were worked out by hand from the real calendar (weekdays checked with the
``calendar`` module, bank holidays from gov.uk). Summer-time instants are written in UTC with
the London wall-clock time beside them: BST is UTC+1 from 29 Mar to 25 Oct 2026 and from
28 Mar 2027.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mash_desk.domain.working_time import WorkingCalendar

LONDON = ZoneInfo("Europe/London")
H = timedelta(hours=1)
MIN = timedelta(minutes=1)

# England and Wales bank holidays 2026-2027 (gov.uk), for the brute-force oracle below.
ENGLAND_HOLIDAYS = frozenset(
    {
        date(2026, 1, 1),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 5, 4),
        date(2026, 5, 25),
        date(2026, 8, 31),
        date(2026, 12, 25),
        date(2026, 12, 28),
        date(2027, 1, 1),
        date(2027, 3, 26),
        date(2027, 3, 29),
        date(2027, 5, 3),
        date(2027, 5, 31),
        date(2027, 8, 30),
        date(2027, 12, 27),
        date(2027, 12, 28),
    }
)

PROPERTY = settings(deadline=None, max_examples=150)


def lon(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    """London wall-clock time."""
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


def utc(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    """UTC instant."""
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


def assert_utc(value: datetime) -> None:
    assert value.tzinfo is UTC


def inside_hours(cal: WorkingCalendar, at: datetime, start: time, end: time) -> bool:
    """Whether ``at`` is within (or exactly at the close of) a working day of ``cal``."""
    local = at.astimezone(LONDON)
    return cal.is_working_day(local.date()) and start <= local.time() <= end


# 2026-2027, minute resolution, as UTC instants.
instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 20), timezones=st.just(UTC)
)
minute_instants = instants.map(lambda d: d.replace(second=0, microsecond=0))
deltas = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=400))


# --- days and opening ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2026, 11, 3), True, id="ordinary-tuesday"),
        pytest.param(date(2026, 11, 6), True, id="ordinary-friday"),
        pytest.param(date(2026, 11, 7), False, id="saturday"),
        pytest.param(date(2026, 11, 8), False, id="sunday"),
        pytest.param(date(2026, 1, 1), False, id="new-year-2026-thu"),
        pytest.param(date(2026, 4, 3), False, id="good-friday-2026"),
        pytest.param(date(2026, 4, 6), False, id="easter-monday-2026"),
        pytest.param(date(2026, 5, 4), False, id="early-may-2026"),
        pytest.param(date(2026, 5, 25), False, id="spring-2026"),
        pytest.param(date(2026, 8, 31), False, id="summer-2026"),
        pytest.param(date(2026, 12, 24), True, id="christmas-eve-2026-thu"),
        pytest.param(date(2026, 12, 25), False, id="christmas-2026-fri"),
        pytest.param(date(2026, 12, 28), False, id="boxing-day-substitute-2026-mon"),
        pytest.param(date(2026, 12, 29), True, id="tue-after-christmas-2026"),
        pytest.param(date(2026, 12, 31), True, id="new-years-eve-2026-thu"),
        pytest.param(date(2027, 1, 1), False, id="new-year-2027-fri"),
        pytest.param(date(2027, 1, 4), True, id="first-monday-2027"),
        pytest.param(date(2027, 3, 26), False, id="good-friday-2027"),
        pytest.param(date(2027, 3, 29), False, id="easter-monday-2027"),
        pytest.param(date(2027, 3, 30), True, id="tue-after-easter-2027"),
        pytest.param(date(2026, 3, 30), True, id="monday-after-spring-dst"),
        pytest.param(date(2026, 10, 26), True, id="monday-after-autumn-dst"),
        pytest.param(date(2026, 3, 29), False, id="spring-dst-sunday"),
        pytest.param(date(2026, 8, 3), True, id="scottish-not-english-holiday"),
    ],
)
def test_is_working_day(work_calendar: WorkingCalendar, day: date, expected: bool) -> None:
    assert work_calendar.is_working_day(day) is expected


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        pytest.param(utc(2026, 11, 3, 9), True, id="winter-opening-0900-utc"),
        pytest.param(utc(2026, 11, 3, 8, 59), False, id="winter-0859"),
        pytest.param(utc(2026, 11, 3, 16, 59), True, id="winter-1659"),
        pytest.param(utc(2026, 11, 3, 17), False, id="winter-closing-is-closed"),
        pytest.param(utc(2026, 7, 1, 8), True, id="summer-0800-utc-is-0900-bst"),
        pytest.param(utc(2026, 7, 1, 7, 59), False, id="summer-0759-utc-is-0859-bst"),
        pytest.param(utc(2026, 7, 1, 16), False, id="summer-1600-utc-is-1700-bst"),
        pytest.param(utc(2026, 7, 1, 15, 59), True, id="summer-1559-utc-is-1659-bst"),
        pytest.param(utc(2026, 3, 30, 8), True, id="dst-monday-0900-bst"),
        pytest.param(utc(2026, 3, 30, 7, 30), False, id="dst-monday-0830-bst"),
        pytest.param(utc(2026, 10, 26, 8, 30), False, id="autumn-monday-0830-gmt"),
        pytest.param(utc(2026, 10, 26, 9), True, id="autumn-monday-0900-gmt"),
        pytest.param(utc(2026, 11, 7, 12), False, id="saturday-noon"),
        pytest.param(utc(2026, 12, 25, 12), False, id="christmas-noon"),
        pytest.param(utc(2026, 12, 28, 12), False, id="boxing-substitute-noon"),
        pytest.param(lon(2026, 12, 29, 12), True, id="tuesday-after-christmas-noon"),
    ],
)
def test_is_open(work_calendar: WorkingCalendar, at: datetime, expected: bool) -> None:
    assert work_calendar.is_open(at) is expected


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        pytest.param(utc(2026, 11, 3, 10, 15), utc(2026, 11, 3, 10, 15), id="open-returns-itself"),
        pytest.param(utc(2026, 11, 3, 7), utc(2026, 11, 3, 9), id="early-morning"),
        pytest.param(utc(2026, 11, 3, 17), utc(2026, 11, 4, 9), id="at-closing"),
        pytest.param(utc(2026, 11, 3, 23, 30), utc(2026, 11, 4, 9), id="late-evening"),
        pytest.param(utc(2026, 11, 6, 17, 30), utc(2026, 11, 9, 9), id="friday-evening"),
        pytest.param(utc(2026, 11, 8, 12), utc(2026, 11, 9, 9), id="sunday"),
        pytest.param(utc(2026, 12, 24, 18), utc(2026, 12, 29, 9), id="christmas-eve-evening"),
        pytest.param(utc(2026, 12, 31, 17, 30), utc(2027, 1, 4, 9), id="new-years-eve-evening"),
        # Sat 28 Mar 2026 is GMT; Mon 30 Mar 09:00 is BST = 08:00 UTC.
        pytest.param(utc(2026, 3, 28, 12), utc(2026, 3, 30, 8), id="into-summer-time"),
        # Sat 24 Oct 2026 12:00 BST; Mon 26 Oct 09:00 is GMT = 09:00 UTC.
        pytest.param(utc(2026, 10, 24, 11), utc(2026, 10, 26, 9), id="into-winter-time"),
        # Thu 2 Apr 2026 18:00 BST -> Good Friday, weekend, Easter Monday -> Tue 09:00 BST.
        pytest.param(utc(2026, 4, 2, 17), utc(2026, 4, 7, 8), id="easter-2026"),
    ],
)
def test_next_opening(work_calendar: WorkingCalendar, at: datetime, expected: datetime) -> None:
    result = work_calendar.next_opening(at)
    assert result == expected
    assert_utc(result)


# --- add_working_time ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "delta", "expected"),
    [
        pytest.param(utc(2026, 11, 3, 10), 4 * H, utc(2026, 11, 3, 14), id="same-day"),
        pytest.param(utc(2026, 11, 3, 14), 4 * H, utc(2026, 11, 4, 10), id="overnight"),
        pytest.param(utc(2026, 11, 3, 13), 4 * H, utc(2026, 11, 3, 17), id="ends-at-closing"),
        pytest.param(utc(2026, 11, 3, 9), 8 * H, utc(2026, 11, 3, 17), id="whole-day-at-closing"),
        pytest.param(utc(2026, 11, 3, 9), 8 * H + MIN, utc(2026, 11, 4, 9, 1), id="one-min-over"),
        pytest.param(utc(2026, 11, 6, 15), 4 * H, utc(2026, 11, 9, 11), id="over-weekend"),
        pytest.param(utc(2026, 11, 7, 10), H, utc(2026, 11, 9, 10), id="saturday-start"),
        pytest.param(utc(2026, 11, 3, 19), 2 * H, utc(2026, 11, 4, 11), id="evening-start"),
        pytest.param(utc(2026, 11, 4, 2), 2 * H, utc(2026, 11, 4, 11), id="night-start"),
        pytest.param(
            utc(2026, 11, 3, 18), timedelta(0), utc(2026, 11, 4, 9), id="zero-out-of-hours"
        ),
        pytest.param(utc(2026, 11, 3, 11), timedelta(0), utc(2026, 11, 3, 11), id="zero-in-hours"),
        pytest.param(utc(2026, 12, 24, 15), 4 * H, utc(2026, 12, 29, 11), id="christmas-2026"),
        pytest.param(utc(2026, 12, 31, 16), 2 * H, utc(2027, 1, 4, 10), id="year-end"),
        # Fri 27 Mar 2026 16:00 GMT + 1 h that day, 1 h on Mon 30 Mar: 10:00 BST.
        pytest.param(utc(2026, 3, 27, 16), 2 * H, utc(2026, 3, 30, 9), id="spring-dst-weekend"),
        # Fri 23 Oct 2026 16:00 BST + 1 h, then Mon 26 Oct 10:00 GMT.
        pytest.param(utc(2026, 10, 23, 15), 2 * H, utc(2026, 10, 26, 10), id="autumn-dst-weekend"),
        # The DST Monday is still an 8-hour day: 09:00 BST + 8 h = 17:00 BST.
        pytest.param(utc(2026, 3, 30, 8), 8 * H, utc(2026, 3, 30, 16), id="dst-monday-8h"),
        pytest.param(utc(2026, 10, 26, 9), 8 * H, utc(2026, 10, 26, 17), id="autumn-monday-8h"),
        # Thu 25 Mar 2027 16:00 GMT; Good Friday, weekend (clocks change), Easter Monday.
        pytest.param(utc(2027, 3, 25, 16), 3 * H, utc(2027, 3, 30, 10), id="easter-2027"),
        # 5 working days of 8 h from Mon 2 Nov 2026 09:00 end Fri 6 Nov at closing.
        pytest.param(utc(2026, 11, 2, 9), 40 * H, utc(2026, 11, 6, 17), id="a-week"),
    ],
)
def test_add_working_time(
    work_calendar: WorkingCalendar, start: datetime, delta: timedelta, expected: datetime
) -> None:
    result = work_calendar.add_working_time(start, delta)
    assert result == expected
    assert_utc(result)


def test_add_working_time_accepts_other_zones(work_calendar: WorkingCalendar) -> None:
    # Same instant given in London time: Tue 3 Nov 2026 10:00 GMT.
    assert work_calendar.add_working_time(lon(2026, 11, 3, 10), H) == utc(2026, 11, 3, 11)


def test_add_working_time_rejects_negative(work_calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="negative"):
        work_calendar.add_working_time(utc(2026, 11, 3, 10), -H)


# --- add_working_days ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        pytest.param(utc(2026, 11, 3, 14), 1, utc(2026, 11, 4, 14), id="tue-to-wed"),
        pytest.param(utc(2026, 11, 6, 14), 1, utc(2026, 11, 9, 14), id="fri-to-mon"),
        pytest.param(utc(2026, 11, 3, 14), 3, utc(2026, 11, 6, 14), id="three-days"),
        pytest.param(utc(2026, 11, 7, 10), 1, utc(2026, 11, 10, 9), id="saturday-start"),
        pytest.param(utc(2026, 11, 8, 23), 1, utc(2026, 11, 10, 9), id="sunday-night"),
        pytest.param(utc(2026, 11, 3, 18), 1, utc(2026, 11, 5, 9), id="tuesday-evening"),
        pytest.param(utc(2026, 11, 3, 17), 1, utc(2026, 11, 5, 9), id="at-closing"),
        pytest.param(utc(2026, 11, 3, 8), 1, utc(2026, 11, 4, 9), id="before-opening"),
        pytest.param(utc(2026, 11, 7, 10), 0, utc(2026, 11, 9, 9), id="zero-moves-to-opening"),
        pytest.param(utc(2026, 11, 3, 14), 0, utc(2026, 11, 3, 14), id="zero-in-hours"),
        # Fri 28 Aug 2026 14:00 BST; Mon 31 Aug is the summer bank holiday.
        pytest.param(utc(2026, 8, 28, 13), 1, utc(2026, 9, 1, 13), id="bank-holiday-monday"),
        pytest.param(utc(2026, 8, 31, 10), 1, utc(2026, 9, 2, 8), id="start-on-bank-holiday"),
        pytest.param(utc(2026, 12, 24, 10), 1, utc(2026, 12, 29, 10), id="christmas-2026"),
        pytest.param(utc(2026, 12, 31, 16), 1, utc(2027, 1, 4, 16), id="year-end"),
        # Fri 27 Mar 2026 14:00 GMT -> Mon 30 Mar 14:00 BST.
        pytest.param(utc(2026, 3, 27, 14), 1, utc(2026, 3, 30, 13), id="spring-dst"),
        # Fri 23 Oct 2026 14:00 BST -> Mon 26 Oct 14:00 GMT.
        pytest.param(utc(2026, 10, 23, 13), 1, utc(2026, 10, 26, 14), id="autumn-dst"),
        # Thu 25 Mar 2027 14:00 GMT -> Tue 30 Mar 14:00 BST (Easter and clock change).
        pytest.param(utc(2027, 3, 25, 14), 1, utc(2027, 3, 30, 13), id="easter-2027"),
        # Thu 2 Apr 2026 16:59 BST -> Tue 7 Apr 16:59 BST.
        pytest.param(utc(2026, 4, 2, 15, 59), 1, utc(2026, 4, 7, 15, 59), id="easter-2026"),
        # 45 working days from Mon 2 Nov 2026 10:00: Thu 7 Jan 2027 (counted by hand).
        pytest.param(utc(2026, 11, 2, 10), 45, utc(2027, 1, 7, 10), id="45-over-christmas"),
    ],
)
def test_add_working_days(
    work_calendar: WorkingCalendar, start: datetime, days: int, expected: datetime
) -> None:
    result = work_calendar.add_working_days(start, days)
    assert result == expected
    assert_utc(result)


def test_add_working_days_rejects_negative(work_calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="negative"):
        work_calendar.add_working_days(utc(2026, 11, 3, 10), -1)


# Mon-Thu 09:00-17:00, Fri 09:00-13:00, Sat 10:00-12:00, no holidays.
SHORT_WEEK = WorkingCalendar(
    "Europe/London",
    {
        0: (time(9), time(17)),
        1: (time(9), time(17)),
        2: (time(9), time(17)),
        3: (time(9), time(17)),
        4: (time(9), time(13)),
        5: (time(10), time(12)),
    },
    lambda d: False,
)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        pytest.param(utc(2026, 11, 5, 15), 1, utc(2026, 11, 6, 13), id="clamped-to-friday-close"),
        pytest.param(utc(2026, 11, 6, 9, 30), 1, utc(2026, 11, 7, 10), id="clamped-to-sat-open"),
        pytest.param(utc(2026, 11, 6, 11), 1, utc(2026, 11, 7, 11), id="fits-saturday"),
        pytest.param(utc(2026, 11, 7, 11), 1, utc(2026, 11, 9, 11), id="sunday-closed"),
    ],
)
def test_add_working_days_clamps_into_short_days(
    start: datetime, days: int, expected: datetime
) -> None:
    assert SHORT_WEEK.add_working_days(start, days) == expected


def test_short_week_friday_is_four_hours() -> None:
    assert SHORT_WEEK.working_time_between(utc(2026, 11, 6), utc(2026, 11, 7)) == 4 * H
    assert SHORT_WEEK.add_working_time(utc(2026, 11, 6, 12), 2 * H) == utc(2026, 11, 7, 11)


# --- working_time_between --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param(utc(2026, 11, 3, 10), utc(2026, 11, 3, 12), 2 * H, id="same-day"),
        pytest.param(utc(2026, 11, 6, 16), utc(2026, 11, 9, 10), 2 * H, id="over-weekend"),
        pytest.param(utc(2026, 11, 7, 0), utc(2026, 11, 9, 0), timedelta(0), id="weekend-only"),
        pytest.param(utc(2026, 11, 3, 18), utc(2026, 11, 4, 8), timedelta(0), id="night-only"),
        pytest.param(utc(2026, 11, 2, 0), utc(2026, 11, 9, 0), 40 * H, id="whole-week"),
        pytest.param(utc(2026, 12, 24, 9), utc(2026, 12, 29, 9), 8 * H, id="christmas-2026"),
        pytest.param(utc(2026, 12, 21, 0), utc(2027, 1, 4, 0), 56 * H, id="christmas-fortnight"),
        # Mon 30 Mar 2026 from local midnight (23:00 UTC Sunday) to local midnight: 8 h.
        pytest.param(utc(2026, 3, 29, 23), utc(2026, 3, 30, 23), 8 * H, id="dst-monday-8h"),
        pytest.param(utc(2026, 3, 28, 0), utc(2026, 3, 30, 0), timedelta(0), id="dst-weekend"),
        pytest.param(utc(2026, 10, 26, 0), utc(2026, 10, 27, 0), 8 * H, id="autumn-monday-8h"),
        pytest.param(utc(2026, 11, 3, 12), utc(2026, 11, 3, 10), -2 * H, id="negative"),
        pytest.param(utc(2026, 11, 3, 12), utc(2026, 11, 3, 12), timedelta(0), id="equal"),
    ],
)
def test_working_time_between(
    work_calendar: WorkingCalendar, a: datetime, b: datetime, expected: timedelta
) -> None:
    assert work_calendar.working_time_between(a, b) == expected


# --- input checks ----------------------------------------------------------------------------

NAIVE = datetime(2026, 11, 3, 10)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.is_open(NAIVE), id="is_open"),
        pytest.param(lambda c: c.next_opening(NAIVE), id="next_opening"),
        pytest.param(lambda c: c.add_working_time(NAIVE, H), id="add_working_time"),
        pytest.param(lambda c: c.add_working_days(NAIVE, 1), id="add_working_days"),
        pytest.param(lambda c: c.working_time_between(NAIVE, utc(2026, 11, 4)), id="between-a"),
        pytest.param(lambda c: c.working_time_between(utc(2026, 11, 4), NAIVE), id="between-b"),
    ],
)
def test_naive_datetimes_are_rejected(
    work_calendar: WorkingCalendar, call: Callable[[WorkingCalendar], object]
) -> None:
    with pytest.raises(ValueError, match="aware"):
        call(work_calendar)


@pytest.mark.parametrize(
    ("tz", "hours", "message"),
    [
        pytest.param("Europe/Londn", {0: (time(9), time(17))}, "time zone", id="bad-zone"),
        pytest.param("Europe/London", {}, "at least one", id="no-hours"),
        pytest.param("Europe/London", {7: (time(9), time(17))}, "weekday", id="bad-weekday"),
        pytest.param("Europe/London", {1: (time(9), time(8))}, "not after", id="end-before-start"),
    ],
)
def test_bad_calendar_is_rejected(tz: str, hours: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkingCalendar(tz, hours, lambda d: False)


def test_holiday_lookups_are_cached() -> None:
    seen: list[date] = []

    def is_holiday(d: date) -> bool:
        seen.append(d)
        return False

    cal = WorkingCalendar("Europe/London", {0: (time(9), time(17))}, is_holiday)
    for _ in range(3):
        cal.add_working_days(utc(2026, 11, 2, 10), 4)
    assert len(seen) == len(set(seen))


def test_always_closed_calendar_raises_instead_of_hanging() -> None:
    cal = WorkingCalendar("Europe/London", {0: (time(9), time(17))}, lambda d: True)
    with pytest.raises(ValueError, match="no opening"):
        cal.add_working_time(utc(2026, 11, 2, 10), H)


# --- brute-force oracle ----------------------------------------------------------------------


def oracle_open(at: datetime) -> bool:
    """Independent reading of the default policy for 2026-2027, minute by minute."""
    local = at.astimezone(LONDON)
    return (
        local.weekday() < 5
        and local.date() not in ENGLAND_HOLIDAYS
        and time(9) <= local.time() < time(17)
    )


def oracle_add(start: datetime, minutes: int) -> datetime:
    t = start
    while not oracle_open(t):
        t += MIN
    counted = 0
    while counted < minutes:
        if oracle_open(t):
            counted += 1
        t += MIN
    return t


@PROPERTY
@given(start=minute_instants, minutes=st.integers(min_value=0, max_value=20 * 60))
def test_add_working_time_matches_minute_by_minute_oracle(
    work_calendar: WorkingCalendar, start: datetime, minutes: int
) -> None:
    assert work_calendar.add_working_time(start, minutes * MIN) == oracle_add(start, minutes)


@PROPERTY
@given(a=minute_instants, span=st.integers(min_value=0, max_value=5 * 24 * 60))
def test_working_time_between_matches_oracle(
    work_calendar: WorkingCalendar, a: datetime, span: int
) -> None:
    b = a + span * MIN
    expected = sum(oracle_open(a + i * MIN) for i in range(span)) * MIN
    assert work_calendar.working_time_between(a, b) == expected


@PROPERTY
@given(at=minute_instants)
def test_is_open_matches_oracle(work_calendar: WorkingCalendar, at: datetime) -> None:
    assert work_calendar.is_open(at) is oracle_open(at)


# --- properties ------------------------------------------------------------------------------


@PROPERTY
@given(start=instants, delta=deltas)
def test_add_working_time_is_never_before_start_and_in_utc(
    work_calendar: WorkingCalendar, start: datetime, delta: timedelta
) -> None:
    result = work_calendar.add_working_time(start, delta)
    assert result >= start
    assert_utc(result)


@PROPERTY
@given(start=instants, d1=deltas, d2=deltas)
def test_add_working_time_is_monotonic_in_delta(
    work_calendar: WorkingCalendar, start: datetime, d1: timedelta, d2: timedelta
) -> None:
    lo, hi = sorted((d1, d2))
    assert work_calendar.add_working_time(start, lo) <= work_calendar.add_working_time(start, hi)


@PROPERTY
@given(start=instants, delta=deltas)
def test_add_working_time_round_trips(
    work_calendar: WorkingCalendar, start: datetime, delta: timedelta
) -> None:
    end = work_calendar.add_working_time(start, delta)
    assert work_calendar.working_time_between(start, end) == delta


@PROPERTY
@given(start=instants, delta=deltas)
def test_add_working_time_lands_in_hours_or_at_closing(
    work_calendar: WorkingCalendar, start: datetime, delta: timedelta
) -> None:
    result = work_calendar.add_working_time(start, delta)
    assert inside_hours(work_calendar, result, time(9), time(17))


@PROPERTY
@given(a=instants, b=instants)
def test_working_time_between_is_antisymmetric(
    work_calendar: WorkingCalendar, a: datetime, b: datetime
) -> None:
    assert work_calendar.working_time_between(a, b) == -work_calendar.working_time_between(b, a)


@PROPERTY
@given(points=st.lists(instants, min_size=3, max_size=3))
def test_working_time_between_adds_up(
    work_calendar: WorkingCalendar, points: list[datetime]
) -> None:
    a, b, c = sorted(points)
    between = work_calendar.working_time_between
    assert between(a, b) + between(b, c) == between(a, c)
    assert between(a, b) <= b - a


@PROPERTY
@given(start=instants, days=st.integers(min_value=0, max_value=60))
def test_add_working_days_keeps_time_of_day_inside_hours(
    work_calendar: WorkingCalendar, start: datetime, days: int
) -> None:
    result = work_calendar.add_working_days(start, days)
    opened = work_calendar.next_opening(start)
    assert result >= opened >= start
    assert_utc(result)
    assert inside_hours(work_calendar, result, time(9), time(17))
    # Every working day has the same hours, so no clamping: the wall-clock time is kept.
    assert result.astimezone(LONDON).time() == opened.astimezone(LONDON).time()
    skipped = result.astimezone(LONDON).date() - opened.astimezone(LONDON).date()
    working = sum(
        work_calendar.is_working_day(opened.astimezone(LONDON).date() + timedelta(days=i))
        for i in range(1, skipped.days + 1)
    )
    assert working == days


@PROPERTY
@given(s1=instants, s2=instants, days=st.integers(min_value=0, max_value=20))
def test_add_working_days_is_monotonic_in_start(
    work_calendar: WorkingCalendar, s1: datetime, s2: datetime, days: int
) -> None:
    lo, hi = sorted((s1, s2))
    assert work_calendar.add_working_days(lo, days) <= work_calendar.add_working_days(hi, days)


@PROPERTY
@given(at=instants)
def test_next_opening_is_open_and_not_before(work_calendar: WorkingCalendar, at: datetime) -> None:
    result = work_calendar.next_opening(at)
    assert result >= at
    assert work_calendar.is_open(result)
    assert work_calendar.working_time_between(at, result) == timedelta(0)
    if work_calendar.is_open(at):
        assert result == at


@st.composite
def weekly_hours(draw: st.DrawFn) -> dict[int, tuple[time, time]]:
    """Random opening hours on a random, non-empty set of weekdays (quarter-hour steps)."""
    days = draw(st.sets(st.integers(0, 6), min_size=1))
    hours = {}
    for day in days:
        start = draw(st.integers(0, 94))
        end = draw(st.integers(start + 1, 95))
        hours[day] = (time(start // 4, start % 4 * 15), time(end // 4, end % 4 * 15))
    return hours


@PROPERTY
@given(
    hours=weekly_hours(),
    tz=st.sampled_from(["Europe/London", "America/New_York", "Australia/Sydney", "UTC"]),
    start=instants,
    delta=deltas,
)
def test_any_calendar_round_trips(
    hours: dict[int, tuple[time, time]], tz: str, start: datetime, delta: timedelta
) -> None:
    cal = WorkingCalendar(tz, hours, lambda d: d.day == 1)
    end = cal.add_working_time(start, delta)
    assert end >= start
    assert cal.working_time_between(start, end) == delta
    local = end.astimezone(ZoneInfo(tz))
    assert cal.is_open(end) or local.time() == hours[local.weekday()][1]
