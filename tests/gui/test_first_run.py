"""The first-run dialog on an empty database."""

from __future__ import annotations

from mash_desk.gui.first_run import FirstRunDialog


def fill(dialog: FirstRunDialog, password: str, repeat: str) -> None:
    dialog.username.setText("first.admin")
    dialog.display_name.setText("First Admin")
    dialog.password.setText(password)
    dialog.repeat.setText(repeat)


def test_passwords_must_match_and_nothing_is_created(qtbot, gui_desk):
    dialog = FirstRunDialog(gui_desk)
    qtbot.addWidget(dialog)
    fill(dialog, "a long passphrase", "a long passphrose")
    dialog.create_account()
    assert dialog.message("repeat") == "The two passwords are not the same"
    assert gui_desk.users.first_run()


def test_short_password_is_shown_at_its_field(qtbot, gui_desk):
    dialog = FirstRunDialog(gui_desk)
    qtbot.addWidget(dialog)
    fill(dialog, "short", "short")
    dialog.create_account()
    qtbot.waitUntil(lambda: bool(dialog.message("password")), timeout=5000)
    assert "at least" in dialog.message("password")
    dialog.tasks.wait()


def test_creating_the_administrator_ends_the_first_run(qtbot, gui_desk):
    dialog = FirstRunDialog(gui_desk)
    qtbot.addWidget(dialog)
    fill(dialog, "a long passphrase", "a long passphrase")
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.create_account()
    assert dialog.created_username == "first.admin"
    assert not gui_desk.users.first_run()
    dialog.tasks.wait()
