"""Indexes on the dates the measures count by (issue 15: dashboard, board report, returns)

The dashboard reads every measure for a month and a year of trend; on ten years of history
the checks asked in a month were found by reading all 71,000 checks (2.3 s on an encrypted
file). Each measure's date now has an index, so a month's rows are found directly.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 02:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (index, table, column): one index per date a measure counts by.
INDEXES = (
    ("ix_referrals_referral_at", "referrals", "referral_at"),
    ("ix_agency_check_requests_requested_at", "agency_check_requests", "requested_at"),
    ("ix_routings_created_at", "routings", "created_at"),
    ("ix_strategy_discussions_held_at", "strategy_discussions", "held_at"),
    ("ix_strategy_discussions_icpc_due_at", "strategy_discussions", "icpc_due_at"),
    ("ix_referrer_feedback_due_at", "referrer_feedback", "due_at"),
)


def upgrade() -> None:
    """Apply this revision."""
    for name, table, column in INDEXES:
        op.create_index(name, table, [column], unique=False)


def downgrade() -> None:
    """Undo this revision."""
    for name, table, _column in reversed(INDEXES):
        op.drop_index(name, table_name=table)
