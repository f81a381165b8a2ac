"""The audit the database writes itself on a shared server: change rows and access rows.

Applied by ``server init`` after the grants (see ``storage.server.SERVER_STEPS``), as the owner,
idempotently. What it adds, so that a client on a person's login (a desk, or psql with that
login) can neither skip nor forge the audit:

* **Change rows.** Every work table gets a deferred AFTER INSERT/UPDATE/DELETE trigger that
  writes a ``row.insert`` / ``row.update`` / ``row.delete`` row into ``audit_log`` (chained by
  its own trigger, revision 0015) naming the table, the row's id, the child's person id when
  the row is a person or has a ``person_id``, and, for an update, the names of the columns
  changed: never their values, which may be personal data. The row is written at
  commit, in the change's transaction, so the chain head is locked only for the commit, as the
  desk's own audit rows lock it (``Unit.write_logs``). The owner's own changes (migrations,
  ``server init``, the system actor's bulk jobs) are not logged this way: the owner can disable
  any trigger, so logging them would prove nothing, and the desk audits them semantically.
* **The writer of a log row.** A BEFORE INSERT trigger on both logs (named to fire before the
  chain trigger) replaces ``user_id`` with the MASH Desk user whose username is the session's
  login, and ``at`` with the server's time, whatever the client sent. Only the owner's session
  keeps what it sent (the system actor, tests with a fixed clock); any other login without a
  MASH Desk account writes ``user_id`` NULL, which the column refuses.
* **Access rows.** INSERT on ``access_log`` is revoked from every group; the only way in is
  :data:`RECORD_ACCESS`, ``mash_record_access(person, what, detail, ...)``, which writes the row
  with the session's user. The desk calls it (``services.context.Unit.write_logs``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Connection, text

from mash_desk.domain.enums import Role

LOGS = ("audit_log", "access_log")
# Not work: the logs themselves, the chain's head (written by the chain trigger) and Alembic's.
NOT_AUDITED = frozenset({*LOGS, "audit_chain_head", "alembic_version"})
CHANGE_PREFIX = "row."
"""Action prefix of the rows the database writes for a change (``row.insert`` ...)."""
CHANGE_TRIGGER = "mash_audit_change"
RECORD_ACCESS = "mash_record_access"
RECORD_ACCESS_SIGNATURE = f"{RECORD_ACCESS}(integer, text, text, integer, timestamptz)"

# pg_temp last: otherwise a temporary table would be searched first and could stand in for
# users or audit_log inside these functions (logins have no TEMPORARY right either).
_DEFINER = "SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp"

# Inside a SECURITY DEFINER function current_user is the function's owner: whoever ran
# `server init`. The database's owner and superusers are trusted as well (they own or bypass
# every guard here anyway).
_SESSION_IS_OWNER = f"""
CREATE OR REPLACE FUNCTION mash_audit_by_owner() RETURNS boolean
LANGUAGE sql STABLE {_DEFINER} AS $$
  SELECT session_user = current_user
      OR EXISTS (SELECT 1 FROM pg_roles WHERE rolname = session_user AND rolsuper)
      OR EXISTS (SELECT 1 FROM pg_database WHERE datname = current_database()
                 AND pg_has_role(session_user, datdba, 'MEMBER'))
$$
"""

# The MASH Desk user of the session's login (NULL for a login without an account).
_SESSION_USER_ID = f"""
CREATE OR REPLACE FUNCTION mash_audit_user_id() RETURNS integer
LANGUAGE sql STABLE {_DEFINER} AS $$
  SELECT id FROM users WHERE username = session_user
$$
"""

_LOG_ACTOR = f"""
CREATE OR REPLACE FUNCTION mash_audit_log_actor() RETURNS trigger
LANGUAGE plpgsql {_DEFINER} AS $$
BEGIN
  IF NOT mash_audit_by_owner() THEN
    NEW.user_id := mash_audit_user_id();
    NEW.at := now();
  END IF;
  RETURN NEW;
END $$
"""

# TG_ARGV holds the table's primary key columns: ('id') for almost every table.
_AUDIT_CHANGE = f"""
CREATE OR REPLACE FUNCTION {CHANGE_TRIGGER}() RETURNS trigger
LANGUAGE plpgsql {_DEFINER} AS $$
DECLARE
  current_row jsonb;
  detail jsonb := '{{}}'::jsonb;
BEGIN
  IF TG_OP = 'DELETE' THEN
    current_row := to_jsonb(OLD);
  ELSE
    current_row := to_jsonb(NEW);
  END IF;
  IF TG_OP = 'UPDATE' THEN
    detail := jsonb_build_object('columns', COALESCE(
      (SELECT jsonb_agg(n.key ORDER BY n.key) FROM jsonb_each(current_row) n
        WHERE n.value IS DISTINCT FROM to_jsonb(OLD) -> n.key),
      '[]'::jsonb));
  END IF;
  IF TG_NARGS <> 1 OR TG_ARGV[0] <> 'id' THEN
    -- No single id: name the row by its key (ids and codes, never a narrative).
    detail := detail || jsonb_build_object('key',
      (SELECT jsonb_object_agg(k, current_row -> k) FROM unnest(TG_ARGV) k));
  END IF;
  INSERT INTO audit_log (at, user_id, action, entity, entity_id, person_id, detail)
  VALUES (now(), mash_audit_user_id(), '{CHANGE_PREFIX}' || lower(TG_OP), TG_TABLE_NAME,
          CASE WHEN TG_NARGS = 1 AND TG_ARGV[0] = 'id' THEN (current_row ->> 'id')::integer END,
          CASE WHEN TG_TABLE_NAME = 'people' THEN (current_row ->> 'id')::integer
               ELSE (current_row ->> 'person_id')::integer END,
          detail::text);
  RETURN NULL;
END $$
"""

_RECORD_ACCESS = f"""
CREATE OR REPLACE FUNCTION {RECORD_ACCESS}(
  viewed integer, what text, detail text, claimed_user integer DEFAULT NULL,
  claimed_at timestamptz DEFAULT NULL) RETURNS void
LANGUAGE plpgsql {_DEFINER} AS $$
DECLARE
  reader integer;
  seen_at timestamptz := now();
BEGIN
  IF mash_audit_by_owner() THEN
    -- The owner's desk (the system actor, a single-user database) says who read.
    reader := claimed_user;
    seen_at := COALESCE(claimed_at, now());
  ELSE
    reader := mash_audit_user_id();
    IF reader IS NULL THEN
      RAISE EXCEPTION 'this server login has no MASH Desk account'
        USING ERRCODE = 'insufficient_privilege';
    END IF;
  END IF;
  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    -- This transaction changed rows, so its change rows chain into audit_log at commit, after
    -- this access row: take the audit head first, so that every transaction locks the heads
    -- in one order (audit, then access, as Unit.write_logs does) and two cannot deadlock.
    PERFORM 1 FROM audit_chain_head WHERE log = 'audit_log' FOR UPDATE;
  END IF;
  INSERT INTO access_log (user_id, person_id, at, what, detail)
  VALUES (reader, viewed, seen_at, what, detail);
END $$
"""

_FUNCTIONS = (
    "mash_audit_by_owner()",
    "mash_audit_user_id()",
    "mash_audit_log_actor()",
    f"{CHANGE_TRIGGER}()",
    RECORD_ACCESS_SIGNATURE,
)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _ddl(conn: Connection, sql: str) -> None:
    conn.exec_driver_sql(sql)


def _primary_key(conn: Connection, table: str) -> list[str]:
    return list(
        conn.execute(
            text(
                "SELECT a.attname FROM pg_index i "
                "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                "WHERE i.indrelid = CAST(:t AS regclass) AND i.indisprimary ORDER BY a.attnum"
            ),
            {"t": f"public.{_quote(table)}"},
        ).scalars()
    )


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _audit_changes(conn: Connection, tables: Sequence[str]) -> None:
    for table in tables:
        if table in NOT_AUDITED:
            continue
        quoted = _quote(table)
        key = ", ".join(_literal(c) for c in _primary_key(conn, table)) or "'id'"
        _ddl(conn, f"DROP TRIGGER IF EXISTS {CHANGE_TRIGGER} ON {quoted}")
        # A constraint trigger, deferred: the row is written at commit (the head is locked only
        # then), and its WHEN is evaluated at the change, so the owner's bulk work queues
        # nothing. A client may SET CONSTRAINTS ... IMMEDIATE: that moves the row, never skips it.
        _ddl(
            conn,
            f"CREATE CONSTRAINT TRIGGER {CHANGE_TRIGGER} AFTER INSERT OR UPDATE OR DELETE "
            f"ON {quoted} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            f"WHEN (NOT mash_audit_by_owner()) EXECUTE FUNCTION {CHANGE_TRIGGER}({key})",
        )


def _log_actors(conn: Connection) -> None:
    for log in LOGS:
        # "actor" sorts before "chain": PostgreSQL fires a table's BEFORE triggers by name, so
        # the chain hashes the user and instant set here.
        _ddl(conn, f"DROP TRIGGER IF EXISTS {log}_actor ON {log}")
        _ddl(
            conn,
            f"CREATE TRIGGER {log}_actor BEFORE INSERT ON {log} "
            "FOR EACH ROW EXECUTE FUNCTION mash_audit_log_actor()",
        )


def _access_only_through_the_function(conn: Connection, groups: Mapping[Role, str]) -> None:
    for group in groups.values():
        may_log = conn.execute(
            text("SELECT has_table_privilege(:g, 'public.access_log', 'INSERT')"), {"g": group}
        ).scalar_one()
        quoted = _quote(group)
        _ddl(conn, f"REVOKE INSERT ON access_log FROM {quoted}")
        if may_log:
            _ddl(conn, f"GRANT EXECUTE ON FUNCTION {RECORD_ACCESS_SIGNATURE} TO {quoted}")
        else:
            _ddl(conn, f"REVOKE EXECUTE ON FUNCTION {RECORD_ACCESS_SIGNATURE} FROM {quoted}")
        # Evaluated in the triggers' WHEN, with the privileges of whoever changed the row.
        _ddl(conn, f"GRANT EXECUTE ON FUNCTION mash_audit_by_owner() TO {quoted}")


def apply(conn: Connection, groups: Mapping[Role, str], tables: Sequence[str]) -> None:
    """Install the database-written audit (see the module docstring), as the owner."""
    for sql in (_SESSION_IS_OWNER, _SESSION_USER_ID, _LOG_ACTOR, _AUDIT_CHANGE, _RECORD_ACCESS):
        _ddl(conn, sql)
    for signature in _FUNCTIONS:
        # New functions are executable by PUBLIC; the grants' hygiene ran before they existed.
        _ddl(conn, f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
    _log_actors(conn)
    _audit_changes(conn, tables)
    _access_only_through_the_function(conn, groups)


def access_function_installed(conn: Connection) -> bool:
    """Return whether ``server init`` installed :data:`RECORD_ACCESS` on this database."""
    found = conn.execute(
        text("SELECT to_regprocedure(:s) IS NOT NULL"), {"s": RECORD_ACCESS_SIGNATURE}
    ).scalar_one()
    return bool(found)
