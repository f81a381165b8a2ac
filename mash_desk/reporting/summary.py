"""A plain-text summary of a database: what ``mash-desk --demo`` prints before the GUI lands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from mash_desk.services.dto import QueuePage


@dataclass(frozen=True)
class DeskSummary:
    """Counts and the top of the queue, as plain data."""

    database: str
    counts: dict[str, int]
    queue: QueuePage
    now: datetime
    timezone: str


def render_text(summary: DeskSummary) -> str:
    """Render the summary for a terminal."""
    tz = ZoneInfo(summary.timezone)
    lines = [f"MASH Desk — {summary.database}"]
    lines += [f"  {name:<22}{count:>10,}" for name, count in summary.counts.items()]
    lines.append("")
    lines.append(
        f"Open work at {summary.now.astimezone(tz):%a %d %b %Y %H:%M} (soonest deadline first):"
    )
    if not summary.queue.rows:
        lines.append("  (nothing open)")
    for row in summary.queue.rows:
        due = row.due_at.astimezone(tz) if row.due_at else None
        state = "OVERDUE" if row.due_at and row.due_at < summary.now else "due"
        rag = (row.rag.value if row.rag else "unrated").upper()
        when = f"{due:%a %d %b %H:%M}" if due else "-"
        lines.append(f"  {state:<8}{when:<18}{rag:<9}{row.kind:<10}{row.child_name}")
    return "\n".join(lines)
