"""What every service shares: the database, the injected clock and the policy."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from mash_desk.domain.clock import Clock, SystemClock
from mash_desk.domain.deadlines import Deadlines
from mash_desk.domain.enums import Role
from mash_desk.domain.errors import ConflictError, PermissionDenied
from mash_desk.domain.permissions import Permission, require
from mash_desk.domain.policy import Policy, default_policy
from mash_desk.services.dto import Actor
from mash_desk.storage.database import Database
from mash_desk.storage.models import Agency, AuditEntry, User


class ServiceContext:
    """The database plus the clock and policy every rule is computed from."""

    def __init__(self, db: Database, clock: Clock | None = None, policy: Policy | None = None):
        self.db = db
        self.clock: Clock = clock or SystemClock()
        self.policy = policy or default_policy()
        self.deadlines = Deadlines.from_policy(self.policy)
        self.tz = ZoneInfo(self.policy.timezone)

    def today(self) -> date:
        """Return today's date in the MASH's own time zone."""
        return self.clock.now().astimezone(self.tz).date()


@dataclass
class Unit:
    """One unit of work: a session in a transaction, the acting user as stored, and ``now``."""

    session: Session
    user: User
    role: Role
    now: datetime
    today: date
    audits: list[AuditEntry] = field(default_factory=list)

    def audit(
        self,
        action: str,
        entity: str,
        entity_id: int | None,
        *,
        person_id: int | None = None,
        **detail: Any,
    ) -> None:
        """Add an audit row to this transaction (it commits or rolls back with the change)."""
        entry = AuditEntry(
            at=self.now,
            user_id=self.user.id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            person_id=person_id,
            detail=json.dumps(detail, default=str, ensure_ascii=False, sort_keys=True),
        )
        self.session.add(entry)
        self.audits.append(entry)


class Service:
    """Base of the use-case classes."""

    def __init__(self, ctx: ServiceContext):
        self.ctx = ctx

    def _load_user(self, session: Session, actor: Actor) -> tuple[User, Role]:
        # The role comes from the database, not from the DTO the caller holds, so a script
        # that forges an Actor with a stronger role gains nothing.
        user = session.get(User, actor.user_id)
        if user is None or not user.active or user.username != actor.username:
            raise PermissionDenied("This user account is not active; sign in again")
        return user, Role(user.role_code)

    @contextmanager
    def writing(self, actor: Actor, permission: Permission) -> Iterator[Unit]:
        """Open a write transaction after checking ``permission``; map lost updates to conflicts."""
        try:
            with self.ctx.db.transaction() as session:
                user, role = self._load_user(session, actor)
                require(role, permission)
                yield Unit(session, user, role, self.ctx.clock.now(), self.ctx.today())
        except StaleDataError as exc:
            raise ConflictError(
                "Someone else saved this record while you had it open; nothing was "
                "overwritten. Reload it to see their change, then make yours again."
            ) from exc

    @contextmanager
    def reading(self, actor: Actor, permission: Permission) -> Iterator[Unit]:
        """Open a read-only session after checking ``permission``."""
        with self.ctx.db.reading() as session:
            user, role = self._load_user(session, actor)
            require(role, permission)
            yield Unit(session, user, role, self.ctx.clock.now(), self.ctx.today())


def check_version(record: Any, expected: int, what: str) -> None:
    """Raise ``ConflictError`` if ``record`` changed since the caller read version ``expected``."""
    if record.version != expected:
        raise ConflictError(
            f"Someone else saved this {what} while you had it open (yours: version {expected}, "
            f"saved: version {record.version}); nothing was overwritten. Reload to see their "
            "change, then make yours again."
        )


def actor_from_user(session: Session, user: User) -> Actor:
    """Build the Actor DTO for a stored user."""
    agency_code = session.scalar(select(Agency.code).where(Agency.id == user.agency_id))
    return Actor(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=Role(user.role_code),
        agency_code=agency_code or "",
        team=user.team,
    )
