"""``mash-desk report board``: the monthly board report as a PDF or a workbook.

``mash-desk report board --month 2026-10 --out board-2026-10.pdf [--team T] --as USER``
writes the report (``.pdf``, or ``.xlsx`` for the same tables as a workbook) readable by its
owner only, warns when the folder is one other people on the computer can read, and records
the export in the audit log (issue 15 items 3 and 7).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

FORMATS = {".pdf": "pdf", ".xlsx": "xlsx"}


def add_board_parser(
    actions: argparse._SubParsersAction,
    database_option: Callable[[argparse.ArgumentParser], None],
    month: Callable[[str], str],
) -> None:
    """Add ``report board`` to the ``report`` actions."""
    board = actions.add_parser(
        "board", help="the monthly board report as a PDF (or the same tables as .xlsx)"
    )
    board.add_argument("--month", type=month, required=True, metavar="YYYY-MM")
    board.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help="FILE.pdf or FILE.xlsx"
    )
    board.add_argument("--team", help="only work of this team (where the work has a team)")
    board.add_argument("--as", dest="as_user", required=True, help="username making it")
    database_option(board)


def cmd_board(args: argparse.Namespace, url: str) -> int:
    """Write the board report; 2 for a file name that is neither .pdf nor .xlsx."""
    from mash_desk.printing.private_files import (
        make_folder,
        shared_folder_reason,
        write_private_file,
    )
    from mash_desk.services.desk import Desk

    out: Path = args.out.absolute()
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        print(f"report board: --out must end in .pdf or .xlsx, not {out.name!r}", file=sys.stderr)
        return 2
    reason = shared_folder_reason(out.parent)
    if reason:
        print(f"Warning: {out.parent} is a shared folder — {reason}.", file=sys.stderr)

    def write(data: bytes) -> str:
        make_folder(out.parent)
        write_private_file(out, data)
        return str(out)

    desk = Desk.open(url)
    try:
        actor = desk.users.actor_for(args.as_user)
        done = desk.board_report.export(actor, args.month, fmt, write, team=args.team).value
    finally:
        desk.close()
    print(
        f"Wrote {out} ({done.format.value}, {done.measures} measures, {done.month}); "
        f"SHA-256 {done.sha256}"
    )
    return 0
