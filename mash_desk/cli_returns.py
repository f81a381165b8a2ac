"""The ``mash-desk returns`` verbs: the statutory returns, checked and exported.

``returns cin`` writes the Children in Need census XML; ``returns check`` lists every child
that would fail the census's rules; ``returns annex-a`` writes Ofsted's Annex A workbook
(``cli_annex_a``). A further return adds its own verb here: a parser in
:data:`VERBS` (how to add its arguments) and a handler in :data:`HANDLERS`.

Each export is written 0600 and atomically (``printing.private_files``), with a warning on
standard error when the folder is shared, and is audited by the service with the file's hash.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from mash_desk.cli_annex_a import add_annex_a_parser, cmd_annex_a

if TYPE_CHECKING:
    # The census rules take ~0.05 s to load: imported where a check runs, not at every start.
    from mash_desk.domain.census_rules import CensusFailure

Handler = Callable[[argparse.Namespace, str], int]


def _year(text: str) -> int:
    if not (len(text) == 4 and text.isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a year (YYYY)")
    return int(text)


def _add_cin(verbs: argparse._SubParsersAction, database_option: Callable) -> None:
    cin = verbs.add_parser(
        "cin",
        help="write the MASH's part of the Children in Need census (XML) for the year "
        "ending 31 March YYYY",
    )
    cin.add_argument("--year", type=_year, required=True, metavar="YYYY")
    cin.add_argument("--out", type=Path, required=True, metavar="FILE", help="the XML file")
    cin.add_argument("--as", dest="as_user", required=True, help="username exporting it")
    database_option(cin)


def _add_check(verbs: argparse._SubParsersAction, database_option: Callable) -> None:
    check = verbs.add_parser(
        "check",
        help="list every child who would fail the census's rules (by id, rule and field); "
        "exit status 1 if any",
    )
    check.add_argument("--year", type=_year, required=True, metavar="YYYY")
    check.add_argument("--as", dest="as_user", required=True, help="username checking")
    database_option(check)


def _add_annex_a(actions: argparse._SubParsersAction, database_option: Callable) -> None:
    add_annex_a_parser(actions, database_option)


VERBS: dict[str, Callable[[argparse._SubParsersAction, Callable], None]] = {
    "cin": _add_cin,
    "check": _add_check,
    "annex-a": _add_annex_a,
}


def add_parsers(verbs: argparse._SubParsersAction, database_option: Callable) -> None:
    """Add the ``returns`` verb and its own verbs (:data:`VERBS`)."""
    returns = verbs.add_parser("returns", help="check and export the statutory returns")
    actions = returns.add_subparsers(dest="action", metavar="RETURN", required=True)
    for add in VERBS.values():
        add(actions, database_option)


def failure_line(failure: CensusFailure) -> str:
    """One failure as a line: ids, rule, field and message — never a name."""
    from mash_desk.domain.census_rules import Severity

    rule = failure.rule
    where = f"child {failure.person_id} (LAchildID {failure.la_child_id})"
    if failure.referral_id is not None:
        where += f", referral {failure.referral_id}"
    kind = "query" if rule.severity is Severity.QUERY else "error"
    return (
        f"{where}: rule {rule.id} ({kind}) {rule.field} [desk field {rule.desk_field}]: "
        f"{rule.message}"
    )


def _cmd_check(args: argparse.Namespace, url: str) -> int:
    from mash_desk.domain.census_rules import Severity
    from mash_desk.services.desk import Desk

    desk = Desk.open(url)
    try:
        actor = desk.users.actor_for(args.as_user)
        check = desk.returns.check_cin(actor, args.year)
    finally:
        desk.close()
    # Errors first: the collection refuses a return with them; queries need a reason.
    for failure in sorted(check.failures, key=lambda f: f.rule.severity is Severity.QUERY):
        print(failure_line(failure))
    failing = len({f.person_id for f in check.errors})
    queried = len({f.person_id for f in check.failures if f.rule.severity is Severity.QUERY})
    print(
        f"CIN census {args.year} ({check.period.describe()}): {check.children} children, "
        f"{check.referrals} referrals; {failing} children would fail "
        f"({len(check.errors)} errors), {queried} children with queries",
        file=sys.stderr if check.errors else sys.stdout,
    )
    return 1 if check.errors else 0


def _cmd_cin(args: argparse.Namespace, url: str) -> int:
    # Here, not at the top: the printing package loads CUPS, which the desk's start never needs.
    from mash_desk.printing.private_files import (
        make_folder,
        shared_folder_reason,
        write_private_file,
    )
    from mash_desk.services.desk import Desk

    target: Path = args.out
    folder = target.absolute().parent
    if target.exists() and target.is_dir():
        print(f"mash-desk: {target} is a folder: give the file to write", file=sys.stderr)
        return 2
    if shared := shared_folder_reason(folder):
        # The file is 0600 whatever the folder, but others can see, replace or delete it.
        print(f"mash-desk: warning: {shared}", file=sys.stderr)
    written: list[Path] = []

    def write(data: bytes) -> str:
        make_folder(folder)
        write_private_file(target, data)
        written.append(target)
        return str(target.absolute())

    desk = Desk.open(url)
    try:
        actor = desk.users.actor_for(args.as_user)
        done = desk.returns.export_cin(actor, args.year, write).value
    except BaseException:
        # Written but not recorded (the transaction failed after the write): no unrecorded
        # copy of children's identifiers stays behind.
        for path in written:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    finally:
        desk.close()
    print(
        f"{done.where}  (CIN census {done.period.year}, serial {done.serial_no:03d}: "
        f"{done.children} children, {done.referrals} referrals; SHA-256 {done.sha256})"
    )
    for failure in done.queries:
        print(f"mash-desk: query: {failure_line(failure)}", file=sys.stderr)
    return 0


HANDLERS: dict[str, Handler] = {"cin": _cmd_cin, "check": _cmd_check, "annex-a": cmd_annex_a}


def cmd_returns(args: argparse.Namespace, url: str) -> int:
    """Run the ``returns`` verb named in ``args.action``."""
    return HANDLERS[args.action](args, url)


__all__ = ["HANDLERS", "VERBS", "add_parsers", "cmd_returns", "failure_line"]
