"""Background work: the event loop keeps turning, progress shows, failures read as sentences."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QTimer

from mash_desk.domain.errors import ValidationError
from mash_desk.gui.tasks import TaskRunner


def slow(seconds: float, value: str = "done") -> str:
    time.sleep(seconds)
    return value


def test_slow_call_does_not_freeze_the_event_loop(qtbot):
    runner = TaskRunner()
    ticks = []
    busy = []
    runner.busy_changed.connect(lambda n, label: busy.append((n, label)))
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    results = []
    runner.read(slow, 1.0, on_done=results.append, label="Searching…")
    assert busy[0] == (1, "Searching…")
    qtbot.waitUntil(lambda: results == ["done"], timeout=5000)
    timer.stop()
    # 1 s of work, a 20 ms timer: the GUI thread kept running throughout.
    assert len(ticks) >= 25
    assert busy[-1] == (0, "")


def test_results_arrive_on_the_gui_thread(qtbot):
    runner = TaskRunner()
    threads = []
    runner.read(
        lambda: threading.get_ident(),
        on_done=lambda worker: threads.append((worker, threading.get_ident())),
    )
    qtbot.waitUntil(lambda: bool(threads), timeout=3000)
    worker, delivered = threads[0]
    assert worker != delivered == threading.main_thread().ident


def test_writes_run_one_at_a_time(qtbot):
    runner = TaskRunner()
    spans = []

    def write(n: int) -> None:
        start = time.monotonic()
        time.sleep(0.15)
        spans.append((start, time.monotonic()))

    for n in range(3):
        runner.write(write, n)
    qtbot.waitUntil(lambda: len(spans) == 3, timeout=5000)
    spans.sort()
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))


def test_failures_become_sentences(qtbot):
    runner = TaskRunner()
    failures, errors = [], []
    runner.failed.connect(failures.append)

    def invalid() -> None:
        raise ValidationError([])

    def broken() -> None:
        raise KeyError("boom")

    runner.read(invalid, on_error=errors.append)
    runner.read(broken)
    qtbot.waitUntil(lambda: bool(errors and failures), timeout=3000)
    assert isinstance(errors[0], ValidationError)
    assert failures[0].startswith("Something went wrong and nothing was saved")
    assert "Traceback" not in failures[0] and "boom" not in failures[0]
