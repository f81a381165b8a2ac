"""Step-down and step-up routings after a decision, with who was told and the answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mash_desk.domain.meetings import (
    DecisionOutcome,
)
from mash_desk.domain.outcomes import is_under_five
from mash_desk.domain.routing import (
    CHILDRENS_CENTRES,
    SOCIAL_CARE,
    InformedParty,
    RoutingKind,
    RoutingStatus,
    offers_childrens_centre,
)
from mash_desk.storage.models import (
    Routing,
    RoutingInforming,
)
from mash_desk.synthetic import partner_text as words
from mash_desk.synthetic.meeting_rates import (
    ACKNOWLEDGE_FIRST_SHARE,
    ONE_MINUTE,
    ROUTING_REJECT_SHARE,
    UNDER_FIVE_TO_CENTRE_SHARE,
)
from mash_desk.synthetic.meeting_state import Pending
from mash_desk.synthetic.names import choose
from mash_desk.synthetic.partner_checks import PartnerChecks


class Routings(PartnerChecks):
    """Writes routings to early help or social care and their handovers."""

    # --- what follows a decision --------------------------------------------------------------

    def _under_five(self, p: Pending, at: datetime) -> bool:
        kid = p.kid
        day = at.astimezone(self.g.tz).date()
        born = kid.born_by(day)
        return is_under_five(kid.dob if born else None, None if born else kid.edd, day)

    def _routing(
        self,
        p: Pending,
        decision: dict[str, Any],
        kind: RoutingKind,
        level: int,
        signed_at: datetime,
    ) -> datetime | None:
        """A step up or step down, who was told, and the receiver's answer.

        Returns when it was accepted (None: not, or not yet).
        """
        g = self.g
        creator = decision["drafted_by"] if decision["drafted_by"] in g.practitioners else p.handler
        created = g._working(signed_at, 0.3, 5.0)
        if created > self.end:
            return None
        under_five = self._under_five(p, created)
        to, source, consent, before, team, reason, receiver = self._routing_target(
            p, decision, kind, under_five
        )
        offer = offers_childrens_centre(under_five, level, to)
        rid = g._id(Routing)
        row: dict[str, Any] = {
            "id": rid,
            "person_id": p.kid.pid,
            "referral_id": p.id,
            "decision_id": decision["id"],
            "kind": kind.value,
            "from_agency_id": self.agencies[source],
            "to_agency_id": self.agencies[to],
            "to_team": team,
            "reason": reason,
            "level_before": before,
            "level_after": level,
            "family_consent": consent,
            "handover_summary": self._handover(p, decision, created),
            "childrens_centre_offer": offer,
            "status": RoutingStatus.OPEN.value,
            "created_by": creator,
            "created_at": created,
            "completed_by": None,
            "completed_at": None,
            "responded_by": None,
            "responded_at": None,
            "response_reason": None,
            "acknowledged_by": None,
            "acknowledged_at": None,
            "version": 1,
        }
        g.rows[Routing].append(row)
        self.counts["routings"] += 1
        g._audit(
            created,
            creator,
            "routing.created",
            "routing",
            rid,
            p.kid.pid,
            kind=kind.value,
            from_agency=source,
            to_agency=to,
            level_before=before,
            level_after=level,
            family_consent=consent,
            decision_id=decision["id"],
            childrens_centre_offer=offer,
        )
        informed = self._inform(p, row, signed_at)
        if informed is None:
            return None
        return self._hand_over_and_answer(p, row, informed, receiver, to)

    def _routing_target(
        self, p: Pending, decision: dict[str, Any], kind: RoutingKind, under_five: bool
    ) -> tuple[str, str, bool | None, int | None, str | None, str, int]:
        """Return where the routing goes and why.

        Returns (to, from, family consent, level before, team, reason, who answers for the
        receiver).
        """
        rng = self.rng
        if kind is RoutingKind.STEP_DOWN:
            to = (
                CHILDRENS_CENTRES
                if under_five and rng.random() < UNDER_FIVE_TO_CENTRE_SHARE
                else "early_support"
            )
            team = decision["allocated_team"]
            if to == CHILDRENS_CENTRES:
                team = "Children's Centre (Wealdstone)"
            reason = rng.choice(words.STEP_DOWN_REASONS)
            # A step down needs the family's consent.
            return to, SOCIAL_CARE, True, p.level, team, reason, self.reps[to]
        reason = rng.choice(words.STEP_UP_REASONS)
        # A social-care manager answers for social care.
        return (
            SOCIAL_CARE,
            "early_support",
            None,
            2,
            decision["allocated_team"],
            reason,
            (self.g.manager),
        )

    def _inform(self, p: Pending, row: dict[str, Any], signed_at: datetime) -> datetime | None:
        """Record the family, professionals and referrer told (000 L343), one after another.

        Returns when the last was recorded, or None if the history ends first.
        """
        rng = self.rng
        g = self.g
        kid = p.kid
        rid, creator = row["id"], row["created_by"]
        mother = kid.fam.mother()
        family_who = f"{mother.given} {mother.family} (mother)" if mother else "The carer"
        name, role, agency = p.referrer
        referrer_who = ", ".join(x for x in (name, role, agency) if x)[:200]
        at = row["created_at"]
        for party, who, methods in (
            (InformedParty.FAMILY, family_who, words.INFORM_ROUTING_FAMILY),
            (
                InformedParty.PROFESSIONALS,
                rng.choice(words.PROFESSIONALS_TOLD),
                words.INFORM_ROUTING_PROFESSIONALS,
            ),
            (InformedParty.REFERRER, referrer_who, words.INFORM_ROUTING_REFERRER),
        ):
            at = g._working(at, 0.1, 3.0)
            if at > self.end:
                return None
            told = max(signed_at, at - ONE_MINUTE * rng.randint(0, 45))
            method = choose(rng, methods)
            g.rows[RoutingInforming].append(
                {
                    "id": g._id(RoutingInforming),
                    "routing_id": rid,
                    "party": party.value,
                    "who": who,
                    "method": method,
                    "informed_at": told,
                    "recorded_by": creator,
                    "recorded_at": at,
                }
            )
            row["version"] += 1
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
                informed_at=told,
            )
        return at

    def _hand_over_and_answer(
        self, p: Pending, row: dict[str, Any], at: datetime, receiver: int, to: str
    ) -> datetime | None:
        """Complete the handover; the receiver acknowledges it (mostly), then answers.

        Returns when it was accepted (None: rejected, or not by the end).
        """
        rng = self.rng
        g = self.g
        rid, creator, pid = row["id"], row["created_by"], p.kid.pid
        at = (at + ONE_MINUTE * rng.randint(5, 60)).replace(microsecond=0)
        if at > self.end:
            return None
        row.update(
            status=RoutingStatus.COMPLETE.value,
            completed_by=creator,
            completed_at=at,
            version=row["version"] + 1,
        )
        g._audit(at, creator, "routing.completed", "routing", rid, pid)
        if rng.random() < ACKNOWLEDGE_FIRST_SHARE:
            at = g._working(at, 0.3, 8.0)
            if at > self.end:
                return None
            row.update(acknowledged_by=receiver, acknowledged_at=at, version=row["version"] + 1)
            g._audit(
                at,
                receiver,
                "routing.acknowledged",
                "routing",
                rid,
                pid,
                to_agency=to,
                on_behalf_of_receiver=False,
            )
        at = g._working(at, 1.0, 20.0)
        if at > self.end:
            return None
        accept = rng.random() >= ROUTING_REJECT_SHARE
        why = None if accept else rng.choice(words.REJECT_REASONS)
        acknowledged_now = row["acknowledged_at"] is None
        row.update(
            status=(RoutingStatus.ACCEPTED if accept else RoutingStatus.REJECTED).value,
            responded_by=receiver,
            responded_at=at,
            response_reason=why,
            version=row["version"] + 1,
        )
        if acknowledged_now:
            row.update(acknowledged_by=receiver, acknowledged_at=at)
        g._audit(
            at,
            receiver,
            "routing.accepted" if accept else "routing.rejected",
            "routing",
            rid,
            pid,
            reason=why,
            acknowledged_now=acknowledged_now,
        )
        return at if accept else None

    def _handover(self, p: Pending, decision: dict[str, Any], at: datetime) -> str:
        kid = p.kid
        day = at.astimezone(self.g.tz).date()
        age = kid.age_on(day)
        returned = [
            f"{self._agency_code(c['agency_id']).replace('_', ' ')}: "
            + ("nothing known" if c["nothing_known"] else (c["finding"] or "").rstrip("."))
            for c, _ in p.checks
            if c["status"] == "returned" and c["returned_at"] <= at
        ]
        name, role, _ = p.referrer
        return words.HANDOVER.format(
            child=kid.given if kid.born_by(day) else "The unborn baby",
            age="unborn" if age is None else f"{age} years",
            referrer=name or role,
            concern=words.CONCERN_WORDS.get(p.theme.code, "concerns about the child's care"),
            decision=DecisionOutcome(decision["outcome"]).label.lower(),
            checks="; ".join(returned) or "none returned yet",
        )
