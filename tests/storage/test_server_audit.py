"""The audit a client cannot skip or rewrite (issue 13 item 4), on a database after `server init`.

Each test acts through raw connections made with a person's own login (what psql in that
person's hands could do) and reads the result as the owner.
"""

from __future__ import annotations

import json

import pytest
from psycopg import errors as pg_errors
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, ProgrammingError

from mash_desk.domain.enums import Role
from mash_desk.storage.database import make_engine
from mash_desk.storage.server import init_server
from tests.cli.test_cli import run
from tests.services.test_checks import ask, make_referral
from tests.support.helpers import log_one
from tests.support.server import PASSWORD

LOGS = ("audit_log", "access_log")
_COPY_CONTACT = (
    "INSERT INTO contacts (received_at, channel, referral_source, concerns, created_by, "
    "created_at, version) SELECT received_at, channel, referral_source, concerns, created_by, "
    "created_at, 1 FROM contacts WHERE id = :id RETURNING id"
)


def _refused(conn, sql: str, **params) -> str:
    """Run ``sql``; return the server's refusal (the test fails if it was allowed)."""
    with pytest.raises(ProgrammingError) as caught:
        conn.execute(text(sql), params)
    assert isinstance(caught.value.orig, pg_errors.InsufficientPrivilege), caught.value.orig
    return str(caught.value.orig)


def _owner_rows(server_db, sql: str, **params) -> list:
    with server_db.raw("postgres") as conn:
        return list(conn.execute(text(sql), params))


def _change_rows(server_db, table: str, entity_id: int) -> list:
    return _owner_rows(
        server_db,
        "SELECT action, user_id, db_user, detail, person_id FROM audit_log "
        "WHERE entity = :t AND entity_id = :i AND action LIKE 'row.%' ORDER BY id",
        t=table,
        i=entity_id,
    )


@pytest.mark.parametrize("role", list(Role))
def test_no_login_can_rewrite_or_bypass_the_logs(server_db, role):
    log_one(server_db.owner, server_db.actors[Role.PRACTITIONER])
    person = _owner_rows(server_db, "SELECT min(id) FROM people")[0][0]
    with server_db.raw(server_db.logins[role]) as conn:
        for table in LOGS:
            _refused(conn, f"UPDATE {table} SET at = at")
            _refused(conn, f"DELETE FROM {table}")
            _refused(conn, f"TRUNCATE {table}")
            assert "must be owner" in _refused(conn, f"ALTER TABLE {table} ADD COLUMN x int")
            for trigger in (f"{table}_chain", f"{table}_actor", f"{table}_no_change", "ALL"):
                assert "must be owner" in _refused(
                    conn, f"ALTER TABLE {table} DISABLE TRIGGER {trigger}"
                )
        # The access log takes rows only through the function that names the reader.
        _refused(
            conn,
            "INSERT INTO access_log (user_id, person_id, at, what) "
            "VALUES (1, :p, now(), 'case.view')",
            p=person,
        )
        # Nor can the server's own audit be switched off, replaced or shadowed.
        _refused(conn, "ALTER TABLE contacts DISABLE TRIGGER mash_audit_change")
        _refused(conn, "DROP FUNCTION mash_audit_change()")
        _refused(
            conn,
            "CREATE OR REPLACE FUNCTION mash_audit_change() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$",
        )
        # Replica mode would skip every trigger; temporary tables could shadow the logs.
        _refused(conn, "SET session_replication_role = replica")
        _refused(conn, "CREATE TEMPORARY TABLE audit_log (id int)")


def _writes(server_db) -> dict[Role, tuple[str, str, dict]]:
    """One raw write per role, on a work table its group may write: (table, SQL, params)."""
    owner, practitioner = server_db.owner, server_db.actors[Role.PRACTITIONER]
    referral = make_referral(owner, practitioner, "amber")
    (check,) = ask(owner, practitioner, referral, "police")
    contact = _owner_rows(server_db, "SELECT max(id) FROM contacts")[0][0]
    touch_contact = (
        "contacts",
        "UPDATE contacts SET concerns = 'Rewritten by psql', version = version + 1 "
        "WHERE id = :id RETURNING id",
        {"id": contact},
    )
    return {
        Role.PRACTITIONER: ("contacts", _COPY_CONTACT, {"id": contact}),
        Role.MANAGER: touch_contact,
        Role.CHAIR: touch_contact,
        Role.PARTNER: (
            "agency_check_requests",
            "UPDATE agency_check_requests SET version = version + 1 WHERE id = :id RETURNING id",
            {"id": check.id},
        ),
        Role.PERFORMANCE: (
            "qa_samples",
            "INSERT INTO qa_samples (kind, period_from, period_to, size, seed, drawn_by, "
            "drawn_at) VALUES ('screening', '2026-01-01', '2026-03-31', 1, 7, 1, now()) "
            "RETURNING id",
            {},
        ),
        Role.ADMIN: (
            "users",
            "UPDATE users SET team = 'MASH team B' WHERE username = :me RETURNING id",
            {"me": server_db.logins[Role.ADMIN]},
        ),
    }


@pytest.mark.parametrize("role", list(Role))
def test_a_raw_write_leaves_a_database_written_audit_row(server_db, role):
    table, sql, params = _writes(server_db)[role]
    login = server_db.logins[role]
    with server_db.raw(login) as conn:
        # No audit row written by the client: the server writes one anyway.
        changed = conn.execute(text(sql), params).scalar_one()
    (row,) = _change_rows(server_db, table, changed)
    action, user_id, db_user, detail, _ = row
    assert (user_id, db_user) == (server_db.actors[role].user_id, login)
    if action == "row.update":
        columns = json.loads(detail)["columns"]
        assert (
            columns
            == {
                "contacts": ["concerns", "version"],
                "agency_check_requests": ["version"],
                "users": ["team"],
            }[table]
        )
        # Which columns changed, never what they now say.
        assert "Rewritten" not in detail and "MASH team B" not in detail
    else:
        assert action == "row.insert" and json.loads(detail) == {}


def test_the_owners_own_changes_are_audited_by_the_desk_only(server_db):
    logged = log_one(server_db.owner, server_db.actors[Role.PRACTITIONER])
    assert _change_rows(server_db, "contacts", logged.id) == []
    actions = [
        r[0]
        for r in _owner_rows(
            server_db, "SELECT action FROM audit_log WHERE entity_id = :i", i=logged.id
        )
    ]
    assert "contact.logged" in actions


@pytest.mark.parametrize("role", list(Role))
def test_a_forged_writer_is_replaced_by_the_sessions_user(server_db, role):
    login = server_db.logins[role]
    someone_else = server_db.owner.users.system_actor().user_id
    with server_db.raw(login) as conn:
        conn.execute(
            text(
                "INSERT INTO audit_log (at, user_id, action, entity, entity_id, detail) "
                "VALUES ('2001-01-01T00:00:00Z', :u, 'user.created', 'user', 1, '{}')"
            ),
            {"u": someone_else},
        )
    ((user_id, db_user, year),) = _owner_rows(
        server_db,
        "SELECT user_id, db_user, extract(year FROM at) FROM audit_log "
        "WHERE action = 'user.created' AND db_user = :l",
        l=login,
    )
    assert (user_id, db_user) == (server_db.actors[role].user_id, login)
    assert year > 2001


def test_a_login_without_an_account_cannot_write_an_audit_row(server_db):
    stray = f"stray.{server_db.database}"
    with server_db.raw("postgres") as conn:
        # Every login needs a password: the test cluster takes SCRAM over TLS only.
        conn.execute(text(f"CREATE ROLE \"{stray}\" LOGIN PASSWORD '{PASSWORD}'"))
        conn.execute(text(f'GRANT "{server_db.group(Role.PRACTITIONER)}" TO "{stray}"'))
    try:
        with server_db.raw(stray) as conn, pytest.raises(DBAPIError) as caught:
            conn.execute(
                text(
                    "INSERT INTO audit_log (at, user_id, action, entity) "
                    "VALUES (now(), 1, 'contact.logged', 'contact')"
                )
            )
        # Refused either way: row security (no MASH user to write as) or the NOT NULL writer.
        assert isinstance(
            caught.value.orig, (pg_errors.NotNullViolation, pg_errors.InsufficientPrivilege)
        ), caught.value.orig
    finally:
        with server_db.raw("postgres") as conn:
            conn.execute(text(f'DROP OWNED BY "{stray}"'))
            conn.execute(text(f'DROP ROLE "{stray}"'))


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.PARTNER, Role.PERFORMANCE])
def test_the_access_function_names_the_reader(server_db, role):
    log_one(server_db.owner, server_db.actors[Role.PRACTITIONER])
    person = _owner_rows(server_db, "SELECT min(id) FROM people")[0][0]
    login = server_db.logins[role]
    with server_db.raw(login) as conn:
        # Claiming another reader and another time changes nothing for a person's login.
        conn.execute(
            text("SELECT mash_record_access(:p, 'case.view', NULL, 1, '2001-01-01T00:00:00Z')"),
            {"p": person},
        )
    ((user_id, db_user, year),) = _owner_rows(
        server_db,
        "SELECT user_id, db_user, extract(year FROM at) FROM access_log WHERE db_user = :l",
        l=login,
    )
    assert (user_id, db_user) == (server_db.actors[role].user_id, login)
    assert year > 2001


def test_an_administrator_login_records_no_access(server_db):
    with server_db.raw(server_db.logins[Role.ADMIN]) as conn:
        _refused(conn, "SELECT mash_record_access(1, 'case.view', NULL)")


def test_a_desk_on_a_login_logs_reads_through_the_server(server_db):
    desk, me = server_db.desk_as(Role.PRACTITIONER)
    logged = log_one(desk, me)
    person = logged.children[0].person.id
    desk.case.view(me, person)
    rows = _owner_rows(
        server_db,
        "SELECT user_id, db_user, what FROM access_log WHERE person_id = :p ORDER BY id",
        p=person,
    )
    assert (me.user_id, me.username, "case.view") in rows
    # The desk's own semantic row and the server's row of the same change, both naming the login.
    actions = {
        r[0]: r[1:]
        for r in _owner_rows(
            server_db,
            "SELECT action, user_id, db_user FROM audit_log WHERE entity IN ('contact', "
            "'contacts') AND entity_id = :i",
            i=logged.id,
        )
    }
    assert actions["contact.logged"] == actions["row.insert"] == (me.user_id, me.username)
    # The server's rows name the child (contact_children, people), yet the case chronology
    # lists what happened to the child, not which tables changed.
    tables = {
        r[0]
        for r in _owner_rows(
            server_db,
            "SELECT entity FROM audit_log WHERE person_id = :p AND action = 'row.insert'",
            p=person,
        )
    }
    assert {"people", "contact_children"} <= tables
    case = desk.case.view(me, person)
    assert case.events and all(e.kind != "audit" or "row" not in e.detail for e in case.events)


def test_verify_passes_then_catches_the_owners_change_and_deletion(server_db):
    desk, me = server_db.desk_as(Role.PRACTITIONER)
    first = log_one(desk, me)
    log_one(desk, me, given="Ben")
    desk.case.view(me, first.children[0].person.id)
    owner = server_db.url
    ok = run("audit", "verify", "--database", owner)
    assert ok.returncode == 0, ok.stderr
    assert "audit_log: chain verified" in ok.stdout and "access_log: chain verified" in ok.stdout

    (changed, deleted) = (
        r[0]
        for r in _owner_rows(
            server_db,
            "SELECT id FROM audit_log WHERE db_user = :l ORDER BY id DESC LIMIT 2",
            l=me.username,
        )
    )
    with server_db.raw("postgres") as conn:
        conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"))
        conn.execute(text("UPDATE audit_log SET user_id = 1 WHERE id = :i"), {"i": changed})
    broken = run("audit", "verify", "--database", owner)
    assert broken.returncode == 1
    assert broken.stderr.strip() == f"audit_log: chain broken: row {changed} altered"

    with server_db.raw("postgres") as conn:
        conn.execute(
            text("UPDATE audit_log SET user_id = :u WHERE id = :i"), {"u": me.user_id, "i": changed}
        )
        assert run("audit", "verify", "--database", owner).returncode == 0
        conn.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": deleted})
        conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change"))
    gone = run("audit", "verify", "--database", owner)
    assert gone.returncode == 1
    assert f"row {deleted} missing" in gone.stderr


def test_verify_with_a_performance_login_says_it_needs_the_owners(server_db):
    """Re-hashing reads the logs' detail, which a performance login may not (issue 13 item 3)."""
    desk, me = server_db.desk_as(Role.PRACTITIONER)
    log_one(desk, me)
    login = server_db.login_url(server_db.logins[Role.PERFORMANCE])
    refused = run("audit", "verify", "--database", login)
    assert refused.returncode == 2, refused.stderr
    assert "run audit verify with the database owner's login" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert run("audit", "verify", "--database", server_db.url).returncode == 0


def test_init_again_installs_each_trigger_once(server_db):
    engine = make_engine(server_db.url)
    try:
        init_server(engine)
    finally:
        engine.dispose()
    contact = log_one(server_db.owner, server_db.actors[Role.PRACTITIONER]).id
    with server_db.raw(server_db.logins[Role.MANAGER]) as conn:
        bump = text("UPDATE contacts SET version = version + 1 WHERE id = :i")
        conn.execute(bump, {"i": contact})
        # Still no way into the access log but the function, after a second init.
        _refused(
            conn, "INSERT INTO access_log (user_id, person_id, at, what) SELECT 1, 1, now(), 'x'"
        )
    assert [r[0] for r in _change_rows(server_db, "contacts", contact)] == ["row.update"]
