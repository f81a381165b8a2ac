"""Page size, margins, colours and paragraph styles of every MASH Desk document."""

from __future__ import annotations

from functools import cache
from typing import Literal

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from mash_desk.documents.fonts import BASE, BASE_BOLD, fonts

PAGE_SIZE = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 31 * mm
"""Room for the marking, the council and the document reference on every page."""
MARGIN_BOTTOM = 22 * mm
"""Room for the marking, the reference and "Page x of y" on every page."""
FRAME_WIDTH = PAGE_SIZE[0] - 2 * MARGIN_X

INK = colors.HexColor("#111111")
HEADING = colors.HexColor("#1d3557")
MUTED = colors.HexColor("#4a4a4a")
RULE = colors.HexColor("#9aa5b1")
GRID = colors.HexColor("#c5ccd3")
SHADE = colors.HexColor("#eef1f4")
NOTE_SHADE = colors.HexColor("#f6f6f2")

# name: (font, size, leading, colour, space before, space after, alignment)
# ReportLab's alignments: TA_LEFT, TA_CENTER, TA_RIGHT, TA_JUSTIFY.
_Align = Literal[0, 1, 2, 4]
_SPECS: dict[str, tuple[str, float, float, colors.Color, float, float, _Align]] = {
    "title": (BASE_BOLD, 16, 20, HEADING, 0, 2, TA_LEFT),
    "subtitle": (BASE, 9.5, 12.5, MUTED, 0, 6, TA_LEFT),
    "h2": (BASE_BOLD, 11.5, 14.5, HEADING, 9, 3, TA_LEFT),
    "h3": (BASE_BOLD, 9.5, 12.5, INK, 5, 1.5, TA_LEFT),
    "body": (BASE, 9.5, 13, INK, 0, 4, TA_LEFT),
    "plain": (BASE, 11, 15, INK, 0, 6, TA_LEFT),
    "plain_h": (BASE_BOLD, 12, 15.5, HEADING, 8, 3, TA_LEFT),
    "small": (BASE, 8, 10.5, MUTED, 0, 2, TA_LEFT),
    "cell": (BASE, 8.5, 11, INK, 0, 0, TA_LEFT),
    "cell_bold": (BASE_BOLD, 8.5, 11, INK, 0, 0, TA_LEFT),
    "note": (BASE, 8, 10.5, INK, 0, 0, TA_LEFT),
    "centre": (BASE_BOLD, 9, 12, INK, 0, 0, TA_CENTER),
}


@cache
def style(name: str, shaped: bool = False) -> ParagraphStyle:
    """The paragraph style ``name``; ``shaped`` asks for HarfBuzz shaping (complex scripts).

    Shaping is switched on per paragraph only where a script run needs it: Latin-only text
    lays out faster without it.
    """
    fonts()
    font, size, leading, colour, before, after, align = _SPECS[name]
    return ParagraphStyle(
        f"mash-{name}{'-shaped' if shaped else ''}",
        fontName=font,
        fontSize=size,
        leading=leading,
        textColor=colour,
        spaceBefore=before,
        spaceAfter=after,
        alignment=align,
        # A pasted identifier or URL with no spaces still wraps inside the frame.
        splitLongWords=1,
        shaping=1 if shaped else 0,
    )
