"""A test-only key store: every embedded test database is encrypted with one synthetic key.

Selected with ``MASH_DESK_KEY_STORE=tests.support.database_keys:SyntheticKeys`` (set by the
root conftest, so subprocesses the tests start use it too). The suite then runs SQLCipher for
real without a system keyring; the key is synthetic and opens nothing but test files.
"""

from __future__ import annotations

import hashlib

SYNTHETIC_KEY = hashlib.sha256(b"MASH Desk synthetic test database key").digest()
STORE = "tests.support.database_keys:SyntheticKeys"


class SyntheticKeys:
    """Hands out, keeps and finds the one synthetic key (nothing is stored anywhere)."""

    def new_key(self) -> bytes:
        """Return the synthetic key."""
        return SYNTHETIC_KEY

    def save(self, database_id: str, key: bytes) -> None:
        """Keep nothing: every test database has the synthetic key."""
        assert key == SYNTHETIC_KEY

    def load(self, database_id: str) -> bytes | None:
        """Return the synthetic key for any database."""
        return SYNTHETIC_KEY
