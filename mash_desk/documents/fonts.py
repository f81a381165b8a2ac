"""The fonts bundled in ``resources/fonts/`` and how user text becomes safe Paragraph markup.

User text inside a ReportLab ``Paragraph`` is markup (platform notes, "ReportLab"): a name
like ``Ahmed <Tony> Khan`` would lose "<Tony>", ``<img src=…>`` would embed a local file and an
unclosed ``<b>`` would fail the whole memo. :func:`markup` therefore escapes every user string
with :func:`xml.sax.saxutils.escape` and is the only way user text reaches a Paragraph.

Helvetica cannot print Polish, Romanian, Turkish, Lithuanian or Vietnamese letters, and no
single font covers Arabic-script and Indic names, so text is cut into runs of one font each:
Noto Sans for Latin, Greek and Cyrillic, then one Noto font per script (all SIL OFL 1.1, the
licence beside them). Runs in a script font are shaped with HarfBuzz (``reportlab[shaping]``,
``ParagraphStyle(shaping=1)``), which joins Arabic letters right to left and forms Indic
conjuncts. A character no bundled font covers prints as the visible replacement character
U+FFFD, never a crash and never a silent gap.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from threading import Lock
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from mash_desk.paths import resource

BASE = "NotoSans"
BASE_BOLD = "NotoSans-Bold"
PLACEHOLDER = "\ufffd"
"""Printed for a character no bundled font has (U+FFFD, in Noto Sans): visibly "something
was here" rather than a blank or a crash."""

# Script fonts in the order they are tried for a letter Noto Sans lacks. Regular weight only:
# bold runs of these scripts print regular, which keeps the bundle under 2 MB.
SCRIPT_FONTS: tuple[tuple[str, str], ...] = (
    ("NotoNaskhArabic", "NotoNaskhArabic-Regular.ttf"),
    ("NotoSansDevanagari", "NotoSansDevanagari-Regular.ttf"),
    ("NotoSansBengali", "NotoSansBengali-Regular.ttf"),
    ("NotoSansGurmukhi", "NotoSansGurmukhi-Regular.ttf"),
    ("NotoSansGujarati", "NotoSansGujarati-Regular.ttf"),
    ("NotoSansTamil", "NotoSansTamil-Regular.ttf"),
)

RTL_FONTS = frozenset({"NotoNaskhArabic"})
"""Fonts of right-to-left scripts: their runs are laid out word-reversed (see :func:`markup`)."""

_LOCK = Lock()
_SPACES = re.compile(r"(\s+)")


@dataclass(frozen=True)
class FontSet:
    """The registered fonts and the characters each one has."""

    order: tuple[str, ...]
    coverage: dict[str, frozenset[int]]
    plain: frozenset[str]
    """Characters Noto Sans prints as they are (no control, format character or mark): text
    made only of these is one run, found with one set operation instead of a scan."""

    def covers(self, font: str, char: str) -> bool:
        """Whether ``font`` has a glyph for ``char``."""
        return ord(char) in self.coverage[font]

    def first_covering(self, char: str) -> str | None:
        """The first font (Noto Sans first) that has ``char``, or None."""
        code = ord(char)
        for font in self.order:
            if code in self.coverage[font]:
                return font
        return None


@cache
def fonts() -> FontSet:
    """Register the bundled fonts with ReportLab once per process and return them."""
    with _LOCK:
        folder = resource("fonts")
        coverage: dict[str, frozenset[int]] = {}
        regular = TTFont(BASE, str(folder / "NotoSans-Regular.ttf"))
        bold = TTFont(BASE_BOLD, str(folder / "NotoSans-Bold.ttf"))
        for font in (regular, bold):
            pdfmetrics.registerFont(font)
        coverage[BASE] = frozenset(regular.face.charToGlyph)
        coverage[BASE_BOLD] = frozenset(bold.face.charToGlyph)
        # <b> inside a Noto Sans paragraph picks the bold face; italics are not used.
        addMapping(BASE, 0, 0, BASE)
        addMapping(BASE, 1, 0, BASE_BOLD)
        addMapping(BASE, 0, 1, BASE)
        addMapping(BASE, 1, 1, BASE_BOLD)
        addMapping(BASE_BOLD, 0, 0, BASE_BOLD)
        addMapping(BASE_BOLD, 1, 0, BASE_BOLD)
        addMapping(BASE_BOLD, 0, 1, BASE_BOLD)
        addMapping(BASE_BOLD, 1, 1, BASE_BOLD)
        for name, filename in SCRIPT_FONTS:
            font = TTFont(name, str(folder / filename))
            pdfmetrics.registerFont(font)
            coverage[name] = frozenset(font.face.charToGlyph)
            for is_bold in (0, 1):
                for italic in (0, 1):
                    addMapping(name, is_bold, italic, name)
        plain = frozenset(
            chr(c)
            for c in coverage[BASE]
            if unicodedata.category(chr(c))[0] not in "CM" and chr(c) not in "\u2028\u2029"
        )
        return FontSet((BASE, *(n for n, _ in SCRIPT_FONTS)), coverage, plain)


@dataclass(frozen=True)
class Run:
    """Text printed in one font (``font`` None: a line break)."""

    font: str | None
    text: str


# Characters that take the font of the letters around them rather than choosing one.
_NEUTRAL_CLASSES = frozenset("MZPNS")


def runs(text: str) -> list[Run]:
    """Cut ``text`` into runs of one font each; unprintable characters become U+FFFD.

    Spaces, digits, punctuation and combining marks stay in the current run when its font has
    them, so a two-word Arabic name is shaped as one right-to-left run (its words in the right
    order) and "خان," stays one word in one font. Control characters print as the placeholder,
    except line breaks (kept) and tabs (a space). Invisible format characters (joiners,
    direction marks) are kept where the run's font knows them and dropped otherwise: they have
    no glyph to show.
    """
    fs = fonts()
    out: list[list] = []  # [font, chars]
    current: str | None = None

    def add(font: str | None, char: str) -> None:
        nonlocal current
        if out and out[-1][0] == font and font is not None:
            out[-1][1].append(char)
        else:
            out.append([font, [char]])
        current = font

    for char in text:
        if char in "\n\r\u2028\u2029":
            add(None, "\n")
            current = None
            continue
        if char == "\t":
            char = " "
        category = unicodedata.category(char)
        if category in ("Cc", "Cs"):
            add(BASE, PLACEHOLDER)
            continue
        if category == "Cf":
            if current is not None and fs.covers(current, char):
                add(current, char)
            continue
        if current is not None and category[0] in _NEUTRAL_CLASSES and fs.covers(current, char):
            add(current, char)
            continue
        font = fs.first_covering(char)
        if font is None:
            add(BASE, PLACEHOLDER)
        else:
            add(font, char)
    result = [Run(font, "".join(chars)) for font, chars in out]
    return _separate_script_words(_hand_on_glued_punctuation(result, fs))


def _hand_on_glued_punctuation(found: list[Run], fs: FontSet) -> list[Run]:
    """Give punctuation glued to the next word that word's font.

    In "ਹਰਪ੍ਰੀਤ, (mother)" the Gurmukhi run picks up ", (" (the font has them), but "(" belongs
    to "mother": it moves to the Noto Sans run, so no space has to be put between them.
    """
    for i in range(len(found) - 1):
        left, right = found[i], found[i + 1]
        if left.font is None or right.font is None or left.font == right.font:
            continue
        cut = len(left.text)
        while cut > 0 and unicodedata.category(left.text[cut - 1])[0] in "PS":
            cut -= 1
        glued = left.text[cut:]
        at_word_start = cut > 0 and left.text[cut - 1].isspace()
        if glued and at_word_start and all(fs.covers(right.font, c) for c in glued):
            found[i] = Run(left.font, left.text[:cut])
            found[i + 1] = Run(right.font, glued + right.text)
    return found


def _separate_script_words(found: list[Run]) -> list[Run]:
    """Put a space where a script run touches a run in another font with no space between.

    ReportLab shapes word by word, with the font of the word's first run: "خان?" (Naskh
    Arabic, then "?" from Noto Sans, which Naskh lacks) would be shaped entirely in Naskh and
    print a wrong glyph. Separating the runs keeps every word in one font; the only visible
    change is a space between a script name and punctuation glued to it.
    """
    for i in range(len(found) - 1):
        left, right = found[i], found[i + 1]
        if left.font is None or right.font is None or BASE == left.font == right.font:
            continue
        if not left.text[-1].isspace() and not right.text[0].isspace():
            found[i] = Run(left.font, left.text + " ")
    return found


def visual_order(text: str) -> str:
    """The words of a right-to-left run in the order ReportLab must lay them out.

    ReportLab's bidi support needs a package not on the index (platform notes), so it lays
    words out left to right even when HarfBuzz shapes each Arabic word right to left. Reversing
    the words of the run puts the first word of a name on the right, where a reader of Arabic
    script looks for it. Leading and trailing spaces stay where they are. (A long right-to-left
    narrative that wraps keeps the words of each line, but not the order of the lines.)
    """
    core = text.strip()
    if not core:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    parts = _SPACES.split(core)
    parts.reverse()
    return lead + "".join(parts) + trail


@dataclass(frozen=True)
class Markup:
    """Paragraph markup for some user text, and whether it needs HarfBuzz shaping."""

    text: str
    shaped: bool


def markup(text: str | None) -> Markup:
    """Escape ``text`` for a Paragraph and switch font per run of script.

    Runs in Noto Sans carry no font tag, so they print in the paragraph's own face (regular
    or bold). Shaping is asked for when a script font or a combining mark is present; plain
    Latin text is laid out faster without it.
    """
    if not text:
        return Markup("", False)
    if fonts().plain.issuperset(text):
        return Markup(escape(text), False)
    parts: list[str] = []
    shaped = False
    for run in runs(text):
        if run.font is None:
            parts.append("<br/>")
            continue
        escaped = escape(run.text)
        if run.font == BASE:
            parts.append(escaped)
            if not shaped and any(unicodedata.category(c)[0] == "M" for c in run.text):
                shaped = True
        else:
            shaped = True
            if run.font in RTL_FONTS:
                escaped = escape(visual_order(run.text))
            parts.append(f'<font face="{run.font}">{escaped}</font>')
    return Markup("".join(parts), shaped)
