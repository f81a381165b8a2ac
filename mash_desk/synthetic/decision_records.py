"""A signed decision as ``DecisionService`` writes it: assessment, version, actions, feedback."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from mash_desk.domain.meetings import (
    ALLOCATED_OUTCOMES,
    DecisionOutcome,
    Pathway,
    outcome_fits_level,
)
from mash_desk.domain.routing import (
    CHILDRENS_CENTRES,
)
from mash_desk.storage.models import (
    Decision,
    DecisionAction,
    DecisionActionUpdate,
    DecisionPathway,
    ReferrerFeedback,
)
from mash_desk.synthetic import partner_text as words
from mash_desk.synthetic.catalogue import (
    EARLY_HELP_TEAMS,
    LEVEL_LOWERED,
    LEVEL_RAISED,
    LEVEL_RATIONALES,
    SOCIAL_CARE_TEAMS,
)
from mash_desk.synthetic.meeting_rates import (
    ACTION_LATE_SHARE,
    ACTION_NEVER_SHARE,
    ACTION_NOT_DONE_SHARE,
    ACTION_PROGRESS_SHARE,
    DECISION_OVERRIDE_SHARE,
    FEEDBACK_LATE_SHARE,
    FEEDBACK_METHODS,
    FEEDBACK_NEVER_SHARE,
    ONE_DAY,
    ONE_HOUR,
    RECENT,
    SIGNED,
)
from mash_desk.synthetic.meeting_state import Pending
from mash_desk.synthetic.names import choose
from mash_desk.synthetic.strategy import StrategyDiscussions


class DecisionRecords(StrategyDiscussions):
    """Writes decision versions with their pathways, actions and the referrer's feedback."""

    def _assessment(self, p: Pending, level: int, user: int, at: datetime) -> int:
        """The decision's threshold assessment (``record_assessment`` of kind ``decision``)."""
        rng = self.rng
        g = self.g
        suggested = level
        rationale = rng.choice(LEVEL_RATIONALES[level])
        if rng.random() < DECISION_OVERRIDE_SHARE:
            picker = g.picker
            if level <= picker.lowest:
                suggested = level + 1
            elif level >= picker.highest:
                suggested = level - 1
            else:
                suggested = level + rng.choice((-1, 1))
            rationale = rng.choice(LEVEL_LOWERED if level < suggested else LEVEL_RAISED)
        ticked = g.picker.tick(rng, suggested, p.flags, p.theme.code, p.unborn)
        return g._assessment(
            "decision",
            p.kid.pid,
            None,
            suggested,
            level,
            rationale,
            ticked,
            user,
            at,
            referral_id=p.id,
        )

    def _version(
        self,
        p: Pending,
        meeting_id: int | None,
        outcome: DecisionOutcome,
        level: int,
        drafter: int,
        drafted_at: datetime,
        signer: int,
        signed_at: datetime,
        amends: dict[str, Any] | None = None,
        reason: str | None = None,
    ) -> tuple[dict[str, Any], list[tuple[dict[str, Any], str | None]]]:
        """Write one signed decision version with everything signing does.

        Returns its row and its actions (with their owner agency) for the caller to work.
        """
        rng = self.rng
        g = self.g
        kid = p.kid
        assessment = self._assessment(p, level, drafter, drafted_at)
        team, worker = self._allocation(p, outcome)
        pathways = [
            pathway
            for pathway, share in words.PATHWAYS_BY_THEME.get(p.theme.code, ())
            if rng.random() < share
        ]
        row = self._decision_row(p, meeting_id, outcome, level, assessment, team, worker, amends)
        row.update(
            amendment_reason=reason,
            drafted_by=drafter,
            drafted_at=drafted_at,
            signed_by=signer,
            signed_at=signed_at,
        )
        if outcome is DecisionOutcome.S47:
            # The service keeps the first s47 version's start and otherwise signs it today.
            day = signed_at.astimezone(g.tz).date()
            row["s47_started_on"] = (amends or {}).get("s47_started_on") or day
        did = row["id"]
        g.rows[Decision].append(row)
        for pathway in pathways:
            g.rows[DecisionPathway].append(
                {"id": g._id(DecisionPathway), "decision_id": did, "pathway": pathway.value}
            )
        actions = self._actions(p, row, pathways, worker or drafter, signed_at)
        detail = {
            "referral_id": p.id,
            "meeting_id": meeting_id,
            "revision": row["revision"],
            "outcome": outcome.value,
            "level": level,
            "assessment": assessment,
            "document": row["document_id"],
            "document_version": row["document_version"],
            "pathways": [pw.value for pw in pathways],
            "actions": len(actions),
            "allocated_team": team,
        }
        if amends is None:
            g._audit(drafted_at, drafter, "decision.drafted", "decision", did, kid.pid, **detail)
        self._decide_referral(p, outcome, level, team, worker, amends is None)
        self._feedback(p, did, signer, signed_at)
        self._audit_signing(p, row, detail, amends)
        self._follow(p, row, outcome, level, signed_at, amends)
        return row, actions

    def _allocation(self, p: Pending, outcome: DecisionOutcome) -> tuple[str | None, int | None]:
        """Return the team (and sometimes the worker) the outcome allocates the child to."""
        rng = self.rng
        team = worker = None
        if outcome in words.ALLOCATED_TEAMS:
            team = choose(rng, words.ALLOCATED_TEAMS[outcome])
        elif outcome is DecisionOutcome.FORWARD_OPEN_CASE:
            team = SOCIAL_CARE_TEAMS.get(p.kid.open_service or "", "Children in Need Team")
        elif outcome is DecisionOutcome.STEP_DOWN:
            team = rng.choice(EARLY_HELP_TEAMS)
        if outcome in ALLOCATED_OUTCOMES and rng.random() < 0.7:
            worker = rng.choice(self.g.practitioners)
        return team, worker

    def _decision_row(
        self,
        p: Pending,
        meeting_id: int | None,
        outcome: DecisionOutcome,
        level: int,
        assessment: int,
        team: str | None,
        worker: int | None,
        amends: dict[str, Any] | None,
    ) -> dict[str, Any]:
        """Return the decision's row with what the chair wrote (who signed is added after)."""
        rng = self.rng
        g = self.g
        did = g._id(Decision)
        inform_professionals = rng.choice(words.INFORM_PROFESSIONALS)
        if outcome is DecisionOutcome.TRANSFER_COUNCIL:
            inform_professionals = (
                f"{rng.choice(words.TRANSFER_COUNCILS)} children's services by secure email"
            )
        return {
            "id": did,
            "referral_id": p.id,
            "person_id": p.kid.pid,
            "meeting_id": meeting_id,
            "revision": 1 if amends is None else amends["revision"] + 1,
            "amends_id": None if amends is None else amends["id"],
            "amendment_reason": None,
            "status": SIGNED,
            "outcome": outcome.value,
            "level": level,
            "assessment_id": assessment,
            "document_id": g.document_key[0],
            "document_version": g.document_key[1],
            "rationale": rng.choice(words.RATIONALES[outcome]),
            "inform_family": rng.choice(words.INFORM_FAMILY),
            "inform_referrer": rng.choice(words.INFORM_REFERRER),
            "inform_professionals": inform_professionals,
            "allocated_team": team,
            "allocated_worker_id": worker,
            # The service asks why only when outcome and level part ways; a generated
            # decision that does says so as a chair would.
            "outcome_level_reason": None
            if outcome_fits_level(outcome, level)
            else "Agreed at the meeting on the agencies' information, against the usual route.",
            "s47_started_on": None,
            "drafted_by": None,
            "drafted_at": None,
            "signed_by": None,
            "signed_at": None,
            # Inserted as a draft (1), then signed (2) — in one transaction for an amendment.
            "version": 2,
        }

    def _decide_referral(
        self,
        p: Pending,
        outcome: DecisionOutcome,
        level: int,
        team: str | None,
        worker: int | None,
        first: bool,
    ) -> None:
        """Signing decides the referral and fills what the returns read (DecisionService)."""
        ref = p.row
        before = (ref["referral_nfa"], ref["level"], ref["team"], ref["assigned_to"])
        ref.update(status="decided", referral_nfa=outcome is DecisionOutcome.NFA, level=level)
        if team is not None:
            ref["team"] = team
        if worker is not None:
            ref["assigned_to"] = worker
        if first or before != (
            ref["referral_nfa"],
            ref["level"],
            ref["team"],
            ref["assigned_to"],
        ):
            ref["version"] += 1

    def _audit_signing(
        self,
        p: Pending,
        row: dict[str, Any],
        detail: dict[str, Any],
        amends: dict[str, Any] | None,
    ) -> None:
        """Audit the signature: ``decision.signed``, or ``decision.amended`` for a new version."""
        g = self.g
        signer = row["signed_by"]
        if amends is None:
            g._audit(
                row["signed_at"],
                signer,
                "decision.signed",
                "decision",
                row["id"],
                p.kid.pid,
                outcome=row["outcome"],
                meeting_id=row["meeting_id"],
                between_meetings=row["meeting_id"] is None,
                referral_nfa=p.row["referral_nfa"],
                allocated_team=row["allocated_team"],
                allocated_worker_id=row["allocated_worker_id"],
                s47_started_on=row["s47_started_on"],
            )
            return
        g._audit(
            row["signed_at"],
            signer,
            "decision.amended",
            "decision",
            row["id"],
            p.kid.pid,
            amends=amends["id"],
            reason=row["amendment_reason"],
            referral_nfa=p.row["referral_nfa"],
            **detail,
        )
        self.counts["amendments"] += 1

    def _actions(
        self,
        p: Pending,
        decision: dict[str, Any],
        pathways: list[Pathway],
        person: int,
        signed_at: datetime,
    ) -> list[tuple[dict[str, Any], str | None]]:
        """Write the decision's actions; return them with their owner agency."""
        rng = self.rng
        g = self.g
        outcome = DecisionOutcome(decision["outcome"])
        base = list(words.ACTIONS[outcome])
        chosen = base[:1] + [a for a in base[1:] if rng.random() < 0.6]
        chosen += [words.PATHWAY_ACTIONS[pw] for pw in pathways]
        if outcome is DecisionOutcome.STEP_DOWN and self._under_five(p, signed_at):
            chosen.append(
                ("Children's centre to contact the family about its offer", CHILDRENS_CENTRES, 10)
            )
        day = signed_at.astimezone(g.tz).date()
        made = []
        for description, owner, days in chosen:
            due_on = day + timedelta(days=days)
            agency = None if owner == "worker" else owner
            row: dict[str, Any] = {
                "id": g._id(DecisionAction),
                "decision_id": decision["id"],
                "description": description,
                "owner_agency_id": None if agency is None else self.agencies[agency],
                "owner_user_id": person if agency is None else None,
                "due_on": due_on,
                "status": "open",
                "closed_by": None,
                "closed_at": None,
                "closing_note": None,
                "version": 1,
            }
            g.rows[DecisionAction].append(row)
            made.append((row, agency))
        return made

    def _work_action(
        self,
        p: Pending,
        decision: dict[str, Any],
        row: dict[str, Any],
        agency: str | None,
        signed_at: datetime,
        until: datetime,
    ) -> None:
        """The owner records progress and closes the action (``ActionService``), or not yet.

        Nothing is done to it after ``until`` (the end, or when its decision was amended).
        """
        rng = self.rng
        g = self.g
        r = rng.random()
        if r < ACTION_NEVER_SHARE and row["due_on"] >= self.end_day - RECENT:
            return  # still open: on the manager's overdue list once past due
        due_end = g._local(row["due_on"], time(17))
        if r < ACTION_NEVER_SHARE + ACTION_LATE_SHARE:
            closed = due_end + ONE_DAY * rng.uniform(0.5, 6.0)
        else:
            closed = signed_at + (due_end - signed_at) * rng.uniform(0.2, 1.0)
        closed = closed.replace(microsecond=0)
        who = row["owner_user_id"] if agency is None else self.reps.get(agency, p.handler)
        common = {
            "decision_id": decision["id"],
            "referral_id": p.id,
            "owner_agency": agency,
        }
        if rng.random() < ACTION_PROGRESS_SHARE:
            noted = signed_at + (closed - signed_at) * rng.uniform(0.2, 0.7)
            noted = noted.replace(microsecond=0)
            if noted <= until:
                note = "Family contacted; work under way."
                self._action_note(row, note, "open", who, noted)
                g._audit(
                    noted,
                    who,
                    "decision_action.updated",
                    "decision_action",
                    row["id"],
                    p.kid.pid,
                    note=note,
                    **common,
                )
        if closed > until:
            return
        done = rng.random() >= ACTION_NOT_DONE_SHARE
        status = "done" if done else "not_done"
        note = rng.choice(words.ACTION_DONE_NOTES if done else words.ACTION_NOT_DONE_NOTES)
        row.update(status=status, closed_by=who, closed_at=closed, closing_note=note)
        self._action_note(row, note, status, who, closed)
        g._audit(
            closed,
            who,
            "decision_action.closed",
            "decision_action",
            row["id"],
            p.kid.pid,
            status=status,
            note=note,
            due_on=row["due_on"],
            late=closed.astimezone(g.tz).date() > row["due_on"],
            **common,
        )

    def _action_note(
        self, row: dict[str, Any], note: str, status: str, who: int, at: datetime
    ) -> None:
        self.g.rows[DecisionActionUpdate].append(
            {
                "id": self.g._id(DecisionActionUpdate),
                "action_id": row["id"],
                "note": note,
                "status_after": status,
                "written_by": who,
                "written_at": at,
            }
        )
        row["version"] += 1

    def _feedback(self, p: Pending, decision_id: int, signer: int, signed_at: datetime) -> None:
        """The referrer's feedback record, due in 1 working day, and when it was sent."""
        rng = self.rng
        g = self.g
        due = self.deadlines.due(self.policy.referrer_feedback, signed_at)
        fid = g._id(ReferrerFeedback)
        row: dict[str, Any] = {
            "id": fid,
            "decision_id": decision_id,
            "referral_id": p.id,
            "due_at": due,
            "sent_at": None,
            "sent_by": None,
            "method": None,
            "version": 1,
        }
        g.rows[ReferrerFeedback].append(row)
        g._audit(
            signed_at,
            signer,
            "referrer_feedback.created",
            "referrer_feedback",
            fid,
            p.kid.pid,
            decision_id=decision_id,
            due_at=due,
        )
        r = rng.random()
        if r < FEEDBACK_NEVER_SHARE and signed_at.date() >= self.end_day - RECENT:
            return  # not sent yet: on the manager's overdue list
        if r < FEEDBACK_NEVER_SHARE + FEEDBACK_LATE_SHARE:
            sent = due + ONE_HOUR * rng.uniform(0.5, 48)
        else:
            sent = signed_at + (due - signed_at) * rng.uniform(0.02, 0.95)
        sent = sent.replace(microsecond=0)
        if sent > self.end:
            return
        method = choose(rng, FEEDBACK_METHODS)
        sender = rng.choice(g.practitioners)
        row.update(sent_at=sent, sent_by=sender, method=method, version=2)
        g._audit(
            sent,
            sender,
            "referrer_feedback.sent",
            "referrer_feedback",
            fid,
            p.kid.pid,
            method=method,
            sent_at=sent,
            late=sent > due,
        )
