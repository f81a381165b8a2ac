"""Reference data for choosing from lists: the agencies, and the users who can own work.

Forms need the agencies (to route a child, name an attendee's agency, give an action an owner)
and the users (to allocate a worker or make a person an action's owner). Agencies are data
(``resources/reference/agencies.yaml``, seeded into the ``agencies`` table), so they are read
from the database, never listed in code. Agencies are no secret: anyone signed in may list
them. Users are: a partner rep works only through their agency's inbox (domain brief §2), so
only MASH staff may list who works where.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, select

from mash_desk.domain.enums import Role
from mash_desk.domain.errors import PermissionDenied
from mash_desk.domain.text import unsendable
from mash_desk.services.context import Service
from mash_desk.services.dto import Actor
from mash_desk.storage.models import Agency, User
from mash_desk.storage.reference_data import SYSTEM_USERNAME


@dataclass(frozen=True)
class AgencyDTO:
    """An agency as stored: its stable code, the name users read, and whether it is in use."""

    code: str
    name: str
    active: bool


@dataclass(frozen=True)
class UserChoiceDTO:
    """An active user someone may allocate work to."""

    id: int
    display_name: str
    role: Role
    agency_code: str
    team: str | None

    @property
    def label(self) -> str:
        """``"Sam Patel (MASH practitioner, MASH team A)"``: how a choice list shows the user."""
        where = f", {self.team}" if self.team else ""
        return f"{self.display_name} ({self.role.label}{where})"


class ReferenceService(Service):
    """List agencies (anyone signed in) and active users (MASH staff only)."""

    @contextmanager
    def _signed_in(self, actor: Actor) -> Iterator[tuple[Connection, Role]]:
        """A read by any active user (no permission beyond signing in), with their role.

        The role is the one stored, not the one the Actor claims (``Service._check_user``).
        """
        with self.ctx.db.read_connection() as conn:
            yield conn, self._check_user(conn, actor)

    def agencies(self, actor: Actor, *, include_inactive: bool = False) -> tuple[AgencyDTO, ...]:
        """Every agency in the order of the reference file (active ones unless asked)."""
        with self._signed_in(actor) as (conn, _role):
            query = select(Agency.code, Agency.name, Agency.active).order_by(Agency.id)
            if not include_inactive:
                query = query.where(Agency.active.is_(True))
            rows = conn.execute(query).all()
        return tuple(AgencyDTO(code, name, bool(active)) for code, name, active in rows)

    def users(
        self, actor: Actor, *, role: str | None = None, agency_code: str | None = None
    ) -> tuple[UserChoiceDTO, ...]:
        """Active users by name, optionally of one role and/or agency (MASH staff only).

        The system account that owns automatic changes is never offered: nobody works as it.
        """
        with self._signed_in(actor) as (conn, stored_role):
            if stored_role is Role.PARTNER:
                raise PermissionDenied(
                    "A partner rep works through their agency's inbox and may not list users"
                )
            if unsendable(role) or unsendable(agency_code):
                return ()  # no role or agency code holds such a character
            query = (
                select(User.id, User.display_name, User.role_code, Agency.code, User.team)
                .join(Agency, Agency.id == User.agency_id)
                .where(User.active.is_(True), User.username != SYSTEM_USERNAME)
                .order_by(User.display_name, User.id)
            )
            if role is not None:
                query = query.where(User.role_code == role)
            if agency_code is not None:
                query = query.where(Agency.code == agency_code)
            rows = conn.execute(query).all()
        return tuple(
            UserChoiceDTO(uid, name, Role(role_code), code, team)
            for uid, name, role_code, code, team in rows
        )
