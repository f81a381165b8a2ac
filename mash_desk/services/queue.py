"""The open-work queue: open contacts and referrals awaiting decision, soonest deadline first.

Pages are keyset-paged on (deadline, kind, id) and each side is read through its
(status, deadline) index, so the first page costs the same after 10 years or 100.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    BindParameter,
    ScalarSelect,
    and_,
    bindparam,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute

from mash_desk.domain.enums import Rag, Role, WorkStatus
from mash_desk.domain.errors import FieldError, ValidationError
from mash_desk.domain.permissions import Permission, allows
from mash_desk.domain.text import unsendable
from mash_desk.services.context import Service, Unit, with_acting_user_rows
from mash_desk.services.dto import Actor, QueueCursor, QueuePage, QueueRow
from mash_desk.services.queue_terms import (
    BY_DUE_KIND_ID,
    FIRST_PAGE,
    MAX_PAGE,
    SCROLL_PAGE,
    QueueChoices,
    QueueFilter,
    QueueWorker,
    children_on,
    marked_open_elsewhere,
    queue_row,
)
from mash_desk.storage.models import (
    ContactChild,
    Household,
    Person,
    Referral,
    ServiceEpisode,
    User,
)
from mash_desk.storage.prepared import Prepared

# The filter, rows and wording live in queue_terms (no SQLAlchemy) for the early first page
# (services/early_page.py); named here too, where the desk has always found them.
__all__ = [
    "MAX_PAGE",
    "QueueChoices",
    "QueueFilter",
    "QueueService",
    "QueueWorker",
    "with_open_elsewhere",
]


# Roles that hold front-door work: the ones that may screen a contact.
_WORKER_ROLES = tuple(r.value for r in Role if allows(r, Permission.SCREEN))


def _fixed(value: str | int) -> Any:
    """``value`` written into the SQL, not bound.

    SQLite plans ``status = ?`` and ``LIMIT ?`` as if any value could come: on an encrypted
    10-year file the first page took 1.4× as long as with the status and the page size
    written in (measured in benchmarks/, issue 14). Only constants and validated integers
    come here, never typed text.
    """
    return literal_column(repr(value) if isinstance(value, str) else str(int(value)))


def _side(kind: str, shape: frozenset[str], size: int) -> Prepared:
    """Build one side of the queue (contacts or referrals) for a combination of filters."""
    table: type[ContactChild] | type[Referral]
    contact_id: InstrumentedAttribute[int] | ScalarSelect[int]
    if kind == "contact":
        table, due, status = ContactChild, ContactChild.due_at, WorkStatus.OPEN.value
        level = ContactChild.provisional_level
        contact_id = ContactChild.contact_id
        person_id = ContactChild.person_id
    else:
        table, due, status = Referral, Referral.decision_due_at, WorkStatus.AWAITING_DECISION.value
        level = Referral.level
        contact_id = (
            select(ContactChild.contact_id)
            .where(ContactChild.id == Referral.contact_child_id)
            .scalar_subquery()
        )
        person_id = Referral.person_id
    query = (
        select(
            literal(kind),
            table.id,
            contact_id,
            Person.id,
            Person.given_name,
            Person.family_name,
            Person.date_of_birth,
            Person.expected_delivery,
            Person.household_id,
            Household.postcode,
            table.rag,
            due,
            table.status,
            User.display_name,
            table.version,
            level,
            func.coalesce(table.team, User.team),
            table.assigned_to,
        )
        .join(Person, Person.id == person_id)
        .outerjoin(Household, Household.id == Person.household_id)
        .outerjoin(User, User.id == table.assigned_to)
        .where(table.status == _fixed(status))
    )
    if "rag" in shape:
        query = query.where(table.rag == bindparam("rag"))
    if "worker" in shape:
        query = query.where(table.assigned_to == bindparam("worker"))
    if "unallocated" in shape:
        query = query.where(table.assigned_to.is_(None))
    if "team" in shape:
        # The team the work is allocated to; unallocated to a team, its worker's own team.
        query = query.where(func.coalesce(table.team, User.team) == bindparam("team"))
    if "search" in shape:
        text: BindParameter[Any] = bindparam("search")
        query = query.where(
            or_(
                Person.family_name.ilike(text),
                Person.given_name.ilike(text),
                Person.nhs_number.like(text),
                Household.postcode.ilike(text),
            )
        )
    if "after" in shape:
        # (deadline, kind, id) after the cursor's. The plain ``due >= after_due`` is what lets
        # the (status, deadline) index start at the cursor and stop at the page's end: written
        # as one OR, SQLite read and sorted every open item after the cursor for each page
        # (13 ms a page at 2,000 open items, benchmarks/ ``queue_scroll_2000``).
        query = query.where(
            due >= bindparam("after_due"),
            or_(
                due > bindparam("after_due"),
                literal(kind) > bindparam("after_kind"),
                and_(literal(kind) == bindparam("after_kind"), table.id > bindparam("after_id")),
            ),
        )
    return Prepared(query.order_by(due, table.id).limit(_fixed(size)))


# One compiled statement per side, filter combination and page size (the desk asks for a
# handful of sizes: the first page, a scroll page, a filtered page).
_sides = functools.lru_cache(maxsize=256)(_side)


@functools.lru_cache(maxsize=256)
def _sides_behind_user(kind: str, shape: frozenset[str], size: int) -> Prepared:
    """One side with the acting user's row in front (on a server: the check in the read)."""
    return with_acting_user_rows(_sides(kind, shape, size))


def _open_work_of(size: int) -> Prepared:
    """Count each of ``size`` children's open contacts, referrals and service episodes."""
    people: list[BindParameter[Any]] = [bindparam(f"p{i}") for i in range(size)]
    return Prepared(
        union_all(
            select(ContactChild.person_id, literal("contact"), func.count())
            .where(
                ContactChild.person_id.in_(people),
                ContactChild.status == _fixed(WorkStatus.OPEN.value),
            )
            .group_by(ContactChild.person_id),
            select(Referral.person_id, literal("referral"), func.count())
            .where(
                Referral.person_id.in_(people),
                Referral.status == _fixed(WorkStatus.AWAITING_DECISION.value),
            )
            .group_by(Referral.person_id),
            select(ServiceEpisode.person_id, ServiceEpisode.service, func.count())
            .where(
                ServiceEpisode.person_id.in_(people),
                ServiceEpisode.started_on <= bindparam("today"),
                or_(
                    ServiceEpisode.ended_on.is_(None),
                    ServiceEpisode.ended_on > bindparam("today"),
                ),
            )
            .group_by(ServiceEpisode.person_id, ServiceEpisode.service),
        )
    )


# Compiled for the page's exact number of children: padding the list to the next size up
# cost 14 % more per page on an encrypted 10-year file than exact lists (benchmarks/). Pages
# hold 1 to MAX_PAGE children, so the cache stays small.
_open_work = functools.lru_cache(maxsize=MAX_PAGE)(_open_work_of)


def make_first_statements(server: bool) -> None:
    """Make the statements of a queue's refresh and first scroll (the warm-up compiles them).

    A start that drew its first page early (``services/early_page.py``) read it without this
    service, so its first F5, filter or scroll would compile these while the person waits.
    """
    for kind in ("contact", "referral"):
        for shape, size in ((frozenset(), FIRST_PAGE), (frozenset({"after"}), SCROLL_PAGE)):
            _sides(kind, shape, size)
            if server:
                _sides_behind_user(kind, shape, size)
    _open_work(FIRST_PAGE)


def with_open_elsewhere(unit: Unit, rows: tuple[QueueRow, ...]) -> tuple[QueueRow, ...]:
    """Mark each row whose child has other open work: contacts, referrals, service episodes.

    One grouped read for the whole page (only the page's children), so a practitioner sees at
    a glance that a child is already known and open without opening the case.
    """
    people = children_on(rows)
    if not people:
        return rows
    params: dict[str, Any] = {f"p{i}": person for i, person in enumerate(people)}
    counts = _open_work(len(people)).all(unit.sql, today=unit.today, **params)
    return marked_open_elsewhere(rows, counts)


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
        params: dict[str, Any] = {}
        shape = set()
        if flt.rag is not None:
            shape.add("rag")
            try:
                params["rag"] = Rag(flt.rag).value
            except ValueError:
                raise ValidationError(
                    FieldError("rag", "choice", f"Unknown RAG rating {flt.rag!r}")
                ) from None
        if flt.worker_id is not None:
            shape.add("worker")
            params["worker"] = flt.worker_id
        if flt.unallocated:
            shape.add("unallocated")
        if flt.team:
            shape.add("team")
            params["team"] = flt.team
        if flt.search and flt.search.strip():
            shape.add("search")
            params["search"] = f"%{flt.search.strip().lower()}%"
        if after is not None:
            shape.add("after")
            params.update(after_due=after.due_at, after_kind=after.kind, after_id=after.item_id)
        kinds = [k for k in ("contact", "referral") if flt.kind in (None, k)]
        if unsendable(flt.team) or unsendable(flt.search):
            kinds = []  # as-you-type search with a damaged paste: nothing stored can match
        with self._reading_sides(actor, kinds, frozenset(shape), size, params) as (unit, raw):
            # Driver values sort correctly on both databases (SQLite keeps instants as
            # fixed-width UTC text), so only the rows that make the page are converted.
            raw.sort(key=BY_DUE_KIND_ID)
            if unit.sql.name == "sqlite":
                rows = tuple(queue_row(row, sqlite_text=True) for row in raw[:size])
            else:
                side = {k: _sides(k, frozenset(shape), size) for k in kinds}
                rows = tuple(
                    queue_row(side[row[0]].convert(unit.sql, row), sqlite_text=False)
                    for row in raw[:size]
                )
            rows = with_open_elsewhere(unit, rows)
        cursor = None
        if len(rows) == size:
            last = rows[-1]
            assert last.due_at is not None
            cursor = QueueCursor(last.due_at, last.kind, last.item_id)
        return QueuePage(rows, cursor)

    @contextmanager
    def _reading_sides(
        self,
        actor: Actor,
        kinds: list[str],
        shape: frozenset[str],
        size: int,
        params: dict[str, Any],
    ) -> Iterator[tuple[Unit, list[tuple[Any, ...]]]]:
        """A read unit for the page, with every side's rows as the driver gives them.

        On a server the acting user's check rides in the first side's statement: the reading
        connection is in autocommit, so a check of its own was a round trip and a
        transaction of its own before every page (issue 16). SQLite makes no round trip, and
        keeps its sides as planned (status and page size written in): a side read as a
        subquery behind the user's row is not the plan measured there.
        """
        if kinds and self.ctx.db.dialect != "sqlite":
            first = _sides_behind_user(kinds[0], shape, size)
            with self.reading_rows_first(actor, Permission.VIEW_QUEUE, first, **params) as (
                unit,
                raw,
            ):
                for kind in kinds[1:]:
                    raw += _sides(kind, shape, size).raw(unit.sql, **params)
                yield unit, raw
            return
        with self.reading(actor, Permission.VIEW_QUEUE) as unit:
            raw = []
            for kind in kinds:
                raw += _sides(kind, shape, size).raw(unit.sql, **params)
            yield unit, raw

    def choices(self, actor: Actor) -> QueueChoices:
        """Return the workers and teams the queue's filters offer, sorted by name.

        Workers are the active users whose role holds front-door work, plus anyone (even a
        since-deactivated user) who still has open work assigned, so every row can be found.
        """
        holders = [
            select(table.assigned_to).where(table.status == status, table.assigned_to.is_not(None))
            for table, status in (
                (ContactChild, WorkStatus.OPEN.value),
                (Referral, WorkStatus.AWAITING_DECISION.value),
            )
        ]
        query = select(User.id, User.display_name, User.team).where(
            or_(
                and_(User.active.is_(True), User.role_code.in_(_WORKER_ROLES)),
                User.id.in_(holders[0]),
                User.id.in_(holders[1]),
            )
        )
        with self.reading(actor, Permission.VIEW_QUEUE) as unit:
            found = unit.conn.execute(query).all()
        workers = tuple(
            QueueWorker(user_id, name, team)
            for user_id, name, team in sorted(found, key=lambda r: (r[1].casefold(), r[0]))
        )
        teams = tuple(sorted({w.team for w in workers if w.team}, key=str.casefold))
        return QueueChoices(workers, teams)
