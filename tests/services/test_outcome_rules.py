"""Issue 12: who may close a red contact, the consent a level needs, Level 4 left amber."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from mash_desk.domain.errors import ValidationError
from mash_desk.services.inputs import ConsentInput, OutcomeInput, ReferralDetails
from mash_desk.storage.models import (
    AccessLogEntry,
    AuditEntry,
    Consent,
    ContactChild,
    ThresholdAssessment,
)
from tests.support.helpers import log_one, row_counts

REFERRAL = OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails("N1"))


def audit(desk, action):
    with desk.db.reading() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()
    return [json.loads(e.detail) for e in entries]


def screened(desk, actor, indicators, level=None, rationale=None, **child_kw):
    """Log a contact about one child and screen it; return the child on the contact."""
    cc = log_one(desk, actor, **child_kw).children[0]
    return desk.screening.screen(
        actor, cc.id, cc.version, indicators=indicators, level=level, rationale=rationale
    ).value


def refused(desk, call):
    """Run ``call``; assert it is refused and wrote nothing; return the error."""
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        call()
    assert row_counts(desk) == before
    return caught.value


def test_practitioner_cannot_close_a_red_contact_with_nfa(desk, actors):
    p = actors["practitioner"]
    cc = log_one(desk, p, rag="red", rag_reason="Disclosure today").children[0]
    error = refused(
        desk, lambda: desk.outcomes.record(p, cc.id, cc.version, OutcomeInput(("nfa",)))
    )
    assert error.rules == {"manager_authorises_red_nfa"}
    assert "manager must authorise" in error.for_field("outcomes")[0].message


def test_manager_records_nfa_on_a_red_contact_and_is_named(desk, actors):
    cc = log_one(desk, actors["practitioner"], rag="red", rag_reason="Disclosure today").children[0]
    done = desk.outcomes.record(actors["manager"], cc.id, cc.version, OutcomeInput(("nfa",)))
    assert done.value.contact_child.status == "closed"
    [detail] = audit(desk, "contact.outcome_recorded")
    assert detail["red_nfa_authorised_by"] == actors["manager"].user_id


def test_practitioner_may_still_progress_a_red_contact(desk, actors):
    p = actors["practitioner"]
    cc = log_one(desk, p, rag="red", rag_reason="Disclosure today").children[0]
    assert desk.outcomes.record(p, cc.id, cc.version, REFERRAL).value.referral is not None


def test_level_two_early_help_needs_family_consent(desk, actors):
    p = actors["practitioner"]
    cc = screened(desk, p, ["l2-bullying"])
    error = refused(
        desk, lambda: desk.outcomes.record(p, cc.id, cc.version, OutcomeInput(("early_help",)))
    )
    assert error.rules == {"early_help_needs_consent"} and error.for_field("consent")
    given = screened(
        desk,
        p,
        ["l2-bullying"],
        given="Ben",
        consents=(ConsentInput("early_help", "given"),),
    )
    ok = desk.outcomes.record(p, given.id, given.version, OutcomeInput(("early_help",)))
    assert ok.value.contact_child.status == "closed"


def test_level_three_referral_needs_consent_sought(desk, actors):
    p = actors["practitioner"]
    cc = screened(desk, p, ["l3-going-missing"])
    error = refused(desk, lambda: desk.outcomes.record(p, cc.id, cc.version, REFERRAL))
    assert error.rules == {"assessment_consent_sought"} and error.for_field("consent")
    sought = screened(
        desk,
        p,
        ["l3-going-missing"],
        given="Ben",
        consents=(ConsentInput("assessment", "refused", reason="Mother declined"),),
    )
    assert desk.outcomes.record(p, sought.id, sought.version, REFERRAL).value.referral


def test_level_four_referral_without_consent_needs_the_reason(desk, actors):
    p = actors["practitioner"]
    cc = screened(desk, p, ["l4-disclosure-physical-abuse"])
    error = refused(desk, lambda: desk.outcomes.record(p, cc.id, cc.version, REFERRAL))
    assert error.rules == {"reason_without_consent"} and error.for_field("consent_reason")
    why = "Asking the family would put the child at further risk of harm"
    given = OutcomeInput(("mash_referral",), referral=ReferralDetails("N1"), consent_reason=why)
    assert desk.outcomes.record(p, cc.id, cc.version, given).value.referral
    with desk.db.reading() as s:
        assert s.get(ContactChild, cc.id).consent_reason == why
    [detail] = audit(desk, "contact.outcome_recorded")
    assert detail["consent_reason"] == why


def test_referral_is_awaiting_decision_in_the_queue_and_on_the_next_agenda(desk, actors):
    p, chair = actors["practitioner"], actors["chair"]
    meeting = desk.meetings.create_today(chair).value
    cc = log_one(desk, p, rag="amber", rag_reason="Assessment likely").children[0]
    referral = desk.outcomes.record(
        p, cc.id, cc.version, OutcomeInput(("mash_referral",), referral=ReferralDetails("N2"))
    ).value.referral
    rows = {(r.kind, r.item_id): r for r in desk.queue.page(p).rows}
    assert rows[("referral", referral.id)].status == "awaiting_decision"
    assert ("contact", cc.id) not in rows
    # Today's meeting was built before the referral existed: refreshing picks it up...
    refreshed = desk.meetings.refresh_agenda(chair, meeting.id).value
    assert referral.id in [i.referral_id for i in refreshed.agenda]


def test_referral_made_before_the_meeting_is_on_its_agenda(desk, actors):
    p, chair = actors["practitioner"], actors["chair"]
    cc = log_one(desk, p).children[0]
    referral = desk.outcomes.record(p, cc.id, cc.version, REFERRAL).value.referral
    meeting = desk.meetings.create_today(chair).value
    assert [i.referral_id for i in meeting.agenda] == [referral.id]


def test_prepare_shows_level_consent_and_logs_the_view(desk, actors):
    p = actors["practitioner"]
    cc = screened(desk, p, ["l3-going-missing"], consents=(ConsentInput("assessment", "sought"),))
    ready = desk.outcomes.prepare(p, cc.id)
    assert (ready.level, ready.consent_rule, ready.may_authorise) == (3, "sought", False)
    assert ready.level_label.startswith("Level 3") and ready.contact_source == "2A"
    assert dict(ready.consents) == {"assessment": "sought"}
    with desk.db.reading() as s:
        whats = s.scalars(
            select(AccessLogEntry.what).where(AccessLogEntry.person_id == cc.person.id)
        ).all()
    assert "outcome.prepare" in whats
    assert desk.outcomes.prepare(actors["manager"], cc.id).may_authorise


@pytest.mark.parametrize(
    "kwargs",
    [
        {"indicators": ["l4-disclosure-physical-abuse"]},
        # Suggested 4 and overridden down: the disagreement is still worth a word.
        {
            "indicators": ["l4-disclosure-physical-abuse"],
            "level": 3,
            "rationale": "Injury explained by a hospital report",
        },
    ],
)
def test_level_four_on_amber_cannot_be_saved_silently(desk, actors, kwargs):
    p = actors["practitioner"]
    cc = log_one(desk, p, rag="amber", rag_reason="Bruise seen").children[0]
    error = refused(desk, lambda: desk.screening.screen(p, cc.id, cc.version, **kwargs))
    assert error.rules == {"level_four_not_red"} and error.for_field("not_red_reason")
    why = "Child is safe in hospital with the other parent tonight"
    desk.screening.screen(p, cc.id, cc.version, not_red_reason=why, **kwargs)
    with desk.db.reading() as s:
        assert s.scalars(select(ThresholdAssessment.not_red_reason)).one() == why
    [detail] = audit(desk, "contact.screened")
    assert detail["not_red_reason"] == why


def test_level_four_re_rated_red_needs_no_reason(desk, actors):
    p = actors["practitioner"]
    cc = log_one(desk, p, rag="green", rag_reason="Low level").children[0]
    done = desk.screening.screen(
        p,
        cc.id,
        cc.version,
        indicators=["l4-disclosure-physical-abuse"],
        rag="red",
        rag_reason="Disclosure at school",
    ).value
    assert done.rag.value == "red"
    with desk.db.reading() as s:
        assert s.scalars(select(ThresholdAssessment.not_red_reason)).one() is None


def test_consent_asked_for_now_is_recorded_with_the_outcome(desk, actors):
    p = actors["practitioner"]
    cc = screened(desk, p, ["l3-going-missing"])
    assert desk.outcomes.prepare(p, cc.id).consent_purpose == "assessment"
    asked = OutcomeInput(
        ("mash_referral",),
        referral=ReferralDetails("N1"),
        consent=ConsentInput("assessment", "not_sought"),
    )
    error = refused(desk, lambda: desk.outcomes.record(p, cc.id, cc.version, asked))
    assert error.for_field("consent_now.reason")
    sought = OutcomeInput(
        ("mash_referral",),
        referral=ReferralDetails("N1"),
        consent=ConsentInput("assessment", "sought"),
    )
    assert desk.outcomes.record(p, cc.id, cc.version, sought).value.referral
    with desk.db.reading() as s:
        rows = s.execute(
            select(Consent.purpose, Consent.state, Consent.contact_id).where(
                Consent.person_id == cc.person.id
            )
        ).all()
    assert [tuple(r) for r in rows] == [("assessment", "sought", cc.contact_id)]
    [detail] = audit(desk, "contact.outcome_recorded")
    assert detail["consent_recorded"] == {"purpose": "assessment", "state": "sought"}
