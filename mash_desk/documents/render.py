"""Document models to PDF bytes with ReportLab platypus: the second of a document's two steps.

Every page carries the protective marking at top and bottom, the council and MASH, the
document's reference and "Page x of y"; a reprint says "COPY — reprinted <date>" on every
page. Output is deterministic: ReportLab runs in invariant mode and the PDF's creation date and
file identifier come from the model's ``generated_at``, so the same model gives the same bytes
(and the same SHA-256) in any process, whatever ``SOURCE_DATE_EPOCH`` says.

All text — the user's and the product's own — reaches a ``Paragraph`` only through
:func:`mash_desk.documents.fonts.markup`, which escapes it and switches font per script.
"""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from threading import Lock
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
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from mash_desk.documents.fonts import BASE, BASE_BOLD, fonts, markup
from mash_desk.documents.models import (
    ActionEntry,
    DecisionMemo,
    Document,
    DocumentMeta,
    InformedEntry,
    MeetingMinutes,
    Paragraphs,
    ReferrerLetter,
    RoutingNotice,
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


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data`` as 64 lowercase hex digits (what is stored when issuing)."""
    return hashlib.sha256(data).hexdigest()


def render_document(document: Document) -> bytes:
    """Render any document model to PDF bytes."""
    if isinstance(document, DecisionMemo):
        return render_memo(document)
    if isinstance(document, ReferrerLetter):
        return render_letter(document)
    if isinstance(document, RoutingNotice):
        return render_routing_notice(document)
    if isinstance(document, MeetingMinutes):
        return render_minutes(document)
    raise TypeError(f"not a document model: {type(document).__name__}")


def subject_line(meta: DocumentMeta, **ids: object) -> str:
    """The PDF's Subject: the kind and ids, never a name (file listings show metadata)."""
    parts = " ".join(f"{k}={v}" for k, v in ids.items())
    return f"mash-desk {meta.kind} {parts}".strip()


# ---- small builders ----------------------------------------------------------------------


class _Fmt:
    """Dates and times as the MASH writes them, in its own time zone."""

    def __init__(self, tz: str):
        self.tz = ZoneInfo(tz)

    def when(self, value: datetime | None) -> str:
        if value is None:
            return NONE
        return value.astimezone(self.tz).strftime("%d %b %Y %H:%M")

    @staticmethod
    def day(value: date | None) -> str:
        return NONE if value is None else value.strftime("%d %b %Y")


def _p(text: str | None, name: str = "body", empty: str = NONE) -> Paragraph:
    """A paragraph of text (escaped, font per script); ``empty`` when there is none."""
    m = markup(text if text and text.strip() else empty)
    return Paragraph(m.text, style(name, m.shaped))


def _cell(text: str | None, name: str = "cell") -> Paragraph | list[Paragraph]:
    """A table cell: one paragraph per line of text.

    A table row that runs over a page is split between the cell's paragraphs; one huge
    paragraph would be wrapped again for every page it crosses (seconds for a long pasted
    narrative).
    """
    lines = [line for line in (text or "").split("\n") if line.strip()]
    if len(lines) <= 1:
        return _p(text, name)
    return [_p(line, name) for line in lines]


def _lp(label: str, value: str | None, name: str = "body") -> Paragraph:
    """A "Label: value" paragraph with the label in bold."""
    m = markup(value if value and value.strip() else NONE)
    head = markup(label)
    return Paragraph(f"<b>{head.text}</b> {m.text}", style(name, m.shaped or head.shaped))


def _h2(text: str) -> list[Flowable]:
    # CondPageBreak keeps a heading from being stranded at the foot of a page.
    return [
        CondPageBreak(28 * mm),
        _p(text, "h2"),
        HRFlowable(width="100%", thickness=0.6, color=RULE, spaceBefore=0, spaceAfter=4),
    ]


def _table(
    header: Sequence[str],
    rows: Iterable[Sequence[str | None]],
    widths: Sequence[float],
    *,
    empty: str,
) -> Flowable:
    """A ruled table with a shaded header repeated on every page; rows may split across pages."""
    body = [[_cell(cell) for cell in row] for row in rows]
    if not body:
        return _p(empty, "body")
    data = [[_p(h, "cell_bold") for h in header], *body]
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
_CELL_FONT = ("FONTNAME", (0, 0), (-1, -1), BASE)
_RULED = [
    _CELL_FONT,
    ("GRID", (0, 0), (-1, -1), 0.4, GRID),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 4),
    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ("TOPPADDING", (0, 0), (-1, -1), 2.5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
]
_GRID_STYLE = TableStyle([*_RULED, ("BACKGROUND", (0, 0), (-1, 0), SHADE)])


def _fields(pairs: Sequence[tuple[str, str | None]], columns: int = 2) -> Flowable:
    """Label/value pairs in a grid, ``columns`` pairs to a row, labels shaded."""
    cells = [(_p(label, "cell_bold"), _cell(value)) for label, value in pairs]
    filled = len(cells)
    while len(cells) % columns:
        cells.append((_p("", "cell", empty=""), _p("", "cell", empty="")))
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


def _note(text: str) -> Flowable:
    """A shaded box of small print (handling instructions)."""
    box = Table([[_p(text, "note")]], colWidths=[FRAME_WIDTH], hAlign="LEFT", splitInRow=1)
    box.setStyle(
        TableStyle(
            [
                _CELL_FONT,
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


def _narrative(label: str, text: str | None, empty: str = "Not recorded.") -> list[Flowable]:
    """A small heading and a narrative, one paragraph per blank-line-separated block."""
    out: list[Flowable] = [_p(label, "h3")]
    blocks = [b for b in (text or "").split("\n\n") if b.strip()]
    out += [_p(b) for b in blocks] if blocks else [_p(empty)]
    return out


def _bullets(items: Sequence[str], empty: str) -> list[Flowable]:
    if not items:
        return [_p(empty)]
    return [_p(f"•  {item}") for item in items]


def _end(text: str) -> list[Flowable]:
    return [Spacer(1, 6 * mm), _p(f"— {text} —", "small")]


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
    document = canvas._doc
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

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held: list[dict] = []
            _set_timestamp(self, meta.generated_at)

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            pages = len(self._held)
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                _furniture(self, meta, number, pages)
                Canvas.showPage(self)
            Canvas.save(self)

    return _PagedCanvas


def _build(meta: DocumentMeta, story: list[Flowable], subject: str) -> bytes:
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


def _opening(meta: DocumentMeta, title: str, subtitle: str) -> list[Flowable]:
    fmt = _Fmt(meta.timezone)
    return [
        _p(title, "title"),
        _p(subtitle, "subtitle"),
        _p(f"Prepared for: {meta.prepared_for} · Produced {fmt.when(meta.generated_at)}", "small"),
        Spacer(1, 2 * mm),
    ]


# ---- decision memo -----------------------------------------------------------------------


def render_memo(memo: DecisionMemo) -> bytes:
    """The decision memo as PDF bytes."""
    return _build(
        memo.meta,
        _memo_story(memo),
        subject_line(memo.meta, decision=memo.decision_id, revision=memo.revision),
    )


def _memo_story(m: DecisionMemo) -> list[Flowable]:
    fmt = _Fmt(m.meta.timezone)
    child = m.child
    born = _born(child.date_of_birth, child.expected_delivery, child.age_text)
    status = (
        f"Signed {fmt.when(m.sign_off.signed_at)} by {m.sign_off.signed_by}"
        if m.status == "signed"
        else "DRAFT — not signed"
    )
    story: list[Flowable] = _opening(
        m.meta,
        "MASH decision memo",
        f"{child.name} · Referral {m.referral_id} · Decision {m.decision_id}, version {m.revision}",
    )
    story += [
        _fields(
            [
                ("Child", child.name),
                ("Born", born),
                ("Outcome", m.outcome),
                ("Threshold", m.threshold.level_label),
                ("Decided at", m.sign_off.where),
                ("Status", status),
            ]
        ),
        Spacer(1, 2 * mm),
        _note(m.meta.letterhead.handling),
    ]
    if m.superseded_by is not None:
        story += [
            Spacer(1, 2 * mm),
            _note(m.superseded_by.sentence(fmt.when(m.superseded_by.signed_at))),
        ]

    story += _h2("1. Child and household")
    story.append(
        _fields(
            [
                ("Name", child.name),
                ("Born", born),
                ("Sex", child.sex),
                *((f.label, f.value) for f in child.identifiers),
                ("Address", ", ".join(x for x in (child.address, child.postcode) if x) or None),
                ("Flags", "; ".join(child.flags) or "None"),
            ]
        )
    )
    story.append(Spacer(1, 2 * mm))
    story.append(
        _table(
            ["Household member", "Relationship to the child", "Age", "Same address"],
            [
                [h.name, h.relationship, h.age_text, "Yes" if h.same_household else "No"]
                for h in m.household
            ],
            [3, 4, 2, 1.4],
            empty="No household members or relatives are recorded.",
        )
    )

    c, r = m.contact, m.referral
    story += _h2("2. Contact and referral")
    story.append(
        _fields(
            [
                ("Contact", f"{c.contact_id}, received {fmt.when(c.received_at)}"),
                ("Channel", c.channel),
                ("Referrer", c.referrer),
                ("Source", c.source),
                ("Referral", f"{r.referral_id}, made {fmt.when(r.referral_at)}"),
                ("Primary need", r.primary_need),
                ("Decision due", fmt.when(r.decision_due_at)),
                ("RAG now", (r.rag or "not rated").upper()),
            ]
        )
    )
    story += _narrative("Concerns reported", c.concerns)
    story.append(_lp("Risk indicators:", "; ".join(c.risk_indicators) or "None flagged"))

    story += _h2("3. Agency information")
    story.append(_p(m.agency_scope, "small"))
    if not m.agency_returns:
        story.append(_p("No agency information is shown in this copy."))
    for a in m.agency_returns:
        status = f"returned {fmt.when(a.returned_at)}" if a.returned_at else a.status
        story.append(
            KeepTogether(
                [
                    _p(f"{a.agency} — {status}", "h3"),
                    _lp(f"Asked {fmt.when(a.requested_at)}:", a.question),
                    _lp("Returned:", a.answer or "Nothing returned yet"),
                ]
            )
        )

    story += _h2("4. RAG history")
    story.append(
        _table(
            ["When", "RAG", "Reason", "By"],
            [[fmt.when(e.rated_at), e.value.upper(), e.reason, e.rated_by] for e in m.rag_history],
            [2.2, 1, 6, 2.2],
            empty="The child was never rated.",
        )
    )

    t = m.threshold
    story += _h2("5. Threshold level")
    suggested = f"Level {t.suggested_level}" if t.suggested_level else "None (nothing ticked)"
    story.append(
        _fields(
            [
                ("Level", t.level_label),
                ("Document", f"{t.document_title} ({t.document_id}), version {t.document_version}"),
                ("Suggested", suggested),
                ("Override", "Yes — the level differs from the suggestion" if t.override else "No"),
            ]
        )
    )
    story.append(_p(f"Indicators, as worded in version {t.document_version}", "h3"))
    story.append(
        _table(
            ["Level", "Domain", "Indicator"],
            [[str(i.level), i.domain, i.text] for i in t.indicators],
            [1, 3, 8],
            empty="No indicators were ticked.",
        )
    )
    if t.level_rationale:
        story += _narrative("Why this level", t.level_rationale)
    if t.outcome_level_reason:
        story += _narrative("Why this outcome at this level", t.outcome_level_reason)
    story += _narrative("Consent at this level (the document's words)", t.consent_rule)
    story.append(_p("Pathways the document raises", "h3"))
    story += _bullets(t.pathways_raised, "None.")

    story += _h2("6. Decision and rationale")
    story.append(
        _fields(
            [
                ("Outcome", m.outcome),
                ("s47 enquiry from", fmt.day(m.s47_started_on) if m.s47_started_on else None),
                ("Allocated team", m.allocated_team),
                ("Allocated worker", m.allocated_worker),
            ]
        )
    )
    story += _narrative("Rationale", m.rationale)
    story.append(_p("Pathways", "h3"))
    story += _bullets(m.pathways, "No parallel pathways.")

    story += _h2("7. Consent and information sharing")
    story.append(
        _table(
            ["Purpose", "Consent", "Detail", "Recorded"],
            [
                [x.purpose, x.state, x.detail, f"{fmt.when(x.recorded_at)}, {x.recorded_by}"]
                for x in m.consents
            ],
            [2.2, 1.6, 5, 3],
            empty="No consent is recorded for the child.",
        )
    )
    story.append(_p("Information shared with agencies for this referral", "h3"))
    story.append(
        _table(
            ["Agency", "When", "What was shared or asked", "By"],
            [[s.agency, fmt.when(s.shared_at), s.what, s.by] for s in m.sharing],
            [2.6, 2.2, 5.4, 2],
            empty="No information was shared with an agency for this referral.",
        )
    )

    story += _h2("8. Actions")
    story.append(_actions_table(m.actions, fmt))

    story += _h2("9. Who was informed")
    story.append(_informed_table(m.informed, fmt))

    story += _h2("10. Dissent and escalation")
    if not m.escalations:
        story.append(_p("No agency recorded disagreement with this decision."))
    for e in m.escalations:
        story.append(
            KeepTogether(
                [
                    _p(
                        f"{e.agency} — stage {e.stage} ({e.stage_name}), {e.status}",
                        "h3",
                    ),
                    _lp(f"Raised {fmt.when(e.raised_at)}:", e.reason),
                    _lp(
                        "Resolution:" if e.resolution else "Due:",
                        e.resolution or fmt.when(e.due_at),
                    ),
                ]
            )
        )

    s = m.sign_off
    story += _h2("11. Sign-off")
    story.append(
        _fields(
            [
                ("Drafted by", s.drafted_by),
                ("Drafted", fmt.when(s.drafted_at)),
                ("Signed by", s.signed_by or "Not signed"),
                ("Signed", fmt.when(s.signed_at) if s.signed_at else "Not signed"),
                ("Decided at", s.where),
            ]
        )
    )

    story += _h2("12. Amendment history")
    story.append(
        _table(
            ["Version", "Status", "Signed", "Outcome", "Level", "Reason for the amendment"],
            [
                [
                    f"{a.revision} (decision {a.decision_id})",
                    a.status,
                    f"{fmt.when(a.signed_at)}, {a.signed_by}" if a.signed_at else "Not signed",
                    a.outcome,
                    str(a.level),
                    a.reason or ("First decision" if a.revision == 1 else NONE),
                ]
                for a in m.amendments
            ],
            [1.7, 1.2, 2.6, 2.6, 0.9, 3.6],
            empty="This is the only version.",
        )
    )
    if m.superseded_by is not None:
        later = m.superseded_by
        story.append(
            _lp(
                "Superseded:",
                f"replaced by version {later.revision} (decision {later.decision_id}), signed "
                f"{fmt.when(later.signed_at)}"
                + (f" by {later.signed_by}" if later.signed_by else ""),
            )
        )
    story += _end("End of memo")
    return story


def _born(dob: date | None, edd: date | None, age_text: str) -> str:
    if dob is not None:
        return f"{dob:%d %b %Y} ({age_text})"
    if edd is not None:
        return f"Unborn, due {edd:%d %b %Y}"
    return age_text


def _actions_table(actions: Sequence[ActionEntry], fmt: _Fmt) -> Flowable:
    return _table(
        ["#", "Action", "Owner", "Due", "Status"],
        [
            [str(i), a.description, a.owner, fmt.day(a.due_on), a.status]
            for i, a in enumerate(actions, start=1)
        ],
        [0.5, 6, 2.6, 1.7, 1.3],
        empty="No actions were set.",
    )


def _informed_table(informed: Sequence[InformedEntry], fmt: _Fmt) -> Flowable:
    return _table(
        ["Who", "Told", "How", "When"],
        [[i.party, i.who, i.how, fmt.when(i.when) if i.when else NONE] for i in informed],
        [2.2, 5, 2.6, 2.2],
        empty="Nobody is recorded as informed yet.",
    )


# ---- referrer letter ---------------------------------------------------------------------


def render_letter(letter: ReferrerLetter) -> bytes:
    """The referrer's acknowledgement and outcome letter as PDF bytes."""
    return _build(
        letter.meta,
        _letter_story(letter),
        subject_line(letter.meta, decision=letter.decision_id, revision=letter.revision),
    )


def _address_block(meta: DocumentMeta, to: Sequence[str | None]) -> Flowable:
    head = meta.letterhead
    ours = [head.service, *head.address, f"Telephone {head.telephone}", head.email]
    left = [_p(line, "body") for line in to if line]
    right = [_p(line, "small") for line in ours]
    block = Table([[left, right]], colWidths=[FRAME_WIDTH * 0.55, FRAME_WIDTH * 0.45], splitInRow=1)
    block.setStyle(
        TableStyle(
            [
                _CELL_FONT,
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
            ]
        )
    )
    return block


def _sections(sections: Sequence[Paragraphs], heading: str, body: str) -> list[Flowable]:
    out: list[Flowable] = []
    for section in sections:
        if section.heading:
            out.append(_p(section.heading, heading))
        out += [_p(text, body) for text in section.paragraphs]
    return out


def _letter_story(letter: ReferrerLetter) -> list[Flowable]:
    fmt = _Fmt(letter.meta.timezone)
    story: list[Flowable] = [
        _address_block(letter.meta, [letter.to_name, letter.to_role, letter.to_agency]),
        Spacer(1, 5 * mm),
        _lp("Date:", fmt.day(letter.meta.generated_at.astimezone(fmt.tz).date())),
        _lp("Our reference:", letter.meta.reference),
        Spacer(1, 4 * mm),
        _p(f"Dear {letter.to_name},"),
        _p(f"Re: {letter.child_name} ({letter.child_born})", "h3"),
        Spacer(1, 1 * mm),
    ]
    story += _sections(letter.sections, "h3", "body")
    story += [
        Spacer(1, 5 * mm),
        _p("Yours sincerely,"),
        Spacer(1, 6 * mm),
        _p(letter.signed_by, "h3"),
        _p(letter.signed_role, "body"),
        _p(letter.meta.letterhead.service, "small"),
        Spacer(1, 4 * mm),
        _note(letter.meta.letterhead.handling),
    ]
    return story


# ---- routing notices ---------------------------------------------------------------------


def render_routing_notice(notice: RoutingNotice) -> bytes:
    """A step-up / step-down / transfer notification (professional or family) as PDF bytes."""
    story = _family_story(notice) if notice.audience == "family" else _professional_story(notice)
    return _build(
        notice.meta,
        story,
        subject_line(notice.meta, routing=notice.routing_id, audience=notice.audience),
    )


def _professional_story(n: RoutingNotice) -> list[Flowable]:
    fmt = _Fmt(n.meta.timezone)
    levels = (
        f"Level {n.level_before} to Level {n.level_after}"
        if n.level_before
        else f"Level {n.level_after}"
    )
    story = _opening(n.meta, f"{n.kind_label} notification", f"{n.child_name} · {n.child_born}")
    story += [
        _fields(
            [
                ("Child", n.child_name),
                ("Born", n.child_born),
                ("From", n.from_service),
                ("To", f"{n.to_service}{f' — {n.to_team}' if n.to_team else ''}"),
                ("Level", levels),
                ("Family consent", n.family_consent),
                ("Children's centre", "Offer made (under 5)" if n.childrens_centre_offer else "No"),
            ]
        ),
        Spacer(1, 2 * mm),
        _note(n.meta.letterhead.handling),
    ]
    story += _h2("Why")
    story += _narrative("Reason", n.reason)
    story += _narrative("Handover summary", n.handover_summary)
    story += _h2("Who has been told")
    story.append(_informed_table(n.informed, fmt))
    story += _sections(n.sections, "h3", "body")
    story += _end("End of notification")
    return story


def _family_story(n: RoutingNotice) -> list[Flowable]:
    head = n.meta.letterhead
    story: list[Flowable] = [
        _address_block(n.meta, [f"To the parent or carer of {n.child_name}"]),
        Spacer(1, 4 * mm),
        _p(n.meta.title, "title"),
        _p(f"About {n.child_name} ({n.child_born})", "plain_h"),
    ]
    story += _sections(n.sections, "plain_h", "plain")
    story += [
        Spacer(1, 3 * mm),
        _p("How to contact us", "plain_h"),
        _p(
            f"Telephone {head.telephone} (Monday to Friday, 9am to 5pm) or e-mail {head.email}.",
            "plain",
        ),
        _p(
            f"If you are worried about a child's safety out of hours, call {head.out_of_hours}.",
            "plain",
        ),
        _p("If a child is in immediate danger, call 999.", "plain"),
        Spacer(1, 4 * mm),
        _p(f"Our reference: {n.meta.reference}", "small"),
    ]
    return story


# ---- meeting minutes ---------------------------------------------------------------------


def render_minutes(minutes: MeetingMinutes) -> bytes:
    """The minutes of a daily MASH meeting as PDF bytes."""
    return _build(
        minutes.meta,
        _minutes_story(minutes),
        subject_line(minutes.meta, meeting=minutes.meeting_id),
    )


def _minutes_story(m: MeetingMinutes) -> list[Flowable]:
    fmt = _Fmt(m.meta.timezone)
    if m.quorate:
        quorum = "Quorate"
    else:
        quorum = f"Not quorate — not present: {', '.join(m.quorum_missing)}"
        if m.quorum_reason:
            quorum += f". Went on because: {m.quorum_reason}"
    signed = (
        f"{fmt.when(m.signed_off_at)} by {m.signed_off_by}" if m.signed_off_at else "Not signed off"
    )
    story = _opening(
        m.meta, "Daily MASH meeting — minutes", f"{m.meeting_date:%A %d %B %Y} · Chair {m.chair}"
    )
    story += [
        _fields(
            [
                ("Date", f"{m.meeting_date:%a %d %b %Y}"),
                ("Chair", m.chair),
                ("Cases", f"{len(m.cases)} on the agenda"),
                ("Signed off", signed),
            ]
        ),
        Spacer(1, 1 * mm),
        _fields([("Quorum", quorum)], columns=1),
        Spacer(1, 2 * mm),
        _note(m.meta.letterhead.handling),
    ]
    story += _h2("Attendance")
    story.append(
        _table(
            ["Agency", "Name", "Attendance"],
            [[a.agency, a.name, "Present" if a.present else "Apologies"] for a in m.attendance],
            [5, 4, 2],
            empty="No attendance was recorded.",
        )
    )
    story += _h2("Cases and decisions")
    if not m.cases:
        story.append(_p("No child was on the agenda."))
    for case in m.cases:
        rag = f", RAG {case.rag.upper()}" if case.rag else ", not rated"
        block: list[Flowable] = [
            CondPageBreak(30 * mm),
            _p(f"{case.position}. {case.child_name} — referral {case.referral_id}{rag}", "h3"),
        ]
        if case.deferred_reason is not None:
            block.append(_lp("Deferred:", case.deferred_reason))
        elif case.decision_id is None:
            block.append(_lp("Status:", case.status))
        else:
            block.append(
                _lp(
                    "Decision:",
                    f"{case.outcome} — {case.level_label} "
                    f"(decision {case.decision_id}, version {case.revision}, {case.status})",
                )
            )
            block.append(_lp("Rationale:", case.rationale))
            if case.pathways:
                block.append(_lp("Pathways:", "; ".join(case.pathways)))
            if case.actions:
                block.append(_actions_table(case.actions, fmt))
                block.append(Spacer(1, 1.5 * mm))
        for dissent in case.dissent:
            block.append(_lp("Dissent:", dissent))
        story += block
    story += _end("End of minutes")
    return story
