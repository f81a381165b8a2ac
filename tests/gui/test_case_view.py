"""The case view: header, chronology (filterable, model-tested), consents, deadlines, refresh."""

from __future__ import annotations

from datetime import date, timedelta

from mash_desk.gui.case_view import CaseView, ChronologyModel
from mash_desk.services.inputs import ChildOnContact, ConsentInput, OutcomeInput, ReferralDetails
from tests.support.helpers import child, contact

SHIPPED_KEY = ("model-threshold", "2016")


def _case_with_history(session, clock):
    """Two contacts, a screening and a referral for one child."""
    desk, p = session.desk, session.actor
    first = desk.contacts.log(
        p,
        contact(
            child(
                "Leah",
                "Brennan",
                date_of_birth=date(2016, 4, 2),
                rag="green",
                rag_reason="Attendance worry only",
                consents=(ConsentInput("early_help", "given"),),
            ),
            concerns="Attendance officer reports 78% attendance this term.",
        ),
    ).value
    cc = first.children[0]
    desk.outcomes.record(p, cc.id, cc.version, OutcomeInput(outcomes=("early_help",)))
    clock.advance(timedelta(days=14))
    second = desk.contacts.log(
        p,
        contact(
            ChildOnContact(person_id=cc.person.id, rag="amber", rag_reason="Neglect concern"),
            concerns="Health visitor worried about the home conditions and no food in the house.",
            referral_source="3B",
            referrer_name="HV Sample",
        ),
    ).value
    cc2 = second.children[0]
    cc2 = desk.screening.screen(
        p, cc2.id, cc2.version, indicators=["l3-persistent-neglect"], document=SHIPPED_KEY
    ).value
    desk.outcomes.record(
        p,
        cc2.id,
        cc2.version,
        OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails("N1")),
    )
    return cc.person.id


def _open(qtbot, session, person_id):
    view = CaseView(session, person_id)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.case is not None, timeout=10_000)
    return view


def test_chronology_of_two_contacts_a_screening_and_a_referral(qtbot, session, clock):
    person_id = _case_with_history(session, clock)
    view = _open(qtbot, session, person_id)
    assert view.title() == "Leah BRENNAN"
    assert view.name_label.text() == "Leah BRENNAN"
    assert view.age_label.text().startswith("10 years · born 02 Apr 2016")
    kinds = [e.kind for e in view.visible_events()]
    assert kinds.count("contact") == 2
    assert kinds.count("threshold") == 1 and kinds.count("referral") == 1
    # Newest first: the referral closed the second contact, after its screening.
    assert kinds.index("referral") < kinds.index("threshold") < kinds.index("contact")
    when = view.proxy.index(0, ChronologyModel.COL_WHEN).data()
    assert when == "01 Dec 2026 10:00"
    assert view.count_label.text() == f"Showing all {len(kinds)} events"
    consents = [view.consent_list.item(i).text() for i in range(view.consent_list.count())]
    assert consents[0].startswith("Early help: given")
    deadlines = [view.deadline_list.item(i).text() for i in range(view.deadline_list.count())]
    assert len(deadlines) == 2 and all(d.startswith("due in") for d in deadlines)
    assert "Referral" in deadlines[0] and "decision" in deadlines[0]
    badges = [b.flag.label for b in view.flag_badges]
    assert badges == ["Re-referral"]
    assert view.flag_badges[0].accessibleName() == "Flag: Re-referral"


def test_filter_by_kind_and_by_text_narrows_the_chronology(qtbot, session, clock):
    person_id = _case_with_history(session, clock)
    view = _open(qtbot, session, person_id)
    total = view.proxy.rowCount()
    for kind in ("rag", "threshold", "outcome", "referral", "audit"):
        view.set_kind_shown(kind, False)
    assert [e.kind for e in view.visible_events()] == ["contact", "contact"]
    assert view.count_label.text() == f"Showing 2 of {total} events"
    view.filter_edit.setText("health visitor")
    [only] = view.visible_events()
    assert only.summary.startswith("Phone contact from HV Sample")
    view.filter_edit.clear()
    view.kind_buttons["threshold"].click()
    assert {e.kind for e in view.visible_events()} == {"contact", "threshold"}


def test_selecting_a_threshold_event_offers_its_assessment(qtbot, session, clock):
    person_id = _case_with_history(session, clock)
    view = _open(qtbot, session, person_id)
    row = next(i for i, e in enumerate(view.visible_events()) if e.kind == "threshold")
    view.table.setCurrentIndex(view.proxy.index(row, 0))
    assert "Level 3" in view.detail.toPlainText()
    assert view.open_assessment_button.isEnabled()
    with qtbot.waitSignal(view.assessment_requested) as signal:
        view.open_assessment_button.click()
    assert tuple(signal.args[0].document) == SHIPPED_KEY


def test_chronology_model_passes_the_model_tester(qtbot, qtmodeltester, session, clock):
    person_id = _case_with_history(session, clock)
    view = _open(qtbot, session, person_id)
    qtmodeltester.check(view.model)
    qtmodeltester.check(view.proxy)


def test_view_refreshes_when_its_person_changes(qtbot, session, clock):
    person_id = _case_with_history(session, clock)
    view = _open(qtbot, session, person_id)
    before = view.model.rowCount()
    clock.advance(timedelta(hours=1))
    result = session.desk.contacts.log(
        session.actor,
        contact(ChildOnContact(person_id=person_id), concerns="Third call: school worried again."),
    )
    session.hub.announce(frozenset({"queue"}))  # not this person: no reload
    assert not view.loading
    session.hub.announce(result.changed)
    qtbot.waitUntil(lambda: view.model.rowCount() == before + 1, timeout=10_000)
    assert view.visible_events()[0].summary.endswith("Third call: school worried again.")


def test_loading_state_then_error_for_a_partner_user(qtbot, session, gui_actors):
    session.actor = gui_actors["police"]
    view = CaseView(session, 1)
    qtbot.addWidget(view)
    assert view.stack.currentIndex() == 0
    assert view.loading_label.text() == "Loading the case record…"
    qtbot.waitUntil(lambda: view.stack.currentIndex() == 1, timeout=10_000)
    assert "may not open case records" in view.error_label.text()
    assert view.title() == "Case 1"
