"""Threshold documents as used, threshold assessments and consistency-QA samples."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from mash_desk.storage.base import Base, UTCDateTime


class ThresholdDocumentRow(Base):
    """A threshold document version, its text kept whole.

    A screening is always shown against the version it used (issue 3), so the text of every
    version that was ever used or installed is kept in the database: a later edit or removal
    of the file cannot change what an old decision meant, and every client of a shared
    PostgreSQL server sees the same documents.
    """

    __tablename__ = "threshold_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    effective_from: Mapped[date] = mapped_column(Date)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    installed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (UniqueConstraint("document_id", "version"),)


class ThresholdAssessment(Base):
    """One application of a threshold document to a child: what was ticked and decided.

    ``kind`` says where it was made: ``screening`` (a contact), ``referral`` (the same-day
    review of a referral), ``qa`` (a blind re-rating drawn by consistency QA).
    """

    __tablename__ = "threshold_assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    contact_child_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_children.id"), index=True
    )
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"), index=True)
    document_id: Mapped[str] = mapped_column(String(80))
    document_version: Mapped[str] = mapped_column(String(20))
    suggested_level: Mapped[int | None] = mapped_column(SmallInteger)
    chosen_level: Mapped[int] = mapped_column(SmallInteger)
    override: Mapped[bool] = mapped_column(Boolean)
    rationale: Mapped[str | None] = mapped_column(Text)
    not_red_reason: Mapped[str | None] = mapped_column(Text)
    """Why a Level 4 screening left the child amber or green rather than red (issue 12 §6)."""
    assessed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        ForeignKeyConstraint(
            ["document_id", "document_version"],
            ["threshold_documents.document_id", "threshold_documents.version"],
        ),
        Index("ix_threshold_assessments_kind_assessed_at", "kind", "assessed_at"),
    )


class AssessmentIndicator(Base):
    """An indicator ticked in an assessment (by its id in that document version)."""

    __tablename__ = "threshold_assessment_indicators"

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("threshold_assessments.id"), primary_key=True
    )
    indicator_id: Mapped[str] = mapped_column(String(80), primary_key=True)


class QaSample(Base):
    """A random sample of past assessments drawn for blind re-rating."""

    __tablename__ = "qa_samples"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    size: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    drawn_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime())


class QaItem(Base):
    """One sampled assessment and, once done, its blind re-rating."""

    __tablename__ = "qa_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("qa_samples.id"))
    position: Mapped[int] = mapped_column(Integer)
    original_id: Mapped[int] = mapped_column(ForeignKey("threshold_assessments.id"))
    rerate_id: Mapped[int | None] = mapped_column(ForeignKey("threshold_assessments.id"))

    __table_args__ = (
        UniqueConstraint("sample_id", "original_id"),
        UniqueConstraint("sample_id", "position"),
    )
