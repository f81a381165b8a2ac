"""What each cell of the work queue says: the words, the tooltips and the sort keys.

Pure functions of a :class:`QueueRow`, the day and the row's countdown, so the model can work
a row's cells out once and hand the same values to every paint (``QueueModel.data``).

Urgency is never shown by colour alone: the RAG column carries the word, and the time-left
column says "OVERDUE" or "due today" in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from mash_desk.domain.deadlines import UNRATED_CLOCK, Deadlines, format_duration
from mash_desk.domain.enums import Rag
from mash_desk.domain.policy import Policy
from mash_desk.services.queue_terms import QueueRow

COL_CHILD, COL_AGE, COL_HOUSEHOLD, COL_RAG, COL_TIME_LEFT, COL_STATUS, COL_WORKER = range(7)
# Added after the first seven so their numbers stay put for every caller.
COL_LEVEL, COL_ELSEWHERE = 7, 8
HEADERS = (
    "Child",
    "Age",
    "Household",
    "RAG",
    "Time left",
    "Status",
    "Worker",
    "Level",
    "Also open",
)
HEADER_TIPS = (
    "The child the work is about",
    "Age today, or the expected delivery date of an unborn child",
    "Postcode and household number: siblings share a household",
    "Urgency rating (red, amber, green)",
    "Time left before the decision is due, counted on the item's own clock",
    "Contact or referral, and where it stands",
    "Who the work is assigned to, and in which team",
    "Threshold level: provisional on a contact, assessed on a referral",
    "Other open work about the same child: contacts, referrals, open services",
)


_ONE_HOUR = timedelta(hours=1)
_ONE_MINUTE = timedelta(minutes=1)
_INFINITY = float("inf")
# English names on purpose: Qt sets the C library locale at start-up, and strftime would
# then follow the machine's language while every other word on screen is English.
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Urgency(StrEnum):
    """How close a row is to its deadline."""

    NONE = "none"  # no deadline recorded
    OK = "ok"
    NEAR = "near"  # under one working hour left, or due today
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Countdown:
    """The time-left cell: short text, urgency, and a full sentence for tooltips and readers."""

    text: str
    urgency: Urgency
    detail: str


def format_day(d: date) -> str:
    """Return a date as ``"3 Feb 2027"``."""
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _format_instant(at: datetime, deadlines: Deadlines) -> str:
    local = at.astimezone(deadlines.calendar.timezone)
    return f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]}, {local:%H:%M}"


def runs_in_real_time(row: QueueRow, policy: Policy) -> bool:
    """Whether the row's decision clock counts real time (red) rather than MASH working time."""
    if row.kind == "referral":
        limit = policy.referral_decision
    else:
        limit = policy.rag[row.rag or UNRATED_CLOCK].decision
    return limit.counts_real_time


def countdown(
    due: datetime | None, now: datetime, deadlines: Deadlines, *, real_time: bool
) -> Countdown:
    """Describe the time left before ``due`` as the queue shows it.

    Working-time clocks count only MASH opening hours ("2 h 15 min left", or "due in 1 working
    day" when a whole working day or more is left); real-time clocks (red) count every hour.
    Lateness is given in real time, because a child waits through nights and weekends too.
    """
    if due is None:
        return Countdown("no deadline", Urgency.NONE, "No decision deadline is recorded")
    calendar = deadlines.calendar
    zone = calendar.timezone
    when = _format_instant(due, deadlines)
    if due <= now:
        late = now - due
        text = "DUE NOW" if late < _ONE_MINUTE else f"OVERDUE by {format_duration(late)}"
        return Countdown(text, Urgency.OVERDUE, f"Overdue: the decision was due {when}")
    measure = (
        "real time: this clock keeps running out of hours" if real_time else "MASH working hours"
    )
    detail = f"Decision due {when}, counted in {measure}"
    left = due - now if real_time else calendar.working_time_between(now, due)
    today = now.astimezone(zone).date()
    due_day = due.astimezone(zone).date()
    due_today = due_day == today
    if left <= timedelta(0):
        # Out of hours, with the deadline at the next opening: no working time is left.
        text = "due at next opening"
    elif real_time or due_today or calendar.add_working_days(now, 1) > due:
        text = f"{format_duration(left)} left"
    else:
        days = deadlines.working_days_left(due, now)
        text = f"due in {days} working day{'' if days == 1 else 's'}"
    if due_today:
        return Countdown(f"{text} — due today", Urgency.NEAR, detail)
    if left < _ONE_HOUR:
        return Countdown(f"{text} — due soon", Urgency.NEAR, detail)
    return Countdown(text, Urgency.OK, detail)


def describe_age(dob: date | None, edd: date | None, today: date) -> tuple[str, tuple]:
    """Return a child's age as shown in the queue, and a sort key (youngest first).

    Years from one year old; months below that; an unborn child shows the expected delivery.
    """
    if dob is not None:
        months = (today.year - dob.year) * 12 + today.month - dob.month - (today.day < dob.day)
        key = (0, (today - dob).days)
        if months >= 12:
            years = months // 12
            return f"{years} year{'' if years == 1 else 's'}", key
        if months >= 1:
            return f"{months} month{'' if months == 1 else 's'}", key
        return "under 1 month", key
    if edd is not None:
        return f"unborn, due {format_day(edd)}", (0, (today - edd).days)
    return "not recorded", (1, 0)


RAG_WORDS = {Rag.RED: "Red", Rag.AMBER: "Amber", Rag.GREEN: "Green", None: "Not rated"}
_RAG_KEYS = {Rag.RED: -3, Rag.AMBER: -2, Rag.GREEN: -1, None: 0}
COLUMNS = range(len(HEADERS))


def due_ts(row: QueueRow) -> float:
    """The row's deadline as a number that sorts (no deadline: last)."""
    return row.due_at.timestamp() if row.due_at is not None else _INFINITY


def cell_text(row: QueueRow, column: int, today: date, cell: Countdown, *, spoken: bool) -> str:
    """The text of one cell, as shown (or, ``spoken``, as a screen reader hears it)."""
    if column == COL_CHILD:
        return row.child_name
    if column == COL_AGE:
        return describe_age(row.date_of_birth, row.expected_delivery, today)[0]
    if column == COL_HOUSEHOLD:
        if row.household_id is None:
            return row.postcode or "not recorded"
        if row.postcode:
            return f"{row.postcode} · household {row.household_id}"
        return f"household {row.household_id}"
    if column == COL_RAG:
        word = RAG_WORDS[row.rag]
        return f"RAG: {word}" if spoken else word
    if column == COL_TIME_LEFT:
        return f"{cell.text}. {cell.detail}" if spoken else cell.text
    if column == COL_STATUS:
        kind = "Contact" if row.kind == "contact" else "Referral"
        return f"{kind}: {row.status.replace('_', ' ')}"
    if column == COL_WORKER:
        return row.assigned_to or "Unassigned"
    if column == COL_LEVEL:
        if row.level is None:
            return "Level: not assessed" if spoken else "not assessed"
        return f"Level {row.level}"
    if column == COL_ELSEWHERE:
        if not row.also_open:
            return "No other open work" if spoken else ""
        text = "; ".join(row.also_open)
        # The header says "Also open"; a screen reader hears the cell without it.
        return f"Also open: {text}" if spoken else text
    return ""


def cell_tip(row: QueueRow, column: int, cell: Countdown) -> str | None:
    """The tooltip of one cell, if it has one."""
    if column == COL_CHILD:
        if row.kind == "referral":
            return f"Referral {row.item_id}, from contact {row.contact_id}"
        return f"Contact {row.contact_id}"
    if column == COL_TIME_LEFT:
        return cell.detail
    if column == COL_RAG:
        return f"RAG rating: {RAG_WORDS[row.rag]}"
    if column == COL_AGE and row.date_of_birth is not None:
        return f"Born {format_day(row.date_of_birth)}"
    if column == COL_WORKER:
        who = row.assigned_to or "Nobody yet"
        return f"{who}, {row.team}" if row.team else who
    if column == COL_ELSEWHERE and row.also_open:
        return "This child already has open work: " + "; ".join(row.also_open)
    return None


def sort_key(row: QueueRow, column: int, today: date) -> tuple:
    """What a column sorts ``row`` by (ascending)."""
    if column == COL_CHILD:
        return (row.child_name.casefold(),)
    if column == COL_AGE:
        return describe_age(row.date_of_birth, row.expected_delivery, today)[1]
    if column == COL_HOUSEHOLD:
        if row.household_id is None and not row.postcode:
            return (1, "", 0)
        return (0, (row.postcode or "").casefold(), row.household_id or 0)
    if column == COL_RAG:
        return (_RAG_KEYS[row.rag],)
    if column == COL_TIME_LEFT:
        return (due_ts(row), row.kind, row.item_id)
    if column == COL_STATUS:
        return (row.kind, row.status)
    if column == COL_WORKER:
        return (1, "") if row.assigned_to is None else (0, row.assigned_to.casefold())
    if column == COL_LEVEL:
        return (row.level is None, -(row.level or 0))
    if column == COL_ELSEWHERE:
        return (not row.also_open, -len(row.also_open))
    return ()
