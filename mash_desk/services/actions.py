"""Decision actions as work: partner agencies record progress on them and close them.

The chair gives each decision actions with an owner — an agency or a person — and a due date
(issue 5 §2). Once the decision is signed those actions are that owner's work: a partner rep
sees the open actions of their own agency (or in their own name) in their inbox, adds progress
notes, and closes each one as **done** (with what was done) or **not done** (with why), so the
MASH sees what was actually carried out (domain brief §2: a rep "acknowledges routed cases and
actions"). MASH staff see and may work every agency's actions; managers list the overdue ones.

Only the latest signed version of a decision is work: when a decision is amended its earlier
version's actions are kept (a signed decision is never changed) but are superseded, shown as
such and no longer worked. A rep touching another agency's action gets "not found", exactly
like a missing id, so they cannot learn that the action — or the child — exists. Every change
writes its audit row with the child's person id in the same transaction; opening a referral's
actions is a view of the child's record and is written to the access log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, exists, or_, select, true, union
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import flag_modified

from mash_desk.domain.changes import ChangeKey, Kind, Topic, agency_inbox, record_key
from mash_desk.domain.enums import Role
from mash_desk.domain.errors import FieldError, NotFound, ValidationError
from mash_desk.domain.meetings import ActionStatus, DecisionOutcome, DecisionStatus
from mash_desk.domain.outcomes import age_text
from mash_desk.domain.permissions import Permission
from mash_desk.domain.text import clean_narrative, unsendable
from mash_desk.services.access import record_access
from mash_desk.services.context import Service, Unit, check_version
from mash_desk.services.dto import CLOSED_PAGE, Actor, ClosedMark, OpResult
from mash_desk.services.mapping import person_dto
from mash_desk.storage.models import (
    Agency,
    Decision,
    DecisionAction,
    DecisionActionUpdate,
    Person,
    Referral,
    User,
)

ACTIONS_VIEWED = "decision_actions.view"
"""``access_log.what`` of opening a referral's decision actions."""


@dataclass(frozen=True)
class ActionUpdateDTO:
    """A progress note on an action (closing writes one too, with the closing status)."""

    note: str
    status_after: ActionStatus
    written_by: str
    written_at: datetime


@dataclass(frozen=True)
class ActionItem:
    """A decision action as its owner works it.

    The child's name and age are shown only because the action is the reader's to do (or the
    reader is MASH staff). ``current`` is False for an action of a decision version that has
    since been amended: kept, but no longer work. ``overdue`` and ``timing`` are worked out
    from the service clock's date when read.
    """

    id: int
    decision_id: int
    referral_id: int
    person_id: int
    revision: int
    current: bool
    child_name: str
    age_text: str
    outcome: DecisionOutcome
    description: str
    owner_agency: str | None
    owner_agency_name: str | None
    owner_user_id: int | None
    owner_name: str | None
    due_on: date
    overdue: bool
    timing: str
    status: ActionStatus
    closed_by: str | None
    closed_at: datetime | None
    closing_note: str | None
    updates: tuple[ActionUpdateDTO, ...]
    version: int

    @property
    def is_open(self) -> bool:
        """Whether the action is still to be done (and is current work)."""
        return self.status is ActionStatus.OPEN and self.current

    @property
    def owner(self) -> str:
        """Who owns it, in words: the agency's name, or the person's."""
        return self.owner_agency_name or self.owner_name or "not recorded"

    @property
    def closed_mark(self) -> ClosedMark | None:
        """Where the closed actions listed end, if this is the last (see ``closed``)."""
        return None if self.closed_at is None else ClosedMark(self.closed_at, self.id)


def action_timing(status: ActionStatus, due_on: date, today: date) -> tuple[bool, str]:
    """Return whether an action is overdue on ``today``, and its timing in words.

    Actions are due on a date, so they are counted in calendar days: "due today", "due in
    3 days", "overdue by 2 days". A closed action is never overdue.
    """
    if status is not ActionStatus.OPEN:
        return False, status.label.lower()
    days = (due_on - today).days
    if days == 0:
        return False, "due today"
    if days == 1:
        return False, "due tomorrow"
    if days > 1:
        return False, f"due in {days} days"
    late = -days
    return True, f"overdue by {late} day{'s' if late != 1 else ''}"


_OWNER = aliased(User)
_CLOSER = aliased(User)
_LATER = aliased(Decision)
# An action is current work unless a later version of its decision has been signed.
_CURRENT = ~exists().where(
    _LATER.referral_id == Decision.referral_id,
    _LATER.revision > Decision.revision,
    _LATER.status == DecisionStatus.SIGNED.value,
)
_SIGNED = Decision.status == DecisionStatus.SIGNED.value
_NOT_FOUND = "No decision action {} for you"


class ActionService(Service):
    """List, update and close the actions of signed decisions."""

    def inbox(
        self,
        actor: Actor,
        *,
        include_closed: bool = False,
        agency_code: str | None = None,
        closed_limit: int = CLOSED_PAGE,
    ) -> tuple[ActionItem, ...]:
        """The current actions the acting user is to work: every open one, soonest due first.

        A partner rep gets the actions owned by their own agency or by them personally; MASH
        staff get every agency's (``agency_code`` narrows it to one agency). With
        ``include_closed``, then the latest ``closed_limit`` closed ones, newest closed first
        (``closed`` lists older ones). Superseded actions of amended decisions are never
        listed: they are not work.
        """
        with self.reading(actor, Permission.VIEW_ACTIONS) as unit:
            if unsendable(agency_code):
                return ()  # no agency's code holds such a character
            owners = _owners(unit, agency_code)
            # Open actions have no closed_at: asked for, the (owner, closed_at) indexes read
            # only the open ones, not every action the agency ever had (40 ms on ten years).
            is_open = (DecisionAction.status == ActionStatus.OPEN.value) & (
                DecisionAction.closed_at.is_(None)
            )
            items = _items(unit, _SIGNED & _CURRENT & or_(*owners) & is_open)
            if include_closed:
                items += _closed_items(unit, owners, None, closed_limit)
            return items

    def closed(
        self,
        actor: Actor,
        *,
        before: ClosedMark | None = None,
        limit: int = CLOSED_PAGE,
        agency_code: str | None = None,
    ) -> tuple[ActionItem, ...]:
        """The ``limit`` latest closed current actions of the inbox closed before ``before``.

        Newest closed first; ``before`` is the last one listed so far (its ``closed_mark``),
        ``None`` for the latest. Whose actions: as ``inbox``.
        """
        with self.reading(actor, Permission.VIEW_ACTIONS) as unit:
            if unsendable(agency_code):
                return ()
            return _closed_items(unit, _owners(unit, agency_code), before, limit)

    def for_referral(self, actor: Actor, referral_id: int) -> tuple[ActionItem, ...]:
        """Every action of a referral's signed decisions with its progress (logged as a view).

        MASH staff see all of them, superseded versions' too (marked not current). A partner
        rep sees only their own agency's (or their own) current actions, and "not found" when
        there are none — the same as a referral that does not exist.
        """
        with self.writing(actor, Permission.VIEW_ACTIONS) as unit:
            person_id = unit.session.scalar(
                select(Referral.person_id).where(Referral.id == referral_id)
            )
            condition = (Decision.referral_id == referral_id) & _SIGNED
            if unit.role is Role.PARTNER:
                condition = condition & _CURRENT & _visible(unit)
            items = _items(unit, condition, by_version=True) if person_id is not None else ()
            if person_id is None or (unit.role is Role.PARTNER and not items):
                raise NotFound(f"No referral {referral_id} with actions for you")
            record_access(unit, person_id, ACTIONS_VIEWED, f"Referral {referral_id}")
            return items

    def overdue(self, actor: Actor, agency_code: str | None = None) -> tuple[ActionItem, ...]:
        """Every open current action past its due date, most overdue first (for managers)."""
        with self.reading(actor, Permission.VIEW_OVERDUE_ACTIONS) as unit:
            condition = (
                _SIGNED
                & _CURRENT
                & (DecisionAction.status == ActionStatus.OPEN.value)
                & (DecisionAction.due_on < unit.today)
            )
            if unsendable(agency_code):
                return ()
            if agency_code is not None:
                condition = condition & (Agency.code == agency_code)
            return _items(unit, condition)

    def update(
        self, actor: Actor, action_id: int, expected_version: int, note: str | None
    ) -> OpResult[ActionItem]:
        """Add a progress note to an open action (its owner, or MASH staff)."""
        text, problem = clean_narrative(note, "note", "Progress note", required=True)
        with self.writing(actor, Permission.WORK_ACTIONS) as unit:
            action, decision = _workable(unit, self.ctx.tz, action_id, expected_version, problem)
            assert text is not None
            _note(unit, action, text, ActionStatus.OPEN)
            # The action itself is unchanged, but its progress is part of what others have
            # open: bump its version so a stale close is refused.
            flag_modified(action, "status")
            unit.session.flush()
            unit.audit(
                "decision_action.updated",
                "decision_action",
                action.id,
                person_id=decision.person_id,
                decision_id=decision.id,
                referral_id=decision.referral_id,
                owner_agency=_code(unit, action.owner_agency_id),
                note=text,
            )
            return OpResult(_one(unit, action.id), _changed(unit, action, decision))

    def close(
        self,
        actor: Actor,
        action_id: int,
        expected_version: int,
        done: bool,
        note: str | None,
    ) -> OpResult[ActionItem]:
        """Close an open action as done (with what was done) or not done (with why).

        A closed action is never reopened or closed again.
        """
        label = "What was done (the outcome)" if done else "Why it was not done (the reason)"
        text, problem = clean_narrative(note, "note", label, required=True)
        with self.writing(actor, Permission.WORK_ACTIONS) as unit:
            action, decision = _workable(unit, self.ctx.tz, action_id, expected_version, problem)
            assert text is not None
            status = ActionStatus.DONE if done else ActionStatus.NOT_DONE
            action.status = status.value
            action.closed_by = unit.user_id
            action.closed_at = unit.now
            action.closing_note = text
            _note(unit, action, text, status)
            unit.session.flush()
            unit.audit(
                "decision_action.closed",
                "decision_action",
                action.id,
                person_id=decision.person_id,
                decision_id=decision.id,
                referral_id=decision.referral_id,
                owner_agency=_code(unit, action.owner_agency_id),
                status=status.value,
                note=text,
                due_on=action.due_on,
                late=unit.today > action.due_on,
            )
            return OpResult(_one(unit, action.id), _changed(unit, action, decision))


# ---- helpers -------------------------------------------------------------------------------


def _own_agency(unit: Unit) -> int | None:
    """The agency of the acting user, as stored (never the one an Actor claims)."""
    return unit.session.scalar(select(User.agency_id).where(User.id == unit.user_id))


_SERVER_CHUNK = 25
"""How many closed actions one statement picks on PostgreSQL, newest first.

On a server, the partner row policy tests an action's owners as the service does, so
PostgreSQL expects a small share of the agency's actions to match. Asked for more rows than
that (a page of 200), it read, row-checked and sorted every closed action of the agency
(0.78 s a page on ten years); asked for a few, it walks the (owner, closed_at, id) index
newest first and stops. SQLite walks the index for a whole page in one statement.
"""
_NEWEST = (DecisionAction.closed_at.desc(), DecisionAction.id.desc())


def _closed_items(
    unit: Unit, owners: list[ColumnElement[bool]], before: ClosedMark | None, limit: int
) -> tuple[ActionItem, ...]:
    """The ``limit`` latest closed current actions of ``owners`` closed before ``before``."""
    chunk = _SERVER_CHUNK if unit.conn.dialect.name == "postgresql" else limit
    picked: list[int] = []
    mark = before
    while len(picked) < limit:
        wanted = min(chunk, limit - len(picked))
        found = _closed_marks(unit, owners, mark, wanted)
        picked += [found_mark.id for found_mark in found]
        if len(found) < wanted:
            break
        mark = found[-1]
    if not picked:
        return ()
    return _items(unit, DecisionAction.id.in_(picked), order=_NEWEST)


def _closed_marks(
    unit: Unit, owners: list[ColumnElement[bool]], before: ClosedMark | None, limit: int
) -> list[ClosedMark]:
    """Where the next ``limit`` closed current actions of ``owners`` stand, newest first.

    One ordered read per owner index (0019), each stopping after ``limit`` rows: with the
    owners as one OR, SQLite read every closed action of the agency and sorted them, so a page
    cost as much as the whole history (0.3 s on ten years).
    """
    closed = DecisionAction.closed_at.is_not(None) & (
        DecisionAction.status != ActionStatus.OPEN.value
    )
    if before is not None:
        # "<= and (< or id <)": the first term lets the index seek to the mark.
        closed = (
            closed
            & (DecisionAction.closed_at <= before.closed_at)
            & ((DecisionAction.closed_at < before.closed_at) | (DecisionAction.id < before.id))
        )
    branches = [
        select(DecisionAction.id.label("id"), DecisionAction.closed_at.label("closed_at"))
        .join(Decision, Decision.id == DecisionAction.decision_id)
        .where(_SIGNED, _CURRENT, owner, closed)
        .order_by(*_NEWEST)
        .limit(limit)
        .subquery()
        for owner in owners
    ]
    # An action owned by the agency and by the rep is in both branches: UNION lists it once.
    merged = union(*(select(branch.c.id, branch.c.closed_at) for branch in branches)).subquery()
    rows = unit.session.execute(
        select(merged.c.id, merged.c.closed_at)
        .order_by(merged.c.closed_at.desc(), merged.c.id.desc())
        .limit(limit)
    ).all()
    return [ClosedMark(closed_at, action_id) for action_id, closed_at in rows]


def _owners(unit: Unit, agency_code: str | None) -> list[ColumnElement[bool]]:
    """Whose actions the acting user's inbox lists: one condition per owner it is read by."""
    owners = _visible_owners(unit)
    if agency_code is None:
        return owners
    agency = DecisionAction.owner_agency_id == (
        select(Agency.id).where(Agency.code == agency_code).scalar_subquery()
    )
    return [owner & agency for owner in owners]


def _visible_owners(unit: Unit) -> list[ColumnElement[bool]]:
    """Which actions the acting user may see: a partner rep's own agency's or own, else all."""
    if unit.role is not Role.PARTNER:
        return [true()]
    mine = DecisionAction.owner_user_id == unit.user_id
    agency_id = _own_agency(unit)
    if agency_id is None:  # never "owner agency IS NULL": that is every person-owned action
        return [mine]
    return [DecisionAction.owner_agency_id == agency_id, mine]


def _visible(unit: Unit) -> ColumnElement[bool]:
    """Which actions the acting user may see, as one condition."""
    return or_(*_visible_owners(unit))


def _workable(
    unit: Unit, tz: ZoneInfo, action_id: int, expected_version: int, problem: FieldError | None
) -> tuple[DecisionAction, Decision]:
    """The action, if the acting user may work it now; raise otherwise, nothing written.

    Another agency's action (or one of a decision not yet signed) is "not found" for a rep,
    in the same words as a missing id. A closed or superseded action is refused before the
    version is compared, so a rep who had it open is told plainly what happened.
    """
    found = unit.session.execute(
        select(DecisionAction, Decision, _CURRENT.label("current"))
        .join(Decision, Decision.id == DecisionAction.decision_id)
        .where(DecisionAction.id == action_id)
    ).first()
    if found is None:
        raise NotFound(_NOT_FOUND.format(action_id))
    action, decision, current = found
    if unit.role is Role.PARTNER:
        agency_id = _own_agency(unit)
        own = action.owner_user_id == unit.user_id or (
            agency_id is not None and action.owner_agency_id == agency_id
        )
        if not own or decision.status != DecisionStatus.SIGNED.value:
            raise NotFound(_NOT_FOUND.format(action_id))
    errors: list[FieldError] = []
    if decision.status != DecisionStatus.SIGNED.value:
        errors.append(
            FieldError(
                "decision",
                "signed",
                "This decision is still a draft: its actions become work when it is signed",
            )
        )
    elif not current:
        errors.append(
            FieldError(
                "decision",
                "latest",
                "This decision has since been amended: this action is superseded and kept "
                "as it was; work the actions of the latest version",
            )
        )
    if action.status != ActionStatus.OPEN.value:
        assert action.closed_at is not None
        errors.append(
            FieldError(
                "status",
                "open",
                f"This action was closed as {ActionStatus(action.status).label.lower()} on "
                f"{action.closed_at.astimezone(tz):%d %b %Y}; nothing was changed",
            )
        )
    if errors:
        raise ValidationError(errors + ([problem] if problem else []))
    check_version(action, expected_version, "action")
    if problem:
        raise ValidationError(problem)
    return action, decision


def _note(unit: Unit, action: DecisionAction, text: str, status: ActionStatus) -> None:
    unit.session.add(
        DecisionActionUpdate(
            action_id=action.id,
            note=text,
            status_after=status.value,
            written_by=unit.user_id,
            written_at=unit.now,
        )
    )


def _code(unit: Unit, agency_id: int | None) -> str | None:
    if agency_id is None:
        return None
    return unit.session.scalar(select(Agency.code).where(Agency.id == agency_id))


def _changed(unit: Unit, action: DecisionAction, decision: Decision) -> frozenset[ChangeKey]:
    keys: set[ChangeKey] = {
        Topic.ACTIONS,
        Topic.DECISIONS,
        record_key(Kind.ACTION, action.id),
        record_key(Kind.REFERRAL, decision.referral_id),
        record_key(Kind.PERSON, decision.person_id),
    }
    code = _code(unit, action.owner_agency_id)
    if code is not None:
        keys.add(agency_inbox(code))
    return frozenset(keys)


def _one(unit: Unit, action_id: int) -> ActionItem:
    (item,) = _items(unit, DecisionAction.id == action_id)
    return item


# What ``order_by`` takes: columns, or a column's ``.desc()``.
_Order = tuple[Any, ...]
_SOONEST_DUE: _Order = (DecisionAction.due_on, Decision.revision, DecisionAction.id)
_BY_VERSION: _Order = (Decision.revision, DecisionAction.id)


def _items(
    unit: Unit,
    condition: ColumnElement[bool],
    *,
    by_version: bool = False,
    order: _Order | None = None,
) -> tuple[ActionItem, ...]:
    """The actions matching ``condition``: soonest due first, by decision version, or ``order``."""
    if order is None:
        order = _BY_VERSION if by_version else _SOONEST_DUE
    rows = unit.session.execute(
        select(
            DecisionAction,
            Decision,
            _CURRENT.label("current"),
            Person,
            Agency.code,
            Agency.name,
            _OWNER.display_name,
            _CLOSER.display_name,
        )
        .join(Decision, Decision.id == DecisionAction.decision_id)
        .join(Person, Person.id == Decision.person_id)
        .outerjoin(Agency, Agency.id == DecisionAction.owner_agency_id)
        .outerjoin(_OWNER, _OWNER.id == DecisionAction.owner_user_id)
        .outerjoin(_CLOSER, _CLOSER.id == DecisionAction.closed_by)
        .where(condition)
        .order_by(*order)
    ).all()
    updates: dict[int, list[ActionUpdateDTO]] = {row[0].id: [] for row in rows}
    if updates:
        for u, name in unit.session.execute(
            select(DecisionActionUpdate, User.display_name)
            .join(User, User.id == DecisionActionUpdate.written_by)
            .where(DecisionActionUpdate.action_id.in_(list(updates)))
            .order_by(DecisionActionUpdate.id)
        ):
            updates[u.action_id].append(
                ActionUpdateDTO(u.note, ActionStatus(u.status_after), name, u.written_at)
            )
    out = []
    for a, d, current, person, code, agency_name, owner_name, closer in rows:
        status = ActionStatus(a.status)
        overdue, timing = action_timing(status, a.due_on, unit.today)
        if not current:
            overdue, timing = False, f"superseded ({timing})"
        out.append(
            ActionItem(
                id=a.id,
                decision_id=d.id,
                referral_id=d.referral_id,
                person_id=person.id,
                revision=d.revision,
                current=bool(current),
                child_name=f"{person.given_name} {person.family_name.upper()}",
                age_text=age_text(person_dto(person), unit.today),
                outcome=DecisionOutcome(d.outcome),
                description=a.description,
                owner_agency=code,
                owner_agency_name=agency_name,
                owner_user_id=a.owner_user_id,
                owner_name=owner_name,
                due_on=a.due_on,
                overdue=overdue,
                timing=timing,
                status=status,
                closed_by=closer,
                closed_at=a.closed_at,
                closing_note=a.closing_note,
                updates=tuple(updates[a.id]),
                version=a.version,
            )
        )
    return tuple(out)
