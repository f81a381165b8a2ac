"""What a signed decision still calls for: its routing and its strategy discussion.

Pure reads over the services (run through ``session.tasks``) and the rule that says which
routing an outcome calls for; no widgets here.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from mash_desk.domain.enums import ServiceKind
from mash_desk.domain.meetings import AgendaStatus, DecisionOutcome, DecisionStatus
from mash_desk.domain.routing import RoutingKind, RoutingStatus
from mash_desk.gui.routing_dialog import KIND_SHORT
from mash_desk.services.decisions import DecisionDTO
from mash_desk.services.desk import Desk
from mash_desk.services.dto import Actor
from mash_desk.services.meetings import AgendaItemDTO
from mash_desk.services.routing import RoutingDTO

# Outcomes that hand the child to another team or council (domain brief §5): Children with
# Disabilities Service, the team of the case already open, or another council.
_TRANSFER_OUTCOMES = frozenset(
    {
        DecisionOutcome.CWDS,
        DecisionOutcome.FORWARD_OPEN_CASE,
        DecisionOutcome.TRANSFER_COUNCIL,
    }
)
# A statutory assessment or s47 enquiry of a child open to early help is a step up
# (domain brief §5, seed 000 L109).
_STEP_UP_OUTCOMES = frozenset({DecisionOutcome.SINGLE_ASSESSMENT, DecisionOutcome.S47})
_CWDS_TEAM = "Children with Disabilities Service"


def routing_kind_for(
    outcome: DecisionOutcome, open_services: Collection[str]
) -> RoutingKind | None:
    """The routing a signed outcome calls for (None: the child does not change service).

    Domain brief §5: a step down moves the child from social care to early help; a single
    assessment or s47 enquiry of a child open to early help steps them up; the Children with
    Disabilities Service, forwarding to an open case and a transfer to another council hand
    the child to another team or council.
    """
    if outcome is DecisionOutcome.STEP_DOWN:
        return RoutingKind.STEP_DOWN
    if outcome in _STEP_UP_OUTCOMES and ServiceKind.EARLY_HELP.value in open_services:
        return RoutingKind.STEP_UP
    if outcome in _TRANSFER_OUTCOMES:
        return RoutingKind.TRANSFER
    return None


@dataclass(frozen=True)
class FollowUp:
    """What a signed decision still calls for: its routing and its strategy discussion.

    ``routing`` is the newest routing of ``routing_kind`` that follows one of the referral's
    decision versions (None while none is recorded).
    """

    referral_id: int
    person_id: int
    decision: DecisionDTO
    routing_kind: RoutingKind | None
    routing: RoutingDTO | None
    strategy_needed: bool
    open_services: tuple[str, ...] = ()

    @property
    def needs_routing(self) -> bool:
        """Whether the routing is still to record, or to complete (or was sent back)."""
        return self.routing_kind is not None and (
            self.routing is None
            or self.routing.status in (RoutingStatus.OPEN, RoutingStatus.REJECTED)
        )

    @property
    def pending(self) -> bool:
        """Whether anything still follows the decision."""
        return self.needs_routing or self.strategy_needed

    def agenda_words(self) -> str:
        """What is still to do, in the agenda's few words ("" when nothing)."""
        words = []
        if self.needs_routing:
            assert self.routing_kind is not None
            kind = KIND_SHORT[self.routing_kind].lower()
            if self.routing is None:
                words.append(f"{kind} to record")
            elif self.routing.status is RoutingStatus.REJECTED:
                words.append(f"{kind} rejected, back with the MASH")
            else:
                words.append(f"{kind}: who was told to record")
        if self.strategy_needed:
            words.append("strategy discussion to record")
        return "⚑ " + " and ".join(words) if words else ""


def read_follow_ups(
    desk: Desk, actor: Actor, items: Sequence[AgendaItemDTO]
) -> dict[int, FollowUp]:
    """What each decided child on the agenda still needs, by referral id.

    Several service reads: run it through ``session.tasks``. None of them logs a view of a
    child's record — the chair has not opened these children by asking for this.
    """
    found: dict[int, FollowUp] = {}
    for item in items:
        if item.status != AgendaStatus.DECIDED:
            continue
        history = desk.decisions.history(actor, item.referral_id)
        signed = [d for d in history if d.status == DecisionStatus.SIGNED]
        if not signed:
            continue
        latest = signed[-1]
        services = tuple(s.service for s in desk.history.check(actor, item.person_id).open_services)
        kind = routing_kind_for(DecisionOutcome(latest.outcome), services)
        routing = None
        if kind is not None:
            versions = {d.id for d in history}
            linked = [
                r
                for r in desk.routing.for_person(actor, item.person_id)
                if r.decision_id in versions and r.kind == kind
            ]
            routing = linked[-1] if linked else None
        # One discussion per enquiry, as the case view counts it (ReferralRecord.needs_strategy).
        strategy = latest.outcome == DecisionOutcome.S47 and not desk.strategy.for_referral(
            actor, item.referral_id
        )
        found[item.referral_id] = FollowUp(
            item.referral_id, item.person_id, latest, kind, routing, strategy, services
        )
    return found
