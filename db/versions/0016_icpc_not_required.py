"""s47 concluded with no conference needed, on strategy discussions

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 01:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("strategy_discussions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("icpc_not_required_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("icpc_not_required_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("strategy_discussions", schema=None) as batch_op:
        batch_op.drop_column("icpc_not_required_reason")
        batch_op.drop_column("icpc_not_required_on")
