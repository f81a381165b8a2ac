"""Change your own password from the desk: embedded argon2 account, or a server login."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import text

from mash_desk.domain.enums import Role
from mash_desk.gui.change_password import ChangePasswordDialog
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import TaskRunner

OLD = "correct horse battery"
NEW = "a much newer passphrase"


def _dialog(qtbot, desk, actor) -> tuple[ChangePasswordDialog, TaskRunner]:
    tasks = TaskRunner()
    dialog = ChangePasswordDialog(DeskSession(desk, actor, tasks, database_label="test"))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog, tasks


def _ok(dialog: ChangePasswordDialog) -> None:
    dialog.form.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_embedded_account_changes_password_after_the_current_one(qtbot, gui_desk):
    me = gui_desk.users.create(
        gui_desk.users.system_actor(),
        username="test.pw",
        display_name="Test Pw",
        role=Role.PRACTITIONER,
        agency_code="social_care",
        password=OLD,
    ).value
    dialog, tasks = _dialog(qtbot, gui_desk, me)
    assert dialog.form.currentEdit.isVisible()
    qtbot.keyClicks(dialog.form.currentEdit, "not my password")
    qtbot.keyClicks(dialog.form.newEdit, NEW)
    qtbot.keyClicks(dialog.form.repeatEdit, NEW + "x")
    _ok(dialog)
    assert dialog.message_text() == "The two new passwords are not the same"
    dialog.form.repeatEdit.setText(NEW)
    _ok(dialog)
    qtbot.waitUntil(lambda: dialog.message_text() == "Password not recognised", timeout=30_000)
    dialog.form.currentEdit.setText(OLD)
    with qtbot.waitSignal(dialog.accepted, timeout=30_000):
        _ok(dialog)
    assert tasks.wait(30_000)
    assert gui_desk.users.sign_in("test.pw", NEW).user_id == me.user_id


@pytest.mark.postgres
def test_server_login_changes_its_own_password(qtbot, server_db):
    desk, me = server_db.desk_as(Role.PRACTITIONER)
    with server_db.raw("postgres") as conn:
        before = conn.execute(
            text("SELECT rolpassword FROM pg_authid WHERE rolname = :l"), {"l": me.username}
        ).scalar_one()
    dialog, tasks = _dialog(qtbot, desk, me)
    # The server knows who is connected: only the new password is asked for.
    assert not dialog.form.currentEdit.isVisible()
    qtbot.keyClicks(dialog.form.newEdit, "short")
    qtbot.keyClicks(dialog.form.repeatEdit, "short")
    _ok(dialog)
    qtbot.waitUntil(lambda: "at least 12" in dialog.message_text(), timeout=30_000)
    dialog.form.newEdit.setText(NEW)
    dialog.form.repeatEdit.setText(NEW)
    with qtbot.waitSignal(dialog.accepted, timeout=30_000):
        _ok(dialog)
    assert tasks.wait(30_000)
    with server_db.raw("postgres") as conn:
        after = conn.execute(
            text("SELECT rolpassword FROM pg_authid WHERE rolname = :l"), {"l": me.username}
        ).scalar_one()
    assert after != before and after.startswith("SCRAM-SHA-256$")
