"""At start-up the desk says a draft could not be read and shows its text, ready to copy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from mash_desk.gui.contact_form import ContactForm
from mash_desk.gui.damaged_drafts import DamagedDraftsDialog
from mash_desk.gui.drafts import DraftStore
from mash_desk.gui.main_window import MainWindow
from tests.gui.test_damaged_drafts import CONCERNS, REFERRER, truncated, with_child, with_data

GOOD_CONCERNS = "Health visitor worried about a baby's weight (synthetic)."
# Draft contents that made the contact form raise while filling itself in.
HOSTILE = {
    "indicators-a-number": with_data(risk_indicators=5),
    "consents-a-list": with_child(consents=[1]),
    "unknown-relationship": with_child(relatives=[{"relationship": "wizard"}]),
}


@pytest.fixture
def drafts_dir(tmp_path: Path) -> Path:
    return tmp_path / "drafts"


@pytest.fixture
def window(qtbot, session, drafts_dir) -> MainWindow:
    made = MainWindow(session, drafts_dir=drafts_dir)
    qtbot.addWidget(made)
    made.show()
    return made


def good_draft(qtbot, session, store: DraftStore) -> str:
    form = ContactForm(session, drafts=store)
    qtbot.addWidget(form)
    form.ui.concerns.setPlainText(GOOD_CONCERNS)
    draft_id = store.new_id()
    store.save(draft_id, form.to_draft(), kind="new_contact", summary="Health visitor")
    form.ask_unsaved = lambda: "discard"
    return draft_id


def restored_forms(window: MainWindow) -> list[ContactForm]:
    found = [window.tabs.widget(i) for i in range(window.tabs.count())]
    forms = [w for w in found if isinstance(w, ContactForm)]
    for form in forms:
        form.ask_unsaved = lambda: "discard"
    return forms


def test_the_desk_shows_a_damaged_drafts_text_and_restores_the_others(
    qtbot, session, drafts_dir, window
):
    store = DraftStore(drafts_dir, session.actor.username)
    good_draft(qtbot, session, store)
    bad = store.new_id()
    (store.folder / f"{bad}.json").write_bytes(truncated(bad))
    asked: list[int] = []
    restored = window.offer_drafts(ask=lambda count: asked.append(count) or True)
    assert restored == 1 and asked == [1]
    [form] = restored_forms(window)
    assert form.ui.concerns.toPlainText() == GOOD_CONCERNS
    dialog = window.damaged_drafts_dialog
    assert isinstance(dialog, DamagedDraftsDialog)
    qtbot.waitExposed(dialog)
    assert dialog.form.message.text() == (
        "One saved draft could not be read; its text has been kept for you to copy."
    )
    assert window.statusBar().currentMessage() == dialog.form.message.text()
    text = dialog.recovered_text()
    assert f"Concerns: {CONCERNS}" in text and f"Referrer's name: {REFERRER}" in text
    assert "cut short" in text and str(store.folder / "damaged") in text
    pane = dialog.form.recoveredText
    assert pane.isReadOnly() and pane.isVisible()
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(dialog.form.copyButton, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == text
    dialog.close()
    qtbot.waitUntil(lambda: window.damaged_drafts_dialog is None, timeout=3000)


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_hostile_draft_is_reported_not_crashed_on(qtbot, session, drafts_dir, window, kind):
    content = HOSTILE[kind]
    # Given to the form directly, it is refused naming the field, and the form is untouched.
    form = ContactForm(session, drafts=DraftStore(drafts_dir / "elsewhere", "x"))
    qtbot.addWidget(form)
    with pytest.raises(ValueError, match=r"This draft cannot fill the form: data\."):
        form.load_draft(json.loads(content("0" * 32))["data"])
    assert not form.has_unsaved_work()
    store = DraftStore(drafts_dir, session.actor.username)
    bad = store.new_id()
    store.save(bad, {})  # makes the private folder
    (store.folder / f"{bad}.json").write_bytes(content(bad))
    assert window.offer_drafts(ask=lambda count: pytest.fail("nothing to restore")) == 0
    assert restored_forms(window) == []
    dialog = window.damaged_drafts_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.form.message.text().startswith("One saved draft could not be read; its text")
    assert f"Concerns: {CONCERNS}" in dialog.recovered_text()
    dialog.close()


def test_nothing_recoverable_says_so_and_offers_no_copy(qtbot, session, drafts_dir, window):
    store = DraftStore(drafts_dir, session.actor.username)
    good_draft(qtbot, session, store)
    (store.folder / f"{store.new_id()}.json").mkdir()
    assert window.offer_drafts(ask=lambda count: False) == 0
    dialog = window.damaged_drafts_dialog
    assert dialog.form.message.text() == (
        "One saved draft could not be read, and no text could be recovered from it."
    )
    assert "No text could be recovered from it." in dialog.recovered_text()
    assert not dialog.form.copyButton.isEnabled()
    dialog.close()


def test_no_damaged_drafts_means_no_dialog(qtbot, session, drafts_dir, window):
    store = DraftStore(drafts_dir, session.actor.username)
    good_draft(qtbot, session, store)
    assert window.offer_drafts(ask=lambda count: False) == 0
    assert window.damaged_drafts_dialog is None
    assert store.pending() == []  # declined: discarded
