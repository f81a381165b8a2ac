"""Due dates of front-door work, from the policy's time limits and the working calendar.

Every result is an aware UTC datetime. Clocks that count real time (red decisions, whose clock
keeps running out of hours because the Emergency Duty Team works red cases to completion, and
agency-check returns) simply add elapsed hours; the others count opening hours or working days.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mash_desk.domain.enums import Rag
from mash_desk.domain.policy import ClockUnit, Policy, TimeLimit
from mash_desk.domain.working_time import HolidayYears, WorkingCalendar

_ONE_DAY = timedelta(days=1)
_ONE_MINUTE = timedelta(minutes=1)


# Until a practitioner rates it, a contact runs on the amber clock: not alarmist, but
# due within a working day, which is the national decision timescale anyway.
UNRATED_CLOCK = Rag.AMBER


def _aware(value: datetime, name: str) -> datetime:
    """Return ``value`` in UTC, refusing naive datetimes."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(f"{name} must be an aware datetime, got naive {value.isoformat()}")
    return value.astimezone(UTC)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def format_duration(delta: timedelta) -> str:
    """Return a non-negative duration in plain words, rounded down to the minute.

    Examples: ``"40 min"``, ``"2 h 15 min"``, ``"1 day 3 h"``, ``"less than 1 min"``.
    """
    minutes = int(abs(delta) // _ONE_MINUTE)
    if minutes == 0:
        return "less than 1 min"
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _plural(days, "day", "days") + (f" {hours} h" if hours else "")
    if hours:
        return f"{hours} h" + (f" {minutes} min" if minutes else "")
    return f"{minutes} min"


class Deadlines:
    """Works out due dates from a policy's time limits on its working calendar."""

    def __init__(self, policy: Policy, calendar: WorkingCalendar):
        """Use the time limits of ``policy`` counted on ``calendar``."""
        self.policy = policy
        self.calendar = calendar

    @classmethod
    def from_policy(cls, policy: Policy, kept: HolidayYears | None = None) -> Deadlines:
        """Build deadlines on the policy's own calendar (its time zone, hours and holidays).

        ``kept`` keeps the bank holidays between starts (:class:`HolidayYears`).
        """
        return cls(policy, WorkingCalendar.from_policy(policy, kept))

    def due(self, limit: TimeLimit, start: datetime) -> datetime:
        """Return when ``limit`` runs out for a clock started at ``start`` (UTC).

        Real-time clocks add elapsed hours from ``start`` itself, even out of hours; working
        clocks start counting at the next opening (see :class:`WorkingCalendar`).
        """
        start = _aware(start, "start")
        if limit.unit is ClockUnit.WORKING_DAYS and not limit.out_of_hours:
            return self.calendar.add_working_days(start, int(limit.amount))
        if limit.unit is ClockUnit.WORKING_DAYS:
            # The loader never builds this; read it as calendar days of real time.
            return start + timedelta(days=limit.amount)
        amount = timedelta(hours=limit.amount)
        if limit.counts_real_time:
            return start + amount
        return self.calendar.add_working_time(start, amount)

    def decision_due(self, rag: Rag, received_at: datetime) -> datetime:
        """Return when the decision on a contact rated ``rag`` received at ``received_at`` is due.

        With the default policy: red 4 hours of real time (the clock runs out of hours),
        amber 1 working day, green 3 working days.
        """
        return self.due(self.policy.rag[Rag(rag)].decision, received_at)

    def agency_check_due(self, rag: Rag, requested_at: datetime) -> datetime:
        """Return when partner agencies must return checks requested at ``requested_at``.

        With the default policy, real elapsed hours: red 2, amber 6, green 24.
        """
        return self.due(self.policy.rag[Rag(rag)].agency_check, requested_at)

    def referral_decision_due(self, referral_at: datetime) -> datetime:
        """Return when the decision on the response to a referral is due (1 working day)."""
        return self.due(self.policy.referral_decision, referral_at)

    def assessment_due(self, referral_at: datetime) -> datetime:
        """Return when the single assessment must conclude (45 working days from referral)."""
        return self.due(self.policy.single_assessment, referral_at)

    def icpc_due(self, strategy_at: datetime) -> datetime:
        """Return the latest date for the initial child protection conference.

        Counted from the strategy discussion (15 working days with the default policy).
        """
        return self.due(self.policy.icpc, strategy_at)

    def working_days_left(self, due: datetime, now: datetime) -> int:
        """Return how many working days a clock running at ``now`` has left until ``due``.

        Counted from the next opening, as working clocks are (:meth:`due`): a contact logged
        on Tuesday evening with one working day is due Thursday at opening, which is one
        working day (Wednesday) away — not two, as counting from Tuesday's date would say.
        """
        zone = self.calendar.timezone
        start = self.calendar.next_opening(_aware(now, "now"))
        return self.calendar.working_days_between(
            start.astimezone(zone).date(), _aware(due, "due").astimezone(zone).date()
        )

    def describe_remaining(self, due: datetime, now: datetime) -> str:
        """Return how long is left before ``due`` (or how overdue it is) in plain words.

        Less than a day of real time left, or no working day between now and the due date:
        hours and minutes (``"2 h 15 min left"``). Otherwise whole working days counted by
        local date (``"3 working days left"``). Past due: ``"overdue by 40 min"``.
        """
        due = _aware(due, "due")
        now = _aware(now, "now")
        if due == now:
            return "due now"
        if due < now:
            return f"overdue by {format_duration(now - due)}"
        left = due - now
        if left >= _ONE_DAY:
            days = self.working_days_left(due, now)
            if days:
                return f"{_plural(days, 'working day', 'working days')} left"
            hours, minutes = divmod(int(left // _ONE_MINUTE), 60)
            return f"{hours} h" + (f" {minutes} min" if minutes else "") + " left"
        return f"{format_duration(left)} left"
