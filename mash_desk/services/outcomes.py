"""Record per-child contact outcomes, including progress to a MASH referral."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import or_, select

from mash_desk.domain.changes import Kind, Topic, change_keys, record_key
from mash_desk.domain.enums import (
    PRIMARY_NEEDS,
    REFERRAL_SOURCES,
    ContactOutcome,
    Rag,
    WorkStatus,
)
from mash_desk.domain.errors import ConflictError, FieldError, NotFound, ValidationError
from mash_desk.domain.meetings import ALLOCATED_OUTCOMES, DecisionOutcome, DecisionStatus
from mash_desk.domain.outcome_rules import check_consent, check_forward, check_red_nfa
from mash_desk.domain.outcomes import apply_under_five_rule, check_outcomes, is_under_five
from mash_desk.domain.permissions import Permission, allows
from mash_desk.domain.text import clean_narrative
from mash_desk.domain.thresholds import Level, consent_purpose
from mash_desk.services.access import record_access
from mash_desk.services.contacts import add_consent
from mash_desk.services.contacts import check_consent as check_consent_input
from mash_desk.services.context import (
    CONFLICT_MESSAGE,
    Service,
    ServiceContext,
    Unit,
    check_version,
)
from mash_desk.services.dto import (
    Actor,
    ContactChildDTO,
    OpResult,
    PersonDTO,
    RagRatingDTO,
    ReferralDTO,
)
from mash_desk.services.inputs import OutcomeInput
from mash_desk.services.mapping import referral_dto
from mash_desk.storage.models import (
    Contact,
    ContactChild,
    Decision,
    Person,
    Referral,
    ServiceEpisode,
    User,
)
from mash_desk.storage.prepared_outcomes import (
    CHILD_ON_CONTACT,
    CLOSE_CHILD,
    CONSENTS,
    INSERT_OUTCOME,
    OPEN_CHILD_COLUMNS,
    RAG_HISTORY,
)

OUTCOME_VIEW = "outcome.prepare"


@dataclass(frozen=True)
class OutcomeResult:
    """The child's record after the outcome, and the referral if one was made."""

    contact_child: ContactChildDTO
    referral: ReferralDTO | None


@dataclass(frozen=True)
class OutcomeContext:
    """What the outcome dialog shows before anything is chosen.

    ``consent_rule`` is the rule of the child's provisional level (None until screened);
    ``consents`` the latest state of each consent purpose recorded on this contact.
    """

    contact_child_id: int
    contact_id: int
    person_id: int
    child_name: str
    version: int
    status: str
    rag: str | None
    under_five: bool
    contact_source: str
    level: int | None
    level_label: str | None
    consent_rule: str | None
    consent_text: str | None
    consent_purpose: str | None
    consents: tuple[tuple[str, str], ...]
    may_authorise: bool
    open_case: OpenCase | None = None
    """The open case "forward to the allocated worker" would go to (None: the child has none)."""


@dataclass(frozen=True)
class OpenCase:
    """The worker a contact is forwarded to, and the open work that makes them the worker.

    ``kind`` is ``service_episode`` or ``referral``; ``ref_id`` its row id; ``held`` says in
    words what the case is ("Child in need, Eastmoor CIN Team, since 02 Mar 2026").
    """

    worker_id: int
    worker_name: str
    kind: str
    ref_id: int
    held: str

    def sentence(self) -> str:
        """What the dialog says beside the forward box."""
        return f"Forwards to {self.worker_name}: {self.held}"


def _check_input(given: OutcomeInput) -> tuple[set[ContactOutcome], str | None, str | None]:
    """Check what was typed, before the database is touched; return outcomes and reasons."""
    errors: list[FieldError] = []
    outcomes: set[ContactOutcome] = set()
    for value in given.outcomes:
        try:
            outcomes.add(ContactOutcome(value))
        except ValueError:
            errors.append(FieldError("outcomes", "choice", f"Unknown outcome {value!r}"))
    errors += check_outcomes(outcomes) if not errors else []
    reason, problem = clean_narrative(
        given.no_offer_reason, "no_offer_reason", "Reason no children's-centre offer is made"
    )
    errors += [problem] if problem else []
    consent_reason, problem = clean_narrative(
        given.consent_reason, "consent_reason", "Reason for going on without consent"
    )
    errors += [problem] if problem else []
    referral_in = given.referral
    if ContactOutcome.REFERRAL in outcomes:
        if referral_in is None or referral_in.primary_need not in PRIMARY_NEEDS:
            errors.append(
                FieldError(
                    "primary_need", "cin_code", "A referral needs its primary need (CIN code N0–N9)"
                )
            )
        if referral_in and referral_in.source and referral_in.source not in REFERRAL_SOURCES:
            errors.append(
                FieldError(
                    "referral_source",
                    "cin_code",
                    f"Referral source {referral_in.source!r} is not a CIN census code",
                )
            )
    if errors:
        raise ValidationError(errors)
    return outcomes, reason, consent_reason


def _level(ctx: ServiceContext, unit: Unit, cc: ContactChild | OpenChild) -> Level | None:
    """The child's provisional level, from the threshold document version it was screened by."""
    if cc.provisional_level is None or not cc.threshold_document or not cc.threshold_version:
        return None
    library = ctx.thresholds.library(unit.conn)
    document = library.get((cc.threshold_document, cc.threshold_version))
    return document.level(cc.provisional_level)


def _consents(unit: Unit, cc: ContactChild | OpenChild) -> dict[str, str]:
    """The latest recorded state of each consent purpose for this child on this contact."""
    rows = CONSENTS.all(unit.sql, person_id=cc.person_id, contact_id=cc.contact_id)
    return dict(rows)


def _purpose(level: Level | None) -> str | None:
    """The consent purpose the level's rule is about (None when nothing is needed)."""
    purpose = consent_purpose(level.consent.rule) if level else None
    return purpose.value if purpose else None


def find_open_case(unit: Unit, person_id: int) -> OpenCase | None:
    """The child's open case with an allocated worker, or None.

    Why these two sources: "forward to the allocated worker (already open)" (domain brief §1)
    means a worker already holds the child. That is, first, a current service episode (open
    on today, as the history check counts it: started, not ended) naming a worker; it is
    the social-care system's own record of who holds the case, so it comes first. Second,
    a referral of this child that a worker holds in the desk: one awaiting the meeting's
    decision and allocated to a worker, or one decided to stay with social care (s17, s47,
    disabled children's service, forward to open case) whose allocated worker is within the
    single-assessment window; after that window the case, if it goes on, is a service
    episode. A referral closed with NFA, stepped down or transferred has no worker here, and
    an episode or referral with nobody allocated (or allocated to a worker whose account is
    closed: they have left) is not forwardable: the contact would be read by nobody.
    """
    today = unit.today
    episode = unit.session.execute(
        select(ServiceEpisode, User.display_name)
        .join(User, (User.id == ServiceEpisode.worker_id) & User.active)
        .where(
            ServiceEpisode.person_id == person_id,
            ServiceEpisode.started_on <= today,
            or_(ServiceEpisode.ended_on.is_(None), ServiceEpisode.ended_on > today),
        )
        .order_by(ServiceEpisode.started_on.desc(), ServiceEpisode.id.desc())
        .limit(1)
    ).first()
    if episode is not None:
        e, name = episode
        assert e.worker_id is not None  # joined to the worker's user row above
        held = ", ".join(x for x in (e.service.replace("_", " ").capitalize(), e.team) if x)
        return OpenCase(
            e.worker_id,
            name,
            "service_episode",
            e.id,
            f"{held}, open since {e.started_on:%d %b %Y}",
        )
    for referral, name in unit.session.execute(
        select(Referral, User.display_name)
        .join(User, (User.id == Referral.assigned_to) & User.active)
        .where(
            Referral.person_id == person_id,
            Referral.status.in_((WorkStatus.AWAITING_DECISION.value, WorkStatus.DECIDED.value)),
        )
        .order_by(Referral.referral_at.desc(), Referral.id.desc())
    ):
        referral_held = _referral_held(unit, referral, unit.now)
        if referral_held is not None:
            assert referral.assigned_to is not None  # joined to the worker's user row above
            return OpenCase(referral.assigned_to, name, "referral", referral.id, referral_held)
    return None


def _referral_held(unit: Unit, referral: Referral, now: datetime) -> str | None:
    """Why ``referral`` is an open case held by its worker, in words (None: it is not)."""
    if referral.status == WorkStatus.AWAITING_DECISION.value:
        return f"referral {referral.id}, awaiting the meeting's decision"
    if referral.assessment_due_at <= now:
        return None
    outcome = unit.session.scalar(
        select(Decision.outcome)
        .where(
            Decision.referral_id == referral.id,
            Decision.status == DecisionStatus.SIGNED.value,
        )
        .order_by(Decision.revision.desc())
        .limit(1)
    )
    if outcome is None or DecisionOutcome(outcome) not in ALLOCATED_OUTCOMES:
        return None
    return f"referral {referral.id}, decided: {DecisionOutcome(outcome).label}"


class OpenChild(NamedTuple):
    """A child on a contact as recording an outcome reads it (storage.prepared_outcomes)."""

    id: int
    contact_id: int
    person_id: int
    status: str
    rag: str | None
    due_at: datetime | None
    provisional_level: int | None
    level_rationale: str | None
    threshold_document: str | None
    threshold_version: str | None
    version: int
    person: PersonDTO


def _child_on_contact(unit: Unit, contact_child_id: int) -> OpenChild:
    """The child on the contact with the person's DTO, in one read; ``NotFound`` if none."""
    row = CHILD_ON_CONTACT.first(unit.sql, cc_id=contact_child_id)
    if row is None:
        raise NotFound(f"No child-on-contact record {contact_child_id}")
    width = len(OPEN_CHILD_COLUMNS)
    return OpenChild._make((*row[:width], PersonDTO(*row[width:])))


def _open_child(unit: Unit, contact_child_id: int) -> ContactChild:
    cc = unit.session.get(ContactChild, contact_child_id)
    if cc is None:
        raise NotFound(f"No child-on-contact record {contact_child_id}")
    return cc


class OutcomeService(Service):
    """Close a child's contact with outcomes, or progress it to a referral."""

    def open_contact_child(self, actor: Actor, person_id: int) -> int | None:
        """The id of the child's newest contact still waiting for its outcome, if any.

        Returns an id only (nothing of the child's record), so no access row is written;
        :meth:`prepare` logs the view when the dialog shows the child.
        """
        with self.reading(actor, Permission.RECORD_OUTCOME) as unit:
            return unit.conn.execute(
                select(ContactChild.id)
                .where(
                    ContactChild.person_id == person_id,
                    ContactChild.status == WorkStatus.OPEN.value,
                )
                .order_by(ContactChild.id.desc())
                .limit(1)
            ).scalar()

    def prepare(self, actor: Actor, contact_child_id: int) -> OutcomeContext:
        """What the outcome dialog needs: RAG, level, its consent rule and consents recorded.

        Shows the child's name, so the view is logged like every read of a child's record.
        """
        with self.writing(actor, Permission.RECORD_OUTCOME) as unit:
            cc = _open_child(unit, contact_child_id)
            person = unit.session.get(Person, cc.person_id)
            contact = unit.session.get(Contact, cc.contact_id)
            assert person is not None and contact is not None
            level = _level(self.ctx, unit, cc)
            record_access(unit, cc.person_id, OUTCOME_VIEW, f"Contact {cc.contact_id}")
            return OutcomeContext(
                contact_child_id=cc.id,
                contact_id=cc.contact_id,
                person_id=cc.person_id,
                child_name=f"{person.given_name} {person.family_name.upper()}",
                version=cc.version,
                status=cc.status,
                rag=cc.rag,
                under_five=is_under_five(
                    person.date_of_birth, person.expected_delivery, unit.today
                ),
                contact_source=contact.referral_source,
                level=cc.provisional_level,
                level_label=level.label if level else None,
                consent_rule=level.consent.rule.value if level else None,
                consent_text=level.consent.text if level else None,
                consent_purpose=_purpose(level),
                consents=tuple(sorted(_consents(unit, cc).items())),
                may_authorise=allows(unit.role, Permission.AUTHORISE),
                open_case=find_open_case(unit, cc.person_id),
            )

    def record(
        self, actor: Actor, contact_child_id: int, expected_version: int, given: OutcomeInput
    ) -> OpResult[OutcomeResult]:
        """Record outcomes for one child.

        Applies the NFA, under-5, red-NFA (a manager's decision) and consent rules; every
        refusal names its field and rule, and writes nothing.
        """
        outcomes, reason, consent_reason = _check_input(given)
        with self.writing(actor, Permission.RECORD_OUTCOME) as unit:
            cc = _child_on_contact(unit, contact_child_id)
            check_version(cc, expected_version, "contact")
            if cc.status != WorkStatus.OPEN.value:
                raise ValidationError(
                    FieldError(
                        "outcomes",
                        "open",
                        "Outcomes were already recorded for this child on this contact",
                    )
                )
            final, notices, forward_to = self._apply_rules(
                unit, cc, outcomes, given, (reason, consent_reason)
            )
            if given.consent is not None:
                add_consent(unit, cc.person_id, cc.contact_id, given.consent)
            status, referral = self._write(unit, cc, final, given, reason, consent_reason)
            _audit_outcome(
                unit,
                cc,
                final,
                given,
                forward_to,
                under_five_rule=bool(notices),
                reasons=(reason, consent_reason),
            )
            if referral is not None:
                unit.audit(
                    "referral.created",
                    "referral",
                    referral.id,
                    person_id=cc.person_id,
                    source=referral.source,
                    primary_need=referral.primary_need,
                    decision_due_at=referral.decision_due_at.isoformat(),
                )
            result = OutcomeResult(
                _closed_dto(unit, cc, final, status), referral_dto(referral) if referral else None
            )
            return OpResult(
                result,
                change_keys(
                    Topic.QUEUE,
                    record_key(Kind.CONTACT, cc.contact_id),
                    record_key(Kind.PERSON, cc.person_id),
                ),
                tuple(notices),
            )

    def _apply_rules(
        self,
        unit: Unit,
        cc: OpenChild,
        outcomes: set[ContactOutcome],
        given: OutcomeInput,
        reasons: tuple[str | None, str | None],
    ) -> tuple[frozenset[ContactOutcome], list[str], OpenCase | None]:
        """The outcomes after the under-5 rule, its notices, and the case forwarded to.

        Raises ``ValidationError`` with every rule broken: red NFA without a manager, a
        forward with no open case, consent the level's rule needs, a consent given badly.
        """
        reason, consent_reason = reasons  # no children's-centre offer; going on without consent
        person = cc.person
        under_five = is_under_five(person.date_of_birth, person.expected_delivery, unit.today)
        final, notices, problems = apply_under_five_rule(outcomes, under_five, reason)
        red_nfa = check_red_nfa(final, cc.rag, allows(unit.role, Permission.AUTHORISE))
        problems += [red_nfa] if red_nfa else []
        forward_to = (
            find_open_case(unit, cc.person_id)
            if ContactOutcome.FORWARD_TO_WORKER in final
            else None
        )
        forward = check_forward(final, forward_to.worker_name if forward_to else None)
        problems += [forward] if forward else []
        level = _level(self.ctx, unit, cc)
        recorded = _consents(unit, cc)
        if given.consent is not None:
            # Consent asked for now counts as recorded for the rule, and is stored with
            # the outcome (both or neither).
            found = check_consent_input(unit, given.consent, "consent_now")
            problems += found
            if not found:
                recorded[str(given.consent.purpose)] = str(given.consent.state)
        problems += check_consent(
            final,
            level.label if level else None,
            level.consent.rule if level else None,
            recorded,
            consent_reason,
        )
        if problems:
            raise ValidationError(problems)
        return final, notices, forward_to

    def _write(
        self,
        unit: Unit,
        cc: OpenChild,
        final: frozenset[ContactOutcome],
        given: OutcomeInput,
        reason: str | None,
        consent_reason: str | None,
    ) -> tuple[str, Referral | None]:
        """Store the outcomes, close the child's contact or open its referral.

        Returns the contact's new status and the referral made, if any.
        """
        for outcome in sorted(final):
            INSERT_OUTCOME.run(
                unit.sql, cc_id=cc.id, outcome=outcome.value, user_id=unit.user_id, at=unit.now
            )
        referral = None
        status = WorkStatus.CLOSED.value
        if ContactOutcome.REFERRAL in final:
            referral = self._referral(unit, cc, given)
            status = WorkStatus.REFERRED.value
        changed = CLOSE_CHILD.run(
            unit.sql,
            cc_id=cc.id,
            expected=cc.version,
            status=status,
            at=unit.now,
            no_offer_reason=reason,
            consent_reason=consent_reason,
        )
        if changed != 1:
            # Saved by someone else since it was read in this transaction (PostgreSQL's
            # read committed); as the ORM's version check would say.
            raise ConflictError(CONFLICT_MESSAGE)
        return status, referral

    def _referral(self, unit: Unit, cc: OpenChild, given: OutcomeInput) -> Referral:
        """Open the MASH referral a contact progresses to (through the ORM: many defaults)."""
        referral_in = given.referral
        assert referral_in is not None
        contact = unit.session.get(Contact, cc.contact_id)
        assert contact is not None
        referral = Referral(
            contact_child_id=cc.id,
            person_id=cc.person_id,
            referral_at=unit.now,
            source=referral_in.source or contact.referral_source,
            primary_need=referral_in.primary_need,
            status=WorkStatus.AWAITING_DECISION.value,
            rag=cc.rag,
            # National rule: decide within one working day of the referral (Working
            # Together 2023); single assessment within 45 working days.
            decision_due_at=self.ctx.deadlines.referral_decision_due(unit.now),
            assessment_due_at=self.ctx.deadlines.assessment_due(unit.now),
            created_by=unit.user_id,
        )
        unit.session.add(referral)
        unit.session.flush()
        return referral


def _audit_outcome(
    unit: Unit,
    cc: OpenChild,
    final: frozenset[ContactOutcome],
    given: OutcomeInput,
    forward_to: OpenCase | None,
    *,
    under_five_rule: bool,
    reasons: tuple[str | None, str | None],
) -> None:
    """The audit row of the outcomes recorded (``reasons``: no offer, no consent)."""
    reason, consent_reason = reasons
    unit.audit(
        "contact.outcome_recorded",
        "contact_child",
        cc.id,
        person_id=cc.person_id,
        outcomes=sorted(o.value for o in final),
        under_five_rule_applied=under_five_rule,
        no_offer_reason=reason,
        consent_reason=consent_reason,
        consent_recorded=(
            {"purpose": str(given.consent.purpose), "state": str(given.consent.state)}
            if given.consent is not None
            else None
        ),
        # Names the manager whose authority closed a red contact (rule above).
        red_nfa_authorised_by=(
            unit.user_id if cc.rag == "red" and ContactOutcome.NFA in final else None
        ),
        # Who the contact went to, and the open case that made them its worker.
        forwarded_to=forward_to.worker_id if forward_to else None,
        forwarded_via=({"kind": forward_to.kind, "id": forward_to.ref_id} if forward_to else None),
    )


def _closed_dto(
    unit: Unit, cc: OpenChild, final: frozenset[ContactOutcome], status: str
) -> ContactChildDTO:
    """The child on the contact as it now stands.

    Its outcomes are the ones just written, in the order written (the contact was open, and
    only recording closes it, so it had none before).
    """
    history = tuple(
        RagRatingDTO(Rag(value), why, name, at)
        for value, why, name, at in RAG_HISTORY.all(unit.sql, cc_id=cc.id)
    )
    return ContactChildDTO(
        id=cc.id,
        contact_id=cc.contact_id,
        person=cc.person,
        status=status,
        rag=Rag(cc.rag) if cc.rag else None,
        due_at=cc.due_at,
        provisional_level=cc.provisional_level,
        level_rationale=cc.level_rationale,
        threshold_document=cc.threshold_document,
        threshold_version=cc.threshold_version,
        outcomes=tuple(sorted(final)),
        rag_history=history,
        version=cc.version + 1,
    )
