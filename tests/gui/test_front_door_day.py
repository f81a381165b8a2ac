"""The whole front door in one day, through the real main window, by keyboard only (issue 12).

A practitioner logs a phone call about a child the MASH already knows (an earlier contact,
closed to early help), chooses the stored record from the suggestions, screens the child at
Level 3 and progresses the contact to a referral with its primary need and the consent the
level asks for. A team manager allocates the referral to a worker. The chair opens today's
meeting, finds the child on the agenda, reads the concern in the chair's view, records
attendance for quorum, decides a single assessment (s17) at the suggested level and signs;
the step up from early help is routed and completed, and the memo printed to a real CUPS
queue. The services then tell what was stored, and the audit log has a row for each step.

Each user has their own main window over the one database, as the demo's role switch does.
Every key goes to the widget that has the keyboard focus; widget state is only read, to
assert and to wait. All names and details are synthetic.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QWidget
from sqlalchemy import select

from mash_desk.domain.enums import Rag, ServiceKind
from mash_desk.gui.allocate_dialog import AllocateDialog
from mash_desk.gui.case_view import CaseView
from mash_desk.gui.contact_form import ContactForm
from mash_desk.gui.main_window import MainWindow
from mash_desk.gui.meeting_mode import MeetingMode
from mash_desk.gui.outcome_dialog import OutcomeDialog
from mash_desk.gui.printing import PrintDialog, PrintPreviewDialog
from mash_desk.gui.queue_model import RowRole
from mash_desk.gui.routing_dialog import RoutingDialog
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import TaskRunner
from mash_desk.gui.threshold_panel import IndicatorRole, ThresholdPanel
from mash_desk.printing.cups import PrintJob
from mash_desk.services.desk import Desk
from mash_desk.services.dto import Actor
from mash_desk.services.inputs import OutcomeInput, ReferralDetails
from mash_desk.storage.models import AuditEntry, ServiceEpisode
from tests.conftest import NOW
from tests.documents.conftest import pdf_text
from tests.support.cups import PDF_QUEUE, CupsServer, serve
from tests.support.helpers import child, contact, log_one

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
NONE = Qt.KeyboardModifier.NoModifier
BORN = date(2019, 6, 1)
L3_TICKS = (
    ("alcohol", "l3-parent-substance-affecting-care"),
    ("neglect continuing", "l3-persistent-neglect"),
)
# The practitioner's note of the call, typed in full; the chair must read all of it.
CONCERN = (
    "Class teacher, by phone: Amira (7) has come to school hungry on four days of the last "
    "two weeks and fell asleep in lessons twice. This morning she said her mother 'drinks "
    "all day and forgets tea', and that she looks after herself after school until late. "
    "Her clothes are unwashed and she has had toothache for a month. The family has had "
    "early help since the summer, and the school's worry has grown since half term."
)
WORKER_REASON = "Knows the family from the early help episode; capacity this week."
DECISION_RATIONALE = (
    "Parental alcohol use is affecting Amira's care and neglect continues despite early "
    "help: a single assessment is needed."
)
TEAM = "Assessment Team 2"


# ---- keyboard -------------------------------------------------------------------------------


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(qtbot, key: Qt.Key, modifier=NONE) -> None:
    """Press a key where the keyboard focus is, as a user does."""
    qtbot.keyClick(focused(), key, modifier)


def type_text(qtbot, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def wait_focus(qtbot, widget: QWidget, timeout: int = 10_000) -> None:
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=timeout)


def tab_to(qtbot, name: str, *, most: int = 12) -> None:
    """Press Tab until the field called ``name`` has the focus."""
    for _ in range(most):
        if focused().accessibleName() == name:
            return
        press(qtbot, Qt.Key.Key_Tab)
    assert focused().accessibleName() == name


def arrow_to(qtbot, combo: QComboBox, data) -> None:
    """With ``combo`` focused, move down its entries with the arrow keys until ``data``."""
    assert focused() is combo
    press(qtbot, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentData() == data:
            return
        press(qtbot, Qt.Key.Key_Down)
    assert combo.currentData() == data, combo.currentText()


def settle(qtbot, session: DeskSession) -> None:
    qtbot.waitUntil(lambda: session.tasks.busy == 0, timeout=20_000)


# ---- users and windows ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def cups() -> Iterator[CupsServer]:
    """The private print server with its cups-pdf queue (CI requires it)."""
    yield from serve()


@pytest.fixture
def tasks(qtbot) -> Iterator[TaskRunner]:
    """One task runner for every window, as the demo desk shares one between roles."""
    runner = TaskRunner()
    yield runner
    assert runner.wait(30_000)
    qtbot.wait(10)


class Desks:
    """A main window per signed-in user over one database; one window shows at a time."""

    def __init__(self, qtbot, desk: Desk, tasks: TaskRunner, drafts: Path):
        self.qtbot, self.desk, self.tasks, self.drafts = qtbot, desk, tasks, drafts
        self.window: MainWindow | None = None

    def sign_in(self, actor: Actor) -> MainWindow:
        """Show the desk as ``actor``, in place of the window before (the role switch)."""
        before = self.window
        if before is not None:
            assert before.unsaved_forms() == []
            before.hide()
        session = DeskSession(self.desk, actor, self.tasks, database_label="test")
        window = MainWindow(session, drafts_dir=self.drafts)
        self.qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        self.qtbot.waitExposed(window)
        window.activateWindow()
        self.qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
        self.window = window
        return window


def queue_rows(window: MainWindow) -> list:
    model = window.queue.model
    return [model.index(r, 0).data(RowRole) for r in range(model.rowCount())]


def f8_to(qtbot, window: MainWindow, kind: str, person_id: int) -> None:
    """F8 down the queue until the row of ``kind`` for the child is selected."""
    qtbot.waitUntil(
        lambda: (
            not window.queue.model.loading
            and any(r.kind == kind and r.person_id == person_id for r in queue_rows(window))
        ),
        timeout=15_000,
    )
    for _ in range(len(queue_rows(window)) + 1):
        press(qtbot, Qt.Key.Key_F8)
        row = window.queue.selected_row()
        if row is not None and row.kind == kind and row.person_id == person_id:
            return
    raise AssertionError(f"the {kind} of person {person_id} was not reached with F8")


# ---- the day before: what the MASH already knows -------------------------------------------


def known_child(desk: Desk, actors: dict[str, Actor]) -> int:
    """Amira, known from a contact two months ago closed to early help, which she is open to."""
    p = actors["practitioner"]
    earlier = desk.contacts.log(
        p,
        contact(
            child("Amira", "Hassan", date_of_birth=BORN, rag="green", rag_reason="Attendance"),
            received_at=NOW - timedelta(days=62),
            concerns="School: attendance has dipped to 88 % this term; mother is struggling.",
        ),
    ).value.children[0]
    desk.outcomes.record(p, earlier.id, earlier.version, OutcomeInput(outcomes=("early_help",)))
    # Service episodes come from the council's case system (no desk screen opens one; the
    # demo generator writes them too): written directly, as the service tests do.
    with desk.db.transaction() as s:
        s.add(
            ServiceEpisode(
                person_id=earlier.person.id,
                service=ServiceKind.EARLY_HELP.value,
                team="Early Support Hub North",
                started_on=(NOW - timedelta(days=60)).date(),
            )
        )
    return earlier.person.id


def other_referral(desk: Desk, actors: dict[str, Actor]) -> int:
    """Another child's red referral, so the chair has to find Amira on the agenda."""
    p = actors["practitioner"]
    cc = log_one(
        desk,
        p,
        given="Theo",
        family="Brook",
        date_of_birth=date(2015, 2, 3),
        rag="red",
        rag_reason="Injury disclosed",
    ).children[0]
    result = desk.outcomes.record(
        p,
        cc.id,
        cc.version,
        OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails("N1", "2A")),
    )
    return result.value.referral.id


# ---- the practitioner ------------------------------------------------------------------------


def log_the_call(qtbot, window: MainWindow, person_id: int) -> tuple[int, int]:
    """Ctrl+N, the call typed as it comes, the stored record chosen, Ctrl+S."""
    press(qtbot, Qt.Key.Key_N, CTRL)
    form = window.tabs.currentWidget()
    assert isinstance(form, ContactForm)
    wait_focus(qtbot, form.ui.channel)
    # Combo boxes are chosen with the arrow keys: type-ahead depends on typing speed.
    arrow_to(qtbot, form.ui.channel, "phone")
    press(qtbot, Qt.Key.Key_Tab)
    for text, name in (
        ("Jo Teacher", "Referrer's name"),
        ("Class teacher", "Referrer's role"),
        ("Northfield Primary", "Referrer's agency"),
        ("020 7946 0000", "Referrer's phone"),
        ("jo.teacher@school.example.org", "Referrer's e-mail"),
        ("2A", "Referral source (CIN census code)"),
        (CONCERN, "Concerns"),
    ):
        assert focused().accessibleName() == name
        type_text(qtbot, text)
        press(qtbot, Qt.Key.Key_Tab)
    tab_to(qtbot, "First name")
    card = form.cards[0]
    type_text(qtbot, "Amira")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "Hassan")
    # The stored records are looked up as the name is typed; the list comes right after it.
    qtbot.waitUntil(lambda: card.suggestions.count() == 2, timeout=10_000)
    line = card.suggestions.item(0).text()
    assert f"person {person_id}" in line and "Known:" in line
    assert "open to early help" in line
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is card.suggestions and card.linked is None  # nothing chosen for her
    press(qtbot, Qt.Key.Key_Down)  # the stored record: an explicit choice
    assert card.linked is not None and card.linked.id == person_id
    assert card.date_of_birth.text() == f"{BORN:%d/%m/%Y}"
    tab_to(qtbot, "RAG rating")
    arrow_to(qtbot, card.rag, "amber")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "Hungry at school, parental alcohol use disclosed")
    with qtbot.waitSignal(form.saved, timeout=15_000) as saved:
        press(qtbot, Qt.Key.Key_S, CTRL)
    logged = saved.args[0]
    (child,) = logged.children
    assert child.person.id == person_id  # no second record of Amira
    return logged.id, child.id


def screen_at_level_3(qtbot, window: MainWindow, person_id: int) -> ThresholdPanel:
    """F8 to the new contact, Enter opens it, tick the Level 3 indicators, confirm, Ctrl+S."""
    f8_to(qtbot, window, "contact", person_id)
    row = window.queue.selected_row()
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: window.tabs.currentWidget().property("tab_key") == f"contact:{row.item_id}",
        timeout=10_000,
    )
    panel = window.tabs.currentWidget().findChild(ThresholdPanel)
    qtbot.waitUntil(
        lambda: panel.isEnabled() and panel.subject is not None and panel.document is not None,
        timeout=10_000,
    )
    # Opened to be screened: the keyboard is in the indicator search.
    wait_focus(qtbot, panel.search)
    for words, indicator in L3_TICKS:
        press(qtbot, Qt.Key.Key_F, CTRL)
        assert focused() is panel.search
        type_text(qtbot, words)
        press(qtbot, Qt.Key.Key_Tab)
        assert focused() is panel.tree
        for _ in range(12):
            if panel.tree.currentIndex().data(IndicatorRole) == indicator:
                break
            press(qtbot, Qt.Key.Key_Down)
        assert panel.tree.currentIndex().data(IndicatorRole) == indicator
        press(qtbot, Qt.Key.Key_Space)
        assert indicator in panel.ticked()
    assert panel.suggested_label.text() == "Suggested: Level 3: Complex needs: child in need"
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is panel.level_combo
    assert panel.level_combo.currentText().startswith("Confirm suggested level (Level 3")
    with qtbot.waitSignal(panel.screened, timeout=10_000):
        press(qtbot, Qt.Key.Key_S, CTRL)
    assert panel.subject.provisional_level == 3
    return panel


def progress_to_referral(qtbot, window: MainWindow) -> int:
    """Ctrl+O in the case tab: referral, its primary need, consent to assessment; Ctrl+Enter."""
    case = window.tabs.currentWidget().findChild(CaseView)
    press(qtbot, Qt.Key.Key_O, CTRL)
    qtbot.waitUntil(lambda: isinstance(case.outcome_dialog, OutcomeDialog), timeout=5_000)
    dialog = case.outcome_dialog
    qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
    wait_focus(qtbot, dialog.ui.nfaCheck)
    assert "Level 3" in dialog.ui.consentRule.text()
    press(qtbot, Qt.Key.Key_R, ALT)
    qtbot.waitUntil(lambda: dialog.ui.referralCheck.isChecked(), timeout=5_000)
    press(qtbot, Qt.Key.Key_P, ALT)
    arrow_to(qtbot, dialog.ui.primaryNeed, "N1")
    assert dialog.ui.referralSource.currentData() == "2A"  # the contact's, in words too
    press(qtbot, Qt.Key.Key_O, ALT)
    arrow_to(qtbot, dialog.ui.consentState, "given")
    with qtbot.waitSignal(dialog.recorded, timeout=10_000) as recorded:
        press(qtbot, Qt.Key.Key_Return, CTRL)
    referral = recorded.args[0].referral
    assert (referral.status, referral.primary_need, referral.source) == (
        "awaiting_decision",
        "N1",
        "2A",
    )
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)
    return referral.id


# ---- the manager -----------------------------------------------------------------------------


def allocate(qtbot, window: MainWindow, person_id: int, worker: Actor) -> None:
    """F8 to the referral, Ctrl+Shift+L, the worker and the reason, Alt+A."""
    f8_to(qtbot, window, "referral", person_id)
    press(qtbot, Qt.Key.Key_L, CTRL | SHIFT)
    qtbot.waitUntil(lambda: isinstance(window.allocation.dialog, AllocateDialog), timeout=5_000)
    dialog = window.allocation.dialog
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled(), timeout=10_000)
    wait_focus(qtbot, dialog.ui.team)
    press(qtbot, Qt.Key.Key_Tab)
    arrow_to(qtbot, dialog.ui.worker, worker.user_id)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.ui.reason
    type_text(qtbot, WORKER_REASON)
    with qtbot.waitSignal(dialog.allocated, timeout=10_000):
        press(qtbot, Qt.Key.Key_A, ALT)
    assert f"allocated to {worker.display_name}" in window.statusBar().currentMessage()


# ---- the chair -------------------------------------------------------------------------------


def open_meeting_and_find(qtbot, window: MainWindow, referral_id: int) -> MeetingMode:
    """Ctrl+M; Ctrl+G to the agenda, arrows to Amira; her concern read in the chair's view."""
    press(qtbot, Qt.Key.Key_M, CTRL)
    mode = window.tabs.currentWidget()
    assert isinstance(mode, MeetingMode)
    qtbot.waitUntil(
        lambda: (
            mode.meeting is not None
            and mode.document is not None
            and mode.agency_box.count() > 0
            and mode.worker_box.count() > 1
        ),
        timeout=20_000,
    )
    settle(qtbot, window.session)
    agenda = [i.referral_id for i in mode.meeting.agenda]
    # The red referral is due first; Amira comes after it.
    assert len(agenda) == 2 and agenda[1] == referral_id and mode.item.referral_id != referral_id
    press(qtbot, Qt.Key.Key_G, CTRL)
    assert focused() is mode.agenda_list
    for _ in range(len(agenda)):
        if mode.item.referral_id == referral_id:
            break
        press(qtbot, Qt.Key.Key_Down)
    assert mode.item.referral_id == referral_id
    ui = mode.chair.ui
    qtbot.waitUntil(lambda: "this referral's contact" in ui.concernText.text(), timeout=10_000)
    assert CONCERN in ui.concernText.text()  # in full, as typed on the phone
    # Beside the decision form, nothing scrolled away, at 1366×768.
    top_left = ui.concernText.mapTo(window, QPoint(0, 0))
    assert window.rect().contains(QRect(top_left, ui.concernText.size()))
    assert "Suggested: Level 3" in ui.thresholdText.text()
    assert "Early help" in ui.historyText.text()
    return mode


def record_attendance(qtbot, mode: MeetingMode, session: DeskSession) -> None:
    """Alt+G the agency (arrow keys), Ctrl+T the name, Enter: social care, police, health."""
    for code, name in (
        ("social_care", "Sam Okafor"),
        ("police", "DS Jo Reed"),
        ("health", "Priya Shah"),
    ):
        press(qtbot, Qt.Key.Key_G, ALT)
        arrow_to(qtbot, mode.agency_box, code)
        press(qtbot, Qt.Key.Key_T, CTRL)
        assert focused() is mode.attendee_edit
        type_text(qtbot, name)
        press(qtbot, Qt.Key.Key_Return)
        settle(qtbot, session)
    qtbot.waitUntil(lambda: "✔ Quorate" in mode.quorum_label.text(), timeout=10_000)


def decide_s17(qtbot, mode: MeetingMode, session: DeskSession, worker: Actor) -> None:
    """Ctrl+E: single assessment, the screening's indicators, the suggested level, sign."""
    press(qtbot, Qt.Key.Key_E, CTRL)
    wait_focus(qtbot, mode.outcome_box)
    arrow_to(qtbot, mode.outcome_box, "single_assessment_s17")
    for words, indicator in L3_TICKS:
        tab_to(qtbot, mode.indicator_filter.accessibleName())
        press(qtbot, Qt.Key.Key_A, CTRL)
        type_text(qtbot, words)
        press(qtbot, Qt.Key.Key_Tab)
        assert focused() is mode.indicator_list
        view = mode.indicator_list
        for _ in range(view.count()):
            item = view.currentItem()
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == indicator:
                break
            press(qtbot, Qt.Key.Key_Down)
        assert view.currentItem().data(Qt.ItemDataRole.UserRole) == indicator
        press(qtbot, Qt.Key.Key_Space)
        assert indicator in mode.ticked()
        press(qtbot, Qt.Key.Key_Tab, SHIFT)  # back to the filter for the next
    assert mode.form.suggested_level() == 3
    tab_to(qtbot, mode.level_box.accessibleName())
    assert mode.level_box.currentData() is None  # "The suggested level"
    tab_to(qtbot, mode.rationale.accessibleName())
    type_text(qtbot, DECISION_RATIONALE)
    press(qtbot, Qt.Key.Key_C, ALT)  # Allo&cated team
    assert focused() is mode.team_edit
    type_text(qtbot, TEAM)
    press(qtbot, Qt.Key.Key_Tab)
    arrow_to(qtbot, mode.worker_box, worker.user_id)
    referral_id = mode.item.referral_id
    press(qtbot, Qt.Key.Key_Return, CTRL)
    settle(qtbot, session)
    qtbot.waitUntil(lambda: mode.follow_ups.get(referral_id) is not None, timeout=20_000)
    # A single assessment of a child open to early help is a step up: it is offered next.
    qtbot.waitUntil(lambda: mode.routing_button.isEnabled(), timeout=10_000)
    wait_focus(qtbot, mode.routing_button)


def route_and_complete(qtbot, mode: MeetingMode, session: DeskSession) -> None:
    """Ctrl+R: the step up filled in from the decision; save, who was told, complete."""
    press(qtbot, Qt.Key.Key_R, CTRL)
    dialog = mode.routing_dialog
    assert isinstance(dialog, RoutingDialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5_000)
    qtbot.waitUntil(lambda: dialog.loaded and dialog.person is not None, timeout=10_000)
    assert dialog.kind_combo.currentData() == "step_up"
    assert dialog.level_after_combo.currentData() == 3
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        press(qtbot, Qt.Key.Key_S, CTRL)
    for party, who in (
        ("family", "Mother, by phone after the meeting"),
        ("professionals", "Class teacher and the early help worker"),
        ("referrer", "Jo Teacher, by phone"),
    ):
        assert dialog.party_combo.currentData() == party
        assert focused() is dialog.who_edit
        type_text(qtbot, who)
        with qtbot.waitSignal(dialog.saved, timeout=10_000):
            press(qtbot, Qt.Key.Key_I, CTRL)
    with qtbot.waitSignal(dialog.completed, timeout=10_000):
        press(qtbot, Qt.Key.Key_Return, CTRL)
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)
    settle(qtbot, session)
    qtbot.waitUntil(lambda: not mode.routing_button.isEnabled(), timeout=10_000)


def print_memo(qtbot, window: MainWindow, session: DeskSession) -> str:
    """Ctrl+P: the preview, Enter on Print…, Enter on Print (the default printer)."""
    press(qtbot, Qt.Key.Key_P, CTRL)
    qtbot.waitUntil(
        lambda: isinstance(QApplication.activeWindow(), PrintPreviewDialog), timeout=10_000
    )
    preview = QApplication.activeWindow()
    qtbot.waitUntil(lambda: preview.print_button.isEnabled(), timeout=20_000)
    wait_focus(qtbot, preview.print_button)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeWindow(), PrintDialog), timeout=10_000)
    dialog = QApplication.activeWindow()
    qtbot.waitUntil(lambda: dialog.print_button.isEnabled(), timeout=15_000)
    assert dialog.printer.name == PDF_QUEUE
    # The printers found take the focus; Enter there is the dialog's default: Print.
    assert focused() is dialog.choice.printer_box
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not preview.busy and preview.status.text() != "", timeout=30_000)
    assert preview.status.text().startswith(f"✔ Sent to printer {PDF_QUEUE}"), preview.status.text()
    settle(qtbot, session)
    return preview.status.text()


# ---- the day -------------------------------------------------------------------------------


def test_a_day_at_the_front_door_by_keyboard(
    qtbot,
    gui_desk,
    gui_actors,
    tasks,
    tmp_path,
    cups: CupsServer,
):
    desk, actors = gui_desk, gui_actors
    worker = actors["practitioner2"]
    person_id = known_child(desk, actors)
    other_referral(desk, actors)
    desks = Desks(qtbot, desk, tasks, tmp_path / "drafts")

    window = desks.sign_in(actors["practitioner"])
    contact_id, contact_child_id = log_the_call(qtbot, window, person_id)
    screen_at_level_3(qtbot, window, person_id)
    referral_id = progress_to_referral(qtbot, window)
    settle(qtbot, window.session)

    window = desks.sign_in(actors["manager"])
    allocate(qtbot, window, person_id, worker)
    settle(qtbot, window.session)

    window = desks.sign_in(actors["chair"])
    mode = open_meeting_and_find(qtbot, window, referral_id)
    record_attendance(qtbot, mode, window.session)
    decide_s17(qtbot, mode, window.session, worker)
    route_and_complete(qtbot, mode, window.session)
    print_memo(qtbot, window, window.session)

    check_what_was_stored(desk, actors, person_id, (contact_id, contact_child_id), referral_id)
    check_the_print(desk, actors["chair"], referral_id, cups)


def check_what_was_stored(
    desk: Desk,
    actors: dict[str, Actor],
    person_id: int,
    contact: tuple[int, int],
    referral_id: int,
) -> None:
    """What the services say the day stored, and the audit row of each step."""
    chair, worker = actors["chair"], actors["practitioner2"]
    contact_id, contact_child_id = contact
    (cc,) = [c for c in desk.contacts.get(chair, contact_id).children if c.id == contact_child_id]
    assert (cc.status, cc.provisional_level, cc.rag) == ("referred", 3, Rag.AMBER)
    assert [o.value for o in cc.outcomes] == ["mash_referral"]
    meeting = desk.meetings.today(chair)
    assert meeting is not None and meeting.quorate
    assert {i.referral_id: i.status for i in meeting.agenda}[referral_id] == "decided"
    (decision,) = desk.decisions.history(chair, referral_id)
    assert (decision.outcome.value, decision.level, decision.status) == (
        "single_assessment_s17",
        3,
        "signed",
    )
    assert set(decision.indicators) == {i for _w, i in L3_TICKS}
    assert decision.allocated_worker_id == worker.user_id
    work = desk.allocation.work(actors["manager"], "referral", referral_id)
    assert work.assigned_id == worker.user_id
    (routing,) = [r for r in desk.routing.for_person(chair, person_id) if r.referral_id]
    assert (routing.kind.value, routing.status.value, routing.decision_id) == (
        "step_up",
        "complete",
        decision.id,
    )
    assert {i.party for i in routing.informed} == {"family", "professionals", "referrer"}
    with desk.db.reading() as s:
        actions = set(
            s.scalars(select(AuditEntry.action).where(AuditEntry.person_id == person_id)).all()
        )
        meeting = set(s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "meeting")))
    assert {"meeting.created", "meeting.attendance"} <= meeting
    for step in (
        "contact.logged",
        "contact.screened",
        "contact.outcome_recorded",
        "referral.created",
        "work.allocated",
        "decision.drafted",
        "decision.signed",
        "routing.created",
        "routing.informed",
        "routing.completed",
        "document.issued",
        "document.printed",
    ):
        assert step in actions, step


def check_the_print(desk: Desk, chair: Actor, referral_id: int, cups: CupsServer) -> None:
    """The memo was issued once and printed once, and the print server received it."""
    (decision,) = desk.decisions.history(chair, referral_id)
    (issued,) = desk.documents.issued_for(chair, decision_id=decision.id)
    (output,) = issued.outputs
    assert output.action == "print" and output.destination.startswith(f"printer {PDF_QUEUE}")
    assert output.sha256 == issued.sha256
    # "printer MASH_PDF, job MASH_PDF-12 …": the job the print server ran.
    job_id = output.destination.split("job ")[1].split()[0].rstrip(",")
    rendered = cups.pdf_output(PrintJob(PDF_QUEUE, job_id, 1, 0)).read_bytes()
    words = pdf_text(rendered)
    assert f"Decision {decision.id}, version 1" in words and "HASSAN" in words
