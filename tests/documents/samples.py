"""Complete document models built by hand, for renderer tests (no database needed)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from mash_desk.documents.letterhead import load_letterhead
from mash_desk.documents.models import (
    ActionEntry,
    AgencyReturn,
    AmendmentEntry,
    Attendee,
    ChildDetails,
    ConsentEntry,
    ContactSummary,
    DecisionMemo,
    DocumentMeta,
    EscalationEntry,
    Field,
    HouseholdMember,
    InformedEntry,
    MeetingMinutes,
    MinuteCase,
    Paragraphs,
    RagEntry,
    ReferralSummary,
    ReferrerLetter,
    RoutingNotice,
    SharingEntry,
    SignOff,
    ThresholdIndicator,
    ThresholdSummary,
)
from mash_desk.documents.wording import family_routing_sections, referrer_sections
from mash_desk.domain.meetings import DecisionOutcome

AT = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)
OUTCOME_LEVEL_REASON = "Family moving to <b>Leeds</b> & the receiving council is told."


def meta(kind: str, title: str, reference: str = "MASH/DM/12/1") -> DocumentMeta:
    return DocumentMeta(
        kind=kind,
        title=title,
        reference=reference,
        generated_at=AT,
        prepared_for="MASH case file",
        letterhead=load_letterhead(),
    )


def memo(
    name: str = "Amira HASSAN", text: str = "Arrived hungry three days this week."
) -> DecisionMemo:
    """A memo with every section filled; ``name`` and ``text`` go into every user field."""
    return DecisionMemo(
        meta=meta("decision_memo", "MASH decision memo"),
        decision_id=12,
        referral_id=7,
        revision=2,
        status="signed",
        child=ChildDetails(
            name=name,
            date_of_birth=date(2019, 6, 1),
            expected_delivery=None,
            age_text="7 years",
            sex="female",
            identifiers=(Field("NHS number", "943 476 5919"), Field("Local id", text[:20])),
            address=f"1 Elm Row {text[:40]}",
            postcode="ZZ1 1ZZ",
            flags=("Re-referral", text[:60]),
        ),
        household=(
            HouseholdMember(f"Mother of {name}", "Parent", "34 years", True),
            HouseholdMember(name, text[:80], "3 years", False),
        ),
        contact=ContactSummary(
            contact_id=5,
            received_at=AT,
            channel="Phone",
            referrer=f"{name}, class teacher",
            source="Schools",
            concerns=text,
            risk_indicators=("Neglect", text[:40]),
        ),
        referral=ReferralSummary(7, AT, "N1 Abuse or neglect", AT, "amber"),
        agency_scope="All agency information (MASH case file).",
        agency_returns=(
            AgencyReturn("Police", f"Any call-outs about {name}?", "returned", text, AT, AT),
            AgencyReturn("Health", text, "requested", "", AT, None),
        ),
        rag_history=(RagEntry(AT, "amber", text, name), RagEntry(AT, "red", "Escalated", "Jo")),
        threshold=ThresholdSummary(
            level=3,
            level_label="Level 3: Complex needs",
            document_title="Model threshold guidance",
            document_id="model-threshold",
            document_version="2016",
            suggested_level=3,
            override=False,
            level_rationale=text,
            indicators=(ThresholdIndicator(3, "Parenting capacity", "Pregnant young person"),),
            consent_rule="Consent is sought for a single assessment.",
            pathways_raised=("Health notification",),
            outcome_level_reason=OUTCOME_LEVEL_REASON,
        ),
        outcome="Single assessment (s17)",
        rationale=text,
        pathways=("MARAC referral",),
        allocated_team=text[:80] or "First Response Team",
        allocated_worker=name,
        s47_started_on=None,
        consents=(ConsentEntry("Share information", "given", text, name, AT),),
        sharing=(SharingEntry("Police", AT, text, name),),
        actions=(
            ActionEntry(text or "Visit", "Police", date(2026, 11, 18), "open"),
            ActionEntry("Book a CP medical", name, date(2026, 11, 19), "done"),
        ),
        informed=(
            InformedEntry("Referrer", name, "phone", AT),
            InformedEntry("Family", text, "", None),
        ),
        escalations=(
            EscalationEntry(
                "Police", text, AT, 1, "Practitioner to practitioner", "open", AT, None
            ),
        ),
        sign_off=SignOff(name, AT, name, AT, f"Daily MASH meeting, 17 Nov 2026, chair {name}"),
        amendments=(
            AmendmentEntry(1, 11, "signed", AT, name, "No further action", 2, None),
            AmendmentEntry(2, 12, "signed", AT, name, "Single assessment (s17)", 3, text),
        ),
    )


def letter(name: str = "Amira HASSAN", text: str = "Jo Teacher") -> ReferrerLetter:
    return ReferrerLetter(
        meta=meta("referrer_letter", "Referral outcome", "MASH/RL/12/1"),
        decision_id=12,
        revision=1,
        to_name=text or "Jo Teacher",
        to_role="Class teacher",
        to_agency="Eastmoor Primary School",
        child_name=name,
        child_born="born 01 Jun 2019",
        contact_received_at=AT,
        decided_on=date(2026, 11, 17),
        outcome="Single assessment (s17)",
        sections=referrer_sections(
            DecisionOutcome.SINGLE_ASSESSMENT,
            "Single assessment (s17)",
            "17 Nov 2026",
            "17 Nov 2026",
            text,
        ),
        signed_by=name,
        signed_role="Daily meeting chair",
    )


def notice(
    audience: str = "professional", name: str = "Amira HASSAN", text: str = "Needs fell"
) -> RoutingNotice:
    family = audience == "family"
    return RoutingNotice(
        meta=meta("routing_notice", "Step-down notification", f"MASH/RN/4/{audience[0].upper()}"),
        routing_id=4,
        audience=audience,
        kind_label="Step down",
        child_name=name,
        child_born="born 01 Jun 2019",
        from_service="Children's social care (MASH)",
        to_service="Early Support (early help)",
        to_team=text[:80] or None,
        level_before=3,
        level_after=2,
        reason=None if family else text,
        handover_summary=None if family else text,
        family_consent="Given",
        childrens_centre_offer=True,
        informed=(InformedEntry("Family", text, "phone", AT),),
        sections=family_routing_sections("step_down", name, "Early Support", True, True)
        if family
        else (Paragraphs("Next", (text,)),),
    )


def minutes(name: str = "Amira HASSAN", text: str = "Needs not met") -> MeetingMinutes:
    return MeetingMinutes(
        meta=meta("meeting_minutes", "Meeting minutes", "MASH/MM/20261117"),
        meeting_id=3,
        meeting_date=date(2026, 11, 17),
        chair=name,
        attendance=(
            Attendee("Police", name, True),
            Attendee("Health", text[:120] or "Dr X", False),
        ),
        quorate=False,
        quorum_missing=("health",),
        quorum_reason=text,
        cases=(
            MinuteCase(
                1,
                name,
                7,
                "amber",
                "signed",
                12,
                1,
                "Single assessment (s17)",
                "Level 3: Complex needs",
                text,
                ("MARAC referral",),
                (ActionEntry(text or "Visit", "Police", date(2026, 11, 18), "open"),),
                None,
                (f"Police: {text}",),
            ),
            MinuteCase(
                2,
                f"Ben {name}",
                8,
                None,
                "deferred",
                None,
                None,
                None,
                None,
                None,
                (),
                (),
                text,
                (),
            ),
        ),
        signed_off_by=name,
        signed_off_at=AT,
    )
