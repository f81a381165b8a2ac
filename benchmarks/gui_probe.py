"""One fresh process of a GUI benchmark (issue 16): ``python -m benchmarks.gui_probe SPEC``.

``SPEC`` is JSON: ``{"mode": "startup"|"scroll", "side": "app"|"floor", "target": …,
"key": hex, "rounds": n}``. The process prints one JSON line and exits.

* ``startup``/``app`` — what ``mash-desk`` does up to a filled queue on a signed-in desk:
  import the console script's module (``mash_desk.cli``), then ``gui.start.start_desk`` as the
  script calls it (the demo desk on SQLite, the login's person on a server): the first page is
  read over the driver on a thread while Qt loads and shown in the desk's own queue; timed
  when its rows are painted (``first_page_s``, from the launch the parent hands over). The
  desk then loads behind it; ``desk_ready_s`` is its main window taking that queue over. A
  start that does not show its first page early fails. Left out: the log file and the crash
  reporter's hooks.
* ``startup``/``floor`` — a bare PySide6 window with a 50-row ``QTableView`` filled from the
  same first-page SQL (``harness.Scenarios.queue_floor``'s two selects) on a DBAPI
  connection: sqlcipher3 with the raw key, or psycopg; timed when its rows are painted.
* ``scroll``/``app`` — the real ``QueueView`` (1200×800, offscreen) scrolled from its first
  page to the end of the queue: the view's own scroll-to-bottom asks its model for more,
  page by page, through the service, each page read on the task runner's thread.
* ``scroll``/``floor`` — what ``QSqlQueryModel`` + ``QTableView`` would do: one SQL statement
  for every open item, rows handed to the view 256 at a time as it scrolls (QSqlQueryModel's
  batch), every cell's text from ``str()``. (PySide6 here has QtSql, but its SQLite driver
  cannot open a SQLCipher file, so the floor is a ``QAbstractTableModel`` over the rows of
  that one statement, read through the same DBAPI the desk uses, on both engines.)

``scroll`` reports its own times: the first round (the process's first touch) and the later
ones.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

_T0 = time.perf_counter()

_FIRST_PAGE = (
    "SELECT 'contact', cc.id, cc.contact_id, p.id, p.given_name, p.family_name, "
    "p.date_of_birth, p.expected_delivery, p.household_id, h.postcode, cc.rag, cc.due_at, "
    "cc.status, u.display_name, cc.version, cc.provisional_level, coalesce(cc.team, u.team), "
    "cc.assigned_to FROM contact_children cc JOIN people p ON p.id = cc.person_id "
    "LEFT JOIN households h ON h.id = p.household_id LEFT JOIN users u ON u.id = cc.assigned_to "
    "WHERE cc.status = 'open' ORDER BY cc.due_at, cc.id{limit}",
    "SELECT 'referral', r.id, cc.contact_id, p.id, p.given_name, p.family_name, "
    "p.date_of_birth, p.expected_delivery, p.household_id, h.postcode, r.rag, "
    "r.decision_due_at, r.status, u.display_name, r.version, r.level, "
    "coalesce(r.team, u.team), r.assigned_to FROM referrals r JOIN contact_children cc "
    "ON cc.id = r.contact_child_id JOIN people p ON p.id = r.person_id "
    "LEFT JOIN households h ON h.id = p.household_id LEFT JOIN users u ON u.id = r.assigned_to "
    "WHERE r.status = 'awaiting_decision' ORDER BY r.decision_due_at, r.id{limit}",
)


def _connect(target: dict[str, Any], key: str) -> Any:
    url = target["urls"]["practitioner"]
    if target["engine"] == "sqlite":
        from sqlcipher3 import dbapi2

        conn = dbapi2.connect(url.removeprefix("sqlite:///"))
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{key}'\"")
        return conn
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


def _open_items(conn: Any, limit: int | None) -> list[tuple[Any, ...]]:
    cur = conn.cursor()
    rows: list[tuple[Any, ...]] = []
    suffix = f" LIMIT {limit}" if limit else ""
    for sql in _FIRST_PAGE:
        cur.execute(sql.format(limit=suffix))
        rows += [tuple(r) for r in cur.fetchall()]
    rows.sort(key=lambda r: (str(r[11]), r[0], r[1]))
    return rows[:limit] if limit else rows


def _list_model(rows: list[tuple[Any, ...]], batch: int | None) -> Any:
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

    root = QModelIndex()

    class Rows(QAbstractTableModel):
        def __init__(self) -> None:
            super().__init__()
            self.shown = len(rows) if batch is None else min(batch, len(rows))

        def rowCount(self, parent: Any = root) -> int:  # noqa: N802
            return 0 if parent.isValid() else self.shown

        def columnCount(self, parent: Any = root) -> int:  # noqa: N802
            return 0 if parent.isValid() else 18

        def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            if role == Qt.ItemDataRole.DisplayRole:
                value = rows[index.row()][index.column()]
                return "" if value is None else str(value)
            return None

        def canFetchMore(self, parent: Any = root) -> bool:  # noqa: N802
            return not parent.isValid() and self.shown < len(rows)

        def fetchMore(self, parent: Any = root) -> None:  # noqa: N802
            more = min(batch or len(rows), len(rows) - self.shown)
            self.beginInsertRows(QModelIndex(), self.shown, self.shown + more - 1)
            self.shown += more
            self.endInsertRows()

    return Rows()


def startup_floor(spec: dict[str, Any]) -> dict[str, Any]:
    """A bare window with the first page's 50 rows, timed when they are painted."""
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    app = QApplication(sys.argv[:1])
    conn = _connect(spec["target"], spec["key"])
    rows = _open_items(conn, 50)
    window = QMainWindow()
    table = QTableView()
    model = _list_model(rows, None)
    table.setModel(model)
    window.setCentralWidget(table)
    window.resize(1200, 800)
    window.show()
    app.processEvents()
    table.viewport().repaint()
    return {"rows": [[r[0], r[1]] for r in rows], "first_page_s": time.time() - spec["launched"]}


def startup_app(spec: dict[str, Any]) -> dict[str, Any]:
    """The desk's own start, signed in, to the queue's first rows on screen.

    ``mash-desk --demo`` on SQLite, a person's own login on a server: the console script's
    module, then :func:`mash_desk.gui.start.start_desk` as the script calls it. The first
    page is timed when the early queue has painted its rows; the desk's main window taking
    it over (the desk ready for everything) is timed too. A start that did not show its
    first page early is a regression, so the probe fails instead of timing something else.
    """
    import mash_desk.cli  # noqa: F401 — the console script's module, imported first
    from mash_desk.gui.start import start_desk  # no Qt yet: the start reads while Qt loads

    target = spec["target"]
    found: dict[str, Any] = {}

    def first_page(window: Any) -> None:
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()
        window.queue.table.viewport().repaint()
        found["first_page_s"] = time.time() - spec["launched"]
        found["rows"] = [[r.kind, r.item_id] for r in window.queue.model.rows()]
        hand_over = type(window).hand_over

        def timed_hand_over(early: Any, main: Any) -> None:
            hand_over(early, main)
            found["desk_ready_s"] = time.time() - spec["launched"]

        type(window).hand_over = timed_hand_over  # timing only

    status = start_desk(
        target["urls"]["practitioner"],
        demo=bool(target["demo_users"]),
        smoke_test=True,
        on_first_page=first_page,
    )
    if status != 0 or "rows" not in found or "desk_ready_s" not in found:
        raise RuntimeError(f"the desk did not show its first page early (exit {status})")
    return found


def _end() -> Any:
    from datetime import UTC, datetime

    return datetime(2026, 11, 17, 10, 0, tzinfo=UTC)  # benchmarks.harness.END


def scroll_app(spec: dict[str, Any]) -> dict[str, Any]:
    """The real QueueView scrolled to the end, ``rounds`` times (the first is first-touch)."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from mash_desk.domain.clock import FixedClock
    from mash_desk.gui.queue_view import QueueView
    from mash_desk.gui.session import DeskSession
    from mash_desk.gui.tasks import TaskRunner
    from mash_desk.services.desk import Desk
    from mash_desk.services.queue import QueueFilter

    target = spec["target"]
    app = QApplication(sys.argv[:1])
    desk = Desk.open(target["urls"]["practitioner"], FixedClock(_end()))
    if target["demo_users"]:
        actor = desk.users.actor_for(target["demo_users"]["practitioner"])
    else:
        actor = desk.users.sign_in_server()
    session = DeskSession(desk, actor, TaskRunner(), database_label="bench")
    view = QueueView(session)
    view.resize(1200, 800)
    view.show()
    model = view.model
    times = []
    for n in range(spec["rounds"]):
        loop = QEventLoop()
        state = {"scrolling": False}

        def step(loop: QEventLoop = loop, state: dict = state) -> None:
            if model.loading:
                return
            if not state["scrolling"]:
                return
            if not model.has_more:
                loop.quit()
                return
            view.table.scrollToBottom()
            if model.canFetchMore() and not model.loading:
                model.fetchMore()  # the scroll bar was already at its end

        def first_page(loop: QEventLoop = loop, state: dict = state) -> None:
            if not state["scrolling"] and model.rowCount() > 0 and not model.loading:
                state["scrolling"] = True
                state["t0"] = time.perf_counter()
                step()

        model.loaded.connect(first_page)
        model.loaded.connect(step)
        QTimer.singleShot(300_000, loop.quit)
        if n:
            model.set_filter(QueueFilter())
        else:
            first_page()
        loop.exec()
        app.processEvents()
        times.append(time.perf_counter() - state["t0"])
        model.loaded.disconnect(first_page)
        model.loaded.disconnect(step)
    rows = model.rowCount()
    view.close()
    desk.close()
    return {"seconds": times, "rows": rows}


def scroll_floor(spec: dict[str, Any]) -> dict[str, Any]:
    """One statement for the whole queue; the view fed 256 rows at a time as it scrolls."""
    from PySide6.QtWidgets import QApplication, QTableView

    app = QApplication(sys.argv[:1])
    conn = _connect(spec["target"], spec["key"])
    times = []
    rows_shown = 0
    # The view exists before the clock starts, as the app's QueueView does.
    table = QTableView()
    table.resize(1200, 800)
    table.show()
    app.processEvents()
    for _n in range(spec["rounds"]):
        t0 = time.perf_counter()
        rows = _open_items(conn, None)
        model = _list_model(rows, 256)
        table.setModel(model)
        app.processEvents()
        while model.canFetchMore():
            table.scrollToBottom()
            app.processEvents()
        table.scrollToBottom()
        app.processEvents()
        times.append(time.perf_counter() - t0)
        rows_shown = model.rowCount()
    return {"seconds": times, "rows": rows_shown}


def main() -> int:
    """Run the probe named by the JSON argument; print its JSON line."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    spec = json.loads(sys.argv[1])
    probe = {
        ("startup", "app"): startup_app,
        ("startup", "floor"): startup_floor,
        ("scroll", "app"): scroll_app,
        ("scroll", "floor"): scroll_floor,
    }[(spec["mode"], spec["side"])]
    found = probe(spec)
    found.pop("_keep", None)
    found["in_process_s"] = time.perf_counter() - _T0
    print("ready " + json.dumps(found), flush=True)
    os._exit(0)  # a probe leaves nothing to tidy; skipping teardown keeps timings comparable


if __name__ == "__main__":
    sys.exit(main())
