"""The demo desk's accounts: at least one per role, no passwords (synthetic, never real staff).

Kept apart from ``mash_desk.synthetic`` (which creates them, with Faker's names) so the
window's Demo menu and the sign-in can name them without importing the generator and Faker
(issue 16: start-up imports only what the first screen needs).
"""

from __future__ import annotations

from dataclasses import dataclass

from mash_desk.domain.enums import Role

DEMO_PRACTITIONER = "demo.practitioner"
DEMO_MANAGER = "demo.manager"
DEMO_EDT = "demo.edt"
DEMO_CHAIR = "demo.chair"
# Demo accounts store no password (the Demo menu switches role without one). The demo desk's
# idle lock still asks for one, so a newcomer sees the real lock; it states this one on screen.
DEMO_PASSWORD = "demo"


@dataclass(frozen=True)
class DemoUser:
    """One demo account."""

    username: str
    role: Role
    agency: str
    team: str | None
    # How the Demo menu offers this user (None: not offered; one user per role or agency is).
    menu: str | None = None


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        DEMO_PRACTITIONER, Role.PRACTITIONER, "social_care", "MASH Team A", "MASH practitioner"
    ),
    DemoUser("demo.practitioner2", Role.PRACTITIONER, "social_care", "MASH Team A"),
    DemoUser("demo.practitioner3", Role.PRACTITIONER, "social_care", "MASH Team B"),
    DemoUser("demo.practitioner4", Role.PRACTITIONER, "social_care", "MASH Team B"),
    # The Emergency Duty Team covers the front door out of hours (policy file, §4).
    DemoUser(
        DEMO_EDT, Role.PRACTITIONER, "social_care", "Emergency Duty Team", "Emergency Duty Team"
    ),
    DemoUser(DEMO_MANAGER, Role.MANAGER, "social_care", "MASH", "Team manager"),
    DemoUser(DEMO_CHAIR, Role.CHAIR, "social_care", "MASH", "Meeting chair"),
    DemoUser("demo.police", Role.PARTNER, "police", "MASH police desk", "Police partner"),
    DemoUser("demo.health", Role.PARTNER, "health", "MASH health team", "Health partner"),
    DemoUser(
        "demo.education", Role.PARTNER, "education", "Education safeguarding", "Education partner"
    ),
    DemoUser(
        "demo.performance",
        Role.PERFORMANCE,
        "social_care",
        "Performance and QA",
        "Performance officer",
    ),
    DemoUser("demo.admin", Role.ADMIN, "social_care", None, "Administrator"),
    # One rep for every other partner agency, appended so the names above stay the same: the
    # demo history has each agency's checks returned, routings answered and actions closed
    # by a rep of that agency, as the services require.
    DemoUser(
        "demo.probation", Role.PARTNER, "probation", "Probation MASH link", "Probation partner"
    ),
    DemoUser("demo.housing", Role.PARTNER, "housing", "Housing options", "Housing partner"),
    DemoUser("demo.idva", Role.PARTNER, "idva", "IDVA service", "IDVA partner"),
    DemoUser(
        "demo.childrens_centres",
        Role.PARTNER,
        "childrens_centres",
        "Children's centres",
        "Children's centres partner",
    ),
    DemoUser(
        "demo.early_support",
        Role.PARTNER,
        "early_support",
        "Early Support hubs",
        "Early Support partner",
    ),
    DemoUser(
        "demo.adult_services",
        Role.PARTNER,
        "adult_services",
        "Adult services",
        "Adult services partner",
    ),
    DemoUser(
        "demo.yot", Role.PARTNER, "yot", "Youth Offending Team", "Youth Offending Team partner"
    ),
    DemoUser("demo.camhs", Role.PARTNER, "camhs", "CAMHS", "CAMHS partner"),
)


# What the Demo menu offers, in order: every social-care role, then every partner agency's rep.
DEMO_ROLES: tuple[tuple[str, str], ...] = tuple(
    (u.username, u.menu) for u in DEMO_USERS if u.menu and u.role is not Role.PARTNER
) + tuple((u.username, u.menu) for u in DEMO_USERS if u.menu and u.role is Role.PARTNER)
FIRST_PARTNER = next(u.username for u in DEMO_USERS if u.role is Role.PARTNER)
