"""Routing: step up, step down and transfers, who was told, and the receiving service's answer.

A routing is created open (rules in :mod:`mash_desk.domain.routing`), collects who was
informed — family, professionals, referrer: who, when, how — and is then marked complete,
which hands it to the receiving agency. The receiving side (a partner rep of that agency, or a
social-care manager for routings into social care) first acknowledges it ("we have it": domain
brief §2, a rep "acknowledges routed cases"), then accepts it or rejects it with a reason; a
rejected routing comes back to the MASH (:meth:`RoutingService.returned`). A partner rep sees
only routings to their own agency; any other looks exactly like a missing one. Every change
writes its audit row, with the child's person id, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, or_, select
from sqlalchemy.orm.attributes import flag_modified

from mash_desk.domain.changes import ChangeKey, Kind, Topic, change_keys, record_key
from mash_desk.domain.enums import Role
from mash_desk.domain.errors import FieldError, NotFound, PermissionDenied, ValidationError
from mash_desk.domain.outcomes import age_text, is_under_five
from mash_desk.domain.permissions import Permission
from mash_desk.domain.routing import (
    CHILDRENS_CENTRE_NOTICE,
    SOCIAL_CARE,
    InformedParty,
    InformMethod,
    RoutingKind,
    RoutingStatus,
    informing_missing,
    offers_childrens_centre,
    routing_problems,
)
from mash_desk.domain.text import clean_narrative, clean_short
from mash_desk.services.access import ROUTINGS_VIEW, record_access
from mash_desk.services.context import Service, Unit, check_version
from mash_desk.services.dto import CLOSED_PAGE, Actor, ClosedMark, OpResult
from mash_desk.services.mapping import person_dto
from mash_desk.storage.models import (
    Agency,
    Decision,
    Person,
    Routing,
    RoutingInforming,
    ServiceEpisode,
    User,
)

# The width of routings.to_team (storage/models/routing.py): PostgreSQL refuses more.
TEAM_MAX = 80

ROUTING_OPENED = "routing.open"
"""``access_log.what`` of opening one routing (its handover summary)."""
_DEFAULT_FROM = {RoutingKind.STEP_UP: "early_support", RoutingKind.STEP_DOWN: SOCIAL_CARE}


@dataclass(frozen=True)
class RoutingInput:
    """A new routing, straight from the form (unvalidated)."""

    kind: str
    to_agency: str
    reason: str | None
    level_after: int
    handover_summary: str | None
    level_before: int | None = None
    family_consent: bool | None = None
    from_agency: str | None = None
    to_team: str | None = None
    decision_id: int | None = None


@dataclass(frozen=True)
class InformedDTO:
    """One party told of a routing."""

    party: InformedParty
    who: str
    method: InformMethod
    informed_at: datetime


@dataclass(frozen=True)
class RoutingDTO:
    """A routing as stored, with who has been told and whether the receiver has it.

    ``child_name`` and ``age_text`` are here because the receiving agency must know whom it
    is taking on; a partner rep only ever gets routings to their own agency.
    """

    id: int
    person_id: int
    referral_id: int | None
    decision_id: int | None
    kind: RoutingKind
    from_agency: str
    to_agency: str
    to_team: str | None
    reason: str
    level_before: int | None
    level_after: int
    family_consent: bool | None
    handover_summary: str
    childrens_centre_offer: bool
    status: RoutingStatus
    informed: tuple[InformedDTO, ...]
    response_reason: str | None
    version: int
    child_name: str
    age_text: str
    created_at: datetime
    completed_at: datetime | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    from_agency_name: str
    to_agency_name: str
    responded_at: datetime | None = None

    @property
    def acknowledged(self) -> bool:
        """Whether the receiving service has said it has the routing."""
        return self.acknowledged_at is not None

    @property
    def closed_mark(self) -> ClosedMark | None:
        """Where the answered routings listed end, if this is the last (see ``answered``)."""
        if self.status not in _ANSWERED or self.responded_at is None:
            return None
        return ClosedMark(self.responded_at, self.id)


def _typed_texts(routing: RoutingInput, errors: list[FieldError]) -> dict[str, str | None]:
    """The reason, handover summary and receiving team typed, cleaned; problems to ``errors``."""
    reason, problem = clean_narrative(routing.reason, "reason", "Reason", required=True)
    errors += [problem] if problem else []
    summary, problem = clean_narrative(
        routing.handover_summary, "handover_summary", "Handover summary", required=True
    )
    errors += [problem] if problem else []
    team, problem = clean_short(routing.to_team, "to_team", "Receiving team", max_length=TEAM_MAX)
    errors += [problem] if problem else []
    return {"reason": reason, "handover_summary": summary, "to_team": team}


def _agencies_named(
    unit: Unit, from_code: str | None, to_code: str, errors: list[FieldError]
) -> dict[str, int]:
    """Active agencies by code; a routing's two ends must be among them."""
    agencies = dict(unit.session.execute(select(Agency.code, Agency.id).where(Agency.active)).all())
    if from_code not in agencies:
        errors.append(FieldError("from_agency", "exists", "Name the service it comes from"))
    if to_code not in agencies:
        errors.append(FieldError("to_agency", "exists", f"Unknown agency {to_code!r}"))
    return agencies


def _decision_referral(
    unit: Unit, decision_id: int | None, person_id: int, errors: list[FieldError]
) -> int | None:
    """The referral of the decision the routing follows, which must be about this child."""
    if decision_id is None:
        return None
    decision = unit.session.get(Decision, decision_id)
    if decision is None or decision.person_id != person_id:
        errors.append(FieldError("decision", "exists", "That decision is not about this child"))
        return None
    return decision.referral_id


def _open_services(unit: Unit, person_id: int) -> list[str]:
    """The services the child receives today (a step down needs one to step down from)."""
    today = unit.today
    return list(
        unit.session.scalars(
            select(ServiceEpisode.service).where(
                ServiceEpisode.person_id == person_id,
                ServiceEpisode.started_on <= today,
                or_(ServiceEpisode.ended_on.is_(None), ServiceEpisode.ended_on > today),
            )
        )
    )


class RoutingService(Service):
    """Create, inform, complete, accept and reject routings; list them by who must act."""

    def create(self, actor: Actor, person_id: int, routing: RoutingInput) -> OpResult[RoutingDTO]:
        """Step a child up or down, or transfer them; every rule checked in one pass."""
        with self.writing(actor, Permission.ROUTE_CHILD) as unit:
            person = unit.load(Person, person_id, what="person")
            kind: RoutingKind | None = None
            errors: list[FieldError] = []
            try:
                kind = RoutingKind(routing.kind)
            except ValueError:
                errors.append(FieldError("kind", "choice", f"Unknown routing {routing.kind!r}"))
            texts = _typed_texts(routing, errors)
            if routing.level_before is not None and not 1 <= routing.level_before <= 4:
                errors.append(FieldError("level_before", "range", "The level before is 1 to 4"))
            from_code = routing.from_agency or (_DEFAULT_FROM.get(kind) if kind else None)
            agencies = _agencies_named(unit, from_code, routing.to_agency, errors)
            referral_id = _decision_referral(unit, routing.decision_id, person.id, errors)
            if kind is not None:
                errors += routing_problems(
                    kind,
                    routing.to_agency,
                    routing.level_after,
                    routing.family_consent,
                    _open_services(unit, person.id),
                )
            if errors:
                raise ValidationError(errors)
            assert kind is not None and from_code is not None  # both refused above otherwise
            offer = offers_childrens_centre(
                is_under_five(person.date_of_birth, person.expected_delivery, unit.today),
                routing.level_after,
                routing.to_agency,
            )
            row = Routing(
                person_id=person.id,
                referral_id=referral_id,
                decision_id=routing.decision_id,
                kind=kind.value,
                from_agency_id=agencies[from_code],
                to_agency_id=agencies[routing.to_agency],
                **texts,
                level_before=routing.level_before,
                level_after=routing.level_after,
                family_consent=routing.family_consent,
                childrens_centre_offer=offer,
                status=RoutingStatus.OPEN.value,
                created_by=unit.user_id,
                created_at=unit.now,
            )
            unit.session.add(row)
            unit.session.flush()
            unit.audit(
                "routing.created",
                "routing",
                row.id,
                person_id=person.id,
                kind=kind.value,
                from_agency=from_code,
                to_agency=routing.to_agency,
                level_before=routing.level_before,
                level_after=routing.level_after,
                family_consent=routing.family_consent,
                decision_id=routing.decision_id,
                childrens_centre_offer=offer,
            )
            notices = (CHILDRENS_CENTRE_NOTICE,) if offer else ()
            return OpResult(_dto(unit, row), _changed(row), notices)

    def record_informing(
        self,
        actor: Actor,
        routing_id: int,
        expected_version: int,
        party: str,
        who: str | None,
        method: str,
        informed_at: datetime | None = None,
    ) -> OpResult[RoutingDTO]:
        """Record that the family, professionals or referrer were told: who, when, how."""
        with self.writing(actor, Permission.ROUTE_CHILD) as unit:
            row = _routing(unit, routing_id)
            check_version(row, expected_version, "routing")
            errors = _status_errors(row, RoutingStatus.OPEN, "Informing is recorded")
            chosen_party = chosen_method = None
            try:
                chosen_party = InformedParty(party)
            except ValueError:
                errors.append(FieldError("party", "choice", f"Unknown party {party!r}"))
            try:
                chosen_method = InformMethod(method)
            except ValueError:
                errors.append(FieldError("method", "choice", f"Unknown method {method!r}"))
            name, problem = clean_short(who, "who", "Who was told", required=True)
            errors += [problem] if problem else []
            when = informed_at or unit.now
            if when.tzinfo is None:
                errors.append(FieldError("informed_at", "aware", "Give the time with its zone"))
            elif when > unit.now:
                errors.append(FieldError("informed_at", "not_future", "That time is in future"))
            if errors:
                raise ValidationError(errors)
            assert chosen_party is not None and chosen_method is not None and name is not None
            unit.session.add(
                RoutingInforming(
                    routing_id=row.id,
                    party=chosen_party.value,
                    who=name,
                    method=chosen_method.value,
                    informed_at=when,
                    recorded_by=unit.user_id,
                    recorded_at=unit.now,
                )
            )
            _touch(unit, row)
            unit.audit(
                "routing.informed",
                "routing",
                row.id,
                person_id=row.person_id,
                party=chosen_party.value,
                who=name,
                method=chosen_method.value,
                informed_at=when,
            )
            return OpResult(_dto(unit, row), _changed(row))

    def complete(
        self, actor: Actor, routing_id: int, expected_version: int
    ) -> OpResult[RoutingDTO]:
        """Hand the routing to the receiving service once everyone has been told."""
        with self.writing(actor, Permission.ROUTE_CHILD) as unit:
            row = _routing(unit, routing_id)
            check_version(row, expected_version, "routing")
            errors = _status_errors(row, RoutingStatus.OPEN, "Only an open routing is completed")
            problem = informing_missing(
                {
                    InformedParty(p)
                    for p in unit.session.scalars(
                        select(RoutingInforming.party).where(RoutingInforming.routing_id == row.id)
                    )
                }
            )
            errors += [problem] if problem else []
            if errors:
                raise ValidationError(errors)
            row.status = RoutingStatus.COMPLETE.value
            row.completed_by = unit.user_id
            row.completed_at = unit.now
            unit.session.flush()
            unit.audit("routing.completed", "routing", row.id, person_id=row.person_id)
            return OpResult(_dto(unit, row), _changed(row))

    def respond(
        self,
        actor: Actor,
        routing_id: int,
        expected_version: int,
        accept: bool,
        reason: str | None,
    ) -> OpResult[RoutingDTO]:
        """The receiving service accepts, or rejects with a reason (back to the MASH)."""
        with self.writing(actor, Permission.RESPOND_ROUTING) as unit:
            row = _routing(unit, routing_id)
            if row.to_agency_id != _own_agency(unit):
                raise PermissionDenied("Only the receiving service may accept or reject this")
            check_version(row, expected_version, "routing")
            errors = _status_errors(
                row, RoutingStatus.COMPLETE, "Only a completed routing is accepted or rejected"
            )
            text, problem = clean_narrative(
                reason, "reason", "Reason for rejecting", required=not accept
            )
            errors += [problem] if problem else []
            if errors:
                raise ValidationError(errors)
            row.status = (RoutingStatus.ACCEPTED if accept else RoutingStatus.REJECTED).value
            row.responded_by = unit.user_id
            row.responded_at = unit.now
            row.response_reason = text
            # An answer is also an acknowledgement: the MASH then knows the routing arrived
            # even when the receiver answered without acknowledging first.
            acknowledged_now = row.acknowledged_at is None
            if acknowledged_now:
                row.acknowledged_by = unit.user_id
                row.acknowledged_at = unit.now
            unit.session.flush()
            unit.audit(
                "routing.accepted" if accept else "routing.rejected",
                "routing",
                row.id,
                person_id=row.person_id,
                reason=text,
                acknowledged_now=acknowledged_now,
            )
            return OpResult(_dto(unit, row), _changed(row))

    def acknowledge(
        self, actor: Actor, routing_id: int, expected_version: int
    ) -> OpResult[RoutingDTO]:
        """The receiving service says it has the routing (before accepting or rejecting it).

        A rep of the receiving agency acknowledges its own routings only (another agency's is
        not found); MASH staff may record it on the receiving service's behalf, for instance
        when that service acknowledged by phone — the audit row says so. Acknowledging twice
        is refused with who acknowledged it and when.
        """
        with self.writing(actor, Permission.ACKNOWLEDGE_ROUTING) as unit:
            row = _routing(unit, routing_id)
            if row.acknowledged_at is not None:
                # Checked before the version, so a second rep who had the same version open
                # is told plainly that a colleague got there first, not "reload".
                who = _display_name(unit, row.acknowledged_by)
                local = row.acknowledged_at.astimezone(self.ctx.tz)
                raise ValidationError(
                    FieldError(
                        "acknowledged",
                        "once",
                        f"Already acknowledged by {who} on {local:%d %b %Y at %H:%M}; "
                        "nothing was changed",
                    )
                )
            check_version(row, expected_version, "routing")
            errors = _status_errors(
                row,
                RoutingStatus.COMPLETE,
                "Only a routing handed over to the receiving service is acknowledged",
            )
            if errors:
                raise ValidationError(errors)
            row.acknowledged_by = unit.user_id
            row.acknowledged_at = unit.now
            unit.session.flush()
            on_behalf = row.to_agency_id != _own_agency(unit)
            unit.audit(
                "routing.acknowledged",
                "routing",
                row.id,
                person_id=row.person_id,
                to_agency=_agency_code(unit, row.to_agency_id),
                on_behalf_of_receiver=on_behalf,
            )
            return OpResult(_dto(unit, row), _changed(row))

    def get(self, actor: Actor, routing_id: int) -> RoutingDTO:
        """One routing (a partner rep: only if it is routed to their agency).

        Opening it shows the child's handover summary, so it is logged as a view of the
        child's record (issue 5 §6: every view, by anyone).
        """
        with self.writing(actor, Permission.VIEW_ROUTINGS) as unit:
            row = _routing(unit, routing_id)
            shown = _dto(unit, row)
            record_access(unit, row.person_id, ROUTING_OPENED, f"Routing {row.id} ({shown.kind})")
            return shown

    def inbox(
        self, actor: Actor, *, include_closed: bool = False, closed_limit: int = CLOSED_PAGE
    ) -> tuple[RoutingDTO, ...]:
        """Routings handed to the acting user's agency: not yet acknowledged first.

        Only those waiting to be accepted or rejected unless ``include_closed``: then, after
        them, the latest ``closed_limit`` accepted or rejected ones, newest answer first
        (``answered`` lists older ones). Never another agency's.
        """
        with self.reading(actor, Permission.RESPOND_ROUTING) as unit:
            agency_id = _own_agency(unit)
            rows = list(
                unit.session.scalars(
                    select(Routing)
                    .where(
                        Routing.to_agency_id == agency_id,
                        Routing.status == RoutingStatus.COMPLETE.value,
                    )
                    .order_by(
                        # Nobody has acknowledged it yet first, then the longest waiting.
                        case((Routing.acknowledged_at.is_(None), 0), else_=1),
                        Routing.completed_at,
                        Routing.id,
                    )
                )
            )
            if include_closed:
                rows += _answered_rows(unit, agency_id, None, closed_limit)
            return _dtos(unit, rows)

    def answered(
        self, actor: Actor, *, before: ClosedMark | None = None, limit: int = CLOSED_PAGE
    ) -> tuple[RoutingDTO, ...]:
        """The agency's ``limit`` latest accepted or rejected routings, newest answer first.

        Answered before ``before`` (the last one listed, its ``closed_mark``; ``None`` for the
        latest). Never another agency's.
        """
        with self.reading(actor, Permission.RESPOND_ROUTING) as unit:
            return _dtos(unit, _answered_rows(unit, _own_agency(unit), before, limit))

    def returned(self, actor: Actor) -> tuple[RoutingDTO, ...]:
        """Rejected routings: back with the MASH to act on."""
        with self.reading(actor, Permission.ROUTE_CHILD) as unit:
            return _rows(unit, Routing.status == RoutingStatus.REJECTED.value)

    def for_person(self, actor: Actor, person_id: int) -> tuple[RoutingDTO, ...]:
        """Every routing of a child, oldest first (MASH staff only); the view is logged."""
        with self.writing(actor, Permission.VIEW_ROUTINGS) as unit:
            if unit.role is Role.PARTNER:
                raise PermissionDenied("A partner rep sees routings in their agency's inbox")
            unit.load(Person, person_id, what="person")
            found = routings_of(unit, person_id)
            record_access(unit, person_id, ROUTINGS_VIEW)
            return found


def routings_of(unit: Unit, person_id: int) -> tuple[RoutingDTO, ...]:
    """A child's routings inside ``unit``, for a service that logs the view itself."""
    return _rows(unit, Routing.person_id == person_id)


def _own_agency(unit: Unit) -> int:
    """The agency of the acting user, as stored (never the one an Actor claims)."""
    agency_id = unit.session.scalar(select(User.agency_id).where(User.id == unit.user_id))
    if agency_id is None:  # pragma: no cover - the user was checked a moment ago
        raise PermissionDenied("This user account is not active; sign in again")
    return agency_id


def _agency_code(unit: Unit, agency_id: int) -> str:
    code = unit.session.scalar(select(Agency.code).where(Agency.id == agency_id))
    assert code is not None
    return code


def _display_name(unit: Unit, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    return unit.session.scalar(select(User.display_name).where(User.id == user_id))


def _routing(unit: Unit, routing_id: int) -> Routing:
    row = unit.session.get(Routing, routing_id)
    if row is None or (
        unit.role is Role.PARTNER
        and (row.to_agency_id != _own_agency(unit) or row.status == RoutingStatus.OPEN.value)
    ):
        # The same words whether it does not exist, is routed to another agency or is not yet
        # handed over (the receiver's inbox and search see handed-over routings only).
        raise NotFound(f"No routing {routing_id} for your service")
    return row


def _status_errors(row: Routing, wanted: RoutingStatus, words: str) -> list[FieldError]:
    if row.status != wanted.value:
        return [FieldError("status", wanted.value, f"{words} (this routing is {row.status})")]
    return []


def _touch(unit: Unit, row: Routing) -> None:
    """Bump the routing's version: adding who was told changes what others have open."""
    flag_modified(row, "status")
    unit.session.flush()


def _changed(row: Routing) -> frozenset[ChangeKey]:
    return change_keys(
        Topic.ROUTINGS, record_key(Kind.ROUTING, row.id), record_key(Kind.PERSON, row.person_id)
    )


def _rows(unit: Unit, condition: ColumnElement[bool]) -> tuple[RoutingDTO, ...]:
    rows = unit.session.scalars(
        select(Routing).where(condition).order_by(Routing.created_at, Routing.id)
    ).all()
    return _dtos(unit, rows)


_ANSWERED = (RoutingStatus.ACCEPTED, RoutingStatus.REJECTED)


def _answered_rows(
    unit: Unit, agency_id: int | None, before: ClosedMark | None, limit: int
) -> list[Routing]:
    """The agency's ``limit`` latest answered routings, answered before ``before``.

    All of them, oldest first, took 2.8 s for Early Support's 1,510 on ten years of history
    and grew with every year (issue 16). A keyset page on migration 0020's (agency, answered
    at, id) index reads only the page, however long the history.
    """
    condition = (Routing.to_agency_id == agency_id) & Routing.status.in_(
        [s.value for s in _ANSWERED]
    )
    if before is not None:
        # "<= and (< or id <)": the first term lets the index seek to the mark.
        condition &= (Routing.responded_at <= before.closed_at) & or_(
            Routing.responded_at < before.closed_at,
            Routing.id < before.id,
        )
    return list(
        unit.session.scalars(
            select(Routing)
            .where(condition, Routing.responded_at.is_not(None))
            .order_by(Routing.responded_at.desc(), Routing.id.desc())
            .limit(limit)
        )
    )


def _dto(unit: Unit, r: Routing) -> RoutingDTO:
    return _dtos(unit, [r])[0]


def _dtos(unit: Unit, rows: Sequence[Routing]) -> tuple[RoutingDTO, ...]:
    """The DTOs of ``rows``: agencies, people told and acknowledgers read once for them all.

    One read per table whatever the number of routings (issue 16: a child's case record
    lists every routing, and the longest history had the most).
    """
    if not rows:
        return ()
    agencies = {
        agency_id: (code, name)
        for agency_id, code, name in unit.session.execute(
            select(Agency.id, Agency.code, Agency.name).where(
                Agency.id.in_({a for r in rows for a in (r.from_agency_id, r.to_agency_id)})
            )
        )
    }
    informed: dict[int, list[InformedDTO]] = {r.id: [] for r in rows}
    for i in unit.session.scalars(
        select(RoutingInforming)
        .where(RoutingInforming.routing_id.in_(list(informed)))
        .order_by(RoutingInforming.id)
    ):
        informed[i.routing_id].append(
            InformedDTO(InformedParty(i.party), i.who, InformMethod(i.method), i.informed_at)
        )
    # The children, in one read: each routing's DTO then finds its child in the session.
    unit.session.scalars(select(Person).where(Person.id.in_({r.person_id for r in rows}))).all()
    acknowledgers = {r.acknowledged_by for r in rows if r.acknowledged_by is not None}
    names = (
        dict(
            unit.session.execute(
                select(User.id, User.display_name).where(User.id.in_(acknowledgers))
            ).all()
        )
        if acknowledgers
        else {}
    )
    return tuple(
        _assemble(
            unit,
            r,
            agencies,
            tuple(informed[r.id]),
            names.get(r.acknowledged_by) if r.acknowledged_by is not None else None,
        )
        for r in rows
    )


def _assemble(
    unit: Unit,
    r: Routing,
    agencies: dict[int, tuple[str, str]],
    informed: tuple[InformedDTO, ...],
    acknowledged_by: str | None,
) -> RoutingDTO:
    person = unit.session.get(Person, r.person_id)
    assert person is not None
    return routing_dto(
        r,
        agencies,
        informed,
        acknowledged_by,
        f"{person.given_name} {person.family_name.upper()}",
        age_text(person_dto(person), unit.today),
    )


def routing_dto(
    r: Any,
    agencies: dict[int, tuple[str, str]],
    informed: tuple[InformedDTO, ...],
    acknowledged_by: str | None,
    child_name: str,
    age: str,
) -> RoutingDTO:
    """A routing as screens show it, from its row (ORM object or named row) and names."""
    (from_code, from_name), (to_code, to_name) = (
        agencies[r.from_agency_id],
        agencies[r.to_agency_id],
    )
    return RoutingDTO(
        id=r.id,
        person_id=r.person_id,
        referral_id=r.referral_id,
        decision_id=r.decision_id,
        kind=RoutingKind(r.kind),
        from_agency=from_code,
        to_agency=to_code,
        to_team=r.to_team,
        reason=r.reason,
        level_before=r.level_before,
        level_after=r.level_after,
        family_consent=r.family_consent,
        handover_summary=r.handover_summary,
        childrens_centre_offer=r.childrens_centre_offer,
        status=RoutingStatus(r.status),
        informed=informed,
        response_reason=r.response_reason,
        version=r.version,
        child_name=child_name,
        age_text=age,
        created_at=r.created_at,
        completed_at=r.completed_at,
        acknowledged_by=acknowledged_by,
        acknowledged_at=r.acknowledged_at,
        from_agency_name=from_name,
        to_agency_name=to_name,
        responded_at=r.responded_at,
    )
