"""Drafts on disk are sealed (issue 14 item 2): no name, NHS number or narrative in the bytes.

A practitioner types a contact; whatever the desk keeps of it on disk must read as noise to
``strings``. The same key opens it after a restart; another key, a changed byte or a draft
copied into another user's folder is set aside with a message and never stops the others.
All names and details are synthetic.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.errors
import pytest
from keyring.backends import fail
from PySide6.QtWidgets import QApplication
from sqlalchemy import text
from sqlalchemy.engine import make_url

from mash_desk.domain.enums import Role
from mash_desk.gui.contact_form import ContactForm
from mash_desk.gui.damaged_drafts import DamagedDraftsDialog
from mash_desk.gui.draft_crypto import MAGIC, WRONG_KEY_REASON
from mash_desk.gui.drafts import DraftStore
from mash_desk.gui.main_window import MainWindow
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import TaskRunner
from mash_desk.services.desk import Desk
from mash_desk.storage.draft_keys import (
    KEY_ID_FILE,
    SALT_FILE,
    from_database_key,
    server_draft_key,
)
from mash_desk.storage.encryption import resolve_key

GIVEN, FAMILY = "Zofija", "Brennockwell"
NHS = "9434765919"  # the NHS's own published test number
NARRATIVE = "Teacher saw bruising on the upper arm after the weekend"
REFERRER = "Ms Quennell Oduya"
SECRETS = (GIVEN, FAMILY, NHS, "943 476 5919", NARRATIVE, "bruising", REFERRER)


def strings(data: bytes, minimum: int = 4) -> list[str]:
    """What ``strings`` prints: runs of printable ASCII, plus UTF-16LE runs (``strings -el``)."""
    ascii_runs = re.findall(rb"[\x20-\x7e\t]{%d,}" % minimum, data)
    utf16_runs = re.findall(rb"(?:[\x20-\x7e]\x00){%d,}" % minimum, data)
    return [r.decode("ascii") for r in ascii_runs] + [r.decode("utf-16-le") for r in utf16_runs]


def personal_data_in(folder: Path) -> list[tuple[str, str]]:
    """Return (file, secret) for every synthetic secret found in any file under ``folder``."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        text = "\n".join(strings(data)).casefold()
        for secret in SECRETS:
            # Raw bytes too: a secret in UTF-8 outside an ASCII run would still be there.
            if secret.casefold() in text or secret.encode("utf-8") in data:
                found.append((path.name, secret))
    return found


@pytest.fixture
def drafts_dir(tmp_path: Path) -> Path:
    return tmp_path / "drafts"


def typed_contact(qtbot, form: ContactForm) -> None:
    """Type a contact into ``form`` as a practitioner would, and let it keep its draft."""
    card = form.cards[0]
    qtbot.keyClicks(card.given_name, GIVEN)
    qtbot.keyClicks(card.family_name, FAMILY)
    qtbot.keyClicks(card.nhs_number, "943 476 5919")
    qtbot.keyClicks(form.ui.referrerName, REFERRER)
    qtbot.keyClicks(form.ui.concerns, NARRATIVE)
    form.autosave()
    assert form.draft_id is not None


def new_form(qtbot, session: DeskSession, **kwargs) -> ContactForm:
    form = ContactForm(session, **kwargs)
    form.ask_unsaved = lambda: "discard"
    qtbot.addWidget(form)
    return form


def test_a_typed_contact_leaves_no_personal_data_in_the_drafts_folder(qtbot, session, drafts_dir):
    form = new_form(qtbot, session, drafts_dir=drafts_dir)
    typed_contact(qtbot, form)
    files = [p for p in drafts_dir.rglob("*") if p.is_file()]
    assert any(p.suffix == ".json" for p in files)
    assert personal_data_in(drafts_dir) == []
    assert form.drafts.path_of(form.draft_id).read_bytes().startswith(MAGIC)
    # What was typed is all there for the desk itself.
    kept = form.drafts.load(form.draft_id).data
    assert kept["concerns"] == NARRATIVE and kept["children"][0]["family_name"] == FAMILY


def test_control_the_scan_finds_the_same_contact_in_a_plaintext_draft(qtbot, session, drafts_dir):
    plain = DraftStore(drafts_dir, session.actor.username)  # no key: plaintext JSON
    form = new_form(qtbot, session, drafts=plain)
    typed_contact(qtbot, form)
    found = {secret for _, secret in personal_data_in(drafts_dir)}
    assert {GIVEN, FAMILY, NARRATIVE, REFERRER} <= found
    assert found & {NHS, "943 476 5919"}  # kept as typed


def test_a_draft_is_restored_by_a_new_session_on_the_same_embedded_database(
    qtbot, session, gui_desk, drafts_dir
):
    form = new_form(qtbot, session, drafts_dir=drafts_dir)
    typed_contact(qtbot, form)
    form.drafts.release(form.draft_id)  # as a crash would
    later = DeskSession(gui_desk, session.actor, TaskRunner(), database_label="test")
    [draft] = later.draft_store(drafts_dir).pending()
    assert draft.id == form.draft_id and draft.data["concerns"] == NARRATIVE


def test_the_embedded_draft_key_is_derived_not_the_database_key_itself(gui_desk):
    database_key = resolve_key(Path(gui_desk.db.engine.url.database))
    draft_key = from_database_key(database_key)
    assert len(draft_key) == 32 and draft_key != database_key
    assert from_database_key(database_key) == draft_key  # the same after a restart


def sealed_store(folder: Path, key: bytes, username: str = "test.practitioner") -> DraftStore:
    return DraftStore(folder, username, key=key)


def save_one(store: DraftStore, concerns: str) -> str:
    draft_id = store.new_id()
    store.save(draft_id, {"concerns": concerns}, kind="", summary="synthetic")
    return draft_id


def test_a_draft_under_another_key_is_set_aside_and_the_others_still_load(tmp_path):
    old = sealed_store(tmp_path, b"\x01" * 32)
    lost = save_one(old, NARRATIVE)
    current = sealed_store(tmp_path, b"\x02" * 32)
    kept = save_one(current, "Kept under the current key (synthetic)")
    scan = current.scan()
    assert [d.id for d in scan.pending] == [kept]
    [damaged] = scan.damaged
    assert damaged.reason == WRONG_KEY_REASON
    assert damaged.recovered == ()
    assert not current.path_of(lost).exists()
    assert damaged.kept_at is not None and damaged.kept_at.parent.name == "damaged"
    assert personal_data_in(tmp_path) == []  # set aside still sealed


def test_a_changed_byte_is_detected(tmp_path):
    store = sealed_store(tmp_path, b"\x03" * 32)
    changed = save_one(store, NARRATIVE)
    untouched = save_one(store, "Untouched (synthetic)")
    path = store.path_of(changed)
    data = bytearray(path.read_bytes())
    data[-20] ^= 0x01
    path.write_bytes(bytes(data))
    scan = store.scan()
    assert [d.id for d in scan.pending] == [untouched]
    assert [d.reason for d in scan.damaged] == [WRONG_KEY_REASON]


def test_a_draft_copied_into_another_users_folder_does_not_open_there(tmp_path):
    key = b"\x04" * 32  # the same desk key: only the binding to the owner differs
    alice, bob = sealed_store(tmp_path, key, "alice"), sealed_store(tmp_path, key, "bob")
    draft_id = save_one(alice, NARRATIVE)
    bob.ensure_folder()
    bob.path_of(draft_id).write_bytes(alice.path_of(draft_id).read_bytes())
    assert [d.reason for d in bob.scan().damaged] == [WRONG_KEY_REASON]
    assert [d.id for d in alice.pending()] == [draft_id]


def test_an_old_plaintext_draft_is_restored_once_and_then_kept_sealed(tmp_path):
    legacy = DraftStore(tmp_path, "test.practitioner")  # as the desk wrote before sealing
    draft_id = save_one(legacy, NARRATIVE)
    assert NARRATIVE.encode() in legacy.path_of(draft_id).read_bytes()
    store = sealed_store(tmp_path, b"\x05" * 32)
    [draft] = store.pending()
    assert draft.id == draft_id and draft.data["concerns"] == NARRATIVE
    assert store.path_of(draft_id).read_bytes().startswith(MAGIC)
    assert personal_data_in(tmp_path) == []
    [again] = store.pending()  # sealed now, and still the practitioner's work
    assert again.data["concerns"] == NARRATIVE


class DictKeyring:
    """A keyring that works: entries in a dict shared by every instance of a test."""

    def __init__(self, entries: dict[str, bytes]):
        self.entries = entries

    def save(self, key_id: str, key: bytes) -> None:
        self.entries[key_id] = key

    def load(self, key_id: str) -> bytes | None:
        return self.entries.get(key_id)


class NoKeyring:
    """What keyring does on a desk without a backend (the fail backend raises)."""

    def save(self, key_id: str, key: bytes) -> None:
        raise keyring.errors.NoKeyringError("no keyring (synthetic)")

    def load(self, key_id: str) -> bytes | None:
        raise keyring.errors.NoKeyringError("no keyring (synthetic)")


def test_a_server_desk_keeps_a_random_draft_key_in_the_keyring(tmp_path):
    folder = tmp_path / "test.practitioner"
    entries: dict[str, bytes] = {}
    key = server_draft_key(folder, None, DictKeyring(entries))
    assert key is not None and len(key) == 32
    assert list(entries.values()) == [key]
    key_id = (folder / KEY_ID_FILE).read_text()
    assert list(entries) == [key_id]
    assert key not in (folder / KEY_ID_FILE).read_bytes()  # only the entry's name
    draft_id = save_one(sealed_store(tmp_path, key), NARRATIVE)
    # After a restart: the same id finds the same key, and the draft opens.
    again = server_draft_key(folder, None, DictKeyring(entries))
    assert again == key
    [draft] = sealed_store(tmp_path, again).pending()
    assert draft.id == draft_id and personal_data_in(tmp_path) == []


def test_a_server_desk_without_a_keyring_derives_the_key_from_the_password(tmp_path):
    folder = tmp_path / "test.practitioner"
    key = server_draft_key(folder, "synthetic server password", NoKeyring())
    assert key is not None and (folder / SALT_FILE).stat().st_size == 16
    assert (folder / SALT_FILE).stat().st_mode & 0o777 == 0o600
    lost = save_one(sealed_store(tmp_path, key), NARRATIVE)
    assert server_draft_key(folder, "synthetic server password", NoKeyring()) == key
    # The password changed: the old draft cannot be read, the new ones can.
    changed = server_draft_key(folder, "a new synthetic password", NoKeyring())
    assert changed is not None and changed != key
    store = sealed_store(tmp_path, changed)
    kept = save_one(store, "Typed after the password change (synthetic)")
    scan = store.scan()
    assert [d.id for d in scan.pending] == [kept]
    assert [(d.reason, d.recovered) for d in scan.damaged] == [(WRONG_KEY_REASON, ())]
    assert not store.path_of(lost).exists()


def test_a_server_desk_with_neither_keyring_nor_password_has_no_lasting_key(tmp_path):
    assert server_draft_key(tmp_path / "u", None, NoKeyring()) is None


def test_the_desk_says_a_draft_under_another_key_cannot_be_read_and_restores_the_rest(
    qtbot, session, drafts_dir
):
    window = MainWindow(session, drafts_dir=drafts_dir)
    qtbot.addWidget(window)
    window.show()
    store = session.draft_store(drafts_dir)
    good = save_one(store, "Health visitor worried about a baby's weight (synthetic).")
    other = DraftStore(drafts_dir, session.actor.username, key=b"\x06" * 32)
    save_one(other, NARRATIVE)
    restored = window.offer_drafts(ask=lambda count: count == 1)
    assert restored == 1
    qtbot.waitUntil(lambda: good not in [d.id for d in store.pending()], timeout=3000)
    dialog = window.damaged_drafts_dialog
    assert isinstance(dialog, DamagedDraftsDialog)
    qtbot.waitExposed(dialog)
    assert dialog.form.message.text() == (
        "One saved draft could not be read, and no text could be recovered from it."
    )
    assert WRONG_KEY_REASON in dialog.recovered_text()
    assert NARRATIVE not in dialog.recovered_text()
    dialog.close()
    for index in range(window.tabs.count()):
        widget = window.tabs.widget(index)
        if isinstance(widget, ContactForm):
            widget.ask_unsaved = lambda: "discard"
    QApplication.processEvents()


@pytest.fixture
def no_keyring_backend() -> Iterator[None]:
    """The process keyring is keyring's own "fail" backend, as on a desk without one."""
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def test_a_server_desk_without_a_keyring_seals_drafts_with_its_password(
    qtbot, server_db, tmp_path, no_keyring_backend
):
    desk, actor = server_db.desk_as(Role.PRACTITIONER)
    drafts_dir = tmp_path / "drafts"
    session = DeskSession(desk, actor, TaskRunner(), database_label="server")
    form = new_form(qtbot, session, drafts_dir=drafts_dir)
    typed_contact(qtbot, form)
    form.drafts.release(form.draft_id)
    assert personal_data_in(drafts_dir) == []
    assert (form.drafts.folder / SALT_FILE).exists()
    assert not (form.drafts.folder / KEY_ID_FILE).exists()
    # Signed in again with the same password: the draft is offered back.
    again = DeskSession(desk, actor, TaskRunner(), database_label="server")
    [draft] = again.draft_store(drafts_dir).pending()
    assert draft.data["concerns"] == NARRATIVE
    # The administrator changed the login's password: that draft cannot be read any more.
    login = server_db.logins[Role.PRACTITIONER]
    new_password = "a changed synthetic server password"
    with server_db.raw(make_url(server_db.url).username or "") as conn:
        conn.execute(text(f"ALTER ROLE \"{login}\" PASSWORD '{new_password}'"))
    changed_desk = Desk.open(server_db.login_url(login, new_password), server_db.clock)
    server_db.opened.append(changed_desk)
    changed = DeskSession(changed_desk, actor, TaskRunner(), database_label="server")
    scan = changed.draft_store(drafts_dir).scan()
    assert scan.pending == []
    assert [(d.reason, d.recovered) for d in scan.damaged] == [(WRONG_KEY_REASON, ())]
