"""Demo users: at least one per role, no passwords, so the demo desk can act as any of them.

The accounts are listed in ``mash_desk.domain.demo_users`` (light, for the window's Demo menu)
and created by ``mash_desk.storage.demo_users`` (the demo desk's start); both are named here
too, where the generator and its callers have always found them.
"""

from mash_desk.domain.demo_users import (
    DEMO_CHAIR,
    DEMO_EDT,
    DEMO_MANAGER,
    DEMO_PASSWORD,
    DEMO_PRACTITIONER,
    DEMO_ROLES,
    DEMO_USERS,
    FIRST_PARTNER,
    DemoUser,
)
from mash_desk.storage.demo_users import demo_display_names, ensure_demo_users

__all__ = [
    "DEMO_CHAIR",
    "DEMO_EDT",
    "DEMO_MANAGER",
    "DEMO_PASSWORD",
    "DEMO_PRACTITIONER",
    "DEMO_ROLES",
    "DEMO_USERS",
    "FIRST_PARTNER",
    "DemoUser",
    "demo_display_names",
    "ensure_demo_users",
]
