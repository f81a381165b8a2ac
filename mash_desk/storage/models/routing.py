"""Routing records (step up, step down, transfers), who was informed, strategy discussions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mash_desk.storage.base import Base, UTCDateTime


class Routing(Base):
    """A child moving between services: from/to, why, levels, consent and the handover."""

    __tablename__ = "routings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    kind: Mapped[str] = mapped_column(String(10))
    from_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    to_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    to_team: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text)
    level_before: Mapped[int | None] = mapped_column(SmallInteger)
    level_after: Mapped[int] = mapped_column(SmallInteger)
    family_consent: Mapped[bool | None] = mapped_column(Boolean)
    handover_summary: Mapped[str] = mapped_column(Text)
    childrens_centre_offer: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(10))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    responded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    response_reason: Mapped[str | None] = mapped_column(Text)
    # The receiving agency's rep says "we have it" before deciding to accept or reject.
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_routings_to_status", "to_agency_id", "status"),
        # Step-up / step-down flows count a month's routings (issue 15 measures).
        Index("ix_routings_created_at", "created_at"),
        # A rep's answered routings, a page at a time, newest answer first (0020).
        Index("ix_routings_to_agency_responded", "to_agency_id", "responded_at", "id"),
    )


class RoutingInforming(Base):
    """One party told of a routing: who, when and how."""

    __tablename__ = "routing_informing"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    routing_id: Mapped[int] = mapped_column(ForeignKey("routings.id"), index=True)
    party: Mapped[str] = mapped_column(String(15))
    who: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(15))
    informed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StrategyDiscussion(Base):
    """The strategy discussion of an s47 decision, with what the returns read."""

    __tablename__ = "strategy_discussions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    held_at: Mapped[datetime] = mapped_column(UTCDateTime())
    s47_decision: Mapped[str] = mapped_column(String(25))
    rationale: Mapped[str] = mapped_column(Text)
    s47_started_on: Mapped[date | None] = mapped_column(Date)
    icpc_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The initial child protection conference, once held (a local date: conferences are
    # counted in working days, domain brief §4). Recorded once, by whom and when.
    icpc_held_on: Mapped[date | None] = mapped_column(Date)
    icpc_recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    icpc_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Or the enquiry concluded with no conference needed (the census's ICPCnotRequired), on
    # this local date and for this reason; recorded by and at the two columns above.
    icpc_not_required_on: Mapped[date | None] = mapped_column(Date)
    icpc_not_required_reason: Mapped[str | None] = mapped_column(Text)
    # server_default so rows written before this column existed start at version 1.
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # The measures count a month's discussions and the conferences due in it (issue 15).
        Index("ix_strategy_discussions_held_at", "held_at"),
        Index("ix_strategy_discussions_icpc_due_at", "icpc_due_at"),
    )


class StrategyAttendee(Base):
    """Someone from an agency who took part in a strategy discussion."""

    __tablename__ = "strategy_attendees"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    discussion_id: Mapped[int] = mapped_column(ForeignKey("strategy_discussions.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    name: Mapped[str] = mapped_column(String(120))
