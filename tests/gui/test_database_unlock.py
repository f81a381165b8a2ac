"""The desk's start-up over an encrypted database: messages, passphrase, conversion, checks.

Also the backup actions: "Back up now" and the daily offer into an administrator's folder.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QProgressDialog, QWidget
from sqlalchemy import text

from mash_desk.gui.app import run_gui
from mash_desk.gui.backups import FOLDER_SETTING, LAST_DAY_SETTING
from mash_desk.gui.database_unlock import (
    PassphraseDialog,
    StartCancelled,
    confirm_with,
    open_embedded,
    start_tail_check,
)
from mash_desk.gui.main_window import MainWindow
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import TaskRunner
from mash_desk.services.desk import Desk
from mash_desk.storage.encrypted_files import table_counts
from mash_desk.storage.encryption import KEY_STORE_ENV, forget_keys, is_plaintext, read_header
from tests.conftest import fresh_database_url
from tests.storage.test_backup_restore import _plain_counts
from tests.storage.test_encryption import NEEDLES
from tests.support.helpers import side_engine
from tests.support.plaintext import found_in, plaintext_copy


def _when_modal(qtbot, act: Callable[[QWidget], None]) -> list[str]:
    """Run ``act`` on the next modal window that opens; return the texts it showed.

    Only a window that opens after this call counts: a window another test left behind (or
    a progress dialog of the start-up itself) must not be mistaken for the one awaited.
    """
    seen: list[str] = []
    before = QApplication.topLevelWidgets()  # kept alive, so no new window reuses an id

    def poll() -> None:
        widget = next(
            (
                w
                for w in reversed(QApplication.topLevelWidgets())
                if all(w is not old for old in before)
                and w.isVisible()
                and isinstance(w, QMessageBox | QDialog)
                and not isinstance(w, QProgressDialog)
                and w.isModal()
            ),
            None,
        )
        if widget is None:
            QTimer.singleShot(20, poll)
            return
        seen.append(widget.text() if isinstance(widget, QMessageBox) else widget.windowTitle())
        act(widget)

    QTimer.singleShot(20, poll)
    return seen


@pytest.fixture
def database(templates, tmp_path: Path) -> Iterator[Path]:
    """An embedded database file (closed), and no key unlocked in this process."""
    url = fresh_database_url("sqlite", templates, None, tmp_path)
    forget_keys()
    yield Path(url.removeprefix("sqlite:///"))
    forget_keys()


def test_a_damaged_database_is_named_in_a_dialog_and_left_as_it_is(qtbot, database):
    with database.open("r+b") as handle:
        handle.write(os.urandom(4096))
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    shown = _when_modal(qtbot, lambda box: box.close())
    assert run_gui(f"sqlite:///{database}") == 1
    assert shown and shown[0].startswith("The database file cannot be read although its key")
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in database.parent.iterdir()) == sorted(
        [database.name, database.name + ".keyinfo"]
    )


def test_a_missing_key_header_is_named_in_a_dialog(qtbot, database):
    (database.parent / (database.name + ".keyinfo")).unlink()
    shown = _when_modal(qtbot, lambda box: box.close())
    assert run_gui(f"sqlite:///{database}") == 1
    assert "key header" in shown[0] and "no new database was made" in shown[0]


def test_an_unencrypted_database_is_converted_behind_a_progress_bar(qtbot, database, tmp_path):
    plain = tmp_path / "old" / "mash-desk.sqlite3"
    plain.parent.mkdir()
    plaintext_copy(database, plain)
    before = _plain_counts(plain)
    labels: list[str] = []

    def watch() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QProgressDialog) and widget.isVisible():
                labels.append(widget.labelText())
        if not done:
            QTimer.singleShot(5, watch)

    done = False
    QTimer.singleShot(0, watch)
    app = QApplication.instance()
    desk = open_embedded(app, lambda: Desk.open(f"sqlite:///{plain}"), confirm=confirm_with(True))
    done = True
    try:
        assert any(label.startswith("Encrypting the database") for label in labels)
        assert not is_plaintext(plain) and found_in(plain, NEEDLES) == []
        with desk.db.engine.connect() as conn:  # every row came across
            assert table_counts(conn.connection.driver_connection) == before
    finally:
        desk.close()


def test_declining_the_conversion_leaves_the_file_and_does_not_start(qtbot, database, tmp_path):
    plain = tmp_path / "old.sqlite3"
    plaintext_copy(database, plain)
    before = plain.read_bytes()
    app = QApplication.instance()
    with pytest.raises(StartCancelled):
        open_embedded(app, lambda: Desk.open(f"sqlite:///{plain}"), confirm=confirm_with(False))
    assert plain.read_bytes() == before


def test_without_a_keyring_the_desk_asks_for_a_new_passphrase_twice(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_STORE_ENV, "tests.storage.test_encryption:NoKeyring")
    path = tmp_path / "new.sqlite3"
    messages: list[str] = []

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, PassphraseDialog) and dialog.new
        dialog.form.passphraseEdit.setText("too short")
        dialog.form.repeatEdit.setText("too short")
        dialog.submit()
        messages.append(dialog.message_text())
        dialog.form.passphraseEdit.setText("a long synthetic phrase")
        dialog.form.repeatEdit.setText("a long synthetic phrase")
        dialog.submit()

    _when_modal(qtbot, fill)
    desk = open_embedded(QApplication.instance(), lambda: Desk.open(f"sqlite:///{path}"))
    try:
        assert messages == ["The passphrase needs at least 12 characters"]
        info = read_header(path)
        assert info is not None and info.source == "passphrase"
    finally:
        desk.close()
        forget_keys()


def test_a_wrong_passphrase_is_asked_again_with_the_reason(qtbot, tmp_path, monkeypatch):
    from mash_desk.storage.encryption import unlock

    monkeypatch.setenv(KEY_STORE_ENV, "tests.storage.test_encryption:NoKeyring")
    path = tmp_path / "p.sqlite3"
    unlock(path, "a long synthetic phrase")
    Desk.open(f"sqlite:///{path}").close()
    forget_keys()
    shown: list[str] = []

    def wrong(dialog: QWidget) -> None:
        dialog.form.passphraseEdit.setText("not the right phrase")
        dialog.submit()
        _when_modal(qtbot, right)

    def right(dialog: QWidget) -> None:
        shown.append(dialog.message_text())
        dialog.form.passphraseEdit.setText("a long synthetic phrase")
        dialog.submit()

    _when_modal(qtbot, wrong)
    desk = open_embedded(QApplication.instance(), lambda: Desk.open(f"sqlite:///{path}"))
    desk.close()
    forget_keys()
    assert shown == ["That passphrase does not open this database; nothing was changed"]


@pytest.fixture
def admin_window(qtbot, gui_desk, gui_actors, tmp_path) -> Iterator[MainWindow]:
    """The main window of an administrator on the embedded database; backup settings clear."""
    for key in (FOLDER_SETTING, LAST_DAY_SETTING):
        QSettings().remove(key)
    tasks = TaskRunner()
    session = DeskSession(gui_desk, gui_actors["admin"], tasks, database_label="test")
    window = MainWindow(session, drafts_dir=tmp_path / "drafts")
    qtbot.addWidget(window)
    window.show()
    yield window
    assert tasks.wait(30_000)
    for key in (FOLDER_SETTING, LAST_DAY_SETTING):
        QSettings().remove(key)


def test_a_broken_chain_tail_is_shown_at_start_up(qtbot, admin_window):
    desk = admin_window.session.desk
    with side_engine(desk).begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        last = conn.execute(text("SELECT max(id) FROM audit_log")).scalar()
        conn.execute(text("UPDATE audit_log SET detail = '{}' WHERE id = :id"), {"id": last})
    start_tail_check(admin_window, admin_window.session.tasks, desk.db.engine)
    qtbot.waitUntil(lambda: getattr(admin_window, "chain_warning", None) is not None)
    assert f"row {last} altered" in admin_window.chain_warning.text()
    assert "audit log" in admin_window.statusBar().currentMessage().lower()


def test_an_unbroken_chain_shows_nothing(qtbot, admin_window):
    tasks = admin_window.session.tasks
    start_tail_check(admin_window, tasks, admin_window.session.desk.db.engine)
    # The check's result has been delivered (its callback ran) once no task is pending.
    qtbot.waitUntil(lambda: tasks.busy == 0, timeout=30_000)
    assert getattr(admin_window, "chain_warning", None) is None


def test_the_daily_offer_backs_up_into_the_administrators_folder(qtbot, admin_window, tmp_path):
    backups = admin_window.backups
    assert backups.now_action.text() == "&Back up now…"
    assert backups.offer() is False  # no folder set: nothing offered
    folder = tmp_path / "daily"
    folder.mkdir()
    backups.set_folder(folder)
    assert backups.offer() is True
    box = backups.offer_box
    assert box is not None and str(folder) in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: backups.last_report is not None, timeout=30_000)
    made = list(folder.glob("mash-desk-backup-*.sqlite3"))
    assert len(made) == 1 and backups.last_report.chains_ok
    assert found_in(made[0], NEEDLES) == []
    assert "Backed up" in admin_window.statusBar().currentMessage()
    assert backups.offer() is False  # once a day


def test_a_practitioner_cannot_set_the_backup_folder(qtbot, session, tmp_path):
    window = MainWindow(session, drafts_dir=tmp_path / "drafts")
    qtbot.addWidget(window)
    assert not hasattr(window.backups, "folder_action")
    assert window.backups.now_action.isEnabled()
