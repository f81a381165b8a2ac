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
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Spacer,
)

from mash_desk.documents.layout import (
    NONE,
    Fmt,
    actions_table,
    build,
    bullets,
    end_mark,
    fields,
    heading2,
    informed_table,
    labelled,
    narrative,
    note,
    opening,
    para,
    subject_line,
    table_of,
)
from mash_desk.documents.letters import render_letter, render_minutes, render_routing_notice
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
        _memo_story(memo),
        subject_line(memo.meta, decision=memo.decision_id, revision=memo.revision),
    )


def _memo_story(m: DecisionMemo) -> list[Flowable]:
    fmt = Fmt(m.meta.timezone)
    child = m.child
    born = _born(child.date_of_birth, child.expected_delivery, child.age_text)
    status = (
        f"Signed {fmt.when(m.sign_off.signed_at)} by {m.sign_off.signed_by}"
        if m.status == "signed"
        else "DRAFT — not signed"
    )
    story: list[Flowable] = opening(
        m.meta,
        "MASH decision memo",
        f"{child.name} · Referral {m.referral_id} · Decision {m.decision_id}, version {m.revision}",
    )
    story += [
        fields(
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
        note(m.meta.letterhead.handling),
    ]
    if m.superseded_by is not None:
        story += [
            Spacer(1, 2 * mm),
            note(m.superseded_by.sentence(fmt.when(m.superseded_by.signed_at))),
        ]

    story += heading2("1. Child and household")
    story.append(
        fields(
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
        table_of(
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
    story += heading2("2. Contact and referral")
    story.append(
        fields(
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
    story += narrative("Concerns reported", c.concerns)
    story.append(labelled("Risk indicators:", "; ".join(c.risk_indicators) or "None flagged"))

    story += heading2("3. Agency information")
    story.append(para(m.agency_scope, "small"))
    if not m.agency_returns:
        story.append(para("No agency information is shown in this copy."))
    for a in m.agency_returns:
        status = f"returned {fmt.when(a.returned_at)}" if a.returned_at else a.status
        story.append(
            KeepTogether(
                [
                    para(f"{a.agency} — {status}", "h3"),
                    labelled(f"Asked {fmt.when(a.requested_at)}:", a.question),
                    labelled("Returned:", a.answer or "Nothing returned yet"),
                ]
            )
        )

    story += heading2("4. RAG history")
    story.append(
        table_of(
            ["When", "RAG", "Reason", "By"],
            [[fmt.when(e.rated_at), e.value.upper(), e.reason, e.rated_by] for e in m.rag_history],
            [2.2, 1, 6, 2.2],
            empty="The child was never rated.",
        )
    )

    t = m.threshold
    story += heading2("5. Threshold level")
    suggested = f"Level {t.suggested_level}" if t.suggested_level else "None (nothing ticked)"
    story.append(
        fields(
            [
                ("Level", t.level_label),
                ("Document", f"{t.document_title} ({t.document_id}), version {t.document_version}"),
                ("Suggested", suggested),
                ("Override", "Yes — the level differs from the suggestion" if t.override else "No"),
            ]
        )
    )
    story.append(para(f"Indicators, as worded in version {t.document_version}", "h3"))
    story.append(
        table_of(
            ["Level", "Domain", "Indicator"],
            [[str(i.level), i.domain, i.text] for i in t.indicators],
            [1, 3, 8],
            empty="No indicators were ticked.",
        )
    )
    if t.level_rationale:
        story += narrative("Why this level", t.level_rationale)
    if t.outcome_level_reason:
        story += narrative("Why this outcome at this level", t.outcome_level_reason)
    story += narrative("Consent at this level (the document's words)", t.consent_rule)
    story.append(para("Pathways the document raises", "h3"))
    story += bullets(t.pathways_raised, "None.")

    story += heading2("6. Decision and rationale")
    story.append(
        fields(
            [
                ("Outcome", m.outcome),
                ("s47 enquiry from", fmt.day(m.s47_started_on) if m.s47_started_on else None),
                ("Allocated team", m.allocated_team),
                ("Allocated worker", m.allocated_worker),
            ]
        )
    )
    story += narrative("Rationale", m.rationale)
    story.append(para("Pathways", "h3"))
    story += bullets(m.pathways, "No parallel pathways.")

    story += heading2("7. Consent and information sharing")
    story.append(
        table_of(
            ["Purpose", "Consent", "Detail", "Recorded"],
            [
                [x.purpose, x.state, x.detail, f"{fmt.when(x.recorded_at)}, {x.recorded_by}"]
                for x in m.consents
            ],
            [2.2, 1.6, 5, 3],
            empty="No consent is recorded for the child.",
        )
    )
    story.append(para("Information shared with agencies for this referral", "h3"))
    story.append(
        table_of(
            ["Agency", "When", "What was shared or asked", "By"],
            [[s.agency, fmt.when(s.shared_at), s.what, s.by] for s in m.sharing],
            [2.6, 2.2, 5.4, 2],
            empty="No information was shared with an agency for this referral.",
        )
    )

    story += heading2("8. Actions")
    story.append(actions_table(m.actions, fmt))

    story += heading2("9. Who was informed")
    story.append(informed_table(m.informed, fmt))

    story += heading2("10. Dissent and escalation")
    if not m.escalations:
        story.append(para("No agency recorded disagreement with this decision."))
    for e in m.escalations:
        story.append(
            KeepTogether(
                [
                    para(
                        f"{e.agency} — stage {e.stage} ({e.stage_name}), {e.status}",
                        "h3",
                    ),
                    labelled(f"Raised {fmt.when(e.raised_at)}:", e.reason),
                    labelled(
                        "Resolution:" if e.resolution else "Due:",
                        e.resolution or fmt.when(e.due_at),
                    ),
                ]
            )
        )

    s = m.sign_off
    story += heading2("11. Sign-off")
    story.append(
        fields(
            [
                ("Drafted by", s.drafted_by),
                ("Drafted", fmt.when(s.drafted_at)),
                ("Signed by", s.signed_by or "Not signed"),
                ("Signed", fmt.when(s.signed_at) if s.signed_at else "Not signed"),
                ("Decided at", s.where),
            ]
        )
    )

    story += heading2("12. Amendment history")
    story.append(
        table_of(
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
            labelled(
                "Superseded:",
                f"replaced by version {later.revision} (decision {later.decision_id}), signed "
                f"{fmt.when(later.signed_at)}"
                + (f" by {later.signed_by}" if later.signed_by else ""),
            )
        )
    story += end_mark("End of memo")
    return story


def _born(dob: date | None, edd: date | None, age_text: str) -> str:
    if dob is not None:
        return f"{dob:%d %b %Y} ({age_text})"
    if edd is not None:
        return f"Unborn, due {edd:%d %b %Y}"
    return age_text


# ---- referrer letter ---------------------------------------------------------------------
