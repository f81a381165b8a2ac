"""One child's case record: who they are, who they live with, and everything that happened.

The case view answers the questions a practitioner asks before touching a child's record:
who is this, who lives with them, are they known or open to a service, how old are they (the
under-5 rule), what has the front door already done, and what is due next. Flags come from the
history check every screening runs (:class:`~mash_desk.services.history.HistoryService`) and
threshold assessments from :class:`~mash_desk.services.thresholds.ThresholdService`, so the
case view and screening never disagree about what is known.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select

from mash_desk.domain.enums import (
    OUTCOME_LABELS,
    PRIMARY_NEEDS,
    REFERRAL_SOURCES,
    Channel,
    ContactOutcome,
    PersonKind,
    Rag,
    RelationshipKind,
    ServiceKind,
    WorkStatus,
)
from mash_desk.domain.errors import NotFound
from mash_desk.domain.identifiers import format_nhs_number
from mash_desk.domain.meetings import DecisionOutcome, DecisionStatus
from mash_desk.domain.outcomes import age_text, is_under_five
from mash_desk.domain.permissions import Permission
from mash_desk.services.access import CASE_VIEW, record_access
from mash_desk.services.case_referrals import decisions_by_referral, strategies_by_referral
from mash_desk.services.context import Service, ServiceContext, Unit
from mash_desk.services.decisions import DecisionDTO, EscalationDTO, read_escalations
from mash_desk.services.dto import Actor, HistoryDTO, PersonDTO
from mash_desk.services.history import read_history
from mash_desk.services.mapping import load_person_dto, person_dto
from mash_desk.services.meetings import meeting_policy
from mash_desk.services.routing import RoutingDTO, routings_of
from mash_desk.services.strategy import StrategyDTO
from mash_desk.services.thresholds import AssessmentDTO, read_assessments
from mash_desk.storage.models import (
    Agency,
    Allocation,
    AuditEntry,
    Consent,
    Contact,
    ContactChild,
    ContactOutcomeRow,
    Decision,
    Household,
    Person,
    RagRating,
    Referral,
    Relationship,
    User,
)
from mash_desk.storage.server_audit import CHANGE_PREFIX

# Event kinds of the chronology, in the order things happen to one contact (logged, rated,
# screened, closed, referred).
EVENT_KINDS: dict[str, str] = {
    "contact": "Contact",
    "rag": "RAG rating",
    "threshold": "Threshold level",
    "outcome": "Outcome",
    "referral": "Referral",
    "allocation": "Allocation",
    "audit": "Record change",
}
# Events saved in one transaction share an instant; they keep the order above (newest
# first), with record changes (a child created with their first contact) before them all.
_KIND_RANK = {
    "audit": 0,
    "contact": 1,
    "rag": 2,
    "threshold": 3,
    "outcome": 4,
    "referral": 5,
    "allocation": 6,
}

# Audit actions already shown as an event of their own: listing them again as "record
# change" would show every step twice.
_SHOWN_ELSEWHERE = frozenset(
    {
        "contact.logged",
        "rag.changed",
        "contact.screened",
        "referral.level_reviewed",
        "contact.outcome_recorded",
        "referral.created",
        "work.taken",
        "work.allocated",
        "work.reallocated",
    }
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
_CHANNEL_LABELS = {
    Channel.PHONE: "Phone",
    Channel.EMAIL: "Email",
    Channel.REFERRAL_FORM: "Referral form",
    Channel.POLICE_NOTIFICATION: "Police notification",
    Channel.DROP_IN: "Drop-in",
    Channel.OUT_OF_HOURS: "Out-of-hours handover",
    Channel.PRIVATE_FOSTERING: "Private-fostering notification",
}
_AUDIT_LABELS = {
    "person.created": "Record created",
    "person.updated": "Details changed",
    "relationship.added": "Relationship recorded",
    "qa.rerated": "Re-rated blind for consistency QA",
    "person.merged": "Duplicate record merged into this one",
    "person.merged_away": "Merged into another record (this is the duplicate)",
}
SUMMARY_LENGTH = 140
# The chronology opens on its newest entries (issue 16): the longest history then costs about
# what a typical one does. The case view asks for the rest with "Show older entries"; the
# meeting's case summary, which reads contacts back to the previous referral, asks for all.
CHRONOLOGY_PAGE = 200


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
class CaseEvent:
    """One line of the chronology.

    ``kind`` is a key of :data:`EVENT_KINDS`; ``assessment`` is set for threshold events so
    the view can show the assessment against its own document version.
    """

    when: datetime
    kind: str
    who: str
    summary: str
    detail: str = ""
    contact_id: int | None = None
    contact_child_id: int | None = None
    referral_id: int | None = None
    assessment: AssessmentDTO | None = None
    ref: int = 0
    """Id of the row the event comes from (a stable tie-break within one kind)."""

    @property
    def kind_label(self) -> str:
        """The kind as a practitioner reads it."""
        return EVENT_KINDS.get(self.kind, self.kind)


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
        text = f"{_words(self.purpose).capitalize()}: {_words(self.state)}"
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


def _words(code: str) -> str:
    return code.replace("_", " ")


def _one_line(text: str | None, limit: int = SUMMARY_LENGTH) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


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
            names = _Names(unit)
            page = _Page(events_limit)
            # Kinds a child has few of are read whole; the rest their newest page each, which
            # holds every event of theirs among the newest page of all.
            events = [
                *_threshold_events(assessments),
                *_outcome_events(unit, person_id, names),
                *_referral_events(unit, person_id, names),
            ]
            page.total += len(events)
            events += [
                *_contact_events(unit, person_id, names, page),
                *_rag_events(unit, person_id, names, page),
                *_allocation_events(unit, person_id, names, page),
                *_audit_events(unit, person_id, names, page),
            ]
            household = _household(unit, person)
            consents = _consents(unit, person_id, names)
            deadlines = _deadlines(unit, person_id)
            referrals = self._referrals(unit, person_id)
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
        events.sort(key=lambda e: (e.when, _KIND_RANK.get(e.kind, 99), e.ref), reverse=True)
        if events_limit is not None:
            del events[events_limit:]
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
            events_total=page.total,
        )

    def _referrals(self, unit: Unit, person_id: int) -> tuple[ReferralRecord, ...]:
        """The child's referrals, newest first, each with its decisions and what followed."""
        rows = unit.session.scalars(
            select(Referral)
            .where(Referral.person_id == person_id)
            .order_by(Referral.referral_at.desc(), Referral.id.desc())
        ).all()
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


class _Page:
    """The newest ``limit`` rows of each paged event read, and how many there are in all."""

    def __init__(self, limit: int | None):
        self.limit = limit
        self.total = 0

    def rows(self, execute: Callable[[Any], Any], stmt: Select, *newest_first: Any) -> list:
        """Run ``stmt`` bounded to the page; count its rows before the bound."""
        if self.limit is None:
            rows = execute(stmt).all()
            self.total += len(rows)
            return rows
        # A window count is taken before LIMIT: the total comes with the page, no 2nd read.
        paged = stmt.add_columns(func.count().over()).order_by(*newest_first).limit(self.limit)
        rows = execute(paged).all()
        self.total += rows[0][-1] if rows else 0
        return [tuple(row)[:-1] for row in rows]


class _Names:
    """Display names of users, all read with the first one asked for.

    A long history names many workers; one look-up each made the statements grow with the
    history (issue 16). The desk's users are a council's staff, a few hundred rows at most.
    """

    def __init__(self, unit: Unit):
        self._unit = unit
        self._known: dict[int, str] | None = None

    def __call__(self, user_id: int | None) -> str:
        if user_id is None:
            return ""
        if self._known is None:
            rows = self._unit.conn.execute(select(User.id, User.display_name))
            self._known = {uid: name for uid, name in rows}
        return self._known.get(user_id) or "unknown user"


def _flags(child: PersonDTO, history: HistoryDTO, today: date) -> tuple[CaseFlag, ...]:
    flags: list[CaseFlag] = []
    for service in history.open_services:
        label = _SERVICE_LABELS.get(service.service, _words(service.service).capitalize())
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


def _contact_events(unit: Unit, person_id: int, names: _Names, page: _Page) -> list[CaseEvent]:
    rows = page.rows(
        unit.conn.execute,
        select(
            ContactChild.id,
            Contact.id,
            Contact.received_at,
            Contact.channel,
            Contact.referrer_name,
            Contact.referrer_role,
            Contact.referrer_agency,
            Contact.referral_source,
            Contact.concerns,
            Contact.created_by,
        )
        .join(Contact, Contact.id == ContactChild.contact_id)
        .where(ContactChild.person_id == person_id),
        Contact.received_at.desc(),
        ContactChild.id.desc(),
    )
    events = []
    for cc_id, contact_id, received, channel, name, role, agency, source, concerns, by in rows:
        try:
            how = _CHANNEL_LABELS[Channel(channel)]
        except ValueError:
            how = _words(channel).capitalize()
        who_referred = ", ".join(x for x in (name, role, agency) if x) or REFERRAL_SOURCES.get(
            source, source
        )
        events.append(
            CaseEvent(
                when=received,
                kind="contact",
                who=names(by),
                summary=_one_line(f"{how} contact from {who_referred}: {concerns}"),
                detail=concerns,
                contact_id=contact_id,
                contact_child_id=cc_id,
                ref=cc_id,
            )
        )
    return events


def _rag_events(unit: Unit, person_id: int, names: _Names, page: _Page) -> list[CaseEvent]:
    rows = page.rows(
        unit.conn.execute,
        select(
            RagRating.id,
            RagRating.value,
            RagRating.reason,
            RagRating.rated_by,
            RagRating.rated_at,
            ContactChild.id,
            ContactChild.contact_id,
        )
        .join(ContactChild, ContactChild.id == RagRating.contact_child_id)
        .where(ContactChild.person_id == person_id),
        RagRating.rated_at.desc(),
        RagRating.id.desc(),
    )
    return [
        CaseEvent(
            when=at,
            kind="rag",
            who=names(by),
            summary=_one_line(f"Rated {value.upper()}: {reason}"),
            detail=reason,
            contact_id=contact_id,
            contact_child_id=cc_id,
            ref=rid,
        )
        for rid, value, reason, by, at, cc_id, contact_id in rows
    ]


def _threshold_events(assessments: list[AssessmentDTO]) -> list[CaseEvent]:
    events = []
    for a in assessments:
        # QA re-ratings are checks on practice, not decisions about the child.
        if a.kind == "qa":
            continue
        where = "Referral review" if a.kind == "referral" else "Screening"
        if a.override:
            how = f"overriding suggested Level {a.suggested_level}: {a.rationale or ''}"
        elif a.suggested_level is None:
            how = f"no indicators ticked: {a.rationale or ''}"
        else:
            how = "suggested level confirmed"
        # The version comes before the rationale so a long rationale never truncates it away.
        summary = f"{where}: {a.level_label} ({a.document}) — {how}"
        detail_lines = [f"{a.document_title} ({a.document})", summary]
        detail_lines += [f"• Level {i.level}: {i.text}" for i in a.indicators]
        if a.pathways:
            detail_lines.append("Pathways: " + ", ".join(a.pathways))
        events.append(
            CaseEvent(
                when=a.assessed_at,
                kind="threshold",
                who=a.assessed_by,
                summary=_one_line(summary),
                detail="\n".join(detail_lines),
                contact_child_id=a.contact_child_id,
                referral_id=a.referral_id,
                assessment=a,
                ref=a.id,
            )
        )
    return events


def _outcome_events(unit: Unit, person_id: int, names: _Names) -> list[CaseEvent]:
    rows = unit.conn.execute(
        select(
            ContactOutcomeRow.id,
            ContactOutcomeRow.outcome,
            ContactOutcomeRow.recorded_by,
            ContactOutcomeRow.recorded_at,
            ContactChild.id,
            ContactChild.contact_id,
            ContactChild.no_offer_reason,
        )
        .join(ContactChild, ContactChild.id == ContactOutcomeRow.contact_child_id)
        .where(ContactChild.person_id == person_id)
        .order_by(ContactOutcomeRow.id)
    ).all()
    # Outcomes recorded together (one save) are one event.
    grouped: dict[tuple[int, datetime], list] = {}
    for row in rows:
        grouped.setdefault((row[4], row[3]), []).append(row)
    events = []
    for (cc_id, at), group in grouped.items():
        labels = []
        for row in group:
            try:
                labels.append(OUTCOME_LABELS[ContactOutcome(row[1])])
            except ValueError:
                labels.append(_words(row[1]))
        text = "Contact closed with: " + "; ".join(labels)
        if group[0][6]:
            text += f" (no children's-centre offer: {group[0][6]})"
        events.append(
            CaseEvent(
                when=at,
                kind="outcome",
                who=names(group[0][2]),
                summary=_one_line(text),
                detail=text,
                contact_id=group[0][5],
                contact_child_id=cc_id,
                ref=group[0][0],
            )
        )
    return events


def _referral_events(unit: Unit, person_id: int, names: _Names) -> list[CaseEvent]:
    rows = unit.session.execute(
        select(Referral, ContactChild.contact_id)
        .join(ContactChild, ContactChild.id == Referral.contact_child_id)
        .where(Referral.person_id == person_id)
    ).all()
    events = []
    for referral, contact_id in rows:
        need = PRIMARY_NEEDS.get(referral.primary_need, referral.primary_need)
        status = _words(referral.status)
        text = f"MASH referral — primary need {referral.primary_need} {need}; {status}"
        if referral.level is not None:
            text += f"; Level {referral.level}"
        if referral.referral_nfa:
            text += "; no further action after referral"
        events.append(
            CaseEvent(
                when=referral.referral_at,
                kind="referral",
                who=names(referral.created_by),
                summary=_one_line(text),
                detail=text
                + f"\nSource: {REFERRAL_SOURCES.get(referral.source, referral.source)}"
                + f"\nDecision due {referral.decision_due_at:%d %b %Y %H:%M} UTC",
                contact_id=contact_id,
                contact_child_id=referral.contact_child_id,
                referral_id=referral.id,
                ref=referral.id,
            )
        )
    return events


def _allocation_events(unit: Unit, person_id: int, names: _Names, page: _Page) -> list[CaseEvent]:
    rows = page.rows(
        unit.session.execute,
        select(Allocation).where(Allocation.person_id == person_id),
        Allocation.allocated_at.desc(),
        Allocation.id.desc(),
    )
    events = []
    for (a,) in rows:
        what = "contact" if a.contact_child_id is not None else "referral"
        to = names(a.to_user_id) + (f" ({a.team})" if a.team else "")
        if a.kind == "taken":
            text = f"Took the {what}" + (f" ({a.team})" if a.team else "")
        else:
            verb = "Reallocated" if a.kind == "reallocated" else "Allocated"
            text = f"{verb} the {what} to {to}"
            if a.from_user_id is not None:
                text += f", from {names(a.from_user_id)}"
        if a.reason:
            text += f": {a.reason}"
        events.append(
            CaseEvent(
                when=a.allocated_at,
                kind="allocation",
                who=names(a.allocated_by),
                summary=_one_line(text),
                detail=text,
                contact_child_id=a.contact_child_id,
                referral_id=a.referral_id,
                ref=a.id,
            )
        )
    return events


def _audit_events(unit: Unit, person_id: int, names: _Names, page: _Page) -> list[CaseEvent]:
    rows = page.rows(
        unit.conn.execute,
        select(
            AuditEntry.id,
            AuditEntry.at,
            AuditEntry.user_id,
            AuditEntry.action,
            AuditEntry.entity,
            AuditEntry.entity_id,
            AuditEntry.detail,
        ).where(
            # The audit trail cannot be rewritten, so a merged-away record's rows stay under
            # its id: read them with the kept record's.
            AuditEntry.person_id.in_(
                select(Person.id).where(
                    or_(Person.id == person_id, Person.merged_into == person_id)
                )
            ),
            AuditEntry.action.not_in(_SHOWN_ELSEWHERE),
            # The rows the server writes for every changed row (storage/server_audit.py) say
            # which table changed, not what happened to the child: the chronology lists events.
            AuditEntry.action.not_like(f"{CHANGE_PREFIX}%"),
        ),
        AuditEntry.at.desc(),
        AuditEntry.id.desc(),
    )
    events = []
    for audit_id, at, user_id, action, entity, entity_id, raw in rows:
        try:
            detail = json.loads(raw) if raw else {}
        except ValueError:
            detail = {}
        label = _AUDIT_LABELS.get(action, _words(action.replace(".", " ")).capitalize())
        if action == "person.updated" and isinstance(detail.get("changes"), dict):
            changed = ", ".join(_words(k) for k in detail["changes"]) or "nothing"
            label += f": {changed}"
        elif action == "relationship.added" and detail.get("kind"):
            other = unit.session.get(Person, detail.get("person") or 0)
            who = f"{other.given_name} {other.family_name.upper()}" if other else "someone"
            label += f": {who} — {_words(detail['kind'])}"
        events.append(
            CaseEvent(
                when=at,
                kind="audit",
                who=names(user_id),
                summary=_one_line(label),
                detail=f"{action} on {entity} {entity_id or ''}".strip(),
                ref=audit_id,
            )
        )
    return events


def _consents(unit: Unit, person_id: int, names: _Names) -> tuple[ConsentRecord, ...]:
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
