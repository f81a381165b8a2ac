"""The history check every child gets at screening: known before? open now? re-referral?"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from mash_desk.domain.enums import WorkStatus
from mash_desk.domain.errors import NotFound
from mash_desk.domain.permissions import Permission
from mash_desk.services.context import Service
from mash_desk.services.dto import Actor, HistoryDTO, OpenService, PastContact, PastReferral
from mash_desk.storage.models import (
    Contact,
    ContactChild,
    ContactOutcomeRow,
    Person,
    Referral,
    ServiceEpisode,
)

RECENT_ITEMS = 20


def twelve_months_before(at: datetime) -> datetime:
    """Return the same instant one year earlier (29 February falls back to the 28th)."""
    try:
        return at.replace(year=at.year - 1)
    except ValueError:
        return at.replace(year=at.year - 1, day=28)


class HistoryService(Service):
    """What the front door already knows about a child."""

    def check(
        self, actor: Actor, person_id: int, *, exclude_contact_id: int | None = None
    ) -> HistoryDTO:
        """Return previous contacts and referrals, open services and the re-referral flag.

        A re-referral is a referral within 12 months of a previous one (CIN census
        definition); the flag looks at referrals made in the 12 months before now.
        ``exclude_contact_id`` leaves out the contact being screened.
        """
        with self.reading(actor, Permission.VIEW_CASE) as unit:
            session = unit.session
            if session.get(Person, person_id) is None:
                raise NotFound(f"No person with id {person_id}")
            contact_filter = [ContactChild.person_id == person_id]
            if exclude_contact_id is not None:
                contact_filter.append(ContactChild.contact_id != exclude_contact_id)
            recent = session.execute(
                select(ContactChild.id, Contact.id, Contact.received_at)
                .join(Contact, Contact.id == ContactChild.contact_id)
                .where(*contact_filter)
                .order_by(Contact.received_at.desc())
                .limit(RECENT_ITEMS)
            ).all()
            outcome_rows = session.execute(
                select(ContactOutcomeRow.contact_child_id, ContactOutcomeRow.outcome).where(
                    ContactOutcomeRow.contact_child_id.in_([r[0] for r in recent])
                )
            ).all()
            by_child: dict[int, list[str]] = {}
            for cc_id, outcome in outcome_rows:
                by_child.setdefault(cc_id, []).append(outcome)
            contacts = tuple(
                PastContact(contact_id, received_at, tuple(sorted(by_child.get(cc_id, []))))
                for cc_id, contact_id, received_at in recent
            )
            total_contacts = (
                session.scalar(
                    select(func.count()).select_from(ContactChild).where(*contact_filter)
                )
                or 0
            )
            referrals = tuple(
                PastReferral(r.id, r.referral_at, r.status, r.primary_need)
                for r in session.scalars(
                    select(Referral)
                    .where(Referral.person_id == person_id)
                    .order_by(Referral.referral_at.desc())
                    .limit(RECENT_ITEMS)
                )
            )
            total_referrals = (
                session.scalar(
                    select(func.count())
                    .select_from(Referral)
                    .where(Referral.person_id == person_id)
                )
                or 0
            )
            since = twelve_months_before(unit.now)
            re_referral = any(since <= r.referral_at <= unit.now for r in referrals)
            today: date = unit.today
            open_services = tuple(
                OpenService(e.service, e.team, e.started_on)
                for e in session.scalars(
                    select(ServiceEpisode)
                    .where(
                        ServiceEpisode.person_id == person_id, ServiceEpisode.started_on <= today
                    )
                    .where((ServiceEpisode.ended_on.is_(None)) | (ServiceEpisode.ended_on > today))
                    .order_by(ServiceEpisode.started_on)
                )
            )
            open_work = (
                session.scalar(
                    select(func.count())
                    .select_from(ContactChild)
                    .where(*contact_filter, ContactChild.status == WorkStatus.OPEN.value)
                )
                or 0
            ) + (
                session.scalar(
                    select(func.count())
                    .select_from(Referral)
                    .where(
                        Referral.person_id == person_id,
                        Referral.status == WorkStatus.AWAITING_DECISION.value,
                    )
                )
                or 0
            )
            return HistoryDTO(
                person_id=person_id,
                contacts=contacts,
                referrals=referrals,
                re_referral_within_12_months=re_referral,
                open_services=open_services,
                open_work=open_work,
                total_contacts=total_contacts,
                total_referrals=total_referrals,
            )
