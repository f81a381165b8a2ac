"""Documents assembled from the database, issued with their hash, copies, outputs, verify."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError, InternalError

from mash_desk.documents import render_memo, sha256_hex
from mash_desk.documents.serialize import from_json
from mash_desk.domain.errors import NotFound, PermissionDenied, ValidationError
from mash_desk.services.inputs import ChildOnContact, OutcomeInput, ReferralDetails
from mash_desk.services.routing import RoutingInput
from mash_desk.storage.models import AccessLogEntry, AuditEntry, IssuedDocument
from tests.documents.conftest import (
    CONCERNS,
    FAMILY,
    FINDING,
    GIVEN,
    RATIONALE,
    make_referral,
    pdf_text,
)
from tests.services.test_decisions import details
from tests.services.test_meetings import quorate
from tests.support.helpers import contact, row_counts


def test_memo_model_carries_every_section_from_the_database(desk, actors, decided):
    memo = desk.documents.memo_model(actors["chair"], decided.decision.id)
    assert memo.child.name == f"{GIVEN} {FAMILY.upper()}"
    assert memo.contact.concerns == CONCERNS
    assert memo.contact.risk_indicators == ("Neglect",)
    assert memo.contact.referrer == "Jo Teacher, Class teacher, Eastmoor Primary"
    assert [(a.agency, a.status, a.answer) for a in memo.agency_returns] == [
        ("Police", "returned", FINDING),
        ("Health (GP, midwifery, health visiting, school nursing)", "requested", ""),
    ]
    assert [r.value for r in memo.rag_history] == ["amber"]
    # Threshold wording comes from the document version the decision used.
    t = memo.threshold
    assert (t.level, t.document_id, t.document_version) == (3, *decided.decision.document)
    assert t.indicators and all(i.text for i in t.indicators)
    assert t.consent_rule
    assert memo.outcome == "Single assessment (s17)" and memo.rationale == RATIONALE
    assert memo.pathways == ("Health notification (midwife / GP / health visitor)",)
    assert [(c.purpose, c.state) for c in memo.consents] == [("Share information", "given")]
    assert [s.agency for s in memo.sharing] == ["Police", memo.agency_returns[1].agency]
    assert [(a.owner, a.status) for a in memo.actions] == [
        ("Police", "open"),
        ("Test Practitioner", "open"),
    ]
    parties = [(i.party, i.who) for i in memo.informed]
    assert ("Family", "Mother told by phone <by SW>") in parties
    assert ("Referrer", "Outcome feedback sent") in parties
    [e] = memo.escalations
    assert (e.agency, e.stage, e.status) == ("Police", 1, "open")
    assert memo.sign_off.signed_by == "Test Chair" and "Daily MASH meeting" in memo.sign_off.where
    assert [a.revision for a in memo.amendments] == [1]
    assert not memo.meta.draft and memo.meta.reference == f"MASH/DM/{decided.decision.id}/1"


def test_memo_for_an_agency_shows_only_its_own_information(desk, actors, decided):
    memo = desk.documents.memo_model(actors["chair"], decided.decision.id, "health")
    assert [a.agency for a in memo.agency_returns] == [
        "Health (GP, midwifery, health visiting, school nursing)"
    ]
    assert all(FINDING not in a.answer for a in memo.agency_returns)
    assert FINDING not in pdf_text(render_memo(memo))
    assert memo.meta.reference.endswith("/HEALTH")
    # Each recipient's memo is an original of its own, with its own hash.
    chair = actors["chair"]
    mash = desk.documents.issue_memo(chair, decided.decision.id).value
    health = desk.documents.issue_memo(chair, decided.decision.id, "health").value
    assert not health.is_copy and health.sha256 != mash.sha256
    assert (health.recipient, health.filename) == (
        "health",
        f"memo-decision-{decided.decision.id}-v1-health.pdf",
    )
    with pytest.raises(ValidationError) as caught:
        desk.documents.memo_model(actors["chair"], decided.decision.id, "nobody")
    assert caught.value.rules == {"exists"}


def test_issuing_hashes_the_pdf_and_a_second_issue_is_a_copy(desk, actors, decided, clock):
    chair = actors["chair"]
    first = desk.documents.issue_memo(chair, decided.decision.id).value
    assert first.sha256 == sha256_hex(first.pdf) and not first.is_copy
    assert (first.decision_id, first.revision, first.kind) == (
        decided.decision.id,
        1,
        "decision_memo",
    )
    text_1 = pdf_text(first.pdf)
    assert "COPY" not in text_1 and "Page 1 of" in text_1
    # Things change after the original was issued; the copy still says what it said.
    desk.decisions.resolve(chair, decided.escalation.id, decided.escalation.version, "Agreed")
    clock.advance(timedelta(days=1))
    copy = desk.documents.issue_memo(actors["manager"], decided.decision.id).value
    assert (copy.copy_of, copy.copy_number) == (first.id, 1)
    assert copy.sha256 != first.sha256 and copy.sha256 == sha256_hex(copy.pdf)
    text_2 = pdf_text(copy.pdf)
    assert "COPY — reprinted 18 Nov 2026" in text_2
    assert "stage 1 (" in text_2 and "open" in text_2 and "Agreed" not in text_2
    assert text_2.count("COPY — reprinted") == text_2.count("Page ")
    with desk.db.reading() as s:
        stored = s.get(IssuedDocument, first.id)
        # The stored model renders again to the very bytes that were hashed.
        assert sha256_hex(render_memo(from_json(stored.model))) == first.sha256
        actions = s.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "issued_document")
        ).all()
        assert actions == ["document.issued", "document.reprinted"]
    # A second copy the same day is told apart by its number, so its hash is its own too.
    again = desk.documents.issue_memo(chair, decided.decision.id).value
    assert (again.copy_number, again.copy_of) == (2, first.id) and again.sha256 != copy.sha256
    assert "· copy 2" in pdf_text(again.pdf)
    listed = desk.documents.issued_for(chair, decision_id=decided.decision.id)
    assert [d.id for d in listed] == [first.id, copy.id, again.id]


def test_outputs_recorded_only_for_the_issued_bytes(desk, actors, decided):
    chair = actors["chair"]
    issued = desk.documents.issue_memo(chair, decided.decision.id).value
    out = desk.documents.record_output(chair, issued.id, "export", "/tmp/x/memo.pdf", issued.pdf)
    assert (out.value.action, out.value.sha256, out.value.output_by) == (
        "export",
        issued.sha256,
        "Test Chair",
    )
    before = row_counts(desk)
    altered = bytearray(issued.pdf)
    altered[len(altered) // 2] ^= 1
    with pytest.raises(ValidationError) as caught:
        desk.documents.record_output(chair, issued.id, "fax", " ", bytes(altered))
    assert caught.value.rules == {"choice", "required", "issued_bytes"}
    assert row_counts(desk) == before
    [listed] = desk.documents.issued_for(chair, decision_id=decided.decision.id)
    assert [(o.action, o.destination) for o in listed.outputs] == [("export", "/tmp/x/memo.pdf")]


def test_verify_names_the_decision_and_rejects_a_changed_byte(desk, actors, decided):
    issued = desk.documents.issue_memo(actors["chair"], decided.decision.id).value
    anyone = actors["admin"]
    result = desk.documents.verify(anyone, issued.pdf)
    assert result.verified and result.document.id == issued.id
    assert f"decision {decided.decision.id}, version 1" in result.message
    assert GIVEN not in result.message  # never the child
    altered = bytearray(issued.pdf)
    altered[len(altered) // 3] ^= 0x20
    bad = desk.documents.verify(anyone, bytes(altered))
    assert not bad.verified
    assert "NOT an unaltered issued document" in bad.message
    assert f"decision={decided.decision.id}".replace("=", " ") in bad.message


def test_drafts_preview_but_never_issue(desk, actors):
    p, chair = actors["practitioner"], actors["chair"]
    referral = make_referral(desk, p, given="Ben", family="Carter")
    m = desk.meetings.create_today(chair).value
    quorate(desk, chair, m.id)
    draft = desk.decisions.draft(p, referral.id, details(), m.id).value
    memo = desk.documents.memo_model(p, draft.id)
    assert memo.meta.draft and "DRAFT — NOT SIGNED" in pdf_text(render_memo(memo))
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.documents.issue_memo(chair, draft.id)
    assert caught.value.rules == {"signed"}
    assert row_counts(desk) == before


def test_partners_and_performance_produce_no_documents(desk, actors, decided):
    before = row_counts(desk)
    for who in ("police", "performance", "admin"):
        with pytest.raises(PermissionDenied):
            desk.documents.memo_model(actors[who], decided.decision.id)
        with pytest.raises(PermissionDenied):
            desk.documents.issue_memo(actors[who], decided.decision.id)
        with pytest.raises(PermissionDenied):
            desk.documents.issue_minutes(actors[who], decided.meeting_id)
    with pytest.raises(PermissionDenied):  # a practitioner does not run the meeting
        desk.documents.issue_minutes(actors["practitioner"], decided.meeting_id)
    with pytest.raises(NotFound):
        desk.documents.memo_model(actors["chair"], 999_999)
    assert row_counts(desk) == before


def test_building_a_memo_is_logged_as_a_view_of_the_child(desk, actors, decided):
    desk.documents.memo_model(actors["practitioner2"], decided.decision.id)
    with desk.db.reading() as s:
        whats = s.scalars(
            select(AccessLogEntry.what).where(
                AccessLogEntry.user_id == actors["practitioner2"].user_id
            )
        ).all()
    assert "document.memo" in whats


def test_minutes_need_sign_off_then_list_attendance_quorum_and_decisions(desk, actors, decided):
    chair = actors["chair"]
    with pytest.raises(ValidationError) as caught:
        desk.documents.issue_minutes(chair, decided.meeting_id)
    assert caught.value.rules == {"signed_off"}
    m = desk.meetings.get(chair, decided.meeting_id)
    desk.meetings.sign_off(chair, m.id, m.version)
    minutes = desk.documents.minutes_model(actors["manager"], decided.meeting_id)
    assert {a.agency for a in minutes.attendance} >= {"Police"}
    assert minutes.quorate and minutes.signed_off_by == "Test Chair"
    [case] = minutes.cases
    assert (case.decision_id, case.outcome, case.rationale) == (
        decided.decision.id,
        "Single assessment (s17)",
        RATIONALE,
    )
    assert case.dissent == ("Police: Threshold for s47 is met <police view>",)
    issued = desk.documents.issue_minutes(chair, decided.meeting_id).value
    words = pdf_text(issued.pdf)
    assert "Daily MASH meeting — minutes" in words and "Quorate" in words
    assert f"{GIVEN} {FAMILY.upper()}" in words and RATIONALE in words


def test_meeting_pack_lists_signed_decisions_in_agenda_order(desk, actors, decided):
    p, chair = actors["practitioner"], actors["chair"]
    red = make_referral(desk, p, given="Rob", family="Red", rag="red")
    make_referral(desk, p, given="Una", family="Decided-Not")
    desk.meetings.refresh_agenda(chair, decided.meeting_id)
    draft = desk.decisions.draft(p, red.id, details(), decided.meeting_id).value
    rob = desk.decisions.sign(chair, draft.id, draft.version).value
    pack = desk.documents.meeting_pack(chair, date(2026, 11, 17))
    # Red before amber on the same deadline (agenda order); the undecided child is named.
    assert pack.decision_ids == (rob.id, decided.decision.id) and not pack.signed_off
    assert pack.undecided == ("Una DECIDED-NOT",)
    with pytest.raises(NotFound) as caught:
        desk.documents.meeting_pack(chair, date(2020, 1, 6))
    assert str(caught.value) == "No MASH meeting was held on Mon 06 Jan 2020"


def test_referrer_letter_tells_the_outcome_without_agency_information(desk, actors, decided):
    letter = desk.documents.issue_letter(actors["practitioner"], decided.decision.id).value
    words = pdf_text(letter.pdf)
    assert "Dear Jo Teacher," in words
    assert "Single assessment (s17)" in words and "45 working days" in words
    assert FINDING not in words and RATIONALE not in words and CONCERNS not in words


def test_routing_notices_for_professionals_and_in_plain_words_for_the_family(desk, actors):
    p = actors["practitioner"]
    referral = make_referral(desk, p, given="Mia", family="Nowak")
    reason = "Needs met at level 2 <police intel> & family agree"
    routing = desk.routing.create(
        p,
        referral.person_id,
        RoutingInput(
            kind="step_down",
            to_agency="early_support",
            reason=reason,
            level_after=2,
            handover_summary="Assessment attached & <summary>",
            family_consent=True,
        ),
    ).value
    desk.routing.record_informing(p, routing.id, routing.version, "family", "Mother", "phone")
    pro = desk.documents.issue_routing_notice(p, routing.id).value
    fam = desk.documents.issue_routing_notice(p, routing.id, "family").value
    pro_words, fam_words = pdf_text(pro.pdf), pdf_text(fam.pdf)
    assert reason in pro_words and "Assessment attached & <summary>" in pro_words
    assert "Step-down notification" in pro_words
    assert "Your family's support is changing" in fam_words and "Early Support" in fam_words
    assert "<police intel>" not in fam_words and "Level 2" not in fam_words
    assert "only given if you agree" in fam_words
    with pytest.raises(ValidationError):
        desk.documents.issue_routing_notice(p, routing.id, "press")


@pytest.mark.parametrize(
    "statement", ["UPDATE issued_documents SET sha256 = 'x'", "DELETE FROM document_outputs"]
)
def test_issued_hashes_and_outputs_cannot_be_rewritten(desk, actors, decided, statement):
    chair = actors["chair"]
    issued = desk.documents.issue_memo(chair, decided.decision.id).value
    desk.documents.record_output(chair, issued.id, "print", "PDF", issued.pdf)
    with pytest.raises((DatabaseError, InternalError)), desk.db.transaction() as s:
        s.execute(text(statement))


def test_amended_decision_memo_shows_its_history_and_red_between_meetings(desk, actors, decided):
    chair, manager = actors["chair"], actors["manager"]
    second = desk.decisions.amend(
        chair,
        decided.decision.id,
        decided.decision.version,
        details("strategy_discussion_s47"),
        "Police disclosure <after> the meeting",
    ).value
    memo_2 = desk.documents.memo_model(chair, second.id)
    assert [(a.revision, a.reason) for a in memo_2.amendments] == [
        (1, None),
        (2, "Police disclosure <after> the meeting"),
    ]
    assert memo_2.meta.reference == f"MASH/DM/{second.id}/2"
    assert "Between meetings" in memo_2.sign_off.where  # an amendment is made outside them
    # The first version's memo knows nothing of what came after it.
    assert [
        a.revision for a in desk.documents.memo_model(chair, decided.decision.id).amendments
    ] == [1]
    words = pdf_text(desk.documents.issue_memo(manager, second.id).value.pdf)
    assert "Police disclosure <after> the meeting" in words and "version 2" in words


def test_a_first_referral_memo_is_not_flagged_re_referral(desk, actors, decided, clock):
    chair, p = actors["chair"], actors["practitioner"]
    memo = desk.documents.memo_model(chair, decided.decision.id)
    assert "Re-referral" not in memo.child.flags
    # A later referral of the same child is a re-referral; the first memo still is not one.
    clock.advance(timedelta(days=60))
    again = desk.contacts.log(
        p, contact(ChildOnContact(person_id=decided.referral.person_id))
    ).value.children[0]
    desk.outcomes.record(
        p,
        again.id,
        again.version,
        OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails("N1")),
    )
    assert desk.case.view(p, decided.referral.person_id).has_flag("re_referral")
    assert "Re-referral" not in desk.documents.memo_model(chair, decided.decision.id).child.flags


def test_a_reprint_of_an_amended_version_says_which_version_superseded_it(
    desk, actors, decided, clock
):
    chair, manager = actors["chair"], actors["manager"]
    original = desk.documents.issue_memo(chair, decided.decision.id).value
    assert "SUPERSEDED" not in pdf_text(original.pdf)
    clock.advance(timedelta(hours=2))
    second = desk.decisions.amend(
        chair,
        decided.decision.id,
        decided.decision.version,
        details("strategy_discussion_s47"),
        "Police disclosure after the meeting",
    ).value
    copy = desk.documents.issue_memo(manager, decided.decision.id).value
    assert copy.is_copy
    words = pdf_text(copy.pdf)
    assert (
        f"SUPERSEDED: this decision has been replaced by version 2 (decision {second.id}, memo "
        f"MASH/DM/{second.id}/2), signed 17 Nov 2026 12:00 by Test Chair" in words
    )
    assert "Police disclosure after the meeting" in words
    # The copy still says what the original said: version 1's outcome and history.
    assert "Single assessment (s17)" in words
    # A preview of version 1 says so too; version 2's memo is the one in force.
    later = desk.documents.memo_model(chair, decided.decision.id).superseded_by
    assert (later.revision, later.decision_id, later.signed_by) == (2, second.id, "Test Chair")
    assert desk.documents.memo_model(chair, second.id).superseded_by is None


def test_a_memo_stored_before_supersession_was_recorded_still_reprints(desk, actors, decided):
    chair = actors["chair"]
    original = desk.documents.issue_memo(chair, decided.decision.id).value
    with desk.db.transaction() as s:
        row = s.get(IssuedDocument, original.id)
        payload = json.loads(row.model)
        del payload["model"]["superseded_by"]
        model = json.dumps(payload)
    # The kept models are immutable in the database (triggers): load the old shape directly.
    assert from_json(model).superseded_by is None


def test_memo_says_why_this_level_and_why_this_outcome_at_it(desk, actors, decided):
    """s17 at Level 2, overriding the suggested Level 3: both reasons print in the level section."""
    chair = actors["chair"]
    level_why = "Needs are additional <i>only</i> & the school meets them."
    outcome_why = "Mother asked for an assessment <b>herself</b> & consents to it."
    amended = desk.decisions.amend(
        chair,
        decided.decision.id,
        decided.decision.version,
        details(
            "single_assessment_s17",
            level=2,
            level_rationale=level_why,
            outcome_level_reason=outcome_why,
        ),
        "Level reviewed with the school",
    ).value
    memo = desk.documents.memo_model(chair, amended.id)
    assert (memo.threshold.level, memo.threshold.suggested_level) == (2, 3)
    assert memo.threshold.override and memo.threshold.level_rationale == level_why
    assert memo.threshold.outcome_level_reason == outcome_why
    words = pdf_text(desk.documents.issue_memo(chair, amended.id).value.pdf)
    level_section = words[words.index("5. Threshold level") : words.index("6. Decision")]
    assert f"Why this level {level_why}" in level_section
    assert f"Why this outcome at this level {outcome_why}" in level_section
    # A decision whose outcome fits its level prints no such heading.
    first = pdf_text(desk.documents.issue_memo(chair, decided.decision.id).value.pdf)
    assert "Why this outcome at this level" not in first
