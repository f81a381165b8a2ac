"""Which role may do what. Services consult this; widgets never decide on their own.

The table follows the users in domain brief §2: partner-agency reps see only their agency's
work (enforced by the services of the meeting issue), performance officers read figures and
logs but never a child's identity or case narrative, and never write case records.
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
    VIEW_MEETINGS = "view_meetings"
    RUN_MEETING = "run_meeting"
    DRAFT_DECISION = "draft_decision"
    SIGN_DECISION = "sign_decision"
    VIEW_DECISIONS = "view_decisions"
    RECORD_DISSENT = "record_dissent"
    VIEW_ESCALATIONS = "view_escalations"
    MANAGE_ESCALATIONS = "manage_escalations"
    SEND_FEEDBACK = "send_feedback"
    VIEW_OVERDUE_FEEDBACK = "view_overdue_feedback"
    ROUTE_CHILD = "route_child"
    VIEW_ROUTINGS = "view_routings"
    RESPOND_ROUTING = "respond_routing"
    RECORD_STRATEGY = "record_strategy"
    VIEW_STRATEGY = "view_strategy"
    ACKNOWLEDGE_ROUTING = "acknowledge_routing"
    VIEW_ACTIONS = "view_actions"
    WORK_ACTIONS = "work_actions"
    VIEW_OVERDUE_ACTIONS = "view_overdue_actions"
    TAKE_WORK = "take_work"
    ALLOCATE_WORK = "allocate_work"
    VIEW_WORKLOAD = "view_workload"
    FIND_CHILD = "find_child"
    MERGE_PEOPLE = "merge_people"
    VIEW_MEASURES = "view_measures"
    EXPORT_RETURNS = "export_returns"


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
    # The daily meeting (issue 5): practitioners present cases and draft decisions, read the
    # meeting and decisions, and tell referrers the outcome.
    Permission.VIEW_MEETINGS,
    Permission.DRAFT_DECISION,
    Permission.VIEW_DECISIONS,
    Permission.SEND_FEEDBACK,
    # Routing (issue 5): practitioners step children up or down, transfer them, record who
    # was told, and read strategy discussions.
    Permission.ROUTE_CHILD,
    Permission.VIEW_ROUTINGS,
    Permission.VIEW_STRATEGY,
    # Partner work (issue 5): the MASH acknowledges a routing on behalf of a receiving service
    # that took it by phone, and records progress on or closes any decision action.
    Permission.ACKNOWLEDGE_ROUTING,
    Permission.VIEW_ACTIONS,
    Permission.WORK_ACTIONS,
    # Allocation (issue 12): front-door staff take unallocated work for themselves.
    Permission.TAKE_WORK,
    # Issue 12: any child, open or closed, can be found again from anywhere in the desk.
    Permission.FIND_CHILD,
}
# Chairs and managers run the meeting, sign decisions (a manager also red ones between
# meetings), record an agency's dissent as minuted, and manage escalations and feedback.
_MEETING_LEAD = {
    Permission.RUN_MEETING,
    Permission.SIGN_DECISION,
    Permission.RECORD_DISSENT,
    Permission.VIEW_ESCALATIONS,
    Permission.MANAGE_ESCALATIONS,
    Permission.VIEW_OVERDUE_FEEDBACK,
    Permission.RECORD_STRATEGY,
    Permission.VIEW_OVERDUE_ACTIONS,
    # Team and service managers (a chair is one) allocate and reallocate work to a team and
    # worker, and watch each worker's load.
    Permission.ALLOCATE_WORK,
    Permission.VIEW_WORKLOAD,
    # Issue 15: managers and chairs read the front door's figures (domain brief §9).
    Permission.VIEW_MEASURES,
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
            # A social-care manager accepts or rejects a step up into social care.
            Permission.RESPOND_ROUTING,
            # Issue 12: only a team manager merges two records of one child.
            Permission.MERGE_PEOPLE,
            # Issue 15: the statutory returns (CIN census, Ofsted's Annex A).
            Permission.EXPORT_RETURNS,
        }
        | _MEETING_LEAD
    ),
    Role.CHAIR: frozenset(
        _FRONT_DOOR | {Permission.AUTHORISE, Permission.VIEW_THRESHOLDS} | _MEETING_LEAD
    ),
    # Partner reps work through their agency inbox, not the front-door queue: they see and
    # return only the checks asked of their own agency. They read the threshold document
    # because the meeting applies it together (000 L186).
    # At the meeting a partner may record its own agency's dissent (checked in the service:
    # own agency, and present at that meeting).
    Role.PARTNER: frozenset(
        {
            Permission.VIEW_THRESHOLDS,
            Permission.RETURN_AGENCY_CHECKS,
            Permission.RECORD_DISSENT,
            # Routings to their own agency only (checked in the service): read, accept, reject.
            Permission.VIEW_ROUTINGS,
            Permission.RESPOND_ROUTING,
            # Domain brief §2: a rep acknowledges routed cases and works their agency's actions
            # (own agency or own name only, checked in the services).
            Permission.ACKNOWLEDGE_ROUTING,
            Permission.VIEW_ACTIONS,
            Permission.WORK_ACTIONS,
            # Only children their agency was asked about, routed or given actions for
            # (checked in services.search).
            Permission.FIND_CHILD,
        }
    ),
    # Domain brief §2: a performance / QA officer reads dashboards, statutory returns and the
    # audit and access logs; issue 13 item 3: it sees aggregates, not identifiable rows. So no
    # screen that lists children (queue, meeting, decisions, routings, strategy, actions,
    # escalations, overdue feedback): those go. What stays identifies a child by id at most:
    # the audit and access logs (who did what, who looked), consistency samples and their
    # agreement figures (000 L374: inspectors ask whether decisions are made at the right
    # level; names and rationales stripped for this role in services.quality), the threshold
    # document, and each worker's counts of open work.
    Role.PERFORMANCE: frozenset(
        {
            Permission.VIEW_AUDIT,
            Permission.VIEW_THRESHOLDS,
            Permission.RUN_QA,
            Permission.VIEW_ACCESS_LOG,
            Permission.VIEW_WORKLOAD,
            # Issue 15: the measures are counts and rates, never a child's row.
            Permission.VIEW_MEASURES,
            # Issue 15: compiling the statutory returns is the performance officer's job
            # (domain brief §2). A return naming children (dates of birth, UPNs) checks more
            # in its service: Annex A is a manager's (services.annex_a); the census on a
            # shared server too, whose performance login may not read those columns
            # (services.returns); on an embedded database the permission suffices.
            Permission.EXPORT_RETURNS,
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
    Permission.VIEW_MEETINGS: "see the daily meeting and its agenda",
    Permission.RUN_MEETING: "run the daily meeting",
    Permission.DRAFT_DECISION: "draft referral decisions",
    Permission.SIGN_DECISION: "sign or amend referral decisions",
    Permission.VIEW_DECISIONS: "read referral decisions",
    Permission.RECORD_DISSENT: "record an agency's disagreement with a decision",
    Permission.VIEW_ESCALATIONS: "see escalations of professional disagreement",
    Permission.MANAGE_ESCALATIONS: "move or resolve escalations",
    Permission.SEND_FEEDBACK: "record feedback to referrers",
    Permission.VIEW_OVERDUE_FEEDBACK: "see overdue referrer feedback",
    Permission.ROUTE_CHILD: "step children up or down, transfer them or record who was told",
    Permission.VIEW_ROUTINGS: "read step-up, step-down and transfer records",
    Permission.RESPOND_ROUTING: "accept or reject a child routed to a service",
    Permission.RECORD_STRATEGY: "record strategy discussions",
    Permission.VIEW_STRATEGY: "read strategy discussions",
    Permission.ACKNOWLEDGE_ROUTING: "acknowledge a child routed to a service",
    Permission.VIEW_ACTIONS: "see the actions of referral decisions",
    Permission.WORK_ACTIONS: "record progress on or close the actions of a decision",
    Permission.VIEW_OVERDUE_ACTIONS: "see every overdue action of the MASH's decisions",
    Permission.TAKE_WORK: "take front-door work",
    Permission.ALLOCATE_WORK: "allocate or reallocate work to other workers",
    Permission.VIEW_WORKLOAD: "see each worker's workload",
    Permission.FIND_CHILD: "find a child's record",
    Permission.MERGE_PEOPLE: "merge two records of one child",
    Permission.VIEW_MEASURES: "read the front door's measures and figures",
    Permission.EXPORT_RETURNS: "check or export the statutory returns",
}


def allows(role: Role, permission: Permission) -> bool:
    """Return whether ``role`` carries ``permission``."""
    return permission in ROLE_PERMISSIONS[role]


def require(role: Role, permission: Permission) -> None:
    """Raise ``PermissionDenied`` with a plain sentence unless ``role`` may do it."""
    if not allows(role, permission):
        raise PermissionDenied(f"A {role.label.lower()} may not {_ACTION_WORDS[permission]}")
