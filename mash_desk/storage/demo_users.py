"""The demo desk's accounts in a database: created once, with Faker's names (synthetic staff).

Apart from ``mash_desk.synthetic`` so the demo desk's every start, which checks its accounts
exist, imports neither the history generator nor Faker (issue 16: start-up imports only what
the first screen needs). The accounts themselves are listed in ``mash_desk.domain.demo_users``.
"""

from __future__ import annotations

from sqlalchemy import select

from mash_desk.domain.demo_users import DEMO_USERS
from mash_desk.storage.database import Database
from mash_desk.storage.models import Agency, User

# Display names come from Faker with a fixed seed, so every demo database has the same staff.
_NAMES_SEED = 20130401


def _display_names() -> list[str]:
    from faker import Faker  # ~0.2 s to import: only when a demo account is created

    fake = Faker("en_GB")
    fake.seed_instance(_NAMES_SEED)
    names: list[str] = []
    while len(names) < len(DEMO_USERS):
        name = f"{fake.first_name()} {fake.last_name()}"
        if name not in names:
            names.append(name)
    return names


def demo_display_names() -> dict[str, str]:
    """Return each demo user's display name (the shared-server demo gives them logins)."""
    return {u.username: name for u, name in zip(DEMO_USERS, _display_names(), strict=True)}


def ensure_demo_users(db: Database) -> dict[str, int]:
    """Create any missing demo user (existing ones are left alone); return username → id.

    Safe to run on every start of the demo. Like the system user seeded with the reference
    data, demo accounts are set-up data, not an administrator's action, so they get no
    ``user.created`` audit row (which would also date them after the history they act in).
    """
    with db.transaction() as session:
        agencies = dict(session.execute(select(Agency.code, Agency.id)).all())
        have = dict(
            session.execute(
                select(User.username, User.id).where(
                    User.username.in_([u.username for u in DEMO_USERS])
                )
            ).all()
        )
        missing = [u for u in DEMO_USERS if u.username not in have]
        names = _display_names() if missing else [""] * len(DEMO_USERS)
        for spec, display in zip(DEMO_USERS, names, strict=True):
            if spec.username in have:
                continue
            user = User(
                username=spec.username,
                display_name=display,
                role_code=spec.role.value,
                agency_id=agencies[spec.agency],
                team=spec.team,
                password_hash=None,
                active=True,
            )
            session.add(user)
            session.flush()
            have[spec.username] = user.id
        return {u.username: have[u.username] for u in DEMO_USERS}
