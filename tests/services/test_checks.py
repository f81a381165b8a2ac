"""Agency checks: RAG clocks, one open check per agency, returns, overdue, withdrawal, audit."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from mash_desk.domain.enums import Rag
from mash_desk.domain.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from mash_desk.services.checks import CheckRequestInput, CheckStatus, InboxItem
from mash_desk.services.inputs import ConsentInput, OutcomeInput, ReferralDetails
from mash_desk.storage.models import AuditEntry
from tests.conftest import NOW
from tests.support.helpers import log_one, row_counts

QUESTION = "Any domestic-abuse call-outs to the home address in the last 12 months?"


def make_referral(desk, actor, rag=None, **child_kw):
    """Log a one-child contact (rated ``rag``) and progress it to a referral."""
    if rag is not None:
        child_kw.update(rag=rag, rag_reason="Rated at screening")
    cc = log_one(desk, actor, **child_kw).children[0]
    result = desk.outcomes.record(
        actor,
        cc.id,
        cc.version,
        OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails("N1")),
    )
    referral = result.value.referral
    assert referral is not None
    return referral


def ask(desk, actor, referral, *agencies, question=QUESTION):
    """Ask ``agencies`` one question each; return the new checks."""
    return desk.checks.request(
        actor, referral.id, [CheckRequestInput(code, question) for code in agencies]
    ).value


def audit(desk, action):
    with desk.db.reading() as s:
        return s.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        ).all()


@pytest.fixture
def p(actors):
    return actors["practitioner"]


@pytest.fixture
def police2(desk):
    """A second police rep, to return the same check at the same time as the first."""
    return desk.users.create(
        desk.users.system_actor(),
        username="test.police2",
        display_name="Test Police Two",
        role="partner",
        agency_code="police",
        password=None,
    ).value


# ---- clocks --------------------------------------------------------------------------------


@pytest.mark.parametrize(("rag", "hours"), [("red", 2), ("amber", 6), ("green", 24), (None, 6)])
def test_due_time_follows_the_rag_agency_check_clock(desk, p, rag, hours):
    referral = make_referral(desk, p, rag)
    (check,) = ask(desk, p, referral, "police")
    assert check.requested_at == NOW
    assert check.due_at == NOW + timedelta(hours=hours)
    assert check.rag == (Rag(rag) if rag else None)
    # An unrated referral runs on the amber clock.
    assert check.clock_rag is Rag(rag or "amber")
    assert (check.status, check.overdue, check.timing) == (
        CheckStatus.REQUESTED,
        False,
        f"{hours} h left" if hours < 24 else "1 working day left",
    )


def test_red_clock_is_real_time_out_of_hours(desk, p, clock):
    # Tue 16:30: the MASH closes at 17:00, but the red check is due two real hours later.
    clock.set(datetime(2026, 11, 17, 16, 30, tzinfo=UTC))
    (check,) = ask(desk, p, make_referral(desk, p, "red"), "police")
    assert check.due_at == datetime(2026, 11, 17, 18, 30, tzinfo=UTC)


def test_green_clock_runs_over_the_weekend(desk, p, clock):
    # Fri 15:00 + 24 real hours = Sat 15:00 (not Monday: agency checks count real time).
    clock.set(datetime(2026, 11, 20, 15, 0, tzinfo=UTC))
    (check,) = ask(desk, p, make_referral(desk, p, "green"), "health")
    assert check.due_at == datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


# ---- requesting ----------------------------------------------------------------------------


def test_several_agencies_in_one_request_each_with_its_question(desk, p):
    referral = make_referral(desk, p, "amber")
    made = desk.checks.request(
        p,
        referral.id,
        [
            CheckRequestInput("police", "Call-outs to the address?"),
            CheckRequestInput("health", "Is the child registered with a GP?"),
            CheckRequestInput("education", "Attendance this term?"),
        ],
    )
    assert [c.agency_code for c in made.value] == ["police", "health", "education"]
    assert [c.question for c in made.value] == [
        "Call-outs to the address?",
        "Is the child registered with a GP?",
        "Attendance this term?",
    ]
    assert {c.requested_by for c in made.value} == {"Test Practitioner"}
    assert {c.child_name for c in made.value} == {"Amira HASSAN"}
    assert "agency_inbox:health" in made.changed and f"referral:{referral.id}" in made.changed


def test_second_open_request_to_the_same_agency_refused(desk, p, actors):
    referral = make_referral(desk, p, "red")
    ask(desk, p, referral, "police")
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        ask(desk, actors["manager"], referral, "health", "police")
    [error] = caught.value.errors
    assert (error.field, error.rule) == ("checks[1].agency", "open_request")
    assert "Police already has an open check" in error.message
    assert row_counts(desk) == before


def test_new_request_allowed_once_the_first_is_returned_or_withdrawn(desk, p, actors):
    referral = make_referral(desk, p, "amber")
    (first,) = ask(desk, p, referral, "police")
    desk.checks.return_findings(actors["police"], first.id, first.version, nothing_known=True)
    (second,) = ask(desk, p, referral, "police", question="Follow-up: any MARAC history?")
    desk.checks.withdraw(p, second.id, second.version, "Answered at the strategy discussion")
    (third,) = ask(desk, p, referral, "police", question="Anything new since Tuesday?")
    assert third.status is CheckStatus.REQUESTED
    assert [c.status for c in desk.checks.for_referral(p, referral.id).checks] == [
        CheckStatus.RETURNED,
        CheckStatus.WITHDRAWN,
        CheckStatus.REQUESTED,
    ]


@pytest.mark.parametrize(
    ("checks", "field", "rule"),
    [
        ([], "checks", "required"),
        ([CheckRequestInput("nowhere", QUESTION)], "checks[0].agency", "exists"),
        ([CheckRequestInput("police", "   ")], "checks[0].question", "required"),
        (
            [CheckRequestInput("police", QUESTION), CheckRequestInput("police", "Again?")],
            "checks[1].agency",
            "unique",
        ),
    ],
)
def test_bad_requests_refused_with_field_messages(desk, p, checks, field, rule):
    referral = make_referral(desk, p, "amber")
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.checks.request(p, referral.id, checks)
    assert [(e.field, e.rule) for e in caught.value.errors] == [(field, rule)]
    assert row_counts(desk) == before


def test_request_for_unknown_referral_not_found(desk, p):
    with pytest.raises(NotFound):
        desk.checks.request(p, 999, [CheckRequestInput("police", QUESTION)])


@pytest.mark.parametrize("role", ["performance", "police", "admin"])
def test_only_the_mash_requests_checks(desk, actors, p, role):
    referral = make_referral(desk, p, "amber")
    with pytest.raises(PermissionDenied):
        ask(desk, actors[role], referral, "police")


def test_manager_and_chair_may_request(desk, actors, p):
    referral = make_referral(desk, p, "amber")
    ask(desk, actors["manager"], referral, "police")
    ask(desk, actors["chair"], referral, "health")


# ---- returning -----------------------------------------------------------------------------


def test_partner_returns_a_finding_the_mash_sees_it(desk, p, actors, clock):
    referral = make_referral(desk, p, "amber")
    police_check, health_check = ask(desk, p, referral, "police", "health")
    clock.advance(timedelta(hours=1))
    returned = desk.checks.return_findings(
        actors["police"],
        police_check.id,
        police_check.version,
        finding="  Two call-outs in March 2026; mother's partner arrested once.  ",
    ).value
    assert returned.status is CheckStatus.RETURNED
    assert returned.finding == "Two call-outs in March 2026; mother's partner arrested once."
    assert returned.returned_by == "Test Police"
    mash = desk.checks.for_referral(p, referral.id)
    by_agency = {c.agency_code: c for c in mash.checks}
    police = by_agency["police"]
    assert police.answer.startswith("Two call-outs")
    assert (police.returned_by, police.returned_at) == ("Test Police", NOW + timedelta(hours=1))
    assert (police.nothing_known, police.returned_late, police.timing) == (
        False,
        False,
        "returned on time",
    )
    assert by_agency["health"].outstanding
    assert [c.agency_code for c in mash.outstanding] == ["health"]
    assert [c.agency_code for c in mash.returned] == ["police"]


def test_nothing_known_is_a_return_of_its_own(desk, p, actors):
    (check,) = ask(desk, p, make_referral(desk, p, "green"), "police")
    returned = desk.checks.return_findings(
        actors["police"], check.id, check.version, nothing_known=True
    ).value
    assert (returned.status, returned.nothing_known, returned.finding) == (
        CheckStatus.RETURNED,
        True,
        None,
    )
    [mash] = desk.checks.for_referral(p, check.referral_id).checks
    assert mash.answer == "Nothing known"


@pytest.mark.parametrize("finding", [None, "", "   \n  "])
def test_blank_finding_refused(desk, p, actors, finding):
    (check,) = ask(desk, p, make_referral(desk, p, "amber"), "police")
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.checks.return_findings(actors["police"], check.id, check.version, finding=finding)
    [error] = caught.value.errors
    assert (error.field, error.rule) == ("finding", "required")
    assert "nothing known" in error.message
    assert row_counts(desk) == before


def test_finding_and_nothing_known_together_refused(desk, p, actors):
    (check,) = ask(desk, p, make_referral(desk, p, "amber"), "police")
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.checks.return_findings(
            actors["police"], check.id, check.version, finding="One call-out", nothing_known=True
        )
    assert [(e.field, e.rule) for e in caught.value.errors] == [("finding", "exclusive")]
    assert row_counts(desk) == before


def test_a_check_is_returned_once(desk, p, actors):
    (check,) = ask(desk, p, make_referral(desk, p, "amber"), "police")
    done = desk.checks.return_findings(
        actors["police"], check.id, check.version, nothing_known=True
    ).value
    with pytest.raises(ValidationError) as caught:
        desk.checks.return_findings(actors["police"], check.id, done.version, finding="More")
    assert caught.value.rules == {"open"}


def test_two_reps_returning_at_once_conflict_nothing_overwritten(desk, p, actors, police2):
    (check,) = ask(desk, p, make_referral(desk, p, "red"), "police")
    # Both reps open the check (version 1); the first to save wins.
    first = desk.checks.open_request(actors["police"], check.id)
    second = desk.checks.open_request(police2, check.id)
    assert first.version == second.version == check.version
    desk.checks.return_findings(
        actors["police"], check.id, first.version, finding="Known to police: one call-out"
    )
    before = row_counts(desk)
    with pytest.raises(ConflictError) as caught:
        desk.checks.return_findings(police2, check.id, second.version, nothing_known=True)
    assert "nothing was overwritten" in str(caught.value)
    assert row_counts(desk) == before
    [kept] = desk.checks.for_referral(p, check.referral_id).checks
    assert (kept.finding, kept.nothing_known, kept.returned_by) == (
        "Known to police: one call-out",
        False,
        "Test Police",
    )


def test_mash_staff_cannot_return_for_an_agency(desk, p, actors):
    (check,) = ask(desk, p, make_referral(desk, p, "amber"), "social_care")
    for role in ("practitioner", "manager", "chair", "performance", "admin"):
        with pytest.raises(PermissionDenied):
            desk.checks.return_findings(actors[role], check.id, check.version, nothing_known=True)


# ---- overdue -------------------------------------------------------------------------------


def test_overdue_list_after_the_clock_moves_on(desk, p, actors, clock):
    red = make_referral(desk, p, "red", given="Rosa", family="Lind")
    green = make_referral(desk, p, "green", given="Gil", family="Moss")
    (red_police,) = ask(desk, p, red, "police")
    (green_health,) = ask(desk, p, green, "health")
    (red_health,) = ask(desk, p, red, "health")
    assert desk.checks.overdue(p) == ()

    clock.advance(timedelta(hours=1, minutes=30))
    desk.checks.return_findings(actors["police"], red_police.id, 1, nothing_known=True)
    clock.advance(timedelta(hours=1))  # 2 h 30 after the requests
    overdue = desk.checks.overdue(p)
    assert [(c.id, c.agency_code, c.child_name) for c in overdue] == [
        (red_health.id, "health", "Rosa LIND")
    ]
    assert overdue[0].overdue and overdue[0].timing == "overdue by 30 min"
    red_view = desk.checks.for_referral(p, red.id)
    assert [c.id for c in red_view.overdue] == [red_health.id]
    assert not {c.id: c for c in red_view.checks}[red_police.id].overdue  # returned in time

    clock.advance(timedelta(hours=22))  # 24 h 30 after the requests: green is late too
    assert [c.id for c in desk.checks.overdue(p)] == [red_health.id, green_health.id]
    assert [c.id for c in desk.checks.overdue(p, agency_code="police")] == []
    assert [c.id for c in desk.checks.overdue(p, agency_code="health")] == [
        red_health.id,
        green_health.id,
    ]
    # A late return leaves the overdue list and says it was late.
    desk.checks.return_findings(
        health_rep(desk), green_health.id, 1, finding="Registered with Elm Road GP"
    )
    [late] = desk.checks.for_referral(p, green.id).checks
    assert late.returned_late and late.timing == "returned late by 30 min"
    assert [c.id for c in desk.checks.overdue(p)] == [red_health.id]


def health_rep(desk):
    """A partner rep for the health agency."""
    return desk.users.create(
        desk.users.system_actor(),
        username="test.health",
        display_name="Test Health",
        role="partner",
        agency_code="health",
        password=None,
    ).value


def test_partner_inbox_marks_overdue_checks(desk, p, actors, clock):
    (check,) = ask(desk, p, make_referral(desk, p, "red"), "police")
    clock.advance(timedelta(hours=3))
    [item] = desk.checks.inbox(actors["police"])
    assert (item.id, item.overdue, item.timing) == (check.id, True, "overdue by 1 h")


@pytest.mark.parametrize("role", ["police", "performance", "admin"])
def test_overdue_list_is_for_the_mash(desk, actors, role):
    with pytest.raises(PermissionDenied):
        desk.checks.overdue(actors[role])


# ---- withdrawing ---------------------------------------------------------------------------


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_withdrawing_needs_a_reason(desk, p, reason):
    (check,) = ask(desk, p, make_referral(desk, p, "amber"), "police")
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.checks.withdraw(p, check.id, check.version, reason)
    assert [(e.field, e.rule) for e in caught.value.errors] == [("reason", "required")]
    assert row_counts(desk) == before


def test_withdrawn_check_leaves_the_inbox_and_cannot_be_returned(desk, p, actors, clock):
    (check,) = ask(desk, p, make_referral(desk, p, "red"), "police")
    gone = desk.checks.withdraw(
        actors["manager"], check.id, check.version, "Referral is being transferred to Brent"
    ).value
    assert (gone.status, gone.withdrawn_by, gone.withdrawal_reason, gone.timing) == (
        CheckStatus.WITHDRAWN,
        "Test Manager",
        "Referral is being transferred to Brent",
        "withdrawn",
    )
    assert desk.checks.inbox(actors["police"]) == ()
    [closed] = desk.checks.inbox(actors["police"], include_closed=True)
    assert closed.status is CheckStatus.WITHDRAWN
    clock.advance(timedelta(hours=5))
    assert desk.checks.overdue(p) == ()  # a withdrawn check is never overdue
    opened = desk.checks.open_request(actors["police"], check.id)
    assert opened.withdrawal_reason == "Referral is being transferred to Brent"
    with pytest.raises(ValidationError) as caught:
        desk.checks.return_findings(actors["police"], check.id, gone.version, nothing_known=True)
    assert caught.value.rules == {"open"}
    with pytest.raises(ValidationError):
        desk.checks.withdraw(p, check.id, gone.version, "Again")


def test_withdraw_with_a_stale_version_conflicts(desk, p, actors):
    (check,) = ask(desk, p, make_referral(desk, p, "amber"), "police")
    desk.checks.return_findings(actors["police"], check.id, check.version, nothing_known=True)
    with pytest.raises(ConflictError):
        desk.checks.withdraw(p, check.id, check.version, "No longer needed")


def test_partner_cannot_withdraw(desk, p, actors):
    (check,) = ask(desk, p, make_referral(desk, p, "amber"), "police")
    with pytest.raises(PermissionDenied):
        desk.checks.withdraw(actors["police"], check.id, check.version, "Not ours")


# ---- audit ---------------------------------------------------------------------------------


def test_every_change_is_audited_with_the_child_and_the_sharing(desk, p, actors):
    referral = make_referral(
        desk, p, "amber", consents=(ConsentInput("share_information", "given"),)
    )
    police_check, health_check = ask(desk, p, referral, "police", "health")
    desk.checks.return_findings(
        actors["police"], police_check.id, police_check.version, finding="One call-out in May"
    )
    desk.checks.withdraw(p, health_check.id, health_check.version, "GP details now known")

    requested = audit(desk, "agency_check.requested")
    assert [(a.entity, a.entity_id, a.person_id, a.user_id) for a in requested] == [
        ("agency_check_request", police_check.id, referral.person_id, p.user_id),
        ("agency_check_request", health_check.id, referral.person_id, p.user_id),
    ]
    asked = json.loads(requested[0].detail)
    assert (asked["agency"], asked["referral_id"], asked["clock"], asked["question"]) == (
        "police",
        referral.id,
        "amber",
        QUESTION,
    )
    assert asked["shared"]["with_agency"] == "police"
    assert asked["shared"]["consent_to_share"] == "given"

    [returned] = audit(desk, "agency_check.returned")
    assert (returned.entity_id, returned.person_id, returned.user_id) == (
        police_check.id,
        referral.person_id,
        actors["police"].user_id,
    )
    shared = json.loads(returned.detail)["shared"]
    assert shared == {
        "by_agency": "police",
        "with": "mash",
        "request_id": police_check.id,
        "what": "One call-out in May",
    }

    [withdrawn] = audit(desk, "agency_check.withdrawn")
    detail = json.loads(withdrawn.detail)
    assert (withdrawn.entity_id, withdrawn.person_id) == (health_check.id, referral.person_id)
    assert (detail["agency"], detail["reason"]) == ("health", "GP details now known")


def test_checks_appear_in_the_case_chronology(desk, p, actors):
    referral = make_referral(desk, p, "amber")
    (check,) = ask(desk, p, referral, "police")
    desk.checks.return_findings(actors["police"], check.id, check.version, nothing_known=True)
    case = desk.case.view(p, referral.person_id)
    changes = [e.summary for e in case.events if e.kind == "audit"]
    assert "Agency check requested" in changes and "Agency check returned" in changes


# ---- the partner's view --------------------------------------------------------------------


def test_inbox_shows_name_age_question_and_due_time_only(desk, p, actors):
    referral = make_referral(desk, p, "red", nhs_number="9434765919", address="1 Elm Row")
    (check,) = ask(desk, p, referral, "police")
    [item] = desk.checks.inbox(actors["police"])
    assert type(item) is InboxItem
    assert (item.id, item.child_name, item.age_text, item.question, item.due_at) == (
        check.id,
        "Amira HASSAN",
        "7 years",
        QUESTION,
        NOW + timedelta(hours=2),
    )
    # No case record in the inbox: no identifiers, no concerns, no history.
    assert set(InboxItem.__dataclass_fields__) == {
        "id",
        "agency_code",
        "child_name",
        "age_text",
        "question",
        "requested_at",
        "due_at",
        "rag",
        "status",
        "overdue",
        "timing",
        "version",
        "closed_at",  # when the agency returned it or the MASH withdrew it
    }
    opened = desk.checks.open_request(actors["police"], check.id)
    # Opened, the check gives what the agency needs to search its own records.
    assert (opened.nhs_number, opened.address, opened.date_of_birth.year) == (
        "9434765919",
        "1 Elm Row",
        2019,
    )


@pytest.mark.parametrize("role", ["practitioner", "manager", "performance", "admin"])
def test_inbox_is_for_partner_reps(desk, actors, role):
    with pytest.raises(PermissionDenied):
        desk.checks.inbox(actors[role])
