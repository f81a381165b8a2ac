"""``mash-desk returns annex-a``: Ofsted's Annex A lists 1, 2, 3 and 5 for a period, as xlsx.

Kept apart from ``cli.py`` so the verb can sit under a ``returns`` group later: the parser is
added by :func:`add_annex_a_parser` to whichever sub-parsers it is given, and
:func:`cmd_annex_a` runs it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def add_annex_a_parser(
    subparsers: argparse._SubParsersAction,
    database_option: Callable[[argparse.ArgumentParser], None] | None = None,
    name: str = "annex-a",
) -> argparse.ArgumentParser:
    """Add the Annex A verb (``name``) to ``subparsers`` and return its parser."""
    parser = subparsers.add_parser(
        name,
        help="write Ofsted's Annex A lists 1, 2, 3 and 5 (contacts, early help, referrals, "
        "s47 enquiries and ICPCs) for a period as an xlsx workbook",
    )
    parser.add_argument(
        "--from", dest="period_from", required=True, type=_date, metavar="DATE",
        help="first day of the period (YYYY-MM-DD)",
    )  # fmt: skip
    parser.add_argument(
        "--to", dest="period_to", required=True, type=_date, metavar="DATE",
        help="last day of the period, included (YYYY-MM-DD)",
    )  # fmt: skip
    parser.add_argument(
        "--out", required=True, type=Path, metavar="FILE.xlsx", help="the workbook to write"
    )
    parser.add_argument(
        "--as", dest="as_user", required=True, help="username exporting it (recorded)"
    )
    if database_option is not None:
        database_option(parser)
    return parser


def cmd_annex_a(args: argparse.Namespace, url: str) -> int:
    """Export the workbook ``args.out`` from the database at ``url``; print what was written."""
    # Here, not at the top: the printing package loads CUPS, which the desk's start never needs.
    from mash_desk.printing.private_files import shared_folder_reason
    from mash_desk.services.desk import Desk

    folder = args.out.absolute().parent
    if shared := shared_folder_reason(folder):
        # The file is written 0600, but others can still see its name, replace or delete it.
        print(f"mash-desk: warning: {shared}", file=sys.stderr)
    desk = Desk.open(url)
    try:
        actor = desk.users.actor_for(args.as_user)
        done = desk.annex_a.export(actor, args.period_from, args.period_to, args.out).value
    finally:
        desk.close()
    counts = ", ".join(f"{sheet}: {n}" for sheet, n in done.rows.items())
    print(
        f"{done.path}  (Annex A {done.period_from:%d %b %Y} to {done.period_to:%d %b %Y}; "
        f"{counts}; SHA-256 {done.sha256})"
    )
    return 0
