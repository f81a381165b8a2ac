"""Whole-file work on embedded databases: encrypt a plaintext one, back up, restore.

All three copy into a private temporary file beside the target, verify the copy (the row
count of every table and the audit chains) and only then rename it into place, so a failure
or a crash at any point leaves the original as it was.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, inspect

from mash_desk.domain.errors import MashDeskError
from mash_desk.storage.encryption import (
    FILE_MODE,
    DatabaseKeyError,
    KeyStore,
    create_key,
    header_path,
    is_plaintext,
    keyed_connection,
    passphrase_key,
    private_files,
    private_folder,
    read_header,
    remember,
    resolve_key,
    write_header,
)

Progress = Callable[[str, float], None]
_SHRED_CHUNK = 1 << 20
_SIDE_FILES = ("-wal", "-shm", "-journal")
BACKUP_TAIL = 500


class RestoreRefused(MashDeskError):
    """A restore that would overwrite a database without ``--force``, or a broken backup."""


@dataclass(frozen=True)
class CopyReport:
    """What a conversion, backup or restore copied, and the audit chains of the copy."""

    path: Path
    counts: dict[str, int]
    chains: tuple[str, ...]
    chains_ok: bool

    @property
    def rows(self) -> int:
        """Return the number of rows copied, over every table."""
        return sum(self.counts.values())


def _no_progress(_message: str, _fraction: float) -> None:
    pass


def side_file(path: Path, suffix: str) -> Path:
    """Return ``path`` with ``suffix`` appended to its name (``-wal``, ``.encrypting``…)."""
    return path.with_name(path.name + suffix)


def table_counts(conn: Any) -> dict[str, int]:
    """Return the row count of every table of a DB-API connection, by table name."""
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def _engine(creator: Callable[[], Any]) -> Engine:
    from sqlcipher3 import dbapi2

    return create_engine("sqlite://", module=dbapi2, creator=creator)


def chain_summaries(engine: Engine, tail: int | None = None) -> tuple[tuple[str, ...], bool]:
    """Return ``audit verify``'s lines for a database and whether every chain holds.

    With ``tail``, only about the last ``tail`` rows of each log are walked (and the lines
    say so): a whole 10-year chain takes about a minute (benchmarks).
    """
    from mash_desk.storage.audit_chain import verify_all

    if not inspect(engine).has_table("audit_chain_head"):
        return ("no audit chain yet (a database made before chaining)",), True
    reports = verify_all(engine, tail=tail)
    lines = tuple(r.summary() for r in reports)
    if tail:
        lines = tuple(f"{line} (its last {tail} rows checked)" for line in lines)
    return lines, all(r.ok for r in reports)


Snapshot = tuple[dict[str, int], tuple[tuple[Any, ...], ...]]


def _connector(path: Path, key: bytes | None) -> Callable[[], Any]:
    if key is not None:
        return lambda: keyed_connection(path, key)
    from sqlcipher3 import dbapi2

    return lambda: dbapi2.connect(str(path), check_same_thread=False)


def _snapshot(connect: Callable[[], Any]) -> Snapshot:
    """Return every table's row count and the chain heads (last id and hash of each log)."""
    conn = connect()
    try:
        counts = table_counts(conn)
        heads: tuple[tuple[Any, ...], ...] = ()
        if "audit_chain_head" in counts:
            heads = tuple(
                tuple(row) for row in conn.execute("SELECT * FROM audit_chain_head ORDER BY 1")
            )
        return counts, heads
    finally:
        conn.close()


def _verified(
    path: Path, key: bytes | None, expected: Snapshot | None, *, tail: int | None = None
) -> CopyReport:
    """Count and verify the copy at ``path``; raise when it differs from ``expected``.

    The same counts and the same chain heads as the original, and a chain that verifies,
    mean the copy holds the original's rows: an altered row breaks its link to the head.
    """
    connect = _connector(path, key)
    counts, heads = _snapshot(connect)
    if expected is not None and (counts, heads) != expected:
        differ = sorted(
            n for n in set(counts) | set(expected[0]) if counts.get(n) != expected[0].get(n)
        )
        raise DatabaseKeyError(
            "The copy does not match the original (tables "
            f"{', '.join(differ) or 'audit_chain_head'}); nothing was changed"
        )
    engine = _engine(connect)
    try:
        chains, ok = chain_summaries(engine, tail)
    finally:
        engine.dispose()
    return CopyReport(path, counts, chains, ok)


def _fresh(path: Path) -> None:
    """Make ``path`` an empty 0600 file (a leftover of an interrupted run is dropped)."""
    shred(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    os.close(fd)


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def shred(path: Path) -> None:
    """Overwrite ``path`` with zeros, flush it to disk, then remove it (if it exists).

    "Securely" is best effort: on an SSD (wear levelling remaps the blocks written), on a
    copy-on-write or journaling file system (btrfs, ZFS, ext4 with data=journal) and in
    backups or snapshots taken before, the old blocks may survive the overwrite. It does stop
    the plaintext being read back through the file system or by an undelete tool; full-disk
    encryption is what protects the blocks themselves.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    with path.open("r+b", buffering=0) as handle:
        zeros = bytes(_SHRED_CHUNK)
        left = size
        while left > 0:
            left -= handle.write(zeros[: min(left, _SHRED_CHUNK)])
        os.fsync(handle.fileno())
    path.unlink()


def _checkpoint_plaintext(path: Path) -> None:
    """Move a plaintext database's WAL into its main file, or refuse if it is in use."""
    from sqlcipher3 import dbapi2

    conn = dbapi2.connect(str(path))
    try:
        busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        # The export reads through this same connection anyway; the point is that nothing
        # else holds the file, or the plaintext WAL would hold rows the copy misses.
        if busy:
            raise DatabaseKeyError(
                "The database is in use by another program: close every MASH Desk window "
                "using it and try again; nothing was changed"
            )
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()


def encrypt_in_place(
    path: Path,
    *,
    passphrase: str | None = None,
    store: KeyStore | None = None,
    progress: Progress = _no_progress,
) -> CopyReport:
    """Convert the plaintext database ``path`` to SQLCipher, in place.

    The encrypted copy is made beside it, verified (every table's row count, and the audit
    chains report what the original's do), then renamed over the original, whose content is
    then overwritten and removed (:func:`shred`). With no ``passphrase`` the new key goes to
    the keyring (raising :class:`~mash_desk.storage.encryption.PassphraseNeeded` if none).
    """
    from sqlcipher3 import dbapi2

    path = Path(path).absolute()
    if not is_plaintext(path):
        raise DatabaseKeyError("This file is not an unencrypted SQLite database; nothing changed")
    progress("Checking the unencrypted database", 0.0)
    _checkpoint_plaintext(path)
    key, info = create_key(store) if passphrase is None else passphrase_key(passphrase)
    original = _snapshot(_connector(path, None))
    work = side_file(path, ".encrypting")
    _fresh(work)
    total = max(path.stat().st_size, 1)
    # The plaintext chain is not walked: the copy's is, and matches the original's heads.
    conn = dbapi2.connect(str(path))
    try:
        # The export is one statement: its progress is how much of the copy is on disk.
        def step() -> int:
            done = work.stat().st_size / total
            progress("Encrypting a copy", 0.05 + 0.6 * min(done, 1.0))
            return 0

        conn.set_progress_handler(step, 200_000)
        conn.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(work), f"x'{key.hex()}'"))
        conn.execute("SELECT sqlcipher_export('encrypted')")
        conn.execute("DETACH DATABASE encrypted")
        conn.set_progress_handler(None, 0)
    finally:
        conn.close()
    progress("Checking the encrypted copy against the original", 0.7)
    try:
        copy = _verified(work, key, original)
    except BaseException:
        shred(work)
        raise
    progress("Replacing the unencrypted file", 0.95)
    write_header(path, info)
    _replace_keeping_old(work, path)
    remember(path, key)
    progress("Done", 1.0)
    return CopyReport(path, copy.counts, copy.chains, copy.chains_ok)


def _replace_keeping_old(new: Path, path: Path) -> None:
    """Rename ``new`` over ``path`` atomically, then shred what ``path`` held before."""
    old = side_file(path, ".replaced")
    shred(old)
    os.link(path, old)  # keeps the old content reachable so it can be overwritten after
    for suffix in _SIDE_FILES:
        # A stale WAL beside the new file would be replayed into it.
        shred(side_file(path, suffix))
    os.replace(new, path)
    _sync_folder(path.parent)
    private_files(path)
    shred(old)


def _copied_and_verified(
    source: Path, work: Path, key: bytes, progress: Progress, checking: str, tail: int | None = None
) -> CopyReport:
    """Copy ``source`` into ``work`` with SQLite's backup API (one snapshot), then verify it.

    ``work`` is shredded if anything fails, so no half-made copy is left behind.
    """
    try:
        src, dst = keyed_connection(source, key), keyed_connection(work, key)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        progress(checking, 0.5)
        return _verified(work, key, None, tail=tail)
    except BaseException:
        shred(work)
        raise


def backup(source: Path, out: Path, *, progress: Progress = _no_progress) -> CopyReport:
    """Write an encrypted copy of the open database ``source`` to ``out``, with its header.

    SQLite's online backup API copies every page in one step, inside one read snapshot: with
    WAL a desk writing meanwhile is not held up, and the copy is the database as it was at
    one moment. The pages stay encrypted with the database's key, so ``out`` opens where
    that key can be found (the same keyring entry, or the passphrase) — see README.
    """
    source, out = Path(source).absolute(), Path(out).absolute()
    info = read_header(source)
    if info is None or not source.exists():
        raise DatabaseKeyError("There is no encrypted database to back up at that path")
    if out.exists():
        raise RestoreRefused(f"{out.name} exists already: choose a new file name")
    key = resolve_key(source)
    private_folder(out.parent, ours=False)
    work = side_file(out, ".partial")
    _fresh(work)
    progress("Copying the database", 0.1)
    # The tail only, so a daily backup stays light; a restore walks the whole chain.
    # (Nothing to compare with: the desk may have written since the backup's snapshot.)
    report = _copied_and_verified(source, work, key, progress, "Checking the copy", BACKUP_TAIL)
    write_header(out, info)
    os.replace(work, out)
    private_files(out)
    progress("Done", 1.0)
    return CopyReport(out, report.counts, report.chains, report.chains_ok)


def restore(
    backup_file: Path, target: Path, *, force: bool = False, progress: Progress = _no_progress
) -> CopyReport:
    """Put the backup ``backup_file`` in place of the database ``target``.

    Refuses to overwrite an existing database unless ``force``, and refuses a backup whose
    copy does not verify (audit chains broken); either way nothing is written. Close every
    desk using ``target`` first: an open desk would keep writing to the file it had.

    Raises:
        RestoreRefused: ``target`` exists and ``force`` is not set, or the backup is broken.
    """
    backup_file, target = Path(backup_file).absolute(), Path(target).absolute()
    if not backup_file.exists():
        raise RestoreRefused(f"There is no backup file {backup_file.name}")
    if target.exists() and target.stat().st_size > 0 and not force:
        raise RestoreRefused(
            f"{target.name} exists: restoring would overwrite it. Add --force to replace it "
            "(make a backup of it first); nothing was changed"
        )
    info = read_header(backup_file)
    if info is None:
        raise DatabaseKeyError(
            f"The backup's key header ({header_path(backup_file).name}) is missing: "
            "copy it next to the backup file"
        )
    key = resolve_key(backup_file)
    private_folder(target.parent, ours=False)
    work = side_file(target, ".restoring")
    _fresh(work)
    progress("Copying the backup", 0.1)
    report = _copied_and_verified(backup_file, work, key, progress, "Checking the restored copy")
    if not report.chains_ok:
        shred(work)
        raise RestoreRefused(
            "The backup's audit chain is broken (" + "; ".join(report.chains) + "); nothing "
            "was restored"
        )
    write_header(target, info)
    if target.exists():
        _replace_keeping_old(work, target)
    else:
        os.replace(work, target)
        private_files(target)
    remember(target, key)
    progress("Done", 1.0)
    return CopyReport(target, report.counts, report.chains, report.chains_ok)
