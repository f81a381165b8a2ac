"""Allocation from the main window: Take this, Allocate…, My work and the workload view.

The actions work on the selected queue row, or on the work a case tab was opened for (its
``tab_key`` is ``"contact:<id>"`` or ``"referral:<id>"``); for a case tab the current holder
and version are read first, since the case may have been open a while.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

from mash_desk.domain.permissions import Permission
from mash_desk.gui.tasks import describe_error
from mash_desk.services.dto import QueueRow

if TYPE_CHECKING:
    from mash_desk.gui.allocate_dialog import AllocateDialog, WorkTarget
    from mash_desk.gui.window_host import WindowHost
    from mash_desk.gui.workload_view import WorkloadView

WORKLOAD_KEY = "workload"
NO_TARGET = "Select a row in the work queue, or open a child's case from it, first."


def target_of_row(row: QueueRow) -> WorkTarget:
    """The allocation target of a queue row."""
    from mash_desk.gui.allocate_dialog import WorkTarget  # the dialog loads on first use

    return WorkTarget(
        row.kind,
        row.item_id,
        row.version,
        row.child_name,
        row.assigned_id,
        row.assigned_to,
        row.team,
    )


class WorkAllocation(QObject):
    """The allocation actions of one main window."""

    def __init__(self, window: WindowHost):
        """Act on ``window``'s queue and tabs."""
        # The host is the main window itself; the protocol alone cannot say it is a widget.
        assert isinstance(window, QWidget)
        super().__init__(window)
        self.window: WindowHost = window
        self._window_widget: QWidget = window
        self.dialog: AllocateDialog | None = None

    def actions(self) -> tuple[tuple[str, Callable[[], Any], str, Permission], ...]:
        """(menu text, slot, shortcut, permission needed) of each action."""
        return (
            ("&My work", self.toggle_my_work, "Ctrl+Shift+M", Permission.VIEW_QUEUE),
            ("&Take this", self.take, "Ctrl+Shift+T", Permission.TAKE_WORK),
            ("&Allocate…", self.allocate, "Ctrl+Shift+L", Permission.ALLOCATE_WORK),
            ("W&orkload…", self.open_workload, "Ctrl+Shift+W", Permission.VIEW_WORKLOAD),
        )

    # --- the work an action is about -----------------------------------------------------------

    def _with_target(self, then: Callable[[WorkTarget], None]) -> None:
        w = self.window
        widget = w.tabs.currentWidget()
        queue: Any = w.queue  # the QueueView, or None (WindowHost.queue)
        on_queue = widget is queue
        if queue is not None and on_queue:
            row = queue.selected_row()
            if row is None:
                w.statusBar().showMessage(NO_TARGET, 8000)
                return
            then(target_of_row(row))
            return
        key = widget.property("tab_key") if widget is not None else None
        kind, _, number = str(key or "").partition(":")
        if kind not in ("contact", "referral") or not number.isdigit():
            w.statusBar().showMessage(NO_TARGET, 8000)
            return
        title = w.tabs.tabText(w.tabs.currentIndex())
        session = w.session

        def known(work: Any) -> None:
            from mash_desk.gui.allocate_dialog import WorkTarget

            then(
                WorkTarget(
                    kind,
                    int(number),
                    work.version,
                    title,
                    work.assigned_id,
                    work.assigned_name,
                    work.team,
                )
            )

        session.tasks.read(
            session.desk.allocation.work,
            session.actor,
            kind,
            int(number),
            on_done=known,
            on_error=lambda exc: w.show_failure(describe_error(exc)),
            label="Reading who holds this work…",
        )

    # --- actions -------------------------------------------------------------------------------

    def take(self) -> None:
        """Take the selected work for the signed-in user."""
        self._with_target(self._take)

    def _take(self, target: WorkTarget) -> None:
        session = self.window.session

        def done(result: Any) -> None:
            session.hub.announce(result.changed)
            self.window.statusBar().showMessage(
                f"You took {target.child_name}'s {target.kind}; it is in My work.", 8000
            )

        session.tasks.write(
            session.desk.allocation.take,
            session.actor,
            target.kind,
            target.item_id,
            target.version,
            on_done=done,
            on_error=lambda exc: self.window.show_failure(describe_error(exc)),
            label="Taking the work…",
        )

    def allocate(self) -> None:
        """Open the Allocate dialog for the selected work."""
        self._with_target(self._open_dialog)

    def _open_dialog(self, target: WorkTarget) -> None:
        from mash_desk.gui.allocate_dialog import AllocateDialog

        dialog = AllocateDialog(self.window.session, target, self._window_widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.allocated.connect(
            lambda dto: self.window.statusBar().showMessage(
                f"{target.child_name}'s {target.kind} is {dto.how} to {dto.worker_name}.", 8000
            )
        )
        self.dialog = dialog
        dialog.open()

    def toggle_my_work(self) -> None:
        """Show only my work in the queue (or everyone's again)."""
        queue = self.window.queue
        if queue is not None:
            self.window.tabs.setCurrentIndex(0)
            queue.toggle_my_work()

    def open_workload(self) -> WorkloadView:
        """Open (or go to) the workload tab."""
        from mash_desk.gui.workload_view import WorkloadView

        w = self.window
        index = w._tab_of(WORKLOAD_KEY)
        if index >= 0:
            w.tabs.setCurrentIndex(index)
            shown = w.tabs.widget(index)
            assert isinstance(shown, WorkloadView)  # the tab under WORKLOAD_KEY holds one
            return shown
        view = WorkloadView(w.session)
        view.worker_chosen.connect(self._show_worker)
        w._add_tab(view, "Workload", WORKLOAD_KEY)
        view.setFocus(Qt.FocusReason.OtherFocusReason)
        return view

    def _show_worker(self, user_id: int | None, name: str) -> None:
        queue = self.window.queue
        if queue is not None:
            self.window.tabs.setCurrentIndex(0)
            queue.show_worker(user_id, name)
            queue.table.setFocus(Qt.FocusReason.OtherFocusReason)
