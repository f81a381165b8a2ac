"""Indexes on whose an action is (issue 16: a partner rep's actions list on a shared server)

A rep's actions inbox reads the actions of their agency or in their own name. Without an index
on either owner, every action of the history was read and put through the row-security check
for partner logins (30–80 µs a row on a server): with closed work shown, a police rep's list on
ten years took 3–4 s. With these, only the rep's own agency's and own actions are read.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 12:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (index, column) on decision_actions: the two owners an actions inbox asks by.
INDEXES = (
    ("ix_decision_actions_owner_agency_id", "owner_agency_id"),
    ("ix_decision_actions_owner_user_id", "owner_user_id"),
)


def upgrade() -> None:
    """Apply this revision."""
    for name, column in INDEXES:
        op.create_index(name, "decision_actions", [column], unique=False)


def downgrade() -> None:
    """Undo this revision."""
    for name, _column in reversed(INDEXES):
        op.drop_index(name, table_name="decision_actions")
