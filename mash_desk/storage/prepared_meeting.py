"""Prepared statements of the daily meeting: its agenda as meeting mode opens it, and signing.

Meeting mode reopens today's meeting after every change the chair makes, and the chair signs
one decision per child on the agenda, so both are benchmarked against hand-written SQL
(benchmarks/screens.py: ``meeting_agenda`` and ``decision_sign``). As in
:mod:`mash_desk.storage.prepared`, each is a Core statement compiled once per dialect and run
on the cursor of the unit's own connection and transaction; set-based: one statement per
table, never one per agenda row.
"""

from __future__ import annotations

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import aliased

from mash_desk.storage.models import (
    Agency,
    AgendaItem,
    AssessmentIndicator,
    Decision,
    DecisionAction,
    DecisionPathway,
    Meeting,
    MeetingAttendance,
    Person,
    Referral,
    ReferrerFeedback,
    ThresholdAssessment,
    User,
)
from mash_desk.storage.prepared import Prepared, equals_unplanned

# -- the agenda (MeetingService.today / get and every change's answer) -------------------------

_MEETING_COLUMNS = (
    Meeting.id,
    Meeting.meeting_date,
    Meeting.chair_id,
    User.display_name,
    Meeting.quorum_reason,
    Meeting.signed_off_at,
    Meeting.version,
)
MEETING_ON = Prepared(
    select(*_MEETING_COLUMNS)
    .outerjoin(User, User.id == Meeting.chair_id)
    .where(Meeting.meeting_date == bindparam("day"))
)
"""Today's meeting with its chair's name: (id, date, chair id, chair name, quorum reason,
signed off at, version)."""

MEETING_BY_ID = Prepared(
    select(*_MEETING_COLUMNS)
    .outerjoin(User, User.id == Meeting.chair_id)
    .where(Meeting.id == bindparam("meeting_id"))
)
"""One meeting, the same columns as :data:`MEETING_ON`."""

ATTENDANCE = Prepared(
    select(Agency.code, Agency.name, MeetingAttendance.attendee_name, MeetingAttendance.present)
    .join(Agency, Agency.id == MeetingAttendance.agency_id)
    .where(MeetingAttendance.meeting_id == bindparam("meeting_id"))
    .order_by(Agency.code, MeetingAttendance.attendee_name)
)
"""Who came from which agency: (code, agency name, attendee, present)."""

AGENDA = Prepared(
    select(
        Referral.id,
        Person.id,
        Person.given_name,
        Person.family_name,
        Person.household_id,
        Referral.rag,
        Referral.decision_due_at,
        AgendaItem.status,
        AgendaItem.deferred_reason,
    )
    .join(Referral, Referral.id == AgendaItem.referral_id)
    .join(Person, Person.id == Referral.person_id)
    .where(AgendaItem.meeting_id == bindparam("meeting_id"))
)
"""Every child on the agenda (in no order: the domain orders it)."""

PRESENT_AGENCIES = Prepared(
    select(Agency.code)
    .join(MeetingAttendance, MeetingAttendance.agency_id == Agency.id)
    .where(equals_unplanned(MeetingAttendance.meeting_id, "meeting_id"), MeetingAttendance.present)
)
"""Codes of the agencies with someone present (the quorum check)."""

# -- signing a decision (DecisionService.sign) -------------------------------------------------

_Chair = aliased(Meeting)
SIGNING = Prepared(
    select(
        *Decision.__table__.c,
        Referral.status,
        Referral.rag,
        Referral.version,
        Referral.team,
        Referral.assigned_to,
        _Chair.chair_id,
        _Chair.signed_off_at,
        _Chair.quorum_reason,
        AgendaItem.status,
        ThresholdAssessment.suggested_level,
        ThresholdAssessment.rationale,
    )
    .join(Referral, Referral.id == Decision.referral_id)
    .outerjoin(_Chair, _Chair.id == Decision.meeting_id)
    .outerjoin(
        AgendaItem,
        (AgendaItem.meeting_id == Decision.meeting_id)
        & (AgendaItem.referral_id == Decision.referral_id),
    )
    .outerjoin(ThresholdAssessment, ThresholdAssessment.id == Decision.assessment_id)
    .where(Decision.id == bindparam("decision_id"))
)
"""A decision with everything signing checks: its columns in table order, then the
referral's status, RAG, version, team and worker, the meeting's chair, sign-off and quorum
reason, the agenda item's status and the assessment's suggested level and rationale."""

DECISION_COLUMNS = tuple(c.name for c in Decision.__table__.c)
"""The names of :data:`SIGNING`'s first columns, in order."""

PATHWAYS = Prepared(
    select(DecisionPathway.pathway)
    .where(equals_unplanned(DecisionPathway.decision_id, "decision_id"))
    .order_by(DecisionPathway.id)
)
ACTIONS = Prepared(
    select(
        DecisionAction.description,
        Agency.code,
        DecisionAction.owner_user_id,
        DecisionAction.due_on,
        DecisionAction.id,
        DecisionAction.status,
        DecisionAction.closed_at,
        DecisionAction.closing_note,
        DecisionAction.version,
    )
    .outerjoin(Agency, Agency.id == DecisionAction.owner_agency_id)
    .where(equals_unplanned(DecisionAction.decision_id, "decision_id"))
    .order_by(DecisionAction.id)
)
"""A decision's actions, in the order of :class:`~mash_desk.services.decisions.ActionDTO`."""

INDICATORS = Prepared(
    select(AssessmentIndicator.indicator_id)
    .where(equals_unplanned(AssessmentIndicator.assessment_id, "assessment_id"))
    .order_by(AssessmentIndicator.indicator_id)
)

SIGN_DECISION = Prepared(
    update(Decision)
    .where(Decision.id == bindparam("decision_id"), Decision.version == bindparam("expected"))
    .values(
        status=bindparam("status"),
        signed_by=bindparam("signed_by"),
        signed_at=bindparam("signed_at"),
        s47_started_on=bindparam("s47_started_on"),
        version=Decision.version + 1,
    )
)
"""Sign, if nobody saved the decision since it was read (0 rows: a lost update)."""

DECIDE_REFERRAL = Prepared(
    update(Referral)
    .where(Referral.id == bindparam("referral_id"), Referral.version == bindparam("expected"))
    .values(
        status=bindparam("status"),
        referral_nfa=bindparam("referral_nfa"),
        level=bindparam("level"),
        team=bindparam("team"),
        assigned_to=bindparam("assigned_to"),
        version=Referral.version + 1,
    )
)
"""Decide the referral as its decision says, if unchanged since it was read."""

DECIDE_AGENDA_ITEM = Prepared(
    update(AgendaItem)
    .where(
        AgendaItem.meeting_id == bindparam("meeting_id"),
        AgendaItem.referral_id == bindparam("referral_id"),
    )
    .values(status=bindparam("status"))
)

NEW_FEEDBACK = Prepared(
    insert(ReferrerFeedback)
    .values(
        decision_id=bindparam("decision_id"),
        referral_id=bindparam("referral_id"),
        due_at=bindparam("due_at"),
        version=1,
    )
    .returning(ReferrerFeedback.id)
)
"""The referrer's feedback record a signed version creates; returns its id."""
