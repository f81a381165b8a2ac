"""Each day's meeting: attendance, the agenda in the services' order, decisions or deferrals."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from mash_desk.domain.enums import Rag
from mash_desk.domain.meetings import (
    AgendaEntry,
    AgendaStatus,
    DecisionOutcome,
    agenda_order,
    quorum_missing,
)
from mash_desk.domain.routing import (
    SOCIAL_CARE,
)
from mash_desk.storage.models import (
    AgendaItem,
    Meeting,
    MeetingAttendance,
)
from mash_desk.synthetic import partner_text as words
from mash_desk.synthetic.meeting_rates import (
    AMEND_SHARE,
    ATTENDANCE,
    CHAIR_SHARE,
    CWDS_SHARE,
    DEFER_SHARE,
    DISCUSSION_STARTS,
    DISSENT_SHARE,
    LEVEL_DOWN_SHARE,
    LEVEL_UP_SHARE,
    NFA_AT_LEVEL_3,
    ONE_MINUTE,
    RED_LATE_SHARE,
    S47_AT_LEVEL_4,
    STEP_DOWN_AT_LEVEL_2,
    TRANSFER_SHARE,
)
from mash_desk.synthetic.meeting_state import Pending

if TYPE_CHECKING:
    from mash_desk.synthetic.people import Kid
    from mash_desk.synthetic.themes import Theme

from mash_desk.synthetic.escalations import Escalations


class Agenda(Escalations):
    """Takes each referral in, holds the meetings and decides (or defers) each child."""

    def referral(
        self,
        row: dict[str, Any],
        kid: Kid,
        theme: Theme,
        flags: frozenset[str],
        unborn: bool,
        referrer: tuple[str | None, str, str | None],
    ) -> None:
        """A referral was made: ask for checks, then decide it now (red) or queue it."""
        p = Pending(row, kid, theme, flags, unborn, referrer)
        kid.awaiting = True
        self._checks(p)
        if p.rag == Rag.RED.value:
            rng = self.rng
            hours = (
                rng.uniform(3.5, 6.0) if rng.random() < RED_LATE_SHARE else rng.uniform(0.5, 3.5)
            )
            when = (p.at + timedelta(hours=hours)).replace(microsecond=0)
            upcoming = self.next_meeting(p.at)
            if (upcoming is None or when < upcoming) and when <= self.end:
                # Decided between meetings by a manager (domain brief §4; issue 5 item 2).
                self._decide(p, None, self.g.manager, when, self.g.manager, ())
                return
        self.pending.append(p)
        if p.at >= self.siblings_from:
            home = kid.fam.hid
            self.demo_homes[home] += 1
            self.demo_siblings = self.demo_siblings or self.demo_homes[home] > 1

    def after_day(self, day: date) -> None:
        """Hold ``day``'s meeting once all its contacts are generated (not the final two)."""
        if day not in self.final and self.meets_on(day):
            self._hold(day, frozenset())

    def _hold(self, day: date, keep: frozenset[int], force_dissent: bool = False) -> None:
        """Hold ``day``'s meeting: attendance, every child on the agenda, sign-off.

        Referrals in ``keep`` are deferred (the demo day's top-up).
        """
        g = self.g
        rng = self.rng
        opened = self.opens(day)
        agenda = sorted((p for p in self.pending if p.at < opened), key=lambda p: p.id)
        if not agenda:
            return
        chair = self.chair if rng.random() < CHAIR_SHARE else g.manager
        meeting, items = self._open_meeting(day, opened, chair, agenda)
        mid = meeting["id"]
        present, at = self._attendance(meeting, opened, chair)
        at = max(at, g._local(day, DISCUSSION_STARTS))
        order = agenda_order(
            [AgendaEntry(p.id, p.kid.fam.hid, p.row["decision_due_at"], p.rag) for p in agenda]
        )
        by_id = {p.id: p for p in agenda}
        household = None
        dissent_forced = not force_dissent
        for entry in order:
            p = by_id[entry.referral_id]
            same = entry.household_id is not None and entry.household_id == household
            household = entry.household_id
            at += timedelta(seconds=rng.randint(60, 180) if same else rng.randint(180, 540))
            item = items[p.id]
            if p.id in keep or rng.random() < DEFER_SHARE:
                self._defer(p, item, mid, chair, at)
                continue
            drafter = p.handler if rng.random() < 0.6 else chair
            partners = sorted(present - {SOCIAL_CARE})
            at = self._decide(p, mid, chair, at, drafter, partners, not dissent_forced)
            dissent_forced = dissent_forced or bool(partners)
            item["status"] = AgendaStatus.DECIDED.value
        at += ONE_MINUTE * rng.randint(2, 10)
        meeting.update(signed_off_by=chair, signed_off_at=at, version=meeting["version"] + 1)
        g._audit(at, chair, "meeting.signed_off", "meeting", mid, None)
        self.pending = [p for p in self.pending if not p.decided]

    def _open_meeting(
        self, day: date, opened: datetime, chair: int, agenda: list[Pending]
    ) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
        """Write the meeting and its agenda items; return the meeting's row and the items."""
        g = self.g
        mid = g._id(Meeting)
        meeting: dict[str, Any] = {
            "id": mid,
            "meeting_date": day,
            "chair_id": chair,
            "created_at": opened,
            "quorum_reason": None,
            "quorum_reason_by": None,
            "quorum_reason_at": None,
            "signed_off_by": None,
            "signed_off_at": None,
            "version": 1,
        }
        g.rows[Meeting].append(meeting)
        g._audit(
            opened,
            chair,
            "meeting.created",
            "meeting",
            mid,
            None,
            meeting_date=day.isoformat(),
            agenda=[p.id for p in agenda],
        )
        items: dict[int, dict[str, Any]] = {}
        for p in agenda:
            item = {
                "id": g._id(AgendaItem),
                "meeting_id": mid,
                "referral_id": p.id,
                "status": AgendaStatus.PENDING.value,
                "deferred_reason": None,
                "deferred_by": None,
                "deferred_at": None,
            }
            items[p.id] = item
            g.rows[AgendaItem].append(item)
        return meeting, items

    def _attendance(
        self, meeting: dict[str, Any], opened: datetime, chair: int
    ) -> tuple[set[str], datetime]:
        """Record who came, one row (and audit) per person as the chair records it.

        Quorum agencies that did not come send apologies; an inquorate meeting goes ahead with
        the chair's reason. Returns the agencies present and the time after the roll call.
        """
        g = self.g
        rng = self.rng
        mid = meeting["id"]
        at = opened + ONE_MINUTE * rng.randint(1, 4)
        presenter = rng.choice(g.practitioners)
        people = [
            (SOCIAL_CARE, self.names[chair], True),
            (SOCIAL_CARE, self.names[presenter], True),
        ]
        for code, share in ATTENDANCE:
            if code not in self.agencies:
                continue
            here = rng.random() < share
            name = self.rosters[code][0 if rng.random() < 0.85 else 1]
            if here or code in self.policy.quorum:
                people.append((code, name, here))  # quorum agencies send apologies
        present: set[str] = set()
        for code, name, here in people:
            g.rows[MeetingAttendance].append(
                {
                    "id": g._id(MeetingAttendance),
                    "meeting_id": mid,
                    "agency_id": self.agencies[code],
                    "attendee_name": name,
                    "present": here,
                    "recorded_by": chair,
                    "recorded_at": at,
                }
            )
            g._audit(
                at,
                chair,
                "meeting.attendance",
                "meeting",
                mid,
                None,
                agency=code,
                attendee=name,
                present=here,
            )
            if here:
                present.add(code)
            at += ONE_MINUTE
        missing = quorum_missing(self.policy.quorum, present)
        if missing:
            reason = rng.choice(words.QUORUM_REASONS)
            meeting.update(
                quorum_reason=reason, quorum_reason_by=chair, quorum_reason_at=at, version=2
            )
            g._audit(
                at,
                chair,
                "meeting.quorum_overridden",
                "meeting",
                mid,
                None,
                missing=list(missing),
                reason=reason,
            )
            self.counts["inquorate"] += 1
        return present, at

    def _defer(self, p: Pending, item: dict[str, Any], mid: int, chair: int, at: datetime) -> None:
        """Defer the child to a later meeting: for the checks still out, or another reason."""
        waiting = sorted(
            {
                self._agency_code(c["agency_id"])
                for c, _ in p.checks
                if c["status"] == "requested"
                or (c["returned_at"] is not None and c["returned_at"] > at)
            }
        )
        reason = (
            words.DEFER_FOR_CHECKS.format(agencies=" and ".join(waiting))
            if waiting
            else self.rng.choice(words.DEFER_REASONS)
        )
        item.update(
            status=AgendaStatus.DEFERRED.value,
            deferred_reason=reason,
            deferred_by=chair,
            deferred_at=at,
        )
        self.g._audit(
            at,
            chair,
            "meeting.item_deferred",
            "agenda_item",
            item["id"],
            p.kid.pid,
            meeting_id=mid,
            referral_id=p.id,
            reason=reason,
        )
        self.counts["deferred"] += 1

    # --- one decision -------------------------------------------------------------------------

    def _choose(self, p: Pending, day: date) -> tuple[int, DecisionOutcome]:
        """The level the meeting applies and its outcome (domain brief §3, §5)."""
        rng = self.rng
        kid = p.kid
        level = p.level or 3
        r = rng.random()
        if r < LEVEL_DOWN_SHARE and level > 1:
            level -= 1
        elif r < LEVEL_DOWN_SHARE + LEVEL_UP_SHARE and level < 4:
            level += 1
        if kid.open_on(day) and kid.open_service not in (None, "early_help"):
            return level, DecisionOutcome.FORWARD_OPEN_CASE
        if rng.random() < TRANSFER_SHARE:
            return level, DecisionOutcome.TRANSFER_COUNCIL
        if kid.disability and level >= 3 and rng.random() < CWDS_SHARE:
            return level, DecisionOutcome.CWDS
        if level >= 4:
            s47 = rng.random() < S47_AT_LEVEL_4
            return level, DecisionOutcome.S47 if s47 else DecisionOutcome.SINGLE_ASSESSMENT
        if level == 3:
            # Information requests and absent-parenting needs end in NFA more often.
            share = 0.5 if p.row["primary_need"] in ("N9", "N0") else NFA_AT_LEVEL_3
            nfa = rng.random() < share
            return level, DecisionOutcome.NFA if nfa else DecisionOutcome.SINGLE_ASSESSMENT
        step_down = rng.random() < STEP_DOWN_AT_LEVEL_2
        return level, DecisionOutcome.STEP_DOWN if step_down else DecisionOutcome.NFA

    def _decide(
        self,
        p: Pending,
        meeting_id: int | None,
        signer: int,
        at: datetime,
        drafter: int,
        present: list[str] | tuple[str, ...],
        force_dissent: bool = False,
    ) -> datetime:
        """Draft and sign the decision on ``p`` at ``at``; return when it was signed."""
        rng = self.rng
        g = self.g
        day = at.astimezone(g.tz).date()
        level, outcome = self._choose(p, day)
        signed_at = min(at + timedelta(seconds=rng.randint(30, 150)), max(at, self.end))
        decision, actions = self._version(
            p, meeting_id, outcome, level, drafter, at, signer, signed_at
        )
        # Dissent (which may end in an amendment), or now and then an amendment anyway.
        amended: datetime | None = None
        if meeting_id is not None and present:
            self.last_decided = (p, decision, present, signed_at)
        self.recent_decided.append((p, decision, signed_at))
        if meeting_id is not None and present and (force_dissent or rng.random() < DISSENT_SHARE):
            amended = self._dissent(p, decision, present, signed_at, stay_open=force_dissent)
        elif rng.random() < AMEND_SHARE:
            later = g._working(signed_at, 2.0, 30.0)
            amended = self._amend(p, decision, later, rng.choice((self.chair, g.manager)), None)
        # Once amended, the old version's open actions are superseded: no longer worked.
        for row, agency in actions:
            self._work_action(p, decision, row, agency, signed_at, amended or self.end)
        p.kid.awaiting = False
        p.decided = True
        self.counts["decisions"] += 1
        return signed_at
