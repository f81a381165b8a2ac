"""The ``mash-desk report`` verb: ``report measures`` prints the front door's figures.

``mash-desk report measures --month 2026-10 [--months 12] [--team T] [--measure ID ...]
[--breakdowns] [--json] --as USER`` computes the measures file's measures for the month (or
the months ending with it) as ``USER`` (a manager, chair or performance officer) and prints a
table, or JSON for a spreadsheet or script. Other reports add their own action to the
``report`` sub-parsers this module creates (:func:`add_parsers` returns them).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from mash_desk.cli_board import add_board_parser, cmd_board


def _month(text: str) -> str:
    # Imported here, not at the top: the desk's every start imports this module (for its
    # parsers) and the measures' YAML is ~0.1 s it does not need (issue 16).
    from mash_desk.domain.measures import MonthPeriod

    try:
        MonthPeriod.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _months(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of months (1 or more)")
    return value


def add_parsers(
    verbs: argparse._SubParsersAction, database_option: Callable[[argparse.ArgumentParser], None]
) -> argparse._SubParsersAction:
    """Add the ``report`` verb and its ``measures`` action; return the actions' sub-parsers."""
    report = verbs.add_parser("report", help="reports of the front door's work (figures only)")
    actions = report.add_subparsers(dest="report", metavar="REPORT", required=True)
    measures = actions.add_parser(
        "measures",
        help="the measures (domain brief §9) for a month or the months ending with it",
    )
    measures.add_argument(
        "--month", type=_month, required=True, metavar="YYYY-MM", help="the (last) month"
    )
    measures.add_argument(
        "--months",
        type=_months,
        default=1,
        metavar="N",
        help="how many months ending with --month (default 1); last period is the N before",
    )
    measures.add_argument("--team", help="only work of this team (where the work has a team)")
    measures.add_argument(
        "--measure",
        dest="measure_ids",
        action="append",
        metavar="ID",
        help="only this measure (repeat for more; default: every measure of the file)",
    )
    measures.add_argument(
        "--breakdowns", action="store_true", help="print each measure's breakdowns too"
    )
    measures.add_argument("--json", action="store_true", help="print JSON instead of a table")
    measures.add_argument("--as", dest="as_user", required=True, help="username reading them")
    database_option(measures)
    add_board_parser(actions, database_option, _month)
    return actions


def cmd_report(args: argparse.Namespace, url: str) -> int:
    """Run ``mash-desk report ...`` on the database at ``url``."""
    if args.report == "measures":
        return _measures(args, url)
    if args.report == "board":
        return cmd_board(args, url)
    raise ValueError(f"unknown report {args.report!r}")


def _measures(args: argparse.Namespace, url: str) -> int:
    from mash_desk.domain.measures import MonthPeriod
    from mash_desk.reporting.measures import render_table, report_dict
    from mash_desk.services.desk import Desk

    period = MonthPeriod.parse(args.month, args.months)
    desk = Desk.open(url)
    try:
        actor = desk.users.actor_for(args.as_user)
        report = desk.measures.compute(
            actor, period, team=args.team, measures=args.measure_ids or None
        )
    finally:
        desk.close()
    if args.json:
        json.dump(report_dict(report), sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print(render_table(report, breakdowns=args.breakdowns))
    return 0
