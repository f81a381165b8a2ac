"""A damaged paste into the New contact form (issue 14 item 7): shown at the field, no crash.

Qt itself cannot hold a lone surrogate: PySide6 drops it when a Python string becomes a
QString, so a surrogate in the clipboard never reaches a field (the services refuse one
from scripts and imports; tests/services/test_text_edge.py). Control characters do reach
the fields, NUL among them, which PostgreSQL cannot store: the service refuses them and
the form shows the refusal at the field.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.gui.test_contact_form import drafts_dir, form, press  # noqa: F401 - fixtures
from tests.support.helpers import row_counts

CTRL = Qt.KeyboardModifier.ControlModifier


def paste_into(qtbot, widget, text: str) -> None:
    """Put ``text`` on the clipboard and paste it into ``widget`` with Ctrl+V."""
    QApplication.clipboard().setText(text)
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_V, CTRL)


def test_a_lone_surrogate_never_reaches_a_field(qtbot, form):  # noqa: F811
    paste_into(qtbot, form.ui.concerns, "Arrived hungry\ud800 again")
    assert form.ui.concerns.toPlainText() == "Arrived hungry again"
    paste_into(qtbot, form.cards[0].family_name, "Nowak\udc80")
    assert form.cards[0].family_name.text() == "Nowak"


def test_a_pasted_nul_is_refused_at_its_field_and_nothing_is_written(
    qtbot,
    form,  # noqa: F811
    session,
):
    before = row_counts(session.desk)
    saved = []
    form.saved.connect(saved.append)
    paste_into(qtbot, form.ui.concerns, "Arrived hungry\x00 three days this week")
    assert "\x00" in form.ui.concerns.toPlainText()  # Qt keeps it; the rules must refuse it

    press(qtbot, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: not form.ui.concernsError.isHidden(), timeout=10_000)

    message = form.ui.concernsError.text()
    assert "Concerns narrative contains hidden control characters" in message
    assert "remove them" in message
    assert form.ui.concerns.property("invalid") is True
    assert "hidden control characters" in form.ui.concerns.accessibleDescription()
    assert "Nothing was written" in form.ui.statusLabel.text()
    assert row_counts(session.desk) == before
    assert saved == []
