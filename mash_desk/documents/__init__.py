"""Decision memos, referrer letters, routing notices and meeting minutes (issue 6).

Each document is built in two steps: a service assembles a plain-data model for one recipient
(:mod:`.models`, from :mod:`mash_desk.services.documents`), then :mod:`.render` turns the model
into PDF bytes with ReportLab platypus (:mod:`.layout` the shared page kit, :mod:`.memo_story`
the memo's sections, :mod:`.letters` the letters, notices and minutes). Rendering is
deterministic, so the SHA-256 of an issued document identifies it. Neither step imports Qt;
the renderer imports no SQLAlchemy either.

Typical use::

    memo = desk.documents.memo_model(actor, decision_id)   # preview: nothing recorded
    pdf = render_memo(memo)
    issued = desk.documents.issue_memo(actor, decision_id).value   # recorded, hashed
    desk.documents.record_output(actor, issued.id, "print", "Printer 2", issued.pdf)
"""

from mash_desk.documents.letters import render_letter, render_minutes, render_routing_notice
from mash_desk.documents.models import (
    DecisionMemo,
    Document,
    DocumentKind,
    MeetingMinutes,
    ReferrerLetter,
    RoutingNotice,
    as_copy,
)
from mash_desk.documents.render import render_document, render_memo, sha256_hex

__all__ = [
    "DecisionMemo",
    "Document",
    "DocumentKind",
    "MeetingMinutes",
    "ReferrerLetter",
    "RoutingNotice",
    "as_copy",
    "render_document",
    "render_letter",
    "render_memo",
    "render_minutes",
    "render_routing_notice",
    "sha256_hex",
]
