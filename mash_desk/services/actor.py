"""Who a service acts for.

A module of its own (not :mod:`mash_desk.services.dto`, whose seventy result types take
13 ms to define) because the desk's first queue page names its person before anything else
has loaded (issue 16, start-up).
"""

from __future__ import annotations

from dataclasses import dataclass

from mash_desk.domain.enums import Role


@dataclass(frozen=True)
class Actor:
    """The signed-in user a service acts for. Services re-read the role from the database."""

    user_id: int
    username: str
    display_name: str
    role: Role
    agency_code: str
    team: str | None = None
