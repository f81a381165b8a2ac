"""The monthly board report as a PDF: the measures, their trends and their breakdowns.

What a MASH manager takes to the safeguarding partnership board each month (issue 15 item 3):
one page of headline figures against target and last month, then the charts the board reads
(12-month trends, timeliness by RAG rating, referral sources, step-up / step-down flows), the
breakdowns, and what each measure means and where it comes from. Charts are ReportLab
drawings, so they stay vector graphics in the PDF and print sharply at any size.

The report holds counts and rates only — it never names a child — so it is marked OFFICIAL,
not OFFICIAL-SENSITIVE (Government Security Classifications: aggregate statistics that
identify nobody). The layout kit and page furniture are the memos' own (documents/layout.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import STATE_DEFAULTS, Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer

from mash_desk.documents.fonts import BASE
from mash_desk.documents.layout import build, heading2, para, table_of
from mash_desk.documents.models import DocumentMeta, Letterhead
from mash_desk.documents.styles import FRAME_WIDTH, GRID, INK, MUTED
from mash_desk.domain.measures import MeasureUnit
from mash_desk.reporting.board_content import (
    BAR_CHARTS,
    TREND_CHARTS,
    ChartBars,
    ChartLines,
    bars_of,
    lines_of,
    summary_rows,
)
from mash_desk.services.measures import BreakdownResult, MeasuresReport, format_value

MARKING = "OFFICIAL"
"""Counts and rates only: nothing in the report identifies a child."""
# Colour-blind-safe series colours (Okabe–Ito), each line also drawn with its own marker.
SERIES_COLOURS = (
    colors.HexColor("#0072B2"),
    colors.HexColor("#D55E00"),
    colors.HexColor("#009E73"),
)
CHART_HEIGHT = 62 * mm
LABEL_CHARS = 42
"""A bar's label is cut to this many characters (agency names run to 55)."""
BREAKDOWN_ROWS = 12
"""The PDF lists a breakdown's largest groups; the workbook has every group."""
# ReportLab starts every drawing's graphics state in Helvetica, which then sits in the PDF's
# font list although no text is set in it: the memos' font is the state's default instead.
STATE_DEFAULTS["fontName"] = BASE
SUMMARY_WIDTHS = (3.4, 1.1, 1.4, 1.3, 1.1, 0.8)
SUMMARY_HEADER = ("Measure", "This month", "Counted", "Target", "Last month", "Change")


@dataclass(frozen=True)
class BoardReport:
    """What the board report shows: the month, its trend year, and who it was made for.

    Attributes:
        month: the month's measures (with last month as ``previous``).
        year: the same measures over the twelve months ending with the month (the trends).
        prepared_for: who ran it (name and role), printed under the title.
        generated_at: when the figures were computed (also the PDF's date: same figures,
            same bytes).
        reference: the report's reference, e.g. ``BR-2026-11``.
    """

    month: MeasuresReport
    year: MeasuresReport
    prepared_for: str
    generated_at: datetime
    reference: str


def render_board_pdf(report: BoardReport, letterhead: Letterhead) -> bytes:
    """The board report as deterministic PDF bytes."""
    meta = DocumentMeta(
        kind="board_report",
        title="MASH board report",
        reference=report.reference,
        generated_at=report.generated_at,
        prepared_for=report.prepared_for,
        letterhead=replace(letterhead, marking=MARKING),
    )
    story = _opening(report) + _summary(report) + _charts(report) + _breakdowns(report)
    story += _definitions(report)
    return build(meta, story, subject=f"Front-door figures for {_month_name(report)}")


def _month_name(report: BoardReport) -> str:
    return f"{report.month.period.last:%B %Y}"


def _opening(report: BoardReport) -> list[Flowable]:
    team = report.month.team or "the whole MASH"
    return [
        para(f"MASH board report — {_month_name(report)}", "title"),
        para(
            f"Front-door figures for {team}, computed {report.generated_at:%d %b %Y %H:%M} UTC "
            f"for {report.prepared_for}. Counts and rates only: no child is named.",
            "subtitle",
        ),
    ]


def _summary(report: BoardReport) -> list[Flowable]:
    rows = summary_rows(report.month)
    return [
        *heading2("Headline figures"),
        table_of(SUMMARY_HEADER, rows, SUMMARY_WIDTHS, empty="No measures were computed."),
        para(
            "Change says whether the figure moved the way its target wants since last month; "
            "a target marked “met” is met this month.",
            "small",
        ),
    ]


def _charts(report: BoardReport) -> list[Flowable]:
    # The heading never ends a page alone: it needs the first chart under it.
    out: list[Flowable] = [
        CondPageBreak(CHART_HEIGHT + 20 * mm),
        *heading2("Trends and timeliness"),
    ]
    for trend in TREND_CHARTS:
        lines = lines_of(report.year, trend)
        if lines is not None:
            out.append(KeepTogether([para(lines.title, "h3"), _line_drawing(lines)]))
    for bar in BAR_CHARTS:
        bars = bars_of(report.month, bar)
        if bars is not None:
            out.append(KeepTogether([para(bars.title, "h3"), _bar_drawing(bars)]))
    return out


def _line_drawing(lines: ChartLines) -> Drawing:
    drawing = Drawing(FRAME_WIDTH, CHART_HEIGHT)
    chart = HorizontalLineChart()
    # Whole points: the chart widgets declare integer geometry (sub-point is invisible).
    chart.x, chart.y = round(14 * mm), round(14 * mm)
    chart.width, chart.height = round(FRAME_WIDTH - 20 * mm), round(CHART_HEIGHT - 24 * mm)
    chart.data = [tuple(v if v is not None else 0 for v in s.values) for s in lines.series]
    chart.categoryAxis.categoryNames = list(lines.months)
    _style_axes(chart.categoryAxis, chart.valueAxis)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = lines.axis_format
    for i in range(len(lines.series)):
        chart.lines[i].strokeColor = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        chart.lines[i].strokeWidth = 1.4
        chart.lines[i].symbol = _marker(i)
    drawing.add(chart)
    drawing.add(_legend([s.label for s in lines.series], y=CHART_HEIGHT - 3 * mm))
    return drawing


def _bar_drawing(bars: ChartBars) -> Drawing:
    height = (14 + 6 * len(bars.labels)) * mm
    drawing = Drawing(FRAME_WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = round(68 * mm), round(8 * mm)
    chart.width, chart.height = round(FRAME_WIDTH - 84 * mm), round(height - 12 * mm)
    chart.data = [tuple(v if v is not None else 0 for v in bars.values)]
    chart.categoryAxis.categoryNames = [_cut(label) for label in bars.labels]
    chart.categoryAxis.reverseDirection = 1  # the largest group on top, as read
    _style_axes(chart.categoryAxis, chart.valueAxis)
    chart.valueAxis.valueMin = 0
    if bars.percent:
        chart.valueAxis.valueMax = 100
    chart.valueAxis.labelTextFormat = bars.axis_format
    chart.bars[0].fillColor = SERIES_COLOURS[0]
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = bars.label_format
    chart.barLabels.fontName = BASE
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def _cut(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _style_axes(category, value) -> None:
    for axis in (category, value):
        axis.labels.fontName = BASE
        axis.labels.fontSize = 7
        axis.labels.fillColor = INK
        axis.strokeColor = MUTED
    value.gridStrokeColor = GRID
    value.visibleGrid = 1


def _marker(i: int):
    from reportlab.graphics.widgets.markers import makeMarker

    marker = makeMarker(("FilledCircle", "FilledSquare", "FilledDiamond")[i % 3])
    marker.size = 4
    marker.fillColor = SERIES_COLOURS[i % len(SERIES_COLOURS)]
    marker.strokeColor = None
    return marker


def _legend(labels: Sequence[str], y: float) -> Legend:
    legend = Legend()
    legend.x, legend.y = round(14 * mm), round(y)
    legend.fontName = BASE
    legend.fontSize = 7.5
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = round(60 * mm)
    legend.dxTextSpace = 4
    legend.colorNamePairs = [
        (SERIES_COLOURS[i % len(SERIES_COLOURS)], label) for i, label in enumerate(labels)
    ]
    return legend


def _breakdowns(report: BoardReport) -> list[Flowable]:
    out: list[Flowable] = [*heading2("Breakdowns this month")]
    for result in report.month.results:
        for breakdown in result.breakdowns:
            if breakdown.items:
                out.append(_breakdown_table(result.measure.name, breakdown))
    return out


def _breakdown_table(name: str, breakdown: BreakdownResult) -> Flowable:
    counts = breakdown.unit is MeasureUnit.COUNT
    rows = [
        (
            item.label,
            format_value(item.value, breakdown.unit),
            f"{item.share or 0:.1f} %" if counts else f"{item.numerator:,} / {item.denominator:,}",
        )
        for item in breakdown.items[:BREAKDOWN_ROWS]
    ]
    more = len(breakdown.items) - BREAKDOWN_ROWS
    parts: list[Flowable] = [
        para(f"{name} — {breakdown.title.lower()}", "h3"),
        table_of(
            ("Group", "Figure", "Share" if counts else "Counted"), rows, (3, 1, 1.4), empty=""
        ),
    ]
    if more > 0:
        parts.append(
            para(f"… and {more} smaller group(s): every group is in the workbook.", "small")
        )
    return KeepTogether([*parts, Spacer(1, 2 * mm)])


def _definitions(report: BoardReport) -> list[Flowable]:
    rows = [
        (
            result.measure.name,
            result.measure.definition,
            result.measure.source,
        )
        for result in report.month.results
    ]
    catalogue = f"{report.month.catalogue_id} version {report.month.catalogue_version}"
    return [
        *heading2("What each measure counts"),
        para(f"Definitions from the measures file {catalogue}.", "small"),
        table_of(("Measure", "Definition", "Source"), rows, (1.4, 4, 1.2), empty=""),
    ]


def report_reference(month: date, team: str | None) -> str:
    """The report's reference: ``BR-2026-11`` (and the team, when one was chosen)."""
    base = f"BR-{month:%Y-%m}"
    return base if not team else f"{base}-{''.join(c for c in team if c.isalnum())[:12]}"


__all__ = ["BoardReport", "MARKING", "render_board_pdf", "report_reference"]
