"""The chair's view: what the meeting decides on, beside the decision form.

Four reading panes (Designer form ``ui/meeting_chair_panel.ui``): the concern narratives in
full (every contact behind the referral), the agency returns, the history (previous
referrals, re-referral, open plans, household, flags) and the threshold assessment with its
indicators in the document's own wording and the level it suggested. The text comes from
``case.view`` and ``checks.for_referral``, read in the background by meeting mode.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QWidget

from mash_desk.domain.referrals import is_re_referral
from mash_desk.gui.forms.ui_meeting_chair_panel import Ui_MeetingChairPanel

When = Callable[[datetime], str]


def _referral(case: Any, referral_id: int) -> Any:
    return next((r for r in getattr(case, "referrals", ()) if r.id == referral_id), None)


def _referral_event(case: Any, referral_id: int) -> Any:
    return next(
        (e for e in case.events if e.kind == "referral" and e.referral_id == referral_id), None
    )


def concern_text(case: Any, referral_id: int, when: When) -> str:
    """Every contact behind the referral, in full: its own, and those since the last one.

    The concerns that built up to this referral are the contacts about the child after the
    previous referral, up to this one; the chair reads them all, not only the last.
    """
    own = _referral_event(case, referral_id)
    at = own.when if own is not None else None
    before = [
        e.when
        for e in case.events
        if e.kind == "referral" and e.referral_id != referral_id and (at is None or e.when < at)
    ]
    since = max(before) if before else None
    contacts = [
        e
        for e in case.events
        if e.kind == "contact"
        and (at is None or e.when <= at)
        and (since is None or e.when > since)
    ]
    contacts.sort(key=lambda e: e.when)
    if not contacts:
        return "No contact is recorded behind this referral."
    parts = []
    for e in contacts:
        mark = (
            " — this referral's contact"
            if own and e.contact_child_id == own.contact_child_id
            else ""
        )
        head = e.summary.split(":", 1)[0]
        parts.append(f"{when(e.when)} · {head}{mark}\n{e.detail or e.summary}")
    return "\n\n".join(parts)


def checks_text(checks: Any, when: When) -> str:
    """Each agency asked, its question and its return (or how long it is awaited)."""
    if not checks.checks:
        return "No agency checks were asked for this referral."
    lines = []
    for c in checks.checks:
        if c.status == "returned":
            state = f"returned: {c.answer}"
        elif c.overdue:
            state = f"⚠ OVERDUE — {c.timing}"
        else:
            state = f"awaited — {c.timing}"
        lines.append(f"{c.agency_name} — {c.question}\n    {state}")
    return "\n".join(lines)


def history_text(case: Any, referral_id: int, when: When) -> str:
    """Who the child is, previous referrals, re-referral, open plans, household and flags."""
    lines = [f"{case.child.full_name}, {case.age_text}"]
    if case.address:
        lines.append(f"Address: {case.address}")
    this = _referral(case, referral_id)
    at = this.referral_at if this is not None else None
    # The referral being decided is never its own predecessor.
    earlier = [
        r for r in case.referrals if r.id != referral_id and (at is None or r.referral_at < at)
    ]
    if at is not None and is_re_referral(at, [r.referral_at for r in earlier]):
        lines.append("⚑ Re-referral: a previous referral within 12 months of this one.")
    elif earlier:
        lines.append("Not a re-referral: no referral in the 12 months before this one.")
    else:
        lines.append("First referral of this child.")
    for r in earlier:
        decided = r.latest_signed
        what = f"{decided.outcome.label}, Level {decided.level}" if decided else r.status
        lines.append(f"  • {r.referral_at:%d/%m/%Y} · {r.primary_need_label} · {what}")
    services = case.history.open_services
    if services:
        lines.append("Open now:")
        for s in services:
            name = s.service.replace("_", " ").capitalize()
            team = f" ({s.team})" if s.team else ""
            lines.append(f"  • {name}{team} since {s.since:%d/%m/%Y}")
    else:
        lines.append("No open plan or service.")
    # Re-referral and open services are worked out above for *this* referral; the case's own
    # flags for them look at today, and would count the referral being decided.
    lines += [
        f"⚑ {f.label}: {f.detail}"
        for f in case.flags
        if f.code not in ("re_referral", "open_service")
    ]
    lines += [
        f"Deadline: {d.what} — due {when(d.due_at)}" + (" ⚠ OVERDUE" if d.overdue else "")
        for d in case.deadlines
    ]
    if case.household:
        lines.append(
            "Household: "
            + "; ".join(f"{m.person.full_name} ({m.relationship})" for m in case.household)
        )
    return "\n".join(lines)


def threshold_text(case: Any, referral_id: int) -> str:
    """The newest assessment behind the referral: indicators as the document words them."""
    own = _referral_event(case, referral_id)
    cc = own.contact_child_id if own is not None else None
    found = [
        e.assessment
        for e in case.events
        if e.kind == "threshold"
        and e.assessment is not None
        and (e.referral_id == referral_id or (cc is not None and e.contact_child_id == cc))
    ]
    if not found:
        return "No threshold assessment is recorded for this referral yet."
    a = max(found, key=lambda x: (x.assessed_at, x.id))
    suggested = (
        f"Level {a.suggested_level}" if a.suggested_level is not None else "no level (none ticked)"
    )
    lines = [
        f"Suggested: {suggested} · chosen: {a.level_label}"
        + (f" (override: {a.rationale})" if a.override else ""),
        f"{a.document_title} ({a.document}), by {a.assessed_by}",
    ]
    lines += [f"• Level {i.level} · {i.domain}: {i.text}" for i in a.indicators]
    if a.pathways:
        lines.append("Pathways: " + ", ".join(a.pathways))
    return "\n".join(lines)


class ChairPanel(QWidget):
    """The chair's reading panes for the child on screen."""

    def __init__(self, parent: QWidget | None = None):
        """Build the panes from the Designer form."""
        super().__init__(parent)
        self.ui = Ui_MeetingChairPanel()
        self.ui.setupUi(self)

    def loading(self) -> None:
        """Say each pane is loading (a new child is on screen)."""
        for pane in self.panes():
            pane.setText("Loading…")

    def panes(self) -> tuple:
        """The four reading panes, in reading order."""
        ui = self.ui
        return (ui.concernText, ui.checksText, ui.historyText, ui.thresholdText)

    def show_case(self, case: Any, referral_id: int, when: When) -> None:
        """Fill the concern, history and threshold panes from the case."""
        self.ui.concernText.setText(concern_text(case, referral_id, when))
        self.ui.historyText.setText(history_text(case, referral_id, when))
        self.ui.thresholdText.setText(threshold_text(case, referral_id))

    def show_checks(self, checks: Any, when: When) -> None:
        """Fill the agency-returns pane."""
        self.ui.checksText.setText(checks_text(checks, when))

    def case_failed(self, message: str) -> None:
        """Say the case could not be read, in each of its panes."""
        for pane in (self.ui.concernText, self.ui.historyText, self.ui.thresholdText):
            pane.setText("⚠ " + message)
