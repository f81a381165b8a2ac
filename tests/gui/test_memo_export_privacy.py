"""Saving a memo from the preview: a 0600 file, and a question before a shared folder.

Issue 14 item 2. The shared folder is made under /tmp (1777) so others really can reach it.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from mash_desk.gui.meeting_print import MeetingPrintDialog
from mash_desk.gui.printing import PrintPreviewDialog
from mash_desk.gui.shared_folder import SAVE_ANYWAY
from tests.gui.test_printing import meeting  # noqa: F401 — fixture


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(dir="/tmp", prefix="mash-desk-shared-") as made:
        os.chmod(made, 0o777)
        yield Path(made)


@pytest.fixture
def zero_umask() -> Iterator[None]:
    old = os.umask(0)
    yield
    os.umask(old)


def preview(qtbot, session, decision_id: int) -> PrintPreviewDialog:
    dialog = PrintPreviewDialog(session, decision_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=20_000)
    return dialog


def saved(qtbot, dialog: PrintPreviewDialog) -> None:
    qtbot.waitUntil(lambda: dialog.status.text().startswith(("✔", "⚠")), timeout=20_000)
    assert dialog.status.text().startswith("✔ Saved to"), dialog.status.text()


def test_a_saved_memo_is_readable_by_its_owner_only_under_umask_000(
    qtbot,
    session,
    meeting,  # noqa: F811
    tmp_path,
    zero_umask,
):
    dialog = preview(qtbot, session, meeting.decisions[0].id)
    folder = tmp_path / "saved"
    folder.mkdir()
    target = folder / "memo.pdf"
    assert dialog.save_to(target) is None  # a folder in a private one: no question
    saved(qtbot, dialog)
    assert target.read_bytes().startswith(b"%PDF") and mode(target) == 0o600
    assert [p.name for p in folder.iterdir()] == ["memo.pdf"]  # no temporary file left


def test_saving_into_a_shared_folder_is_asked_first(
    qtbot,
    session,
    gui_desk,
    gui_actors,
    meeting,  # noqa: F811
    shared_folder,
):
    decision = meeting.decisions[0]
    dialog = preview(qtbot, session, decision.id)
    target = shared_folder / "memo.pdf"

    box = dialog.save_to(target)
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert box.text().startswith(
        f"This folder can be read by other people on this computer: {shared_folder}. "
        "Save here anyway?"
    )
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: not box.isVisible())
    assert not target.exists() and not dialog.busy
    practitioner = gui_actors["practitioner"]
    assert gui_desk.documents.issued_for(practitioner, decision_id=decision.id) == ()

    box = dialog.save_to(target)
    anyway = next(b for b in box.buttons() if b.text() == SAVE_ANYWAY)
    anyway.click()
    saved(qtbot, dialog)
    assert mode(target) == 0o600


def test_saving_a_meetings_memos_into_a_shared_folder_is_asked_first(
    qtbot,
    chair_session,
    meeting,  # noqa: F811
    shared_folder,
):
    dialog = MeetingPrintDialog(chair_session, meeting.day)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.batch is not None and len(dialog.batch.items) == 3)
    dialog.to_folder.setChecked(True)
    dialog.folder_edit.setText(str(shared_folder))
    dialog.start()
    box = dialog.findChild(QMessageBox)
    assert box is not None and box.isVisible() and not dialog.running
    assert str(shared_folder) in box.text()
    next(b for b in box.buttons() if b.text() == SAVE_ANYWAY).click()
    qtbot.waitUntil(lambda: dialog.summary.text() != "", timeout=60_000)
    assert dialog.summary.text().startswith("✔ 3 of 3 saved.")
    written = list(shared_folder.iterdir())
    assert len(written) == 3 and all(mode(p) == 0o600 for p in written)
