"""Encrypt every embedded (SQLite) database with SQLCipher; find, derive and check its key.

Each database file has a random 256-bit key, given to SQLCipher as a *raw* key
(``PRAGMA key = "x'…'"``), so no connection pays SQLCipher's own PBKDF2 (0.13–0.27 s each,
platform notes). The key lives in the operating system's keyring under a random database id;
where there is no keyring, a passphrase typed at start-up derives it with Argon2id instead.

Beside ``desk.sqlite3`` sits ``desk.sqlite3.keyinfo``: a small JSON header that holds no
secret — the random database id (never a path or anything personal: it is the keyring entry's
name), where the key comes from, the Argon2 salt and parameters, and a key check (an HMAC of
a fixed text under the key) that tells a wrong key from a damaged file before SQLCipher reads
a page. Without the header an encrypted file cannot be opened, so backups copy it too.

Nothing here ever creates a new, empty database over an existing file: an existing file
without its header, a wrong key or a file SQLCipher cannot read each raise a
:class:`DatabaseKeyError` whose message says what to do.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import importlib
import json
import os
import secrets
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from mash_desk.domain.errors import MashDeskError

if TYPE_CHECKING:
    # Imported where an engine is made: the early first page (services/early_page.py) finds
    # the key and opens the file before SQLAlchemy is imported (issue 16, start-up).
    from sqlalchemy import Engine

KEY_BYTES = 32  # AES-256, SQLCipher 4's cipher
HEADER_SUFFIX = ".keyinfo"
HEADER_FORMAT = "mash-desk-sqlcipher/1"
KEYRING_SERVICE = "mash-desk-database-key"
# Tests (and only tests) point this at a "module:Class" key store with a fixed synthetic key,
# so that subprocesses they start open the same files; like PYTHON_KEYRING_BACKEND.
KEY_STORE_ENV = "MASH_DESK_KEY_STORE"
PLAINTEXT_MAGIC = b"SQLite format 3\x00"
# Argon2id at RFC 9106 §4's second recommended option (t=3, p=4, 64 MiB), which is also
# argon2-cffi's RFC_9106_LOW_MEMORY profile: about 0.1–0.3 s once per start-up here.
ARGON2_TIME_COST = 3
ARGON2_MEMORY_KIB = 64 * 1024
ARGON2_PARALLELISM = 4
_CHECK_TEXT = b"MASH Desk database key check v1"
# NIST SP 800-63B asks for at least 8 characters; the key of every child's record deserves
# more, and three or four unrelated words (NCSC's advice) are longer than 12 anyway.
PASSPHRASE_MIN = 12
FILE_MODE = 0o600
FOLDER_MODE = 0o700


class DatabaseKeyError(MashDeskError):
    """The embedded database cannot be opened; the message says why and what to do."""


class MissingKey(DatabaseKeyError):
    """The key is not where the header says (keyring entry gone, keyring unavailable)."""


class WrongKey(DatabaseKeyError):
    """A key or passphrase was found but it is not this database's."""


class DamagedDatabase(DatabaseKeyError):
    """The key is right but the file cannot be read as a database."""


class PassphraseNeeded(DatabaseKeyError):
    """The key is derived from a passphrase: ask for it and call :func:`unlock`.

    ``new`` is True when the database does not exist yet (ask twice: it is being chosen).
    """

    def __init__(self, path: Path, *, new: bool):
        self.path = path
        self.new = new
        what = "Choose a passphrase for" if new else "Type the passphrase of"
        super().__init__(f"{what} the database: no system keyring is available to keep its key")


class PlaintextDatabase(DatabaseKeyError):
    """The file is an unencrypted SQLite database: it must be converted first."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(
            "This database is not encrypted yet: convert it with `mash-desk db encrypt` "
            "(the desk offers to when it starts)"
        )


@dataclass(frozen=True)
class KeyInfo:
    """The non-secret header beside an encrypted database file."""

    database_id: str
    source: str  # "keyring" or "passphrase"
    key_check: str
    salt: str = ""
    time_cost: int = ARGON2_TIME_COST
    memory_kib: int = ARGON2_MEMORY_KIB
    parallelism: int = ARGON2_PARALLELISM
    format: str = HEADER_FORMAT

    def matches(self, key: bytes) -> bool:
        """Return whether ``key`` is the key this header was written for."""
        return hmac.compare_digest(self.key_check, key_check(key))


def _keyring_error() -> type[Exception]:
    """The keyring's own error, read when one is being handled (see :class:`KeyringKeys`)."""
    import keyring.errors

    return keyring.errors.KeyringError


class KeyStore(Protocol):
    """Where random database keys are kept, by database id (the OS keyring in production)."""

    def new_key(self) -> bytes:
        """Return a fresh key for a new database."""
        ...

    def save(self, database_id: str, key: bytes) -> None:
        """Keep ``key``; raise :class:`keyring.errors.KeyringError` when there is no keyring."""
        ...

    def load(self, database_id: str) -> bytes | None:
        """Return the key kept for ``database_id``, or None; may raise KeyringError."""
        ...


class KeyringKeys:
    """Keys in the OS keyring (Secret Service, Keychain, Credential Locker); never in a file.

    ``keyring`` is imported when a key is first kept or read (about 50 ms, and finding the
    desktop's keyring more): a server desk, or one whose key is kept elsewhere, never needs it,
    and the first queue page is read before it (issue 16, start-up).
    """

    # Which keyring service the entries live under (the draft keys use one of their own).
    service = KEYRING_SERVICE

    def new_key(self) -> bytes:
        """Return 256 random bits from the OS's CSPRNG."""
        return secrets.token_bytes(KEY_BYTES)

    def save(self, database_id: str, key: bytes) -> None:
        """Store the key's hex under the database id."""
        import keyring

        keyring.set_password(self.service, database_id, key.hex())

    def load(self, database_id: str) -> bytes | None:
        """Read the key back; None when the keyring has no entry for this id."""
        import keyring

        stored = keyring.get_password(self.service, database_id)
        if stored is None:
            return None
        try:
            key = bytes.fromhex(stored)
        except ValueError:
            return None
        return key if len(key) == KEY_BYTES else None


class DemoKeys(KeyringKeys):
    """The DEMO database's keys: the keyring when there is one, else a private file.

    The DEMO database holds synthetic people only; it is encrypted so that the demo runs the
    same code as a real desk. Where no keyring is available, asking for a passphrase would
    stop the README's first command (and its smoke test) at a dialog, so the demo's key is
    kept in a 0600 file in the 0700 data folder instead. Never used for a real database:
    only ``mash-desk --demo`` selects it (cli.py).
    """

    def _file(self) -> Path:
        from mash_desk.paths import user_data_dir

        return user_data_dir() / "demo-keys.json"

    def _kept(self) -> dict[str, str]:
        try:
            return json.loads(self._file().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def save(self, database_id: str, key: bytes) -> None:
        """Keep the key in the keyring, or in the demo's private key file without one."""
        try:
            super().save(database_id, key)
        except _keyring_error():
            kept = self._kept() | {database_id: key.hex()}
            private_folder(self._file().parent, ours=True)
            write_private(self._file(), json.dumps(kept).encode("utf-8"))

    def load(self, database_id: str) -> bytes | None:
        """Read the key from the keyring, else from the demo's private key file."""
        with contextlib.suppress(_keyring_error()):
            key = super().load(database_id)
            if key is not None:
                return key
        stored = self._kept().get(database_id)
        if stored is None:
            return None
        key = bytes.fromhex(stored)
        return key if len(key) == KEY_BYTES else None


def key_store() -> KeyStore:
    """Return the key store: the OS keyring, unless ``MASH_DESK_KEY_STORE`` names another."""
    named = os.environ.get(KEY_STORE_ENV)
    if not named:
        return KeyringKeys()
    module, _, attr = named.partition(":")
    return getattr(importlib.import_module(module), attr)()


def key_check(key: bytes) -> str:
    """Return the header's key check: HMAC-SHA256 of a fixed text, first 128 bits in hex.

    Publishing it gives nothing away: the key is 256 random bits (or derived with Argon2,
    whose cost an attacker pays per guess either way, against this or the file itself).
    """
    return hmac.new(key, _CHECK_TEXT, hashlib.sha256).hexdigest()[:32]


def derive_key(passphrase: str, info: KeyInfo) -> bytes:
    """Derive the raw key from a passphrase with Argon2id and the header's salt/parameters."""
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(
        passphrase.encode("utf-8"),
        bytes.fromhex(info.salt),
        time_cost=info.time_cost,
        memory_cost=info.memory_kib,
        parallelism=info.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def header_path(path: Path) -> Path:
    """Return where the header of database file ``path`` is kept."""
    return path.with_name(path.name + HEADER_SUFFIX)


def read_header(path: Path) -> KeyInfo | None:
    """Return the header of database ``path``, or None when it has none.

    Raises:
        DamagedDatabase: the header exists but is not one MASH Desk wrote.
    """
    try:
        raw = header_path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        data = json.loads(raw)
        info = KeyInfo(**data)
    except (ValueError, TypeError) as exc:
        raise DamagedDatabase(
            f"The key header {header_path(path).name} beside the database is damaged "
            f"({type(exc).__name__}); restore it, or the database, from a backup"
        ) from None
    if info.format != HEADER_FORMAT or info.source not in ("keyring", "passphrase"):
        raise DamagedDatabase(f"The key header {header_path(path).name} is not one MASH Desk reads")
    return info


def write_header(path: Path, info: KeyInfo) -> None:
    """Write the header atomically, mode 0600 (it names the keyring entry)."""
    write_private(header_path(path), json.dumps(asdict(info), indent=1).encode("utf-8"))


def write_private(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a 0600 temporary file and an atomic rename."""
    temp = target.with_name(target.name + ".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, target)


def is_plaintext(path: Path) -> bool:
    """Return whether ``path`` starts like an unencrypted SQLite database."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(PLAINTEXT_MAGIC)) == PLAINTEXT_MAGIC
    except FileNotFoundError:
        return False


def private_folder(folder: Path, *, ours: bool) -> None:
    """Create ``folder`` 0700 if missing; make it 0700 if MASH Desk owns it (``ours``).

    A folder someone chose for a ``--database`` (``/tmp``, a share) is not ours to chmod.
    """
    if not folder.exists():
        folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        ours = True
    if ours:
        os.chmod(folder, FOLDER_MODE)


def private_files(path: Path) -> None:
    """Make the database file and its WAL/SHM (when present) 0600, whatever the umask.

    SQLite gives the WAL and SHM the main file's mode when it creates them, so a main file
    created 0600 keeps them private too; existing ones are set here anyway.
    """
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.chmod(path.with_name(path.name + suffix), FILE_MODE)


def _create_empty(path: Path) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    os.close(fd)


# Keys unlocked in this process, by the database file's resolved path: a passphrase is typed
# once per run, and the keyring is asked once, not per connection.
_unlocked: dict[str, bytes] = {}
_lock = threading.Lock()


def _cache_key(path: Path) -> str:
    return str(path.resolve())


def forget_keys() -> None:
    """Drop every key this process unlocked (tests; a desk that locks itself)."""
    with _lock:
        _unlocked.clear()


def remember(path: Path, key: bytes) -> None:
    """Keep ``key`` as the unlocked key of ``path`` for this process."""
    with _lock:
        _unlocked[_cache_key(path)] = key


def new_key_info(key: bytes, *, passphrase_salt: bytes | None = None) -> KeyInfo:
    """Return a header for a new key (``passphrase_salt`` when derived from a passphrase)."""
    return KeyInfo(
        database_id=secrets.token_hex(16),
        source="passphrase" if passphrase_salt is not None else "keyring",
        key_check=key_check(key),
        salt=passphrase_salt.hex() if passphrase_salt is not None else "",
    )


def create_key(store: KeyStore | None = None) -> tuple[bytes, KeyInfo]:
    """Make a random key and keep it in the keyring; return it with its header.

    Raises:
        PassphraseNeeded: there is no usable keyring (the caller asks for a passphrase).
    """
    store = store or key_store()
    key = store.new_key()
    info = new_key_info(key)
    try:
        store.save(info.database_id, key)
    except _keyring_error():
        raise PassphraseNeeded(Path(), new=True) from None
    return key, info


def passphrase_key(passphrase: str) -> tuple[bytes, KeyInfo]:
    """Derive a new key from a chosen passphrase; return it with its header (new salt)."""
    salt = secrets.token_bytes(16)
    probe = KeyInfo(database_id="", source="passphrase", key_check="", salt=salt.hex())
    key = derive_key(passphrase, probe)
    return key, new_key_info(key, passphrase_salt=salt)


def unlock(path: Path, passphrase: str) -> None:
    """Unlock database ``path`` with a typed passphrase (a new one when it has no header yet).

    Raises:
        WrongKey: the passphrase is not this database's.
    """
    path = Path(path)
    info = read_header(path)
    if info is None:
        if _has_content(path):
            raise MissingKey(_no_header_message(path))
        key, info = passphrase_key(passphrase)
        private_folder(path.parent, ours=False)
        if not path.exists():
            _create_empty(path)
        write_header(path, info)
    else:
        key = derive_key(passphrase, info)
        if not info.matches(key):
            raise WrongKey("That passphrase does not open this database; nothing was changed")
    remember(path, key)


def _has_content(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except FileNotFoundError:
        return False


def _no_header_message(path: Path) -> str:
    return (
        f"The database file exists but its key header ({header_path(path).name}) is missing, "
        "so it cannot be opened; put the header back or restore from a backup. "
        "Nothing was changed and no new database was made"
    )


def resolve_key(path: Path, store: KeyStore | None = None) -> bytes:
    """Return the key of database file ``path``, creating one for a database not made yet.

    Raises:
        PlaintextDatabase: the file is an unencrypted database (convert it first).
        PassphraseNeeded: the key comes from a passphrase not typed yet in this run.
        MissingKey: the file exists without its header, or the keyring lost the key.
        WrongKey: the keyring holds a key that is not this database's.
    """
    path = Path(path)
    with _lock:
        cached = _unlocked.get(_cache_key(path))
    if cached is not None:
        return cached
    if is_plaintext(path):
        raise PlaintextDatabase(path)
    info = read_header(path)
    store = store or key_store()
    if info is None:
        if _has_content(path):
            raise MissingKey(_no_header_message(path))
        try:
            key, info = create_key(store)
        except PassphraseNeeded:
            raise PassphraseNeeded(path, new=True) from None
        private_folder(path.parent, ours=False)
        if not path.exists():
            _create_empty(path)
        write_header(path, info)
    elif info.source == "passphrase":
        raise PassphraseNeeded(path, new=False)
    else:
        key = _from_keyring(store, info)
    remember(path, key)
    return key


def _from_keyring(store: KeyStore, info: KeyInfo) -> bytes:
    try:
        key = store.load(info.database_id)
    except _keyring_error() as exc:
        raise MissingKey(
            "The database's key is kept in the system keyring, which cannot be used now "
            f"({type(exc).__name__}): unlock the keyring and start again. Nothing was changed"
        ) from None
    if key is None:
        raise MissingKey(
            "The system keyring has no key for this database (was it copied from another "
            "computer or account?). Restore the keyring entry, or restore a backup made "
            "here. Nothing was changed and no new database was made"
        )
    if not info.matches(key):
        raise WrongKey(
            "The key in the system keyring does not open this database; nothing was changed"
        )
    return key


def keyed_connection(path: Path, key: bytes) -> Any:
    """Open a SQLCipher connection to ``path`` with the raw ``key`` and prove it reads.

    Raises:
        DamagedDatabase: the key is right (checked against the header) but page 1 is not.
    """
    from sqlcipher3 import dbapi2

    # check_same_thread off as SQLAlchemy sets it for pooled file databases: a connection
    # goes back to the pool and another thread may take it; the pool never shares one.
    conn = dbapi2.connect(str(path), check_same_thread=False)
    try:
        # Else SQLCipher prints its own "hmac check failed" lines to stderr beside ours.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except dbapi2.DatabaseError as exc:
        conn.close()
        raise DamagedDatabase(
            "The database file cannot be read although its key is right: it is damaged "
            f"({exc}). Restore it from a backup; nothing was changed"
        ) from None
    return conn


def sqlite_engine(
    path: Path, *, key: bytes | None = None, on_connect: Callable[[Any, Any], None]
) -> Engine:
    """Return an engine over the encrypted database file ``path`` (made if it does not exist).

    Opens one connection at once so a wrong key or a damaged file fails here, with its
    message, before any migration could touch the file.
    """
    from sqlalchemy import create_engine, event
    from sqlcipher3 import dbapi2

    path = Path(path).absolute()
    private_folder(path.parent, ours=False)
    if key is None:
        key = resolve_key(path)
    else:
        info = read_header(path)
        if info is not None and not info.matches(key):
            raise WrongKey("The key given does not open this database; nothing was changed")
        if not path.exists():
            _create_empty(path)
    private_files(path)
    # hide_parameters: a driver error must not carry a child's details into a log.
    engine = create_engine(
        f"sqlite:///{path}",
        module=dbapi2,
        creator=lambda: keyed_connection(path, key),
        hide_parameters=True,
    )
    event.listen(engine, "connect", on_connect)
    try:
        engine.connect().close()
    except Exception:
        engine.dispose()
        raise
    private_files(path)  # the first connection may have made the WAL and SHM
    return engine
