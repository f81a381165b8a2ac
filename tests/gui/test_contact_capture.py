"""The New contact form by keyboard: match before create, capture, override, RAG reason.

Issue 12 items 2, 5, 6 and 8. Synthetic names and details only.
"""

from __future__ import annotations

import hashlib
import json
import stat
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from mash_desk.gui.case_view import CaseView
from mash_desk.gui.contact_form import ContactForm
from mash_desk.gui.drafts import DraftStore
from mash_desk.gui.threshold_panel import ThresholdPanel
from mash_desk.storage.models import AuditEntry, Consent
from tests.gui.test_contact_form import CTRL, focused, press, shot, type_then_tab
from tests.gui.test_damaged_drafts import assert_draft_reads_back
from tests.support.helpers import log_one, row_counts

PDF = b"%PDF-1.4\n% synthetic referral form for a test\n"


@pytest.fixture
def form(qtbot, session, tmp_path: Path) -> ContactForm:
    widget = ContactForm(session, drafts=DraftStore(tmp_path / "drafts", session.actor.username))
    widget.ask_unsaved = lambda: "discard"
    qtbot.addWidget(widget)
    widget.resize(1366, 900)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget.ui.channel)
    return widget


def contact_details(qtbot, form: ContactForm) -> None:
    form.ui.referralSource.setFocus()
    qtbot.keyClicks(form.ui.referralSource, "2A")
    form.ui.concerns.setFocus()
    qtbot.keyClicks(form.ui.concerns, "Class teacher reports the child arrived hungry again.")


def type_child(qtbot, form: ContactForm, given: str, family: str, born: str) -> None:
    card = form.cards[0]
    card.given_name.setFocus()
    type_then_tab(qtbot, given, expect="First name")
    type_then_tab(qtbot, family, expect="Family name")
    type_then_tab(qtbot, "", expect="Unborn child")
    type_then_tab(qtbot, born, expect="Date of birth")


def try_save(qtbot, form: ContactForm) -> None:
    """Press Ctrl+S and wait until the attempt is over (refused or saved)."""
    press(qtbot, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: not form.saving, timeout=15_000)


def strong_match(qtbot, session, form):
    existing = log_one(session.desk, session.actor).children[0].person  # Amira Hassan 2019
    contact_details(qtbot, form)
    type_child(qtbot, form, "Amira", "Hassan", "01/06/2019")
    card = form.cards[0]
    qtbot.waitUntil(lambda: card.suggestions.count() == 2, timeout=10_000)
    assert card.strong
    return existing, card


def test_strong_match_blocks_save_until_a_choice_is_made(qtbot, session, form, tmp_path):
    existing, card = strong_match(qtbot, session, form)
    line = card.suggestions.item(0).text()
    # The line says what the MASH knows, and nothing is chosen for the user.
    assert "STRONG match" in line and "Known: 1 open item" in line
    assert "last contact 17/11/2026" in line and "0 referrals in 12 months" in line
    assert "New child" in card.suggestions.item(1).text()
    assert card.suggestions.currentRow() == -1 and card.linked is None
    # The list sits right after the names in the tab order.
    card.family_name.setFocus()
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is card.suggestions
    assert card.linked is None, "tabbing into the list chooses nothing"
    shot(form, "strong_match", tmp_path)

    before = row_counts(session.desk)
    try_save(qtbot, form)
    assert "matches this child strongly" in card.errors["person"].text()
    assert focused() is card.suggestions
    assert row_counts(session.desk) == before

    press(qtbot, Qt.Key.Key_Down)  # the existing record
    assert card.linked is not None and card.linked.id == existing.id
    with qtbot.waitSignal(form.saved, timeout=15_000) as saved:
        press(qtbot, Qt.Key.Key_S, CTRL)
    assert saved.args[0].children[0].person.id == existing.id
    assert row_counts(session.desk)["people"] == before["people"]


def test_new_child_over_a_strong_match_needs_a_reason(qtbot, session, form, tmp_path):
    existing, card = strong_match(qtbot, session, form)
    card.suggestions.setFocus()
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Down)  # "New child"
    assert card.new_child_chosen() and card.linked is None
    assert not card.new_child_reason.isHidden()
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is card.new_child_reason

    before = row_counts(session.desk)
    try_save(qtbot, form)
    assert "Say why" in card.errors["new_child_reason"].text()
    assert card.new_child_reason.property("invalid") is True
    assert focused() is card.new_child_reason
    assert row_counts(session.desk) == before
    shot(form, "new_child_reason", tmp_path)

    qtbot.keyClicks(card.new_child_reason, "Cousin: same name and birthday, other school")
    with qtbot.waitSignal(form.saved, timeout=15_000) as saved:
        press(qtbot, Qt.Key.Key_S, CTRL)
    new_id = saved.args[0].children[0].person.id
    assert new_id != existing.id
    with session.desk.db.reading() as s:
        row = s.scalars(select(AuditEntry).where(AuditEntry.action == "contact.logged")).all()[-1]
    assert json.loads(row.detail)["new_despite_match"] == [
        {
            "person": new_id,
            "matched": [existing.id],
            "reason": "Cousin: same name and birthday, other school",
        }
    ]


def test_address_postcode_phone_email_errors_at_their_fields(qtbot, session, form, tmp_path):
    contact_details(qtbot, form)
    form.ui.referrerPhone.setFocus()
    type_then_tab(qtbot, "12345", expect="Referrer's phone")
    type_then_tab(qtbot, "jo.teacher@school", expect="Referrer's e-mail")
    type_child(qtbot, form, "Zara", "Nowak", "03/09/2016")
    card = form.cards[0]
    type_then_tab(qtbot, "", expect="Sex")
    type_then_tab(qtbot, "", expect="NHS number")
    type_then_tab(qtbot, "1 Test Road", expect="Address")
    type_then_tab(qtbot, "HA1 2X", expect="Postcode")
    before = row_counts(session.desk)
    try_save(qtbot, form)
    assert "not a UK number" in form.ui.referrerPhoneError.text()
    assert "not valid" in form.ui.referrerEmailError.text()
    assert "not a UK postcode" in card.errors["postcode"].text()
    assert card.postcode.property("invalid") is True
    assert form.ui.referrerPhone.property("invalid") is True
    assert row_counts(session.desk) == before
    shot(form, "capture_errors", tmp_path)

    # Fixed, the contact saves with the school, address and a parent.
    for edit, text in (
        (form.ui.referrerPhone, "07700 900123"),
        (form.ui.referrerEmail, "jo.teacher@school.example.org"),
        (card.address, "1 Test Road"),
        (card.postcode, "ha1 2xy"),
        (card.school, "Northfield Primary"),
    ):
        edit.setFocus()
        edit.selectAll()
        qtbot.keyClicks(edit, text)
    card.relatives.given.setFocus()
    type_then_tab(qtbot, "Ewa", expect="Parent or carer's first name")
    type_then_tab(qtbot, "Nowak", expect="Parent or carer's family name")
    type_then_tab(qtbot, "", expect="Relationship to the child")
    press(qtbot, Qt.Key.Key_Down)  # "Has parental responsibility"
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Space)  # Add this parent or carer
    assert card.relatives.people.count() == 1
    assert_draft_reads_back(form)  # a parent or carer, address and school: a valid draft
    with qtbot.waitSignal(form.saved, timeout=15_000) as saved:
        press(qtbot, Qt.Key.Key_S, CTRL)
    logged = saved.args[0]
    assert logged.referrer_phone == "07700900123"
    assert logged.children[0].person.postcode == "HA1 2XY"


def test_rag_without_its_reason_is_an_error_at_the_reason(qtbot, session, form):
    contact_details(qtbot, form)
    type_child(qtbot, form, "Zara", "Nowak", "03/09/2016")
    card = form.cards[0]
    card.rag.setFocus()
    qtbot.keyClicks(card.rag, "R")
    before = row_counts(session.desk)
    try_save(qtbot, form)
    assert "reason for the RAG rating" in card.errors["rag_reason"].text()
    assert focused() is card.rag_reason
    assert row_counts(session.desk) == before


def test_attachment_is_stored_with_its_hash_and_opened_from_the_case(
    qtbot, session, form, tmp_path
):
    path = tmp_path / "referral form.pdf"
    path.write_bytes(PDF)
    form.attachments.choose = lambda: [str(path)]
    contact_details(qtbot, form)
    type_child(qtbot, form, "Zara", "Nowak", "03/09/2016")
    form.ui.addAttachmentButton.setFocus()
    press(qtbot, Qt.Key.Key_Space)
    assert form.ui.attachmentsList.count() == 1
    assert "referral form.pdf" in form.ui.attachmentsList.item(0).text()
    with qtbot.waitSignal(form.saved, timeout=15_000) as saved:
        press(qtbot, Qt.Key.Key_S, CTRL)
    person_id = saved.args[0].children[0].person.id

    view = CaseView(session, person_id)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    listed = view.attachments.files
    qtbot.waitUntil(lambda: listed.count() == 1, timeout=10_000)
    assert listed.item(0).text().startswith("referral form.pdf")
    assert hashlib.sha256(PDF).hexdigest() in listed.item(0).toolTip()
    opened: list[Path] = []
    view.attachments.open_file = opened.append
    listed.setFocus()
    listed.setCurrentRow(0)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=10_000)
    copy = opened[0]
    assert copy.read_bytes() == PDF and copy.suffix == ".pdf"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o400  # private and read-only
    copy.chmod(0o600)
    copy.unlink()
    shot(view, "case_attachments", tmp_path)


def test_a_program_renamed_pdf_is_refused_at_the_attachments(qtbot, session, form, tmp_path):
    path = tmp_path / "form.pdf"
    path.write_bytes(b"MZ\x90\x00 a program")
    form.attachments.choose = lambda: [str(path)]
    contact_details(qtbot, form)
    type_child(qtbot, form, "Zara", "Nowak", "03/09/2016")
    form.ui.addAttachmentButton.setFocus()
    press(qtbot, Qt.Key.Key_Space)
    before = row_counts(session.desk)
    try_save(qtbot, form)
    assert "not a real PDF" in form.ui.attachmentsError.text()
    assert row_counts(session.desk) == before


def test_consent_override_names_the_manager(qtbot, session, form, gui_actors, tmp_path):
    manager = gui_actors["manager"]
    contact_details(qtbot, form)
    type_child(qtbot, form, "Zara", "Nowak", "03/09/2016")
    card = form.cards[0]
    qtbot.waitUntil(lambda: len(form.managers) > 0, timeout=10_000)
    assert manager.user_id in {m.id for m in form.managers}
    assert gui_actors["practitioner2"].user_id not in {m.id for m in form.managers}
    row = next(iter(card.consent.rows.values()))
    assert row.manager.isHidden() and row.basis.isHidden()
    row.state.setFocus()
    qtbot.keyClicks(row.state, "O")  # Overridden
    assert not row.manager.isHidden()
    press(qtbot, Qt.Key.Key_Tab)  # the reason is disabled: straight to the manager
    assert focused() is row.manager

    before = row_counts(session.desk)
    try_save(qtbot, form)
    assert "manager's approval" in row.error.text()
    assert "lawful basis" in row.error.text()
    assert row_counts(session.desk) == before

    row.manager.setFocus()
    for _ in range(row.manager.count()):  # arrow down to the manager (managers and chairs)
        if row.manager.currentData() == manager.user_id:
            break
        press(qtbot, Qt.Key.Key_Down)
    assert row.manager.currentData() == manager.user_id
    assert row.manager.currentText().startswith("Test Manager (")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is row.basis
    qtbot.keyClicks(row.basis, "Seeking consent would place the child at risk of harm")
    shot(form, "consent_override", tmp_path)
    assert_draft_reads_back(form)  # an overridden consent with its manager: a valid draft
    with qtbot.waitSignal(form.saved, timeout=15_000):
        press(qtbot, Qt.Key.Key_S, CTRL)
    with session.desk.db.reading() as s:
        consent = s.scalars(select(Consent)).one()
    assert consent.state == "overridden" and consent.approved_by == manager.user_id
    assert consent.lawful_basis.startswith("Seeking consent")


def test_form_risk_indicators_are_named_and_marked_in_the_threshold_panel(qtbot, session):
    cc = log_one(session.desk, session.actor, date_of_birth=date(2015, 5, 1)).children[0]
    panel = ThresholdPanel(session)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.document is not None, timeout=10_000)
    panel.set_subject(cc, ("domestic_abuse",))
    assert not panel.form_label.isHidden()
    assert "Ticked on the contact form: Domestic abuse" in panel.form_label.text()
    index = panel.model.index_of("l3-domestic-abuse-affecting-child")
    assert index.data().startswith("◆ ")
    assert "related to the contact form" in index.data(Qt.ItemDataRole.AccessibleTextRole)
    assert not panel.model.index_of("l2-missed-health-checks").data().startswith("◆")
    panel.set_subject(cc)
    assert panel.form_label.isHidden()


def test_new_sibling_joins_the_household_of_a_child_on_file(qtbot, session, form):
    older = (
        log_one(
            session.desk, session.actor, given="Amira", address="1 Test Road", postcode="HA1 2XY"
        )
        .children[0]
        .person
    )
    contact_details(qtbot, form)
    type_child(qtbot, form, "Amira", "Hassan", "01/06/2019")
    first = form.cards[0]
    qtbot.waitUntil(lambda: first.suggestions.count() == 2, timeout=10_000)
    first.suggestions.setFocus()
    press(qtbot, Qt.Key.Key_Down)  # Amira's existing record
    assert first.linked is not None
    press(qtbot, Qt.Key.Key_N, CTRL | Qt.KeyboardModifier.ShiftModifier)
    baby = form.cards[1]
    type_then_tab(qtbot, "", expect="First name")
    type_then_tab(qtbot, "Hassan", expect="Family name")
    press(qtbot, Qt.Key.Key_Space)  # unborn
    press(qtbot, Qt.Key.Key_Tab)
    type_then_tab(qtbot, "01/03/2027", expect="Expected delivery date")
    baby.household.setFocus()
    assert focused().accessibleName() == "Lives with (household)"
    press(qtbot, Qt.Key.Key_Down)
    assert baby.household.currentData() == older.id
    assert "Amira HASSAN" in baby.household.currentText()
    with qtbot.waitSignal(form.saved, timeout=15_000) as saved:
        press(qtbot, Qt.Key.Key_S, CTRL)
    amira, unborn = saved.args[0].children
    assert amira.person.id == older.id
    assert unborn.person.household_id == older.household_id is not None


def test_a_restored_draft_keeps_new_child_and_its_reason(qtbot, session, form, tmp_path):
    _, card = strong_match(qtbot, session, form)
    card.suggestions.setFocus()
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Down)  # "New child"
    assert card.new_child_chosen()
    card.new_child_reason.setFocus()
    qtbot.keyClicks(card.new_child_reason, "Cousin with the same name")
    draft = form.to_draft()
    assert draft["children"][0]["new_child_chosen"] is True

    again = ContactForm(session, drafts=DraftStore(tmp_path / "other", session.actor.username))
    again.ask_unsaved = lambda: "discard"
    qtbot.addWidget(again)
    again.load_draft(draft)
    restored = again.cards[0]
    qtbot.waitUntil(lambda: restored.suggestions.count() == 2, timeout=10_000)
    assert restored.new_child_chosen() and not restored.new_child_reason.isHidden()
    assert restored.new_child_reason.text() == "Cousin with the same name"
