"""The chair's view: what the meeting decides on, beside the decision form at 1366×768."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect

from mash_desk.gui.main_window import MainWindow
from mash_desk.services.inputs import (
    ChildOnContact,
    ConsentInput,
    OutcomeInput,
    ReferralDetails,
)
from tests.services.test_checks import ask
from tests.support.helpers import contact, log_one

FIRST = "Neighbour heard shouting and a child crying late at night, twice this week."
SECOND = "School nurse: the child has a bruise on the upper arm and would not say how."
L3 = "l3-pregnant-young-person"
FINDING = "Father on bail: no contact with the child's mother (police, 2026)."


def _referral_with_two_contacts(desk, actors):
    p = actors["practitioner"]
    first = log_one(desk, p, given="Kit", family="Lowe", rag="amber", rag_reason="Two calls")
    person_id = first.children[0].person.id
    second = desk.contacts.log(
        p, contact(ChildOnContact(person_id=person_id), concerns=SECOND)
    ).value.children[0]
    second = desk.screening.screen(p, second.id, second.version, indicators=[L3]).value
    referral = desk.outcomes.record(
        p,
        second.id,
        second.version,
        OutcomeInput(
            outcomes=("mash_referral",),
            referral=ReferralDetails("N1"),
            # Level 3: consent to an assessment is sought before a referral.
            consent=ConsentInput("assessment", "sought"),
        ),
    ).value.referral
    (check,) = ask(desk, p, referral, "police")
    desk.checks.return_findings(actors["police"], check.id, check.version, finding=FINDING)
    return first, referral


def _on_screen(widget, window) -> bool:
    """Whether ``widget`` is shown whole inside ``window`` (nothing scrolled away)."""
    top_left = widget.mapTo(window, QPoint(0, 0))
    return window.rect().contains(QRect(top_left, widget.size()))


def test_the_chair_reads_the_whole_case_beside_the_form(qtbot, chair_session, gui_desk, gui_actors):
    first, referral = _referral_with_two_contacts(gui_desk, gui_actors)
    # The first contact's concern is the one logged with the helper's default text.
    first_concern = gui_desk.contacts.get(gui_actors["practitioner"], first.id).concerns
    window = MainWindow(chair_session)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    mode = window.open_meeting()
    qtbot.waitUntil(lambda: mode.meeting is not None and mode.document is not None)
    qtbot.waitUntil(lambda: chair_session.tasks.busy == 0, timeout=15_000)
    assert mode.item.referral_id == referral.id
    ui = mode.chair.ui
    qtbot.waitUntil(lambda: SECOND in ui.concernText.text(), timeout=10_000)
    # Every contact behind the referral, in full, its own marked.
    assert first_concern in ui.concernText.text()
    assert "this referral's contact" in ui.concernText.text()
    qtbot.waitUntil(lambda: FINDING in ui.checksText.text(), timeout=10_000)
    history = ui.historyText.text()
    assert "First referral of this child." in history and "Re-referral" not in history
    threshold = ui.thresholdText.text()
    indicator = next(i for i in mode.document.indicators if i.id == L3)
    assert indicator.text in threshold and "Suggested: Level 3" in threshold
    # Beside the form, nothing scrolled away, at 1366×768.
    for pane in mode.chair.panes():
        assert pane.isVisible() and _on_screen(pane, window), pane.accessibleName()
    assert _on_screen(mode.outcome_box, window)
    chair_left = mode.chair.mapTo(window, QPoint(0, 0)).x()
    assert mode.outcome_box.mapTo(window, QPoint(0, 0)).x() > chair_left + mode.chair.width() - 1
    assert not mode.scroller.isAncestorOf(mode.chair)
    qtbot.waitUntil(lambda: chair_session.tasks.busy == 0, timeout=15_000)
