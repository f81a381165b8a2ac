"""A shared PostgreSQL server: group roles, table grants and one login per person.

``mash-desk server init`` / ``server upgrade`` run :func:`init_server` as the database owner.
Roles and grants live on the server, not in the schema, so they are applied here (idempotently,
after the migrations) rather than by an Alembic revision: a fresh grant set is computed from
the table below every time, so a new release that adds a table or narrows a role is one
``server upgrade`` away.

Each MASH Desk role has a NOLOGIN *group* role, ``<database>_<role>`` (``mash_practitioner``
for a database called ``mash``): per database, because roles are cluster-wide and two MASH
databases on one cluster must not share a practitioner's reach. Each person has a LOGIN role
named exactly like their MASH Desk username, a member of their group; the server checks their
password (SCRAM-SHA-256) and the desk maps ``session_user`` to the MASH Desk user.

What no application role gets, whatever the table says: ownership of any table (the owner
alone can ALTER a table or DISABLE its triggers, PostgreSQL checks ownership, not grants),
and UPDATE, DELETE or TRUNCATE on the append-only logs (the audit and access logs, issued
documents), whose triggers then keep even the owner's accidental UPDATE out. The audit step
(``storage.server_audit``) then takes INSERT on the access log away too: its rows come only
through a function that names the session's own user.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

from mash_desk.domain.enums import Role
from mash_desk.storage import server_audit, server_notify, server_policies
from mash_desk.storage.server_steps import ServerStep

S, INS, U, D = "SELECT", "INSERT", "UPDATE", "DELETE"
READ = frozenset({S})
APPEND = frozenset({S, INS})
WRITE = frozenset({S, INS, U})
WRITE_DELETE = frozenset({S, INS, U, D})

# Append-only by design (triggers in revisions 0001, 0003 and 0007): SELECT and INSERT at most,
# for every role. Checked by :func:`privileges` so a slip in the table below cannot grant more.
APPEND_ONLY = frozenset({"audit_log", "access_log", "issued_documents", "document_outputs"})

# Who may be, what roles exist, which agencies and which threshold documents are in force:
# only an administrator changes them (domain brief §2); everybody reads them, because every
# service checks the acting user and every screen names people and agencies.
ADMIN_TABLES = frozenset({"users", "roles", "agencies", "threshold_documents"})

# The front door's own work: contacts, people, screening, the meeting, decisions, routing,
# allocation. Practitioners, managers and chairs read and write it all through the services
# (which keep finer checks of their own); DELETE only where a service replaces child rows.
WORK_TABLES = frozenset(
    {
        "allocations",
        "contact_attachments",
        "agency_check_requests",
        "contacts",
        "contact_risk_indicators",
        "contact_children",
        "rag_ratings",
        "contact_outcomes",
        "consents",
        "meetings",
        "meeting_attendance",
        "agenda_items",
        "decisions",
        "decision_pathways",
        "decision_actions",
        "decision_action_updates",
        "escalations",
        "escalation_steps",
        "referrer_feedback",
        "households",
        "people",
        "relationships",
        "service_episodes",
        "referrals",
        "routings",
        "routing_informing",
        "strategy_discussions",
        "strategy_attendees",
        "threshold_assessments",
        "threshold_assessment_indicators",
    }
)
QA_TABLES = frozenset({"qa_samples", "qa_items"})

# Redrafting a decision replaces its pathways and actions; merging two records of one child
# drops the duplicate's relationships. Nothing else is ever deleted by the desk.
_FRONT_DOOR_DELETES = {"decision_pathways": WRITE_DELETE, "decision_actions": WRITE_DELETE}


def _front_door(extra: Mapping[str, frozenset[str]] = {}) -> dict[str, frozenset[str]]:
    table = {name: WRITE for name in WORK_TABLES}
    table.update(_FRONT_DOOR_DELETES)
    table.update({name: READ for name in ADMIN_TABLES | QA_TABLES})
    # Front-door staff re-rate sampled cases blind (quality.rerate): the item records it.
    table["qa_items"] = frozenset({S, U})
    table.update({name: APPEND for name in APPEND_ONLY})
    table.update(extra)
    return table


# Role -> table -> privileges. A table missing from a role's map gets nothing (deny by default).
# Row-level security (which rows of a granted table) is a separate step: see SERVER_STEPS.
GRANTS: dict[Role, dict[str, frozenset[str]]] = {
    Role.PRACTITIONER: _front_door(),
    # A manager also draws QA samples and merges duplicate records of a child.
    Role.MANAGER: _front_door(
        {"relationships": WRITE_DELETE, "qa_samples": WRITE, "qa_items": WRITE}
    ),
    Role.CHAIR: _front_door(),
    # A partner rep reads what the services show it (row-level security narrows the rows) and
    # writes only what its own services write: check returns, action progress and closing,
    # routing acknowledgement or response, its agency's dissent (an escalation), its access
    # and audit rows.
    Role.PARTNER: {
        **{name: READ for name in WORK_TABLES | ADMIN_TABLES},
        "agency_check_requests": frozenset({S, U}),
        "decision_actions": frozenset({S, U}),
        "decision_action_updates": APPEND,
        "routings": frozenset({S, U}),
        "routing_informing": APPEND,
        "escalations": WRITE,
        "escalation_steps": APPEND,
        "audit_log": APPEND,
        "access_log": APPEND,
        "issued_documents": READ,
        "document_outputs": READ,
    },
    # Performance officers read; the only rows they write are the QA samples they draw and the
    # audit rows of drawing them (quality.py), never a case record.
    Role.PERFORMANCE: {
        **{name: READ for name in WORK_TABLES | ADMIN_TABLES | APPEND_ONLY},
        "qa_samples": WRITE,
        "qa_items": WRITE,
        "audit_log": APPEND,
        "access_log": APPEND,
    },
    # An administrator manages users, agencies and threshold documents and reads the audit
    # log; it has no reason to read a child's record, so no work table is granted.
    Role.ADMIN: {
        **{name: WRITE for name in ADMIN_TABLES},
        "audit_log": APPEND,
        "access_log": READ,
    },
}

# What ``server init`` applies after the grants, in order, each in its own module: row-level
# security (which rows of a granted table a role sees), the audit the database writes itself,
# and the change notifications that keep other desks live. Each step is idempotent.
SERVER_STEPS: tuple[ServerStep, ...] = (
    server_policies.apply,
    server_audit.apply,
    server_notify.apply,
)


@dataclass(frozen=True)
class ServerReport:
    """What ``server init`` did, for the command to print."""

    database: str
    groups: tuple[str, ...]
    tables: int


def group_name(database: str, role: Role) -> str:
    """Return the NOLOGIN group role of ``role`` in ``database``."""
    return f"{database}_{role.value}"


def privileges(role: Role, table: str) -> frozenset[str]:
    """Return what ``role`` may do to ``table`` (never more than SELECT/INSERT on a log)."""
    granted = GRANTS[role].get(table, frozenset())
    if table in APPEND_ONLY:
        granted = granted & APPEND
    return granted


def _quote(name: str) -> str:
    # Identifiers are quoted, never interpolated raw: usernames reach CREATE ROLE.
    return '"' + name.replace('"', '""') + '"'


def _ddl(conn: Connection, sql: str) -> None:
    # Driver-level: DDL takes no bind parameters, and a SCRAM verifier may contain ":x".
    conn.exec_driver_sql(sql)


def _exists(conn: Connection, role: str) -> bool:
    return bool(
        conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    )


def _tables(conn: Connection) -> list[str]:
    return list(
        conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        ).scalars()
    )


def _ensure_groups(conn: Connection, database: str) -> list[str]:
    groups = []
    for role in Role:
        name = group_name(database, role)
        if not _exists(conn, name):
            _ddl(conn, f"CREATE ROLE {_quote(name)} NOLOGIN")
        # NOINHERIT would break the grants; NOCREATEDB/NOCREATEROLE keep a group from growing.
        _ddl(conn, f"ALTER ROLE {_quote(name)} NOLOGIN NOCREATEDB NOCREATEROLE")
        groups.append(name)
    return groups


def _hygiene(conn: Connection, database: str, groups: Iterable[str]) -> None:
    db = _quote(database)
    # PUBLIC is every role on the cluster: nobody but MASH Desk's groups connects, creates
    # objects in public, or reaches a table through a default grant.
    _ddl(conn, f"REVOKE ALL ON DATABASE {db} FROM PUBLIC")
    _ddl(conn, "REVOKE ALL ON SCHEMA public FROM PUBLIC")
    _ddl(conn, "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC")
    _ddl(conn, "REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC")
    _ddl(conn, "REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC")
    for group in groups:
        quoted = _quote(group)
        _ddl(conn, f"GRANT CONNECT ON DATABASE {db} TO {quoted}")
        # USAGE, not CREATE: a group can name the schema's tables but add none of its own.
        _ddl(conn, f"GRANT USAGE ON SCHEMA public TO {quoted}")


def _grant_tables(conn: Connection, database: str, tables: list[str]) -> None:
    for role in Role:
        group = _quote(group_name(database, role))
        # Start from nothing each time, so a privilege dropped from GRANTS is gone after upgrade.
        _ddl(conn, f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {group}")
        _ddl(conn, f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {group}")
        writes = False
        for table in tables:
            granted = privileges(role, table)
            if table == "alembic_version":
                # Opening a desk checks the schema revision before anything else.
                granted = READ
            if granted:
                verbs = ", ".join(sorted(granted))
                _ddl(conn, f"GRANT {verbs} ON {_quote(table)} TO {group}")
                writes = writes or INS in granted
        if writes:
            # Serial keys: an INSERT draws the next value from the table's sequence.
            _ddl(conn, f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {group}")


def apply_grants(conn: Connection) -> ServerReport:
    """Create the group roles and apply the grants on the current database (as its owner)."""
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    groups = _ensure_groups(conn, database)
    tables = _tables(conn)
    _hygiene(conn, database, groups)
    _grant_tables(conn, database, tables)
    by_role = {role: group_name(database, role) for role in Role}
    for step in SERVER_STEPS:
        step(conn, by_role, tables)
    return ServerReport(database, tuple(groups), len(tables))


def init_server(engine: Engine) -> ServerReport:
    """Migrate the database to head, seed reference data, then roles and grants (idempotent)."""
    from mash_desk.storage.database import Database

    if engine.dialect.name != "postgresql":
        raise ValueError("server init is for a PostgreSQL database (postgresql://OWNER@HOST/DB)")
    Database(engine.url.render_as_string(hide_password=False)).close()
    with engine.begin() as conn:
        return apply_grants(conn)


def _verifier(conn: Connection, login: str, password: str) -> str:
    # libpq hashes the password into a SCRAM-SHA-256 verifier on this side, so the plain
    # password never crosses the wire nor lands in a server log (log_statement = 'ddl').
    # A server connection is always psycopg's here, which has ``pgconn``; the DBAPI type does not.
    pgconn = conn.connection.dbapi_connection.pgconn  # type: ignore[union-attr]
    return pgconn.encrypt_password(
        password.encode("utf-8"), login.encode("utf-8"), b"scram-sha-256"
    ).decode("ascii")


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def create_login(conn: Connection, login: str, role: Role, password: str) -> None:
    """Create (or re-enable) ``login`` with ``password``, a member of its role's group only."""
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    group = group_name(database, role)
    if not _exists(conn, group):
        raise ValueError("this database has no MASH Desk roles yet: run `mash-desk server init`")
    quoted = _quote(login)
    secret = _literal(_verifier(conn, login, password))
    powerful = conn.execute(
        text("SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = :r"),
        {"r": login},
    ).scalar()
    if powerful:
        # An existing administrative role is never turned into a desk login by accident.
        raise ValueError(f"the server role {login!r} already exists with administrative rights")
    if _exists(conn, login):
        _ddl(conn, f"ALTER ROLE {quoted} LOGIN PASSWORD {secret}")
        for other in Role:
            if other is not role and _exists(conn, group_name(database, other)):
                _ddl(conn, f"REVOKE {_quote(group_name(database, other))} FROM {quoted}")
    else:
        _ddl(conn, f"CREATE ROLE {quoted} LOGIN PASSWORD {secret}")
    # A person holds exactly one group's privileges: INHERIT so they apply without SET ROLE.
    _ddl(conn, f"ALTER ROLE {quoted} INHERIT NOCREATEDB NOCREATEROLE")
    _ddl(conn, f"GRANT {_quote(group)} TO {quoted}")


def disable_login(conn: Connection, login: str) -> bool:
    """Make ``login`` NOLOGIN (transactional: it takes effect when ``conn`` commits)."""
    if not _exists(conn, login):
        return False
    _ddl(conn, f"ALTER ROLE {_quote(login)} NOLOGIN")
    return True


def end_sessions(conn: Connection, login: str) -> int:
    """End every open session of ``login``; return how many were ended.

    Called after NOLOGIN has committed: NOLOGIN stops new connections only, and a desk
    already connected would otherwise keep working until it quit.
    """
    return len(
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE usename = :login AND pid <> pg_backend_pid()"
            ),
            {"login": login},
        ).all()
    )


def change_own_password(conn: Connection, password: str) -> None:
    """Set the connected person's own server password (``ALTER ROLE CURRENT_USER``)."""
    login = conn.execute(text("SELECT session_user")).scalar_one()
    secret = _literal(_verifier(conn, login, password))
    _ddl(conn, f"ALTER ROLE CURRENT_USER PASSWORD {secret}")


def session_login(conn: Connection) -> str:
    """Return the server login this connection authenticated as."""
    return conn.execute(text("SELECT session_user")).scalar_one()
