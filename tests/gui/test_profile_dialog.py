"""The server profile dialog: a CA certificate file, and several hosts for failover."""

from __future__ import annotations

from pathlib import Path

import pytest

from mash_desk.gui.profile_dialog import ProfileDialog
from mash_desk.profiles import Profile, ProfileStore
from tests.support.tls import make_ca


@pytest.fixture
def store(tmp_path: Path) -> ProfileStore:
    return ProfileStore(tmp_path / "profiles.json")


@pytest.fixture(scope="module")
def ca_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cert, _key = make_ca(tmp_path_factory.mktemp("ca"), "Council test CA")
    return cert


def _dialog(qtbot, store: ProfileStore, profile: Profile | None = None) -> ProfileDialog:
    dialog = ProfileDialog(store, profile)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _type_server(qtbot, dialog: ProfileDialog, host: str = "mash-db.example.org") -> None:
    qtbot.keyClicks(dialog.name_edit, "Council MASH server")
    qtbot.keyClicks(dialog.host_edit, host)
    qtbot.keyClicks(dialog.database_edit, "mash")
    qtbot.keyClicks(dialog.user_edit, "mash_front_door")


def test_adding_a_ca_file_makes_the_ssl_mode_verify_full(qtbot, store, ca_file):
    dialog = _dialog(qtbot, store)
    _type_server(qtbot, dialog)
    assert dialog.sslmode_combo.currentData() is None  # "Default (prefer…)"
    qtbot.keyClicks(dialog.ca_edit, str(ca_file))
    assert dialog.sslmode_combo.currentData() == "verify-full"
    assert dialog.sslmode_combo.currentText() == "verify-full"
    # Taking the certificate out again puts the default back.
    dialog.ca_edit.clear()
    assert dialog.sslmode_combo.currentData() is None
    qtbot.keyClicks(dialog.ca_edit, str(ca_file))
    dialog.save_button.click()
    assert not dialog.isVisible()
    (saved,) = store.load()
    assert (saved.sslrootcert, saved.sslmode) == (str(ca_file), "verify-full")
    assert dialog.result_profile == saved

    # Editing shows what was saved.
    again = _dialog(qtbot, store, saved)
    assert again.ca_edit.text() == str(ca_file)
    assert again.sslmode_combo.currentData() == "verify-full"


def test_a_mode_the_user_chose_is_kept_when_a_ca_file_is_added(qtbot, store, ca_file):
    dialog = _dialog(qtbot, store)
    _type_server(qtbot, dialog)
    dialog.sslmode_combo.setCurrentIndex(dialog.sslmode_combo.findData("verify-ca"))
    qtbot.keyClicks(dialog.ca_edit, str(ca_file))
    assert dialog.sslmode_combo.currentData() == "verify-ca"
    dialog.save_button.click()
    assert store.load()[0].sslmode == "verify-ca"


def test_a_missing_ca_file_is_named_under_its_field_and_nothing_is_saved(qtbot, store, tmp_path):
    dialog = _dialog(qtbot, store)
    _type_server(qtbot, dialog)
    missing = tmp_path / "nowhere" / "ca.crt"
    qtbot.keyClicks(dialog.ca_edit, str(missing))
    dialog.save_button.click()
    assert dialog.isVisible()
    assert dialog.message("sslrootcert") == f"CA certificate file {missing} does not exist"
    assert dialog.form.sslrootcertError.isVisible()
    assert dialog.ca_edit.accessibleDescription().startswith("CA certificate file")
    assert dialog.focusWidget() is dialog.ca_edit
    assert store.load() == []


def test_several_hosts_need_one_port_or_one_each(qtbot, store):
    dialog = _dialog(qtbot, store)
    _type_server(qtbot, dialog, host="db-a.example.org, db-b.example.org")
    dialog.port_edit.setText("5432, 5433, 5434")
    dialog.save_button.click()
    assert dialog.message("port") == (
        "Give one port for every host or one per host (2 hosts, 3 ports)"
    )
    assert dialog.message("host") == ""
    assert store.load() == []
    dialog.port_edit.setText("5432, 5433")
    dialog.save_button.click()
    assert not dialog.isVisible()
    (saved,) = store.load()
    assert saved.hosts == ("db-a.example.org", "db-b.example.org")
    assert saved.ports == (5432, 5433)

    again = _dialog(qtbot, store, saved)
    assert again.host_edit.text() == "db-a.example.org, db-b.example.org"
    assert again.port_edit.text() == "5432, 5433"
