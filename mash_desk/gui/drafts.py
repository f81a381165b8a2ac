"""Autosaved drafts of forms, so a crash or power cut never loses a contact being typed.

Practitioners log contacts while on the phone; losing ten minutes of a referrer's account
to a frozen PC means calling a school or a police officer back. Each open form keeps its
state as a small JSON file in a per-user folder, written atomically (temporary file, fsync,
``os.replace``) so a power cut leaves either the previous draft or the new one, never half
of one. A form holds an OS lock on its draft while it is open; a crashed process loses its
locks, which is how :meth:`DraftStore.scan` tells drafts left by a crash from drafts of
forms still open in another window.

Drafts hold personal data, so the folder and files are readable by their owner only
(``draft_files.py``), and every file is sealed with AES-256-GCM under the desk's draft key
(``draft_crypto.py``; where the key comes from: ``storage/draft_keys.py``). A plaintext draft
from before encryption is read once and sealed; one sealed under another key (a changed
password, another database) is set aside without recovery, as nothing in it can be read.
A draft file that cannot be used, whatever is wrong with it, never stops the others
loading: it is moved into ``damaged/`` and reported with whatever text
could be recovered from it (``draft_parse.py``), so the practitioner can copy it back.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import sys
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from mash_desk.domain.capped_files import FileTooLarge, describe_size
from mash_desk.gui.draft_crypto import DraftNotOpened, bound_to, is_sealed, open_sealed, seal
from mash_desk.gui.draft_files import (
    NotADraftFile,
    make_private_folder,
    open_lock_file,
    read_private_bytes,
    set_aside,
    write_private_bytes,
)
from mash_desk.gui.draft_parse import DRAFT_FORMAT, ParsedDraft, Unreadable, parse_draft

log = logging.getLogger(__name__)

__all__ = [
    "DRAFT_FORMAT",
    "DRAFT_MAX_BYTES",
    "DamagedDraft",
    "DamagedDraftError",
    "Draft",
    "DraftScan",
    "DraftStore",
]

_SUFFIX = ".json"
_ID = re.compile(r"^[0-9a-f]{32}$")
_ORPHAN = re.compile(r"^\.([0-9a-f]{32})\..*\.tmp$")
# A contact's concerns may be 100,000 characters (domain/text.py NARRATIVE_MAX), at most
# 400 KB of UTF-8; children's cards, relatives and consents add a few KB each. 4 MiB is ten
# times a real draft's worst case, and refuses a file that would stall start-up to parse.
DRAFT_MAX_BYTES = 4 << 20

if sys.platform == "win32":  # pragma: no cover — exercised on Windows desks only
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


@dataclass(frozen=True)
class DamagedDraft:
    """A draft file that could not be used, set aside with the text recovered from it.

    Attributes:
        reason: why, in words for the practitioner (never the file's content).
        recovered: (label, text) for every piece of typed text found; may be empty.
        saved_at: when it was last written, if that much could be read (else the file time).
        kept_at: where the file was moved (``damaged/``), or None if it could not be moved.
    """

    reason: str
    recovered: tuple[tuple[str, str], ...]
    saved_at: datetime | None
    kept_at: Path | None


class DamagedDraftError(ValueError):
    """A draft could not be read; ``damage`` says why and holds what was recovered."""

    def __init__(self, damage: Unreadable):
        """Record ``damage``."""
        self.damage = damage
        super().__init__(f"The draft could not be read: {damage.reason}")


@dataclass(frozen=True)
class DraftScan:
    """What start-up found: drafts to offer back, and damaged ones set aside."""

    pending: list[Draft]
    damaged: list[DamagedDraft]


class DraftStore:
    """The drafts of one user in one folder.

    Args:
        directory: the folder holding every user's drafts; ``None`` for the default under
            the user data directory. Tests pass a temporary folder.
        username: whose drafts; each user has a subfolder.
        key: the 256-bit key drafts are sealed with. The desk always passes one
            (``DeskSession.draft_store``); None writes plaintext JSON, which only tests of the
            file format and of reading old drafts use.
    """

    def __init__(self, directory: Path | None, username: str, *, key: bytes | None = None):
        self.folder = self.folder_of(directory, username)
        self._key = key
        self._locks: dict[str, IO[bytes]] = {}

    @staticmethod
    def folder_of(directory: Path | None, username: str) -> Path:
        """Return the folder of ``username``'s drafts under ``directory`` (None: the default)."""
        base = Path(directory if directory is not None else default_drafts_dir())
        return base / _safe_name(username)

    @property
    def encrypted(self) -> bool:
        """Whether drafts are sealed with a key (always, on a desk)."""
        return self._key is not None

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

    def ensure_folder(self) -> None:
        """Create the user's drafts folder (and its parent) for its owner only."""
        make_private_folder(self.folder)

    def save(
        self, draft_id: str, data: Mapping[str, Any], *, kind: str = "", summary: str = ""
    ) -> Path:
        """Write a draft atomically and durably, readable by its owner only; return its path."""
        self.ensure_folder()
        target = self.path_of(draft_id)
        record = {
            "format": DRAFT_FORMAT,
            "id": draft_id,
            "kind": kind,
            "summary": summary,
            "saved_at": datetime.now(UTC).isoformat(),
            "data": dict(data),
        }
        # "replace": a lone surrogate pasted into a field becomes "?" rather than failing the
        # write; the file is always valid UTF-8.
        payload = json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8", "replace")
        write_private_bytes(target, self._sealed(draft_id, payload))
        return target

    def _sealed(self, draft_id: str, payload: bytes) -> bytes:
        if self._key is None:
            return payload
        return seal(self._key, payload, bound_to(self.folder.name, draft_id))

    # -- ownership -------------------------------------------------------------------------

    def claim(self, draft_id: str) -> bool:
        """Lock draft ``draft_id`` for this form while it is open; False if another holds it."""
        if draft_id in self._locks:
            return True
        self.ensure_folder()
        # Held while the form lives; created 0600 like the draft it guards.
        handle = os.fdopen(open_lock_file(self._lock_path(draft_id)), "r+b")
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
            handle = os.fdopen(open_lock_file(lock), "r+b")
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
        """Read one draft.

        Raises:
            FileNotFoundError: there is no such draft.
            DamagedDraftError: it cannot be used (the file is left where it is).
        """
        path = self.path_of(draft_id)
        outcome, _ = self._read(path, draft_id)
        if isinstance(outcome, Unreadable):
            if not path.exists():
                raise FileNotFoundError(path)
            raise DamagedDraftError(outcome)
        return outcome

    def _read(self, path: Path, draft_id: str) -> tuple[Draft | Unreadable, bytes | None]:
        """Return the draft in ``path`` or why it cannot be used; never raises.

        The second value is the plaintext to seal in its place when the file was a plaintext
        draft from before encryption (None otherwise, or when this store has no key).
        """
        try:
            raw = read_private_bytes(path, DRAFT_MAX_BYTES)
        except FileTooLarge as exc:
            return Unreadable(
                f"it is too large ({describe_size(exc.size)}; a draft is at most "
                f"{describe_size(DRAFT_MAX_BYTES)}), so it was not read",
                (),
            ), None
        except NotADraftFile:
            return Unreadable("something other than a file stands where the draft was", ()), None
        except OSError as exc:
            return Unreadable(f"it could not be opened ({exc.strerror or 'no access'})", ()), None
        legacy = not is_sealed(raw)
        if not legacy:
            try:
                raw = open_sealed(self._key, raw, bound_to(self.folder.name, draft_id))
            except DraftNotOpened as exc:
                # Nothing recovered: without the key the file is noise (and tampered bytes
                # must not be shown as if they were what the practitioner typed).
                return Unreadable(str(exc), ()), None
        parsed = parse_draft(raw, draft_id)
        if isinstance(parsed, ParsedDraft):
            draft = Draft(draft_id, parsed.saved_at, parsed.kind, parsed.summary, parsed.data, path)
            return draft, raw if legacy and self._key is not None else None
        return parsed, None

    def scan(self) -> DraftScan:
        """Find drafts no open form owns (left by a crash or power cut), newest first.

        Orphaned temporary files (a crash in the middle of a write) are removed first. Every
        draft that cannot be used is moved aside into ``damaged/`` and returned with what
        could be recovered from it; it never stops the others loading.
        """
        if not self.folder.is_dir():
            return DraftScan([], [])
        self._remove_orphans()
        found: list[Draft] = []
        damaged: list[DamagedDraft] = []
        for path in sorted(self.folder.glob(f"*{_SUFFIX}")):
            draft_id = path.stem
            if not _ID.match(draft_id) or self._in_use(draft_id):
                continue
            outcome, to_seal = self._read(path, draft_id)
            if isinstance(outcome, Draft):
                found.append(outcome)
                if to_seal is not None:
                    self._seal_legacy(path, draft_id, to_seal)
            else:
                damaged.append(self._set_aside(path, outcome))
                with contextlib.suppress(OSError):
                    self._lock_path(draft_id).unlink(missing_ok=True)
        found.sort(key=lambda d: d.saved_at, reverse=True)
        return DraftScan(found, damaged)

    def _seal_legacy(self, path: Path, draft_id: str, plaintext: bytes) -> None:
        """Replace a plaintext draft from before encryption by its sealed copy (same content)."""
        try:
            write_private_bytes(path, self._sealed(draft_id, plaintext))
        except OSError as exc:  # it was read: offering it back matters more than sealing it now
            log.warning("Could not encrypt an old plaintext draft: %s", exc.strerror or type(exc))

    def pending(self) -> list[Draft]:
        """Return drafts no open form owns, newest first (damaged ones are set aside)."""
        return self.scan().pending

    def _set_aside(self, path: Path, damage: Unreadable) -> DamagedDraft:
        saved_at = damage.saved_at
        if saved_at is None:
            with contextlib.suppress(OSError):
                saved_at = datetime.fromtimestamp(path.lstat().st_mtime, UTC)
        try:
            kept_at: Path | None = set_aside(path)
        except OSError as exc:
            kept_at = None
            log.warning("Could not move a damaged draft aside: %s", exc.strerror or type(exc))
        # The reason names fields and faults only; the file's content never reaches the log.
        log.warning(
            "Set aside a damaged draft as %s: %s",
            kept_at.name if kept_at else "(not moved)",
            damage.reason,
        )
        return DamagedDraft(damage.reason, damage.recovered, saved_at, kept_at)

    def _remove_orphans(self) -> None:
        """Delete temporary files a crash left mid-write (never one a live form is writing)."""
        for path in self.folder.glob(".*.tmp"):
            match = _ORPHAN.match(path.name)
            if match and self._in_use(match.group(1)):
                continue
            try:
                path.unlink()
            except OSError as exc:
                log.warning("Could not remove an orphaned draft fragment: %s", exc.strerror)

    def discard(self, draft_id: str) -> None:
        """Delete a draft and its lock file (no error if already gone)."""
        self.release(draft_id)
        for path in (self.path_of(draft_id), self._lock_path(draft_id)):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
