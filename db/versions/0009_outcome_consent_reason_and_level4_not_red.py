"""outcome consent reason and why a Level 4 screening is not red

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 20:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('contact_children', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_reason', sa.Text(), nullable=True))
    with op.batch_alter_table('threshold_assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('not_red_reason', sa.Text(), nullable=True))


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table('threshold_assessments', schema=None) as batch_op:
        batch_op.drop_column('not_red_reason')
    with op.batch_alter_table('contact_children', schema=None) as batch_op:
        batch_op.drop_column('consent_reason')
