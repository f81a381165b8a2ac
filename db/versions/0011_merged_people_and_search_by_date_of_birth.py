"""merged people and search by date of birth

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 20:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_people_merged_into'), ['merged_into'], unique=False)
        batch_op.create_index('ix_people_date_of_birth', ['date_of_birth'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_people_merged_into_people'), 'people', ['merged_into'], ['id']
        )


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_people_merged_into_people'), type_='foreignkey')
        batch_op.drop_index('ix_people_date_of_birth')
        batch_op.drop_index(batch_op.f('ix_people_merged_into'))
        batch_op.drop_column('merged_into')
