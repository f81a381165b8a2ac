"""The threshold panel: live suggestion, routes, override rule, saving, search, keyboard."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from mash_desk.gui.threshold_panel import ThresholdPanel
from tests.support.helpers import log_one, row_counts
from tests.support.thresholds import SHIPPED


def _panel(qtbot, session, **child_kw):
    cc = log_one(session.desk, session.actor, **child_kw).children[0]
    panel = ThresholdPanel(session)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.document is not None, timeout=10_000)
    panel.set_subject(cc)
    return panel, cc


def _lines(label) -> str:
    return label.text()


def test_header_names_the_document_version_and_date(qtbot, session):
    panel, _ = _panel(qtbot, session)
    assert panel.document_label.text() == (
        "Continuum of Need: Multi-Agency Threshold Guidance (model document) — version 2016, "
        "in force from 01 April 2016"
    )
    assert panel.subject_label.text().startswith("Child: Amira HASSAN — 7 years · contact 1")


def test_ticking_level_2_then_level_4_updates_level_and_pathways_live(qtbot, session):
    panel, _ = _panel(qtbot, session, date_of_birth=date(2015, 5, 1))
    assert panel.suggested_label.text() == "Suggested level: none yet — tick what applies"
    panel.set_ticked("l2-missed-health-checks")
    assert panel.suggested_label.text() == "Suggested: Level 2: Additional needs"
    assert "Missed immunisations" in panel.drivers_label.text()
    assert panel.consent_label.text().startswith("Family consent required.")
    assert "Health notification" in panel.pathways_label.text()
    assert "Child-protection medical" not in panel.pathways_label.text()
    assert "Early help (Early Intervention Service / Early Support)" in panel.routes_label.text()
    panel.set_ticked("l4-disclosure-physical-abuse")
    assert panel.suggested_label.text() == "Suggested: Level 4: Acute needs: significant harm"
    assert (
        panel.drivers_label.text()
        == "• Child says a parent, carer or other adult has hit or hurt them"
    )
    assert "without consent" in panel.consent_label.text()
    pathways = panel.pathways_label.text()
    assert "Child-protection medical" in pathways and "Health notification" in pathways
    assert "Strategy discussion and section 47 enquiry" in panel.routes_label.text()
    assert panel.level_combo.itemText(0) == "Confirm suggested level (Level 4)"
    panel.set_ticked("l4-disclosure-physical-abuse", False)
    assert panel.suggested_label.text() == "Suggested: Level 2: Additional needs"


def test_under_five_child_gets_the_childrens_centre_route(qtbot, session):
    panel, _ = _panel(qtbot, session, date_of_birth=date(2023, 2, 14))
    assert "under 5" in panel.subject_label.text()
    panel.set_ticked("l2-missed-health-checks")
    routes = panel.routes_label.text()
    assert "Children's-centre early-help offer" in routes
    assert "Early help (Early Intervention Service" not in routes


def test_unborn_child_shows_the_pre_birth_date(qtbot, session):
    panel, _ = _panel(
        qtbot,
        session,
        given="",
        family="Nowak",
        date_of_birth=None,
        expected_delivery=date(2027, 3, 16),
    )
    panel.set_ticked("l3-unborn-concerns")
    assert "Multi-agency pre-birth planning" in panel.pathways_label.text()
    assert "(by 02 February 2027)" in panel.pathways_label.text()


def test_override_without_rationale_is_shown_at_the_field_and_writes_nothing(qtbot, session):
    panel, _ = _panel(qtbot, session)
    panel.set_ticked("l3-going-missing")
    panel.choose_level(4)
    assert panel.rationale_title.text() == "Ra&tionale (required: say why)"
    before = row_counts(session.desk)
    panel.save()
    assert panel.rationale_error.isVisibleTo(panel)
    assert "needs a written rationale" in panel.rationale_error.text()
    assert panel.rationale_error.text().startswith("⚠ ")  # an icon, not colour alone
    assert not panel.error_label.isVisibleTo(panel)
    assert session.tasks.busy == 0
    assert row_counts(session.desk) == before
    # Giving the rationale lets the override through.
    panel.rationale.setPlainText("Found with an adult known to police for exploitation")
    with qtbot.waitSignal(panel.screened, timeout=10_000) as saved:
        panel.save()
    assert saved.args[0].provisional_level == 4
    [assessment] = session.desk.thresholds.assessments(session.actor, panel.subject.person.id)
    assert assessment.override and assessment.rationale.startswith("Found with an adult")


def test_confirming_saves_the_screening_with_level_and_document_version(qtbot, session):
    panel, cc = _panel(qtbot, session)
    panel.set_ticked("l2-bullying")
    panel.set_ticked("l3-parent-substance-affecting-care")
    before = row_counts(session.desk)
    with (
        qtbot.waitSignal(session.hub.changed, timeout=10_000) as announced,
        qtbot.waitSignal(panel.screened, timeout=10_000),
    ):
        panel.save()
    assert f"person:{cc.person.id}" in announced.args[0]
    stored = session.desk.contacts.get(session.actor, cc.contact_id).children[0]
    assert (stored.provisional_level, stored.threshold_document, stored.threshold_version) == (
        3,
        "model-threshold",
        "2016",
    )
    assert stored.version == cc.version + 1 == panel.subject.version
    [assessment] = session.desk.thresholds.assessments(session.actor, cc.person.id)
    assert not assessment.override
    assert {i.id for i in assessment.indicators} == {
        "l2-bullying",
        "l3-parent-substance-affecting-care",
    }
    assert row_counts(session.desk)["threshold_assessments"] == before["threshold_assessments"] + 1
    assert panel.status_label.text() == "Saved: Level 3 against model-threshold version 2016."
    assert panel.notices_label.isVisibleTo(panel)
    assert "Consent to assessment is not recorded" in panel.notices_label.text()


def test_search_filters_the_tree_as_you_type(qtbot, session):
    panel, _ = _panel(qtbot, session)
    everything = panel.visible_indicator_ids()
    assert len(everything) == len(panel.document.indicators)
    qtbot.keyClicks(panel.search, "domestic abuse")
    shown = panel.visible_indicator_ids()
    assert shown == [i.id for i in panel.document.search("domestic abuse")]
    assert 0 < len(shown) < len(everything)
    assert "l3-domestic-abuse-affecting-child" in shown
    assert panel.match_label.text().startswith(f"{len(shown)} of {len(everything)} indicators")
    # Groups with nothing left go too.
    model = panel.model
    domains = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert domains == ["Family and environmental factors"]
    levels = [model.index(r, 0, model.index(0, 0)).data() for r in range(3)]
    assert levels == [
        "Level 2: Additional needs",
        "Level 3: Complex needs: child in need",
        "Level 4: Acute needs: significant harm",
    ]
    # A tick survives the search being cleared.
    panel.set_ticked("l3-domestic-abuse-affecting-child")
    panel.search.clear()
    assert len(panel.visible_indicator_ids()) == len(everything)
    assert panel.ticked() == ("l3-domestic-abuse-affecting-child",)


def test_keyboard_space_ticks_ctrl_f_searches_ctrl_s_saves(qtbot, session):
    panel, _ = _panel(qtbot, session)
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)
    panel.tree.setFocus()
    panel.tree.setCurrentIndex(panel.model.index_of("l2-bullying"))
    QTest.keyClick(panel.tree, Qt.Key.Key_Space)
    assert panel.ticked() == ("l2-bullying",)
    assert panel.suggested_label.text() == "Suggested: Level 2: Additional needs"
    QTest.keyClick(panel.tree, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert panel.search.hasFocus()
    with qtbot.waitSignal(panel.screened, timeout=10_000):
        QTest.keyClick(panel.search, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert panel.subject.provisional_level == 2


def test_document_replaced_while_open_reloads_and_says_so(qtbot, session, gui_actors):
    panel, _ = _panel(qtbot, session)
    panel.set_ticked("l2-bullying")
    newer = SHIPPED.read_text(encoding="utf-8").replace('version: "2016"', 'version: "2026"')
    newer = newer.replace("effective_from: 2016-04-01", "effective_from: 2026-11-17")
    session.desk.thresholds.install(gui_actors["admin"], newer.encode())
    before = row_counts(session.desk)
    panel.save()
    qtbot.waitUntil(lambda: panel.document.version == "2026", timeout=10_000)
    assert panel.document_error.isVisibleTo(panel)
    assert "changed while this panel was open" in panel.document_error.text()
    assert "version 2026, in force from 17 November 2026" in panel.document_label.text()
    assert panel.ticked() == ()
    assert row_counts(session.desk) == before


def test_past_assessment_is_shown_read_only_against_its_version(qtbot, session):
    panel, cc = _panel(qtbot, session)
    panel.set_ticked("l3-going-missing")
    panel.choose_level(4)
    panel.rationale.setPlainText("Missing three nights with an older adult")
    with qtbot.waitSignal(panel.screened, timeout=10_000):
        panel.save()
    [assessment] = session.desk.thresholds.assessments(session.actor, cc.person.id)
    viewer = ThresholdPanel(session)
    qtbot.addWidget(viewer)
    viewer.show_assessment(assessment)
    qtbot.waitUntil(
        lambda: viewer.document is not None and bool(viewer.mode_label.text()), timeout=10_000
    )
    assert viewer.read_only
    assert viewer.mode_label.text().startswith("Read only: screening assessment of 17 Nov 2026")
    assert "version 2016" in viewer.document_label.text()
    assert viewer.ticked() == ("l3-going-missing",)
    index = viewer.model.index_of("l3-going-missing")
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert not viewer.model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
    assert not viewer.model.setData(index, Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert viewer.chosen_level() == 4 and not viewer.level_combo.isEnabled()
    assert viewer.rationale.isReadOnly()
    assert viewer.rationale.toPlainText() == "Missing three nights with an older adult"
    assert not viewer.save_button.isVisibleTo(viewer)
    # Let the first panel's reload after its save finish, so "busy" counts only the viewer.
    qtbot.waitUntil(lambda: session.tasks.busy == 0, timeout=10_000)
    before = row_counts(session.desk)
    viewer.save()
    assert session.tasks.busy == 0 and row_counts(session.desk) == before


def test_indicator_model_passes_the_model_tester(qtbot, qtmodeltester, session):
    panel, _ = _panel(qtbot, session)
    panel.set_ticked("l2-bullying")
    qtmodeltester.check(panel.model)
    panel.search.setText("missing")
    qtmodeltester.check(panel.model)
    # A click on the check box goes through setData, as Space does.
    index = panel.model.index_of("l3-going-missing")
    assert panel.model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert panel.ticked() == ("l2-bullying", "l3-going-missing")
    assert panel.suggested_label.text() == "Suggested: Level 3: Complex needs: child in need"
