"""``mash-desk memos --print`` as a chair runs it, against the private CUPS server."""

from __future__ import annotations

import pytest

from mash_desk.cli import main
from mash_desk.documents import sha256_hex
from mash_desk.printing.cups import PrintJob
from tests.cli.test_cli import run
from tests.conftest import fresh_database_url
from tests.documents.conftest import make_decided, pdf_text
from tests.support.cups import EXACT_QUEUE, PDF_QUEUE
from tests.support.helpers import row_counts

DAY = "2026-11-17"


@pytest.fixture
def db_url(templates, pg_server, tmp_path) -> str:
    """The command is run against an embedded database file (SQLite only)."""
    return fresh_database_url("sqlite", templates, pg_server, tmp_path)


def test_memos_printed_recorded_and_the_printed_bytes_verify(
    cups_server, desk, actors, db_url, tmp_path
):
    decided = make_decided(desk, actors)
    memo_id = decided.decision.id
    # As a chair types it, in a real process: the default printer (cups-pdf).
    first = run("memos", "--meeting", DAY, "--print", "--database", db_url, "--as", "test.chair")
    assert first.returncode == 1, first.stderr  # the minutes wait for the sign-off
    assert "minutes not written" in first.stderr and "Traceback" not in first.stderr
    [line] = first.stdout.splitlines()[:-1]
    assert line.startswith(f"printer {PDF_QUEUE}, job {PDF_QUEUE}-")
    [issued] = desk.documents.issued_for(actors["chair"], decision_id=memo_id)
    [output] = issued.outputs
    assert output.action == "print" and line.startswith(output.destination)
    assert issued.reference in line and issued.sha256 in line
    rendered = cups_server.pdf_output(_job(output.destination)).read_bytes()
    assert f"Decision {memo_id}, version 1" in pdf_text(rendered)
    # To a named printer, in-process: a numbered copy, received byte for byte.
    assert main(_args(db_url, "--print", "--printer", EXACT_QUEUE)) == 1
    copy = desk.documents.issued_for(actors["chair"], decision_id=memo_id)[-1]
    assert copy.copy_number == 1
    printed = cups_server.exact_output(_job(copy.outputs[0].destination))
    assert sha256_hex(printed) == copy.sha256
    received = tmp_path / "as-printed.pdf"
    received.write_bytes(printed)
    verified = run("memo", "verify", str(received), "--database", db_url)
    assert verified.returncode == 0, verified.stderr
    assert f"decision memo of decision {memo_id}, version 1" in verified.stdout
    assert "copy 1" in verified.stdout


def test_print_refused_clearly_and_nothing_issued(cups_server, desk, actors, db_url, capsys):
    make_decided(desk, actors)
    before = row_counts(desk)
    assert main(_args(db_url, "--print", "--printer", "Upstairs")) == 2
    said = capsys.readouterr().err
    assert "There is no printer called 'Upstairs'" in said and PDF_QUEUE in said
    assert main(_args(db_url, "--out", "x", "--printer", EXACT_QUEUE)) == 2
    assert capsys.readouterr().err.strip() == "mash-desk: --printer goes with --print"
    assert row_counts(desk) == before


def _args(db_url: str, *where: str) -> list[str]:
    return ["memos", "--meeting", DAY, *where, "--database", db_url, "--as", "test.chair"]


def _job(destination: str) -> PrintJob:
    """The job a recorded destination (``printer P, job P-12``) names."""
    job_id = destination.split("job ")[1]
    return PrintJob(job_id.rsplit("-", 1)[0], job_id, 1, 0)
