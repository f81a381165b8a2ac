"""Who was given which piece of front-door work, by whom, to which team, and why.

``contact_children.assigned_to``/``team`` and ``referrals.assigned_to``/``team`` hold the
current allocation (the queue reads them in one indexed pass); this table keeps every
allocation ever made, so the chronology can show the whole story of who held the work.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mash_desk.storage.base import Base, UTCDateTime


class Allocation(Base):
    """One allocation of a contact child or a referral (exactly one of the two is set)."""

    __tablename__ = "allocations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    contact_child_id: Mapped[int | None] = mapped_column(ForeignKey("contact_children.id"))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"))
    kind: Mapped[str] = mapped_column(String(20))
    """``taken`` (a worker took it), ``allocated`` (first allocation) or ``reallocated``."""
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    to_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    team: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(Text)
    allocated_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    allocated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_allocations_person_at", "person_id", "allocated_at"),)
