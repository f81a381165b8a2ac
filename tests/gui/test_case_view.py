"""The case view: header, chronology (filterable, model-tested), consents, deadlines, refresh."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication

from mash_desk.gui.case_view import CaseView
from mash_desk.gui.chronology import ChronologyModel
from mash_desk.services.decisions import ActionInput
from mash_desk.services.inputs import ChildOnContact, ConsentInput, OutcomeInput, ReferralDetails
from tests.services.test_checks import make_referral
from tests.services.test_decisions import details
from tests.services.test_meetings import quorate
from tests.services.test_strategy import minuted
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
            ChildOnContact(
                person_id=cc.person.id,
                rag="amber",
                rag_reason="Neglect concern",
                # Level 3: consent to an assessment is sought before the referral (issue 12).
                consents=(ConsentInput("assessment", "sought"),),
            ),
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
    assert any(c.startswith("Early help: given") for c in consents)
    deadlines = [view.deadline_list.item(i).text() for i in range(view.deadline_list.count())]
    assert len(deadlines) == 2 and all(d.startswith("due in") for d in deadlines)
    assert "Referral" in deadlines[0] and "decision" in deadlines[0]
    # The child's only referral is not a re-referral of itself (issue 12): no flag.
    assert [b.flag.label for b in view.flag_badges] == []


def test_chronology_opens_on_its_newest_page_then_shows_older_entries(qtbot, session, clock):
    person_id = _case_with_history(session, clock)
    whole = _open(qtbot, session, person_id).case
    view = CaseView(session, person_id, chronology_page=3)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.case is not None, timeout=10_000)
    total = len(whole.events)
    newest = {(e.kind, e.ref) for e in whole.events[:3]}
    assert {(e.kind, e.ref) for e in view.visible_events()} == newest
    assert view.count_label.text() == f"Showing 3 of the newest 3 events ({total} in all)"
    assert not view.older_button.isHidden()
    view.older_button.click()
    qtbot.waitUntil(lambda: view.proxy.rowCount() == total, timeout=10_000)
    assert view.count_label.text() == f"Showing all {total} events"
    assert view.older_button.isHidden()


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


# ---- decisions, versions, strategy, escalations and routing --------------------------------


def _decided_s47(session, actors):
    """A red referral decided s47 at today's meeting, disputed by police, then amended."""
    desk, chair = session.desk, actors["chair"]
    referral = make_referral(desk, actors["practitioner"], "red")
    meeting = desk.meetings.create_today(chair).value
    quorate(desk, chair, meeting.id)
    draft = desk.decisions.draft(
        chair,
        referral.id,
        details(
            "strategy_discussion_s47",
            pathways=("cp_medical",),
            actions=(
                ActionInput("Book the CP medical", date(2026, 11, 18), owner_agency="health"),
            ),
            allocated_worker_id=actors["practitioner2"].user_id,
        ),
        meeting.id,
    ).value
    first = desk.decisions.sign(chair, draft.id, draft.version).value
    desk.decisions.record_dissent(chair, first.id, "police", "No evidence of significant harm")
    second = desk.decisions.amend(
        chair,
        first.id,
        first.version,
        details("strategy_discussion_s47", allocated_team="Child Protection Team"),
        "Allocated to the child protection team",
    ).value
    return referral, first, second


def test_decisions_tab_shows_every_version_escalation_and_waiting_strategy(
    qtbot, session, gui_actors
):
    referral, first, second = _decided_s47(session, gui_actors)
    view = _open(qtbot, session, referral.person_id)
    text = view.decisions_text()
    assert f"Referral {referral.id} — received" in text and "N1 Abuse or neglect" in text
    # Newest version first; the older one is kept and marked superseded.
    assert text.index("Version 2") < text.index("Version 1")
    assert "Version 2 — ✔ Signed by Test Chair" in text and "IN FORCE" in text
    assert "Version 1 — ✔ Signed by Test Chair" in text and "SUPERSEDED by version 2" in text
    assert "read-only (changed only by amendment)" in text
    assert "Amends version 1\nReason: Allocated to the child protection team" in text
    assert "Child Protection Team" in text
    assert "• Book the CP medical — owner: Health (GP, midwifery" in text
    assert "due Wed 18 Nov 2026" in text and "Child-protection medical" in text
    assert "Test Practitioner2" in text  # the allocated worker, by name
    assert "Police disagrees with decision version 1 — stage 1" in text
    assert "No evidence of significant harm" in text and "◷ due in" in text
    assert "No strategy discussion recorded" in text
    # A practitioner sees why the strategy button is not theirs to press.
    assert view.routing_button.isEnabled() and not view.strategy_button.isEnabled()
    assert "a manager or chair records it" in view.decisions_hint.text()
    assert not view.continue_routing_button.isEnabled()
    assert view.tabs.tabText(1) == "D&ecisions and routing"


def test_overdue_escalation_in_words_and_sign_then_resolved_refreshes(
    qtbot, session, gui_actors, clock
):
    referral, first, _second = _decided_s47(session, gui_actors)
    [escalation] = session.desk.decisions.escalations(gui_actors["chair"])
    clock.advance(escalation.due_at - clock.now() + timedelta(hours=1))
    view = _open(qtbot, session, referral.person_id)
    assert "⚠ OVERDUE by 1 h" in view.decisions_text()
    assert view.tabs.tabText(1) == "D&ecisions and routing — ⚠ 1 overdue"
    result = session.desk.decisions.resolve(
        gui_actors["chair"], escalation.id, escalation.version, "Police agreed after discussion"
    )
    session.hub.announce(result.changed)  # "escalations" only: this child's was open
    qtbot.waitUntil(lambda: "Resolved: Police agreed" in view.decisions_text(), timeout=10_000)
    assert view.tabs.tabText(1) == "D&ecisions and routing"


def test_chair_records_the_strategy_discussion_from_the_case(qtbot, session, gui_actors):
    referral, _first, second = _decided_s47(session, gui_actors)
    session.actor = gui_actors["chair"]
    view = _open(qtbot, session, referral.person_id)
    assert view.strategy_button.isEnabled()
    view.tabs.setCurrentIndex(1)
    view.strategy_button.click()
    dialog = view.strategy_dialog
    assert dialog is not None and dialog.decision_id == second.id
    qtbot.waitUntil(lambda: len(dialog.rows) == 3, timeout=10_000)
    for row, name in zip(dialog.rows, ("SW Patel", "DC Lee", "Dr Ahmed"), strict=True):
        row.name_edit.setText(name)
    dialog.s47_combo.setCurrentIndex(dialog.s47_combo.findData("proceed"))
    dialog.rationale_edit.setPlainText("Injury unexplained; reasonable cause to suspect harm.")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "Strategy discussion held" in view.decisions_text(), timeout=10_000)
    text = view.decisions_text()
    assert "Police: DC Lee" in text and "Proceed with an s47 enquiry" in text
    assert "Initial conference (ICPC) target\n◷ due in" in text
    assert "(due Tue 08 Dec 2026" in text
    assert "No strategy discussion recorded" not in text
    assert not view.strategy_button.isEnabled()


def test_routing_recorded_from_the_case_then_continued(qtbot, session, gui_actors):
    referral, _first, second = _decided_s47(session, gui_actors)
    view = _open(qtbot, session, referral.person_id)
    view.routing_button.click()
    dialog = view.routing_dialog
    assert dialog is not None and dialog.decision_id == second.id  # follows the decision
    qtbot.waitUntil(lambda: dialog.loaded and dialog.person is not None, timeout=10_000)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("transfer"))
    dialog.to_combo.setCurrentIndex(dialog.to_combo.findData("camhs"))
    dialog.level_after_combo.setCurrentIndex(dialog.level_after_combo.findData(3))
    dialog.reason_edit.setPlainText("Specialist mental-health assessment needed.")
    dialog.summary_edit.setPlainText("Self-harm disclosed to school nurse; see strategy notes.")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "Routings following" in view.decisions_text(), timeout=10_000)
    text = view.decisions_text()
    assert "Transfer: Children's social care (MASH) → CAMHS" in text
    assert "Open — who was told still to be recorded" in text
    assert "✘ Family: not yet informed" in text
    assert view.continue_routing_button.isEnabled()
    dialog.close()
    again = view.continue_routing()
    assert again is not None and again.routing is not None
    qtbot.waitUntil(lambda: again.loaded, timeout=10_000)
    assert again.reason_edit.toPlainText() == "Specialist mental-health assessment needed."
    assert again.inform_box.isEnabled()


def test_a_child_with_no_referral_says_so(qtbot, session, clock):
    person_id = _case_with_history(session, clock)  # referral awaiting its decision
    view = _open(qtbot, session, person_id)
    assert "No decision yet: waiting for the daily meeting." in view.decisions_text()
    assert view.routing_button.isEnabled() and not view.strategy_button.isEnabled()


# ---- the initial child protection conference ------------------------------------------------


def _s47_discussed(session, actors):
    """A red referral decided s47 today, its strategy discussion held at 09:00 (proceed)."""
    desk, chair = session.desk, actors["chair"]
    referral = make_referral(desk, actors["practitioner"], "red")
    meeting = desk.meetings.create_today(chair).value
    quorate(desk, chair, meeting.id)
    draft = desk.decisions.draft(
        chair, referral.id, details("strategy_discussion_s47"), meeting.id
    ).value
    decision = desk.decisions.sign(chair, draft.id, draft.version).value
    discussion = desk.strategy.record(chair, decision.id, minuted()).value
    return referral, discussion


def _conference_dialog(qtbot, session, actors, clock, on):
    referral, discussion = _s47_discussed(session, actors)
    clock.advance(timedelta(days=(on - clock.now().date()).days))
    session.actor = actors["chair"]
    view = _open(qtbot, session, referral.person_id)
    view.tabs.setCurrentIndex(1)
    assert view.conference_button.isEnabled()
    view.conference_button.click()
    dialog = view.conference_dialog
    assert dialog is not None and dialog.discussion.id == discussion.id
    return view, dialog


def test_late_conference_recorded_from_the_case_says_how_late(qtbot, session, gui_actors, clock):
    view, dialog = _conference_dialog(qtbot, session, gui_actors, clock, date(2026, 12, 11))
    # Before: the target (Tue 8 Dec) has passed with no conference — in words, with a sign.
    text = view.decisions_text()
    assert "⚠ OVERDUE by 3 d" in text and "no conference recorded" in text
    assert view.tabs.tabText(1) == "D&ecisions and routing — ⚠ 1 overdue"
    assert "record the date with Conference held… (Alt+H)" in view.decisions_hint.text()
    assert "Its target is Tue 08 Dec 2026." in dialog.intro_label.text()
    assert dialog.held_on() == date(2026, 12, 11)  # today by default
    # A future date: the service's message beside the date, nothing saved, dialog open.
    dialog.held_on_edit.setDate(QDate(2026, 12, 12))
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.message() != "", timeout=10_000)
    assert dialog.message() == "The conference date is in the future"
    assert dialog.held_on_message.isVisible() and dialog.isVisible()
    assert session.desk.strategy.overdue_icpc(gui_actors["chair"])  # still owed
    dialog.held_on_edit.setDate(QDate(2026, 12, 11))
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "ICPC held" in view.decisions_text(), timeout=10_000)
    assert not dialog.isVisible()
    text = view.decisions_text()
    assert "Initial conference (ICPC)\n⚠ ICPC held 11 Dec 2026 — 3 working days late" in text
    assert "Initial conference (ICPC) target\nTue 08 Dec 2026 09:00\nInitial conference" in text
    assert "(recorded by Test Chair on Fri 11 Dec 2026 10:00)" in text
    assert "OVERDUE" not in text and "no conference recorded" not in text
    assert view.tabs.tabText(1) == "D&ecisions and routing"
    assert not view.conference_button.isEnabled()


def test_conference_within_target_keyboard_only(qtbot, session, gui_actors, clock):
    view, dialog = _conference_dialog(qtbot, session, gui_actors, clock, date(2026, 11, 20))
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.held_on_edit)  # the date first
    qtbot.keyClick(dialog.held_on_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "ICPC held" in view.decisions_text(), timeout=10_000)
    assert "✔ ICPC held 20 Nov 2026 — within target" in view.decisions_text()
    [held] = session.desk.strategy.for_referral(gui_actors["chair"], dialog.referral_id)
    assert held.icpc_within_target and held.icpc_held_on == date(2026, 11, 20)


def test_conference_recorded_elsewhere_meanwhile_is_named_beside_the_date(
    qtbot, session, gui_actors, clock
):
    view, dialog = _conference_dialog(qtbot, session, gui_actors, clock, date(2026, 11, 24))
    d = dialog.discussion
    session.desk.strategy.record_icpc(gui_actors["manager"], d.id, d.version, date(2026, 11, 23))
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.message() != "", timeout=10_000)
    assert dialog.message().startswith(
        "The conference date is already recorded (23 Nov 2026) by Test Manager on 24 Nov 2026"
    )


def test_practitioner_is_told_who_records_the_conference(qtbot, session, gui_actors, clock):
    referral, _discussion = _s47_discussed(session, gui_actors)
    view = _open(qtbot, session, referral.person_id)  # the practitioner
    assert not view.conference_button.isEnabled()
    assert "waits for its initial child protection conference: a manager or chair" in (
        view.decisions_hint.text()
    )
    assert view.conference_waiting() is not None


def test_decisions_tab_says_why_this_level_and_why_this_outcome_at_it(qtbot, session, gui_actors):
    """s17 at Level 2 (the suggested Level 3 overridden): both reasons sit beside the level."""
    desk, chair = session.desk, gui_actors["chair"]
    referral = make_referral(desk, gui_actors["practitioner"], "amber")
    meeting = desk.meetings.create_today(chair).value
    quorate(desk, chair, meeting.id)
    draft = desk.decisions.draft(
        chair,
        referral.id,
        details(
            "single_assessment_s17",
            level=2,
            level_rationale="Needs are <b>additional</b> & met by the school.",
            outcome_level_reason="Family moved to <Leeds> & the council there is told.",
        ),
        meeting.id,
    ).value
    desk.decisions.sign(chair, draft.id, draft.version)
    view = _open(qtbot, session, referral.person_id)
    text = view.decisions_text()
    assert "Level 2 (threshold document" in text
    assert "Overrides the suggested Level 3" in text
    # The chair's own words, printed literally (escaped, never read as markup).
    assert "Why this level: Needs are <b>additional</b> & met by the school." in text
    assert "Why this outcome at this level: Family moved to <Leeds> & the council there" in text


def test_the_childs_ethnicity_is_read_in_words_or_said_to_be_missing(qtbot, session, clock):
    from datetime import date

    from mash_desk.services.inputs import NewPerson

    person_id = _case_with_history(session, clock)
    view = _open(qtbot, session, person_id)
    assert "ethnicity not recorded" in view.age_label.text()
    recorded = session.desk.people.create(
        session.actor,
        NewPerson("Kofi", "Mensah", date_of_birth=date(2017, 5, 2), ethnicity="BAFR"),
    ).value
    other = _open(qtbot, session, recorded.id)
    assert "Black or Black British — African" in other.age_label.text()
