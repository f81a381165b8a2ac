"""Referral decisions, amendments, dissent with its escalations, and referrer feedback.

A decision is drafted (by a practitioner, manager or chair) and signed by the meeting's chair,
or — for a red referral between meetings — by a manager with no meeting. Its level goes
through the threshold engine and is stored as an assessment of kind ``decision`` with the
document version used. A signed decision is never edited: :meth:`DecisionService.amend`
adds the next version with its reason and both are kept (:meth:`DecisionService.history`).

Signing decides the referral and fills what the national returns read: ``referral_nfa`` on
the referral, allocated team and worker and the s47 start date on the decision. Every signed
version creates the referrer's feedback record, due by the meeting policy's clock (1 working
day). Dissent by an agency present at the meeting opens stage 1 of the escalation protocol.
Every change writes its audit row (with the child's person id) in the same transaction.

Two people deciding the same referral at once: the database keeps one draft per referral (a
partial unique index) and one version per revision, so whoever is second — however the two
interleave — is refused with a ValidationError naming who drafted or amended it and when.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from mash_desk.domain.changes import ChangeKey, Kind, Topic, change_keys, record_key
from mash_desk.domain.enums import Rag, WorkStatus
from mash_desk.domain.errors import FieldError, NotFound, ValidationError
from mash_desk.domain.meetings import (
    ALLOCATED_OUTCOMES,
    AgendaStatus,
    DecisionOutcome,
    DecisionStatus,
    Pathway,
)
from mash_desk.domain.permissions import Permission
from mash_desk.domain.text import clean_narrative
from mash_desk.services.context import Unit, check_version
from mash_desk.services.decision_input import CheckedDecision, check_decision_input
from mash_desk.services.decision_records import (
    ActionDTO,
    ActionInput,
    DecisionDTO,
    DecisionInput,
    EscalationDTO,
    FeedbackDTO,
    action_dto,
    assemble_decision_dto,
)
from mash_desk.services.decision_signing import FIRST_READ, sign_decision
from mash_desk.services.dto import Actor, OpResult
from mash_desk.services.escalations import EscalationService, read_escalations
from mash_desk.services.meetings import meeting_policy, quorum_problem
from mash_desk.services.referrer_feedback import ReferrerFeedbackService
from mash_desk.services.thresholds import record_assessment
from mash_desk.storage.models import (
    Agency,
    AgendaItem,
    AssessmentIndicator,
    Decision,
    DecisionAction,
    DecisionPathway,
    Meeting,
    Referral,
    ReferrerFeedback,
    ThresholdAssessment,
    User,
)

# Importers of the records, and of the escalations' read, find them here as before.
__all__ = [
    "ActionDTO",
    "ActionInput",
    "DecisionDTO",
    "DecisionInput",
    "DecisionService",
    "EscalationDTO",
    "FeedbackDTO",
    "action_dto",
    "assemble_decision_dto",
    "read_escalations",
]


class DecisionService(EscalationService, ReferrerFeedbackService):
    """Draft, sign and amend decisions; escalations and referrer feedback come with it.

    Dissent and escalations live in :mod:`~mash_desk.services.escalations`, referrer feedback
    in :mod:`~mash_desk.services.referrer_feedback`; the desk's one ``decisions`` service
    answers them all.
    """

    # ---- decisions -----------------------------------------------------------------------

    def draft(
        self, actor: Actor, referral_id: int, details: DecisionInput, meeting_id: int | None = None
    ) -> OpResult[DecisionDTO]:
        """Draft the decision on a referral, at a meeting or (red only) between meetings.

        Someone else's draft (or a decision made meanwhile) is refused with a message naming
        them, whether it is seen before the insert or only by the database's one-draft index.
        """
        try:
            return self._draft(actor, referral_id, details, meeting_id)
        except IntegrityError as exc:
            raise self._taken_after(actor, referral_id, 0, exc) from exc

    def _draft(
        self, actor: Actor, referral_id: int, details: DecisionInput, meeting_id: int | None
    ) -> OpResult[DecisionDTO]:
        with self.writing(actor, Permission.DRAFT_DECISION) as unit:
            referral = _awaiting(unit, referral_id)
            errors = self._where_errors(unit, referral, meeting_id)
            taken = _taken(unit, referral.id, 0, self.ctx.tz, any_newer=False)
            if taken is not None:
                errors.append(taken)
            checked, level = self._check(unit, referral, details, errors)
            revision = (
                unit.session.scalar(
                    select(func.max(Decision.revision)).where(Decision.referral_id == referral.id)
                )
                or 0
            ) + 1
            decision = Decision(
                referral_id=referral.id,
                person_id=referral.person_id,
                meeting_id=meeting_id,
                revision=revision,
                status=DecisionStatus.DRAFT.value,
                drafted_by=unit.user_id,
                drafted_at=unit.now,
            )
            self._fill(unit, decision, checked, level)
            unit.audit(
                "decision.drafted",
                "decision",
                decision.id,
                person_id=referral.person_id,
                **_audit_detail(decision, checked),
            )
            return OpResult(_dto(unit, decision), _changed(referral))

    def redraft(
        self, actor: Actor, decision_id: int, expected_version: int, details: DecisionInput
    ) -> OpResult[DecisionDTO]:
        """Change a draft decision (a signed one is never edited: amend it)."""
        with self.writing(actor, Permission.DRAFT_DECISION) as unit:
            # Locked first (PostgreSQL; SQLite has one writer anyway): a second person saving
            # the same draft waits here, then meets the new version, instead of half-replacing
            # pathways the first has already replaced.
            decision = unit.session.get(Decision, decision_id, with_for_update=True)
            if decision is None:
                raise NotFound(f"No decision {decision_id}")
            check_version(decision, expected_version, "decision")
            _require_draft(decision)
            referral = _awaiting(unit, decision.referral_id)
            errors = self._where_errors(unit, referral, decision.meeting_id)
            checked, level = self._check(unit, referral, details, errors)
            # Whatever rows are there now go, even ones a second person saved a moment ago:
            # the version check on the decision row then refuses this unit and undoes it all.
            for model in (DecisionPathway, DecisionAction):
                unit.session.execute(delete(model).where(model.decision_id == decision.id))
            self._fill(unit, decision, checked, level)
            unit.audit(
                "decision.redrafted",
                "decision",
                decision.id,
                person_id=decision.person_id,
                **_audit_detail(decision, checked),
            )
            return OpResult(_dto(unit, decision), _changed(referral))

    def sign(self, actor: Actor, decision_id: int, expected_version: int) -> OpResult[DecisionDTO]:
        """Sign a draft: the meeting's chair, or a manager for a red referral between meetings."""
        policy = meeting_policy(self.ctx)
        with self.writing_first(
            actor, Permission.SIGN_DECISION, FIRST_READ, decision_id=decision_id
        ) as (unit, row):
            due = self.ctx.deadlines.due(policy.referrer_feedback, unit.now)
            signed, referral_id, person_id = sign_decision(
                unit, decision_id, row, policy, expected_version, due
            )
            return OpResult(signed, _changed_keys(referral_id, person_id) | {Topic.FEEDBACK})

    def amend(
        self,
        actor: Actor,
        decision_id: int,
        expected_version: int,
        details: DecisionInput,
        reason: str | None,
    ) -> OpResult[DecisionDTO]:
        """Amend the latest signed decision: a new signed version with its reason; both kept.

        A newer version made meanwhile (seen before the insert, or only by the unique index
        on referral and revision when two amendments race) is refused naming who made it.
        """
        try:
            return self._amend(actor, decision_id, expected_version, details, reason)
        except IntegrityError as exc:
            with self.reading(actor, Permission.VIEW_DECISIONS) as unit:
                old = _decision(unit, decision_id)
                referral_id, revision = old.referral_id, old.revision
            raise self._taken_after(actor, referral_id, revision, exc) from exc

    def _amend(
        self,
        actor: Actor,
        decision_id: int,
        expected_version: int,
        details: DecisionInput,
        reason: str | None,
    ) -> OpResult[DecisionDTO]:
        text, problem = clean_narrative(reason, "reason", "Reason for the amendment", required=True)
        with self.writing(actor, Permission.SIGN_DECISION) as unit:
            old = _decision(unit, decision_id)
            check_version(old, expected_version, "decision")
            errors = [problem] if problem else []
            if old.status != DecisionStatus.SIGNED.value:
                errors.append(FieldError("status", "signed", "Only a signed decision is amended"))
            elif (taken := _taken(unit, old.referral_id, old.revision, self.ctx.tz)) is not None:
                errors.append(taken)
            referral = unit.session.get(Referral, old.referral_id)
            assert referral is not None
            checked, level = self._check(unit, referral, details, errors)
            new = Decision(
                referral_id=referral.id,
                person_id=referral.person_id,
                meeting_id=None,
                revision=old.revision + 1,
                amends_id=old.id,
                amendment_reason=text,
                status=DecisionStatus.DRAFT.value,
                drafted_by=unit.user_id,
                drafted_at=unit.now,
            )
            self._fill(unit, new, checked, level, keep_s47=old.s47_started_on)
            problems = _sign_errors(new)
            if problems:
                raise ValidationError(problems)
            self._signed(unit, new, referral)
            unit.audit(
                "decision.amended",
                "decision",
                new.id,
                person_id=new.person_id,
                amends=old.id,
                reason=text,
                referral_nfa=referral.referral_nfa,
                **_audit_detail(new, checked),
            )
            return OpResult(_dto(unit, new), _changed(referral) | {Topic.FEEDBACK})

    def history(self, actor: Actor, referral_id: int) -> tuple[DecisionDTO, ...]:
        """Every version of a referral's decision, first first (drafts included)."""
        with self.reading(actor, Permission.VIEW_DECISIONS) as unit:
            unit.load(Referral, referral_id, what="referral")
            rows = unit.session.scalars(
                select(Decision)
                .where(Decision.referral_id == referral_id)
                .order_by(Decision.revision)
            ).all()
            return tuple(_dto(unit, d) for d in rows)

    # ---- helpers -------------------------------------------------------------------------

    def _taken_after(
        self, actor: Actor, referral_id: int, revision: int, exc: IntegrityError
    ) -> ValidationError | IntegrityError:
        """After a unique-index refusal (the unit rolled back): who got there first.

        Read in a fresh transaction, so it sees the winner's committed row. An integrity
        error that no newer version explains is a fault, not a race, and is returned as is.
        """
        with self.reading(actor, Permission.VIEW_DECISIONS) as unit:
            taken = _taken(unit, referral_id, revision, self.ctx.tz)
        return ValidationError(taken) if taken is not None else exc

    def _where_errors(
        self, unit: Unit, referral: Referral, meeting_id: int | None
    ) -> list[FieldError]:
        """Why the decision may not be made here (empty list: it may).

        At an open, quorate meeting with the child on its agenda, or red only between meetings.
        """
        if meeting_id is None:
            if referral.rag != Rag.RED.value:
                return [
                    FieldError(
                        "meeting",
                        "red_between_meetings",
                        "Only a red referral is decided between meetings; bring this one to "
                        "the daily meeting",
                    )
                ]
            return []
        meeting = unit.load(Meeting, meeting_id, what="meeting")
        if meeting.signed_off_at is not None:
            return [FieldError("meeting", "signed_off", "This meeting is signed off")]
        errors = []
        status = unit.session.scalar(
            select(AgendaItem.status).where(
                AgendaItem.meeting_id == meeting_id, AgendaItem.referral_id == referral.id
            )
        )
        if status is None:
            errors.append(
                FieldError("meeting", "on_agenda", "This referral is not on the meeting's agenda")
            )
        elif status == AgendaStatus.DEFERRED.value:
            errors.append(
                FieldError("meeting", "deferred", "This child was deferred to a later meeting")
            )
        problem = quorum_problem(unit, meeting, meeting_policy(self.ctx))
        return errors + ([problem] if problem else [])

    def _check(
        self, unit: Unit, referral: Referral, d: DecisionInput, errors: list[FieldError]
    ) -> tuple[CheckedDecision, tuple]:
        """Validate every field in one pass (with ``errors`` found earlier); raise if any."""
        return check_decision_input(
            unit, self.ctx.thresholds.library(unit.conn), referral.person_id, d, errors
        )

    def _fill(
        self,
        unit: Unit,
        decision: Decision,
        checked: CheckedDecision,
        level: tuple,
        keep_s47: date | None = None,
    ) -> None:
        used, suggestion, choice = level
        assessment = record_assessment(
            unit,
            used,
            suggestion,
            choice,
            kind="decision",
            person_id=decision.person_id,
            referral_id=decision.referral_id,
        )
        decision.outcome = checked.outcome.value
        decision.level = choice.level
        decision.assessment_id = assessment.id
        decision.document_id = used.id
        decision.document_version = used.version
        decision.rationale = checked.rationale
        decision.inform_family, decision.inform_referrer, decision.inform_professionals = (
            checked.inform
        )
        decision.allocated_team = checked.team
        decision.allocated_worker_id = checked.worker_id
        decision.outcome_level_reason = checked.outcome_level_reason
        decision.s47_started_on = keep_s47 if checked.outcome is DecisionOutcome.S47 else None
        unit.session.add(decision)
        unit.session.flush()
        unit.session.add_all(
            DecisionPathway(decision_id=decision.id, pathway=p.value) for p in checked.pathways
        )
        unit.session.add_all(
            DecisionAction(
                decision_id=decision.id,
                description=text,
                owner_agency_id=agency_id,
                owner_user_id=user_id,
                due_on=due_on,
            )
            for text, agency_id, user_id, due_on in checked.actions
        )
        unit.session.flush()

    def _signed(self, unit: Unit, decision: Decision, referral: Referral) -> None:
        """Sign ``decision`` and fill what the national returns read; create the feedback."""
        decision.status = DecisionStatus.SIGNED.value
        decision.signed_by = unit.user_id
        decision.signed_at = unit.now
        if decision.outcome == DecisionOutcome.S47.value and decision.s47_started_on is None:
            decision.s47_started_on = unit.today
        referral.status = WorkStatus.DECIDED.value
        referral.referral_nfa = decision.outcome == DecisionOutcome.NFA.value
        referral.level = decision.level
        if decision.allocated_team is not None:
            referral.team = decision.allocated_team
        if decision.allocated_worker_id is not None:
            referral.assigned_to = decision.allocated_worker_id
        if decision.meeting_id is not None:
            item = unit.session.scalar(
                select(AgendaItem).where(
                    AgendaItem.meeting_id == decision.meeting_id,
                    AgendaItem.referral_id == referral.id,
                )
            )
            if item is not None:
                item.status = AgendaStatus.DECIDED.value
        unit.session.flush()
        due = self.ctx.deadlines.due(meeting_policy(self.ctx).referrer_feedback, unit.now)
        feedback = ReferrerFeedback(decision_id=decision.id, referral_id=referral.id, due_at=due)
        unit.session.add(feedback)
        unit.session.flush()
        unit.audit(
            "referrer_feedback.created",
            "referrer_feedback",
            feedback.id,
            person_id=referral.person_id,
            decision_id=decision.id,
            due_at=due,
        )


def _awaiting(unit: Unit, referral_id: int) -> Referral:
    return unit.load(
        Referral,
        referral_id,
        what="referral",
        status=WorkStatus.AWAITING_DECISION.value,
        wrong_status=FieldError(
            "referral",
            "awaiting_decision",
            "This referral is already decided; amend its signed decision instead",
        ),
    )


def _decision(unit: Unit, decision_id: int) -> Decision:
    return unit.load(Decision, decision_id, what="decision")


def _taken(
    unit: Unit, referral_id: int, revision: int, tz: ZoneInfo, *, any_newer: bool = True
) -> FieldError | None:
    """Why no version after ``revision`` may be made now: someone made one (None: free).

    A draft by anyone is "already drafting". With ``any_newer``, a signed version after
    ``revision`` says who amended (or decided) it and when, in the MASH's own time.
    """
    columns = (Decision.status, Decision.revision, Decision.drafted_at, Decision.signed_at)
    draft = unit.session.execute(
        select(*columns, User.display_name)
        .join(User, User.id == Decision.drafted_by)
        .where(Decision.referral_id == referral_id, Decision.status == DecisionStatus.DRAFT.value)
    ).first()
    if draft is not None:
        at = draft.drafted_at.astimezone(tz)
        return FieldError(
            "referral",
            "one_draft",
            f"{draft.display_name} is already drafting this decision (draft saved at "
            f"{at:%H:%M} on {at:%d/%m/%Y}); yours was not saved. Read their draft, then "
            "change it if yours differs.",
        )
    if not any_newer:
        return None
    newer = unit.session.execute(
        select(*columns, User.display_name)
        .join(User, User.id == Decision.signed_by)
        .where(Decision.referral_id == referral_id, Decision.revision > revision)
        .order_by(Decision.revision.desc())
        .limit(1)
    ).first()
    if newer is None:
        return None
    at = newer.signed_at.astimezone(tz)
    done = "amended" if newer.revision > 1 else "decided"
    return FieldError(
        "status",
        "latest",
        f"This decision was {done} by {newer.display_name} at {at:%H:%M} on {at:%d/%m/%Y} "
        f"(version {newer.revision}); yours was not saved. Read that version, then amend it "
        "if yours is still needed.",
    )


def _require_draft(decision: Decision) -> None:
    if decision.status != DecisionStatus.DRAFT.value:
        raise ValidationError(
            FieldError(
                "status",
                "signed",
                "A signed decision is never changed; amend it to make a new version",
            )
        )


def _sign_errors(decision: Decision) -> list[FieldError]:
    if DecisionOutcome(decision.outcome) in ALLOCATED_OUTCOMES and not decision.allocated_team:
        return [
            FieldError(
                "allocated_team",
                "required_to_sign",
                "Name the allocated team before signing (CIN census and Annex A need it)",
            )
        ]
    return []


def _changed(referral: Referral) -> frozenset[ChangeKey]:
    return _changed_keys(referral.id, referral.person_id)


def _changed_keys(referral_id: int, person_id: int) -> frozenset[ChangeKey]:
    return change_keys(
        Topic.QUEUE,
        Topic.DECISIONS,
        record_key(Kind.REFERRAL, referral_id),
        record_key(Kind.PERSON, person_id),
    )


def _audit_detail(decision: Decision, checked: CheckedDecision) -> dict:
    return {
        "referral_id": decision.referral_id,
        "meeting_id": decision.meeting_id,
        "revision": decision.revision,
        "outcome": decision.outcome,
        "level": decision.level,
        "assessment": decision.assessment_id,
        "document": decision.document_id,
        "document_version": decision.document_version,
        "pathways": [p.value for p in checked.pathways],
        "actions": len(checked.actions),
        "allocated_team": decision.allocated_team,
        "outcome_departs_from_level": decision.outcome_level_reason is not None,
    }


def _dto(unit: Unit, d: Decision) -> DecisionDTO:
    pathways = tuple(
        Pathway(p)
        for p in unit.session.scalars(
            select(DecisionPathway.pathway)
            .where(DecisionPathway.decision_id == d.id)
            .order_by(DecisionPathway.id)
        )
    )
    actions = tuple(
        action_dto(a, code)
        for a, code in unit.session.execute(
            select(DecisionAction, Agency.code)
            .outerjoin(Agency, Agency.id == DecisionAction.owner_agency_id)
            .where(DecisionAction.decision_id == d.id)
            .order_by(DecisionAction.id)
        )
    )
    indicators = tuple(
        unit.session.scalars(
            select(AssessmentIndicator.indicator_id)
            .where(AssessmentIndicator.assessment_id == d.assessment_id)
            .order_by(AssessmentIndicator.indicator_id)
        )
    )
    assessment = unit.session.get(ThresholdAssessment, d.assessment_id)
    return assemble_decision_dto(d, pathways, actions, indicators, assessment)
