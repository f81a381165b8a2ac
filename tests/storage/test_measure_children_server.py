"""The children behind a figure through server logins (issue 15 item 2).

A manager's own login lists the children and its access rows go through the server's access
function (its login may not INSERT into the log); a performance officer's login is refused
before anything is read or written.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from mash_desk.domain.enums import Role
from mash_desk.domain.errors import PermissionDenied
from mash_desk.domain.measures import MonthPeriod
from mash_desk.services.measure_children import MEASURE_CHILDREN_VIEW, Part
from mash_desk.storage.models import AccessLogEntry


def _logged(desk, user_id: int) -> int:
    with desk.db.reading() as session:
        return session.scalar(
            select(func.count())
            .select_from(AccessLogEntry)
            .where(AccessLogEntry.what == MEASURE_CHILDREN_VIEW, AccessLogEntry.user_id == user_id)
        )


def test_a_manager_login_lists_the_children_and_logs_each(world):
    made = world.server
    period = MonthPeriod.parse("2026-11", 2)
    desk, manager = made.desk_as(Role.MANAGER)
    before = _logged(made.owner, manager.user_id)
    listing = desk.measure_children.children(manager, "contacts", period, part=Part.ALL)
    figure = desk.measures.compute(manager, period, measures=["contacts"]).get("contacts")
    assert listing.rows and listing.total >= figure.numerator
    children = {row.person_id for row in listing.rows}
    assert _logged(made.owner, manager.user_id) == before + len(children)


def test_a_performance_login_is_refused_and_nothing_is_logged(world):
    made = world.server
    desk, officer = made.desk_as(Role.PERFORMANCE)
    before = _logged(made.owner, officer.user_id)
    with pytest.raises(PermissionDenied):
        desk.measure_children.children(officer, "contacts", MonthPeriod.parse("2026-11"))
    assert _logged(made.owner, officer.user_id) == before
