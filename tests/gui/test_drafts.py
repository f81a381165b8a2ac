"""Drafts on disk: atomic, per user, and only those left by a crash are offered back."""

from __future__ import annotations

import json
import os
import stat
import sys

import pytest

from mash_desk.gui.drafts import DraftStore

FORM = {"concerns": "Neighbour heard a child crying for hours (synthetic).", "children": []}


def test_save_and_load_round_trip(tmp_path):
    store = DraftStore(tmp_path, "test.practitioner")
    draft_id = store.new_id()
    path = store.save(draft_id, FORM, kind="new_contact", summary="Contact about ALPHA")
    assert path.parent == tmp_path / "test.practitioner"
    draft = store.load(draft_id)
    assert draft.id == draft_id
    assert draft.data == FORM
    assert draft.kind == "new_contact"
    assert draft.summary == "Contact about ALPHA"
    assert draft.saved_at.tzinfo is not None


def test_save_replaces_atomically_and_leaves_no_temporary_files(tmp_path):
    store = DraftStore(tmp_path, "u")
    draft_id = store.new_id()
    for n in range(5):
        store.save(draft_id, {**FORM, "n": n})
    assert [p.name for p in store.folder.iterdir()] == [f"{draft_id}.json"]
    assert json.loads((store.folder / f"{draft_id}.json").read_text())["data"]["n"] == 4


def mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
@pytest.mark.parametrize("umask", [0o000, 0o022, 0o277], ids=["open", "usual", "restrictive"])
def test_drafts_are_private_to_their_owner_whatever_the_umask(tmp_path, umask):
    old = os.umask(umask)
    try:
        store = DraftStore(tmp_path / "drafts", "u")
        draft_id = store.new_id()
        path = store.save(draft_id, FORM)
        assert store.claim(draft_id)
        store.save(draft_id, {**FORM, "concerns": "Rewritten"})
    finally:
        os.umask(old)
    assert mode(path) == 0o600
    assert mode(store._lock_path(draft_id)) == 0o600
    assert mode(store.folder) == 0o700
    assert mode(tmp_path / "drafts") == 0o700
    assert store.load(draft_id).data["concerns"] == "Rewritten"
    store.release(draft_id)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_a_loosened_drafts_folder_is_made_private_again(tmp_path):
    store = DraftStore(tmp_path, "u")
    store.save(store.new_id(), FORM)
    os.chmod(store.folder, 0o755)
    store.save(store.new_id(), FORM)
    assert mode(store.folder) == 0o700


def test_pending_lists_unowned_drafts_newest_first_and_discard_removes(tmp_path):
    store = DraftStore(tmp_path, "u")
    first, second = store.new_id(), store.new_id()
    store.save(first, {"n": 1})
    store.save(second, {"n": 2})
    assert [d.id for d in store.pending()] == [second, first]
    store.discard(first)
    assert [d.id for d in store.pending()] == [second]
    store.discard(first)  # already gone: no error
    store.discard(second)
    assert store.pending() == []


def test_a_draft_held_by_an_open_form_is_not_pending(tmp_path):
    owner = DraftStore(tmp_path, "u")
    draft_id = owner.new_id()
    assert owner.claim(draft_id)
    owner.save(draft_id, FORM)
    # Another window (another store, as after a restart) must not offer a live form's draft.
    other = DraftStore(tmp_path, "u")
    assert other.pending() == []
    assert not other.claim(draft_id)
    owner.release(draft_id)
    assert [d.id for d in other.pending()] == [draft_id]


def test_drafts_are_kept_per_user(tmp_path):
    alice, bob = DraftStore(tmp_path, "alice"), DraftStore(tmp_path, "bob")
    alice.save(alice.new_id(), FORM)
    assert bob.pending() == []
    assert len(alice.pending()) == 1
    # A username cannot climb out of the drafts folder.
    assert DraftStore(tmp_path, "../../etc").folder.parent == tmp_path


def test_missing_folder_has_no_pending_drafts(tmp_path):
    assert DraftStore(tmp_path / "never-made", "u").pending() == []


def test_bad_ids_are_refused(tmp_path):
    with pytest.raises(ValueError):
        DraftStore(tmp_path, "u").path_of("../secrets")
