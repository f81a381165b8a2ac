"""A shared-server database for tests: `server init` run as the owner, one login per role."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from mash_desk.domain.clock import FixedClock
from mash_desk.domain.enums import Role
from mash_desk.services.desk import Desk
from mash_desk.services.dto import Actor
from mash_desk.storage.database import make_engine
from mash_desk.storage.server import group_name, init_server
from tests.support import postgres

# One person per role; the login name carries the database's number because logins are
# cluster-wide and every test makes a fresh database on one session cluster.
PEOPLE = {
    Role.ADMIN: "social_care",
    Role.PRACTITIONER: "social_care",
    Role.MANAGER: "social_care",
    Role.CHAIR: "social_care",
    Role.PARTNER: "police",
    Role.PERFORMANCE: "social_care",
}
PASSWORD = "correct horse battery staple"


@dataclass
class ServerDb:
    """A database after `server init`, the owner's desk and one server login per role."""

    url: str
    owner: Desk
    clock: FixedClock
    logins: dict[Role, str] = field(default_factory=dict)
    actors: dict[Role, Actor] = field(default_factory=dict)
    opened: list[Desk] = field(default_factory=list)
    # More people than one per role (several partner agencies), dropped with the rest.
    extra_logins: list[str] = field(default_factory=list)

    @property
    def database(self) -> str:
        """Return the database name."""
        return make_url(self.url).database or ""

    def login_url(self, login: str, password: str | None = None) -> str:
        """Return the URL that connects as ``login`` over verified TLS.

        The password is ``password`` if given, else the owner's own for the owner's login and
        :data:`PASSWORD` for everyone else (every person login is made with it).
        """
        owner_url = make_url(self.url)
        if password is None:
            password = owner_url.password if login == owner_url.username else PASSWORD
        return owner_url.set(username=login, password=password).render_as_string(
            hide_password=False
        )

    def libpq_params(self, login: str) -> dict[str, Any]:
        """Return ``psycopg.connect`` keywords connecting as ``login`` (as :meth:`login_url`)."""
        url = make_url(self.login_url(login))
        return {
            "host": url.host,
            "port": url.port,
            "dbname": url.database,
            "user": url.username,
            "password": url.password,
            **url.query,
        }

    def desk_as(self, role: Role) -> tuple[Desk, Actor]:
        """Open a desk connected as ``role``'s login and sign in as its person."""
        desk = Desk.open(self.login_url(self.logins[role]), self.clock)
        self.opened.append(desk)
        return desk, desk.users.sign_in_server()

    @contextmanager
    def raw(self, login: str) -> Iterator[Connection]:
        """Yield a plain connection as ``login`` (autocommit: each statement stands alone)."""
        engine = make_engine(self.login_url(login))
        try:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                yield conn
        finally:
            engine.dispose()

    def add_person(self, role: Role, agency: str, name: str) -> tuple[str, Actor]:
        """Create one more person with a server login; return the login and their Actor."""
        login = f"{name}.{self.database.rsplit('_', 1)[-1]}.{self.database.split('_')[2]}"
        actor = self.owner.users.create(
            self.owner.users.system_actor(),
            username=login,
            display_name=f"Test {name}",
            role=role,
            agency_code=agency,
            password=PASSWORD,
            team="MASH team A",
            server_login=True,
        ).value
        self.extra_logins.append(login)
        return login, actor

    def desk_of(self, login: str) -> tuple[Desk, Actor]:
        """Open a desk connected as ``login`` and sign in as its person."""
        desk = Desk.open(self.login_url(login), self.clock)
        self.opened.append(desk)
        return desk, desk.users.sign_in_server()

    def group(self, role: Role) -> str:
        """Return the group role of ``role`` in this database."""
        return group_name(self.database, role)


def make_server_db(
    templates: dict[str, str],
    pg_server: postgres.PgServer | None,
    tmp_path: Path,
    clock: FixedClock,
) -> ServerDb:
    """Create a fresh database, run `server init` on it and create one login per role."""
    from tests.conftest import fresh_database_url

    url = fresh_database_url("postgresql", templates, pg_server, tmp_path)
    engine = make_engine(url)
    init_server(engine)
    engine.dispose()
    made = ServerDb(url, Desk.open(url, clock), clock)
    system = made.owner.users.system_actor()
    made.owner.thresholds.store_shipped(system)
    number = made.database.rsplit("_", 1)[-1]
    for role, agency in PEOPLE.items():
        login = f"{role.value}.{number}.{made.database.split('_')[2]}"
        made.logins[role] = login
        made.actors[role] = made.owner.users.create(
            system,
            username=login,
            display_name=f"Test {role.label}",
            role=role,
            agency_code=agency,
            password=PASSWORD,
            team="MASH team A",
            server_login=True,
        ).value
    return made


def drop_logins(made: ServerDb) -> None:
    """Close the desks and drop the logins (roles outlive databases on a cluster)."""
    for desk in made.opened:
        desk.close()
    made.owner.close()
    engine = make_engine(made.url)
    with engine.begin() as conn:
        for login in [*made.logins.values(), *made.extra_logins]:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :l"),
                {"l": login},
            )
            conn.execute(text(f'DROP OWNED BY "{login}"'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
    engine.dispose()


@pytest.fixture
def server_db(templates, pg_server, tmp_path, clock) -> Iterator[ServerDb]:
    """A fresh database after `server init`, with one server login per MASH Desk role."""
    made = make_server_db(templates, pg_server, tmp_path, clock)
    yield made
    drop_logins(made)


def act_as_groups(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every service unit on ``desk`` under its actor's group role (``SET LOCAL ROLE``).

    With ``MASH_DESK_TEST_AS_GROUPS=1`` the whole service suite runs this way on PostgreSQL:
    each service call then has exactly the table privileges its user's login would have, so a
    grant missing from ``storage.server.GRANTS`` fails the test that needs it.
    """
    from mash_desk.services.context import Service

    init_server(desk.db.engine)
    desk.thresholds.store_shipped(desk.users.system_actor())
    database = desk.db.engine.url.database or ""
    original = Service._unit

    def _unit(self, conn, actor, permission, role=None):  # type: ignore[no-untyped-def]
        code = conn.execute(
            text("SELECT role_code FROM users WHERE id = :i"), {"i": actor.user_id}
        ).scalar()
        if code is not None:
            # Row security names the person from ``mash.user_id`` when the session's own login
            # owns the database (storage/server_policies.py), as a person's login would be.
            conn.execute(
                text("SELECT set_config('mash.user_id', :i, true)"), {"i": str(actor.user_id)}
            )
            conn.exec_driver_sql(f'SET LOCAL ROLE "{group_name(database, Role(code))}"')
        return original(self, conn, actor, permission, role)

    monkeypatch.setattr(Service, "_unit", _unit)
