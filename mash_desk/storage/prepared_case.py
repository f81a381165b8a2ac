"""The case record's reads, compiled once per dialect and run on the DBAPI cursor (issue 16).

Opening a case read some twenty tables, each through the ORM or Core execution: ~190 µs of
SQLAlchemy bookkeeping a statement against ~5 µs for the SQL, so the case view sat at 3–6×
its hand-written floor. Here every read is a :class:`~mash_desk.storage.prepared.Prepared`
statement keyed by the child (``pid``), never by a list of ids, so each is compiled once and
the number of statements stays the same however many referrals, decisions or routings the
child has. Rows come back as named tuples whose fields are the columns' names (the model's
attribute names), so the services' DTO builders read them as they read ORM rows.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterable
from typing import Any

from sqlalchemy import BindParameter, Select, bindparam, literal, or_, select, union
from sqlalchemy.sql.elements import ColumnElement

from mash_desk.storage.models import (
    Agency,
    Allocation,
    AssessmentIndicator,
    AuditEntry,
    Consent,
    Contact,
    ContactChild,
    ContactOutcomeRow,
    Decision,
    DecisionAction,
    DecisionPathway,
    Escalation,
    Household,
    Person,
    RagRating,
    Referral,
    Relationship,
    Routing,
    RoutingInforming,
    StrategyAttendee,
    StrategyDiscussion,
    ThresholdAssessment,
    User,
)
from mash_desk.storage.prepared import Prepared, Target
from mash_desk.storage.server_audit import CHANGE_PREFIX

PID: BindParameter[int] = bindparam("pid")


class Records(Prepared):
    """A prepared SELECT whose rows are named tuples (fields: the selected columns' names)."""

    def __init__(self, statement: Select[*tuple[Any, ...]]):
        super().__init__(statement)
        fields = [str(c.key) for c in statement.selected_columns]
        self.row: Any = namedtuple("Record", fields)  # type: ignore[misc]  # run-time names

    def records(self, target: Target, **params: Any) -> list[Any]:
        """Every row as a named tuple, dates and instants converted."""
        make = self.row._make
        return [make(r) for r in self.all(target, **params)]


def _columns(model: Any, *leave_out: str) -> list[ColumnElement[Any]]:
    return [c for c in model.__table__.c if c.key not in leave_out]


def _not_in(column: Any, values: Iterable[str]) -> ColumnElement[bool]:
    # One bound value each (not SQLAlchemy's expanding list, which a compiled-once string
    # cannot carry): the list is fixed, so it is part of the statement.
    return column.not_in([literal(v) for v in sorted(values)])


# The child's referrals, as a sub-query: decisions and what followed are read by referral.
_THEIR_REFERRALS = select(Referral.id).where(Referral.person_id == PID).scalar_subquery()
_THEIR_DECISIONS = select(Decision.id).where(Decision.referral_id.in_(_THEIR_REFERRALS))

PERSON = Records(
    select(*_columns(Person), Household.address, Household.postcode)
    .outerjoin(Household, Household.id == Person.household_id)
    .where(Person.id == PID)
)
PERSON_NAME = Prepared(select(Person.given_name, Person.family_name).where(Person.id == PID))
# The desk's users are a council's staff, a few hundred rows at most; a long history names
# many of them, so reading them all once beats a look-up per name (issue 16).
USERS = Prepared(select(User.id, User.display_name))
AGENCIES = Prepared(select(Agency.id, Agency.code, Agency.name).order_by(Agency.id))

ASSESSMENTS = Records(
    select(*_columns(ThresholdAssessment), AssessmentIndicator.indicator_id)
    .outerjoin(AssessmentIndicator, AssessmentIndicator.assessment_id == ThresholdAssessment.id)
    .where(ThresholdAssessment.person_id == PID)
    .order_by(
        ThresholdAssessment.assessed_at.desc(),
        ThresholdAssessment.id.desc(),
        AssessmentIndicator.indicator_id,
    )
)
REFERRALS = Records(
    select(*_columns(Referral), ContactChild.contact_id)
    .join(ContactChild, ContactChild.id == Referral.contact_child_id)
    .where(Referral.person_id == PID)
    .order_by(Referral.referral_at.desc(), Referral.id.desc())
)
# Each contact of the child with its child row's state: the chronology's contact events and
# the deadlines of open contacts come from the same rows.
CONTACTS = Records(
    select(
        ContactChild.id.label("cc_id"),
        Contact.id.label("contact_id"),
        Contact.received_at,
        Contact.channel,
        Contact.referrer_name,
        Contact.referrer_role,
        Contact.referrer_agency,
        Contact.referral_source,
        Contact.concerns,
        Contact.created_by,
        ContactChild.status,
        ContactChild.due_at,
        ContactChild.rag,
    )
    .join(Contact, Contact.id == ContactChild.contact_id)
    .where(ContactChild.person_id == PID)
)
RAGS = Prepared(
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
    .where(ContactChild.person_id == PID)
)
OUTCOMES = Prepared(
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
    .where(ContactChild.person_id == PID)
    .order_by(ContactOutcomeRow.id)
)
ALLOCATIONS = Records(select(*_columns(Allocation)).where(Allocation.person_id == PID))


def audits(shown_elsewhere: Iterable[str]) -> Prepared:
    """The child's audit rows that are not an event of their own (``shown_elsewhere``)."""
    return Prepared(
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
                select(Person.id).where(or_(Person.id == PID, Person.merged_into == PID))
            ),
            _not_in(AuditEntry.action, shown_elsewhere),
            # The rows the server writes for every changed row (storage/server_audit.py) say
            # which table changed, not what happened to the child: the chronology lists events.
            AuditEntry.action.not_like(f"{CHANGE_PREFIX}%"),
        )
    )


RELATIONSHIPS = Prepared(
    select(Relationship.person_id, Relationship.related_id, Relationship.kind)
    .where(or_(Relationship.person_id == PID, Relationship.related_id == PID))
    .order_by(Relationship.id)
)
# Everyone linked to the child either way, or at the child's address (``hh``; NULL matches
# no one), with their postcode. One id list made of three index look-ups: PostgreSQL cannot
# use an index for an OR of IN-lists and read all of ``people`` instead (90 ms on ten years
# where the rest of the case took 10, issue 16); SQLite plans either form the same way.
_LINKED = union(
    select(Relationship.related_id).where(Relationship.person_id == PID),
    select(Relationship.person_id).where(Relationship.related_id == PID),
    select(Person.id).where(Person.household_id == bindparam("hh")),
)
MEMBERS = Records(
    select(*_columns(Person), Household.postcode)
    .outerjoin(Household, Household.id == Person.household_id)
    .where(Person.id.in_(_LINKED), Person.id != PID)
)
CONSENTS = Prepared(
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
    .where(Consent.person_id == PID)
    .order_by(Consent.recorded_at.desc(), Consent.id.desc())
)

DECISIONS = Records(
    select(
        *_columns(Decision),
        ThresholdAssessment.id.label("a_id"),
        ThresholdAssessment.suggested_level.label("a_suggested_level"),
        ThresholdAssessment.rationale.label("a_rationale"),
    )
    .outerjoin(ThresholdAssessment, ThresholdAssessment.id == Decision.assessment_id)
    .where(Decision.referral_id.in_(_THEIR_REFERRALS))
    .order_by(Decision.referral_id, Decision.revision)
)
PATHWAYS = Prepared(
    select(DecisionPathway.decision_id, DecisionPathway.pathway)
    .where(DecisionPathway.decision_id.in_(_THEIR_DECISIONS))
    .order_by(DecisionPathway.id)
)
ACTIONS = Records(
    select(*_columns(DecisionAction))
    .where(DecisionAction.decision_id.in_(_THEIR_DECISIONS))
    .order_by(DecisionAction.id)
)
DECISION_INDICATORS = Prepared(
    select(AssessmentIndicator.assessment_id, AssessmentIndicator.indicator_id)
    .where(
        AssessmentIndicator.assessment_id.in_(
            select(Decision.assessment_id).where(Decision.referral_id.in_(_THEIR_REFERRALS))
        )
    )
    .order_by(AssessmentIndicator.indicator_id)
)
STRATEGIES = Records(
    select(
        *_columns(StrategyDiscussion),
        StrategyAttendee.agency_id.label("attendee_agency_id"),
        StrategyAttendee.name.label("attendee_name"),
    )
    .outerjoin(StrategyAttendee, StrategyAttendee.discussion_id == StrategyDiscussion.id)
    .where(StrategyDiscussion.referral_id.in_(_THEIR_REFERRALS))
    .order_by(StrategyDiscussion.held_at, StrategyDiscussion.id, StrategyAttendee.id)
)
ESCALATIONS = Records(
    select(*_columns(Escalation), Decision.referral_id, Decision.person_id)
    .join(Decision, Decision.id == Escalation.decision_id)
    .where(Decision.person_id == PID)
    .order_by(Escalation.due_at, Escalation.id)
)
ROUTINGS = Records(
    select(
        *_columns(Routing),
        RoutingInforming.id.label("informed_id"),
        RoutingInforming.party.label("informed_party"),
        RoutingInforming.who.label("informed_who"),
        RoutingInforming.method.label("informed_method"),
        RoutingInforming.informed_at,
    )
    .outerjoin(RoutingInforming, RoutingInforming.routing_id == Routing.id)
    .where(Routing.person_id == PID)
    .order_by(Routing.created_at, Routing.id, RoutingInforming.id)
)
