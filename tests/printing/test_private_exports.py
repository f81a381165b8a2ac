"""Exported documents are 0600 whatever the umask; a shared folder is named (issue 14 item 2).

The shared folders are made under /tmp (1777, as on every Linux machine) so that other
people really can reach them: pytest's own temporary folders sit in a 0700 parent.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from mash_desk.printing.delivery import FolderDestination
from mash_desk.printing.private_files import shared_folder_reason
from tests.cli.test_cli import run
from tests.cli.test_memos_cli import DAY, db_url, decided  # noqa: F401 — fixtures


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def under_tmp() -> Iterator[Path]:
    """A folder in /tmp that everyone can reach (its mode is set by each test)."""
    with tempfile.TemporaryDirectory(dir="/tmp", prefix="mash-desk-test-") as made:
        yield Path(made)


@pytest.fixture
def zero_umask() -> Iterator[None]:
    old = os.umask(0)
    yield
    os.umask(old)


def test_a_delivered_file_and_the_folder_made_for_it_are_private_under_umask_000(
    tmp_path, zero_umask
):
    folder = tmp_path / "new" / "pack"
    old = tmp_path / "new" / "pack" / "memo.pdf"
    where = FolderDestination(folder).deliver("memo.pdf", b"%PDF-1.4 first")
    assert Path(where) == old.resolve() and mode(old) == 0o600
    os.chmod(old, 0o644)
    FolderDestination(folder).deliver("memo.pdf", b"%PDF-1.4 second")  # replaced, private
    assert old.read_bytes() == b"%PDF-1.4 second" and mode(old) == 0o600
    assert mode(folder) == mode(folder.parent) == 0o700
    assert [p.name for p in folder.iterdir()] == ["memo.pdf"]  # no temporary file left


def test_shared_folder_reason_names_folders_others_can_reach(under_tmp, tmp_path):
    os.chmod(under_tmp, 0o777)
    assert shared_folder_reason(under_tmp) == (
        f"other people on this computer can list and change the files in {under_tmp}"
    )
    os.chmod(under_tmp, 0o755)
    assert "can list the files" in shared_folder_reason(under_tmp)
    os.chmod(under_tmp, 0o700)
    assert shared_folder_reason(under_tmp) is None
    assert shared_folder_reason(under_tmp / "to-be-made") is None  # it is made 0700
    inside_private = tmp_path / "open"  # tmp_path's parents are 0700: nobody gets through
    inside_private.mkdir(mode=0o777)
    os.chmod(inside_private, 0o777)
    assert shared_folder_reason(inside_private) is None


def test_memos_command_writes_0600_files_and_warns_about_a_shared_folder(
    decided,  # noqa: F811
    db_url,  # noqa: F811
    under_tmp,
    zero_umask,
):
    os.chmod(under_tmp, 0o777)
    done = run(
        "memos",
        "--meeting",
        DAY,
        "--out",
        str(under_tmp),
        "--database",
        db_url,
        "--as",
        "test.chair",
    )
    assert done.returncode == 1, done.stderr  # minutes not due yet: the memo is written
    assert (
        f"mash-desk: warning: other people on this computer can list and change the files in "
        f"{under_tmp}" in done.stderr
    )
    written = list(under_tmp.glob("memo-decision-*.pdf"))
    assert written and all(mode(p) == 0o600 for p in written)


def test_memos_command_says_nothing_about_a_private_folder(
    decided,  # noqa: F811
    db_url,  # noqa: F811
    tmp_path,
):
    done = run(
        "memos",
        "--meeting",
        DAY,
        "--out",
        str(tmp_path / "pack"),
        "--database",
        db_url,
        "--as",
        "test.chair",
    )
    assert "warning" not in done.stderr and done.returncode == 1
    assert mode(tmp_path / "pack") == 0o700
