"""The databases the screens are timed on: SQLite (SQLCipher) files and a PostgreSQL cluster.

SQLite: the cached ``history-{years}y`` files of :func:`benchmarks.harness.build` (seed 7,
history ending at ``END``), copied for each run so writes never touch the cache. The desks
sign in as the demo users (``actor_for``), as the demo desk does.

PostgreSQL: a throwaway TLS cluster (``tests/support/postgres.py``, as the test session and
``benchmarks.desks`` start one), one database per history size holding the rows of the cached
SQLite history of that size (copied by :mod:`benchmarks.pg_copy`: generating again on the
server cost 2–3 minutes per year), ``server init`` run on it (the row policies, the audit
triggers and the access-log function every shared server has), and one server login per
role: the desks connect as those logins and sign in as a server desk does. Nothing on
PostgreSQL outlives the run (the cluster is removed).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks.harness import END, build, copy_database
from benchmarks.rawsql import Raw
from benchmarks.screens import ROLES, Seat
from mash_desk.domain.clock import FixedClock
from mash_desk.domain.enums import Role
from mash_desk.domain.matching import name_key
from mash_desk.services.desk import Desk

DEMO_LOGINS = {"practitioner": "demo.practitioner", "chair": "demo.chair", "police": "demo.police"}
SERVER_LOGINS = {
    "practitioner": ("bench.practitioner", Role.PRACTITIONER, "social_care"),
    "chair": ("bench.chair", Role.CHAIR, "social_care"),
    "police": ("bench.police", Role.PARTNER, "police"),
}
PASSWORD = "bench-synthetic-Password-1"
BACKLOG = 2000


@dataclass
class Target:
    """One database to time on: how each role's desk connects to it."""

    engine: str
    years: float
    urls: dict[str, str]
    """Role → URL (SQLite: the same file for every role)."""
    demo_users: dict[str, str] = field(default_factory=dict)
    """Role → demo username (SQLite); empty on a server, where the login says who."""
    stored: Path | None = None
    """The file (SQLite) or cluster folder (PostgreSQL) holding the data: dropped from the
    OS cache before each first-touch start (``benchmarks.waits``). Not sent to probes."""

    @property
    def label(self) -> str:
        """``sqlite/10y``."""
        return f"{self.engine}/{self.years:g}y"

    def as_json(self) -> dict[str, Any]:
        """What a probe process needs to open the same desks."""
        return {
            "engine": self.engine,
            "years": self.years,
            "urls": self.urls,
            "demo_users": self.demo_users,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Target:
        """The inverse of :meth:`as_json`."""
        return cls(data["engine"], data["years"], data["urls"], data["demo_users"])


def open_desk(target: Target, role: str) -> tuple[Desk, Any]:
    """Open ``role``'s desk on ``target`` and sign in as the desk would."""
    desk = Desk.open(target.urls[role], FixedClock(END))
    if target.demo_users:
        return desk, desk.users.actor_for(target.demo_users[role])
    return desk, desk.users.sign_in_server()


def open_seats(target: Target) -> dict[str, Seat]:
    """One seat per role."""
    seats = {}
    for role in ROLES:
        desk, actor = open_desk(target, role)
        seats[role] = Seat(desk, actor, Raw(desk, actor.user_id))
    return seats


def sqlite_target(years: int, folder: Path, rebuild: bool = False) -> Target:
    """A fresh working copy of the cached ``years`` history."""
    work = folder / f"screens-{years}y.sqlite3"
    copy_database(build(years, rebuild), work)
    url = f"sqlite:///{work}"
    return Target("sqlite", years, dict.fromkeys(ROLES, url), dict(DEMO_LOGINS), work)


class PgCluster:
    """A throwaway cluster holding one database per history size."""

    def __init__(self, server: Any = None) -> None:
        """Start a cluster, or use ``server`` (a started ``PgServer``: the tests' own)."""
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from tests.support import postgres

        self.server = server or postgres.start()

    def target(self, years: float, source: Path | None = None) -> Target:
        """Create a database holding the SQLite ``years`` history, initialise it.

        ``source``: the SQLite history to copy (default: the cached one of that size).
        """
        from sqlalchemy import create_engine, text

        from benchmarks.pg_copy import load_history
        from mash_desk.storage.database import make_engine
        from mash_desk.storage.server import init_server

        name = f"mash_bench_{str(years).replace('.', '_')}y"
        admin = create_engine(self.server.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
        admin.dispose()
        owner_url = self.server.url(name)
        if source is None:
            # build() takes whole years; a fraction (--pg-sizes 0.5) builds its own cache file.
            source = build(int(years) if float(years).is_integer() else years)  # type: ignore[arg-type]
        started = time.perf_counter()
        # History first, then ``server init``: loaded under the server's change-audit
        # triggers, every history row would also write a chained server audit row (one
        # year had not loaded after nine minutes here). The history then holds what SQLite's
        # holds; the desks' and the floors' own writes run under the triggers, row policies
        # and access-log function. Copied rather than generated again (benchmarks.pg_copy).
        load_history(source, owner_url)
        owner = Desk.open(owner_url, FixedClock(END))
        try:
            owner.thresholds.store_shipped(owner.users.system_actor())
        finally:
            owner.close()
        engine = make_engine(owner_url)
        init_server(engine)
        engine.dispose()
        self._create_logins(owner_url)
        print(
            f"  PostgreSQL {years:g}y loaded in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
        urls = {
            role: self.server.login_url(name, login, PASSWORD)
            for role, (login, _r, _a) in SERVER_LOGINS.items()
        }
        return Target("postgresql", years, urls, stored=self.server.root)

    @staticmethod
    def _create_logins(owner_url: str) -> None:
        """One server login per role, created by the owner as ``user create`` does."""
        owner = Desk.open(owner_url, FixedClock(END))
        try:
            system = owner.users.system_actor()
            for login, role, agency in SERVER_LOGINS.values():
                owner.users.create(
                    system,
                    username=login,
                    display_name=login.replace(".", " ").title(),
                    role=role,
                    agency_code=agency,
                    password=PASSWORD,
                    team="MASH Team A" if role is not Role.PARTNER else None,
                    server_login=True,
                )
        finally:
            owner.close()

    def stop(self) -> None:
        """Stop the cluster and remove its files."""
        self.server.stop()


def build_backlog(seat: Seat, count: int = BACKLOG) -> int:
    """Add ``count`` open contacts (one new child each) to the queue; return the open total.

    Written by hand-written SQL in one transaction (untimed set-up, so no audit rows): the
    queue reads contacts, children and their RAG, none of the audit trail. Deadlines spread
    over the coming days so the backlog interleaves with the history's own open work.
    """
    raw = seat.raw
    now = seat.desk.ctx.clock.now()
    raw.begin()
    for n in range(count):
        contact = raw.insert(
            "INSERT INTO contacts (received_at, channel, referrer_name, referral_source, "
            "concerns, created_by, created_at, version) VALUES (:at, 'phone', 'Backlog', '2A', "
            "'Backlog concern for the scroll benchmark.', :u, :at, 1)",
            {"at": raw.ts(now - timedelta(hours=1 + n % 48)), "u": raw.user_id},
        )
        given = "Backlog" + "".join(chr(ord("a") + int(d)) for d in str(n))
        person = raw.insert(
            "INSERT INTO people (kind, given_name, family_name, given_key, family_key, "
            "date_of_birth, sex, interpreter_needed, disability, created_at, version) VALUES "
            "('child', :g, 'Queue', :gk, :fk, :dob, 'unknown', :f, :f, :at, 1)",
            {
                "g": given,
                "gk": name_key(given),
                "fk": name_key("Queue"),
                "f": False,
                "dob": raw.day(END.date() - timedelta(days=2000 + n)),
                "at": raw.ts(now),
            },
        )
        cc = raw.insert(
            "INSERT INTO contact_children (contact_id, person_id, status, rag, due_at, version) "
            "VALUES (:c, :p, 'open', 'amber', :due, 1)",
            {"c": contact, "p": person, "due": raw.ts(now + timedelta(minutes=7 * n))},
        )
        raw.insert(
            "INSERT INTO rag_ratings (contact_child_id, value, reason, rated_by, rated_at) "
            "VALUES (:cc, 'amber', 'Backlog', :u, :at)",
            {"cc": cc, "u": raw.user_id, "at": raw.ts(now)},
        )
    raw.commit()
    return int(
        raw.one(
            "SELECT (SELECT count(*) FROM contact_children WHERE status = 'open') + "
            "(SELECT count(*) FROM referrals WHERE status = 'awaiting_decision')"
        )[0]
    )
