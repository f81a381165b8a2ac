"""Locate shipped data (``resources/``, ``db/``) and the user's data directory.

The same code must work from a wheel (data force-included inside the package), an
editable install and a bare checkout (data at the repository root), so we look in the
package first and then one level up. Never hard-code a site-packages path.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "mash-desk"
LOG_DIR_ENV = "MASH_DESK_LOG_DIR"
_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the directory of shipped data called ``name`` (``"resources"`` or ``"db"``).

    Raises:
        FileNotFoundError: when neither the installed package nor the checkout has it.
    """
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"MASH Desk data folder {name!r} is missing from the installation")


def resource(*parts: str) -> Path:
    """Return the path of a file under ``resources/``."""
    return data_dir("resources").joinpath(*parts)


def user_data_dir() -> Path:
    """Return (and create) the per-user data directory that holds the embedded database.

    Mode 0700 whatever the umask (issue 14: the folder of children's records was 0755).
    """
    path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def user_log_dir() -> Path:
    """Return the per-user log folder; :mod:`mash_desk.diagnostics` creates it, private.

    ``MASH_DESK_LOG_DIR`` overrides it (an administrator collecting logs in one place, and
    the tests, which must not write into the real user's folder).
    """
    override = os.environ.get(LOG_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


CACHE_DIR_ENV = "MASH_DESK_CACHE_DIR"


def user_cache_dir() -> Path:
    """Return the per-user folder of what the desk can work out again (nothing personal).

    ``MASH_DESK_CACHE_DIR`` overrides it (the tests, which must not write into the real user's
    folder). Created on first write, not here.
    """
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
