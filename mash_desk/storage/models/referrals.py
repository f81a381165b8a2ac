"""MASH referrals, carrying the Children in Need census fields from the start."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from mash_desk.storage.base import Base, UTCDateTime


class Referral(Base):
    """A contact progressed to a MASH referral for one child.

    Carries the CIN census fields: referral date, source, primary need N0–N9, ReferralNFA.
    """

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_child_id: Mapped[int] = mapped_column(ForeignKey("contact_children.id"), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    referral_at: Mapped[datetime] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(3))
    primary_need: Mapped[str] = mapped_column(String(3))
    referral_nfa: Mapped[bool | None] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(20))
    rag: Mapped[str | None] = mapped_column(String(5))
    decision_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    assessment_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    team: Mapped[str | None] = mapped_column(String(80))
    level: Mapped[int | None] = mapped_column(SmallInteger)
    """Threshold level from the latest referral assessment (its history is in
    ``threshold_assessments``)."""
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_referrals_person_referral_at", "person_id", "referral_at"),
        Index("ix_referrals_status_due", "status", "decision_due_at"),
        # The measures, the dashboard and the returns read a period's referrals (issue 15).
        Index("ix_referrals_referral_at", "referral_at"),
    )
