"""Run the Alembic migrations shipped in ``db/`` from code, with no ini file at run time."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from mash_desk.paths import data_dir


def alembic_config() -> Config:
    """Return an Alembic config pointing at the shipped ``db/`` folder."""
    cfg = Config()
    cfg.set_main_option("script_location", str(data_dir("db")))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database up to ``revision`` inside one transaction."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    """Return the revision the database is at (``None`` when empty)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    """Return the newest revision shipped with this version of MASH Desk."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
