"""The ``mash-desk`` command: the desk by default, administrative verbs beside it.

Every verb takes ``--database URL`` (else ``MASH_DESK_DATABASE_URL``, else the SQLite file in
the user data directory). Errors a user can act on are printed as one line, never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from mash_desk import __version__
from mash_desk.cli_database import add_parsers as add_database_file_parsers
from mash_desk.cli_database import cmd_backup, cmd_restore
from mash_desk.cli_measures import add_parsers as add_report_parsers
from mash_desk.cli_measures import cmd_report
from mash_desk.cli_returns import add_parsers as add_returns_parsers
from mash_desk.cli_returns import cmd_returns
from mash_desk.diagnostics import log_folder, log_unexpected, logging_to_file
from mash_desk.domain.enums import Role
from mash_desk.domain.errors import MashDeskError, ValidationError
from mash_desk.storage.locations import default_url, demo_url

DEMO_YEARS = 1
# A server login's password for the desk, read once and removed from the environment: never
# on the command line, where every process listing would show it.
SERVER_PASSWORD_ENV = "MASH_DESK_SERVER_PASSWORD"


def _database_option(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    # Sub-commands must not reset a --database given before the verb, hence SUPPRESS.
    parser.add_argument(
        "--database",
        default=None if top else argparse.SUPPRESS,
        metavar="URL",
        help="database URL (sqlite:///path or postgresql://user@host/db); default: "
        "$MASH_DESK_DATABASE_URL or the SQLite file in your user data folder",
    )


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser (also used to document the command in README)."""
    parser = argparse.ArgumentParser(
        prog="mash-desk", description="MASH Desk — the children's MASH front-door desk."
    )
    parser.add_argument("--version", action="version", version=f"mash-desk {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the clearly labelled DEMO database (synthetic data, created on first use)",
    )
    _database_option(parser, top=True)
    # Opens the window, waits for the first queue page, prints "ready" and quits: how the
    # scripts and tests check a real start-up without a person at the keyboard.
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    # The shared-server demo (scripts/run-server-demo.sh) puts two desks side by side.
    parser.add_argument("--window-side", choices=["left", "right"], help=argparse.SUPPRESS)
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")
    for add in (
        _add_demo_and_admin_parsers,
        _add_thresholds_parsers,
        _add_qa_parsers,
        _add_memo_parsers,
        _add_audit_parsers,
    ):
        add(verbs)
    add_database_file_parsers(verbs, _database_option)
    add_report_parsers(verbs, _database_option)
    add_returns_parsers(verbs, _database_option)

    summary = verbs.add_parser("summary", help="print counts and the top of the open-work queue")
    summary.add_argument("--as", dest="as_user", help="username to read the queue as")
    _database_option(summary)
    return parser


def _add_demo_and_admin_parsers(verbs: argparse._SubParsersAction) -> None:
    """``demo``, ``db``, ``user`` and ``server``: setting a database up."""
    demo = verbs.add_parser("demo", help="fill a database with synthetic history")
    demo.add_argument(
        "--years", type=float, default=DEMO_YEARS, help="years of history (default 1)"
    )
    demo.add_argument("--seed", type=int, default=1, help="random seed: same seed, same data")
    _database_option(demo)

    db = verbs.add_parser("db", help="database maintenance")
    db.add_argument(
        "action",
        choices=["upgrade", "status", "encrypt"],
        help="encrypt: convert an unencrypted embedded database to SQLCipher, in place",
    )
    _database_option(db)

    user = verbs.add_parser("user", help="manage user accounts")
    user.add_argument("action", choices=["add", "deactivate"])
    user.add_argument("username")
    user.add_argument("--name", help="display name (add; default: the username)")
    user.add_argument("--role", choices=[r.value for r in Role], help="role (add; required)")
    user.add_argument("--agency", default="social_care", help="agency code (default social_care)")
    user.add_argument("--team")
    user.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    _database_option(user)

    server = verbs.add_parser(
        "server",
        help="set up a shared PostgreSQL server as its owner: migrations, roles and grants",
    )
    server.add_argument("action", choices=["init", "upgrade"])
    _database_option(server)


def _add_thresholds_parsers(verbs: argparse._SubParsersAction) -> None:
    """``thresholds check|list|install``: the local threshold documents."""
    thresholds = verbs.add_parser("thresholds", help="check, list and install threshold documents")
    tverbs = thresholds.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = tverbs.add_parser(
        "check", help="check threshold document files; exit status 1 if any has a problem"
    )
    check.add_argument("files", nargs="+", metavar="FILE")
    listing = tverbs.add_parser("list", help="list installed versions and the one in force")
    _database_option(listing)
    install = tverbs.add_parser("install", help="check a council's document and install it")
    install.add_argument("file", metavar="FILE")
    _database_option(install)


def _add_qa_parsers(verbs: argparse._SubParsersAction) -> None:
    """``qa sample|report``: consistency QA of threshold decisions."""
    qa = verbs.add_parser("qa", help="consistency QA of threshold decisions")
    qverbs = qa.add_subparsers(dest="action", metavar="ACTION", required=True)
    sample = qverbs.add_parser("sample", help="draw a random sample of past decisions to re-rate")
    sample.add_argument("--size", type=int, default=30, help="how many (default 30)")
    sample.add_argument("--from", dest="period_from", type=_date, help="first day (YYYY-MM-DD)")
    sample.add_argument("--to", dest="period_to", type=_date, help="last day (YYYY-MM-DD)")
    sample.add_argument("--kind", choices=["screening", "referral"], default="screening")
    sample.add_argument("--seed", type=int, help="random seed (kept with the sample)")
    sample.add_argument("--as", dest="as_user", required=True, help="username drawing it")
    _database_option(sample)
    report = qverbs.add_parser("report", help="agreement figures of a sample")
    report.add_argument("sample_id", nargs="?", type=int, help="sample number (default latest)")
    report.add_argument("--as", dest="as_user", required=True, help="username reading it")
    _database_option(report)


def _add_memo_parsers(verbs: argparse._SubParsersAction) -> None:
    """``memo verify`` and ``memos``: checking and issuing decision memos."""
    memo = verbs.add_parser("memo", help="check an issued decision memo")
    mverbs = memo.add_subparsers(dest="action", metavar="ACTION", required=True)
    verify = mverbs.add_parser(
        "verify",
        help="say whether a file is an unaltered issued memo, for which decision and version; "
        "exit status 1 if it is not",
    )
    verify.add_argument("file", metavar="FILE")
    verify.add_argument("--as", dest="as_user", help="username asking (default: the system)")
    _database_option(verify)

    memos = verbs.add_parser(
        "memos", help="issue a meeting's decision memos and minutes, one PDF each"
    )
    memos.add_argument(
        "--meeting", required=True, type=_date, metavar="DATE", help="meeting day (YYYY-MM-DD)"
    )
    # Where the documents go: a folder, or a local printer (mash_desk.printing.delivery).
    where = memos.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", type=Path, metavar="DIR", help="write the PDFs into DIR")
    where.add_argument(
        "--print",
        dest="to_printer",
        action="store_true",
        help="send each PDF, exactly as issued, to a local printer (CUPS)",
    )
    memos.add_argument(
        "--printer", metavar="NAME", help="with --print: the printer (default: the default one)"
    )
    memos.add_argument(
        "--as", dest="as_user", required=True, help="username issuing them (recorded)"
    )
    _database_option(memos)


def _add_audit_parsers(verbs: argparse._SubParsersAction) -> None:
    """``audit verify``: the audit log's hash chain."""
    audit = verbs.add_parser("audit", help="check the audit log")
    averbs = audit.add_subparsers(dest="action", metavar="ACTION", required=True)
    averify = averbs.add_parser(
        "verify",
        help="walk the audit log's hash chain; exit status 1 naming the first missing or "
        "altered row",
    )
    _database_option(averify)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _url(args: argparse.Namespace, *, demo: bool = False) -> str:
    if args.database:
        return args.database
    return demo_url() if demo else default_url()


def _progress(message: str, fraction: float) -> None:
    print(f"\r  {fraction:5.0%}  {message:<60}", end="", file=sys.stderr, flush=True)


def _cmd_default(args: argparse.Namespace) -> int:
    from mash_desk.gui.display import NO_DISPLAY, display_available

    if not display_available():
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    from mash_desk.gui.start import start_desk

    if args.demo:
        from mash_desk.storage.encryption import KEY_STORE_ENV

        # Synthetic data: without a keyring its key goes in a private file, not a passphrase
        # prompt (storage/encryption.py DemoKeys).
        os.environ.setdefault(KEY_STORE_ENV, "mash_desk.storage.encryption:DemoKeys")
    return start_desk(
        _with_server_password(_url(args, demo=args.demo)),
        demo=args.demo,
        demo_years=DEMO_YEARS,
        smoke_test=args.smoke_test,
        window_side=args.window_side,
    )


def _with_server_password(url: str) -> str:
    """Put ``$MASH_DESK_SERVER_PASSWORD`` into a server URL, taking it out of the environment.

    Removed even when unused, so no child process (a printer driver, a PDF viewer) inherits it.
    """
    password = os.environ.pop(SERVER_PASSWORD_ENV, None)
    parts = urlsplit(url)
    if not password or parts.scheme.split("+")[0] not in ("postgresql", "postgres"):
        return url
    # By hand, not with SQLAlchemy's URL: the desk's first page is read before it loads.
    login, _at, host = parts.netloc.rpartition("@")
    user = login.partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:{quote(password, safe='')}@{host}"))


def _cmd_demo(args: argparse.Namespace) -> int:
    from mash_desk.services.desk import Desk
    from mash_desk.synthetic import ensure_demo_users, generate

    url = _url(args, demo=True)
    desk = Desk.open(url)
    try:
        ensure_demo_users(desk.db)
        report = generate(desk.db, years=args.years, seed=args.seed, progress=_progress)
        print(file=sys.stderr)
        print(report.summary())
    finally:
        desk.close()
    return 0


def _cmd_db(args: argparse.Namespace) -> int:
    from mash_desk.storage.database import Database
    from mash_desk.storage.migrations import current_revision, head_revision

    if args.action == "encrypt":
        from mash_desk.cli_database import cmd_encrypt

        return cmd_encrypt(_url(args))
    db = Database(_url(args), migrate=args.action == "upgrade", seed=args.action == "upgrade")
    try:
        current, head = current_revision(db.engine), head_revision()
        state = "up to date" if current == head else f"needs upgrade to {head}"
        print(f"{db.engine.url.render_as_string(hide_password=True)}: revision {current} ({state})")
    finally:
        db.close()
    return 0


def _cmd_user(args: argparse.Namespace) -> int:
    from mash_desk.services.desk import Desk

    if args.action == "add" and not args.role:
        print("mash-desk: user add needs --role", file=sys.stderr)
        return 2
    # Read before opening the database, and never from argv: a password on the command line
    # is in every process listing and shell history.
    password = None
    if args.action == "add":
        password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass()
    desk = Desk.open(_url(args))
    try:
        system = desk.users.system_actor()
        if args.action == "deactivate":
            gone = desk.users.deactivate(system, args.username).value
            print(f"Deactivated {gone.username}")
            return 0
        on_server = desk.db.dialect == "postgresql"
        made = desk.users.create(
            system,
            username=args.username,
            display_name=args.name or args.username,
            role=args.role,
            agency_code=args.agency,
            password=password,
            team=args.team,
            server_login=on_server,
        ).value
        login = ", server login" if on_server else ""
        print(f"Created {made.username} ({made.role.label}, {made.agency_code}{login})")
    finally:
        desk.close()
    return 0


# PostgreSQL's SQLSTATE for "permission denied" (a grant missing on a table or column).
_INSUFFICIENT_PRIVILEGE = "42501"


def _cmd_audit(args: argparse.Namespace) -> int:
    from sqlalchemy import inspect
    from sqlalchemy.exc import ProgrammingError

    from mash_desk.storage.audit_chain import verify_all
    from mash_desk.storage.database import Database

    # Not migrated or seeded: verifying must not change the database it checks.
    db = Database(_url(args), migrate=False, seed=False)
    try:
        if not inspect(db.engine).has_table("audit_chain_head"):
            print(
                "mash-desk: this database has no audit chain yet: run mash-desk db upgrade",
                file=sys.stderr,
            )
            return 2
        reports = verify_all(db.engine)
    except ProgrammingError as exc:
        if getattr(exc.orig, "sqlstate", None) != _INSUFFICIENT_PRIVILEGE:
            raise
        # Walking the chain re-hashes every row, detail included, and a performance officer's
        # or administrator's login may not read every column of the logs (issue 13 item 3).
        print(
            "mash-desk: this login may not read every column of the audit and access logs; "
            "run audit verify with the database owner's login",
            file=sys.stderr,
        )
        return 2
    finally:
        db.close()
    for report in reports:
        print(report.summary(), file=sys.stdout if report.ok else sys.stderr)
    return 0 if all(r.ok for r in reports) else 1


def _cmd_server(args: argparse.Namespace) -> int:
    from mash_desk.services.desk import Desk
    from mash_desk.storage.database import make_engine
    from mash_desk.storage.server import init_server

    engine = make_engine(_url(args))
    try:
        report = init_server(engine)
    finally:
        engine.dispose()
    desk = Desk.open(_url(args))
    try:
        # The people's logins may not write threshold documents: store the shipped ones now.
        desk.thresholds.store_shipped(desk.users.system_actor())
    finally:
        desk.close()
    print(
        f"{report.database}: schema up to date; {len(report.groups)} group roles "
        f"({', '.join(report.groups)}); grants applied to {report.tables} tables"
    )
    return 0


def _cmd_summary(args: argparse.Namespace) -> int:
    from mash_desk.reporting.summary import render_text
    from mash_desk.services.desk import Desk

    desk = Desk.open(_url(args))
    try:
        actor = desk.users.actor_for(args.as_user) if args.as_user else desk.users.system_actor()
        print(render_text(desk.summary.summary(actor)))
    finally:
        desk.close()
    return 0


def _cmd_thresholds(args: argparse.Namespace) -> int:
    from mash_desk.domain.errors import NotFound
    from mash_desk.domain.thresholds import (
        ThresholdDocument,
        ThresholdDocumentError,
        load_document,
        read_document_bytes,
    )
    from mash_desk.reporting.thresholds import render_check, render_library
    from mash_desk.services.desk import Desk

    if args.action == "check":
        failed = False
        for name in args.files:
            outcome: ThresholdDocument | ThresholdDocumentError
            try:
                outcome = load_document(name)
            except ThresholdDocumentError as exc:
                outcome, failed = exc, True
            print(render_check(name, outcome))
        return 1 if failed else 0
    desk = Desk.open(_url(args))
    try:
        actor = desk.users.system_actor()
        if args.action == "install":
            try:
                # Read with the size cap, so an oversized file is refused before it is read.
                data = read_document_bytes(args.file)
                result = desk.thresholds.install(actor, data, args.file)
            except ThresholdDocumentError as exc:
                print(render_check(args.file, exc), file=sys.stderr)
                print("mash-desk: nothing was installed", file=sys.stderr)
                return 1
            for notice in result.notices:
                print(notice)
            if result.changed:
                print(f"Installed {result.value.key}")
            return 0
        library = desk.thresholds.library(actor)
        today = desk.ctx.today()
        try:
            current = library.current(today)
        except NotFound:
            current = None
        print(f"Threshold documents (today {today:%d %B %Y}):")
        print(render_library(library, current, today))
    finally:
        desk.close()
    return 0


def _cmd_qa(args: argparse.Namespace) -> int:
    from mash_desk.reporting.thresholds import render_agreement
    from mash_desk.services.desk import Desk

    desk = Desk.open(_url(args))
    try:
        actor = desk.users.actor_for(args.as_user)
        if args.action == "sample":
            result = desk.qa.draw_sample(
                actor,
                size=args.size,
                period_from=args.period_from,
                period_to=args.period_to,
                kind=args.kind,
                seed=args.seed,
            )
            drawn = result.value
            for notice in result.notices:
                print(notice)
            print(
                f"Drew sample {drawn.id}: {drawn.size} {drawn.kind} decisions from "
                f"{drawn.period_from:%d %b %Y} to {drawn.period_to:%d %b %Y} (seed {drawn.seed})"
            )
            return 0
        sample_id = args.sample_id or desk.qa.latest_sample_id(actor)
        if sample_id is None:
            print("mash-desk: no QA sample has been drawn yet", file=sys.stderr)
            return 2
        print(render_agreement(desk.qa.report(actor, sample_id)))
    finally:
        desk.close()
    return 0


def _cmd_memo(args: argparse.Namespace) -> int:
    from mash_desk.services.desk import Desk

    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        print(f"mash-desk: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    desk = Desk.open(_url(args))
    try:
        actor = desk.users.actor_for(args.as_user) if args.as_user else desk.users.system_actor()
        result = desk.documents.verify(actor, data)
    finally:
        desk.close()
    if result.verified:
        print(f"{args.file}: {result.message}")
        return 0
    print(f"mash-desk: {args.file}: {result.message}", file=sys.stderr)
    return 1


def _cmd_memos(args: argparse.Namespace) -> int:
    from mash_desk.printing.delivery import (
        FolderDestination,
        PrinterDestination,
        deliver,
        meeting_batch,
    )
    from mash_desk.services.desk import Desk

    if args.printer and not args.to_printer:
        print("mash-desk: --printer goes with --print", file=sys.stderr)
        return 2
    destination: FolderDestination | PrinterDestination
    if args.to_printer:
        destination = PrinterDestination(args.printer)
    else:
        destination = FolderDestination(args.out)
    # The folder or printer is checked first: nothing is issued for a printer that is not there.
    destination.check()
    if isinstance(destination, FolderDestination) and (shared := destination.shared_reason()):
        # Each memo is written 0600, but others can still see, replace or delete the files.
        print(f"mash-desk: warning: {shared}", file=sys.stderr)
    desk = Desk.open(_url(args))
    try:
        actor = desk.users.actor_for(args.as_user)
        batch = meeting_batch(desk, actor, args.meeting, labels=False)
        pack = batch.pack
        for item in batch.items:
            done = deliver(desk, actor, partial(item.issue, desk, actor), destination)
            issued = done.issued
            copy = f", copy {issued.copy_number}" if issued.is_copy else ""
            print(f"{done.where}  ({issued.reference}{copy}; SHA-256 {issued.sha256})")
    finally:
        desk.close()
    print(
        f"{len(pack.decision_ids)} decision memo(s) for the meeting of {pack.meeting_date:%d %b %Y}"
    )
    for name in pack.undecided:
        print(f"mash-desk: no signed decision yet for {name}: no memo", file=sys.stderr)
    if not pack.signed_off:
        print(
            "mash-desk: minutes not written: the chair has not signed the meeting off yet",
            file=sys.stderr,
        )
        return 1
    return 0


def _with_passphrase(handler, args: argparse.Namespace) -> int:
    """Run ``handler``; if a database's key comes from a passphrase, ask for it and rerun."""
    from mash_desk.cli_database import answer
    from mash_desk.storage.encryption import PassphraseNeeded

    for _attempt in range(3):
        try:
            return handler(args)
        except PassphraseNeeded as needed:
            answer(needed)
    return handler(args)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return the process exit status."""
    args = build_parser().parse_args(argv)
    if getattr(args, "years", 1) is not None and getattr(args, "years", 1) <= 0:
        print("mash-desk: --years must be more than 0", file=sys.stderr)
        return 2
    handlers = {
        None: _cmd_default,
        "demo": _cmd_demo,
        "db": _cmd_db,
        "user": _cmd_user,
        "server": _cmd_server,
        "summary": _cmd_summary,
        "audit": _cmd_audit,
        "thresholds": _cmd_thresholds,
        "qa": _cmd_qa,
        "memo": _cmd_memo,
        "memos": _cmd_memos,
        "backup": lambda a: cmd_backup(a, _url(a)),
        "restore": lambda a: cmd_restore(a, _url(a)),
        "report": lambda a: cmd_report(a, _url(a)),
        "returns": lambda a: cmd_returns(a, _url(a)),
    }
    # The desk (no verb) and every command write to the same private log (issue 14 item 5).
    with logging_to_file():
        return _run(handlers[args.verb], args)


def _database_refusal(exc: BaseException) -> str | None:
    """What a database error says, or None when ``exc`` is not one."""
    # SQLAlchemy is imported by the commands that use it, so only they can raise its errors.
    if "sqlalchemy" not in sys.modules:
        return None
    from sqlalchemy.exc import OperationalError, ProgrammingError

    if not isinstance(exc, OperationalError | ProgrammingError):
        return None
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    if isinstance(exc, OperationalError):
        return f"cannot open the database: {reason}"
    # Typically a login without the privilege (server init must run as the owner).
    return f"the server refused: {reason}"


def _run(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run one command, turning its failures into a line on stderr and an exit status."""
    try:
        return _with_passphrase(handler, args)
    except ValidationError as exc:
        for error in exc.errors:
            print(f"mash-desk: {error.field}: {error.message}", file=sys.stderr)
        return 2
    except (MashDeskError, ValueError) as exc:
        print(f"mash-desk: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nmash-desk: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 — a reference beats a traceback full of internals
        refused = _database_refusal(exc)
        if refused is not None:
            print(f"mash-desk: {refused}", file=sys.stderr)
            return 2
        reference = log_unexpected(exc, f"in mash-desk {args.verb or ''}".rstrip())
        print(
            f"mash-desk: something went wrong ({type(exc).__name__}); tell your administrator "
            f"the reference {reference} (the details are in the log in {log_folder()})",
            file=sys.stderr,
        )
        return 70  # EX_SOFTWARE
