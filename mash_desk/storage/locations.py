"""Where the desk's database is when none is named: the environment, else the user's file.

Apart from ``storage/database.py`` so the console script can find the URL without loading
SQLAlchemy (issue 16: the first queue page is drawn before the database layer loads).
"""

from __future__ import annotations

import os

from mash_desk.paths import user_data_dir

ENV_VAR = "MASH_DESK_DATABASE_URL"


def default_url() -> str:
    """Return the database URL to use when none is given: env var, else the user's SQLite file."""
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return from_env
    return f"sqlite:///{user_data_dir() / 'mash-desk.sqlite3'}"


def demo_url() -> str:
    """Return the URL of the clearly separate DEMO database (synthetic data only)."""
    return f"sqlite:///{user_data_dir() / 'mash-desk-DEMO.sqlite3'}"
