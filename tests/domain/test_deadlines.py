"""Deadlines of the default policy, worked out by hand on the real 2026-2027 calendar.

BST (UTC+1) runs from 29 Mar to 25 Oct 2026 and from 28 Mar 2027; summer instants are
written in UTC with the London wall-clock time in the id or a comment.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mash_desk.domain.deadlines import Deadlines, format_duration
from mash_desk.domain.enums import Rag
from mash_desk.domain.policy import ClockUnit, Policy, TimeLimit

LONDON = ZoneInfo("Europe/London")
H = timedelta(hours=1)
MIN = timedelta(minutes=1)
PROPERTY = settings(deadline=None, max_examples=150)

instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)


def utc(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    """UTC instant."""
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


def in_working_hours(deadlines: Deadlines, at: datetime) -> bool:
    """Within 09:00-17:00 (closing time included) on an English working day."""
    local = at.astimezone(LONDON)
    return deadlines.calendar.is_working_day(local.date()) and time(9) <= local.time() <= time(17)


# --- decision clocks -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rag", "received", "expected"),
    [
        # Red: 4 hours of real time; the clock runs out of hours (EDT).
        pytest.param(Rag.RED, utc(2026, 11, 3, 15), utc(2026, 11, 3, 19), id="red-in-hours"),
        pytest.param(Rag.RED, utc(2026, 11, 3, 22), utc(2026, 11, 4, 2), id="red-evening"),
        pytest.param(Rag.RED, utc(2026, 11, 7, 22), utc(2026, 11, 8, 2), id="red-weekend"),
        pytest.param(Rag.RED, utc(2026, 12, 25, 10), utc(2026, 12, 25, 14), id="red-christmas"),
        pytest.param(Rag.RED, utc(2026, 12, 31, 22), utc(2027, 1, 1, 2), id="red-year-end"),
        # Sat 28 Mar 2026 23:30 GMT -> Sun 04:30 BST, 4 real hours across the clock change.
        pytest.param(Rag.RED, utc(2026, 3, 28, 23, 30), utc(2026, 3, 29, 3, 30), id="red-spring"),
        # Sat 24 Oct 2026 23:30 BST -> Sun 02:30 GMT.
        pytest.param(Rag.RED, utc(2026, 10, 24, 22, 30), utc(2026, 10, 25, 2, 30), id="red-autumn"),
        # Amber: 1 working day.
        pytest.param(Rag.AMBER, utc(2026, 11, 3, 14), utc(2026, 11, 4, 14), id="amber-tuesday"),
        pytest.param(Rag.AMBER, utc(2026, 11, 6, 14), utc(2026, 11, 9, 14), id="amber-friday"),
        pytest.param(Rag.AMBER, utc(2026, 11, 3, 18, 30), utc(2026, 11, 5, 9), id="amber-evening"),
        pytest.param(Rag.AMBER, utc(2026, 11, 4, 2), utc(2026, 11, 5, 9), id="amber-night"),
        pytest.param(Rag.AMBER, utc(2026, 11, 7, 10), utc(2026, 11, 10, 9), id="amber-saturday"),
        # Mon 31 Aug 2026 (bank holiday) 12:00 BST -> Tue 09:00 -> Wed 2 Sep 09:00 BST.
        pytest.param(Rag.AMBER, utc(2026, 8, 31, 11), utc(2026, 9, 2, 8), id="amber-bank-holiday"),
        pytest.param(Rag.AMBER, utc(2026, 12, 31, 16), utc(2027, 1, 4, 16), id="amber-year-end"),
        pytest.param(Rag.AMBER, utc(2026, 12, 24, 10), utc(2026, 12, 29, 10), id="amber-christmas"),
        # Green: 3 working days.
        pytest.param(Rag.GREEN, utc(2026, 11, 3, 14), utc(2026, 11, 6, 14), id="green-tuesday"),
        pytest.param(Rag.GREEN, utc(2026, 11, 5, 14), utc(2026, 11, 10, 14), id="green-thursday"),
        pytest.param(Rag.GREEN, utc(2026, 12, 23, 11), utc(2026, 12, 30, 11), id="green-dec-23"),
        pytest.param(Rag.GREEN, utc(2026, 12, 24, 10), utc(2026, 12, 31, 10), id="green-dec-24"),
        # Christmas Day contact: Tue 29 Dec 09:00 starts; Wed 30, Thu 31, (1 Jan), Mon 4 Jan.
        pytest.param(Rag.GREEN, utc(2026, 12, 25, 10), utc(2027, 1, 4, 9), id="green-christmas"),
        # Thu 25 Mar 2027 12:00 GMT -> Tue 30, Wed 31, Thu 1 Apr 12:00 BST.
        pytest.param(Rag.GREEN, utc(2027, 3, 25, 12), utc(2027, 4, 1, 11), id="green-easter-2027"),
    ],
)
def test_decision_due(
    deadlines: Deadlines, rag: Rag, received: datetime, expected: datetime
) -> None:
    result = deadlines.decision_due(rag, received)
    assert result == expected
    assert result.tzinfo is UTC


def test_decision_due_accepts_plain_strings(deadlines: Deadlines) -> None:
    # Rag values come back from the database as plain strings.
    assert deadlines.decision_due("amber", utc(2026, 11, 3, 14)) == utc(2026, 11, 4, 14)  # type: ignore[arg-type]


# --- agency checks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rag", "requested", "expected"),
    [
        pytest.param(Rag.RED, utc(2026, 11, 3, 16, 30), utc(2026, 11, 3, 18, 30), id="red"),
        pytest.param(Rag.AMBER, utc(2026, 11, 3, 16, 30), utc(2026, 11, 3, 22, 30), id="amber"),
        pytest.param(Rag.GREEN, utc(2026, 11, 6, 16), utc(2026, 11, 7, 16), id="green-to-saturday"),
        # Tue 7 Jul 2026 16:30 BST -> 18:30 BST.
        pytest.param(Rag.RED, utc(2026, 7, 7, 15, 30), utc(2026, 7, 7, 17, 30), id="red-summer"),
        # Sat 24 Oct 2026 12:00 BST + 24 real hours = Sun 25 Oct 11:00 GMT (wall clock 23 h on).
        pytest.param(Rag.GREEN, utc(2026, 10, 24, 11), utc(2026, 10, 25, 11), id="green-autumn"),
        pytest.param(Rag.AMBER, utc(2026, 12, 25, 9), utc(2026, 12, 25, 15), id="amber-christmas"),
    ],
)
def test_agency_check_due(
    deadlines: Deadlines, rag: Rag, requested: datetime, expected: datetime
) -> None:
    assert deadlines.agency_check_due(rag, requested) == expected


# --- statutory deadlines ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("referral", "expected"),
    [
        pytest.param(utc(2026, 11, 3, 11), utc(2026, 11, 4, 11), id="tuesday"),
        pytest.param(utc(2026, 12, 31, 16), utc(2027, 1, 4, 16), id="year-end"),
        pytest.param(utc(2026, 11, 7, 10), utc(2026, 11, 10, 9), id="saturday"),
        # Thu 2 Apr 2026 15:00 BST -> Tue 7 Apr 15:00 BST (Easter 2026).
        pytest.param(utc(2026, 4, 2, 14), utc(2026, 4, 7, 14), id="easter-2026"),
    ],
)
def test_referral_decision_due(
    deadlines: Deadlines, referral: datetime, expected: datetime
) -> None:
    assert deadlines.referral_decision_due(referral) == expected


@pytest.mark.parametrize(
    ("referral", "expected"),
    [
        # Nov 3-6 (4), 9-13 (9), 16-20 (14), 23-27 (19), 30 (20), Dec 1-4 (24), 7-11 (29),
        # 14-18 (34), 21-24 (38), 29-31 (41), Jan 4-7 2027 (45).
        pytest.param(utc(2026, 11, 2, 10), utc(2027, 1, 7, 10), id="over-christmas"),
        # Mon 1 Mar 2027 09:30 GMT: Mar 2-5 (4), 8-12 (9), 15-19 (14), 22-25 (18), 30-Apr 2
        # (22), Apr 5-9 (27), 12-16 (32), 19-23 (37), 26-30 (42), May 4-6 (45): 09:30 BST.
        pytest.param(utc(2027, 3, 1, 9, 30), utc(2027, 5, 6, 8, 30), id="over-easter-2027"),
        # Out of hours: Sat 7 Nov 2026 -> counting from Mon 9 Nov 09:00; Nov 10-13 (4), 16-20
        # (9), 23-27 (14), Nov 30-Dec 4 (19), 7-11 (24), 14-18 (29), 21-24 (33), 29-31 (36),
        # Jan 4-8 (41), Jan 11-14 2027 (45).
        pytest.param(utc(2026, 11, 7, 10), utc(2027, 1, 14, 9), id="weekend-referral"),
    ],
)
def test_assessment_due(deadlines: Deadlines, referral: datetime, expected: datetime) -> None:
    assert deadlines.assessment_due(referral) == expected


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        # Dec 10-11 (2), 14-18 (7), 21-24 (11), 29-31 (14), Mon 4 Jan 2027 (15).
        pytest.param(utc(2026, 12, 9, 15), utc(2027, 1, 4, 15), id="over-christmas"),
        # Mon 16 Mar 2026 14:00 GMT: Mar 17-20 (4), 23-27 (9), 30-Apr 2 (13), Apr 7-8 (15):
        # Wed 8 Apr 14:00 BST.
        pytest.param(utc(2026, 3, 16, 14), utc(2026, 4, 8, 13), id="over-easter-and-dst"),
        # Mon 9 Mar 2026 10:00 GMT -> Mon 30 Mar 10:00 BST.
        pytest.param(utc(2026, 3, 9, 10), utc(2026, 3, 30, 9), id="into-summer-time"),
        # Evening strategy discussion Fri 6 Nov 2026 19:00 (with EDT): counting from Mon 9 Nov
        # 09:00; Nov 10-13 (4), 16-20 (9), 23-27 (14), Mon 30 Nov (15).
        pytest.param(utc(2026, 11, 6, 19), utc(2026, 11, 30, 9), id="out-of-hours-strategy"),
    ],
)
def test_icpc_due(deadlines: Deadlines, strategy: datetime, expected: datetime) -> None:
    assert deadlines.icpc_due(strategy) == expected


# --- any time limit --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("limit", "start", "expected"),
    [
        pytest.param(
            TimeLimit(4, ClockUnit.WORKING_HOURS),
            utc(2026, 11, 3, 15),
            utc(2026, 11, 4, 11),
            id="working-hours-stop-overnight",
        ),
        pytest.param(
            TimeLimit(4, ClockUnit.WORKING_HOURS, out_of_hours=True),
            utc(2026, 11, 3, 15),
            utc(2026, 11, 3, 19),
            id="out-of-hours-keeps-running",
        ),
        pytest.param(
            TimeLimit(1.5, ClockUnit.HOURS),
            utc(2026, 11, 3, 23),
            utc(2026, 11, 4, 0, 30),
            id="hours",
        ),
    ],
)
def test_due_for_any_limit(
    deadlines: Deadlines, limit: TimeLimit, start: datetime, expected: datetime
) -> None:
    assert deadlines.due(limit, start) == expected


NAIVE = datetime(2026, 11, 3, 10)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda d: d.decision_due(Rag.RED, NAIVE), id="red-decision"),
        pytest.param(lambda d: d.decision_due(Rag.GREEN, NAIVE), id="green-decision"),
        pytest.param(lambda d: d.agency_check_due(Rag.AMBER, NAIVE), id="agency-check"),
        pytest.param(lambda d: d.referral_decision_due(NAIVE), id="referral"),
        pytest.param(lambda d: d.assessment_due(NAIVE), id="assessment"),
        pytest.param(lambda d: d.icpc_due(NAIVE), id="icpc"),
        pytest.param(lambda d: d.describe_remaining(NAIVE, utc(2026, 11, 3)), id="describe-due"),
        pytest.param(lambda d: d.describe_remaining(utc(2026, 11, 3), NAIVE), id="describe-now"),
    ],
)
def test_naive_datetimes_are_rejected(
    deadlines: Deadlines, call: Callable[[Deadlines], object]
) -> None:
    with pytest.raises(ValueError, match="aware"):
        call(deadlines)


def test_one_working_day_logged_after_closing_has_one_working_day_left(
    deadlines: Deadlines,
) -> None:
    evening = utc(2026, 11, 3, 18)  # Tuesday, after closing
    due = deadlines.decision_due(Rag.AMBER, evening)
    assert due == utc(2026, 11, 5, 9)
    assert deadlines.working_days_left(due, evening) == 1


def test_from_policy(policy: Policy) -> None:
    built = Deadlines.from_policy(policy)
    assert built.decision_due(Rag.AMBER, utc(2026, 11, 6, 14)) == utc(2026, 11, 9, 14)


# --- describe_remaining ----------------------------------------------------------------------

NOW = utc(2026, 11, 3, 14)  # Tue 3 Nov 2026 14:00 GMT


@pytest.mark.parametrize(
    ("due", "now", "words"),
    [
        pytest.param(NOW + 2 * H + 15 * MIN, NOW, "2 h 15 min left", id="hours-and-minutes"),
        pytest.param(NOW + 3 * H, NOW, "3 h left", id="whole-hours"),
        pytest.param(NOW + 40 * MIN, NOW, "40 min left", id="minutes"),
        pytest.param(NOW + 30 * timedelta(seconds=1), NOW, "less than 1 min left", id="seconds"),
        pytest.param(NOW + 23 * H + 59 * MIN, NOW, "23 h 59 min left", id="just-under-a-day"),
        pytest.param(NOW, NOW, "due now", id="due-now"),
        pytest.param(NOW - 40 * MIN, NOW, "overdue by 40 min", id="overdue-minutes"),
        pytest.param(NOW - 2 * H - 5 * MIN, NOW, "overdue by 2 h 5 min", id="overdue-hours"),
        pytest.param(NOW - 27 * H, NOW, "overdue by 1 day 3 h", id="overdue-a-day"),
        pytest.param(NOW - 72 * H, NOW, "overdue by 3 days", id="overdue-days"),
        pytest.param(utc(2026, 11, 4, 14), NOW, "1 working day left", id="one-working-day"),
        pytest.param(utc(2026, 11, 6, 14), NOW, "3 working days left", id="three-working-days"),
        # Fri 6 Nov 14:00 -> Mon 9 Nov 14:00: only Monday is a working day.
        pytest.param(
            utc(2026, 11, 9, 14), utc(2026, 11, 6, 14), "1 working day left", id="over-weekend"
        ),
        # Fri 6 Nov 16:00 -> Sun 8 Nov 16:00 (a real-time agency clock): no working day between.
        pytest.param(
            utc(2026, 11, 8, 16), utc(2026, 11, 6, 16), "48 h left", id="weekend-real-time"
        ),
        # Tue 3 Nov 18:00 (closed) -> Thu 5 Nov 09:00: one working day, Wednesday.
        pytest.param(
            utc(2026, 11, 5, 9), utc(2026, 11, 3, 18), "1 working day left", id="after-closing"
        ),
        # Thu 24 Dec 2026 10:00 -> Tue 29 Dec 10:00: only the Tuesday works.
        pytest.param(
            utc(2026, 12, 29, 10), utc(2026, 12, 24, 10), "1 working day left", id="christmas"
        ),
    ],
)
def test_describe_remaining(deadlines: Deadlines, due: datetime, now: datetime, words: str) -> None:
    assert deadlines.describe_remaining(due, now) == words


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        pytest.param(timedelta(0), "less than 1 min", id="zero"),
        pytest.param(MIN, "1 min", id="one-minute"),
        pytest.param(H, "1 h", id="one-hour"),
        pytest.param(25 * H + MIN, "1 day 1 h", id="day-drops-minutes"),
        pytest.param(48 * H, "2 days", id="two-days"),
        pytest.param(-90 * MIN, "1 h 30 min", id="sign-ignored"),
    ],
)
def test_format_duration(delta: timedelta, words: str) -> None:
    assert format_duration(delta) == words


# --- properties ------------------------------------------------------------------------------


@PROPERTY
@given(received=instants, rag=st.sampled_from(list(Rag)))
def test_decision_is_never_before_receipt(
    deadlines: Deadlines, received: datetime, rag: Rag
) -> None:
    due = deadlines.decision_due(rag, received)
    assert due >= received
    assert due.tzinfo is UTC


@PROPERTY
@given(received=instants)
def test_red_clock_is_four_real_hours(deadlines: Deadlines, received: datetime) -> None:
    assert deadlines.decision_due(Rag.RED, received) - received == 4 * H


@PROPERTY
@given(received=instants)
def test_more_urgent_is_never_due_later(deadlines: Deadlines, received: datetime) -> None:
    red = deadlines.decision_due(Rag.RED, received)
    amber = deadlines.decision_due(Rag.AMBER, received)
    green = deadlines.decision_due(Rag.GREEN, received)
    assert red <= amber <= green


@PROPERTY
@given(
    start=instants,
    which=st.sampled_from(
        ["amber", "green", "referral_decision_due", "assessment_due", "icpc_due"]
    ),
)
def test_working_clocks_end_inside_working_hours(
    deadlines: Deadlines, start: datetime, which: str
) -> None:
    if which in ("amber", "green"):
        due = deadlines.decision_due(Rag(which), start)
    else:
        due = getattr(deadlines, which)(start)
    assert due > start
    assert in_working_hours(deadlines, due)


@PROPERTY
@given(requested=instants, rag=st.sampled_from(list(Rag)))
def test_agency_checks_count_real_hours(
    deadlines: Deadlines, requested: datetime, rag: Rag
) -> None:
    hours = {Rag.RED: 2, Rag.AMBER: 6, Rag.GREEN: 24}[rag]
    assert deadlines.agency_check_due(rag, requested) - requested == hours * H


@PROPERTY
@given(a=instants, b=instants)
def test_describe_remaining_says_overdue_exactly_when_past(
    deadlines: Deadlines, a: datetime, b: datetime
) -> None:
    words = deadlines.describe_remaining(a, b)
    assert words.startswith("overdue by ") == (a < b)
    assert words.endswith(" left") == (a > b)
