"""What a desk does once, just after its first page is on screen, so the first click is quick.

A fresh process pays on its first use of each screen: the screen's service modules imported,
their prepared statements compiled for the database's dialect (``storage/prepared.py``) and the
threshold documents parsed (``threshold_store.py``). Measured as the benchmark's first touch
(issue 16), opening a case in a fresh process cost ~180 ms against ~13 ms for its floor, about
60 % of it parsing the threshold documents and 30 % compiling statements; the partner inbox's
first call was mostly importing its service and loading the bank holidays. The desk does that
work once, off the GUI thread, right after its first page is shown (``gui/warm_up.py``): not
before, where it would hold the first page back.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING

from mash_desk.storage.prepared import compile_all

if TYPE_CHECKING:
    from mash_desk.services.desk import Desk

log = logging.getLogger(__name__)

# The services behind the screens a practitioner, chair or partner rep opens from the first
# page (the case view, outcomes, meeting mode, the partner inbox, find a child), built (and
# their modules imported) here. The figures, returns and documents services bring
# matplotlib, the CIN schema or ReportLab: their first use stays on first use.
SCREEN_SERVICES = (
    "case",
    "checks",
    "meetings",
    "decisions",
    "outcomes",
    "search",
    "people",
    "contacts",
    "history",
    "screening",
    "routing",
    "allocation",
)
# Prepared statements of screens that no service above imports at build time.
STATEMENT_MODULES = (
    "mash_desk.storage.prepared_case",
    "mash_desk.storage.prepared_meeting",
    "mash_desk.storage.prepared_outcomes",
    "mash_desk.storage.prepared_partner",
    "mash_desk.storage.prepared_search",
)


def warm_up(desk: Desk) -> int:
    """Build the screens' services, compile their statements, parse the threshold documents.

    Returns how many statements were compiled. Nothing is read from or written to a child's
    record, so no access row is due; a failure here is logged and left for the first use to
    meet again (it is work done early, never work that must be done).
    """
    for name in SCREEN_SERVICES:
        getattr(desk, name)
    # Imported here, not at the top: this module loads before the first page (gui/app.py), and
    # the screens' statement modules stay off that path (tests/test_startup_imports.py).
    for module in STATEMENT_MODULES:
        importlib.import_module(module)
    from mash_desk.services.queue import make_first_statements
    from mash_desk.storage.prepared_search import make_likely_statements

    make_likely_statements()
    make_first_statements(server=desk.db.dialect != "sqlite")
    compiled = compile_all(desk.db.engine.dialect)
    # The first deadline worked out loads the bank holidays (the ``holidays`` package, ~0.1 s:
    # working_time.holiday_checker): the partner inbox's first call paid it.
    desk.ctx.deadlines.calendar.is_working_day(desk.ctx.today())
    # The meeting's rules (resources/policy/meetings.yaml: quorum, clocks, escalation) are
    # parsed on first use: meeting mode's first open and an outcome's first referral paid it.
    from mash_desk.services.meetings import meeting_policy

    meeting_policy(desk.ctx)
    with desk.db.read_connection() as conn:
        desk.ctx.thresholds.library(conn)
    return compiled


def warm_up_quietly(desk: Desk) -> int:
    """:func:`warm_up`, logging (without details of any record) instead of raising."""
    try:
        return warm_up(desk)
    except Exception as exc:  # noqa: BLE001 — an optimisation must never stop the desk
        log.warning("Warm-up after start stopped early: %s", type(exc).__name__)
        return 0
