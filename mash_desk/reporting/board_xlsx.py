"""The board report's tables as a workbook, for the performance team's own analysis.

The same figures as the PDF (board_pdf.py), with numbers as numbers (not text) so they can be
charted and summed: the headline table, the measures month by month over the trend year,
every breakdown, and the definitions. Counts and rates only; no child is named.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from mash_desk.domain.measures import MeasureUnit
from mash_desk.reporting.board_content import summary_rows
from mash_desk.reporting.board_pdf import MARKING, SUMMARY_HEADER, BoardReport
from mash_desk.services.measures import MeasureResult

_HEADER_FILL = PatternFill("solid", fgColor="EEF1F4")
_BOLD = Font(bold=True)
SHEETS = ("Summary", "Monthly", "Breakdowns", "Definitions")
HEADER_ROW = 4
"""Rows 1–2 say what the sheet is (marking, reference, month, team, when, for whom)."""


def render_board_xlsx(report: BoardReport) -> bytes:
    """The workbook's bytes."""
    book = Workbook()
    summary = book.active
    assert summary is not None  # a new workbook always has its first sheet
    summary.title = SHEETS[0]
    _summary(summary, report)
    _monthly(book.create_sheet(SHEETS[1]), report)
    _breakdowns(book.create_sheet(SHEETS[2]), report)
    _definitions(book.create_sheet(SHEETS[3]), report)
    book.properties.title = f"MASH board report {report.reference}"
    book.properties.creator = "MASH Desk"
    book.properties.keywords = MARKING
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _table(
    sheet: Worksheet, header: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int]
) -> int:
    """Write the header (row 4, under the caption) and the rows; return the row count."""
    start = HEADER_ROW
    for column, title in enumerate(header, start=1):
        cell = sheet.cell(row=start, column=column, value=title)
        cell.font, cell.fill = _BOLD, _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    count = 0
    for count, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=start + count, column=column, value=value)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{start + 1}"
    return count


def _caption(sheet: Worksheet, report: BoardReport, what: str) -> None:
    sheet["A1"] = f"{MARKING} · MASH board report {report.reference} · {what}"
    sheet["A1"].font = _BOLD
    team = report.month.team or "the whole MASH"
    sheet["A2"] = (
        f"{report.month.period.last:%B %Y}, {team}; computed "
        f"{report.generated_at:%d %b %Y %H:%M} UTC for {report.prepared_for}"
    )


def _summary(sheet: Worksheet, report: BoardReport) -> None:
    _caption(sheet, report, "headline figures")
    _table(sheet, SUMMARY_HEADER, summary_rows(report.month), (48, 14, 18, 16, 14, 10))


def _number(value: float | None, unit: MeasureUnit) -> float | int | None:
    if value is None:
        return None
    return round(value) if unit is MeasureUnit.COUNT else round(value, 2)


def _values(result: MeasureResult) -> list[float | int | None]:
    return [_number(f.value, result.measure.unit) for f in result.series]


def _monthly(sheet: Worksheet, report: BoardReport) -> None:
    _caption(sheet, report, "each measure month by month (the trend year)")
    results = report.year.results
    months = [f"{f.month:%Y-%m}" for f in results[0].series] if results else []
    rows = [(r.measure.name, r.measure.unit.value, *_values(r)) for r in results]
    _table(sheet, ("Measure", "Unit", *months), rows, (48, 12, *([10] * len(months))))


def _breakdowns(sheet: Worksheet, report: BoardReport) -> None:
    _caption(sheet, report, "breakdowns of the month")
    rows = [
        (
            result.measure.name,
            breakdown.title,
            item.label,
            _number(item.value, breakdown.unit),
            item.numerator,
            item.denominator,
        )
        for result in report.month.results
        for breakdown in result.breakdowns
        for item in breakdown.items
    ]
    header = ("Measure", "Breakdown", "Group", "Figure", "Counted", "Of")
    _table(sheet, header, rows, (44, 26, 34, 10, 10, 10))


def _definitions(sheet: Worksheet, report: BoardReport) -> None:
    _caption(sheet, report, "what each measure counts")
    rows = [
        (
            m.id,
            m.name,
            m.definition,
            m.unit.value,
            m.target,
            m.direction.value,
            m.source,
        )
        for m in (r.measure for r in report.month.results)
    ]
    header = ("Id", "Measure", "Definition", "Unit", "Target", "Better when", "Source")
    _table(sheet, header, rows, (26, 40, 80, 12, 10, 12, 24))
