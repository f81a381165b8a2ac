"""The window gets the other screens ready only after its first page is on screen (issue 16).

Start-up to a filled queue is what a practitioner waits for first: the warm-up must not take
the interpreter before the queue's rows are there, and then it must run, so the first case
opened is as quick as the next.
"""

from __future__ import annotations

import sys

from mash_desk.gui.main_window import MainWindow
from mash_desk.gui.warm_up import WarmUp
from mash_desk.services.warm_up import STATEMENT_MODULES
from mash_desk.storage.prepared import Prepared
from tests.support.helpers import log_one


def test_warm_up_waits_for_the_first_page_then_runs(qtbot, session, tmp_path):
    log_one(session.desk, session.actor)  # one open contact: the queue has a row to show
    window = MainWindow(session, drafts_dir=tmp_path / "drafts")
    qtbot.addWidget(window)
    window.show()
    warm = WarmUp(session.desk, window)
    assert not warm.started, "nothing before the queue's first page"
    with qtbot.waitSignal(warm.done, timeout=60_000):
        pass
    assert window.queue.model.rowCount() == 1, "the first page came first"
    statements = [
        value
        for name in STATEMENT_MODULES
        for value in vars(sys.modules[name]).values()
        if isinstance(value, Prepared)
    ]
    assert statements and all("sqlite" in s._compiled for s in statements)
    assert warm.wait()
