"""Print preview, the print dialog and the meeting batch, against the private CUPS server."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt

from mash_desk.documents import sha256_hex
from mash_desk.gui.main_window import MainWindow
from mash_desk.gui.meeting_print import MeetingPrintDialog
from mash_desk.gui.printing import (
    PAGE_WIDTH,
    PrintDialog,
    PrintPreviewDialog,
    print_decision_memo,
)
from mash_desk.printing.cups import PrintJob
from mash_desk.services.decisions import DecisionInput
from tests.documents.conftest import make_referral, pdf_text
from tests.services.test_meetings import quorate
from tests.support.cups import EXACT_QUEUE, PDF_QUEUE, CupsServer, serve

SHOTS = Path("/tmp")
NAMES = (("Amira", "Hassan"), ("Łukasz", "Wójcik"), ("Zoë", "O'Neill & <Sons>"))


@pytest.fixture(scope="module")
def cups() -> Iterator[CupsServer]:
    yield from serve()


@pytest.fixture
def meeting(gui_desk, gui_actors) -> SimpleNamespace:
    """Today's quorate meeting with a signed decision for each of three children."""
    p, chair = gui_actors["practitioner"], gui_actors["chair"]
    referrals = [make_referral(gui_desk, p, given=g, family=f) for g, f in NAMES]
    made = gui_desk.meetings.create_today(chair).value
    quorate(gui_desk, chair, made.id)
    decisions = []
    for referral in referrals:
        draft = gui_desk.decisions.draft(
            p,
            referral.id,
            DecisionInput(
                outcome="single_assessment_s17",
                rationale=f"Needs an assessment (referral {referral.id}).",
                indicators=("l3-pregnant-young-person",),
                allocated_team="First Response",
            ),
            made.id,
        ).value
        decisions.append(gui_desk.decisions.sign(chair, draft.id, draft.version).value)
    return SimpleNamespace(
        id=made.id, day=made.meeting_date, referrals=referrals, decisions=decisions
    )


def job_of(status: str) -> PrintJob:
    """The job a batch row's status names (``✔ Printed: printer P, job P-12 (ref)``)."""
    job_id = status.split("job ")[1].split()[0].rstrip(",")
    return PrintJob(job_id.rsplit("-", 1)[0], job_id, 1, 0)


def batch_dialog(qtbot, session, day: date) -> MeetingPrintDialog:
    dialog = MeetingPrintDialog(session, day)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.start_button.isEnabled(), timeout=10_000)
    qtbot.waitUntil(lambda: dialog.choice.printer_box.isEnabled(), timeout=10_000)
    return dialog


def test_preview_shows_every_page_then_prints_the_exact_issued_memo(
    qtbot, cups, chair_session, gui_desk, gui_actors, meeting
):
    decision = meeting.decisions[0]
    dialog = print_decision_memo(chair_session, decision.id)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.print_button.isEnabled(), timeout=15_000)
    pages = len(PdfReader(io.BytesIO(dialog.preview.pdf)).pages)
    assert pages >= 2 and len(dialog.page_labels) == pages
    assert dialog.page_labels[0].accessibleName() == f"Page 1 of {pages}"
    assert all(label.pixmap().width() == PAGE_WIDTH for label in dialog.page_labels)
    assert dialog.copy_note.isHidden() and "Nothing is issued" in dialog.heading.text()
    # The preview issued nothing.
    assert gui_desk.documents.issued_for(gui_actors["chair"], decision_id=decision.id) == ()
    dialog.grab().save(str(SHOTS / "print_preview.png"))

    dialog.print_to(EXACT_QUEUE)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=15_000)
    assert dialog.status.text().startswith(f"✔ Sent to printer {EXACT_QUEUE}, job"), (
        dialog.status.text()
    )
    [issued] = gui_desk.documents.issued_for(gui_actors["chair"], decision_id=decision.id)
    [output] = issued.outputs
    assert output.action == "print" and output.destination.startswith(f"printer {EXACT_QUEUE}")
    printed = cups.exact_output(job_of(output.destination))
    assert sha256_hex(printed) == issued.sha256

    again = PrintPreviewDialog(chair_session, decision.id)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.print_button.isEnabled(), timeout=15_000)
    assert not again.copy_note.isHidden() and "makes copy 1" in again.copy_note.text()


def test_print_dialog_lists_the_servers_printers_default_first(qtbot, cups, session):
    dialog = PrintDialog(session, "Print decision memo MASH/DM/1/1")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.print_button.isEnabled(), timeout=10_000)
    box = dialog.choice.printer_box
    names = [box.itemData(i) for i in range(box.count())]
    assert names[0] == PDF_QUEUE and EXACT_QUEUE in names
    assert dialog.printer.name == PDF_QUEUE and "default" in box.currentText()
    dialog.choice.choose(EXACT_QUEUE)
    dialog.choice.copies_box.setValue(2)
    assert (dialog.printer.name, dialog.copies) == (EXACT_QUEUE, 2)
    assert box.accessibleName() == "Printer" and dialog.choice.copies_box.accessibleName()
    dialog.grab().save(str(SHOTS / "print_dialog.png"))


def test_no_print_server_is_said_under_the_printer_list(qtbot, session, monkeypatch, tmp_path):
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "gone.sock"))
    monkeypatch.setenv("PATH", str(tmp_path))  # and no CUPS commands at all
    dialog = PrintDialog(session, "Print")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.choice.message.isVisible(), timeout=10_000)
    assert "Printing needs CUPS" in dialog.choice.message.message
    assert not dialog.print_button.isEnabled() and dialog.printer is None


def test_meeting_batch_prints_every_memo_with_progress_and_a_summary(
    qtbot, cups, chair_session, gui_desk, gui_actors, meeting
):
    dialog = batch_dialog(qtbot, chair_session, meeting.day)
    labels = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert len(labels) == 3 and labels[0].startswith("Decision memo: Amira HASSAN")
    assert "minutes" in dialog.notes.text() and dialog.notes.isVisible()
    assert dialog.choice.chosen().name == PDF_QUEUE
    seen: list[int] = []
    dialog.progress.valueChanged.connect(seen.append)
    dialog.start()
    assert dialog.running and dialog.cancel_button.text() == "Cancel"
    assert dialog.results[0].startswith("▶ Printing")
    qtbot.waitUntil(lambda: not dialog.running, timeout=30_000)
    assert seen == [1, 2, 3] and dialog.progress.value() == 3
    assert all(r.startswith(f"✔ Printed: printer {PDF_QUEUE}, job") for r in dialog.results)
    assert dialog.summary.text().startswith("✔ 3 of 3 printed.")
    for status, decision in zip(dialog.results, meeting.decisions, strict=True):
        rendered = cups.pdf_output(job_of(status)).read_bytes()
        assert f"Decision {decision.id}, version 1" in pdf_text(rendered)
        [issued] = gui_desk.documents.issued_for(gui_actors["chair"], decision_id=decision.id)
        assert issued.outputs[0].destination in status
    assert dialog.cancel_button.text() == "Close"
    dialog.grab().save(str(SHOTS / "print_batch.png"))


def test_cancel_stops_after_the_memo_being_printed(
    qtbot, cups, chair_session, gui_desk, gui_actors, meeting
):
    dialog = batch_dialog(qtbot, chair_session, meeting.day)
    dialog.choice.choose(EXACT_QUEUE)
    dialog.start()
    dialog.reject()  # Esc / Cancel while printing: stop after this one, do not close
    assert dialog.isVisible() and dialog.cancel_button.text() == "Stopping after this one…"
    dialog.grab().save(str(SHOTS / "print_batch_running.png"))
    qtbot.waitUntil(lambda: not dialog.running, timeout=30_000)
    assert dialog.results[0].startswith(f"✔ Printed: printer {EXACT_QUEUE}")
    assert dialog.results[1:] == ["■ Not printed — cancelled"] * 2
    assert dialog.progress.value() == 1
    assert dialog.summary.text().startswith("⚠ 1 of 3 printed, 2 not printed (cancelled).")
    chair = gui_actors["chair"]
    printed = [gui_desk.documents.issued_for(chair, decision_id=d.id) for d in meeting.decisions]
    assert [len(p) for p in printed] == [1, 0, 0]
    dialog.grab().save(str(SHOTS / "print_batch_cancelled.png"))
    dialog.reject()
    assert not dialog.isVisible()


def test_batch_stops_when_the_print_server_goes_and_can_save_pdfs_instead(
    qtbot, cups, chair_session, gui_desk, gui_actors, meeting, monkeypatch, tmp_path
):
    dialog = batch_dialog(qtbot, chair_session, meeting.day)
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "gone.sock"))
    dialog.start()
    qtbot.waitUntil(lambda: not dialog.running, timeout=30_000)
    assert dialog.results[0].startswith("✖ Failed: MASH/DM/")
    assert "was issued but not printed" in dialog.results[0]
    assert "No print server is answering" in dialog.results[0]
    assert dialog.results[1:] == ["■ Not printed — stopped after the failure above"] * 2
    assert dialog.summary.text().startswith("⚠ 0 of 3 printed, 1 failed, 2 not printed")

    # Save as PDFs instead: a folder is needed first, said under the field.
    dialog.to_folder.setChecked(True)
    assert dialog.start_button.text() == "&Save all"
    dialog.start()
    assert dialog.folder_message.isVisible() and not dialog.running
    folder = tmp_path / "pack"
    dialog.folder_edit.setText(str(folder))
    dialog.start()
    qtbot.waitUntil(lambda: not dialog.running, timeout=30_000)
    assert dialog.summary.text().startswith("✔ 3 of 3 saved.")
    chair = gui_actors["chair"]
    for decision in meeting.decisions:
        issued = gui_desk.documents.issued_for(chair, decision_id=decision.id)[-1]
        # The first was issued before the print server went: this is its copy.
        path = folder / issued.filename
        assert sha256_hex(path.read_bytes()) == issued.sha256
        assert issued.outputs[0].action == "export"


def test_main_window_prints_the_current_case_memo_and_the_meeting(
    qtbot, cups, chair_session, meeting
):
    window = MainWindow(chair_session, drafts_dir=None)
    qtbot.addWidget(window)
    window.show()
    assert window.print_current_memo() is None
    assert "Open a child's case" in window.statusBar().currentMessage()
    referral = meeting.referrals[1]
    window.open_row(
        SimpleNamespace(
            kind="referral",
            item_id=referral.id,
            person_id=referral.person_id,
            contact_id=None,
            child_name="Łukasz WÓJCIK",
        )
    )
    from mash_desk.gui.case_view import CaseView

    case_view = window.tabs.currentWidget().findChild(CaseView)
    qtbot.waitUntil(lambda: case_view.case is not None, timeout=15_000)
    preview = window.print_current_memo()
    assert isinstance(preview, PrintPreviewDialog)
    assert preview.decision_id == meeting.decisions[1].id
    qtbot.waitUntil(lambda: preview.print_button.isEnabled(), timeout=15_000)
    preview.close()
    menus = {a.text(): a for m in window.menuBar().actions() for a in m.menu().actions()}
    assert menus["&Print decision memo…"].shortcut().toString() == "Ctrl+P"
    batch = window.print_meeting_memos()
    qtbot.waitUntil(lambda: batch.table.rowCount() == 3, timeout=15_000)
    assert batch.meeting_date == meeting.day
    batch.date_edit.setDate(QDate(2026, 11, 16))
    qtbot.waitUntil(lambda: batch.date_message.isVisible(), timeout=15_000)
    assert batch.date_message.message == "No MASH meeting was held on Mon 16 Nov 2026"
    assert batch.table.rowCount() == 0 and not batch.start_button.isEnabled()
    batch.close()


def test_printers_found_take_the_keyboard_so_enter_prints(qtbot, cups, session):
    from PySide6.QtWidgets import QApplication

    dialog = PrintDialog(session, "Print decision memo MASH/DM/1/1")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5_000)
    qtbot.waitUntil(lambda: dialog.print_button.isEnabled(), timeout=10_000)
    # Not "Look again", where the list was disabled while it loaded: Enter there looks again.
    assert QApplication.focusWidget() is dialog.choice.printer_box
    with qtbot.waitSignal(dialog.accepted, timeout=5_000):
        qtbot.keyClick(dialog.choice.printer_box, Qt.Key.Key_Return)
    assert dialog.printer.name == PDF_QUEUE
