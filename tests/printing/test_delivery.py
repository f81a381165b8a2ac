"""A memo issued, printed to the CUPS test queues, recorded, and checked against its hash.

What a print server does with the bytes depends on the printer. The exact-bytes queue keeps
what it received: that file is the issued memo, so ``verify`` accepts it. cups-pdf, like a real
printer's driver, re-renders the job through Ghostscript: the pages say the same, the bytes do
not, so its PDF is *not* the issued memo and ``verify`` says so.
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from mash_desk.documents import sha256_hex
from mash_desk.printing.cups import PrinterNotFound, PrintError
from mash_desk.printing.delivery import (
    FolderDestination,
    PrinterDestination,
    deliver,
    meeting_batch,
)
from tests.documents.conftest import GIVEN, RATIONALE, make_decided, pdf_text
from tests.support.cups import CLOSED_QUEUE, EXACT_QUEUE, PDF_QUEUE
from tests.support.helpers import row_counts


@pytest.fixture
def decided(desk, actors):
    return make_decided(desk, actors)


def test_memo_printed_to_the_test_queue_matches_its_stored_hash(cups_server, desk, actors, decided):
    chair = actors["chair"]
    destination = PrinterDestination(EXACT_QUEUE)
    done = deliver(
        desk,
        chair,
        lambda: desk.documents.issue_memo(chair, decided.decision.id),
        destination,
    )
    [job] = destination.jobs
    printed = cups_server.exact_output(job)
    assert sha256_hex(printed) == done.issued.sha256
    # The print is recorded: who, where (printer and job), and the hash of what was sent.
    [issued] = desk.documents.issued_for(chair, decision_id=decided.decision.id)
    [output] = issued.outputs
    assert (output.action, output.destination, output.sha256, output.output_by) == (
        "print",
        f"printer {EXACT_QUEUE}, job {job.job_id}",
        issued.sha256,
        "Test Chair",
    )
    assert done.changed >= {"documents", f"document:{issued.id}"}
    answer = desk.documents.verify(chair, printed)
    assert answer.verified and answer.document.id == issued.id
    assert f"decision memo of decision {decided.decision.id}, version 1" in answer.message


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_cups_pdf_rerenders_the_memo_same_words_other_bytes(cups_server, desk, actors, decided):
    chair = actors["chair"]
    destination = PrinterDestination()  # the default printer: cups-pdf
    done = deliver(
        desk, chair, lambda: desk.documents.issue_memo(chair, decided.decision.id), destination
    )
    assert destination.printer.name == PDF_QUEUE
    rendered = cups_server.pdf_output(destination.jobs[0]).read_bytes()
    words = pdf_text(rendered)
    # (Straight quotes come back as typographic ones, hence the rationale up to its "'s".)
    assert RATIONALE.split("'")[0] in words and "Single assessment (s17)" in words
    assert f"Decision {decided.decision.id}, version 1" in words
    assert "OFFICIAL-SENSITIVE" in words and "Page 1 of" in words
    # The pages show "Zoë" and "Wójcik" correctly, but Ghostscript drops the fonts' Unicode
    # maps, so letters beyond ASCII no longer come back out as text: only the ASCII is checked.
    assert "<Tony>" in words and GIVEN not in words
    # Ghostscript wrote a new PDF: not byte-identical, so not the issued memo.
    assert sha256_hex(rendered) != done.issued.sha256
    assert not desk.documents.verify(chair, rendered).verified
    # Its title is the print job's, the memo's file name: print queues never show the child.
    assert done.issued.filename in PdfReader(io.BytesIO(rendered)).metadata.title


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_missing_printer_found_before_anything_is_issued(cups_server, desk, actors, decided):
    before = row_counts(desk)
    with pytest.raises(PrinterNotFound, match="no printer called 'Upstairs'"):
        PrinterDestination("Upstairs").check()
    with pytest.raises(PrintError, match="between 1 and 99"):
        PrinterDestination(EXACT_QUEUE, copies=100)
    assert row_counts(desk) == before


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_printer_refusing_the_job_leaves_the_memo_issued_and_unrecorded(
    cups_server, desk, actors, decided
):
    chair = actors["chair"]
    with pytest.raises(PrintError, match="was issued but not printed") as caught:
        deliver(
            desk,
            chair,
            lambda: desk.documents.issue_memo(chair, decided.decision.id),
            PrinterDestination(CLOSED_QUEUE),
        )
    [issued] = desk.documents.issued_for(chair, decision_id=decided.decision.id)
    assert issued.reference in str(caught.value) and CLOSED_QUEUE in str(caught.value)
    assert issued.outputs == ()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_meeting_batch_lists_memos_by_child_then_minutes_once_signed_off(
    desk, actors, decided, tmp_path
):
    chair = actors["chair"]
    batch = meeting_batch(desk, chair, decided.decision.signed_at.date())
    [item] = batch.items
    assert item.kind == "memo" and item.decision_id == decided.decision.id
    assert item.label.startswith(f"Decision memo: {GIVEN}") and "(version 1)" in item.label
    assert batch.notes == ("No minutes: the chair has not signed the meeting off yet.",)
    meeting = desk.meetings.get(chair, decided.meeting_id)
    desk.meetings.sign_off(chair, meeting.id, meeting.version)
    batch = meeting_batch(desk, chair, meeting.meeting_date, labels=False)
    assert [(i.kind, i.label) for i in batch.items] == [
        ("memo", f"Decision memo: decision {decided.decision.id}"),
        ("minutes", f"Minutes of the meeting of {meeting.meeting_date:%d %b %Y}"),
    ]
    destination = FolderDestination(tmp_path / "pack")
    destination.check()
    assert not destination.folder.exists()  # checked, not made: nothing written yet
    done = [
        deliver(desk, chair, lambda i=i: i.issue(desk, chair), destination) for i in batch.items
    ]
    assert [d.issued.kind.value for d in done] == ["decision_memo", "meeting_minutes"]
    for d in done:
        assert sha256_hex((destination.folder / d.issued.filename).read_bytes()) == d.issued.sha256
        assert d.output.action == "export" and d.where.endswith(d.issued.filename)
