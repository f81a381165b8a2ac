"""The page kit every document shares: paragraphs, tables, notes and the page furniture.

Every page carries the protective marking at top and bottom, the council and MASH, the
document's reference and "Page x of y"; a reprint says "COPY — reprinted <date>" on every
page. Output is deterministic: ReportLab runs in invariant mode and the PDF's creation date
and file identifier come from the model's ``generated_at`` (see ``build``).
"""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from threading import Lock
from typing import Any
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import TimeStamp
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    HRFlowable,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from mash_desk.documents.fonts import BASE, BASE_BOLD, fonts, markup
from mash_desk.documents.models import (
    ActionEntry,
    DocumentMeta,
    InformedEntry,
)
from mash_desk.documents.styles import (
    FRAME_WIDTH,
    GRID,
    HEADING,
    INK,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    MUTED,
    NOTE_SHADE,
    PAGE_SIZE,
    RULE,
    SHADE,
    style,
)

NONE = "—"
# ReportLab keeps per-document state on registered fonts (subsets in use); one render at a
# time keeps two threads (a GUI batch and a preview) from sharing it.
_RENDER_LOCK = Lock()


def subject_line(meta: DocumentMeta, **ids: object) -> str:
    """The PDF's Subject: the kind and ids, never a name (file listings show metadata)."""
    parts = " ".join(f"{k}={v}" for k, v in ids.items())
    return f"mash-desk {meta.kind} {parts}".strip()


# ---- small builders ----------------------------------------------------------------------


class Fmt:
    """Dates and times as the MASH writes them, in its own time zone."""

    def __init__(self, tz: str):
        self.tz = ZoneInfo(tz)

    def when(self, value: datetime | None) -> str:
        """An instant in the MASH's time zone, or "—"."""
        if value is None:
            return NONE
        return value.astimezone(self.tz).strftime("%d %b %Y %H:%M")

    @staticmethod
    def day(value: date | None) -> str:
        """A date as the MASH writes it, or "—"."""
        return NONE if value is None else value.strftime("%d %b %Y")


class _Paragraph(Paragraph):
    """A Paragraph that breaks its lines once per width, however often it is asked.

    A table measures each cell's paragraphs to size its rows and again to draw them, and a
    frame asks again before splitting: the same width each time, so the same lines. Breaking
    lines is most of a memo's layout time; the answer for the last width asked is kept.
    """

    _last_wrap: tuple[float, tuple[float, float]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        """Lay the lines out for ``availWidth`` (they depend on nothing else)."""
        last = self._last_wrap
        # A split that found no room drops the lines (``blPara``): then they are broken again.
        if last is not None and last[0] == availWidth and "blPara" in self.__dict__:
            return last[1]
        size = super().wrap(availWidth, availHeight)
        self._last_wrap = (availWidth, size)
        return size


def para(text: str | None, name: str = "body", empty: str = NONE) -> Paragraph:
    """A paragraph of text (escaped, font per script); ``empty`` when there is none."""
    m = markup(text if text and text.strip() else empty)
    return _Paragraph(m.text, style(name, m.shaped))


def cell_para(text: str | None, name: str = "cell") -> Paragraph | list[Paragraph]:
    """A table cell: one paragraph per line of text.

    A table row that runs over a page is split between the cell's paragraphs; one huge
    paragraph would be wrapped again for every page it crosses (seconds for a long pasted
    narrative).
    """
    lines = [line for line in (text or "").split("\n") if line.strip()]
    if len(lines) <= 1:
        return para(text, name)
    return [para(line, name) for line in lines]


def labelled(label: str, value: str | None, name: str = "body") -> Paragraph:
    """A "Label: value" paragraph with the label in bold."""
    m = markup(value if value and value.strip() else NONE)
    head = markup(label)
    return _Paragraph(f"<b>{head.text}</b> {m.text}", style(name, m.shaped or head.shaped))


def heading2(text: str) -> list[Flowable]:
    """A numbered section heading, kept with what follows."""
    # CondPageBreak keeps a heading from being stranded at the foot of a page.
    return [
        CondPageBreak(28 * mm),
        para(text, "h2"),
        HRFlowable(width="100%", thickness=0.6, color=RULE, spaceBefore=0, spaceAfter=4),
    ]


def table_of(
    header: Sequence[str],
    rows: Iterable[Sequence[str | None]],
    widths: Sequence[float],
    *,
    empty: str,
) -> Flowable:
    """A ruled table with a shaded header repeated on every page; rows may split across pages."""
    body = [[cell_para(value) for value in row] for row in rows]
    if not body:
        return para(empty, "body")
    data: list[list[Any]] = [[para(h, "cell_bold") for h in header], *body]
    total = sum(widths)
    table = Table(
        data,
        colWidths=[FRAME_WIDTH * w / total for w in widths],
        repeatRows=1,
        splitInRow=1,
        hAlign="LEFT",
    )
    table.setStyle(_GRID_STYLE)
    return table


# Every table names the font: ReportLab's cell default is Helvetica, which would otherwise be
# listed in the PDF although no text is set in it.
CELL_FONT = ("FONTNAME", (0, 0), (-1, -1), BASE)
_RULED: list[tuple[Any, ...]] = [
    CELL_FONT,
    ("GRID", (0, 0), (-1, -1), 0.4, GRID),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 4),
    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ("TOPPADDING", (0, 0), (-1, -1), 2.5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
]
_GRID_STYLE = TableStyle([*_RULED, ("BACKGROUND", (0, 0), (-1, 0), SHADE)])


def fields(pairs: Sequence[tuple[str, str | None]], columns: int = 2) -> Flowable:
    """Label/value pairs in a grid, ``columns`` pairs to a row, labels shaded."""
    cells = [(para(label, "cell_bold"), cell_para(value)) for label, value in pairs]
    filled = len(cells)
    while len(cells) % columns:
        cells.append((para("", "cell", empty=""), para("", "cell", empty="")))
    rows = []
    for i in range(0, len(cells), columns):
        row: list[Paragraph | list[Paragraph]] = []
        for label, value in cells[i : i + columns]:
            row += [label, value]
        rows.append(row)
    label_w, value_w = (0.16, 0.34) if columns == 2 else (0.16, 0.84)
    widths = [FRAME_WIDTH * (label_w if j % 2 == 0 else value_w) for j in range(2 * columns)]
    table = Table(rows, colWidths=widths, splitInRow=1, hAlign="LEFT")
    shading = [("BACKGROUND", (j, 0), (j, -1), SHADE) for j in range(0, 2 * columns, 2)]
    # The padding pair at the end of an odd list stays blank, not shaded like a label.
    shading += [
        (
            "BACKGROUND",
            (2 * (k % columns), k // columns),
            (2 * (k % columns), k // columns),
            colors.white,
        )
        for k in range(filled, len(cells))
    ]
    table.setStyle(TableStyle([*_RULED, *shading]))
    return table


def note(text: str) -> Flowable:
    """A shaded box of small print (handling instructions)."""
    box = Table([[para(text, "note")]], colWidths=[FRAME_WIDTH], hAlign="LEFT", splitInRow=1)
    box.setStyle(
        TableStyle(
            [
                CELL_FONT,
                ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                ("BACKGROUND", (0, 0), (-1, -1), NOTE_SHADE),
                ("LEFTPADDING", (0, 0), (-1, -1), 5),
                ("RIGHTPADDING", (0, 0), (-1, -1), 5),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return box


def narrative(label: str, text: str | None, empty: str = "Not recorded.") -> list[Flowable]:
    """A small heading and a narrative, one paragraph per blank-line-separated block."""
    out: list[Flowable] = [para(label, "h3")]
    blocks = [b for b in (text or "").split("\n\n") if b.strip()]
    out += [para(b) for b in blocks] if blocks else [para(empty)]
    return out


def bullets(items: Sequence[str], empty: str) -> list[Flowable]:
    """A bulleted list, or ``empty`` when there is nothing."""
    if not items:
        return [para(empty)]
    return [para(f"•  {item}") for item in items]


def end_mark(text: str) -> list[Flowable]:
    """The closing rule and words ("End of memo")."""
    return [Spacer(1, 6 * mm), para(f"— {text} —", "small")]


# ---- page furniture ----------------------------------------------------------------------


def _set_timestamp(canvas: Canvas, when: datetime) -> None:
    """Make the PDF's dates and file identifier come from ``when`` (determinism).

    Invariant mode alone fixes them to 1 January 2000 — unless ``SOURCE_DATE_EPOCH`` is set,
    when they follow the environment and the same model would hash differently on two machines.
    """
    epoch = int(when.timestamp())
    stamp = TimeStamp(1)
    stamp.t = epoch
    stamp.lt = time.gmtime(epoch)
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh = stamp.dmm = 0
    stamp.tzname = "UTC"
    # ReportLab has no public way to set the document's timestamp: its private document.
    document = canvas._doc  # type: ignore[attr-defined]  # private, so not in types-reportlab
    document._timeStamp = stamp
    signature = hashlib.md5(usedforsecurity=False)
    signature.update(b"a reportlab document")
    signature.update(ascii(epoch).encode())
    document.signature = signature


def _furniture(canvas: Canvas, meta: DocumentMeta, page: int, pages: int) -> None:
    """Marking top and bottom, letterhead, reference, copy/draft marks and "Page x of y"."""
    width, height = PAGE_SIZE
    head = meta.letterhead
    left, right = MARGIN_X, width - MARGIN_X
    canvas.saveState()
    canvas.setFillColor(INK)
    canvas.setFont(BASE_BOLD, 10)
    canvas.drawCentredString(width / 2, height - 9 * mm, head.marking)
    marks = []
    if meta.reprinted_on is not None:
        marks.append(f"COPY — reprinted {meta.reprinted_on:%d %b %Y}")
    if meta.draft:
        marks.append("DRAFT — NOT SIGNED")
    if marks:
        text = "   ·   ".join(marks)
        canvas.setFont(BASE_BOLD, 9.5)
        text_w = canvas.stringWidth(text, BASE_BOLD, 9.5)
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.8)
        canvas.rect(width / 2 - text_w / 2 - 4, height - 15.6 * mm, text_w + 8, 5 * mm)
        canvas.drawCentredString(width / 2, height - 14.3 * mm, text)
    canvas.setFillColor(HEADING)
    canvas.setFont(BASE_BOLD, 9)
    canvas.drawString(left, height - 20 * mm, head.council)
    canvas.setFillColor(MUTED)
    canvas.setFont(BASE, 7.5)
    canvas.drawString(left, height - 23.5 * mm, head.service)
    canvas.setFont(BASE_BOLD, 8)
    canvas.setFillColor(INK)
    canvas.drawRightString(right, height - 20 * mm, meta.title)
    canvas.setFont(BASE, 7.5)
    canvas.setFillColor(MUTED)
    canvas.drawRightString(right, height - 23.5 * mm, _reference(meta))
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(left, height - 25.5 * mm, right, height - 25.5 * mm)
    canvas.line(left, 16 * mm, right, 16 * mm)
    canvas.setFillColor(MUTED)
    canvas.setFont(BASE, 7.5)
    canvas.drawString(left, 11.5 * mm, _reference(meta))
    canvas.setFillColor(INK)
    canvas.setFont(BASE, 8)
    canvas.drawRightString(right, 11.5 * mm, f"Page {page} of {pages}")
    canvas.setFont(BASE_BOLD, 10)
    canvas.drawCentredString(width / 2, 11.5 * mm, head.marking)
    canvas.restoreState()


def _reference(meta: DocumentMeta) -> str:
    if meta.reprinted_on is not None:
        return f"Ref. {meta.reference} · copy {meta.copy_number}"
    return f"Ref. {meta.reference}"


def _canvas_maker(meta: DocumentMeta) -> type[Canvas]:
    class _PagedCanvas(Canvas):
        """Holds pages back until the end, so each can say "Page x of y"."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict] = []
            _set_timestamp(self, meta.generated_at)

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            self._held.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # private, so not in types-reportlab

        def save(self) -> None:
            pages = len(self._held)
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                _furniture(self, meta, number, pages)
                Canvas.showPage(self)
            Canvas.save(self)

    return _PagedCanvas


def build(meta: DocumentMeta, story: list[Flowable], subject: str) -> bytes:
    """Lay out ``story`` on the document's pages and return the deterministic PDF bytes."""
    fonts()
    buffer = io.BytesIO()
    template = BaseDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=f"{meta.title} {meta.reference}",
        author=f"{meta.letterhead.council} — MASH",
        subject=subject,
        creator="MASH Desk",
        invariant=1,
        initialFontName=BASE,
    )
    # No frame padding: text lines up with the letterhead and the rules of the page furniture.
    body = Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        FRAME_WIDTH,
        PAGE_SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    template.addPageTemplates([PageTemplate(id="page", frames=[body])])
    with _RENDER_LOCK:
        template.build(story, canvasmaker=_canvas_maker(meta))
    return buffer.getvalue()


def opening(meta: DocumentMeta, title: str, subtitle: str) -> list[Flowable]:
    """The title block every document opens with."""
    fmt = Fmt(meta.timezone)
    return [
        para(title, "title"),
        para(subtitle, "subtitle"),
        para(
            f"Prepared for: {meta.prepared_for} · Produced {fmt.when(meta.generated_at)}", "small"
        ),
        Spacer(1, 2 * mm),
    ]


# ---- decision memo -----------------------------------------------------------------------


def actions_table(actions: Sequence[ActionEntry], fmt: Fmt) -> Flowable:
    """The actions of a decision: what, who owns it, when due, how far it got."""
    return table_of(
        ["#", "Action", "Owner", "Due", "Status"],
        [
            [str(i), a.description, a.owner, fmt.day(a.due_on), a.status]
            for i, a in enumerate(actions, start=1)
        ],
        [0.5, 6, 2.6, 1.7, 1.3],
        empty="No actions were set.",
    )


def informed_table(informed: Sequence[InformedEntry], fmt: Fmt) -> Flowable:
    """Who was told, how and when."""
    return table_of(
        ["Who", "Told", "How", "When"],
        [[i.party, i.who, i.how, fmt.when(i.when) if i.when else NONE] for i in informed],
        [2.2, 5, 2.6, 2.2],
        empty="Nobody is recorded as informed yet.",
    )
