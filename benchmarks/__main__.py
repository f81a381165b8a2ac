"""``python -m benchmarks``: build (or reuse) 10- and 100-year databases, time operations.

Prints one JSON object. For each operation and history size: the median time of the app's
service call, the median of a *floor* — the same answer from hand-written SQL on the same
database, same engine settings, measured in the same run — and their ratio. Under
``documents``: a decision memo and a 25-case meeting's batch against ReportLab building a
same-length story (:mod:`benchmarks.documents`).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys

from benchmarks import documents, encryption, figures, screen_targets, waits
from benchmarks.harness import TARGET_GROWTH, TARGET_RATIO, run
from benchmarks.keys import use_benchmark_keys


def main() -> int:
    """Run the benchmarks and print the JSON report."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--sizes", default="10,100", help="history sizes in years (default 10,100)")
    parser.add_argument("--repeat", type=int, default=60, help="timed runs per operation")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached databases")
    parser.add_argument(
        "--only",
        choices=["all", "history", "documents", "encryption", "figures", "screens"],
        default="all",
        help="run only one part (default all); screens: what users wait for (issue 16)",
    )
    parser.add_argument(
        "--screen-sizes", default="1,10", help="SQLite history sizes of the screens (default 1,10)"
    )
    parser.add_argument(
        "--pg-sizes",
        default="1",
        help="PostgreSQL history sizes of the screens (default 1; '' for none)",
    )
    parser.add_argument(
        "--screen-repeat", type=int, default=20, help="timed runs per screen operation"
    )
    parser.add_argument(
        "--gui-rounds", type=int, default=3, help="starts and scrolls per side (default 3)"
    )
    parser.add_argument(
        "--no-cold", action="store_true", help="skip the first-touch processes of the screens"
    )
    parser.add_argument(
        "--ops",
        default="",
        help="screens: only these operations, comma-separated (e.g. meeting_agenda,"
        "decision_sign; the GUI rows by name: startup_to_queue, queue_scroll_2000)",
    )
    parser.add_argument(
        "--doc-repeat", type=int, default=20, help="timed memos (batches: a quarter, at least 3)"
    )
    args = parser.parse_args()
    use_benchmark_keys()  # synthetic databases, unattended: no keyring, no passphrase
    sizes = [int(s) for s in args.sizes.split(",")]
    report: dict = {"targets_met": True}
    if args.only in ("all", "history"):
        report = run(sizes, repeat=args.repeat, rebuild=args.rebuild)
    if args.only in ("all", "screens"):
        report["screens"] = waits.run(
            [int(s) for s in args.screen_sizes.split(",") if s],
            [float(s) for s in args.pg_sizes.split(",") if s],
            repeat=args.screen_repeat,
            gui_rounds=args.gui_rounds,
            rebuild=args.rebuild,
            cold=not args.no_cold,
            only=frozenset(o for o in args.ops.split(",") if o),
        )
        print(waits.markdown(report["screens"]), file=sys.stderr)
        missed = screen_targets.misses(report["screens"])
        report["screens"]["misses"] = missed
        report["targets_met"] = report["targets_met"] and not missed
        for line in missed:
            print(f"  not at target: {line}", file=sys.stderr)
    if args.only in ("all", "documents") or (args.only == "screens" and not args.ops):
        report["documents"] = documents.run(args.doc_repeat, max(3, args.doc_repeat // 4))
        report["targets_met"] = report["targets_met"] and report["documents"]["targets_met"]
    if args.only in ("all", "encryption"):
        # Converting an unencrypted 10-year database (issue 14): reported, no target.
        report["encrypt_plaintext"] = encryption.run(min(sizes), args.rebuild)
    if args.only in ("all", "figures"):
        # The dashboard and the CIN census on the shortest history asked for (issue 15).
        report["figures"] = figures.run(min(sizes), rebuild=args.rebuild)
        met = report["figures"]["dashboard"][f"{min(sizes)}y"]["met"]
        report["targets_met"] = report["targets_met"] and met
    report["machine"] = {"python": platform.python_version(), "platform": platform.platform()}
    report["targets"] = {
        "ratio_at_most": TARGET_RATIO,
        "growth_100y_over_10y_at_most": TARGET_GROWTH,
        "memo_median_ms_at_most": documents.TARGET_MEMO_MS,
        "meeting_batch_25_median_s_at_most": documents.TARGET_BATCH_S,
        "dashboard_median_s_at_most": figures.TARGET_DASHBOARD_S,
    }
    print(json.dumps(report, indent=2))
    return 0 if report["targets_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
