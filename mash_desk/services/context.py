"""What every service shares: the database, the injected clock, the policy, units of work."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, Protocol, TypeVar, runtime_checkable
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Connection,
    Integer,
    Select,
    Text,
    bindparam,
    cast,
    func,
    insert,
    literal_column,
    select,
    true,
)
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from mash_desk.domain.clock import Clock
from mash_desk.domain.enums import Role
from mash_desk.domain.errors import (
    ConflictError,
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from mash_desk.domain.permissions import Permission, allows, require
from mash_desk.domain.policy import Policy
from mash_desk.services.dto import Actor
from mash_desk.services.threshold_store import ThresholdStore
from mash_desk.services.timekeeping import Timekeeping
from mash_desk.storage.audit_chain import ACCESS, AUDIT, append_sqlite
from mash_desk.storage.base import UTCDateTime
from mash_desk.storage.database import Database
from mash_desk.storage.models import AccessLogEntry, Agency, AuditEntry, User
from mash_desk.storage.prepared import Driver, Prepared, Target
from mash_desk.storage.server_audit import RECORD_ACCESS, access_function_installed

_USER = Prepared(
    select(User.id, User.username, User.role_code, User.active).where(User.id == bindparam("id"))
)
# On PostgreSQL the trigger sets the id, the login and the hashes of each log row.
_PG_INSERT = {
    AUDIT.name: Prepared(
        insert(AuditEntry).values(
            {
                c: bindparam(c)
                for c in ("at", "user_id", "action", "entity", "entity_id", "person_id", "detail")
            }
        )
    ),
    ACCESS.name: Prepared(
        insert(AccessLogEntry).values(
            {c: bindparam(c) for c in ("user_id", "person_id", "at", "what", "detail")}
        )
    ),
}
# On a server-initialised database the access log takes rows only through this function,
# which names the session's own user (storage/server_audit.py). Casts: the function has
# integer parameters and the driver may send a Python int as bigint.
_PG_RECORD_ACCESS = Prepared(
    select(
        getattr(func, RECORD_ACCESS)(
            cast(bindparam("person_id"), Integer),
            cast(bindparam("what"), Text),
            cast(bindparam("detail"), Text),
            cast(bindparam("user_id"), Integer),
            cast(bindparam("at"), UTCDateTime()),
        )
    )
)

_INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL's SQLSTATE for a missing grant

R = TypeVar("R")


def with_acting_user(first: Prepared) -> Prepared:
    """A one-row read with the acting user's row in front: the user check in the same statement.

    Every unit checks the acting user before it reads (:meth:`Service._check_user`). A call
    whose first read is one row (a meeting by date, a decision by id) can make that check
    and that read one statement, so on a server the check costs no round trip of its own
    (issue 16). Columns: the user's id, login, role and active flag, then ``first``'s, all
    NULL when ``first`` finds no row; its first column must be NOT NULL in a row it
    finds (a primary key) so that "no row" can be told apart. Parameter ``acting_user_id``
    names the user; the statement's own parameters keep their names.
    """
    statement = first.statement
    assert isinstance(statement, Select), "the first read is a SELECT"
    # LIMIT 1 written into the SQL, not bound: SQLite (3.51) marks a statement with a bound
    # LIMIT to be compiled again whenever that parameter is bound, so "LIMIT ?" made every
    # call prepare the whole joined read anew (about 0.2 ms of a 2 ms signature, issue 16).
    return _behind_user(statement.limit(literal_column("1")))


def with_acting_user_rows(first: Prepared) -> Prepared:
    """:func:`with_acting_user` for a read of many rows: the user's columns in front of each.

    For a call whose first read is a list (the queue's open contacts): the rows ``first``
    finds, each led by the user's id, login, role and active flag, or one row of the user's
    columns and NULLs when it finds none (so its first column must be NOT NULL in a row it
    finds). ``first`` is read whole, with its own ORDER BY and LIMIT, before the join; the
    join does not keep that order, so the caller orders the rows it gets.
    """
    statement = first.statement
    assert isinstance(statement, Select), "the first read is a SELECT"
    return _behind_user(statement)


def _behind_user(statement: Select[Any]) -> Prepared:
    """The acting user's row (``acting_user_id``), joined to every row ``statement`` finds."""
    found = statement.subquery("first_read")
    return Prepared(
        select(User.id, User.username, User.role_code, User.active, *found.c)
        .select_from(User.__table__.outerjoin(found, true()))
        .where(User.id == bindparam("acting_user_id"))
    )


@runtime_checkable
class _HasStatus(Protocol):
    """A record with a workflow status (what ``Unit.load(status=...)`` checks)."""

    status: str


CONFLICT_MESSAGE = (
    "Someone else saved this record while you had it open; nothing was overwritten. "
    "Reload it to see their change, then make yours again."
)


class ServiceContext(Timekeeping):
    """The database plus the clock and policy every rule is computed from."""

    def __init__(self, db: Database, clock: Clock | None = None, policy: Policy | None = None):
        super().__init__(clock, policy)
        self.db = db
        self.thresholds = ThresholdStore()
        self.access_route = AccessRoute()


class AccessRoute:
    """How this desk's database takes access rows, looked up once per desk.

    ``None`` until the first access row on PostgreSQL; then whether ``server init`` installed
    the access function (the only way into ``access_log`` for its logins).
    """

    def __init__(self) -> None:
        self.through_function: bool | None = None

    def uses_function(self, conn: Connection) -> bool:
        """Return whether access rows go through the server's function (PostgreSQL only)."""
        if self.through_function is None:
            self.through_function = access_function_installed(conn)
        return self.through_function


class Unit:
    """One unit of work: a connection in a transaction, the acting user as stored, and now.

    Hot paths run prepared statements on ``conn``; editing paths use ``session``, an ORM
    session joined to the same connection and transaction (created only when asked for).
    """

    def __init__(
        self,
        conn: Connection,
        sql: Driver,
        user_id: int,
        role: Role,
        now: datetime,
        tz: ZoneInfo,
        access_route: AccessRoute | None = None,
    ):
        self.conn = conn
        self._access_route = access_route or AccessRoute()
        self.sql = sql
        self.user_id = user_id
        self.role = role
        self.now = now
        self._tz = tz
        self._session: Session | None = None
        # Log rows wait for the end of the unit (write_logs), in the order given.
        self._audits: list[dict[str, Any]] = []
        self._accesses: list[dict[str, Any]] = []

    @property
    def today(self) -> date:
        """Return the date of ``now`` in the MASH's own time zone."""
        return self.now.astimezone(self._tz).date()

    @property
    def session(self) -> Session:
        """Return the ORM session of this unit (joined to its transaction)."""
        if self._session is None:
            # Joined to the connection's transaction: it never commits on its own, so the
            # prepared statements and the ORM changes commit or roll back together.
            self._session = Session(bind=self.conn, expire_on_commit=False)
        return self._session

    def flush(self) -> None:
        """Write pending ORM changes (optimistic-lock conflicts surface here)."""
        if self._session is not None:
            self._session.flush()

    def close(self) -> None:
        """Release the ORM session, if one was opened."""
        if self._session is not None:
            self._session.close()

    def load(
        self,
        model: type[R],
        record_id: int,
        *,
        what: str,
        expected_version: int | None = None,
        missing: str | None = None,
        status: str | Collection[str] | None = None,
        wrong_status: FieldError | None = None,
    ) -> R:
        """Load the record a write is about, with the checks every write makes first.

        In order: ``NotFound`` if there is no such record (``missing``, or "No <what> <id>");
        ``ConflictError`` if ``expected_version`` is given and someone saved it since; then,
        if ``status`` is given and the record's status is not (one of) it, ``ValidationError``
        with ``wrong_status``, the field error saying why nothing can be done.
        """
        row = self.session.get(model, record_id)
        if row is None:
            raise NotFound(missing or f"No {what} {record_id}")
        if expected_version is not None:
            check_version(row, expected_version, what)
        if status is not None:
            allowed = {status} if isinstance(status, str) else set(status)
            assert isinstance(row, _HasStatus), f"a {what} has no status to check"
            if row.status not in allowed:
                assert wrong_status is not None, "say why the status stops the change"
                raise ValidationError(wrong_status)
        return row

    def audit(
        self,
        action: str,
        entity: str,
        entity_id: int | None,
        *,
        person_id: int | None = None,
        **detail: Any,
    ) -> None:
        """Add an audit row to this transaction (it commits or rolls back with the change).

        Rows are written, in the order given, at the end of the unit (:meth:`write_logs`).
        """
        text = json.dumps(detail, default=str, ensure_ascii=False, sort_keys=True)
        self._audits.append(
            {
                "at": self.now,
                "user_id": self.user_id,
                "action": action,
                "entity": entity,
                "entity_id": entity_id,
                "person_id": person_id,
                "detail": text,
            }
        )

    def log_access(self, person_id: int, what: str, detail: str | None) -> None:
        """Add an access-log row (see ``services.access.record_access``) to this transaction."""
        self._accesses.append(
            {
                "user_id": self.user_id,
                "person_id": person_id,
                "at": self.now,
                "what": what,
                "detail": detail,
            }
        )

    def write_logs(self) -> None:
        """Write the unit's audit rows, then its access rows, each chained to the row before.

        Chaining takes each log's chain head under a lock until commit (PostgreSQL's trigger
        does it there, storage/audit_chain.py here on SQLite). Taking the heads last, always
        audit before access, keeps that lock short and means a transaction holding a head
        waits for no lock another could hold: two desks cannot deadlock over the chain.

        On a server-initialised database access rows go through ``mash_record_access``
        (storage/server_audit.py), which names the session's own user: its logins may not
        INSERT into the access log. The server's own rows for each changed row are written at
        commit, after these, under the audit head this unit already holds.
        """
        sqlite = self.sql.name == "sqlite"
        through_function = (
            not sqlite and bool(self._accesses) and self._access_route.uses_function(self.conn)
        )
        for log, rows in ((AUDIT, self._audits), (ACCESS, self._accesses)):
            through = log is ACCESS and through_function
            insert_row = _PG_RECORD_ACCESS if through else _PG_INSERT[log.name]
            for values in rows:
                if sqlite:
                    append_sqlite(self.sql.dbapi, log, **values)
                else:
                    insert_row.run(self.sql, **values)
            rows.clear()


class Service:
    """Base of the use-case classes."""

    def __init__(self, ctx: ServiceContext):
        self.ctx = ctx

    def _check_user(self, conn: Target, actor: Actor) -> Role:
        return _stored_role(_USER.first(conn, id=actor.user_id), actor)

    def _unit(
        self, conn: Connection, actor: Actor, permission: Permission, role: Role | None = None
    ) -> Unit:
        sql = Driver(conn)
        if role is None:
            role = self._check_user(sql, actor)
        require(role, permission)
        return Unit(
            conn, sql, actor.user_id, role, self.ctx.clock.now(), self.ctx.tz, self.ctx.access_route
        )

    def _first(
        self, conn: Connection, actor: Actor, permission: Permission, first: Prepared, **params: Any
    ) -> tuple[Unit, tuple[Any, ...] | None]:
        """Check the user and ``permission`` and make the first read, in one statement."""
        unit, rows = self._first_rows(conn, actor, permission, first.all, params)
        return unit, (rows[0][4:] if rows[0][4] is not None else None)

    def _first_rows(
        self,
        conn: Connection,
        actor: Actor,
        permission: Permission,
        read: Callable[..., list[tuple[Any, ...]]],
        params: dict[str, Any],
    ) -> tuple[Unit, list[tuple[Any, ...]]]:
        """Check the user and ``permission`` and make the first read (``read``), in one statement.

        Returns the unit and the read's rows with the user's columns in front (at least one
        row: a missing user is refused).
        """
        if not allows(actor.role, permission):
            # The role the desk signed in with cannot do this: check the stored role on its
            # own first (PermissionDenied naming the permission, or a role changed since
            # sign-in), so the first read never asks a server for a table the role has no
            # grant on — a performance officer and ``meetings`` (row security, issue 13).
            unit = self._unit(conn, actor, permission)
            rows = read(unit.sql, acting_user_id=actor.user_id, **params)
            assert rows  # the user was found just above
            return unit, rows
        sql = Driver(conn)
        try:
            rows = read(sql, acting_user_id=actor.user_id, **params)
        except Exception as exc:
            if not _refused_by_grants(exc, sql):
                raise
            # The server's login holds another role than the actor says (a forged actor): the
            # server refused the read. Refuse as the check on its own refuses that role.
            self._unit(conn, actor, permission)
            raise
        unit = self._unit(conn, actor, permission, _stored_role(rows[0] if rows else None, actor))
        assert rows  # _stored_role refuses a missing user
        # Nothing read is looked at before the permission check above has passed.
        return unit, rows

    @contextmanager
    def writing(self, actor: Actor, permission: Permission) -> Iterator[Unit]:
        """Open a write transaction after checking ``permission``; map lost updates to conflicts."""
        try:
            with self.ctx.db.write_transaction() as conn:
                unit = self._unit(conn, actor, permission)
                try:
                    yield unit
                    unit.flush()
                    unit.write_logs()
                finally:
                    unit.close()
        except StaleDataError as exc:
            raise ConflictError(CONFLICT_MESSAGE) from exc

    @contextmanager
    def writing_first(
        self, actor: Actor, permission: Permission, first: Prepared, **params: Any
    ) -> Iterator[tuple[Unit, tuple[Any, ...] | None]]:
        """:meth:`writing`, with the first read (``first``, from :func:`with_acting_user`).

        Yields the unit and the read's row (None: no row), the user checked in that same
        statement of the write's transaction.
        """
        try:
            with self.ctx.db.write_transaction() as conn:
                unit, row = self._first(conn, actor, permission, first, **params)
                try:
                    yield unit, row
                    unit.flush()
                    unit.write_logs()
                finally:
                    unit.close()
        except StaleDataError as exc:
            raise ConflictError(CONFLICT_MESSAGE) from exc

    @contextmanager
    def reading_first(
        self, actor: Actor, permission: Permission, first: Prepared, **params: Any
    ) -> Iterator[tuple[Unit, tuple[Any, ...] | None]]:
        """:meth:`reading`, with the first read (``first``, from :func:`with_acting_user`).

        On a server the reading connection is in autocommit, so a separate user check was a
        round trip and a transaction of its own before every read; here it rides in the
        read's own statement.
        """
        with self.ctx.db.read_connection() as conn:
            unit, row = self._first(conn, actor, permission, first, **params)
            try:
                yield unit, row
            finally:
                unit.close()

    @contextmanager
    def reading_rows_first(
        self, actor: Actor, permission: Permission, first: Prepared, **params: Any
    ) -> Iterator[tuple[Unit, list[tuple[Any, ...]]]]:
        """:meth:`reading_first` for a read of many rows (``first``: :func:`with_acting_user_rows`).

        Yields the unit and the rows the read found, as the driver gives them
        (:meth:`Prepared.raw`: convert those kept with the statement ``first`` was built from),
        without the user's columns; an empty list when it found none.
        """
        with self.ctx.db.read_connection() as conn:
            unit, rows = self._first_rows(conn, actor, permission, first.raw, params)
            try:
                yield unit, [row[4:] for row in rows if row[4] is not None]
            finally:
                unit.close()

    @contextmanager
    def reading(self, actor: Actor, permission: Permission) -> Iterator[Unit]:
        """Open a read-only unit after checking ``permission``; it is rolled back at the end."""
        with self.ctx.db.read_connection() as conn:
            unit = self._unit(conn, actor, permission)
            try:
                yield unit
            finally:
                unit.close()


def _refused_by_grants(exc: Exception, sql: Driver) -> bool:
    """Whether the server refused a read for want of a grant, on a connection still usable.

    A reading connection is in autocommit, so the refused statement took no transaction down
    with it and the user can still be checked on it; a unit's transaction cannot.
    """
    no_grant = getattr(exc, "sqlstate", None) == _INSUFFICIENT_PRIVILEGE
    return no_grant and bool(getattr(sql.dbapi, "autocommit", False))


def _stored_role(row: tuple[Any, ...] | None, actor: Actor) -> Role:
    """The acting user's role as stored (row: id, login, role, active); refuse if not active.

    The role comes from the database, not from the DTO the caller holds, so a script that
    forges an Actor with a stronger role gains nothing.
    """
    if row is None or row[0] is None or not row[3] or row[1] != actor.username:
        raise PermissionDenied("This user account is not active; sign in again")
    return Role(row[2])


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
