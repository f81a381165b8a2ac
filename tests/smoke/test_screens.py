"""Smoke test under a real X server (Xvfb): open each main screen, save a screenshot.

Run by ``scripts/run-tests.sh`` inside ``xvfb-run`` with ``QT_QPA_PLATFORM=xcb``; skipped
otherwise. The screenshots land in ``artifacts/screenshots/`` (or ``$MASH_DESK_SCREENSHOTS``)
for a person to look at: the test proves the screens open on a real display, the pictures
show whether they are pleasant to use.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from mash_desk.domain.clock import FixedClock
from mash_desk.gui.contact_form import ContactForm
from mash_desk.gui.main_window import MainWindow
from mash_desk.gui.queue_model import RowRole
from mash_desk.gui.session import DeskSession
from mash_desk.gui.sign_in import SignInDialog
from mash_desk.gui.tasks import TaskRunner
from mash_desk.gui.theme import apply_theme
from mash_desk.gui.threshold_panel import ThresholdPanel
from mash_desk.services.desk import Desk
from mash_desk.synthetic import DEMO_PRACTITIONER, ensure_demo_users, generate
from tests.conftest import NOW

pytestmark = [
    pytest.mark.xvfb,
    pytest.mark.skipif(
        os.environ.get("MASH_DESK_XVFB") != "1", reason="needs Xvfb: bash scripts/run-tests.sh"
    ),
]

OUT = Path(os.environ.get("MASH_DESK_SCREENSHOTS", Path(__file__).parents[2] / "artifacts"))


def save(widget: QWidget, name: str) -> Path:
    folder = OUT / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    assert widget.grab().save(str(path))
    return path


@pytest.fixture(scope="module")
def demo_desk(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('xvfb')}/demo.sqlite3"
    desk = Desk.open(url, FixedClock(NOW))
    ensure_demo_users(desk.db)
    generate(desk.db, years=0.1, seed=11, end=NOW)
    yield desk
    desk.close()


def test_each_main_screen_opens_on_a_real_display(qtbot, demo_desk, tmp_path):
    assert QGuiApplication.platformName() == "xcb"
    app = QApplication.instance()
    session = DeskSession(
        demo_desk,
        demo_desk.users.actor_for(DEMO_PRACTITIONER),
        TaskRunner(),
        demo=True,
        database_label="DEMO",
    )
    window = MainWindow(session, switch_role=lambda _u: None, drafts_dir=tmp_path / "drafts")
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.queue.model.rowCount() > 5, timeout=20_000)
    qtbot.wait(200)
    assert save(window, "01-work-queue").stat().st_size > 10_000

    form = window.new_contact()
    assert isinstance(form, ContactForm)
    form.ui.referrerName.setText("Class teacher")
    form.ui.concerns.setPlainText(
        "Class teacher reports the child arrived hungry three days this week."
    )
    qtbot.wait(200)
    save(window, "02-new-contact")
    form.ask_unsaved = lambda: "discard"
    window.close_current_tab()

    model = window.queue.model
    row = next(
        model.index(r, 0).data(RowRole)
        for r in range(model.rowCount())
        if model.index(r, 0).data(RowRole).kind == "contact"
    )
    window.open_row(row)
    panel = window.tabs.currentWidget().findChild(ThresholdPanel)
    qtbot.waitUntil(
        lambda: panel.subject is not None and panel.document is not None, timeout=10_000
    )
    for indicator in ("l2-persistent-absence", "l3-parent-substance-affecting-care"):
        panel.set_ticked(indicator, True)
    qtbot.wait(300)
    save(window, "03-case-and-threshold-panel")
    # Leave without saving: the screening was only for the picture.
    panel.ask_unsaved = lambda: "discard"

    window.tabs.setCurrentIndex(0)
    apply_theme(app, "dark")
    qtbot.wait(200)
    save(window, "04-work-queue-dark")
    apply_theme(app, "light")

    # Without a window manager the window is never "active", so window shortcuts do not fire
    # under Xvfb; the key itself is tested offscreen (tests/gui/test_main_window.py).
    window.toggle_privacy()
    assert window.curtain.isVisible()
    save(window, "05-privacy-screen")
    window.toggle_privacy()

    dialog = SignInDialog(str(demo_desk.db.engine.url), Desk.open)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    save(dialog, "06-sign-in")
    session.tasks.wait(10_000)
