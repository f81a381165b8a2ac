"""Run the Alembic migrations shipped in ``db/`` from code, with no ini file at run time.

A desk whose database is already current never imports Alembic (~0.3 s of each start, issue
16): the shipped head is read from the version files' ``revision``/``down_revision`` lines and
the database's from its ``alembic_version`` row; Alembic itself runs only to move a schema.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import ProgrammingError

from mash_desk.domain.errors import MashDeskError
from mash_desk.paths import data_dir

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic's own table (db/env.py keeps its default name and schema).
_VERSION_TABLE = "alembic_version"
_REVISION_LINE = re.compile(
    r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(?:None|['\"]([^'\"]+)['\"])\s*$", re.M
)


class SchemaMismatch(MashDeskError):
    """The database's schema is not the one this desk was built for, and it cannot move it."""


def alembic_config() -> Config:
    """Return an Alembic config pointing at the shipped ``db/`` folder."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(data_dir("db")))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database up to ``revision`` inside one transaction.

    The revision is compared first, on a short read of its own: loading the migration
    scripts takes a while, and every desk opening a shared server that is already up to date
    would otherwise sit "idle in transaction" meanwhile (seen under the 50-desk benchmark).

    Raises:
        SchemaMismatch: a person's server login may not migrate the shared database (only
            ``server upgrade`` may), or the database is newer than this desk.
    """
    target = head_revision() if revision == "head" else revision
    current = current_revision(engine)
    if current == target:
        return
    from alembic import command
    from alembic.util import CommandError

    cfg = alembic_config()
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    except CommandError as exc:
        raise SchemaMismatch(
            f"The database is at schema {current}, which this version of MASH Desk does not "
            "know: it is newer than this desk. Install the current release."
        ) from exc
    except ProgrammingError as exc:
        if getattr(exc.orig, "sqlstate", None) != "42501":  # insufficient_privilege
            raise
        raise SchemaMismatch(
            f"The server's database is at schema {current} and this desk needs {target}. "
            "Ask your administrator to run `mash-desk server upgrade`."
        ) from exc


def current_revision(engine: Engine) -> str | None:
    """Return the revision the database is at (``None`` when empty)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(_VERSION_TABLE):
            return None
        rows = conn.execute(text(f"SELECT version_num FROM {_VERSION_TABLE}")).scalars().all()
    if len(rows) <= 1:
        return rows[0] if rows else None
    from alembic.runtime.migration import MigrationContext  # branches: Alembic's own error

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@cache
def head_revision() -> str | None:
    """Return the newest revision shipped with this version of MASH Desk."""
    heads = _heads_from_version_files()
    if len(heads) == 1:
        return heads[0]
    from alembic.script import ScriptDirectory  # none or several: Alembic's answer (or error)

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _heads_from_version_files() -> list[str]:
    """Return the revisions no shipped migration builds on, read from the files' text."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in data_dir("db").joinpath("versions").glob("*.py"):
        found = dict((m[0], m[1]) for m in _REVISION_LINE.findall(path.read_text("utf-8")))
        if "revision" not in found:
            return []  # a file this reading does not understand: let Alembic read them all
        revisions.add(found["revision"])
        if found.get("down_revision"):
            parents.add(found["down_revision"])
    return sorted(revisions - parents)
