"""The first queue page, read over the DB-API driver before SQLAlchemy is imported.

Start-up to a filled queue was 4.5 times its floor, and importing SQLAlchemy, the mapped
classes and the services was most of the gap (issue 16, start-up). So the desk shows its first
page from here, then loads the full desk behind it. The page must be the one
``QueueService.page(actor, size=size)`` gives: the same statements (written out below and
compared with the service's compiled ones by ``tests/services/test_early_page.py``), the same
rows, marks and cursor, for the same person.

Whenever that cannot be promised — a key that needs a person to type a passphrase, a schema
not at this desk's revision, no such active user, a role that may not see the queue, any
driver error — the answer is ``None`` and the full desk takes over and says what is wrong.
Nothing here writes: the embedded file is opened ``query_only`` and a server session is
read-only, as the desk's reading connection is.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, date
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, unquote

from mash_desk.domain.enums import Role
from mash_desk.domain.permissions import Permission, allows
from mash_desk.domain.text import unstorable_problem
from mash_desk.services.actor import Actor
from mash_desk.services.queue_terms import (
    BY_DUE_KIND_ID,
    MAX_PAGE,
    QueueCursor,
    QueueRow,
    children_on,
    marked_open_elsewhere,
    queue_row,
)
from mash_desk.storage.schema_head import SCHEMA_HEAD

log = logging.getLogger(__name__)

EARLY_CONNECT_TIMEOUT = "5"
"""Seconds the first page waits for a server before leaving it to the full start (libpq's)."""


@dataclass(frozen=True)
class EarlyPage:
    """The signed-in person and their first queue page, as the services would give them."""

    actor: Actor
    rows: tuple[QueueRow, ...]
    cursor: QueueCursor | None


# --- The statements, as SQLAlchemy compiles the services' ones -------------------------------
# Each is the service's statement with its markers left as fields: ``{kind}`` the side's kind
# (a bound value), ``{limit}`` the page size clause, ``{people}`` one marker per child and
# ``{today}`` the date. Statuses and the page size are written in, as the service writes them
# (services/queue.py ``_fixed``: the plan SQLite keeps).

_SCHEMA = "SELECT version_num FROM alembic_version"

# users.py ``_ACTOR_BY_USERNAME``: who signs in (by name on SQLite, the login on a server).
_ACTOR = (
    "SELECT users.id, users.username, users.display_name, users.role_code, users.team, "
    "users.active, agencies.code AS agency_code "
    "FROM users LEFT OUTER JOIN agencies ON agencies.id = users.agency_id "
    "WHERE users.username = {username}"
)

# queue.py ``_side("contact", frozenset(), size)``.
_CONTACTS = (
    "SELECT {kind} AS anon_1, contact_children.id, contact_children.contact_id, "
    "people.id AS id_1, people.given_name, people.family_name, people.date_of_birth, "
    "people.expected_delivery, people.household_id, households.postcode, contact_children.rag, "
    "contact_children.due_at, contact_children.status, users.display_name, "
    "contact_children.version, contact_children.provisional_level, "
    "coalesce(contact_children.team, users.team) AS coalesce_1, contact_children.assigned_to "
    "FROM contact_children JOIN people ON people.id = contact_children.person_id "
    "LEFT OUTER JOIN households ON households.id = people.household_id "
    "LEFT OUTER JOIN users ON users.id = contact_children.assigned_to "
    "WHERE contact_children.status = 'open' "
    "ORDER BY contact_children.due_at, contact_children.id {limit}"
)

# queue.py ``_side("referral", frozenset(), size)``.
_REFERRALS = (
    "SELECT {kind} AS anon_1, referrals.id, (SELECT contact_children.contact_id "
    "FROM contact_children WHERE contact_children.id = referrals.contact_child_id) AS anon_2, "
    "people.id AS id_1, people.given_name, people.family_name, people.date_of_birth, "
    "people.expected_delivery, people.household_id, households.postcode, referrals.rag, "
    "referrals.decision_due_at, referrals.status, users.display_name, referrals.version, "
    "referrals.level, coalesce(referrals.team, users.team) AS coalesce_1, "
    "referrals.assigned_to "
    "FROM referrals JOIN people ON people.id = referrals.person_id "
    "LEFT OUTER JOIN households ON households.id = people.household_id "
    "LEFT OUTER JOIN users ON users.id = referrals.assigned_to "
    "WHERE referrals.status = 'awaiting_decision' "
    "ORDER BY referrals.decision_due_at, referrals.id {limit}"
)

_SIDES = {"contact": _CONTACTS, "referral": _REFERRALS}

# queue.py ``_open_work_of(n)``: each child's open contacts, referrals and service episodes.
_OPEN_WORK = (
    "SELECT contact_children.person_id, {contact} AS anon_1, count(*) AS count_1 "
    "FROM contact_children "
    "WHERE contact_children.person_id IN ({people}) AND contact_children.status = 'open' "
    "GROUP BY contact_children.person_id "
    "UNION ALL "
    "SELECT referrals.person_id, {referral} AS anon_2, count(*) AS count_2 "
    "FROM referrals "
    "WHERE referrals.person_id IN ({people}) AND referrals.status = 'awaiting_decision' "
    "GROUP BY referrals.person_id "
    "UNION ALL "
    "SELECT service_episodes.person_id, service_episodes.service, count(*) AS count_3 "
    "FROM service_episodes "
    "WHERE service_episodes.person_id IN ({people}) "
    "AND service_episodes.started_on <= {today} "
    "AND (service_episodes.ended_on IS NULL OR service_episodes.ended_on > {today}) "
    "GROUP BY service_episodes.person_id, service_episodes.service"
)


def side_sql(dialect: str, kind: str, size: int) -> str:
    """One side of the queue (``kind``: contact or referral) for ``dialect``, ``size`` rows."""
    if dialect == "sqlite":
        # SQLAlchemy's SQLite compiler writes an OFFSET with every LIMIT (bound: 0).
        return _SIDES[kind].format(kind="?", limit=f"LIMIT {int(size)} OFFSET ?")
    return _SIDES[kind].format(kind="%(param_1)s::VARCHAR", limit=f"LIMIT {int(size)}")


def open_work_sql(dialect: str, children: int) -> str:
    """The open-work count for a page of ``children`` children (one marker each)."""
    if dialect == "sqlite":
        return _OPEN_WORK.format(
            contact="?", referral="?", people=", ".join(["?"] * children), today="?"
        )
    return _OPEN_WORK.format(
        contact="%(param_1)s::VARCHAR",
        referral="%(param_2)s::VARCHAR",
        people=", ".join(f"%(p{i})s" for i in range(children)),
        today="%(today)s::DATE",
    )


# Compared with users.py's statement by name on SQLite; a server's person is its login.
ACTOR_BY_NAME_SQLITE = _ACTOR.format(username="?")
ACTOR_OF_LOGIN_PG = _ACTOR.format(username="session_user")


class _Reads(Protocol):
    """What a page needs from one database, as driver rows."""

    def first(self) -> tuple[list[tuple[Any, ...]], tuple[Any, ...] | None]:
        """The schema revision's rows, and the signing-in person's user row (or None)."""
        ...

    def sides(self, size: int) -> list[tuple[Any, ...]]: ...

    def row(self, raw: tuple[Any, ...]) -> QueueRow: ...

    def open_work(self, people: Sequence[int], today: date) -> list[tuple[Any, ...]]: ...


class _SqliteReads:
    """The reads on an open SQLCipher connection (values as SQLite text)."""

    def __init__(self, conn: Any, username: str):
        self.conn = conn
        self.username = username

    def first(self) -> tuple[list[tuple[Any, ...]], tuple[Any, ...] | None]:
        schema = self.conn.execute(_SCHEMA).fetchall()
        user = self.conn.execute(ACTOR_BY_NAME_SQLITE, (self.username,)).fetchone()
        return list(schema), user

    def sides(self, size: int) -> list[tuple[Any, ...]]:
        raw: list[tuple[Any, ...]] = []
        for kind in ("contact", "referral"):
            raw += self.conn.execute(side_sql("sqlite", kind, size), (kind, 0)).fetchall()
        return raw

    def row(self, raw: tuple[Any, ...]) -> QueueRow:
        return queue_row(raw, sqlite_text=True)

    def open_work(self, people: Sequence[int], today: date) -> list[tuple[Any, ...]]:
        day = today.isoformat()  # SQLite keeps dates as ISO text (storage/prepared.py)
        values = ["contact", *people, "referral", *people, *people, day, day]
        return list(self.conn.execute(open_work_sql("sqlite", len(people)), values).fetchall())


class _ServerReads:
    """The reads on a psycopg connection (values converted by psycopg)."""

    def __init__(self, conn: Any):
        import psycopg

        self.conn = conn
        # Statements sent together, one round trip per pipeline; a libpq older than 14 has no
        # pipeline mode, and then they go one by one (the same reads, a few more round trips).
        self._together = psycopg.Pipeline.is_supported()

    def _pipeline(self) -> AbstractContextManager[Any]:
        return self.conn.pipeline() if self._together else nullcontext()

    def first(self) -> tuple[list[tuple[Any, ...]], tuple[Any, ...] | None]:
        # The session made read-only as the desk's reading connection is
        # (storage/database.py ``_make_reader``), then the schema and the person, who is
        # looked at only once the schema is known to be current.
        with self._pipeline():
            self.conn.execute("SET SESSION default_transaction_read_only = on")
            schema = self.conn.execute(_SCHEMA)
            user = self.conn.execute(ACTOR_OF_LOGIN_PG)
        return list(schema.fetchall()), user.fetchone()

    def sides(self, size: int) -> list[tuple[Any, ...]]:
        with self._pipeline():
            found = [
                self.conn.execute(side_sql("postgresql", kind, size), {"param_1": kind})
                for kind in ("contact", "referral")
            ]
        return [row for cursor in found for row in cursor.fetchall()]

    def row(self, raw: tuple[Any, ...]) -> QueueRow:
        due = raw[11]
        # As the service's converter (storage/prepared.py): instants in UTC, whatever the
        # session's time zone.
        due = None if due is None else due.astimezone(UTC)
        return queue_row((*raw[:11], due, *raw[12:]), sqlite_text=False)

    def open_work(self, people: Sequence[int], today: date) -> list[tuple[Any, ...]]:
        values: dict[str, Any] = {f"p{i}": person for i, person in enumerate(people)}
        values.update(param_1="contact", param_2="referral", today=today)
        sql = open_work_sql("postgresql", len(people))
        return list(self.conn.execute(sql, values).fetchall())


def _checked_size(size: int) -> None:
    # The service refuses these too (a ValidationError): a caller's mistake, not the data's.
    if not 1 <= size <= MAX_PAGE:
        raise ValueError(f"Page size must be 1 to {MAX_PAGE}")


def _actor(row: tuple[Any, ...] | None) -> Actor | None:
    """The Actor ``UserService`` builds for a user row, or None for none or an inactive one."""
    if row is None:
        return None
    user_id, username, display_name, role_code, team, active, agency_code = row
    if not active:
        return None
    try:
        role = Role(role_code)
    except ValueError:
        return None
    return Actor(user_id, username, display_name, role, agency_code or "", team)


def _page(reads: _Reads, *, size: int, today: date) -> EarlyPage | None:
    """``QueueService.page(actor, size=size)`` for the person ``reads`` names, or None."""
    schema, user = reads.first()
    if [tuple(r) for r in schema] != [(SCHEMA_HEAD,)]:
        log.info("First page left to the desk: the schema is not at %s", SCHEMA_HEAD)
        return None
    actor = _actor(user)
    if actor is None or not allows(actor.role, Permission.VIEW_QUEUE):
        log.info("First page left to the desk: no active user who may see the queue")
        return None
    raw = reads.sides(size)
    # Driver values sort as the service sorts them (SQLite instants are fixed-width text).
    raw.sort(key=BY_DUE_KIND_ID)
    rows = tuple(reads.row(r) for r in raw[:size])
    people = children_on(rows)
    if people:
        rows = marked_open_elsewhere(rows, reads.open_work(people, today))
    cursor = None
    if len(rows) == size:
        last = rows[-1]
        assert last.due_at is not None
        cursor = QueueCursor(last.due_at, last.kind, last.item_id)
    return EarlyPage(actor, rows, cursor)


def _failed(what: str, exc: BaseException) -> None:
    # The kind of failure and its SQLSTATE only: a driver's message can quote values (a
    # child's name in a constraint's detail) or name the login.
    log.warning(
        "First page left to the desk: %s failed (%s, SQLSTATE %s)",
        what,
        type(exc).__name__,
        getattr(exc, "sqlstate", None),
    )


def read_embedded_page(path: Path, username: str, *, size: int, today: date) -> EarlyPage | None:
    """The first queue page of ``username`` in the embedded database ``path``, or None.

    The key is found as the desk finds it (:func:`~mash_desk.storage.encryption.resolve_key`)
    but only where nobody has to be asked: a key behind a passphrase, a missing file or a key
    that cannot be found gives None. ``today`` is the MASH's today (``ServiceContext.today``).
    """
    from sqlcipher3 import dbapi2

    from mash_desk.storage.encryption import DatabaseKeyError, keyed_connection, resolve_key

    _checked_size(size)
    path = Path(path)
    if unstorable_problem(username, "username", "Username"):
        return None
    try:
        if path.stat().st_size == 0:
            return None  # made but never migrated: the desk makes it a database first
    except OSError:
        return None  # not there (resolve_key would make a key for a new one)
    try:
        key = resolve_key(path)
        conn = keyed_connection(path, key)
    except DatabaseKeyError:
        log.info("First page left to the desk: the database's key needs the desk")
        return None
    except Exception as exc:  # noqa: BLE001 — a keyring or a file the desk will report on
        _failed("opening the database", exc)
        return None
    try:
        _sqlite_settings(conn)
        return _page(_SqliteReads(conn, username), size=size, today=today)
    except dbapi2.Error as exc:
        _failed("reading the first page", exc)
        return None
    finally:
        conn.close()


def _sqlite_settings(conn: Any) -> None:
    """The settings the desk's engine gives each connection, then no writes at all."""
    from mash_desk.storage.sqlite_pragmas import sqlite_pragmas

    sqlite_pragmas(conn)
    conn.execute("PRAGMA query_only=ON")


def read_server_page(url: str, *, size: int, today: date) -> EarlyPage | None:
    """The first queue page of the person a server login is, or None.

    ``url`` is the desk's SQLAlchemy URL (``postgresql+psycopg://login:pw@host/db?...``):
    the login, password, hosts and TLS settings go to libpq as the desk's engine gives them.
    The person is the active user named like the login (``UserService.server_person``).
    """
    import psycopg
    from psycopg.conninfo import make_conninfo

    _checked_size(size)
    params = _libpq_params(url)
    if params is None:
        return None
    # A server that does not answer soon gets the full start's own wait and message, not two
    # waits in a row; the desk's URL may set its own, shorter limit.
    params.setdefault("connect_timeout", EARLY_CONNECT_TIMEOUT)
    try:
        conn = psycopg.connect(make_conninfo(**params), autocommit=True)
    except psycopg.Error as exc:
        _failed("connecting to the server", exc)
        return None
    try:
        # Autocommit, as the desk's reading connection: each statement its own transaction.
        return _page(_ServerReads(conn), size=size, today=today)
    except psycopg.Error as exc:
        _failed("reading the first page", exc)
        return None
    finally:
        conn.close()


# SQLAlchemy's own reading of a URL (sqlalchemy/engine/url.py ``_parse_url``): a desk's URL
# is not always a strict URI (SQLAlchemy writes a password's spaces as they are), so it is
# read here exactly as the desk's engine reads it.
_URL = re.compile(
    r"""
        (?P<name>[\w\+]+)://
        (?:
            (?P<username>[^:/]*)
            (?::(?P<password>[^@]*))?
        @)?
        (?:
            (?:
                \[(?P<ipv6host>[^/\?]+)\] |
                (?P<ipv4host>[^/:\?]+)
            )?
            (?::(?P<port>[^/\?]*))?
        )?
        (?:/(?P<database>[^\?]*))?
        (?:\?(?P<query>.*))?
    """,
    re.X,
)
_DRIVERS = ("postgresql", "postgresql+psycopg")


def _libpq_params(url: str) -> dict[str, str] | None:
    """The libpq keywords SQLAlchemy's psycopg dialect connects a desk's URL with, or None.

    As ``create_connect_args`` makes them: the URL's parts, then every query parameter as it
    is (``sslmode``, ``sslrootcert``, ``connect_timeout``, and a failover profile's
    ``host=a,b&port=p,q`` lists). None for anything else, or for a URL only SQLAlchemy would
    rewrite (a parameter given twice, a port written into a ``host`` parameter).
    """
    found = _URL.match(url)
    if found is None or found["name"] not in _DRIVERS:
        return None
    params: dict[str, str] = {}
    for name, part in (("user", "username"), ("password", "password"), ("dbname", "database")):
        if found[part]:
            params[name] = unquote(found[part])
    host = found["ipv4host"] or found["ipv6host"]
    if host:
        params["host"] = host
    if found["port"]:
        params["port"] = found["port"]
    query = parse_qsl(found["query"] or "")
    if len({key for key, _ in query}) != len(query):
        return None
    options = dict(query)
    if ":" in options.get("host", "") and "port" not in options:
        return None
    return params | options
