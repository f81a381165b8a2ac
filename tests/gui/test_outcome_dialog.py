"""The outcome dialog, driven by keyboard: outcomes, referral with its CIN fields, refusals."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mash_desk.domain.enums import ContactOutcome
from mash_desk.gui.outcome_dialog import OutcomeDialog
from mash_desk.gui.queue_model import COL_STATUS, QueueModel
from tests.services.test_forward_outcome import open_episode
from tests.support.helpers import log_one, row_counts

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def _open(qtbot, session, contact_child_id=None, **kw):
    dialog = OutcomeDialog(session, contact_child_id, **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.loaded and dialog.ui.nfaCheck.hasFocus(), timeout=10_000)
    return dialog


def _key(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    """Press a key where the keyboard focus is, as a user would."""
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def _tick(qtbot, check, mnemonic):
    """Tick a check box by its Alt mnemonic (Qt clicks it after a short animation)."""
    wanted = not check.isChecked()
    _key(qtbot, mnemonic, ALT)
    qtbot.waitUntil(lambda: check.isChecked() == wanted, timeout=5_000)


def _save(qtbot, dialog):
    _key(qtbot, Qt.Key.Key_Return, CTRL)


def test_nfa_excludes_the_rest_and_signposting_is_recorded(qtbot, session):
    cc = log_one(session.desk, session.actor).children[0]
    dialog = _open(qtbot, session, cc.id)
    assert "Amira HASSAN" in dialog.ui.childLabel.text()
    assert "Not screened" in dialog.ui.consentRule.text()
    _tick(qtbot, dialog.ui.nfaCheck, Qt.Key.Key_N)
    # NFA excludes every other outcome: the others cannot be ticked with it.
    assert not dialog.ui.adviceCheck.isEnabled()
    _key(qtbot, Qt.Key.Key_I, ALT)
    assert dialog.chosen() == (ContactOutcome.NFA,)
    _tick(qtbot, dialog.ui.nfaCheck, Qt.Key.Key_N)
    _tick(qtbot, dialog.ui.adviceCheck, Qt.Key.Key_I)
    with qtbot.waitSignal(dialog.recorded, timeout=10_000) as saved:
        _save(qtbot, dialog)
    assert saved.args[0].contact_child.outcomes == (ContactOutcome.ADVICE,)
    assert saved.args[0].contact_child.status == "closed"
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)


def test_nfa_alone_closes_the_contact(qtbot, session):
    cc = log_one(session.desk, session.actor).children[0]
    dialog = _open(qtbot, session, cc.id)
    _tick(qtbot, dialog.ui.nfaCheck, Qt.Key.Key_N)
    with qtbot.waitSignal(dialog.recorded, timeout=10_000) as saved:
        _save(qtbot, dialog)
    assert saved.args[0].contact_child.outcomes == (ContactOutcome.NFA,)


def test_referral_with_primary_need_awaits_decision_in_the_queue(qtbot, session):
    desk = session.desk
    cc = log_one(desk, session.actor, rag="amber", rag_reason="Assessment likely").children[0]
    dialog = _open(qtbot, session, cc.id)
    assert not dialog.ui.referralGroup.isEnabled()
    _tick(qtbot, dialog.ui.referralCheck, Qt.Key.Key_R)
    assert dialog.ui.referralGroup.isEnabled()
    # The source defaults to the contact's (2A: school), in words as well as its code.
    assert dialog.ui.referralSource.currentText().startswith("2A — ")
    _key(qtbot, Qt.Key.Key_P, ALT)
    assert dialog.ui.primaryNeed.hasFocus()
    _key(qtbot, Qt.Key.Key_Down)  # N0
    _key(qtbot, Qt.Key.Key_Down)  # N1
    _key(qtbot, Qt.Key.Key_Down)  # N2
    assert dialog.ui.primaryNeed.currentData() == "N2"
    assert "ReferralNFA" in dialog.ui.referralNfa.text()
    with qtbot.waitSignal(dialog.recorded, timeout=10_000) as saved:
        _save(qtbot, dialog)
    referral = saved.args[0].referral
    assert (referral.primary_need, referral.source, referral.status) == (
        "N2",
        "2A",
        "awaiting_decision",
    )
    model = QueueModel(session)
    model.reload()
    qtbot.waitUntil(lambda: not model.loading, timeout=10_000)
    [row] = [i for i, r in enumerate(model.rows()) if r.person_id == cc.person.id]
    assert model.data(model.index(row, COL_STATUS)) == "Referral: awaiting decision"


def test_referral_without_primary_need_is_refused_at_the_field(qtbot, session):
    desk = session.desk
    cc = log_one(desk, session.actor).children[0]
    dialog = _open(qtbot, session, cc.id)
    _tick(qtbot, dialog.ui.referralCheck, Qt.Key.Key_R)
    before = row_counts(desk)
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.message("primary_need") != "", timeout=10_000)
    assert "primary need" in dialog.message("primary_need")
    assert dialog.ui.primaryNeed.hasFocus()
    assert row_counts(desk) == before
    # Nothing chosen is lost; choosing the need and saving again works.
    assert dialog.chosen() == (ContactOutcome.REFERRAL,)
    _key(qtbot, Qt.Key.Key_Down)
    _key(qtbot, Qt.Key.Key_Down)
    with qtbot.waitSignal(dialog.recorded, timeout=10_000):
        _save(qtbot, dialog)
    assert dialog.message("primary_need") == ""


def test_under_five_early_help_becomes_a_childrens_centre_offer_with_its_notice(qtbot, session):
    cc = log_one(session.desk, session.actor, date_of_birth=date(2023, 3, 1)).children[0]
    dialog = _open(qtbot, session, cc.id)
    assert "under 5" in dialog.ui.childLabel.text()
    _tick(qtbot, dialog.ui.earlyHelpCheck, Qt.Key.Key_E)
    assert dialog.ui.underFiveNotice.isVisible()
    assert "children's-centre offer will be added" in dialog.ui.underFiveNotice.text()
    with qtbot.waitSignal(dialog.recorded, timeout=10_000) as saved:
        _save(qtbot, dialog)
    assert set(saved.args[0].contact_child.outcomes) == {
        ContactOutcome.EARLY_HELP,
        ContactOutcome.CHILDRENS_CENTRE,
    }
    # The notice stays on screen until read; Esc then closes without asking.
    assert "000 L184" in dialog.ui.statusLabel.text()
    assert dialog.isVisible() and dialog.ui.cancelButton.hasFocus()
    _key(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)


def test_under_five_nfa_asks_why_no_offer(qtbot, session):
    cc = log_one(session.desk, session.actor, date_of_birth=date(2023, 3, 1)).children[0]
    dialog = _open(qtbot, session, cc.id)
    assert not dialog.ui.noOfferReason.isVisible()
    _tick(qtbot, dialog.ui.nfaCheck, Qt.Key.Key_N)
    assert dialog.ui.noOfferReason.isVisible()
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.message("outcomes") != "", timeout=10_000)
    assert "children's-centre" in dialog.message("outcomes")
    _key(qtbot, Qt.Key.Key_D, ALT)
    qtbot.keyClicks(dialog.ui.noOfferReason, "Family already attends Cedars centre")
    with qtbot.waitSignal(dialog.recorded, timeout=10_000) as saved:
        _save(qtbot, dialog)
    assert saved.args[0].contact_child.outcomes == (ContactOutcome.NFA,)


def test_red_nfa_by_a_practitioner_says_a_manager_must_authorise(qtbot, session):
    cc = log_one(session.desk, session.actor, rag="red", rag_reason="Disclosure").children[0]
    dialog = _open(qtbot, session, cc.id)
    assert "a manager records it on a red contact" in dialog.ui.nfaCheck.text()
    _tick(qtbot, dialog.ui.nfaCheck, Qt.Key.Key_N)
    before = row_counts(session.desk)
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.message("outcomes") != "", timeout=10_000)
    assert "manager must authorise" in dialog.message("outcomes")
    assert row_counts(session.desk) == before


def test_escape_asks_before_discarding_a_choice(qtbot, session):
    cc = log_one(session.desk, session.actor).children[0]
    dialog = _open(qtbot, session, cc.id)
    _tick(qtbot, dialog.ui.adviceCheck, Qt.Key.Key_I)
    asked = []
    dialog.confirm_discard = lambda: asked.append(True) or False
    _key(qtbot, Qt.Key.Key_Escape)
    assert asked and dialog.isVisible() and dialog.chosen() == (ContactOutcome.ADVICE,)
    dialog.confirm_discard = lambda: True
    _key(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)


def test_ctrl_o_on_a_queue_row_opens_its_outcome_and_the_row_becomes_a_referral(
    qtbot, session, tmp_path
):
    from mash_desk.gui.main_window import MainWindow
    from mash_desk.gui.queue_model import RowRole

    cc = log_one(session.desk, session.actor, rag="amber", rag_reason="Worry").children[0]
    window = MainWindow(session, drafts_dir=tmp_path / "drafts")
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    model = window.queue.model
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=10_000)
    qtbot.keyClick(window, Qt.Key.Key_F8)  # select the first row
    qtbot.keyClick(window, Qt.Key.Key_O, CTRL)
    dialog = window.findChild(OutcomeDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.loaded and dialog.ui.nfaCheck.hasFocus(), timeout=10_000)
    assert dialog.ready.contact_child_id == cc.id
    _tick(qtbot, dialog.ui.referralCheck, Qt.Key.Key_R)
    _key(qtbot, Qt.Key.Key_P, ALT)
    _key(qtbot, Qt.Key.Key_Down)
    _key(qtbot, Qt.Key.Key_Down)
    with qtbot.waitSignal(dialog.recorded, timeout=10_000):
        _save(qtbot, dialog)
    # The queue re-reads itself: the contact row is now the referral, awaiting decision.
    qtbot.waitUntil(
        lambda: model.rowCount() == 1 and model.index(0, 0).data(RowRole).kind == "referral",
        timeout=10_000,
    )
    assert model.data(model.index(0, COL_STATUS)) == "Referral: awaiting decision"


def test_case_view_button_opens_the_childs_open_contact(qtbot, session):
    from mash_desk.gui.case_view import CaseView

    cc = log_one(session.desk, session.actor).children[0]
    view = CaseView(session, cc.person.id)
    qtbot.addWidget(view)
    view.show()
    view.activateWindow()
    qtbot.waitUntil(lambda: view.case is not None, timeout=10_000)
    assert view.outcome_button.isEnabled() and "Ctrl+O" in view.outcome_button.toolTip()
    view.outcome_button.setFocus()
    _key(qtbot, Qt.Key.Key_Space)
    dialog = view.outcome_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
    assert dialog.ready.contact_child_id == cc.id


def test_ctrl_o_in_a_case_tab_opens_that_childs_outcome(qtbot, session, tmp_path):
    from mash_desk.gui.case_view import CaseView
    from mash_desk.gui.main_window import MainWindow

    cc = log_one(session.desk, session.actor, rag="green", rag_reason="Low").children[0]
    window = MainWindow(session, drafts_dir=tmp_path / "drafts")
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.queue.model.rowCount() == 1, timeout=10_000)
    qtbot.keyClick(window, Qt.Key.Key_F8)
    qtbot.keyClick(window.queue.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.tabs.count() == 2, timeout=10_000)
    case = window.tabs.currentWidget().findChild(CaseView)
    qtbot.waitUntil(lambda: case.case is not None, timeout=10_000)
    qtbot.keyClick(window, Qt.Key.Key_O, CTRL)
    dialog = case.outcome_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
    assert dialog.ready.contact_child_id == cc.id


def test_level_three_referral_shows_the_consent_rule_and_refuses_without_it(qtbot, session):
    desk, p = session.desk, session.actor
    cc = log_one(desk, p).children[0]
    cc = desk.screening.screen(p, cc.id, cc.version, indicators=["l3-going-missing"]).value
    dialog = _open(qtbot, session, cc.id)
    assert dialog.ui.consentRule.text().startswith("Level 3")
    assert "consent to an assessment sought" in dialog.ui.consentRule.text()
    assert not dialog.ui.consentReason.isEnabled()  # only Level 4 goes on without consent
    _tick(qtbot, dialog.ui.referralCheck, Qt.Key.Key_R)
    _key(qtbot, Qt.Key.Key_P, ALT)
    _key(qtbot, Qt.Key.Key_Down)
    _key(qtbot, Qt.Key.Key_Down)
    before = row_counts(desk)
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.message("consent") != "", timeout=10_000)
    assert "must be sought before a referral" in dialog.message("consent")
    assert row_counts(desk) == before
    assert dialog.ui.primaryNeed.currentData() == "N1"  # nothing chosen is lost
    # Consent asked for on the phone just now is recorded with the outcome.
    assert dialog.ui.consentStateLabel.text() == "C&onsent to an assessment, asked for now"
    _key(qtbot, Qt.Key.Key_O, ALT)
    assert dialog.ui.consentState.hasFocus()
    _key(qtbot, Qt.Key.Key_Down)
    assert dialog.ui.consentState.currentData() == "sought"
    with qtbot.waitSignal(dialog.recorded, timeout=10_000) as saved:
        _save(qtbot, dialog)
    assert saved.args[0].referral is not None
    assert dialog.message("consent") == ""


def test_forward_without_an_open_case_is_refused_at_the_outcomes(qtbot, session):
    desk = session.desk
    cc = log_one(desk, session.actor).children[0]
    dialog = _open(qtbot, session, cc.id)
    assert not dialog.ui.forwardWorker.isVisible()
    _tick(qtbot, dialog.ui.forwardCheck, Qt.Key.Key_F)
    # Said as soon as the box is ticked, before any save.
    assert dialog.ui.forwardWorker.isVisible()
    assert "no open case with an allocated worker" in dialog.ui.forwardWorker.text()
    before = row_counts(desk)
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.message("outcomes") != "", timeout=10_000)
    assert "needs an open case with an allocated worker" in dialog.message("outcomes")
    assert dialog.ui.forwardCheck.hasFocus()  # the box whose choice is refused
    assert "allocated worker" in dialog.ui.forwardCheck.accessibleDescription()
    assert row_counts(desk) == before
    assert dialog.chosen() == (ContactOutcome.FORWARD_TO_WORKER,)  # nothing chosen is lost


def test_forward_names_the_worker_of_the_open_case_then_records(qtbot, session, gui_actors):
    desk, worker = session.desk, gui_actors["practitioner2"]
    cc = log_one(desk, session.actor).children[0]
    open_episode(desk, cc.person.id, worker.user_id)
    dialog = _open(qtbot, session, cc.id)
    _tick(qtbot, dialog.ui.forwardCheck, Qt.Key.Key_F)
    assert dialog.ui.forwardWorker.text() == (
        "→ Forwards to Test Practitioner2: Child in need, Children in Need team 2, "
        "open since 01 Jun 2026"
    )
    _tick(qtbot, dialog.ui.forwardCheck, Qt.Key.Key_F)  # unticked: the line goes
    assert not dialog.ui.forwardWorker.isVisible()
    _tick(qtbot, dialog.ui.forwardCheck, Qt.Key.Key_F)
    with qtbot.waitSignal(dialog.recorded, timeout=10_000) as saved:
        _save(qtbot, dialog)
    assert saved.args[0].contact_child.outcomes == (ContactOutcome.FORWARD_TO_WORKER,)
