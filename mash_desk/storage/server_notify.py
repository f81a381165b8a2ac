"""Change notifications on a shared server (LISTEN/NOTIFY): what other desks refresh."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Connection

from mash_desk.domain.enums import Role


def apply(conn: Connection, groups: Mapping[Role, str], tables: Sequence[str]) -> None:
    """Apply this step as the database owner (idempotent); nothing yet."""
