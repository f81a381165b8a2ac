"""What the meeting did about a child's referrals, for the case record, read set-based (issue 16).

The case view used to read each referral's decision versions and strategy discussions through
``DecisionService.history`` and ``StrategyService.for_referral``: a permission check, a load
and four reads per decision version, per referral. Here each table is one prepared statement
keyed by the child (storage/prepared_case.py) and the rows are grouped in Python, so a case
opens with the same number of statements however many referrals the child has. The rows
carry the models' column names, so the services' own DTO builders read them as ORM rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, NamedTuple, cast

from mash_desk.domain.meetings import EscalationStatus, Pathway
from mash_desk.domain.permissions import Permission, require
from mash_desk.domain.routing import InformedParty, InformMethod
from mash_desk.services.context import ServiceContext, Unit
from mash_desk.services.decisions import (
    ActionDTO,
    DecisionDTO,
    EscalationDTO,
    action_dto,
    assemble_decision_dto,
)
from mash_desk.services.dto import PersonDTO
from mash_desk.services.meetings import meeting_policy
from mash_desk.services.routing import InformedDTO, RoutingDTO, routing_dto
from mash_desk.services.strategy import StrategyDTO, strategy_dto
from mash_desk.storage import prepared_case as q
from mash_desk.storage.models import (
    Decision,
    DecisionAction,
    StrategyDiscussion,
    ThresholdAssessment,
)

Agencies = dict[int, tuple[str, str]]
"""Every agency's (code, name) by id, read once for the whole record."""


class _Assessment(NamedTuple):
    """The two columns of a decision's assessment its DTO shows."""

    suggested_level: int | None
    rationale: str | None


def decisions_by_referral(
    unit: Unit, person_id: int, agencies: Agencies
) -> dict[int, tuple[DecisionDTO, ...]]:
    """Every version of each of the child's referrals' decision, first first (drafts included).

    The same versions ``DecisionService.history`` returns, with its permission, in four
    statements for all the referrals.
    """
    require(unit.role, Permission.VIEW_DECISIONS)
    rows = q.DECISIONS.records(unit.sql, pid=person_id)
    if not rows:
        return {}
    pathways: dict[int, list[Pathway]] = defaultdict(list)
    actions: dict[int, list[ActionDTO]] = defaultdict(list)
    indicators: dict[int, list[str]] = defaultdict(list)
    for decision_id, pathway in q.PATHWAYS.all(unit.sql, pid=person_id):
        pathways[decision_id].append(Pathway(pathway))
    for a in q.ACTIONS.records(unit.sql, pid=person_id):
        code = agencies[a.owner_agency_id][0] if a.owner_agency_id is not None else None
        actions[a.decision_id].append(action_dto(cast(DecisionAction, a), code))
    for assessment_id, indicator in q.DECISION_INDICATORS.all(unit.sql, pid=person_id):
        indicators[assessment_id].append(indicator)
    found: dict[int, list[DecisionDTO]] = defaultdict(list)
    for d in rows:
        assessment = _Assessment(d.a_suggested_level, d.a_rationale) if d.a_id else None
        found[d.referral_id].append(
            assemble_decision_dto(
                cast(Decision, d),
                tuple(pathways[d.id]),
                tuple(actions[d.id]),
                tuple(indicators[d.assessment_id]),
                cast(ThresholdAssessment | None, assessment),
            )
        )
    return {rid: tuple(ds) for rid, ds in found.items()}


def strategies_by_referral(
    unit: Unit, ctx: ServiceContext, person_id: int, agencies: Agencies
) -> dict[int, tuple[StrategyDTO, ...]]:
    """Each referral's strategy discussions, oldest first, as ``StrategyService.for_referral``.

    One statement for all the referrals: the discussions joined to their attendees.
    """
    require(unit.role, Permission.VIEW_STRATEGY)
    discussions: dict[int, Any] = {}
    attendees: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for row in q.STRATEGIES.records(unit.sql, pid=person_id):
        discussions.setdefault(row.id, row)
        if row.attendee_agency_id is not None:
            attendees[row.id].append((agencies[row.attendee_agency_id][0], row.attendee_name))
    found: dict[int, list[StrategyDTO]] = defaultdict(list)
    for r in discussions.values():
        found[r.referral_id].append(
            strategy_dto(ctx, cast(StrategyDiscussion, r), tuple(attendees[r.id]))
        )
    return {rid: tuple(ss) for rid, ss in found.items()}


def escalations_of(
    unit: Unit, ctx: ServiceContext, person_id: int, agencies: Agencies
) -> tuple[EscalationDTO, ...]:
    """Every escalation about the child's decisions, open and resolved, soonest due first.

    As ``decisions.read_escalations`` reads them, not ``DecisionService.escalations`` (the
    manager's list of open ones across all children): the case record shows the child's whole
    history, resolved escalations included, to everyone who may open the record.
    """
    policy = meeting_policy(ctx)
    return tuple(
        EscalationDTO(
            id=e.id,
            decision_id=e.decision_id,
            referral_id=e.referral_id,
            person_id=e.person_id,
            agency_code=agencies[e.agency_id][0],
            reason=e.reason,
            stage=e.stage,
            stage_name=policy.stage(e.stage).name,
            due_at=e.due_at,
            status=EscalationStatus(e.status),
            resolution=e.resolution,
            overdue=e.status == EscalationStatus.OPEN.value and e.due_at < unit.now,
            version=e.version,
        )
        for e in q.ESCALATIONS.records(unit.sql, pid=person_id)
    )


def routings_of(
    unit: Unit,
    child: PersonDTO,
    age: str,
    agencies: Agencies,
    users: dict[int, str],
) -> tuple[RoutingDTO, ...]:
    """The child's routings, oldest first, as ``routing.routings_of`` gives them.

    One statement: the routings joined to who was told. ``age`` is the child's age in words.
    """
    routings: dict[int, Any] = {}
    informed: dict[int, list[InformedDTO]] = defaultdict(list)
    for row in q.ROUTINGS.records(unit.sql, pid=child.id):
        routings.setdefault(row.id, row)
        if row.informed_id is not None:
            informed[row.id].append(
                InformedDTO(
                    InformedParty(row.informed_party),
                    row.informed_who,
                    InformMethod(row.informed_method),
                    row.informed_at,
                )
            )
    name = f"{child.given_name} {child.family_name.upper()}"
    return tuple(
        routing_dto(
            r,
            agencies,
            tuple(informed[r.id]),
            users.get(r.acknowledged_by) if r.acknowledged_by is not None else None,
            name,
            age,
        )
        for r in routings.values()
    )


def named_users(decisions: Iterable[DecisionDTO]) -> set[int]:
    """The users the decisions name: drafters, signers, allocated workers, action owners."""
    return {
        uid
        for d in decisions
        for uid in (
            d.drafted_by,
            d.signed_by,
            d.allocated_worker_id,
            *(a.owner_user_id for a in d.actions),
        )
        if uid is not None
    }
