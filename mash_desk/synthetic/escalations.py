"""Dissent at the meeting, the escalation protocol's stages, and amended decisions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from mash_desk.domain.meetings import (
    DecisionOutcome,
    EscalationStatus,
)
from mash_desk.storage.models import (
    Escalation,
    EscalationStep,
)
from mash_desk.synthetic import partner_text as words
from mash_desk.synthetic.decision_records import DecisionRecords
from mash_desk.synthetic.meeting_rates import (
    ESCALATE_AGAIN_SHARE,
    ESCALATE_SHARE,
    ONE_MINUTE,
    RESOLVE_BY_AMENDING,
)
from mash_desk.synthetic.meeting_state import Pending


class Escalations(DecisionRecords):
    """Writes escalations with their steps, and amendments (both versions kept)."""

    def _amend(
        self,
        p: Pending,
        old: dict[str, Any],
        at: datetime,
        who: int,
        why: str | None,
    ) -> datetime | None:
        """A new signed version with its reason; the old one is kept (issue 5 item 2).

        Returns when it was amended (None: it was not).
        """
        at = at.replace(microsecond=0)
        if at > self.end or old.get("amended"):
            return None
        outcome = DecisionOutcome(old["outcome"])
        level = old["level"]
        if outcome is DecisionOutcome.NFA:
            new, level, reason = (
                DecisionOutcome.SINGLE_ASSESSMENT,
                max(3, level),
                words.AMEND_TO_ASSESSMENT,
            )
        elif outcome is DecisionOutcome.SINGLE_ASSESSMENT and (level >= 4 or why):
            new, level, reason = DecisionOutcome.S47, 4, words.AMEND_TO_S47
        elif outcome is DecisionOutcome.SINGLE_ASSESSMENT:
            new, level, reason = outcome, 4, words.AMEND_LEVEL
        else:
            # Step downs and s47 decisions carry a routing or a strategy discussion: those
            # are changed by new records, not amendments, in this history.
            return None
        old["amended"] = True
        _, actions = self._version(p, None, new, level, who, at, who, at, amends=old, reason=reason)
        for row, agency in actions:
            self._work_action(p, old, row, agency, at, self.end)
        return at

    # --- dissent, escalation and amendment ----------------------------------------------------

    def _dissent(
        self,
        p: Pending,
        decision: dict[str, Any],
        present: list[str] | tuple[str, ...],
        signed_at: datetime,
        *,
        stay_open: bool,
    ) -> datetime | None:
        """An agency present disagrees: stage 1 of the escalation protocol (§5).

        Returns when the decision was amended as the escalation's outcome (None: not).
        """
        row = self._raise_dissent(p, decision, present, signed_at)
        if stay_open:
            self.open_escalations += 1
            return None
        return self._settle_escalation(p, decision, row)

    def _raise_dissent(
        self,
        p: Pending,
        decision: dict[str, Any],
        present: list[str] | tuple[str, ...],
        signed_at: datetime,
    ) -> dict[str, Any]:
        """Write the escalation at stage 1, its first step and the dissent's audit row."""
        rng = self.rng
        g = self.g
        code = rng.choice(list(present))
        outcome = DecisionOutcome(decision["outcome"])
        reason = rng.choice(words.DISSENT_REASONS.get(outcome, (words.GENERIC_DISSENT,)))
        raiser = self.reps.get(code) if rng.random() < 0.6 else decision["signed_by"]
        raiser = raiser or decision["signed_by"]
        raised = signed_at + timedelta(seconds=rng.randint(20, 120))
        stage = self.policy.stage(1)
        due = self.deadlines.due(stage.clock, raised)
        eid = g._id(Escalation)
        row: dict[str, Any] = {
            "id": eid,
            "decision_id": decision["id"],
            "agency_id": self.agencies[code],
            "reason": reason,
            "raised_by": raiser,
            "raised_at": raised,
            "stage": 1,
            "stage_started_at": raised,
            "due_at": due,
            "status": EscalationStatus.OPEN.value,
            "resolved_by": None,
            "resolved_at": None,
            "resolution": None,
            "version": 1,
        }
        g.rows[Escalation].append(row)
        self._step(eid, 1, raised, due, reason, raiser)
        g._audit(
            raised,
            raiser,
            "decision.dissent",
            "escalation",
            eid,
            p.kid.pid,
            decision_id=decision["id"],
            agency=code,
            reason=reason,
            stage=1,
            stage_name=stage.name,
            due_at=due,
        )
        self.counts["escalations"] += 1
        return row

    def _settle_escalation(
        self, p: Pending, decision: dict[str, Any], row: dict[str, Any]
    ) -> datetime | None:
        """Resolve the escalation, at stage 1 mostly; some move up a stage (or two) first.

        Returns when the decision was amended as its outcome (None: not, or still open).
        """
        rng = self.rng
        g = self.g
        manager = g.manager
        outcome = DecisionOutcome(decision["outcome"])
        while True:
            clock = row["due_at"] - row["stage_started_at"]
            up = rng.random() < (ESCALATE_SHARE if row["stage"] == 1 else ESCALATE_AGAIN_SHARE)
            if up and row["stage"] < self.policy.last_stage:
                at = (row["due_at"] - clock * rng.uniform(0.0, 0.3)).replace(microsecond=0)
                if at > self.end:
                    break
                self._escalate_stage(p, row, at)
                continue
            at = (row["stage_started_at"] + clock * rng.uniform(0.2, 1.1)).replace(microsecond=0)
            if at > self.end:
                break
            amend = (
                rng.random() < RESOLVE_BY_AMENDING
                and outcome in (DecisionOutcome.NFA, DecisionOutcome.SINGLE_ASSESSMENT)
                and self._latest(decision)
            )
            text = words.RESOLUTIONS_AMEND if amend else rng.choice(words.RESOLUTIONS_STAND)
            row.update(
                status=EscalationStatus.RESOLVED.value,
                resolved_by=manager,
                resolved_at=at,
                resolution=text,
                version=row["version"] + 1,
            )
            g._audit(
                at,
                manager,
                "escalation.resolved",
                "escalation",
                row["id"],
                p.kid.pid,
                stage=row["stage"],
                outcome=text,
            )
            if amend:
                later = at + ONE_MINUTE * rng.randint(5, 60)
                return self._amend(p, decision, later, manager, "escalation")
            return None
        self.open_escalations += 1
        return None

    def _escalate_stage(self, p: Pending, row: dict[str, Any], at: datetime) -> None:
        """Move the escalation up one stage at ``at``, by the manager, with the next clock."""
        g = self.g
        manager = g.manager
        nxt = self.policy.stage(row["stage"] + 1)
        due = self.deadlines.due(nxt.clock, at)
        why = words.ESCALATE_REASONS[min(row["stage"] - 1, len(words.ESCALATE_REASONS) - 1)]
        row.update(stage=nxt.number, stage_started_at=at, due_at=due, version=row["version"] + 1)
        self._step(row["id"], nxt.number, at, due, why, manager)
        g._audit(
            at,
            manager,
            "escalation.escalated",
            "escalation",
            row["id"],
            p.kid.pid,
            stage=nxt.number,
            stage_name=nxt.name,
            due_at=due,
            reason=why,
        )

    def _step(
        self, eid: int, stage: int, at: datetime, due: datetime, reason: str, who: int
    ) -> None:
        self.g.rows[EscalationStep].append(
            {
                "id": self.g._id(EscalationStep),
                "escalation_id": eid,
                "stage": stage,
                "started_at": at,
                "due_at": due,
                "reason": reason,
                "moved_by": who,
            }
        )

    def _latest(self, decision: dict[str, Any]) -> bool:
        return not decision.get("amended")
