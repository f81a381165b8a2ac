"""One child's case record: who they are, who they live with, and everything that happened.

The case view answers the questions a practitioner asks before touching a child's record:
who is this, who lives with them, are they known or open to a service, how old are they (the
under-5 rule), what has the front door already done, and what is due next. Flags come from the
history check every screening runs (:class:`~mash_desk.services.history.HistoryService`) and
threshold assessments from :class:`~mash_desk.services.thresholds.ThresholdService`, so the
case view and screening never disagree about what is known.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, or_, select

from mash_desk.domain.enums import (
    PRIMARY_NEEDS,
    PersonKind,
    Rag,
    RelationshipKind,
    ServiceKind,
    WorkStatus,
)
from mash_desk.domain.errors import NotFound
from mash_desk.domain.ethnicity import ETHNICITY_LABELS
from mash_desk.domain.identifiers import format_nhs_number
from mash_desk.domain.meetings import DecisionOutcome, DecisionStatus
from mash_desk.domain.outcomes import age_text, is_under_five
from mash_desk.domain.permissions import Permission
from mash_desk.services.access import CASE_VIEW, record_access

# Re-exported: the case record's callers (the GUI, the screens benchmark's floor) read these
# names from here, as they did before the chronology had a module of its own.
from mash_desk.services.case_events import _SHOWN_ELSEWHERE as _SHOWN_ELSEWHERE
from mash_desk.services.case_events import CHRONOLOGY_PAGE as CHRONOLOGY_PAGE
from mash_desk.services.case_events import EVENT_KINDS as EVENT_KINDS
from mash_desk.services.case_events import (
    CaseEvent,
    UserNames,
    read_events,
    read_referrals,
    words,
)
from mash_desk.services.case_referrals import decisions_by_referral, strategies_by_referral
from mash_desk.services.context import Service, ServiceContext, Unit
from mash_desk.services.decisions import DecisionDTO, EscalationDTO, read_escalations
from mash_desk.services.dto import Actor, HistoryDTO, PersonDTO
from mash_desk.services.history import read_history
from mash_desk.services.mapping import load_person_dto, person_dto
from mash_desk.services.meetings import meeting_policy
from mash_desk.services.routing import RoutingDTO, routings_of
from mash_desk.services.strategy import StrategyDTO
from mash_desk.services.thresholds import read_assessments
from mash_desk.storage.models import (
    Agency,
    Consent,
    ContactChild,
    Decision,
    Household,
    Person,
    Referral,
    Relationship,
)

_RELATIONSHIP_LABELS = {
    RelationshipKind.PARENT: "Parent",
    RelationshipKind.CARER: "Carer",
    RelationshipKind.PARENTAL_RESPONSIBILITY: "Has parental responsibility",
    RelationshipKind.ADULT_OF_CONCERN: "Adult of concern",
    RelationshipKind.SIBLING: "Sibling",
}
# The same links seen from the other end: the child is the parent/carer of this person.
_REVERSE_LABELS = {
    RelationshipKind.PARENT: "Their child",
    RelationshipKind.CARER: "Cared for by them",
    RelationshipKind.PARENTAL_RESPONSIBILITY: "They hold parental responsibility for",
    RelationshipKind.ADULT_OF_CONCERN: "They are an adult of concern to",
    RelationshipKind.SIBLING: "Sibling",
}
SAME_ADDRESS = "Lives at the same address"

_SERVICE_LABELS: dict[str, str] = {
    ServiceKind.EARLY_HELP: "Early help",
    ServiceKind.CHILD_IN_NEED: "Child in need (s17)",
    ServiceKind.CHILD_PROTECTION: "Child-protection plan",
    ServiceKind.LOOKED_AFTER: "Looked after",
    ServiceKind.S47: "Section 47 enquiry",
    ServiceKind.DISABILITIES: "Children with Disabilities Service",
}


@dataclass(frozen=True)
class CaseFlag:
    """Something about the child a practitioner must not miss, in words (never colour alone).

    ``code`` is one of ``open_service``, ``re_referral``, ``under_5``, ``unborn``,
    ``disability``.
    """

    code: str
    label: str
    detail: str


@dataclass(frozen=True)
class HouseholdMember:
    """Someone who lives with or is linked to the child, and how."""

    person: PersonDTO
    relationship: str
    same_household: bool


@dataclass(frozen=True)
class ConsentRecord:
    """Consent recorded for the child for one purpose."""

    purpose: str
    state: str
    reason: str | None
    lawful_basis: str | None
    approved_by: str | None
    recorded_by: str
    recorded_at: datetime
    contact_id: int | None

    @property
    def summary(self) -> str:
        """``"Early help: given"`` plus the reason or lawful basis when there is one."""
        text = f"{words(self.purpose).capitalize()}: {words(self.state)}"
        if self.lawful_basis:
            text += f" — lawful basis: {self.lawful_basis}"
            if self.approved_by:
                text += f" (approved by {self.approved_by})"
        elif self.reason:
            text += f" — {self.reason}"
        return text


@dataclass(frozen=True)
class Deadline:
    """A deadline of the child's open work."""

    due_at: datetime
    what: str
    rag: Rag | None
    overdue: bool
    contact_id: int | None
    contact_child_id: int | None
    referral_id: int | None


@dataclass(frozen=True)
class ReferralRecord:
    """One MASH referral of the child with what the meeting did about it.

    ``decisions`` holds every version, first first (drafts included); a signed version is
    never changed, only amended by a later one. ``escalations`` are open and resolved ones.
    """

    id: int
    referral_at: datetime
    status: str
    rag: Rag | None
    level: int | None
    primary_need: str
    team: str | None
    decisions: tuple[DecisionDTO, ...]
    strategies: tuple[StrategyDTO, ...]
    escalations: tuple[EscalationDTO, ...]

    @property
    def primary_need_label(self) -> str:
        """``"N1 Abuse or neglect"``."""
        return f"{self.primary_need} {PRIMARY_NEEDS.get(self.primary_need, '')}".strip()

    @property
    def latest_signed(self) -> DecisionDTO | None:
        """The version in force: the newest signed one (``None`` while undecided)."""
        signed = [d for d in self.decisions if d.status is DecisionStatus.SIGNED]
        return signed[-1] if signed else None

    def superseded_by(self, decision: DecisionDTO) -> int | None:
        """The revision of the version that amended ``decision`` (``None`` if none did)."""
        return next((d.revision for d in self.decisions if d.amends_id == decision.id), None)

    @property
    def needs_strategy(self) -> DecisionDTO | None:
        """The signed s47 decision in force when no strategy discussion is recorded yet.

        One discussion per enquiry: an s47 decision amended to another s47 version (a new
        team, say) does not need a second one.
        """
        latest = self.latest_signed
        if latest is None or latest.outcome is not DecisionOutcome.S47 or self.strategies:
            return None
        return latest


@dataclass(frozen=True)
class CaseDTO:
    """A child's case record as the case view shows it.

    ``referrals`` (newest first) carry the decisions, strategy discussions and escalations;
    ``routings`` are every step up, step down and transfer of the child, oldest first.
    ``user_names`` and ``agency_names`` name the ids and codes those records use.
    """

    child: PersonDTO
    as_of: date
    age_text: str
    address: str | None
    household: tuple[HouseholdMember, ...]
    flags: tuple[CaseFlag, ...]
    history: HistoryDTO
    events: tuple[CaseEvent, ...]
    consents: tuple[ConsentRecord, ...]
    deadlines: tuple[Deadline, ...]
    referrals: tuple[ReferralRecord, ...] = ()
    routings: tuple[RoutingDTO, ...] = ()
    user_names: tuple[tuple[int, str], ...] = ()
    agency_names: tuple[tuple[str, str], ...] = ()
    events_total: int | None = None
    """How many events the whole chronology holds (``None``: all are in ``events``)."""
    ethnicity: str | None = None
    """The child's DfE ethnicity code, if recorded (domain/ethnicity.py)."""

    @property
    def ethnicity_text(self) -> str:
        """The child's ethnicity in words, or that it is not recorded (the census asks it)."""
        if not self.ethnicity:
            return "ethnicity not recorded"
        return ETHNICITY_LABELS.get(self.ethnicity, self.ethnicity)

    @property
    def chronology_more(self) -> bool:
        """Whether older events than those in ``events`` exist (the chronology is paged)."""
        return self.events_total is not None and self.events_total > len(self.events)

    def user_name(self, user_id: int | None) -> str:
        """The display name of a user the records mention ("" for none)."""
        if user_id is None:
            return ""
        return dict(self.user_names).get(user_id, f"user {user_id}")

    def agency_name(self, code: str | None) -> str:
        """The name of an agency code ("" for none)."""
        if not code:
            return ""
        return dict(self.agency_names).get(code, code)

    @property
    def escalations(self) -> tuple[EscalationDTO, ...]:
        """Every escalation about the child's decisions, soonest due first."""
        found = [e for r in self.referrals for e in r.escalations]
        return tuple(sorted(found, key=lambda e: (e.due_at, e.id)))

    @property
    def identifiers(self) -> tuple[tuple[str, str], ...]:
        """The child's identifiers that are recorded, as (label, value)."""
        found = []
        if self.child.nhs_number:
            found.append(("NHS number", format_nhs_number(self.child.nhs_number)))
        if self.child.upn:
            found.append(("UPN", self.child.upn))
        if self.child.local_id:
            found.append(("Local id", self.child.local_id))
        return tuple(found)

    def has_flag(self, code: str) -> bool:
        """Whether a flag with this code is raised."""
        return any(f.code == code for f in self.flags)


class CaseService(Service):
    """Read one child's whole case record."""

    def view(
        self, actor: Actor, person_id: int, events_limit: int | None = CHRONOLOGY_PAGE
    ) -> CaseDTO:
        """Return the child, household, flags, chronology (newest first), consents, deadlines.

        The chronology holds the newest ``events_limit`` events (all with ``None``);
        ``events_total`` says how many there are in all.

        The view is written to the access log ("who has looked at this child") in the same
        unit, a write transaction: the record is returned only once the row saying so is
        committed. The row is written last, so the write lock is held only for the insert.
        """
        with self.writing(actor, Permission.VIEW_CASE) as unit:
            person = unit.session.get(Person, person_id)
            if person is None:
                raise NotFound(f"No person with id {person_id}")
            # A merged-away duplicate opens as the record it was merged into (services.merge).
            while person.merged_into is not None:
                person = unit.session.get(Person, person.merged_into)
                assert person is not None  # a foreign key: the kept record exists
            person_id = person.id
            child = load_person_dto(unit.session, person)
            address = None
            if person.household_id is not None:
                address = unit.conn.execute(
                    select(Household.address).where(Household.id == person.household_id)
                ).scalar()
            history = read_history(unit, person_id)
            assessments = read_assessments(unit, self.ctx.thresholds.library(unit.conn), person_id)
            names = UserNames(unit)
            referral_rows = read_referrals(unit, person_id)
            events, events_total = read_events(
                unit, person_id, assessments, referral_rows, names, events_limit
            )
            household = _household(unit, person)
            consents = _consents(unit, person_id, names)
            deadlines = _deadlines(unit, person_id)
            referrals = self._referrals(unit, person_id, [r for r, _c in referral_rows])
            routings = routings_of(unit, person_id)
            user_ids = {
                uid
                for r in referrals
                for d in r.decisions
                for uid in (
                    d.drafted_by,
                    d.signed_by,
                    d.allocated_worker_id,
                    *(a.owner_user_id for a in d.actions),
                )
                if uid is not None
            }
            user_names = tuple((uid, names(uid)) for uid in sorted(user_ids))
            agency_names = tuple(
                (code, name)
                for code, name in unit.conn.execute(
                    select(Agency.code, Agency.name).order_by(Agency.id)
                )
            )
            today = unit.today
            record_access(unit, person_id, CASE_VIEW)
        return CaseDTO(
            child=child,
            as_of=today,
            age_text=age_text(child, today),
            address=address,
            household=household,
            flags=_flags(child, history, today),
            history=history,
            events=tuple(events),
            consents=consents,
            deadlines=deadlines,
            referrals=referrals,
            routings=routings,
            user_names=user_names,
            agency_names=agency_names,
            events_total=events_total,
            ethnicity=person.ethnicity,
        )

    def _referrals(
        self, unit: Unit, person_id: int, rows: list[Referral]
    ) -> tuple[ReferralRecord, ...]:
        """The child's referrals (``rows``, newest first) with their decisions and what followed."""
        escalations = _escalations(unit, self.ctx, person_id)
        ids = [r.id for r in rows]
        decisions = decisions_by_referral(unit, ids)
        strategies = strategies_by_referral(unit, self.ctx, ids)
        return tuple(
            ReferralRecord(
                id=r.id,
                referral_at=r.referral_at,
                status=r.status,
                rag=Rag(r.rag) if r.rag else None,
                level=r.level,
                primary_need=r.primary_need,
                team=r.team,
                decisions=decisions.get(r.id, ()),
                strategies=strategies.get(r.id, ()),
                escalations=tuple(e for e in escalations if e.referral_id == r.id),
            )
            for r in rows
        )


def _escalations(unit: Unit, ctx: ServiceContext, person_id: int) -> tuple[EscalationDTO, ...]:
    """Every escalation about the child's decisions, open and resolved, soonest due first.

    Read here rather than through ``DecisionService.escalations`` (the manager's list of
    open ones across all children): the case record shows the child's whole history,
    resolved escalations included, to everyone who may open the record.
    """
    return read_escalations(unit, meeting_policy(ctx), Decision.person_id == person_id)


def _flags(child: PersonDTO, history: HistoryDTO, today: date) -> tuple[CaseFlag, ...]:
    flags: list[CaseFlag] = []
    for service in history.open_services:
        label = _SERVICE_LABELS.get(service.service, words(service.service).capitalize())
        where = f" ({service.team})" if service.team else ""
        flags.append(
            CaseFlag(
                "open_service",
                f"Open to {label}",
                f"Open to {label}{where} since {service.since:%d %b %Y}: pass new information "
                "to the allocated worker the same day",
            )
        )
    if history.re_referral_within_12_months:
        flags.append(
            CaseFlag(
                "re_referral",
                "Re-referral",
                "Referred within 12 months of an earlier referral (or would be, if the open "
                "contact is progressed): counted as a re-referral",
            )
        )
    if child.unborn:
        assert child.expected_delivery is not None
        flags.append(
            CaseFlag(
                "unborn",
                "Unborn",
                f"Expected delivery {child.expected_delivery:%d %b %Y}: pre-birth planning "
                "must start before 34 weeks of pregnancy",
            )
        )
    if is_under_five(child.date_of_birth, child.expected_delivery, today):
        flags.append(
            CaseFlag(
                "under_5",
                "Under 5",
                "Under 5 (unborn children count): if social care is not needed, a "
                "children's-centre early-help offer is made",
            )
        )
    if child.disability:
        flags.append(
            CaseFlag(
                "disability",
                "Disability",
                "Disabled child or complex health needs: consider the Children with "
                "Disabilities Service",
            )
        )
    return tuple(flags)


def _household(unit: Unit, person: Person) -> tuple[HouseholdMember, ...]:
    labels: dict[int, list[str]] = {}
    for a, b, kind in unit.conn.execute(
        select(Relationship.person_id, Relationship.related_id, Relationship.kind)
        .where(or_(Relationship.person_id == person.id, Relationship.related_id == person.id))
        .order_by(Relationship.id)
    ):
        rk = RelationshipKind(kind)
        if b == person.id:
            labels.setdefault(a, []).append(_RELATIONSHIP_LABELS[rk])
        else:
            labels.setdefault(b, []).append(_REVERSE_LABELS[rk])
    condition: ColumnElement[bool] | None = Person.id.in_(labels) if labels else None
    if person.household_id is not None:
        same = Person.household_id == person.household_id
        condition = same if condition is None else or_(condition, same)
    if condition is None:
        return ()
    members: list[HouseholdMember] = []
    rows = unit.session.execute(
        select(Person, Household.postcode)
        .outerjoin(Household, Household.id == Person.household_id)
        .where(condition, Person.id != person.id)
    ).all()
    for other, postcode in rows:
        same_home = person.household_id is not None and other.household_id == person.household_id
        relation = ", ".join(dict.fromkeys(labels.get(other.id, []))) or SAME_ADDRESS
        members.append(HouseholdMember(person_dto(other, postcode), relation, same_home))

    def order(m: HouseholdMember) -> tuple:
        # Adults first, then children oldest first (unborn last): how a family is written down.
        p = m.person
        born = p.date_of_birth or p.expected_delivery or date.max
        return (p.kind != PersonKind.ADULT.value, born, p.family_name, p.given_name, p.id)

    members.sort(key=order)
    return tuple(members)


def _consents(unit: Unit, person_id: int, names: UserNames) -> tuple[ConsentRecord, ...]:
    rows = unit.conn.execute(
        select(
            Consent.purpose,
            Consent.state,
            Consent.reason,
            Consent.lawful_basis,
            Consent.approved_by,
            Consent.recorded_by,
            Consent.recorded_at,
            Consent.contact_id,
        )
        .where(Consent.person_id == person_id)
        .order_by(Consent.recorded_at.desc(), Consent.id.desc())
    ).all()
    out = []
    for purpose, state, reason, basis, approver, by, at, contact_id in rows:
        out.append(
            ConsentRecord(
                purpose=purpose,
                state=state,
                reason=reason,
                lawful_basis=basis,
                approved_by=names(approver) if approver else None,
                recorded_by=names(by),
                recorded_at=at,
                contact_id=contact_id,
            )
        )
    return tuple(out)


def _deadlines(unit: Unit, person_id: int) -> tuple[Deadline, ...]:
    found: list[Deadline] = []
    for cc_id, contact_id, due_at, rag in unit.conn.execute(
        select(
            ContactChild.id, ContactChild.contact_id, ContactChild.due_at, ContactChild.rag
        ).where(
            ContactChild.person_id == person_id,
            ContactChild.status == WorkStatus.OPEN.value,
            ContactChild.due_at.is_not(None),
        )
    ):
        assert due_at is not None  # the query keeps only children with a due time
        found.append(
            Deadline(
                due_at,
                f"Contact {contact_id}: decision on the contact",
                Rag(rag) if rag else None,
                due_at < unit.now,
                contact_id,
                cc_id,
                None,
            )
        )
    for referral_id, cc_id, contact_id, decision_due, assessment_due, rag in unit.conn.execute(
        select(
            Referral.id,
            Referral.contact_child_id,
            ContactChild.contact_id,
            Referral.decision_due_at,
            Referral.assessment_due_at,
            Referral.rag,
        )
        .join(ContactChild, ContactChild.id == Referral.contact_child_id)
        .where(
            Referral.person_id == person_id,
            Referral.status == WorkStatus.AWAITING_DECISION.value,
        )
    ):
        value = Rag(rag) if rag else None
        found.append(
            Deadline(
                decision_due,
                f"Referral {referral_id}: decision on next steps (one working day)",
                value,
                decision_due < unit.now,
                contact_id,
                cc_id,
                referral_id,
            )
        )
        found.append(
            Deadline(
                assessment_due,
                f"Referral {referral_id}: single assessment (45 working days)",
                value,
                assessment_due < unit.now,
                contact_id,
                cc_id,
                referral_id,
            )
        )
    found.sort(key=lambda d: (d.due_at, d.what))
    return tuple(found)
