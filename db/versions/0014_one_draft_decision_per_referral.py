"""one draft decision per referral, kept by a partial unique index

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 21:10:00.000000

Before this revision two people drafting the same referral at the same moment could both
insert a draft. Such a pair is resolved here before the index is built: the newest draft (the
one meeting mode shows and signs) is kept and the older duplicate drafts, never signed and
unreachable from the desk, are removed with their pathways and actions. Their "drafted" audit
rows stay in the audit log. A duplicate that anything else refers to (an escalation, a
document, a routing) stops the upgrade instead, naming it, so nothing acted on disappears.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLDER_DRAFTS = (
    "SELECT d.id FROM decisions d WHERE d.status = 'draft' AND EXISTS ("
    "SELECT 1 FROM decisions n WHERE n.referral_id = d.referral_id AND n.status = 'draft' "
    "AND n.revision > d.revision)"
)


def _remove_duplicate_drafts() -> None:
    bind = op.get_bind()
    older = [row[0] for row in bind.execute(sa.text(_OLDER_DRAFTS))]
    if not older:
        return
    ids = ", ".join(str(int(i)) for i in older)
    used = set()
    for table in ("escalations", "issued_documents", "routings", "strategy_discussions"):
        used |= {
            r[0]
            for r in bind.execute(
                sa.text(f"SELECT decision_id FROM {table} WHERE decision_id IN ({ids})")
            )
        }
    if used:
        raise RuntimeError(
            f"Duplicate draft decisions {sorted(used)} have an escalation, a document, a routing "
            "or a strategy discussion on them; ask your administrator to merge them by hand, "
            "then upgrade again."
        )
    actions = f"SELECT id FROM decision_actions WHERE decision_id IN ({ids})"
    bind.execute(sa.text(f"DELETE FROM decision_action_updates WHERE action_id IN ({actions})"))
    bind.execute(sa.text(f"DELETE FROM decision_actions WHERE decision_id IN ({ids})"))
    bind.execute(sa.text(f"DELETE FROM decision_pathways WHERE decision_id IN ({ids})"))
    bind.execute(sa.text(f"DELETE FROM decisions WHERE id IN ({ids})"))


def upgrade() -> None:
    """Apply this revision."""
    _remove_duplicate_drafts()
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index('uq_decisions_one_draft', ['referral_id'], unique=True, sqlite_where=sa.text("status = 'draft'"), postgresql_where=sa.text("status = 'draft'"))


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index('uq_decisions_one_draft', sqlite_where=sa.text("status = 'draft'"), postgresql_where=sa.text("status = 'draft'"))
