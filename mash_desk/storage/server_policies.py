"""Row-level security on a shared server: which rows of a granted table each role sees.

The grants (``storage.server.GRANTS``) say which tables a role may read or write; the policies
here say which *rows*, so that a person's own login, used outside MASH Desk (psql, a script),
reaches no more than the desk would show them. The services keep every check of their own:
this is the second wall, not the first.

* Front door (practitioner, manager, chair): every row. They are the MASH's front door and
  the services give them every child.
* Partner rep: exactly the three doors the partner services open (``services.checks`` inbox,
  ``services.routing`` inbox, ``services.actions`` inbox, and ``services.search.partner_scope``
  for the children behind them), plus the dissent its agency may record at a meeting it
  attended (``services.decisions.record_dissent``). Nothing else: no contact, no screening,
  no meeting, no document, no log row.
* Performance officer: every row of what it is granted, but of a case table only the
  columns that count (:data:`AGGREGATE_COLUMNS`: ids, codes, dates of work, levels, RAG,
  outcomes): no name, date of birth, number, address, postcode, referrer, concern, rationale
  or other free text about a family (issue 13 item 3). Its desk has no screen that lists
  children (domain.permissions), and the services it keeps select only those columns.
* Administrator: the access log and the audit rows it writes; no work table (no grants).

The session's person is ``session_user`` looked up in ``users`` (a login is named exactly like
its MASH Desk user). Test suites that run the services as the owner under ``SET LOCAL ROLE
<group>`` (tests/support/server.py) name the person in the ``mash.user_id`` setting instead;
that setting is honoured only when the session's own login is a superuser or owns the
database, who read every row anyway, so a person cannot claim to be somebody else with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, text

from mash_desk.domain.enums import Role
from mash_desk.domain.meetings import DecisionStatus
from mash_desk.domain.routing import RoutingStatus

_SIGNED = f"'{DecisionStatus.SIGNED.value}'"
# A routing is the receiver's once it is handed over (services.search._HANDED_OVER).
_HANDED_OVER = ", ".join(
    f"'{s.value}'" for s in (RoutingStatus.COMPLETE, RoutingStatus.ACCEPTED, RoutingStatus.REJECTED)
)

# SECURITY DEFINER: they read users and the work tables as the owner, so a policy calling them
# neither recurses into another policy nor needs the caller to see the rows it checks. The
# session's user and agency are STABLE and called as ``(SELECT f())`` so the planner runs each
# once per statement, not per row: a SECURITY DEFINER function is never inlined, so a bare
# call in a WHERE ran once per row scanned (a police rep's inbox took 6 s on a year). The
# per-row checks (``mash_partner_*(id)``) are meant to run per row: one look-up each.
_HEADER = "STABLE SECURITY DEFINER SET search_path = pg_catalog, public"
# Who the session is, as SQL: written out wherever it is needed rather than called, because a
# SQL function called inside another one's body is planned again on every call (≈ 0.2 ms: a
# per-row check that called mash_session_agency_id() cost 0.4 ms a row).
_SESSION_USER = """CASE
  WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = session_user AND rolsuper)
    OR EXISTS (SELECT 1 FROM pg_database WHERE datname = current_database()
               AND pg_has_role(session_user, datdba, 'MEMBER'))
  THEN nullif(current_setting('mash.user_id', true), '')::integer
  ELSE (SELECT id FROM users WHERE username = session_user AND active)
END"""
# The FROM of a per-row check: the session's user (``me``) and agency, looked up once a call.
_SESSION = f"""(SELECT u.me, s.agency_id AS agency FROM (SELECT {_SESSION_USER} AS me) u
      LEFT JOIN users s ON s.id = u.me) AS session"""
# An action is a rep's to work when its agency or the rep owns it and its decision is signed
# (superseded versions too: services.actions tells the rep an action it owns was superseded,
# not "not found"). ``a`` is the action, ``d`` its decision.
_WORKS = (
    f"d.status = {_SIGNED} AND (a.owner_agency_id = session.agency OR a.owner_user_id = session.me)"
)
# Each per-row check answers for one row, by its id: an EXISTS over the rep's agency's work on
# *that row*, an index look-up each. The first versions built the set of everything the
# agency was ever asked about on every statement (``id IN (SELECT f())``): a police inbox cost
# 0.25–0.45 s on ten years and grew with history. A screen reads its own rows by index, so a check
# per row it reads keeps it flat.
FUNCTIONS: dict[str, str] = {
    # PL/pgSQL keeps its plans for the session: each policy's ``(SELECT f())`` costs
    # microseconds, where a SQL function was planned again in every statement (≈ 0.2 ms each,
    # and a partner's statement through nested policies holds a dozen).
    "mash_session_user_id() RETURNS integer": f"BEGIN RETURN ({_SESSION_USER}); END",
    "mash_session_agency_id() RETURNS integer": f"""BEGIN
RETURN (SELECT agency_id FROM users WHERE id = ({_SESSION_USER}));
END""",
    # The actions a rep works (services.actions inbox).
    "mash_partner_works_action(integer) RETURNS boolean": f"""
SELECT EXISTS (SELECT 1 FROM decision_actions a JOIN decisions d ON d.id = a.decision_id
               WHERE a.id = $1 AND {_WORKS})
FROM {_SESSION}""",
    # A child given actions the rep works (the other two doors are in the policy itself).
    "mash_partner_actioned_person(integer) RETURNS boolean": f"""
SELECT EXISTS (SELECT 1 FROM decisions d JOIN decision_actions a ON a.decision_id = d.id
               WHERE d.person_id = $1 AND {_WORKS})
FROM {_SESSION}""",
    # A referral whose actions the rep works (the actions of a referral are opened by its id).
    "mash_partner_actioned_referral(integer) RETURNS boolean": f"""
SELECT EXISTS (SELECT 1 FROM decisions d JOIN decision_actions a ON a.decision_id = d.id
               WHERE d.referral_id = $1 AND {_WORKS})
FROM {_SESSION}""",
    # A meeting the rep's agency was present at: it may dissent from its decisions.
    "mash_partner_attended(integer) RETURNS boolean": f"""
SELECT EXISTS (SELECT 1 FROM meeting_attendance
               WHERE meeting_id = $1 AND agency_id = session.agency AND present)
FROM {_SESSION}""",
    # Decisions a rep knows: those of a meeting its agency attended, and every signed version
    # of a referral it has actions on (whether an action is current depends on later ones).
    "mash_partner_sees_decision(integer) RETURNS boolean": f"""
SELECT EXISTS (SELECT 1 FROM decisions x JOIN meeting_attendance m ON m.meeting_id = x.meeting_id
               WHERE x.id = $1 AND m.agency_id = session.agency AND m.present)
    OR EXISTS (SELECT 1 FROM decisions x JOIN decisions d ON d.referral_id = x.referral_id
               JOIN decision_actions a ON a.decision_id = d.id
               WHERE x.id = $1 AND x.status = {_SIGNED} AND {_WORKS})
FROM {_SESSION}""",
}
# The set-building functions the checks above replaced: dropped once no policy uses them.
RETIRED = (
    "mash_partner_actions()",
    "mash_partner_people()",
    "mash_partner_meetings()",
    "mash_partner_decisions()",
    "mash_partner_referrals()",
)

_AGENCY = "(SELECT mash_session_agency_id())"
_ME = "(SELECT mash_session_user_id())"
# A log row is written in its writer's own name; a row the database writes on nobody's behalf
# (user_id NULL) is let through.
_OWN_LOG_ROW = f"coalesce(user_id, {_ME}) = {_ME}"
_ROUTED = f"to_agency_id = {_AGENCY} AND status IN ({_HANDED_OVER})"


# A row hanging off a routing or an escalation of the rep's agency: an EXISTS on its parent's
# primary key, written out (no policy on either parent reads this table back).
_OF_ROUTED = (
    "EXISTS (SELECT 1 FROM routings WHERE routings.id = routing_informing.routing_id "
    f"AND routings.to_agency_id = {_AGENCY} AND routings.status IN ({_HANDED_OVER}))"
)
_OF_DISSENT = (
    "EXISTS (SELECT 1 FROM escalations WHERE escalations.id = escalation_steps.escalation_id "
    f"AND escalations.agency_id = {_AGENCY})"
)
# The checks and routings doors written out in the policy (the session's agency looked up
# once a statement): the planner probes the rep's checks by index for the few rows a screen
# reads, or hashes them once for a long list. Only rows neither door lets through reach the
# per-row function, which looks up the session again on each call.
_ASKED_REFERRAL = (
    "EXISTS (SELECT 1 FROM agency_check_requests c WHERE c.referral_id = referrals.id "
    f"AND c.agency_id = {_AGENCY})"
)
_ASKED_PERSON = (
    "EXISTS (SELECT 1 FROM referrals r JOIN agency_check_requests c ON c.referral_id = r.id "
    f"WHERE r.person_id = people.id AND c.agency_id = {_AGENCY})"
)
_ROUTED_PERSON = (
    "EXISTS (SELECT 1 FROM routings WHERE routings.person_id = people.id "
    f"AND routings.to_agency_id = {_AGENCY} AND routings.status IN ({_HANDED_OVER}))"
)
# The owner test inline, before the function: the planner runs the cheaper test first, so
# only the agency's own actions are looked up for a signed decision.
_OWNED = f"owner_agency_id = {_AGENCY} OR owner_user_id = {_ME}"


@dataclass(frozen=True)
class Rule:
    """Which rows of one table a partner rep sees, and which it may write.

    ``writes`` maps INSERT/UPDATE to the WITH CHECK a written row must pass (an UPDATE also
    only reaches rows ``see`` lets through); a command missing from it is refused row by row
    even where a grant allows the statement.
    """

    see: str
    writes: Mapping[str, str] | None = None


NOTHING = Rule("false")

# Table -> what a partner rep sees of it. Every case table has an entry, "nothing" included,
# so a new table is a decision (tests/storage/test_row_security.py fails until it is made).
PARTNER: dict[str, Rule] = {
    "agency_check_requests": Rule(f"agency_id = {_AGENCY}", {"UPDATE": f"agency_id = {_AGENCY}"}),
    "routings": Rule(_ROUTED, {"UPDATE": _ROUTED}),
    "routing_informing": Rule(_OF_ROUTED, {"INSERT": _OF_ROUTED}),
    "decision_actions": Rule(f"({_OWNED}) AND mash_partner_works_action(id)", {"UPDATE": _OWNED}),
    "decision_action_updates": Rule(
        "mash_partner_works_action(action_id)",
        {"INSERT": f"mash_partner_works_action(action_id) AND written_by = {_ME}"},
    ),
    "decisions": Rule("mash_partner_sees_decision(id)"),
    # services.search.partner_scope: a child asked about, routed to, or given actions.
    "referrals": Rule(f"{_ASKED_REFERRAL} OR mash_partner_actioned_referral(id)"),
    "people": Rule(f"{_ASKED_PERSON} OR {_ROUTED_PERSON} OR mash_partner_actioned_person(id)"),
    # The household of a child the rep sees (the people it reads pass the people policy).
    "households": Rule("EXISTS (SELECT 1 FROM people WHERE people.household_id = households.id)"),
    "meeting_attendance": Rule("mash_partner_attended(meeting_id)"),
    "escalations": Rule(
        f"agency_id = {_AGENCY}",
        {"INSERT": f"agency_id = {_AGENCY} AND mash_partner_sees_decision(decision_id)"},
    ),
    "escalation_steps": Rule(_OF_DISSENT, {"INSERT": f"{_OF_DISSENT} AND moved_by = {_ME}"}),
    # A rep writes its own audit and access rows and reads no one else's (it has no
    # VIEW_AUDIT). Its own: the desk inserts a log row with RETURNING id, and PostgreSQL lets
    # a row be returned only to a role whose SELECT policy passes it.
    "audit_log": Rule(f"user_id = {_ME}", {"INSERT": _OWN_LOG_ROW}),
    "access_log": Rule(f"user_id = {_ME}", {"INSERT": _OWN_LOG_ROW}),
    **{
        name: NOTHING
        for name in (
            "allocations",
            "contact_attachments",
            "contacts",
            "contact_risk_indicators",
            "contact_children",
            "rag_ratings",
            "contact_outcomes",
            "consents",
            "meetings",
            "agenda_items",
            "decision_pathways",
            "referrer_feedback",
            "relationships",
            "service_episodes",
            "strategy_discussions",
            "strategy_attendees",
            "threshold_assessments",
            "threshold_assessment_indicators",
            "qa_samples",
            "qa_items",
            "issued_documents",
            "document_outputs",
            "audit_chain_head",
        )
    },
}

# Read by everyone signed in (every screen names people and agencies) and written by an
# administrator only, which the grants already decide: no row policy.
SHARED = frozenset({"users", "roles", "agencies", "threshold_documents", "alembic_version"})

# Issue 13 item 3: a performance officer sees aggregates, not identifiable rows. Its login
# may SELECT only the columns below (column-level grants): ids, codes, dates of work, RAG,
# levels, outcomes, agencies, counts and flags, enough for ``count(*)`` and GROUP BY on every
# table. Everything that names or describes a family, or is written free text about one
# (domain brief §2: names, dates of birth, NHS and other numbers, addresses and postcodes,
# phone numbers, the referrer's identity and words, concerns, rationales and reasons, notes,
# who was told, attendees' names, documents, attachments, log details and hashes of them) is
# withheld by being left out: a column added later is withheld until it is listed here.
# A case table missing here is not readable at all (audit_chain_head is not even granted).
AGGREGATE_COLUMNS: dict[str, frozenset[str]] = {
    name: frozenset(columns.split())
    for name, columns in {
        # Who looked at which child id, and when; not what they opened (a file name or a
        # document reference) nor the row hashes (digests of the detail).
        "access_log": "id user_id person_id at what db_user",
        "agency_check_requests": "id referral_id agency_id requested_by requested_at due_at rag "
        "status returned_by returned_at nothing_known withdrawn_by withdrawn_at version",
        "agenda_items": "id meeting_id referral_id status deferred_by deferred_at",
        "allocations": "id person_id contact_child_id referral_id kind from_user_id to_user_id "
        "team allocated_by allocated_at",
        # Who did what to which entity; not the detail (names, changed values) nor hashes.
        "audit_log": "id at user_id action entity entity_id person_id db_user",
        "consents": "id person_id contact_id purpose state approved_by recorded_by recorded_at",
        "contact_attachments": "id contact_id media_type size added_by added_at",
        "contact_children": "id contact_id person_id status rag due_at assigned_to team "
        "provisional_level threshold_document threshold_version screened_by screened_at "
        "closed_at version",
        "contact_outcomes": "id contact_child_id outcome recorded_by recorded_at",
        "contact_risk_indicators": "contact_id code",
        # Channel and source are codes; the referrer's name, role, agency, phone, e-mail and
        # concerns are not.
        "contacts": "id received_at channel referral_source created_by created_at version",
        "decision_action_updates": "id action_id status_after written_by written_at",
        "decision_actions": "id decision_id owner_agency_id owner_user_id due_on status "
        "closed_by closed_at version",
        "decision_pathways": "id decision_id pathway",
        "decisions": "id referral_id person_id meeting_id revision amends_id status outcome level "
        "assessment_id document_id document_version allocated_team allocated_worker_id "
        "s47_started_on drafted_by drafted_at signed_by signed_at version",
        "document_outputs": "id document_id action output_by output_at",
        "escalation_steps": "id escalation_id stage started_at due_at moved_by",
        "escalations": "id decision_id agency_id raised_by raised_at stage stage_started_at "
        "due_at status resolved_by resolved_at version",
        "households": "id version",
        "issued_documents": "id kind decision_id revision meeting_id routing_id person_id "
        "copy_of_id copy_number size issued_by issued_at",
        "meeting_attendance": "id meeting_id agency_id present recorded_by recorded_at",
        "meetings": "id meeting_date chair_id created_at quorum_reason_by quorum_reason_at "
        "signed_off_by signed_off_at version",
        # Equality-monitoring categories stay for the statutory returns; names, the name keys,
        # date of birth, expected delivery, NHS number, UPN, local id and school go.
        "people": "id kind sex ethnicity first_language interpreter_needed disability "
        "household_id created_at version merged_into",
        "qa_items": "id sample_id position original_id rerate_id",
        "qa_samples": "id kind period_from period_to size seed drawn_by drawn_at",
        "rag_ratings": "id contact_child_id value rated_by rated_at",
        "referrals": "id contact_child_id person_id referral_at source primary_need referral_nfa "
        "status rag decision_due_at assessment_due_at assigned_to team level created_by version",
        "referrer_feedback": "id decision_id referral_id due_at sent_at sent_by method version",
        "relationships": "id person_id related_id kind parental_responsibility",
        "routing_informing": "id routing_id party method informed_at recorded_by recorded_at",
        "routings": "id person_id referral_id decision_id kind from_agency_id to_agency_id "
        "to_team level_before level_after family_consent childrens_centre_offer status "
        "created_by created_at completed_by completed_at responded_by responded_at "
        "acknowledged_by acknowledged_at version",
        "service_episodes": "id person_id service team worker_id started_on ended_on",
        "strategy_attendees": "id discussion_id agency_id",
        "strategy_discussions": "id referral_id decision_id person_id held_at s47_decision "
        "s47_started_on icpc_due_at recorded_by recorded_at icpc_held_on icpc_recorded_by "
        "icpc_recorded_at icpc_not_required_on version",
        "threshold_assessment_indicators": "assessment_id indicator_id",
        "threshold_assessments": "id kind person_id contact_child_id referral_id document_id "
        "document_version suggested_level chosen_level override assessed_by assessed_at",
    }.items()
}
# Nobody's login reads another person's password hash (an embedded database's accounts):
# a server login's password is the server's, kept as a SCRAM verifier it never shows.
HIDDEN_FROM_ALL: dict[str, frozenset[str]] = {"users": frozenset({"password_hash"})}


_LOGS = ("audit_log", "access_log")


def _policy(
    conn: Connection, name: str, table: str, command: str, group: str, **exprs: str
) -> None:
    clauses = "".join(f" {k.upper().replace('_', ' ')} ({v})" for k, v in exprs.items())
    conn.exec_driver_sql(
        f'CREATE POLICY {name} ON "{table}" AS PERMISSIVE FOR {command} TO "{group}"{clauses}'
    )


def _drop_policies(conn: Connection, table: str) -> None:
    names = conn.execute(
        text(
            "SELECT policyname FROM pg_policies WHERE schemaname = 'public' AND tablename = :t "
            "AND policyname LIKE 'mash\\_%'"
        ),
        {"t": table},
    ).scalars()
    for name in list(names):
        conn.exec_driver_sql(f'DROP POLICY IF EXISTS "{name}" ON "{table}"')


def _functions(conn: Connection, groups: Mapping[Role, str]) -> None:
    for signature, body in FUNCTIONS.items():
        function = signature.split(" RETURNS ", 1)[0]  # name(argument types)
        language = "plpgsql" if body.startswith("BEGIN") else "sql"
        conn.exec_driver_sql(
            f"CREATE OR REPLACE FUNCTION {signature} LANGUAGE {language} {_HEADER} AS $${body}$$"
        )
        conn.exec_driver_sql(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
        for group in groups.values():
            conn.exec_driver_sql(f'GRANT EXECUTE ON FUNCTION {function} TO "{group}"')


def _retire_functions(conn: Connection) -> None:
    """Drop the functions no policy uses any more (run after the policies are made again)."""
    for function in RETIRED:
        conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {function}")


def _table_policies(conn: Connection, table: str, groups: Mapping[Role, str]) -> None:
    _drop_policies(conn, table)
    conn.exec_driver_sql(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
    for role in (Role.PRACTITIONER, Role.MANAGER, Role.CHAIR):
        if table in _LOGS:
            # Read every log row (managers answer "who did what"); write only one's own.
            _policy(conn, f"mash_{role.value}_read", table, "SELECT", groups[role], using="true")
            continue
        _policy(
            conn,
            f"mash_{role.value}_all",
            table,
            "ALL",
            groups[role],
            using="true",
            with_check="true",
        )
    # Performance and admin read every row of what they are granted (the grants decide the
    # tables, AGGREGATE_COLUMNS a performance officer's columns) and write only their QA
    # samples and own log rows.
    for role in (Role.PERFORMANCE, Role.ADMIN):
        _policy(conn, f"mash_{role.value}_read", table, "SELECT", groups[role], using="true")
    if table in _LOGS:
        for role in (Role.PRACTITIONER, Role.MANAGER, Role.CHAIR, Role.PERFORMANCE, Role.ADMIN):
            _policy(
                conn,
                f"mash_{role.value}_log",
                table,
                "INSERT",
                groups[role],
                with_check=_OWN_LOG_ROW,
            )
    if table in ("qa_samples", "qa_items"):
        _policy(
            conn,
            "mash_performance_qa",
            table,
            "ALL",
            groups[Role.PERFORMANCE],
            using="true",
            with_check="true",
        )
    rule = PARTNER[table]
    _policy(conn, "mash_partner_read", table, "SELECT", groups[Role.PARTNER], using=rule.see)
    for command, check in (rule.writes or {}).items():
        exprs = {"with_check": check}
        if command == "UPDATE":
            exprs = {"using": rule.see, **exprs}
        _policy(
            conn, f"mash_partner_{command.lower()}", table, command, groups[Role.PARTNER], **exprs
        )


def _columns(conn: Connection, table: str) -> list[str]:
    return list(
        conn.execute(
            text(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name = :t ORDER BY ordinal_position"
            ),
            {"t": table},
        ).scalars()
    )


def _select_only(conn: Connection, table: str, group: str, shown: Sequence[str]) -> None:
    """Turn ``group``'s table-wide SELECT on ``table`` into SELECT on ``shown`` columns only."""
    granted = conn.execute(
        text("SELECT has_table_privilege(:g, :t, 'SELECT')"), {"g": group, "t": f'"{table}"'}
    ).scalar_one()
    if not granted:
        return
    conn.exec_driver_sql(f'REVOKE SELECT ON "{table}" FROM "{group}"')
    if shown:
        columns = ", ".join(f'"{c}"' for c in shown)
        conn.exec_driver_sql(f'GRANT SELECT ({columns}) ON "{table}" TO "{group}"')


def _withhold(conn: Connection, table: str, group: str, hidden: frozenset[str]) -> None:
    """Turn ``group``'s table-wide SELECT on ``table`` into SELECT on all but ``hidden``."""
    _select_only(conn, table, group, [c for c in _columns(conn, table) if c not in hidden])


def apply(conn: Connection, groups: Mapping[Role, str], tables: Sequence[str]) -> None:
    """Create the session functions, enable row security with its policies, narrow columns.

    Idempotent: functions are replaced, this module's policies (``mash_*``) dropped and made
    again. A table with no decision here (neither in :data:`PARTNER` nor :data:`SHARED`) is
    left alone, and the row-security test names it.
    """
    _functions(conn, groups)
    for table in tables:
        if table in PARTNER:
            _table_policies(conn, table, groups)
    _retire_functions(conn)
    for table, hidden in HIDDEN_FROM_ALL.items():
        if table in tables:
            for group in groups.values():
                _withhold(conn, table, group, hidden)
    # Every case table (row policies above) is narrowed to its aggregate columns; the shared
    # reference tables (users without hashes, agencies, thresholds) stay readable.
    for table in tables:
        if table in PARTNER:
            shown = AGGREGATE_COLUMNS.get(table, frozenset())
            columns = [c for c in _columns(conn, table) if c in shown]
            _select_only(conn, table, groups[Role.PERFORMANCE], columns)
