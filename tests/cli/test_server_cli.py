"""`mash-desk server init` and `mash-desk user add/deactivate` on a real PostgreSQL server.

The owner here is what a council would create: a plain login with CREATEROLE and the right
to end other sessions (pg_signal_backend), owning its database, not a superuser.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from mash_desk.services.desk import Desk
from tests.cli.test_cli import run

_numbers = itertools.count()
OWNER_PASSWORD = "the owners long passphrase"
SAM_PASSWORD = "a long enough passphrase"


@pytest.fixture
def owned_database(pg_server) -> Iterator[str]:
    """An empty database owned by a non-superuser owner; yields the owner's URL."""
    if pg_server is None:
        pytest.skip(f"PostgreSQL tests skipped: {os.environ.get('MASH_DESK_PG_UNAVAILABLE')}")
    n = f"{os.getpid()}_{next(_numbers)}"
    owner, database = f"owner_{n}", f"shared_{n}"
    admin = create_engine(pg_server.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {owner} LOGIN CREATEROLE PASSWORD '{OWNER_PASSWORD}'"))
        conn.execute(text(f"GRANT pg_signal_backend TO {owner}"))
        conn.execute(text(f"CREATE DATABASE {database} OWNER {owner}"))
    # The server takes TLS and a password only; the CLI takes a plain postgresql:// URL.
    yield pg_server.login_url(database, owner, OWNER_PASSWORD).replace("+psycopg", "", 1)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE {database} WITH (FORCE)"))
        for (login,) in conn.execute(
            text("SELECT rolname FROM pg_roles WHERE rolname LIKE :p OR rolname LIKE :q"),
            {"p": f"{database}_%", "q": "%.cli"},
        ):
            conn.execute(text(f'DROP ROLE "{login}"'))
        conn.execute(text(f"DROP ROLE {owner}"))
    admin.dispose()


def _as(url: str, login: str, password: str) -> str:
    return (
        make_url(url).set(username=login, password=password).render_as_string(hide_password=False)
    )


def test_server_init_then_user_add_and_deactivate(owned_database):
    url = owned_database
    first = run("server", "init", "--database", url)
    assert first.returncode == 0, first.stderr
    assert "practitioner" in first.stdout and "performance" in first.stdout
    again = run("server", "upgrade", "--database", url)
    assert again.returncode == 0, again.stderr

    made = run(
        "user",
        "add",
        "sam.cli",
        "--name",
        "Sam Practitioner",
        "--role",
        "practitioner",
        "--password-stdin",
        "--database",
        url,
        stdin=f"{SAM_PASSWORD}\n",
    )
    assert made.returncode == 0, made.stderr
    assert "server login" in made.stdout
    assert "passphrase" not in made.stdout + made.stderr

    desk = Desk.open(_as(url, "sam.cli", SAM_PASSWORD))
    try:
        assert desk.users.sign_in_server().display_name == "Sam Practitioner"
        # The person's login cannot set the server up: only the owner can.
        refused = run("server", "init", "--database", _as(url, "sam.cli", SAM_PASSWORD))
        assert refused.returncode == 2 and "refused" in refused.stderr
        gone = run("user", "deactivate", "sam.cli", "--database", url)
        assert gone.returncode == 0, gone.stderr
    finally:
        desk.close()
    engine = create_engine(
        _as(url, "sam.cli", SAM_PASSWORD).replace("postgresql:", "postgresql+psycopg:")
    )
    with pytest.raises(OperationalError, match="not permitted to log in"):
        engine.connect()
    engine.dispose()


def test_user_add_needs_a_role(owned_database):
    result = run("user", "add", "x.cli", "--database", owned_database, stdin="whatever\n")
    assert result.returncode == 2 and "--role" in result.stderr
