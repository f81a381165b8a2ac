"""A cluster of a test's own, which the test may stop and start again (the server "lost").

The session cluster (``tests.support.postgres``) is shared by every test and must never stop;
a test about a lost server starts one of its own with the same ``start()`` and stops it with
``pg_ctl -m fast`` (what an administrator's restart does: sessions are told and cut off).
It starts again with the very options it first ran with, read back from the server's own
``postmaster.opts``, so TLS or other settings of ``start()`` carry over.
"""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

from mash_desk.domain.clock import FixedClock
from mash_desk.storage.database import Database
from tests.support import postgres
from tests.support.server import ServerDb, drop_logins, make_server_db


def _pg_ctl(server: postgres.PgServer, *args: str) -> None:
    cmd = [str(server.bin_dir / "pg_ctl"), "-D", str(server.root / "data"), *args]
    if server.as_user:
        cmd = ["runuser", "-u", server.as_user, "--", *cmd]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)


def _options(server: postgres.PgServer) -> str:
    """The command-line options the running server was started with (without -D)."""
    words = shlex.split((server.root / "data" / "postmaster.opts").read_text())[1:]
    kept: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word == "-D":
            skip = True
        else:
            kept.append(word)
    return shlex.join(kept)


class Restartable:
    """A running cluster of one test's own, with a server-init'ed database on it."""

    def __init__(self, server: postgres.PgServer):
        """Remember how ``server`` was started, to start it again the same way."""
        self.server = server
        self._options = _options(server)

    def stop_fast(self) -> None:
        """Stop the server as an administrator would: sessions are cut off at once."""
        _pg_ctl(self.server, "-m", "fast", "-w", "stop")

    def start_again(self) -> None:
        """Start the server again on the same data directory and port."""
        log = str(self.server.root / "log")
        _pg_ctl(self.server, "-l", log, "-w", "-o", self._options, "start")


@contextmanager
def own_server_db(tmp_path: Path, clock: FixedClock) -> Iterator[tuple[Restartable, ServerDb]]:
    """A cluster of the test's own with a database after `server init` and its logins."""
    server = postgres.start()
    try:
        engine = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("CREATE DATABASE mash_template"))
        engine.dispose()
        Database(server.url("mash_template")).close()
        made = make_server_db({"postgresql": "mash_template"}, server, tmp_path, clock)
        try:
            yield Restartable(server), made
        finally:
            drop_logins(made)
    finally:
        server.stop()
