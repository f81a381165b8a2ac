"""Start-up imports only what the first screen needs (issue 16: start-up to a filled queue).

Each check runs a fresh interpreter: the desk's path from ``mash_desk.cli`` to a signed-in
window whose queue shows its first page, then looks at ``sys.modules``. ReportLab, matplotlib,
openpyxl, Faker, the synthetic generator and the rarely used services (board report, returns,
measures) were each imported up front once and cost the start about two seconds; they belong
to the functions that use them, so a future top-level import fails here, not silently.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from mash_desk.domain.demo_users import DEMO_PRACTITIONER
from mash_desk.services.desk import Desk
from mash_desk.storage.database import Database
from mash_desk.storage.demo_users import ensure_demo_users
from tests.conftest import fresh_database_url
from tests.support.helpers import log_one

ROOT = Path(__file__).resolve().parents[1]

# Modules the first screen never uses: the queue is a table, not a document or a chart.
NOT_AT_START = (
    "reportlab",
    "matplotlib",
    "openpyxl",
    "xmlschema",
    "faker",
    "alembic",
    "mash_desk.synthetic",
    "mash_desk.documents",
    "mash_desk.reporting",
    "mash_desk.returns",
    "mash_desk.services.board_report",
    "mash_desk.services.annex_a",
    "mash_desk.services.returns",
    "mash_desk.services.measures",
    "mash_desk.gui.dashboard_view",
    # Loaded on first use: the bank holidays with the first deadline worked out, the dialogs
    # and the case view with the first one opened (each cost the start 20-200 ms).
    "holidays",
    "mash_desk.gui.red_decision",
    "mash_desk.gui.case_view",
    "mash_desk.gui.allocate_dialog",
    "mash_desk.gui.forms.ui_crash",
    "mash_desk.gui.forms.ui_database_passphrase",
    "mash_desk.gui.forms.ui_meeting_decision_form",
    # The queue shows stored rows: logging a contact (and its identifier checks) loads with the
    # contact form.
    "mash_desk.services.contacts",
    "stdnum",
)

# What ``mash-desk`` does up to the first queue page (as benchmarks/gui_probe.py times it).
SIGNED_IN_QUEUE = """
import json, sys
from PySide6.QtCore import QEventLoop, QTimer

import mash_desk.cli
from mash_desk.gui.app import _application
from mash_desk.gui.main_window import MainWindow
from mash_desk.gui.queue_view import QueueView
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import TaskRunner
from mash_desk.services.desk import Desk

url, username, watched = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
app = _application()
desk = Desk.open(url)
session = DeskSession(desk, desk.users.actor_for(username), TaskRunner(), database_label="test")
window = MainWindow(session, switch_role=None, drafts_dir=None)
window.show()
queue = window.findChild(QueueView)
loop = QEventLoop()
queue.model.loaded.connect(loop.quit)
QTimer.singleShot(30_000, loop.quit)
loop.exec()
app.processEvents()
loaded = sorted(m for m in sys.modules if any(m == w or m.startswith(w + ".") for w in watched))
print(json.dumps({"loaded": loaded, "queue_shown": queue.isVisible()}))
window.close()
desk.close()
"""

# ``mash-desk --demo`` as the console script runs it, looking at what is loaded when the first
# page is on screen (gui/start.py: before the database layer) and when the desk is ready.
EARLY_FIRST_PAGE = """
import json, sys

import mash_desk.cli
from mash_desk.gui.start import start_desk

url, watched = sys.argv[1], json.loads(sys.argv[2])
seen = {}

def first_page(window):
    seen["rows"] = window.queue.model.rowCount()
    seen["loaded"] = sorted(
        m for m in sys.modules if any(m == w or m.startswith(w + ".") for w in watched)
    )

status = start_desk(url, demo=True, smoke_test=True, on_first_page=first_page)
print(json.dumps({**seen, "status": status, "desk_loaded": "sqlalchemy" in sys.modules}))
"""

# The first page closed just as the desk starts loading behind it (gui/early_start.py).
EARLY_CLOSED = """
import json, sys

import mash_desk.cli
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from mash_desk.gui.start import start_desk

seen = {}
def first_page(window):
    seen["early"] = window.queue.model.rowCount()
    QTimer.singleShot(0, window.close)  # the person closes it at once

status = start_desk(sys.argv[1], demo=True, smoke_test=True, on_first_page=first_page)
shown = [w.windowTitle() for w in QApplication.topLevelWidgets() if w.isVisible()]
print(json.dumps({"status": status, "shown": shown, **seen,
                  "main_window": "mash_desk.gui.main_window" in sys.modules}))
"""

# The database layer: what the first page is read and drawn without (issue 16, start-up).
DATABASE_LAYER = (
    "sqlalchemy",
    "alembic",
    "mash_desk.storage.database",
    "mash_desk.storage.models",
    "mash_desk.services.desk",
    "mash_desk.services.context",
    "mash_desk.gui.session",
    "mash_desk.gui.main_window",
)

# The demo desk's every start checks its demo accounts exist (gui/app.py ``_open_demo``).
DEMO_ACCOUNTS_CHECKED = """
import json, sys
from mash_desk.services.desk import Desk
from mash_desk.storage.database import Database
from mash_desk.storage.demo_users import ensure_demo_users

db = Database(sys.argv[1])
ensure_demo_users(db)
db.close()
watched = ("faker", "mash_desk.synthetic")
print(json.dumps(sorted(m for m in sys.modules if m.startswith(watched))))
"""


def _run(script: str, *args: str) -> str:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def _demo_database(templates: dict[str, str], tmp_path: Path) -> str:
    url = fresh_database_url("sqlite", templates, None, tmp_path)
    db = Database(url)
    try:
        ensure_demo_users(db)
    finally:
        db.close()
    return url


def _demo_database_with_history(templates: dict[str, str], tmp_path: Path) -> str:
    # A demo desk with no history makes it first (a full start); with one contact it shows
    # its first page early.
    url = _demo_database(templates, tmp_path)
    desk = Desk.open(url)
    try:
        log_one(desk, desk.users.actor_for(DEMO_PRACTITIONER), given="Ada", family="Early")
    finally:
        desk.close()
    return url


def _started(script: str, *args: str) -> tuple[list[str], dict[str, Any]]:
    """Run a desk start script; return the lines it said and its last line's JSON."""
    started = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=120,
    )
    assert started.returncode == 0, started.stderr
    *said, last = started.stdout.strip().splitlines()
    return said, json.loads(last)


def test_a_signed_in_desk_shows_its_queue_without_documents_charts_or_generator(
    templates: dict[str, str], tmp_path: Path
):
    url = _demo_database(templates, tmp_path)
    shown = json.loads(_run(SIGNED_IN_QUEUE, url, DEMO_PRACTITIONER, json.dumps(NOT_AT_START)))
    assert shown["queue_shown"]
    assert shown["loaded"] == [], f"imported before the first queue page: {shown['loaded']}"


def test_the_demo_desk_shows_its_first_page_before_the_database_layer_loads(
    templates: dict[str, str], tmp_path: Path
):
    url = _demo_database_with_history(templates, tmp_path)
    watched = json.dumps([*DATABASE_LAYER, *NOT_AT_START])
    said, shown = _started(EARLY_FIRST_PAGE, url, watched)
    assert shown["rows"] == 1, "the first page was not shown early"
    assert shown["loaded"] == [], f"loaded before the first page: {shown['loaded']}"
    # Then the desk loaded behind it, and its window showed the queue (the smoke test's word).
    assert shown["status"] == 0 and shown["desk_loaded"]
    assert "ready" in said


def test_closing_the_first_page_while_the_desk_loads_ends_the_start(
    templates: dict[str, str], tmp_path: Path
):
    said, ended = _started(EARLY_CLOSED, _demo_database_with_history(templates, tmp_path))
    # No desk window comes up afterwards, and the load stopped at its next step.
    assert ended == {"status": 0, "shown": [], "early": 1, "main_window": False}
    assert "ready" not in said


def test_the_demo_desks_start_checks_its_accounts_without_faker(
    templates: dict[str, str], tmp_path: Path
):
    url = _demo_database(templates, tmp_path)
    assert json.loads(_run(DEMO_ACCOUNTS_CHECKED, url)) == []
