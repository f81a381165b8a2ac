"""Ofsted's Annex A lists as an xlsx workbook: one sheet per list, Ofsted's headers on row 1.

Dates are real Excel dates (inspectors sort and filter them), the header row is frozen and
bold, and each column is wide enough for its header and its longest value. The workbook's
properties name MASH Desk and the spec version, never a person.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from mash_desk.domain.annex_a import ListSpec

DATE_FORMAT = "DD/MM/YYYY"
# Excel's widths are in characters of the default font; a little over the text, never huge.
_MIN_WIDTH = 8
_MAX_WIDTH = 60


@dataclass(frozen=True)
class SheetRows:
    """One list's rows, each a tuple in the order of ``spec.headers``."""

    spec: ListSpec
    rows: Sequence[tuple[Any, ...]]


def _shown(value: Any) -> str:
    if isinstance(value, date):
        return "00/00/0000"
    return "" if value is None else str(value)


def workbook_bytes(sheets: Sequence[SheetRows], *, version: str, made_at: datetime) -> bytes:
    """Return the xlsx file of ``sheets`` (``made_at`` dates the file's properties)."""
    book = Workbook()
    first = book.active
    assert first is not None  # a new workbook always has its first sheet
    book.remove(first)
    book.properties.creator = "MASH Desk"
    book.properties.title = "Ofsted Annex A"
    book.properties.subject = version
    # Naive UTC: what the xlsx core properties hold.
    stamp = made_at.replace(tzinfo=None)
    book.properties.created = stamp
    book.properties.modified = stamp
    bold = Font(bold=True)
    for sheet in sheets:
        ws = book.create_sheet(sheet.spec.sheet)
        ws.append(list(sheet.spec.headers))
        for cell in ws[1]:
            cell.font = bold
        widths = [len(h) for h in sheet.spec.headers]
        for row in sheet.rows:
            ws.append(list(row))
            for i, value in enumerate(row):
                widths[i] = max(widths[i], len(_shown(value)))
        for cells in ws.iter_rows(min_row=2):
            for cell in cells:
                if isinstance(cell.value, date):
                    cell.number_format = DATE_FORMAT
        for column, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(column)].width = min(
                max(width + 2, _MIN_WIDTH), _MAX_WIDTH
            )
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
