"""The key that encrypts one person's drafts on this computer (issue 14 item 2).

Drafts hold what a practitioner typed about a child before it was saved, so they are
encrypted like the embedded database (``gui/draft_crypto.py`` seals them). Where the key
comes from depends on where the records live:

* **Embedded database** — derived from the database's own raw key with HKDF-SHA256 and a
  label of its own (:data:`DRAFT_KEY_INFO`), so the database key itself is never used for
  a second purpose, and anyone who can open the database can read its drafts, no one else.
* **Shared server** — the desk holds no database key. A random 256-bit key is kept in the
  OS keyring under a random id per user (the id, which is no secret, sits in the user's
  drafts folder as :data:`KEY_ID_FILE`). Where there is no keyring it is derived from the
  person's server password with Argon2id and a per-user salt (:data:`SALT_FILE`), so the
  password is typed at every sign-in. A **password change makes older drafts unreadable**:
  at the next start they fail authentication and are set aside into ``damaged/`` with a
  message saying a key this desk no longer has wrote them; nothing of them is recovered.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Protocol

import keyring
import keyring.errors
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Engine

from mash_desk.storage.encryption import (
    ARGON2_MEMORY_KIB,
    ARGON2_PARALLELISM,
    ARGON2_TIME_COST,
    KEY_BYTES,
    KeyringKeys,
    resolve_key,
    write_private,
)

log = logging.getLogger(__name__)

DRAFT_KEY_INFO = b"MASH Desk draft files key v1"
KEYRING_SERVICE = "mash-desk-draft-key"
KEY_ID_FILE = ".draft-key-id"
SALT_FILE = ".draft-key-salt"
FOLDER_MODE = 0o700
_SALT_BYTES = 16


class DraftKeyStore(Protocol):
    """Where random draft keys are kept by id (the OS keyring in production)."""

    def save(self, key_id: str, key: bytes) -> None:
        """Keep ``key``; raise :class:`keyring.errors.KeyringError` when there is no keyring."""
        ...

    def load(self, key_id: str) -> bytes | None:
        """Return the key kept under ``key_id``, or None; may raise KeyringError."""
        ...


class KeyringDraftKeys(KeyringKeys):
    """Draft keys in the OS keyring, under a service of their own (never the database's)."""

    service = KEYRING_SERVICE


def from_database_key(database_key: bytes) -> bytes:
    """Return the draft key of an embedded database: HKDF-SHA256 with its own label."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=DRAFT_KEY_INFO).derive(
        database_key
    )


def server_draft_key(
    folder: Path, password: str | None, store: DraftKeyStore | None = None
) -> bytes | None:
    """Return the draft key of a server user whose drafts are in ``folder``.

    The keyring's key when there is a keyring (made on first use); else one derived from
    ``password``; None when there is neither (the caller keeps no drafts on disk then).
    """
    store = store or KeyringDraftKeys()
    _private_folder(folder)
    id_file = folder / KEY_ID_FILE
    try:
        key_id = id_file.read_text("ascii").strip() if id_file.exists() else ""
        if key_id:
            key = store.load(key_id)
            if key is not None:
                return key
        # No entry yet, or the keyring lost it: a new key (older drafts are set aside).
        key_id, key = secrets.token_hex(16), secrets.token_bytes(KEY_BYTES)
        store.save(key_id, key)
        write_private(id_file, key_id.encode("ascii"))
        return key
    except keyring.errors.KeyringError:
        log.info("No keyring for the draft key; deriving it from the server password")
    if not password:
        return None
    return password_draft_key(folder, password)


def password_draft_key(folder: Path, password: str) -> bytes:
    """Derive the draft key from the server password with Argon2id and the folder's salt.

    The salt is made on first use. A changed password derives another key: drafts saved
    under the old one fail authentication and are set aside (see the module docstring).
    """
    from argon2.low_level import Type, hash_secret_raw

    _private_folder(folder)
    salt_file = folder / SALT_FILE
    salt = salt_file.read_bytes() if salt_file.exists() else b""
    if len(salt) != _SALT_BYTES:
        salt = secrets.token_bytes(_SALT_BYTES)
        write_private(salt_file, salt)
    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=ARGON2_TIME_COST,
        memory_cost=ARGON2_MEMORY_KIB,
        parallelism=ARGON2_PARALLELISM,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def draft_key_for(engine: Engine, folder: Path) -> bytes | None:
    """Return the key for the drafts in ``folder`` of a desk over ``engine``.

    None only on a server desk with neither a keyring nor a password in its connection
    (certificate or ``.pgpass`` sign-in without a keyring): there is nothing to key drafts
    with, so none are written to disk.
    """
    url = engine.url
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return None
        # Already unlocked when the desk opened it (cached; the keyring is not asked again).
        return from_database_key(resolve_key(Path(url.database)))
    return server_draft_key(folder, url.password if isinstance(url.password, str) else None)


def _private_folder(folder: Path) -> None:
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    os.chmod(folder, FOLDER_MODE)
