"""Attachments: chosen on the New contact form, listed and opened read-only in the case view.

A file is only ever handed to the user's own viewer (``QDesktopServices``) from a private,
read-only temporary copy; the desk never runs it, and the service refused anything whose
content is not the PDF, Word, e-mail or image its name claims.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mash_desk.domain.changes import Kind, record_key
from mash_desk.domain.contact_details import ATTACHMENT_KINDS, MAX_ATTACHMENT_BYTES
from mash_desk.gui.field_messages import show_message
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import describe_error
from mash_desk.services.attachments import AttachmentContent, AttachmentDTO
from mash_desk.services.inputs import AttachmentInput

FILE_FILTER = "Referral files ({})".format(" ".join(f"*{ext}" for ext in ATTACHMENT_KINDS))


def _size(size: int) -> str:
    return f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{max(1, size // 1024)} KB"


class AttachmentsEditor:
    """Drives the form's attachment list: add (file dialog), remove, and build the inputs.

    Files are read when chosen, so the contact saves what the user saw even if the file on
    disk changes; a draft keeps only their paths and reads them again when restored.
    """

    def __init__(
        self,
        parent: QWidget,
        files: QListWidget,
        add: QPushButton,
        remove: QPushButton,
        error: QLabel,
        on_change: Callable[[], None],
    ):
        """Wire the form's widgets (from ``ui/new_contact.ui``)."""
        self.parent, self.files, self.error, self.remove = parent, files, error, remove
        self._on_change = on_change
        # Kept beside the list, row for row: Qt would turn bytes in item data into QByteArray.
        self._entries: list[tuple[str, bytes]] = []
        add.clicked.connect(self.add_chosen)
        remove.clicked.connect(self.remove_current)
        shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), files)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(self.remove_current)
        self._sync()

    def _sync(self) -> None:
        # Nothing to remove: the button leaves the tab order rather than do nothing.
        self.remove.setEnabled(bool(self._entries))

    def choose(self) -> list[str]:
        """Ask for files (tests replace this to answer without a dialog)."""
        paths, _ = QFileDialog.getOpenFileNames(
            self.parent, "Attach the referral form or e-mail", "", FILE_FILTER
        )
        return paths

    def add_chosen(self) -> None:
        """Ask for files and add each one."""
        for path in self.choose():
            self.add_path(Path(path))

    def add_path(self, path: Path) -> bool:
        """Read and add one file; a file too big or unreadable is told at the list."""
        try:
            if path.stat().st_size > MAX_ATTACHMENT_BYTES:
                show_message(
                    self.error,
                    [
                        f"{path.name} is larger than {MAX_ATTACHMENT_BYTES // 1048576} MB and "
                        "cannot be attached"
                    ],
                )
                return False
            data = path.read_bytes()
        except OSError as exc:
            show_message(self.error, [f"Could not read {path.name}: {exc.strerror or exc}"])
            return False
        show_message(self.error, [])
        item = QListWidgetItem(f"{path.name} ({_size(len(data))})")
        self._entries.append((str(path), data))
        self.files.addItem(item)
        self.files.setCurrentItem(item)
        self._sync()
        self._on_change()
        return True

    def remove_current(self) -> None:
        """Take the chosen file off the contact."""
        row = self.files.currentRow()
        if row >= 0:
            self.files.takeItem(row)
            del self._entries[row]
            self._sync()
            self._on_change()

    def build(self) -> tuple[AttachmentInput, ...]:
        """Return the files for the service."""
        return tuple(AttachmentInput(Path(path).name, data) for path, data in self._entries)

    def state(self) -> list[str]:
        """Return the chosen files' paths (for drafts)."""
        return [path for path, _ in self._entries]

    def load(self, paths: Any) -> None:
        """Replace the list with the files at ``paths`` that can still be read."""
        self.files.clear()
        self._entries.clear()
        for path in paths or ():
            if isinstance(path, str):
                self.add_path(Path(path))
        self._sync()


def write_private_copy(content: AttachmentContent) -> Path:
    """Write the bytes to a new temporary file only this user can read, and make it read-only.

    ``mkstemp`` creates the file 0600; after writing it is made 0400 so the viewer opens it
    read-only. The name keeps the extension so the desktop picks the right viewer.
    """
    suffix = Path(content.attachment.filename).suffix.lower()
    handle, name = tempfile.mkstemp(prefix="mash-desk-", suffix=suffix)
    try:
        os.write(handle, content.data)
    finally:
        os.close(handle)
    os.chmod(name, 0o400)
    return Path(name)


class CaseAttachments(QGroupBox):
    """The case view's small "Attachments" list: files referrers sent about this child."""

    def __init__(self, session: DeskSession, person_id: int, parent: QWidget | None = None):
        """Build the list and read it in the background."""
        super().__init__("Attachments", parent)
        self.session, self.person_id = session, person_id
        self.opened: list[Path] = []
        layout = QVBoxLayout(self)
        self.files = QListWidget(self)
        self.files.setAccessibleName("Attachments sent by referrers")
        self.files.setAccessibleDescription("Enter opens the chosen file read-only")
        self.files.setWordWrap(True)
        self.files.itemActivated.connect(lambda _item: self.open_current())
        self.open_button = QPushButton("Open read-only", self)
        self.open_button.setAccessibleName("Open the chosen attachment read-only")
        self.open_button.clicked.connect(self.open_current)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Attachments status")
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.open_button)
        layout.addWidget(self.files, 1)
        layout.addLayout(row)
        session.hub.changed.connect(self._on_changed)
        self.reload()

    def _on_changed(self, keys: frozenset[str]) -> None:
        if record_key(Kind.PERSON, self.person_id) in keys:
            self.reload()

    def reload(self) -> None:
        """Read the list of files in the background."""
        self.session.tasks.read(
            self.session.desk.attachments.for_person,
            self.session.actor,
            self.person_id,
            on_done=self._show,
            on_error=lambda exc: self.status.setText(f"⚠ {describe_error(exc)}"),
            label="Reading attachments…",
        )

    def _show(self, found: tuple[AttachmentDTO, ...]) -> None:
        self.files.clear()
        tz = self.session.desk.ctx.tz
        for attachment in found:
            when = attachment.added_at.astimezone(tz)
            item = QListWidgetItem(
                f"{attachment.filename} ({_size(attachment.size)}) — contact "
                f"{attachment.contact_id}, {when:%d/%m/%Y}"
            )
            item.setToolTip(f"SHA-256 {attachment.sha256}")
            item.setData(Qt.ItemDataRole.UserRole, attachment.id)
            self.files.addItem(item)
        self.open_button.setEnabled(bool(found))
        self.status.setText("" if found else "No files attached")

    def open_current(self) -> None:
        """Read the chosen file (a logged view) and hand a read-only copy to the viewer."""
        item = self.files.currentItem()
        if item is None:
            return
        self.session.tasks.write(
            self.session.desk.attachments.read,
            self.session.actor,
            item.data(Qt.ItemDataRole.UserRole),
            on_done=self._open,
            on_error=lambda exc: self.status.setText(f"⚠ Not opened: {describe_error(exc)}"),
            label="Opening the attachment…",
        )

    def _open(self, content: AttachmentContent) -> None:
        try:
            path = write_private_copy(content)
        except OSError as exc:
            self.status.setText(f"⚠ Could not make a copy to open: {exc.strerror or exc}")
            return
        self.opened.append(path)
        self.status.setText(f"Opened {content.attachment.filename} read-only")
        self.open_file(path)

    def open_file(self, path: Path) -> None:
        """Hand the copy to the desktop's viewer (tests replace this)."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
