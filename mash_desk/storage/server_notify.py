"""Change notifications on a shared server (LISTEN/NOTIFY): what other desks refresh.

Issue 13 item 5: a committed change reaches every other desk within a second. A trigger on
each table whose rows the queue, the partner inbox, the meeting agenda or a case view show
calls ``pg_notify`` on :data:`CHANNEL`. PostgreSQL delivers a notification only when (and
if) its transaction commits, so a rolled-back change is never announced, and identical
payloads of one transaction arrive once.

Every session that LISTENs on the database sees every payload, whatever its grants or row
policies (PostgreSQL has no privilege on channels), so a payload carries the change key (the
table), the operation and ids only, never a name, a narrative or any other column: the
trigger copies the ids it knows of (:data:`ID_COLUMNS`) and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Connection

from mash_desk.domain.enums import Role

CHANNEL = "mash_desk_changes"
FUNCTION = "mash_desk_notify_change"
TRIGGER = "mash_desk_notify"

# The ids a payload may carry, when the row has such a column. Nothing else ever leaves.
ID_COLUMNS = ("id", "person_id", "contact_id", "meeting_id", "referral_id", "decision_id")

# Tables whose changes another desk must see: what the queue (services/queue.py), the
# partner inbox (checks, routings, actions), the meeting agenda (services/meetings.py) and
# a case view (services/case.py) read. Logs (audit_log, access_log) are left out: they change
# on every read and no view shows them live.
NOTIFIED_TABLES = (
    "agency_check_requests",
    "agenda_items",
    "allocations",
    "consents",
    "contact_attachments",
    "contact_children",
    "contact_outcomes",
    "contacts",
    "decision_action_updates",
    "decision_actions",
    "decisions",
    "escalation_steps",
    "escalations",
    "households",
    "meeting_attendance",
    "meetings",
    "people",
    "rag_ratings",
    "referrals",
    "referrer_feedback",
    "relationships",
    "routing_informing",
    "routings",
    "service_episodes",
    "strategy_attendees",
    "strategy_discussions",
    "threshold_assessments",
    "threshold_documents",
    "users",
)


def _function_sql() -> str:
    ids = ", ".join(f"'{column}', changed->'{column}'" for column in ID_COLUMNS)
    # to_jsonb(NEW) is built in the server's memory only to pick the id columns out of it;
    # jsonb_strip_nulls drops the ids this table does not have. RETURN NULL: AFTER trigger.
    return f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    changed jsonb;
BEGIN
    IF TG_OP = 'DELETE' THEN
        changed := to_jsonb(OLD);
    ELSE
        changed := to_jsonb(NEW);
    END IF;
    PERFORM pg_notify(
        '{CHANNEL}',
        (jsonb_build_object('table', TG_TABLE_NAME, 'op', lower(TG_OP))
            || jsonb_strip_nulls(jsonb_build_object({ids})))::text
    );
    RETURN NULL;
END
$$"""


def apply(conn: Connection, groups: Mapping[Role, str], tables: Sequence[str]) -> None:
    """Create the notifying trigger function and its triggers, as the database owner.

    Idempotent: the function is replaced and each trigger dropped and created again, so a
    ``server init`` after an upgrade leaves exactly one trigger per notified table.

    Args:
        conn: the owner's connection, inside ``server init``'s transaction.
        groups: each role's group (unused: firing a trigger needs no privilege of its own).
        tables: the public tables of the migrated schema; only those are given a trigger.
    """
    del groups
    conn.exec_driver_sql(_function_sql())
    present = set(tables)
    for table in NOTIFIED_TABLES:
        if table not in present:
            continue
        conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS {TRIGGER} ON "{table}"')
        conn.exec_driver_sql(
            f'CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
        )
