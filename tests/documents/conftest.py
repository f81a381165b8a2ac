"""A decided referral with every section of a memo filled, set up through the services."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader

from mash_desk.services.checks import CheckRequestInput
from mash_desk.services.decisions import ActionInput, DecisionInput
from mash_desk.services.inputs import ConsentInput, OutcomeInput, ReferralDetails
from tests.services.test_meetings import quorate
from tests.support.helpers import child, contact

# User text that is markup to ReportLab: each must print literally (platform notes).
INJECTIONS = ("<Tony>", "&", "<b>", "<img src='/etc/passwd'>", "<i>unclosed")
GIVEN = "Zoë <Tony>"
FAMILY = "Wójcik & <b>Şahin"
CONCERNS = "Seen at <img src='/etc/passwd'> school; mum said <i>unclosed & upset."
RATIONALE = "Needs not met <b>without an assessment & the school's support."
FINDING = "Call-out to <Tony>'s address & a <b>warning marker."


def pdf_text(data: bytes) -> str:
    """Every page's text, extracted with pypdf, whitespace collapsed to single spaces."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def pdf_fonts(data: bytes) -> set[str]:
    """The base font names used on every page (what ``pdffonts`` lists)."""
    reader = PdfReader(io.BytesIO(data))
    found = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            found.add(str(ref.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    return found


def make_referral(desk, actor, given=GIVEN, family=FAMILY, concerns=CONCERNS, **kw):
    """Log a contact about one child (with consent and risk flags) and progress it."""
    consents = kw.pop(
        "consents",
        (ConsentInput("share_information", "given"),),
    )
    logged = desk.contacts.log(
        actor,
        contact(
            child(
                given,
                family,
                rag=kw.pop("rag", "amber"),
                rag_reason="School reports <hunger> & tiredness",
                consents=consents,
                **kw,
            ),
            concerns=concerns,
            referrer_name="Jo Teacher",
            referrer_role="Class teacher",
            referrer_agency="Eastmoor Primary",
            risk_indicators=("neglect",),
        ),
    ).value
    cc = logged.children[0]
    return desk.outcomes.record(
        actor,
        cc.id,
        cc.version,
        OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails("N1")),
    ).value.referral


@dataclass
class Decided:
    """A signed decision at today's meeting, dissented from by police, feedback sent."""

    meeting_id: int
    referral: Any
    decision: Any
    escalation: Any


@pytest.fixture
def decided(desk, actors) -> Decided:
    return make_decided(desk, actors)


def make_decided(desk, actors) -> Decided:
    """Referral, agency checks, quorate meeting, signed decision, police dissent, feedback."""
    p, chair, police = actors["practitioner"], actors["chair"], actors["police"]
    referral = make_referral(desk, p, address="1 Elm Row", postcode="HA1 1AA")
    to_police, to_health = desk.checks.request(
        p,
        referral.id,
        [
            CheckRequestInput("police", "Any call-outs to <the> address?"),
            CheckRequestInput("health", "Registered with a GP?"),
        ],
    ).value
    opened = desk.checks.open_request(police, to_police.id)
    desk.checks.return_findings(police, to_police.id, opened.version, finding=FINDING)
    meeting = desk.meetings.create_today(chair).value
    quorate(desk, chair, meeting.id)
    draft = desk.decisions.draft(
        p,
        referral.id,
        DecisionInput(
            outcome="single_assessment_s17",
            rationale=RATIONALE,
            indicators=("l3-pregnant-young-person",),
            allocated_team="First Response <Team>",
            pathways=("health_notification",),
            actions=(
                ActionInput("Check <home> visit & report", date(2026, 11, 18), "police"),
                ActionInput("Book assessment", date(2026, 11, 20), owner_user_id=p.user_id),
            ),
            inform_family="Mother told by phone <by SW>",
            inform_referrer="School DSL told",
        ),
        meeting.id,
    ).value
    decision = desk.decisions.sign(chair, draft.id, draft.version).value
    escalation = desk.decisions.record_dissent(
        police, decision.id, "police", "Threshold for s47 is met <police view>"
    ).value
    [feedback] = desk.decisions.feedback(chair, referral.id)
    desk.decisions.mark_feedback_sent(chair, feedback.id, feedback.version, "phone")
    return Decided(meeting.id, referral, decision, escalation)
