"""Referrer letters, step-up / step-down notices (professional and family) and minutes."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Spacer,
    Table,
    TableStyle,
)

from mash_desk.documents.layout import (
    CELL_FONT,
    Fmt,
    actions_table,
    build,
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
from mash_desk.documents.models import (
    DocumentMeta,
    MeetingMinutes,
    Paragraphs,
    ReferrerLetter,
    RoutingNotice,
)
from mash_desk.documents.styles import (
    FRAME_WIDTH,
)


def render_letter(letter: ReferrerLetter) -> bytes:
    """The referrer's acknowledgement and outcome letter as PDF bytes."""
    return build(
        letter.meta,
        _letter_story(letter),
        subject_line(letter.meta, decision=letter.decision_id, revision=letter.revision),
    )


def _address_block(meta: DocumentMeta, to: Sequence[str | None]) -> Flowable:
    head = meta.letterhead
    ours = [head.service, *head.address, f"Telephone {head.telephone}", head.email]
    left = [para(line, "body") for line in to if line]
    right = [para(line, "small") for line in ours]
    block = Table([[left, right]], colWidths=[FRAME_WIDTH * 0.55, FRAME_WIDTH * 0.45], splitInRow=1)
    block.setStyle(
        TableStyle(
            [
                CELL_FONT,
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
            out.append(para(section.heading, heading))
        out += [para(text, body) for text in section.paragraphs]
    return out


def _letter_story(letter: ReferrerLetter) -> list[Flowable]:
    fmt = Fmt(letter.meta.timezone)
    story: list[Flowable] = [
        _address_block(letter.meta, [letter.to_name, letter.to_role, letter.to_agency]),
        Spacer(1, 5 * mm),
        labelled("Date:", fmt.day(letter.meta.generated_at.astimezone(fmt.tz).date())),
        labelled("Our reference:", letter.meta.reference),
        Spacer(1, 4 * mm),
        para(f"Dear {letter.to_name},"),
        para(f"Re: {letter.child_name} ({letter.child_born})", "h3"),
        Spacer(1, 1 * mm),
    ]
    story += _sections(letter.sections, "h3", "body")
    story += [
        Spacer(1, 5 * mm),
        para("Yours sincerely,"),
        Spacer(1, 6 * mm),
        para(letter.signed_by, "h3"),
        para(letter.signed_role, "body"),
        para(letter.meta.letterhead.service, "small"),
        Spacer(1, 4 * mm),
        note(letter.meta.letterhead.handling),
    ]
    return story


# ---- routing notices ---------------------------------------------------------------------


def render_routing_notice(notice: RoutingNotice) -> bytes:
    """A step-up / step-down / transfer notification (professional or family) as PDF bytes."""
    story = _family_story(notice) if notice.audience == "family" else _professional_story(notice)
    return build(
        notice.meta,
        story,
        subject_line(notice.meta, routing=notice.routing_id, audience=notice.audience),
    )


def _professional_story(n: RoutingNotice) -> list[Flowable]:
    fmt = Fmt(n.meta.timezone)
    levels = (
        f"Level {n.level_before} to Level {n.level_after}"
        if n.level_before
        else f"Level {n.level_after}"
    )
    story = opening(n.meta, f"{n.kind_label} notification", f"{n.child_name} · {n.child_born}")
    story += [
        fields(
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
        note(n.meta.letterhead.handling),
    ]
    story += heading2("Why")
    story += narrative("Reason", n.reason)
    story += narrative("Handover summary", n.handover_summary)
    story += heading2("Who has been told")
    story.append(informed_table(n.informed, fmt))
    story += _sections(n.sections, "h3", "body")
    story += end_mark("End of notification")
    return story


def _family_story(n: RoutingNotice) -> list[Flowable]:
    head = n.meta.letterhead
    story: list[Flowable] = [
        _address_block(n.meta, [f"To the parent or carer of {n.child_name}"]),
        Spacer(1, 4 * mm),
        para(n.meta.title, "title"),
        para(f"About {n.child_name} ({n.child_born})", "plain_h"),
    ]
    story += _sections(n.sections, "plain_h", "plain")
    story += [
        Spacer(1, 3 * mm),
        para("How to contact us", "plain_h"),
        para(
            f"Telephone {head.telephone} (Monday to Friday, 9am to 5pm) or e-mail {head.email}.",
            "plain",
        ),
        para(
            f"If you are worried about a child's safety out of hours, call {head.out_of_hours}.",
            "plain",
        ),
        para("If a child is in immediate danger, call 999.", "plain"),
        Spacer(1, 4 * mm),
        para(f"Our reference: {n.meta.reference}", "small"),
    ]
    return story


# ---- meeting minutes ---------------------------------------------------------------------


def render_minutes(minutes: MeetingMinutes) -> bytes:
    """The minutes of a daily MASH meeting as PDF bytes."""
    return build(
        minutes.meta,
        _minutes_story(minutes),
        subject_line(minutes.meta, meeting=minutes.meeting_id),
    )


def _minutes_story(m: MeetingMinutes) -> list[Flowable]:
    fmt = Fmt(m.meta.timezone)
    if m.quorate:
        quorum = "Quorate"
    else:
        quorum = f"Not quorate — not present: {', '.join(m.quorum_missing)}"
        if m.quorum_reason:
            quorum += f". Went on because: {m.quorum_reason}"
    signed = (
        f"{fmt.when(m.signed_off_at)} by {m.signed_off_by}" if m.signed_off_at else "Not signed off"
    )
    story = opening(
        m.meta, "Daily MASH meeting — minutes", f"{m.meeting_date:%A %d %B %Y} · Chair {m.chair}"
    )
    story += [
        fields(
            [
                ("Date", f"{m.meeting_date:%a %d %b %Y}"),
                ("Chair", m.chair),
                ("Cases", f"{len(m.cases)} on the agenda"),
                ("Signed off", signed),
            ]
        ),
        Spacer(1, 1 * mm),
        fields([("Quorum", quorum)], columns=1),
        Spacer(1, 2 * mm),
        note(m.meta.letterhead.handling),
    ]
    story += heading2("Attendance")
    story.append(
        table_of(
            ["Agency", "Name", "Attendance"],
            [[a.agency, a.name, "Present" if a.present else "Apologies"] for a in m.attendance],
            [5, 4, 2],
            empty="No attendance was recorded.",
        )
    )
    story += heading2("Cases and decisions")
    if not m.cases:
        story.append(para("No child was on the agenda."))
    for case in m.cases:
        rag = f", RAG {case.rag.upper()}" if case.rag else ", not rated"
        block: list[Flowable] = [
            CondPageBreak(30 * mm),
            para(f"{case.position}. {case.child_name} — referral {case.referral_id}{rag}", "h3"),
        ]
        if case.deferred_reason is not None:
            block.append(labelled("Deferred:", case.deferred_reason))
        elif case.decision_id is None:
            block.append(labelled("Status:", case.status))
        else:
            block.append(
                labelled(
                    "Decision:",
                    f"{case.outcome} — {case.level_label} "
                    f"(decision {case.decision_id}, version {case.revision}, {case.status})",
                )
            )
            block.append(labelled("Rationale:", case.rationale))
            if case.pathways:
                block.append(labelled("Pathways:", "; ".join(case.pathways)))
            if case.actions:
                block.append(actions_table(case.actions, fmt))
                block.append(Spacer(1, 1.5 * mm))
        for dissent in case.dissent:
            block.append(labelled("Dissent:", dissent))
        story += block
    story += end_mark("End of minutes")
    return story
