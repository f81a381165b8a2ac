"""The clock and policy every deadline is worked out from, with no database behind them.

:class:`~mash_desk.services.context.ServiceContext` is one of these plus the database. The
desk's first queue page is drawn before the database layer has loaded (issue 16, start-up:
``services/early_page.py``), and its countdowns need the same clock, time zone and working
days the services use, so they come from here rather than a second copy of the rules.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from mash_desk.domain.clock import Clock, SystemClock
from mash_desk.domain.deadlines import Deadlines
from mash_desk.domain.policy import Policy
from mash_desk.services.kept_holidays import HolidayFile
from mash_desk.services.kept_policy import kept_default_policy


class Timekeeping:
    """The desk's clock, policy, deadlines (with the kept bank holidays) and time zone."""

    def __init__(self, clock: Clock | None = None, policy: Policy | None = None):
        self.clock: Clock = clock or SystemClock()
        self.policy = policy or kept_default_policy()
        self.deadlines = Deadlines.from_policy(self.policy, HolidayFile())
        self.tz = ZoneInfo(self.policy.timezone)

    def today(self) -> date:
        """Return today's date in the MASH's own time zone."""
        return self.clock.now().astimezone(self.tz).date()
