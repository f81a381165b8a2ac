"""A child's referrals for the case record, read set-based (issue 16).

The case view used to read each referral's decision versions and strategy discussions through
``DecisionService.history`` and ``StrategyService.for_referral``: a permission check, a load
and four reads per decision version, per referral, so the longest history cost three times the
statements of a typical one. Here each table is read once for all of the child's referrals and
the rows are grouped in Python, so a case opens with the same number of statements however
many referrals the child has.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select

from mash_desk.domain.meetings import Pathway
from mash_desk.domain.permissions import Permission, require
from mash_desk.services.context import ServiceContext, Unit
from mash_desk.services.decisions import (
    ActionDTO,
    DecisionDTO,
    action_dto,
    assemble_decision_dto,
)
from mash_desk.services.strategy import StrategyDTO, strategy_dto
from mash_desk.storage.models import (
    Agency,
    AssessmentIndicator,
    Decision,
    DecisionAction,
    DecisionPathway,
    StrategyAttendee,
    StrategyDiscussion,
    ThresholdAssessment,
)


def decisions_by_referral(
    unit: Unit, referral_ids: Sequence[int]
) -> dict[int, tuple[DecisionDTO, ...]]:
    """Every version of each referral's decision, first first (drafts included).

    The same versions ``DecisionService.history`` returns, with its permission, in five
    statements for all the referrals.
    """
    if not referral_ids:
        return {}
    require(unit.role, Permission.VIEW_DECISIONS)
    rows = unit.session.execute(
        select(Decision, ThresholdAssessment)
        .outerjoin(ThresholdAssessment, ThresholdAssessment.id == Decision.assessment_id)
        .where(Decision.referral_id.in_(referral_ids))
        .order_by(Decision.referral_id, Decision.revision)
    ).all()
    decision_ids = [d.id for d, _a in rows]
    pathways: dict[int, list[Pathway]] = defaultdict(list)
    actions: dict[int, list[ActionDTO]] = defaultdict(list)
    indicators: dict[int, list[str]] = defaultdict(list)
    if decision_ids:
        for decision_id, pathway in unit.session.execute(
            select(DecisionPathway.decision_id, DecisionPathway.pathway)
            .where(DecisionPathway.decision_id.in_(decision_ids))
            .order_by(DecisionPathway.id)
        ):
            pathways[decision_id].append(Pathway(pathway))
        for action, code in unit.session.execute(
            select(DecisionAction, Agency.code)
            .outerjoin(Agency, Agency.id == DecisionAction.owner_agency_id)
            .where(DecisionAction.decision_id.in_(decision_ids))
            .order_by(DecisionAction.id)
        ):
            actions[action.decision_id].append(action_dto(action, code))
        for assessment_id, indicator in unit.session.execute(
            select(AssessmentIndicator.assessment_id, AssessmentIndicator.indicator_id)
            .where(AssessmentIndicator.assessment_id.in_({d.assessment_id for d, _a in rows}))
            .order_by(AssessmentIndicator.indicator_id)
        ):
            indicators[assessment_id].append(indicator)
    found: dict[int, list[DecisionDTO]] = defaultdict(list)
    for d, assessment in rows:
        found[d.referral_id].append(
            assemble_decision_dto(
                d,
                tuple(pathways[d.id]),
                tuple(actions[d.id]),
                tuple(indicators[d.assessment_id]),
                assessment,
            )
        )
    return {rid: tuple(ds) for rid, ds in found.items()}


def strategies_by_referral(
    unit: Unit, ctx: ServiceContext, referral_ids: Sequence[int]
) -> dict[int, tuple[StrategyDTO, ...]]:
    """Each referral's strategy discussions, oldest first, as ``StrategyService.for_referral``.

    Two statements for all the referrals: the discussions, then their attendees.
    """
    if not referral_ids:
        return {}
    require(unit.role, Permission.VIEW_STRATEGY)
    rows = unit.session.scalars(
        select(StrategyDiscussion)
        .where(StrategyDiscussion.referral_id.in_(referral_ids))
        .order_by(StrategyDiscussion.held_at, StrategyDiscussion.id)
    ).all()
    attendees: dict[int, list[tuple[str, str]]] = defaultdict(list)
    if rows:
        for discussion_id, code, name in unit.session.execute(
            select(StrategyAttendee.discussion_id, Agency.code, StrategyAttendee.name)
            .join(Agency, Agency.id == StrategyAttendee.agency_id)
            .where(StrategyAttendee.discussion_id.in_([r.id for r in rows]))
            .order_by(StrategyAttendee.id)
        ):
            attendees[discussion_id].append((code, name))
    found: dict[int, list[StrategyDTO]] = defaultdict(list)
    for r in rows:
        found[r.referral_id].append(strategy_dto(ctx, r, tuple(attendees[r.id])))
    return {rid: tuple(ss) for rid, ss in found.items()}
