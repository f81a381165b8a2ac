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

from mash_desk.documents.layout import build, subject_line
from mash_desk.documents.letters import render_letter, render_minutes, render_routing_notice
from mash_desk.documents.memo_story import memo_story
from mash_desk.documents.models import (
    DecisionMemo,
    Document,
    MeetingMinutes,
    ReferrerLetter,
    RoutingNotice,
)


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


def render_memo(memo: DecisionMemo) -> bytes:
    """The decision memo as PDF bytes."""
    return build(
        memo.meta,
        memo_story(memo),
        subject_line(memo.meta, decision=memo.decision_id, revision=memo.revision),
    )
