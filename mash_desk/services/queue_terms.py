"""The open-work queue's terms: its filter, choices, rows and "also open" wording.

Kept apart from :mod:`mash_desk.services.queue`, and free of SQLAlchemy, because the desk
shows its first queue page before SQLAlchemy is imported (``services/early_page.py``, issue 16
start-up): that page's rows must be built and worded exactly as the service builds them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from typing import Any, NamedTuple

from mash_desk.domain.enums import Rag, ServiceKind


class QueueRow(NamedTuple):
    """One line of the open-work queue.

    A named tuple rather than a dataclass: pages of hundreds of rows are built on every
    refresh, and a tuple is six times cheaper to make while just as immutable.
    """

    kind: str  # "contact" or "referral"
    item_id: int
    contact_id: int
    person_id: int
    child_name: str
    date_of_birth: date | None
    expected_delivery: date | None
    household_id: int | None
    postcode: str | None
    rag: Rag | None
    due_at: datetime | None
    status: str
    assigned_to: str | None
    version: int
    level: int | None = None
    """Threshold level: the contact's provisional level, or the referral's assessed one."""
    team: str | None = None
    """The team the work is allocated to (or, before that, its worker's own team)."""
    assigned_id: int | None = None
    also_open: tuple[str, ...] = ()
    """Other open work about the same child, in words ("1 other contact", "Child in need")."""


@dataclass(frozen=True)
class QueueCursor:
    """Where the next page starts (keyset paging: cost does not grow with history)."""

    due_at: datetime
    kind: str
    item_id: int


@dataclass(frozen=True)
class QueuePage:
    """A page of the open-work queue."""

    rows: tuple[QueueRow, ...]
    next_cursor: QueueCursor | None = None
    filters: dict[str, str] = field(default_factory=dict)


# The most a view may ask for at once: a screen shows ~30 rows and scrolls for 256 more
# (gui/queue_view.py), and a cap keeps one request from reading the whole backlog.
MAX_PAGE = 500

FIRST_PAGE = 50
"""Rows of the queue's first page: what a start and every filter change wait for."""

SCROLL_PAGE = 256
"""Rows read per page when the practitioner scrolls past the loaded ones.

QSqlQueryModel's batch: at 50 a 2,000-item backlog took 40 reads, each a thread hop, a
layout and a repaint of the whole view (benchmarks/, ``queue_scroll_2000``)."""


@dataclass(frozen=True)
class QueueFilter:
    """What the practitioner narrowed the queue to; ``None`` means any."""

    rag: Rag | None = None
    kind: str | None = None  # "contact" or "referral"
    worker_id: int | None = None
    team: str | None = None
    search: str | None = None
    unallocated: bool = False
    """Only the work nobody holds yet (what a manager allocates from)."""


@dataclass(frozen=True)
class QueueWorker:
    """Someone open work can be assigned to, as the worker filter offers them."""

    user_id: int
    display_name: str
    team: str | None


@dataclass(frozen=True)
class QueueChoices:
    """What the queue's worker and team filters can be set to."""

    workers: tuple[QueueWorker, ...]
    teams: tuple[str, ...]


_RAGS = {r.value: r for r in Rag}
# Deadline, then kind, then id: the keyset order the cursor continues from.
BY_DUE_KIND_ID = itemgetter(11, 0, 1)


_date = date.fromisoformat
_instant = datetime.fromisoformat


def queue_row(r: tuple[Any, ...], *, sqlite_text: bool) -> QueueRow:
    """Build a queue row from driver values (SQLite text, or values already converted)."""
    if sqlite_text:
        # The page is rebuilt on every refresh of every practitioner's queue; parsing the
        # SQLite text here in one pass halves the cost of the generic per-column converters.
        dob = _date(r[6]) if r[6] else None
        edd = _date(r[7]) if r[7] else None
        due = _instant(r[11] + "+00:00") if r[11] else None
    else:
        dob, edd, due = r[6], r[7], r[11]
    name = f"{r[4]} {r[5]}"
    return QueueRow(
        r[0],
        r[1],
        r[2],
        r[3],
        name,
        dob,
        edd,
        r[8],
        r[9],
        _RAGS.get(r[10]),
        due,
        r[12],
        r[13],
        r[14],
        r[15],
        r[16],
        r[17],
    )


_SERVICE_WORDS: dict[str, str] = {
    ServiceKind.EARLY_HELP: "open to early help",
    ServiceKind.CHILD_IN_NEED: "open as a child in need",
    ServiceKind.CHILD_PROTECTION: "on a child-protection plan",
    ServiceKind.LOOKED_AFTER: "looked after",
    ServiceKind.S47: "in a section 47 enquiry",
    ServiceKind.DISABILITIES: "open to the disabilities service",
}


def children_on(rows: Iterable[QueueRow]) -> list[int]:
    """The page's children, each once, in page order (whose open work is counted)."""
    return list(dict.fromkeys(r.person_id for r in rows))


def marked_open_elsewhere(
    rows: tuple[QueueRow, ...], counts: Iterable[tuple[int, str, int]]
) -> tuple[QueueRow, ...]:
    """Mark each row whose child has other open work, from the page's open-work counts.

    ``counts`` holds (child, what, how many): "contact", "referral" or a service episode's
    service. A row's own item is not "elsewhere", so a child counted with just that is left
    unmarked.
    """
    found: dict[int, dict[str, int]] = {}
    for person_id, what, count in counts:
        found.setdefault(person_id, {})[what] = int(count)
    out = []
    for row in rows:
        counted = found.get(row.person_id)
        if not counted or counted == {row.kind: 1}:
            out.append(row)  # only the row's own item: nothing open elsewhere
            continue
        words = _open_work_words(row.kind, counted)
        out.append(row._replace(also_open=tuple(words)) if words else row)
    return tuple(out)


def _open_work_words(own_kind: str, counted: dict[str, int]) -> list[str]:
    """Say what else is open for a child, besides the row's own item of ``own_kind``."""
    open_work = dict(counted)
    open_work[own_kind] = open_work.get(own_kind, 1) - 1
    words = []
    for kind, one, many in (
        ("contact", "open contact", "open contacts"),
        ("referral", "referral awaiting decision", "referrals awaiting decision"),
    ):
        n = open_work.pop(kind, 0)
        if n > 0:
            words.append(f"{n} other {one if n == 1 else many}")
    for service in sorted(open_work):
        if open_work[service] > 0:
            words.append(_SERVICE_WORDS.get(service, service.replace("_", " ")))
    return words
