"""Time a police rep's lists with closed work shown, on a cached history (issue 16).

A rep ticking "Show closed actions" or "Show returned and withdrawn" used to get all of the
agency's closed work ever, which grew with history. This times those two service calls (and,
where the services page closed work, the next page), each on a fresh working copy of the
cached SQLite history, never the cache itself, or on a throwaway PostgreSQL server holding a
copy of it (``--engine postgresql``: about 90 s to load ten years; the police desk signs in
as its own server login, so the partner row security applies):

    python -m benchmarks.closed_work --years 10 [--engine postgresql]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.engines import PgCluster, Target, open_desk, sqlite_target
from benchmarks.keys import use_benchmark_keys


def _timed(call: Callable[[], Sequence[Any]], repeats: int) -> tuple[float, float, int]:
    """Median and best seconds of ``call``, and how many items it listed."""
    seconds = []
    listed = 0
    for _ in range(repeats):
        started = time.perf_counter()
        listed = len(call())
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), min(seconds), listed


def _calls(desk: Any, actor: Any) -> dict[str, Callable[[], Sequence[Any]]]:
    """The lists to time; the next page of closed work only where the services page it."""
    calls: dict[str, Callable[[], Sequence[Any]]] = {
        "checks, open": lambda: desk.checks.inbox(actor),
        "checks, closed shown": lambda: desk.checks.inbox(actor, include_closed=True),
        "actions, open": lambda: desk.actions.inbox(actor),
        "actions, closed shown": lambda: desk.actions.inbox(actor, include_closed=True),
    }
    if hasattr(desk.actions, "closed"):
        first_actions = desk.actions.inbox(actor, include_closed=True)
        first_checks = desk.checks.inbox(actor, include_closed=True)
        action_mark = first_actions[-1].closed_mark
        check_mark = first_checks[-1].closed_mark
        calls["checks, next closed page"] = lambda: desk.checks.closed(actor, before=check_mark)
        calls["actions, next closed page"] = lambda: desk.actions.closed(actor, before=action_mark)
    return calls


def main(argv: Sequence[str] | None = None) -> None:
    """Print each list's median and best time and its length."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10, help="cached history to time on")
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per list")
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args(argv)
    use_benchmark_keys()
    if args.engine == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            _time_lists(sqlite_target(args.years, Path(folder)), args.repeats)
        return
    cluster = PgCluster()
    try:
        _time_lists(cluster.target(args.years), args.repeats)
    finally:
        cluster.stop()


def _time_lists(target: Target, repeats: int) -> None:
    desk, actor = open_desk(target, "police")
    try:
        for name, call in _calls(desk, actor).items():
            call()  # the first touch compiles statements and warms the page cache
            median, best, listed = _timed(call, repeats)
            print(
                f"{target.label} police {name:<26} {listed:>6} items "
                f"median {median * 1000:8.1f} ms  best {best * 1000:8.1f} ms"
            )
    finally:
        desk.close()


if __name__ == "__main__":
    main()
