"""Files a referrer sent with a contact (the referral form, their e-mail), kept as evidence."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from mash_desk.storage.base import Base, UTCDateTime


class ContactAttachment(Base):
    """One file attached to a contact.

    The bytes live in the database, with the case they belong to, so backups and access
    control cover them; ``sha256`` proves later that the file is the one received.
    """

    __tablename__ = "contact_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    added_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
