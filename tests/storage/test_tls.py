"""TLS on the shared server (issue 13, item 6), against the session's real TLS-only cluster.

The desk's own connection path is used — a profile's URL through ``make_engine`` — so what is
proved is what a desk does: it encrypts, it checks the server's certificate against the CA the
profile names and the host it dialled, and the server turns away anything less.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from mash_desk.profiles import Profile
from mash_desk.storage.database import make_engine
from tests.support.postgres import PgServer
from tests.support.tls import make_ca

pytestmark = pytest.mark.postgres


@pytest.fixture
def server(pg_server: PgServer | None) -> PgServer:
    """The session's cluster (skips, or fails under CI, without one)."""
    if pg_server is None:
        pytest.skip(f"PostgreSQL tests skipped: {os.environ.get('MASH_DESK_PG_UNAVAILABLE')}")
    return pg_server


@pytest.fixture
def engines() -> Iterator[list[Engine]]:
    made: list[Engine] = []
    yield made
    for engine in made:
        engine.dispose()


def _profile(server: PgServer, **overrides: str) -> Profile:
    fields = {
        "name": "TLS test",
        "host": server.host,
        "port": server.port,
        "database": "postgres",
        "user": "postgres",
        "sslrootcert": str(server.ca_file),
        **overrides,
    }
    return Profile.checked(**fields)


def _connect(profile: Profile, password: str, engines: list[Engine]) -> tuple[bool, bool]:
    """Connect as the desk would; return (client says TLS, server says TLS)."""
    engine = make_engine(profile.url(password))
    engines.append(engine)
    with engine.connect() as conn:
        client = conn.connection.driver_connection.info.pgconn.ssl_in_use
        server = conn.execute(
            text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        ).scalar_one()
    return client, server


def test_a_profile_with_the_ca_verifies_fully_and_encrypts(server, engines):
    profile = _profile(server)
    assert profile.sslmode == "verify-full"
    assert _connect(profile, server.owner_password, engines) == (True, True)


def test_a_certificate_from_another_ca_is_refused(server, engines, tmp_path: Path):
    other_ca, _key = make_ca(tmp_path, "Some other CA")
    with pytest.raises(OperationalError, match="certificate verify failed"):
        _connect(_profile(server, sslrootcert=str(other_ca)), server.owner_password, engines)


def test_a_certificate_for_another_host_name_is_refused(server):
    # The right server at the right address, dialled by a name its certificate does not hold:
    # verify-full checks the name, which is what stops a look-alike server.
    with pytest.raises(psycopg.OperationalError, match="does not match host name"):
        psycopg.connect(**server.conninfo(host="mash-db.invalid", hostaddr="127.0.0.1"))


def test_the_server_refuses_a_connection_without_tls(server, engines):
    profile = _profile(server, sslmode="disable")
    with pytest.raises(OperationalError, match="pg_hba.conf rejects connection.*no encryption"):
        _connect(profile, server.owner_password, engines)


def test_the_server_refuses_a_wrong_password_even_over_tls(server, engines):
    with pytest.raises(OperationalError, match="password authentication failed"):
        _connect(_profile(server), "not the password", engines)
