"""The audit log's hash chain: a desk's log verifies; tampering as the owner is named.

Tampering is done as the database owner (the test server's superuser, or whoever can write the
SQLite file): it drops the append-only triggers first, as an attacker with that power would.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, text

from mash_desk.domain.audit_chain import GENESIS, canonical, row_hash
from mash_desk.services.desk import Desk
from mash_desk.storage.audit_chain import ACCESS, AUDIT, verify, verify_all
from mash_desk.storage.database import make_engine
from mash_desk.storage.migrations import upgrade
from tests.conftest import NOW, fresh_database_url
from tests.support.helpers import log_one, make_actors, side_engine


@pytest.fixture
def worked(desk, actors) -> Desk:
    """A desk whose log holds users made, contacts logged and a contact read."""
    for given in ("Amira", "Ben", "Cara"):
        made = log_one(desk, actors["practitioner"], given=given)
        desk.contacts.get(actors["practitioner"], made.id)
        desk.contacts.get(actors["manager"], made.id)
    return desk


def _owner(desk: Desk, *statements: str, **params) -> None:
    """Run ``statements`` as the database owner, with the audit log's guards dropped."""
    guards = (
        ["DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log"]
        if desk.db.dialect == "postgresql"
        else [
            "DROP TRIGGER IF EXISTS audit_log_no_update",
            "DROP TRIGGER IF EXISTS audit_log_no_delete",
        ]
    )
    with side_engine(desk).begin() as conn:
        for sql in [*guards, *statements]:
            conn.execute(text(sql), params)


def _ids(desk: Desk) -> list[int]:
    with side_engine(desk).connect() as conn:
        return list(conn.execute(text("SELECT id FROM audit_log ORDER BY id")).scalars())


def test_a_working_desks_chain_verifies(worked):
    report = verify(side_engine(worked))
    ids = _ids(worked)
    assert report.ok, report.problem
    assert report.rows == len(ids) >= 10 and report.last_id == ids[-1]
    assert "unbroken" in report.summary()
    with side_engine(worked).connect() as conn:
        first = conn.execute(text("SELECT prev_hash, db_user FROM audit_log ORDER BY id")).first()
    assert first[0] == GENESIS
    # PostgreSQL records the login that wrote the row; SQLite has no logins.
    assert (first[1] is not None) == (worked.db.dialect == "postgresql")


def test_a_changed_detail_is_named(worked):
    target = _ids(worked)[4]
    _owner(worked, "UPDATE audit_log SET detail = '{}' WHERE id = :t", t=target)
    report = verify(side_engine(worked))
    assert not report.ok and report.problem == f"row {target} altered"
    assert report.row_id == target


def test_a_changed_time_is_named(worked):
    target = _ids(worked)[2]
    _owner(worked, "UPDATE audit_log SET user_id = user_id + 1 WHERE id = :t", t=target)
    assert verify(side_engine(worked)).problem == f"row {target} altered"


def test_a_deleted_row_is_named_with_its_neighbours(worked):
    ids = _ids(worked)
    _owner(worked, "DELETE FROM audit_log WHERE id = :t", t=ids[5])
    assert verify(side_engine(worked)).problem == (
        f"row {ids[5]} missing: row {ids[6]} follows {ids[4]}"
    )


def test_a_deleted_last_row_is_named(worked):
    ids = _ids(worked)
    _owner(worked, "DELETE FROM audit_log WHERE id = :t", t=ids[-1])
    assert verify(side_engine(worked)).problem == (
        f"row {ids[-1]} missing: the log ends at row {ids[-2]}"
    )


def _forge(desk: Desk, row_id: int, prev_hash: str, *, chained: bool) -> None:
    """Insert a row at ``row_id`` the way someone who knows the hashing could."""
    detail = '{"note": "nothing happened"}'
    content = canonical(row_id, NOW, 1, "user.create", "user", 1, None, detail, None)
    digest = row_hash(prev_hash, content) if chained else None
    if desk.db.dialect == "postgresql":
        # The owner can switch the database's own chaining off; no application role can.
        _owner(desk, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_chain")
    _owner(
        desk,
        "INSERT INTO audit_log (id, at, user_id, action, entity, entity_id, person_id, detail, "
        "prev_hash, row_hash) VALUES (:i, :at, 1, 'user.create', 'user', 1, NULL, :d, :p, :h)",
        i=row_id,
        at=NOW if desk.db.dialect == "postgresql" else NOW.strftime("%Y-%m-%d %H:%M:%S.%f"),
        d=detail,
        p=prev_hash,
        h=digest,
    )


def test_a_forged_row_at_the_end_is_caught_even_with_a_correct_hash(worked):
    ids = _ids(worked)
    with side_engine(worked).connect() as conn:
        last_hash = conn.execute(
            text("SELECT row_hash FROM audit_log WHERE id = :i"), {"i": ids[-1]}
        ).scalar()
    _forge(worked, ids[-1] + 1, last_hash, chained=True)
    assert verify(side_engine(worked)).problem == (
        f"row {ids[-1] + 1} forged: the chain ends at row {ids[-1]}"
    )


def test_a_forged_row_without_a_hash_is_caught(worked):
    ids = _ids(worked)
    _forge(worked, ids[-1] + 1, GENESIS, chained=False)
    assert verify(side_engine(worked)).problem == f"row {ids[-1] + 1} is not chained (no hash)"


def test_a_replaced_row_is_caught(worked):
    ids = _ids(worked)
    with side_engine(worked).connect() as conn:
        before = conn.execute(
            text("SELECT row_hash FROM audit_log WHERE id = :i"), {"i": ids[2]}
        ).scalar()
    _owner(worked, "DELETE FROM audit_log WHERE id = :t", t=ids[3])
    _forge(worked, ids[3], before, chained=True)
    assert verify(side_engine(worked)).problem == (
        f"row {ids[4]} does not follow row {ids[3]}: one of them was altered or replaced"
    )


def test_concurrent_desks_chain_one_after_another(db_url, clock, actors):
    """Several desks (own connections) writing at once still leave one valid chain."""
    desks = [Desk.open(db_url, clock) for _ in range(4)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(desks))

    def work(d: Desk, n: int) -> None:
        try:
            start.wait()
            for i in range(6):
                made = log_one(d, actors["practitioner"], given=f"Child{n}x{i}")
                d.contacts.get(actors["manager"], made.id)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(d, n)) for n, d in enumerate(desks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for d in desks:
        d.close()
    assert errors == []
    engine = make_engine(db_url)
    reports = verify_all(engine)
    engine.dispose()
    assert all(r.ok for r in reports), [r.summary() for r in reports]
    assert reports[1].rows >= 24


def test_postgres_sets_the_link_whatever_the_client_sends(templates, pg_server, tmp_path, clock):
    """A client cannot choose its row's id, login or hashes: the trigger sets them."""
    desk = Desk.open(fresh_database_url("postgresql", templates, pg_server, tmp_path), clock)
    actors = make_actors(desk)
    with side_engine(desk).begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_log (id, at, user_id, action, entity, detail, db_user, "
                "prev_hash, row_hash) VALUES (999, now(), :u, 'x', 'y', '{}', 'someone', "
                "'forged', 'forged')"
            ),
            {"u": actors["admin"].user_id},
        )
        row = conn.execute(
            text("SELECT id, db_user, row_hash FROM audit_log ORDER BY id DESC LIMIT 1")
        ).first()
        login = conn.execute(text("SELECT session_user")).scalar()
    assert row.id != 999 and row.db_user == login != "someone" and row.row_hash != "forged"
    assert verify(side_engine(desk)).ok
    desk.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_an_upgraded_database_verifies(backend, pg_server, tmp_path):
    """Rows written before the chain existed are chained by the migration."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path}/old.sqlite3"
    else:
        if pg_server is None:
            pytest.skip("PostgreSQL tests skipped: server unavailable")
        name = f"chain_{tmp_path.name[-20:].replace('-', '_').lower()}"
        admin = create_engine(pg_server.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = pg_server.url(name)
    engine = make_engine(url)
    upgrade(engine, "0013")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO roles (code, label) VALUES ('admin', 'Admin')"))
        conn.execute(
            text("INSERT INTO agencies (code, name, active) VALUES ('sc', 'Social care', true)")
        )
        conn.execute(
            text(
                "INSERT INTO users (username, display_name, role_code, agency_id, active, "
                "password_hash) SELECT 'old.user', 'Old User', 'admin', id, true, NULL "
                "FROM agencies LIMIT 1"
            )
        )
        for n in range(3):
            conn.execute(
                text(
                    "INSERT INTO audit_log (at, user_id, action, entity, entity_id, person_id, "
                    "detail) SELECT :at, id, 'user.create', 'user', id, NULL, :d FROM users"
                ),
                {"at": NOW.strftime("%Y-%m-%d %H:%M:%S.%f"), "d": f'{{"n": {n}}}'},
            )
    upgrade(engine)
    audit, access = verify_all(engine)
    engine.dispose()
    assert audit.ok and audit.rows == 3, audit.summary()
    assert access.ok and access.rows == 0, access.summary()


def test_the_access_log_is_chained_too(worked):
    report = verify(side_engine(worked), ACCESS)
    assert report.ok and report.rows >= 6, report.summary()
    with side_engine(worked).connect() as conn:
        ids = list(conn.execute(text("SELECT id FROM access_log ORDER BY id")).scalars())
    guards = (
        ["ALTER TABLE access_log DISABLE TRIGGER access_log_no_change"]
        if worked.db.dialect == "postgresql"
        else ["DROP TRIGGER access_log_no_update", "DROP TRIGGER access_log_no_delete"]
    )
    with side_engine(worked).begin() as conn:
        for sql in guards:
            conn.execute(text(sql))
        # Hiding that a manager looked: re-attribute one view, delete another.
        conn.execute(text("UPDATE access_log SET user_id = 1 WHERE id = :i"), {"i": ids[3]})
    assert verify(side_engine(worked), ACCESS).problem == f"row {ids[3]} altered"
    with side_engine(worked).begin() as conn:
        conn.execute(
            text("DELETE FROM access_log WHERE id IN (:a, :b)"), {"a": ids[1], "b": ids[3]}
        )
    assert verify(side_engine(worked), ACCESS).problem == (
        f"row {ids[1]} missing: row {ids[2]} follows {ids[0]}"
    )
    # The audit log is untouched and still verifies.
    assert verify(side_engine(worked)).ok


def test_the_tail_check_sees_recent_tampering_only(worked):
    ids = _ids(worked)
    _owner(worked, "UPDATE audit_log SET detail = '{}' WHERE id IN (:a, :b)", a=ids[1], b=ids[-2])
    (tail,) = verify_all(side_engine(worked), (AUDIT,), tail=5)
    assert tail.problem == f"row {ids[-2]} altered" and tail.rows < 5
    assert verify(side_engine(worked)).problem == f"row {ids[1]} altered"
