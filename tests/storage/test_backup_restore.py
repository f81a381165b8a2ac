"""Converting a plaintext database, backing up while the desk writes, restoring elsewhere.

Also the shared server's own route (README "Backups"): pg_dump and pg_restore, round trip.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from mash_desk.domain.clock import FixedClock
from mash_desk.services.desk import Desk
from mash_desk.storage.audit_chain import verify_all
from mash_desk.storage.database import Database
from mash_desk.storage.encrypted_files import (
    RestoreRefused,
    backup,
    encrypt_in_place,
    restore,
    table_counts,
)
from mash_desk.storage.encryption import (
    PassphraseNeeded,
    forget_keys,
    header_path,
    is_plaintext,
)
from tests.cli.test_cli import run
from tests.conftest import fresh_database_url
from tests.storage.test_encryption import NARRATIVE, NEEDLES, NoKeyring
from tests.support.helpers import (
    child,
    contact,
    log_one,
    make_actors,
    row_counts,
    side_engine,
)
from tests.support.plaintext import found_in, plaintext_copy


@pytest.fixture
def worked(templates, tmp_path: Path, clock: FixedClock) -> Iterator[tuple[Desk, Path]]:
    """A desk with users and a few contacts (one with the synthetic narrative)."""
    url = fresh_database_url("sqlite", templates, None, tmp_path)
    desk = Desk.open(url, clock)
    actors = make_actors(desk)
    desk.contacts.log(
        actors["practitioner"],
        contact(child("Zephyrine", "Quillfeather", nhs_number="9434765919"), concerns=NARRATIVE),
    )
    for n in range(3):
        log_one(desk, actors["practitioner"], given=f"Child{n}", family="Synthetic")
    desk.actors = actors  # type: ignore[attr-defined]
    yield desk, Path(url.removeprefix("sqlite:///"))
    desk.close()


@pytest.fixture
def plaintext(worked, tmp_path: Path) -> Path:
    """An unencrypted database with the same records: the file an older desk left."""
    desk, path = worked
    desk.close()
    plain = tmp_path / "older" / "mash-desk.sqlite3"
    plain.parent.mkdir()
    plaintext_copy(path, plain)
    assert is_plaintext(plain) and found_in(plain, NEEDLES)
    return plain


def _plain_counts(path: Path) -> dict[str, int]:
    from sqlcipher3 import dbapi2

    conn = dbapi2.connect(str(path))
    try:
        return table_counts(conn)
    finally:
        conn.close()


def _leftovers(path: Path) -> list[str]:
    keep = {path.name, header_path(path).name}
    return sorted(p.name for p in path.parent.iterdir() if p.is_file() and p.name not in keep)


def test_a_plaintext_database_is_converted_in_place(plaintext):
    before = _plain_counts(plaintext)
    seen: list[float] = []
    report = encrypt_in_place(plaintext, progress=lambda _m, f: seen.append(f))
    assert report.counts == before and report.chains_ok
    assert seen[-1] == 1.0 and seen == sorted(seen)
    assert not is_plaintext(plaintext) and found_in(plaintext, NEEDLES) == []
    assert _leftovers(plaintext) == []  # the plaintext was overwritten and removed
    forget_keys()
    db = Database(f"sqlite:///{plaintext}", migrate=False, seed=False)
    try:
        assert all(r.ok and r.rows for r in verify_all(db.engine)[:1])
        with db.engine.connect() as conn:
            assert table_counts(conn.connection.driver_connection) == before
    finally:
        db.close()


def test_the_command_converts_it_and_reports_the_chain(plaintext):
    before = _plain_counts(plaintext)
    result = run("db", "encrypt", "--database", f"sqlite:///{plaintext}")
    assert result.returncode == 0, result.stderr
    assert f"{sum(before.values()):,} rows" in result.stdout
    assert "audit_log: chain verified" in result.stdout
    assert not is_plaintext(plaintext) and _leftovers(plaintext) == []


def test_without_a_keyring_the_conversion_takes_a_passphrase(plaintext):
    before = (plaintext.read_bytes(), _leftovers(plaintext))
    with pytest.raises(PassphraseNeeded):
        encrypt_in_place(plaintext, store=NoKeyring())
    assert (plaintext.read_bytes(), _leftovers(plaintext)) == before  # untouched
    report = encrypt_in_place(plaintext, passphrase="a long synthetic phrase")
    assert report.counts == _plain_counts_of_report(report) and not is_plaintext(plaintext)
    forget_keys()


def _plain_counts_of_report(report) -> dict[str, int]:
    return dict(report.counts)


def test_a_backup_taken_while_the_desk_writes_restores_elsewhere(worked, tmp_path):
    desk, path = worked
    stop = threading.Event()
    written: list[int] = []

    def keep_writing() -> None:
        while not stop.is_set():
            log_one(desk, desk.actors["practitioner"], given="During", family="Backup")
            written.append(1)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while len(written) < 3:
            stop.wait(0.05)
        report = backup(path, tmp_path / "backups" / "today.sqlite3")
        during = len(written)
    finally:
        stop.set()
        writer.join()
    assert during >= 3 and report.chains_ok
    assert found_in(report.path, NEEDLES) == []
    elsewhere = tmp_path / "elsewhere" / "restored.sqlite3"
    restored = restore(report.path, elsewhere)
    assert restored.counts == report.counts and restored.chains_ok
    # A snapshot: the desk went on writing, so it holds at least what the backup holds.
    live = row_counts(desk)
    assert 0 < report.counts["contacts"] <= live["contacts"]
    forget_keys()
    again = Desk.open(f"sqlite:///{elsewhere}")
    try:
        assert row_counts(again)["contacts"] == report.counts["contacts"]
        assert all(r.ok for r in verify_all(again.db.engine))
    finally:
        again.close()


def test_restore_refuses_to_overwrite_without_force(worked, tmp_path):
    desk, path = worked
    made = backup(path, tmp_path / "backups" / "b.sqlite3")
    log_one(desk, desk.actors["practitioner"], given="After", family="Backup")
    desk.close()
    before = path.read_bytes()
    url = f"sqlite:///{path}"
    refused = run("restore", str(made.path), "--database", url)
    assert refused.returncode == 2
    assert "exists: restoring would overwrite it. Add --force" in refused.stderr
    assert path.read_bytes() == before
    forced = run("restore", str(made.path), "--database", url, "--force")
    assert forced.returncode == 0, forced.stderr
    assert "audit_log: chain verified" in forced.stdout
    assert _leftovers(path) == []
    forget_keys()
    back = Desk.open(url)
    try:
        assert row_counts(back)["contacts"] == made.counts["contacts"]
    finally:
        back.close()


def test_a_backup_with_a_broken_chain_is_not_restored(worked, tmp_path):
    desk, path = worked
    desk.close()
    made = backup(path, tmp_path / "b.sqlite3")
    tampered = Database(f"sqlite:///{made.path}", migrate=False, seed=False)
    with tampered.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("UPDATE audit_log SET detail = '{}' WHERE id = 3"))
    tampered.close()
    target = tmp_path / "new" / "restored.sqlite3"
    with pytest.raises(RestoreRefused, match="audit chain is broken.*row 3 altered"):
        restore(made.path, target)
    assert not target.exists()


def test_the_shared_server_round_trips_through_pg_dump_and_pg_restore(
    templates, pg_server, tmp_path, clock
):
    from tests.support.postgres import find_bin

    url = fresh_database_url("postgresql", templates, pg_server, tmp_path)
    desk = Desk.open(url, clock)
    actors = make_actors(desk)
    for n in range(3):
        log_one(desk, actors["practitioner"], given=f"Dumped{n}", family="Synthetic")
    before = row_counts(desk)
    desk.close()
    bin_dir = find_bin()
    assert bin_dir is not None
    dump = tmp_path / "server.dump"
    name = make_url(url).database or ""
    # As an administrator would: over verified TLS with the owner's password (libpq's variables).
    owner = pg_server.conninfo(name)
    env = {
        **os.environ,
        "PGPASSWORD": owner["password"],
        "PGSSLMODE": owner["sslmode"],
        "PGSSLROOTCERT": owner["sslrootcert"],
    }
    connect = ["-h", owner["host"], "-p", str(pg_server.port), "-U", "postgres"]
    run = partial(subprocess.run, check=True, env=env)
    run([str(bin_dir / "pg_dump"), *connect, "-Fc", "-f", str(dump), name])
    run([str(bin_dir / "createdb"), *connect, f"{name}_restored"])
    run([str(bin_dir / "pg_restore"), *connect, "--exit-on-error", "-d", f"{name}_restored",
         str(dump)])  # fmt: skip
    back = Desk.open(pg_server.url(f"{name}_restored"), clock)
    try:
        assert row_counts(back) == before
        assert all(r.ok and r.rows for r in verify_all(side_engine(back))[:1])
        # The restored server keeps chaining: its trigger came back with the schema.
        log_one(back, actors["practitioner"], given="Restored", family="Synthetic")
        assert all(r.ok for r in verify_all(side_engine(back)))
    finally:
        back.close()
