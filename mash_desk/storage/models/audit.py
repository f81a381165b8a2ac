"""The append-only audit log: one row per change, written in the change's transaction.

Database triggers (see the initial migration) refuse UPDATE and DELETE on this table, so
not even a scripted session can rewrite history; and each row is hash-chained to the one
before it (migration 0015), so someone who can drop those triggers still cannot rewrite it
unnoticed (``mash-desk audit verify``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mash_desk.storage.base import Base, UTCDateTime


class AuditEntry(Base):
    """Who did what to which record, when; ``detail`` is JSON."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    person_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text)
    # The database login that wrote the row (PostgreSQL's session_user; NULL on SQLite).
    db_user: Mapped[str | None] = mapped_column(String(63))
    # The hash chain (domain/audit_chain.py): the previous row's hash and this row's.
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    row_hash: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_audit_log_entity", "entity", "entity_id"),
        Index("ix_audit_log_person", "person_id"),
    )


class AuditChainHead(Base):
    """The last chained row of a log: its id and hash, read under a lock to chain the next.

    One row per chained log (``log`` is the table's name). Taking this row first serializes
    writers of the log, so two transactions never chain onto the same predecessor, and it lets
    ``audit verify`` notice rows removed from, or slipped onto, the end of the log.
    """

    __tablename__ = "audit_chain_head"

    log: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
