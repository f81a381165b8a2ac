"""Reading a file an administrator or a crash may have left in any state, with a size cap.

A threshold document, a policy file or a draft is parsed whole in memory. A file far bigger
than any real one (a log pasted by mistake, a disk image, a hostile file) would stall the
desk or the command line for minutes before failing, so the size is checked against a cap
*before* a byte is parsed: first from the file's own size, then while reading (a file that
grows, or a device such as ``/dev/zero`` that reports no size, is stopped at the cap).
"""

from __future__ import annotations

import os
from pathlib import Path

from mash_desk.domain.errors import MashDeskError


class FileTooLarge(MashDeskError):
    """A file is bigger than the cap for its kind; nothing of it was parsed.

    Attributes:
        path: the file.
        size: its size in bytes as far as it was read (more than ``limit``).
        limit: the cap in bytes.
        what: what kind of file it is ("threshold document", "policy file", "draft").
    """

    def __init__(self, path: Path, size: int, limit: int, what: str):
        """Record that ``path`` (a ``what``) is ``size`` bytes, over ``limit``."""
        self.path, self.size, self.limit, self.what = path, size, limit, what
        super().__init__(
            f"{path} is too large for a {what}: {describe_size(size)} "
            f"(the limit is {describe_size(limit)}); nothing was read from it"
        )


def describe_size(size: int) -> str:
    """Return ``size`` bytes in words an administrator reads at a glance ("1 MiB")."""
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            amount = size / scale
            return f"{amount:.0f} {unit}" if amount == int(amount) else f"{amount:.1f} {unit}"
    return f"{size} bytes"


def read_capped(path: Path, limit: int, what: str) -> bytes:
    """Return the bytes of ``path`` if it holds at most ``limit`` bytes.

    Raises:
        FileTooLarge: the file is bigger than ``limit`` (checked before reading, and again
            while reading for a file whose size the system does not report).
        OSError: the file cannot be opened or read (missing, a folder, no permission).
    """
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise FileTooLarge(path, size, limit, what)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(path, len(data), limit, what)
    return data


def check_size(data: bytes, limit: int, what: str, source: str) -> None:
    """Refuse ``data`` already in memory (an upload, a stored copy) if over ``limit``."""
    if len(data) > limit:
        raise FileTooLarge(Path(source), len(data), limit, what)
