"""Exported documents are private files, and a shared folder is named before saving into it.

Issue 14 item 2: a memo saved to disk names a child and what was decided about them, so it
is written 0600 whatever the umask (a temporary file from :func:`tempfile.mkstemp` is 0600,
and is chmod-ed again in case the platform differs), flushed, fsynced and renamed over the
target in one step, so a reader never sees half a PDF and a power cut leaves the old file or
the new one. A folder other people on the computer can reach and list or write is reported
by :func:`shared_folder_reason`: the desk asks before saving there, the command line warns.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def write_private_file(target: Path, payload: bytes) -> None:
    """Write ``payload`` to ``target`` atomically and durably, readable by its owner only."""
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), FILE_MODE)
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    if os.name != "nt":  # a rename is durable once its folder is fsynced (NTFS journals it)
        folder_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder_fd)
        finally:
            os.close(folder_fd)


def make_folder(folder: Path) -> None:
    """Create ``folder`` and missing parents for their owner only; existing ones are kept."""
    missing = []
    walker = folder.absolute()
    while not walker.exists() and walker != walker.parent:
        missing.append(walker)
        walker = walker.parent
    for path in reversed(missing):
        path.mkdir(mode=FOLDER_MODE, exist_ok=True)
        os.chmod(path, FOLDER_MODE)


def _group_has_others(gid: int, uid: int) -> bool:
    """Whether someone besides ``uid`` is in group ``gid`` (a user private group is not)."""
    try:
        import grp
        import pwd
    except ImportError:  # Windows: no POSIX groups to ask about
        return True
    try:
        group = grp.getgrgid(gid)
        me = pwd.getpwuid(uid).pw_name
    except KeyError:
        return True  # an unknown group or user: assume the worst
    members = set(group.gr_mem)
    members.update(p.pw_name for p in pwd.getpwall() if p.pw_gid == gid)
    return bool(members - {me})


def _others_may(info: os.stat_result, other_bits: int, group_bits: int, uid: int) -> bool:
    if info.st_mode & other_bits:
        return True
    return bool(info.st_mode & group_bits) and _group_has_others(info.st_gid, uid)


def shared_folder_reason(folder: Path) -> str | None:
    """Say why other people on this computer can read or change ``folder``, or None.

    Shared means: every folder on the way to it lets someone else through (search
    permission for the group, when the group has other members, or for everyone), and the
    folder itself lets them list or write it. A folder inside a private home is therefore
    not shared whatever its own mode. The first existing folder is checked when ``folder``
    is still to be made (it is made 0700). Access control lists are not read.
    """
    if os.name == "nt":  # NTFS permissions are ACLs; the user profile is private by default
        return None
    uid = os.getuid()
    path = folder.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    if path != folder.absolute():
        return None  # the missing folders are made 0700: only their owner can list them
    info = path.stat()
    readable = _others_may(info, stat.S_IROTH, stat.S_IRGRP, uid)
    writable = _others_may(info, stat.S_IWOTH, stat.S_IWGRP, uid)
    if not (readable or writable):
        return None
    for parent in path.parents:
        if not _others_may(parent.stat(), stat.S_IXOTH, stat.S_IXGRP, uid):
            return None
    can = "list and change" if readable and writable else "list" if readable else "change"
    return f"other people on this computer can {can} the files in {path}"


__all__ = ["make_folder", "shared_folder_reason", "write_private_file"]
