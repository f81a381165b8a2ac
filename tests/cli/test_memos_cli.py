"""``mash-desk memos`` and ``mash-desk memo verify`` as a chair runs them, in a subprocess."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.cli.test_cli import run
from tests.conftest import fresh_database_url
from tests.documents.conftest import GIVEN, Decided, make_decided, pdf_text

DAY = "2026-11-17"


@pytest.fixture
def db_url(templates, pg_server, tmp_path) -> str:
    """The command is run against an embedded database file (SQLite only)."""
    return fresh_database_url("sqlite", templates, pg_server, tmp_path)


@pytest.fixture
def decided(desk, actors) -> Decided:
    return make_decided(desk, actors)


def memos(db_url: str, out: Path, *extra: str, who: str = "test.chair"):
    return run(
        "memos", "--meeting", DAY, "--out", str(out), "--database", db_url, "--as", who, *extra
    )


def test_memos_written_and_recorded_then_minutes_once_signed_off(
    desk,
    actors,
    decided,
    db_url,
    tmp_path,
):
    out = tmp_path / "pack"
    first = memos(db_url, out)
    # Not signed off yet: the memo is written, the minutes are not, and the command says so.
    assert first.returncode == 1, first.stderr
    assert "minutes not written" in first.stderr and "Traceback" not in first.stderr
    memo_file = out / f"memo-decision-{decided.decision.id}-v1.pdf"
    assert sorted(p.name for p in out.iterdir()) == [memo_file.name]
    words = pdf_text(memo_file.read_bytes())
    assert GIVEN in words and "OFFICIAL-SENSITIVE" in words
    chair = actors["chair"]
    m = desk.meetings.get(chair, decided.meeting_id)
    desk.meetings.sign_off(chair, m.id, m.version)
    second = memos(db_url, out)
    assert second.returncode == 0, second.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [
            memo_file.name,
            f"memo-decision-{decided.decision.id}-v1-copy-1.pdf",
            f"minutes-meeting-{decided.meeting_id}.pdf",
        ]
    )
    copy_file = out / f"memo-decision-{decided.decision.id}-v1-copy-1.pdf"
    assert "COPY — reprinted" in pdf_text(copy_file.read_bytes())
    issued = desk.documents.issued_for(chair, decision_id=decided.decision.id)
    recorded = {o.destination: o.sha256 for d in issued for o in d.outputs}
    for d in issued:
        path = out / d.filename
        assert recorded[str(path.resolve())] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert all(o.output_by == "Test Chair" and o.action == "export" for o in d.outputs)


def test_memo_verify_accepts_the_issued_file_and_rejects_one_changed_byte(
    desk,
    actors,
    decided,
    db_url,
    tmp_path,
):
    out = tmp_path / "pack"
    memos(db_url, out)
    [memo_file] = out.iterdir()
    ok = run("memo", "verify", str(memo_file), "--database", db_url)
    assert ok.returncode == 0, ok.stderr
    assert f"decision memo of decision {decided.decision.id}, version 1" in ok.stdout
    assert "Unaltered" in ok.stdout and GIVEN not in ok.stdout
    data = bytearray(memo_file.read_bytes())
    data[len(data) // 2] ^= 0x01
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(bytes(data))
    bad = run("memo", "verify", str(altered), "--database", db_url)
    assert bad.returncode == 1
    assert "NOT an unaltered issued document" in bad.stderr
    assert f"decision {decided.decision.id} revision 1" in bad.stderr
    missing = run("memo", "verify", str(tmp_path / "nope.pdf"), "--database", db_url)
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_memos_refused_clearly(desk, actors, decided, db_url, tmp_path):
    out = tmp_path / "pack"
    nobody = run(
        "memos",
        "--meeting",
        "2020-01-06",
        "--out",
        str(out),
        "--database",
        db_url,
        "--as",
        "test.chair",
    )
    assert nobody.returncode == 2
    assert nobody.stderr.strip() == "mash-desk: No MASH meeting was held on Mon 06 Jan 2020"
    police = memos(db_url, out, who="test.police")
    assert police.returncode == 2 and "may not" in police.stderr
    assert "Traceback" not in police.stderr and not out.exists()
