"""What a decision is made from and read as: the form's inputs and the records' DTOs.

The DTOs of decisions, their actions, escalations and referrer feedback are shared by the
decision, escalation and feedback services, the case view and the meeting documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from mash_desk.domain.meetings import (
    ActionStatus,
    DecisionOutcome,
    DecisionStatus,
    EscalationStatus,
    FeedbackMethod,
    Pathway,
)
from mash_desk.storage.models import Decision, DecisionAction, ThresholdAssessment


@dataclass(frozen=True)
class ActionInput:
    """An action of a decision: owned by an agency (code) or a user (id), due on a date."""

    description: str
    due_on: date | None
    owner_agency: str | None = None
    owner_user_id: int | None = None


@dataclass(frozen=True)
class DecisionInput:
    """What the chair records for one child, straight from the form (unvalidated)."""

    outcome: str
    rationale: str | None
    indicators: tuple[str, ...] = ()
    level: int | None = None
    level_rationale: str | None = None
    document: tuple[str, str] | None = None
    pathways: tuple[str, ...] = ()
    actions: tuple[ActionInput, ...] = ()
    inform_family: str | None = None
    inform_referrer: str | None = None
    inform_professionals: str | None = None
    allocated_team: str | None = None
    allocated_worker_id: int | None = None
    outcome_level_reason: str | None = None
    """Why this outcome at this level, needed when they disagree
    (:data:`~mash_desk.domain.meetings.EXPECTED_LEVELS`)."""


@dataclass(frozen=True)
class ActionDTO:
    """An action as stored, with where its owner has got to (:mod:`.actions` works it).

    ``status`` is ``open``, ``done`` or ``not_done``; ``closing_note`` is the outcome (done)
    or the reason (not done).
    """

    description: str
    owner_agency: str | None
    owner_user_id: int | None
    due_on: date
    id: int
    status: ActionStatus
    closed_at: datetime | None
    closing_note: str | None
    version: int


@dataclass(frozen=True)
class DecisionDTO:
    """One version of a referral's decision."""

    id: int
    referral_id: int
    person_id: int
    meeting_id: int | None
    revision: int
    amends_id: int | None
    amendment_reason: str | None
    status: DecisionStatus
    outcome: DecisionOutcome
    level: int
    assessment_id: int
    document: tuple[str, str]
    rationale: str
    pathways: tuple[Pathway, ...]
    actions: tuple[ActionDTO, ...]
    inform_family: str | None
    inform_referrer: str | None
    inform_professionals: str | None
    allocated_team: str | None
    allocated_worker_id: int | None
    s47_started_on: date | None
    drafted_by: int
    signed_by: int | None
    signed_at: datetime | None
    version: int
    indicators: tuple[str, ...] = ()
    """The indicator ids ticked in this version's threshold assessment, so the decision
    keeps visibly what it was based on."""
    outcome_level_reason: str | None = None
    """Why the outcome departs from the usual route at this level (None when it does not)."""
    suggested_level: int | None = None
    """The level the threshold document suggested from the ticked indicators (None: none)."""
    level_rationale: str | None = None
    """Why this level: the chair's override rationale (or why nothing was ticked), kept in the
    decision's threshold assessment so the case view and memo can say it beside the level."""


@dataclass(frozen=True)
class EscalationDTO:
    """An escalation of an agency's disagreement, at its current stage."""

    id: int
    decision_id: int
    referral_id: int
    person_id: int
    agency_code: str
    reason: str
    stage: int
    stage_name: str
    due_at: datetime
    status: EscalationStatus
    resolution: str | None
    overdue: bool
    version: int


@dataclass(frozen=True)
class FeedbackDTO:
    """The referrer's acknowledgement/outcome record of one signed decision version."""

    id: int
    decision_id: int
    referral_id: int
    person_id: int
    due_at: datetime
    sent_at: datetime | None
    method: FeedbackMethod | None
    overdue: bool
    version: int


def action_dto(a: DecisionAction, owner_agency: str | None) -> ActionDTO:
    """The DTO of one decision action whose owning agency's code is ``owner_agency``."""
    return ActionDTO(
        description=a.description,
        owner_agency=owner_agency,
        owner_user_id=a.owner_user_id,
        due_on=a.due_on,
        id=a.id,
        status=ActionStatus(a.status),
        closed_at=a.closed_at,
        closing_note=a.closing_note,
        version=a.version,
    )


def assemble_decision_dto(
    d: Decision,
    pathways: tuple[Pathway, ...],
    actions: tuple[ActionDTO, ...],
    indicators: tuple[str, ...],
    assessment: ThresholdAssessment | None,
) -> DecisionDTO:
    """The DTO of ``d`` from its parts, read one decision at a time or for many at once."""
    return DecisionDTO(
        id=d.id,
        referral_id=d.referral_id,
        person_id=d.person_id,
        meeting_id=d.meeting_id,
        revision=d.revision,
        amends_id=d.amends_id,
        amendment_reason=d.amendment_reason,
        status=DecisionStatus(d.status),
        outcome=DecisionOutcome(d.outcome),
        level=d.level,
        assessment_id=d.assessment_id,
        document=(d.document_id, d.document_version),
        rationale=d.rationale,
        pathways=pathways,
        actions=actions,
        inform_family=d.inform_family,
        inform_referrer=d.inform_referrer,
        inform_professionals=d.inform_professionals,
        allocated_team=d.allocated_team,
        allocated_worker_id=d.allocated_worker_id,
        s47_started_on=d.s47_started_on,
        drafted_by=d.drafted_by,
        signed_by=d.signed_by,
        signed_at=d.signed_at,
        version=d.version,
        indicators=indicators,
        outcome_level_reason=d.outcome_level_reason,
        suggested_level=assessment.suggested_level if assessment else None,
        level_rationale=assessment.rationale if assessment else None,
    )
