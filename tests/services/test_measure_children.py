"""The children behind a figure (issue 15 item 2), on the hand-counted history.

``measures_fixture`` places children A to H with every row on purpose; the lists below are
read off its comments (e.g. "D only drafted and past due (late)"). Each list writes one access
row per child listed; a performance officer is refused and nothing is written.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from mash_desk.domain.errors import PermissionDenied, ValidationError
from mash_desk.domain.measures import Breakdown, MonthPeriod
from mash_desk.services.measure_children import MEASURE_CHILDREN_VIEW, Part
from mash_desk.storage.models import AccessLogEntry, Person
from tests.services.measures_fixture import TEAM_B, build
from tests.support.helpers import row_counts

OCTOBER = MonthPeriod.parse("2026-10")


@pytest.fixture
def history(desk, actors):
    build(desk, actors["manager"].user_id)
    return desk


def _names(listing) -> list[str]:
    return [row.name.split()[0] for row in listing.rows]


def _access_rows(desk) -> list[tuple[int, str, str | None]]:
    with desk.db.reading() as session:
        rows = session.execute(
            select(Person.given_name, AccessLogEntry.what, AccessLogEntry.detail)
            .join(Person, Person.id == AccessLogEntry.person_id)
            .where(AccessLogEntry.what == MEASURE_CHILDREN_VIEW)
            .order_by(AccessLogEntry.id)
        ).all()
    return [tuple(r) for r in rows]


def test_late_and_in_time_decisions_list_their_children_and_log_each(history, actors):
    manager = actors["manager"]
    service = history.measure_children
    late = service.children(manager, "referral_decisions_in_time", OCTOBER, part=Part.NOT_COUNTED)
    # B signed after its deadline; D only drafted and past due. Newest referral first.
    assert _names(late) == ["D", "B"]
    assert (late.counted, late.total, late.matching, late.cut) == (2, 4, 2, False)
    assert all(not row.counted and row.item == "Referral" for row in late.rows)
    assert [str(row.on) for row in late.rows] == ["2026-10-12", "2026-10-01"]
    assert _access_rows(history) == [
        ("D", MEASURE_CHILDREN_VIEW, "referral_decisions_in_time, Oct 2026"),
        ("B", MEASURE_CHILDREN_VIEW, "referral_decisions_in_time, Oct 2026"),
    ]
    in_time = service.children(manager, "referral_decisions_in_time", OCTOBER)
    assert _names(in_time) == ["C", "A"]
    everyone = service.children(manager, "referral_decisions_in_time", OCTOBER, part=Part.ALL)
    assert sorted(_names(everyone)) == ["A", "B", "C", "D"]
    assert len(_access_rows(history)) == 2 + 2 + 4


def test_a_count_lists_every_child_behind_it_with_the_month_boundaries(history, actors):
    chair = actors["chair"]
    # Five October contacts (C1 at 00:30 BST on 1 Oct, C5 at 23:30 GMT on 31 Oct) with six
    # children: A and B on C1.
    contacts = history.measure_children.children(chair, "contacts", OCTOBER)
    assert sorted(_names(contacts)) == ["A", "B", "C", "D", "E", "F"]
    assert contacts.rows[0].name == "F Synthetic" and str(contacts.rows[0].on) == "2026-10-31"
    assert str(contacts.rows[-1].on) == "2026-10-01"
    # Two months: September adds A (C6) and G (C7).
    two = history.measure_children.children(chair, "contacts", MonthPeriod.parse("2026-10", 2))
    assert sorted(_names(two)) == ["A", "A", "B", "C", "D", "E", "F", "G"]


def test_a_breakdown_group_and_a_team_narrow_the_list(history, actors):
    manager = actors["manager"]
    service = history.measure_children
    red = service.children(manager, "referrals", OCTOBER, breakdown=Breakdown.RAG, key="red")
    assert sorted(_names(red)) == ["A", "B"]
    team_b = service.children(manager, "referrals", OCTOBER, team=TEAM_B)
    assert _names(team_b) == ["D"]
    police = service.children(
        manager,
        "agency_checks_in_time",
        OCTOBER,
        breakdown=Breakdown.AGENCY,
        key="police",
        part=Part.ALL,
    )
    # K1 (A, in time) and K3 (C, never returned): one counted of two.
    assert sorted((r.name[0], r.counted) for r in police.rows) == [("A", True), ("C", False)]
    flows = service.children(manager, "step_up_step_down", OCTOBER, part=Part.ALL)
    assert sorted(_names(flows)) == ["A", "C", "E"]
    s47 = service.children(manager, "s47_per_10000", OCTOBER)
    assert sorted(_names(s47)) == ["A", "A", "C"]


def test_a_performance_officer_is_refused_and_nothing_is_written(history, actors):
    before = row_counts(history)
    with pytest.raises(PermissionDenied):
        history.measure_children.children(actors["performance"], "contacts", OCTOBER)
    assert row_counts(history) == before


def test_refusals_name_the_field(history, actors):
    manager = actors["manager"]
    before = row_counts(history)
    with pytest.raises(ValidationError) as kappa:
        history.measure_children.children(manager, "threshold_consistency", OCTOBER)
    assert [e.field for e in kappa.value.errors] == ["measure"]
    with pytest.raises(ValidationError) as wrong:
        history.measure_children.children(
            manager, "contacts", MonthPeriod.parse("2027-01"), breakdown=Breakdown.RAG
        )
    assert sorted(e.field for e in wrong.value.errors) == ["breakdown", "month"]
    assert row_counts(history) == before
    assert not history.measure_children.drillable("threshold_consistency")
    assert history.measure_children.drillable("contacts")
