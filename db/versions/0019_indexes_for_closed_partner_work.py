"""Indexes for a rep's closed work, newest closed first (issue 16: every screen at its floor)

A rep ticking "Show closed actions" or "Show returned and withdrawn" got all of the agency's
closed work ever (on ten years, the police's 9,000 actions and 22,000 checks: 1.5 s and 0.55 s
on SQLite, more on a server) and it grew with history. The lists now show it a page at a time,
newest closed first, after the last page's (closing time, id). These indexes give each page as
one ordered range read per owner (actions) or per way of closing (a check is returned or
withdrawn), whatever the length of the history.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 14:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (index, table, columns): whose the work is, when it closed, and the id that breaks ties.
INDEXES = (
    (
        "ix_decision_actions_owner_agency_closed",
        "decision_actions",
        ["owner_agency_id", "closed_at", "id"],
    ),
    (
        "ix_decision_actions_owner_user_closed",
        "decision_actions",
        ["owner_user_id", "closed_at", "id"],
    ),
    (
        "ix_agency_check_requests_agency_returned",
        "agency_check_requests",
        ["agency_id", "returned_at", "id"],
    ),
    (
        "ix_agency_check_requests_agency_withdrawn",
        "agency_check_requests",
        ["agency_id", "withdrawn_at", "id"],
    ),
)


def upgrade() -> None:
    """Apply this revision."""
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    """Undo this revision."""
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
