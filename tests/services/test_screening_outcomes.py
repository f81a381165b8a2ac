"""Screening (RAG, provisional level) and outcomes (NFA, under-5 rule, referral)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from mash_desk.domain.enums import ContactOutcome, Rag
from mash_desk.domain.errors import ConflictError, PermissionDenied, ValidationError
from mash_desk.services.inputs import OutcomeInput, ReferralDetails
from tests.support.helpers import log_one, row_counts


def test_raising_to_red_reruns_clock_from_receipt_and_keeps_history(desk, actors, clock):
    cc = log_one(desk, actors["practitioner"], rag="green", rag_reason="Low-level").children[0]
    raised = desk.screening.change_rag(
        actors["practitioner"],
        cc.id,
        cc.version,
        "red",
        "Police check: MAPPA-managed adult in home",
    ).value
    assert raised.rag is Rag.RED
    # Red: 4 hours from receipt (Tue 10:00), the clock runs out of hours too.
    assert raised.due_at == datetime(2026, 11, 17, 14, 0, tzinfo=UTC)
    assert [h.value for h in raised.rag_history] == [Rag.GREEN, Rag.RED]
    assert raised.rag_history[-1].reason.startswith("Police check")


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_rag_change_without_reason_refused(desk, actors, reason):
    cc = log_one(desk, actors["practitioner"]).children[0]
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.screening.change_rag(actors["practitioner"], cc.id, cc.version, "red", reason)
    assert caught.value.errors[0].field == "rag_reason"
    assert row_counts(desk) == before


def test_rag_conflict_between_two_practitioners(desk, actors):
    cc = log_one(desk, actors["practitioner"]).children[0]
    desk.screening.change_rag(
        actors["practitioner"], cc.id, cc.version, "amber", "School follow-up"
    )
    with pytest.raises(ConflictError):
        desk.screening.change_rag(actors["practitioner2"], cc.id, cc.version, "green", "Seems fine")
    assert desk.contacts.get(actors["practitioner"], cc.contact_id).children[0].rag is Rag.AMBER


def test_nfa_cannot_be_combined(desk, actors):
    cc = log_one(desk, actors["practitioner"]).children[0]
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.outcomes.record(
            actors["practitioner"], cc.id, cc.version, OutcomeInput(outcomes=("nfa", "early_help"))
        )
    assert caught.value.rules == {"nfa_exclusive"}
    assert "Early help" in caught.value.errors[0].message
    assert row_counts(desk) == before


def test_under_five_without_social_care_gets_childrens_centre_offer(desk, actors):
    cc = log_one(desk, actors["practitioner"], date_of_birth=date(2023, 1, 1)).children[0]
    result = desk.outcomes.record(
        actors["practitioner"], cc.id, cc.version, OutcomeInput(outcomes=("early_help",))
    )
    assert set(result.value.contact_child.outcomes) == {
        ContactOutcome.EARLY_HELP,
        ContactOutcome.CHILDRENS_CENTRE,
    }
    assert "000 L184" in result.notices[0]


def test_unborn_counts_as_under_five(desk, actors):
    cc = log_one(
        desk, actors["practitioner"], date_of_birth=None, expected_delivery=date(2027, 4, 1)
    ).children[0]
    result = desk.outcomes.record(
        actors["practitioner"],
        cc.id,
        cc.version,
        OutcomeInput(outcomes=("information_advice_signpost",)),
    )
    assert ContactOutcome.CHILDRENS_CENTRE in result.value.contact_child.outcomes


def test_under_five_nfa_needs_a_reason(desk, actors):
    cc = log_one(desk, actors["practitioner"], date_of_birth=date(2023, 1, 1)).children[0]
    with pytest.raises(ValidationError) as caught:
        desk.outcomes.record(
            actors["practitioner"], cc.id, cc.version, OutcomeInput(outcomes=("nfa",))
        )
    assert caught.value.rules == {"under_five_childrens_centre"}
    ok = desk.outcomes.record(
        actors["practitioner"],
        cc.id,
        cc.version,
        OutcomeInput(
            outcomes=("nfa",), no_offer_reason="Family already attends Cedars children's centre"
        ),
    )
    assert ok.value.contact_child.outcomes == (ContactOutcome.NFA,) and not ok.notices


def test_over_five_gets_no_offer_added(desk, actors):
    cc = log_one(desk, actors["practitioner"], date_of_birth=date(2015, 1, 1)).children[0]
    result = desk.outcomes.record(
        actors["practitioner"], cc.id, cc.version, OutcomeInput(outcomes=("early_help",))
    )
    assert (
        result.value.contact_child.outcomes == (ContactOutcome.EARLY_HELP,) and not result.notices
    )


def test_under_five_referred_to_social_care_gets_no_offer(desk, actors):
    cc = log_one(desk, actors["practitioner"], date_of_birth=date(2023, 1, 1)).children[0]
    result = desk.outcomes.record(
        actors["practitioner"],
        cc.id,
        cc.version,
        OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails("N1")),
    )
    assert ContactOutcome.CHILDRENS_CENTRE not in result.value.contact_child.outcomes


def test_progress_to_referral_carries_cin_fields_and_clocks(desk, actors):
    cc = log_one(
        desk, actors["practitioner"], rag="amber", rag_reason="Assessment likely"
    ).children[0]
    result = desk.outcomes.record(
        actors["practitioner"],
        cc.id,
        cc.version,
        OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails("N4")),
    )
    referral = result.value.referral
    assert referral is not None
    assert (referral.source, referral.primary_need, referral.status, referral.rag) == (
        "2A",
        "N4",
        "awaiting_decision",
        Rag.AMBER,
    )
    # Decision: 1 working day (Tue 10:00 → Wed 10:00); assessment: 45 working days.
    assert referral.decision_due_at == datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
    assert referral.assessment_due_at.date() == date(2027, 1, 22)
    assert result.value.contact_child.status == "referred"


def test_referral_needs_primary_need(desk, actors):
    cc = log_one(desk, actors["practitioner"]).children[0]
    with pytest.raises(ValidationError) as caught:
        desk.outcomes.record(
            actors["practitioner"],
            cc.id,
            cc.version,
            OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails("N12")),
        )
    assert caught.value.for_field("primary_need")


def test_outcome_recorded_once(desk, actors):
    cc = log_one(desk, actors["practitioner"]).children[0]
    done = desk.outcomes.record(
        actors["practitioner"], cc.id, cc.version, OutcomeInput(outcomes=("nfa",))
    ).value
    with pytest.raises(ValidationError):
        desk.outcomes.record(
            actors["practitioner"],
            cc.id,
            done.contact_child.version,
            OutcomeInput(outcomes=("early_help",)),
        )


def test_performance_officer_cannot_record_outcomes(desk, actors):
    cc = log_one(desk, actors["practitioner"]).children[0]
    with pytest.raises(PermissionDenied):
        desk.outcomes.record(
            actors["performance"], cc.id, cc.version, OutcomeInput(outcomes=("nfa",))
        )
