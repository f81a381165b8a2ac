"""Benchmark scenarios: each operation as the app runs it and as a hand-written-SQL floor.

The floors produce the same answer as the services — the same rows written, or the same rows
and scores returned — including the one look-up of the acting user that any correct
implementation needs for its permission check. What the ratio then shows is the cost of the
application's own layers (ORM, validation, DTOs, audit), which must stay within 1.5× of the
floor; comparing 100 years with 10 shows whether cost grows with history.
"""

from __future__ import annotations

import itertools
import json
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import platformdirs

from mash_desk.domain.audit_chain import canonical_values, row_hash
from mash_desk.domain.clock import FixedClock
from mash_desk.domain.enums import Rag
from mash_desk.domain.matching import SUGGEST_AT, PersonFacts, name_key, score
from mash_desk.services.desk import Desk
from mash_desk.services.inputs import ChildOnContact, NewContact, NewPerson
from mash_desk.storage.audit_chain import ACCESS, AUDIT
from mash_desk.storage.database import Database

TARGET_RATIO = 1.5
TARGET_GROWTH = 1.3
SEED = 7
# A fixed "now" keeps the cached databases valid across runs: history ends here.
END = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)
# 4: encrypted with SQLCipher (issue 14); a format-3 file is plaintext and would be refused.
CACHE_FORMAT = 4


def _cache_dir() -> Path:
    path = Path(platformdirs.user_cache_dir("mash-desk-benchmarks", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def copy_database(source: Path, target: Path) -> None:
    """Copy an encrypted database file with its key header (it cannot be opened without)."""
    from mash_desk.storage.encryption import header_path

    shutil.copyfile(source, target)
    shutil.copyfile(header_path(source), header_path(target))


def build(years: int, rebuild: bool = False) -> Path:
    """Return the cached database with ``years`` of synthetic history, building it if needed."""
    from mash_desk.synthetic import ensure_demo_users, generate

    target = _cache_dir() / f"history-{years}y-seed{SEED}-v{CACHE_FORMAT}.sqlite3"
    marker = target.with_suffix(".json")
    if target.exists() and marker.exists() and not rebuild:
        return target
    for suffix in ("", "-wal", "-shm", ".keyinfo"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    started = time.perf_counter()
    db = Database(f"sqlite:///{target}")
    ensure_demo_users(db)

    def progress(message: str, fraction: float) -> None:
        print(
            f"\r  building {years}y: {fraction:5.0%} {message:<50}",
            end="",
            file=__import__("sys").stderr,
        )

    report = generate(db, years=years, seed=SEED, end=END, progress=progress)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.exec_driver_sql("ANALYZE")
    db.close()
    print(file=__import__("sys").stderr)
    marker.write_text(
        json.dumps(
            {"years": years, "seconds": time.perf_counter() - started, "summary": report.summary()}
        )
    )
    return target


def _medians(
    pairs: list[tuple[Callable[[int], Any], Callable[[int], Any]]], repeat: int
) -> list[tuple[float, float]]:
    """Return (app median, floor median) for each (app, floor) pair, all timed interleaved.

    Every probe is first run once, untimed, by every side, so the pages it touches are in
    the OS cache before anything is timed (otherwise whichever side meets a cold page of a
    multi-gigabyte file first pays for the disk read). Timed runs then rotate through all
    sides — app and floor, 10 and 100 years — changing which goes first each round, so
    drift in the machine's speed hits every figure alike and ratios and growth stay fair.
    """
    sides = [side for pair in pairs for side in pair]
    for i in range(repeat):
        for side in sides:
            side(i)
    times: list[list[float]] = [[] for _ in sides]
    for i in range(repeat):
        order = list(range(len(sides)))
        if i % 2:
            order.reverse()
        for k in order:
            t0 = time.perf_counter()
            sides[k](i)
            times[k].append(time.perf_counter() - t0)
    medians = [statistics.median(t) for t in times]
    return [(medians[2 * j], medians[2 * j + 1]) for j in range(len(pairs))]


def _sqlite_dt(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


class Scenarios:
    """The four operations on one database copy."""

    def __init__(self, path: Path, repeat: int):
        self.repeat = repeat
        self._logged = itertools.count()
        self.clock = FixedClock(END)
        self.desk = Desk.open(f"sqlite:///{path}", self.clock)
        from mash_desk.synthetic import DEMO_PRACTITIONER

        self.actor = self.desk.users.actor_for(DEMO_PRACTITIONER)
        self.raw = self.desk.db.engine.raw_connection()
        # On the driver's connection itself (sqlite3's, or untyped sqlcipher3's); the pool's
        # proxy would only keep the attribute. Explicit BEGIN/COMMIT, as the ORM issues them.
        driver: Any = self.raw.dbapi_connection
        driver.isolation_level = None
        rng = random.Random(SEED)
        cur = self.raw.cursor()
        # Probes are children a new contact could be about today: born in the last 18 years.
        cutoff = date(END.year - 18, END.month, END.day).isoformat()
        low, high = cur.execute(
            "SELECT min(id), max(id) FROM people WHERE kind = 'child' AND date_of_birth > ?",
            (cutoff,),
        ).fetchone()
        self.children: list[tuple[int, str, str, str]] = []
        while len(self.children) < repeat + 10:
            row = cur.execute(
                "SELECT id, given_name, family_name, date_of_birth FROM people "
                "WHERE id >= ? AND kind = 'child' AND date_of_birth > ? ORDER BY id LIMIT 1",
                (rng.randint(low, high), cutoff),
            ).fetchone()
            if row:
                self.children.append(row)

    def pair(self, name: str) -> tuple[Callable[[int], Any], Callable[[int], Any]]:
        """Return the (app, floor) callables of one operation."""
        return {
            "log_contact": (self.log_app, self.log_floor),
            "queue_first_page": (self.queue_app, self.queue_floor),
            "duplicate_match": (self.match_app, self.match_floor),
            "history_check": (self.history_app, self.history_floor),
        }[name]

    def check_answers(self) -> None:
        """Fail loudly if a floor does not answer the app's question (before anything is timed).

        A floor that returned less than the app would flatter the ratio's denominator.
        """
        page, _others = self.queue_floor(0)
        app_page = self.queue_app(0)
        _same(
            "queue_first_page",
            [(r.kind, r.item_id) for r in app_page.rows],
            [(r[0], r[1]) for r in page],
        )
        for i in range(3):
            shown, _known = self.match_floor(i)
            matches = self.match_app(i)
            _same(
                "duplicate_match",
                [(m.person.id, m.score) for m in matches],
                [(pid, value) for value, pid, _r in shown],
            )
            _recent, counts, refs, _services = self.history_floor(i)
            history = self.history_app(i)
            _same(
                "history_check",
                (
                    history.total_contacts,
                    history.total_referrals,
                    [r.referral_id for r in history.referrals],
                ),
                (counts[1], counts[3], [r[0] for r in refs]),
            )

    def close(self) -> None:
        """Release connections."""
        self.raw.close()
        self.desk.close()

    def _user_check(self, cur) -> None:
        cur.execute(
            "SELECT id, username, role_code, active FROM users WHERE id = ?", (self.actor.user_id,)
        ).fetchone()

    # -- log a contact (with its audit rows) ---------------------------------------------
    def _new_contact(self, i: int) -> NewContact:
        # Every call logs a different child: probe i is logged once untimed and once timed,
        # and the desk refuses a second child who strongly matches one already stored.
        n = next(self._logged)
        given = "Bench" + "".join(chr(ord("a") + int(d)) for d in str(n))
        return NewContact(
            received_at=self.clock.now() - timedelta(minutes=5),
            channel="phone",
            referral_source="2A",
            concerns="Class teacher reports the child arrived hungry on three days this week.",
            referrer_name="Bench Referrer",
            risk_indicators=("neglect",),
            children=(
                ChildOnContact(
                    # The service's match-before-create check runs and finds no strong match.
                    new=NewPerson(
                        given, "Child", date_of_birth=date(2009, 1, 1) + timedelta(days=11 * n)
                    ),
                    rag=Rag.AMBER,
                    rag_reason="School concern",
                ),
            ),
        )

    @staticmethod
    def _floor_dob(i: int) -> date:
        # Floor children are born in other years than the app's, so neither side's child is
        # the other's strong match (same names and date of birth).
        return date(2000, 1, 1) + timedelta(days=i)

    def log_app(self, i: int) -> Any:
        """Log a one-child contact through the service."""
        return self.desk.contacts.log(self.actor, self._new_contact(i))

    def log_floor(self, i: int) -> Any:
        """Write the same rows with hand-written SQL in one transaction."""
        cur = self.raw.cursor()
        now = _sqlite_dt(self.clock.now())
        received = _sqlite_dt(self.clock.now() - timedelta(minutes=5))
        due = _sqlite_dt(
            self.desk.ctx.deadlines.decision_due(Rag.AMBER, self.clock.now() - timedelta(minutes=5))
        )
        cur.execute("BEGIN")
        self._user_check(cur)
        # The service checks for a strong match before creating the child (issue 12): the
        # floor looks up the same indexed candidates.
        dob = self._floor_dob(i)
        cur.execute(
            "SELECT p.id, p.given_name, p.date_of_birth FROM people p "
            "WHERE (p.family_key = :f AND p.given_key = :g AND p.date_of_birth BETWEEN :lo AND :hi) "
            "OR (p.family_key = :f AND p.date_of_birth = :d) "
            "OR (p.given_key = :g AND p.date_of_birth = :d) LIMIT 500",
            {
                "f": name_key("Child"),
                "g": name_key(f"Bench{i}"),
                "lo": (dob - timedelta(days=400)).isoformat(),
                "hi": (dob + timedelta(days=400)).isoformat(),
                "d": dob.isoformat(),
            },
        ).fetchall()
        cur.execute(
            "INSERT INTO contacts (received_at, channel, referrer_name, referral_source, concerns, created_by, created_at, version) "
            "VALUES (?, 'phone', 'Bench Referrer', '2A', ?, ?, ?, 1)",
            (
                received,
                "Class teacher reports the child arrived hungry on three days this week.",
                self.actor.user_id,
                now,
            ),
        )
        contact_id = cur.lastrowid
        cur.execute(
            "INSERT INTO contact_risk_indicators (contact_id, code) VALUES (?, 'neglect')",
            (contact_id,),
        )
        cur.execute(
            "INSERT INTO people (kind, given_name, family_name, given_key, family_key, date_of_birth, sex, "
            "interpreter_needed, disability, created_at, version) VALUES ('child', ?, 'Child', ?, ?, ?, "
            "'unknown', 0, 0, ?, 1)",
            (f"Bench{i}", name_key(f"Bench{i}"), name_key("Child"), dob.isoformat(), now),
        )
        person_id = cur.lastrowid
        self._audit_floor(
            cur,
            "person.created",
            "person",
            person_id,
            person_id,
            json.dumps({"kind": "child", "unborn": False}, sort_keys=True),
        )
        cur.execute(
            "INSERT INTO contact_children (contact_id, person_id, status, rag, due_at, version) VALUES (?, ?, 'open', 'amber', ?, 1)",
            (contact_id, person_id, due),
        )
        cc_id = cur.lastrowid
        cur.execute(
            "INSERT INTO rag_ratings (contact_child_id, value, reason, rated_by, rated_at) VALUES (?, 'amber', 'School concern', ?, ?)",
            (cc_id, self.actor.user_id, now),
        )
        self._audit_floor(
            cur,
            "contact.logged",
            "contact",
            contact_id,
            person_id,
            json.dumps({"children": [person_id], "channel": "phone"}, sort_keys=True),
        )
        cur.execute("COMMIT")
        return contact_id

    def _audit_floor(
        self, cur, action: str, entity: str, entity_id: int, person_id: int, detail: str
    ) -> None:
        """One hash-chained audit row by hand: take the head, hash, insert, move the head."""
        at = self.clock.now()
        row_id, prev = cur.execute(
            "UPDATE audit_chain_head SET last_id = last_id + 1 WHERE log = 'audit_log' "
            "RETURNING last_id, last_hash"
        ).fetchone()
        values = (row_id, at, self.actor.user_id, action, entity, entity_id, person_id, detail)
        digest = row_hash(prev, canonical_values(AUDIT.tag, [*values, None]))
        cur.execute(
            "INSERT INTO audit_log (id, at, user_id, action, entity, entity_id, person_id, detail, "
            "db_user, prev_hash, row_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)",
            (row_id, _sqlite_dt(at), *values[2:], prev, digest),
        )
        cur.execute("UPDATE audit_chain_head SET last_hash = ? WHERE log = 'audit_log'", (digest,))

    def _access_floor(self, cur, person_id: int, what: str, detail: str | None) -> None:
        """One hash-chained access-log row by hand: every read of a child's record writes one."""
        at = self.clock.now()
        row_id, prev = cur.execute(
            "UPDATE audit_chain_head SET last_id = last_id + 1 WHERE log = 'access_log' "
            "RETURNING last_id, last_hash"
        ).fetchone()
        values = (row_id, self.actor.user_id, person_id, at, what, detail, None)
        digest = row_hash(prev, canonical_values(ACCESS.tag, list(values)))
        cur.execute(
            "INSERT INTO access_log (id, user_id, person_id, at, what, detail, db_user, "
            "prev_hash, row_hash) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)",
            (row_id, self.actor.user_id, person_id, _sqlite_dt(at), what, detail, prev, digest),
        )
        cur.execute("UPDATE audit_chain_head SET last_hash = ? WHERE log = 'access_log'", (digest,))

    # -- first page of the open-work queue ----------------------------------------------
    def queue_app(self, _i: int) -> Any:
        """Read the first page through the service."""
        return self.desk.queue.page(self.actor, size=50)

    def queue_floor(self, _i: int) -> Any:
        """Read the same rows with hand-written SQL."""
        cur = self.raw.cursor()
        self._user_check(cur)
        contacts = cur.execute(
            "SELECT 'contact', cc.id, cc.contact_id, p.id, p.given_name, p.family_name, p.date_of_birth, "
            "p.expected_delivery, p.household_id, h.postcode, cc.rag, cc.due_at, cc.status, u.display_name, cc.version, "
            "cc.provisional_level, coalesce(cc.team, u.team), cc.assigned_to "
            "FROM contact_children cc JOIN people p ON p.id = cc.person_id "
            "LEFT JOIN households h ON h.id = p.household_id LEFT JOIN users u ON u.id = cc.assigned_to "
            "WHERE cc.status = 'open' ORDER BY cc.due_at, cc.id LIMIT 50"
        ).fetchall()
        referrals = cur.execute(
            "SELECT 'referral', r.id, cc.contact_id, p.id, p.given_name, p.family_name, p.date_of_birth, "
            "p.expected_delivery, p.household_id, h.postcode, r.rag, r.decision_due_at, r.status, u.display_name, r.version, "
            "r.level, coalesce(r.team, u.team), r.assigned_to "
            "FROM referrals r JOIN contact_children cc ON cc.id = r.contact_child_id JOIN people p ON p.id = r.person_id "
            "LEFT JOIN households h ON h.id = p.household_id LEFT JOIN users u ON u.id = r.assigned_to "
            "WHERE r.status = 'awaiting_decision' ORDER BY r.decision_due_at, r.id LIMIT 50"
        ).fetchall()
        page = sorted(contacts + referrals, key=lambda r: (r[11], r[0], r[1]))[:50]
        # Issue 12: the page also marks each child's other open work, in one grouped read.
        people = sorted({r[3] for r in page})
        marks = ",".join("?" * len(people))
        today = self.desk.ctx.today().isoformat()
        others = cur.execute(
            f"SELECT person_id, 'contact', count(*) FROM contact_children WHERE person_id IN ({marks}) "
            "AND status = 'open' GROUP BY person_id "
            f"UNION ALL SELECT person_id, 'referral', count(*) FROM referrals WHERE person_id IN ({marks}) "
            "AND status = 'awaiting_decision' GROUP BY person_id "
            f"UNION ALL SELECT person_id, service, count(*) FROM service_episodes WHERE person_id IN ({marks}) "
            "AND started_on <= ? AND (ended_on IS NULL OR ended_on > ?) GROUP BY person_id, service",
            (*people, *people, *people, today, today),
        ).fetchall()
        return page, others

    # -- duplicate match for a new child ------------------------------------------------
    def _probe(self, i: int) -> NewPerson:
        _pid, given, family, dob = self.children[i % len(self.children)]
        # The practitioner typed the first name slightly differently, as on a phone call.
        return NewPerson(
            given[:-1] + "e" if len(given) > 3 else given,
            family,
            date_of_birth=date.fromisoformat(dob),
        )

    def match_app(self, i: int) -> Any:
        """Find duplicates through the service."""
        return self.desk.people.find_duplicates(self.actor, self._probe(i))

    def match_floor(self, i: int) -> Any:
        """Same candidates by hand-written SQL, scored by the same domain function."""
        probe = self._probe(i)
        assert probe.date_of_birth is not None
        cur = self.raw.cursor()
        cur.execute("BEGIN")
        self._user_check(cur)
        dob = probe.date_of_birth
        fkey, gkey = name_key(probe.family_name), name_key(probe.given_name)
        try:
            swapped = date(dob.year, dob.day, dob.month)
        except ValueError:
            swapped = dob
        rows = cur.execute(
            "SELECT p.given_name, p.family_name, p.date_of_birth, p.expected_delivery, p.nhs_number, h.postcode, p.id "
            "FROM people p LEFT JOIN households h ON h.id = p.household_id "
            "WHERE (p.family_key = :f AND p.given_key = :g AND p.date_of_birth BETWEEN :lo AND :hi) "
            "OR (p.family_key = :f AND p.date_of_birth IN (:d, :s)) "
            "OR (p.given_key = :g AND p.date_of_birth = :d) LIMIT 500",
            {
                "f": fkey,
                "g": gkey,
                "lo": (dob - timedelta(days=400)).isoformat(),
                "hi": (dob + timedelta(days=400)).isoformat(),
                "d": dob.isoformat(),
                "s": swapped.isoformat(),
            },
        ).fetchall()
        facts = PersonFacts(probe.given_name, probe.family_name, dob)
        scored = []
        for g, f, d, e, n, pc, pid in rows:
            value, reasons = score(
                facts,
                PersonFacts(
                    g,
                    f,
                    date.fromisoformat(d) if d else None,
                    date.fromisoformat(e) if e else None,
                    n,
                    pc,
                ),
            )
            if value >= SUGGEST_AT:
                scored.append((value, pid, reasons))
        scored.sort(key=lambda s: (-s[0], s[1]))
        shown = scored[:8]
        # A practitioner may read case records: each suggestion says what the MASH knows,
        # and that read of the child's record is written to the access log (issue 12).
        known = [(pid, self._known_floor(cur, pid)) for _v, pid, _r in shown]
        for _value, pid, _reasons in shown:
            self._access_floor(cur, pid, "person.match", "Possible duplicate")
        cur.execute("COMMIT")
        return shown, known

    def _known_floor(self, cur, pid: int) -> tuple[Any, ...]:
        """What the MASH knows of one child: open work, last contact, referrals, level, plans."""
        since = _sqlite_dt(self.clock.now().replace(year=self.clock.now().year - 1))
        facts = cur.execute(
            "SELECT (SELECT count(*) FROM contact_children WHERE person_id = :pid AND status = 'open'),"
            " (SELECT count(*) FROM referrals WHERE person_id = :pid AND status = 'awaiting_decision'),"
            " (SELECT max(c.received_at) FROM contacts c JOIN contact_children cc ON cc.contact_id = c.id"
            "  WHERE cc.person_id = :pid),"
            " (SELECT count(*) FROM referrals WHERE person_id = :pid AND referral_at >= :since),"
            " (SELECT level FROM referrals WHERE person_id = :pid AND level IS NOT NULL"
            "  ORDER BY referral_at DESC, id DESC LIMIT 1),"
            " (SELECT cc.provisional_level FROM contact_children cc JOIN contacts c ON c.id = cc.contact_id"
            "  WHERE cc.person_id = :pid AND cc.provisional_level IS NOT NULL"
            "  ORDER BY c.received_at DESC, cc.id DESC LIMIT 1)",
            {"pid": pid, "since": since},
        ).fetchone()
        today = END.date().isoformat()
        plans = cur.execute(
            "SELECT service FROM service_episodes WHERE person_id = ? AND started_on <= ?"
            " AND (ended_on IS NULL OR ended_on > ?) ORDER BY started_on",
            (pid, today, today),
        ).fetchall()
        return facts, plans

    # -- history check ------------------------------------------------------------------
    def history_app(self, i: int) -> Any:
        """History check through the service."""
        return self.desk.history.check(self.actor, self.children[i % len(self.children)][0])

    def history_floor(self, i: int) -> Any:
        """The same history by hand-written SQL."""
        pid = self.children[i % len(self.children)][0]
        cur = self.raw.cursor()
        cur.execute("BEGIN")
        self._user_check(cur)
        counts = cur.execute(
            "SELECT (SELECT id FROM people WHERE id = :pid),"
            " (SELECT count(*) FROM contact_children WHERE person_id = :pid AND contact_id != 0),"
            " (SELECT count(*) FROM contact_children WHERE person_id = :pid AND contact_id != 0 AND status = 'open'),"
            " (SELECT count(*) FROM referrals WHERE person_id = :pid),"
            " (SELECT count(*) FROM referrals WHERE person_id = :pid AND status = 'awaiting_decision'),"
            # Open front-door work, the screened contact included (the re-referral question).
            " (SELECT count(*) FROM contact_children WHERE person_id = :pid AND status = 'open')",
            {"pid": pid},
        ).fetchone()
        recent = (
            []
            if not counts[1]
            else cur.execute(
                "SELECT r.cc_id, r.contact_id, r.received_at, o.outcome FROM ("
                " SELECT cc.id AS cc_id, c.id AS contact_id, c.received_at AS received_at"
                " FROM contact_children cc JOIN contacts c ON c.id = cc.contact_id"
                " WHERE cc.person_id = ? AND cc.contact_id != 0"
                " ORDER BY c.received_at DESC, cc.id DESC LIMIT 20) AS r"
                " LEFT JOIN contact_outcomes o ON o.contact_child_id = r.cc_id"
                " ORDER BY r.received_at DESC, r.cc_id DESC, o.outcome",
                (pid,),
            ).fetchall()
        )
        refs = (
            []
            if not counts[3]
            else cur.execute(
                "SELECT id, referral_at, status, primary_need FROM referrals WHERE person_id = ?"
                " ORDER BY referral_at DESC LIMIT 20",
                (pid,),
            ).fetchall()
        )
        today = END.date().isoformat()
        services = cur.execute(
            "SELECT service, team, started_on FROM service_episodes WHERE person_id = ? AND started_on <= ?"
            " AND (ended_on IS NULL OR ended_on > ?) ORDER BY started_on",
            (pid, today, today),
        ).fetchall()
        # The look is a read of the child's record: one access-log row, same transaction.
        self._access_floor(cur, pid, "history.view", None)
        cur.execute("COMMIT")
        return recent, counts, refs, services


def _same(operation: str, app: Any, floor: Any) -> None:
    if app != floor:
        raise AssertionError(
            f"{operation}: the floor's answer differs from the app's\n"
            f"  app:   {app!r}\n  floor: {floor!r}"
        )


OPERATIONS = ("log_contact", "queue_first_page", "duplicate_match", "history_check")


def run(sizes: list[int], repeat: int, rebuild: bool = False) -> dict[str, Any]:
    """Time every operation at every size; return the report as a dict."""
    results: dict[str, dict[str, dict[str, float]]] = {op: {} for op in OPERATIONS}
    builds = {}
    with tempfile.TemporaryDirectory(prefix="mash-bench-") as tmp:
        scenarios: dict[int, Scenarios] = {}
        try:
            for years in sizes:
                cached = build(years, rebuild)
                builds[f"{years}y"] = json.loads(cached.with_suffix(".json").read_text())
                # Work on a copy, so the writes of log_contact never change the cache.
                work = Path(tmp) / f"work-{years}y.sqlite3"
                copy_database(cached, work)
                scenarios[years] = Scenarios(work, repeat)
                scenarios[years].check_answers()
            for name in OPERATIONS:
                pairs = [scenarios[years].pair(name) for years in sizes]
                for years, (app_median, floor_median) in zip(
                    sizes, _medians(pairs, repeat), strict=True
                ):
                    results[name][f"{years}y"] = {
                        "median_ms": round(app_median * 1000, 3),
                        "floor_median_ms": round(floor_median * 1000, 3),
                        "ratio": round(app_median / floor_median, 2),
                    }
        finally:
            for scenario in scenarios.values():
                scenario.close()
    growth = {}
    if len(sizes) >= 2:
        small, large = f"{min(sizes)}y", f"{max(sizes)}y"
        for name in ("queue_first_page", "duplicate_match", "history_check"):
            growth[name] = round(
                results[name][large]["median_ms"] / results[name][small]["median_ms"], 2
            )
    met = all(v["ratio"] <= TARGET_RATIO for op in results.values() for v in op.values()) and all(
        g <= TARGET_GROWTH for g in growth.values()
    )
    return {
        "operations": results,
        "growth_largest_over_smallest": growth,
        "builds": builds,
        "repeat": repeat,
        "targets_met": met,
    }
