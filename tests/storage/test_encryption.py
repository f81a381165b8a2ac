"""The embedded database as an auditor finds it: encrypted, private, and never replaced.

Issue 14: `strings` on the file showed every child's name, NHS number and narrative, in a
0644 file inside a 0755 folder. These tests look at the bytes on disk and the file modes,
and at what a wrong key, a missing key or a damaged file do (say so; write nothing).
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from mash_desk.domain.clock import FixedClock
from mash_desk.services.desk import Desk
from mash_desk.storage.database import Database
from mash_desk.storage.encryption import (
    KEY_STORE_ENV,
    DamagedDatabase,
    MissingKey,
    PassphraseNeeded,
    PlaintextDatabase,
    WrongKey,
    forget_keys,
    header_path,
    read_header,
    unlock,
)
from tests.cli.test_cli import run
from tests.conftest import fresh_database_url
from tests.support.helpers import child, contact, make_actors

NAMES = ["Zephyrine", "Quillfeather"]
NHS = "9434765919"  # NHS England's published example number
NARRATIVE = "Neighbour heard shouting and a crash from the upstairs flat late on Sunday"
NEEDLES = [*NAMES, NHS, "943 476 5919", NARRATIVE]


def _found(path: Path) -> list[str]:
    from tests.support.plaintext import found_in

    return found_in(path, NEEDLES)


def _side_files(db: Path) -> list[Path]:
    return [db.with_name(db.name + s) for s in ("", "-wal", "-shm")]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def working_desk(templates, tmp_path: Path, clock: FixedClock) -> Iterator[tuple[Desk, Path]]:
    """A desk on a fresh embedded database with one contact about a synthetic child."""
    url = fresh_database_url("sqlite", templates, None, tmp_path)
    desk = Desk.open(url, clock)
    actors = make_actors(desk)
    desk.contacts.log(
        actors["practitioner"],
        contact(child(NAMES[0], NAMES[1], nhs_number=NHS), concerns=NARRATIVE),
    )
    yield desk, Path(url.removeprefix("sqlite:///"))
    desk.close()


def test_no_name_nhs_number_or_narrative_in_the_database_wal_or_shm(working_desk):
    desk, path = working_desk
    # While the desk is open the contact may still be in the WAL: look at all three files.
    with desk.db.reading() as session:
        from sqlalchemy import text

        assert session.execute(text("SELECT count(*) FROM people")).scalar() >= 1
    assert path.with_name(path.name + "-wal").exists()
    for file in _side_files(path):
        assert _found(file) == [], file.name
    desk.close()
    for file in _side_files(path):
        assert _found(file) == [], file.name


def test_the_scan_would_see_them_in_an_unencrypted_copy(working_desk, tmp_path):
    # The control: the same database unencrypted shows them, so the scan above can fail.
    from tests.support.plaintext import plaintext_copy

    desk, path = working_desk
    desk.close()
    plain = tmp_path / "plain.sqlite3"
    plaintext_copy(path, plain)
    assert set(_found(plain)) >= {NAMES[0], NARRATIVE}


def test_folder_0700_and_database_wal_shm_0600_whatever_the_umask(tmp_path):
    previous = os.umask(0o000)
    try:
        folder = tmp_path / "new-folder"
        path = folder / "desk.sqlite3"
        desk = Desk.open(f"sqlite:///{path}")
        try:
            make_actors(desk)
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in _side_files(path)}
        finally:
            desk.close()
    finally:
        os.umask(previous)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert modes == {p.name: 0o600 for p in _side_files(path)}
    assert stat.S_IMODE(header_path(path).stat().st_mode) == 0o600


def test_an_existing_database_made_readable_is_made_private_again(working_desk):
    desk, path = working_desk
    desk.close()
    path.chmod(0o644)
    Database(f"sqlite:///{path}", migrate=False, seed=False).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_user_data_folder_is_0700(tmp_path, monkeypatch):
    from mash_desk import paths

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    (tmp_path / "xdg" / "mash-desk").mkdir(parents=True, mode=0o755)
    folder = paths.user_data_dir()
    assert folder == tmp_path / "xdg" / "mash-desk"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


class OtherKeys:
    """A keyring holding a different key from the one the database was made with."""

    def new_key(self) -> bytes:
        return b"\x01" * 32

    def save(self, database_id: str, key: bytes) -> None:
        pass

    def load(self, database_id: str) -> bytes | None:
        return b"\x01" * 32


class EmptyKeys(OtherKeys):
    """A keyring without this database's entry."""

    def load(self, database_id: str) -> bytes | None:
        return None


class NoKeyring(OtherKeys):
    """No usable keyring at all (the headless default backend)."""

    def save(self, database_id: str, key: bytes) -> None:
        import keyring.errors

        raise keyring.errors.NoKeyringError("no backend")

    def load(self, database_id: str) -> bytes | None:
        import keyring.errors

        raise keyring.errors.NoKeyringError("no backend")


@pytest.fixture
def closed_db(working_desk) -> Iterator[Path]:
    """An embedded database file, closed, and no key unlocked in this process."""
    desk, path = working_desk
    desk.close()
    forget_keys()
    yield path
    forget_keys()


def _opens_nothing(path: Path, error: type[Exception], monkeypatch, store: str | None) -> str:
    if store:
        monkeypatch.setenv(KEY_STORE_ENV, f"{__name__}:{store}")
    before = {p.name: _digest(p) for p in path.parent.iterdir() if p.is_file()}
    with pytest.raises(error) as raised:
        Database(f"sqlite:///{path}")
    after = {p.name: _digest(p) for p in path.parent.iterdir() if p.is_file()}
    assert after == before  # nothing written, no new database beside or over it
    return str(raised.value)


def test_a_wrong_key_is_named_and_nothing_is_written(closed_db, monkeypatch):
    message = _opens_nothing(closed_db, WrongKey, monkeypatch, "OtherKeys")
    assert "does not open this database" in message


def test_a_key_missing_from_the_keyring_is_named(closed_db, monkeypatch):
    message = _opens_nothing(closed_db, MissingKey, monkeypatch, "EmptyKeys")
    assert "has no key for this database" in message


def test_an_unavailable_keyring_is_named(closed_db, monkeypatch):
    message = _opens_nothing(closed_db, MissingKey, monkeypatch, "NoKeyring")
    assert "system keyring, which cannot be used now" in message


def test_a_missing_key_header_never_makes_a_new_database(closed_db, monkeypatch):
    header_path(closed_db).unlink()
    message = _opens_nothing(closed_db, MissingKey, monkeypatch, None)
    assert "key header" in message and "no new database" in message


def test_a_damaged_file_is_named_and_left_as_it_is(closed_db, monkeypatch):
    with closed_db.open("r+b") as handle:
        handle.write(os.urandom(4096))
    message = _opens_nothing(closed_db, DamagedDatabase, monkeypatch, None)
    assert "damaged" in message


def test_the_command_says_what_is_wrong_in_one_line(closed_db):
    with closed_db.open("r+b") as handle:
        handle.write(os.urandom(4096))
    before = _digest(closed_db)
    result = run("summary", "--database", f"sqlite:///{closed_db}")
    assert result.returncode == 2
    assert result.stderr.startswith("mash-desk: The database file cannot be read")
    assert len(result.stderr.strip().splitlines()) == 1
    assert _digest(closed_db) == before


def test_without_a_keyring_a_passphrase_makes_and_opens_the_key(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_STORE_ENV, f"{__name__}:NoKeyring")
    path = tmp_path / "pass.sqlite3"
    with pytest.raises(PassphraseNeeded) as needed:
        Database(f"sqlite:///{path}")
    assert needed.value.new and not path.exists()
    unlock(path, "correct horse battery staple")
    Database(f"sqlite:///{path}").close()
    info = read_header(path)
    assert info is not None and info.source == "passphrase" and len(info.salt) == 32
    forget_keys()
    with pytest.raises(PassphraseNeeded) as again:
        Database(f"sqlite:///{path}")
    assert not again.value.new
    with pytest.raises(WrongKey):
        unlock(path, "incorrect horse battery staple")
    unlock(path, "correct horse battery staple")
    Database(f"sqlite:///{path}").close()
    forget_keys()


def test_the_command_asks_for_the_passphrase(tmp_path):
    url = f"sqlite:///{tmp_path}/p.sqlite3"
    env = {KEY_STORE_ENV: f"{__name__}:NoKeyring"}
    made = run("db", "upgrade", "--database", url, env=env, stdin="a long synthetic phrase\n")
    assert made.returncode == 0, made.stderr
    wrong = run("db", "status", "--database", url, env=env, stdin="not the phrase at all\n")
    assert wrong.returncode == 2
    assert "That passphrase does not open this database" in wrong.stderr
    right = run("db", "status", "--database", url, env=env, stdin="a long synthetic phrase\n")
    assert right.returncode == 0 and "up to date" in right.stdout


def test_a_plaintext_database_is_refused_until_converted(closed_db, tmp_path):
    from tests.support.plaintext import plaintext_copy

    plain = tmp_path / "old.sqlite3"
    plaintext_copy(closed_db, plain)
    with pytest.raises(PlaintextDatabase):
        Database(f"sqlite:///{plain}")
    result = run("summary", "--database", f"sqlite:///{plain}")
    assert result.returncode == 2 and "mash-desk db encrypt" in result.stderr
