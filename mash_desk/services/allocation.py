"""Allocation of front-door work: "take this", a manager's allocation, and each worker's load.

A piece of work is one child on an open contact or one referral awaiting decision. A
practitioner takes unallocated work for themselves; a team or service manager allocates work
to a team and a worker, and reallocates it with a reason. The current holder lives on the
work itself (``assigned_to``/``team``, read by the queue in one indexed pass); every
allocation is also kept in ``allocations`` for the chronology, and audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select, union_all

from mash_desk.domain.changes import Kind, Topic, change_keys, record_key
from mash_desk.domain.enums import Rag, Role, WorkStatus
from mash_desk.domain.errors import FieldError, NotFound, ValidationError
from mash_desk.domain.permissions import Permission, allows
from mash_desk.domain.text import clean_narrative, clean_short
from mash_desk.services.context import Service, Unit, check_version
from mash_desk.services.dto import Actor, OpResult
from mash_desk.storage.models import Allocation, ContactChild, Referral, User
from mash_desk.storage.reference_data import SYSTEM_USERNAME

KINDS = ("contact", "referral")
# The status in which each kind of work is still open and so can be allocated.
_OPEN = {"contact": WorkStatus.OPEN.value, "referral": WorkStatus.AWAITING_DECISION.value}
_WORDS = {"contact": "contact", "referral": "referral"}


@dataclass(frozen=True)
class AllocationDTO:
    """Who holds a piece of work after an allocation, and the work's new version."""

    kind: str
    item_id: int
    person_id: int
    worker_id: int
    worker_name: str
    team: str | None
    how: str
    """``taken``, ``allocated`` or ``reallocated``."""
    version: int


@dataclass(frozen=True)
class WorkItemDTO:
    """A piece of work as allocation sees it: who holds it now, and its version."""

    kind: str
    item_id: int
    person_id: int
    status: str
    assigned_id: int | None
    assigned_name: str | None
    team: str | None
    version: int


@dataclass(frozen=True)
class WorkloadRow:
    """One worker's open work (``worker_id`` ``None``: the work nobody holds yet)."""

    worker_id: int | None
    display_name: str
    team: str | None
    active: bool
    open_items: int
    red: int
    amber: int
    green: int
    unrated: int
    due_today: int
    overdue: int


def is_mash_staff(role: Role) -> bool:
    """Whether someone in ``role`` can hold front-door work (a partner rep or QA officer can't)."""
    return allows(role, Permission.TAKE_WORK)


class AllocationService(Service):
    """Take, allocate and reallocate work; read each worker's load."""

    def take(
        self, actor: Actor, kind: str, item_id: int, expected_version: int
    ) -> OpResult[AllocationDTO]:
        """Allocate an unallocated piece of work to the acting user, in their own team.

        Work someone else holds is refused (a manager reallocates it, with a reason).
        """
        with self.writing(actor, Permission.TAKE_WORK) as unit:
            _check_kind(kind)
            item = _load(unit, kind, item_id, expected_version)
            me = unit.session.get(User, actor.user_id)
            assert me is not None  # the unit checked the user is active
            if item.assigned_to == actor.user_id:
                raise ValidationError(
                    FieldError("worker", "already_yours", f"This {kind} is already yours")
                )
            if item.assigned_to is not None:
                holder = _name(unit, item.assigned_to)
                raise ValidationError(
                    FieldError(
                        "worker",
                        "already_allocated",
                        f"This {kind} is allocated to {holder}; a manager can reallocate it",
                    )
                )
            return self._apply(unit, kind, item, me, me.team, None, how="taken")

    def allocate(
        self,
        actor: Actor,
        kind: str,
        item_id: int,
        expected_version: int,
        *,
        worker_id: int | None,
        team: str | None = None,
        reason: str | None = None,
    ) -> OpResult[AllocationDTO]:
        """Allocate (or reallocate, with a reason) a piece of work to a team and a worker.

        A practitioner may only allocate to themselves; the worker must be active MASH staff;
        the team, if given, must be one the MASH's staff work in (default: the worker's own).
        Every broken rule is reported at once, and nothing is written.
        """
        with self.writing(actor, Permission.TAKE_WORK) as unit:
            _check_kind(kind)
            item = _load(unit, kind, item_id, expected_version)
            worker = unit.session.get(User, worker_id) if worker_id is not None else None
            errors = _worker_problems(unit, actor, worker_id, worker)
            chosen_team, problem = clean_short(team, "team", "Team")
            errors += [problem] if problem else []
            if chosen_team is not None and chosen_team not in _teams(unit):
                errors.append(
                    FieldError("team", "unknown", f"No MASH staff work in a team {chosen_team!r}")
                )
            why, problem = clean_narrative(reason, "reason", "Reason")
            errors += [problem] if problem else []
            if errors:
                raise ValidationError(errors)
            assert worker is not None
            new_team = chosen_team or worker.team
            moving = item.assigned_to is not None and item.assigned_to != worker.id
            if moving and why is None:
                raise ValidationError(
                    FieldError(
                        "reason",
                        "required_for_reallocation",
                        f"This {kind} is allocated to {_name(unit, item.assigned_to)}; "
                        "say why it moves to someone else",
                    )
                )
            if item.assigned_to == worker.id and item.team == new_team:
                raise ValidationError(
                    FieldError(
                        "worker",
                        "unchanged",
                        f"This {kind} is already allocated to {worker.display_name}"
                        + (f" in {new_team}" if new_team else ""),
                    )
                )
            how = "reallocated" if item.assigned_to is not None else "allocated"
            return self._apply(unit, kind, item, worker, new_team, why, how=how)

    def _apply(
        self,
        unit: Unit,
        kind: str,
        item: Any,
        worker: User,
        team: str | None,
        reason: str | None,
        *,
        how: str,
    ) -> OpResult[AllocationDTO]:
        previous = item.assigned_to
        item.assigned_to = worker.id
        item.team = team
        unit.session.add(
            Allocation(
                person_id=item.person_id,
                contact_child_id=item.id if kind == "contact" else None,
                referral_id=item.id if kind == "referral" else None,
                kind=how,
                from_user_id=previous,
                to_user_id=worker.id,
                team=team,
                reason=reason,
                allocated_by=unit.user_id,
                allocated_at=unit.now,
            )
        )
        unit.flush()
        unit.audit(
            f"work.{how}",
            "contact_child" if kind == "contact" else "referral",
            item.id,
            person_id=item.person_id,
            to=worker.id,
            previous=previous,
            team=team,
            reason=reason,
        )
        dto = AllocationDTO(
            kind, item.id, item.person_id, worker.id, worker.display_name, team, how, item.version
        )
        return OpResult(
            dto, change_keys(Topic.QUEUE, Topic.WORKLOAD, record_key(Kind.PERSON, item.person_id))
        )

    def work(self, actor: Actor, kind: str, item_id: int) -> WorkItemDTO:
        """Who holds one piece of work now (no child's details: nothing to log as a view)."""
        with self.reading(actor, Permission.TAKE_WORK) as unit:
            _check_kind(kind)
            table = ContactChild if kind == "contact" else Referral
            row = unit.conn.execute(
                select(
                    table.person_id,
                    table.status,
                    table.assigned_to,
                    User.display_name,
                    table.team,
                    table.version,
                )
                .outerjoin(User, User.id == table.assigned_to)
                .where(table.id == item_id)
            ).first()
        if row is None:
            raise NotFound(f"No {_WORDS[kind]} {item_id}")
        return WorkItemDTO(kind, item_id, *row)

    def teams(self, actor: Actor) -> tuple[str, ...]:
        """The teams active MASH staff work in, by name (what the allocate dialog offers)."""
        with self.reading(actor, Permission.TAKE_WORK) as unit:
            return tuple(sorted(_teams(unit), key=str.casefold))

    def workload(self, actor: Actor) -> tuple[WorkloadRow, ...]:
        """Each worker's open work by RAG, due today and overdue; unallocated work first.

        Counted by the database in one grouped read, whatever the size of the history. Active
        MASH staff with nothing open are listed too (with noughts): a manager allocating
        needs to see who is free.
        """
        with self.reading(actor, Permission.VIEW_WORKLOAD) as unit:
            now = unit.now
            tomorrow = datetime.combine(unit.today + timedelta(days=1), time(), self.ctx.tz)
            sides = [
                _open_side(table, due, status, now, tomorrow)
                for table, due, status in (
                    (ContactChild, ContactChild.due_at, WorkStatus.OPEN.value),
                    (Referral, Referral.decision_due_at, WorkStatus.AWAITING_DECISION.value),
                )
            ]
            work = union_all(*sides).subquery()
            totals = unit.conn.execute(
                select(
                    work.c.worker,
                    func.count(),
                    *(
                        func.sum(case((work.c.rag == rag.value, 1), else_=0))
                        for rag in (Rag.RED, Rag.AMBER, Rag.GREEN)
                    ),
                    func.sum(case((work.c.rag.is_(None), 1), else_=0)),
                    func.sum(work.c.due_today),
                    func.sum(work.c.overdue),
                ).group_by(work.c.worker)
            ).all()
            staff_roles = [r.value for r in Role if is_mash_staff(r)]
            holders = [t[0] for t in totals if t[0] is not None]
            people = unit.conn.execute(
                select(User.id, User.display_name, User.team, User.active).where(
                    (User.active.is_(True) & User.role_code.in_(staff_roles)) | User.id.in_(holders)
                )
            ).all()
        counts = {t[0]: tuple(int(v or 0) for v in t[1:]) for t in totals}
        rows = [
            WorkloadRow(uid, name, team, bool(active), *counts.get(uid, (0,) * 7))
            for uid, name, team, active in people
        ]
        rows.sort(key=lambda r: (r.display_name.casefold(), r.worker_id))
        if None in counts:
            rows.insert(0, WorkloadRow(None, "Unallocated", None, True, *counts[None]))
        return tuple(rows)


def _open_side(table: Any, due: Any, status: str, now: datetime, tomorrow: datetime):
    """One kind of open work as (worker, rag, due today 0/1, overdue 0/1) rows."""
    return select(
        table.assigned_to.label("worker"),
        table.rag.label("rag"),
        case((and_(due > now, due < tomorrow), 1), else_=0).label("due_today"),
        case((due <= now, 1), else_=0).label("overdue"),
    ).where(table.status == status)


def _worker_problems(
    unit: Unit, actor: Actor, worker_id: int | None, worker: User | None
) -> list[FieldError]:
    """Why ``worker`` may not be given this work by ``actor`` (empty when they may)."""
    if worker_id is None:
        return [FieldError("worker", "required", "Choose the worker")]
    if worker is None or not worker.active or worker.username == SYSTEM_USERNAME:
        return [FieldError("worker", "inactive", "That worker's account is not active")]
    role = Role(worker.role_code)
    if not is_mash_staff(role):
        return [
            FieldError(
                "worker",
                "not_mash_staff",
                f"{worker.display_name} is not MASH staff ({role.label.lower()}); "
                "work goes to MASH staff",
            )
        ]
    if worker.id != actor.user_id and not allows(unit.role, Permission.ALLOCATE_WORK):
        return [
            FieldError(
                "worker",
                "own_work_only",
                "A practitioner may take work only for themselves; "
                "a manager allocates it to others",
            )
        ]
    return []


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValidationError(
            FieldError("kind", "choice", f"Only a contact or a referral can be allocated: {kind!r}")
        )


def _load(unit: Unit, kind: str, item_id: int, expected_version: int) -> Any:
    """The open work asked for, at the version the caller read; refuse closed work."""
    item: ContactChild | Referral | None
    if kind == "contact":
        item = unit.session.get(ContactChild, item_id)
    else:
        item = unit.session.get(Referral, item_id)
    if item is None:
        raise NotFound(f"No {_WORDS[kind]} {item_id}")
    check_version(item, expected_version, _WORDS[kind])
    if item.status != _OPEN[kind]:
        state = item.status.replace("_", " ")
        raise ValidationError(
            FieldError("item", "closed", f"This {kind} is {state}; only open work can be allocated")
        )
    return item


def _teams(unit: Unit) -> set[str]:
    staff_roles = [r.value for r in Role if is_mash_staff(r)]
    found = unit.conn.execute(
        select(User.team)
        .where(User.active.is_(True), User.role_code.in_(staff_roles), User.team.is_not(None))
        .distinct()
    ).scalars()
    return {t for t in found if t}


def _name(unit: Unit, user_id: int | None) -> str:
    if user_id is None:
        return "nobody"
    return (
        unit.conn.execute(select(User.display_name).where(User.id == user_id)).scalar()
        or "a former user"
    )
