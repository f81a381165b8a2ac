"""Connection profiles for shared PostgreSQL servers, with passwords kept in the OS keyring.

A profile names a server (host, port, database, user) and lives in a small JSON file in the
user's config folder. It may also name the CA certificate that signed the server's certificate
(then the connection verifies the server fully, ``sslmode=verify-full``, unless the profile
says otherwise), and may list several hosts — a primary and its standbys — of which libpq
picks the one that accepts writes (``target_session_attrs=read-write``), so a desk signs in
to the new primary after a failover without anyone editing its profile.

The password never goes into that file, a log or an error message: it is kept by the
operating system's keyring through :mod:`keyring` (Secret Service, macOS Keychain, Windows
Credential Locker). Where no keyring backend is available the client says so and asks for the
password each time — there is deliberately no plaintext fallback, which is also why
``keyrings.alt`` must never be installed (it makes a plaintext file the default).

No Qt here: the sign-in dialog calls this module through its task runner, because a keyring
call may block (a D-Bus round trip, an unlock prompt).
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import keyring
import keyring.backend
import keyring.errors
import platformdirs
from keyring.backends import chainer, fail

from mash_desk.domain.errors import FieldError, MashDeskError, ValidationError
from mash_desk.domain.text import clean_short
from mash_desk.paths import APP_NAME

log = logging.getLogger(__name__)

KEYRING_SERVICE = "mash-desk"
DEFAULT_PORT = 5432
# libpq's sslmode values; None leaves libpq's own default ("prefer"), or VERIFIED_SSL_MODE
# when the profile names a CA certificate.
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
# With a CA certificate given, check the chain and that the certificate names the host dialled:
# the only mode that stops a machine in the middle (libpq docs, "SSL Support", table 34.1).
VERIFIED_SSL_MODE = "verify-full"
# With several hosts, connect only to one that accepts writes: after a failover the old
# primary (if it comes back as a standby) is read-only and the promoted standby is not.
FAILOVER_SESSION_ATTRS = "read-write"
# libpq (16+) takes this instead of a file: the operating system's trusted CAs.
SYSTEM_CAS = "system"
# libpq reads sslrootcert with OpenSSL's PEM loader: a DER file or a key would fail only at
# sign-in, with a message about SSL; say so when the profile is saved instead.
_PEM_CERTIFICATE = b"-----BEGIN CERTIFICATE-----"
# PostgreSQL cuts identifiers at 63 bytes (NAMEDATALEN - 1): a longer name would silently
# address a different database or role.
PG_IDENTIFIER_BYTES = 63
PROFILE_NAME_MAX = 60
# A slow or unreachable server must not leave the sign-in dialog waiting for minutes.
CONNECT_TIMEOUT_SECONDS = 10
_FILE_VERSION = 1

# Host names (RFC 1123 labels, also IPv4) or IPv6 literals, with or without brackets.
_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$"
)
_IPV6 = re.compile(r"^\[?[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\]?$")

NO_KEYRING_MESSAGE = "No system keyring is available; MASH Desk will ask for the password each time"
LOCKED_KEYRING_MESSAGE = (
    "The system keyring is locked; MASH Desk will ask for the password this time"
)


class KeyringUnavailable(MashDeskError):
    """No usable system keyring: the password must be typed (never stored elsewhere)."""

    def __init__(self, message: str = NO_KEYRING_MESSAGE):
        super().__init__(message)


class ProfileFileError(MashDeskError):
    """The profiles file cannot be read or written; the message names the file and why."""


@dataclass(frozen=True)
class Profile:
    """A named PostgreSQL server to sign in to. Holds no password.

    Attributes:
        name: what the sign-in dialog lists, e.g. "Council MASH server".
        host: host name or IP address of the server, or several separated by commas (a
            primary and its standbys; the desk connects to whichever accepts writes).
        port: TCP port (1–65535) of every host, or one per host as ``"5432,5433"``.
        database: database name on the server.
        user: PostgreSQL role to connect as.
        sslmode: libpq ``sslmode``, or None for libpq's default (``verify-full`` with a CA).
        sslrootcert: path of the CA certificate that signed the server's certificate, or
            ``system`` for the operating system's trusted CAs (a certificate from a public CA).
    """

    name: str
    host: str
    port: int | str
    database: str
    user: str
    sslmode: str | None = None
    sslrootcert: str | None = None

    @classmethod
    def checked(
        cls,
        *,
        name: str | None,
        host: str | None,
        port: int | str | None,
        database: str | None,
        user: str | None,
        sslmode: str | None = None,
        sslrootcert: str | None = None,
        check_files: bool = True,
    ) -> Profile:
        """Build a profile from typed values, raising every broken rule at once.

        Args:
            name: the profile's name (each value is trimmed here).
            host: see :class:`Profile`.
            port: see :class:`Profile`.
            database: see :class:`Profile`.
            user: see :class:`Profile`.
            sslmode: see :class:`Profile`.
            sslrootcert: see :class:`Profile`.
            check_files: check that the CA certificate file exists and is a certificate
                (False when loading saved profiles: a file moved since must not make the
                whole profiles file unreadable; signing in then says what is missing).

        Raises:
            ValidationError: with one :class:`FieldError` per broken rule, naming the field.
        """
        errors: list[FieldError] = []
        clean_name, problem = clean_short(name, "name", "Profile name", required=True)
        if problem is None and clean_name is not None and len(clean_name) > PROFILE_NAME_MAX:
            problem = FieldError(
                "name", "too_long", f"Profile name is longer than {PROFILE_NAME_MAX} characters"
            )
        errors += [problem] if problem else []
        hosts, problem = _hosts(host)
        errors += [problem] if problem else []
        ports, problem = _ports(port, len(hosts) or 1)
        errors += [problem] if problem else []
        if hosts and ports:
            errors += _repeated(hosts, ports)
        clean_db, problem = _identifier(database, "database", "Database name")
        errors += [problem] if problem else []
        clean_user, problem = _identifier(user, "user", "Database user")
        errors += [problem] if problem else []
        clean_ca, problem = _ca_file(sslrootcert, check_files)
        errors += [problem] if problem else []
        clean_ssl = (sslmode or "").strip() or None
        if clean_ssl is not None and clean_ssl not in SSL_MODES:
            errors.append(
                FieldError("sslmode", "choice", f"SSL mode must be one of: {', '.join(SSL_MODES)}")
            )
        if errors:
            raise ValidationError(errors)
        assert clean_name and hosts and ports and clean_db and clean_user
        if clean_ca is not None and clean_ssl is None:
            clean_ssl = VERIFIED_SSL_MODE
        return cls(
            clean_name,
            ",".join(hosts),
            ports[0] if len(ports) == 1 else ",".join(map(str, ports)),
            clean_db,
            clean_user,
            clean_ssl,
            clean_ca,
        )

    def errors(self) -> list[FieldError]:
        """Return the rules this profile breaks (none for one built by :meth:`checked`)."""
        return self._errors(check_files=True)

    def _errors(self, *, check_files: bool) -> list[FieldError]:
        try:
            Profile.checked(**asdict(self), check_files=check_files)
        except ValidationError as exc:
            return list(exc.errors)
        return []

    @property
    def hosts(self) -> tuple[str, ...]:
        """Return the host or hosts, in the order libpq tries them."""
        return tuple(self.host.split(","))

    @property
    def ports(self) -> tuple[int, ...]:
        """Return one port per host."""
        ports = tuple(int(p) for p in str(self.port).split(","))
        return ports * len(self.hosts) if len(ports) == 1 else ports

    @property
    def effective_sslmode(self) -> str | None:
        """Return the SSL mode connections use: verify-full when a CA is named and no mode."""
        return self.sslmode or (VERIFIED_SSL_MODE if self.sslrootcert else None)

    @property
    def failover(self) -> bool:
        """Return whether the profile lists several hosts (then only a writable one will do)."""
        return len(self.hosts) > 1

    @property
    def where(self) -> str:
        """Return the hosts and ports in words, e.g. ``db-a, port 5432`` (for messages)."""
        if not self.failover:
            return f"{self.host}, port {self.port}"
        return "; ".join(f"{h}, port {p}" for h, p in zip(self.hosts, self.ports, strict=True))

    @property
    def address(self) -> str:
        """Return ``user@host:port/database`` (hosts joined by commas): what the user sees."""
        places = ",".join(
            f"{_bracketed(h)}:{p}" for h, p in zip(self.hosts, self.ports, strict=True)
        )
        return f"{self.user}@{places}/{self.database}"

    @property
    def keyring_username(self) -> str:
        """Return the keyring entry's user name (service ``"mash-desk"``)."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def url(self, password: str | None) -> str:
        """Return the SQLAlchemy URL for this server, with ``password`` safely quoted.

        One host goes where a URL's host goes. Several go in the query as ``host=a,b`` with
        ``port=p1,p2`` (SQLAlchemy's psycopg dialect hands both to libpq as they are), with
        ``target_session_attrs=read-write``. The CA certificate and SSL mode go in the query
        too, and psycopg passes every query parameter to libpq.

        The result contains the password: pass it straight to the engine and never log it.
        """
        credentials = quote(self.user, safe="")
        if password is not None:
            credentials += ":" + quote(password, safe="")
        query: dict[str, str] = {"connect_timeout": str(CONNECT_TIMEOUT_SECONDS)}
        if self.failover:
            netloc = credentials + "@"
            query["host"] = self.host
            query["port"] = ",".join(str(p) for p in self.ports)
            query["target_session_attrs"] = FAILOVER_SESSION_ATTRS
        else:
            netloc = f"{credentials}@{_bracketed(self.host)}:{self.port}"
        if self.effective_sslmode:
            query["sslmode"] = self.effective_sslmode
        if self.sslrootcert:
            query["sslrootcert"] = self.sslrootcert
        return (
            f"postgresql+psycopg://{netloc}/{quote(self.database, safe='')}?"
            f"{urlencode(query, quote_via=quote, safe=',')}"
        )

    def __repr__(self) -> str:
        return f"Profile({self.name!r}, {self.address!r})"


def _identifier(value: str | None, field: str, label: str) -> tuple[str | None, FieldError | None]:
    text, problem = clean_short(value, field, label, required=True)
    if problem is None and text is not None and len(text.encode()) > PG_IDENTIFIER_BYTES:
        problem = FieldError(
            field, "too_long", f"{label} is longer than PostgreSQL's {PG_IDENTIFIER_BYTES} bytes"
        )
    return (None, problem) if problem else (text, None)


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _hosts(value: str | None) -> tuple[tuple[str, ...], FieldError | None]:
    """Split and check a host, or several separated by commas (as libpq takes them)."""
    text, problem = clean_short(value, "host", "Server host", required=True)
    if problem is not None or text is None:
        return (), problem
    hosts = tuple(part.strip() for part in text.split(","))
    for host in hosts:
        if not host:
            return (), FieldError(
                "host", "empty_entry", "Server host has an empty entry between commas"
            )
        if not (_HOSTNAME.match(host) or _IPV6.match(host)):
            return (), FieldError(
                "host",
                "characters",
                "Server host must be a host name or IP address (letters, digits, dots and "
                "hyphens), or several separated by commas"
                + ("" if len(hosts) == 1 else f": {host!r} is not"),
            )
    return tuple(host.strip("[]") for host in hosts), None


def _repeated(hosts: tuple[str, ...], ports: tuple[int, ...]) -> list[FieldError]:
    """Refuse a host and port listed twice (one host on two ports is two servers)."""
    pairs = list(zip(hosts, ports * len(hosts) if len(ports) == 1 else ports, strict=True))
    twice = next((pair for n, pair in enumerate(pairs) if pair in pairs[:n]), None)
    if twice is None:
        return []
    return [FieldError("host", "repeated", f"Server host lists {twice[0]} port {twice[1]} twice")]


def _ports(value: int | str | None, hosts: int) -> tuple[tuple[int, ...], FieldError | None]:
    """Check one port for every host, or one per host (``"5432,5433"``)."""
    text = "" if value is None else str(value).strip()
    if not text:
        return (), FieldError("port", "required", "Port is required")
    parts = [part.strip() for part in text.split(",")]
    for part in parts:
        if not part.isascii() or not part.isdigit():
            return (), FieldError("port", "number", "Port must be a whole number")
        if not 1 <= int(part) <= 65535:
            return (), FieldError("port", "range", "Port must be between 1 and 65535")
    if len(parts) not in {1, hosts}:
        return (), FieldError(
            "port",
            "count",
            f"Give one port for every host or one per host ({hosts} hosts, {len(parts)} ports)",
        )
    return tuple(int(part) for part in parts), None


def _ca_file(value: str | None, check_file: bool) -> tuple[str | None, FieldError | None]:
    """Check the CA certificate file: it must exist, be readable and hold a PEM certificate."""
    text = (value or "").strip()
    if not text:
        return None, None
    if text == SYSTEM_CAS:
        return text, None
    label = "CA certificate"
    if any(ord(c) < 32 for c in text):
        return None, FieldError(
            "sslrootcert", "control_characters", f"{label} path has control characters"
        )
    path = Path(text).expanduser()
    if not path.is_absolute():
        # libpq resolves a relative path from the process's working folder, which differs
        # between the desktop shortcut and a terminal.
        return None, FieldError("sslrootcert", "absolute", f"{label} must be a full path")
    if not check_file:
        return str(path), None
    if not path.is_file():
        return None, FieldError("sslrootcert", "missing", f"{label} file {path} does not exist")
    try:
        with path.open("rb") as handle:
            head = handle.read(64 * 1024)
    except OSError as exc:
        return None, FieldError(
            "sslrootcert", "unreadable", f"{label} file {path} cannot be read ({exc.strerror})"
        )
    if _PEM_CERTIFICATE not in head:
        return None, FieldError(
            "sslrootcert",
            "not_certificate",
            f"{label} file {path} is not a PEM certificate (-----BEGIN CERTIFICATE-----)",
        )
    return str(path), None


def default_profiles_path() -> Path:
    """Return ``mash-desk/profiles.json`` in the user's config folder (not created here)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "profiles.json"


class ProfileStore:
    """Server profiles in a JSON file, and their passwords in the system keyring.

    The file holds only what :class:`Profile` holds; there is no password field to fill.
    """

    def __init__(self, path: Path | str | None = None):
        """Use ``path`` for the profiles file (default: :func:`default_profiles_path`)."""
        self.path = Path(path) if path is not None else default_profiles_path()

    # -- profiles ---------------------------------------------------------------------------

    def load(self) -> list[Profile]:
        """Return the saved profiles, sorted by name (none when the file does not exist yet).

        Raises:
            ProfileFileError: the file is unreadable or not a profiles file.
        """
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise ProfileFileError(f"Cannot read {self.path}: {exc.strerror}") from None
        try:
            data = json.loads(raw)
            entries = data["profiles"]
            profiles = [_from_json(entry) for entry in entries]
        except (ValueError, KeyError, TypeError) as exc:
            raise ProfileFileError(
                f"{self.path} is not a MASH Desk profiles file ({exc}); "
                "move it aside to start again"
            ) from None
        return sorted(profiles, key=lambda p: p.name.casefold())

    def get(self, name: str) -> Profile | None:
        """Return the profile called ``name``, if there is one."""
        return next((p for p in self.load() if p.name == name), None)

    def save(self, profile: Profile, *, replacing: str | None = None) -> Profile:
        """Add ``profile``, or replace the one called ``replacing`` (an edit or a rename).

        Raises:
            ValidationError: the profile breaks a rule, or its name is taken by another.
            ProfileFileError: the file cannot be written.
        """
        problems = profile.errors()
        if problems:
            raise ValidationError(problems)
        others = [p for p in self.load() if p.name not in {replacing, profile.name}]
        if replacing != profile.name and self.get(profile.name) is not None:
            raise ValidationError(
                FieldError("name", "unique", f"There is already a profile called {profile.name!r}")
            )
        self._write([*others, profile])
        log.info("Saved connection profile %r (%s)", profile.name, profile.address)
        return profile

    def remove(self, name: str) -> None:
        """Delete the profile called ``name`` (its keyring entry is left to the caller)."""
        self._write([p for p in self.load() if p.name != name])

    def _write(self, profiles: list[Profile]) -> None:
        payload: dict[str, Any] = {
            "version": _FILE_VERSION,
            "profiles": [asdict(p) for p in sorted(profiles, key=lambda p: p.name.casefold())],
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Write a sibling file and rename it over the old one, so a crash mid-write never
            # leaves a half-written profiles file.
            fd, tmp = tempfile.mkstemp(prefix=".profiles-", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    json.dump(payload, out, indent=2, ensure_ascii=False)
                    out.write("\n")
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise ProfileFileError(f"Cannot write {self.path}: {exc.strerror}") from None

    # -- passwords --------------------------------------------------------------------------

    def save_password(self, profile: Profile, password: str) -> None:
        """Keep ``password`` for ``profile`` in the system keyring.

        Raises:
            KeyringUnavailable: there is no usable keyring (or it is locked); nothing stored.
        """
        _require_keyring()
        with _keyring_errors():
            keyring.set_password(KEYRING_SERVICE, profile.keyring_username, password)
        log.info("Remembered the password of %s in the system keyring", profile.address)

    def password(self, profile: Profile) -> str | None:
        """Return the remembered password of ``profile``, or None if none is remembered.

        Raises:
            KeyringUnavailable: there is no usable keyring (or it is locked).
        """
        _require_keyring()
        with _keyring_errors():
            return keyring.get_password(KEYRING_SERVICE, profile.keyring_username)

    def forget_password(self, profile: Profile) -> None:
        """Remove the remembered password of ``profile`` (nothing happens if there is none).

        Raises:
            KeyringUnavailable: there is no usable keyring (or it is locked).
        """
        _require_keyring()
        try:
            with _keyring_errors():
                keyring.delete_password(KEYRING_SERVICE, profile.keyring_username)
        except _NothingToDelete:
            return
        log.info("Forgot the password of %s", profile.address)


def _from_json(entry: dict[str, Any]) -> Profile:
    # Files from before the CA certificate field have no "sslrootcert": None is right for them.
    port = entry["port"]
    profile = Profile(
        name=str(entry["name"]),
        host=str(entry["host"]),
        port=port if isinstance(port, int) else str(port),
        database=str(entry["database"]),
        user=str(entry["user"]),
        sslmode=entry.get("sslmode") or None,
        sslrootcert=entry.get("sslrootcert") or None,
    )
    problems = profile._errors(check_files=False)
    if problems:
        raise ValueError(f"profile {profile.name!r}: {problems[0].message}")
    return profile


class _NothingToDelete(Exception):
    pass


@contextmanager
def _keyring_errors() -> Iterator[None]:
    """Turn every keyring failure into :class:`KeyringUnavailable` with a user sentence."""
    try:
        yield
    except keyring.errors.PasswordDeleteError:
        raise _NothingToDelete from None
    except keyring.errors.KeyringError as exc:
        # Log the kind of failure only: a backend's message is not ours to vouch for.
        log.warning("System keyring refused a request (%s)", type(exc).__name__)
        if isinstance(exc, keyring.errors.KeyringLocked):
            raise KeyringUnavailable(LOCKED_KEYRING_MESSAGE) from None
        raise KeyringUnavailable() from None


def _usable(backend: keyring.backend.KeyringBackend) -> bool:
    if isinstance(backend, fail.Keyring):
        return False
    module = type(backend).__module__
    # null.Keyring stores nothing (``keyring --disable``); keyrings.alt keeps plaintext or
    # weakly protected files, which is exactly the fallback the issue forbids.
    return not (module == "keyring.backends.null" or module.startswith("keyrings.alt"))


def keyring_available() -> bool:
    """Return whether a real system keyring can keep passwords.

    The fail backend (no keyring found), a chain with no backends, the null backend and any
    ``keyrings.alt`` file backend all count as unavailable.
    """
    try:
        backend = keyring.get_keyring()
        if isinstance(backend, chainer.ChainerBackend):
            chained = list(backend.backends)
            # The chain writes to its first backend, so that one decides.
            return bool(chained) and _usable(chained[0])
        return _usable(backend)
    except Exception as exc:  # noqa: BLE001 — a broken backend is an unavailable one
        log.warning("Cannot detect a system keyring (%s)", type(exc).__name__)
        return False


def _require_keyring() -> None:
    if not keyring_available():
        raise KeyringUnavailable()
