"""``mash-desk returns annex-a`` on a demo year, as a manager runs it; refused for others."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from mash_desk.storage.database import Database
from mash_desk.synthetic import ensure_demo_users, generate
from tests.cli.test_cli import run
from tests.conftest import NOW, fresh_database_url
from tests.services.test_annex_a import SHEETS, liiatools  # noqa: F401 — session fixture

YEAR = ("2025-11-18", "2026-11-17")


def demo_year(url: str) -> str:
    db = Database(url)
    try:
        ensure_demo_users(db)
        generate(db, years=1, end=NOW)
    finally:
        db.close()
    return url


@pytest.fixture
def demo_url(templates, pg_server, tmp_path) -> str:
    """An embedded database holding one synthetic year ending at the tests' NOW."""
    return demo_year(fresh_database_url("sqlite", templates, pg_server, tmp_path))


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder in /tmp everyone can list and change (pytest's own sit in a 0700 parent)."""
    with tempfile.TemporaryDirectory(dir="/tmp", prefix="mash-desk-test-") as made:
        os.chmod(made, 0o777)
        yield Path(made)


def annex_a(url: str, out: Path, who: str = "demo.manager"):
    return run(
        "returns", "annex-a", "--from", YEAR[0], "--to", YEAR[1], "--out", str(out), "--as", who,
        "--database", url,
    )  # fmt: skip


def check_demo_workbook(path: Path, liiatools: dict[str, Any]) -> dict[str, int]:  # noqa: F811
    """Assert the workbook's sheets and header rows are Ofsted's; return rows per sheet."""
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == list(SHEETS.values())
    counts = {}
    for sheet in SHEETS.values():
        ws = book[sheet]
        header = next(ws.iter_rows(max_row=1, values_only=True))
        assert list(header) == list(liiatools["columns"][sheet]), sheet
        counts[sheet] = ws.max_row - 1
    first = next(book["List 1"].iter_rows(min_row=2, max_row=2))
    assert first[5].is_date and isinstance(first[0].value, int)
    return counts


def test_demo_year_exported_with_ofsteds_headers_and_a_shared_folder_warning(
    demo_url,
    shared_folder,
    liiatools,  # noqa: F811
):
    out = shared_folder / "annex-a.xlsx"
    done = annex_a(demo_url, out)
    assert done.returncode == 0, done.stderr
    assert (
        f"mash-desk: warning: other people on this computer can list and change the files in "
        f"{shared_folder}" in done.stderr
    )
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    counts = check_demo_workbook(out, liiatools)
    # A demo year is Harrow-sized (domain brief §9): thousands of contacts, hundreds of
    # referrals, tens of s47 enquiries, some children stepped down to early help.
    assert counts["List 1"] > 5000 and 1000 < counts["List 3"] < counts["List 1"]
    assert counts["List 5"] > 10 and counts["List 2"] > 0
    assert f"List 1: {counts['List 1']}" in done.stdout and out.name in done.stdout
    # Every coded cell is one of Ofsted's options.
    book = openpyxl.load_workbook(out, read_only=True)
    options = liiatools["options"]["List 1"]
    allowed = {c: {o["code"] for o in options[c]} for c in ("Gender", "Ethnicity")}
    sources = {o["code"] for o in options["Contact Source"]}
    for row in book["List 1"].iter_rows(min_row=2, values_only=True):
        assert row[1] in allowed["Gender"] and row[2] in allowed["Ethnicity"]
        assert row[6] in sources


def test_performance_officer_refused_clearly_and_nothing_written(demo_url, tmp_path):
    out = tmp_path / "out" / "annex-a.xlsx"
    done = annex_a(demo_url, out, who="demo.performance")
    assert done.returncode == 2
    assert "date of birth" in done.stderr and "ask a team manager" in done.stderr
    assert not out.parent.exists()


def test_period_must_be_dates(tmp_path):
    done = run("returns", "annex-a", "--from", "2026-13-01", "--to", "2026-11-30",
               "--out", "x.xlsx", "--as", "demo.manager",
               "--database", f"sqlite:///{tmp_path}/d.sqlite3")  # fmt: skip
    assert done.returncode == 2 and "'2026-13-01' is not a date" in done.stderr
