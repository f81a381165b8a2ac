"""Strategy discussions after s47 decisions, and the conferences that follow them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from mash_desk.domain.enums import Rag
from mash_desk.domain.meetings import (
    DecisionOutcome,
)
from mash_desk.domain.routing import (
    SOCIAL_CARE,
    RoutingKind,
    S47Decision,
)
from mash_desk.storage.models import (
    StrategyAttendee,
    StrategyDiscussion,
)
from mash_desk.synthetic import partner_text as words
from mash_desk.synthetic.meeting_rates import (
    EPISODE_DAYS,
    ICPC_LATE_DAYS,
    ICPC_LATE_SHARE,
    ICPC_ON_TIME_DAYS,
    NO_CONFERENCE_REASONS,
    NO_CONFERENCE_SHARE,
    ONE_HOUR,
    ONE_MINUTE,
    S47_PROCEED_SHARE,
    S47_SERVICES,
)
from mash_desk.synthetic.meeting_state import Pending
from mash_desk.synthetic.names import choose
from mash_desk.synthetic.routings import Routings


class StrategyDiscussions(Routings):
    """Writes what follows a signed decision: a routing or a strategy discussion."""

    def _follow(
        self,
        p: Pending,
        decision: dict[str, Any],
        outcome: DecisionOutcome,
        level: int,
        signed_at: datetime,
        amends: dict[str, Any] | None,
    ) -> None:
        """Routing, strategy discussion and service episode after a signed version."""
        rng = self.rng
        g = self.g
        kid = p.kid
        day = signed_at.astimezone(g.tz).date()
        open_early_help = kid.open_on(day) and kid.open_service == "early_help"
        if outcome is DecisionOutcome.S47:
            proceed = self._strategy(p, decision, signed_at)
            if amends is None:
                service = choose(rng, S47_SERVICES) if proceed else "child_in_need"
                low, high = EPISODE_DAYS[service]
                g._episode(kid, service, day + timedelta(days=rng.randint(0, 3)), low, high)
        if amends is not None:
            return
        if open_early_help and outcome in (
            DecisionOutcome.SINGLE_ASSESSMENT,
            DecisionOutcome.S47,
        ):
            self._routing(p, decision, RoutingKind.STEP_UP, level, signed_at)
        if outcome is DecisionOutcome.STEP_DOWN:
            accepted = self._routing(p, decision, RoutingKind.STEP_DOWN, level, signed_at)
            if accepted is not None:
                start = accepted.astimezone(g.tz).date() + timedelta(days=rng.randint(0, 7))
                g._episode(kid, "early_help", start, 90, 270)
        elif outcome is DecisionOutcome.SINGLE_ASSESSMENT:
            low, high = EPISODE_DAYS["child_in_need"]
            g._episode(kid, "child_in_need", day + timedelta(days=rng.randint(0, 3)), low, high)
        elif outcome is DecisionOutcome.CWDS:
            low, high = EPISODE_DAYS["children_with_disabilities"]
            g._episode(
                kid,
                "children_with_disabilities",
                day + timedelta(days=rng.randint(0, 3)),
                low,
                high,
            )

    def _strategy(self, p: Pending, decision: dict[str, Any], signed_at: datetime) -> bool:
        """The strategy discussion of an s47 decision (§5: social care, police, health)."""
        rng = self.rng
        g = self.g
        if p.rag == Rag.RED.value:
            held = signed_at + ONE_HOUR * rng.uniform(0.3, 3.0)
        else:
            held = g._working(signed_at, 0.3, 5.0)
        held = min(held.replace(microsecond=0), self.end)
        recorded = min(held + ONE_MINUTE * rng.randint(10, 90), self.end)
        attendees = self._strategy_attendees(decision)
        proceed = rng.random() < S47_PROCEED_SHARE
        started = held.astimezone(g.tz).date() if proceed else None
        icpc = self.deadlines.icpc_due(held) if proceed else None
        sid = g._id(StrategyDiscussion)
        recorder = decision["signed_by"]
        icpc_fields, timeliness = self._icpc_fields(held, icpc)
        s47_decision = (S47Decision.PROCEED if proceed else S47Decision.NO_FURTHER_ACTION).value
        g.rows[StrategyDiscussion].append(
            {
                "id": sid,
                "referral_id": p.id,
                "decision_id": decision["id"],
                "person_id": p.kid.pid,
                "held_at": held,
                "s47_decision": s47_decision,
                "rationale": rng.choice(
                    words.STRATEGY_PROCEED if proceed else words.STRATEGY_NO_FURTHER
                ),
                "s47_started_on": started,
                "icpc_due_at": icpc,
                "recorded_by": recorder,
                "recorded_at": recorded,
                **icpc_fields,
                # Recorded (1), then its conference (held or not needed) recorded (2), as the
                # service versions it.
                "version": 1 if icpc_fields["icpc_recorded_by"] is None else 2,
            }
        )
        for code, name in attendees:
            g.rows[StrategyAttendee].append(
                {
                    "id": g._id(StrategyAttendee),
                    "discussion_id": sid,
                    "agency_id": self.agencies[code],
                    "name": name,
                }
            )
        g._audit(
            recorded,
            recorder,
            "strategy_discussion.recorded",
            "strategy_discussion",
            sid,
            p.kid.pid,
            decision_id=decision["id"],
            referral_id=p.id,
            held_at=held,
            agencies=sorted({code for code, _ in attendees}),
            s47_decision=s47_decision,
            s47_started_on=started,
            icpc_due_at=icpc,
        )
        self._audit_icpc(p, sid, icpc, icpc_fields, timeliness)
        self.counts["strategy"] += 1
        self.counts["s47_started"] += proceed
        return proceed

    def _strategy_attendees(self, decision: dict[str, Any]) -> list[tuple[str, str]]:
        """Return (agency, name) of who took part: the worker, police, health, maybe others."""
        rng = self.rng
        worker = decision["allocated_worker_id"] or decision["drafted_by"]
        attendees = [
            (SOCIAL_CARE, self.names[worker]),
            ("police", self.rosters["police"][0 if rng.random() < 0.7 else 1]),
            ("health", self.rosters["health"][0 if rng.random() < 0.7 else 1]),
        ]
        for code, share in (("education", 0.35), ("idva", 0.15), ("probation", 0.08)):
            if code in self.agencies and rng.random() < share:
                attendees.append((code, self.rosters[code][0]))
        return attendees

    def _icpc_fields(
        self, held: datetime, icpc: datetime | None
    ) -> tuple[dict[str, Any], tuple[bool | None, int | None]]:
        """Return the discussion's conference columns, and (within target, working days late).

        The conference is held (on time or late), found not needed, or not yet recorded.
        """
        conference = self._conference(held, icpc) if icpc is not None else None
        held_on, icpc_by, icpc_at, within, late = conference or (None, None, None, None, None)
        not_required_on, not_required_reason = None, None
        if held_on is not None and self.nrng.random() < NO_CONFERENCE_SHARE:
            not_required_on, held_on = held_on, None
            not_required_reason = self.nrng.choice(NO_CONFERENCE_REASONS)
        return {
            "icpc_held_on": held_on,
            "icpc_recorded_by": icpc_by,
            "icpc_recorded_at": icpc_at,
            "icpc_not_required_on": not_required_on,
            "icpc_not_required_reason": not_required_reason,
        }, (within, late)

    def _audit_icpc(
        self,
        p: Pending,
        sid: int,
        icpc: datetime | None,
        fields: dict[str, Any],
        timeliness: tuple[bool | None, int | None],
    ) -> None:
        """Audit the conference held, or found not needed, exactly as StrategyService does."""
        g = self.g
        icpc_by, icpc_at = fields["icpc_recorded_by"], fields["icpc_recorded_at"]
        if fields["icpc_held_on"] is not None:
            assert icpc_by is not None and icpc_at is not None
            # Exactly what StrategyService.record_icpc writes.
            g._audit(
                icpc_at,
                icpc_by,
                "strategy_discussion.icpc_held",
                "strategy_discussion",
                sid,
                p.kid.pid,
                referral_id=p.id,
                held_on=fields["icpc_held_on"],
                icpc_due_at=icpc,
                within_target=timeliness[0],
                working_days_late=timeliness[1],
            )
        if fields["icpc_not_required_on"] is not None:
            # Exactly what StrategyService.record_no_conference writes.
            g._audit(
                icpc_at,
                icpc_by,
                "strategy_discussion.icpc_not_required",
                "strategy_discussion",
                sid,
                p.kid.pid,
                referral_id=p.id,
                concluded_on=fields["icpc_not_required_on"],
                icpc_due_at=icpc,
            )

    def _conference(
        self, held: datetime, due: datetime
    ) -> tuple[date, int, datetime, bool, int] | None:
        """When the initial conference of an s47 enquiry was held, if it has been by the end.

        Returns (held on, recorded by, recorded at, within target, working days late), or
        None: the target has not passed yet (the conference is still to come), or the
        enquiry is one of the few left overdue on the demo's today.
        """
        rng = self.crng
        g = self.g
        if due >= self.end:
            return None
        if self.icpc_overdue_left and due >= self.icpc_overdue_from:
            self.icpc_overdue_left -= 1
            return None
        discussed = held.astimezone(g.tz).date()
        target = due.astimezone(g.tz).date()
        if rng.random() < ICPC_LATE_SHARE:
            day = self._working_days_from(target, rng.randint(*ICPC_LATE_DAYS))
        else:
            day = min(self._working_days_from(discussed, rng.randint(*ICPC_ON_TIME_DAYS)), target)
        day = max(min(day, self.icpc_last_day), discussed)
        within = day <= target
        late = 0 if within else self.cal.working_days_between(target, day)
        # The conference sits in the morning; a manager or the chair records it that
        # afternoon or the next working day.
        hours = timedelta(hours=rng.uniform(2.0, 9.0))
        at = self.cal.add_working_time(g._local(day, time(10, 0)), hours).replace(microsecond=0)
        at = min(at, self.end)
        who = self.chair if rng.random() < 0.5 else g.manager
        return day, who, at, within, late
