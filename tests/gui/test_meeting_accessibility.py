"""Meeting mode for a screen-reader and keyboard user: named inputs, live status, no traps."""

from __future__ import annotations

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
)

from mash_desk.gui.meeting.reading_pane import LiveLabel
from mash_desk.gui.meeting_mode import MeetingMode
from tests.gui.test_meeting_mode import settle, show
from tests.services.test_checks import make_referral
from tests.services.test_meetings import quorate

INPUTS = (QLineEdit, QComboBox, QPlainTextEdit, QAbstractSpinBox, QAbstractItemView, QCheckBox)


def _buddies(mode) -> dict[int, QLabel]:
    return {id(label.buddy()): label for label in mode.findChildren(QLabel) if label.buddy()}


def _in_combo(widget) -> bool:
    # A combo box's own popup list is named by the combo box.
    while widget is not None:
        if isinstance(widget, QComboBox):
            return True
        widget = widget.parent()
    return False


def _open(qtbot, session, desk, actors, decide: bool = False) -> MeetingMode:
    make_referral(desk, actors["practitioner"], "amber", given="Ava", family="Stone")
    if decide:
        quorate(desk, actors["chair"], desk.meetings.create_today(actors["chair"]).value.id)
    mode = MeetingMode(session)
    show(qtbot, mode)
    qtbot.waitUntil(lambda: mode.meeting is not None and mode.document is not None)
    settle(qtbot, session)
    return mode


def test_every_input_is_named_and_the_five_drop_downs_have_linked_labels(
    qtbot, chair_session, gui_desk, gui_actors
):
    mode = _open(qtbot, chair_session, gui_desk, gui_actors)
    buddies = _buddies(mode)
    unnamed = [
        f"{type(w).__name__} {w.objectName()!r}"
        for w in mode.findChildren(QAbstractItemView)
        + mode.findChildren(QLineEdit)
        + mode.findChildren(QComboBox)
        + mode.findChildren(QPlainTextEdit)
        + mode.findChildren(QAbstractSpinBox)
        + mode.findChildren(QCheckBox)
        if isinstance(w.parent(), INPUTS) is False
        and not w.accessibleName()
        and id(w) not in buddies
        and not isinstance(w.parent(), (QComboBox, QAbstractSpinBox))
        and not _in_combo(w.parent())
    ]
    assert unnamed == []
    for combo, words in (
        (mode.outcome_box, "Outcome"),
        (mode.level_box, "Level"),
        (mode.action_owner, "Owner"),
        (mode.worker_box, "worker"),
        (mode.dissent_agency, "Dissenting agency"),
    ):
        assert id(combo) in buddies, words
        assert words in buddies[id(combo)].text().replace("&", "")


def test_status_lines_read_out_their_text_and_announce_changes(
    qtbot, chair_session, gui_desk, gui_actors
):
    mode = _open(qtbot, chair_session, gui_desk, gui_actors)
    live = [
        mode.quorum_label,
        mode.progress_label,
        mode.status_label,
        mode.child_label,
        mode.next_label,
        mode.suggestion_label,
    ]
    for label in live:
        assert isinstance(label, LiveLabel)
        # A fixed name would hide the text on screen from a screen reader.
        assert label.accessibleName() == ""
        face = QAccessible.queryAccessibleInterface(label)
        assert face.text(QAccessible.Text.Name) == label.text()
    assert "decision due" in mode.child_label.text()
    with qtbot.waitSignal(mode.quorum_label.announced, timeout=10_000) as said:
        mode.agency_box.setCurrentIndex(mode.agency_box.findData("health"))
        mode.attendee_edit.setText("Hana Health")
        mode.record_attendance()
    assert "Not quorate" in said.args[0] and "not present" in said.args[0]
    settle(qtbot, chair_session)


def test_one_tab_leaves_every_list(qtbot, chair_session, gui_desk, gui_actors):
    mode = _open(qtbot, chair_session, gui_desk, gui_actors)
    views = mode.findChildren(QAbstractItemView)
    assert views
    trapped = [v.accessibleName() for v in views if v.tabKeyNavigation()]
    assert trapped == []


def test_an_outcome_against_its_level_asks_why_in_the_form(
    qtbot, chair_session, gui_desk, gui_actors
):
    mode = _open(qtbot, chair_session, gui_desk, gui_actors, decide=True)
    prompt = mode.form.ui.outcomeLevelPrompt
    mode.outcome_box.setCurrentIndex(mode.outcome_box.findData("single_assessment_s17"))
    mode.set_ticked("l3-pregnant-young-person")
    assert not mode.outcome_level_reason.isVisible()  # s17 at Level 3: the usual route
    with qtbot.waitSignal(prompt.announced):
        mode.outcome_box.setCurrentIndex(mode.outcome_box.findData("nfa"))
    assert "usually goes with Levels 1–2, not Level 3" in prompt.text()
    assert mode.outcome_level_reason.isVisible()
    mode.rationale.setPlainText("Family moved away; the new council is told.")
    mode.save_draft()
    settle(qtbot, chair_session)
    message = mode.messages["outcome_level_reason"]
    qtbot.waitUntil(lambda: bool(message.message) or bool(mode.messages["decision"].message))
    assert mode.messages["decision"].message == ""
    assert "say why this outcome at this level" in message.message
    assert "say why" in mode.outcome_level_reason.accessibleDescription()
    mode.outcome_level_reason.setText("The family has moved to another council today.")
    mode.save_draft()
    settle(qtbot, chair_session)
    qtbot.waitUntil(lambda: mode.latest() is not None)
    assert mode.latest().outcome_level_reason.startswith("The family has moved")


def test_the_meeting_print_dialog_reads_out_its_status_and_lets_tab_leave_the_table(
    qtbot, chair_session
):
    from mash_desk.gui.meeting_print import open_meeting_print

    dialog = open_meeting_print(chair_session, chair_session.desk.ctx.today(), None)
    qtbot.addWidget(dialog)
    settle(qtbot, chair_session)
    for label in (dialog.summary, dialog.notes):
        assert isinstance(label, LiveLabel) and label.accessibleName() == ""
    assert not dialog.table.tabKeyNavigation()
    dialog.close()
