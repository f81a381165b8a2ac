"""Connection profiles for shared PostgreSQL servers, with passwords kept in the OS keyring.

A profile names a server (host, port, database, user) and lives in a small JSON file in the
user's config folder. The password never goes into that file, a log or an error message: it
is kept by the operating system's keyring through :mod:`keyring` (Secret Service, macOS
Keychain, Windows Credential Locker). Where no keyring backend is available the client says so
and asks for the password each time — there is deliberately no plaintext fallback, which is
also why ``keyrings.alt`` must never be installed (it makes a plaintext file the default).

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
from urllib.parse import quote

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
# libpq's sslmode values; None leaves libpq's own default ("prefer").
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
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
        host: host name or IP address of the server.
        port: TCP port (1–65535).
        database: database name on the server.
        user: PostgreSQL role to connect as.
        sslmode: libpq ``sslmode``, or None for libpq's default.
    """

    name: str
    host: str
    port: int
    database: str
    user: str
    sslmode: str | None = None

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
    ) -> Profile:
        """Build a profile from typed values, raising every broken rule at once.

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

        clean_host, problem = clean_short(host, "host", "Server host", required=True)
        if problem is None and clean_host is not None:
            if not (_HOSTNAME.match(clean_host) or _IPV6.match(clean_host)):
                problem = FieldError(
                    "host",
                    "characters",
                    "Server host must be a host name or IP address "
                    "(letters, digits, dots and hyphens)",
                )
            else:
                clean_host = clean_host.strip("[]")
        errors += [problem] if problem else []

        clean_port: int | None = None
        port_text = "" if port is None else str(port).strip()
        if not port_text:
            errors.append(FieldError("port", "required", "Port is required"))
        elif not port_text.isascii() or not port_text.isdigit():
            errors.append(FieldError("port", "number", "Port must be a whole number"))
        elif not 1 <= int(port_text) <= 65535:
            errors.append(FieldError("port", "range", "Port must be between 1 and 65535"))
        else:
            clean_port = int(port_text)

        clean_db, problem = _identifier(database, "database", "Database name")
        errors += [problem] if problem else []
        clean_user, problem = _identifier(user, "user", "Database user")
        errors += [problem] if problem else []

        clean_ssl = (sslmode or "").strip() or None
        if clean_ssl is not None and clean_ssl not in SSL_MODES:
            errors.append(
                FieldError("sslmode", "choice", f"SSL mode must be one of: {', '.join(SSL_MODES)}")
            )
        if errors:
            raise ValidationError(errors)
        assert clean_name and clean_host and clean_port and clean_db and clean_user
        return cls(clean_name, clean_host, clean_port, clean_db, clean_user, clean_ssl)

    def errors(self) -> list[FieldError]:
        """Return the rules this profile breaks (none for one built by :meth:`checked`)."""
        try:
            Profile.checked(**asdict(self))
        except ValidationError as exc:
            return list(exc.errors)
        return []

    @property
    def address(self) -> str:
        """Return ``user@host:port/database``: what the user sees, and the keyring entry."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.user}@{host}:{self.port}/{self.database}"

    @property
    def keyring_username(self) -> str:
        """Return the keyring entry's user name (service ``"mash-desk"``)."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def url(self, password: str | None) -> str:
        """Return the SQLAlchemy URL for this server, with ``password`` safely quoted.

        The result contains the password: pass it straight to the engine and never log it.
        """
        credentials = quote(self.user, safe="")
        if password is not None:
            credentials += ":" + quote(password, safe="")
        host = f"[{self.host}]" if ":" in self.host else self.host
        query = f"connect_timeout={CONNECT_TIMEOUT_SECONDS}"
        if self.sslmode:
            query += f"&sslmode={quote(self.sslmode, safe='')}"
        return (
            f"postgresql+psycopg://{credentials}@{host}:{self.port}/"
            f"{quote(self.database, safe='')}?{query}"
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
    profile = Profile(
        name=str(entry["name"]),
        host=str(entry["host"]),
        port=int(entry["port"]),
        database=str(entry["database"]),
        user=str(entry["user"]),
        sslmode=entry.get("sslmode") or None,
    )
    problems = profile.errors()
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
