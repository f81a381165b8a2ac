"""Get the other screens ready once the first page is on screen (``services/warm_up.py``).

Started after the home view's first rows are shown, never before: start-up to a filled queue
is what a practitioner waits for first, and the warm-up would take the interpreter from it.
It runs on a thread pool of its own, so the status bar's progress (the window's own tasks)
does not flicker for work the user did not ask for, and the window's readers stay free.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from mash_desk.gui.queue_model import QueueModel
from mash_desk.gui.queue_view import QueueView
from mash_desk.gui.tasks import TaskRunner
from mash_desk.services.desk import Desk
from mash_desk.services.warm_up import warm_up_quietly


class WarmUp(QObject):
    """Runs the desk's warm-up once, after ``window``'s first page; :meth:`wait` at shutdown.

    Signals:
        done(int): the warm-up has finished (the number of statements it compiled).
    """

    done = Signal(int)

    def __init__(self, desk: Desk, window: QObject):
        """Start when ``window``'s home view has its first rows (at once if it has no queue).

        Not a child of ``window``: a demo desk replaces its window on a change of role, and
        the warm-up belongs to the desk, which the caller keeps it beside.
        """
        super().__init__()
        self._desk = desk
        self._runner = TaskRunner(self, readers=1)
        self.started = False
        model = _home_model(window)
        if model is None or model.rowCount() > 0:
            QTimer.singleShot(0, self._start)
        else:
            model.loaded.connect(self._after_paint)

    def _after_paint(self) -> None:
        # The rows are painted on the next turn of the event loop: start after that.
        QTimer.singleShot(0, self._start)

    def _start(self) -> None:
        if self.started:
            return
        self.started = True
        self._runner.read(warm_up_quietly, self._desk, label="", on_done=self.done.emit)

    def wait(self, msecs: int = 30_000) -> bool:
        """Let a warm-up still running finish before the desk is closed under it."""
        return self._runner.wait(msecs)


def _home_model(window: QObject) -> QueueModel | None:
    queue = window.findChild(QueueView)
    return None if queue is None else queue.model
