"""Guard against the PySide6 release that leaks references to True and None (6.12.0).

On Python 3.11 it aborts a long-running desk with "bool_dealloc" or "none_dealloc" after
enough signals; pyproject.toml excludes it, and this test fails if such a build is installed.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Probe(QObject):
    pinged = Signal(int)


def test_emitting_signals_keeps_the_reference_count_of_true():
    probe = _Probe()
    before = sys.getrefcount(True)
    results = [probe.pinged.emit(1) for _ in range(50)]
    del results
    assert sys.getrefcount(True) - before >= 0


def test_calls_returning_nothing_keep_the_reference_count_of_none():
    probe = _Probe()
    before = sys.getrefcount(None)
    for _ in range(50):
        probe.setObjectName("probe")
    assert sys.getrefcount(None) - before >= -2
