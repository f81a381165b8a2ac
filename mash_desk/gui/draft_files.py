"""The bytes of draft files: private, atomic, size-capped, and set aside when damaged.

Drafts hold what a practitioner typed about a child, so every file and folder here is made
for its owner only *whatever the umask* (each is chmod-ed after creation: a umask can only
take permissions away, and a restrictive one such as 0277 would leave a file its owner cannot
write). All reading goes through :func:`read_private_bytes` and all writing through
:func:`write_private_bytes`; what they carry is already sealed with AES-256-GCM by
:class:`~mash_desk.gui.drafts.DraftStore` (``draft_crypto.py``), so these bytes are never the
practitioner's text in the clear.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from mash_desk.domain.capped_files import FileTooLarge

FILE_MODE = 0o600
FOLDER_MODE = 0o700
DAMAGED_FOLDER = "damaged"


class NotADraftFile(OSError):
    """Something other than a regular file stands where a draft should be (a folder, a pipe)."""


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` (and a missing parent) for its owner only, and make it so if it was not.

    Only folders this call creates, and ``folder`` itself, are changed: a parent that already
    existed (the user's data directory) keeps its permissions.
    """
    folder.parent.parent.mkdir(parents=True, exist_ok=True)  # the user's data directory
    missing = [p for p in (folder.parent, folder) if not p.exists()]
    for path in missing:
        path.mkdir(mode=FOLDER_MODE, exist_ok=True)
        os.chmod(path, FOLDER_MODE)
    os.chmod(folder, FOLDER_MODE)


def write_private_bytes(target: Path, payload: bytes) -> None:
    """Write ``payload`` to ``target`` atomically and durably, readable by its owner only.

    The bytes go to a temporary file in the same folder (named after ``target``, so a crash
    leaves an orphan that start-up can recognise and remove), which is made 0600, flushed and
    fsynced, then replaces ``target`` in one step; the folder is fsynced too so the rename
    survives a power cut. A power cut therefore leaves the old file or the new one, never half.
    """
    fd, temp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            _owner_only(handle.fileno())
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    fsync_folder(target.parent)


def read_private_bytes(path: Path, limit: int) -> bytes:
    """Return the bytes of the draft file at ``path``, at most ``limit`` of them.

    Raises:
        NotADraftFile: ``path`` is a folder, pipe, device or symbolic link.
        PermissionError: the owner may not read it (mode without owner read, as 0000 leaves
            it; refused even for root, so a desk behaves the same for every account).
        FileTooLarge: it is over ``limit`` bytes (checked before reading a byte).
        OSError: it cannot be opened or read.
    """
    # O_NOFOLLOW: a link planted in the folder is not followed elsewhere; O_NONBLOCK: opening
    # a pipe left where a draft should be does not hang start-up.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if path.is_symlink() or path.is_dir():
            raise NotADraftFile(exc.errno, "not a file") from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotADraftFile(errno.EISDIR, "not a file")
        if not info.st_mode & stat.S_IRUSR:
            raise PermissionError(errno.EACCES, "its owner may not read it")
        if info.st_size > limit:
            raise FileTooLarge(path, info.st_size, limit, "draft")
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(path, len(data), limit, "draft")
    return data


def set_aside(path: Path) -> Path:
    """Move a damaged draft into the ``damaged/`` subfolder; return its new path.

    The new name is the time it was set aside and a random tag (no personal data, and never
    a draft id, so it is never offered again); the file is made 0600 (a folder 0700) there.
    """
    folder = path.parent / DAMAGED_FOLDER
    make_private_folder(folder)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    is_folder = path.is_dir() and not path.is_symlink()
    target = folder / f"{stamp}-{secrets.token_hex(4)}{'' if is_folder else '.json'}"
    os.replace(path, target)
    if not target.is_symlink():
        os.chmod(target, FOLDER_MODE if is_folder else FILE_MODE)
    fsync_folder(path.parent)
    return target


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; NTFS journals renames itself)."""
    if os.name == "nt":  # Windows cannot open a directory for fsync.
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def open_lock_file(path: Path) -> int:
    """Open (creating 0600 if needed) a draft's lock file; return its descriptor."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        _owner_only(fd)
    except OSError:
        os.close(fd)
        raise
    return fd


def _owner_only(fd: int) -> None:
    if hasattr(os, "fchmod"):  # POSIX; on Windows the per-user profile folder is private
        os.fchmod(fd, FILE_MODE)
