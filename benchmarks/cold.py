"""First touch of one screen operation in a fresh process: ``python -m benchmarks.cold SPEC``.

``SPEC`` is JSON: the target (:meth:`benchmarks.engines.Target.as_json`), the operation, the
side (``app`` or ``floor``) and the probes the parent prepared
(:meth:`benchmarks.screens.ScreenScenarios.probes`). The process imports, opens its desks and
signs in untimed, then times the operation's first call: what the first click after start
costs (SQLAlchemy compiling its statements, mappers configured, lazy imports), beside the
floor's first call in a process of its own. The database's pages are in the OS cache (the
parent has just timed the warm runs), so this is a process's cold start, not a disk's.

With ``"warm": true`` the app side first runs the desk's warm-up (``services/warm_up.py``)
as the desk does once its first page is shown: on a thread of its own, so on SQLite the
timed call still opens its own thread's connections, as a click's task does. Without it,
the figure is a click that comes before the warm-up has finished.
"""

from __future__ import annotations

import json
import sys
import threading
import time

from benchmarks.engines import Target, open_seats
from benchmarks.screens import ScreenScenarios, Seat


def _warm_up_beside(seats: dict[str, Seat]) -> None:
    from mash_desk.services.warm_up import warm_up

    for seat in seats.values():
        thread = threading.Thread(target=warm_up, args=(seat.desk,))
        thread.start()
        thread.join()


def main() -> int:
    """Time the first call; print ``{"seconds": …}``."""
    spec = json.loads(sys.argv[1])
    seats = open_seats(Target.from_json(spec["target"]))
    scenarios = ScreenScenarios.from_probes(seats, spec["probes"])
    app, floor = scenarios.pair(spec["operation"])
    call = app if spec["side"] == "app" else floor
    if spec.get("warm"):
        _warm_up_beside(seats)
    # The write probes are used once each: sample k after the warm-up (and the floor's k)
    # has cold_index + k, the first touch before the warm-up the one after them all.
    probes = spec["probes"]
    before_warm_up = spec["side"] == "app" and not spec.get("warm")
    index = probes["cold_index"] + (probes["cold_samples"] if before_warm_up else spec["sample"])
    started = time.perf_counter()
    call(index)
    seconds = time.perf_counter() - started
    scenarios.close()
    print(json.dumps({"seconds": seconds}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
