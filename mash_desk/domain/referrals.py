"""Re-referral: a referral within 12 months of an earlier referral of the same child.

The Children in Need census counts a referral as a re-referral when the child had another
referral in the 12 months before it (domain brief §7, §9). The question is always asked of
one referral — the one being decided, or a referral that would be made now from open
front-door work — and that referral is never its own predecessor.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime


def twelve_months_before(at: datetime) -> datetime:
    """Return the same instant one year earlier (29 February falls back to the 28th)."""
    try:
        return at.replace(year=at.year - 1)
    except ValueError:
        return at.replace(year=at.year - 1, day=28)


def is_re_referral(at: datetime, others: Iterable[datetime]) -> bool:
    """Whether a referral made at ``at`` follows another within 12 months.

    ``others`` are the child's *other* referrals (never the one made at ``at``); only those
    made in the 12 months up to ``at`` count.
    """
    since = twelve_months_before(at)
    return any(since <= other <= at for other in others)


def child_is_re_referred(
    referrals: Iterable[datetime], now: datetime, *, open_front_door_work: bool
) -> bool:
    """The re-referral flag of a child's record, from the times of their referrals.

    With front-door work still open (a contact not yet given its outcome), the question is
    about the referral that work would become if made now: every stored referral is an
    earlier one. Otherwise it is about the child's newest referral, compared with the rest.
    """
    times = sorted(t for t in referrals if t <= now)
    if open_front_door_work:
        return is_re_referral(now, times)
    if not times:
        return False
    *earlier, newest = times
    return is_re_referral(newest, earlier)
