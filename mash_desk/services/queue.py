"""The open-work queue: open contacts and referrals awaiting decision, soonest deadline first.

Pages are keyset-paged on (deadline, kind, id) and each side is read through its
(status, deadline) index, so the first page costs the same after 10 years or 100.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, or_, select

from mash_desk.domain.enums import Rag, WorkStatus
from mash_desk.domain.errors import FieldError, ValidationError
from mash_desk.domain.permissions import Permission
from mash_desk.services.context import Service
from mash_desk.services.dto import Actor, QueueCursor, QueuePage, QueueRow
from mash_desk.storage.models import ContactChild, Household, Person, Referral, User

MAX_PAGE = 500


@dataclass(frozen=True)
class QueueFilter:
    """What the practitioner narrowed the queue to; ``None`` means any."""

    rag: Rag | None = None
    kind: str | None = None  # "contact" or "referral"
    worker_id: int | None = None
    team: str | None = None
    search: str | None = None


def _narrow(
    query: Select, table: type, due_column, flt: QueueFilter, cursor: QueueCursor | None, kind: str
) -> Select:
    if flt.rag is not None:
        query = query.where(table.rag == flt.rag.value)
    if flt.worker_id is not None:
        query = query.where(table.assigned_to == flt.worker_id)
    if flt.team is not None:
        query = query.where(User.team == flt.team)
    if flt.search:
        text = f"%{flt.search.strip().lower()}%"
        query = query.where(
            or_(
                Person.family_name.ilike(text),
                Person.given_name.ilike(text),
                Person.nhs_number.like(text),
                Household.postcode.ilike(text),
            )
        )
    if cursor is not None:
        query = query.where(
            or_(
                due_column > cursor.due_at,
                and_(due_column == cursor.due_at, kind > cursor.kind),
                and_(due_column == cursor.due_at, kind == cursor.kind, table.id > cursor.item_id),
            )
        )
    return query


class QueueService(Service):
    """Read the open-work queue page by page."""

    def page(
        self,
        actor: Actor,
        *,
        size: int = 50,
        after: QueueCursor | None = None,
        flt: QueueFilter | None = None,
    ) -> QueuePage:
        """Return up to ``size`` open items after ``after``, soonest deadline first."""
        if not 1 <= size <= MAX_PAGE:
            raise ValidationError(FieldError("size", "range", f"Page size must be 1 to {MAX_PAGE}"))
        flt = flt or QueueFilter()
        with self.reading(actor, Permission.VIEW_QUEUE) as unit:
            rows: list[QueueRow] = []
            if flt.kind in (None, "contact"):
                query = (
                    select(ContactChild, Person, Household.postcode, User.display_name)
                    .join(Person, Person.id == ContactChild.person_id)
                    .outerjoin(Household, Household.id == Person.household_id)
                    .outerjoin(User, User.id == ContactChild.assigned_to)
                    .where(ContactChild.status == WorkStatus.OPEN.value)
                )
                query = _narrow(query, ContactChild, ContactChild.due_at, flt, after, "contact")
                query = query.order_by(ContactChild.due_at, ContactChild.id).limit(size)
                for cc, person, postcode, worker in unit.session.execute(query):
                    rows.append(
                        QueueRow(
                            "contact",
                            cc.id,
                            cc.contact_id,
                            person.id,
                            f"{person.given_name} {person.family_name}",
                            person.date_of_birth,
                            person.expected_delivery,
                            person.household_id,
                            postcode,
                            Rag(cc.rag) if cc.rag else None,
                            cc.due_at,
                            cc.status,
                            worker,
                            cc.version,
                        )
                    )
            if flt.kind in (None, "referral"):
                query = (
                    select(
                        Referral,
                        ContactChild.contact_id,
                        Person,
                        Household.postcode,
                        User.display_name,
                    )
                    .join(ContactChild, ContactChild.id == Referral.contact_child_id)
                    .join(Person, Person.id == Referral.person_id)
                    .outerjoin(Household, Household.id == Person.household_id)
                    .outerjoin(User, User.id == Referral.assigned_to)
                    .where(Referral.status == WorkStatus.AWAITING_DECISION.value)
                )
                query = _narrow(query, Referral, Referral.decision_due_at, flt, after, "referral")
                query = query.order_by(Referral.decision_due_at, Referral.id).limit(size)
                for ref, contact_id, person, postcode, worker in unit.session.execute(query):
                    rows.append(
                        QueueRow(
                            "referral",
                            ref.id,
                            contact_id,
                            person.id,
                            f"{person.given_name} {person.family_name}",
                            person.date_of_birth,
                            person.expected_delivery,
                            person.household_id,
                            postcode,
                            Rag(ref.rag) if ref.rag else None,
                            ref.decision_due_at,
                            ref.status,
                            worker,
                            ref.version,
                        )
                    )
            rows.sort(key=lambda r: (r.due_at, r.kind, r.item_id))
            rows = rows[:size]
            cursor = None
            if len(rows) == size:
                last = rows[-1]
                assert last.due_at is not None
                cursor = QueueCursor(last.due_at, last.kind, last.item_id)
            return QueuePage(tuple(rows), cursor)
