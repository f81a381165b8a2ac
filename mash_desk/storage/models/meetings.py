"""The daily MASH meeting, its decisions, dissent and escalations, and referrer feedback.

A decision is kept as versions: ``revision`` 1 is the first decision on a referral, each
amendment adds the next revision with its reason; a signed row is never changed.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from mash_desk.storage.base import Base, UTCDateTime


class Meeting(Base):
    """One daily MASH meeting (one per local day)."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_date: Mapped[date] = mapped_column(Date, unique=True)
    chair_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    quorum_reason: Mapped[str | None] = mapped_column(Text)
    """Why the meeting proceeded without quorum (recorded by the chair), else None."""
    quorum_reason_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    quorum_reason_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signed_off_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class MeetingAttendance(Base):
    """Someone from an agency at the meeting, present or sending apologies."""

    __tablename__ = "meeting_attendance"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    attendee_name: Mapped[str] = mapped_column(String(120))
    present: Mapped[bool] = mapped_column(Boolean)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("meeting_id", "agency_id", "attendee_name"),)


class AgendaItem(Base):
    """A referral on a meeting's agenda; its order is worked out when read."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    deferred_reason: Mapped[str | None] = mapped_column(Text)
    deferred_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    deferred_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("meeting_id", "referral_id"),)


class Decision(Base):
    """One version of the decision on a referral, with what the national returns need."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    revision: Mapped[int] = mapped_column(SmallInteger)
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    amendment_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[str] = mapped_column(String(40))
    level: Mapped[int] = mapped_column(SmallInteger)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("threshold_assessments.id"))
    document_id: Mapped[str] = mapped_column(String(80))
    document_version: Mapped[str] = mapped_column(String(20))
    rationale: Mapped[str] = mapped_column(Text)
    inform_family: Mapped[str | None] = mapped_column(Text)
    inform_referrer: Mapped[str | None] = mapped_column(Text)
    inform_professionals: Mapped[str | None] = mapped_column(Text)
    allocated_team: Mapped[str | None] = mapped_column(String(80))
    allocated_worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Why the outcome departs from the usual route at this level (domain.meetings
    # EXPECTED_LEVELS); empty when outcome and level agree.
    outcome_level_reason: Mapped[str | None] = mapped_column(Text)
    s47_started_on: Mapped[date | None] = mapped_column(Date)
    drafted_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    drafted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    signed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("referral_id", "revision"),
        # One draft per referral, kept by the database: two people saving a first draft at
        # the same moment both pass any check made before their insert (issue 13 item 7).
        Index(
            "uq_decisions_one_draft",
            "referral_id",
            unique=True,
            sqlite_where=text("status = 'draft'"),
            postgresql_where=text("status = 'draft'"),
        ),
    )


class DecisionPathway(Base):
    """A parallel pathway of a decision version (MARAC, LADO, …)."""

    __tablename__ = "decision_pathways"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    pathway: Mapped[str] = mapped_column(String(40))

    __table_args__ = (UniqueConstraint("decision_id", "pathway"),)


class DecisionAction(Base):
    """An action of a decision version: what, whose (agency or user), by when."""

    __tablename__ = "decision_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    # Indexed: a partner rep's inbox asks for the actions of their agency or their own (0018).
    owner_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    # Partner reps work their agency's actions: open → done (with an outcome note) or
    # "not_done" (with the reason), so the MASH sees what was actually carried out.
    status: Mapped[str] = mapped_column(String(10), server_default="open")
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closing_note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # A rep's closed actions, a page at a time, newest closed first (0019).
        Index("ix_decision_actions_owner_agency_closed", "owner_agency_id", "closed_at", "id"),
        Index("ix_decision_actions_owner_user_closed", "owner_user_id", "closed_at", "id"),
    )


class DecisionActionUpdate(Base):
    """A progress note on an action, by its owner (append-only, newest last)."""

    __tablename__ = "decision_action_updates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("decision_actions.id"), index=True)
    note: Mapped[str] = mapped_column(Text)
    status_after: Mapped[str] = mapped_column(String(10))
    written_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Escalation(Base):
    """An agency's disagreement with a decision, and where it stands in the protocol."""

    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    reason: Mapped[str] = mapped_column(Text)
    raised_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime())
    stage: Mapped[int] = mapped_column(SmallInteger)
    stage_started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10))
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_escalations_status_due", "status", "due_at"),)


class EscalationStep(Base):
    """One stage an escalation entered: when, by whom, why, and its due time."""

    __tablename__ = "escalation_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id"), index=True)
    stage: Mapped[int] = mapped_column(SmallInteger)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text)
    moved_by: Mapped[int] = mapped_column(ForeignKey("users.id"))


class ReferrerFeedback(Base):
    """The referrer's acknowledgement and outcome for one signed decision version."""

    __tablename__ = "referrer_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), unique=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    method: Mapped[str | None] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_referrer_feedback_sent_due", "sent_at", "due_at"),
        # "Feedback within one working day" counts the feedback due in a month (issue 15).
        Index("ix_referrer_feedback_due_at", "due_at"),
    )
