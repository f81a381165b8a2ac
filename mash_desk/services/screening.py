"""Screening: RAG rating with its history, and the threshold level from the document."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from mash_desk.domain.changes import Kind, Topic, change_keys, record_key
from mash_desk.domain.enums import Rag, WorkStatus
from mash_desk.domain.errors import FieldError, ValidationError
from mash_desk.domain.outcome_rules import check_level_four_rag
from mash_desk.domain.permissions import Permission
from mash_desk.domain.text import clean_narrative
from mash_desk.domain.thresholds import (
    DocumentKey,
    LevelChoice,
    Suggestion,
    ThresholdDocument,
    choose_level,
    consent_notice,
    suggest,
)
from mash_desk.services.contacts import check_rag
from mash_desk.services.context import Service, Unit
from mash_desk.services.dto import Actor, ContactChildDTO, OpResult
from mash_desk.services.mapping import contact_child_dto
from mash_desk.services.thresholds import (
    assessment_detail,
    child_facts,
    document_in_force,
    record_assessment,
)
from mash_desk.storage.models import (
    Consent,
    Contact,
    ContactChild,
    RagRating,
    Referral,
    ThresholdAssessment,
)


def _store_screening(
    unit: Unit,
    cc: ContactChild,
    used: ThresholdDocument,
    suggestion: Suggestion,
    choice: LevelChoice,
) -> ThresholdAssessment:
    """Keep the level chosen on the child, with who screened and when; store the assessment."""
    cc.provisional_level = choice.level
    cc.level_rationale = choice.rationale
    cc.threshold_document = used.id
    cc.threshold_version = used.version
    cc.screened_by = unit.user_id
    cc.screened_at = unit.now
    return record_assessment(
        unit,
        used,
        suggestion,
        choice,
        kind="screening",
        person_id=cc.person_id,
        contact_child_id=cc.id,
    )


class ScreeningService(Service):
    """Rate urgency and apply the threshold document to a child on a contact or referral."""

    def _open_child(self, unit: Unit, contact_child_id: int, expected_version: int) -> ContactChild:
        return unit.load(
            ContactChild,
            contact_child_id,
            what="contact",
            expected_version=expected_version,
            missing=f"No child-on-contact record {contact_child_id}",
        )

    def _rate(self, unit: Unit, cc: ContactChild, rag_value: str, reason: str) -> None:
        contact = unit.session.get(Contact, cc.contact_id)
        assert contact is not None
        cc.rag = rag_value
        # The decision clock runs from receipt, not from the re-rating: raising a contact to
        # red makes it due four hours after it arrived, however long it sat as green.
        cc.due_at = self.ctx.deadlines.decision_due(Rag(rag_value), contact.received_at)
        unit.session.add(
            RagRating(
                contact_child_id=cc.id,
                value=rag_value,
                reason=reason,
                rated_by=unit.user_id,
                rated_at=unit.now,
            )
        )
        referral = unit.session.scalar(select(Referral).where(Referral.contact_child_id == cc.id))
        if referral is not None:
            referral.rag = rag_value

    def change_rag(
        self,
        actor: Actor,
        contact_child_id: int,
        expected_version: int,
        rag: str,
        reason: str | None,
    ) -> OpResult[ContactChildDTO]:
        """Raise or lower a child's RAG rating; the reason is required and kept."""
        value, text, errors = check_rag(rag, reason, "rag")
        if not errors and value is None:
            errors = [FieldError("rag", "required", "Choose red, amber or green")]
        if errors:
            raise ValidationError(errors)
        assert value is not None and text is not None
        with self.writing(actor, Permission.SCREEN) as unit:
            cc = self._open_child(unit, contact_child_id, expected_version)
            before = cc.rag
            self._rate(unit, cc, value.value, text)
            unit.session.flush()
            unit.audit(
                "rag.changed",
                "contact_child",
                cc.id,
                person_id=cc.person_id,
                before=before,
                after=value.value,
                reason=text,
            )
            return OpResult(
                contact_child_dto(unit.session, cc),
                change_keys(
                    Topic.QUEUE,
                    record_key(Kind.CONTACT, cc.contact_id),
                    record_key(Kind.PERSON, cc.person_id),
                ),
            )

    def screen(
        self,
        actor: Actor,
        contact_child_id: int,
        expected_version: int,
        *,
        indicators: Sequence[str] = (),
        level: int | None = None,
        rationale: str | None = None,
        document: DocumentKey | tuple[str, str] | None = None,
        rag: str | None = None,
        rag_reason: str | None = None,
        not_red_reason: str | None = None,
    ) -> OpResult[ContactChildDTO]:
        """Apply the threshold document in force to a child on a contact, and rate urgency.

        ``indicators`` are the ids ticked; the suggested level is the highest ticked.
        ``level`` None confirms the suggestion; a different level is an override and needs
        ``rationale``. ``document`` is the version the practitioner was shown; if given it
        must still be the one in force. The assessment, the document version, the ticked
        indicators and who/when are stored; the audit row repeats them. A Level 4 (suggested
        or chosen) on an amber or green child needs ``rag="red"`` or ``not_red_reason``.
        """
        rag_value, rag_text, rag_errors = check_rag(rag, rag_reason, "rag")
        not_red, problem = clean_narrative(
            not_red_reason, "not_red_reason", "Reason the child is not rated red"
        )
        rag_errors += [problem] if problem else []
        with self.writing(actor, Permission.SCREEN) as unit:
            library = self.ctx.thresholds.library(unit.conn)
            used = document_in_force(library, unit.today, document)
            cc = self._open_child(unit, contact_child_id, expected_version)
            if cc.status != WorkStatus.OPEN.value:
                raise ValidationError(
                    FieldError(
                        "status",
                        "open",
                        "This contact is already closed; screening cannot change it",
                    )
                )
            suggestion, choice = _apply(used, indicators, level, rationale, rag_errors, unit, cc)
            after = rag_value.value if rag_value is not None else cc.rag
            disagree = check_level_four_rag(choice.suggested, choice.level, after, not_red)
            if disagree is not None:
                raise ValidationError(disagree)
            # Kept only while the disagreement stands: re-rated red, there is nothing to explain.
            not_red = not_red if after in ("amber", "green") else None
            if rag_value is not None and rag_value.value != cc.rag:
                assert rag_text is not None
                self._rerate(unit, cc, rag_value.value, rag_text)
            assessment = _store_screening(unit, cc, used, suggestion, choice)
            assessment.not_red_reason = not_red
            unit.session.flush()
            unit.audit(
                "contact.screened",
                "contact_child",
                cc.id,
                person_id=cc.person_id,
                rag=cc.rag,
                not_red_reason=not_red,
                **assessment_detail(assessment, used, suggestion, choice),
            )
            notices = _notices(unit, suggestion, used, choice.level, cc.person_id, cc.contact_id)
            return OpResult(
                contact_child_dto(unit.session, cc),
                change_keys(
                    Topic.QUEUE,
                    record_key(Kind.CONTACT, cc.contact_id),
                    record_key(Kind.PERSON, cc.person_id),
                ),
                notices,
            )

    def _rerate(self, unit: Unit, cc: ContactChild, value: str, reason: str) -> None:
        """Re-rate the child as screening found, with the rating's own audit row."""
        before = cc.rag
        self._rate(unit, cc, value, reason)
        unit.audit(
            "rag.changed",
            "contact_child",
            cc.id,
            person_id=cc.person_id,
            before=before,
            after=value,
            reason=reason,
        )

    def review_referral_level(
        self,
        actor: Actor,
        referral_id: int,
        expected_version: int,
        *,
        indicators: Sequence[str] = (),
        level: int | None = None,
        rationale: str | None = None,
        document: DocumentKey | tuple[str, str] | None = None,
    ) -> OpResult[int]:
        """A manager's same-day review of a referral's threshold level (000 L473).

        Works like screening: ticked indicators, the suggestion confirmed or overridden with a
        rationale, the document version stored. Returns the referral's level.
        """
        with self.writing(actor, Permission.AUTHORISE) as unit:
            library = self.ctx.thresholds.library(unit.conn)
            used = document_in_force(library, unit.today, document)
            referral = unit.load(
                Referral,
                referral_id,
                what="referral",
                expected_version=expected_version,
                status=WorkStatus.AWAITING_DECISION.value,
                wrong_status=FieldError(
                    "status",
                    "awaiting_decision",
                    "This referral has been decided; its level can no longer be reviewed "
                    "(amend the decision instead)",
                ),
            )
            cc = unit.session.get(ContactChild, referral.contact_child_id)
            assert cc is not None
            suggestion, choice = _apply(used, indicators, level, rationale, [], unit, cc)
            before = referral.level
            referral.level = choice.level
            assessment = record_assessment(
                unit,
                used,
                suggestion,
                choice,
                kind="referral",
                person_id=referral.person_id,
                contact_child_id=referral.contact_child_id,
                referral_id=referral.id,
            )
            unit.session.flush()
            unit.audit(
                "referral.level_reviewed",
                "referral",
                referral.id,
                person_id=referral.person_id,
                level_before=before,
                **assessment_detail(assessment, used, suggestion, choice),
            )
            notices = _notices(
                unit, suggestion, used, choice.level, referral.person_id, cc.contact_id
            )
            return OpResult(
                choice.level,
                change_keys(
                    Topic.QUEUE,
                    record_key(Kind.REFERRAL, referral.id),
                    record_key(Kind.PERSON, referral.person_id),
                ),
                notices,
            )


def _apply(
    document: ThresholdDocument,
    indicators: Sequence[str],
    level: int | None,
    rationale: str | None,
    earlier: list[FieldError],
    unit: Unit,
    cc: ContactChild,
) -> tuple[Suggestion, LevelChoice]:
    """Run the engine for this child; report its problems together with ``earlier`` ones."""
    errors = list(earlier)
    suggestion: Suggestion | None = None
    choice: LevelChoice | None = None
    try:
        suggestion = suggest(document, indicators, child_facts(unit, cc.person_id))
        choice = choose_level(document, suggestion, level, rationale)
    except ValidationError as exc:
        errors += exc.errors
    if errors:
        raise ValidationError(errors)
    assert suggestion is not None and choice is not None
    return suggestion, choice


def _notices(
    unit: Unit,
    suggestion: Suggestion,
    document: ThresholdDocument,
    level: int,
    person_id: int,
    contact_id: int,
) -> tuple[str, ...]:
    """What the practitioner should act on next: pathways raised and consent to seek."""
    notices: list[str] = []
    for raised in suggestion.pathways:
        text = f"Pathway: {raised.pathway.name}"
        if raised.pathway.timescale:
            text += f" — {raised.pathway.timescale}"
        if raised.due_on is not None:
            text += f" (by {raised.due_on:%d %B %Y})"
        notices.append(text)
    recorded = dict(
        unit.conn.execute(
            select(Consent.purpose, Consent.state)
            .where(Consent.person_id == person_id, Consent.contact_id == contact_id)
            .order_by(Consent.recorded_at, Consent.id)
        ).all()
    )
    consent = consent_notice(document.level(level), recorded)
    if consent is not None:
        notices.append(consent)
    return tuple(notices)
