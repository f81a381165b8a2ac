"""Strategy discussions of s47 decisions: who took part, the s47 decision, the ICPC target.

Recorded by a manager or chair against the signed "strategy discussion and s47 enquiry"
decision of a referral (one discussion per decision version). Social care, police and health
must take part (domain brief §5). A decision to proceed stores the s47 start date and the
initial child protection conference target — 15 working days after the discussion with the
default policy — which the national returns read. Audited in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from mash_desk.domain.errors import FieldError, NotFound, ValidationError
from mash_desk.domain.meetings import DecisionOutcome, DecisionStatus
from mash_desk.domain.permissions import Permission
from mash_desk.domain.routing import S47Decision, strategy_attendance_missing
from mash_desk.domain.text import clean_narrative, clean_short
from mash_desk.services.context import Service, Unit
from mash_desk.services.dto import Actor, OpResult
from mash_desk.storage.models import (
    Agency,
    Decision,
    Referral,
    StrategyAttendee,
    StrategyDiscussion,
)


@dataclass(frozen=True)
class StrategyInput:
    """A strategy discussion as minuted (unvalidated)."""

    held_at: datetime | None
    attendees: tuple[tuple[str, str], ...]
    """(agency code, name) of each participant."""
    s47_decision: str
    rationale: str | None


@dataclass(frozen=True)
class StrategyDTO:
    """A strategy discussion as stored."""

    id: int
    referral_id: int
    decision_id: int
    person_id: int
    held_at: datetime
    attendees: tuple[tuple[str, str], ...]
    s47_decision: S47Decision
    rationale: str
    s47_started_on: date | None
    icpc_due_at: datetime | None


class StrategyService(Service):
    """Record and read strategy discussions."""

    def record(
        self, actor: Actor, decision_id: int, discussion: StrategyInput
    ) -> OpResult[StrategyDTO]:
        """Record the strategy discussion of a signed s47 decision; every rule in one pass."""
        with self.writing(actor, Permission.RECORD_STRATEGY) as unit:
            decision = unit.session.get(Decision, decision_id)
            if decision is None:
                raise NotFound(f"No decision {decision_id}")
            errors: list[FieldError] = []
            if (
                decision.status != DecisionStatus.SIGNED.value
                or decision.outcome != DecisionOutcome.S47.value
            ):
                errors.append(
                    FieldError(
                        "decision",
                        "signed_s47",
                        "A strategy discussion follows a signed decision of strategy "
                        "discussion and s47 enquiry",
                    )
                )
            if unit.session.scalar(
                select(StrategyDiscussion.id).where(StrategyDiscussion.decision_id == decision.id)
            ):
                errors.append(
                    FieldError(
                        "decision", "one_discussion", "This decision's discussion is recorded"
                    )
                )
            held = discussion.held_at
            if held is None:
                errors.append(FieldError("held_at", "required", "Give when it was held"))
            elif held.tzinfo is None:
                errors.append(FieldError("held_at", "aware", "Give the time with its zone"))
            elif held > unit.now:
                errors.append(FieldError("held_at", "not_future", "That time is in the future"))
            s47: S47Decision | None = None
            try:
                s47 = S47Decision(discussion.s47_decision)
            except ValueError:
                errors.append(
                    FieldError(
                        "s47_decision",
                        "choice",
                        f"Unknown s47 decision {discussion.s47_decision!r}",
                    )
                )
            rationale, problem = clean_narrative(
                discussion.rationale, "rationale", "Rationale", required=True
            )
            errors += [problem] if problem else []
            agencies = dict(
                unit.session.execute(select(Agency.code, Agency.id).where(Agency.active)).all()
            )
            attendees = []
            for i, (code, name) in enumerate(discussion.attendees):
                text, problem = clean_short(
                    name, f"attendees[{i}].name", "Attendee's name", required=True
                )
                errors += [problem] if problem else []
                if code not in agencies:
                    errors.append(
                        FieldError(f"attendees[{i}].agency", "exists", f"Unknown agency {code!r}")
                    )
                attendees.append((code, text or ""))
            problem = strategy_attendance_missing({code for code, _ in attendees})
            errors += [problem] if problem else []
            if errors:
                raise ValidationError(errors)
            assert held is not None and s47 is not None and rationale is not None
            proceed = s47 is S47Decision.PROCEED
            row = StrategyDiscussion(
                referral_id=decision.referral_id,
                decision_id=decision.id,
                person_id=decision.person_id,
                held_at=held,
                s47_decision=s47.value,
                rationale=rationale,
                s47_started_on=held.astimezone(self.ctx.tz).date() if proceed else None,
                icpc_due_at=self.ctx.deadlines.icpc_due(held) if proceed else None,
                recorded_by=unit.user_id,
                recorded_at=unit.now,
            )
            unit.session.add(row)
            unit.session.flush()
            unit.session.add_all(
                StrategyAttendee(discussion_id=row.id, agency_id=agencies[code], name=name)
                for code, name in attendees
            )
            unit.session.flush()
            unit.audit(
                "strategy_discussion.recorded",
                "strategy_discussion",
                row.id,
                person_id=row.person_id,
                decision_id=decision.id,
                referral_id=decision.referral_id,
                held_at=held,
                agencies=sorted({code for code, _ in attendees}),
                s47_decision=s47.value,
                s47_started_on=row.s47_started_on,
                icpc_due_at=row.icpc_due_at,
            )
            changed = frozenset(
                {"strategy", f"referral:{row.referral_id}", f"person:{row.person_id}"}
            )
            return OpResult(_dto(unit, row), changed)

    def for_referral(self, actor: Actor, referral_id: int) -> tuple[StrategyDTO, ...]:
        """The strategy discussions of a referral, oldest first."""
        with self.reading(actor, Permission.VIEW_STRATEGY) as unit:
            if unit.session.get(Referral, referral_id) is None:
                raise NotFound(f"No referral {referral_id}")
            rows = unit.session.scalars(
                select(StrategyDiscussion)
                .where(StrategyDiscussion.referral_id == referral_id)
                .order_by(StrategyDiscussion.held_at, StrategyDiscussion.id)
            ).all()
            return tuple(_dto(unit, r) for r in rows)


def _dto(unit: Unit, r: StrategyDiscussion) -> StrategyDTO:
    attendees = tuple(
        (code, name)
        for code, name in unit.session.execute(
            select(Agency.code, StrategyAttendee.name)
            .join(Agency, Agency.id == StrategyAttendee.agency_id)
            .where(StrategyAttendee.discussion_id == r.id)
            .order_by(StrategyAttendee.id)
        )
    )
    return StrategyDTO(
        id=r.id,
        referral_id=r.referral_id,
        decision_id=r.decision_id,
        person_id=r.person_id,
        held_at=r.held_at,
        attendees=attendees,
        s47_decision=S47Decision(r.s47_decision),
        rationale=r.rationale,
        s47_started_on=r.s47_started_on,
        icpc_due_at=r.icpc_due_at,
    )
