"""The audit the database writes itself on a shared server: change rows and access rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Connection

from mash_desk.domain.enums import Role


def apply(conn: Connection, groups: Mapping[Role, str], tables: Sequence[str]) -> None:
    """Apply this step as the database owner (idempotent); nothing yet."""
