"""What the MASH already knows about a child, in one line's worth of facts.

Shown beside each possible duplicate while a contact is typed, so the practitioner can tell
"the Amira Hassan we have open work on" from a namesake before choosing a record.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC

from sqlalchemy import BindParameter, bindparam, func, select

from mash_desk.domain.enums import WorkStatus
from mash_desk.domain.referrals import twelve_months_before
from mash_desk.services.context import Unit
from mash_desk.services.dto import KnownSummary
from mash_desk.storage.models import Contact, ContactChild, Referral, ServiceEpisode
from mash_desk.storage.prepared import Prepared

_PID: BindParameter[int] = bindparam("pid")
# One round trip per child, each sub-query answered from a person_id index.
_FACTS = Prepared(
    select(
        select(func.count())
        .select_from(ContactChild)
        .where(ContactChild.person_id == _PID, ContactChild.status == WorkStatus.OPEN.value)
        .scalar_subquery(),
        select(func.count())
        .select_from(Referral)
        .where(
            Referral.person_id == _PID,
            Referral.status == WorkStatus.AWAITING_DECISION.value,
        )
        .scalar_subquery(),
        select(func.max(Contact.received_at))
        .join(ContactChild, ContactChild.contact_id == Contact.id)
        .where(ContactChild.person_id == _PID)
        .scalar_subquery(),
        select(func.count())
        .select_from(Referral)
        .where(Referral.person_id == _PID, Referral.referral_at >= bindparam("since"))
        .scalar_subquery(),
        select(Referral.level)
        .where(Referral.person_id == _PID, Referral.level.is_not(None))
        .order_by(Referral.referral_at.desc(), Referral.id.desc())
        .limit(1)
        .scalar_subquery(),
        select(ContactChild.provisional_level)
        .join(Contact, Contact.id == ContactChild.contact_id)
        .where(ContactChild.person_id == _PID, ContactChild.provisional_level.is_not(None))
        .order_by(Contact.received_at.desc(), ContactChild.id.desc())
        .limit(1)
        .scalar_subquery(),
    )
)
_PLANS = Prepared(
    select(ServiceEpisode.service)
    .where(ServiceEpisode.person_id == _PID, ServiceEpisode.started_on <= bindparam("today"))
    .where(ServiceEpisode.ended_on.is_(None) | (ServiceEpisode.ended_on > bindparam("today")))
    .order_by(ServiceEpisode.started_on)
)


def known_summaries(unit: Unit, person_ids: Sequence[int]) -> dict[int, KnownSummary]:
    """Return what is known about each child in ``person_ids`` (callers check permission)."""
    since = twelve_months_before(unit.now)
    found: dict[int, KnownSummary] = {}
    for pid in dict.fromkeys(person_ids):
        open_contacts, open_referrals, last, referrals, referral_level, contact_level = _FACTS.all(
            unit.sql, pid=pid, since=since
        )[0]
        plans = tuple(row[0] for row in _PLANS.all(unit.sql, pid=pid, today=unit.today))
        if last is not None and last.tzinfo is None:  # SQLite's max() loses the column type
            last = last.replace(tzinfo=UTC)
        found[pid] = KnownSummary(
            open_work=(open_contacts or 0) + (open_referrals or 0),
            last_contact=last,
            referrals_12_months=referrals or 0,
            current_level=referral_level if referral_level is not None else contact_level,
            plans=plans,
        )
    return found
