"""Start and stop a throwaway PostgreSQL cluster for the test session (platform.md recipe)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass
class PgServer:
    """A running throwaway cluster."""

    root: Path
    bin_dir: Path
    port: int
    as_user: str | None

    @property
    def admin_url(self) -> str:
        """Return the URL of the maintenance database."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        """Return the URL of one database on this server."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        """Stop the server and delete its files."""
        _run(
            self,
            [
                str(self.bin_dir / "pg_ctl"),
                "-D",
                str(self.root / "data"),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        )
        shutil.rmtree(self.root, ignore_errors=True)


def _run(server_or_user: PgServer | str | None, cmd: list[str]) -> None:
    user = server_or_user.as_user if isinstance(server_or_user, PgServer) else server_or_user
    if user:
        cmd = ["runuser", "-u", user, "--", *cmd]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_bin() -> Path | None:
    """Return the newest PostgreSQL bin directory on this machine, if any."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
    )
    for candidate in reversed(candidates):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    return None


def start() -> PgServer:
    """Start a cluster on a free loopback port; raise RuntimeError saying why if it cannot."""
    bin_dir = find_bin()
    if bin_dir is None:
        raise RuntimeError("no PostgreSQL server binaries (apt-get install postgresql)")
    as_user = None
    if os.geteuid() == 0:
        # initdb and postgres refuse to run as root.
        try:
            pwd.getpwnam("postgres")
        except KeyError as exc:
            raise RuntimeError("running as root and there is no 'postgres' user") from exc
        as_user = "postgres"
    root = Path(tempfile.mkdtemp(prefix="mash-desk-pg-"))
    if as_user:
        shutil.chown(root, as_user)
    port = _free_port()
    server = PgServer(root, bin_dir, port, as_user)
    try:
        _run(
            as_user,
            [
                str(bin_dir / "initdb"),
                "-D",
                str(root / "data"),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "-N",
            ],
        )
        _run(
            as_user,
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(root / "data"),
                "-l",
                str(root / "log"),
                "-w",
                "-o",
                f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off",
                "start",
            ],
        )
    except (subprocess.CalledProcessError, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(
            f"could not start PostgreSQL: {exc} {detail.decode(errors='replace')[-500:]}"
        ) from exc
    return server
