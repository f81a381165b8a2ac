"""The aggregating SQL behind each measure: one grouped SELECT per figure, on both engines.

Every calculation of :data:`mash_desk.domain.measures.CALCULATIONS` is a function building a
SQLAlchemy Core ``SELECT`` that returns, per month of the window (and per breakdown key), the
numerator and the denominator: ``count``, ``sum(case ...)``, ``GROUP BY``. No row of a child
reaches Python, so a performance officer's login (which may select only the columns in
``storage.server_policies.AGGREGATE_COLUMNS``) runs every one of them, and ten years of
history cost one index range scan per figure.

Months are local (Europe/London): the window's month boundaries are local midnights turned
into UTC instants here, and a ``CASE`` numbers each row's month, so summer time never moves a
contact into the wrong month on either engine. Deadlines are the ones stored with the work
(``referrals.decision_due_at``, ``contact_children.due_at``, ``agency_check_requests.due_at``,
``referrer_feedback.due_at``, ``strategy_discussions.icpc_due_at``): the services computed
them from the policy's working-day calendar when the work arrived, so nothing is recomputed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Date,
    Integer,
    Interval,
    Select,
    and_,
    case,
    cast,
    distinct,
    func,
    literal_column,
    null,
    or_,
    select,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from mash_desk.domain.enums import ConsentPurpose, Rag
from mash_desk.domain.measures import Breakdown
from mash_desk.domain.routing import S47Decision
from mash_desk.storage.models import (
    Agency,
    AgencyCheckRequest,
    Consent,
    Contact,
    ContactChild,
    ContactOutcomeRow,
    Decision,
    QaItem,
    Referral,
    ReferrerFeedback,
    Routing,
    StrategyDiscussion,
    ThresholdAssessment,
)

_RETURNED = "returned"
# The month column's name; no table has a column of that name, so GROUP BY cannot mistake it.
MONTH = "measure_month"
_WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Window:
    """The months a query covers and what it is filtered by.

    Attributes:
        starts: the first day of each month, oldest first, then the day after the last month.
        tz: the service's time zone (months are local).
        now: the moment of the reading (work neither done nor yet due is left out).
        team: only rows of this team, or None for all.
        dialect: ``"sqlite"`` or ``"postgresql"``.
    """

    starts: tuple[date, ...]
    tz: ZoneInfo
    now: datetime
    team: str | None
    dialect: str

    @property
    def instants(self) -> tuple[datetime, ...]:
        """The month boundaries as UTC instants (local midnights)."""
        return tuple(datetime.combine(d, datetime.min.time(), self.tz) for d in self.starts)


@dataclass(frozen=True)
class Figure:
    """How one calculation counts: its rows, month column, numerator and denominator.

    Attributes:
        source: the joined tables (a SELECT's FROM, as ``select().select_from(...)``).
        when: the column whose month places the row (a timestamp, or a date if ``by_date``).
        numerator: a condition (a rate counts the rows meeting it), or None for a count.
        count: what a count counts (default: rows).
        where: conditions every counted row meets.
        team: the column holding the row's team (None: the team filter does not apply).
        keys: the column each breakdown groups by.
        by_date: ``when`` is a date column (months are compared as dates).
        additive: the groups of a breakdown add up to the whole (False when a row may be
            in several groups or the count is of distinct rows).
    """

    source: Any
    when: Any
    numerator: ColumnElement[bool] | None = None
    count: Any = None
    where: tuple[ColumnElement[bool], ...] = ()
    team: Any = None
    keys: dict[Breakdown, Any] | None = None
    by_date: bool = False
    additive: bool = True


def month_index(column: Any, edges: Sequence[Any]) -> ColumnElement[int]:
    """A CASE numbering the month of ``column`` 0..n-1 (rows outside are filtered out).

    The CASE halves the months at each level (a binary search), so a row costs about
    log2(n) comparisons: ten years and the ten before are 240 months, 8 comparisons a row
    instead of up to 240 for a flat CASE.
    """
    inner = edges[1:-1]  # inner[i] starts month i + 1

    def months(low: int, high: int) -> Any:
        # Months low..high; the boundary between mid and mid + 1 is inner[mid].
        if low == high:
            return literal_column(str(low), Integer())
        mid = (low + high) // 2
        return case((column < inner[mid], months(low, mid)), else_=months(mid + 1, high))

    result = months(0, len(edges) - 2)
    return result if len(edges) > 2 else case((column.is_not(None), result), else_=result)


def figure_select(fig: Figure, window: Window, breakdown: Breakdown | None) -> Select[Any]:
    """Return ``SELECT month, [key,] numerator, denominator ... GROUP BY month[, key]``."""
    edges: Sequence[Any] = window.starts if fig.by_date else window.instants
    month = month_index(fig.when, edges).label(MONTH)
    if fig.numerator is None:
        numerator: Any = func.count(fig.count) if fig.count is not None else func.count()
        denominator: Any = null()
    else:
        numerator = func.coalesce(func.sum(case((fig.numerator, 1), else_=0)), 0)
        denominator = func.count()
    columns: list[Any] = [month]
    if breakdown is not None:
        assert fig.keys is not None and breakdown in fig.keys
        columns.append(fig.keys[breakdown].label("key"))
    query = select(*columns, numerator.label("num"), denominator.label("den")).select_from(
        fig.source
    )
    query = query.where(fig.when >= edges[0], fig.when < edges[-1], *fig.where)
    if window.team is not None and fig.team is not None:
        query = query.where(fig.team == window.team)
    # Grouped by the output column's name, so the CASE is written (and run) once.
    group = [literal_column(MONTH)] + ([] if breakdown is None else [columns[1]])
    return query.group_by(*group)


# --- time on both engines --------------------------------------------------------------------


def a_year_before(column: Any, dialect: str) -> ColumnElement[Any]:
    """``column`` less one calendar year, in SQL (the census's "12 months before")."""
    if dialect == "sqlite":
        # SQLite stores UTC text; datetime() gives the same text form, so comparisons hold.
        return func.datetime(column, "-1 year")
    return column - literal_column("INTERVAL '1 year'", Interval())


def _offset_changes(tz: ZoneInfo, first: datetime, last: datetime) -> list[tuple[datetime, int]]:
    """(instant, UTC offset in seconds from then) for ``tz`` between two UTC instants."""

    def offset(at: datetime) -> int:
        delta = at.astimezone(tz).utcoffset()
        return int(delta.total_seconds()) if delta is not None else 0

    changes = [(first, offset(first))]
    day = first
    while day < last:
        nxt = day + timedelta(days=1)
        if offset(nxt) != offset(day):
            low, high = day, nxt  # the change lies in (low, high]: find it to the minute
            while high - low > timedelta(minutes=1):
                mid = low + (high - low) / 2
                low, high = (mid, high) if offset(mid) == offset(day) else (low, mid)
            changes.append((high, offset(nxt)))
        day = nxt
    return changes


def local_date(column: Any, window: Window, margin: timedelta) -> ColumnElement[Any]:
    """The local calendar date of a UTC timestamp ``column``, in SQL.

    PostgreSQL converts with the time zone itself. SQLite has no time zones, so the offsets in
    force over the window (widened by ``margin``) are written into a CASE; a row outside that
    range would take the nearest offset, off by an hour at most around midnight.
    """
    if window.dialect != "sqlite":
        return cast(func.timezone(str(window.tz.key), column), Date)
    first = window.instants[0].astimezone(UTC) - margin
    last = window.instants[-1].astimezone(UTC) + margin
    changes = _offset_changes(window.tz, first, last)
    whens = [
        (column < at, f"{off:+d} seconds")
        for (_, off), (at, _) in zip(changes, changes[1:], strict=False)
    ]
    modifier = (
        case(*whens, else_=f"{changes[-1][1]:+d} seconds")
        if whens
        else (f"{changes[0][1]:+d} seconds")
    )
    return func.date(column, modifier)


# --- the calculations ------------------------------------------------------------------------


def _first_signed() -> Any:
    """When a referral's decision was first signed (a correlated subquery on its index)."""
    return (
        select(func.min(Decision.signed_at))
        .where(Decision.referral_id == Referral.id, Decision.signed_at.is_not(None))
        .scalar_subquery()
    )


def _first_outcome() -> Any:
    """When a child on a contact was first given an outcome (correlated, on its index)."""
    return (
        select(func.min(ContactOutcomeRow.recorded_at))
        .where(ContactOutcomeRow.contact_child_id == ContactChild.id)
        .scalar_subquery()
    )


def _children_of_contacts() -> Any:
    return ContactChild.__table__.join(Contact, Contact.id == ContactChild.contact_id)


def contacts_received(w: Window) -> Figure:
    """Contacts received in the month."""
    keys = {Breakdown.SOURCE: Contact.referral_source, Breakdown.CHANNEL: Contact.channel}
    return Figure(Contact.__table__, Contact.received_at, keys=keys)


def referrals_made(w: Window) -> Figure:
    """Referrals made in the month."""
    keys = {Breakdown.SOURCE: Referral.source, Breakdown.RAG: Referral.rag}
    return Figure(Referral.__table__, Referral.referral_at, team=Referral.team, keys=keys)


def contact_referral_conversion(w: Window) -> Figure:
    """Children on the month's contacts whose contact became a referral."""
    source = _children_of_contacts().outerjoin(
        Referral, Referral.contact_child_id == ContactChild.id
    )
    return Figure(
        source,
        Contact.received_at,
        numerator=Referral.id.is_not(None),
        team=ContactChild.team,
        keys={Breakdown.SOURCE: Contact.referral_source},
    )


def re_referrals(w: Window) -> Figure:
    """Referrals of the month with another referral of the child in the year before."""
    earlier = aliased(Referral, name="earlier")
    had_one = (
        select(earlier.id)
        .where(
            earlier.person_id == Referral.person_id,
            earlier.id != Referral.id,
            earlier.referral_at <= Referral.referral_at,
            earlier.referral_at >= a_year_before(Referral.referral_at, w.dialect),
        )
        .exists()
    )
    keys = {Breakdown.SOURCE: Referral.source, Breakdown.RAG: Referral.rag}
    return Figure(
        Referral.__table__, Referral.referral_at, numerator=had_one, team=Referral.team, keys=keys
    )


def referrals_with_service(w: Window) -> Figure:
    """Referrals of the month with ReferralNFA recorded, and those not NFA."""
    keys = {Breakdown.SOURCE: Referral.source, Breakdown.RAG: Referral.rag}
    return Figure(
        Referral.__table__,
        Referral.referral_at,
        numerator=Referral.referral_nfa.is_(False),
        where=(Referral.referral_nfa.is_not(None),),
        team=Referral.team,
        keys=keys,
    )


def referral_decisions_in_time(w: Window) -> Figure:
    """Referrals of the month decided (first signature) by their stored deadline."""
    first = _first_signed()
    return Figure(
        Referral.__table__,
        Referral.referral_at,
        numerator=first <= Referral.decision_due_at,
        where=(or_(first.is_not(None), Referral.decision_due_at <= w.now),),
        team=Referral.team,
        keys={Breakdown.RAG: Referral.rag},
    )


def rag_decisions_in_time(w: Window) -> Figure:
    """Children of the month's contacts given an outcome by their RAG deadline."""
    first = _first_outcome()
    return Figure(
        _children_of_contacts(),
        Contact.received_at,
        numerator=first <= ContactChild.due_at,
        where=(
            ContactChild.due_at.is_not(None),
            or_(first.is_not(None), ContactChild.due_at <= w.now),
        ),
        team=ContactChild.team,
        keys={Breakdown.RAG: ContactChild.rag},
    )


def agency_checks_in_time(w: Window) -> Figure:
    """Checks asked in the month returned by their stored deadline."""
    c = AgencyCheckRequest
    source = c.__table__.join(Referral, Referral.id == c.referral_id).join(
        Agency, Agency.id == c.agency_id
    )
    returned = c.status == _RETURNED
    return Figure(
        source,
        c.requested_at,
        numerator=and_(returned, c.returned_at <= c.due_at),
        where=(c.status != _WITHDRAWN, or_(returned, c.due_at <= w.now)),
        team=Referral.team,
        # An unrated referral's check ran on the amber clock (storage.models.checks).
        keys={Breakdown.AGENCY: Agency.code, Breakdown.RAG: func.coalesce(c.rag, Rag.AMBER.value)},
    )


def contact_outcomes(w: Window) -> Figure:
    """Children of the month's contacts given an outcome (breakdown: each outcome)."""
    source = _children_of_contacts().join(
        ContactOutcomeRow, ContactOutcomeRow.contact_child_id == ContactChild.id
    )
    return Figure(
        source,
        Contact.received_at,
        count=distinct(ContactChild.id),
        team=ContactChild.team,
        keys={Breakdown.OUTCOME: ContactOutcomeRow.outcome},
        # A child may have several outcomes (early help and a children's-centre offer).
        additive=False,
    )


def routings(w: Window) -> Figure:
    """Routings started in the month (breakdown: kind, receiving agency)."""
    source = Routing.__table__.join(Agency, Agency.id == Routing.to_agency_id)
    keys = {Breakdown.KIND: Routing.kind, Breakdown.AGENCY: Agency.code}
    return Figure(source, Routing.created_at, keys=keys)


def _discussions() -> Any:
    return StrategyDiscussion.__table__.join(
        Referral, Referral.id == StrategyDiscussion.referral_id
    )


def strategy_to_s47(w: Window) -> Figure:
    """Strategy discussions held in the month, and those that started s47 enquiries."""
    return Figure(
        _discussions(),
        StrategyDiscussion.held_at,
        numerator=StrategyDiscussion.s47_decision == S47Decision.PROCEED.value,
        team=Referral.team,
    )


def s47_started(w: Window) -> Figure:
    """Section 47 enquiries started in the month (a date, local already)."""
    return Figure(
        _discussions(),
        StrategyDiscussion.s47_started_on,
        where=(StrategyDiscussion.s47_started_on.is_not(None),),
        team=Referral.team,
        by_date=True,
    )


def icpc_in_time(w: Window) -> Figure:
    """Conferences due in the month held on or before their target's local date.

    Enquiries concluded with no conference needed (services.strategy.record_no_conference)
    are left out of both counts.
    """
    sd = StrategyDiscussion
    # The target is a day: a conference held on the target's date is within it
    # (services.strategy._dto). The margin covers the window; targets are inside it.
    target_day = local_date(sd.icpc_due_at, w, timedelta(days=1))
    return Figure(
        _discussions(),
        sd.icpc_due_at,
        numerator=and_(sd.icpc_held_on.is_not(None), sd.icpc_held_on <= target_day),
        # An enquiry concluded with no conference needed has no conference to be late for.
        where=(
            or_(sd.icpc_held_on.is_not(None), sd.icpc_due_at <= w.now),
            sd.icpc_not_required_on.is_(None),
        ),
        team=Referral.team,
    )


def feedback_in_time(w: Window) -> Figure:
    """Referrer feedback due in the month sent by its stored deadline."""
    f = ReferrerFeedback
    return Figure(
        f.__table__.join(Referral, Referral.id == f.referral_id),
        f.due_at,
        numerator=f.sent_at <= f.due_at,
        where=(or_(f.sent_at.is_not(None), f.due_at <= w.now),),
        team=Referral.team,
    )


def consent_recorded(w: Window) -> Figure:
    """Children of the month's contacts with a consent decision about sharing on it."""
    # EXISTS (SELECT id ...), not SELECT *: a performance login may not select the reason
    # or lawful basis of a consent (storage.server_policies.AGGREGATE_COLUMNS).
    recorded = (
        select(Consent.id)
        .where(
            Consent.person_id == ContactChild.person_id,
            Consent.contact_id == ContactChild.contact_id,
            Consent.purpose == ConsentPurpose.SHARE_INFORMATION.value,
        )
        .exists()
    )
    return Figure(
        _children_of_contacts(),
        Contact.received_at,
        numerator=recorded,
        team=ContactChild.team,
        keys={Breakdown.RAG: ContactChild.rag},
    )


FIGURES: dict[str, Callable[[Window], Figure]] = {
    "contacts_received": contacts_received,
    "referrals_made": referrals_made,
    "contact_referral_conversion": contact_referral_conversion,
    "re_referrals": re_referrals,
    "referrals_with_service": referrals_with_service,
    "referral_decisions_in_time": referral_decisions_in_time,
    "rag_decisions_in_time": rag_decisions_in_time,
    "agency_checks_in_time": agency_checks_in_time,
    "contact_outcomes": contact_outcomes,
    "routings": routings,
    "strategy_to_s47": strategy_to_s47,
    "s47_started": s47_started,
    "icpc_in_time": icpc_in_time,
    "feedback_in_time": feedback_in_time,
    "consent_recorded": consent_recorded,
}


def agreement_pairs(w: Window) -> Select[int, int, int, int]:
    """``SELECT month, original level, re-rated level, count`` of the month's QA re-ratings.

    Cohen's kappa needs the whole table of level pairs, not a sum, so this calculation returns
    the pair counts (a handful of rows per month) and ``services.quality`` does the arithmetic.
    """
    original = aliased(ThresholdAssessment, name="original")
    rerate = aliased(ThresholdAssessment, name="rerate")
    month = month_index(rerate.assessed_at, w.instants).label("month")
    return (
        select(month, original.chosen_level, rerate.chosen_level, func.count())
        .select_from(QaItem)
        .join(original, original.id == QaItem.original_id)
        .join(rerate, rerate.id == QaItem.rerate_id)
        .where(rerate.assessed_at >= w.instants[0], rerate.assessed_at < w.instants[-1])
        .group_by(month, original.chosen_level, rerate.chosen_level)
    )


AGREEMENT = "threshold_agreement"
