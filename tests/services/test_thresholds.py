"""Threshold assessments through the services: stored with their version, audited, shown later."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from mash_desk.domain.errors import ConflictError, PermissionDenied, ValidationError
from mash_desk.domain.thresholds import ThresholdDocumentError
from mash_desk.services.inputs import ConsentInput, OutcomeInput, ReferralDetails
from mash_desk.storage.models import (
    AssessmentIndicator,
    AuditEntry,
    ThresholdAssessment,
    ThresholdDocumentRow,
)
from tests.support.helpers import log_one, row_counts
from tests.support.thresholds import SHIPPED, dump, tiny

SHIPPED_KEY = ("model-threshold", "2016")


def audit(desk, action):
    with desk.db.reading() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()
    return [json.loads(e.detail) for e in entries]


def test_screening_stores_document_indicators_suggestion_choice_who_and_when(desk, actors, clock):
    cc = log_one(desk, actors["practitioner"]).children[0]
    result = desk.screening.screen(
        actors["practitioner"],
        cc.id,
        cc.version,
        indicators=["l3-parent-substance-affecting-care", "l2-low-income"],
        document=SHIPPED_KEY,
        rag="amber",
        rag_reason="Needs assessment",
    )
    screened = result.value
    assert (
        screened.provisional_level,
        screened.threshold_document,
        screened.threshold_version,
    ) == (
        3,
        "model-threshold",
        "2016",
    )
    with desk.db.reading() as s:
        row = s.scalars(select(ThresholdAssessment)).one()
        ticked = set(s.scalars(select(AssessmentIndicator.indicator_id)))
        stored = s.scalars(select(ThresholdDocumentRow)).one()
    assert (row.kind, row.suggested_level, row.chosen_level, row.override) == (
        "screening",
        3,
        3,
        False,
    )
    assert (row.document_id, row.document_version) == SHIPPED_KEY
    assert row.assessed_by == actors["practitioner"].user_id
    assert row.assessed_at == clock.now()
    assert ticked == {"l3-parent-substance-affecting-care", "l2-low-income"}
    assert stored.content == SHIPPED.read_text(encoding="utf-8")
    [detail] = audit(desk, "contact.screened")
    assert detail["document"] == "model-threshold" and detail["document_version"] == "2016"
    # Stored in the document's own order, whatever order they were ticked in.
    assert detail["indicators"] == ["l2-low-income", "l3-parent-substance-affecting-care"]
    assert (detail["suggested_level"], detail["level"], detail["override"]) == (3, 3, False)


def test_override_is_stored_as_an_override_with_its_rationale(desk, actors):
    cc = log_one(desk, actors["practitioner"]).children[0]
    desk.screening.screen(
        actors["practitioner"],
        cc.id,
        cc.version,
        indicators=["l3-going-missing"],
        level=4,
        rationale="Police report she was found with an adult known for exploitation",
    )
    with desk.db.reading() as s:
        row = s.scalars(select(ThresholdAssessment)).one()
    assert (row.suggested_level, row.chosen_level, row.override) == (3, 4, True)
    assert row.rationale.startswith("Police report")
    [detail] = audit(desk, "contact.screened")
    assert detail["override"] is True and detail["pathways"] == ["return-home-interview"]


@pytest.mark.parametrize(
    "kwargs, field, rule",
    [
        ({"indicators": ["l3-going-missing"], "level": 2}, "rationale", "override_rationale"),
        ({"indicators": ["l9-nonsense"]}, "indicators", "unknown"),
        ({"indicators": []}, "level", "required"),
        ({"indicators": [], "level": 2}, "rationale", "required_without_indicators"),
        (
            {"indicators": ["l2-bullying"], "document": ("model-threshold", "2014")},
            "document",
            "not_current",
        ),
        ({"indicators": ["l2-bullying"], "rag": "purple", "rag_reason": "x"}, "rag", "choice"),
    ],
)
def test_bad_screening_names_field_and_rule_and_writes_nothing(desk, actors, kwargs, field, rule):
    cc = log_one(desk, actors["practitioner"]).children[0]
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.screening.screen(actors["practitioner"], cc.id, cc.version, **kwargs)
    assert rule in caught.value.rules
    assert caught.value.for_field(field)
    assert row_counts(desk) == before


def test_partner_cannot_screen_but_can_read_the_document(desk, actors):
    cc = log_one(desk, actors["practitioner"]).children[0]
    with pytest.raises(PermissionDenied):
        desk.screening.screen(actors["police"], cc.id, cc.version, indicators=["l2-bullying"])
    assert desk.thresholds.current(actors["police"]).key == SHIPPED_KEY


def test_pathways_and_consent_come_back_as_notices(desk, actors):
    contact = log_one(
        desk,
        actors["practitioner"],
        date_of_birth=None,
        expected_delivery=date(2027, 2, 20),
        consents=(ConsentInput("share_information", "not_sought", reason="Risk to mother"),),
    )
    cc = contact.children[0]
    notices = desk.screening.screen(
        actors["practitioner"], cc.id, cc.version, indicators=["l4-pregnant-domestic-abuse"]
    ).notices
    assert any("MARAC" in n for n in notices)
    assert any("pre-birth" in n.lower() and "09 January 2027" in n for n in notices)
    assert any("without consent" in n and "not sought" in n for n in notices)


def test_under_five_level_two_suggests_childrens_centre(desk, actors):
    cc = log_one(desk, actors["practitioner"], date_of_birth=date(2024, 2, 1)).children[0]
    suggestion = desk.thresholds.suggest(
        actors["practitioner"], ["l2-missed-health-checks"], person_id=cc.person.id
    )
    assert {r.route.id for r in suggestion.routes} == {"childrens-centre", "information-advice"}


def test_assessments_are_shown_against_the_version_they_used(desk, actors, clock):
    """A newer version changes an indicator's wording; the old screening keeps the old words."""
    cc = log_one(desk, actors["practitioner"]).children[0]
    desk.screening.screen(actors["practitioner"], cc.id, cc.version, indicators=["l2-bullying"])
    newer = SHIPPED.read_text(encoding="utf-8")
    newer = newer.replace('version: "2016"', 'version: "2026"').replace(
        "effective_from: 2016-04-01", "effective_from: 2026-11-18"
    )
    newer = newer.replace(
        "Being bullied, or bullying others, including online",
        "Bullying (reworded in 2026)",
    )
    installed = desk.thresholds.install(actors["admin"], newer.encode(), "council-2026.yaml")
    assert installed.value.key == ("model-threshold", "2026")
    # Not in force until tomorrow: today's screenings still use 2016.
    assert desk.thresholds.current(actors["practitioner"]).version == "2016"
    clock.advance(timedelta(hours=24))
    assert desk.thresholds.current(actors["practitioner"]).version == "2026"
    second = log_one(desk, actors["practitioner"], given="Bea").children[0]
    desk.screening.screen(
        actors["practitioner"], second.id, second.version, indicators=["l2-bullying"]
    )
    [old] = desk.thresholds.assessments(actors["practitioner"], cc.person.id)
    assert old.document == ("model-threshold", "2016")
    assert old.indicators[0].text == "Being bullied, or bullying others, including online"
    [new] = desk.thresholds.assessments(actors["practitioner"], second.person.id)
    assert new.document == ("model-threshold", "2026")
    assert new.indicators[0].text == "Bullying (reworded in 2026)"
    # The old version is still there to read in full.
    old_doc = desk.thresholds.document(actors["practitioner"], "model-threshold", "2016")
    assert old_doc.indicator("l2-bullying").text.startswith("Being bullied")
    [installed_entry] = audit(desk, "threshold_document.installed")
    assert installed_entry["version"] == "2026"


def test_screening_against_a_version_that_stopped_being_current_is_refused(desk, actors, clock):
    newer = SHIPPED.read_text(encoding="utf-8").replace('version: "2016"', 'version: "2026"')
    newer = newer.replace("effective_from: 2016-04-01", "effective_from: 2026-11-17")
    desk.thresholds.install(actors["admin"], newer.encode())
    cc = log_one(desk, actors["practitioner"]).children[0]
    with pytest.raises(ValidationError) as caught:
        desk.screening.screen(
            actors["practitioner"],
            cc.id,
            cc.version,
            indicators=["l2-bullying"],
            document=SHIPPED_KEY,
        )
    assert "model-threshold version 2026" in str(caught.value)


def test_install_refuses_changed_text_under_an_existing_version(desk, actors):
    changed = SHIPPED.read_text(encoding="utf-8").replace(
        "Being bullied, or bullying others", "Bullied"
    )
    with pytest.raises(ConflictError, match="new version"):
        desk.thresholds.install(actors["admin"], changed.encode())
    same = desk.thresholds.install(actors["admin"], SHIPPED.read_bytes())
    assert same.changed  # first stored copy of the shipped text
    again = desk.thresholds.install(actors["admin"], SHIPPED.read_bytes())
    assert not again.changed and "already installed" in again.notices[0]


def test_install_refuses_a_broken_file_and_writes_nothing(desk, actors):
    document = tiny()
    document["indicators"][0]["level"] = 9
    before = row_counts(desk)
    with pytest.raises(ThresholdDocumentError, match="unknown level 9"):
        desk.thresholds.install(actors["admin"], dump(document).encode())
    assert row_counts(desk) == before


def test_only_an_administrator_installs(desk, actors):
    with pytest.raises(PermissionDenied):
        desk.thresholds.install(actors["manager"], SHIPPED.read_bytes())


def test_manager_review_of_a_referral_level(desk, actors):
    cc = log_one(
        desk,
        actors["practitioner"],
        rag="amber",
        rag_reason="x",
        # Level 3: consent to an assessment is sought before the referral (issue 12).
        consents=(ConsentInput("assessment", "sought"),),
    ).children[0]
    screened = desk.screening.screen(
        actors["practitioner"], cc.id, cc.version, indicators=["l3-chronic-non-attendance"]
    ).value
    referral = desk.outcomes.record(
        actors["practitioner"],
        cc.id,
        screened.version,
        OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails("N1")),
    ).value.referral
    assert referral is not None
    with pytest.raises(PermissionDenied):
        desk.screening.review_referral_level(
            actors["practitioner"], referral.id, referral.version, indicators=["l2-bullying"]
        )
    level = desk.screening.review_referral_level(
        actors["manager"],
        referral.id,
        referral.version,
        indicators=["l3-chronic-non-attendance", "l4-severe-neglect"],
    ).value
    assert level == 4
    shown = desk.thresholds.assessments(actors["manager"], cc.person.id)
    assert [a.kind for a in shown] == ["referral", "screening"]
    assert shown[0].referral_id == referral.id and shown[0].assessed_by == "Test Manager"
    [detail] = audit(desk, "referral.level_reviewed")
    assert (detail["level_before"], detail["level"]) == (None, 4)


def test_rag_changed_while_screening_is_audited_with_its_reason(desk, actors):
    cc = log_one(desk, actors["practitioner"], rag="green", rag_reason="Low level").children[0]
    desk.screening.screen(
        actors["practitioner"],
        cc.id,
        cc.version,
        indicators=["l4-disclosure-physical-abuse"],
        rag="red",
        rag_reason="Disclosure at school today",
    )
    [changed] = audit(desk, "rag.changed")
    assert (changed["before"], changed["after"]) == ("green", "red")
    assert changed["reason"] == "Disclosure at school today"


def test_a_decided_referral_cannot_be_relevelled(desk, actors):
    from mash_desk.storage.models import Referral

    cc = log_one(desk, actors["practitioner"]).children[0]
    referral = desk.outcomes.record(
        actors["practitioner"],
        cc.id,
        cc.version,
        OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails("N1")),
    ).value.referral
    with desk.db.transaction() as s:
        s.get(Referral, referral.id).status = "decided"
    with pytest.raises(ValidationError) as caught:
        desk.screening.review_referral_level(
            actors["manager"], referral.id, referral.version + 1, indicators=["l2-bullying"]
        )
    assert caught.value.rules == {"awaiting_decision"}


def test_asking_about_a_named_child_needs_case_access(desk, actors):
    from mash_desk.domain.errors import NotFound

    cc = log_one(desk, actors["practitioner"], date_of_birth=date(2024, 2, 1)).children[0]
    # A partner may read the document, but not learn a child's age band through the routes.
    assert desk.thresholds.suggest(actors["police"], ["l2-bullying"]).level.number == 2
    with pytest.raises(PermissionDenied):
        desk.thresholds.suggest(actors["police"], ["l2-bullying"], person_id=cc.person.id)
    with pytest.raises(NotFound):
        desk.thresholds.suggest(actors["practitioner"], ["l2-bullying"], person_id=999_999)
