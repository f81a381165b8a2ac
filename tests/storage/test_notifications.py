"""Committed changes reach other desks as ids only; rolled-back ones never leave the server.

Runs on the session's real PostgreSQL after `server init`: one login saves, another desk's
change feed (LISTEN on its reading connection) hears it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from mash_desk.domain.enums import Role
from mash_desk.services.desk import Desk
from mash_desk.services.live import keys_of
from mash_desk.storage.database import make_engine
from mash_desk.storage.notifications import Change
from mash_desk.storage.server_notify import CHANNEL, ID_COLUMNS
from tests.support.helpers import child, contact, log_one

SECRET_GIVEN, SECRET_FAMILY = "Zephyrine", "Quillfeather"
NARRATIVE = "Synthetic narrative: the neighbour heard shouting through the wall."


def _until(found: Callable[[], bool], seconds: float = 10) -> bool:
    """Poll until ``found()`` (a deadline for a broken feed, not a speed check)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found():
            return True
        time.sleep(0.02)
    return False


def _raw_listener(server_db, login: str) -> psycopg.Connection:
    conn = psycopg.connect(**server_db.libpq_params(login), autocommit=True)
    conn.execute(f"LISTEN {CHANNEL}")
    return conn


def _log_secret_contact(server_db) -> int:
    desk, actor = server_db.desk_as(Role.PRACTITIONER)
    saved = desk.contacts.log(
        actor, contact(child(given=SECRET_GIVEN, family=SECRET_FAMILY), concerns=NARRATIVE)
    ).value
    return saved.children[0].person.id


def test_a_committed_contact_reaches_another_login_with_ids_only(server_db):
    listener = _raw_listener(server_db, server_db.logins[Role.PARTNER])
    try:
        person_id = _log_secret_contact(server_db)
        payloads = [n.payload for n in listener.notifies(timeout=5, stop_after=50)]
    finally:
        listener.close()
    assert payloads, "no notification arrived for a committed contact"
    tables = set()
    for payload in payloads:
        assert SECRET_GIVEN not in payload and SECRET_FAMILY not in payload
        assert "neighbour" not in payload and "Jo Teacher" not in payload
        data = json.loads(payload)
        assert set(data) <= {"table", "op", *ID_COLUMNS}, data
        assert all(isinstance(v, int) for k, v in data.items() if k not in ("table", "op"))
        tables.add(data["table"])
    assert {"contacts", "contact_children", "people"} <= tables
    assert any(
        json.loads(p).get("person_id") == person_id and json.loads(p)["table"] == "contact_children"
        for p in payloads
    )


def test_another_desks_feed_hears_the_contact_as_queue_and_person_keys(server_db):
    watching, _actor = server_db.desk_as(Role.MANAGER)
    assert watching.live.listen()
    heard: list[Change] = []
    person_id = _log_secret_contact(server_db)

    def arrived() -> bool:
        polled = watching.live.poll()
        assert not polled.lost
        heard.extend(polled.changes)
        return f"person:{person_id}" in keys_of(heard)

    assert _until(arrived), heard
    assert "queue" in keys_of(heard)


def test_a_rolled_back_change_is_never_announced(server_db):
    desk, actor = server_db.desk_as(Role.PRACTITIONER)
    logged = desk.contacts.log(actor, contact(child(given="Rolled"), child(given="Kept"))).value
    rolled, kept = (c.person.id for c in logged.children)
    listener = _raw_listener(server_db, server_db.logins[Role.PARTNER])
    engine = make_engine(server_db.url)
    touch = text("UPDATE people SET given_name = given_name WHERE id = :i")
    try:
        with engine.connect() as conn:
            with conn.begin() as tx:
                conn.execute(touch, {"i": rolled})
                tx.rollback()
            # A committed change afterwards: once it has arrived, an earlier one would have.
            with conn.begin():
                conn.execute(touch, {"i": kept})
        heard = []
        for notify in listener.notifies(timeout=10):
            heard.append(json.loads(notify.payload))
            if heard[-1] == {"table": "people", "op": "update", "id": kept}:
                break
    finally:
        engine.dispose()
        listener.close()
    assert {"table": "people", "op": "update", "id": kept} in heard
    assert all(h.get("id") != rolled and h.get("person_id") != rolled for h in heard)


def test_a_desk_skips_its_own_changes_and_hears_the_others(server_db):
    mine, me = server_db.desk_as(Role.PRACTITIONER)
    assert mine.live.listen()
    own = log_one(mine, me, given="Own").children[0].person.id
    other = _log_secret_contact(server_db)
    heard: list[Change] = []

    def arrived() -> bool:
        heard.extend(mine.live.poll().changes)
        return f"person:{other}" in keys_of(heard)

    # Notifications come in commit order: once the other desk's is here, ours was before it.
    assert _until(arrived), heard
    assert f"person:{own}" not in keys_of(heard)


def _connections(server_db, application: str) -> list[tuple[str, str]]:
    with server_db.raw("postgres") as conn:
        rows = conn.execute(
            text(
                "SELECT state, query FROM pg_stat_activity "
                "WHERE datname = :db AND application_name = :app"
            ),
            {"db": server_db.database, "app": application},
        )
        return [(state, query) for state, query in rows]


def test_an_idle_listening_desk_holds_one_connection_and_still_hears(server_db):
    # 50 desks on a default server (97 usable connections) must work: an idle desk holds
    # only its reading connection, which also carries the LISTEN.
    url = (
        make_url(server_db.login_url(server_db.logins[Role.PRACTITIONER]))
        .update_query_dict({"application_name": "idle1"})
        .render_as_string(hide_password=False)
    )
    desk = Desk.open(url, server_db.clock)
    server_db.opened.append(desk)
    actor = desk.users.sign_in_server()
    assert desk.live.listen()
    log_one(desk, actor, given="Writer")
    assert len(_connections(server_db, "idle1")) == 2  # reading (listening) and writing
    assert desk.db.release_idle_writer(0)
    held = _connections(server_db, "idle1")
    assert len(held) == 1 and held[0][0] == "idle", held
    # ...and that one connection is the listening one: it still hears another desk.

    other = _log_secret_contact(server_db)
    heard: list[Change] = []

    def arrived() -> bool:
        heard.extend(desk.live.poll().changes)
        return f"person:{other}" in keys_of(heard)

    assert _until(arrived), heard
    # The next save connects again; the desk never went over two connections.
    log_one(desk, actor, given="Again")
    assert len(_connections(server_db, "idle1")) == 2


def test_a_writer_cut_off_while_idle_is_replaced_before_the_next_save(server_db):
    # What a server restart does to an idle desk's writing connection: the server ends the
    # session. The next save must not fail on the dead connection.
    desk, actor = server_db.desk_as(Role.PRACTITIONER)
    log_one(desk, actor, given="Before")
    writer = desk.db._writer.conn
    assert writer is not None
    pid = writer.connection.driver_connection.info.backend_pid
    with server_db.raw("postgres") as conn:
        conn.execute(text("SELECT pg_terminate_backend(:p, 5000)"), {"p": pid})
    saved = log_one(desk, actor, given="After")
    assert saved.children[0].person.given_name == "After"
