"""Seed roles, agencies and the system user; safe to run on every start."""

from __future__ import annotations

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from mash_desk.domain.agency_list import load_agency_list
from mash_desk.domain.enums import Role
from mash_desk.paths import resource
from mash_desk.storage.models import Agency, RoleRow, User

SYSTEM_USERNAME = "system"


def load_agencies() -> list[dict[str, str]]:
    """Return the shipped agency list (checked: every problem named with its line).

    Raises:
        AgencyListError: the file is unreadable, or an entry is missing, repeated or too long.
    """
    entries = load_agency_list(resource("reference", "agencies.yaml"))
    return [{"code": entry.code, "name": entry.name} for entry in entries]


def _already_seeded(session: Session) -> bool:
    """Whether every role, every shipped agency and the system user are already stored.

    One plain statement: on every start but the first the answer is yes, and building the ORM
    queries below cost more than the rest of opening the database (issue 16, start-up).
    """
    agencies = [item["code"] for item in load_agencies()]
    found = session.execute(
        text(
            "SELECT (SELECT count(*) FROM roles WHERE code IN :roles), "
            "(SELECT count(*) FROM agencies WHERE code IN :agencies), "
            "(SELECT count(*) FROM users WHERE username = :system)"
        ).bindparams(bindparam("roles", expanding=True), bindparam("agencies", expanding=True)),
        {
            "roles": [role.value for role in Role],
            "agencies": agencies,
            "system": SYSTEM_USERNAME,
        },
    ).one()
    return tuple(found) == (len(Role), len(agencies), 1)


def ensure_reference_data(session: Session) -> None:
    """Insert any missing role, agency or the system user; never changes existing rows."""
    if _already_seeded(session):
        return
    have_roles = set(session.scalars(select(RoleRow.code)))
    for role in Role:
        if role.value not in have_roles:
            session.add(RoleRow(code=role.value, label=role.label))
    have_agencies = {a.code: a for a in session.scalars(select(Agency))}
    for item in load_agencies():
        if item["code"] not in have_agencies:
            agency = Agency(code=item["code"], name=item["name"], active=True)
            session.add(agency)
            have_agencies[agency.code] = agency
    session.flush()
    if session.scalar(select(User.id).where(User.username == SYSTEM_USERNAME)) is None:
        # The system user owns automatic changes (set-up, synthetic data) and creates the
        # first accounts; it has no password, so nobody can sign in as it.
        session.add(
            User(
                username=SYSTEM_USERNAME,
                display_name="MASH Desk (automatic)",
                role_code=Role.ADMIN.value,
                agency_id=have_agencies["social_care"].id,
                active=True,
            )
        )
