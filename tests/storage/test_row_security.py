"""Row-level security on a shared server: each login reaches what its services show, no more.

A multi-agency day is built through the services (checks asked of police, health and
education; a meeting police and health attend; a decision with actions for police and
education; a routing handed to health, another still open to police; police's dissent).
Then, for every login and every public table, the row keys a raw connection with that
person's login returns are compared with the keys the services show that person: for a
partner rep, its inbox of checks, routings and actions, the children its search finds, the
decisions it may dissent from, and the rows hanging off those; for the front door, everything.
Nothing is derived from a second copy of the policies' SQL.
"""

from __future__ import annotations

import pytest
from psycopg import errors as pg_errors
from sqlalchemy import Connection, text
from sqlalchemy.exc import ProgrammingError

from mash_desk.domain.enums import Role
from mash_desk.domain.errors import PermissionDenied
from mash_desk.storage import server_policies
from mash_desk.storage.database import make_engine
from mash_desk.storage.server import init_server
from tests.support.row_security_day import PARTNERS, World, _keys, _rows, current_expectations
from tests.support.server import PASSWORD


def test_every_table_has_a_row_decision(world):
    """A new table fails here until it says what a partner rep sees of it."""
    decided = set(server_policies.PARTNER) | server_policies.SHARED
    assert sorted(set(world.tables) - decided) == []
    assert sorted(set(server_policies.PARTNER) - set(world.tables)) == []


def test_the_day_reaches_every_partner_door(world):
    """The comparison means something: each rep has rows in its inbox, and not all rows."""
    for code in PARTNERS:
        seen = world.expected[world.reps[code].login]
        assert seen["people"], code
        everyone = world.expected[world.server.logins[Role.PRACTITIONER]]["people"]
        assert seen["people"] != everyone, code
    police = world.expected[world.reps["police"].login]
    assert police["escalations"] and police["decision_actions"] and police["meeting_attendance"]
    assert world.expected[world.reps["health"].login]["routings"]
    assert world.expected[world.reps["education"].login]["decision_action_updates"]
    # An action owned by a rep in person, not by an agency, reaches that rep and no other.
    named = {(i,) for i in _owner_ids(world, _NAMED_ACTIONS)}
    assert named
    for code in PARTNERS:
        reached = named & world.expected[world.reps[code].login]["decision_actions"]
        assert reached == (named if code == "health" else set()), code


@pytest.mark.parametrize("who", [r.value for r in Role if r is not Role.PARTNER] + list(PARTNERS))
def test_a_login_sees_exactly_what_its_services_show(world, who):
    """For every public table: the raw login's rows equal the services' (REFUSED: no grant)."""
    made = world.server
    login = world.reps[who].login if who in PARTNERS else made.logins[Role(who)]
    expected = current_expectations(world)[login]
    with made.raw(login) as conn, made.raw("postgres") as owner:
        seen = {t: _rows(conn, t, _keys(owner, t)) for t in world.tables}
    wrong = {
        t: {
            "outside scope": sorted(seen[t] - expected[t]),
            "missing": sorted(expected[t] - seen[t]),
        }
        if isinstance(seen[t], set) and isinstance(expected[t], set)
        else (seen[t] if isinstance(seen[t], str) else "rows", expected[t])
        for t in world.tables
        if seen[t] != expected[t]
    }
    assert wrong == {}


def test_no_login_reads_a_password_hash(world):
    made = world.server
    for login in [*made.logins.values(), *made.extra_logins]:
        with made.raw(login) as conn:
            with pytest.raises(ProgrammingError) as caught:
                conn.execute(text("SELECT password_hash FROM users"))
            assert isinstance(caught.value.orig, pg_errors.InsufficientPrivilege)
            assert conn.execute(text("SELECT count(username) FROM users")).scalar_one() > 1


_NAMED_ACTIONS = "SELECT id FROM decision_actions WHERE owner_user_id IS NOT NULL"


def _owner_ids(world: World, sql: str) -> list[int]:
    with world.server.raw("postgres") as owner:
        return list(owner.execute(text(sql)).scalars())


def _versions(world: World, table: str) -> dict[int, int]:
    with world.server.raw("postgres") as owner:
        return dict(owner.execute(text(f"SELECT id, version FROM {table}")).all())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("agency_check_requests", "agency_id"),
        ("routings", "to_agency_id"),
        ("decision_actions", "owner_agency_id"),
    ],
)
def test_a_rep_cannot_update_another_agencys_rows(world, table, column):
    """Police's raw UPDATE reaches only police rows; moving its own row away is refused."""
    police = world.reps["police"]
    before = _versions(world, table)
    others = [i for i in before if i not in {k[0] for k in world.expected[police.login][table]}]
    assert others, f"the day has {table} rows of other agencies"
    with world.server.raw(police.login) as conn:
        hit = conn.execute(
            text(f"UPDATE {table} SET version = version + 1 WHERE id = ANY(:ids)"),
            {"ids": others},
        )
        assert hit.rowcount == 0
        # Handing its own row to another agency would take it out of police's reach.
        own = [k[0] for k in world.expected[police.login][table]]
        if own:
            with pytest.raises(ProgrammingError) as caught:
                conn.execute(
                    text(f"UPDATE {table} SET {column} = {column} + 1 WHERE id = :i"),
                    {"i": own[0]},
                )
            assert isinstance(caught.value.orig, pg_errors.InsufficientPrivilege)
            assert "row-level security" in str(caught.value.orig)
    assert _versions(world, table) == before


def test_a_rep_cannot_write_in_another_agencys_or_persons_name(world):
    """Dissent for another agency, or an audit row in someone else's name, is refused."""
    police, health = world.reps["police"], world.reps["health"]
    counts = _owner_ids(world, "SELECT count(*) FROM escalations")
    with world.server.raw(police.login) as conn:
        for sql in (
            "INSERT INTO escalations (decision_id, agency_id, reason, raised_by, raised_at, "
            "stage, stage_started_at, due_at, status, version) SELECT d.id, a.id, 'Forged', "
            ":me, now(), 1, now(), now(), 'open', 1 FROM decisions d, agencies a "
            "WHERE a.code = 'health' LIMIT 1",
        ):
            with pytest.raises(ProgrammingError) as caught:
                conn.execute(text(sql), {"me": police.actor.user_id, "other": health.actor.user_id})
            assert isinstance(caught.value.orig, pg_errors.InsufficientPrivilege)
        logs_before = _owner_ids(world, "SELECT count(*) FROM audit_log")
        _forge_a_log_row(conn, health.actor.user_id)
    assert _owner_ids(world, "SELECT count(*) FROM escalations") == counts
    _no_row_in_anothers_name(world, health.actor.user_id, logs_before)


def _forge_a_log_row(conn: Connection, other: int) -> None:
    """Try to write an audit row naming ``other``: refused, or written in the session's name.

    Two layers answer it: row security refuses a row naming someone else, and the server's
    own trigger (storage/server_audit.py) rewrites the writer to the session's user before
    that check, so the row that lands, if any, names its real writer.
    """
    try:
        conn.execute(
            text(
                "INSERT INTO audit_log (at, user_id, action, entity, detail) "
                "VALUES (now(), :other, 'forged', 'user', '{}')"
            ),
            {"other": other},
        )
    except ProgrammingError as refused:
        assert isinstance(refused.orig, pg_errors.InsufficientPrivilege), refused.orig


def _no_row_in_anothers_name(world: World, other: int, before: list[int]) -> None:
    in_their_name = "SELECT count(*) FROM audit_log WHERE action = 'forged' AND user_id = "
    assert _owner_ids(world, in_their_name + str(other)) == [0]
    # Nothing older was touched: the log only ever grows.
    assert _owner_ids(world, "SELECT count(*) FROM audit_log")[0] >= before[0]


def test_a_person_cannot_claim_another_person_through_the_setting(world):
    """``mash.user_id`` names the person only for the owner's test sessions, never a login's."""
    police, health = world.reps["police"], world.reps["health"]
    with world.server.raw(police.login) as conn, world.server.raw("postgres") as owner:
        keys = _keys(owner, "agency_check_requests")
        conn.execute(
            text("SELECT set_config('mash.user_id', :i, false)"), {"i": str(health.actor.user_id)}
        )
        seen = _rows(conn, "agency_check_requests", keys)
    assert seen == world.expected[police.login]["agency_check_requests"]


# The identity and narrative a performance login must never read, as issue 13 item 3 names
# them (the policy's own list, AGGREGATE_COLUMNS, is checked against this, not copied).
def test_a_server_login_unlocks_with_its_server_password_not_a_stored_hash(world):
    """With hashes out of reach, the idle lock checks the password by signing in again."""
    made = world.server
    desk, me = made.desk_of(world.reps["health"].login)
    assert desk.users.first_run() is False  # a person is connected: no first-run set-up
    desk.users.confirm_password(me, PASSWORD)
    with made.raw("postgres") as owner:
        checks_passwords = owner.execute(
            text(
                "SELECT count(*) FROM pg_hba_file_rules "
                "WHERE type LIKE 'host%' AND auth_method IN ('scram-sha-256', 'md5')"
            )
        ).scalar_one()
    if checks_passwords:
        with pytest.raises(PermissionDenied, match="Password not recognised"):
            desk.users.confirm_password(me, "not the password at all")


def test_server_init_again_keeps_the_same_policies_and_columns(server_db):
    def state() -> tuple[set[tuple], set[tuple]]:
        with server_db.raw("postgres") as owner:
            policies = {
                tuple(r)
                for r in owner.execute(
                    text(
                        "SELECT tablename, policyname, cmd, roles::text, qual, with_check "
                        "FROM pg_policies WHERE schemaname = 'public'"
                    )
                )
            }
            columns = {
                tuple(r)
                for r in owner.execute(
                    text(
                        "SELECT grantee, table_name, column_name, privilege_type "
                        "FROM information_schema.column_privileges WHERE table_schema = 'public'"
                    )
                )
            }
        return policies, columns

    before = state()
    engine = make_engine(server_db.url)
    try:
        init_server(engine)
    finally:
        engine.dispose()
    assert state() == before
    assert before[0], "row security has policies"


@pytest.mark.parametrize("role", list(Role))
def test_nobody_writes_a_log_row_in_someone_elses_name(world, role):
    made = world.server
    other = world.reps["health"].actor.user_id
    before = _owner_ids(world, "SELECT count(*) FROM audit_log")
    with made.raw(made.logins[role]) as conn:
        _forge_a_log_row(conn, other)
    _no_row_in_anothers_name(world, other, before)
