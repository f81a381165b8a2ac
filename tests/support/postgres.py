"""Start and stop throwaway PostgreSQL clusters for tests and benchmarks (platform.md recipe).

Each cluster is set up the way a council's shared server must be (issue 13, item 6):

* TLS on, with a server certificate for ``localhost`` signed by a throwaway CA
  (:mod:`tests.support.tls`; made once per process, shared by every cluster it starts);
* ``pg_hba.conf`` with exactly three lines: ``local all all trust`` (the socket in the
  cluster's own folder, for pg_ctl), ``hostssl all all 127.0.0.1/32 scram-sha-256``, and
  ``hostnossl all all all reject`` — so no connection without TLS or without a password;
* the owner ``postgres`` with a random password, set by initdb (``--pwfile``).

Every URL handed out dials ``localhost`` (the certificate's name) with the password and
``sslmode=verify-full&sslrootcert=<ca>``.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

from tests.support.tls import SERVER_NAME, Certificates, make_certificates

OWNER = "postgres"
_HBA = """\
# Written by tests/support/postgres.py: TLS and a password, or nothing.
local     all  all                 trust
hostssl   all  all  127.0.0.1/32   scram-sha-256
hostnossl all  all  all            reject
"""
# Speed over durability: a throwaway cluster's data never needs to survive a power cut.
_FAST = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
_certificates: Certificates | None = None


@dataclass
class PgServer:
    """A throwaway cluster (running after :func:`start`).

    Attributes:
        root: the cluster's folder (data, log, socket).
        bin_dir: the PostgreSQL programs.
        port: the TCP port on 127.0.0.1.
        as_user: the user the server runs as (``postgres`` when the tests run as root).
        owner_password: the password of the owner role ``postgres``.
        ca_file: the CA certificate clients pass as ``sslrootcert``.
        settings: the ``-c`` settings the server was started with.
    """

    root: Path
    bin_dir: Path
    port: int
    as_user: str | None
    owner_password: str
    ca_file: Path
    settings: dict[str, str] = field(default_factory=dict)

    @property
    def admin_url(self) -> str:
        """Return the owner's URL of the maintenance database."""
        return self.url("postgres")

    @property
    def host(self) -> str:
        """Return the host name every client dials (the name in the server certificate)."""
        return SERVER_NAME

    @property
    def tls_query(self) -> dict[str, str]:
        """Return the URL query that makes a client verify the server fully."""
        return {"sslmode": "verify-full", "sslrootcert": str(self.ca_file)}

    def url(self, database: str) -> str:
        """Return the owner's URL of one database on this server."""
        return self.login_url(database, OWNER, self.owner_password)

    def login_url(self, database: str, login: str, password: str) -> str:
        """Return the URL that connects to ``database`` as ``login`` with ``password``."""
        credentials = f"{quote(login, safe='')}:{quote(password, safe='')}"
        return (
            f"postgresql+psycopg://{credentials}@{SERVER_NAME}:{self.port}/"
            f"{quote(database, safe='')}?{urlencode(self.tls_query)}"
        )

    def conninfo(self, database: str = "postgres", **overrides: str) -> dict[str, str]:
        """Return libpq keywords for ``psycopg.connect(**...)`` as the owner; ``overrides`` win."""
        return {
            "host": SERVER_NAME,
            "port": str(self.port),
            "dbname": database,
            "user": OWNER,
            "password": self.owner_password,
            **self.tls_query,
            **overrides,
        }

    def stop(self, *, keep_data: bool = False) -> None:
        """Stop the server at once; delete its files unless ``keep_data``.

        Stopped with ``keep_data``, :meth:`start_again` brings it back on the same port.
        """
        try:
            self._pg_ctl("-m", "immediate", "-w", "stop")
        except subprocess.CalledProcessError:
            # Already stopped (a test that stopped it failed before starting it again).
            if self.running:
                raise
        if not keep_data:
            _remove_in_background(self.root)

    def start_again(self) -> None:
        """Start a server stopped with ``stop(keep_data=True)``, on the same port."""
        self._pg_ctl("-l", str(self.root / "log"), "-w", "-o", self._options(), "start")

    def restart(self) -> None:
        """Stop the server (dropping every connection) and start it again."""
        self.stop(keep_data=True)
        self.start_again()

    @property
    def running(self) -> bool:
        """Return whether the server is up (``pg_ctl status``)."""
        cmd = self._as_user([str(self.bin_dir / "pg_ctl"), "-D", str(self.root / "data"), "status"])
        return subprocess.run(cmd, capture_output=True, timeout=60).returncode == 0

    def _options(self) -> str:
        certificates = _session_certificates(self.as_user)
        settings = {
            "listen_addresses": "127.0.0.1",
            "ssl": "on",
            "ssl_cert_file": str(certificates.cert_file),
            "ssl_key_file": str(certificates.key_file),
            **_FAST,
            **self.settings,
        }
        pairs = " ".join(f"-c {name}={value}" for name, value in settings.items())
        return f"-p {self.port} -k {self.root} {pairs}"

    def _pg_ctl(self, *args: str) -> None:
        _run(self.as_user, [str(self.bin_dir / "pg_ctl"), "-D", str(self.root / "data"), *args])

    def _as_user(self, cmd: list[str]) -> list[str]:
        return ["runuser", "-u", self.as_user, "--", *cmd] if self.as_user else cmd


def _remove_in_background(folder: Path) -> None:
    """Delete ``folder`` without waiting for it.

    The session's cluster holds one database per test: after the services tests on
    PostgreSQL alone it held over 50,000 files, and deleting them outlasted pytest's 300 s
    timeout, which counts the session's teardown, on a busy machine.
    """
    subprocess.Popen(
        ["rm", "-rf", "--", str(folder)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _run(user: str | None, cmd: list[str]) -> None:
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


def _session_certificates(as_user: str | None) -> Certificates:
    """Return this process's CA and server certificate, making them on first use."""
    global _certificates
    if _certificates is None:
        folder = Path(tempfile.mkdtemp(prefix="mash-desk-tls-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _certificates = make_certificates(folder, as_user)
    return _certificates


def _server_user() -> str | None:
    if os.geteuid() != 0:
        return None
    # initdb and postgres refuse to run as root.
    try:
        pwd.getpwnam(OWNER)
    except KeyError as exc:
        raise RuntimeError("running as root and there is no 'postgres' user") from exc
    return OWNER


def _initdb(server: PgServer) -> None:
    password_file = server.root / "owner-password"
    password_file.write_text(server.owner_password + "\n", encoding="utf-8")
    password_file.chmod(0o600)
    if server.as_user:
        shutil.chown(password_file, server.as_user)
    try:
        _run(
            server.as_user,
            [
                str(server.bin_dir / "initdb"),
                "-D", str(server.root / "data"),
                "-U", OWNER,
                f"--pwfile={password_file}",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E", "UTF8",
                "--locale=C.UTF-8",
                "-N",
            ],
        )  # fmt: skip
    finally:
        password_file.unlink(missing_ok=True)
    hba = server.root / "data" / "pg_hba.conf"
    hba.write_text(_HBA, encoding="utf-8")
    if server.as_user:
        shutil.chown(hba, server.as_user)


def start(
    settings: Mapping[str, str] | None = None, *, owner_password: str | None = None
) -> PgServer:
    """Start a TLS-only cluster on a free loopback port; raise RuntimeError saying why not.

    Args:
        settings: extra server settings (``-c name=value``), e.g.
            ``{"default_transaction_read_only": "on"}`` for a server that acts as a standby.
        owner_password: the owner's password (default: a new random one). Two clusters
            standing for a primary and its standby share one, as replicas share their roles.
    """
    bin_dir = find_bin()
    if bin_dir is None:
        raise RuntimeError("no PostgreSQL server binaries (apt-get install postgresql)")
    as_user = _server_user()
    certificates = _session_certificates(as_user)
    root = Path(tempfile.mkdtemp(prefix="mash-desk-pg-"))
    if as_user:
        shutil.chown(root, as_user)
    server = PgServer(
        root,
        bin_dir,
        _free_port(),
        as_user,
        owner_password=owner_password or secrets.token_urlsafe(18),
        ca_file=certificates.ca_file,
        settings=dict(settings or {}),
    )
    try:
        _initdb(server)
        server.start_again()
    except (subprocess.CalledProcessError, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        log = (root / "log").read_text(errors="replace")[-500:] if (root / "log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(
            f"could not start PostgreSQL: {exc} {detail.decode(errors='replace')[-500:]} {log}"
        ) from exc
    return server
