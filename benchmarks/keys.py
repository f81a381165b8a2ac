"""The benchmarks' key store: one synthetic key for their synthetic databases.

Benchmarks run on machines without a system keyring (CI, servers); their databases hold
synthetic history only, so a fixed key loses nothing and keeps runs unattended.
"""

from __future__ import annotations

import hashlib
import os

from mash_desk.storage.encryption import KEY_STORE_ENV

BENCHMARK_KEY = hashlib.sha256(b"MASH Desk synthetic benchmark database key").digest()


class BenchmarkKeys:
    """Hands out, keeps and finds the one synthetic benchmark key."""

    def new_key(self) -> bytes:
        """Return the synthetic key."""
        return BENCHMARK_KEY

    def save(self, database_id: str, key: bytes) -> None:
        """Keep nothing: every benchmark database has the synthetic key."""

    def load(self, database_id: str) -> bytes | None:
        """Return the synthetic key for any database."""
        return BENCHMARK_KEY


def use_benchmark_keys() -> None:
    """Make this process (and its children) use :class:`BenchmarkKeys`."""
    os.environ[KEY_STORE_ENV] = "benchmarks.keys:BenchmarkKeys"
