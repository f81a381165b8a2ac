"""Dissent and its escalations: an agency present at the meeting disagrees with a decision.

Dissent opens stage 1 of the escalation protocol (the meeting policy's stages, each with its
clock); a manager moves an open escalation to the next stage with a reason, or resolves it
with its outcome. Every change writes its audit row (with the child's person id) in the same
transaction. :class:`~mash_desk.services.decisions.DecisionService` inherits these, so the
desk's ``decisions`` service answers them as before.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select

from mash_desk.domain.changes import Kind, Topic, change_keys, record_key
from mash_desk.domain.errors import FieldError, NotFound, PermissionDenied, ValidationError
from mash_desk.domain.meetings import EscalationStatus, MeetingPolicy
from mash_desk.domain.permissions import Permission
from mash_desk.domain.text import clean_narrative, unstorable_problem
from mash_desk.services.context import Service, Unit, check_version
from mash_desk.services.decision_records import EscalationDTO
from mash_desk.services.dto import Actor, OpResult
from mash_desk.services.meetings import meeting_policy, present_agencies
from mash_desk.storage.models import Agency, Decision, Escalation, EscalationStep, User


class EscalationService(Service):
    """Record dissent, move escalations through the protocol's stages, resolve them."""

    def record_dissent(
        self, actor: Actor, decision_id: int, agency_code: str, reason: str | None
    ) -> OpResult[EscalationDTO]:
        """An agency present at the meeting disagrees: opens stage 1 of the escalation protocol.

        A partner rep records it only for their own agency; the chair or a manager records it
        for any agency present, as minuted.
        """
        text, problem = clean_narrative(reason, "reason", "Reason for disagreeing", required=True)
        unstorable = unstorable_problem(agency_code, "agency", "Agency")
        if unstorable:
            raise ValidationError([unstorable, *([problem] if problem else [])])
        with self.writing(actor, Permission.RECORD_DISSENT) as unit:
            code = (agency_code or "").strip()
            own = unit.session.scalar(
                select(Agency.code)
                .join(User, User.agency_id == Agency.id)
                .where(User.id == unit.user_id)
            )
            if unit.role.value == "partner" and code != own:
                raise PermissionDenied("A partner rep may record dissent only for their own agency")
            decision = _decision(unit, decision_id)
            present = (
                present_agencies(unit, decision.meeting_id)
                if decision.meeting_id is not None
                else set()
            )
            if unit.role.value == "partner" and code not in present:
                # A rep knows a decision only from a meeting their agency attended; any other
                # looks exactly like a missing one (the child may be another agency's case).
                raise NotFound(f"No decision {decision_id}")
            agency_id = unit.session.scalar(select(Agency.id).where(Agency.code == code))
            errors = ([problem] if problem else []) + _dissent_errors(
                unit, decision, code, agency_id, present
            )
            if errors:
                raise ValidationError(errors)
            assert agency_id is not None and text is not None
            stage = meeting_policy(self.ctx).stage(1)
            due = self.ctx.deadlines.due(stage.clock, unit.now)
            escalation = Escalation(
                decision_id=decision.id,
                agency_id=agency_id,
                reason=text,
                raised_by=unit.user_id,
                raised_at=unit.now,
                stage=1,
                stage_started_at=unit.now,
                due_at=due,
                status=EscalationStatus.OPEN.value,
            )
            unit.session.add(escalation)
            unit.session.flush()
            unit.session.add(
                EscalationStep(
                    escalation_id=escalation.id,
                    stage=1,
                    started_at=unit.now,
                    due_at=due,
                    reason=text,
                    moved_by=unit.user_id,
                )
            )
            unit.session.flush()
            unit.audit(
                "decision.dissent",
                "escalation",
                escalation.id,
                person_id=decision.person_id,
                decision_id=decision.id,
                agency=code,
                reason=text,
                stage=1,
                stage_name=stage.name,
                due_at=due,
            )
            return OpResult(
                self._escalations(unit, Escalation.id == escalation.id)[0],
                change_keys(Topic.ESCALATIONS, record_key(Kind.REFERRAL, decision.referral_id)),
            )

    def escalations(self, actor: Actor, *, overdue_only: bool = False) -> tuple[EscalationDTO, ...]:
        """Open escalations, soonest due first (only the overdue ones if asked)."""
        with self.reading(actor, Permission.VIEW_ESCALATIONS) as unit:
            condition = Escalation.status == EscalationStatus.OPEN.value
            if overdue_only:
                condition = condition & (Escalation.due_at < unit.now)
            return self._escalations(unit, condition)

    def escalate(
        self, actor: Actor, escalation_id: int, expected_version: int, reason: str | None
    ) -> OpResult[EscalationDTO]:
        """Move an open escalation to the protocol's next stage, with the reason."""
        text, problem = clean_narrative(reason, "reason", "Reason for escalating", required=True)
        policy = meeting_policy(self.ctx)
        with self.writing(actor, Permission.MANAGE_ESCALATIONS) as unit:
            escalation = _escalation(unit, escalation_id)
            check_version(escalation, expected_version, "escalation")
            errors = [problem] if problem else []
            errors += _open_errors(escalation)
            if escalation.stage >= policy.last_stage:
                errors.append(
                    FieldError(
                        "stage",
                        "last_stage",
                        f"Stage {escalation.stage} ({policy.stage(escalation.stage).name}) is "
                        "the protocol's last; resolve it with its outcome",
                    )
                )
            if errors:
                raise ValidationError(errors)
            stage = policy.stage(escalation.stage + 1)
            due = self.ctx.deadlines.due(stage.clock, unit.now)
            escalation.stage = stage.number
            escalation.stage_started_at = unit.now
            escalation.due_at = due
            unit.session.add(
                EscalationStep(
                    escalation_id=escalation.id,
                    stage=stage.number,
                    started_at=unit.now,
                    due_at=due,
                    reason=text,
                    moved_by=unit.user_id,
                )
            )
            unit.session.flush()
            person_id = _decision(unit, escalation.decision_id).person_id
            unit.audit(
                "escalation.escalated",
                "escalation",
                escalation.id,
                person_id=person_id,
                stage=stage.number,
                stage_name=stage.name,
                due_at=due,
                reason=text,
            )
            return OpResult(
                self._escalations(unit, Escalation.id == escalation.id)[0],
                change_keys(Topic.ESCALATIONS),
            )

    def resolve(
        self, actor: Actor, escalation_id: int, expected_version: int, outcome: str | None
    ) -> OpResult[EscalationDTO]:
        """Resolve an open escalation with its outcome."""
        text, problem = clean_narrative(outcome, "outcome", "Outcome", required=True)
        with self.writing(actor, Permission.MANAGE_ESCALATIONS) as unit:
            escalation = _escalation(unit, escalation_id)
            check_version(escalation, expected_version, "escalation")
            errors = ([problem] if problem else []) + _open_errors(escalation)
            if errors:
                raise ValidationError(errors)
            escalation.status = EscalationStatus.RESOLVED.value
            escalation.resolution = text
            escalation.resolved_by = unit.user_id
            escalation.resolved_at = unit.now
            unit.session.flush()
            person_id = _decision(unit, escalation.decision_id).person_id
            unit.audit(
                "escalation.resolved",
                "escalation",
                escalation.id,
                person_id=person_id,
                stage=escalation.stage,
                outcome=text,
            )
            return OpResult(
                self._escalations(unit, Escalation.id == escalation.id)[0],
                change_keys(Topic.ESCALATIONS),
            )

    def _escalations(self, unit: Unit, condition: ColumnElement[bool]) -> tuple[EscalationDTO, ...]:
        return read_escalations(unit, meeting_policy(self.ctx), condition)


def read_escalations(
    unit: Unit, policy: MeetingPolicy, condition: ColumnElement[bool]
) -> tuple[EscalationDTO, ...]:
    """The escalations matching ``condition`` (on Escalation or Decision), soonest due first."""
    rows = unit.session.execute(
        select(Escalation, Agency.code, Decision.referral_id, Decision.person_id)
        .join(Agency, Agency.id == Escalation.agency_id)
        .join(Decision, Decision.id == Escalation.decision_id)
        .where(condition)
        .order_by(Escalation.due_at, Escalation.id)
    ).all()
    return tuple(
        EscalationDTO(
            id=e.id,
            decision_id=e.decision_id,
            referral_id=referral_id,
            person_id=person_id,
            agency_code=code,
            reason=e.reason,
            stage=e.stage,
            stage_name=policy.stage(e.stage).name,
            due_at=e.due_at,
            status=EscalationStatus(e.status),
            resolution=e.resolution,
            overdue=e.status == EscalationStatus.OPEN.value and e.due_at < unit.now,
            version=e.version,
        )
        for e, code, referral_id, person_id in rows
    )


def _dissent_errors(
    unit: Unit, decision: Decision, code: str, agency_id: int | None, present: set[str]
) -> list[FieldError]:
    """Why ``code`` may not dissent from ``decision``: absent, or already escalating."""
    errors = []
    if code not in present:
        errors.append(
            FieldError(
                "agency",
                "present",
                f"{code or 'That agency'} was not present at the meeting that made "
                "this decision; dissent is recorded by agencies present",
            )
        )
    if agency_id is not None and unit.session.scalar(
        select(Escalation.id).where(
            Escalation.decision_id == decision.id,
            Escalation.agency_id == agency_id,
            Escalation.status == EscalationStatus.OPEN.value,
        )
    ):
        errors.append(
            FieldError("agency", "open_escalation", f"{code} already has an open escalation")
        )
    return errors


def _decision(unit: Unit, decision_id: int) -> Decision:
    return unit.load(Decision, decision_id, what="decision")


def _escalation(unit: Unit, escalation_id: int) -> Escalation:
    return unit.load(Escalation, escalation_id, what="escalation")


def _open_errors(escalation: Escalation) -> list[FieldError]:
    if escalation.status != EscalationStatus.OPEN.value:
        return [FieldError("status", "open", "This escalation is already resolved")]
    return []
