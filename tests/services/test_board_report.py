"""The monthly board report (issue 15 items 3 and 7), on SQLite and PostgreSQL.

Built from the hand-counted October 2026 of ``measures_fixture``: the PDF and the workbook are
read back and must carry those figures, name no child, and be recorded in the audit log with
the hash of the bytes written.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from mash_desk.domain.errors import PermissionDenied, ValidationError
from mash_desk.reporting.board_xlsx import SHEETS
from mash_desk.services.board_report import BOARD_EXPORTED
from mash_desk.storage.models import AuditEntry, Person
from tests.services.measures_fixture import build
from tests.support.helpers import row_counts


@pytest.fixture
def history(desk, actors):
    build(desk, actors["manager"].user_id)
    return desk


def _export(desk, actor, fmt: str, tmp_path: Path, month: str = "2026-10"):
    target = tmp_path / f"board.{fmt}"

    def write(data: bytes) -> str:
        target.write_bytes(data)
        return str(target)

    return desk.board_report.export(actor, month, fmt, write).value, target


def _audits(desk) -> list[dict]:
    with desk.db.reading() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action == BOARD_EXPORTED))
        return [json.loads(r.detail) | {"user_id": r.user_id} for r in rows]


def _pdf_text(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def test_the_pdf_carries_the_months_figures_and_names_no_child(history, actors, tmp_path):
    done, path = _export(history, actors["performance"], "pdf", tmp_path)
    pages = _pdf_text(path)
    text = "\n".join(pages)
    cells = " ".join(text.split())  # pypdf gives each table cell its own line
    assert "MASH board report — October 2026" in pages[0]
    # Hand-counted (measures_fixture): 5 contacts, 4 referrals, 25 % re-referred (1 of 4).
    assert "Contacts received 5 — — 2" in cells and "Referrals 4 — — 1" in cells
    assert "Re-referrals within 12 months 25.0 % 1 / 4 at most 11.5 % missed 0.0 % worse" in cells
    # Aggregate figures only: marked OFFICIAL on every page, never a child's name.
    assert all(p.count("OFFICIAL") >= 2 and "SENSITIVE" not in p for p in pages)
    with history.db.reading() as session:
        people = session.execute(select(Person.given_name, Person.family_name)).all()
    names = {f"{given} {family}" for given, family in people} | {f for _g, f in people}
    assert names and not [n for n in names if n in text]
    # Charts are vector drawings with their own titles, not pictures.
    assert "Contacts and referrals each month" in cells
    assert not any(PdfReader(path).pages[i].images for i in range(len(pages)))
    assert done.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_workbook_has_the_same_figures_as_numbers(history, actors, tmp_path):
    _done, path = _export(history, actors["manager"], "xlsx", tmp_path)
    book = load_workbook(io.BytesIO(path.read_bytes()))
    assert book.sheetnames == list(SHEETS)
    assert str(book["Summary"]["A1"].value).startswith("OFFICIAL · MASH board report BR-2026-10")
    summary = {row[0]: row for row in book["Summary"].iter_rows(min_row=5, values_only=True)}
    assert summary["Contacts received"][1] == "5"
    assert summary["Re-referrals within 12 months"][1:3] == ("25.0 %", "1 / 4")
    header = next(book["Monthly"].iter_rows(min_row=4, max_row=4, values_only=True))
    assert header[:2] == ("Measure", "Unit") and header[-1] == "2026-10" and len(header) == 14
    monthly = {row[0]: row for row in book["Monthly"].iter_rows(min_row=5, values_only=True)}
    assert monthly["Contacts received"][-2:] == (2, 5)  # September, October: numbers
    sources = list(book["Breakdowns"].iter_rows(min_row=5, values_only=True))
    assert any(r[0] == "Contacts received" and r[1] == "By referral source" for r in sources)


def test_each_export_is_audited_with_the_hash_of_what_was_written(history, actors, tmp_path):
    officer = actors["performance"]
    pdf, pdf_path = _export(history, officer, "pdf", tmp_path)
    xlsx, _ = _export(history, officer, "xlsx", tmp_path)
    audits = _audits(history)
    assert [(a["format"], a["month"], a["sha256"]) for a in audits] == [
        ("pdf", "2026-10", hashlib.sha256(pdf_path.read_bytes()).hexdigest()),
        ("xlsx", "2026-10", xlsx.sha256),
    ]
    assert all(a["user_id"] == officer.user_id and a["measures"] == 16 for a in audits)
    assert audits[0]["where"] == str(pdf_path) and pdf.reference == "BR-2026-10"


def test_a_practitioner_may_not_make_it_and_nothing_is_written(history, actors, tmp_path):
    before = row_counts(history)
    with pytest.raises(PermissionDenied):
        _export(history, actors["practitioner"], "pdf", tmp_path)
    assert not (tmp_path / "board.pdf").exists()
    assert row_counts(history) == before


@pytest.mark.parametrize(
    ("month", "fmt", "field"),
    [("2026-13", "pdf", "month"), ("2027-01", "pdf", "month"), ("2026-10", "docx", "format")],
)
def test_bad_input_names_the_field_and_writes_nothing(history, actors, tmp_path, month, fmt, field):
    before = row_counts(history)
    with pytest.raises(ValidationError) as refused:
        _export(history, actors["manager"], fmt, tmp_path, month=month)
    assert field in {e.field for e in refused.value.errors}
    assert row_counts(history) == before and not list(tmp_path.glob("board.*"))


def test_a_failed_write_is_not_recorded(history, actors):
    def write(_data: bytes) -> str:
        raise OSError("disk full")

    with pytest.raises(OSError):
        history.board_report.export(actors["manager"], "2026-10", "pdf", write)
    assert _audits(history) == []
