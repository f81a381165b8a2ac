"""No key is bound twice where both bindings are live (Qt would fire neither, or only cycle).

Qt reports "Ambiguous shortcut overload" and does nothing when two enabled QActions or
QShortcuts with one key are active for the same focus widget. Alt+letter mnemonics (the "&"
of a button, check box, group box, buddied label, tab or menu-bar title) are window-wide
bindings too: two of one letter in a window only move the focus between them, so a keyboard
user can never press either. This walks every screen — the main window with its queue, a case
view with its threshold panel, a new contact form, meeting mode, the workload view, the idle
lock, a partner's inbox, and the outcome, allocate, find-a-child, possible-duplicates, routing
and strategy dialogs — and compares the scopes of every live binding: a window-wide one (every
mnemonic) covers the whole window, a widget-with-children one its subtree, a widget one the
widget itself. A screen inside the main window shares the window's menu-bar titles.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenuBar,
    QPushButton,
    QTabBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mash_desk.gui.main_window import MainWindow
from mash_desk.gui.routing_dialog import RoutingDialog
from mash_desk.gui.session import DeskSession
from mash_desk.gui.strategy_dialog import StrategyDialog
from mash_desk.gui.tasks import TaskRunner
from tests.gui.test_main_window import open_first_contact
from tests.gui.test_strategy_dialog import signed_s47
from tests.services.test_checks import make_referral
from tests.support.helpers import log_one

LEVEL_FOUR = "l4-disclosure-physical-abuse"
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


def _named(widget: QWidget, text: str) -> str:
    return f"{type(widget).__name__} {widget.objectName()!r} {text!r}"


def _mnemonic(text: str) -> str:
    """The Alt+letter that the "&" of ``text`` binds ("" if none; "&&" is a plain "&")."""
    return _text(QKeySequence.mnemonic(text))


def _keyed(widget: QWidget) -> Iterator[tuple[str, str]]:
    """(key, owner) of each window-wide key a shown widget binds through its own text."""
    if isinstance(widget, QAbstractButton):
        # The "&" of the text (or an explicit setShortcut, which is window-wide as well).
        yield _text(widget.shortcut()), _named(widget, widget.text())
    elif isinstance(widget, QGroupBox):
        yield _mnemonic(widget.title()), _named(widget, widget.title())
    elif isinstance(widget, QLabel) and widget.buddy() is not None:
        # A label's "&" moves the keyboard to its buddy; without a buddy it binds nothing.
        yield _mnemonic(widget.text()), _named(widget, widget.text())
    elif isinstance(widget, QTabBar):
        for index in range(widget.count()):
            if widget.isTabVisible(index):
                yield _mnemonic(widget.tabText(index)), _named(widget, widget.tabText(index))
    elif isinstance(widget, QMenuBar) and widget.isEnabled():
        # The lock and the privacy curtain disable the bar, and its titles with it.
        for action in widget.actions():
            if action.isVisible():
                yield _mnemonic(action.text()), f"menu-bar title {action.text()!r}"


def mnemonics(window: QWidget) -> Iterator[Binding]:
    """Every key bound by the text of a widget shown in ``window`` itself (not its dialogs).

    A mnemonic acts window-wide while its widget is shown, enabled or not (a disabled
    button is enabled again by the next selection). Widgets on a tab page or a stacked page
    not in front are hidden, so they bind nothing until that page is shown.
    """
    for widget in window.findChildren(QWidget):
        if widget.isVisible() and widget.window() is window:
            for key, owner in _keyed(widget):
                if key:
                    yield Binding(key, Qt.ShortcutContext.WindowShortcut, widget, owner)


def clashes(window: QWidget) -> list[str]:
    """Pairs of live bindings of one key that some focus widget would both activate."""
    found = [b for b in bindings(window) if b.widget.window() is window]
    found += mnemonics(window)
    problems = []
    for i, a in enumerate(found):
        for b in found[i + 1 :]:
            if a.key == b.key and a.covers(b):
                problems.append(f"{a.key}: {a.owner} and {b.owner}")
    return problems


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


def test_the_collector_sees_a_mnemonic_clash_in_one_window_only(qtbot):
    host = _shown(qtbot, QMainWindow())
    host.menuBar().addMenu("&Records")
    body = QWidget()
    host.setCentralWidget(body)
    layout = QVBoxLayout(body)
    label = QLabel("&Rationale", body)
    label.setBuddy(QLineEdit(body))
    tabs = QTabWidget(body)
    tabs.addTab(QWidget(), "&Notes")
    tabs.addTab(QPushButton("&Run"), "&Other")  # a page not in front binds nothing
    for widget in (label, label.buddy(), tabs):
        layout.addWidget(widget)
    qtbot.waitUntil(label.isVisible)
    [clash] = clashes(host)
    assert clash.startswith("Alt+R: ") and "'&Rationale'" in clash and "'&Records'" in clash
    tabs.setCurrentIndex(1)
    assert len(clashes(host)) == 3  # the Run button on the page now in front, with both
    tabs.setCurrentIndex(0)
    label.setText("Ra&tionale")
    assert clashes(host) == []
    QShortcut(QKeySequence("Alt+T"), host)  # a shortcut on a mnemonic's key
    assert len(clashes(host)) == 1
    # A dialog is a window of its own: its "&Merge…" and the window's "&Meeting" never meet.
    host.menuBar().addMenu("&Meeting")
    dialog = QDialog(host)
    QPushButton("&Merge…", dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert len(clashes(host)) == 1 and clashes(dialog) == []


def screen_clashes(window: QWidget, skip: QWidget | None = None) -> list[str]:
    """Clashes in ``window`` as shown, then with each page of its tab widgets in front.

    ``skip`` is the main window's own tab widget: its pages are screens walked one by one.
    """
    found = clashes(window)
    every = [t for t in window.findChildren(QTabWidget) if t.window() is window]
    for tabs in [t for t in every if t.isVisible() and t is not skip]:
        shown = tabs.currentIndex()
        for index in range(tabs.count()):
            if index != shown:
                tabs.setCurrentIndex(index)
                page = f"with the {tabs.tabText(index)!r} page in front"
                found += [f"{problem} ({page})" for problem in clashes(window)]
        tabs.setCurrentIndex(shown)
    return list(dict.fromkeys(found))


@pytest.fixture
def lead_session(qtbot, gui_desk, gui_actors):
    """A manager (a chair's rights, allocation and the merge) on a demo desk: every menu."""
    tasks = TaskRunner()
    made = DeskSession(gui_desk, gui_actors["manager"], tasks, demo=True, database_label="test")
    yield made
    assert tasks.wait(30_000)
    qtbot.wait(10)


def _main_window_screens(qtbot, session, found: dict[str, list[str]]) -> MainWindow:
    """The main window's tabs: queue, case view and panel, contact form, meeting, workload."""
    window = _shown(qtbot, MainWindow(session, switch_role=lambda _username: None))
    _settle(qtbot, session)
    found["main window with its queue"] = screen_clashes(window, window.tabs)

    panel = open_first_contact(qtbot, window)  # case view and threshold panel
    _settle(qtbot, session)
    found["case view"] = screen_clashes(window, window.tabs)
    panel.set_ticked(LEVEL_FOUR)  # on an amber contact: the re-rate-red prompt shows
    assert panel.rag_prompt.isVisible()
    found["case view, Level 4 on amber"] = screen_clashes(window, window.tabs)
    panel.set_ticked(LEVEL_FOUR, False)

    form = window.new_contact()
    card = form.add_child()  # a second child: its fields repeat the first one's
    found["new contact form, two children"] = screen_clashes(window, window.tabs)
    form.remove_child(card)

    mode = window.open_meeting()
    qtbot.waitUntil(lambda: mode.meeting is not None, timeout=10_000)
    _settle(qtbot, session)
    found["meeting mode"] = screen_clashes(window, window.tabs)

    window.allocation.open_workload()
    _settle(qtbot, session)
    found["workload view"] = screen_clashes(window, window.tabs)
    return window


def _dialog_screens(qtbot, session, window: MainWindow, found: dict[str, list[str]]) -> None:
    """The dialogs of the main window (each its own window), then the idle lock over it."""
    window.tabs.setCurrentIndex(1)  # the case tab, on its open contact
    outcome = window.record_outcome()
    qtbot.waitUntil(lambda: outcome.loaded, timeout=10_000)
    found["outcome dialog"] = screen_clashes(outcome)
    outcome.confirm_discard = lambda: True
    outcome.reject()

    window.allocation.allocate()
    qtbot.waitUntil(lambda: window.allocation.dialog is not None, timeout=10_000)
    _settle(qtbot, session)
    allocate = window.allocation.dialog
    found["allocate dialog"] = screen_clashes(allocate)
    allocate.reject()

    finder = window.records.find_child()
    found["find a child"] = screen_clashes(finder)
    finder.hide()

    duplicates = window.records.possible_duplicates()
    qtbot.waitUntil(lambda: not duplicates.loading, timeout=10_000)
    found["possible duplicates"] = screen_clashes(duplicates)
    duplicates.hide()

    window.lock.lock()
    found["idle lock screen"] = screen_clashes(window)


def test_no_key_is_bound_twice_on_any_screen(qtbot, session, lead_session, gui_desk, gui_actors):
    p = gui_actors["practitioner"]
    log_one(gui_desk, p, rag="amber", rag_reason="Bruise seen at school")
    make_referral(gui_desk, p, "amber")
    decision = signed_s47(gui_desk, gui_actors)  # today's meeting, with a signed s47 on it
    found: dict[str, list[str]] = {}
    window = _main_window_screens(qtbot, lead_session, found)
    _dialog_screens(qtbot, lead_session, window, found)
    window.close()
    _settle(qtbot, lead_session)

    police = DeskSession(gui_desk, gui_actors["police"], TaskRunner(), database_label="test")
    inbox = _shown(qtbot, MainWindow(police))
    _settle(qtbot, police)
    found["partner inbox"] = screen_clashes(inbox, inbox.tabs)
    inbox.close()
    assert police.tasks.wait(30_000)

    session.actor = gui_actors["chair"]
    strategy = _shown(qtbot, StrategyDialog(session, decision.referral_id, decision.id))
    qtbot.waitUntil(lambda: len(strategy.rows) > 0, timeout=10_000)
    found["strategy dialog"] = screen_clashes(strategy)
    strategy.close()
    routing = _shown(qtbot, RoutingDialog(session, decision.person_id))
    qtbot.waitUntil(lambda: routing.loaded, timeout=10_000)
    found["routing dialog"] = screen_clashes(routing)
    routing.close()
    _settle(qtbot, session)
    report: dict[str, str] = {}  # each clash once, on the first screen that shows it
    for screen, problems in found.items():
        for problem in problems:
            report.setdefault(problem.split(" (with the ")[0], f"{screen}: {problem}")
    assert list(report.values()) == [], "\n".join(report.values())


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
