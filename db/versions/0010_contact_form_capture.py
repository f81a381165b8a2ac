"""contact form captures referrer phone and e-mail, school, parental responsibility, attachments

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 20:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        'contact_attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('media_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('added_by', sa.Integer(), nullable=False),
        sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['added_by'], ['users.id'], name=op.f('fk_contact_attachments_added_by_users')),
        sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_contact_attachments_contact_id_contacts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_attachments')),
    )
    with op.batch_alter_table('contact_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_attachments_contact_id'), ['contact_id'], unique=False)
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('referrer_phone', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('referrer_email', sa.String(length=254), nullable=True))
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('school', sa.String(length=200), nullable=True))
    with op.batch_alter_table('relationships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parental_responsibility', sa.Boolean(), nullable=True))


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table('relationships', schema=None) as batch_op:
        batch_op.drop_column('parental_responsibility')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('school')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_column('referrer_email')
        batch_op.drop_column('referrer_phone')
    with op.batch_alter_table('contact_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_attachments_contact_id'))
    op.drop_table('contact_attachments')
