"""Routing: step up / step down / transfer rules, informing, receiving service, isolation."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from mash_desk.domain.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from mash_desk.services.routing import RoutingInput
from mash_desk.storage.models import AuditEntry, ServiceEpisode
from tests.conftest import NOW
from tests.services.test_checks import make_referral
from tests.services.test_decisions import meeting, signed  # noqa: F401 - fixture
from tests.support.helpers import row_counts

SUMMARY = "Assessment attached: school attendance 82%, mother agrees to parenting support."


def down(**kw):
    kw.setdefault("family_consent", True)
    kw.setdefault("level_before", 3)
    return RoutingInput(
        kind="step_down",
        to_agency=kw.pop("to_agency", "early_support"),
        reason=kw.pop("reason", "Needs now met at level 2 with family support"),
        level_after=kw.pop("level_after", 2),
        handover_summary=kw.pop("handover_summary", SUMMARY),
        **kw,
    )


def up(**kw):
    return RoutingInput(
        kind="step_up",
        to_agency=kw.pop("to_agency", "social_care"),
        reason="Early help plan not working; new injury reported",
        level_after=kw.pop("level_after", 3),
        handover_summary=SUMMARY,
        level_before=2,
        **kw,
    )


def partner(desk, agency):
    return desk.users.create(
        desk.users.system_actor(),
        username=f"test.{agency}",
        display_name=f"Rep of {agency}",
        role="partner",
        agency_code=agency,
        password=None,
    ).value


def inform_everyone(desk, actor, routing):
    for party, who in (("family", "Mother"), ("professionals", "School DSL"), ("referrer", "GP")):
        routing = desk.routing.record_informing(
            actor, routing.id, routing.version, party, who, "phone", NOW - timedelta(hours=1)
        ).value
    return routing


def completed(desk, actor, routing):
    routing = inform_everyone(desk, actor, routing)
    return desk.routing.complete(actor, routing.id, routing.version).value


def refused(desk, call, *rules):
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        call()
    assert caught.value.rules == set(rules)
    assert row_counts(desk) == before
    return caught.value


def test_step_down_from_a_decision_informed_completed_and_accepted(desk, actors, meeting):  # noqa: F811
    p = actors["practitioner"]
    early = partner(desk, "early_support")
    decision = signed(
        desk,
        actors,
        meeting,
        "step_down_early_help",
        allocated_team=None,
        level=2,
        level_rationale="Needs met with universal plus early help",
    )
    r = desk.routing.create(p, decision.person_id, down(decision_id=decision.id)).value
    assert (r.kind, r.from_agency, r.to_agency, r.status) == (
        "step_down",
        "social_care",
        "early_support",
        "open",
    )
    assert (r.decision_id, r.referral_id, r.level_before, r.level_after) == (
        decision.id,
        decision.referral_id,
        3,
        2,
    )
    assert r.handover_summary == SUMMARY and r.childrens_centre_offer is False
    assert desk.routing.inbox(early) == ()  # not handed over until complete
    r = completed(desk, p, r)
    assert r.status == "complete"
    assert [(i.party, i.who, i.method) for i in r.informed] == [
        ("family", "Mother", "phone"),
        ("professionals", "School DSL", "phone"),
        ("referrer", "GP", "phone"),
    ]
    [item] = desk.routing.inbox(early)
    assert item.id == r.id and item.handover_summary == SUMMARY
    r = desk.routing.respond(early, r.id, r.version, True, None).value
    assert r.status == "accepted"
    with desk.db.reading() as s:
        audited = s.execute(
            select(AuditEntry.action, AuditEntry.person_id)
            .where(AuditEntry.entity == "routing")
            .order_by(AuditEntry.id)
        ).all()
    assert [a for a, _ in audited] == [
        "routing.created",
        *["routing.informed"] * 3,
        "routing.completed",
        "routing.accepted",
    ]
    assert {pid for _, pid in audited} == {decision.person_id}


def test_step_down_rules_refused_nothing_written(desk, actors):
    p = actors["practitioner"]
    child = make_referral(desk, p, "amber")
    refused(
        desk,
        lambda: desk.routing.create(p, child.person_id, down(level_after=3)),
        "step_down_level",
    )
    e = refused(
        desk, lambda: desk.routing.create(p, child.person_id, down(family_consent=None)), "consent"
    )
    assert e.for_field("family_consent")
    refused(
        desk,
        lambda: desk.routing.create(p, child.person_id, down(to_agency="police")),
        "step_down_to",
    )
    refused(
        desk,
        lambda: desk.routing.create(p, child.person_id, down(reason=" ", handover_summary=None)),
        "required",
    )


@pytest.mark.parametrize("service", ["child_protection_plan", "s47_enquiry"])
def test_no_step_down_straight_from_cp_plan_or_open_s47(desk, actors, service):
    p = actors["practitioner"]
    child = make_referral(desk, p, "amber")
    with desk.db.transaction() as s:
        s.add(
            ServiceEpisode(person_id=child.person_id, service=service, started_on=date(2026, 6, 1))
        )
    refused(
        desk, lambda: desk.routing.create(p, child.person_id, down()), "not_from_child_protection"
    )


def test_ended_cp_plan_does_not_block_step_down(desk, actors):
    p = actors["practitioner"]
    child = make_referral(desk, p, "amber")
    with desk.db.transaction() as s:
        s.add(
            ServiceEpisode(
                person_id=child.person_id,
                service="child_protection_plan",
                started_on=date(2026, 1, 1),
                ended_on=date(2026, 10, 1),
            )
        )
    assert desk.routing.create(p, child.person_id, down()).value.status == "open"


def test_step_up_needs_level_three_into_social_care(desk, actors):
    p = actors["practitioner"]
    child = make_referral(desk, p, "amber")
    refused(
        desk, lambda: desk.routing.create(p, child.person_id, up(level_after=2)), "step_up_level"
    )
    refused(
        desk, lambda: desk.routing.create(p, child.person_id, up(to_agency="health")), "step_up_to"
    )
    r = desk.routing.create(p, child.person_id, up()).value
    assert (r.from_agency, r.to_agency, r.level_after) == ("early_support", "social_care", 3)


def test_under_five_not_needing_social_care_offered_childrens_centre(desk, actors):
    p = actors["practitioner"]
    baby = make_referral(desk, p, "green", date_of_birth=date(2024, 3, 1))
    result = desk.routing.create(p, baby.person_id, down())
    assert result.value.childrens_centre_offer is True
    assert "children's-centre offer" in result.notices[0]
    older = make_referral(desk, p, "green", given="Ola", family="Older")
    assert desk.routing.create(p, older.person_id, down()).value.childrens_centre_offer is False


def test_completion_needs_everyone_informed(desk, actors):
    p = actors["practitioner"]
    child = make_referral(desk, p, "amber")
    r = desk.routing.create(p, child.person_id, down()).value
    r = desk.routing.record_informing(p, r.id, r.version, "family", "Mother", "in_person").value
    e = refused(desk, lambda: desk.routing.complete(p, r.id, r.version), "informing_required")
    assert e.for_field("informed")[0].message.endswith("not yet informed: professionals, referrer")
    refused(
        desk,
        lambda: desk.routing.record_informing(
            p, r.id, r.version, "neighbours", " ", "pigeon", NOW + timedelta(hours=1)
        ),
        "choice",
        "required",
        "not_future",
    )


def test_rejection_needs_a_reason_and_returns_to_the_mash(desk, actors):
    p = actors["practitioner"]
    early = partner(desk, "early_support")
    child = make_referral(desk, p, "amber")
    r = completed(desk, p, desk.routing.create(p, child.person_id, down()).value)
    refused(desk, lambda: desk.routing.respond(early, r.id, r.version, False, None), "required")
    assert desk.routing.returned(p) == ()
    r = desk.routing.respond(early, r.id, r.version, False, "Family already open to us").value
    assert (r.status, r.response_reason) == ("rejected", "Family already open to us")
    assert [x.id for x in desk.routing.returned(p)] == [r.id]
    assert desk.routing.inbox(early) == ()
    refused(desk, lambda: desk.routing.respond(early, r.id, r.version, True, None), "complete")


def test_receiving_side_only_and_partner_sees_own_agency_only(desk, actors):
    p, manager, police = actors["practitioner"], actors["manager"], actors["police"]
    early, centres = partner(desk, "early_support"), partner(desk, "childrens_centres")
    child = make_referral(desk, p, "amber")
    r_down = completed(desk, p, desk.routing.create(p, child.person_id, down()).value)
    r_up = completed(desk, p, desk.routing.create(p, child.person_id, up()).value)
    before = row_counts(desk)
    for rep in (police, centres):
        messages = []
        for rid in (r_down.id, 999_999):
            with pytest.raises(NotFound) as caught:
                desk.routing.get(rep, rid)
            messages.append(str(caught.value).replace(str(rid), "N"))
        assert messages[0] == messages[1]
        with pytest.raises(NotFound):
            desk.routing.respond(rep, r_down.id, r_down.version, True, None)
        assert desk.routing.inbox(rep) == ()
        with pytest.raises(PermissionDenied):
            desk.routing.for_person(rep, child.person_id)
        with pytest.raises(PermissionDenied):
            desk.routing.returned(rep)
    with pytest.raises(NotFound):  # early support cannot see the step up to social care
        desk.routing.get(early, r_up.id)
    with pytest.raises(PermissionDenied):  # a practitioner does not accept on anyone's behalf
        desk.routing.respond(p, r_down.id, r_down.version, True, None)
    with pytest.raises(PermissionDenied):  # a social-care manager does not accept for early help
        desk.routing.respond(manager, r_down.id, r_down.version, True, None)
    assert row_counts(desk) == before
    assert [x.id for x in desk.routing.inbox(manager)] == [r_up.id]
    assert (
        desk.routing.respond(manager, r_up.id, r_up.version, True, "Allocated FRT").value.status
        == "accepted"
    )
    assert [x.id for x in desk.routing.for_person(p, child.person_id)] == [r_down.id, r_up.id]


# ---- acknowledgement by the receiving service -----------------------------------------------


def test_receiving_rep_acknowledges_once_and_the_mash_sees_who_and_when(desk, actors, clock):
    p = actors["practitioner"]
    early = partner(desk, "early_support")
    child = make_referral(desk, p, "amber")
    r = desk.routing.create(p, child.person_id, down()).value
    # Not handed over yet: not the receiver's (it is "not found", as in its inbox and on the
    # server, where row security shows a rep handed-over routings only), and nothing for the
    # MASH to acknowledge on its behalf either. Nothing is written.
    before = row_counts(desk)
    with pytest.raises(NotFound):
        desk.routing.acknowledge(early, r.id, r.version)
    assert row_counts(desk) == before
    refused(desk, lambda: desk.routing.acknowledge(p, r.id, r.version), "complete")
    r = completed(desk, p, r)
    assert (r.acknowledged, r.acknowledged_by, r.acknowledged_at) == (False, None, None)
    assert (r.child_name, r.age_text, r.completed_at) == ("Amira HASSAN", "7 years", NOW)
    clock.advance(timedelta(minutes=20))
    result = desk.routing.acknowledge(early, r.id, r.version)
    acked = result.value
    assert (acked.acknowledged_by, acked.acknowledged_at) == (
        "Rep of early_support",
        NOW + timedelta(minutes=20),
    )
    assert acked.status == "complete" and acked.version == r.version + 1
    assert desk.routing.get(p, r.id).acknowledged_by == "Rep of early_support"
    # Twice is a plain field error naming who and when, even with the old version open.
    for version in (acked.version, r.version):
        e = refused(desk, lambda v=version: desk.routing.acknowledge(early, r.id, v), "once")
        assert e.for_field("acknowledged")[0].message == (
            "Already acknowledged by Rep of early_support on 17 Nov 2026 at 10:20; "
            "nothing was changed"
        )
    with desk.db.reading() as s:
        [row] = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "routing.acknowledged")
        ).all()
    assert (row.person_id, row.entity_id, row.user_id) == (child.person_id, r.id, early.user_id)
    assert json.loads(row.detail) == {"on_behalf_of_receiver": False, "to_agency": "early_support"}
    # Accepting afterwards keeps the acknowledgement as it was.
    accepted = desk.routing.respond(early, r.id, acked.version, True, None).value
    assert (accepted.status, accepted.acknowledged_at) == ("accepted", NOW + timedelta(minutes=20))
    refused(desk, lambda: desk.routing.acknowledge(p, r.id, accepted.version), "once")


def test_stale_version_is_a_conflict(desk, actors):
    p = actors["practitioner"]
    early = partner(desk, "early_support")
    child = make_referral(desk, p, "amber")
    r = desk.routing.create(p, child.person_id, down()).value
    r = inform_everyone(desk, p, r)
    stale = r.version
    desk.routing.complete(p, r.id, r.version)
    before = row_counts(desk)
    with pytest.raises(ConflictError):
        desk.routing.acknowledge(early, r.id, stale)
    assert row_counts(desk) == before


def test_mash_staff_acknowledge_on_the_receivers_behalf_other_reps_cannot(desk, actors):
    p, police = actors["practitioner"], actors["police"]
    early = partner(desk, "early_support")
    child = make_referral(desk, p, "amber")
    r = completed(desk, p, desk.routing.create(p, child.person_id, down()).value)
    before = row_counts(desk)
    messages = []
    for rid in (r.id, 999_999):
        with pytest.raises(NotFound) as caught:
            desk.routing.acknowledge(police, rid, r.version)
        messages.append(str(caught.value).replace(str(rid), "N"))
    assert messages[0] == messages[1]
    with pytest.raises(PermissionDenied):  # performance officers never write
        desk.routing.acknowledge(actors["performance"], r.id, r.version)
    assert row_counts(desk) == before
    # Early Support acknowledged by phone; the practitioner records it for them.
    acked = desk.routing.acknowledge(p, r.id, r.version).value
    assert acked.acknowledged_by == "Test Practitioner"
    with desk.db.reading() as s:
        detail = s.scalar(
            select(AuditEntry.detail).where(AuditEntry.action == "routing.acknowledged")
        )
    assert json.loads(detail)["on_behalf_of_receiver"] is True
    assert [x.acknowledged for x in desk.routing.inbox(early)] == [True]


def test_answering_without_acknowledging_acknowledges(desk, actors):
    p = actors["practitioner"]
    early = partner(desk, "early_support")
    child = make_referral(desk, p, "amber")
    r = completed(desk, p, desk.routing.create(p, child.person_id, down()).value)
    rejected = desk.routing.respond(early, r.id, r.version, False, "Family already open").value
    assert (rejected.acknowledged_by, rejected.acknowledged_at) == ("Rep of early_support", NOW)


def test_inbox_lists_unacknowledged_first_and_closed_only_when_asked(desk, actors, clock):
    p = actors["practitioner"]
    early = partner(desk, "early_support")
    made = []
    for given in ("Ada", "Bea", "Cal"):
        child = make_referral(desk, p, "amber", given=given, family="Stone")
        made.append(completed(desk, p, desk.routing.create(p, child.person_id, down()).value))
        clock.advance(timedelta(minutes=5))
    ada, bea, cal = made
    assert [x.child_name for x in desk.routing.inbox(early)] == [
        "Ada STONE",
        "Bea STONE",
        "Cal STONE",
    ]
    desk.routing.acknowledge(early, ada.id, ada.version)
    assert [x.child_name for x in desk.routing.inbox(early)] == [
        "Bea STONE",
        "Cal STONE",
        "Ada STONE",  # acknowledged: after those nobody has looked at yet
    ]
    desk.routing.respond(early, cal.id, cal.version, True, None)
    assert [x.id for x in desk.routing.inbox(early)] == [bea.id, ada.id]
    assert [x.id for x in desk.routing.inbox(early, include_closed=True)] == [
        bea.id,
        ada.id,
        cal.id,
    ]


def test_opening_a_routing_is_logged_as_a_view_of_the_child(desk, actors):
    p = actors["practitioner"]
    early = partner(desk, "early_support")
    child = make_referral(desk, p, "amber")
    r = completed(desk, p, desk.routing.create(p, child.person_id, down()).value)
    assert desk.routing.get(early, r.id).handover_summary == SUMMARY
    [entry] = desk.access.who_viewed(actors["manager"], child.person_id)
    assert (entry.username, entry.what, entry.detail) == (
        "test.early_support",
        "routing.open",
        f"Routing {r.id} (step_down)",
    )
