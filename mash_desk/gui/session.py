"""What every window of one signed-in desk shares: the services, the user, the task runner."""

from __future__ import annotations

import logging
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from mash_desk.domain.changes import ChangeKey
from mash_desk.gui.drafts import DraftStore
from mash_desk.gui.tasks import TaskRunner
from mash_desk.services.desk import Desk
from mash_desk.services.dto import Actor

log = logging.getLogger(__name__)


class ChangeHub(QObject):
    """Announces what a saved change touched (``OpResult.changed``), so views refresh only that.

    Keys are the change vocabulary's (``domain/changes.py``): a :class:`Topic` such as the
    queue, or one record's key (``record_key(Kind.PERSON, 7)``); the signal carries a
    ``frozenset`` of them.
    """

    changed = Signal(object)

    def announce(self, keys: frozenset[ChangeKey]) -> None:
        """Tell every view what changed (call on the GUI thread after a save)."""
        if keys:
            self.changed.emit(frozenset(keys))


@dataclass
class DeskSession:
    """The signed-in desk.

    Attributes:
        desk: the services over one database. Call them only through ``tasks``.
        actor: the signed-in user (services re-check the role on every call).
        tasks: runs service calls off the GUI thread.
        demo: whether this is the clearly labelled DEMO database.
        database_label: where the data lives, for the title bar.
        hub: change announcements between views.
        draft_keys: the key sealing each drafts folder, found once per folder
            (:meth:`draft_store`).
    """

    desk: Desk
    actor: Actor
    tasks: TaskRunner
    demo: bool = False
    database_label: str = ""
    hub: ChangeHub = field(default_factory=ChangeHub)
    draft_keys: dict[Path, bytes] = field(default_factory=dict, repr=False)
    _draft_key_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def draft_store(self, directory: Path | None) -> DraftStore:
        """Return the signed-in user's drafts under ``directory``, sealed with the desk's key.

        The key is the embedded database's (through HKDF) or, on a server, the user's draft
        key (``storage/draft_keys.py``). A server desk with neither a keyring nor a password
        gets a key for this run only: its drafts still never reach the disk in plaintext,
        and after a restart they are set aside as written with a key the desk no longer has.
        """
        folder = DraftStore.folder_of(directory, self.actor.username)
        # One finder at a time: the window looks for the key on a thread while a form opened
        # meanwhile asks on the GUI thread, and two finders creating a server desk's first
        # key would each keep a different one.
        with self._draft_key_lock:
            key = self.draft_keys.get(folder)
            if key is None:
                key = self._find_draft_key(directory, folder)
                self.draft_keys[folder] = key
        return DraftStore(directory, self.actor.username, key=key)

    def _find_draft_key(self, directory: Path | None, folder: Path) -> bytes:
        try:
            if self.desk.db.dialect != "sqlite":  # the key id or salt file goes in it
                DraftStore(directory, self.actor.username).ensure_folder()
            key = self.desk.draft_key(folder)
        except Exception as exc:  # noqa: BLE001 — a desk without drafts still opens its window
            # An unwritable drafts folder or a keyring failing in a way keyring does not
            # wrap: the form's own "could not keep a draft" warning says the rest.
            log.warning("Could not find the drafts key: %s", type(exc).__name__)
            key = None
        if key is None:
            log.warning("No lasting drafts key: drafts are kept for this run only")
            key = secrets.token_bytes(32)
        return key
