"""No key sequence is bound twice where both bindings are live (Qt would fire neither).

Qt reports "Ambiguous shortcut overload" and does nothing when two enabled QActions or
QShortcuts with one key are active for the same focus widget. This walks every screen — the
main window with its queue, a case view with its threshold panel, a new contact form, meeting
mode, a partner's inbox, the routing and strategy dialogs — and compares the scopes of every
live binding: a window-wide one covers the whole window, a widget-with-children one its
subtree, a widget one the widget itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QWidget

from mash_desk.gui.main_window import MainWindow
from mash_desk.gui.routing_dialog import RoutingDialog
from mash_desk.gui.session import DeskSession
from mash_desk.gui.strategy_dialog import StrategyDialog
from mash_desk.gui.tasks import TaskRunner
from tests.gui.test_main_window import open_first_contact
from tests.gui.test_strategy_dialog import signed_s47
from tests.services.test_checks import make_referral
from tests.support.helpers import log_one

WINDOW = (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut)


@dataclass(frozen=True)
class Binding:
    """One live key binding and where it acts."""

    key: str
    context: Qt.ShortcutContext
    widget: QWidget
    owner: str

    def covers(self, other: Binding) -> bool:
        """Whether some focus widget activates both bindings."""
        if self.widget.window() is not other.widget.window():
            return False
        if self.context in WINDOW or other.context in WINDOW:
            return True
        if self.context == other.context == Qt.ShortcutContext.WidgetShortcut:
            return self.widget is other.widget
        a, b = self, other
        if a.context == Qt.ShortcutContext.WidgetShortcut:
            a, b = b, a  # a: a subtree; b: a subtree or one widget
        return _within(b.widget, a.widget) or (
            b.context != Qt.ShortcutContext.WidgetShortcut and _within(a.widget, b.widget)
        )


def _within(widget: QWidget | None, ancestor: QWidget) -> bool:
    while widget is not None:
        if widget is ancestor:
            return True
        widget = None if widget.isWindow() else widget.parentWidget()
    return False


def _live(widget: QWidget | None) -> bool:
    return widget is not None and widget.isVisible() and widget.isEnabled()


def bindings(window: QWidget) -> Iterator[Binding]:
    """Every enabled QAction / QShortcut key of ``window`` whose widget is shown."""
    for shortcut in window.findChildren(QShortcut):
        parent = shortcut.parent()
        if not isinstance(parent, QWidget):
            continue
        if shortcut.isEnabled() and _live(parent):
            for key in shortcut.keys():  # noqa: SIM118 (a QShortcut, not a dict)
                name = f"QShortcut on {type(parent).__name__} {parent.objectName()!r}"
                yield Binding(_text(key), shortcut.context(), parent, name)
    for action in window.findChildren(QAction):
        if not action.isEnabled() or not action.shortcuts():
            continue
        widgets = [o for o in action.associatedObjects() if isinstance(o, QWidget) and _live(o)]
        for widget in widgets[:1]:
            for key in action.shortcuts():
                name = f"QAction {action.text()!r}"
                yield Binding(_text(key), action.shortcutContext(), widget, name)


def _text(key: QKeySequence) -> str:
    return key.toString(QKeySequence.SequenceFormat.PortableText)


def clashes(window: QWidget) -> list[str]:
    """Pairs of live bindings of one key that some focus widget would both activate."""
    found = list(bindings(window))
    problems = []
    for i, a in enumerate(found):
        for b in found[i + 1 :]:
            if a.key == b.key and a.covers(b):
                problems.append(f"{a.key}: {a.owner} and {b.owner}")
    return problems


def all_clashes() -> list[str]:
    """Clashes in every visible top-level window."""
    return [
        problem
        for window in QApplication.topLevelWidgets()
        if window.isVisible()
        for problem in clashes(window)
    ]


@pytest.fixture
def chair_session(qtbot, gui_desk, gui_actors):
    tasks = TaskRunner()
    made = DeskSession(gui_desk, gui_actors["chair"], tasks, database_label="test")
    yield made
    assert tasks.wait(30_000)
    qtbot.wait(10)


def _settle(qtbot, session):
    qtbot.waitUntil(lambda: session.tasks.busy == 0, timeout=15_000)


def _shown(qtbot, window):
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_the_collector_sees_a_clash_when_there_is_one(qtbot):
    host = _shown(qtbot, QWidget())
    child = QWidget(host)
    child.show()
    QShortcut(QKeySequence("Ctrl+K"), host)  # window-wide
    inner = QShortcut(QKeySequence("Ctrl+K"), child)
    inner.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    assert len(clashes(host)) == 1
    inner.setEnabled(False)
    assert clashes(host) == []


def test_no_key_is_bound_twice_on_any_screen(qtbot, session, chair_session, gui_desk, gui_actors):
    p = gui_actors["practitioner"]
    log_one(gui_desk, p)
    make_referral(gui_desk, p, "amber")
    decision = signed_s47(gui_desk, gui_actors)  # today's meeting, with a signed s47 on it
    window = _shown(qtbot, MainWindow(chair_session))
    _settle(qtbot, chair_session)
    assert all_clashes() == [], "main window with its queue"

    open_first_contact(qtbot, window)  # case view and threshold panel
    _settle(qtbot, chair_session)
    assert all_clashes() == [], "case view"

    window.new_contact()
    assert all_clashes() == [], "new contact form"

    mode = window.open_meeting()
    qtbot.waitUntil(lambda: mode.meeting is not None, timeout=10_000)
    _settle(qtbot, chair_session)
    assert all_clashes() == [], "meeting mode"
    window.close()

    police = DeskSession(gui_desk, gui_actors["police"], TaskRunner(), database_label="test")
    inbox = _shown(qtbot, MainWindow(police))
    _settle(qtbot, police)
    assert all_clashes() == [], "partner inbox"
    inbox.close()
    assert police.tasks.wait(30_000)

    session.actor = gui_actors["chair"]
    strategy = _shown(qtbot, StrategyDialog(session, decision.referral_id, decision.id))
    qtbot.waitUntil(lambda: len(strategy.rows) > 0, timeout=10_000)
    assert all_clashes() == [], "strategy dialog"
    strategy.close()
    routing = _shown(qtbot, RoutingDialog(session, decision.person_id))
    qtbot.waitUntil(lambda: routing.loaded, timeout=10_000)
    assert all_clashes() == [], "routing dialog"
    routing.close()
    _settle(qtbot, session)


def test_print_keys_work_in_meeting_mode_inside_the_main_window(qtbot, chair_session):
    window = _shown(qtbot, MainWindow(chair_session))
    mode = window.open_meeting()
    qtbot.waitUntil(lambda: mode.meeting is not None, timeout=10_000)
    _settle(qtbot, chair_session)
    window.activateWindow()
    mode.agenda_list.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is mode.agenda_list)
    # Nothing signed, nothing signed off: each key answers in meeting mode's status line.
    qtbot.keyClick(mode.agenda_list, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert "nothing to print (Ctrl+P)" in mode.status_label.text()
    qtbot.keyClick(
        mode.agenda_list,
        Qt.Key.Key_P,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert "print once it is signed off" in mode.status_label.text()
    _settle(qtbot, chair_session)
