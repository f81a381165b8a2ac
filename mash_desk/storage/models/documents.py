"""Issued documents (memos, letters, notices, minutes) with their hashes, and every output.

An issued document is kept as its SHA-256 and the model it was rendered from (JSON), never
as the PDF: the hash proves a file unaltered (``mash-desk memo verify``) and the model lets a
copy be reprinted with exactly the original's content. Both tables are append-only: database
triggers (migration 0007) refuse UPDATE and DELETE, so a stored hash cannot be rewritten to
make an altered file verify.
"""

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
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from mash_desk.storage.base import Base, UTCDateTime


class IssuedDocument(Base):
    """One issued document: the original, or a copy (``copy_of_id`` names the original).

    ``subject`` names what it is about (``decision:12``, ``meeting:3``, ``routing:4``) and
    ``recipient`` who it was made for (``mash`` for the case file, an agency code, ``referrer``,
    ``professional``, ``family``, ``meeting``). Only one original exists per kind, subject and
    recipient; every later issue is a numbered copy.
    """

    __tablename__ = "issued_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(30))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), index=True)
    revision: Mapped[int | None] = mapped_column(SmallInteger)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    routing_id: Mapped[int | None] = mapped_column(ForeignKey("routings.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    reference: Mapped[str] = mapped_column(String(60))
    copy_of_id: Mapped[int | None] = mapped_column(ForeignKey("issued_documents.id"))
    copy_number: Mapped[int] = mapped_column(Integer)
    """0 for the original, then 1, 2, … for each copy."""
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    model: Mapped[str] = mapped_column(Text)
    issued_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        # One original per document and recipient, even when two users issue at once.
        Index(
            "uq_issued_documents_original",
            "kind",
            "subject",
            "recipient",
            unique=True,
            sqlite_where=text("copy_of_id IS NULL"),
            postgresql_where=text("copy_of_id IS NULL"),
        ),
        UniqueConstraint("copy_of_id", "copy_number"),
    )


class DocumentOutput(Base):
    """An issued document written out: exported to a file or sent to a printer."""

    __tablename__ = "document_outputs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("issued_documents.id"), index=True)
    action: Mapped[str] = mapped_column(String(10))
    destination: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    output_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    output_at: Mapped[datetime] = mapped_column(UTCDateTime())
