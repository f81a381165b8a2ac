"""Ofsted's Annex A, the front door's lists: contacts, early help, referrals, s47 and ICPCs.

Issue 15 items 5 and 7. One export reads the period's rows, writes the workbook as a private
file (0600, atomically: printing/private_files.py) and records who exported which period,
how many rows each list had and the file's SHA-256, in the same transaction as the read: a
file is either written and audited or, on any refusal or failure, neither.

Annex A lists each child with a date of birth. A performance officer compiles returns
(domain brief §2) but sees counts only, never an identifiable row (issue 13 item 3; on a
shared server its login cannot even select ``people.date_of_birth``, storage/
server_policies.py AGGREGATE_COLUMNS), so this return is a manager's: the performance role
holds ``EXPORT_RETURNS`` for the aggregate returns and is refused here, naming the rule.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select

from mash_desk.domain.annex_a import (
    UNALLOCATED,
    AnnexASpec,
    age_on,
    count_earlier_within_year,
    load_spec,
    twelve_months_before,
)
from mash_desk.domain.changes import Topic, change_keys
from mash_desk.domain.enums import Role
from mash_desk.domain.errors import FieldError, PermissionDenied, ValidationError
from mash_desk.domain.permissions import Permission
from mash_desk.domain.routing import EARLY_HELP_AGENCIES, RoutingStatus, S47Decision
from mash_desk.paths import resource
from mash_desk.printing.private_files import make_folder, write_private_file
from mash_desk.reporting.annex_a_workbook import SheetRows, workbook_bytes
from mash_desk.services.context import Service, Unit
from mash_desk.services.dto import Actor, OpResult
from mash_desk.storage.models import (
    Agency,
    Contact,
    ContactChild,
    Person,
    Referral,
    Routing,
    StrategyDiscussion,
    User,
)

EXPORTED = "return.annex_a.exported"
"""``audit_log.action`` of an Annex A export."""
# Ofsted asks for the period since the last inspection, at most a few years; a longer period
# is almost certainly a typing slip (a year of 0226) and would read the whole history.
LONGEST_PERIOD_DAYS = 3 * 366
IDENTIFYING_ROLES = frozenset({Role.PERFORMANCE})
REFUSED_ROLE = (
    "Annex A lists each child with a date of birth, and a performance / QA officer sees counts "
    "only, never an identifiable row (issue 13): ask a team manager to export it"
)
_PERSON = (Person.id, Person.sex, Person.ethnicity, Person.date_of_birth)


@dataclass(frozen=True)
class AnnexAExport:
    """What one export wrote: where, which period, rows per list, the file's SHA-256."""

    path: Path
    period_from: date
    period_to: date
    rows: dict[str, int]
    sha256: str
    spec_version: str


def annex_a_spec() -> AnnexASpec:
    """Return the shipped Annex A specification (headers and options)."""
    return load_spec(resource("returns", "annex_a.yaml"))


def period_problems(period_from: date, period_to: date) -> list[FieldError]:
    """The problems with an export period (inclusive local dates)."""
    if period_to < period_from:
        return [FieldError("to", "order", "The period must end on or after its first day")]
    if (period_to - period_from).days >= LONGEST_PERIOD_DAYS:
        return [
            FieldError(
                "to",
                "range",
                f"The period is longer than {LONGEST_PERIOD_DAYS // 366} years; check the dates",
            )
        ]
    return []


class AnnexAService(Service):
    """Export Ofsted's Annex A lists 1, 2, 3 and 5 for a period."""

    def export(
        self, actor: Actor, period_from: date, period_to: date, target: Path
    ) -> OpResult[AnnexAExport]:
        """Write the workbook of ``period_from``–``period_to`` (inclusive) to ``target``.

        Refused, with nothing written, for a role without ``EXPORT_RETURNS``, for a
        performance officer (see the module), for a period that ends before it starts or
        spans more than three years, and for a file name not ending ``.xlsx``.
        """
        errors = period_problems(period_from, period_to)
        if target.suffix.lower() != ".xlsx":
            errors.append(FieldError("out", "format", "The workbook's name must end in .xlsx"))
        spec = annex_a_spec()
        written = False
        try:
            with self.writing(actor, Permission.EXPORT_RETURNS) as unit:
                if unit.role in IDENTIFYING_ROLES:
                    raise PermissionDenied(REFUSED_ROLE)
                if errors:
                    raise ValidationError(errors)
                sheets = _Lists(unit, spec, self._bounds(period_from, period_to)).sheets()
                data = workbook_bytes(sheets, version=spec.version, made_at=unit.now)
                digest = hashlib.sha256(data).hexdigest()
                make_folder(target.parent)
                write_private_file(target, data)
                written = True
                rows = {s.spec.sheet: len(s.rows) for s in sheets}
                # The lists name each child by date of birth: every child in the file is a
                # read of that child's record, in the access log like any other look.
                for person_id in dict.fromkeys(row[0] for s in sheets for row in s.rows):
                    unit.log_access(
                        person_id,
                        ANNEX_A_ACCESS,
                        f"Annex A {period_from}–{period_to} {digest[:12]}",
                    )
                unit.audit(
                    EXPORTED,
                    "return",
                    None,
                    period_from=period_from.isoformat(),
                    period_to=period_to.isoformat(),
                    rows=rows,
                    sha256=digest,
                    spec=spec.version,
                    # The file's name only: a folder path can name a person (a home folder).
                    file=target.name,
                )
        except BaseException:
            if written:  # the audit row did not commit: no unrecorded export is left behind
                with contextlib.suppress(OSError):
                    target.unlink()
            raise
        export = AnnexAExport(target, period_from, period_to, rows, digest, spec.version)
        return OpResult(export, change_keys(Topic.AUDIT))

    def _bounds(self, period_from: date, period_to: date) -> _Period:
        tz = self.ctx.tz
        start = datetime.combine(period_from, time(0), tz).astimezone(UTC)
        end = datetime.combine(period_to + timedelta(days=1), time(0), tz).astimezone(UTC)
        return _Period(period_from, period_to, start, end, tz)


@dataclass(frozen=True)
class _Period:
    first: date
    last: date
    start: datetime
    end: datetime
    tz: Any

    def day(self, at: datetime) -> date:
        return at.astimezone(self.tz).date()


ANNEX_A_ACCESS = "annex_a.export"


class _Lists:
    """The rows of each list for one period, read in the export's transaction."""

    def __init__(self, unit: Unit, spec: AnnexASpec, period: _Period):
        self.unit = unit
        self.spec = spec
        self.period = period
        self._workers: dict[int, str] | None = None

    def sheets(self) -> list[SheetRows]:
        lists = self.spec.lists
        return [
            SheetRows(lists["list_1"], self.contacts()),
            SheetRows(lists["list_2"], self.early_help()),
            SheetRows(lists["list_3"], self.referrals()),
            SheetRows(lists["list_5"], self.section_47()),
        ]

    def _rows(self, query: Select) -> Sequence[Any]:
        return self.unit.conn.execute(query).all()

    def _child(self, row: Any, on: date) -> list[Any]:
        """Child Unique ID, Gender, Ethnicity, Date of Birth, Age of Child (Years)."""
        return [
            row.id,
            self.spec.gender(row.sex),
            self.spec.ethnicity(row.ethnicity),
            row.date_of_birth,
            age_on(row.date_of_birth, on),
        ]

    def _worker(self, user_id: int | None) -> str:
        if self._workers is None:
            self._workers = dict(self._rows(select(User.id, User.display_name)))
        return self._workers.get(user_id, UNALLOCATED) if user_id else UNALLOCATED

    def contacts(self) -> list[tuple[Any, ...]]:
        """List 1: one row per child per contact received in the period."""
        p = self.period
        rows = self._rows(
            select(*_PERSON, Contact.received_at, Contact.referral_source)
            .join(ContactChild, ContactChild.contact_id == Contact.id)
            .join(Person, Person.id == ContactChild.person_id)
            .where(Contact.received_at >= p.start, Contact.received_at < p.end)
            .order_by(Contact.received_at, Contact.id, Person.id)
        )
        out = []
        for r in rows:
            day = p.day(r.received_at)
            out.append((*self._child(r, day), day, self.spec.source(r.referral_source)))
        return out

    def early_help(self) -> list[tuple[Any, ...]]:
        """List 2: children the MASH routed to an early-help service that took them on.

        The desk knows the handover, not the early-help assessment itself: the start date is
        the day the early-help service accepted the child, the completion date stays blank
        (its service records it), and the organisation is the receiving team, else the
        agency. Rejected or not yet accepted routings are no early-help assessment.
        """
        p = self.period
        rows = self._rows(
            select(*_PERSON, Routing.responded_at, Routing.to_team, Agency.name)
            .join(Person, Person.id == Routing.person_id)
            .join(Agency, Agency.id == Routing.to_agency_id)
            .where(
                Agency.code.in_(sorted(EARLY_HELP_AGENCIES)),
                Routing.status == RoutingStatus.ACCEPTED.value,
                Routing.responded_at >= p.start,
                Routing.responded_at < p.end,
            )
            .order_by(Routing.responded_at, Routing.id)
        )
        out = []
        for r in rows:
            day = p.day(r.responded_at)
            out.append((*self._child(r, day), day, None, r.to_team or r.name))
        return out

    def referrals(self) -> list[tuple[Any, ...]]:
        """List 3: one row per referral in the period, with the child's earlier referrals.

        NFA is the referral's decision; a referral still awaiting one is not NFA ("b) No").
        The allocated team and worker are the referral's current allocation, which a signed
        decision sets to the team taking the work on (services.decisions).
        """
        p = self.period
        in_period = (Referral.referral_at >= p.start) & (Referral.referral_at < p.end)
        rows = self._rows(
            select(
                *_PERSON,
                Referral.id.label("referral_id"),
                Referral.referral_at,
                Referral.source,
                Referral.referral_nfa,
                Referral.team,
                Referral.assigned_to,
            )
            .join(Person, Person.id == Referral.person_id)
            .where(in_period)
            .order_by(Referral.referral_at, Referral.id)
        )
        earlier = self._earlier(
            select(Referral.person_id, Referral.referral_at, Referral.id).where(
                Referral.person_id.in_(select(Referral.person_id).where(in_period)),
                Referral.referral_at >= self._year_before(),
                Referral.referral_at < p.end,
            )
        )
        out = []
        for r in rows:
            day = p.day(r.referral_at)
            key = (day, (r.referral_at, r.referral_id))
            out.append(
                (
                    *self._child(r, day),
                    day,
                    self.spec.source(r.source),
                    self.spec.yes_no(bool(r.referral_nfa)),
                    count_earlier_within_year(key, earlier[r.id]),
                    r.team or UNALLOCATED,
                    self._worker(r.assigned_to),
                )
            )
        return out

    def section_47(self) -> list[tuple[Any, ...]]:
        """List 5: one row per s47 enquiry started in the period (one per referral).

        An enquiry starts at the strategy discussion that decided to proceed; an amended
        decision may add a discussion of its own, which is the same enquiry (the earliest
        start counts, and the conference recorded on either). Nothing in the desk records an
        ICPC deemed unnecessary or the conference's result, so with no conference held the
        first is left blank, and the plan column is always blank (Ofsted allows both blank).
        """
        p = self.period
        # A year before the first row's start for the s47 counts, and a conference's margin
        # more for the ICPC counts (an ICPC follows its s47 by 15 working days).
        enquiries = self._enquiries(twelve_months_before(p.first) - timedelta(days=60))
        people = {
            r.id: r
            for r in self._rows(
                select(*_PERSON, Person.disability).where(
                    Person.id.in_({e.person_id for e in enquiries.values()} or {-1})
                )
            )
        }
        s47s: dict[int, list[tuple[date, Any]]] = defaultdict(list)
        icpcs: dict[int, list[tuple[date, Any]]] = defaultdict(list)
        for e in enquiries.values():
            s47s[e.person_id].append((e.started, (e.started, e.referral_id)))
            if e.icpc is not None:
                icpcs[e.person_id].append((e.icpc, (e.icpc, e.referral_id)))
        out = []
        chosen = [e for e in enquiries.values() if p.first <= e.started <= p.last]
        for e in sorted(chosen, key=lambda e: (e.started, e.referral_id)):
            child = people[e.person_id]
            key = (e.started, (e.started, e.referral_id))
            out.append(
                (
                    *self._child(child, e.started),
                    self.spec.yes_no(child.disability),
                    e.started,
                    self.spec.yes_no(False) if e.icpc else None,
                    e.icpc,
                    None,
                    count_earlier_within_year(key, s47s[e.person_id]),
                    count_earlier_within_year(key, icpcs[e.person_id]),
                    e.team or UNALLOCATED,
                    self._worker(e.worker),
                )
            )
        return out

    def _enquiries(self, since: date) -> dict[int, _Enquiry]:
        """Each referral's s47 enquiry started from ``since`` to the period's end."""
        rows = self._rows(
            select(
                StrategyDiscussion.referral_id,
                StrategyDiscussion.person_id,
                StrategyDiscussion.s47_started_on,
                StrategyDiscussion.icpc_held_on,
                Referral.team,
                Referral.assigned_to,
            )
            .join(Referral, Referral.id == StrategyDiscussion.referral_id)
            .where(
                StrategyDiscussion.s47_decision == S47Decision.PROCEED.value,
                StrategyDiscussion.s47_started_on >= since,
                StrategyDiscussion.s47_started_on <= self.period.last,
            )
            .order_by(StrategyDiscussion.s47_started_on, StrategyDiscussion.id)
        )
        found: dict[int, _Enquiry] = {}
        for r in rows:
            e = found.get(r.referral_id)
            if e is None:
                found[r.referral_id] = _Enquiry(
                    r.referral_id,
                    r.person_id,
                    r.s47_started_on,
                    r.icpc_held_on,
                    r.team,
                    r.assigned_to,
                )
            elif e.icpc is None and r.icpc_held_on is not None:
                e.icpc = r.icpc_held_on
        return found

    def _year_before(self) -> datetime:
        first = twelve_months_before(self.period.first)
        return datetime.combine(first, time(0), self.period.tz).astimezone(UTC)

    def _earlier(self, query: Select) -> dict[int, list[tuple[date, Any]]]:
        by_person: dict[int, list[tuple[date, Any]]] = defaultdict(list)
        for person_id, at, row_id in self._rows(query):
            by_person[person_id].append((self.period.day(at), (at, row_id)))
        return by_person


@dataclass
class _Enquiry:
    referral_id: int
    person_id: int
    started: date
    icpc: date | None
    team: str | None
    worker: int | None
