"""The measures through a performance officer's own server login (columns that count only).

The login may select only ``server_policies.AGGREGATE_COLUMNS`` of each case table; every
measure and breakdown must still compute, and give the figures a manager's login gets.
"""

from __future__ import annotations

from mash_desk.domain.enums import Role
from mash_desk.domain.measures import MonthPeriod


def _figures(report) -> dict[str, tuple]:
    return {
        r.measure.id: (
            r.value,
            r.numerator,
            r.denominator,
            tuple(
                (b.dimension, tuple((i.key, i.numerator, i.denominator) for i in b.items))
                for b in r.breakdowns
            ),
        )
        for r in report.results
    }


def test_a_performance_login_computes_every_measure_as_a_manager_does(world):
    made = world.server
    period = MonthPeriod.parse("2026-11", 2)
    desk, me = made.desk_as(Role.PERFORMANCE)
    mine = desk.measures.compute(me, period)
    manager_desk, manager = made.desk_as(Role.MANAGER)
    theirs = manager_desk.measures.compute(manager, period)
    assert _figures(mine) == _figures(theirs)
    assert mine.get("referrals").numerator > 0
