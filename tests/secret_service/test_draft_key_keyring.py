"""A server desk's draft key in a real Secret Service (gnome-keyring), as CI runs it.

Run by ``bash scripts/secret-service-tests.sh``; skipped everywhere else, so the suite never
touches the keyring of the person running it.
"""

from __future__ import annotations

import os
from pathlib import Path

import keyring
import pytest

from mash_desk.gui.drafts import DraftStore
from mash_desk.storage.draft_keys import KEY_ID_FILE, KEYRING_SERVICE, server_draft_key

pytestmark = [
    pytest.mark.secret_service,
    pytest.mark.skipif(
        os.environ.get("MASH_DESK_SECRET_SERVICE") != "1",
        reason="needs a real Secret Service: bash scripts/secret-service-tests.sh",
    ),
]

CONCERNS = "Typed on a server desk with a keyring (synthetic)."


def test_the_draft_key_lives_in_the_keyring_and_opens_drafts_after_a_restart(tmp_path: Path):
    folder = tmp_path / "test.practitioner"
    key = server_draft_key(folder, None)
    assert key is not None and len(key) == 32
    key_id = (folder / KEY_ID_FILE).read_text()
    assert keyring.get_password(KEYRING_SERVICE, key_id) == key.hex()
    store = DraftStore(tmp_path, "test.practitioner", key=key)
    draft_id = store.new_id()
    store.save(draft_id, {"concerns": CONCERNS})
    assert CONCERNS.encode() not in store.path_of(draft_id).read_bytes()
    again = server_draft_key(folder, None)  # a restart: the id file finds the same entry
    assert again == key
    [draft] = DraftStore(tmp_path, "test.practitioner", key=again).pending()
    assert draft.data["concerns"] == CONCERNS
    keyring.delete_password(KEYRING_SERVICE, key_id)


def test_a_lost_keyring_entry_means_a_new_key_and_the_old_drafts_set_aside(tmp_path: Path):
    folder = tmp_path / "test.practitioner"
    key = server_draft_key(folder, None)
    assert key is not None
    old = DraftStore(tmp_path, "test.practitioner", key=key)
    old.save(old.new_id(), {"concerns": CONCERNS})
    keyring.delete_password(KEYRING_SERVICE, (folder / KEY_ID_FILE).read_text())
    fresh = server_draft_key(folder, None)
    assert fresh is not None and fresh != key
    scan = DraftStore(tmp_path, "test.practitioner", key=fresh).scan()
    assert scan.pending == [] and len(scan.damaged) == 1
    assert "no longer has" in scan.damaged[0].reason
    keyring.delete_password(KEYRING_SERVICE, (folder / KEY_ID_FILE).read_text())
