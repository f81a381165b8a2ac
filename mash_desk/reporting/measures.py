"""The measures as a plain-text table and as JSON-ready data (``mash-desk report measures``).

Both carry counts and rates only (what ``services.measures`` returns): nothing here names or
identifies a child, so a performance officer's output can be shared as the figures it is.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from mash_desk.domain.measures import Direction, MeasureUnit
from mash_desk.services.measures import (
    BreakdownResult,
    MeasureResult,
    MeasuresReport,
    MonthFigure,
    format_value,
)

_HEADINGS = ("Measure", "Value", "Counted", "Target", "Last period", "Change")
_ARROWS = {True: "better", False: "worse", None: ""}


def _fraction(result: MeasureResult) -> str:
    if result.measure.unit is MeasureUnit.COUNT:
        return ""
    return f"{result.numerator:,} / {result.denominator or 0:,}"


def _target(result: MeasureResult) -> str:
    if result.target is None:
        return ""
    # Words, not ≥ / ≤: the documents' font (Noto Sans, as subset here) has no such glyphs,
    # and a screen reader reads the words as meant.
    sign = {Direction.HIGHER: "at least ", Direction.LOWER: "at most "}.get(result.direction, "")
    met = {True: " met", False: " missed", None: ""}[result.on_target]
    return f"{sign}{format_value(result.target, result.measure.unit)}{met}"


def summary_row(result: MeasureResult) -> tuple[str, ...]:
    """One measure's row: name, value, counted, target, last period, change."""
    unit = result.measure.unit
    name = result.measure.name + ("" if result.team_applied else " (whole MASH)")
    return (
        name,
        format_value(result.value, unit),
        _fraction(result),
        _target(result),
        format_value(result.previous.value, unit),
        _ARROWS[result.improved],
    )


def _breakdown_lines(breakdown: BreakdownResult) -> list[str]:
    lines = [f"    {breakdown.title}:"]
    for item in breakdown.items:
        figure = format_value(item.value, breakdown.unit)
        extra = (
            f" ({item.share:.1f} %)"
            if item.share is not None
            else f" ({item.numerator:,} / {item.denominator or 0:,})"
        )
        lines.append(f"      {item.label[:48]:<48} {figure:>10}{extra}")
    return lines


def render_table(report: MeasuresReport, *, breakdowns: bool = False) -> str:
    """What ``mash-desk report measures`` prints: one row per measure, breakdowns optional."""
    title = f"{report.title} (version {report.catalogue_version}): {report.period.label}"
    if report.team:
        title += f", team {report.team}"
    previous = report.period.previous.label
    rows = [_HEADINGS, *(summary_row(r) for r in report.results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEADINGS))]
    lines = [
        title,
        f"Last period: {previous}. Computed {report.computed_at:%d %b %Y %H:%M} UTC.",
        "",
    ]
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
        elif breakdowns:
            for breakdown in report.results[n - 1].breakdowns:
                lines += _breakdown_lines(breakdown)
    population = report.population
    lines += [
        "",
        f"Rates per 10,000 use {population.children:,} children ({population.area}, "
        f"{population.as_of}; {population.source}).",
    ]
    return "\n".join(lines)


def _month(figure: MonthFigure) -> dict[str, Any]:
    return {
        "month": figure.month.strftime("%Y-%m"),
        "value": figure.value,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
    }


def _iso(day: date) -> str:
    return day.strftime("%Y-%m")


def result_dict(result: MeasureResult) -> dict[str, Any]:
    """One measure's figures as JSON-ready data."""
    m = result.measure
    return {
        "id": m.id,
        "name": m.name,
        "definition": m.definition,
        "numerator_counts": m.numerator,
        "denominator_counts": m.denominator,
        "source": m.source,
        "unit": m.unit.value,
        "target": m.target,
        "direction": m.direction.value,
        "value": result.value,
        "numerator": result.numerator,
        "denominator": result.denominator,
        "on_target": result.on_target,
        "previous": _month(result.previous),
        "team_applied": result.team_applied,
        "months": [_month(f) for f in result.series],
        "breakdowns": [
            {
                "by": b.dimension.value,
                "title": b.title,
                "unit": b.unit.value,
                "items": [
                    {
                        "key": i.key,
                        "label": i.label,
                        "value": i.value,
                        "numerator": i.numerator,
                        "denominator": i.denominator,
                        "share": i.share,
                        "months": [_month(f) for f in i.series],
                    }
                    for i in b.items
                ],
            }
            for b in result.breakdowns
        ],
    }


def report_dict(report: MeasuresReport) -> dict[str, Any]:
    """The whole report as JSON-ready data (``mash-desk report measures --json``)."""
    return {
        "measures_file": {
            "id": report.catalogue_id,
            "version": report.catalogue_version,
            "title": report.title,
        },
        "period": {
            "first_month": _iso(report.period.first),
            "last_month": _iso(report.period.last),
            "months": report.period.months,
            "previous_first_month": _iso(report.period.previous.first),
        },
        "team": report.team,
        "computed_at": report.computed_at.isoformat(),
        "child_population": {
            "children": report.population.children,
            "area": report.population.area,
            "as_of": report.population.as_of,
            "source": report.population.source,
        },
        "measures": [result_dict(r) for r in report.results],
    }
