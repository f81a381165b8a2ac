"""The history's last day, the demo's "today": referrals awaiting the chair, cases handed over."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime
from typing import Any

from mash_desk.domain.routing import (
    SOCIAL_CARE,
    InformedParty,
    InformMethod,
    RoutingKind,
    RoutingStatus,
    offers_childrens_centre,
)
from mash_desk.storage.models import (
    Routing,
    RoutingInforming,
)
from mash_desk.synthetic import partner_text as words
from mash_desk.synthetic.agenda import Agenda
from mash_desk.synthetic.meeting_rates import (
    DEMO_AWAITING,
    DEMO_HANDOVERS,
    HANDOVER_STEP,
    NOT_HANDED_OVER,
)
from mash_desk.synthetic.meeting_state import Pending


class DemoDay(Agenda):
    """Holds the last meetings once it is known how many referrals will still wait."""

    # --- the demo's today ---------------------------------------------------------------------

    def finish(self) -> None:
        """Hold the last meetings, leaving 20–25 referrals awaiting the demo's today.

        What arrived since the last meeting waits anyway; the rest of the target comes from
        the last meetings' agendas, the most recent meeting first and siblings together,
        deferred (again) at each meeting up to today's.
        """
        if not self.final:
            return
        rng = self.drng
        target = rng.randint(*DEMO_AWAITING)
        opens = [self.opens(day) for day in self.final]
        after = [p for p in self.pending if p.at >= opens[-1]]
        windows = []
        for k in range(len(opens) - 1, -1, -1):
            since = opens[k - 1] if k else None
            windows.append(
                [p for p in self.pending if p.at < opens[k] and (since is None or p.at >= since)]
            )
        keep: set[int] = set()
        deficit = target - len(after)
        for pool in windows:
            for group in _sibling_groups_first(pool, rng):
                if deficit <= 0:
                    break
                keep.update(p.id for p in group)
                deficit -= len(group)
        if not any(n >= 2 for n in _household_counts(after, keep, self.pending).values()):
            # The demo day should have siblings on its agenda: keep one sibling group too.
            for pool in windows:
                groups = [g for g in _sibling_groups_first(pool, rng) if len(g) > 1]
                if groups:
                    keep.update(p.id for p in groups[0])
                    break
        for day in self.final:
            # One escalation at least is still open (and overdue) on the demo's today.
            self._hold(day, frozenset(keep), force_dissent=self.open_escalations == 0)
        if self.open_escalations == 0 and self.last_decided is not None:
            p, decision, present, signed_at = self.last_decided
            self._dissent(p, decision, present, signed_at, stay_open=True)
        self._demo_checks()
        self._demo_handovers()

    def _demo_handovers(self) -> None:
        """Hand one recently decided child to each of police and health, not yet accepted.

        A newcomer signing in as the police or health rep then has a routed case to open,
        acknowledge and accept or reject (the step ups and downs go to social care and early
        help only). Times are fixed offsets after the decision, so the random stream of the
        rest of the history is untouched.
        """
        used: set[int] = set()
        for to, team, reason, ages in DEMO_HANDOVERS:
            if to not in self.agencies or to not in self.reps:
                continue
            for p, decision, signed_at in reversed(self.recent_decided):
                completed = signed_at + 4 * HANDOVER_STEP
                if (
                    p.kid.pid in used
                    or not self._age_in(p, signed_at, ages)
                    or not self._latest(decision)
                    or decision["outcome"] in NOT_HANDED_OVER
                    or completed > self.end
                ):
                    continue
                used.add(p.kid.pid)
                self._handover_to(p, decision, signed_at, to, team, reason)
                self.counts["routings"] += 1
                break

    def _age_in(self, p: Pending, at: datetime, ages: tuple[int, int]) -> bool:
        """Whether the child, born by ``at``, is ``ages[0]`` to ``ages[1]`` years old."""
        day = at.astimezone(self.g.tz).date()
        dob = p.kid.dob
        if dob is None or dob > day:  # not born by then (Kid.born_by)
            return False
        years = day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))
        return ages[0] <= years <= ages[1]

    def _handover_to(
        self,
        p: Pending,
        decision: dict[str, Any],
        signed_at: datetime,
        to: str,
        team: str,
        reason: str,
    ) -> None:
        """Write a transfer to ``to``: created, everyone told, handed over; no answer yet."""
        g = self.g
        kid = p.kid
        creator = decision["drafted_by"] if decision["drafted_by"] in g.practitioners else p.handler
        created = signed_at + HANDOVER_STEP
        level = decision["level"]
        rid = g._id(Routing)
        offer = offers_childrens_centre(self._under_five(p, created), level, to)
        g.rows[Routing].append(
            {
                "id": rid,
                "person_id": kid.pid,
                "referral_id": p.id,
                "decision_id": decision["id"],
                "kind": RoutingKind.TRANSFER.value,
                "from_agency_id": self.agencies[SOCIAL_CARE],
                "to_agency_id": self.agencies[to],
                "to_team": team,
                "reason": reason,
                "level_before": p.level,
                "level_after": level,
                "family_consent": None,
                "handover_summary": self._handover(p, decision, created),
                "childrens_centre_offer": offer,
                "status": RoutingStatus.COMPLETE.value,
                "created_by": creator,
                "created_at": created,
                "completed_by": creator,
                "completed_at": signed_at + 4 * HANDOVER_STEP,
                "responded_by": None,
                "responded_at": None,
                "response_reason": None,
                "acknowledged_by": None,
                "acknowledged_at": None,
                "version": 5,
            }
        )
        g._audit(
            created,
            creator,
            "routing.created",
            "routing",
            rid,
            kid.pid,
            kind=RoutingKind.TRANSFER.value,
            from_agency=SOCIAL_CARE,
            to_agency=to,
            level_before=p.level,
            level_after=level,
            family_consent=None,
            decision_id=decision["id"],
            childrens_centre_offer=offer,
        )
        self._tell_everyone(p, rid, creator, signed_at)
        g._audit(
            signed_at + 4 * HANDOVER_STEP, creator, "routing.completed", "routing", rid, kid.pid
        )

    def _tell_everyone(self, p: Pending, rid: int, creator: int, signed_at: datetime) -> None:
        """Record the family, professionals and referrer told by phone, a step apart."""
        g = self.g
        kid = p.kid
        mother = kid.fam.mother()
        name, role, agency = p.referrer
        told = (
            (
                InformedParty.FAMILY,
                f"{mother.given} {mother.family} (mother)" if mother else "The carer",
            ),
            (InformedParty.PROFESSIONALS, words.PROFESSIONALS_TOLD[0]),
            (InformedParty.REFERRER, ", ".join(x for x in (name, role, agency) if x)[:200]),
        )
        for step, (party, who) in enumerate(told, start=2):
            at = signed_at + step * HANDOVER_STEP
            method = InformMethod.PHONE.value
            g.rows[RoutingInforming].append(
                {
                    "id": g._id(RoutingInforming),
                    "routing_id": rid,
                    "party": party.value,
                    "who": who,
                    "method": method,
                    "informed_at": at,
                    "recorded_by": creator,
                    "recorded_at": at,
                }
            )
            g._audit(
                at,
                creator,
                "routing.informed",
                "routing",
                rid,
                kid.pid,
                party=party.value,
                who=who,
                method=method,
                informed_at=at,
            )

    def awaiting(self) -> int:
        """Referrals still waiting for a decision."""
        return len(self.pending)


def _household_counts(
    after: list[Pending], keep: set[int], pending: list[Pending]
) -> dict[int | None, int]:
    counts: dict[int | None, int] = defaultdict(int)
    for p in after:
        counts[p.kid.fam.hid] += 1
    for p in pending:
        if p.id in keep:
            counts[p.kid.fam.hid] += 1
    return counts


def _sibling_groups_first(pending: list[Pending], rng: random.Random) -> list[list[Pending]]:
    """Referrals grouped by household: groups of siblings first, then the rest, shuffled."""
    groups: dict[int | None, list[Pending]] = {}
    for p in sorted(pending, key=lambda p: p.id):
        groups.setdefault(p.kid.fam.hid, []).append(p)
    ordered = list(groups.values())
    rng.shuffle(ordered)
    ordered.sort(key=lambda g: -min(len(g), 2))
    return ordered
