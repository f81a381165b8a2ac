"""The screens run names every issue 16 target it misses, and nothing it meets."""

from __future__ import annotations

from benchmarks.screen_targets import misses


def _op(ratio: float, median_ms: float = 1.0) -> dict[str, float]:
    return {"ratio": ratio, "median_ms": median_ms}


def test_each_operation_is_held_to_its_own_ratio_target() -> None:
    report = {
        "targets": {
            "sqlite/10y": {
                "operations": {
                    "open_case_longest": _op(1.9),  # within its 2×
                    "find_child": _op(1.6),  # over the services' 1.5×
                    "startup_to_queue": _op(4.2),
                }
            }
        }
    }
    assert misses(report) == [
        "find_child on sqlite/10y: 1.6× its floor (target 1.5×)",
        "startup_to_queue on sqlite/10y: 4.2× its floor (target 1.5×)",
    ]


def test_growth_from_ten_to_a_hundred_years_is_judged_per_engine() -> None:
    report = {
        "targets": {
            "postgresql/10y": {"operations": {"meeting_agenda": _op(1.0, 1.3)}},
            "postgresql/100y": {"operations": {"meeting_agenda": _op(1.0, 2.0)}},
            "sqlite/10y": {"operations": {"meeting_agenda": _op(1.0, 1.0)}},
            "sqlite/100y": {"operations": {"meeting_agenda": _op(1.0, 1.2)}},
        }
    }
    assert misses(report) == [
        "meeting_agenda on postgresql: 100 years cost 1.54× 10 years (target 1.3×)"
    ]


def test_a_run_without_both_sizes_is_not_judged_on_growth() -> None:
    report = {"targets": {"sqlite/100y": {"operations": {"find_child": _op(1.0, 9.0)}}}}
    assert misses(report) == []
