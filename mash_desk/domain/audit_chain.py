"""The audit log's hash chain: one canonical form of a row, the same on every database.

Each audit row carries ``prev_hash`` (the row before it's ``row_hash``) and ``row_hash``,
the SHA-256 of ``prev_hash`` followed by the row's canonical content. Changing, removing or
slipping in a row breaks the chain from that row on, which ``mash-desk audit verify`` reports.

The canonical form is deliberately simple enough to be written in plpgsql too (PostgreSQL's
trigger computes the hash there, so a client cannot skip it): every field as its length in
characters, a colon and its text, or ``~`` for NULL, after a version tag. Length prefixes make
the form unambiguous whatever the text holds (no escaping rules to agree on).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime

GENESIS = "0" * 64
"""``prev_hash`` of the first row: there is no row before it."""
VERSION = "mash-audit-v1"
ACCESS_VERSION = "mash-access-v1"
HASH_LENGTH = 64


def _field(value: str | None) -> str:
    return "~" if value is None else f"{len(value)}:{value}"


def instant_text(at: datetime) -> str:
    """Return ``at`` as UTC ``YYYY-MM-DD HH:MM:SS.ffffff`` (PostgreSQL's to_char gives the same)."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _text(value: str | int | datetime | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return instant_text(value)
    return str(int(value))


def canonical_values(tag: str, values: Sequence[str | int | datetime | None]) -> str:
    """Return the canonical text of a row of any chained log: its tag, then each value."""
    return tag + "".join(_field(_text(v)) for v in values)


def canonical(
    row_id: int,
    at: datetime,
    user_id: int | None,
    action: str | None,
    entity: str | None,
    entity_id: int | None,
    person_id: int | None,
    detail: str | None,
    db_user: str | None,
) -> str:
    """Return the canonical text of one audit row (``detail`` as stored: sorted-key JSON)."""
    return canonical_values(
        VERSION, (row_id, at, user_id, action, entity, entity_id, person_id, detail, db_user)
    )


def row_hash(prev_hash: str, content: str) -> str:
    """Return the hash of a row whose predecessor's hash is ``prev_hash``."""
    return hashlib.sha256((prev_hash + content).encode("utf-8", "surrogatepass")).hexdigest()
