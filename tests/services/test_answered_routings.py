"""A rep's answered routings: after the waiting ones, newest answer first, a page at a time."""

from __future__ import annotations

from datetime import timedelta

from tests.services.test_checks import make_referral
from tests.services.test_routing import completed, down, partner

NAMES = ("Ada", "Bea", "Cal", "Dee", "Eve", "Fay")


def _routed(desk, practitioner, given):
    child = make_referral(desk, practitioner, "amber", given=given, family="Stone")
    return completed(
        desk, practitioner, desk.routing.create(practitioner, child.person_id, down()).value
    )


def _answer(desk, rep, routing, n):
    # Every third one rejected: both answers are "answered".
    accept = n % 3 != 2
    return desk.routing.respond(
        rep, routing.id, routing.version, accept, None if accept else "Family moved away"
    ).value


def test_answered_routings_follow_the_waiting_newest_answer_first_a_page_at_a_time(
    desk, actors, clock
):
    p = actors["practitioner"]
    early = partner(desk, "early_support")
    routed = [_routed(desk, p, given) for given in NAMES]
    answered = []
    for n, routing in enumerate(routed[:5]):
        clock.advance(timedelta(minutes=1))
        answered.append(_answer(desk, early, routing, n))
    waiting = routed[5]
    newest_first = [r.id for r in reversed(answered)]

    listed = desk.routing.inbox(early, include_closed=True, closed_limit=2)
    assert [r.id for r in listed] == [waiting.id, *newest_first[:2]]
    assert listed[0].closed_mark is None, "a routing waiting for its answer is not answered"
    page = desk.routing.answered(early, before=listed[-1].closed_mark, limit=2)
    assert [r.id for r in page] == newest_first[2:4]
    last = desk.routing.answered(early, before=page[-1].closed_mark, limit=2)
    assert [r.id for r in last] == newest_first[4:]
    assert desk.routing.answered(early, before=last[-1].closed_mark, limit=2) == ()
    # Without "show answered": the waiting one only, as before.
    assert [r.id for r in desk.routing.inbox(early)] == [waiting.id]


def test_answers_given_at_the_same_instant_are_neither_repeated_nor_skipped(desk, actors):
    p = actors["practitioner"]
    early = partner(desk, "early_support")
    answered = [_answer(desk, early, _routed(desk, p, g), 0) for g in NAMES[:3]]
    assert len({r.responded_at for r in answered}) == 1, "the clock stood still"

    seen, mark = [], None
    while page := desk.routing.answered(early, before=mark, limit=1):
        seen += [r.id for r in page]
        mark = page[-1].closed_mark
    assert seen == sorted((r.id for r in answered), reverse=True)


def test_another_agency_never_sees_the_answered_routings(desk, actors):
    p = actors["practitioner"]
    early = partner(desk, "early_support")
    _answer(desk, early, _routed(desk, p, "Ada"), 0)
    children_centres = partner(desk, "childrens_centres")
    assert desk.routing.answered(children_centres) == ()
    assert desk.routing.inbox(children_centres, include_closed=True) == ()
    assert [r.child_name for r in desk.routing.answered(early)] == ["Ada STONE"]
