"""The decision memo's story: the title block and its twelve numbered sections, one function each.

Each ``_section_*`` function returns the flowables of one section, heading included, in the
order the memo prints them (:data:`SECTIONS`); :func:`memo_story` puts them together.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from mash_desk.documents.layout import (
    NONE,
    Fmt,
    actions_table,
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
    table_of,
)
from mash_desk.documents.models import DecisionMemo

Section = Callable[[DecisionMemo, Fmt], list[Flowable]]


def memo_story(m: DecisionMemo) -> list[Flowable]:
    """Every flowable of the memo, title block first, "End of memo" last."""
    fmt = Fmt(m.meta.timezone)
    story = _title_block(m, fmt)
    for section in SECTIONS:
        story += section(m, fmt)
    story += end_mark("End of memo")
    return story


def _born(m: DecisionMemo) -> str:
    child = m.child
    return born_text(child.date_of_birth, child.expected_delivery, child.age_text)


def born_text(dob: date | None, edd: date | None, age_text: str) -> str:
    """The date of birth and age, or that the child is unborn and when due."""
    if dob is not None:
        return f"{dob:%d %b %Y} ({age_text})"
    if edd is not None:
        return f"Unborn, due {edd:%d %b %Y}"
    return age_text


def _title_block(m: DecisionMemo, fmt: Fmt) -> list[Flowable]:
    """Title, the decision at a glance, the handling note, and any later version."""
    child = m.child
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
                ("Born", _born(m)),
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
    return story


def _section_child(m: DecisionMemo, fmt: Fmt) -> list[Flowable]:
    """1. Child and household."""
    child = m.child
    return [
        *heading2("1. Child and household"),
        fields(
            [
                ("Name", child.name),
                ("Born", _born(m)),
                ("Sex", child.sex),
                *((f.label, f.value) for f in child.identifiers),
                ("Address", ", ".join(x for x in (child.address, child.postcode) if x) or None),
                ("Flags", "; ".join(child.flags) or "None"),
            ]
        ),
        Spacer(1, 2 * mm),
        table_of(
            ["Household member", "Relationship to the child", "Age", "Same address"],
            [
                [h.name, h.relationship, h.age_text, "Yes" if h.same_household else "No"]
                for h in m.household
            ],
            [3, 4, 2, 1.4],
            empty="No household members or relatives are recorded.",
        ),
    ]


def _section_contact(m: DecisionMemo, fmt: Fmt) -> list[Flowable]:
    """2. Contact and referral."""
    c, r = m.contact, m.referral
    return [
        *heading2("2. Contact and referral"),
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
        ),
        *narrative("Concerns reported", c.concerns),
        labelled("Risk indicators:", "; ".join(c.risk_indicators) or "None flagged"),
    ]


def _section_agencies(m: DecisionMemo, fmt: Fmt) -> list[Flowable]:
    """3. Agency information: each agency's question and answer (the recipient's own only)."""
    story = [*heading2("3. Agency information"), para(m.agency_scope, "small")]
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
    return story


def _section_rag(m: DecisionMemo, fmt: Fmt) -> list[Flowable]:
    """4. RAG history."""
    return [
        *heading2("4. RAG history"),
        table_of(
            ["When", "RAG", "Reason", "By"],
            [[fmt.when(e.rated_at), e.value.upper(), e.reason, e.rated_by] for e in m.rag_history],
            [2.2, 1, 6, 2.2],
            empty="The child was never rated.",
        ),
    ]


def _section_threshold(m: DecisionMemo, fmt: Fmt) -> list[Flowable]:
    """5. Threshold level, in the words of the document version the decision used."""
    t = m.threshold
    suggested = f"Level {t.suggested_level}" if t.suggested_level else "None (nothing ticked)"
    story = [
        *heading2("5. Threshold level"),
        fields(
            [
                ("Level", t.level_label),
                ("Document", f"{t.document_title} ({t.document_id}), version {t.document_version}"),
                ("Suggested", suggested),
                ("Override", "Yes — the level differs from the suggestion" if t.override else "No"),
            ]
        ),
        para(f"Indicators, as worded in version {t.document_version}", "h3"),
        table_of(
            ["Level", "Domain", "Indicator"],
            [[str(i.level), i.domain, i.text] for i in t.indicators],
            [1, 3, 8],
            empty="No indicators were ticked.",
        ),
    ]
    if t.level_rationale:
        story += narrative("Why this level", t.level_rationale)
    if t.outcome_level_reason:
        story += narrative("Why this outcome at this level", t.outcome_level_reason)
    story += narrative("Consent at this level (the document's words)", t.consent_rule)
    story.append(para("Pathways the document raises", "h3"))
    return story + bullets(t.pathways_raised, "None.")


def _section_decision(m: DecisionMemo, fmt: Fmt) -> list[Flowable]:
    """6. Decision and rationale."""
    return [
        *heading2("6. Decision and rationale"),
        fields(
            [
                ("Outcome", m.outcome),
                ("s47 enquiry from", fmt.day(m.s47_started_on) if m.s47_started_on else None),
                ("Allocated team", m.allocated_team),
                ("Allocated worker", m.allocated_worker),
            ]
        ),
        *narrative("Rationale", m.rationale),
        para("Pathways", "h3"),
        *bullets(m.pathways, "No parallel pathways."),
    ]


def _section_consent(m: DecisionMemo, fmt: Fmt) -> list[Flowable]:
    """7. Consent and information sharing."""
    return [
        *heading2("7. Consent and information sharing"),
        table_of(
            ["Purpose", "Consent", "Detail", "Recorded"],
            [
                [x.purpose, x.state, x.detail, f"{fmt.when(x.recorded_at)}, {x.recorded_by}"]
                for x in m.consents
            ],
            [2.2, 1.6, 5, 3],
            empty="No consent is recorded for the child.",
        ),
        para("Information shared with agencies for this referral", "h3"),
        table_of(
            ["Agency", "When", "What was shared or asked", "By"],
            [[s.agency, fmt.when(s.shared_at), s.what, s.by] for s in m.sharing],
            [2.6, 2.2, 5.4, 2],
            empty="No information was shared with an agency for this referral.",
        ),
    ]


def _section_actions(m: DecisionMemo, fmt: Fmt) -> list[Flowable]:
    """8. Actions."""
    return [*heading2("8. Actions"), actions_table(m.actions, fmt)]


def _section_informed(m: DecisionMemo, fmt: Fmt) -> list[Flowable]:
    """9. Who was informed."""
    return [*heading2("9. Who was informed"), informed_table(m.informed, fmt)]


def _section_dissent(m: DecisionMemo, fmt: Fmt) -> list[Flowable]:
    """10. Dissent and escalation."""
    story = heading2("10. Dissent and escalation")
    if not m.escalations:
        story.append(para("No agency recorded disagreement with this decision."))
    for e in m.escalations:
        story.append(
            KeepTogether(
                [
                    para(f"{e.agency} — stage {e.stage} ({e.stage_name}), {e.status}", "h3"),
                    labelled(f"Raised {fmt.when(e.raised_at)}:", e.reason),
                    labelled(
                        "Resolution:" if e.resolution else "Due:",
                        e.resolution or fmt.when(e.due_at),
                    ),
                ]
            )
        )
    return story


def _section_sign_off(m: DecisionMemo, fmt: Fmt) -> list[Flowable]:
    """11. Sign-off."""
    s = m.sign_off
    return [
        *heading2("11. Sign-off"),
        fields(
            [
                ("Drafted by", s.drafted_by),
                ("Drafted", fmt.when(s.drafted_at)),
                ("Signed by", s.signed_by or "Not signed"),
                ("Signed", fmt.when(s.signed_at) if s.signed_at else "Not signed"),
                ("Decided at", s.where),
            ]
        ),
    ]


def _section_amendments(m: DecisionMemo, fmt: Fmt) -> list[Flowable]:
    """12. Amendment history, and the version that replaced this one."""
    story = [
        *heading2("12. Amendment history"),
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
        ),
    ]
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
    return story


SECTIONS: tuple[Section, ...] = (
    _section_child,
    _section_contact,
    _section_agencies,
    _section_rag,
    _section_threshold,
    _section_decision,
    _section_consent,
    _section_actions,
    _section_informed,
    _section_dissent,
    _section_sign_off,
    _section_amendments,
)
"""The memo's numbered sections, in print order."""
