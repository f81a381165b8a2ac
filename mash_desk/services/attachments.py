"""Read the files referrers sent with contacts: listed in the case view, opened read-only."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from mash_desk.domain.errors import MashDeskError, NotFound
from mash_desk.domain.permissions import Permission
from mash_desk.services.access import record_access
from mash_desk.services.context import Service
from mash_desk.services.dto import Actor
from mash_desk.storage.models import ContactAttachment, ContactChild, Person

ATTACHMENT_OPEN = "attachment.open"
"""``access_log.what`` of :meth:`AttachmentService.read`: a file on a child's contact opened."""


@dataclass(frozen=True)
class AttachmentDTO:
    """One attached file, without its bytes."""

    id: int
    contact_id: int
    filename: str
    media_type: str
    size: int
    sha256: str
    added_at: datetime


@dataclass(frozen=True)
class AttachmentContent:
    """An attached file's bytes, as received (its SHA-256 was checked on the way out)."""

    attachment: AttachmentDTO
    data: bytes


_COLUMNS = (
    ContactAttachment.id,
    ContactAttachment.contact_id,
    ContactAttachment.filename,
    ContactAttachment.media_type,
    ContactAttachment.size,
    ContactAttachment.sha256,
    ContactAttachment.added_at,
)


class AttachmentService(Service):
    """List a child's attachments and read one (MASH staff who may open case records)."""

    def for_person(self, actor: Actor, person_id: int) -> tuple[AttachmentDTO, ...]:
        """Every file attached to any contact about the child, newest first.

        Only names and sizes: the case view that lists them has logged its own view.
        """
        with self.reading(actor, Permission.VIEW_CASE) as unit:
            if unit.session.get(Person, person_id) is None:
                raise NotFound(f"No person with id {person_id}")
            contacts = select(ContactChild.contact_id).where(ContactChild.person_id == person_id)
            rows = unit.conn.execute(
                select(*_COLUMNS)
                .where(ContactAttachment.contact_id.in_(contacts))
                .order_by(ContactAttachment.added_at.desc(), ContactAttachment.id.desc())
            ).all()
        return tuple(AttachmentDTO(*row) for row in rows)

    def read(self, actor: Actor, attachment_id: int) -> AttachmentContent:
        """Return a file's bytes; each child on its contact gets an access-log row."""
        with self.writing(actor, Permission.VIEW_CASE) as unit:
            row = unit.conn.execute(
                select(*_COLUMNS, ContactAttachment.data).where(
                    ContactAttachment.id == attachment_id
                )
            ).first()
            if row is None:
                raise NotFound(f"No attachment with id {attachment_id}")
            attachment = AttachmentDTO(*row[:-1])
            children = unit.conn.execute(
                select(ContactChild.person_id)
                .where(ContactChild.contact_id == attachment.contact_id)
                .order_by(ContactChild.id)
            ).scalars()
            for person_id in children:
                record_access(unit, person_id, ATTACHMENT_OPEN, attachment.filename)
            data = bytes(row[-1])
            if hashlib.sha256(data).hexdigest() != attachment.sha256:
                # Evidence that changed since it was received must not be shown as the original.
                raise MashDeskError(
                    f"{attachment.filename} no longer matches the SHA-256 it was stored with; "
                    "it was not opened. Tell the system administrator."
                )
            return AttachmentContent(attachment, data)
