"""The statutory returns: read what they need, check it against the census rules, export it.

``check_cin`` runs the CIN census rules (``domain.census_rules``) over every child referred in
a collection year and says which fail, by id only. ``export_cin`` builds the census XML
(``returns.cin``), hands its bytes to the caller's writer and, in the same transaction,
audits the export — who, when, the period, how many children, the file's SHA-256 and where it
went — and logs an access row for each child whose identifiers left the desk: an export is a
record too (issue 15 item 7). If writing fails nothing is recorded; an error-level rule still
broken refuses the export before anything is written.

Permission: managers and performance officers (``Permission.EXPORT_RETURNS``). The census
names children (dates of birth, UPNs), which a performance officer's login on a shared server
may not read (``storage.server_policies.AGGREGATE_COLUMNS``): there the server refuses and this
service says a manager runs the export.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import aliased

from mash_desk.domain.census import CensusChild, CensusPeriod, CensusReferral, CensusS47
from mash_desk.domain.census_rules import CensusFailure, Severity, failures
from mash_desk.domain.changes import Topic, change_keys
from mash_desk.domain.errors import FieldError, PermissionDenied, ValidationError
from mash_desk.domain.permissions import Permission
from mash_desk.domain.routing import S47Decision
from mash_desk.returns.cin import build_cin_xml, load_header
from mash_desk.services.context import Service, Unit
from mash_desk.services.dto import Actor, OpResult
from mash_desk.storage.models import AuditEntry, Person, Referral, StrategyDiscussion

CIN_EXPORTED = "returns.cin_exported"
CIN_ENTITY = "cin_census"
CIN_ACCESS = "returns.cin"
# PostgreSQL's SQLSTATE for a column or table the login may not read.
_INSUFFICIENT_PRIVILEGE = "42501"
SERVER_REFUSED = (
    "This login may not read children's identifiers on the shared server (dates of birth, "
    "UPNs), which the census needs: a manager runs the census check and export"
)


@dataclass(frozen=True)
class CinCheckDTO:
    """The census rules over one collection year: how many children, and what fails."""

    period: CensusPeriod
    children: int
    referrals: int
    failures: tuple[CensusFailure, ...]

    @property
    def errors(self) -> tuple[CensusFailure, ...]:
        """The failures the collection would refuse (not the queries)."""
        return tuple(f for f in self.failures if f.rule.severity is Severity.ERROR)


@dataclass(frozen=True)
class ReturnExportDTO:
    """One export of a return, as audited."""

    kind: str
    period: CensusPeriod
    children: int
    referrals: int
    serial_no: int
    sha256: str
    where: str
    queries: tuple[CensusFailure, ...]


class ReturnsService(Service):
    """Check and export the statutory returns."""

    def check_cin(self, actor: Actor, year: int) -> CinCheckDTO:
        """Every census rule the children referred in the year ending 31 March ``year`` break."""
        period = _period(year)
        with self.reading(actor, Permission.EXPORT_RETURNS) as unit, _server_refusal():
            children = self._cin_children(unit, period)
        return _check(period, children)

    def export_cin(
        self, actor: Actor, year: int, write: Callable[[bytes], str]
    ) -> OpResult[ReturnExportDTO]:
        """Build the census file, pass it to ``write`` (which returns where it went), audit it.

        Refused, with nothing written, when no child was referred in the year (the schema
        needs one) or while an error-level census rule fails (``check_cin`` lists them).
        """
        period = _period(year)
        with self.writing(actor, Permission.EXPORT_RETURNS) as unit, _server_refusal():
            children = self._cin_children(unit, period)
            check = _check(period, children)
            if not children:
                raise ValidationError(
                    FieldError(
                        "year", "no_children", f"No child was referred from {period.describe()}"
                    )
                )
            if check.errors:
                raise ValidationError(
                    FieldError(
                        "year",
                        "census_rules",
                        f"{len(check.errors)} census rule failure(s) for {year} would be "
                        f"refused by the collection: see mash-desk returns check --year {year}",
                    )
                )
            serial = 1 + (
                unit.session.scalar(
                    select(func.count(AuditEntry.id)).where(
                        AuditEntry.action == CIN_EXPORTED, AuditEntry.entity_id == year
                    )
                )
                or 0
            )
            data, count = build_cin_xml(load_header(serial, unit.now), period, children)
            digest = hashlib.sha256(data).hexdigest()
            where = write(data)
            for child in children:
                unit.log_access(child.person_id, CIN_ACCESS, f"{year} census file {digest[:12]}")
            unit.audit(
                CIN_EXPORTED,
                CIN_ENTITY,
                year,
                period_from=period.start,
                period_to=period.end,
                children=count,
                referrals=check.referrals,
                serial_no=serial,
                sha256=digest,
                where=where,
            )
            dto = ReturnExportDTO(
                kind="cin",
                period=period,
                children=count,
                referrals=check.referrals,
                serial_no=serial,
                sha256=digest,
                where=where,
                queries=tuple(f for f in check.failures if f.rule.severity is Severity.QUERY),
            )
            return OpResult(dto, change_keys(Topic.RETURNS))

    def _cin_children(self, unit: Unit, period: CensusPeriod) -> tuple[CensusChild, ...]:
        """The children referred in ``period``, each with that period's referrals, by id."""
        start, end = self._bounds(period)
        referred = aliased(Person)
        kept_id = func.coalesce(referred.merged_into, referred.id)
        rows = unit.session.execute(
            select(Referral, kept_id.label("kept"))
            .join(referred, referred.id == Referral.person_id)
            .where(Referral.referral_at >= start, Referral.referral_at < end)
            .order_by(kept_id, Referral.referral_at, Referral.id)
        ).all()
        by_child: dict[int, list[Referral]] = {}
        for referral, kept in rows:
            by_child.setdefault(kept, []).append(referral)
        people = {
            p.id: p
            for chunk in _chunks(list(by_child))
            for p in unit.session.scalars(select(Person).where(Person.id.in_(chunk)))
        }
        s47s = self._s47s(unit, period, [r.id for refs in by_child.values() for r in refs])
        return tuple(
            _child(people[pid], [self._referral(r, s47s.get(r.id)) for r in refs], period)
            for pid, refs in by_child.items()
        )

    def _bounds(self, period: CensusPeriod) -> tuple[datetime, datetime]:
        # Referral times are stored in UTC; the year's days are the MASH's local days.
        def midnight(day: date) -> datetime:
            return datetime.combine(day, time(0), self.ctx.tz).astimezone(UTC)

        return midnight(period.start), midnight(date(period.year, 4, 1))

    def _local(self, at: datetime) -> date:
        return at.astimezone(self.ctx.tz).date()

    def _referral(self, r: Referral, s47: CensusS47 | None) -> CensusReferral:
        return CensusReferral(
            referral_id=r.id,
            referral_date=self._local(r.referral_at),
            source=r.source,
            primary_need=r.primary_need,
            nfa=r.referral_nfa,
            s47=s47,
        )

    def _s47s(
        self, unit: Unit, period: CensusPeriod, referral_ids: list[int]
    ) -> dict[int, CensusS47]:
        """Each referral's s47 enquiry started by the period's end: its latest discussion."""
        found: dict[int, CensusS47] = {}
        for chunk in _chunks(referral_ids):
            rows = unit.session.scalars(
                select(StrategyDiscussion)
                .where(
                    StrategyDiscussion.referral_id.in_(chunk),
                    StrategyDiscussion.s47_decision == S47Decision.PROCEED.value,
                    StrategyDiscussion.s47_started_on <= period.end,
                )
                .order_by(StrategyDiscussion.held_at, StrategyDiscussion.id)
            ).all()
            for d in rows:  # oldest first: the latest discussion carries the enquiry on
                s47 = self._s47(d, period)
                earlier = found.get(d.referral_id)
                if earlier is not None and s47.icpc_held_on is None and s47.not_required_on is None:
                    # One conference per enquiry, recorded against whichever discussion was
                    # current then (services.strategy: it settles the referral's enquiry).
                    s47 = replace(
                        s47,
                        icpc_held_on=earlier.icpc_held_on,
                        not_required_on=earlier.not_required_on,
                    )
                found[d.referral_id] = s47
        return found

    def _s47(self, d: StrategyDiscussion, period: CensusPeriod) -> CensusS47:
        assert d.s47_started_on is not None

        def by_end(day: date | None) -> date | None:
            # After the reference date it belongs to next year's census.
            return day if day is not None and day <= period.end else None

        due = d.icpc_due_at
        return CensusS47(
            discussion_id=d.id,
            discussed_on=self._local(d.held_at),
            started_on=d.s47_started_on,
            icpc_target=self._local(due) if due is not None else None,
            icpc_expected_target=self._local(self.ctx.deadlines.icpc_due(d.held_at)),
            icpc_held_on=by_end(d.icpc_held_on),
            not_required_on=by_end(d.icpc_not_required_on),
        )


def _child(p: Person, referrals: list[CensusReferral], period: CensusPeriod) -> CensusChild:
    born, expected = p.date_of_birth, p.expected_delivery
    if born is not None and born > period.end:
        # Born after the reference date: the census counts the child as it was then, unborn.
        born, expected = None, expected or born
    return CensusChild(
        person_id=p.id,
        # The council's own child id where the desk has it; else the desk's, prefixed so it
        # cannot be mistaken for one from the case management system.
        la_child_id=p.local_id or f"MASH{p.id}",
        upn=p.upn,
        date_of_birth=born,
        expected_birth=expected,
        sex=p.sex,
        ethnicity=p.ethnicity,
        disabled=bool(p.disability),
        referrals=tuple(referrals),
    )


def _check(period: CensusPeriod, children: tuple[CensusChild, ...]) -> CinCheckDTO:
    found = tuple(f for child in children for f in failures(child, period))
    referrals = sum(len(c.referrals) for c in children)
    return CinCheckDTO(period, len(children), referrals, found)


def _period(year: int) -> CensusPeriod:
    # The census began in 2009-10; a year beyond 9999 cannot be written as a date.
    if not 2010 <= year <= 9998:
        raise ValidationError(FieldError("year", "range", f"{year} is not a collection year"))
    return CensusPeriod(year)


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    # SQLite's limit on bound parameters is 999 in older builds; a year has thousands.
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


@contextmanager
def _server_refusal() -> Iterator[None]:
    """Turn the server's refusal of a withheld column into a sentence saying who may."""
    try:
        yield
    except ProgrammingError as exc:
        if getattr(exc.orig, "sqlstate", None) != _INSUFFICIENT_PRIVILEGE:
            raise
        raise PermissionDenied(SERVER_REFUSED) from exc


__all__ = ["CinCheckDTO", "ReturnExportDTO", "ReturnsService"]
