"""Forward to the allocated worker: only for a child with an open case held by a worker."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from mash_desk.domain.enums import ContactOutcome
from mash_desk.domain.errors import ValidationError
from mash_desk.services.inputs import ChildOnContact, OutcomeInput, ReferralDetails
from mash_desk.storage.models import AuditEntry, ServiceEpisode, User
from tests.services.test_decisions import meeting, signed  # noqa: F401 - fixture
from tests.support.helpers import contact, log_one, row_counts

FORWARD = OutcomeInput(outcomes=("forward_to_allocated_worker",))


def open_episode(desk, person_id, worker_id, **kw):
    """An open child-in-need episode held by ``worker_id`` (as the social-care system has it)."""
    kw.setdefault("started_on", date(2026, 6, 1))
    with desk.db.transaction() as s:
        episode = ServiceEpisode(
            person_id=person_id,
            service="child_in_need",
            team="Children in Need team 2",
            worker_id=worker_id,
            **kw,
        )
        s.add(episode)
        s.flush()
        return episode.id


def forwarded_audit(desk, contact_child_id):
    """The detail of the outcome's audit row."""
    with desk.db.reading() as s:
        return json.loads(
            s.scalar(
                select(AuditEntry.detail).where(
                    AuditEntry.action == "contact.outcome_recorded",
                    AuditEntry.entity_id == contact_child_id,
                )
            )
        )


def test_forward_refused_without_an_open_case_and_nothing_written(desk, actors):
    p = actors["practitioner"]
    cc = log_one(desk, p).children[0]
    # An ended episode and one with nobody allocated are no open case with a worker.
    open_episode(desk, cc.person.id, actors["practitioner2"].user_id, ended_on=date(2026, 9, 1))
    open_episode(desk, cc.person.id, None)
    # Nor is one held by a worker who has left (account closed).
    left = actors["manager"].user_id
    open_episode(desk, cc.person.id, left)
    with desk.db.transaction() as s:
        s.get(User, left).active = False
    assert desk.outcomes.prepare(p, cc.id).open_case is None
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.outcomes.record(p, cc.id, cc.version, FORWARD)
    [error] = caught.value.errors
    assert (error.field, error.rule) == ("outcomes", "forward_needs_open_case")
    assert "no open service with a worker" in error.message
    assert row_counts(desk) == before


def test_forward_to_the_worker_of_an_open_service_names_them(desk, actors):
    p, worker = actors["practitioner"], actors["practitioner2"]
    cc = log_one(desk, p).children[0]
    episode_id = open_episode(desk, cc.person.id, worker.user_id)
    ready = desk.outcomes.prepare(p, cc.id)
    assert ready.open_case is not None
    assert ready.open_case.sentence() == (
        "Forwards to Test Practitioner2: Child in need, Children in Need team 2, "
        "open since 01 Jun 2026"
    )
    done = desk.outcomes.record(p, cc.id, cc.version, FORWARD).value
    assert done.contact_child.outcomes == (ContactOutcome.FORWARD_TO_WORKER,)
    assert done.referral is None
    detail = forwarded_audit(desk, cc.id)
    assert detail["forwarded_to"] == worker.user_id
    assert detail["forwarded_via"] == {"kind": "service_episode", "id": episode_id}


def again(desk, actor, person_id):
    """A new contact about a child already on file."""
    return desk.contacts.log(actor, contact(ChildOnContact(person_id=person_id))).value.children[0]


def test_forward_to_the_worker_holding_a_referral_awaiting_decision(desk, actors):
    p, worker = actors["practitioner"], actors["practitioner2"]
    first = log_one(desk, p).children[0]
    referral = desk.outcomes.record(
        p,
        first.id,
        first.version,
        OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails("N1")),
    ).value.referral
    second = again(desk, p, first.person.id)
    assert desk.outcomes.prepare(p, second.id).open_case is None  # nobody holds it yet
    desk.allocation.take(worker, "referral", referral.id, referral.version)
    ready = desk.outcomes.prepare(p, second.id)
    assert ready.open_case.worker_name == "Test Practitioner2"
    assert f"referral {referral.id}, awaiting the meeting's decision" in ready.open_case.sentence()
    desk.outcomes.record(p, second.id, second.version, FORWARD)
    detail = forwarded_audit(desk, second.id)
    assert detail["forwarded_to"] == worker.user_id
    assert detail["forwarded_via"] == {"kind": "referral", "id": referral.id}


def test_forward_to_the_worker_a_signed_s17_decision_allocated(desk, actors, meeting):  # noqa: F811
    p, worker = actors["practitioner"], actors["practitioner2"]
    decided = signed(desk, actors, meeting, allocated_worker_id=worker.user_id)
    cc = again(desk, p, decided.person_id)
    ready = desk.outcomes.prepare(p, cc.id)
    assert ready.open_case.sentence() == (
        f"Forwards to Test Practitioner2: referral {decided.referral_id}, decided: "
        "Single assessment (s17)"
    )
    desk.outcomes.record(p, cc.id, cc.version, FORWARD)
    assert forwarded_audit(desk, cc.id)["forwarded_to"] == worker.user_id


def test_no_forward_after_an_nfa_decision(desk, actors, meeting):  # noqa: F811
    p = actors["practitioner"]
    decided = signed(
        desk,
        actors,
        meeting,
        "nfa",
        allocated_team=None,
        allocated_worker_id=actors["practitioner2"].user_id,
        level=1,
        level_rationale="Concern resolved by school support",
    )
    cc = again(desk, p, decided.person_id)
    assert desk.outcomes.prepare(p, cc.id).open_case is None
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.outcomes.record(p, cc.id, cc.version, FORWARD)
    assert caught.value.rules == {"forward_needs_open_case"}
    assert row_counts(desk) == before
