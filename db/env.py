"""Alembic environment: migrations run from code with the caller's connection."""

from alembic import context

from mash_desk.storage import models  # noqa: F401  (registers every table)
from mash_desk.storage.base import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations through mash_desk.storage.migrations.upgrade()")

# render_as_batch lets SQLite alter tables by copy-and-move; no logging.config.fileConfig
# here, so running migrations never reconfigures the application's logging.
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
