"""Signing in over TLS, and after a failover (issue 13, items 5 and 6), with real servers.

A certificate that does not verify gets one clear line. For failover two throwaway clusters
stand for a primary and its standby: both hold the MASH Desk database, and the "standby" is
restarted with ``default_transaction_read_only=on``, which is what libpq's
``target_session_attrs=read-write`` looks at (a real hot standby reports the same). The
profile lists the standby first, so only that attribute sends the desk to the primary.
Streaming replication and promotion themselves are not run here (see the README).
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from mash_desk.domain.clock import FixedClock
from mash_desk.profiles import Profile
from tests.conftest import NOW, REQUIRE_PG
from tests.gui.test_sign_in import (  # noqa: F401 - fixtures
    PASSWORD,
    USERNAME,
    _add_user,
    _fill,
    embedded_url,
    make_dialog,
    memory_keyring,
    opener,
    store,
)
from tests.support import postgres
from tests.support.postgres import PgServer
from tests.support.tls import make_ca

pytestmark = pytest.mark.postgres
DATABASE = "mash_failover"


def _sign_in(qtbot, dialog, server_password: str) -> str:  # noqa: F811
    """Sign in as USERNAME through ``dialog``; return the status line (empty on success)."""
    qtbot.waitUntil(lambda: dialog.server_password_edit.isVisible(), timeout=10_000)
    dialog.server_password_edit.setText(server_password)
    _fill(qtbot, dialog, USERNAME, PASSWORD)
    dialog.sign_in()
    qtbot.waitUntil(lambda: dialog.sign_in_button.isEnabled(), timeout=60_000)
    return dialog.status_text()


def test_a_certificate_that_does_not_verify_gets_one_clear_line(
    qtbot,
    make_dialog,  # noqa: F811
    store,  # noqa: F811
    pg_server: PgServer | None,
    tmp_path: Path,
    caplog,
):
    if pg_server is None:
        pytest.skip(f"PostgreSQL tests skipped: {os.environ.get('MASH_DESK_PG_UNAVAILABLE')}")
    caplog.set_level(logging.DEBUG)
    other_ca, _key = make_ca(tmp_path, "Some other CA")
    store.save(
        Profile.checked(
            name="Shared",
            host=pg_server.host,
            port=pg_server.port,
            database="postgres",
            user="postgres",
            sslrootcert=str(other_ca),
        )
    )
    dialog = make_dialog()
    dialog.choose("Shared")
    line = _sign_in(qtbot, dialog, pg_server.owner_password)
    assert line == (
        f"Cannot connect to Shared (localhost, port {pg_server.port}): the server's "
        "certificate is not signed by the CA certificate in this profile "
        "(SSL error: certificate verify failed)."
    )
    assert dialog.isVisible() and dialog.result_desk is None
    assert dialog.server_password_message.message == ""  # not a password problem
    assert pg_server.owner_password not in caplog.text


def test_a_ca_file_moved_since_the_profile_was_saved_is_named(
    qtbot,
    make_dialog,  # noqa: F811
    store,  # noqa: F811
    pg_server: PgServer | None,
    tmp_path: Path,
):
    if pg_server is None:
        pytest.skip(f"PostgreSQL tests skipped: {os.environ.get('MASH_DESK_PG_UNAVAILABLE')}")
    ca_copy = tmp_path / "council-ca.crt"
    ca_copy.write_bytes(pg_server.ca_file.read_bytes())
    store.save(
        Profile.checked(
            name="Shared",
            host=pg_server.host,
            port=pg_server.port,
            database="postgres",
            user="postgres",
            sslrootcert=str(ca_copy),
        )
    )
    ca_copy.unlink()
    dialog = make_dialog()
    dialog.choose("Shared")
    line = _sign_in(qtbot, dialog, pg_server.owner_password)
    assert line == (
        f"Cannot connect to Shared (localhost, port {pg_server.port}): the CA certificate "
        f'file named in this profile is missing (root certificate file "{ca_copy}" does not '
        "exist)."
    )


@pytest.fixture(scope="module")
def standby_and_primary() -> Iterator[tuple[PgServer, PgServer]]:
    """Two clusters with the MASH Desk database and one account; the first is read-only."""
    if os.environ.get("MASH_DESK_SKIP_POSTGRES") == "1" and not REQUIRE_PG:
        pytest.skip("PostgreSQL tests skipped: disabled")
    # Replicas share their roles, so both clusters take the same owner password.
    password = secrets.token_urlsafe(18)
    started: list[PgServer] = []
    try:
        for _ in range(2):
            started.append(postgres.start(owner_password=password))
    except RuntimeError as exc:
        for server in started:
            server.stop()
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL is required but {exc}")
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    standby, primary = started
    try:
        for server in started:
            admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f"CREATE DATABASE {DATABASE}"))
            admin.dispose()
            _add_user(server.url(DATABASE), FixedClock(NOW))
        standby.settings["default_transaction_read_only"] = "on"
        standby.restart()
        yield standby, primary
    finally:
        for server in started:
            server.stop()


def _failover_profile(standby: PgServer, primary: PgServer) -> Profile:
    return Profile.checked(
        name="Failover",
        host="localhost, localhost",
        port=f"{standby.port}, {primary.port}",
        database=DATABASE,
        user="postgres",
        sslrootcert=str(primary.ca_file),
    )


def test_a_profile_listing_both_servers_signs_in_to_the_writable_one(
    qtbot,
    make_dialog,  # noqa: F811
    store,  # noqa: F811
    standby_and_primary,
):
    standby, primary = standby_and_primary
    # The standby answers and holds the same database: only read-write keeps the desk off it.
    standby_engine = create_engine(standby.url(DATABASE))
    with standby_engine.connect() as conn:
        assert conn.execute(text("SHOW transaction_read_only")).scalar_one() == "on"
        assert conn.execute(text("SELECT count(*) FROM users")).scalar_one() >= 1
    standby_engine.dispose()

    store.save(_failover_profile(standby, primary))
    dialog = make_dialog()
    dialog.choose("Failover")
    assert _sign_in(qtbot, dialog, primary.owner_password) == ""
    assert dialog.result_actor is not None and dialog.result_actor.username == USERNAME
    assert dialog.result_desk is not None
    # The desk keeps its connections open: they are all on the primary, none on the standby.
    assert _desk_connections(primary) > 0
    assert _desk_connections(standby) == 0


def _desk_connections(server: PgServer) -> int:
    engine = create_engine(server.admin_url)
    with engine.connect() as conn:
        count = conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = :db AND pid <> pg_backend_pid()"
            ),
            {"db": DATABASE},
        ).scalar_one()
    engine.dispose()
    return count


def test_with_only_the_standby_up_the_sign_in_says_no_writable_server(
    qtbot,
    make_dialog,  # noqa: F811
    store,  # noqa: F811
    standby_and_primary,
):
    standby, primary = standby_and_primary
    profile = store.save(_failover_profile(standby, primary))
    primary.stop(keep_data=True)
    try:
        dialog = make_dialog()
        dialog.choose("Failover")
        line = _sign_in(qtbot, dialog, primary.owner_password)
    finally:
        primary.start_again()
    assert line == (
        f"Cannot connect to Failover: no writable server was found at {profile.where} "
        "(the servers that answered are read-only standbys)."
    )
    assert profile.where == f"localhost, port {standby.port}; localhost, port {primary.port}"
    assert "\n" not in line and primary.owner_password not in line
    assert dialog.isVisible() and dialog.result_desk is None
