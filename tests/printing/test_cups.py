"""The CUPS adapter: printers listed, exact bytes sent with ``lp``, clear errors without CUPS."""

from __future__ import annotations

import hashlib
import io
import shutil

import pytest
from pypdf import PdfReader

from mash_desk.documents import render_document
from mash_desk.printing import cups
from mash_desk.printing.cups import PrinterNotFound, PrintError, PrintingUnavailable
from mash_desk.printing.pages import PreviewUnavailable, render_pages
from tests.documents.samples import memo
from tests.support.cups import CLOSED_QUEUE, EXACT_QUEUE, PDF_QUEUE, REQUIRE_CUPS


@pytest.fixture(scope="module")
def memo_pdf() -> bytes:
    return render_document(memo())


LPSTAT = (
    "system default destination: Office\n"
    "printer Lab disabled since Tue 17 Nov 2026 09:00:00 -\n"
    "\tPaper jam in tray 2\n"
    "\tForm mounted:\n"
    "\tDescription: Ground floor <lab>\n"
    "\tLocation: Room 1\n"
    "printer Office now printing Office-7.  enabled since Tue 17 Nov 2026 09:00:00\n"
    "\tForm mounted:\n"
    "\tDescription: Office\n"
    "\tLocation: \n"
)


def test_lpstat_listing_read_default_first_with_state_and_place():
    office, lab = cups._parse_lpstat(LPSTAT)
    assert (office.name, office.is_default, office.enabled, office.status) == (
        "Office",
        True,
        True,
        "printing",
    )
    # A description that only repeats the name is not said twice.
    assert office.label == "Office — default"
    assert (lab.enabled, lab.status, lab.location) == (
        False,
        "stopped: Paper jam in tray 2",
        "Room 1",
    )
    assert lab.label == "Lab (Ground floor <lab>, Room 1) — stopped: Paper jam in tray 2"


def test_without_cups_commands_every_call_says_cups_is_needed(monkeypatch, tmp_path, memo_pdf):
    monkeypatch.setenv("PATH", str(tmp_path))
    for call in (cups.list_printers, lambda: cups.print_pdf(memo_pdf, title="memo.pdf")):
        with pytest.raises(PrintingUnavailable, match="Printing needs CUPS") as caught:
            call()
        assert "Save the documents as PDF files" in str(caught.value)


def test_no_print_server_answering_is_said_plainly(monkeypatch, tmp_path, memo_pdf):
    if shutil.which("lpstat") is None and not REQUIRE_CUPS:
        pytest.skip("CUPS client commands not installed")
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "no-server.sock"))
    with pytest.raises(PrintingUnavailable, match="No print server is answering"):
        cups.list_printers()
    # lp alone would say "the printer does not exist"; the printer is looked up first.
    with pytest.raises(PrintingUnavailable, match="No print server is answering"):
        cups.print_pdf(memo_pdf, "MASH_PDF", title="memo.pdf")


def test_only_pdfs_and_sensible_copies_are_sent(monkeypatch, tmp_path, memo_pdf):
    # Refused before any print server is asked (there is none on this PATH).
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PrintError, match="not a PDF"):
        cups.print_pdf(b"<html>memo</html>", title="memo.pdf")
    with pytest.raises(PrintError, match="between 1 and 99"):
        cups.print_pdf(memo_pdf, title="memo.pdf", copies=0)


def test_printers_listed_and_found_by_name_or_default(cups_server):
    listed = cups.list_printers()
    assert [p.name for p in listed][0] == PDF_QUEUE and listed[0].is_default
    assert {p.name for p in listed} == {PDF_QUEUE, EXACT_QUEUE, CLOSED_QUEUE}
    assert cups.find_printer().name == PDF_QUEUE
    assert cups.find_printer(EXACT_QUEUE).description == "Exact bytes (tests)"
    with pytest.raises(PrinterNotFound, match="no printer called 'Nope'") as caught:
        cups.find_printer("Nope")
    assert PDF_QUEUE in str(caught.value) and EXACT_QUEUE in str(caught.value)


def test_lp_receives_the_exact_bytes_and_the_job_id_is_parsed(cups_server, memo_pdf):
    job = cups.print_pdf(memo_pdf, EXACT_QUEUE, title="memo-decision-12-v2.pdf")
    assert job.printer == EXACT_QUEUE and job.job_id == f"{EXACT_QUEUE}-{job.number}"
    assert job.destination == f"printer {EXACT_QUEUE}, job {job.job_id}"
    received = cups_server.exact_output(job)
    assert hashlib.sha256(received).hexdigest() == hashlib.sha256(memo_pdf).hexdigest()


def test_a_queue_refusing_jobs_is_reported_with_its_reason(cups_server, memo_pdf):
    with pytest.raises(PrintError, match=f"Printer {CLOSED_QUEUE} refused the job") as caught:
        cups.print_pdf(memo_pdf, CLOSED_QUEUE, title="memo.pdf")
    assert "Nothing was printed" in str(caught.value)


def test_preview_pages_are_drawn_one_image_per_page(memo_pdf):
    # In-process (PDFium): no system program is needed for the preview.
    pages = render_pages(memo_pdf, dpi=30)
    assert len(pages) == len(PdfReader(io.BytesIO(memo_pdf)).pages) > 1
    assert all(p.startswith(b"\x89PNG") for p in pages)
    # An A4 page at 30 dpi is about 248 × 351 pixels, and the memo's first page is not blank.
    from PIL import Image

    first = Image.open(io.BytesIO(pages[0])).convert("L")
    assert abs(first.size[0] - 248) <= 1 and abs(first.size[1] - 351) <= 1
    assert first.getextrema()[0] < 128  # some dark ink: text was drawn
    with pytest.raises(PreviewUnavailable, match="could not be drawn"):
        render_pages(b"%PDF-1.4 broken")


def test_choosing_a_printer_without_a_name_needs_a_default_or_a_single_one(monkeypatch):
    office, lab = cups.Printer("Office"), cups.Printer("Lab")
    for listed, message in (
        ((), "No printer is set up on this computer"),
        ((lab, office), "No default printer is set: name one of these printers: Lab, Office"),
    ):
        monkeypatch.setattr(cups, "list_printers", lambda listed=listed: listed)
        with pytest.raises(PrinterNotFound, match=message):
            cups.find_printer()
    monkeypatch.setattr(cups, "list_printers", lambda: (lab,))
    assert cups.find_printer() is lab
