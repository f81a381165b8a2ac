"""allocation history and a team on contact children

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 20:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('contact_children', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team', sa.String(length=80), nullable=True))

    op.create_table('allocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('contact_child_id', sa.Integer(), nullable=True),
    sa.Column('referral_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('from_user_id', sa.Integer(), nullable=True),
    sa.Column('to_user_id', sa.Integer(), nullable=False),
    sa.Column('team', sa.String(length=80), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('allocated_by', sa.Integer(), nullable=False),
    sa.Column('allocated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['allocated_by'], ['users.id'], name=op.f('fk_allocations_allocated_by_users')),
    sa.ForeignKeyConstraint(['contact_child_id'], ['contact_children.id'], name=op.f('fk_allocations_contact_child_id_contact_children')),
    sa.ForeignKeyConstraint(['from_user_id'], ['users.id'], name=op.f('fk_allocations_from_user_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_allocations_person_id_people')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_allocations_referral_id_referrals')),
    sa.ForeignKeyConstraint(['to_user_id'], ['users.id'], name=op.f('fk_allocations_to_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocations'))
    )
    with op.batch_alter_table('allocations', schema=None) as batch_op:
        batch_op.create_index('ix_allocations_person_at', ['person_id', 'allocated_at'], unique=False)


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table('allocations', schema=None) as batch_op:
        batch_op.drop_index('ix_allocations_person_at')

    op.drop_table('allocations')
    with op.batch_alter_table('contact_children', schema=None) as batch_op:
        batch_op.drop_column('team')
