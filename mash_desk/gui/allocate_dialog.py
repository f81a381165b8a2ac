"""The manager's "Allocate…" dialog: team, worker and reason for one piece of work.

The form is Designer's (``ui/allocate.ui``). Staff come from the reference service's list of
active users, narrowed to MASH staff (the ones the allocation service accepts); the service
checks every rule again and its field errors are shown beside their fields.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QWidget
from shiboken6 import isValid

from mash_desk.domain.errors import ValidationError
from mash_desk.gui.a11y import announce, mark_invalid
from mash_desk.gui.forms.ui_allocate import Ui_AllocateDialog
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import describe_error
from mash_desk.services.allocation import is_mash_staff
from mash_desk.services.reference import UserChoiceDTO

_FIELDS = ("team", "worker", "reason")


@dataclass(frozen=True)
class WorkTarget:
    """The piece of work an allocation is about, as the screen that offers it knows it."""

    kind: str
    item_id: int
    version: int
    child_name: str
    assigned_id: int | None
    assigned_name: str | None
    team: str | None

    @property
    def description(self) -> str:
        """``"Amira Hassan — referral 4, held by Sam Patel (MASH team A)"``."""
        held = self.assigned_name or "nobody yet"
        if self.team:
            held += f" ({self.team})"
        return f"{self.child_name} — {self.kind} {self.item_id}, held by {held}"


class AllocateDialog(QDialog):
    """Choose a team and worker (and a reason) and allocate the work.

    Signals:
        allocated(AllocationDTO): the allocation was saved.
        staff_loaded(): the team and worker lists are filled.
    """

    allocated = Signal(object)
    staff_loaded = Signal()

    def __init__(self, session: DeskSession, target: WorkTarget, parent: QWidget | None = None):
        """Build the form and read the staff list in the background."""
        super().__init__(parent)
        self.session = session
        self.target = target
        self.ui = Ui_AllocateDialog()
        self.ui.setupUi(self)
        self._staff: tuple[UserChoiceDTO, ...] = ()
        self._saving = False
        self.ui.subjectLabel.setText(target.description)
        self.ui.subjectLabel.setAccessibleName(target.description)
        if target.assigned_id is not None:
            self.ui.reasonLabel.setText("&Reason *")
            self.ui.reason.setAccessibleName("Reason (required: the work moves)")
        self.ok_button.setText("&Allocate")
        self.ok_button.setEnabled(False)
        for name in ("form", *_FIELDS):
            self._error(name).hide()
        self.ui.team.currentIndexChanged.connect(self._fill_workers)
        self.ui.buttons.accepted.connect(self.save)
        self.ui.buttons.rejected.connect(self.reject)
        self.ui.team.setFocus(Qt.FocusReason.OtherFocusReason)
        session.tasks.read(
            session.desk.reference.users,
            session.actor,
            on_done=self._staff_arrived,
            on_error=lambda exc: self._show_form_error(describe_error(exc)),
            label="Reading the staff list…",
        )

    @property
    def ok_button(self):
        """The Allocate button."""
        return self.ui.buttons.button(QDialogButtonBox.StandardButton.Ok)

    # --- lists ---------------------------------------------------------------------------------

    def _staff_arrived(self, users: tuple[UserChoiceDTO, ...]) -> None:
        if not isValid(self):
            return
        self._staff = tuple(u for u in users if is_mash_staff(u.role))
        teams = sorted({u.team for u in self._staff if u.team}, key=str.casefold)
        combo = self.ui.team
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("The worker's own team", None)
        for team in teams:
            combo.addItem(team, team)
        found = combo.findData(self.target.team) if self.target.team else 0
        combo.setCurrentIndex(max(found, 0))
        combo.blockSignals(False)
        self._fill_workers()
        self.ok_button.setEnabled(True)
        self.staff_loaded.emit()

    @Slot()
    def _fill_workers(self) -> None:
        team = self.ui.team.currentData()
        combo = self.ui.worker
        kept = combo.currentData()
        combo.clear()
        combo.addItem("Choose a worker", None)
        me = self.session.actor.user_id
        for user in self._staff:
            if team is None or user.team == team:
                label = user.label + (" — me" if user.id == me else "")
                if user.id == self.target.assigned_id:
                    label += " — holds it now"
                combo.addItem(label, user.id)
        found = combo.findData(kept) if kept is not None else -1
        combo.setCurrentIndex(max(found, 0))

    # --- saving --------------------------------------------------------------------------------

    @Slot()
    def save(self) -> None:
        """Ask the service to allocate; errors come back beside their fields."""
        if self._saving:
            return
        self._saving = True
        self.ok_button.setEnabled(False)
        self._clear_errors()
        t = self.target
        self.session.tasks.write(
            self.session.desk.allocation.allocate,
            self.session.actor,
            t.kind,
            t.item_id,
            t.version,
            worker_id=self.ui.worker.currentData(),
            team=self.ui.team.currentData(),
            reason=self.ui.reason.toPlainText(),
            on_done=self._saved,
            on_error=self._refused,
            label="Allocating…",
        )

    def _saved(self, result) -> None:
        self.session.hub.announce(result.changed)
        if not isValid(self):
            return
        self._saving = False
        self.allocated.emit(result.value)
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        self._saving = False
        self.ok_button.setEnabled(True)
        if not isinstance(exc, ValidationError):
            self._show_form_error(describe_error(exc))
            return
        first: QWidget | None = None
        for error in exc.errors:
            field = error.field if error.field in _FIELDS else "form"
            self._set_error(field, error.message)
            if first is None and field != "form":
                first = getattr(self.ui, field)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
        # Painted is not enough (WCAG 3.3.1): said at once, wherever the reader is.
        said = " ".join(e.message for e in exc.errors)
        announce(first or self.ui.formError, said, assertive=True)

    # --- errors --------------------------------------------------------------------------------

    def _error(self, field: str) -> QLabel:
        return getattr(self.ui, "formError" if field == "form" else f"{field}Error")

    def error_text(self, field: str) -> str:
        """The message shown at ``field`` (``"form"`` for the whole form); empty if none."""
        return self._error(field).text()

    def _set_error(self, field: str, message: str) -> None:
        label = self._error(field)
        dark = label.palette().color(QPalette.ColorRole.Window).lightness() < 128
        # Dark red reads at 7:1 on the light theme; on the dark theme a light red does.
        label.setStyleSheet(f"color: {'#ff8a80' if dark else '#b00020'}; font-weight: 600;")
        label.setText(f"⚠ {message}")
        label.setAccessibleName(f"Problem: {message}")
        label.show()
        if field != "form":
            # Said with the field on focus, before what the field is for.
            mark_invalid(getattr(self.ui, field), message)

    def _show_form_error(self, message: str) -> None:
        if isValid(self):
            self._set_error("form", message)

    def _clear_errors(self) -> None:
        for field in ("form", *_FIELDS):
            label = self._error(field)
            label.clear()
            label.hide()
            if field != "form":
                mark_invalid(getattr(self.ui, field), None)
