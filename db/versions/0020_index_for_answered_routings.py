"""An index for a rep's answered routings, newest answer first (issue 16: every screen at its floor)

A rep ticking "Show answered" on the Routed cases tab got every routing the agency had ever
accepted or rejected, oldest first: on ten years of history Early Support's 1,510 took 2.8 s on
SQLite, and it grew with every year. The list now shows them a page at a time, newest answer
first, after the last page's (answered at, id); this index gives each page as one ordered range
read, whatever the length of the history.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 15:05:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_routings_to_agency_responded"
# Whose the routing is, when it was answered, and the id that breaks ties.
COLUMNS = ["to_agency_id", "responded_at", "id"]


def upgrade() -> None:
    """Apply this revision."""
    op.create_index(INDEX, "routings", COLUMNS, unique=False)


def downgrade() -> None:
    """Undo this revision."""
    op.drop_index(INDEX, table_name="routings")
