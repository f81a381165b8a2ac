"""The dashboard's five charts as :class:`ChartData`: what to draw and what to say about it.

Each builder takes one :class:`DashboardData` and returns the chart's drawing function with
its summary sentence and table (the text alternative), or None when the measures file has no
measure the chart needs. Numbers come from the measures service; nothing here counts rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from mash_desk.domain.measures import Breakdown
from mash_desk.gui.dashboard_charts import ChartColours, ChartData, legend
from mash_desk.gui.dashboard_data import DashboardData
from mash_desk.services.measures import BreakdownItem, MeasureResult, format_value

_HATCHES = ("", "//", "..", "xx")
_MARKERS = ("o", "s", "^", "D")
_LINES = ("-", "--", ":", "-.")
_RAG_ORDER = ("red", "amber", "green", "")
# The sources chart names the largest few and adds up the rest: more bars than this are
# unreadable in the tab's height at 1366×768.
TOP_SOURCES = 7


def _month(day: date) -> str:
    return f"{day:%b %y}"


def _breakdown(result: MeasureResult | None, dimension: Breakdown) -> tuple[BreakdownItem, ...]:
    if result is None:
        return ()
    for breakdown in result.breakdowns:
        if breakdown.dimension is dimension:
            return breakdown.items
    return ()


def _ticks(ax: Any, labels: Sequence[str]) -> None:
    """Month labels under the bars, every other one when there are many."""
    step = 1 if len(labels) <= 13 else (len(labels) + 11) // 12
    ax.set_xticks(range(0, len(labels), step))
    ax.set_xticklabels(labels[::step], rotation=0 if len(labels) <= 7 else 45, ha="right")


# --- monthly trends -------------------------------------------------------------------------


def trend_chart(data: DashboardData) -> ChartData | None:
    """Contacts and referrals month by month over the trend's months."""
    contacts = data.trend_result("contacts")
    referrals = data.trend_result("referrals")
    lines = [(n, r) for n, r in (("Contacts", contacts), ("Referrals", referrals)) if r]
    if not lines:
        return None
    conversion = data.trend_result("contact_referral_conversion")
    months = [f.month for f in lines[0][1].series]
    labels = [_month(m) for m in months]
    values = {name: [f.numerator for f in r.series] for name, r in lines}

    def draw(ax: Any, colours: ChartColours) -> None:
        for i, (name, series) in enumerate(values.items()):
            ax.plot(
                range(len(series)),
                series,
                marker=_MARKERS[i],
                linestyle=_LINES[i],
                color=colours.series[i],
                label=name,
                linewidth=2,
            )
        _ticks(ax, labels)
        ax.set_ylabel("Per month")
        # Headroom above the highest month for the legend, which would otherwise hide it.
        top = max((max(v) for v in values.values() if v), default=0)
        ax.set_ylim(0, top * 1.25 or 1)
        legend(ax, colours, loc="upper left", ncol=len(values))

    parts = []
    for name, series in values.items():
        high = max(range(len(series)), key=lambda i: series[i])
        parts.append(
            f"{name}: {series[0]:,} in {months[0]:%B %Y}, {series[-1]:,} in {months[-1]:%B %Y}"
            f" (highest {series[high]:,} in {months[high]:%B %Y})"
        )
    summary = f"Month by month, {data.trend.period.label}. " + "; ".join(parts) + "."
    headers = ("Month", *values, *(("Contacts becoming referrals",) if conversion else ()))
    rows = []
    for i, month in enumerate(months):
        row = [f"{month:%B %Y}", *(f"{values[n][i]:,}" for n in values)]
        if conversion:
            row.append(format_value(conversion.series[i].value, conversion.measure.unit))
        rows.append(tuple(row))
    return ChartData("Contacts and referrals by month", summary, headers, tuple(rows), draw)


# --- RAG timeliness -------------------------------------------------------------------------


def rag_chart(data: DashboardData) -> ChartData | None:
    """Decisions in time by RAG rating: contact outcomes and referral decisions."""
    measures = [
        ("Contact outcome within its RAG time", data.result("rag_decisions_in_time")),
        ("Referral decision within one working day", data.result("referral_decisions_in_time")),
    ]
    measures = [(name, r) for name, r in measures if r is not None]
    if not measures:
        return None
    groups = {name: {i.key: i for i in _breakdown(r, Breakdown.RAG)} for name, r in measures}
    keys = [k for k in _RAG_ORDER if any(k in g for g in groups.values())]
    if not keys:
        keys = ["red", "amber", "green"]
    label = {"red": "Red", "amber": "Amber", "green": "Green", "": "Not rated"}

    def bar_text(item: BreakdownItem | None) -> str:
        if item is None or item.value is None:
            return "none due"
        return f"{item.value:.0f} % ({item.numerator} of {item.denominator})"

    def draw(ax: Any, colours: ChartColours) -> None:
        height = 0.8 / len(groups)
        for s, (name, items) in enumerate(groups.items()):
            ys = [k_i + s * height for k_i in range(len(keys))]
            widths = [(items[k].value or 0) if k in items else 0 for k in keys]
            bars = ax.barh(
                ys,
                widths,
                height=height * 0.9,
                color=colours.series[s],
                hatch=_HATCHES[s],
                edgecolor=colours.text,
                linewidth=0.5,
                label=name,
            )
            for bar, key in zip(bars, keys, strict=True):
                ax.text(
                    bar.get_width() + 1,
                    bar.get_y() + bar.get_height() / 2,
                    bar_text(items.get(key)),
                    va="center",
                    fontsize=8,
                    color=colours.text,
                )
        ax.set_yticks([k + 0.4 - height / 2 for k in range(len(keys))])
        ax.set_yticklabels([label[k] for k in keys])
        ax.invert_yaxis()
        ax.axvline(
            100, color=colours.highlight, linestyle="--", linewidth=1.2, label="Target 100 %"
        )
        ax.set_xlim(0, 135)
        ax.set_xticks(range(0, 101, 20))
        ax.set_xlabel("% in time")
        # Under the plot: inside, it hid the green bars' ends.
        legend(ax, colours, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3)

    sentences = []
    rows = []
    for key in keys:
        said = [
            f"{name[0].lower()}{name[1:]} {bar_text(items.get(key))}"
            for name, items in groups.items()
        ]
        sentences.append(f"{label[key]}: " + ", ".join(said))
        rows.append((label[key], *(bar_text(items.get(key)) for items in groups.values())))
    summary = f"In time by RAG rating, {data.report.period.label}. " + "; ".join(sentences) + "."
    return ChartData(
        "Decisions in time by RAG rating",
        summary,
        ("RAG rating", *groups),
        tuple(rows),
        draw,
    )


# --- referral sources -----------------------------------------------------------------------


def sources_chart(data: DashboardData) -> ChartData | None:
    """The period's referrals by source, the largest few and the rest."""
    referrals = data.result("referrals")
    items = _breakdown(referrals, Breakdown.SOURCE)
    if referrals is None:
        return None
    ranked = sorted(items, key=lambda i: -i.numerator)
    shown = [(i.label, i.numerator) for i in ranked[:TOP_SOURCES]]
    rest = sum(i.numerator for i in ranked[TOP_SOURCES:])
    if rest:
        shown.append((f"Other sources ({len(ranked) - TOP_SOURCES})", rest))
    total = referrals.numerator

    def share(count: int) -> str:
        return f"{count:,} ({100 * count / total:.0f} %)" if total else f"{count:,}"

    def draw(ax: Any, colours: ChartColours) -> None:
        if not shown:
            ax.text(0.5, 0.5, "No referrals in the period", ha="center", color=colours.text)
            ax.set_axis_off()
            return
        names = [name for name, _ in shown]
        counts = [count for _, count in shown]
        bars = ax.barh(range(len(shown)), counts, color=colours.series[0], height=0.7)
        if rest:
            bars[-1].set_hatch("..")  # the sum of the smaller sources, not one source
            bars[-1].set_edgecolor(colours.text)
        for bar, count in zip(bars, counts, strict=True):
            ax.text(
                bar.get_width(),
                bar.get_y() + bar.get_height() / 2,
                f" {share(count)}",
                va="center",
                fontsize=8,
                color=colours.text,
            )
        ax.set_yticks(range(len(shown)))
        ax.set_yticklabels(names)
        ax.invert_yaxis()
        ax.set_xlim(0, max(counts) * 1.3)
        ax.set_xlabel("Referrals")

    if shown:
        largest = "; ".join(f"{name} {share(count)}" for name, count in shown[:3])
        summary = f"{total:,} referrals in {data.report.period.label}. Largest sources: {largest}."
    else:
        summary = f"No referrals in {data.report.period.label}."
    rows = tuple((name, share(count)) for name, count in shown)
    return ChartData(
        f"Referrals by source, {data.report.period.label}",
        summary,
        ("Source", "Referrals (share)"),
        rows,
        draw,
    )


# --- step-up / step-down flows --------------------------------------------------------------

_KIND_WORDS = {
    "step_up": ("step-up", "step-ups"),
    "step_down": ("step-down", "step-downs"),
    "transfer": ("transfer", "transfers"),
}


def flows_chart(data: DashboardData) -> ChartData | None:
    """Step-ups, step-downs and transfers month by month over the trend's months."""
    flows = data.trend_result("step_up_step_down")
    if flows is None:
        return None
    order = {key: n for n, key in enumerate(_KIND_WORDS)}
    kinds = sorted(_breakdown(flows, Breakdown.KIND), key=lambda k: order.get(k.key, 9))
    months = [f.month for f in flows.series]
    labels = [_month(m) for m in months]
    series = {k.label: [f.numerator for f in k.series] for k in kinds}

    def draw(ax: Any, colours: ChartColours) -> None:
        bottom = [0] * len(months)
        for s, (name, counts) in enumerate(series.items()):
            ax.bar(
                range(len(months)),
                counts,
                bottom=bottom,
                color=colours.series[s % len(colours.series)],
                hatch=_HATCHES[s % len(_HATCHES)],
                edgecolor=colours.text,
                linewidth=0.5,
                label=name,
            )
            bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
        _ticks(ax, labels)
        ax.set_ylabel("Children routed")
        # Headroom above the tallest month for the legend, which would otherwise hide it.
        ax.set_ylim(0, max(bottom, default=0) * 1.25 or 1)
        if series:
            legend(ax, colours, loc="upper left", ncol=len(series))
        else:
            ax.text(
                0.5,
                0.5,
                "No routings in these months",
                transform=ax.transAxes,
                ha="center",
                color=colours.text,
            )

    totals = (
        ", ".join(
            f"{sum(c):,} {_KIND_WORDS.get(k.key, (k.label, k.label))[sum(c) != 1]}"
            for k, c in zip(kinds, series.values(), strict=True)
        )
        or "no routings"
    )
    summary = f"Children routed between services, {flows.period.label}: {totals}."
    rows = tuple(
        (f"{m:%B %Y}", *(f"{series[n][i]:,}" for n in series)) for i, m in enumerate(months)
    )
    return ChartData(
        "Step-up, step-down and transfer flows by month",
        summary,
        ("Month", *series),
        rows,
        draw,
    )


# --- statistical neighbours -----------------------------------------------------------------


def own_year(data: DashboardData) -> tuple[int, str] | None:
    """This desk's referrals over the trend's last twelve months, and those months' label."""
    referrals = data.trend_result("referrals")
    if referrals is None or not referrals.series:
        return None
    year = referrals.series[-12:]
    label = f"{year[0].month:%b %Y} to {year[-1].month:%b %Y}"
    return sum(f.numerator for f in year), label


def neighbours_chart(data: DashboardData, *, team: str | None, today: date) -> ChartData | None:
    """Referrals in a year: the neighbours' 2012-13 figures beside this desk's last year."""
    own = own_year(data)
    table = data.neighbours
    if own is None:
        return None
    own_count, own_label = own
    own_name = f"This desk, {own_label}" + (f" ({team})" if team else "")
    bars = sorted(
        [(n.name, n.referrals, False) for n in table.authorities] + [(own_name, own_count, True)],
        key=lambda b: b[1],
    )

    def draw(ax: Any, colours: ChartColours) -> None:
        drawn = ax.barh(
            range(len(bars)),
            [b[1] for b in bars],
            color=[colours.highlight if mine else colours.series[0] for _, _, mine in bars],
            hatch=None,
            height=0.7,
        )
        for bar, (_, count, mine) in zip(drawn, bars, strict=True):
            if mine:
                bar.set_hatch("//")
                bar.set_edgecolor(colours.text)
            ax.text(
                bar.get_width(),
                bar.get_y() + bar.get_height() / 2,
                f" {count:,}",
                va="center",
                fontsize=8,
                color=colours.text,
                fontweight="bold" if mine else "normal",
            )
        ax.set_yticks(range(len(bars)))
        ax.set_yticklabels([name for name, _, _ in bars], fontsize=8)
        for tick, (_, _, mine) in zip(ax.get_yticklabels(), bars, strict=True):
            if mine:
                tick.set_fontweight("bold")
        ax.set_xlim(0, max(b[1] for b in bars) * 1.18 or 1)
        ax.set_xlabel("Referrals in a year")

    partial = own_label.endswith(f"{today:%b %Y}")
    summary = (
        f"This desk: {own_count:,} referrals, {own_label}"
        + (" (this month so far)" if partial else "")
        + f". Statistical neighbours in {table.year}: from "
        f"{min(n.referrals for n in table.authorities):,} to "
        f"{max(n.referrals for n in table.authorities):,} referrals a year."
    )
    note = (
        f"The neighbours' figures are for {table.year} ({table.source}); this desk's is its "
        "own last twelve months. They are different years: compare the scale, not the exact "
        "numbers."
    )
    rows = tuple(
        (
            n.name,
            f"{n.referrals:,}",
            f"{n.initial_assessments:,}",
            f"{n.core_assessments:,}",
            f"{n.total_assessments:,}",
        )
        for n in table.authorities
    ) + ((own_name, f"{own_count:,}", "–", "–", "–"),)
    return ChartData(
        f"Referrals in a year: statistical neighbours ({table.year}) and this desk",
        summary,
        ("Authority", "Referrals", "Initial assessments", "Core assessments", "Total assessments"),
        rows,
        draw,
        note=note,
    )
