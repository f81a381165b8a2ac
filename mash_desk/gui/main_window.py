"""The main window: the live work queue, new contacts and case tabs, menus and shortcuts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mash_desk.domain.demo_users import DEMO_ROLES as _DEMO_ROLES
from mash_desk.domain.demo_users import FIRST_PARTNER as _FIRST_PARTNER
from mash_desk.domain.permissions import ROLE_PERMISSIONS, Permission
from mash_desk.gui.a11y import focus_into
from mash_desk.gui.identity import DEMO_BANNER_STYLE, demo_banner, window_title
from mash_desk.gui.privacy import PRIVACY_KEY, PrivacyCurtain
from mash_desk.gui.red_decision_action import ACTION_KEY as RED_DECISION_KEY
from mash_desk.gui.red_decision_action import ACTION_TEXT as RED_DECISION_TEXT
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import describe_error
from mash_desk.gui.theme import THEMES, apply_theme

if TYPE_CHECKING:
    from mash_desk.gui.drafts import DamagedDraft, Draft, DraftStore
    from mash_desk.gui.queue_view import QueueView
    from mash_desk.gui.workload_view import WorkloadView

log = logging.getLogger(__name__)

# Demo roles a newcomer can try from the Demo menu: every role, and every partner agency's rep
# (synthetic users, see mash_desk.domain.demo_users).
DEMO_ROLES = _DEMO_ROLES


def ask_to_close(holder: QWidget) -> bool:
    """Ask a form or panel holding unsaved work whether it may close (it asks its user).

    Holders are found by what they can do (``has_unsaved_work`` and ``maybe_close``), not by
    class: contact forms, threshold panels and meeting forms each have their own questions.
    """
    maybe_close = getattr(holder, "maybe_close")  # noqa: B009 — checked by _with_unsaved_work
    return bool(maybe_close())


class MainWindow(QMainWindow):
    """One signed-in desk: the queue first, then a tab per open contact or case."""

    def __init__(
        self,
        session: DeskSession,
        *,
        switch_role: Callable[[str], Any] | None = None,
        drafts_dir: Path | None = None,
        early_queue: QueueView | None = None,
    ):
        """Build the window over ``session``; ``switch_role`` is given for the demo desk.

        ``early_queue`` is the queue shown while the desk loaded (``gui/early_window.py``):
        it becomes this window's queue, with its rows, selection and anything typed in it.
        """
        super().__init__()
        self.session = session
        self._early_queue = early_queue
        self._switch_role = switch_role
        self._drafts_dir = drafts_dir
        # Shown at start-up when a saved draft could not be read (see offer_drafts).
        self.damaged_drafts_dialog: QDialog | None = None
        self.setObjectName("mainWindow")
        self.resize(1280, 800)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.setAccessibleName("Open work")
        self.banner = QLabel()
        self.banner.setObjectName("demoBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(DEMO_BANNER_STYLE)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs)
        self.setCentralWidget(central)
        self._closing_tab = False
        self.curtain = PrivacyCurtain(self)
        self.curtain.lifted.connect(self._curtain_lifted)
        self._progress = QProgressBar()
        self._progress.setRange(0, 0)
        self._progress.setMaximumWidth(160)
        self._progress.setAccessibleName("Work in progress")
        self._progress.hide()
        self._busy_label = QLabel()
        self.statusBar().addPermanentWidget(self._busy_label)
        self.statusBar().addPermanentWidget(self._progress)
        session.tasks.busy_changed.connect(self._busy)
        session.tasks.failed.connect(self.show_failure)
        self._build_actions()
        self._build_queue()
        self._refresh_identity()
        # Other desks' changes and the lost-server banner (gui/live_sync.py; a shared server).
        from mash_desk.gui.live_sync import LiveSync

        self.live_sync = LiveSync(self, session)
        self.live_sync.place_banner(layout, 1)

    # -- building -------------------------------------------------------------------------

    def _action(self, text: str, slot: Callable[[], Any], shortcut: str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        # triggered(bool) would pass "checked" as the slot's first argument.
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.new_contact_action = self._action("&New contact", self.new_contact, "Ctrl+N")
        # Not offered to a role the contact service refuses (a hidden action has no shortcut).
        self.new_contact_action.setVisible(self._may(Permission.LOG_CONTACT))
        file_menu.addAction(self.new_contact_action)
        # Ctrl+S belongs to the form or panel that has focus (each binds it), so it is not
        # also bound here: two bindings of one key would cancel each other in Qt.
        file_menu.addAction(self._action("&Save current tab\tCtrl+S", self.save_current))
        file_menu.addAction(self._action("&Close tab", self.close_current_tab, "Ctrl+W"))
        if self._may(Permission.VIEW_CASE):
            # Partner reps receive documents; they never produce them (services.documents).
            file_menu.addSeparator()
            file_menu.addAction(
                self._action("&Print decision memo…", self.print_current_memo, "Ctrl+P")
            )
        from mash_desk.gui.backups import Backups

        self.backups = Backups(self, file_menu)  # embedded database only (gui/backups.py)
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.close, "Ctrl+Q"))
        # A performance officer has no list of children to move through (issue 13 item 3):
        # its menu holds the figures it may read instead.
        lists_children = self._may(Permission.VIEW_QUEUE) or self._may(
            Permission.RETURN_AGENCY_CHECKS
        )
        queue_menu = bar.addMenu("&Queue" if lists_children else "F&igures")
        if lists_children:
            self._build_queue_navigation(queue_menu)
        self._build_allocation_actions(queue_menu)
        self._build_outcome_actions(queue_menu)
        self._build_red_decision_actions(queue_menu)
        from mash_desk.gui.dashboard_menu import DashboardMenu

        # Issue 15 item 2: the figures dashboard (Ctrl+Shift+B), for roles that read measures.
        self.dashboard = DashboardMenu(self, queue_menu)
        if self._may(Permission.RUN_MEETING):
            meeting_menu = bar.addMenu("&Meeting")
            meeting_menu.addAction(
                self._action("&Open today's meeting", self.open_meeting, "Ctrl+M")
            )
            meeting_menu.addAction(
                self._action("&Print meeting memos…", self.print_meeting_memos, "Ctrl+Shift+P")
            )
        self._build_records_actions()
        view = bar.addMenu("&View")
        self.privacy_action = self._action("&Privacy screen", self.toggle_privacy, PRIVACY_KEY)
        view.addAction(self.privacy_action)
        self._build_lock_actions(view)
        self._build_account_actions(view)
        themes = view.addMenu("&Theme")
        for theme in THEMES:
            themes.addAction(self._action(theme.title(), partial(self.set_theme, theme)))
        if self.session.demo and self._switch_role is not None:
            demo = bar.addMenu("&Demo")
            for username, label in DEMO_ROLES:
                if username == _FIRST_PARTNER:
                    demo.addSeparator()  # the partner agencies' reps, after the MASH's own roles
                demo.addAction(
                    self._action(f"Sign in as {label}", partial(self._switch_role, username))
                )

    def _build_queue_navigation(self, menu: QMenu) -> None:
        menu.addAction(self._action("&Search the queue", self.search_queue, "Ctrl+Shift+F"))
        # F8 / Shift+F8, not Alt+Down: Alt+Down opens a combo box's list in every form.
        menu.addAction(self._action("&Next in queue", self.next_in_queue, "F8"))
        menu.addAction(self._action("&Previous in queue", self.previous_in_queue, "Shift+F8"))
        # F5 is bound by the queue view itself (one binding per key, or Qt fires neither).
        menu.addAction(self._action("&Refresh\tF5", self.refresh_queue))

    def _build_allocation_actions(self, menu: Any) -> None:
        """Take this, Allocate…, My work and Workload… (logic in ``gui.allocation_actions``)."""
        from mash_desk.gui.allocation_actions import WorkAllocation

        self.allocation = WorkAllocation(self)
        menu.addSeparator()
        for text, slot, key, permission in self.allocation.actions():
            if self._may(permission):
                menu.addAction(self._action(text, slot, key))

    def _build_records_actions(self) -> None:
        # Find a child (Ctrl+L) and possible duplicates (Ctrl+Shift+U): gui/records_menu.py.
        from mash_desk.gui.records_menu import RecordsMenu

        self.records = RecordsMenu(self, self.menuBar())

    def _build_outcome_actions(self, menu: Any) -> None:
        """Issue 12: "Record outcome…" (Ctrl+O) for the queue row or the case tab in front."""
        if self._may(Permission.RECORD_OUTCOME):
            menu.addSeparator()
            self.outcome_action = self._action("Record &outcome…", self.record_outcome, "Ctrl+O")
            menu.addAction(self.outcome_action)

    def record_outcome(self) -> Any:
        """Open the outcome dialog for the selected queue row or the case in the current tab."""
        from mash_desk.gui.case_view import CaseView
        from mash_desk.gui.outcome_dialog import open_for_row

        current = self.tabs.currentWidget()
        if current is not None and current is self.queue:
            return open_for_row(self.session, self.queue.selected_row(), self)
        case = current.findChild(CaseView) if current is not None else None
        if case is None:
            self.show_failure("Select a contact in the work queue, or open a case, first")
            return None
        return case.open_outcome_dialog()

    def _build_red_decision_actions(self, menu: Any) -> None:
        """Issue 12: a manager decides a red referral between meetings (gui/red_decision.py)."""
        self.red_decision_dialog: QWidget | None = None
        if self._may(Permission.SIGN_DECISION) and self._may(Permission.VIEW_QUEUE):
            self.red_decision_action = self._action(
                RED_DECISION_TEXT, self.decide_red_now, RED_DECISION_KEY
            )
            menu.addAction(self.red_decision_action)

    def decide_red_now(self) -> Any:
        """Open the red-referral decision for the queue row or case in front."""
        # Imported here: the dialog brings meeting mode's forms and services, which the first
        # screen does not need (issue 16, start-up).
        from mash_desk.gui import red_decision

        return red_decision.decide_now(self)

    def _build_lock_actions(self, view: QMenu) -> None:
        from mash_desk.gui.idle_lock import LOCK_KEY, WindowLock

        # After the policy's idle period the window locks itself (gui/idle_lock.py).
        self.lock = WindowLock(self, self.session)
        self.lock_action = self._action("&Lock now", self.lock.lock, LOCK_KEY)
        view.addAction(self.lock_action)

    def _build_account_actions(self, view: QMenu) -> None:
        # Everyone changes their own password (server login or embedded account); no shortcut.
        self.change_password_action = self._action("Change &password…", self.change_password)
        view.addAction(self.change_password_action)

    def change_password(self) -> None:
        """Open the change-password dialog (gui/change_password.py)."""
        from mash_desk.gui.change_password import ChangePasswordDialog

        self.password_dialog = ChangePasswordDialog(self.session, self)
        self.password_dialog.open()

    def _may(self, permission: Permission) -> bool:
        # Only to decide what to offer; the services check the permission again on every call.
        return permission in ROLE_PERMISSIONS.get(self.session.actor.role, frozenset())

    def _build_queue(self) -> None:
        from mash_desk.gui.queue_view import QueueView

        self.queue: QueueView | None = None
        self.figures: WorkloadView | None = None
        if not self._may(Permission.VIEW_QUEUE) and self._may(Permission.VIEW_WORKLOAD):
            # Issue 13 item 3: a performance officer's home is the counts of open work per
            # worker, not a list of children; the tab stays, as the queue does.
            self.figures = self.allocation.open_workload()
            self.figures.table.setAccessibleDescription(
                "Open work per worker by RAG rating, due today and overdue: counts only."
            )
            self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)
            # Issue 15 item 2: the measures dashboard is where the officer works; it opens
            # in front, with the workload kept as the home tab behind it.
            if self.dashboard.action is not None:
                self.dashboard.open_dashboard()
            return
        if not self._may(Permission.VIEW_QUEUE) and self._may(Permission.RETURN_AGENCY_CHECKS):
            # A partner rep's home is their agency's inbox: they have no front-door queue.
            from mash_desk.gui.partner_inbox import PartnerInbox

            self.inbox = PartnerInbox(self.session)
            self.tabs.insertTab(0, self.inbox, "Agency inbox")
            self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)
            self.tabs.setCurrentIndex(0)
            return
        if self._early_queue is not None:
            self.queue, self._early_queue = self._early_queue, None
            self.queue.attach(self.session)
        else:
            self.queue = QueueView(self.session)
        self.queue.open_requested.connect(self.open_row)
        self.tabs.insertTab(0, self.queue, "Work queue")
        # The queue is home: it cannot be closed.
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)
        self.tabs.setCurrentIndex(0)

    def _refresh_identity(self) -> None:
        actor, demo = self.session.actor, self.session.demo
        if demo:
            self.banner.setText(demo_banner(actor))
        self.banner.setVisible(demo)
        self.setWindowTitle(window_title(actor, self.session.database_label, demo=demo))

    # -- queue and tabs -------------------------------------------------------------------

    def _tab_of(self, key: str) -> int:
        for index in range(self.tabs.count()):
            widget = self.tabs.widget(index)
            if widget is not None and widget.property("tab_key") == key:
                return index
        return -1

    def _add_tab(self, widget: QWidget, title: str, key: str) -> None:
        widget.setProperty("tab_key", key)
        index = self.tabs.addTab(widget, title)
        self.tabs.setCurrentIndex(index)

    def new_contact(self, draft: dict[str, Any] | None = None):
        """Open a new contact form (optionally restored from a draft)."""
        from mash_desk.gui.contact_form import ContactForm

        form = ContactForm(self.session, drafts_dir=self._drafts_dir)
        if draft is not None:
            form.load_draft(draft)
        form.saved.connect(lambda _dto, f=form: self._contact_saved(f))
        self._add_tab(form, "New contact", f"contact-form:{id(form)}")
        form.setFocus()
        return form

    def _contact_saved(self, form: QWidget) -> None:
        self.statusBar().showMessage("Contact saved; its children are in the work queue.", 8000)

    def open_row(self, row: Any) -> None:
        """Open the case of a queue row (with the threshold panel for an open contact)."""
        # One tab per piece of work: a child with two open contacts gets two tabs, each
        # screening its own contact.
        key = f"{row.kind}:{row.item_id}"
        index = self._tab_of(key)
        if index >= 0:
            self.tabs.setCurrentIndex(index)
            return
        from mash_desk.gui.case_view import CaseView

        case = CaseView(self.session, row.person_id)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        # In a scroll area the case can give the threshold panel room on a laptop screen.
        scroller = QScrollArea()
        scroller.setWidgetResizable(True)
        scroller.setWidget(case)
        scroller.setAccessibleName("Case record")
        splitter.addWidget(scroller)
        if row.kind != "contact":
            # Once loaded, the focus goes to the chronology, not the bare pane around the
            # case. (An open contact's focus goes to the indicator search instead, below.)
            case.loaded.connect(lambda _case, s=splitter, c=case: focus_into(s, c.table))
        case.title_changed.connect(lambda title, s=splitter: self._retitle(s, title))
        from mash_desk.gui.threshold_panel import ThresholdPanel

        # The panel screens an open contact; for a referral it shows past assessments only,
        # each against the document version it used.
        panel = ThresholdPanel(self.session)
        splitter.addWidget(panel)
        # The panel needs room to read indicator wording; the case keeps a readable column.
        splitter.setSizes([520, 760])
        # A past assessment opens in its own window, so the screening in progress stays.
        case.assessment_requested.connect(self.show_assessment)
        if row.kind == "contact":
            # Ticking before the contact is known would be wiped when it arrives.
            panel.setEnabled(False)

            def ready(dto: Any, p: ThresholdPanel = panel, r: Any = row) -> None:
                child = next((c for c in dto.children if c.id == r.item_id), None)
                if child is None:
                    self.show_failure("This child is no longer on the contact; refresh the queue")
                    return
                p.set_subject(child, dto.risk_indicators)
                p.setEnabled(True)
                # A contact is opened to be screened: the keyboard goes to the indicator search
                # (a Tab into the case's chronology table would never come out to the panel),
                # unless the user has already moved into the tab (or blanked the window).
                focus = QApplication.focusWidget()
                if (
                    self.tabs.currentWidget() is splitter
                    and not self.curtain.isVisible()
                    and (focus is None or focus is scroller or not splitter.isAncestorOf(focus))
                ):
                    p.focus_search()

            self.session.tasks.read(
                self.session.desk.contacts.get,
                self.session.actor,
                row.contact_id,
                on_done=ready,
                label="Opening contact…",
            )
        self._add_tab(splitter, row.child_name, key)

    def open_meeting(self):
        """Open (or create) today's meeting in meeting mode, in one tab."""
        index = self._tab_of("meeting:today")
        if index >= 0:
            self.tabs.setCurrentIndex(index)
            return self.tabs.widget(index)
        from mash_desk.gui.meeting_mode import MeetingMode

        mode = MeetingMode(self.session)
        self._add_tab(mode, "Today's meeting", "meeting:today")
        mode.setFocus()
        return mode

    def print_meeting_memos(self, meeting_date: date | None = None):
        """Print (or save as PDFs) a meeting's memos and minutes; today's unless told."""
        from mash_desk.gui.meeting_print import open_meeting_print

        handler = self._tab_handler("print_meeting_memos")
        if meeting_date is None and handler is not None:
            return handler()  # meeting mode's own: the meeting on screen, once signed off
        when = meeting_date or self.session.desk.ctx.today()
        return open_meeting_print(self.session, when, self)

    def _tab_handler(self, name: str) -> Callable[[], Any] | None:
        """The current tab's own handler of a window-wide key (meeting mode's print keys).

        A window-wide action and a tab's shortcut on one key cancel each other in Qt
        ("Ambiguous shortcut overload"), so the tab binds no such key and the window hands
        it over here.
        """
        handler = getattr(self.tabs.currentWidget(), name, None)
        return handler if callable(handler) else None

    def print_current_memo(self):
        """Preview and print the memo of the current case's latest signed decision, if any."""
        from mash_desk.gui.case_view import CaseView
        from mash_desk.gui.printing import print_decision_memo

        handler = self._tab_handler("print_memo")
        if handler is not None:
            return handler()
        widget = self.tabs.currentWidget()
        case_view = widget if isinstance(widget, CaseView) else None
        if case_view is None and widget is not None:
            case_view = widget.findChild(CaseView)
        if case_view is None:
            self.statusBar().showMessage(
                "Open a child's case to print its decision memo (Meeting ▸ Print meeting memos "
                "prints a whole meeting's).",
                8000,
            )
            return None
        case = case_view.case
        if case is None:
            self.statusBar().showMessage("The case is still loading; try again in a moment.", 5000)
            return None
        # Referrals come newest first: the memo of the decision in force on the latest one.
        decision = next((r.latest_signed for r in case.referrals if r.latest_signed), None)
        if decision is None:
            self.statusBar().showMessage(
                "This case has no signed decision, so there is no memo to print.", 8000
            )
            return None
        return print_decision_memo(self.session, decision.id, self)

    def show_assessment(self, assessment: Any) -> None:
        """Show a past assessment read-only, against its own document version."""
        from PySide6.QtWidgets import QDialog, QVBoxLayout

        from mash_desk.gui.threshold_panel import ThresholdPanel

        dialog = QDialog(self)
        dialog.setWindowTitle(f"Threshold assessment — {assessment.document}")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        panel = ThresholdPanel(self.session, dialog)
        QVBoxLayout(dialog).addWidget(panel)
        dialog.resize(900, 640)
        panel.show_assessment(assessment)
        dialog.show()

    def _retitle(self, widget: QWidget, title: str) -> None:
        index = self.tabs.indexOf(widget)
        if index >= 0:
            self.tabs.setTabText(index, title)

    @staticmethod
    def _with_unsaved_work(widget: QWidget) -> list[QWidget]:
        """The widget and its children that hold unsaved work (forms, threshold panels)."""
        found = []
        for candidate in [widget, *widget.findChildren(QWidget)]:
            has = getattr(candidate, "has_unsaved_work", None)
            if callable(has) and hasattr(candidate, "maybe_close") and has():
                found.append(candidate)
        return found

    def close_tab(self, index: int) -> bool:
        """Close a tab, asking first if it holds unsaved work."""
        if index <= 0 or self._closing_tab:
            return False
        widget = self.tabs.widget(index)
        if widget is None:
            return False
        self._closing_tab = True
        try:
            for holder in self._with_unsaved_work(widget):
                if not ask_to_close(holder):
                    return False
        finally:
            self._closing_tab = False
        # The question ran an event loop: tabs may have moved meanwhile.
        index = self.tabs.indexOf(widget)
        if index <= 0:
            return False
        self.tabs.removeTab(index)
        widget.deleteLater()
        return True

    def close_current_tab(self) -> None:
        """Close the current tab (the queue stays)."""
        self.close_tab(self.tabs.currentIndex())

    def save_current(self) -> None:
        """Save what the current tab holds, if it saves."""
        widget = self.tabs.currentWidget()
        targets = [widget] + (widget.findChildren(QWidget) if widget is not None else [])
        for target in targets:
            save = getattr(target, "save", None)
            if callable(save) and target.metaObject().className() != "QWidget":
                save()
                return

    def search_queue(self) -> None:
        """Go to the queue's search box."""
        self.tabs.setCurrentIndex(0)
        if self.queue is not None:
            self.queue.focus_search()

    def next_in_queue(self) -> None:
        """Select the next row of the queue."""
        self.tabs.setCurrentIndex(0)
        if self.queue is not None:
            self.queue.select_next()
            self._focus_queue_table()

    def previous_in_queue(self) -> None:
        """Select the previous row of the queue."""
        self.tabs.setCurrentIndex(0)
        if self.queue is not None:
            self.queue.select_previous()
            self._focus_queue_table()

    def _focus_queue_table(self) -> None:
        # The keyboard follows the selection, so Enter then opens the row F8 chose (from
        # anywhere: the tab bar or a case tab would otherwise keep Enter).
        if self.queue is not None:
            self.queue.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def refresh_queue(self) -> None:
        """Reload the queue now."""
        if self.queue is not None:
            self.queue.refresh()

    # -- privacy, theme, status -----------------------------------------------------------

    def toggle_privacy(self) -> None:
        """Blank the window at once (or show it again)."""
        self.curtain.toggle()
        hidden = self.curtain.isVisible()
        # Under the curtain no shortcut may open or close anything but the curtain itself.
        for action in self.actions():
            if action is not self.privacy_action:
                action.setEnabled(not hidden)
        self.menuBar().setEnabled(not hidden)

    def _curtain_lifted(self) -> None:
        for action in self.actions():
            action.setEnabled(True)
        self.menuBar().setEnabled(True)

    def set_theme(self, theme: str) -> None:
        """Switch theme and remember it."""
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        apply_theme(app, theme)
        QSettings().setValue("theme", theme)

    def _busy(self, count: int, label: str) -> None:
        self._progress.setVisible(count > 0)
        self._busy_label.setText(label if count > 0 else "")

    def show_failure(self, message: str) -> None:
        """Tell the user a background step failed (no traceback; details go to the log)."""
        self.statusBar().showMessage(message, 15000)
        box = QMessageBox(QMessageBox.Icon.Warning, "MASH Desk", message, parent=self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -- drafts and closing ---------------------------------------------------------------

    def offer_drafts(self, ask: Callable[[int], bool] | None = None) -> int:
        """Offer to restore contacts left unsaved by a crash; returns how many were restored.

        Drafts that could not be read were set aside by the store; their recovered text is
        shown afterwards in :class:`DamagedDraftsDialog` (:attr:`damaged_drafts_dialog`).
        """
        store = self.session.draft_store(self._drafts_dir)
        scan = store.scan()
        restored = self._restore_drafts(store, scan.pending, ask) if scan.pending else 0
        if scan.damaged:
            self._show_damaged_drafts(scan.damaged)
        return restored

    def _restore_drafts(
        self, store: DraftStore, pending: list[Draft], ask: Callable[[int], bool] | None
    ) -> int:
        if ask is None:

            def ask(count: int) -> bool:
                answer = QMessageBox.question(
                    self,
                    "Restore unsaved contacts?",
                    f"{count} contact(s) you were typing when MASH Desk last stopped were "
                    "kept. Restore them now?\n\nChoose No to discard them.",
                )
                return answer == QMessageBox.StandardButton.Yes

        if not ask(len(pending)):
            for draft in pending:
                store.discard(draft.id)
            return 0
        for draft in pending:
            form = self.new_contact(draft.data)
            # The restored form saves under its own new draft; the old file goes.
            QTimer.singleShot(0, lambda d=draft: store.discard(d.id))
            del form
        return len(pending)

    def _show_damaged_drafts(self, damaged: list[DamagedDraft]) -> None:
        from mash_desk.gui.damaged_drafts import DamagedDraftsDialog, damaged_message

        dialog = DamagedDraftsDialog(damaged, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_: setattr(self, "damaged_drafts_dialog", None))
        self.damaged_drafts_dialog = dialog
        self.statusBar().showMessage(damaged_message(damaged), 15000)
        dialog.open()

    def unsaved_forms(self) -> list[QWidget]:
        """Forms and panels holding work not yet saved, in every tab."""
        found: list[QWidget] = []
        for index in range(1, self.tabs.count()):
            widget = self.tabs.widget(index)
            if widget is not None:
                found += self._with_unsaved_work(widget)
        return found

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 — Qt API
        """Ask about each unsaved form before closing; never lose typed work silently."""
        for widget in self.unsaved_forms():
            tab: QWidget | None = widget
            while tab is not None and self.tabs.indexOf(tab) < 0:
                tab = tab.parentWidget()
            if tab is not None:
                self.tabs.setCurrentWidget(tab)
            if not ask_to_close(widget):
                event.ignore()
                return
        self.live_sync.stop()
        self.session.tasks.wait(30_000)
        event.accept()

    def report_error(self, exc: BaseException) -> None:
        """Show a failure raised by a callback of this window."""
        self.show_failure(describe_error(exc))
