"""What every window of one signed-in desk shares: the services, the user, the task runner."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from mash_desk.gui.tasks import TaskRunner
from mash_desk.services.desk import Desk
from mash_desk.services.dto import Actor


class ChangeHub(QObject):
    """Announces what a saved change touched (``OpResult.changed``), so views refresh only that.

    Keys follow the services: ``"queue"``, ``"contact:12"``, ``"person:7"``, ``"thresholds"``.
    """

    changed = Signal(object)

    def announce(self, keys: frozenset[str]) -> None:
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
    """

    desk: Desk
    actor: Actor
    tasks: TaskRunner
    demo: bool = False
    database_label: str = ""
    hub: ChangeHub = field(default_factory=ChangeHub)
