"""The history check every child gets at screening: known before? open now? re-referral?"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func, select

from mash_desk.domain.enums import WorkStatus
from mash_desk.domain.errors import NotFound
from mash_desk.domain.permissions import Permission
from mash_desk.domain.referrals import child_is_re_referred
from mash_desk.services.access import HISTORY_VIEW, record_access
from mash_desk.services.context import Service, Unit
from mash_desk.services.dto import Actor, HistoryDTO, OpenService, PastContact, PastReferral
from mash_desk.storage.models import (
    Contact,
    ContactChild,
    ContactOutcomeRow,
    Person,
    Referral,
    ServiceEpisode,
)
from mash_desk.storage.prepared import Prepared

# The history check lists the latest contacts and referrals in full and counts the rest:
# enough to see whether this is new or one of many, at the same cost however long the history.
RECENT_ITEMS = 20

_theirs = (ContactChild.person_id == bindparam("pid"), ContactChild.contact_id != bindparam("skip"))
_theirs_referrals = Referral.person_id == bindparam("pid")
_recent = (
    select(ContactChild.id.label("cc_id"), Contact.id.label("contact_id"), Contact.received_at)
    .join(Contact, Contact.id == ContactChild.contact_id)
    .where(*_theirs)
    .order_by(Contact.received_at.desc(), ContactChild.id.desc())
    .limit(RECENT_ITEMS)
    .subquery()
)
_RECENT_CONTACTS = Prepared(
    select(_recent.c.cc_id, _recent.c.contact_id, _recent.c.received_at, ContactOutcomeRow.outcome)
    .outerjoin(ContactOutcomeRow, ContactOutcomeRow.contact_child_id == _recent.c.cc_id)
    .order_by(_recent.c.received_at.desc(), _recent.c.cc_id.desc(), ContactOutcomeRow.outcome)
)
# One round trip for "does the child exist" and the four counts: scalar sub-queries, each
# answered from the person_id indexes.
_COUNTS = Prepared(
    select(
        select(Person.id).where(Person.id == bindparam("pid")).scalar_subquery(),
        select(func.count()).select_from(ContactChild).where(*_theirs).scalar_subquery(),
        select(func.count())
        .select_from(ContactChild)
        .where(*_theirs, ContactChild.status == WorkStatus.OPEN.value)
        .scalar_subquery(),
        select(func.count()).select_from(Referral).where(_theirs_referrals).scalar_subquery(),
        select(func.count())
        .select_from(Referral)
        .where(_theirs_referrals, Referral.status == WorkStatus.AWAITING_DECISION.value)
        .scalar_subquery(),
        # Open front-door work of the child, the contact being screened included: the
        # re-referral question is then about the referral it would become.
        select(func.count())
        .select_from(ContactChild)
        .where(
            ContactChild.person_id == bindparam("pid"),
            ContactChild.status == WorkStatus.OPEN.value,
        )
        .scalar_subquery(),
    )
)
_RECENT_REFERRALS = Prepared(
    select(Referral.id, Referral.referral_at, Referral.status, Referral.primary_need)
    .where(Referral.person_id == bindparam("pid"))
    .order_by(Referral.referral_at.desc())
    .limit(RECENT_ITEMS)
)
_OPEN_SERVICES = Prepared(
    select(ServiceEpisode.service, ServiceEpisode.team, ServiceEpisode.started_on)
    .where(
        ServiceEpisode.person_id == bindparam("pid"),
        ServiceEpisode.started_on <= bindparam("today"),
    )
    .where(ServiceEpisode.ended_on.is_(None) | (ServiceEpisode.ended_on > bindparam("today")))
    .order_by(ServiceEpisode.started_on)
)


class HistoryService(Service):
    """What the front door already knows about a child."""

    def check(
        self, actor: Actor, person_id: int, *, exclude_contact_id: int | None = None
    ) -> HistoryDTO:
        """Return previous contacts and referrals, open services and the re-referral flag.

        A re-referral is a referral within 12 months of a previous one (CIN census
        definition). The flag asks it of the referral that open front-door work would become,
        or else of the child's newest referral: a referral is never its own predecessor.
        ``exclude_contact_id`` leaves out the contact being screened. The look is written to
        the access log in the same unit, as every view of a child's record is.
        """
        with self.writing(actor, Permission.VIEW_CASE) as unit:
            found = read_history(unit, person_id, exclude_contact_id=exclude_contact_id)
            record_access(unit, person_id, HISTORY_VIEW)
            return found


def read_history(
    unit: Unit, person_id: int, *, exclude_contact_id: int | None = None
) -> HistoryDTO:
    """The history check inside ``unit``, for a service that logs the view itself."""
    skip = exclude_contact_id or 0
    conn = unit.sql
    counts = _COUNTS.all(conn, pid=person_id, skip=skip)[0]
    exists, total_contacts, open_contacts, total_referrals, open_referrals, at_door = counts
    if exists is None:
        raise NotFound(f"No person with id {person_id}")
    recent = _RECENT_CONTACTS.all(conn, pid=person_id, skip=skip) if total_contacts else []
    referral_rows = _RECENT_REFERRALS.all(conn, pid=person_id) if total_referrals else []
    services = _OPEN_SERVICES.all(conn, pid=person_id, today=unit.today)
    grouped: dict[int, tuple[int, datetime, list[str]]] = {}
    for cc_id, contact_id, received_at, outcome in recent:
        entry = grouped.setdefault(cc_id, (contact_id, received_at, []))
        if outcome is not None:
            entry[2].append(outcome)
    contacts = [PastContact(c, at, tuple(o)) for c, at, o in grouped.values()]
    referrals = tuple(PastReferral(*row) for row in referral_rows)
    return HistoryDTO(
        person_id=person_id,
        contacts=tuple(contacts),
        referrals=referrals,
        re_referral_within_12_months=child_is_re_referred(
            (r.referral_at for r in referrals), unit.now, open_front_door_work=at_door > 0
        ),
        open_services=tuple(OpenService(*row) for row in services),
        open_work=open_contacts + open_referrals,
        total_contacts=total_contacts,
        total_referrals=total_referrals,
    )
