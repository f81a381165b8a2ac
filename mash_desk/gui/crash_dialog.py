"""Tell the user something went wrong, with the reference the administrator looks up.

Issue 14 item 5. :func:`install_crash_reporting` makes every uncaught exception (raised in a
slot, which PySide6 hands to ``sys.excepthook``, or in any thread) go to the log with a
reference (:mod:`mash_desk.diagnostics`) and shows :class:`CrashDialog` with that reference,
selectable and copyable, and the log's folder. The dialog never shows the traceback: it can
quote a value from the screen, and a practitioner cannot act on it anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QWidget

from mash_desk.diagnostics import install_exception_hooks, log_folder
from mash_desk.gui.a11y import announce


class CrashDialog(QDialog):
    """The "something went wrong" message: nothing saved lost, the reference, the log folder."""

    def __init__(self, reference: str, folder: Path, parent: QWidget | None = None):
        """Show ``reference`` and the log ``folder``."""
        super().__init__(parent)
        # The form loads with the first crash, not on every start (issue 16, start-up).
        from mash_desk.gui.forms.ui_crash import Ui_CrashDialog

        self.ui = Ui_CrashDialog()
        self.ui.setupUi(self)
        self.references: list[str] = []
        self.ui.logFolderEdit.setText(str(folder))
        self.ui.copyButton.clicked.connect(self.copy_reference)
        self.ui.buttons.rejected.connect(self.reject)
        close = self.ui.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close this message")
        self.add_reference(reference)
        self.ui.referenceEdit.setFocus()

    @property
    def reference_text(self) -> str:
        """What the reference field shows (one reference, or several after a cascade)."""
        return self.ui.referenceEdit.text()

    def add_reference(self, reference: str) -> None:
        """Show another error's reference too (a second error while this is open)."""
        self.references.append(reference)
        self.ui.referenceEdit.setText(", ".join(self.references))
        self.ui.referenceEdit.selectAll()

    def copy_reference(self) -> None:
        """Put the reference(s) on the clipboard."""
        QGuiApplication.clipboard().setText(self.reference_text)
        announce(self, "Reference number copied")


class CrashReporter(QObject):
    """Receives references from the exception hooks (any thread) and shows them (GUI thread).

    One dialog at a time: an error repeating in a paint event would otherwise open a
    dialog per repaint; later references are added to the open one.
    """

    reported = Signal(str)

    def __init__(self, parent: QObject | None = None):
        """Show references reported through :meth:`report`; :meth:`uninstall` undoes it."""
        super().__init__(parent)
        self.dialog: CrashDialog | None = None
        self._restore: Callable[[], None] | None = None
        # Queued when report() is called off the GUI thread (Qt decides at emit time).
        self.reported.connect(self._show)

    def report(self, reference: str) -> None:
        """Show ``reference`` (thread-safe)."""
        if shiboken6.isValid(self):
            self.reported.emit(reference)

    @Slot(str)
    def _show(self, reference: str) -> None:
        dialog = self.dialog
        if dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible():
            dialog.add_reference(reference)
            return
        parent = QApplication.activeWindow()
        dialog = CrashDialog(reference, log_folder(), parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.dialog = dialog
        # open(), not exec(): no nested event loop inside the exception hook.
        dialog.open()
        announce(dialog, f"Something went wrong. Reference number {reference}", assertive=True)

    def install(self) -> CrashReporter:
        """Replace ``sys.excepthook`` and ``threading.excepthook`` with ones that report here."""
        if self._restore is None:
            self._restore = install_exception_hooks(self.report)
        return self

    def uninstall(self) -> None:
        """Put the previous exception hooks back."""
        if self._restore is not None:
            self._restore()
            self._restore = None


def install_crash_reporting(parent: QObject | None = None) -> CrashReporter:
    """Report every uncaught exception with a reference, in a dialog; returns the reporter."""
    return CrashReporter(parent).install()


__all__ = ["CrashDialog", "CrashReporter", "install_crash_reporting"]
