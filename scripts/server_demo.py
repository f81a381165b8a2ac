"""The shared-server demo's heavy lifting (``scripts/run-server-demo.sh`` runs it).

Starts a throwaway PostgreSQL cluster in a private folder on a free loopback port, runs
``mash-desk server init``, gives every demo user a server login, loads the demo history and
opens two desks side by side — the MASH practitioner on the left, the police rep on the
right — each signed in with its own login, so anyone can watch row-level isolation and live
refresh. The cluster is stopped and its folder deleted when both windows close.

Synthetic data and throwaway passwords only. No TLS: the cluster listens on 127.0.0.1 alone
(platform.md, "PostgreSQL as a shared server", has the TLS recipe a real server needs).
"""

from __future__ import annotations

import argparse
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DATABASE = "mash_demo"
# One throwaway password for every demo login: the cluster lives for one demo on loopback.
DEMO_SERVER_PASSWORD = "demo-server-password"
# The server checks people's passwords (SCRAM); the owner, who sets the database up over the
# loopback or the socket, is trusted, as it would be on the server's own console.
PG_HBA = """\
local all all trust
host all postgres 127.0.0.1/32 trust
host all all 127.0.0.1/32 scram-sha-256
"""
# The history is short because loading it on a server is slow: every audit row passes the
# hash-chain trigger (about 17 s for 0.1 years here, against 4 s a year on SQLite).
DEMO_YEARS = 0.25
LEFT_DESK = "demo.practitioner"
RIGHT_DESK = "demo.police"


@dataclass
class Cluster:
    """A running throwaway cluster in ``root``."""

    root: Path
    bin_dir: Path
    port: int
    as_user: str | None

    def url(self, login: str = "postgres", database: str = DATABASE) -> str:
        """Return the URL that connects as ``login`` over the loopback (no password in it)."""
        return f"postgresql://{login}@127.0.0.1:{self.port}/{database}"

    def run(self, cmd: list[str]) -> None:
        """Run a PostgreSQL program, as the ``postgres`` user when we are root."""
        if self.as_user:
            cmd = ["runuser", "-u", self.as_user, "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def stop(self) -> None:
        """Stop the server (if it runs) and delete its folder."""
        if (self.root / "data" / "postmaster.pid").exists():
            try:
                pg_ctl = str(self.bin_dir / "pg_ctl")
                self.run([pg_ctl, "-D", str(self.root / "data"), "-m", "fast", "-w", "stop"])
            except subprocess.CalledProcessError:
                pass
        shutil.rmtree(self.root, ignore_errors=True)


def _bin_dir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if not found:
        raise SystemExit("run-server-demo: no PostgreSQL server (apt-get install postgresql)")
    return found[-1].parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_cluster(root: Path) -> Cluster:
    """Create and start a cluster in ``root`` (initdb and postgres refuse to run as root)."""
    as_user = None
    if os.geteuid() == 0:
        pwd.getpwnam("postgres")  # KeyError: no postgres user to run the server as
        as_user = "postgres"
        shutil.chown(root, as_user)
        root.chmod(0o700)
    cluster = Cluster(root, _bin_dir(), _free_port(), as_user)
    data = root / "data"
    cluster.run(
        [str(cluster.bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"]
        + ["-E", "UTF8", "--locale=C.UTF-8", "-N"]
    )
    hba = data / "pg_hba.conf"
    hba.write_text(PG_HBA)
    cluster.run(
        [str(cluster.bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w"]
        + ["-o", f"-p {cluster.port} -k {root} -c listen_addresses=127.0.0.1", "start"]
    )
    return cluster


def _mash_desk(*args: str, stdin: str | None = None) -> None:
    """Run one ``mash-desk`` verb as the reader would type it; stop the demo if it fails."""
    cmd = [sys.executable, "-m", "mash_desk", *args]
    print("$ mash-desk " + " ".join(args), flush=True)
    done = subprocess.run(cmd, input=stdin, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"run-server-demo: mash-desk {args[0]} failed ({done.returncode})")


def prepare(cluster: Cluster, years: float) -> None:
    """Create the database, run ``server init``, add the demo logins, load the history."""
    import psycopg

    from mash_desk.services.desk import Desk
    from mash_desk.synthetic.users import DEMO_USERS, demo_display_names

    with psycopg.connect(cluster.url(database="postgres"), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {DATABASE}")
    url = cluster.url()
    _mash_desk("server", "init", "--database", url)
    # Logins first: the history then acts as these people (existing demo users are kept).
    # What `mash-desk user add NAME --role ROLE --agency CODE --password-stdin` does, for all
    # twenty in one process instead of twenty.
    print(f"$ mash-desk user add ... --database {url}   (x{len(DEMO_USERS)})", flush=True)
    names = demo_display_names()
    desk = Desk.open(url)
    try:
        system = desk.users.system_actor()
        for user in DEMO_USERS:
            desk.users.create(
                system,
                username=user.username,
                display_name=names[user.username],
                role=user.role,
                agency_code=user.agency,
                password=DEMO_SERVER_PASSWORD,
                team=user.team,
                server_login=True,
            )
    finally:
        desk.close()
    _mash_desk("demo", "--years", str(years), "--database", url)


def open_desk(cluster: Cluster, login: str, side: str, smoke_test: bool) -> subprocess.Popen:
    """Start one desk signed in as ``login``; the password travels in its environment only."""
    env = dict(os.environ, MASH_DESK_SERVER_PASSWORD=DEMO_SERVER_PASSWORD)
    cmd = [sys.executable, "-m", "mash_desk", "--database", cluster.url(login)]
    cmd += ["--window-side", side] + (["--smoke-test"] if smoke_test else [])
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE if smoke_test else None, text=True)


def run(root: Path, years: float, smoke_test: bool) -> int:
    """Set the demo up in ``root``, open both desks, wait for them; return the exit status."""
    cluster = start_cluster(root)
    # A Ctrl+C or a closed terminal still stops the server (the shell's trap is the backstop).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        started = time.monotonic()
        prepare(cluster, years)
        print(f"Server ready in {time.monotonic() - started:.0f} s on port {cluster.port}")
        desks = {
            LEFT_DESK: open_desk(cluster, LEFT_DESK, "left", smoke_test),
            RIGHT_DESK: open_desk(cluster, RIGHT_DESK, "right", smoke_test),
        }
        failed = False
        for login, desk in desks.items():
            out, _ = desk.communicate()
            if smoke_test:
                ok = desk.returncode == 0 and "ready" in (out or "").split()
                print(f"{login}: {'ready' if ok else f'NOT ready (exit {desk.returncode})'}")
                failed = failed or not ok
        return 1 if failed else 0
    finally:
        cluster.stop()


def main() -> int:
    """Parse the options and run the demo."""
    parser = argparse.ArgumentParser(prog="run-server-demo.sh")
    parser.add_argument("--root", type=Path, help="an empty private folder for the cluster")
    parser.add_argument(
        "--years",
        type=float,
        default=DEMO_YEARS,
        help=f"years of demo history (default {DEMO_YEARS})",
    )
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="set up, open both desks, check each reaches its queue, exit 0",
    )
    args = parser.parse_args()
    root = args.root or Path(tempfile.mkdtemp(prefix="mash-desk-server-demo-"))
    return run(root, args.years, args.smoke_test)


if __name__ == "__main__":
    sys.exit(main())
