"""Referrer feedback: telling whoever referred the child what was decided.

Every signed decision version creates one feedback record, due by the meeting policy's clock
(1 working day, see :mod:`mash_desk.services.decision_signing`); this records when and how
the referrer was told and lists what is overdue. :class:`~mash_desk.services.decisions.
DecisionService` inherits these, so the desk's ``decisions`` service answers them as before.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, select

from mash_desk.domain.changes import Topic, change_keys
from mash_desk.domain.errors import FieldError, ValidationError
from mash_desk.domain.meetings import FeedbackMethod
from mash_desk.domain.permissions import Permission
from mash_desk.services.context import Service, Unit
from mash_desk.services.decision_records import FeedbackDTO
from mash_desk.services.dto import Actor, OpResult
from mash_desk.storage.models import Referral, ReferrerFeedback


class ReferrerFeedbackService(Service):
    """The referrer's feedback records: read, marked sent, overdue."""

    def feedback(self, actor: Actor, referral_id: int) -> tuple[FeedbackDTO, ...]:
        """The referrer-feedback records of a referral, one per signed decision version."""
        with self.reading(actor, Permission.VIEW_DECISIONS) as unit:
            return _feedback(unit, ReferrerFeedback.referral_id == referral_id)

    def mark_feedback_sent(
        self,
        actor: Actor,
        feedback_id: int,
        expected_version: int,
        method: str,
        sent_at: datetime | None = None,
    ) -> OpResult[FeedbackDTO]:
        """Record when and how the referrer was told (``sent_at`` defaults to now)."""
        errors: list[FieldError] = []
        try:
            how = FeedbackMethod(method)
        except ValueError:
            choices = ", ".join(m.value for m in FeedbackMethod)
            errors.append(FieldError("method", "choice", f"Say how it was sent: {choices}"))
        if sent_at is not None and (sent_at.tzinfo is None or sent_at.utcoffset() is None):
            errors.append(FieldError("sent_at", "aware", "The time sent needs its time zone"))
            sent_at = None
        with self.writing(actor, Permission.SEND_FEEDBACK) as unit:
            row = unit.load(
                ReferrerFeedback,
                feedback_id,
                what="referrer feedback",
                expected_version=expected_version,
            )
            when = sent_at or unit.now
            if row.sent_at is not None:
                errors.append(FieldError("sent_at", "once", "This feedback was already sent"))
            if when > unit.now:
                errors.append(FieldError("sent_at", "not_future", "It cannot be sent in future"))
            if errors:
                raise ValidationError(errors)
            row.sent_at = when
            row.sent_by = unit.user_id
            row.method = how.value
            unit.session.flush()
            person_id = unit.session.scalar(
                select(Referral.person_id).where(Referral.id == row.referral_id)
            )
            unit.audit(
                "referrer_feedback.sent",
                "referrer_feedback",
                row.id,
                person_id=person_id,
                method=how.value,
                sent_at=when,
                late=when > row.due_at,
            )
            return OpResult(
                _feedback(unit, ReferrerFeedback.id == row.id)[0], change_keys(Topic.FEEDBACK)
            )

    def overdue_feedback(self, actor: Actor) -> tuple[FeedbackDTO, ...]:
        """Referrer feedback not sent by its due time, most overdue first (for managers)."""
        with self.reading(actor, Permission.VIEW_OVERDUE_FEEDBACK) as unit:
            return _feedback(
                unit, ReferrerFeedback.sent_at.is_(None) & (ReferrerFeedback.due_at < unit.now)
            )


def _feedback(unit: Unit, condition: ColumnElement[bool]) -> tuple[FeedbackDTO, ...]:
    rows = unit.session.execute(
        select(ReferrerFeedback, Referral.person_id)
        .join(Referral, Referral.id == ReferrerFeedback.referral_id)
        .where(condition)
        .order_by(ReferrerFeedback.due_at, ReferrerFeedback.id)
    ).all()
    return tuple(
        FeedbackDTO(
            id=f.id,
            decision_id=f.decision_id,
            referral_id=f.referral_id,
            person_id=person_id,
            due_at=f.due_at,
            sent_at=f.sent_at,
            method=FeedbackMethod(f.method) if f.method else None,
            overdue=f.sent_at is None and f.due_at < unit.now,
            version=f.version,
        )
        for f, person_id in rows
    )
