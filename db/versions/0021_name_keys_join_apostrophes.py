"""name keys: an apostrophe joins a name rather than splitting it

The phonetic keys that find a child and suggest duplicates (``domain/matching.name_key``)
treated an apostrophe as a space and kept the first word: "O'Brien" keyed as "O", together
with every O'Connor and O'Neill, and "OBrien" typed without the apostrophe (keyed "OBRN")
never met the stored child, so a second record could be made beside the first and the
earlier concerns missed. The keys are worked out again for the names holding an apostrophe.

A key is the index of a name, not part of the record: the names themselves are not changed,
the rows' versions stay (a form open on one saves without a conflict), and no audit row is
written, as none is for an index.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 20:30:00.000000
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

from mash_desk.domain.matching import APOSTROPHES, name_key

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PEOPLE = sa.table(
    "people",
    sa.column("id", sa.Integer),
    sa.column("given_name", sa.String),
    sa.column("family_name", sa.String),
    sa.column("given_key", sa.String),
    sa.column("family_key", sa.String),
)


def _key_again(key_of: Callable[[str], str]) -> None:
    """Store ``key_of`` each name holding an apostrophe, where it differs from the stored key."""
    bind = op.get_bind()
    holds_one = sa.or_(
        *(
            column.contains(mark, autoescape=True)
            for mark in APOSTROPHES
            for column in (PEOPLE.c.given_name, PEOPLE.c.family_name)
        )
    )
    found = bind.execute(
        sa.select(
            PEOPLE.c.id,
            PEOPLE.c.given_name,
            PEOPLE.c.family_name,
            PEOPLE.c.given_key,
            PEOPLE.c.family_key,
        ).where(holds_one)
    ).all()
    for person_id, given, family, given_key, family_key in found:
        keys = {"given_key": key_of(given), "family_key": key_of(family)}
        if keys != {"given_key": given_key, "family_key": family_key}:
            bind.execute(PEOPLE.update().where(PEOPLE.c.id == person_id).values(**keys))


def _as_before(name: str) -> str:
    """The key before this revision: an apostrophe separated words, as a space does."""
    return name_key(name.translate(str.maketrans(APOSTROPHES, " " * len(APOSTROPHES))))


def upgrade() -> None:
    """Apply this revision."""
    _key_again(name_key)


def downgrade() -> None:
    """Undo this revision."""
    _key_again(_as_before)
