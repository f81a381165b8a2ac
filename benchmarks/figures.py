"""The manager's figures on a long history: the dashboard and the CIN census export (issue 15).

Targets (issue 15 item 2): the dashboard opens in under a second on ten years of history.
Each app figure stands beside a floor measured in the same run on the same encrypted copy:

* ``dashboard`` — app: what the dashboard reads on its background thread
  (``gui.dashboard_data.load_dashboard``: every measure for last month with breakdowns, the
  trend measures over twelve months, the teams). Floor: the very SQL statements that load
  sent, captured once and replayed on the DBAPI cursor — the database's own cost of the
  answer, without the service's permission check, window building, DTOs or arithmetic.
* ``cin_export`` — app: ``returns.export_cin`` for the census year ending 31 March of the
  history's last year (read, rules checked, XML built, access and audit rows written and
  committed; the XML goes to memory). Floor: its reads replayed the same way, the same
  number of hash-chained access rows and the audit row written by hand in one committed
  transaction, and the same XML document serialised (ElementTree, as the app does).

The floors replay the app's own SQL (the statements are already narrow, indexed reads): a
ratio near 1 says the service layers cost little; the absolute time is what users wait for.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import event

from benchmarks.harness import END, build, copy_database
from mash_desk.domain.clock import FixedClock
from mash_desk.domain.measures import MonthPeriod
from mash_desk.services.desk import Desk
from mash_desk.synthetic.users import DEMO_MANAGER

TARGET_DASHBOARD_S = 1.0


@contextmanager
def captured(desk: Desk) -> Iterator[list[tuple[str, Any]]]:
    """Collect every statement (SQL and parameters) ``desk`` sends while inside."""
    sent: list[tuple[str, Any]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:
        sent.append((statement, parameters))

    event.listen(desk.db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(desk.db.engine, "before_cursor_execute", record)


def _reads(sent: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """The SELECTs of a capture (the floor reads; writes are the app's to pay)."""
    return [(sql, params) for sql, params in sent if sql.lstrip().upper().startswith("SELECT")]


def _replay(raw: Any, statements: list[tuple[str, Any]]) -> int:
    cursor = raw.cursor()
    rows = 0
    for sql, params in statements:
        rows += len(cursor.execute(sql, params).fetchall())
    cursor.close()
    return rows


def _census_floor(
    raw: Any, reads: list[tuple[str, Any]], document: Any, children: list[int], user_id: int
) -> int:
    """The census's reads, its chained access rows and audit row, and the XML's bytes."""
    import json
    from xml.etree import ElementTree

    from mash_desk.domain.audit_chain import canonical_values, row_hash
    from mash_desk.storage.audit_chain import ACCESS, AUDIT

    rows = _replay(raw, reads)
    data = ElementTree.tostring(document, encoding="utf-8", xml_declaration=True)
    cursor = raw.cursor()
    cursor.execute("BEGIN")
    at = END.strftime("%Y-%m-%d %H:%M:%S.%f")
    for log, values in [
        *((ACCESS, (user_id, pid, END, "returns.cin", "census", None)) for pid in children),
        (AUDIT, (END, user_id, "returns.cin_exported", "return", None, None, "{}", None)),
    ]:
        row_id, prev = cursor.execute(
            "UPDATE audit_chain_head SET last_id = last_id + 1 WHERE log = ? "
            "RETURNING last_id, last_hash",
            (log.name,),
        ).fetchone()
        digest = row_hash(prev, canonical_values(log.tag, [row_id, *values]))
        stored = [at if v is END else v for v in values]
        marks = ", ".join("?" * (len(values) + 3))
        cursor.execute(
            f"INSERT INTO {log.name} ({', '.join(log.columns)}, prev_hash, row_hash) "
            f"VALUES ({marks})",
            (row_id, *stored, prev, digest),
        )
        cursor.execute(
            "UPDATE audit_chain_head SET last_hash = ? WHERE log = ?", (digest, log.name)
        )
    cursor.execute("COMMIT")
    cursor.close()
    return rows + len(data) + len(json.dumps(children))


def _timed(sides: list[Callable[[], Any]], repeat: int) -> list[float]:
    """Medians of ``sides``, interleaved (order flipped every round); one untimed warm-up."""
    for side in sides:
        side()
    times: list[list[float]] = [[] for _ in sides]
    for i in range(repeat):
        order = range(len(sides)) if i % 2 == 0 else reversed(range(len(sides)))
        for k in order:
            t0 = time.perf_counter()
            sides[k]()
            times[k].append(time.perf_counter() - t0)
    return [statistics.median(t) for t in times]


def _census_children(raw: Any) -> list[int]:
    """Person ids for the floor's access rows (as many as the census file holds)."""
    cursor = raw.cursor()
    ids = [row[0] for row in cursor.execute("SELECT id FROM people ORDER BY id LIMIT 50000")]
    cursor.close()
    return ids


def _census_document(desk: Desk, actor: Any, year: int) -> Any:
    """The census XML the app writes, parsed back: the floor serialises the same tree."""
    from xml.etree import ElementTree

    written: list[bytes] = []

    def keep(data: bytes) -> str:
        written.append(data)
        return "memory"

    desk.returns.export_cin(actor, year, keep)
    return ElementTree.fromstring(written[0])


def run(years: int = 10, repeat: int = 9, rebuild: bool = False) -> dict[str, Any]:
    """Time the dashboard and the census export on ``years`` of history."""
    from mash_desk.gui.dashboard_data import load_dashboard

    cached = build(years, rebuild)
    with tempfile.TemporaryDirectory(prefix="mash-bench-figures-") as tmp:
        work = Path(tmp) / "figures.sqlite3"
        copy_database(cached, work)
        desk = Desk.open(f"sqlite:///{work}", FixedClock(END))
        raw = desk.db.engine.raw_connection()
        try:
            manager = desk.users.actor_for(DEMO_MANAGER)
            # The last whole month of the history: what a manager opens the dashboard on.
            month = MonthPeriod(MonthPeriod(date(END.year, END.month, 1)).previous.last)

            def dashboard() -> Any:
                return load_dashboard(desk, manager, month, None)

            census_year = END.year if END.month > 3 else END.year - 1

            def census() -> Any:
                return desk.returns.export_cin(manager, census_year, lambda _data: "memory")

            first = time.perf_counter()
            with captured(desk) as sent:
                dashboard()
            cold_dashboard = time.perf_counter() - first
            dashboard_sql = _reads(sent)
            with captured(desk) as sent:
                exported = census().value
            census_sql = _reads(sent)
            children = _census_children(raw)
            document = _census_document(desk, manager, census_year)
            app_d, floor_d, app_c, floor_c = _timed(
                [
                    dashboard,
                    lambda: _replay(raw, dashboard_sql),
                    census,
                    lambda: _census_floor(
                        raw, census_sql, document, children[: exported.children], manager.user_id
                    ),
                ],
                repeat,
            )
        finally:
            raw.close()
            desk.close()
    size = f"{years}y"
    return {
        "dashboard": {
            size: {
                "median_s": round(app_d, 3),
                "first_s": round(cold_dashboard, 3),
                "floor_median_s": round(floor_d, 3),
                "ratio": round(app_d / floor_d, 2),
                "statements": len(dashboard_sql),
                "target_s": TARGET_DASHBOARD_S,
                "met": app_d <= TARGET_DASHBOARD_S,
            }
        },
        "cin_export": {
            size: {
                "median_s": round(app_c, 3),
                "floor_median_s": round(floor_c, 3),
                "ratio": round(app_c / floor_c, 2),
                "statements": len(census_sql),
                "children": exported.children,
                "year": census_year,
            }
        },
        "repeat": repeat,
    }
