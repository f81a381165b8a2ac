"""Back up the embedded database from the desk: "Back up now…" and the daily offer.

An administrator chooses a backup folder (File ▸ Set backup folder…); from then on the first
desk started each day offers to back up into it. The backup is the encrypted online copy of
``mash-desk backup`` (:func:`mash_desk.storage.encrypted_files.backup`), taken off the GUI
thread while the desk goes on working. The folder and the day of the last backup are kept
with the desk's other settings (QSettings, like the theme): the embedded database belongs to
this computer account, and so does its backup routine. Only the date is in a file's name.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QMenu, QMessageBox, QWidget

from mash_desk.domain.permissions import ROLE_PERMISSIONS, Permission

FOLDER_SETTING = "backup/folder"
LAST_DAY_SETTING = "backup/last_day"


def database_file(session: Any) -> Path | None:
    """Return the embedded database file of ``session``, or None on a shared server."""
    from sqlalchemy.engine import make_url

    url = make_url(session.desk.db.url)
    if url.get_backend_name() != "sqlite" or not url.database:
        return None
    return Path(url.database)


def backup_name(folder: Path, day: date) -> Path:
    """Return a new file name in ``folder`` for a backup taken on ``day`` (date only)."""
    candidate = folder / f"mash-desk-backup-{day.isoformat()}.sqlite3"
    number = 2
    while candidate.exists():
        candidate = folder / f"mash-desk-backup-{day.isoformat()}-{number}.sqlite3"
        number += 1
    return candidate


def backup_folder() -> Path | None:
    """Return the backup folder an administrator set, or None."""
    value = QSettings().value(FOLDER_SETTING, "")
    return Path(str(value)) if value else None


class Backups:
    """The backup actions of one main window (none on a shared server: see README)."""

    def __init__(self, window: Any, menu: QMenu):
        """Add "Back up now…" and, for administrators, "Set backup folder…" to ``menu``."""
        self.window = window
        self.session = window.session
        self.database = database_file(self.session)
        self.last_report: Any = None
        self.offer_box: QMessageBox | None = None
        if self.database is None:
            return
        admin = Permission.ADMINISTER in ROLE_PERMISSIONS.get(self.session.actor.role, ())
        menu.addSeparator()
        self.now_action = QAction("&Back up now…", window)
        self.now_action.triggered.connect(self.back_up_now)
        menu.addAction(self.now_action)
        if admin:
            self.folder_action = QAction("Set &backup folder…", window)
            self.folder_action.triggered.connect(self.choose_folder)
            menu.addAction(self.folder_action)

    def back_up_now(self) -> None:
        """Ask where, then back up there."""
        folder = backup_folder() or Path.home()
        chosen, _filter = QFileDialog.getSaveFileName(
            self.window, "Back up the database", str(backup_name(folder, date.today()))
        )
        if chosen:
            self.back_up_to(Path(chosen))

    def back_up_to(self, target: Path) -> None:
        """Write a backup to ``target`` in the background; say how it went in the status bar."""
        from mash_desk.storage.encrypted_files import backup

        assert self.database is not None
        self.session.tasks.read(
            backup,
            self.database,
            target,
            on_done=self._done,
            on_error=lambda exc: self.window.show_failure(f"The backup failed: {exc}"),
            label="Backing up the database…",
        )

    def _done(self, report: Any) -> None:
        self.last_report = report
        QSettings().setValue(LAST_DAY_SETTING, date.today().isoformat())
        broken = "" if report.chains_ok else " — but its audit chain is broken"
        self.window.statusBar().showMessage(
            f"Backed up {report.rows:,} rows to {report.path.name}{broken}", 20_000
        )

    def choose_folder(self) -> None:
        """Let an administrator choose the folder of the daily backup."""
        chosen = QFileDialog.getExistingDirectory(self.window, "Folder for daily backups")
        if chosen:
            self.set_folder(Path(chosen))

    def set_folder(self, folder: Path) -> None:
        """Keep ``folder`` as the daily backup folder."""
        QSettings().setValue(FOLDER_SETTING, str(folder))
        self.window.statusBar().showMessage(f"Daily backups will go to {folder}", 10_000)

    def offer(self, today: date | None = None) -> bool:
        """Offer today's backup if a folder is set and none was taken today; say if offered."""
        folder = backup_folder()
        today = today or date.today()
        if self.database is None or folder is None:
            return False
        if str(QSettings().value(LAST_DAY_SETTING, "")) == today.isoformat():
            return False
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "MASH Desk — daily backup",
            f"No backup of this desk's database has been taken today. Back it up to {folder} "
            "now? You can go on working while it runs.",
        )
        box.setParent(self.window, box.windowFlags())
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)

        def answered(button: QAbstractButton) -> None:
            if box.standardButton(button) == QMessageBox.StandardButton.Yes:
                self.back_up_to(backup_name(folder, today))

        box.buttonClicked.connect(answered)
        self.offer_box = box
        box.open()
        return True


def offer_daily_backup(window: QWidget) -> None:
    """Offer the daily backup on ``window`` (a main window with ``backups``)."""
    backups = getattr(window, "backups", None)
    if backups is not None:
        backups.offer()
