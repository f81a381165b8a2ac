"""Each main screen as a screen-reader user meets it, read over the real AT-SPI bus.

For the work queue, the case view with its threshold panel, the new contact form, the
partner inbox (its three tabs) and the sign-in dialog: no interactive object without a name
(a combo box needs a linked label, since AT-SPI gives it its current value as name), one Tab
out of every table, tree and list, and a problem both announced and put on its field. The
threshold panel's suggested level, reasons and consent rule are read as their text, and
ticking an indicator announces the new suggestion. Meeting mode and the other dialogs and
views are read by ``test_more_screens_atspi.py``.
"""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget

from mash_desk.gui.case_view import CaseView
from mash_desk.gui.contact_form import ContactForm
from mash_desk.gui.main_window import MainWindow
from mash_desk.gui.queue_model import RowRole
from mash_desk.gui.sign_in import SignInDialog
from mash_desk.gui.threshold_panel import ThresholdPanel
from mash_desk.services.desk import Desk
from mash_desk.synthetic import DEMO_PRACTITIONER
from tests.atspi.conftest import INTERACTIVE_ROLES, ScreenReader, demo_session

pytestmark = [
    pytest.mark.atspi,
    pytest.mark.skipif(
        os.environ.get("MASH_DESK_ATSPI") != "1",
        reason="needs the accessibility bus: bash scripts/atspi-tests.sh",
    ),
]

ANNOUNCEMENT = "object:announcement"


# -- reading the tree ---------------------------------------------------------------------


def showing(tree: list[dict]) -> list[dict]:
    """The objects on screen (hidden pages, closed menus and hidden messages left out)."""
    return [n for n in tree if "error" not in n and "showing" in n["states"]]


def _labelled(node: dict) -> bool:
    return any(label["role"] == "label" and label["name"].strip() for label in node["labelled_by"])


def unnamed_controls(tree: list[dict]) -> list[str]:
    """Every interactive object on screen that a screen reader could not name."""
    bad = []
    for node in showing(tree):
        if node["role"] not in INTERACTIVE_ROLES and "focusable" not in node["states"]:
            continue
        # On Linux Qt gives a combo box its current text as name; its label is a relation.
        named = _labelled(node) if node["role"] == "combo box" else bool(node["name"].strip())
        if not (named or _labelled(node)):
            bad.append(f"{node['role']} {node['name']!r} at {node['path']}")
    return bad


def find(tree: list[dict], **wanted: str) -> dict:
    """The one showing object whose fields equal ``wanted``."""
    found = [n for n in showing(tree) if all(n.get(k) == v for k, v in wanted.items())]
    assert len(found) == 1, (wanted, found)
    return found[0]


def focused(tree: list[dict]) -> dict:
    """The object with the keyboard focus.

    The current page tab also says "focused", and so does the viewport inside a focused text
    box (Qt makes the box its focus proxy): the box is what a screen reader announces. A
    pane whose focus proxy is its table (the workload view) says "focused" too: the table
    inside it is what is announced. An unnamed pane is returned only when nothing else is.
    """
    nodes = [n for n in showing(tree) if "focused" in n["states"] and n["role"] != "page tab"]
    assert nodes, "nothing has the focus"
    controls = [n for n in nodes if n["name"] or n["role"] not in ("filler", "panel")]
    return max(controls or nodes, key=lambda n: n["path"].count("/"))


# -- acting -------------------------------------------------------------------------------


def _window(qtbot, session, tmp_path) -> MainWindow:
    window = MainWindow(session, switch_role=lambda _u: None, drafts_dir=tmp_path / "drafts")
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    # Keyboard focus needs an active window; Xvfb without a window manager grants it on ask.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=10_000)
    return window


def _settle(qtbot, session) -> None:
    qtbot.waitUntil(lambda: session.tasks.busy == 0, timeout=20_000)


def views_on_screen(root: QWidget) -> list[QAbstractItemView]:
    """Every table, tree and list the user can Tab to (combo pop-ups are not visible)."""
    return [
        v
        for v in root.findChildren(QAbstractItemView)
        if v.isVisible() and v.isEnabled() and v.focusPolicy() & Qt.FocusPolicy.TabFocus
    ]


def assert_one_tab_leaves(qtbot, reader: ScreenReader, view: QAbstractItemView) -> None:
    """Focus ``view`` on a cell; one Tab must put the focus on a named control outside it."""
    view.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(view.hasFocus, timeout=5_000)
    model = view.model()
    if model is not None and model.rowCount() > 0:
        view.setCurrentIndex(model.index(0, 0))
    name = view.accessibleName()
    assert focused(reader.tree())["name"] == name
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not view.hasFocus(), timeout=5_000)
    after = focused(reader.tree())
    assert after["name"] != name, f"Tab stayed in {name!r}"
    assert after["name"] or _labelled(after), f"Tab from {name!r} reached an unnamed {after}"


def assert_every_view_lets_tab_out(qtbot, reader: ScreenReader, root: QWidget) -> int:
    views = views_on_screen(root)
    for view in views:
        assert_one_tab_leaves(qtbot, reader, view)
    return len(views)


# -- the screens ----------------------------------------------------------------------------


def test_work_queue(qtbot, demo_desk, reader, tmp_path):
    session = demo_session(demo_desk, DEMO_PRACTITIONER)
    window = _window(qtbot, session, tmp_path)
    qtbot.waitUntil(lambda: window.queue.model.rowCount() > 5, timeout=20_000)
    _settle(qtbot, session)
    tree = reader.tree()
    assert unnamed_controls(tree) == []
    table = find(tree, role="table", name="Open work queue")
    assert table["rows"] > 5
    # Before the fix one Tab moved one cell: 350+ stops a page.
    assert assert_every_view_lets_tab_out(qtbot, reader, window.queue) == 1
    session.tasks.wait(10_000)


def test_first_page_while_the_desk_loads(qtbot, demo_desk, reader):
    """The queue shown before the desk has loaded reads as the queue does, and says it loads."""
    from mash_desk.gui.early_window import LOADING, EarlyWindow
    from mash_desk.services.timekeeping import Timekeeping

    session = demo_session(demo_desk, DEMO_PRACTITIONER)
    page = demo_desk.queue.page(session.actor, size=50)
    early = EarlyWindow(
        session.actor,
        page,
        database_label="DEMO",
        demo=True,
        times=Timekeeping(demo_desk.ctx.clock),
    )
    qtbot.addWidget(early)
    early.resize(1280, 800)
    early.show()
    qtbot.waitExposed(early)
    early.activateWindow()  # keyboard focus needs an active window (see _window)
    qtbot.waitUntil(early.isActiveWindow, timeout=10_000)
    tree = reader.tree()
    assert unnamed_controls(tree) == []
    table = find(tree, role="table", name="Open work queue")
    assert table["rows"] > 5
    find(tree, role="progress bar", name=LOADING)
    assert assert_every_view_lets_tab_out(qtbot, reader, early.queue) == 1


def _open_contact_row(qtbot, window: MainWindow, session) -> ThresholdPanel:
    model = window.queue.model
    row = next(
        model.index(r, 0).data(RowRole)
        for r in range(model.rowCount())
        if model.index(r, 0).data(RowRole).kind == "contact"
    )
    window.open_row(row)
    panel = window.tabs.currentWidget().findChild(ThresholdPanel)
    qtbot.waitUntil(
        lambda: panel.subject is not None and panel.document is not None and panel.isEnabled(),
        timeout=20_000,
    )
    _settle(qtbot, session)
    # Closing with ticks unsaved would ask in a modal box that nobody answers here.
    panel.ask_unsaved = lambda: "discard"
    return panel


def test_case_view_and_threshold_panel(qtbot, demo_desk, reader, tmp_path):
    session = demo_session(demo_desk, DEMO_PRACTITIONER)
    window = _window(qtbot, session, tmp_path)
    qtbot.waitUntil(lambda: window.queue.model.rowCount() > 5, timeout=20_000)
    panel = _open_contact_row(qtbot, window, session)
    tab = window.tabs.currentWidget()
    qtbot.waitUntil(lambda: tab.isAncestorOf(QApplication.focusWidget()), timeout=10_000)

    tree = reader.tree()
    assert unnamed_controls(tree) == []
    # Opening a case puts the focus on a control a screen reader can name, not a bare pane.
    first = focused(tree)
    assert first["name"] and first["role"] not in ("filler", "panel"), first
    # An open contact keeps the keyboard in the indicator search (the screening is the work).
    assert first["name"] == panel.search.accessibleName(), first
    assert _labelled(find(tree, role="table", name="Chronology of events"))

    reader.listen(ANNOUNCEMENT, "object:property-change:accessible-name")
    for indicator in ("l2-persistent-absence", "l3-parent-substance-affecting-care"):
        panel.set_ticked(indicator, True)
    spoken = reader.wait_event(
        lambda e: e["event"] == ANNOUNCEMENT and "Suggested: Level 3" in str(e["data"])
    )
    assert spoken["data"] == panel.suggested_label.text()

    tree = reader.tree()
    suggested = find(tree, role="label", description="Suggested level")
    assert suggested["name"] == panel.suggested_label.text()
    assert suggested["name"].startswith("Suggested: Level 3")
    because = find(tree, role="label", description="Indicators behind the suggested level")
    assert because["name"] == panel.drivers_label.text() and "alcohol" in because["name"]
    consent = find(tree, role="label", description="Consent rule of the suggested level")
    assert consent["name"] == panel.consent_label.text() and consent["name"] != "—"
    for purpose in ("Routes for this child", "Pathways raised"):
        assert find(tree, role="label", description=purpose)["name"]

    # An override without its rationale: announced, and said with the field on focus.
    panel.choose_level(1)
    panel.save()
    message = panel.rationale_error.text().removeprefix("⚠ ")
    assert message
    reader.wait_event(lambda e: e["event"] == ANNOUNCEMENT and e["data"] == message)
    tree = reader.tree()
    rationale = find(tree, role="text", name="Rationale for the level")
    assert message in rationale["description"] and "required" in rationale["description"]
    assert "focused" in rationale["states"]
    # Saved: the status is announced too (WCAG 4.1.3), with the next steps.
    panel.rationale.setPlainText("Family already supported by universal services; no concern.")
    panel.save()
    reader.wait_event(
        lambda e: e["event"] == ANNOUNCEMENT and str(e["data"]).startswith("Saved: Level 1"),
        timeout=20_000,
    )
    _settle(qtbot, session)

    assert assert_every_view_lets_tab_out(qtbot, reader, tab) >= 4

    # The case's other section: decisions and routing.
    case = tab.findChild(CaseView)
    case.tabs.setCurrentIndex(1)
    assert unnamed_controls(reader.tree()) == []
    assert_every_view_lets_tab_out(qtbot, reader, case)
    session.tasks.wait(10_000)


def test_new_contact_form(qtbot, demo_desk, reader, tmp_path):
    session = demo_session(demo_desk, DEMO_PRACTITIONER)
    window = _window(qtbot, session, tmp_path)
    form = window.new_contact()
    assert isinstance(form, ContactForm)
    form.ask_unsaved = lambda: "discard"
    _settle(qtbot, session)
    tree = reader.tree()
    assert unnamed_controls(tree) == []
    # Fields shown with a star say "required" to a screen reader too.
    for name in ("Concerns", "Family name", "Date of birth"):
        assert "required" in find(tree, role="text", name=name)["description"]
    assert "required" not in find(tree, role="text", name="NHS number")["description"]
    due = find(tree, role="label", description="Decision due")
    assert due["name"] == form.cards[0].deadline.text() and due["name"]

    reader.listen(ANNOUNCEMENT)
    form.save()
    spoken = reader.wait_event(lambda e: e["event"] == ANNOUNCEMENT and "Not saved" in e["data"])
    assert "problem" in spoken["data"]
    tree = reader.tree()
    concerns = find(tree, role="text", name="Concerns")
    assert concerns["description"].startswith(form.ui.concernsError.text().removeprefix("⚠ "))
    assert "required" in concerns["description"]
    # The problem label reads as its text, not a fixed name.
    assert find(tree, role="label", name=f"Problem: {form.ui.concernsError.text()[2:]}")

    assert assert_every_view_lets_tab_out(qtbot, reader, form) >= 1
    session.tasks.wait(10_000)


@pytest.mark.parametrize("username", ["demo.health", "demo.early_support"])
def test_partner_inbox(qtbot, demo_desk, reader, tmp_path, username):
    session = demo_session(demo_desk, username)
    window = _window(qtbot, session, tmp_path)
    inbox = window.inbox
    qtbot.waitUntil(
        lambda: bool(inbox.items or inbox.routings or inbox.action_items), timeout=20_000
    )
    _settle(qtbot, session)
    statuses = (inbox.status, inbox.routed_status, inbox.actions_status)
    for tab in range(3):
        inbox.sections.setCurrentIndex(tab)
        table = (inbox.table, inbox.routed_table, inbox.actions_table)[tab]
        if table.rowCount():
            table.setCurrentCell(0, 0)
            _settle(qtbot, session)
        tree = reader.tree()
        assert unnamed_controls(tree) == [], tab
        status = statuses[tab]
        assert (
            find(tree, role="label", description=status.accessibleDescription())["name"]
            == status.text().strip()
        )
        assert assert_every_view_lets_tab_out(qtbot, reader, inbox.sections.currentWidget()) == 1
    # The Actions tab of the issue: from the table, Tab reaches the note field.
    inbox.sections.setCurrentIndex(2)
    inbox.actions_table.setFocus()
    qtbot.keyClick(inbox.actions_table, Qt.Key.Key_Tab)
    chain = []
    for _ in range(6):
        widget = QApplication.focusWidget()
        chain.append(widget.accessibleName())
        if widget is inbox.action_note:
            break
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    assert chain[-1] == inbox.action_note.accessibleName(), chain
    # Closed work shown: the line under the list says how much of it is listed, out loud.
    inbox.show_closed_actions.setChecked(True)
    _settle(qtbot, session)
    tree = reader.tree()
    assert unnamed_controls(tree) == []
    note = inbox.closed_actions.note
    assert find(tree, role="label", description=note.accessibleDescription())["name"] == (
        note.text()
    )
    session.tasks.wait(10_000)


def test_sign_in(qtbot, demo_desk, reader):
    dialog = SignInDialog(str(demo_desk.db.engine.url), Desk.open)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=10_000)
    tree = reader.tree()
    assert unnamed_controls(tree) == []

    reader.listen(ANNOUNCEMENT)
    dialog.sign_in()
    reader.wait_event(lambda e: e["event"] == ANNOUNCEMENT and e["data"] == "Enter your username")
    tree = reader.tree()
    username = find(tree, role="text", name="Username")
    assert username["description"].startswith("Enter your username")
    assert "focused" in username["states"]
    message = find(tree, role="label", description="Username message")
    assert message["name"] == "⚠ Enter your username"
