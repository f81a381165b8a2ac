"""The screens run names every issue 16 target it misses, and nothing it meets."""

from __future__ import annotations

from benchmarks.screen_targets import misses


def _op(ratio: float, median_ms: float = 1.0, floor_ms: float = 1.0) -> dict[str, float]:
    return {"ratio": ratio, "median_ms": median_ms, "floor_median_ms": floor_ms}


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
        "meeting_agenda on postgresql: 100 years cost 1.54× 10 years "
        "(target 1.30×; the floor grew 1.0×)"
    ]


def test_growth_the_floor_shares_is_the_answer_growing_but_a_case_is_held_to_1_3() -> None:
    # At 100 years a name is shared by more children: the floor's answer grows 2.9×.
    report = {
        "targets": {
            "sqlite/10y": {
                "operations": {
                    "find_child": _op(1.2, 2.0, 1.7),
                    "open_case_longest": _op(1.6, 10.0, 6.0),
                    "meeting_agenda": _op(1.0, 1.0, 1.0),
                }
            },
            "sqlite/100y": {
                "operations": {
                    "find_child": _op(1.0, 4.6, 4.9),  # 2.3× beside the floor's 2.88×
                    "open_case_longest": _op(1.6, 14.0, 8.4),  # 1.4×, as its floor
                    "meeting_agenda": _op(1.4, 2.0, 1.4),  # 2× beside the floor's 1.4×
                }
            },
        }
    }
    assert misses(report) == [
        "open_case_longest on sqlite: 100 years cost 1.4× 10 years "
        "(target 1.30×; the floor grew 1.4×)",
        "meeting_agenda on sqlite: 100 years cost 2.0× 10 years "
        "(target 1.82×; the floor grew 1.4×)",
    ]


def test_a_first_touch_is_held_to_the_warm_target() -> None:
    report = {
        "targets": {
            "sqlite/1y": {
                "operations": {
                    "record_outcome": {**_op(1.2), "cold_ratio": 1.76},
                    "find_child": {**_op(1.2), "cold_ratio": 1.4},
                    "startup_to_queue": {**_op(1.4), "first_ratio": 1.64},
                    "open_case_longest": {**_op(1.6), "cold_ratio": 1.9},  # within its 2×
                }
            }
        }
    }
    assert misses(report) == [
        "record_outcome on sqlite/1y, first touch: 1.76× its floor (target 1.5×)",
        "startup_to_queue on sqlite/1y, first touch: 1.64× its floor (target 1.5×)",
    ]


def test_a_run_without_both_sizes_is_not_judged_on_growth() -> None:
    report = {"targets": {"sqlite/100y": {"operations": {"find_child": _op(1.0, 9.0)}}}}
    assert misses(report) == []
