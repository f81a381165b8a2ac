"""The case record and its decisions as HTML for the case view.

Every user string is escaped; due times and overdue work are said in words.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from mash_desk.domain.meetings import (
    OUTCOME_LABELS,
    PATHWAY_LABELS,
    DecisionOutcome,
    DecisionStatus,
    EscalationStatus,
)
from mash_desk.domain.routing import InformedParty, RoutingStatus
from mash_desk.gui.chronology import describe_time
from mash_desk.gui.routing_dialog import (
    KIND_SHORT,
    METHOD_LABELS,
    PARTY_LABELS,
    STATUS_LABELS,
)
from mash_desk.gui.strategy_dialog import S47_LABELS
from mash_desk.services.case import (
    CaseDTO,
    ReferralRecord,
)
from mash_desk.services.decisions import DecisionDTO, EscalationDTO
from mash_desk.services.routing import RoutingDTO
from mash_desk.services.strategy import StrategyDTO

OVERDUE_SIGN = "⚠"
_OVERDUE = OVERDUE_SIGN
_PENDING = "◷"  # a clock face every shipped font has (U+23F1 is often missing)
_DONE = "✔"
_TABLE = '<table width="100%" border="1" cellspacing="0" cellpadding="4">'


def when_text(value: datetime, tz: Any, fmt: str = "%a %d %b %Y %H:%M") -> str:
    """``value`` in the time zone ``tz``, as ``fmt`` says."""
    return value.astimezone(tz).strftime(fmt)


def _row(label: str, html_value: str) -> str:
    return f'<tr><td width="22%" valign="top"><b>{escape(label)}</b></td><td>{html_value}</td></tr>'


def _text(value: str | None) -> str:
    """User text, escaped, with its line breaks kept."""
    return escape(value or "").replace("\n", "<br>")


def _due_html(due_at: datetime, now: datetime, tz: Any, *, done: bool = False) -> str:
    """Urgency in words and a sign, never colour alone."""
    when = when_text(due_at, tz)
    if done:
        return f"{escape(when)}"
    if due_at < now:
        return f"<b>{_OVERDUE} {escape(describe_time(due_at, now))}</b> (due {escape(when)})"
    return f"{_PENDING} {escape(describe_time(due_at, now))} (due {escape(when)})"


def _level_html(d: DecisionDTO, document: str) -> str:
    """The level with why it was chosen and why the outcome departs from it, when it does.

    ``document`` is already escaped; the two reasons are the chair's own words, escaped here.
    """
    parts = [f"Level {d.level} (threshold document {document})"]
    if d.suggested_level is not None and d.suggested_level != d.level:
        parts.append(f"Overrides the suggested Level {d.suggested_level}")
    if d.level_rationale:
        parts.append(f"Why this level: {_text(d.level_rationale)}")
    if d.outcome_level_reason:
        parts.append(f"Why this outcome at this level: {_text(d.outcome_level_reason)}")
    return "<br>".join(parts)


def _decision_html(
    record: ReferralRecord, d: DecisionDTO, case: CaseDTO, now: datetime, tz: Any
) -> str:
    superseded = record.superseded_by(d)
    if d.status is DecisionStatus.DRAFT:
        state = (
            f"✎ <b>DRAFT</b> by {escape(case.user_name(d.drafted_by))} — not signed; it may "
            "still change at the meeting"
        )
    else:
        assert d.signed_at is not None
        state = (
            f"{_DONE} Signed by {escape(case.user_name(d.signed_by))} on "
            f"{escape(when_text(d.signed_at, tz))} · read-only (changed only by amendment)"
        )
        if superseded is not None:
            state += f" · <b>SUPERSEDED by version {superseded}</b>"
        elif d is record.latest_signed:
            state += " · <b>IN FORCE</b>"
    if d.meeting_id is not None:
        where = f"decided at meeting {d.meeting_id}"
    elif d.amends_id is not None:
        where = "amended by a manager or chair"
    else:
        where = "decided between meetings: red referral"
    rows = [f'<tr><td colspan="2"><b>Version {d.revision}</b> — {state}</td></tr>']
    if d.amends_id is not None:
        amended = next((x.revision for x in record.decisions if x.id == d.amends_id), None)
        rows.append(_row(f"Amends version {amended}", f"Reason: {_text(d.amendment_reason)}"))
    rows.append(_row("Outcome", escape(OUTCOME_LABELS[d.outcome]) + f" ({escape(where)})"))
    document = escape(" ".join(str(part) for part in d.document))
    rows.append(_row("Level", _level_html(d, document)))
    rows.append(_row("Rationale", _text(d.rationale)))
    pathways = ", ".join(escape(PATHWAY_LABELS[p]) for p in d.pathways) or "None"
    rows.append(_row("Parallel pathways", pathways))
    actions = []
    for a in d.actions:
        owner = case.agency_name(a.owner_agency) or case.user_name(a.owner_user_id)
        actions.append(
            f"• {_text(a.description)} — owner: {escape(owner)} — due {a.due_on:%a %d %b %Y}"
        )
    rows.append(_row("Actions", "<br>".join(actions) or "None"))
    allocated = [x for x in (d.allocated_team, case.user_name(d.allocated_worker_id)) if x]
    if allocated:
        rows.append(_row("Allocated", escape(" · ".join(allocated))))
    if d.s47_started_on is not None:
        rows.append(_row("s47 enquiry started", f"{d.s47_started_on:%a %d %b %Y}"))
    informed = [
        f"{who}: {_text(text)}"
        for who, text in (
            ("Family", d.inform_family),
            ("Referrer", d.inform_referrer),
            ("Professionals", d.inform_professionals),
        )
        if text
    ]
    if informed:
        rows.append(_row("Who is informed", "<br>".join(informed)))
    return _TABLE + "".join(rows) + "</table><br>"


def _strategy_html(
    record: ReferralRecord, s: StrategyDTO, case: CaseDTO, now: datetime, tz: Any
) -> str:
    version = next((d.revision for d in record.decisions if d.id == s.decision_id), "?")
    people = "; ".join(
        f"{escape(case.agency_name(code))}: {escape(name)}" for code, name in s.attendees
    )
    rows = [
        f'<tr><td colspan="2"><b>Strategy discussion</b> held {escape(when_text(s.held_at, tz))} '
        f"(decision version {version})</td></tr>",
        _row("Attendees", people),
        _row("s47 decision", escape(S47_LABELS[s.s47_decision])),
        _row("Rationale", _text(s.rationale)),
    ]
    held = conference_text(s)
    if s.icpc_due_at is not None and s.icpc_not_required_on is not None:
        assert s.icpc_recorded_at is not None
        rows.append(
            _row("Initial conference (ICPC) target", _due_html(s.icpc_due_at, now, tz, done=True))
        )
        rows.append(
            _row(
                "Initial conference (ICPC)",
                f"<b>{_DONE} {escape(no_conference_text(s) or '')}</b> (recorded by "
                f"{escape(case.user_name(s.icpc_recorded_by))} on "
                f"{escape(when_text(s.icpc_recorded_at, tz))})",
            )
        )
        rows.append(_row("Why no conference", _text(s.icpc_not_required_reason or "")))
    elif s.icpc_due_at is not None and held is not None:
        assert s.icpc_recorded_at is not None
        sign = _DONE if s.icpc_within_target else _OVERDUE
        rows.append(
            _row("Initial conference (ICPC) target", _due_html(s.icpc_due_at, now, tz, done=True))
        )
        rows.append(
            _row(
                "Initial conference (ICPC)",
                f"<b>{sign} {escape(held)}</b> (recorded by "
                f"{escape(case.user_name(s.icpc_recorded_by))} on "
                f"{escape(when_text(s.icpc_recorded_at, tz))})",
            )
        )
    elif s.icpc_due_at is not None:
        target = _due_html(s.icpc_due_at, now, tz)
        if s.icpc_due_at < now and s == conference_owed(record):
            target += " — initial conference target passed, no conference recorded"
        elif s.icpc_due_at < now:
            target = escape(when_text(s.icpc_due_at, tz))
        rows.append(_row("Initial conference (ICPC) target", target))
    else:
        rows.append(_row("Initial conference (ICPC) target", "None (no further s47 action)"))
    return _TABLE + "".join(rows) + "</table><br>"


def _escalation_html(
    record: ReferralRecord, e: EscalationDTO, case: CaseDTO, now: datetime, tz: Any
) -> str:
    version = next((d.revision for d in record.decisions if d.id == e.decision_id), "?")
    if e.status is EscalationStatus.RESOLVED:
        state = f"{_DONE} Resolved: {_text(e.resolution)}"
    else:
        state = _due_html(e.due_at, now, tz)
    rows = [
        f'<tr><td colspan="2"><b>{escape(case.agency_name(e.agency_code))} disagrees</b> '
        f"with decision version {version} — stage {e.stage}: {escape(e.stage_name)}</td></tr>",
        _row("Reason", _text(e.reason)),
        _row("Stage due" if e.status is EscalationStatus.OPEN else "Outcome", state),
    ]
    return _TABLE + "".join(rows) + "</table><br>"


def _routing_html(r: RoutingDTO, case: CaseDTO, tz: Any) -> str:
    head = (
        f"<b>{escape(KIND_SHORT[r.kind])}</b>: {escape(case.agency_name(r.from_agency))} → "
        f"{escape(case.agency_name(r.to_agency))}"
        + (f" ({escape(r.to_team)})" if r.to_team else "")
        + f" — routing {r.id}"
    )
    before = f"Level {r.level_before}" if r.level_before is not None else "not recorded"
    consent = {True: "given", False: "not given", None: "not recorded"}[r.family_consent]
    status = escape(STATUS_LABELS[r.status])
    if r.status is RoutingStatus.REJECTED or (
        r.status is RoutingStatus.ACCEPTED and r.response_reason
    ):
        status += f": {_text(r.response_reason)}"
    acknowledged_at = getattr(r, "acknowledged_at", None)
    if acknowledged_at is not None:
        who = getattr(r, "acknowledged_by", None) or "the receiving service"
        on = escape(when_text(acknowledged_at, tz))
        status += f"<br>{_DONE} Acknowledged by {escape(who)} on {on}"
    told = {i.party for i in r.informed}
    informed = [
        f"{_DONE} {escape(PARTY_LABELS[i.party])}: {escape(i.who)} — "
        f"{escape(METHOD_LABELS[i.method])}, {escape(when_text(i.informed_at, tz))}"
        for i in r.informed
    ]
    informed += [
        f"✘ {escape(PARTY_LABELS[p])}: not yet informed" for p in InformedParty if p not in told
    ]
    rows = [
        f'<tr><td colspan="2">{head}</td></tr>',
        _row("Levels", f"{before} → Level {r.level_after}"),
        _row("Family consent", consent),
        _row("Status", status),
        _row("Who was informed", "<br>".join(informed)),
        _row("Reason", _text(r.reason)),
        _row("Handover summary", _text(r.handover_summary)),
    ]
    if r.childrens_centre_offer:
        rows.append(_row("Children's centre", "ℹ Offer recorded (under 5, no social care need)"))
    return _TABLE + "".join(rows) + "</table><br>"


def case_record_html(case: CaseDTO, now: datetime, tz: Any) -> str:
    """The decisions, strategy discussions, escalations and routings of a case, as rich text.

    Every piece of typed text is escaped; urgency is in words with a sign.
    """
    parts: list[str] = []
    linked = {r.referral_id for r in case.routings}
    for record in case.referrals:
        rag = f" · {record.rag.value.upper()}" if record.rag else ""
        level = f" · Level {record.level}" if record.level is not None else ""
        parts.append(
            f"<h3>Referral {record.id} — received {escape(when_text(record.referral_at, tz))} · "
            f"{escape(record.primary_need_label)} · {escape(record.status.replace('_', ' '))}"
            f"{level}{rag}</h3>"
        )
        parts.append("<h4>Decision versions</h4>")
        if record.decisions:
            for d in reversed(record.decisions):  # newest version first
                parts.append(_decision_html(record, d, case, now, tz))
        else:
            parts.append("<p>No decision yet: waiting for the daily meeting.</p>")
        if record.strategies or (
            record.latest_signed and record.latest_signed.outcome is DecisionOutcome.S47
        ):
            parts.append("<h4>Strategy discussions</h4>")
            for s in record.strategies:
                parts.append(_strategy_html(record, s, case, now, tz))
            if not record.strategies:
                parts.append(
                    f"<p><b>{_OVERDUE} No strategy discussion recorded</b> for this s47 "
                    "decision yet.</p>"
                )
        if record.escalations:
            parts.append("<h4>Escalations (professional disagreement)</h4>")
            for e in record.escalations:
                parts.append(_escalation_html(record, e, case, now, tz))
        if record.id in linked:
            parts.append("<h4>Routings following this referral's decisions</h4>")
            for r in reversed(case.routings):
                if r.referral_id == record.id:
                    parts.append(_routing_html(r, case, tz))
    others = [r for r in case.routings if r.referral_id is None]
    if others:
        parts.append("<h3>Routings not linked to a decision</h3>")
        parts += [_routing_html(r, case, tz) for r in reversed(others)]
    if not parts:
        parts.append(
            "<p>No referrals or routings yet: decisions, strategy discussions, escalations "
            "and routings appear here once the child is referred to the MASH.</p>"
        )
    return "".join(parts)


def conference_text(s: StrategyDTO) -> str | None:
    """``"ICPC held 20 Nov 2026 — within target"`` or ``"… — 3 working days late"``.

    None while no conference is recorded.
    """
    if s.icpc_held_on is None:
        return None
    held = f"ICPC held {s.icpc_held_on:%d %b %Y}"
    late = s.icpc_working_days_late or 0
    if s.icpc_within_target:
        return f"{held} — within target"
    if late:
        return f"{held} — {late} working day{'s' if late != 1 else ''} late"
    return f"{held} — late (after the target date)"  # on a closed day just after it


def no_conference_text(s: StrategyDTO) -> str | None:
    """``"No conference needed — s47 concluded 23 Nov 2026"``; None unless so recorded."""
    if s.icpc_not_required_on is None:
        return None
    return f"No conference needed — s47 concluded {s.icpc_not_required_on:%d %b %Y}"


def conference_owed(record: ReferralRecord) -> StrategyDTO | None:
    """The discussion of ``record`` whose initial conference is still owed, if any.

    The same rule as the managers' overdue list: one conference per enquiry, carried by the
    referral's latest discussion (if it decided to proceed), settled by a conference (or "no
    conference needed") recorded against any of its discussions; nothing is owed once the
    decision in force is not s47.
    """
    latest = record.latest_signed
    if not record.strategies or latest is None or latest.outcome is not DecisionOutcome.S47:
        return None
    if any(
        s.icpc_held_on is not None or s.icpc_not_required_on is not None for s in record.strategies
    ):
        return None
    newest = max(record.strategies, key=lambda s: (s.held_at, s.id))
    return newest if newest.conference_owed else None


def overdue_count(case: CaseDTO, now: datetime) -> int:
    """How many escalation stages and conference targets of the case are past due."""
    late = sum(1 for e in case.escalations if e.status is EscalationStatus.OPEN and e.due_at < now)
    for record in case.referrals:
        owed = conference_owed(record)
        late += owed is not None and owed.icpc_due_at is not None and owed.icpc_due_at < now
    return late
