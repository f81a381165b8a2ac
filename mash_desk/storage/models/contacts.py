"""Contacts: one incoming concern about one or more children, with per-child screening."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from mash_desk.storage.base import Base, UTCDateTime


class Contact(Base):
    """What came in, when, how and from whom. The children are in ``contact_children``."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    channel: Mapped[str] = mapped_column(String(40))
    referrer_name: Mapped[str | None] = mapped_column(String(200))
    referrer_role: Mapped[str | None] = mapped_column(String(200))
    referrer_agency: Mapped[str | None] = mapped_column(String(200))
    # How to reach the referrer with the outcome (referrer feedback): validated UK phone
    # digits and an e-mail address.
    referrer_phone: Mapped[str | None] = mapped_column(String(20))
    referrer_email: Mapped[str | None] = mapped_column(String(254))
    referral_source: Mapped[str] = mapped_column(String(3))
    concerns: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class RiskIndicatorRow(Base):
    """A risk indicator flagged on a contact (codes in ``domain.enums.RISK_INDICATORS``)."""

    __tablename__ = "contact_risk_indicators"

    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)


class ContactChild(Base):
    """One child on one contact: the unit that is screened, rated and given outcomes.

    ``rag``/``due_at`` repeat the latest ``rag_ratings`` row so the work queue is one
    indexed read; the history stays in ``rag_ratings``.
    """

    __tablename__ = "contact_children"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    rag: Mapped[str | None] = mapped_column(String(5))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    team: Mapped[str | None] = mapped_column(String(80))
    provisional_level: Mapped[int | None] = mapped_column(SmallInteger)
    level_rationale: Mapped[str | None] = mapped_column(Text)
    threshold_document: Mapped[str | None] = mapped_column(String(80))
    threshold_version: Mapped[str | None] = mapped_column(String(20))
    screened_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    screened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    no_offer_reason: Mapped[str | None] = mapped_column(Text)
    consent_reason: Mapped[str | None] = mapped_column(Text)
    """Why the work went on without consent (a Level 4 referral may; the reason is kept)."""
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("contact_id", "person_id"),
        Index("ix_contact_children_status_due", "status", "due_at"),
    )


class RagRating(Base):
    """Every RAG rating ever given, with its reason: the full history (domain brief §4)."""

    __tablename__ = "rag_ratings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_child_id: Mapped[int] = mapped_column(ForeignKey("contact_children.id"), index=True)
    value: Mapped[str] = mapped_column(String(5))
    reason: Mapped[str] = mapped_column(Text)
    rated_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ContactOutcomeRow(Base):
    """One outcome for one child on a contact. NFA excludes the others (service rule)."""

    __tablename__ = "contact_outcomes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_child_id: Mapped[int] = mapped_column(ForeignKey("contact_children.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(40))
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("contact_child_id", "outcome"),)


class Consent(Base):
    """Consent for one person and purpose, as recorded on a contact (domain brief §6)."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    lawful_basis: Mapped[str | None] = mapped_column(Text)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
