"""What the board report shows, as plain data shared by its PDF and its workbook.

The charts the board reads each month (issue 15 item 2 names them for the dashboard too):
monthly trends of contacts and referrals, re-referrals and decisions in time; timeliness by
RAG rating; referral sources; step-up / step-down flows; agency checks in time by agency.
A chart whose measure the measures file no longer has is left out, not drawn empty.
"""

from __future__ import annotations

from dataclasses import dataclass

from mash_desk.domain.measures import Breakdown, MeasureUnit
from mash_desk.reporting.measures import summary_row
from mash_desk.services.measures import MeasuresReport


@dataclass(frozen=True)
class TrendChart:
    """A line chart of one or more measures month by month."""

    title: str
    measure_ids: tuple[str, ...]


@dataclass(frozen=True)
class BarChart:
    """A bar chart of one measure's breakdown over the month."""

    title: str
    measure_id: str
    dimension: Breakdown
    largest: int = 10
    """Only the largest groups (the rest would be unreadable slivers)."""


TREND_CHARTS = (
    TrendChart("Contacts and referrals each month", ("contacts", "referrals")),
    TrendChart("Referrals decided within one working day (%)", ("referral_decisions_in_time",)),
    TrendChart("Re-referrals within 12 months (%)", ("re_referral_rate",)),
)
BAR_CHARTS = (
    BarChart(
        "Decisions within one working day, by RAG rating (%)",
        "rag_decisions_in_time",
        Breakdown.RAG,
    ),
    BarChart("Referrals by source", "referrals", Breakdown.SOURCE, largest=8),
    BarChart("Step-up, step-down and transfers", "step_up_step_down", Breakdown.KIND),
    BarChart(
        "Agency checks returned within their deadline, by agency (%)",
        "agency_checks_in_time",
        Breakdown.AGENCY,
    ),
)


@dataclass(frozen=True)
class Line:
    """One series: its label and one value per month (None: nothing to divide by)."""

    label: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class ChartLines:
    """A trend chart's data: month labels and the series."""

    title: str
    months: tuple[str, ...]
    series: tuple[Line, ...]
    percent: bool

    @property
    def axis_format(self) -> str:
        """The value axis' label format."""
        return "%d%%" if self.percent else "%d"


@dataclass(frozen=True)
class ChartBars:
    """A bar chart's data: a label and a value per group, largest first."""

    title: str
    labels: tuple[str, ...]
    values: tuple[float | None, ...]
    percent: bool

    @property
    def axis_format(self) -> str:
        """The value axis' label format."""
        return "%d%%" if self.percent else "%d"

    @property
    def label_format(self) -> str:
        """The format of the figure written at each bar's end."""
        return "%.1f%%" if self.percent else "%d"


def summary_rows(report: MeasuresReport) -> list[tuple[str, ...]]:
    """One row per measure: name, value, counted, target, last period, change."""
    return [summary_row(result) for result in report.results]


def lines_of(report: MeasuresReport, chart: TrendChart) -> ChartLines | None:
    """The chart's series from ``report`` (None if a measure is not in it)."""
    found = [r for r in report.results if r.measure.id in chart.measure_ids]
    if len(found) != len(chart.measure_ids):
        return None
    months = tuple(f"{figure.month:%b %y}" for figure in found[0].series)
    series = tuple(
        Line(result.measure.name, tuple(figure.value for figure in result.series))
        for result in found
    )
    percent = all(r.measure.unit is MeasureUnit.PERCENT for r in found)
    return ChartLines(chart.title, months, series, percent)


def bars_of(report: MeasuresReport, chart: BarChart) -> ChartBars | None:
    """The chart's bars from ``report`` (None if the measure or breakdown is missing/empty)."""
    result = next((r for r in report.results if r.measure.id == chart.measure_id), None)
    if result is None:
        return None
    breakdown = next((b for b in result.breakdowns if b.dimension is chart.dimension), None)
    if breakdown is None or not breakdown.items:
        return None
    items = breakdown.items[: chart.largest]
    return ChartBars(
        chart.title,
        tuple(item.label for item in items),
        tuple(item.value for item in items),
        breakdown.unit is MeasureUnit.PERCENT,
    )
