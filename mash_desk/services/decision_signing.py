"""Signing a drafted decision: the chair's click at the meeting, one per child on the agenda.

The checks and the rows written are those of :meth:`DecisionService.sign` as documented in
:mod:`mash_desk.services.decisions`; this module runs them on prepared statements
(:mod:`mash_desk.storage.prepared_meeting`): one read gathers the decision with its referral,
meeting, agenda item and assessment, and each table is written by one statement, so a
meeting of 25 children is not 25 ORM units of work (benchmarks/screens.py decision_sign).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from mash_desk.domain.enums import Rag, WorkStatus
from mash_desk.domain.errors import (
    ConflictError,
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from mash_desk.domain.meetings import (
    ALLOCATED_OUTCOMES,
    AgendaStatus,
    DecisionOutcome,
    DecisionStatus,
    MeetingPolicy,
    Pathway,
    quorum_missing,
)
from mash_desk.services.context import CONFLICT_MESSAGE, Unit, check_version, with_acting_user
from mash_desk.services.decision_records import DecisionDTO, action_dto, assemble_decision_dto
from mash_desk.storage.prepared_meeting import (
    ACTIONS,
    DECIDE_AGENDA_ITEM,
    DECIDE_REFERRAL,
    DECISION_COLUMNS,
    INDICATORS,
    NEW_FEEDBACK,
    PATHWAYS,
    PRESENT_AGENCIES,
    SIGN_DECISION,
    SIGNING,
)


@dataclass(frozen=True)
class _Signing:
    """What signing reads, in one row: the decision and what its checks look at."""

    decision: SimpleNamespace
    referral_status: str
    rag: str | None
    referral_version: int
    team: str | None
    worker_id: int | None
    chair_id: int | None
    meeting_signed_off_at: datetime | None
    quorum_reason: str | None
    agenda_status: str | None
    assessment: SimpleNamespace

    @classmethod
    def of(cls, row: tuple[Any, ...] | None, decision_id: int) -> _Signing:
        """The decision ``decision_id`` as read by :data:`SIGNING`; ``NotFound`` if none."""
        if row is None:
            raise NotFound(f"No decision {decision_id}")
        n = len(DECISION_COLUMNS)
        rest = row[n:]
        status, rag, version, team, worker_id, chair_id, signed_off_at, quorum_reason = rest[:8]
        return cls(
            decision=SimpleNamespace(**dict(zip(DECISION_COLUMNS, row[:n], strict=True))),
            referral_status=status,
            rag=rag,
            referral_version=version,
            team=team,
            worker_id=worker_id,
            chair_id=chair_id,
            meeting_signed_off_at=signed_off_at,
            quorum_reason=quorum_reason,
            agenda_status=rest[8],
            assessment=SimpleNamespace(suggested_level=rest[9], rationale=rest[10]),
        )


# The signing unit's first read, with the user check in the same statement (services/context).
FIRST_READ = with_acting_user(SIGNING)


def sign_decision(
    unit: Unit,
    decision_id: int,
    row: tuple[Any, ...] | None,
    policy: MeetingPolicy,
    expected_version: int,
    due: datetime,
) -> tuple[DecisionDTO, int, int]:
    """Sign draft ``decision_id``, read as ``row`` (:data:`FIRST_READ`), in ``unit``.

    ``row`` is None when there is no such decision. ``due`` is when the referrer's feedback
    falls due. Returns the signed decision and its referral's and child's ids (for the change
    keys). Refusals, in the order the ORM path made them: not found, version, not a draft,
    referral not awaiting, not the chair, then every field error of where and how at once.
    """
    s = _Signing.of(row, decision_id)
    d = s.decision
    check_version(d, expected_version, "decision")
    if d.status != DecisionStatus.DRAFT.value:
        raise ValidationError(
            FieldError(
                "status",
                "signed",
                "A signed decision is never changed; amend it to make a new version",
            )
        )
    if s.referral_status != WorkStatus.AWAITING_DECISION.value:
        raise ValidationError(
            FieldError(
                "referral",
                "awaiting_decision",
                "This referral is already decided; amend its signed decision instead",
            )
        )
    if d.meeting_id is not None and s.chair_id != unit.user_id:
        raise PermissionDenied("Only the chair of the meeting may sign its decisions")
    errors = _where_errors(unit, s, policy) + _allocation_errors(d)
    if errors:
        raise ValidationError(errors)
    _write(unit, s, due)
    return _dto(unit, s), d.referral_id, d.person_id


def _where_errors(unit: Unit, s: _Signing, policy: MeetingPolicy) -> list[FieldError]:
    """Why the decision may not be signed where it is (see ``DecisionService._where_errors``)."""
    d = s.decision
    if d.meeting_id is None:
        if s.rag == Rag.RED.value:
            return []
        return [
            FieldError(
                "meeting",
                "red_between_meetings",
                "Only a red referral is decided between meetings; bring this one to the daily "
                "meeting",
            )
        ]
    if s.meeting_signed_off_at is not None:
        return [FieldError("meeting", "signed_off", "This meeting is signed off")]
    errors = []
    if s.agenda_status is None:
        errors.append(
            FieldError("meeting", "on_agenda", "This referral is not on the meeting's agenda")
        )
    elif s.agenda_status == AgendaStatus.DEFERRED.value:
        errors.append(
            FieldError("meeting", "deferred", "This child was deferred to a later meeting")
        )
    present = {code for (code,) in PRESENT_AGENCIES.all(unit.sql, meeting_id=d.meeting_id)}
    missing = quorum_missing(policy.quorum, present)
    if missing and s.quorum_reason is None:
        errors.append(
            FieldError(
                "quorum",
                "quorum",
                f"The meeting is not quorate ({', '.join(missing)} not present); record why it "
                "goes on without them before making decisions",
            )
        )
    return errors


def _allocation_errors(d: Any) -> list[FieldError]:
    if DecisionOutcome(d.outcome) in ALLOCATED_OUTCOMES and not d.allocated_team:
        return [
            FieldError(
                "allocated_team",
                "required_to_sign",
                "Name the allocated team before signing (CIN census and Annex A need it)",
            )
        ]
    return []


def _write(unit: Unit, s: _Signing, due: datetime) -> None:
    """Sign, decide the referral and its agenda item, create the feedback; audit both."""
    d = s.decision
    if d.outcome == DecisionOutcome.S47.value and d.s47_started_on is None:
        d.s47_started_on = unit.today
    signed = SIGN_DECISION.run(
        unit.sql,
        decision_id=d.id,
        expected=d.version,
        status=DecisionStatus.SIGNED.value,
        signed_by=unit.user_id,
        signed_at=unit.now,
        s47_started_on=d.s47_started_on,
    )
    nfa = d.outcome == DecisionOutcome.NFA.value
    decided = DECIDE_REFERRAL.run(
        unit.sql,
        referral_id=d.referral_id,
        expected=s.referral_version,
        status=WorkStatus.DECIDED.value,
        referral_nfa=nfa,
        level=d.level,
        team=d.allocated_team if d.allocated_team is not None else s.team,
        assigned_to=d.allocated_worker_id if d.allocated_worker_id is not None else s.worker_id,
    )
    if signed != 1 or decided != 1:
        # Someone saved the decision or its referral since the read above.
        raise ConflictError(CONFLICT_MESSAGE)
    d.status, d.signed_by, d.signed_at = DecisionStatus.SIGNED.value, unit.user_id, unit.now
    d.version += 1
    if d.meeting_id is not None:
        DECIDE_AGENDA_ITEM.run(
            unit.sql,
            meeting_id=d.meeting_id,
            referral_id=d.referral_id,
            status=AgendaStatus.DECIDED.value,
        )
    feedback_id = NEW_FEEDBACK.insert_id(
        unit.sql, decision_id=d.id, referral_id=d.referral_id, due_at=due
    )
    unit.audit(
        "referrer_feedback.created",
        "referrer_feedback",
        feedback_id,
        person_id=d.person_id,
        decision_id=d.id,
        due_at=due,
    )
    unit.audit(
        "decision.signed",
        "decision",
        d.id,
        person_id=d.person_id,
        outcome=d.outcome,
        meeting_id=d.meeting_id,
        between_meetings=d.meeting_id is None,
        referral_nfa=nfa,
        allocated_team=d.allocated_team,
        allocated_worker_id=d.allocated_worker_id,
        s47_started_on=d.s47_started_on,
    )


def _dto(unit: Unit, s: _Signing) -> DecisionDTO:
    """The signed decision's DTO: its pathways, actions and indicators, one read each."""
    d = s.decision
    pathways = tuple(Pathway(p) for (p,) in PATHWAYS.all(unit.sql, decision_id=d.id))
    actions = tuple(
        # action_dto reads an action by attribute; the row read here has the same names.
        action_dto(SimpleNamespace(**_action_fields(row)), row[1])  # type: ignore[arg-type]
        for row in ACTIONS.all(unit.sql, decision_id=d.id)
    )
    indicators = tuple(i for (i,) in INDICATORS.all(unit.sql, assessment_id=d.assessment_id))
    return assemble_decision_dto(
        d,  # type: ignore[arg-type]  # the decision's columns, by name, as read here
        pathways,
        actions,
        indicators,
        s.assessment,  # type: ignore[arg-type]  # the assessment's columns by name, as above
    )


def _action_fields(row: tuple[Any, ...]) -> dict[str, Any]:
    names = ("description", "", "owner_user_id", "due_on", "id", "status", "closed_at")
    fields = {n: v for n, v in zip(names, row, strict=False) if n}
    fields.update(closing_note=row[7], version=row[8])
    return fields
