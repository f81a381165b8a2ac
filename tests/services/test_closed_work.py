"""A rep's closed work: after the open work, newest closed first, a page at a time (issue 16).

Listing all of an agency's closed work grew with history (9,000 actions and 22,000 checks for
the police on ten years). The inbox now lists every open item, soonest due first, then the
latest ``closed_limit`` closed ones; ``closed(before=…)`` reads the next page after the last
one listed, by (closing time, id), so pages neither repeat nor skip an item, ties included.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from mash_desk.domain.errors import PermissionDenied
from mash_desk.services import actions as actions_service
from mash_desk.services.actions import ActionStatus
from mash_desk.services.checks import CheckStatus
from mash_desk.services.decisions import ActionInput
from tests.services.test_actions import THU, TUE, WED
from tests.services.test_checks import ask, make_referral
from tests.services.test_decisions import details, meeting  # noqa: F401 - fixture
from tests.services.test_routing import partner
from tests.support.helpers import row_counts


def _pages(read_page, first, limit):
    """Every closed item by pages of ``limit`` after ``first``, until a short page."""
    listed = list(first)
    while True:
        page = read_page(listed[-1].closed_mark, limit)
        assert len(page) <= limit
        listed += page
        if len(page) < limit:
            return listed


@pytest.fixture
def police_actions(desk, actors, meeting, clock):  # noqa: F811
    """Police's actions of a signed decision: two open, six closed over two days.

    Two are closed at the same instant (the keyset's tie), one is in the rep's own name, and
    health's closed action, the newest of all, is never police's to list.
    """
    meeting_id, referral = meeting
    police = actors["police"]
    wanted = [ActionInput(f"Police action {n}", WED, owner_agency="police") for n in range(5)]
    wanted += [
        ActionInput("Rep's own action", THU, owner_user_id=police.user_id),
        ActionInput("Open, due later", THU, owner_agency="police"),
        ActionInput("Open, due first", TUE, owner_agency="police"),
        ActionInput("Health's action", WED, owner_agency="health"),
    ]
    draft = desk.decisions.draft(
        actors["practitioner"], referral.id, details(actions=tuple(wanted)), meeting_id
    ).value
    desk.decisions.sign(actors["chair"], draft.id, draft.version)
    by_name = {a.description: a for a in desk.actions.inbox(actors["manager"])}
    order = ["Police action 3", "Rep's own action", "Police action 0", "Police action 4"]
    order += ["Police action 1", "Police action 2", "Health's action"]
    for n, name in enumerate(order):
        if n != 5:  # actions 1 and 2 are closed at the same instant
            clock.advance(timedelta(hours=7))
        action = by_name[name]
        closer = actors["manager"] if name == "Health's action" else police
        desk.actions.close(closer, action.id, action.version, True, f"Done: {name}")
    return by_name


def test_actions_list_open_soonest_due_then_closed_newest_first(desk, actors, police_actions):
    by_name = police_actions
    listed = desk.actions.inbox(actors["police"], include_closed=True)
    assert [i.description for i in listed] == [
        "Open, due first",
        "Open, due later",
        # The two closed at the same instant: the later id first.
        *sorted(["Police action 1", "Police action 2"], key=lambda n: by_name[n].id, reverse=True),
        "Police action 4",
        "Police action 0",
        "Rep's own action",
        "Police action 3",
    ]
    assert [i.status for i in listed[:2]] == [ActionStatus.OPEN] * 2
    assert all(i.status is ActionStatus.DONE for i in listed[2:])


def test_closed_actions_come_a_page_at_a_time_without_repeats_or_gaps(desk, actors, police_actions):
    police = actors["police"]
    everything = desk.actions.inbox(police, include_closed=True)
    first = desk.actions.inbox(police, include_closed=True, closed_limit=2)
    assert [i.id for i in first] == [i.id for i in everything[:4]]  # two open, two closed
    more = _pages(
        lambda mark, limit: desk.actions.closed(police, before=mark, limit=limit), first, 2
    )
    assert [i.id for i in more] == [i.id for i in everything]
    assert desk.actions.closed(police, limit=3) == everything[2:5]
    assert desk.actions.inbox(police) == everything[:2]  # closed work only when asked


def test_a_page_read_a_row_at_a_time_on_a_server_is_the_same_page(
    desk, actors, police_actions, monkeypatch
):
    # PostgreSQL reads a page a few rows per statement (services/actions.py _SERVER_CHUNK):
    # one row at a time, across the tie too, the page is unchanged.
    police = actors["police"]
    whole = desk.actions.inbox(police, include_closed=True)
    monkeypatch.setattr(actions_service, "_SERVER_CHUNK", 1)
    assert desk.actions.inbox(police, include_closed=True) == whole
    assert desk.actions.closed(police, before=whole[3].closed_mark, limit=3) == whole[4:7]


def test_listing_closed_actions_writes_nothing_and_needs_the_inbox_permission(
    desk, actors, police_actions
):
    before = row_counts(desk)
    (newest,) = desk.actions.closed(actors["police"], limit=1)
    desk.actions.closed(actors["police"], before=newest.closed_mark)
    desk.actions.inbox(actors["police"], include_closed=True)
    assert row_counts(desk) == before  # a list, as before: no access row, no audit row
    with pytest.raises(PermissionDenied):
        desk.actions.closed(actors["performance"])


def test_mash_staff_page_one_agencys_closed_actions(desk, actors, police_actions):
    manager = actors["manager"]
    (health,) = desk.actions.closed(manager, agency_code="health")
    assert health.description == "Health's action"
    police = desk.actions.closed(manager, agency_code="police", limit=3)
    assert [i.description for i in police][-1] == "Police action 4"
    older = desk.actions.closed(manager, agency_code="police", before=police[-1].closed_mark)
    # Staff see the agency's actions only: the rep's own one is in no agency's list.
    assert [i.description for i in older] == ["Police action 0", "Police action 3"]


@pytest.fixture
def police_checks(desk, actors, clock):
    """Five checks asked of the police: one open, two returned and two withdrawn.

    A return and a withdrawal happen at the same instant (the keyset's tie); health's check,
    returned last, is never police's to list.
    """
    p, police = actors["practitioner"], actors["police"]
    asked = []
    for n, given in enumerate(("Ada", "Ben", "Cat", "Dan", "Eve")):
        referral = make_referral(desk, p, "amber", given=given, family="Brook")
        asked.append(ask(desk, p, referral, "police", *(("health",) if n == 0 else ()))[0])
    (health_check,) = (
        c
        for c in desk.checks.for_referral(p, asked[0].referral_id).checks
        if c.agency_code == "health"
    )

    def returned(check):
        desk.checks.return_findings(police, check.id, check.version, nothing_known=True)

    def withdrawn(check):
        desk.checks.withdraw(p, check.id, check.version, "Asked in error")

    clock.advance(timedelta(minutes=30))
    withdrawn(asked[3])
    clock.advance(timedelta(minutes=30))
    returned(asked[1])
    withdrawn(asked[4])  # the same instant
    clock.advance(timedelta(minutes=30))
    returned(asked[0])
    clock.advance(timedelta(minutes=30))
    health = partner(desk, "health")
    desk.checks.return_findings(health, health_check.id, health_check.version, nothing_known=True)
    return asked


def test_checks_list_open_then_closed_newest_first(desk, actors, police_checks):
    asked = police_checks
    listed = desk.checks.inbox(actors["police"], include_closed=True)
    tie = sorted([asked[1].id, asked[4].id], reverse=True)
    assert [i.id for i in listed] == [asked[2].id, asked[0].id, *tie, asked[3].id]
    assert [i.status for i in listed] == [
        CheckStatus.REQUESTED,
        CheckStatus.RETURNED,
        *(CheckStatus.RETURNED if i == asked[1].id else CheckStatus.WITHDRAWN for i in tie),
        CheckStatus.WITHDRAWN,
    ]
    assert listed[0].closed_at is None and listed[0].closed_mark is None
    assert [i.closed_at for i in listed[1:]] == sorted(
        (i.closed_at for i in listed[1:]), reverse=True
    )


def test_closed_checks_come_a_page_at_a_time_without_repeats_or_gaps(desk, actors, police_checks):
    police = actors["police"]
    everything = desk.checks.inbox(police, include_closed=True)
    first = desk.checks.inbox(police, include_closed=True, closed_limit=1)
    assert first == everything[:2]
    # A page of one splits the tie: the keyset's id breaks it, nothing repeated or skipped.
    more = _pages(
        lambda mark, limit: desk.checks.closed(police, before=mark, limit=limit), first, 1
    )
    assert [i.id for i in more] == [i.id for i in everything]
    assert desk.checks.closed(police, limit=2) == everything[1:3]
    assert desk.checks.inbox(police) == everything[:1]


def test_listing_closed_checks_writes_nothing_and_is_for_partner_reps(desk, actors, police_checks):
    before = row_counts(desk)
    (newest,) = desk.checks.closed(actors["police"], limit=1)
    desk.checks.closed(actors["police"], before=newest.closed_mark)
    assert row_counts(desk) == before  # a list, as before: no access row, no audit row
    with pytest.raises(PermissionDenied):
        desk.checks.closed(actors["practitioner"])
