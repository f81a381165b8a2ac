"""``mash-desk report board``: the monthly board report written as its maker's file only."""

from __future__ import annotations

import stat
import tempfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from mash_desk.services.desk import Desk
from tests.cli.test_cli import run
from tests.services.measures_fixture import build
from tests.support.helpers import make_actors


@pytest.fixture
def url(db_url: str, clock) -> str:
    """The hand-counted history of the measures tests (October 2026)."""
    desk = Desk.open(db_url, clock)
    actors = make_actors(desk)
    build(desk, actors["manager"].user_id)
    desk.close()
    return db_url


def _board(url: str, out: Path, *extra: str):
    return run(
        "report", "board", "--month", "2026-10", "--out", str(out), *extra,
        "--as", "test.performance", "--database", url,
    )  # fmt: skip


def test_the_report_is_written_for_its_maker_only(url: str, tmp_path: Path):
    out = tmp_path / "reports" / "board-2026-10.pdf"
    done = _board(url, out)
    assert done.returncode == 0, done.stderr
    assert f"Wrote {out} (pdf, 16 measures, 2026-10)" in done.stdout
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert stat.S_IMODE(out.parent.stat().st_mode) == 0o700
    assert "MASH board report — October 2026" in PdfReader(out).pages[0].extract_text()
    assert "Warning" not in done.stderr


def test_the_workbook_and_a_shared_folder_warning(url: str):
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        shared = Path(folder)
        shared.chmod(0o777)  # anyone on the computer may list and change it
        done = _board(url, shared / "board.xlsx")
        assert done.returncode == 0, done.stderr
        assert f"Warning: {shared} is a shared folder" in done.stderr
        assert stat.S_IMODE((shared / "board.xlsx").stat().st_mode) == 0o600


def test_another_kind_of_file_is_refused(url: str, tmp_path: Path):
    done = _board(url, tmp_path / "board.docx")
    assert done.returncode == 2 and "--out must end in .pdf or .xlsx" in done.stderr
    assert not (tmp_path / "board.docx").exists()
