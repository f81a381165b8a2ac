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
from typing import Any, cast

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
    ChronologyReads,
    PeopleNames,
    UserNames,
    read_assessments,
    read_contacts,
    read_events,
    read_referrals,
    words,
)
from mash_desk.services.case_referrals import (
    Agencies,
    decisions_by_referral,
    escalations_of,
    named_users,
    routings_of,
    strategies_by_referral,
)
from mash_desk.services.context import Service, Unit
from mash_desk.services.decisions import DecisionDTO, EscalationDTO
from mash_desk.services.dto import Actor, HistoryDTO, PersonDTO
from mash_desk.services.history import read_history
from mash_desk.services.mapping import person_dto
from mash_desk.services.routing import RoutingDTO
from mash_desk.services.strategy import StrategyDTO
from mash_desk.storage import prepared_case as q
from mash_desk.storage.models import Person

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
        ``events_total`` says how many there are.

        Every read is a prepared statement keyed by the child (storage/prepared_case.py), so
        the record opens with the same number of statements however long the history.

        The view is written to the access log ("who has looked at this child") in the same
        unit, a write transaction: the record is returned only once the row saying so is
        committed. The row is written last, so the write lock is held only for the insert.
        """
        with self.writing(actor, Permission.VIEW_CASE) as unit:
            person = _kept_person(unit, person_id)
            person_id = person.id
            child = person_dto(cast(Person, person), person.postcode)
            today = unit.today
            history = read_history(unit, person_id)
            names = UserNames(unit)
            agencies = {aid: (code, name) for aid, code, name in q.AGENCIES.all(unit.sql)}
            household = _household(unit, person)
            referral_rows = read_referrals(unit, person_id)
            contact_rows = read_contacts(unit, person_id)
            reads = ChronologyReads(
                assessments=read_assessments(
                    unit, lambda: self.ctx.thresholds.library(unit.conn), person_id, names
                ),
                referrals=referral_rows,
                contacts=contact_rows,
                names=names,
                people=PeopleNames(
                    unit,
                    {m.person.id: (m.person.given_name, m.person.family_name) for m in household},
                ),
            )
            events, events_total = read_events(unit, person_id, reads, events_limit)
            consents = _consents(unit, person_id, names)
            deadlines = _deadlines(unit, contact_rows, referral_rows)
            referrals = self._referrals(unit, person_id, referral_rows, agencies)
            age = age_text(child, today)
            routings = routings_of(unit, child, age, agencies, names.known)
            user_ids = named_users(d for r in referrals for d in r.decisions)
            user_names = tuple((uid, names(uid)) for uid in sorted(user_ids))
            record_access(unit, person_id, CASE_VIEW)
        return CaseDTO(
            child=child,
            as_of=today,
            age_text=age,
            address=person.address,
            household=household,
            flags=_flags(child, history, today),
            history=history,
            events=tuple(events),
            consents=consents,
            deadlines=deadlines,
            referrals=referrals,
            routings=routings,
            user_names=user_names,
            agency_names=tuple(agencies.values()),
            events_total=events_total,
            ethnicity=person.ethnicity,
        )

    def _referrals(
        self, unit: Unit, person_id: int, rows: list[Any], agencies: Agencies
    ) -> tuple[ReferralRecord, ...]:
        """The child's referrals (``rows``, newest first) with their decisions and what followed."""
        if not rows:
            # No referral, nothing decided: the decisions' and strategy's permissions are
            # asked only of a record that has some (as DecisionService.history would).
            return ()
        escalations = escalations_of(unit, self.ctx, person_id, agencies)
        decisions = decisions_by_referral(unit, person_id, agencies)
        strategies = strategies_by_referral(unit, self.ctx, person_id, agencies)
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


def _kept_person(unit: Unit, person_id: int) -> Any:
    """The child's row with its household's address and postcode.

    A merged-away duplicate opens as the record it was merged into (services.merge).
    """
    rows = q.PERSON.records(unit.sql, pid=person_id)
    if not rows:
        raise NotFound(f"No person with id {person_id}")
    person = rows[0]
    while person.merged_into is not None:
        # A foreign key: the kept record exists.
        person = q.PERSON.records(unit.sql, pid=person.merged_into)[0]
    return person


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


def _household(unit: Unit, person: Any) -> tuple[HouseholdMember, ...]:
    labels: dict[int, list[str]] = {}
    for a, b, kind in q.RELATIONSHIPS.all(unit.sql, pid=person.id):
        rk = RelationshipKind(kind)
        if b == person.id:
            labels.setdefault(a, []).append(_RELATIONSHIP_LABELS[rk])
        else:
            labels.setdefault(b, []).append(_REVERSE_LABELS[rk])
    if not labels and person.household_id is None:
        return ()
    members: list[HouseholdMember] = []
    for other in q.MEMBERS.records(unit.sql, pid=person.id, hh=person.household_id):
        same_home = person.household_id is not None and other.household_id == person.household_id
        relation = ", ".join(dict.fromkeys(labels.get(other.id, []))) or SAME_ADDRESS
        members.append(
            HouseholdMember(person_dto(cast(Person, other), other.postcode), relation, same_home)
        )

    def order(m: HouseholdMember) -> tuple:
        # Adults first, then children oldest first (unborn last): how a family is written down.
        p = m.person
        born = p.date_of_birth or p.expected_delivery or date.max
        return (p.kind != PersonKind.ADULT.value, born, p.family_name, p.given_name, p.id)

    members.sort(key=order)
    return tuple(members)


def _consents(unit: Unit, person_id: int, names: UserNames) -> tuple[ConsentRecord, ...]:
    return tuple(
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
        for purpose, state, reason, basis, approver, by, at, contact_id in q.CONSENTS.all(
            unit.sql, pid=person_id
        )
    )


def _deadlines(unit: Unit, contacts: list[Any], referrals: list[Any]) -> tuple[Deadline, ...]:
    """The deadlines of the child's open contacts and undecided referrals, soonest first.

    From the rows the chronology read (``read_contacts``, ``read_referrals``): no read of its
    own.
    """
    found: list[Deadline] = []
    for c in contacts:
        if c.status != WorkStatus.OPEN.value or c.due_at is None:
            continue
        found.append(
            Deadline(
                c.due_at,
                f"Contact {c.contact_id}: decision on the contact",
                Rag(c.rag) if c.rag else None,
                c.due_at < unit.now,
                c.contact_id,
                c.cc_id,
                None,
            )
        )
    for r in referrals:
        if r.status != WorkStatus.AWAITING_DECISION.value:
            continue
        value = Rag(r.rag) if r.rag else None
        for due, what in (
            (r.decision_due_at, "decision on next steps (one working day)"),
            (r.assessment_due_at, "single assessment (45 working days)"),
        ):
            found.append(
                Deadline(
                    due,
                    f"Referral {r.id}: {what}",
                    value,
                    due < unit.now,
                    r.contact_id,
                    r.contact_child_id,
                    r.id,
                )
            )
    found.sort(key=lambda d: (d.due_at, d.what))
    return tuple(found)
