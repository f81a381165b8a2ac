"""The monthly board report (issue 15 item 3): built from the measures, exported, audited.

A manager, chair or performance officer (``Permission.VIEW_MEASURES``) exports the month's
figures as a PDF for the safeguarding partnership board, or the same tables as a workbook.
Exports are records too (issue 15 item 7): each one writes an audit row naming who, when,
the month and team, the format, how many measures and the SHA-256 of the bytes written, in
the same transaction as nothing else — the figures themselves change nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from mash_desk.documents.letterhead import load_letterhead
from mash_desk.domain.changes import Topic, change_keys
from mash_desk.domain.errors import FieldError, ValidationError
from mash_desk.domain.measures import MonthPeriod
from mash_desk.domain.permissions import Permission
from mash_desk.reporting.board_pdf import BoardReport, render_board_pdf, report_reference
from mash_desk.reporting.board_xlsx import render_board_xlsx
from mash_desk.services.context import Service
from mash_desk.services.dto import Actor, OpResult
from mash_desk.services.measures import MeasureService

BOARD_EXPORTED = "report.board_exported"
# The trends the board reads cover the year ending with the month.
TREND_MONTHS = 12


class BoardFormat(StrEnum):
    """What the report is written as."""

    PDF = "pdf"
    XLSX = "xlsx"


@dataclass(frozen=True)
class BoardExportDTO:
    """One export of the board report, as audited."""

    reference: str
    month: str
    team: str | None
    format: BoardFormat
    measures: int
    sha256: str
    where: str


class BoardReportService(Service):
    """Build and export the monthly board report."""

    def build(self, actor: Actor, month: str, *, team: str | None = None) -> BoardReport:
        """The month's measures and its trend year, ready to render (nothing recorded).

        Raises:
            ValidationError: ``month`` is not YYYY-MM or has not started (field ``month``).
            PermissionDenied: the actor may not read measures.
        """
        try:
            last = MonthPeriod.parse(month).last
        except ValueError as exc:
            raise ValidationError(FieldError("month", "format", str(exc))) from None
        measures = MeasureService(self.ctx)
        this_month = measures.compute(actor, MonthPeriod(last), team=team)
        year = measures.compute(actor, MonthPeriod(last, TREND_MONTHS), team=team)
        return BoardReport(
            month=this_month,
            year=year,
            prepared_for=f"{actor.display_name} ({actor.role.label})",
            generated_at=this_month.computed_at,
            reference=report_reference(last, this_month.team),
        )

    def export(
        self,
        actor: Actor,
        month: str,
        fmt: BoardFormat | str,
        write: Callable[[bytes], str],
        *,
        team: str | None = None,
    ) -> OpResult[BoardExportDTO]:
        """Render the report as ``fmt``, hand the bytes to ``write``, audit the export.

        ``write`` returns where the bytes went (a path, for the audit row). Nothing is
        audited if it raises.
        """
        try:
            chosen = BoardFormat(fmt)
        except ValueError:
            raise ValidationError(
                FieldError("format", "choice", f"A board report is pdf or xlsx, not {fmt!r}")
            ) from None
        report = self.build(actor, month, team=team)
        data = (
            render_board_pdf(report, load_letterhead())
            if chosen is BoardFormat.PDF
            else render_board_xlsx(report)
        )
        digest = hashlib.sha256(data).hexdigest()
        with self.writing(actor, Permission.VIEW_MEASURES) as unit:
            where = write(data)
            unit.audit(
                BOARD_EXPORTED,
                "board_report",
                None,
                reference=report.reference,
                month=f"{report.month.period.last:%Y-%m}",
                team=report.month.team,
                format=chosen.value,
                measures=len(report.month.results),
                sha256=digest,
                where=where,
            )
        dto = BoardExportDTO(
            report.reference,
            f"{report.month.period.last:%Y-%m}",
            report.month.team,
            chosen,
            len(report.month.results),
            digest,
            where,
        )
        return OpResult(dto, change_keys(Topic.EXPORTS))
