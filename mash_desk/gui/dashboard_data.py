"""What the dashboard reads in one background task: the period's figures and a year of trend.

:func:`load_dashboard` runs on the task runner (never on the GUI thread): the measures for
the chosen period and team, the same measures for the charts' trend (at least twelve months,
so a one-month view still shows its year), the teams for the filter, and the statistical
neighbours' reference table.
"""

from __future__ import annotations

from dataclasses import dataclass

from mash_desk.domain.measures import MonthPeriod
from mash_desk.domain.statistical_neighbours import NeighbourTable, shipped_neighbours
from mash_desk.services.desk import Desk
from mash_desk.services.dto import Actor
from mash_desk.services.measures import MeasureResult, MeasuresReport

# The charts' trend covers a year at least: monthly volumes only mean something against the
# months around them, and the neighbours' figures are yearly.
TREND_MONTHS = 12
# The measures the charts draw over the trend (ids of the shipped file; a council's file
# without one of them just loses that chart's trend).
TREND_MEASURES = ("contacts", "referrals", "contact_referral_conversion", "step_up_step_down")
# Only the flows chart splits its trend (by kind of move); each breakdown is a read of its own.
TREND_BREAKDOWNS = ("step_up_step_down",)


@dataclass(frozen=True)
class DashboardData:
    """One load of the dashboard.

    Attributes:
        report: every measure for the chosen period and team.
        trend: the trend measures over at least twelve months ending with the period.
        teams: the teams referrals have been given (the team filter's choices).
        neighbours: the statistical neighbours' table.
    """

    report: MeasuresReport
    trend: MeasuresReport
    teams: tuple[str, ...]
    neighbours: NeighbourTable

    def result(self, measure_id: str) -> MeasureResult | None:
        """The period's result of ``measure_id``, or None if the file has no such measure."""
        try:
            return self.report.get(measure_id)
        except KeyError:
            return None

    def trend_result(self, measure_id: str) -> MeasureResult | None:
        """The trend's result of ``measure_id``, or None."""
        try:
            return self.trend.get(measure_id)
        except KeyError:
            return None


def trend_period(period: MonthPeriod) -> MonthPeriod:
    """The months the charts' trend covers: the period, widened to a year if shorter."""
    return MonthPeriod(period.last, max(TREND_MONTHS, period.months))


def load_dashboard(
    desk: Desk, actor: Actor, period: MonthPeriod, team: str | None
) -> DashboardData:
    """Read everything the dashboard shows (runs on a reader thread)."""
    service = desk.measures
    report = service.compute(actor, period, team=team)
    if trend_period(period) == period:
        trend = report  # a year or longer: the period's own months are the trend
    else:
        known = {m.id for m in service.definitions.measures}
        wanted = [m for m in TREND_MEASURES if m in known]
        trend = service.compute(
            actor,
            trend_period(period),
            team=team,
            measures=wanted or None,
            breakdowns=TREND_BREAKDOWNS,
        )
    return DashboardData(report, trend, service.teams(actor), shipped_neighbours())
