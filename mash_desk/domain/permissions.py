"""Which role may do what. Services consult this; widgets never decide on their own.

The table follows the users in domain brief §2: partner-agency reps see only their agency's
work (enforced by the services of the meeting issue), performance officers read but never
write case records.
"""

from __future__ import annotations

from enum import StrEnum

from mash_desk.domain.enums import Role
from mash_desk.domain.errors import PermissionDenied


class Permission(StrEnum):
    """A capability a service checks before it acts."""

    LOG_CONTACT = "log_contact"
    EDIT_PERSON = "edit_person"
    SEARCH_PEOPLE = "search_people"
    SCREEN = "screen"
    RECORD_OUTCOME = "record_outcome"
    VIEW_QUEUE = "view_queue"
    VIEW_CASE = "view_case"
    AUTHORISE = "authorise"
    VIEW_AUDIT = "view_audit"
    ADMINISTER = "administer"
    VIEW_THRESHOLDS = "view_thresholds"
    RUN_QA = "run_qa"
    REQUEST_AGENCY_CHECKS = "request_agency_checks"
    VIEW_AGENCY_CHECKS = "view_agency_checks"
    RETURN_AGENCY_CHECKS = "return_agency_checks"
    VIEW_ACCESS_LOG = "view_access_log"


_FRONT_DOOR = {
    Permission.LOG_CONTACT,
    Permission.EDIT_PERSON,
    Permission.SEARCH_PEOPLE,
    Permission.SCREEN,
    Permission.RECORD_OUTCOME,
    Permission.VIEW_QUEUE,
    Permission.VIEW_CASE,
    # Agency checks (domain brief §1): the MASH asks partner agencies and reads their returns.
    Permission.REQUEST_AGENCY_CHECKS,
    Permission.VIEW_AGENCY_CHECKS,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.PRACTITIONER: frozenset(_FRONT_DOOR | {Permission.VIEW_THRESHOLDS}),
    Role.MANAGER: frozenset(
        _FRONT_DOOR
        | {
            Permission.AUTHORISE,
            Permission.VIEW_AUDIT,
            Permission.VIEW_THRESHOLDS,
            Permission.RUN_QA,
            Permission.VIEW_ACCESS_LOG,
        }
    ),
    Role.CHAIR: frozenset(_FRONT_DOOR | {Permission.AUTHORISE, Permission.VIEW_THRESHOLDS}),
    # Partner reps work through their agency inbox, not the front-door queue: they see and
    # return only the checks asked of their own agency. They read the threshold document
    # because the meeting applies it together (000 L186).
    Role.PARTNER: frozenset({Permission.VIEW_THRESHOLDS, Permission.RETURN_AGENCY_CHECKS}),
    # Inspectors ask whether decisions are made at the right level (000 L374): QA officers
    # draw consistency samples and read the agreement figures.
    Role.PERFORMANCE: frozenset(
        {
            Permission.VIEW_QUEUE,
            Permission.VIEW_AUDIT,
            Permission.VIEW_THRESHOLDS,
            Permission.RUN_QA,
            Permission.VIEW_ACCESS_LOG,
        }
    ),
    Role.ADMIN: frozenset(
        {Permission.ADMINISTER, Permission.VIEW_AUDIT, Permission.VIEW_THRESHOLDS}
    ),
}

_ACTION_WORDS = {
    Permission.LOG_CONTACT: "log contacts",
    Permission.EDIT_PERSON: "create or change people's records",
    Permission.SEARCH_PEOPLE: "search people",
    Permission.SCREEN: "screen contacts",
    Permission.RECORD_OUTCOME: "record contact outcomes",
    Permission.VIEW_QUEUE: "see the front-door work queue",
    Permission.VIEW_CASE: "open case records",
    Permission.AUTHORISE: "authorise decisions",
    Permission.VIEW_AUDIT: "read the audit log",
    Permission.ADMINISTER: "administer users and reference data",
    Permission.VIEW_THRESHOLDS: "read the threshold document",
    Permission.RUN_QA: "run consistency checks of threshold decisions",
    Permission.REQUEST_AGENCY_CHECKS: "request or withdraw agency checks",
    Permission.VIEW_AGENCY_CHECKS: "read the MASH's agency checks",
    Permission.RETURN_AGENCY_CHECKS: "return agency checks for a partner agency",
    Permission.VIEW_ACCESS_LOG: "read who has viewed a child's record",
}


def allows(role: Role, permission: Permission) -> bool:
    """Return whether ``role`` carries ``permission``."""
    return permission in ROLE_PERMISSIONS[role]


def require(role: Role, permission: Permission) -> None:
    """Raise ``PermissionDenied`` with a plain sentence unless ``role`` may do it."""
    if not allows(role, permission):
        raise PermissionDenied(f"A {role.label.lower()} may not {_ACTION_WORDS[permission]}")
