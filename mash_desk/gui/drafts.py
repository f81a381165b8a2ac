"""Autosaved drafts of forms, so a crash or power cut never loses a contact being typed.

Practitioners log contacts while on the phone; losing ten minutes of a referrer's account
to a frozen PC means calling a school or a police officer back. Each open form keeps its
state as a small JSON file in a per-user folder, written atomically (temporary file, fsync,
``os.replace``) so a power cut leaves either the previous draft or the new one, never half
of one. A form holds an OS lock on its draft while it is open; a crashed process loses its
locks, which is how :meth:`DraftStore.pending` tells drafts left by a crash from drafts of
forms still open in another window.

Drafts hold personal data, so the folder and files are readable by their owner only.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)

DRAFT_FORMAT = 1
_SUFFIX = ".json"
_ID = re.compile(r"^[0-9a-f]{32}$")

if os.name == "nt":  # pragma: no cover — exercised on Windows desks only
    import msvcrt

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            handle.seek(0)  # msvcrt locks from the current position: always byte 0
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        with contextlib.suppress(OSError):
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def default_drafts_dir() -> Path:
    """Return the drafts folder under the user's data directory."""
    import platformdirs

    from mash_desk.paths import APP_NAME

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "drafts"


def _safe_name(username: str) -> str:
    # Usernames become folder names; keep them portable and unable to climb out of the folder.
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", username).strip("._")
    return cleaned or "_"


@dataclass(frozen=True)
class Draft:
    """One saved draft.

    Attributes:
        id: the draft's identifier (also its file name).
        saved_at: when it was last written (UTC).
        kind: which form wrote it (``"new_contact"``).
        summary: one line for the "restore unsaved work?" question.
        data: what the form's ``load_draft`` takes back.
        path: the file.
    """

    id: str
    saved_at: datetime
    kind: str
    summary: str
    data: dict[str, Any]
    path: Path


class DraftStore:
    """The drafts of one user in one folder.

    Args:
        directory: the folder holding every user's drafts; ``None`` for the default under
            the user data directory. Tests pass a temporary folder.
        username: whose drafts; each user has a subfolder.
    """

    def __init__(self, directory: Path | None, username: str):
        self.folder = Path(directory if directory is not None else default_drafts_dir())
        self.folder = self.folder / _safe_name(username)
        self._locks: dict[str, IO[bytes]] = {}

    # -- writing ---------------------------------------------------------------------------

    @staticmethod
    def new_id() -> str:
        """Return a fresh draft identifier."""
        return uuid.uuid4().hex

    def path_of(self, draft_id: str) -> Path:
        """Return the file of draft ``draft_id``."""
        if not _ID.match(draft_id):
            raise ValueError(f"Not a draft id: {draft_id!r}")
        return self.folder / f"{draft_id}{_SUFFIX}"

    def _ensure_folder(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            os.chmod(self.folder, 0o700)

    def save(
        self, draft_id: str, data: Mapping[str, Any], *, kind: str = "", summary: str = ""
    ) -> Path:
        """Write a draft atomically and durably; return its path.

        The JSON goes to a temporary file in the same folder, is flushed and fsynced, then
        replaces the old draft in one step; the folder is fsynced too so the rename itself
        survives a power cut.
        """
        self._ensure_folder()
        target = self.path_of(draft_id)
        record = {
            "format": DRAFT_FORMAT,
            "id": draft_id,
            "kind": kind,
            "summary": summary,
            "saved_at": datetime.now(UTC).isoformat(),
            "data": dict(data),
        }
        payload = json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8")
        fd, temp = tempfile.mkstemp(prefix=f".{draft_id}.", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        self._fsync_folder()
        return target

    def _fsync_folder(self) -> None:
        if os.name == "nt":  # Windows cannot open a directory for fsync; NTFS journals renames.
            return
        fd = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    # -- ownership -------------------------------------------------------------------------

    def claim(self, draft_id: str) -> bool:
        """Lock draft ``draft_id`` for this form while it is open; False if another holds it."""
        if draft_id in self._locks:
            return True
        self._ensure_folder()
        handle = open(self._lock_path(draft_id), "a+b")  # noqa: SIM115 — held while the form lives
        if not _try_lock(handle):
            handle.close()
            return False
        self._locks[draft_id] = handle
        return True

    def release(self, draft_id: str) -> None:
        """Give up the lock on ``draft_id`` (the draft file stays)."""
        handle = self._locks.pop(draft_id, None)
        if handle is not None:
            _unlock(handle)
            handle.close()

    def _lock_path(self, draft_id: str) -> Path:
        return self.path_of(draft_id).with_suffix(".lock")

    def _in_use(self, draft_id: str) -> bool:
        """Return whether a live form (in any process) holds the draft."""
        if draft_id in self._locks:
            return True
        lock = self._lock_path(draft_id)
        if not lock.exists():
            return False
        try:
            handle = open(lock, "a+b")  # noqa: SIM115
        except OSError:
            return False
        try:
            if _try_lock(handle):
                _unlock(handle)
                return False
            return True
        finally:
            handle.close()

    # -- reading ---------------------------------------------------------------------------

    def load(self, draft_id: str) -> Draft:
        """Read one draft; raises ``FileNotFoundError`` or ``ValueError`` if unreadable."""
        return self._read(self.path_of(draft_id))

    def _read(self, path: Path) -> Draft:
        record = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(record, dict) or record.get("format") != DRAFT_FORMAT:
            raise ValueError(f"{path.name} is not a draft this version can read")
        data = record.get("data")
        if not isinstance(data, dict):
            raise ValueError(f"{path.name} holds no form data")
        return Draft(
            id=str(record["id"]),
            saved_at=datetime.fromisoformat(record["saved_at"]),
            kind=str(record.get("kind", "")),
            summary=str(record.get("summary", "")),
            data=data,
            path=path,
        )

    def pending(self) -> list[Draft]:
        """Return drafts no open form owns (left by a crash or power cut), newest first.

        A file that cannot be read is skipped and logged, never raised: one damaged draft
        must not stop the desk from starting.
        """
        if not self.folder.is_dir():
            return []
        found = []
        for path in self.folder.glob(f"*{_SUFFIX}"):
            draft_id = path.stem
            if not _ID.match(draft_id) or self._in_use(draft_id):
                continue
            try:
                found.append(self._read(path))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log.warning("Skipping unreadable draft %s: %s", path.name, exc)
        found.sort(key=lambda d: d.saved_at, reverse=True)
        return found

    def discard(self, draft_id: str) -> None:
        """Delete a draft and its lock file (no error if already gone)."""
        self.release(draft_id)
        for path in (self.path_of(draft_id), self._lock_path(draft_id)):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
