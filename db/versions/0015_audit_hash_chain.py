"""audit and access log hash chains

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 21:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from mash_desk.storage.audit_chain import (
    LOGS,
    PG_FIELD_FUNCTION,
    pg_chain_function,
    pg_chain_trigger,
    rechain,
)

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_GUARDS = ("UPDATE", "DELETE")


def _guards_off(postgres: bool, name: str) -> None:
    # The append-only triggers refuse the one UPDATE this migration must make: filling the
    # chain of the rows already there. They are back on before the migration commits.
    if postgres:
        op.execute(f"ALTER TABLE {name} DISABLE TRIGGER {name}_no_change")
    else:
        for verb in _SQLITE_GUARDS:
            op.execute(f"DROP TRIGGER {name}_no_{verb.lower()}")


def _guards_on(postgres: bool, name: str) -> None:
    if postgres:
        op.execute(f"ALTER TABLE {name} ENABLE TRIGGER {name}_no_change")
    else:
        for verb in _SQLITE_GUARDS:
            op.execute(
                f"CREATE TRIGGER {name}_no_{verb.lower()} BEFORE {verb} ON {name} "
                f"BEGIN SELECT RAISE(ABORT, '{name} is append-only'); END"
            )


def upgrade() -> None:
    """Apply this revision."""
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    op.create_table(
        "audit_chain_head",
        sa.Column("log", sa.String(length=40), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("log", name=op.f("pk_audit_chain_head")),
    )
    if postgres:
        op.execute(PG_FIELD_FUNCTION)
    for log in LOGS:
        with op.batch_alter_table(log.name, schema=None) as batch_op:
            batch_op.add_column(sa.Column("db_user", sa.String(length=63), nullable=True))
            batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
            batch_op.add_column(sa.Column("row_hash", sa.String(length=64), nullable=True))
        # Rows written before this revision are chained now, so an upgraded database verifies.
        _guards_off(postgres, log.name)
        last_id, last_hash = rechain(bind, log)
        _guards_on(postgres, log.name)
        bind.execute(
            sa.text("INSERT INTO audit_chain_head (log, last_id, last_hash) VALUES (:l, :i, :h)"),
            {"l": log.name, "i": last_id, "h": last_hash},
        )
        if postgres:
            op.execute(pg_chain_function(log))
            op.execute(pg_chain_trigger(log))


def downgrade() -> None:
    """Undo this revision."""
    postgres = op.get_bind().dialect.name == "postgresql"
    for log in LOGS:
        if postgres:
            op.execute(f"DROP TRIGGER {log.name}_chain ON {log.name}")
            op.execute(f"DROP FUNCTION {log.name}_chain()")
        # SQLite drops columns by copying the table, which loses its triggers: put them back.
        _guards_off(postgres, log.name)
        with op.batch_alter_table(log.name, schema=None) as batch_op:
            batch_op.drop_column("row_hash")
            batch_op.drop_column("prev_hash")
            batch_op.drop_column("db_user")
        _guards_on(postgres, log.name)
    if postgres:
        op.execute("DROP FUNCTION audit_chain_field(text)")
    op.drop_table("audit_chain_head")
