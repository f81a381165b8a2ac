"""Decisions: drafting, signing, amendments, national-return fields, dissent, feedback."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from mash_desk.domain.errors import NotFound, PermissionDenied, ValidationError
from mash_desk.services.decisions import ActionInput, DecisionInput
from mash_desk.storage.models import AuditEntry, Referral, ThresholdAssessment
from tests.conftest import NOW
from tests.services.test_checks import make_referral
from tests.services.test_meetings import quorate
from tests.support.helpers import row_counts

L3 = "l3-pregnant-young-person"
WED_10 = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)


def details(outcome="single_assessment_s17", **kw):
    kw.setdefault("rationale", "Needs at risk of not being met without a statutory assessment.")
    kw.setdefault("indicators", (L3,))
    kw.setdefault("allocated_team", "First Response Team")
    return DecisionInput(outcome=outcome, **kw)


@pytest.fixture
def meeting(desk, actors):
    """Today's quorate meeting, chaired by the chair, with one amber referral on it."""
    referral = make_referral(desk, actors["practitioner"], "amber")
    m = desk.meetings.create_today(actors["chair"]).value
    quorate(desk, actors["chair"], m.id)
    return m.id, referral


def signed(desk, actors, meeting, outcome="single_assessment_s17", **kw):
    meeting_id, referral = meeting
    d = desk.decisions.draft(
        actors["practitioner"], referral.id, details(outcome, **kw), meeting_id
    ).value
    return desk.decisions.sign(actors["chair"], d.id, d.version).value


def test_no_decision_without_quorum_until_the_reason_is_recorded(desk, actors):
    p, chair = actors["practitioner"], actors["chair"]
    referral = make_referral(desk, p, "amber")
    m = desk.meetings.create_today(chair).value
    desk.meetings.record_attendance(chair, m.id, "police", "PC Lee")
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.decisions.draft(p, referral.id, details(), m.id)
    assert caught.value.rules == {"quorum"}
    assert row_counts(desk) == before
    m = desk.meetings.get(chair, m.id)
    desk.meetings.proceed_without_quorum(chair, m.id, m.version, "Health returned in writing")
    assert desk.decisions.draft(p, referral.id, details(), m.id).value.status == "draft"


def test_signing_fills_national_return_fields_and_threshold_assessment(desk, actors, meeting):
    worker = actors["practitioner2"]
    d = signed(
        desk,
        actors,
        meeting,
        "strategy_discussion_s47",
        allocated_worker_id=worker.user_id,
        pathways=("cp_medical", "health_notification"),
        actions=(ActionInput("Book CP medical", date(2026, 11, 18), owner_agency="health"),),
        inform_referrer="School DSL by phone",
    )
    assert (d.status, d.revision, d.s47_started_on) == ("signed", 1, date(2026, 11, 17))
    assert (d.allocated_team, d.allocated_worker_id) == ("First Response Team", worker.user_id)
    assert [a.owner_agency for a in d.actions] == ["health"]
    assert d.level == 3 and d.document[0]
    with desk.db.reading() as s:
        r = s.get(Referral, meeting[1].id)
        assert (r.status, r.referral_nfa, r.team, r.assigned_to) == (
            "decided",
            False,
            "First Response Team",
            worker.user_id,
        )
        a = s.get(ThresholdAssessment, d.assessment_id)
        assert (a.kind, a.document_id, a.document_version) == ("decision", *d.document)
        audited = s.scalars(
            select(AuditEntry.person_id).where(AuditEntry.action == "decision.signed")
        ).all()
        assert audited == [d.person_id]
    agenda = desk.meetings.get(actors["chair"], meeting[0]).agenda
    assert agenda[0].status == "decided"


def test_nfa_sets_referral_nfa(desk, actors, meeting):
    signed(
        desk,
        actors,
        meeting,
        "nfa",
        allocated_team=None,
        level=1,
        level_rationale="Concern resolved by school support",
    )
    with desk.db.reading() as s:
        assert s.get(Referral, meeting[1].id).referral_nfa is True


def test_bad_input_reported_in_one_pass_nothing_written(desk, actors, meeting):
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.decisions.draft(
            actors["practitioner"],
            meeting[1].id,
            details(
                "maybe",
                rationale=" ",
                pathways=("marac", "tea"),
                level=4,
                actions=(ActionInput("Visit", None),),
            ),
            meeting[0],
        )
    fields = {e.field for e in caught.value.errors}
    assert {
        "outcome",
        "rationale",
        "pathways",
        "actions[0].due_on",
        "actions[0].owner",
        "level_rationale",
    } <= fields
    assert row_counts(desk) == before


def test_who_may_draft_and_sign(desk, actors, meeting):
    meeting_id, referral = meeting
    for who in ("police", "performance"):
        with pytest.raises(PermissionDenied):
            desk.decisions.draft(actors[who], referral.id, details(), meeting_id)
    d = desk.decisions.draft(actors["practitioner"], referral.id, details(), meeting_id).value
    before = row_counts(desk)
    for who in ("practitioner", "manager", "police"):  # manager is not this meeting's chair
        with pytest.raises(PermissionDenied):
            desk.decisions.sign(actors[who], d.id, d.version)
    d2 = desk.decisions.draft  # a second draft for the same referral is refused
    with pytest.raises(ValidationError) as caught:
        d2(actors["practitioner"], referral.id, details(), meeting_id)
    assert caught.value.rules == {"one_draft"}
    with pytest.raises(ValidationError) as caught:  # s47/s17 outcomes need the team to sign
        redrafted = desk.decisions.redraft(
            actors["practitioner"], d.id, d.version, details(allocated_team=None)
        ).value
        desk.decisions.sign(actors["chair"], redrafted.id, redrafted.version)
    assert caught.value.rules == {"required_to_sign"}
    assert desk.decisions.history(actors["chair"], referral.id)[0].status == "draft"
    # Issue 13 item 3: a rationale is narrative about a family, not a figure.
    with pytest.raises(PermissionDenied, match="performance / qa officer may not read referral"):
        desk.decisions.history(actors["performance"], referral.id)
    assert row_counts(desk)["decisions"] == before["decisions"]


def test_signed_decision_never_changes_amendment_keeps_both(desk, actors, meeting):
    first = signed(desk, actors, meeting)
    chair = actors["chair"]
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.decisions.redraft(actors["practitioner"], first.id, first.version, details("nfa"))
    assert caught.value.rules == {"signed"}
    with pytest.raises(ValidationError) as caught:
        desk.decisions.amend(chair, first.id, first.version, details(), "  ")
    assert caught.value.rules == {"required"}
    with pytest.raises(PermissionDenied):
        desk.decisions.amend(actors["practitioner"], first.id, first.version, details(), "x")
    assert row_counts(desk) == before
    second = desk.decisions.amend(
        chair,
        first.id,
        first.version,
        details("strategy_discussion_s47"),
        "Police returned a disclosure after the meeting",
    ).value
    assert (second.revision, second.amends_id, second.status) == (2, first.id, "signed")
    history = desk.decisions.history(actors["manager"], meeting[1].id)
    assert [(h.revision, h.outcome.value) for h in history] == [
        (1, "single_assessment_s17"),
        (2, "strategy_discussion_s47"),
    ]
    assert history[0] == first  # the signed version is untouched
    with pytest.raises(ValidationError) as caught:
        desk.decisions.amend(chair, first.id, first.version, details(), "again")
    assert caught.value.rules == {"latest"}
    assert len(desk.decisions.feedback(chair, meeting[1].id)) == 2


def test_red_decided_between_meetings_by_a_manager(desk, actors):
    p, manager = actors["practitioner"], actors["manager"]
    red = make_referral(desk, p, "red")
    amber = make_referral(desk, p, "amber", given="Ben", family="Carter")
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.decisions.draft(p, amber.id, details())
    assert caught.value.rules == {"red_between_meetings"}
    assert row_counts(desk) == before
    d = desk.decisions.draft(manager, red.id, details()).value
    d = desk.decisions.sign(manager, d.id, d.version).value
    assert (d.meeting_id, d.status, d.signed_by) == (None, "signed", manager.user_id)


def test_dissent_opens_stage_one_with_protocol_clock(desk, actors, meeting, clock):
    d = signed(desk, actors, meeting)
    police = actors["police"]
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.decisions.record_dissent(police, d.id, "police", " ")
    assert caught.value.rules == {"required"}
    with pytest.raises(PermissionDenied):  # not their agency
        desk.decisions.record_dissent(police, d.id, "health", "Level too low")
    with pytest.raises(ValidationError) as caught:  # education was not there
        desk.decisions.record_dissent(actors["chair"], d.id, "education", "Level too low")
    assert caught.value.rules == {"present"}
    with pytest.raises(PermissionDenied):
        desk.decisions.record_dissent(actors["performance"], d.id, "police", "x")
    assert row_counts(desk) == before
    e = desk.decisions.record_dissent(police, d.id, "police", "Threshold for s47 is met").value
    assert (e.stage, e.stage_name, e.due_at) == (1, "Practitioner to practitioner", WED_10)
    assert (e.decision_id, e.agency_code, e.overdue) == (d.id, "police", False)
    with pytest.raises(ValidationError) as caught:
        desk.decisions.record_dissent(police, d.id, "police", "Again")
    assert caught.value.rules == {"open_escalation"}
    manager = actors["manager"]
    assert [x.id for x in desk.decisions.escalations(manager)] == [e.id]
    assert desk.decisions.escalations(manager, overdue_only=True) == ()
    clock.advance(timedelta(days=1, minutes=1))
    [late] = desk.decisions.escalations(manager, overdue_only=True)
    with pytest.raises(PermissionDenied):
        desk.decisions.escalate(police, e.id, late.version, "No reply")
    e2 = desk.decisions.escalate(manager, e.id, late.version, "No agreement reached").value
    assert (e2.stage, e2.stage_name) == (2, "Managers")
    assert e2.due_at == datetime(2026, 11, 20, 10, 1, tzinfo=UTC)  # 2 working days
    e3 = desk.decisions.resolve(manager, e.id, e2.version, "Agreed: strategy discussion").value
    assert e3.status == "resolved"
    assert desk.decisions.escalations(manager) == ()


def test_referrer_feedback_due_one_working_day_listed_when_overdue(desk, actors, meeting, clock):
    d = signed(desk, actors, meeting)
    manager = actors["manager"]
    [fb] = desk.decisions.feedback(manager, meeting[1].id)
    assert (fb.decision_id, fb.due_at, fb.sent_at) == (d.id, WED_10, None)
    assert fb.due_at == NOW + timedelta(days=1)
    assert desk.decisions.overdue_feedback(manager) == ()
    clock.advance(timedelta(days=1, hours=1))
    [late] = desk.decisions.overdue_feedback(manager)
    assert late.id == fb.id and late.overdue
    with pytest.raises(PermissionDenied):
        desk.decisions.overdue_feedback(actors["practitioner"])
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.decisions.mark_feedback_sent(actors["practitioner"], fb.id, fb.version, "pigeon")
    assert caught.value.rules == {"choice"}
    assert row_counts(desk) == before
    sent = desk.decisions.mark_feedback_sent(
        actors["practitioner"], fb.id, fb.version, "phone"
    ).value
    assert sent.sent_at == NOW + timedelta(days=1, hours=1) and sent.method == "phone"
    assert desk.decisions.overdue_feedback(manager) == ()


def test_meeting_signs_off_once_every_decision_is_signed(desk, actors, meeting):
    signed(desk, actors, meeting)
    m = desk.meetings.get(actors["chair"], meeting[0])
    assert desk.meetings.sign_off(actors["chair"], m.id, m.version).value.signed_off_at


L4 = "l4-serious-unexplained-injury"


@pytest.mark.parametrize(
    ("outcome", "kw"),
    [
        ("nfa", {"indicators": (L4,), "allocated_team": None}),  # NFA at Level 4
        ("single_assessment_s17", {"level": 2, "level_rationale": "Needs are additional"}),
        ("strategy_discussion_s47", {"level": 1, "level_rationale": "Concern is universal"}),
        ("step_down_early_help", {"allocated_team": None}),  # step down at Level 3
    ],
)
def test_outcome_that_departs_from_the_level_needs_its_reason(desk, actors, meeting, outcome, kw):
    meeting_id, referral = meeting
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.decisions.draft(
            actors["practitioner"], referral.id, details(outcome, **kw), meeting_id
        )
    (error,) = caught.value.errors
    assert (error.field, error.rule) == ("outcome_level_reason", "outcome_level")
    assert "usually goes with" in error.message and "Level" in error.message
    assert row_counts(desk) == before  # nothing written
    reason = "Family moving abroad this week; the receiving council is told."
    d = desk.decisions.draft(
        actors["practitioner"],
        referral.id,
        details(outcome, outcome_level_reason=reason, **kw),
        meeting_id,
    ).value
    assert d.outcome_level_reason == reason
    assert desk.decisions.history(actors["chair"], referral.id)[-1].outcome_level_reason == reason


def test_outcome_that_fits_the_level_needs_no_reason_and_keeps_none(desk, actors, meeting):
    d = signed(desk, actors, meeting, outcome_level_reason="Not needed: s17 at Level 3")
    assert (d.level, d.outcome_level_reason) == (3, None)


def test_amendment_to_an_outcome_that_departs_needs_the_reason(desk, actors, meeting):
    first = signed(desk, actors, meeting)
    before = row_counts(desk)
    nfa = details("nfa", allocated_team=None)  # NFA at Level 3
    with pytest.raises(ValidationError) as caught:
        desk.decisions.amend(actors["chair"], first.id, first.version, nfa, "New information")
    assert caught.value.rules == {"outcome_level"}
    assert row_counts(desk) == before


def test_the_user_check_in_the_first_read_refuses_forged_and_inactive_chairs(desk, actors, meeting):
    """Meeting mode's reads and signing check the stored user in their own first statement.

    A script that forges the chair's Actor with another login, or a chair whose account was
    deactivated meanwhile, is refused before anything is read or written; a missing decision
    is still "not found" for the real chair.
    """
    meeting_id, referral = meeting
    chair = actors["chair"]
    d = desk.decisions.draft(actors["practitioner"], referral.id, details(), meeting_id).value
    forged = dataclasses.replace(actors["performance"], role=chair.role)
    wrong_login = dataclasses.replace(chair, username="someone.else")
    for actor in (forged, wrong_login):
        with pytest.raises(PermissionDenied):
            desk.meetings.today(actor)
        with pytest.raises(PermissionDenied):
            desk.meetings.get(actor, meeting_id)
    before = row_counts(desk)
    with pytest.raises(PermissionDenied):
        desk.decisions.sign(forged, d.id, d.version)  # a performance officer, whatever it says
    with pytest.raises(NotFound):
        desk.decisions.sign(chair, d.id + 1000, d.version)
    assert row_counts(desk) == before
    desk.users.deactivate(actors["admin"], chair.username)
    with pytest.raises(PermissionDenied, match="not active"):
        desk.meetings.today(chair)
    with pytest.raises(PermissionDenied, match="not active"):
        desk.decisions.sign(chair, d.id, d.version)
    assert row_counts(desk) == before | {"audit_log": row_counts(desk)["audit_log"]}
    assert desk.decisions.history(actors["manager"], referral.id)[0].status == "draft"
