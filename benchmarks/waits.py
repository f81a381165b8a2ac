"""What users wait for, on each engine and history size: ``python -m benchmarks --only screens``.

For every target (``sqlite/1y``, ``postgresql/1y``, …) the report gives, per operation:

* ``median_ms`` / ``floor_median_ms`` / ``ratio`` — warm medians, app and floor interleaved
  (:func:`benchmarks.screens.time_pair`);
* ``cold_ms`` / ``floor_cold_ms`` / ``cold_ratio`` — the first call in a fresh process
  (:mod:`benchmarks.cold`), after the warm-up the desk runs once its first page is shown;
  ``cold_before_warm_up_ms`` — the same first call without it (a click before it finishes);
* ``statements`` / ``floor_statements`` — SQL statements one call sends
  (:mod:`benchmarks.statements`; a read on a call after the timed ones, a write on its
  untimed warm-up call);

and two GUI rows, each side in fresh processes (:mod:`benchmarks.gui_probe`):
``startup_to_queue`` (process start to a filled queue; ``first_ms`` is the first start,
``median_ms`` the median of ``--gui-rounds`` starts) and ``queue_scroll_2000`` (a backlog of
2,000 open contacts added to the database copy, the queue scrolled from its first page to the
end: ``cold_ms`` the process's first scroll, ``median_ms`` the later ones). Answers are
checked before anything is timed, and the GUI rows compare the rows both sides showed.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import statements
from benchmarks.engines import PgCluster, Target, build_backlog, open_seats, sqlite_target
from benchmarks.harness import _same
from benchmarks.screens import (
    COLD_SAMPLES,
    OPERATIONS,
    VARYING,
    WRITES,
    ScreenScenarios,
    time_pair,
)
from mash_desk.paths import CACHE_DIR_ENV

_ROOT = Path(__file__).resolve().parent.parent
COUNTED = (
    "open_case_typical",
    "open_case_longest",
    "meeting_agenda",
    "partner_inbox",
    "find_child",
    "queue_first_page",
)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _process(module: str, spec: dict[str, Any]) -> tuple[dict[str, Any], float]:
    """Run ``python -m module SPEC``; return its JSON answer and its wall time in seconds."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", module, json.dumps(spec)],
        cwd=_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    wall = time.perf_counter() - started
    line = next((x for x in done.stdout.splitlines() if x.startswith(("ready ", "{"))), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(
            f"{module} {spec.get('mode', spec.get('operation'))} failed:\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
        )
    return json.loads(line.removeprefix("ready ")), wall


def _chosen(only: frozenset[str], name: str) -> bool:
    """Whether ``--ops`` (empty: everything) asks for operation ``name``."""
    return not only or name in only


def _services(
    target: Target, repeat: int, cold: bool, only: frozenset[str] = frozenset()
) -> dict[str, Any]:
    seats = open_seats(target)
    scenarios = ScreenScenarios(seats, repeat)
    try:
        scenarios.check_answers()
        results: dict[str, Any] = {}
        for name in (n for n in OPERATIONS if _chosen(only, n)):
            app, floor = scenarios.pair(name)
            written: dict[str, int] = {}
            app_s, floor_s, runs = time_pair(
                app, floor, repeat, name in WRITES, name in VARYING, counted=written
            )
            results[name] = {
                "median_ms": _ms(app_s),
                "floor_median_ms": _ms(floor_s),
                "ratio": round(app_s / floor_s, 2),
                "runs": runs,
            }
            if name in COUNTED:
                results[name]["statements"] = statements.count(app, 0)
                results[name]["floor_statements"] = statements.count(floor, 0)
            elif written:
                results[name]["statements"] = written["app"]
                results[name]["floor_statements"] = written["floor"]
        probes = scenarios.probes()
    finally:
        scenarios.close()
    if cold:
        for name in (n for n in OPERATIONS if _chosen(only, n)):
            results[name].update(_first_touches(target, name, probes))
    return results


def _first_touches(target: Target, name: str, probes: dict[str, Any]) -> dict[str, Any]:
    """Median first call of ``name`` over fresh processes per side, the order alternating."""
    spec = {"target": target.as_json(), "operation": name, "probes": probes}
    sides: dict[str, dict[str, Any]] = {
        "app": {"side": "app", "warm": True},
        "floor": {"side": "floor"},
    }
    firsts: dict[str, list[float]] = {"app": [], "floor": []}
    for sample in range(probes["cold_samples"]):
        for side in ("app", "floor") if sample % 2 == 0 else ("floor", "app"):
            answer = _process("benchmarks.cold", {**spec, **sides[side], "sample": sample})[0]
            firsts[side].append(answer["seconds"])
    bare_s = _process("benchmarks.cold", {**spec, "side": "app"})[0]["seconds"]
    app_s, floor_s = statistics.median(firsts["app"]), statistics.median(firsts["floor"])
    return {
        "cold_ms": _ms(app_s),
        "floor_cold_ms": _ms(floor_s),
        "cold_ratio": round(app_s / floor_s, 2),
        "cold_samples": len(firsts["app"]),
        "cold_before_warm_up_ms": _ms(bare_s),
    }


def _key(target: Target) -> str:
    """The SQLite file's key, found as the desk finds it (the floor connects with it)."""
    if target.engine != "sqlite":
        return ""
    from mash_desk.storage.encryption import resolve_key

    return resolve_key(Path(target.urls["practitioner"].removeprefix("sqlite:///"))).hex()


def _out_of_memory(target: Target) -> None:
    """Write out what is pending, then drop the target's data from the OS cache.

    A first start after the computer restarted finds the database on disk, not in memory;
    and without this, whichever side starts first after a write pays for the flush. On a
    server the server's own buffers stay warm, as they do when only the desk restarts.
    """
    os.sync()
    stored = target.stored
    if stored is None:
        return
    for path in [stored] if stored.is_file() else [p for p in stored.rglob("*") if p.is_file()]:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue  # a file the server has just removed, or a socket
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def _start(base: dict[str, Any], side: str) -> dict[str, Any]:
    # Each side says when its rows were painted, counted from the process's launch.
    return _process("benchmarks.gui_probe", {**base, "side": side, "launched": time.time()})[0]


def _startup(target: Target, rounds: int) -> dict[str, Any]:
    base = {"mode": "startup", "target": target.as_json(), "key": _key(target)}
    rows: dict[str, Any] = {}
    # First touches: each start finds the data out of memory; the median of COLD_SAMPLES.
    firsts: dict[str, list[float]] = {"app": [], "floor": []}
    for n in range(COLD_SAMPLES):
        for side in ("app", "floor") if n % 2 == 0 else ("floor", "app"):
            _out_of_memory(target)
            shown = _start(base, side)
            firsts[side].append(shown["first_page_s"])
            rows[side] = shown["rows"]
    walls: dict[str, list[float]] = {"app": [], "floor": []}
    ready: list[float] = []
    for n in range(rounds):
        for side in ("app", "floor") if n % 2 == 0 else ("floor", "app"):
            shown = _start(base, side)
            walls[side].append(shown["first_page_s"])
            rows[side] = shown["rows"]
            if side == "app":
                ready.append(shown["desk_ready_s"])
    _same("startup_to_queue", rows["app"], rows["floor"])
    app_s, floor_s = statistics.median(walls["app"]), statistics.median(walls["floor"])
    first_app, first_floor = statistics.median(firsts["app"]), statistics.median(firsts["floor"])
    return {
        "median_ms": _ms(app_s),
        "floor_median_ms": _ms(floor_s),
        "ratio": round(app_s / floor_s, 2),
        "first_ms": _ms(first_app),
        "floor_first_ms": _ms(first_floor),
        "first_ratio": round(first_app / first_floor, 2),
        "first_starts": COLD_SAMPLES,
        # The main window taking the first page over: every menu and screen usable.
        "desk_ready_ms": _ms(statistics.median(ready)),
        "starts": rounds,
    }


def _scroll(target: Target, rounds: int, open_items: int) -> dict[str, Any]:
    base = {"mode": "scroll", "target": target.as_json(), "key": _key(target), "rounds": rounds}
    app = _process("benchmarks.gui_probe", {**base, "side": "app"})[0]
    floor = _process("benchmarks.gui_probe", {**base, "side": "floor"})[0]
    _same("queue_scroll (rows shown)", (app["rows"], open_items), (floor["rows"], open_items))
    warm_app = statistics.median(app["seconds"][1:] or app["seconds"])
    warm_floor = statistics.median(floor["seconds"][1:] or floor["seconds"])
    return {
        "median_ms": _ms(warm_app),
        "floor_median_ms": _ms(warm_floor),
        "ratio": round(warm_app / warm_floor, 2),
        "cold_ms": _ms(app["seconds"][0]),
        "floor_cold_ms": _ms(floor["seconds"][0]),
        "cold_ratio": round(app["seconds"][0] / floor["seconds"][0], 2),
        "rows": app["rows"],
    }


def run_target(
    target: Target,
    repeat: int,
    gui_rounds: int,
    cold: bool = True,
    only: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Every screen operation (or those in ``only``) on one target; returns its section."""
    print(f"  timing {target.label}", file=sys.stderr)
    found: dict[str, Any] = {"operations": _services(target, repeat, cold, only)}
    if _chosen(only, "startup_to_queue"):
        found["operations"]["startup_to_queue"] = _startup(target, gui_rounds)
    if not _chosen(only, "queue_scroll_2000"):
        return found
    seats = open_seats(target)
    try:
        open_items = build_backlog(seats["practitioner"])
    finally:
        for s in seats.values():
            s.close()
    found["operations"]["queue_scroll_2000"] = _scroll(target, gui_rounds, open_items)
    found["open_items_after_backlog"] = open_items
    return found


def _compile_the_desk() -> None:
    """Write the desk's bytecode, as installing it does (pip compiles a wheel's modules).

    A checkout run with ``PYTHONDONTWRITEBYTECODE`` (as here) would otherwise compile every
    module of the desk from source at each start (0.1-0.15 s), while the floor's libraries
    load from their installed bytecode: the start-up row would time the compiler.
    """
    import compileall

    import mash_desk

    compileall.compile_dir(Path(mash_desk.__file__).parent, quiet=1)


def run(
    sqlite_sizes: list[int],
    pg_sizes: list[float],
    repeat: int,
    gui_rounds: int,
    rebuild: bool = False,
    cold: bool = True,
    only: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Time the screens on every SQLite and PostgreSQL size; return the report section.

    ``only`` names the operations to time (empty: all of them).
    """
    statements.install()
    report: dict[str, Any] = {"repeat": repeat, "gui_rounds": gui_rounds, "targets": {}}
    _compile_the_desk()
    with tempfile.TemporaryDirectory(prefix="mash-bench-kept-") as kept:
        # The desks keep what they work out between starts (the bank holidays) in a folder
        # of this run's own: the first start pays for it, as a new desk's first start does.
        os.environ[CACHE_DIR_ENV] = kept
        try:
            _run_targets(report, sqlite_sizes, pg_sizes, repeat, gui_rounds, rebuild, cold, only)
        finally:
            os.environ.pop(CACHE_DIR_ENV, None)
    statements.uninstall()  # the documents' desks, timed next, carry no hook
    return report


def _run_targets(
    report: dict[str, Any],
    sqlite_sizes: list[int],
    pg_sizes: list[float],
    repeat: int,
    gui_rounds: int,
    rebuild: bool,
    cold: bool,
    only: frozenset[str],
) -> None:
    with tempfile.TemporaryDirectory(prefix="mash-bench-screens-") as tmp:
        for years in sqlite_sizes:
            target = sqlite_target(years, Path(tmp), rebuild)
            report["targets"][target.label] = run_target(target, repeat, gui_rounds, cold, only)
            Path(target.urls["practitioner"].removeprefix("sqlite:///")).unlink()
    if pg_sizes:
        cluster = PgCluster()
        try:
            for pg_years in pg_sizes:
                target = cluster.target(pg_years)
                report["targets"][target.label] = run_target(target, repeat, gui_rounds, cold, only)
        finally:
            cluster.stop()


def markdown(report: dict[str, Any]) -> str:
    """The README table: one row per operation and target."""
    lines = [
        "| operation | target | app median | floor median | ratio | first touch app / floor "
        "| statements app / floor |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, section in report["targets"].items():
        for name, r in section["operations"].items():
            cold = (
                f"{r['cold_ms']:.1f} / {r['floor_cold_ms']:.1f} ms"
                if "cold_ms" in r
                else f"{r['first_ms']:.0f} / {r['floor_first_ms']:.0f} ms"
                if "first_ms" in r
                else ""
            )
            counted = f"{r['statements']} / {r['floor_statements']}" if "statements" in r else ""
            lines.append(
                f"| {name} | {label} | {r['median_ms']:.1f} ms | "
                f"{r['floor_median_ms']:.1f} ms | {r['ratio']} | {cold} | {counted} |"
            )
    return "\n".join(lines)
