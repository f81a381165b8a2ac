"""Seal and open draft files with AES-256-GCM (issue 14 item 2: drafts encrypted).

A sealed draft is a small versioned envelope::

    MAGIC (8 bytes) | VERSION (1 byte) | nonce (12 bytes) | ciphertext + 16-byte tag

The authenticated data binds the file to its user's folder and its draft id, so a file
copied into another user's folder or renamed over another draft fails authentication just
as a changed byte or a wrong key does. Nonces are 96 random bits per write: NIST SP 800-38D
§8.3 allows 2**32 random nonces per key, far beyond the drafts one person ever saves.

The cipher itself is the ``cryptography`` package's (OpenSSL); nothing here is hand-written.
"""

from __future__ import annotations

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"MASHDRFT"
VERSION = 1
NONCE_BYTES = 12
_HEADER = len(MAGIC) + 1
WRONG_KEY_REASON = (
    "This draft was saved with a key this desk no longer has (for example after a password "
    "change); it cannot be read"
)


class DraftNotOpened(ValueError):
    """A sealed draft failed authentication: another key wrote it, or it was changed."""


def is_sealed(data: bytes) -> bool:
    """Return whether ``data`` starts like a sealed draft (else it is a plaintext one)."""
    return data.startswith(MAGIC)


def bound_to(owner: str, draft_id: str) -> bytes:
    """Return the authenticated data tying a draft file to its owner's folder and its id."""
    return b"mash-desk-draft\x00" + owner.encode("utf-8") + b"\x00" + draft_id.encode("ascii")


def seal(key: bytes, plaintext: bytes, bound: bytes) -> bytes:
    """Return the envelope holding ``plaintext`` encrypted under ``key``."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    return MAGIC + bytes([VERSION]) + nonce + AESGCM(key).encrypt(nonce, plaintext, bound)


def open_sealed(key: bytes | None, data: bytes, bound: bytes) -> bytes:
    """Return the plaintext of envelope ``data``.

    Raises:
        DraftNotOpened: no key, an unknown version, a short file, or failed authentication
            (a wrong key or a changed byte: GCM cannot tell them apart, and neither can we).
    """
    if key is None or len(data) < _HEADER + NONCE_BYTES + 16 or data[len(MAGIC)] != VERSION:
        raise DraftNotOpened(WRONG_KEY_REASON)
    nonce = data[_HEADER : _HEADER + NONCE_BYTES]
    try:
        return AESGCM(key).decrypt(nonce, data[_HEADER + NONCE_BYTES :], bound)
    except InvalidTag:
        raise DraftNotOpened(WRONG_KEY_REASON) from None
