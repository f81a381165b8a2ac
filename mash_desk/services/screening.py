"""Screening: RAG rating with its history, and the provisional threshold level."""

from __future__ import annotations

from sqlalchemy import select

from mash_desk.domain.enums import Rag, WorkStatus
from mash_desk.domain.errors import FieldError, NotFound, ValidationError
from mash_desk.domain.permissions import Permission
from mash_desk.domain.text import clean_narrative, clean_short
from mash_desk.services.contacts import check_rag
from mash_desk.services.context import Service, Unit, check_version
from mash_desk.services.dto import Actor, ContactChildDTO, OpResult
from mash_desk.services.mapping import contact_child_dto
from mash_desk.storage.models import Contact, ContactChild, RagRating, Referral

LEVELS = (1, 2, 3, 4)


class ScreeningService(Service):
    """Rate urgency and record the provisional threshold level of a child on a contact."""

    def _open_child(self, unit: Unit, contact_child_id: int, expected_version: int) -> ContactChild:
        cc = unit.session.get(ContactChild, contact_child_id)
        if cc is None:
            raise NotFound(f"No child-on-contact record {contact_child_id}")
        check_version(cc, expected_version, "contact")
        return cc

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
                frozenset({"queue", f"contact:{cc.contact_id}", f"person:{cc.person_id}"}),
            )

    def screen(
        self,
        actor: Actor,
        contact_child_id: int,
        expected_version: int,
        *,
        level: int,
        rationale: str,
        document_id: str,
        document_version: str,
        rag: str | None = None,
        rag_reason: str | None = None,
    ) -> OpResult[ContactChildDTO]:
        """Record the provisional threshold level (with the document version used) and RAG.

        The engine that suggests levels from ticked indicators arrives with the threshold
        issue; this records the practitioner's conclusion and where it came from.
        """
        errors: list[FieldError] = []
        if level not in LEVELS:
            errors.append(
                FieldError(
                    "level", "choice", f"Threshold level must be 1, 2, 3 or 4 (got {level!r})"
                )
            )
        text, problem = clean_narrative(
            rationale, "rationale", "Rationale for the level", required=True
        )
        errors += [problem] if problem else []
        doc, problem = clean_short(document_id, "document_id", "Threshold document", required=True)
        errors += [problem] if problem else []
        version, problem = clean_short(
            document_version, "document_version", "Threshold document version", required=True
        )
        errors += [problem] if problem else []
        rag_value, rag_text, rag_errors = check_rag(rag, rag_reason, "rag")
        errors += rag_errors
        if errors:
            raise ValidationError(errors)
        with self.writing(actor, Permission.SCREEN) as unit:
            cc = self._open_child(unit, contact_child_id, expected_version)
            if cc.status != WorkStatus.OPEN.value:
                raise ValidationError(
                    FieldError(
                        "status",
                        "open",
                        "This contact is already closed; screening cannot change it",
                    )
                )
            if rag_value is not None and rag_value.value != cc.rag:
                assert rag_text is not None
                self._rate(unit, cc, rag_value.value, rag_text)
            cc.provisional_level = level
            cc.level_rationale = text
            cc.threshold_document = doc
            cc.threshold_version = version
            cc.screened_by = unit.user_id
            cc.screened_at = unit.now
            unit.session.flush()
            unit.audit(
                "contact.screened",
                "contact_child",
                cc.id,
                person_id=cc.person_id,
                level=level,
                document=doc,
                document_version=version,
                rag=cc.rag,
            )
            return OpResult(
                contact_child_dto(unit.session, cc),
                frozenset({"queue", f"contact:{cc.contact_id}", f"person:{cc.person_id}"}),
            )
