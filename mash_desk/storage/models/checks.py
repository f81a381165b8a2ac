"""Agency checks asked of partner agencies for a referral, and the log of who viewed a child.

The access log is append-only like the audit log: database triggers (migration 0003) refuse
UPDATE and DELETE, so "who has looked at this child" cannot be rewritten.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from mash_desk.storage.base import Base, UTCDateTime


class AgencyCheckRequest(Base):
    """One question to one partner agency about the child of a referral, and its return.

    ``status`` is ``requested``, ``returned`` or ``withdrawn``. A return carries either a
    ``finding`` or ``nothing_known`` (never both). ``rag`` is the referral's rating when the
    check was asked (``None``: unrated, so the amber clock ran); ``due_at`` comes from it.
    """

    __tablename__ = "agency_check_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    question: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    rag: Mapped[str | None] = mapped_column(String(5))
    status: Mapped[str] = mapped_column(String(12))
    returned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finding: Mapped[str | None] = mapped_column(Text)
    nothing_known: Mapped[bool] = mapped_column(Boolean, default=False)
    withdrawn_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # One open request per referral and agency; the database holds the rule even if two
        # practitioners ask at the same moment.
        Index(
            "uq_agency_check_requests_open",
            "referral_id",
            "agency_id",
            unique=True,
            sqlite_where=text("status = 'requested'"),
            postgresql_where=text("status = 'requested'"),
        ),
        # A partner's inbox and the MASH's overdue list read open requests by due time.
        Index("ix_agency_check_requests_agency_status_due", "agency_id", "status", "due_at"),
        Index("ix_agency_check_requests_status_due", "status", "due_at"),
        # A partner's closed checks, a page at a time, newest returned or withdrawn first
        # (storage/prepared_partner.py, 0019).
        Index("ix_agency_check_requests_agency_returned", "agency_id", "returned_at", "id"),
        Index("ix_agency_check_requests_agency_withdrawn", "agency_id", "withdrawn_at", "id"),
        # "Checks returned in time" counts the checks asked in a month (issue 15 measures).
        Index("ix_agency_check_requests_requested_at", "requested_at"),
    )


class AccessLogEntry(Base):
    """Someone viewed a child's record: who, when, through which screen (``what``)."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    what: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(String(200))
    # Hash-chained like the audit log (storage/audit_chain.py, migration 0015).
    db_user: Mapped[str | None] = mapped_column(String(63))
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    row_hash: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_access_log_person_at", "person_id", "at"),
        Index("ix_access_log_user_at", "user_id", "at"),
    )
