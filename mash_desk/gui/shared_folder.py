"""Ask before saving a document into a folder other people on this computer can read.

Issue 14 item 2. The saved PDF is 0600 wherever it goes, but in a shared folder the others
can still see its name, and delete or replace it; the practitioner chooses knowingly.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from mash_desk.gui.a11y import announce

SAVE_ANYWAY = "&Save here anyway"


def shared_folder_question(folder: Path, reason: str) -> str:
    """The question asked before saving into ``folder``."""
    return (
        f"This folder can be read by other people on this computer: {folder}. Save here anyway?"
        f"\n\n({reason[0].upper()}{reason[1:]}. The saved file is readable only by you, but "
        "they can see its name, and delete or replace it.)"
    )


def ask_shared_folder(
    parent: QWidget, folder: Path, reason: str, then: Callable[[], None]
) -> QMessageBox:
    """Ask (window-modal, not blocking) whether to save into ``folder``; call ``then`` if so.

    "Cancel" is the default button: Enter does not save into a shared folder by accident.
    """
    box = QMessageBox(parent)
    box.setWindowTitle("Save into a shared folder? — MASH Desk")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setText(shared_folder_question(folder, reason))
    save = box.addButton(SAVE_ANYWAY, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setAccessibleName("Save into a shared folder?")
    box.setAccessibleDescription(box.text())
    box.buttonClicked.connect(lambda button: then() if button is save else None)
    box.open()
    announce(box, box.text(), assertive=True)
    return box


__all__ = ["SAVE_ANYWAY", "ask_shared_folder", "shared_folder_question"]
