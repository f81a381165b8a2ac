"""What the meeting history shares: referrals waiting for a decision, the schedule, rosters."""

from __future__ import annotations

import random
from collections import defaultdict, deque
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from mash_desk.domain.meetings import (
    default_meeting_policy,
)
from mash_desk.synthetic.meeting_rates import (
    FINAL_MEETINGS,
    ICPC_OVERDUE,
    ICPC_OVERDUE_WINDOW,
    MEETING_OPENS,
    ONE_DAY,
)

if TYPE_CHECKING:
    from mash_desk.synthetic.people import Kid
    from mash_desk.synthetic.themes import Theme


class Pending:
    """A referral the generator made, until its decision is signed."""

    __slots__ = (
        "row",
        "kid",
        "theme",
        "level",
        "flags",
        "unborn",
        "handler",
        "at",
        "rag",
        "referrer",
        "checks",
        "decided",
    )

    def __init__(
        self,
        row: dict[str, Any],
        kid: Kid,
        theme: Theme,
        flags: frozenset[str],
        unborn: bool,
        referrer: tuple[str | None, str, str | None],
    ):
        self.row = row
        self.kid = kid
        self.theme = theme
        self.level: int | None = row["level"]
        self.flags = flags
        self.unborn = unborn
        self.handler: int = row["assigned_to"]
        self.at: datetime = row["referral_at"]
        self.rag: str | None = row["rag"]
        self.referrer = referrer
        # (check row, its return's audit row or None)
        self.checks: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
        self.decided = False

    @property
    def id(self) -> int:
        """The referral's id."""
        return self.row["id"]


class MeetingState:
    """Random streams, the meeting days and the people at them, shared by every step."""

    def __init__(
        self,
        gen: Any,
        agencies: dict[str, int],
        users: dict[str, int],
        names: dict[int, str],
        reps: dict[str, int],
        chair: int,
    ):
        self.g = gen
        self.agencies = agencies
        self._codes = {v: k for k, v in agencies.items()}
        self.users = users
        self.names = names
        self.reps = reps
        self.chair = chair
        # Meeting history draws from its own streams, so contacts stay as they were.
        self.rng = random.Random(f"{gen.seed}:meetings")
        self.drng = random.Random(f"{gen.seed}:demo-day")
        self.policy = default_meeting_policy()
        self.deadlines = gen.deadlines
        self.cal = gen.cal
        self.end: datetime = gen.end
        self.end_day: date = gen.end_day
        self.pending: list[Pending] = []
        self._opens: dict[date, datetime] = {}
        self.counts: defaultdict[str, int] = defaultdict(int)
        self.open_escalations = 0
        self.demo_homes: dict[int | None, int] = defaultdict(int)
        self.demo_siblings = False
        self.last_decided: tuple[Pending, dict[str, Any], Any, datetime] | None = None
        # The latest signed decisions, for the cases handed to partners on the demo's today.
        self.recent_decided: deque[tuple[Pending, dict[str, Any], datetime]] = deque(maxlen=60)
        self.rosters = self._rosters()
        # The last few meetings before the demo's today are held at the end, once it is known
        # how many referrals will still be waiting.
        self.final: list[date] = []
        day = self.end_day - ONE_DAY
        while len(self.final) < FINAL_MEETINGS and day >= gen.start.astimezone(gen.tz).date():
            if self.meets_on(day):
                self.final.insert(0, day)
            day -= ONE_DAY
        self.demo_from = self.opens(self.final[-1]) if self.final else gen.start
        self.siblings_from = self.opens(self.final[0]) if self.final else gen.start
        # Conferences draw from their own stream, so the rest of the history is as it was.
        self.crng = random.Random(f"{gen.seed}:conferences")
        self.nrng = random.Random(f"{gen.seed}:icpc-not-required")
        self.icpc_overdue_left = self.crng.randint(*ICPC_OVERDUE)
        # Conferences are dated up to the working day before the demo's today, whose morning
        # it is; targets passing since the window's first opening may be left overdue.
        self.icpc_last_day = self._working_days_from(self.end_day, -1)
        window_day = self._working_days_from(self.end_day, -ICPC_OVERDUE_WINDOW)
        self.icpc_overdue_from = self.cal.next_opening(gen._local(window_day, time(0)))

    # --- schedule -----------------------------------------------------------------------------

    def opens(self, day: date) -> datetime:
        """When the chair opens ``day``'s meeting (09:40–09:55 local)."""
        found = self._opens.get(day)
        if found is None:
            minutes = random.Random(f"{self.g.seed}:meeting:{day.toordinal()}").randint(0, 15)
            found = self.g._local(day, MEETING_OPENS) + timedelta(minutes=minutes)
            self._opens[day] = found
        return found

    def _working_days_from(self, day: date, n: int) -> date:
        """The working day ``n`` working days after ``day`` (before it when ``n`` < 0)."""
        step = ONE_DAY if n >= 0 else -ONE_DAY
        left = abs(n)
        while left:
            day += step
            left -= self.cal.is_working_day(day)
        return day

    def meets_on(self, day: date) -> bool:
        """Whether a meeting is held on ``day``: a working day before the demo's today."""
        return (
            day < self.end_day
            and self.cal.is_working_day(day)
            and self.g.policy.working_hours.get(day.weekday()) is not None
            and self.opens(day) >= self.g.start
        )

    def next_meeting(self, at: datetime) -> datetime | None:
        """When the first meeting after ``at`` opens (None: none before the demo's today)."""
        day = at.astimezone(self.g.tz).date()
        while day < self.end_day:
            if self.meets_on(day) and self.opens(day) > at:
                return self.opens(day)
            day += ONE_DAY
        return None

    # --- referrals and checks -----------------------------------------------------------------

    def wants_siblings(self, received: datetime) -> bool:
        """Whether a referral received now should be about siblings, for the demo's today.

        True in the last few meeting days before the demo's today until siblings have been
        referred together in them, so its agenda can have a household to discuss together.
        """
        return received >= self.siblings_from and not self.demo_siblings

    # --- meetings ---------------------------------------------------------------------------

    def _rosters(self) -> dict[str, list[str]]:
        """Who represents each agency at meetings: its demo rep, and an invented colleague."""
        rng = random.Random(f"{self.g.seed}:rosters")
        pool = self.g.pools["en_GB"]
        rosters: dict[str, list[str]] = {}
        for code in self.agencies:
            names = [self.names[self.reps[code]]] if code in self.reps else []
            while len(names) < 2:
                first = rng.choice(pool.female if rng.random() < 0.6 else pool.male)
                name = f"{first} {rng.choice(pool.family)}"
                if name not in names:
                    names.append(name)
            rosters[code] = names
        return rosters

    def _agency_code(self, agency_id: int) -> str:
        return self._codes[agency_id]
