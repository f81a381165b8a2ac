"""The ``mash-desk`` verbs for the embedded database's file: encrypt, back up, restore.

Also how the command asks for a database passphrase (where no keyring keeps the key).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path

from mash_desk.storage.encryption import PASSPHRASE_MIN, PassphraseNeeded, unlock


def add_parsers(verbs: argparse._SubParsersAction, database_option: Callable) -> None:
    """Add the ``backup`` and ``restore`` verbs (``db encrypt`` is an action of ``db``)."""
    backup = verbs.add_parser(
        "backup",
        help="write an encrypted copy of the embedded database, safe while desks are open",
    )
    backup.add_argument("--out", type=Path, required=True, metavar="FILE", help="new file")
    database_option(backup)
    restore = verbs.add_parser(
        "restore",
        help="put a backup in place of the embedded database and verify its audit chain",
    )
    restore.add_argument("file", type=Path, metavar="FILE", help="a file `backup` wrote")
    restore.add_argument(
        "--force", action="store_true", help="replace an existing database (refused without)"
    )
    database_option(restore)


def sqlite_path(url: str) -> Path:
    """Return the file of a ``sqlite:///`` URL, or raise ValueError for a server URL."""
    from sqlalchemy.engine import make_url  # the desk's start reads its first page without it

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        raise ValueError(
            "this works on the embedded database only; for a shared server use pg_dump and "
            "pg_restore (README, 'Backups')"
        )
    return Path(parsed.database)


def _progress(message: str, fraction: float) -> None:
    print(f"\r  {fraction:5.0%}  {message:<60}", end="", file=sys.stderr, flush=True)


def _report_lines(report) -> None:
    print(file=sys.stderr)
    tables = len(report.counts)
    print(f"{report.path}: {report.rows:,} rows in {tables} tables")
    for line in report.chains:
        print(line, file=sys.stdout if report.chains_ok else sys.stderr)


def cmd_encrypt(url: str) -> int:
    """Convert the plaintext database at ``url`` to SQLCipher, in place."""
    from mash_desk.storage.encrypted_files import encrypt_in_place

    path = sqlite_path(url)
    try:
        report = encrypt_in_place(path, progress=_progress)
    except PassphraseNeeded:
        print(file=sys.stderr)
        print("mash-desk: no system keyring: the key will come from a passphrase", file=sys.stderr)
        report = encrypt_in_place(path, passphrase=ask_new_passphrase(), progress=_progress)
    _report_lines(report)
    print("encrypted; the unencrypted file was overwritten and removed")
    return 0 if report.chains_ok else 1


def cmd_backup(args: argparse.Namespace, url: str) -> int:
    """Write the backup file ``args.out``."""
    from mash_desk.storage.encrypted_files import backup

    report = backup(sqlite_path(url), args.out, progress=_progress)
    _report_lines(report)
    return 0 if report.chains_ok else 1


def cmd_restore(args: argparse.Namespace, url: str) -> int:
    """Restore ``args.file`` over the database (only with ``--force`` if one exists)."""
    from mash_desk.storage.encrypted_files import restore

    report = restore(args.file, sqlite_path(url), force=args.force, progress=_progress)
    _report_lines(report)
    return 0


def _read(prompt: str) -> str:
    # From a terminal without echo; from a pipe (scripts, tests) one line, never from argv.
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\n")


def ask_new_passphrase() -> str:
    """Ask for a new passphrase (twice on a terminal), checking its length."""
    passphrase = _read("New database passphrase: ")
    if len(passphrase) < PASSPHRASE_MIN:
        raise ValueError(f"passphrase: at least {PASSPHRASE_MIN} characters, please")
    if sys.stdin.isatty() and _read("Repeat the passphrase: ") != passphrase:
        raise ValueError("passphrase: the two passphrases are not the same")
    return passphrase


def answer(needed: PassphraseNeeded) -> None:
    """Ask for the passphrase a database needs and unlock it for this run."""
    print(f"mash-desk: {needed}", file=sys.stderr)
    passphrase = ask_new_passphrase() if needed.new else _read("Database passphrase: ")
    unlock(needed.path, passphrase)
