"""The issue 16 targets for what users wait for, and which ones a screens report misses.

Each screen operation's app / floor ratio has its target (issue 16, "Bring each to its
floor"): start-up 1.5× a bare window; open a case, the queue scroll 2×; every other service
1.5×, on PostgreSQL as on SQLite. Reads must not grow with history: the 100-year median at
most 1.3× the 10-year one on the same engine (held to every operation, writes too: a write
that slows as the logs grow is as real as a read). A miss names the operation, where, and the
figure beside its target, so a run says what is left rather than a bare pass or fail.
"""

from __future__ import annotations

from typing import Any

RATIO = 1.5
RATIO_BY_OPERATION = {
    "startup_to_queue": 1.5,
    "open_case_typical": 2.0,
    "open_case_longest": 2.0,
    "queue_scroll_2000": 2.0,
}
GROWTH = 1.3


def misses(report: dict[str, Any]) -> list[str]:
    """Every target the screens section of a report misses, in words."""
    found: list[str] = []
    targets: dict[str, Any] = report["targets"]
    for label, section in targets.items():
        for name, result in section["operations"].items():
            limit = RATIO_BY_OPERATION.get(name, RATIO)
            if result["ratio"] > limit:
                found.append(f"{name} on {label}: {result['ratio']}× its floor (target {limit}×)")
    for engine in ("sqlite", "postgresql"):
        ten, hundred = targets.get(f"{engine}/10y"), targets.get(f"{engine}/100y")
        if ten is None or hundred is None:
            continue
        for name, result in hundred["operations"].items():
            before = ten["operations"].get(name)
            if before is None:
                continue
            growth = round(result["median_ms"] / before["median_ms"], 2)
            if growth > GROWTH:
                found.append(
                    f"{name} on {engine}: 100 years cost {growth}× 10 years (target {GROWTH}×)"
                )
    return found
