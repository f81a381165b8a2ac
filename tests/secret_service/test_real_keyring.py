"""Profile passwords through a real Secret Service (gnome-keyring), as CI runs them.

Run by ``bash scripts/secret-service-tests.sh``, which starts gnome-keyring on a private D-Bus
session and sets ``MASH_DESK_SECRET_SERVICE=1``; skipped everywhere else, so the suite never
touches the keyring of the person running it.
"""

from __future__ import annotations

import os
import uuid
from contextlib import closing
from pathlib import Path

import keyring
import pytest

from mash_desk.profiles import (
    KEYRING_SERVICE,
    KeyringUnavailable,
    Profile,
    ProfileStore,
    keyring_available,
)

pytestmark = [
    pytest.mark.secret_service,
    pytest.mark.skipif(
        os.environ.get("MASH_DESK_SECRET_SERVICE") != "1",
        reason="needs a real Secret Service: bash scripts/secret-service-tests.sh",
    ),
]

PASSWORD = "Synthetic pa55: ünïcødé @/% 'quoted'"


@pytest.fixture
def profile_store(tmp_path: Path) -> ProfileStore:
    return ProfileStore(tmp_path / "profiles.json")


def _profile(store: ProfileStore) -> Profile:
    # A database name of its own, so a rerun never meets an entry left by an earlier one.
    return store.save(
        Profile("CI server", "ci-db.example.org", 5432, f"mash_{uuid.uuid4().hex[:8]}", "mash_ci")
    )


def test_the_default_backend_is_the_secret_service():
    backend = keyring.get_keyring()
    assert type(backend).__module__ == "keyring.backends.SecretService", backend
    assert keyring_available()


def test_save_read_and_forget_a_profile_password(profile_store):
    import secretstorage

    profile = _profile(profile_store)
    assert profile_store.password(profile) is None
    profile_store.save_password(profile, PASSWORD)
    try:
        assert profile_store.password(profile) == PASSWORD
        # Read it back past keyring, straight from the Secret Service over D-Bus.
        with closing(secretstorage.dbus_init()) as bus:
            items = list(
                secretstorage.search_items(
                    bus, {"service": KEYRING_SERVICE, "username": profile.keyring_username}
                )
            )
            assert [item.get_secret().decode() for item in items] == [PASSWORD]
        assert PASSWORD not in profile_store.path.read_text()
    finally:
        profile_store.forget_password(profile)
    assert profile_store.password(profile) is None
    profile_store.forget_password(profile)  # nothing left to forget: not an error


# Before the lock test: that one leaves the collection locked.
def test_a_new_embedded_database_keeps_its_key_in_the_secret_service(tmp_path, monkeypatch):
    import secretstorage

    from mash_desk.storage.database import Database
    from mash_desk.storage.encryption import (
        KEY_STORE_ENV,
        forget_keys,
        read_header,
    )
    from mash_desk.storage.encryption import (
        KEYRING_SERVICE as DATABASE_KEYS,
    )

    monkeypatch.delenv(KEY_STORE_ENV, raising=False)  # the real keyring, not the test key
    path = tmp_path / "Synthetic Child Records" / "desk.sqlite3"
    Database(f"sqlite:///{path}").close()
    info = read_header(path)
    assert info is not None and info.source == "keyring"
    with closing(secretstorage.dbus_init()) as bus:
        items = list(
            secretstorage.search_items(
                bus, {"service": DATABASE_KEYS, "username": info.database_id}
            )
        )
        assert len(items) == 1
        # Named by the random id only: no path, no folder name, nothing personal.
        labels = " ".join([items[0].get_label(), *items[0].get_attributes().values()])
        assert "Synthetic" not in labels and str(tmp_path) not in labels
    forget_keys()
    Database(f"sqlite:///{path}", migrate=False, seed=False).close()  # found again
    forget_keys()


def test_a_locked_keyring_is_reported_not_waited_for(profile_store):
    # Runs last in this file: once locked, the keyring stays locked for this D-Bus session.
    import secretstorage

    profile = _profile(profile_store)
    with closing(secretstorage.dbus_init()) as bus:
        secretstorage.get_default_collection(bus).lock()
    with pytest.raises(KeyringUnavailable, match="locked"):
        profile_store.save_password(profile, PASSWORD)
