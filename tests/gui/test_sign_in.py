"""The sign-in dialog: this computer's database or a shared server, with the system keyring."""

from __future__ import annotations

import itertools
import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from mash_desk.domain.clock import FixedClock
from mash_desk.domain.enums import Role
from mash_desk.gui.sign_in import EMBEDDED_LABEL, SignInDialog
from mash_desk.profiles import KEYRING_SERVICE, NO_KEYRING_MESSAGE, Profile, ProfileStore
from mash_desk.services.desk import Desk
from tests.conftest import fresh_database_url
from tests.test_profiles import MemoryKeyring, use_keyring

USERNAME = "test.signin"
PASSWORD = "correct horse battery"
SERVER_PASSWORD = "Synthetic db pa55:@/%"
_logins = itertools.count()


def _add_user(url: str, clock: FixedClock) -> None:
    desk = Desk.open(url, clock)
    try:
        desk.users.create(
            desk.users.system_actor(),
            username=USERNAME,
            display_name="Test Signin",
            role=Role.PRACTITIONER,
            agency_code="social_care",
            password=PASSWORD,
        )
    finally:
        desk.close()


@pytest.fixture
def embedded_url(templates, tmp_path: Path, clock: FixedClock) -> str:
    url = fresh_database_url("sqlite", templates, None, tmp_path)
    _add_user(url, clock)
    return url


class Opener:
    """``open_desk`` for the dialog, remembering what it opened so the test can close it."""

    def __init__(self, clock: FixedClock):
        self.clock = clock
        self.urls: list[str] = []
        self.desks: list[Desk] = []

    def __call__(self, url: str) -> Desk:
        self.urls.append(url)
        desk = Desk.open(url, self.clock)
        self.desks.append(desk)
        return desk


@pytest.fixture
def opener(clock: FixedClock) -> Iterator[Opener]:
    made = Opener(clock)
    yield made
    for desk in made.desks:
        desk.close()


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    # Autouse: no test here may read or write the keyring of the machine running it.
    yield from use_keyring(MemoryKeyring())  # type: ignore[misc]


@pytest.fixture
def store(tmp_path: Path) -> ProfileStore:
    return ProfileStore(tmp_path / "profiles.json")


@pytest.fixture
def make_dialog(qtbot, embedded_url: str, opener: Opener, store: ProfileStore):
    made: list[SignInDialog] = []

    def make() -> SignInDialog:
        dialog = SignInDialog(embedded_url, opener, store)
        qtbot.addWidget(dialog)
        dialog.show()
        made.append(dialog)
        return dialog

    yield make
    for dialog in made:
        assert dialog.tasks.wait(30_000)
    qtbot.wait(10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fill(qtbot, dialog: SignInDialog, username: str, password: str) -> None:
    qtbot.keyClicks(dialog.username_edit, username)
    qtbot.keyClicks(dialog.password_edit, password)


def test_embedded_sign_in_with_enter(qtbot, make_dialog, memory_keyring, opener, embedded_url):
    dialog = make_dialog()
    assert dialog.database_combo.currentText() == EMBEDDED_LABEL
    assert not dialog.server_box.isVisibleTo(dialog)
    _fill(qtbot, dialog, "  Test.Signin ", PASSWORD)
    with qtbot.waitSignals([dialog.signed_in, dialog.accepted], timeout=30_000):
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.result_actor is not None
    assert dialog.result_actor.username == USERNAME
    assert dialog.result_actor.role is Role.PRACTITIONER
    assert dialog.result_desk is opener.desks[0]
    assert opener.urls == [embedded_url]
    assert dialog.result_profile is None
    assert dialog.result_label == "This computer"
    assert dialog.password_edit.text() == ""
    assert memory_keyring.entries == {}  # nothing to remember for this computer's database


def test_wrong_password_keeps_the_dialog_open_with_the_message_at_the_field(
    qtbot, make_dialog, memory_keyring, opener
):
    dialog = make_dialog()
    _fill(qtbot, dialog, USERNAME, "wrong horse battery")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.password_message.message != "", timeout=30_000)
    assert dialog.password_message.message == "Username or password not recognised"
    assert dialog.password_message.isVisible()
    assert dialog.password_edit.accessibleDescription() == "Username or password not recognised"
    assert dialog.isVisible() and dialog.result_desk is None
    assert dialog.sign_in_button.isEnabled()
    assert dialog.status_text() == ""

    # The retyped password is checked against the database already open.
    dialog.password_edit.setText(PASSWORD)
    with qtbot.waitSignal(dialog.accepted, timeout=30_000):
        dialog.sign_in_button.click()
    assert len(opener.urls) == 1
    assert dialog.password_message.message == ""


def test_blank_fields_are_named_without_a_round_trip(qtbot, make_dialog, opener, store):
    store.save(Profile("Shared", "127.0.0.1", 5432, "mash", "mash_user"))
    dialog = make_dialog()
    dialog.choose("Shared")
    dialog.sign_in()
    # A person's own server login is the whole sign-in: only its password is asked for.
    assert dialog.username_message.message == ""
    assert dialog.password_message.message == ""
    assert "mash_user" in dialog.server_password_message.message
    assert dialog.focusWidget() is dialog.server_password_edit
    assert not dialog.tasks.busy or dialog.tasks.wait(30_000)
    assert opener.urls == []
    # This computer's database still has its own accounts.
    dialog.choose(None)
    dialog.sign_in()
    assert dialog.username_message.message == "Enter your username"
    assert dialog.password_message.message == "Enter your password"
    assert opener.urls == []


@pytest.mark.postgres
def test_one_sign_in_with_the_persons_own_server_login(qtbot, make_dialog, store, server_db):
    from tests.support.server import PASSWORD as SERVER_LOGIN_PASSWORD

    url = make_url(server_db.url)
    login = server_db.logins[Role.PARTNER]
    store.save(
        Profile(
            "Own login", url.host, url.port, url.database, login, None, url.query["sslrootcert"]
        )
    )
    dialog = make_dialog()
    dialog.choose("Own login")
    qtbot.waitUntil(lambda: dialog.server_password_edit.isVisible(), timeout=10_000)
    qtbot.keyClicks(dialog.server_password_edit, SERVER_LOGIN_PASSWORD)
    with qtbot.waitSignal(dialog.accepted, timeout=30_000):
        dialog.sign_in()
    assert dialog.result_actor is not None
    assert dialog.result_actor.username == login
    assert dialog.result_actor.role is Role.PARTNER
    dialog.result_desk.close()


@pytest.fixture
def no_keyring() -> Iterator[object]:
    yield from use_keyring(fail.Keyring())


def test_no_keyring_says_the_password_is_asked_each_time(qtbot, make_dialog, store, no_keyring):
    store.save(Profile("Shared", "127.0.0.1", 5432, "mash", "mash_user"))
    dialog = make_dialog()
    dialog.choose("Shared")
    qtbot.waitUntil(lambda: NO_KEYRING_MESSAGE in dialog.keyring_note.text(), timeout=10_000)
    assert dialog.keyring_note.isVisible()
    assert not dialog.remember_check.isVisibleTo(dialog)
    dialog.choose(None)
    assert not dialog.keyring_note.isVisibleTo(dialog)


def test_a_remembered_password_is_filled_in(qtbot, make_dialog, store, memory_keyring):
    profile = store.save(Profile("Shared", "127.0.0.1", 5432, "mash", "mash_user"))
    store.save_password(profile, SERVER_PASSWORD)
    dialog = make_dialog()
    assert dialog.database_combo.count() == 2
    dialog.choose("Shared")
    qtbot.waitUntil(lambda: dialog.server_password_edit.text() == SERVER_PASSWORD, timeout=10_000)
    assert dialog.remember_check.isVisible() and dialog.remember_check.isChecked()
    assert not dialog.keyring_note.isVisibleTo(dialog)
    assert dialog.server_address.text() == "mash_user@127.0.0.1:5432/mash"
    assert dialog.server_password_edit.echoMode() == QLineEdit.EchoMode.Password


def test_a_server_that_cannot_be_reached_gets_one_clear_line(
    qtbot, make_dialog, store, memory_keyring, caplog
):
    caplog.set_level(logging.DEBUG)
    port = _free_port()
    store.save(Profile("Shared", "127.0.0.1", port, "mash", "mash_user"))
    dialog = make_dialog()
    dialog.choose("Shared")
    qtbot.waitUntil(lambda: dialog.remember_check.isVisible(), timeout=10_000)
    dialog.remember_check.setChecked(True)
    dialog.server_password_edit.setText(SERVER_PASSWORD)
    _fill(qtbot, dialog, USERNAME, PASSWORD)
    dialog.sign_in()
    qtbot.waitUntil(lambda: dialog.sign_in_button.isEnabled(), timeout=30_000)
    line = dialog.status_text()
    assert line.startswith(f"Cannot connect to Shared (127.0.0.1, port {port})")
    assert "\n" not in line and SERVER_PASSWORD not in line
    assert dialog.isVisible() and dialog.result_desk is None
    assert memory_keyring.entries == {}  # a password the server never accepted is not kept
    assert SERVER_PASSWORD not in caplog.text


@pytest.fixture
def shared_login(pg_server) -> Iterator[str]:
    """A server login with the awkward SERVER_PASSWORD, as one shared by a whole team."""
    if pg_server is None:
        pytest.skip("PostgreSQL tests skipped")
    login = f"shared_login_{next(_logins)}"
    admin = create_engine(pg_server.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {login} LOGIN SUPERUSER PASSWORD '{SERVER_PASSWORD}'"))
    yield login
    with admin.connect() as conn:
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :l"),
            {"l": login},
        )
        conn.execute(text(f"DROP ROLE {login}"))
    admin.dispose()


@pytest.mark.postgres
def test_sign_in_to_a_shared_server_and_remember_its_password(
    qtbot, make_dialog, store, memory_keyring, templates, pg_server, shared_login, tmp_path, clock,
    caplog,
):  # fmt: skip
    caplog.set_level(logging.DEBUG)
    url = make_url(fresh_database_url("postgresql", templates, pg_server, tmp_path))
    _add_user(url.render_as_string(hide_password=False), clock)
    profile = store.save(
        Profile.checked(
            name="Test server",
            host=url.host,
            port=url.port,
            database=url.database,
            user=shared_login,
            sslrootcert=str(pg_server.ca_file),
        )
    )
    assert profile.sslmode == "verify-full"
    dialog = make_dialog()
    dialog.choose("Test server")
    qtbot.waitUntil(lambda: dialog.remember_check.isVisible(), timeout=10_000)
    dialog.remember_check.setChecked(True)
    qtbot.keyClicks(dialog.server_password_edit, SERVER_PASSWORD)
    _fill(qtbot, dialog, USERNAME, PASSWORD)
    with qtbot.waitSignal(dialog.accepted, timeout=30_000):
        qtbot.keyClick(dialog.username_edit, Qt.Key.Key_Enter)
    assert dialog.result_actor is not None and dialog.result_actor.username == USERNAME
    assert dialog.result_profile == profile
    assert dialog.result_label == f"Test server ({url.host})"
    assert dialog.result_desk is not None and dialog.result_desk.db.engine.dialect.name == (
        "postgresql"
    )
    assert memory_keyring.entries == {(KEYRING_SERVICE, profile.keyring_username): SERVER_PASSWORD}
    assert SERVER_PASSWORD not in caplog.text
    assert SERVER_PASSWORD not in store.path.read_text()

    # Next time the password is filled in; unticking the box forgets it.
    again = make_dialog()
    again.choose("Test server")
    qtbot.waitUntil(lambda: again.server_password_edit.text() == SERVER_PASSWORD, timeout=10_000)
    assert again.remember_check.isChecked()
    again.remember_check.setChecked(False)
    _fill(qtbot, again, USERNAME, PASSWORD)
    with qtbot.waitSignal(again.accepted, timeout=30_000):
        again.sign_in()
    assert memory_keyring.entries == {}


def test_add_and_edit_a_server_profile(qtbot, make_dialog, store, memory_keyring):
    dialog = make_dialog()
    assert not dialog.edit_button.isEnabled()
    dialog.add_button.click()
    editor = dialog.profile_dialog
    assert editor is not None and editor.isVisible()
    assert editor.port_edit.text() == "5432"
    editor.name_edit.setText("Shared")
    editor.host_edit.setText("bad host!")
    editor.port_edit.setText("70000")
    editor.save_button.click()
    assert editor.isVisible()
    assert "host name or IP address" in editor.message("host")
    assert editor.message("port") == "Port must be between 1 and 65535"
    assert editor.message("database") == "Database name is required"
    assert editor.focusWidget() is editor.host_edit
    editor.host_edit.setText("db.example.org")
    editor.port_edit.setText("6543")
    editor.database_edit.setText("mash")
    editor.user_edit.setText("mash_user")
    editor.sslmode_combo.setCurrentIndex(editor.sslmode_combo.findData("require"))
    editor.save_button.click()
    assert not editor.isVisible()
    saved = Profile("Shared", "db.example.org", 6543, "mash", "mash_user", "require")
    assert store.load() == [saved]
    assert dialog.current_profile() == saved
    assert dialog.edit_button.isEnabled()

    # Editing the address forgets the password remembered for the old one.
    store.save_password(saved, SERVER_PASSWORD)
    qtbot.waitUntil(lambda: dialog.remember_check.isVisible(), timeout=10_000)
    dialog.edit_button.click()
    editor = dialog.profile_dialog
    assert editor.host_edit.text() == "db.example.org"
    editor.port_edit.setText("6544")
    editor.save_button.click()
    assert store.load() == [
        Profile("Shared", "db.example.org", 6544, "mash", "mash_user", "require")
    ]
    qtbot.waitUntil(lambda: memory_keyring.entries == {}, timeout=10_000)


def test_every_input_is_named_for_screen_readers(make_dialog, store):
    dialog = make_dialog()
    dialog.add_button.click()
    for window in (dialog, dialog.profile_dialog):
        inputs = window.findChildren(QLineEdit) + window.findChildren(QComboBox)
        inputs += window.findChildren(QAbstractButton)
        assert inputs
        for widget in inputs:
            assert widget.accessibleName() or widget.text(), widget


def test_cancel_closes_a_database_opened_for_a_failed_attempt(qtbot, make_dialog, opener):
    dialog = make_dialog()
    _fill(qtbot, dialog, USERNAME, "wrong horse battery")
    dialog.sign_in()
    qtbot.waitUntil(lambda: dialog.password_message.message != "", timeout=30_000)
    assert dialog._connector._desk is opener.desks[0]
    with qtbot.waitSignal(dialog.rejected):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.tasks.wait(30_000)
    assert dialog._connector._desk is None
