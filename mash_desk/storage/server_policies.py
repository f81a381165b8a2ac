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
* Performance officer: every row of what it is granted, with the referrer's identity and
  words, attachments, addresses, agency check questions and findings, screening reasons and
  the audit log's detail withheld column by column (:data:`WITHHELD`). Its desk still shows
  children's names in the queue and decisions' rationales (domain.permissions gives it those
  screens), so those columns stay readable; narrowing them is a change of the screens first.
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
# neither recurses into another policy nor needs the caller to see the rows it checks. STABLE
# and called as ``(SELECT f())`` so the planner runs each once per statement, not per row.
_HEADER = "STABLE SECURITY DEFINER SET search_path = pg_catalog, public"
FUNCTIONS: dict[str, str] = {
    "mash_session_user_id() RETURNS integer": """
SELECT CASE
  WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = session_user AND rolsuper)
    OR EXISTS (SELECT 1 FROM pg_database WHERE datname = current_database()
               AND pg_has_role(session_user, datdba, 'MEMBER'))
  THEN nullif(current_setting('mash.user_id', true), '')::integer
  ELSE (SELECT id FROM users WHERE username = session_user AND active)
END""",
    "mash_session_agency_id() RETURNS integer": """
SELECT agency_id FROM users WHERE id = mash_session_user_id()""",
    # The actions a rep works: its agency's or its own, of signed decisions (superseded ones
    # too: services.actions tells the rep an action it owns was superseded, not "not found").
    "mash_partner_actions() RETURNS SETOF integer": f"""
SELECT a.id FROM decision_actions a JOIN decisions d ON d.id = a.decision_id
WHERE d.status = {_SIGNED}
  AND (a.owner_agency_id = mash_session_agency_id() OR a.owner_user_id = mash_session_user_id())""",
    # services.search.partner_scope: asked about, routed to, or given actions.
    "mash_partner_people() RETURNS SETOF integer": f"""
SELECT r.person_id FROM referrals r JOIN agency_check_requests c ON c.referral_id = r.id
WHERE c.agency_id = mash_session_agency_id()
UNION SELECT person_id FROM routings
WHERE to_agency_id = mash_session_agency_id() AND status IN ({_HANDED_OVER})
UNION SELECT d.person_id FROM decisions d JOIN decision_actions a ON a.decision_id = d.id
WHERE a.id IN (SELECT mash_partner_actions())""",
    # The meetings the rep's agency was present at: it may dissent from their decisions.
    "mash_partner_meetings() RETURNS SETOF integer": """
SELECT meeting_id FROM meeting_attendance
WHERE agency_id = mash_session_agency_id() AND present""",
    # Decisions a rep knows: those of a meeting its agency attended, and every signed version
    # of a referral it has actions on (whether an action is current depends on later ones).
    "mash_partner_decisions() RETURNS SETOF integer": f"""
SELECT id FROM decisions WHERE meeting_id IN (SELECT mash_partner_meetings())
UNION SELECT d.id FROM decisions d
WHERE d.status = {_SIGNED} AND d.referral_id IN (
  SELECT x.referral_id FROM decisions x JOIN decision_actions a ON a.decision_id = x.id
  WHERE a.id IN (SELECT mash_partner_actions()))""",
    # Referrals a rep's checks ask about, and those whose actions it works (the actions of a
    # referral are opened by referral id).
    "mash_partner_referrals() RETURNS SETOF integer": """
SELECT referral_id FROM agency_check_requests WHERE agency_id = mash_session_agency_id()
UNION SELECT d.referral_id FROM decisions d JOIN decision_actions a ON a.decision_id = d.id
WHERE a.id IN (SELECT mash_partner_actions())""",
}

_ME = "(SELECT mash_session_user_id())"
_AGENCY = "(SELECT mash_session_agency_id())"
# A log row is written in its writer's own name; a row the database writes on nobody's behalf
# (user_id NULL) is let through.
_OWN_LOG_ROW = f"coalesce(user_id, {_ME}) = {_ME}"
_ROUTED = f"to_agency_id = {_AGENCY} AND status IN ({_HANDED_OVER})"


def _in(column: str, function: str) -> str:
    return f"{column} IN (SELECT {function}())"


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
    "routing_informing": Rule(
        f"routing_id IN (SELECT id FROM routings WHERE {_ROUTED})",
        {"INSERT": f"routing_id IN (SELECT id FROM routings WHERE {_ROUTED})"},
    ),
    "decision_actions": Rule(
        _in("id", "mash_partner_actions"),
        {
            "UPDATE": f"owner_agency_id = {_AGENCY} OR owner_user_id = {_ME}",
        },
    ),
    "decision_action_updates": Rule(
        _in("action_id", "mash_partner_actions"),
        {"INSERT": f"{_in('action_id', 'mash_partner_actions')} AND written_by = {_ME}"},
    ),
    "decisions": Rule(_in("id", "mash_partner_decisions")),
    "referrals": Rule(_in("id", "mash_partner_referrals")),
    "people": Rule(_in("id", "mash_partner_people")),
    "households": Rule(
        "id IN (SELECT household_id FROM people WHERE id IN (SELECT mash_partner_people()))"
    ),
    "meeting_attendance": Rule(_in("meeting_id", "mash_partner_meetings")),
    "escalations": Rule(
        f"agency_id = {_AGENCY}",
        {"INSERT": f"agency_id = {_AGENCY} AND {_in('decision_id', 'mash_partner_decisions')}"},
    ),
    "escalation_steps": Rule(
        f"escalation_id IN (SELECT id FROM escalations WHERE agency_id = {_AGENCY})",
        {
            "INSERT": f"escalation_id IN (SELECT id FROM escalations WHERE agency_id = {_AGENCY})"
            f" AND moved_by = {_ME}"
        },
    ),
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

# Columns a performance officer may not read (column-level grants): who referred and what
# they said, what was attached, where a family lives, what an agency was asked and answered,
# the reasons written at screening and allocation, and the audit log's free-text detail. No
# service the desk runs for a performance officer selects them (the test walks every one).
# What those services do show (a child's name and age in the queue, a decision's rationale,
# an action's description) stays readable: withholding it would break the desk, not the login.
WITHHELD: dict[str, frozenset[str]] = {
    "contacts": frozenset({"referrer_name", "referrer_phone", "referrer_email", "concerns"}),
    "contact_attachments": frozenset({"filename", "data"}),
    "households": frozenset({"address"}),
    "agency_check_requests": frozenset({"question", "finding", "withdrawal_reason"}),
    "rag_ratings": frozenset({"reason"}),
    "consents": frozenset({"reason"}),
    "contact_children": frozenset({"level_rationale", "no_offer_reason", "consent_reason"}),
    "allocations": frozenset({"reason"}),
    "audit_log": frozenset({"detail"}),
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
        name = signature.split("(", 1)[0]
        conn.exec_driver_sql(
            f"CREATE OR REPLACE FUNCTION {signature} LANGUAGE sql {_HEADER} AS $${body}$$"
        )
        conn.exec_driver_sql(f"REVOKE ALL ON FUNCTION {name}() FROM PUBLIC")
        for group in groups.values():
            conn.exec_driver_sql(f'GRANT EXECUTE ON FUNCTION {name}() TO "{group}"')


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
    # tables; WITHHELD the columns) and write only their QA samples and own log rows.
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


def _withhold(conn: Connection, table: str, group: str, hidden: frozenset[str]) -> None:
    """Turn ``group``'s table-wide SELECT on ``table`` into SELECT on all but ``hidden``."""
    granted = conn.execute(
        text("SELECT has_table_privilege(:g, :t, 'SELECT')"), {"g": group, "t": f'"{table}"'}
    ).scalar_one()
    if not granted:
        return
    shown = ", ".join(f'"{c}"' for c in _columns(conn, table) if c not in hidden)
    conn.exec_driver_sql(f'REVOKE SELECT ON "{table}" FROM "{group}"')
    conn.exec_driver_sql(f'GRANT SELECT ({shown}) ON "{table}" TO "{group}"')


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
    for table, hidden in HIDDEN_FROM_ALL.items():
        if table in tables:
            for group in groups.values():
                _withhold(conn, table, group, hidden)
    for table, hidden in WITHHELD.items():
        if table in tables:
            _withhold(conn, table, groups[Role.PERFORMANCE], hidden)
