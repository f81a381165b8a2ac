"""Damaged and hostile draft files: each is set aside with its text, the others still load.

Every file here is real, written to disk in the state a crash, a disk fault or a hostile
hand leaves it; the store reads them as it does at start-up. All names are synthetic.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mash_desk.gui.drafts import DRAFT_MAX_BYTES, DamagedDraftError, DraftStore

CONCERNS = "Neighbour heard Zebedee crying for hours (synthetic)."
REFERRER = "Quentin Example-Referrer"
CHILD = {
    "given_name": "Zebedee",
    "family_name": "SYNTHETICSON",
    "unborn": False,
    "date_of_birth": "01/02/2019",
    "expected_delivery": "",
    "sex": "unknown",
    "nhs_number": "",
    "rag": "",
    "rag_reason": "",
    "address": "1 Example Row",
    "postcode": "ZZ1 1ZZ",
    "school": "",
    "new_child_reason": "",
    "new_child_chosen": False,
    "sibling_of": None,
    "consents": {"assessment": {"state": "", "reason": ""}},
    "relatives": [
        {
            "given_name": "Ada",
            "family_name": "SYNTHETICSON",
            "relationship": "parent",
            "parental_responsibility": True,
        }
    ],
    "person_id": None,
    "person": None,
    "person_label": "",
    "typed": None,
}
DATA: dict[str, Any] = {
    "kind": "new_contact",
    "received_at": "2026-11-16T10:00:00+00:00",
    "channel": "phone",
    "referrer_name": REFERRER,
    "referrer_role": "Teacher",
    "referrer_agency": "",
    "referrer_phone": "",
    "referrer_email": "",
    "referral_source": "",
    "concerns": CONCERNS,
    "risk_indicators": [],
    "attachments": [],
    "children": [CHILD],
}
# Strings that must never appear in a log line or a file name.
PERSONAL = (CONCERNS, REFERRER, "Zebedee", "SYNTHETICSON")


def record(draft_id: str, **changes: Any) -> dict[str, Any]:
    """A draft file's JSON as the store writes it, with ``changes`` applied."""
    base = {
        "format": 1,
        "id": draft_id,
        "kind": "new_contact",
        "summary": "Contact about Zebedee",
        "saved_at": "2026-11-16T10:05:00+00:00",
        "data": json.loads(json.dumps(DATA)),
    }
    base.update(changes)
    return base


def with_data(**changes: Any) -> Callable[[str], bytes]:
    def build(draft_id: str) -> bytes:
        return json.dumps(record(draft_id, data={**DATA, **changes})).encode()

    return build


def with_child(**changes: Any) -> Callable[[str], bytes]:
    return with_data(children=[{**CHILD, **changes}])


def truncated(draft_id: str) -> bytes:
    text = json.dumps(record(draft_id), indent=1).encode()
    return text[: text.index(b'"children"') + 40]  # cut inside the child's card


def cut_in_concerns(draft_id: str) -> bytes:
    text = json.dumps(record(draft_id)).encode()
    return text[: text.index(b"for hours") + len(b"for hours")]


def deep(draft_id: str) -> bytes:
    head = json.dumps(record(draft_id))[:-1]
    return (head + ', "extra": ' + "[" * 100_000 + "]" * 100_000 + "}").encode()


def huge(draft_id: str) -> bytes:
    return json.dumps(record(draft_id, padding="x" * DRAFT_MAX_BYTES)).encode()


def not_utf8(draft_id: str) -> bytes:
    return json.dumps(record(draft_id)).encode().replace(b"for hours", b"for \xff\xfe hours")


def surrogate(draft_id: str) -> bytes:
    return json.dumps(record(draft_id)).encode().replace(b"for hours", b"for \\ud800 hours")


def naive(draft_id: str) -> bytes:
    return json.dumps(record(draft_id, saved_at="2026-11-16T10:05:00")).encode()


def version(draft_id: str) -> bytes:
    return json.dumps(record(draft_id, format=2)).encode()


def wrong_id(draft_id: str) -> bytes:
    return json.dumps(record("0" * 32)).encode()


def not_an_object(draft_id: str) -> bytes:
    return json.dumps([CONCERNS, REFERRER]).encode()


def nan(draft_id: str) -> bytes:
    return json.dumps(record(draft_id, data={**DATA, "n": float("nan")})).encode()


def long_number(draft_id: str) -> bytes:
    return json.dumps(record(draft_id))[:-1].encode() + b', "n": ' + b"9" * 5000 + b"}"


# (file content, the reason shown, text that can be recovered)
DAMAGE: dict[str, tuple[Callable[[str], bytes], str, tuple[str, ...]]] = {
    "truncated": (truncated, "cut short", (CONCERNS, REFERRER)),
    "cut-in-concerns": (
        cut_in_concerns,
        "cut short",
        (REFERRER, "Neighbour heard Zebedee crying for hours"),
    ),
    "naive-saved-at": (naive, "'saved_at' is not a date and time with a time zone", (CONCERNS,)),
    "deep-nesting": (deep, "nested too deeply", (CONCERNS, REFERRER)),
    "huge": (huge, "too large (4.0 MiB; a draft is at most 4 MiB)", ()),
    "unknown-version": (version, "another version of MASH Desk (format 2)", (CONCERNS,)),
    "non-utf8": (not_utf8, "not UTF-8", ("for \ufffd\ufffd hours", REFERRER)),
    "surrogate": (surrogate, "not valid Unicode", ("for \ufffd hours", REFERRER)),
    "wrong-id": (wrong_id, "id does not match", (CONCERNS,)),
    "not-an-object": (not_an_object, "not a draft", (CONCERNS, REFERRER)),
    "nan": (nan, "NaN", (CONCERNS,)),
    "long-number": (long_number, "a value a form never writes", (CONCERNS,)),
    # Wrong types, including the three hostile contents that crashed the contact form.
    "children-not-a-list": (with_data(children=5), "data.children should be a list", (CONCERNS,)),
    "indicators-not-a-list": (
        with_data(risk_indicators=5),
        "data.risk_indicators should be a list",
        (CONCERNS,),
    ),
    "consents-a-list": (
        with_child(consents=[1]),
        "data.children[0].consents should be a group of fields",
        (CONCERNS,),
    ),
    "consent-entry-not-fields": (
        with_child(consents={"assessment": 5}),
        "data.children[0].consents.assessment should be a group of fields",
        (CONCERNS,),
    ),
    "unknown-relationship": (
        with_child(relatives=[{"given_name": "Ada", "relationship": "wizard"}]),
        "data.children[0].relatives[0].relationship is not a value this form knows",
        (CONCERNS, "Ada"),
    ),
    "concerns-a-number": (with_data(concerns=12), "data.concerns should be text", (REFERRER,)),
    "unborn-as-text": (
        with_child(unborn="yes"),
        "data.children[0].unborn should be yes or no",
        (CONCERNS,),
    ),
    "person-nhs-number-a-number": (
        with_child(
            person={"id": 7, "given_name": "Zebedee", "nhs_number": 9434765919, "version": 1}
        ),
        "data.children[0].person.nhs_number should be text",
        (CONCERNS,),
    ),
    "attachments-not-text": (
        with_data(attachments=[{"path": "/tmp/x"}]),
        "data.attachments[0] should be text",
        (CONCERNS,),
    ),
}


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def store_with_good_draft(tmp_path: Path) -> tuple[DraftStore, str]:
    store = DraftStore(tmp_path, "test.practitioner")
    good = store.new_id()
    store.save(good, DATA, kind="new_contact", summary="Good draft")
    return store, good


def assert_set_aside(store: DraftStore, good: str, caplog, reason: str) -> None:
    """Scan; the good draft loads, the bad one is reported once and moved aside privately."""
    scan = store.scan()
    assert [d.id for d in scan.pending] == [good]
    assert scan.pending[0].data == DATA
    [damaged] = scan.damaged
    assert reason in damaged.reason
    assert damaged.kept_at is not None and damaged.kept_at.parent == store.folder / "damaged"
    assert re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{8}(\.json)?", damaged.kept_at.name)
    assert mode(store.folder / "damaged") == 0o700
    expected = 0o700 if damaged.kept_at.is_dir() else 0o600
    if sys.platform != "win32" and not damaged.kept_at.is_symlink():  # a link has no mode
        assert mode(damaged.kept_at) == expected
    assert sorted(p.name for p in store.folder.glob("*.json")) == [f"{good}.json"]
    for secret in PERSONAL:
        assert secret not in caplog.text
        assert secret not in damaged.reason
    # Set aside once: the next start-up offers the good draft and reports nothing.
    again = store.scan()
    assert [d.id for d in again.pending] == [good] and again.damaged == []
    return damaged


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_a_damaged_draft_is_set_aside_with_its_text_and_others_load(tmp_path, caplog, kind):
    content, reason, recoverable = DAMAGE[kind]
    store, good = store_with_good_draft(tmp_path)
    bad = store.new_id()
    assert store.claim(bad)  # its form was open when the desk crashed: a stale lock file
    store.release(bad)
    (store.folder / f"{bad}.json").write_bytes(content(bad))
    damaged = assert_set_aside(store, good, caplog, reason)
    assert not (store.folder / f"{bad}.lock").exists()
    recovered = "\n".join(text for _, text in damaged.recovered)
    for text in recoverable:
        assert text in recovered
    assert damaged.saved_at is not None and damaged.saved_at.tzinfo is not None
    with pytest.raises(FileNotFoundError):
        store.load(bad)


def test_recovered_text_is_labelled_for_the_practitioner(tmp_path, caplog):
    store, good = store_with_good_draft(tmp_path)
    bad = store.new_id()
    (store.folder / f"{bad}.json").write_bytes(with_data(children=5)(bad))
    damaged = assert_set_aside(store, good, caplog, "children")
    labels = dict(damaged.recovered)
    assert labels["Concerns"] == CONCERNS
    assert labels["Referrer's name"] == REFERRER
    assert "Format" not in labels and "Saved at" not in labels  # bookkeeping is left out


def test_a_folder_where_a_draft_should_be_is_set_aside(tmp_path, caplog):
    store, good = store_with_good_draft(tmp_path)
    bad = store.new_id()
    (store.folder / f"{bad}.json").mkdir()
    damaged = assert_set_aside(store, good, caplog, "something other than a file")
    assert damaged.recovered == () and damaged.kept_at.is_dir()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_an_unreadable_draft_is_set_aside(tmp_path, caplog):
    store, good = store_with_good_draft(tmp_path)
    bad = store.new_id()
    path = store.folder / f"{bad}.json"
    path.write_bytes(json.dumps(record(bad)).encode())
    os.chmod(path, 0o000)
    damaged = assert_set_aside(store, good, caplog, "could not be opened")
    assert damaged.recovered == ()


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links")
def test_a_link_where_a_draft_should_be_is_not_followed(tmp_path, caplog):
    store, good = store_with_good_draft(tmp_path)
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("secret")
    bad = store.new_id()
    (store.folder / f"{bad}.json").symlink_to(elsewhere)
    damaged = assert_set_aside(store, good, caplog, "something other than a file")
    assert damaged.kept_at.is_symlink() and elsewhere.read_text() == "secret"
    assert mode(elsewhere) != 0o000  # the target was neither moved nor changed


def test_every_kind_of_damage_at_once_never_hides_the_good_draft(tmp_path, caplog):
    store, good = store_with_good_draft(tmp_path)
    for content, _, _ in DAMAGE.values():
        bad = store.new_id()
        (store.folder / f"{bad}.json").write_bytes(content(bad))
    (store.folder / f"{store.new_id()}.json").mkdir()
    scan = store.scan()
    assert [d.id for d in scan.pending] == [good]
    assert len(scan.damaged) == len(DAMAGE) + 1
    assert len(list((store.folder / "damaged").iterdir())) == len(DAMAGE) + 1


def test_load_of_a_damaged_draft_raises_a_clear_error_and_leaves_it(tmp_path):
    store = DraftStore(tmp_path, "u")
    bad = store.new_id()
    store.save(bad, DATA)
    (store.folder / f"{bad}.json").write_bytes(naive(bad))
    with pytest.raises(DamagedDraftError, match="time zone"):
        store.load(bad)
    assert (store.folder / f"{bad}.json").exists()


def test_orphaned_temporary_files_are_removed_at_start_up(tmp_path):
    store, good = store_with_good_draft(tmp_path)
    crashed = store.new_id()
    orphan = store.folder / f".{crashed}.k2j3h4.tmp"
    orphan.write_bytes(json.dumps(record(crashed))[:80].encode())
    stray = store.folder / ".unknown.tmp"
    stray.write_bytes(b"half")
    # A form still open (in this or another window) may be writing its own: that one stays.
    live = store.new_id()
    assert store.claim(live)
    writing = store.folder / f".{live}.a1b2c3.tmp"
    writing.write_bytes(b"{")
    other_window = DraftStore(tmp_path, "test.practitioner")
    assert [d.id for d in other_window.scan().pending] == [good]
    assert not orphan.exists() and not stray.exists()
    assert writing.exists()
    store.release(live)


def test_a_draft_the_store_writes_is_always_readable_back(tmp_path):
    store = DraftStore(tmp_path, "u")
    draft_id = store.new_id()
    # A lone surrogate pasted into a field cannot be written as UTF-8: it becomes "?".
    store.save(draft_id, {**DATA, "concerns": "pasted \ud800 text"})
    assert store.load(draft_id).data["concerns"] == "pasted ? text"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_pipe_where_a_draft_should_be_does_not_hang_start_up(tmp_path, caplog):
    store, good = store_with_good_draft(tmp_path)
    os.mkfifo(store.folder / f"{store.new_id()}.json")
    assert_set_aside(store, good, caplog, "something other than a file")


def assert_draft_reads_back(form: Any) -> None:
    """The draft a real, filled-in form writes passes every check of the strict loader."""
    form.autosave()
    assert form.draft_id is not None
    # Compared through JSON: the file holds lists where the form may hold tuples.
    expected = json.loads(json.dumps(form.to_draft()))
    assert form.drafts.load(form.draft_id).data == expected
    form.drafts.release(form.draft_id)
    scan = form.drafts.scan()
    assert scan.damaged == [] and form.draft_id in [d.id for d in scan.pending]
    assert form.drafts.claim(form.draft_id)


def test_a_planted_key_is_not_named_in_the_reason_or_the_log(tmp_path, caplog):
    store, good = store_with_good_draft(tmp_path)
    bad = store.new_id()
    content = with_child(consents={"Zebedee": "x"})(bad)
    (store.folder / f"{bad}.json").write_bytes(content)
    damaged = assert_set_aside(store, good, caplog, "data.children[0].consents.… should be")
    assert ("Zebedee", "x") in damaged.recovered  # still offered back to the practitioner


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_a_first_draft_on_a_new_machine_makes_its_folders(tmp_path):
    data_dir = tmp_path / "home" / ".local" / "share" / "mash-desk"
    store = DraftStore(data_dir / "drafts", "u")
    store.save(store.new_id(), DATA)
    assert mode(data_dir / "drafts") == 0o700 and mode(store.folder) == 0o700
    assert len(store.pending()) == 1
