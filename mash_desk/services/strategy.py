"""Strategy discussions of s47 decisions: who took part, the s47 decision, the ICPC target.

Recorded by a manager or chair against the signed "strategy discussion and s47 enquiry"
decision of a referral (one discussion per decision version). Social care, police and health
must take part (domain brief §5). A decision to proceed stores the s47 start date and the
initial child protection conference target — 15 working days after the discussion with the
default policy — which the national returns read. Audited in the same transaction.

Once the initial child protection conference has been held, a manager or chair records its
date (:meth:`record_icpc`, once); the discussion then says whether it was within the target
— the figure managers watch (domain brief §4: Harrow held 78–80 % within 15 working days,
seed 000 L705).
Or the enquiry concluded with no conference needed (:meth:`record_no_conference`, the CIN
census's ICPCnotRequired), which settles it the same way.
Managers see the enquiries whose target has passed with no conference held or found needless
(:meth:`overdue_icpc`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, ScalarSelect, and_, exists, or_, select
from sqlalchemy.orm import InstrumentedAttribute, aliased

from mash_desk.domain.changes import Kind, Topic, change_keys, record_key
from mash_desk.domain.errors import FieldError, ValidationError
from mash_desk.domain.meetings import DecisionOutcome, DecisionStatus
from mash_desk.domain.permissions import Permission
from mash_desk.domain.routing import S47Decision, strategy_attendance_missing
from mash_desk.domain.text import clean_narrative, clean_short
from mash_desk.services.context import Service, ServiceContext, Unit, check_version
from mash_desk.services.dto import Actor, OpResult
from mash_desk.storage.models import (
    Agency,
    Decision,
    Person,
    Referral,
    StrategyAttendee,
    StrategyDiscussion,
    User,
)

# The width of an attendee's stored name (storage/models/routing.py): PostgreSQL refuses more.
ATTENDEE_NAME_MAX = 120


@dataclass(frozen=True)
class StrategyInput:
    """A strategy discussion as minuted (unvalidated)."""

    held_at: datetime | None
    attendees: tuple[tuple[str, str], ...]
    """(agency code, name) of each participant."""
    s47_decision: str
    rationale: str | None


@dataclass(frozen=True)
class StrategyDTO:
    """A strategy discussion as stored."""

    id: int
    referral_id: int
    decision_id: int
    person_id: int
    held_at: datetime
    attendees: tuple[tuple[str, str], ...]
    s47_decision: S47Decision
    rationale: str
    s47_started_on: date | None
    icpc_due_at: datetime | None
    version: int
    icpc_held_on: date | None
    """When the initial child protection conference was held (None: not recorded yet)."""
    icpc_within_target: bool | None
    """Held on or before the target's date (None: no conference recorded)."""
    icpc_working_days_late: int | None
    """Working days after the target's date it was held: 0 within target, None if not held."""
    icpc_recorded_by: int | None
    icpc_recorded_at: datetime | None
    icpc_not_required_on: date | None = None
    """When the enquiry concluded with no conference needed (None: not recorded)."""
    icpc_not_required_reason: str | None = None

    @property
    def conference_owed(self) -> bool:
        """Whether this discussion still waits for its conference (proceeding, none settled)."""
        return (
            self.icpc_due_at is not None
            and self.icpc_held_on is None
            and self.icpc_not_required_on is None
        )


@dataclass(frozen=True)
class OverdueIcpcDTO:
    """An s47 enquiry whose initial child protection conference target has passed."""

    discussion: StrategyDTO
    child_name: str
    overdue_text: str
    """How late, in words (``"overdue by 2 days"``)."""


def _decision_problems(unit: Unit, decision: Decision) -> list[FieldError]:
    """A discussion follows a signed s47 decision, once."""
    errors: list[FieldError] = []
    if (
        decision.status != DecisionStatus.SIGNED.value
        or decision.outcome != DecisionOutcome.S47.value
    ):
        errors.append(
            FieldError(
                "decision",
                "signed_s47",
                "A strategy discussion follows a signed decision of strategy "
                "discussion and s47 enquiry",
            )
        )
    if unit.session.scalar(
        select(StrategyDiscussion.id).where(StrategyDiscussion.decision_id == decision.id)
    ):
        errors.append(
            FieldError("decision", "one_discussion", "This decision's discussion is recorded")
        )
    return errors


def held_at_problems(held: datetime | None, now: datetime) -> list[FieldError]:
    """When the discussion was held: given, with its time zone, not in the future."""
    if held is None:
        return [FieldError("held_at", "required", "Give when it was held")]
    if held.tzinfo is None:
        return [FieldError("held_at", "aware", "Give the time with its zone")]
    if held > now:
        return [FieldError("held_at", "not_future", "That time is in the future")]
    return []


def _typed_attendees(
    unit: Unit, discussion: StrategyInput, errors: list[FieldError]
) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """The active agencies by code and the attendees typed; their problems go to ``errors``."""
    agencies = dict(unit.session.execute(select(Agency.code, Agency.id).where(Agency.active)).all())
    attendees = []
    for i, (code, name) in enumerate(discussion.attendees):
        text, problem = clean_short(
            name,
            f"attendees[{i}].name",
            "Attendee's name",
            required=True,
            max_length=ATTENDEE_NAME_MAX,
        )
        errors += [problem] if problem else []
        if code not in agencies:
            errors.append(
                FieldError(f"attendees[{i}].agency", "exists", f"Unknown agency {code!r}")
            )
        attendees.append((code, text or ""))
    problem = strategy_attendance_missing({code for code, _ in attendees})
    errors += [problem] if problem else []
    return agencies, attendees


class StrategyService(Service):
    """Record and read strategy discussions."""

    def record(
        self, actor: Actor, decision_id: int, discussion: StrategyInput
    ) -> OpResult[StrategyDTO]:
        """Record the strategy discussion of a signed s47 decision; every rule in one pass."""
        with self.writing(actor, Permission.RECORD_STRATEGY) as unit:
            decision = unit.load(Decision, decision_id, what="decision")
            errors = _decision_problems(unit, decision)
            held = discussion.held_at
            errors += held_at_problems(held, unit.now)
            s47: S47Decision | None = None
            try:
                s47 = S47Decision(discussion.s47_decision)
            except ValueError:
                errors.append(
                    FieldError(
                        "s47_decision",
                        "choice",
                        f"Unknown s47 decision {discussion.s47_decision!r}",
                    )
                )
            rationale, problem = clean_narrative(
                discussion.rationale, "rationale", "Rationale", required=True
            )
            errors += [problem] if problem else []
            agencies, attendees = _typed_attendees(unit, discussion, errors)
            if errors:
                raise ValidationError(errors)
            assert held is not None and s47 is not None and rationale is not None
            row = self._write(unit, decision, held, s47, rationale)
            unit.session.add_all(
                StrategyAttendee(discussion_id=row.id, agency_id=agencies[code], name=name)
                for code, name in attendees
            )
            unit.session.flush()
            unit.audit(
                "strategy_discussion.recorded",
                "strategy_discussion",
                row.id,
                person_id=row.person_id,
                decision_id=decision.id,
                referral_id=decision.referral_id,
                held_at=held,
                agencies=sorted({code for code, _ in attendees}),
                s47_decision=s47.value,
                s47_started_on=row.s47_started_on,
                icpc_due_at=row.icpc_due_at,
            )
            changed = change_keys(
                Topic.STRATEGY,
                record_key(Kind.REFERRAL, row.referral_id),
                record_key(Kind.PERSON, row.person_id),
            )
            return OpResult(self._dto(unit, row), changed)

    def _write(
        self, unit: Unit, decision: Decision, held: datetime, s47: S47Decision, rationale: str
    ) -> StrategyDiscussion:
        """Store the discussion; an enquiry that proceeds starts its s47 and ICPC clocks."""
        proceed = s47 is S47Decision.PROCEED
        row = StrategyDiscussion(
            referral_id=decision.referral_id,
            decision_id=decision.id,
            person_id=decision.person_id,
            held_at=held,
            s47_decision=s47.value,
            rationale=rationale,
            s47_started_on=held.astimezone(self.ctx.tz).date() if proceed else None,
            # The initial child protection conference within 15 working days of the strategy
            # discussion (Working Together 2023, ch. 2): the policy file's ``icpc`` limit.
            icpc_due_at=self.ctx.deadlines.icpc_due(held) if proceed else None,
            recorded_by=unit.user_id,
            recorded_at=unit.now,
        )
        unit.session.add(row)
        unit.session.flush()
        return row

    def record_icpc(
        self,
        actor: Actor,
        discussion_id: int,
        expected_version: int,
        held_on: date | None,
    ) -> OpResult[StrategyDTO]:
        """Record the date the initial child protection conference was held; every rule at once.

        Only for a discussion that decided to proceed with an s47 enquiry (the others have
        no conference target); not in the future, not before the discussion, and once — the
        conference is held once, so a second record names who recorded the first and when.
        For managers and chairs, as the discussion itself.
        """
        with self.writing(actor, Permission.RECORD_STRATEGY) as unit:
            row = unit.load(StrategyDiscussion, discussion_id, what="strategy discussion")
            # Checked before the version: whoever raced us to it is the useful answer.
            _refuse_if_settled(unit, row, self.ctx.tz, "held_on")
            check_version(row, expected_version, "strategy discussion")
            errors = _conference_errors(unit, row, self.ctx.tz, "held_on", held_on, "conference")
            if errors:
                raise ValidationError(errors)
            assert held_on is not None
            row.icpc_held_on = held_on
            row.icpc_recorded_by = unit.user_id
            row.icpc_recorded_at = unit.now
            unit.session.flush()
            dto = self._dto(unit, row)
            unit.audit(
                "strategy_discussion.icpc_held",
                "strategy_discussion",
                row.id,
                person_id=row.person_id,
                referral_id=row.referral_id,
                held_on=held_on,
                icpc_due_at=row.icpc_due_at,
                within_target=dto.icpc_within_target,
                working_days_late=dto.icpc_working_days_late,
            )
            changed = change_keys(
                Topic.STRATEGY,
                record_key(Kind.REFERRAL, row.referral_id),
                record_key(Kind.PERSON, row.person_id),
            )
            return OpResult(dto, changed)

    def record_no_conference(
        self,
        actor: Actor,
        discussion_id: int,
        expected_version: int,
        concluded_on: date | None,
        reason: str | None,
    ) -> OpResult[StrategyDTO]:
        """Record that the s47 enquiry concluded with no initial conference needed.

        The census's ICPCnotRequired (issue 15 item 4): an enquiry that found no continuing
        risk of significant harm needs no conference, and until this is recorded it waits
        for one (and is listed overdue). The same rules as :meth:`record_icpc` — a proceeding
        discussion, a date neither in the future nor before the discussion, recorded once
        (a conference held and a conference not needed exclude each other) — and a reason.
        """
        with self.writing(actor, Permission.RECORD_STRATEGY) as unit:
            row = unit.load(StrategyDiscussion, discussion_id, what="strategy discussion")
            _refuse_if_settled(unit, row, self.ctx.tz, "concluded_on")
            check_version(row, expected_version, "strategy discussion")
            errors = _conference_errors(
                unit, row, self.ctx.tz, "concluded_on", concluded_on, "enquiry"
            )
            text, problem = clean_narrative(reason, "reason", "Reason", required=True)
            errors += [problem] if problem else []
            if errors:
                raise ValidationError(errors)
            assert concluded_on is not None and text is not None
            row.icpc_not_required_on = concluded_on
            row.icpc_not_required_reason = text
            row.icpc_recorded_by = unit.user_id
            row.icpc_recorded_at = unit.now
            unit.session.flush()
            unit.audit(
                "strategy_discussion.icpc_not_required",
                "strategy_discussion",
                row.id,
                person_id=row.person_id,
                referral_id=row.referral_id,
                concluded_on=concluded_on,
                icpc_due_at=row.icpc_due_at,
            )
            changed = change_keys(
                Topic.STRATEGY,
                record_key(Kind.REFERRAL, row.referral_id),
                record_key(Kind.PERSON, row.person_id),
            )
            return OpResult(self._dto(unit, row), changed)

    def for_referral(self, actor: Actor, referral_id: int) -> tuple[StrategyDTO, ...]:
        """The strategy discussions of a referral, oldest first."""
        with self.reading(actor, Permission.VIEW_STRATEGY) as unit:
            unit.load(Referral, referral_id, what="referral")
            rows = unit.session.scalars(
                select(StrategyDiscussion)
                .where(StrategyDiscussion.referral_id == referral_id)
                .order_by(StrategyDiscussion.held_at, StrategyDiscussion.id)
            ).all()
            return tuple(self._dto(unit, r) for r in rows)

    def overdue_icpc(self, actor: Actor) -> tuple[OverdueIcpcDTO, ...]:
        """S47 enquiries past their initial child protection conference target, most overdue first.

        The conference is due 15 working days after the strategy discussion (domain brief
        §4). Listed: a discussion that decided to proceed, whose target has passed and for
        whose referral no conference has been recorded — one line per enquiry, the
        referral's latest discussion (an amended decision may have a discussion of its
        own, which carries the clock on). Not listed once the referral's decision has been
        amended to an outcome other than s47, which ends the enquiry and with it the
        conference clock. For managers and chairs, who convene the conference.
        """
        other = aliased(StrategyDiscussion)
        settled = exists().where(
            other.referral_id == StrategyDiscussion.referral_id,
            or_(
                other.icpc_held_on.is_not(None),
                other.icpc_not_required_on.is_not(None),
                other.held_at > StrategyDiscussion.held_at,
                and_(other.held_at == StrategyDiscussion.held_at, other.id > StrategyDiscussion.id),
            ),
        )
        with self.reading(actor, Permission.RECORD_STRATEGY) as unit:
            rows = unit.session.execute(
                select(StrategyDiscussion, Person.given_name, Person.family_name)
                .join(Person, Person.id == StrategyDiscussion.person_id)
                .where(
                    StrategyDiscussion.s47_decision == S47Decision.PROCEED.value,
                    StrategyDiscussion.icpc_due_at < unit.now,
                    ~settled,
                    _latest_outcome(StrategyDiscussion.referral_id) == DecisionOutcome.S47.value,
                )
                .order_by(StrategyDiscussion.icpc_due_at, StrategyDiscussion.id)
            ).all()
            return tuple(
                OverdueIcpcDTO(
                    discussion=self._dto(unit, row),
                    child_name=f"{given} {family.upper()}",
                    overdue_text=self.ctx.deadlines.describe_remaining(
                        _due(row.icpc_due_at), unit.now
                    ),
                )
                for row, given, family in rows
            )

    def _dto(self, unit: Unit, r: StrategyDiscussion) -> StrategyDTO:
        """The DTO of ``r``, with whether its conference was within the target."""
        return strategy_dto(self.ctx, r, _attendees(unit, r.id))


def strategy_dto(
    ctx: ServiceContext, r: StrategyDiscussion, attendees: tuple[tuple[str, str], ...]
) -> StrategyDTO:
    """The DTO of ``r`` given its attendees, with whether its conference was within the target."""
    within: bool | None = None
    late: int | None = None
    if r.icpc_held_on is not None and r.icpc_due_at is not None:
        # The target is a day: a conference held on the target's date is within it.
        target = r.icpc_due_at.astimezone(ctx.tz).date()
        within = r.icpc_held_on <= target
        calendar = ctx.deadlines.calendar
        late = 0 if within else calendar.working_days_between(target, r.icpc_held_on)
    return _build_dto(r, attendees, within, late)


def _attendees(unit: Unit, discussion_id: int) -> tuple[tuple[str, str], ...]:
    return tuple(
        (code, name)
        for code, name in unit.session.execute(
            select(Agency.code, StrategyAttendee.name)
            .join(Agency, Agency.id == StrategyAttendee.agency_id)
            .where(StrategyAttendee.discussion_id == discussion_id)
            .order_by(StrategyAttendee.id)
        )
    )


def _refuse_if_settled(unit: Unit, row: StrategyDiscussion, tz: ZoneInfo, field: str) -> None:
    """Refuse a second record of the conference (held, or not needed), naming the first."""
    if row.icpc_held_on is None and row.icpc_not_required_on is None:
        return
    who = unit.session.scalar(select(User.display_name).where(User.id == row.icpc_recorded_by))
    assert row.icpc_recorded_at is not None
    when = row.icpc_recorded_at.astimezone(tz)
    if row.icpc_held_on is not None:
        what = f"The conference date is already recorded ({row.icpc_held_on:%d %b %Y})"
    else:
        assert row.icpc_not_required_on is not None
        what = (
            "The enquiry is already recorded as concluded with no conference needed "
            f"({row.icpc_not_required_on:%d %b %Y})"
        )
    by = f"by {who} on {when:%d %b %Y at %H:%M}; nothing was changed"
    raise ValidationError(FieldError(field, "once", f"{what} {by}"))


def _conference_errors(
    unit: Unit, row: StrategyDiscussion, tz: ZoneInfo, field: str, day: date | None, what: str
) -> list[FieldError]:
    """The rules of a conference's (or a concluded enquiry's) date, all at once."""
    errors: list[FieldError] = []
    if row.s47_decision != S47Decision.PROCEED.value or row.icpc_due_at is None:
        errors.append(
            FieldError(
                "discussion",
                "s47_proceeding",
                "Only a discussion that decided to proceed with an s47 enquiry has an "
                "initial child protection conference",
            )
        )
    subject = "The conference date" if what == "conference" else "The date the enquiry concluded"
    discussed_on = row.held_at.astimezone(tz).date()
    if day is None:
        ask = "Give the date it was held" if what == "conference" else "Give the date it concluded"
        errors.append(FieldError(field, "required", ask))
    elif day > unit.today:
        errors.append(FieldError(field, "not_future", f"{subject} is in the future"))
    elif day < discussed_on:
        errors.append(
            FieldError(
                field,
                "not_before_discussion",
                f"{subject} is before the strategy discussion ({discussed_on:%d %b %Y})",
            )
        )
    return errors


def _due(at: datetime | None) -> datetime:
    # The query keeps discussions whose target has passed: each has one.
    assert at is not None
    return at


def _latest_outcome(
    referral_id: ColumnElement[int] | InstrumentedAttribute[int],
) -> ScalarSelect[str]:
    """The outcome of the newest signed version of a referral's decision (a subquery)."""
    newest = aliased(Decision)
    return (
        select(newest.outcome)
        .where(
            newest.referral_id == referral_id,
            newest.status == DecisionStatus.SIGNED.value,
        )
        .order_by(newest.revision.desc())
        .limit(1)
        .scalar_subquery()
    )


def _build_dto(
    r: StrategyDiscussion,
    attendees: tuple[tuple[str, str], ...],
    within: bool | None,
    late: int | None,
) -> StrategyDTO:
    return StrategyDTO(
        id=r.id,
        referral_id=r.referral_id,
        decision_id=r.decision_id,
        person_id=r.person_id,
        held_at=r.held_at,
        attendees=attendees,
        s47_decision=S47Decision(r.s47_decision),
        rationale=r.rationale,
        s47_started_on=r.s47_started_on,
        icpc_due_at=r.icpc_due_at,
        version=r.version,
        icpc_held_on=r.icpc_held_on,
        icpc_within_target=within,
        icpc_working_days_late=late,
        icpc_recorded_by=r.icpc_recorded_by,
        icpc_recorded_at=r.icpc_recorded_at,
        icpc_not_required_on=r.icpc_not_required_on,
        icpc_not_required_reason=r.icpc_not_required_reason,
    )
