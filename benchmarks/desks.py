"""Many desks on one shared server: ``python -m benchmarks.desks --desks 20,50 --seconds 40``.

Starts a throwaway PostgreSQL cluster with the default ``max_connections`` (100, of which 3
are kept for superusers), runs ``server init``, loads a demo history and gives every simulated
desk its own server login (mostly MASH practitioners, every fifth a partner agency's rep).
Then, for each desk count, that many desk *processes* start together; each opens
``Desk.open(its login's URL)``, signs in with ``users.sign_in_server()`` and loops for a fixed
wall time with human think time: the queue's first page, logging a one-child contact
(``ContactService.log``, what the contact form calls) and opening a case (``CaseService.view``,
what the case view calls); a partner rep reads their agency-check inbox and opens a check
(``AgencyCheckService.inbox`` and ``open_request``, what the partner inbox calls).
Where the desk has a change feed (``mash_desk.storage.notifications``) it also listens, as the
window does, and re-reads its queue on a change at most every 250 ms.

A monitor samples ``pg_stat_activity`` every 100 ms: connections used by the desks (at most,
all together and per login), connections "idle in transaction" (any, and for over a second:
none may be left so), and lock waits. Errors are counted, "too many clients" apart. Prints a
JSON report and a markdown table. Not a timed test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import platform
import random
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from mash_desk.domain.enums import Rag, Role
from mash_desk.services.desk import Desk
from mash_desk.services.inputs import ChildOnContact, NewContact, NewPerson
from mash_desk.services.warm_up import warm_up

PASSWORD = "bench desk password"  # synthetic; the test cluster trusts the loopback anyway
# Every fifth desk is a partner agency's rep, the rest MASH practitioners (domain brief: the
# hub's social-care team outnumbers the co-located partners).
PARTNER_EVERY = 5
PARTNER_AGENCIES = ("police", "health", "education")
# A person reads a page, types, thinks: 1.5-4 s between actions (a busy morning).
THINK_SECONDS = (1.5, 4.0)
# What a practitioner does, by weight: mostly look at the queue, open a child, log a contact.
PRACTITIONER_MIX = (("queue_page", 5), ("open_case", 3), ("log_contact", 2))
PARTNER_MIX = (("partner_inbox", 6), ("open_check", 4))
LIVE_REFRESH_SECONDS = 0.25
POLL_SECONDS = 0.1  # gui/live_sync.py polls its feed every 100 ms
SAMPLE_SECONDS = 0.1
TOO_MANY = ("too many clients", "remaining connection slots are reserved")
HISTORY_YEARS = 0.25


def _login(i: int) -> tuple[str, Role, str]:
    """Return desk ``i``'s login, role and agency."""
    if i % PARTNER_EVERY == PARTNER_EVERY - 1:
        agency = PARTNER_AGENCIES[(i // PARTNER_EVERY) % len(PARTNER_AGENCIES)]
        return f"bench.{agency}.{i:02d}", Role.PARTNER, agency
    return f"bench.practitioner.{i:02d}", Role.PRACTITIONER, "social_care"


def _login_url(url: str, login: str) -> str:
    parsed = make_url(url).set(username=login, password=PASSWORD)
    return parsed.render_as_string(hide_password=False)


# --- the set-up, as the server's owner -------------------------------------------------------


def prepare(url: str, desks: int, years: float) -> None:
    """Run ``server init``, load ``years`` of history and make one login per desk."""
    from mash_desk.storage.database import make_engine
    from mash_desk.storage.server import init_server
    from mash_desk.synthetic import ensure_demo_users, generate

    engine = make_engine(url)
    init_server(engine)
    engine.dispose()
    owner = Desk.open(url)
    try:
        system = owner.users.system_actor()
        owner.thresholds.store_shipped(system)
        ensure_demo_users(owner.db)
        generate(owner.db, years=years, seed=7)
        for i in range(desks):
            login, role, agency = _login(i)
            owner.users.create(
                system,
                username=login,
                display_name=f"Bench desk {i:02d}",
                role=role,
                agency_code=agency,
                password=PASSWORD,
                team="MASH Team A" if role is Role.PRACTITIONER else None,
                server_login=True,
            )
    finally:
        owner.close()


# --- one desk process ------------------------------------------------------------------------


@dataclass
class DeskResult:
    """What one desk process measured."""

    login: str
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    too_many: int = 0
    notifications: int = 0

    def failed(self, exc: BaseException) -> None:
        """Count an error (the first line of its message)."""
        message = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [""])[0]
        if any(words in message for words in TOO_MANY):
            self.too_many += 1
        else:
            self.errors.append(f"{type(exc).__name__}: {message}"[:300])


class _Desk:
    """One simulated person at their desk."""

    def __init__(self, index: int, url: str, result: DeskResult, rng: random.Random):
        self.index = index
        self.url = url
        self.result = result
        self.rng = rng
        self.desk: Desk | None = None
        self.actor: Any = None
        self.feed: Any = None
        self.people: list[int] = []
        self.checks: list[int] = []
        self.logged = 0
        self.last_refresh = 0.0

    def timed(self, name: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            value = fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 — counted, the desk carries on as a person would
            self.result.failed(exc)
            return None
        self.result.times[name].append(time.perf_counter() - started)
        return value

    def open(self) -> bool:
        def sign_in() -> tuple[Desk, Any]:
            desk = Desk.open(self.url)
            try:
                return desk, desk.users.sign_in_server()
            except BaseException:
                desk.close()
                raise

        opened = self.timed("open_desk", sign_in)
        if opened is None:
            return False
        self.desk, self.actor = opened
        # What a desk does once its first page is shown: parse the threshold documents and
        # compile the screens' statements on a reading connection (gui/warm_up.py).
        self.timed("warm_up", warm_up, self.desk)
        try:
            from mash_desk.storage.notifications import ChangeFeed
        except ImportError:  # today's desk has no change feed: no live refresh to simulate
            return True
        self.feed = ChangeFeed(self.desk.db)
        self.timed("listen", self.feed.listen)
        return True

    def queue_page(self, name: str = "queue_page") -> None:
        assert self.desk is not None
        page = self.timed(name, self.desk.queue.page, self.actor, size=50)
        if page is not None and page.rows:
            self.people = [row.person_id for row in page.rows]
        self.last_refresh = time.monotonic()

    def partner_inbox(self, name: str = "partner_inbox") -> None:
        assert self.desk is not None
        items = self.timed(name, self.desk.checks.inbox, self.actor)
        if items:
            self.checks = [item.id for item in items]
        self.last_refresh = time.monotonic()

    def open_check(self) -> None:
        """Open a check of the inbox: a partner's "open case" (logged as a view of the child)."""
        assert self.desk is not None
        if not self.checks:
            self.partner_inbox()
        if self.checks:
            check = self.rng.choice(self.checks)
            self.timed("open_check", self.desk.checks.open_request, self.actor, check)

    def open_case(self) -> None:
        assert self.desk is not None
        if not self.people:
            self.queue_page()
        if self.people:
            self.timed("open_case", self.desk.case.view, self.actor, self.rng.choice(self.people))

    def log_contact(self) -> None:
        assert self.desk is not None
        self.logged += 1
        # A new child every time, unlike any stored one (random names, a random date of birth
        # in 2009-2024: under 18), so the match-before-create check runs and lets it through.
        given, family = (
            "".join(self.rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(7)).title()
            for _ in range(2)
        )
        born = date(2009, 1, 1) + timedelta(days=self.rng.randrange(16 * 365))
        contact = NewContact(
            received_at=self.desk.ctx.clock.now() - timedelta(minutes=5),
            channel="phone",
            referral_source="2A",
            concerns="Class teacher reports the child arrived hungry on three days this week.",
            referrer_name="Bench Referrer",
            risk_indicators=("neglect",),
            children=(
                ChildOnContact(
                    new=NewPerson(given, family, date_of_birth=born),
                    rag=Rag.AMBER,
                    rag_reason="School concern",
                ),
            ),
        )
        self.timed("log_contact", self.desk.contacts.log, self.actor, contact)

    def think(self, seconds: float) -> None:
        """Wait like a person reading; a desk with a change feed follows other desks meanwhile."""
        until = time.monotonic() + seconds
        while (left := until - time.monotonic()) > 0:
            time.sleep(min(POLL_SECONDS, left))
            if self.feed is None:
                continue
            assert self.desk is not None  # the feed is made once the desk is open
            polled = self.feed.poll()
            if polled.must_listen:
                self.timed("listen", self.feed.listen)
            if polled.changes:
                self.result.notifications += len(polled.changes)
                if time.monotonic() - self.last_refresh >= LIVE_REFRESH_SECONDS:
                    if self.actor.role is Role.PARTNER:
                        self.partner_inbox()
                    else:
                        self.timed("live_refresh", self.desk.queue.page, self.actor, size=50)
                        self.last_refresh = time.monotonic()

    def run(self, until: float) -> None:
        mix = PARTNER_MIX if self.actor.role is Role.PARTNER else PRACTITIONER_MIX
        names, weights = zip(*mix, strict=True)
        # The window's first page, apart: every desk asks for it in the same second.
        (self.partner_inbox if self.actor.role is Role.PARTNER else self.queue_page)("first_page")
        while time.monotonic() < until:
            self.think(min(self.rng.uniform(*THINK_SECONDS), max(0.0, until - time.monotonic())))
            if time.monotonic() >= until:
                break
            getattr(self, self.rng.choices(names, weights)[0])()


def _desk_process(index: int, url: str, start: Any, seconds: float, out: Any, run: int) -> None:
    """One desk: wait for the start, sign in, work until the time is up, report."""
    login = make_url(url).username or ""
    result = DeskResult(login)
    # Seeded by run too: desk 3 of the 50-desk run must not log the 20-desk run's children.
    rng = random.Random(f"{run}/{index}")
    start.wait()
    until = time.monotonic() + seconds
    desk = _Desk(index, url, result, rng)
    try:
        # A desk the server turned away tries again, as a person would press "Retry".
        while not desk.open() and time.monotonic() < until:
            time.sleep(2)
        if desk.desk is not None:
            desk.run(until)
    except Exception as exc:  # noqa: BLE001 — reported, never lost with the process
        result.failed(exc)
    finally:
        if desk.desk is not None:
            desk.desk.close()
    out.put(
        {
            "login": login,
            "times": dict(result.times),
            "errors": result.errors,
            "too_many": result.too_many,
            "notifications": result.notifications,
        }
    )


# --- the monitor -----------------------------------------------------------------------------


class Monitor(threading.Thread):
    """Samples the server's sessions every 100 ms on its own (superuser) connection."""

    QUERY = text(
        "SELECT pid, usename, state, wait_event_type, "
        "  coalesce(now() - state_change > interval '1 second', false) AS long, "
        "  left(query, 160) AS query "
        "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
        "  AND backend_type = 'client backend' AND usename LIKE 'bench.%'"
    )

    def __init__(self, owner_url: str):
        super().__init__(daemon=True)
        self.engine = create_engine(
            make_url(owner_url).set(drivername="postgresql+psycopg"),
            isolation_level="AUTOCOMMIT",
            pool_size=1,
        )
        self.stop_event = threading.Event()
        self.samples = 0
        self.max_total = 0
        self.max_per_desk = 0
        self.idle_in_tx_max = 0
        self.idle_in_tx_samples = 0
        self.idle_in_tx_over_1s = 0
        self.lock_waits_max = 0
        self.server_max_connections = 0
        self.idle_in_tx_last_statements: Counter[str] = Counter()
        self.idle_in_tx_pids: set[int] = set()

    def run(self) -> None:
        """Sample until :attr:`stop_event` is set."""
        with self.engine.connect() as conn:
            shown = conn.exec_driver_sql("SHOW max_connections").scalar()
            self.server_max_connections = int(shown or 0)
            while not self.stop_event.wait(SAMPLE_SECONDS):
                rows = conn.execute(self.QUERY).all()
                self.samples += 1
                per: dict[str, int] = defaultdict(int)
                idle_tx = long_tx = waits = 0
                for pid, usename, state, wait_type, long, query in rows:
                    per[usename] += 1
                    if state and state.startswith("idle in transaction"):
                        idle_tx += 1
                        long_tx += bool(long)
                        if long:
                            self.idle_in_tx_pids.add(pid)
                            # The statement text only ($1 parameters): no one's details.
                            self.idle_in_tx_last_statements[" ".join(query.split())] += 1
                    waits += wait_type == "Lock"
                self.max_total = max(self.max_total, len(rows))
                self.max_per_desk = max(self.max_per_desk, max(per.values(), default=0))
                self.idle_in_tx_max = max(self.idle_in_tx_max, idle_tx)
                self.idle_in_tx_samples += idle_tx > 0
                self.idle_in_tx_over_1s += long_tx
                self.lock_waits_max = max(self.lock_waits_max, waits)
        self.engine.dispose()

    def report(self) -> dict[str, Any]:
        """Return the figures sampled."""
        return {
            "samples": self.samples,
            "server_max_connections": self.server_max_connections,
            "max_connections_used": self.max_total,
            "max_connections_per_desk": self.max_per_desk,
            "idle_in_transaction_max": self.idle_in_tx_max,
            "idle_in_transaction_samples": self.idle_in_tx_samples,
            "idle_in_transaction_over_1s": self.idle_in_tx_over_1s,
            "connections_idle_in_transaction_over_1s": len(self.idle_in_tx_pids),
            "lock_waits_max": self.lock_waits_max,
            "idle_in_transaction_over_1s_last_statements": dict(
                self.idle_in_tx_last_statements.most_common(5)
            ),
        }


# --- one run ---------------------------------------------------------------------------------


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {"count": 0}
    q = statistics.quantiles(ordered, n=20, method="inclusive") if len(ordered) > 1 else ordered
    return {
        "count": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round((q[18] if len(ordered) > 1 else ordered[0]) * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def run_desks(owner_url: str, desks: int, seconds: float) -> dict[str, Any]:
    """Run ``desks`` desk processes for ``seconds``; return their figures."""
    ctx = mp.get_context("fork")
    start, out = ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(
            target=_desk_process,
            args=(i, _login_url(owner_url, _login(i)[0]), start, seconds, out, desks),
        )
        for i in range(desks)
    ]
    for proc in procs:
        proc.start()
    monitor = Monitor(owner_url)
    monitor.start()
    time.sleep(1)  # every process imported and waiting
    start.set()
    results = [out.get(timeout=seconds + 120) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    monitor.stop_event.set()
    monitor.join()
    times: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    for result in results:
        for name, values in result["times"].items():
            times[name].extend(values)
        errors.extend(result["errors"])
    return {
        "desks": desks,
        "seconds": seconds,
        "operations": {name: _percentiles(values) for name, values in sorted(times.items())},
        "connections": monitor.report(),
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "too_many_clients_errors": sum(r["too_many"] for r in results),
        "desks_never_signed_in": sum(1 for r in results if not r["times"].get("open_desk")),
        "notifications_received": sum(r["notifications"] for r in results),
    }


def markdown(runs: list[dict[str, Any]]) -> str:
    """Return the README table of ``runs``."""
    ops = (
        "open_desk",
        "first_page",
        "queue_page",
        "log_contact",
        "open_case",
        "partner_inbox",
        "open_check",
        "live_refresh",
    )
    lines = [
        "| desks | operation | calls | p50 ms | p95 ms |",
        "|---|---|---|---|---|",
    ]
    for run in runs:
        for op in ops:
            figures = run["operations"].get(op)
            if figures and figures["count"]:
                lines.append(
                    f"| {run['desks']} | {op} | {figures['count']} | {figures['p50_ms']} "
                    f"| {figures['p95_ms']} |"
                )
    lines += [
        "",
        "| desks | connections used (max) | per desk (max) | connections idle in transaction > 1 s "
        "| lock waits (max) | errors | too many clients | desks never signed in |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        c = run["connections"]
        lines.append(
            f"| {run['desks']} | {c['max_connections_used']} of {c['server_max_connections']} "
            f"| {c['max_connections_per_desk']} | {c['connections_idle_in_transaction_over_1s']} "
            f"| {c['lock_waits_max']} | {run['errors']} | {run['too_many_clients_errors']} "
            f"| {run['desks_never_signed_in']} |"
        )
    firsts = [f"{r['desks']} desks: {r['first_error']}" for r in runs if r["first_error"]]
    return "\n".join(lines + ([""] + [f"First error, {f}" for f in firsts] if firsts else []))


def main(argv: list[str] | None = None) -> int:
    """Start the cluster, set up, run each desk count; print JSON then the markdown table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.desks")
    parser.add_argument("--desks", default="20,50", help="desk counts (default 20,50)")
    parser.add_argument("--seconds", type=float, default=40, help="wall time per run (default 40)")
    parser.add_argument(
        "--years", type=float, default=HISTORY_YEARS, help="history (default 0.25 years)"
    )
    parser.add_argument("--json", metavar="FILE", help="also write the JSON report to FILE")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.desks.split(",")]
    sys.path.insert(0, ".")
    from tests.support import postgres

    server = postgres.start()
    try:
        admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE mash_bench"))
        admin.dispose()
        url = server.url("mash_bench")
        started = time.monotonic()
        prepare(url, max(counts), args.years)
        print(f"set up in {time.monotonic() - started:.0f} s", file=sys.stderr)
        runs = []
        for count in counts:
            runs.append(run_desks(url, count, args.seconds))
            print(f"{count} desks done", file=sys.stderr)
    finally:
        server.stop()
    report = {
        "runs": runs,
        "history_years": args.years,
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
    }
    text_report = json.dumps(report, indent=2)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            f.write(text_report)
    print(text_report)
    print()
    print(markdown(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
