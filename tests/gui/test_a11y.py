"""Screen-reader rules that hold without the accessibility bus (the bus itself: tests/atspi).

Offscreen, so they run in every pytest run: a changing label has no fixed name, a field's
description carries its problem and "required" on top of what it said, and no table, tree
or list keeps Tab for its cells.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QComboBox, QLabel, QLineEdit, QToolButton, QWidget

from mash_desk.gui.a11y import (
    clear_invalid,
    live_label,
    mark_invalid,
    mark_required,
    mark_required_by_labels,
    name_clear_button,
)
from mash_desk.gui.contact_form import ContactForm
from mash_desk.gui.main_window import MainWindow
from mash_desk.gui.profile_dialog import with_message
from mash_desk.gui.sign_in import SignInDialog
from mash_desk.gui.threshold_panel import ThresholdPanel
from mash_desk.services.desk import Desk
from tests.support.helpers import log_one


def test_a_live_label_is_read_as_its_text_and_described_by_its_purpose(qtbot):
    label = live_label(QLabel("Suggested: Level 3"), "Suggested level")
    qtbot.addWidget(label)
    assert label.accessibleName() == ""  # Qt then reads the text, as it changes
    assert label.accessibleDescription() == "Suggested level"


def test_a_problem_comes_first_and_goes_leaving_required_and_the_hint(qtbot):
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.setAccessibleDescription("dd/mm/yyyy")
    mark_required(edit)
    assert edit.accessibleDescription() == "required — dd/mm/yyyy"
    mark_invalid(edit, "Enter a date in the past")
    assert edit.accessibleDescription() == "Enter a date in the past — required — dd/mm/yyyy"
    mark_invalid(edit, None)
    assert edit.accessibleDescription() == "required — dd/mm/yyyy"


def test_clearing_a_problem_leaves_a_description_set_since_alone(qtbot):
    check = QLineEdit()
    qtbot.addWidget(check)
    clear_invalid(check)  # never marked: a later description is the field's own
    check.setAccessibleDescription("Only a manager may close a red contact")
    clear_invalid(check)
    assert check.accessibleDescription() == "Only a manager may close a red contact"
    mark_invalid(check, "Choose at least one outcome")
    assert check.accessibleDescription().startswith("Choose at least one outcome — Only")
    clear_invalid(check)
    assert check.accessibleDescription() == "Only a manager may close a red contact"


def test_the_clear_button_of_a_search_field_has_a_name(qtbot):
    edit = QLineEdit()
    qtbot.addWidget(edit)
    name_clear_button(edit, "Clear the search")
    assert edit.isClearButtonEnabled()
    buttons = edit.findChildren(QToolButton)
    assert buttons and all(b.accessibleName() == "Clear the search" for b in buttons)


def test_field_message_is_put_on_its_field_and_read_as_its_text(qtbot):
    edit = QLineEdit()
    edit.setAccessibleName("Username")
    box, message = with_message(edit)
    qtbot.addWidget(box)
    message.show_message("Enter your username")
    assert edit.accessibleDescription() == "Enter your username"
    assert message.accessibleName() == "" and message.text().endswith("Enter your username")
    assert message.accessibleDescription() == "Username message"
    message.clear_message()
    assert edit.accessibleDescription() == ""


def test_starred_labels_mark_their_fields_required(qtbot):
    root = QWidget()
    qtbot.addWidget(root)
    starred, plain = QLineEdit(root), QLineEdit(root)
    QLabel("Family name *", root).setBuddy(starred)
    QLabel("NHS number", root).setBuddy(plain)
    assert mark_required_by_labels(root) == [starred]
    assert plain.accessibleDescription() == ""


def test_threshold_panel_labels_are_read_as_their_text_and_ticks_update_them(qtbot, session):
    cc = log_one(session.desk, session.actor).children[0]
    panel = ThresholdPanel(session)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.document is not None, timeout=10_000)
    panel.set_subject(cc)
    panel.set_ticked("l3-parent-substance-affecting-care")
    for label in (
        panel.suggested_label,
        panel.drivers_label,
        panel.consent_label,
        panel.routes_label,
        panel.pathways_label,
        panel.status_label,
    ):
        assert label.accessibleName() == "" and label.accessibleDescription(), label
    assert panel.suggested_label.text().startswith("Suggested: Level 3")
    # An override needs a rationale: the field says so, and says the problem after saving.
    panel.choose_level(1)
    assert "required" in panel.rationale.accessibleDescription()
    panel.save()
    assert panel.rationale_error.text().removeprefix("⚠ ") in (
        panel.rationale.accessibleDescription()
    )
    panel.ask_unsaved = lambda: "discard"


def test_contact_form_required_fields_and_due_date_reach_screen_readers(qtbot, session):
    form = ContactForm(session)
    qtbot.addWidget(form)
    form.ask_unsaved = lambda: "discard"
    card = form.cards[0]
    for field in (form.ui.concerns, form.ui.channel, card.family_name, card.date_of_birth):
        assert "required" in field.accessibleDescription(), field.accessibleName()
    assert "required" not in card.nhs_number.accessibleDescription()
    assert card.deadline.accessibleName() == "" and card.deadline.text()
    # A tooltip, which Qt reads when there is no description, is kept after "required".
    assert form.ui.referralSource.accessibleDescription().startswith(
        "required — CIN census referral source"
    )
    concerns = form.ui.concerns
    form.save()
    qtbot.waitUntil(lambda: bool(form.ui.concernsError.text()), timeout=10_000)
    message = form.ui.concernsError.text().removeprefix("⚠ ")
    assert message and concerns.accessibleDescription() == f"{message} — required"
    form.clear_errors()
    assert concerns.accessibleDescription() == "required"


def _views_keeping_tab(root: QWidget) -> list[str]:
    return [
        view.accessibleName() or type(view).__name__
        for view in root.findChildren(QAbstractItemView)
        if view.tabKeyNavigation() and not isinstance(view.parent(), QComboBox)
    ]


def test_no_table_tree_or_list_keeps_tab(qtbot, session, tmp_path):
    window = MainWindow(session, drafts_dir=tmp_path / "drafts")
    qtbot.addWidget(window)
    window.new_contact().ask_unsaved = lambda: "discard"
    panel = ThresholdPanel(session)
    qtbot.addWidget(panel)
    dialog = SignInDialog(str(session.desk.db.engine.url), Desk.open)
    qtbot.addWidget(dialog)
    for root in (window, panel, dialog):
        assert _views_keeping_tab(root) == []
