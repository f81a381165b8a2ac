"""The shape of one ``server init`` step after the grants (see ``storage.server.SERVER_STEPS``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from sqlalchemy import Connection

from mash_desk.domain.enums import Role


class ServerStep(Protocol):
    """Apply one idempotent part of the server set-up, as the database owner.

    Args:
        conn: the owner's connection, inside ``server init``'s transaction.
        groups: each MASH Desk role's NOLOGIN group role on this database.
        tables: the public tables of the migrated schema.
    """

    def __call__(self, conn: Connection, groups: Mapping[Role, str], tables: Sequence[str]) -> None:
        """Apply the step."""
