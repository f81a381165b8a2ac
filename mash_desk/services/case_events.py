"""The chronology of a child's case record: every event, newest first, paged (issue 16).

Split out of :mod:`mash_desk.services.case`. Each kind of event is one read whatever the
history's length; the case record holds the newest page of events and says how many there are.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select

from mash_desk.domain.enums import (
    OUTCOME_LABELS,
    PRIMARY_NEEDS,
    REFERRAL_SOURCES,
    Channel,
    ContactOutcome,
)
from mash_desk.services.context import Unit
from mash_desk.services.thresholds import AssessmentDTO
from mash_desk.storage.models import (
    Allocation,
    AuditEntry,
    Contact,
    ContactChild,
    ContactOutcomeRow,
    Person,
    RagRating,
    Referral,
    User,
)
from mash_desk.storage.server_audit import CHANGE_PREFIX

# Event kinds of the chronology, in the order things happen to one contact (logged, rated,
# screened, closed, referred).
EVENT_KINDS: dict[str, str] = {
    "contact": "Contact",
    "rag": "RAG rating",
    "threshold": "Threshold level",
    "outcome": "Outcome",
    "referral": "Referral",
    "allocation": "Allocation",
    "audit": "Record change",
}
# Events saved in one transaction share an instant; they keep the order above (newest
# first), with record changes (a child created with their first contact) before them all.
_KIND_RANK = {
    "audit": 0,
    "contact": 1,
    "rag": 2,
    "threshold": 3,
    "outcome": 4,
    "referral": 5,
    "allocation": 6,
}

# Audit actions already shown as an event of their own: listing them again as "record
# change" would show every step twice.
_SHOWN_ELSEWHERE = frozenset(
    {
        "contact.logged",
        "rag.changed",
        "contact.screened",
        "referral.level_reviewed",
        "contact.outcome_recorded",
        "referral.created",
        "work.taken",
        "work.allocated",
        "work.reallocated",
    }
)

_CHANNEL_LABELS = {
    Channel.PHONE: "Phone",
    Channel.EMAIL: "Email",
    Channel.REFERRAL_FORM: "Referral form",
    Channel.POLICE_NOTIFICATION: "Police notification",
    Channel.DROP_IN: "Drop-in",
    Channel.OUT_OF_HOURS: "Out-of-hours handover",
    Channel.PRIVATE_FOSTERING: "Private-fostering notification",
}
_AUDIT_LABELS = {
    "person.created": "Record created",
    "person.updated": "Details changed",
    "relationship.added": "Relationship recorded",
    "qa.rerated": "Re-rated blind for consistency QA",
    "person.merged": "Duplicate record merged into this one",
    "person.merged_away": "Merged into another record (this is the duplicate)",
}
SUMMARY_LENGTH = 140
# The chronology opens on its newest entries (issue 16), so the view's table and the DTO stay
# the same size however long the history. The case view asks for the rest with "Show older
# entries"; the meeting's case summary, which reads contacts back to the previous referral,
# asks for all.
CHRONOLOGY_PAGE = 200


@dataclass(frozen=True)
class CaseEvent:
    """One line of the chronology.

    ``kind`` is a key of :data:`EVENT_KINDS`; ``assessment`` is set for threshold events so
    the view can show the assessment against its own document version.
    """

    when: datetime
    kind: str
    who: str
    summary: str
    detail: str = ""
    contact_id: int | None = None
    contact_child_id: int | None = None
    referral_id: int | None = None
    assessment: AssessmentDTO | None = None
    ref: int = 0
    """Id of the row the event comes from (a stable tie-break within one kind)."""

    @property
    def kind_label(self) -> str:
        """The kind as a practitioner reads it."""
        return EVENT_KINDS.get(self.kind, self.kind)


def words(code: str) -> str:
    """A stored code in words: ``"child_in_need"`` reads ``"child in need"``."""
    return code.replace("_", " ")


def _one_line(text: str | None, limit: int = SUMMARY_LENGTH) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


class _Page:
    """Counts the rows of each event read; ``read_events`` keeps the newest ``limit`` events.

    The reads are not bounded in SQL: with an ORDER BY ... LIMIT on the event's time a typical
    child's case opened slower on SQLite (measured at one year: ~17 to ~21 ms; the planner may
    walk a time index rather than the child's rows), and a child's rows are few. What a long
    history cost was its statements, now a fixed number, and the rows the view then shows.
    """

    def __init__(self, limit: int | None):
        self.limit = limit
        self.total = 0

    def rows(self, execute: Callable[[Any], Any], stmt: Select, *newest_first: Any) -> list:
        """Run ``stmt`` and count its rows (``newest_first`` says how a page would be cut)."""
        rows = execute(stmt).all()
        self.total += len(rows)
        return rows


class UserNames:
    """Display names of users, all read with the first one asked for.

    A long history names many workers; one look-up each made the statements grow with the
    history (issue 16). The desk's users are a council's staff, a few hundred rows at most.
    """

    def __init__(self, unit: Unit):
        self._unit = unit
        self._known: dict[int, str] | None = None

    def __call__(self, user_id: int | None) -> str:
        """The display name of ``user_id`` ("" for none, "unknown user" if not found)."""
        if user_id is None:
            return ""
        if self._known is None:
            rows = self._unit.conn.execute(select(User.id, User.display_name))
            self._known = {uid: name for uid, name in rows}
        return self._known.get(user_id) or "unknown user"


def _contact_events(unit: Unit, person_id: int, names: UserNames, page: _Page) -> list[CaseEvent]:
    rows = page.rows(
        unit.conn.execute,
        select(
            ContactChild.id,
            Contact.id,
            Contact.received_at,
            Contact.channel,
            Contact.referrer_name,
            Contact.referrer_role,
            Contact.referrer_agency,
            Contact.referral_source,
            Contact.concerns,
            Contact.created_by,
        )
        .join(Contact, Contact.id == ContactChild.contact_id)
        .where(ContactChild.person_id == person_id),
        Contact.received_at.desc(),
        ContactChild.id.desc(),
    )
    events = []
    for cc_id, contact_id, received, channel, name, role, agency, source, concerns, by in rows:
        try:
            how = _CHANNEL_LABELS[Channel(channel)]
        except ValueError:
            how = words(channel).capitalize()
        who_referred = ", ".join(x for x in (name, role, agency) if x) or REFERRAL_SOURCES.get(
            source, source
        )
        events.append(
            CaseEvent(
                when=received,
                kind="contact",
                who=names(by),
                summary=_one_line(f"{how} contact from {who_referred}: {concerns}"),
                detail=concerns,
                contact_id=contact_id,
                contact_child_id=cc_id,
                ref=cc_id,
            )
        )
    return events


def _rag_events(unit: Unit, person_id: int, names: UserNames, page: _Page) -> list[CaseEvent]:
    rows = page.rows(
        unit.conn.execute,
        select(
            RagRating.id,
            RagRating.value,
            RagRating.reason,
            RagRating.rated_by,
            RagRating.rated_at,
            ContactChild.id,
            ContactChild.contact_id,
        )
        .join(ContactChild, ContactChild.id == RagRating.contact_child_id)
        .where(ContactChild.person_id == person_id),
        RagRating.rated_at.desc(),
        RagRating.id.desc(),
    )
    return [
        CaseEvent(
            when=at,
            kind="rag",
            who=names(by),
            summary=_one_line(f"Rated {value.upper()}: {reason}"),
            detail=reason,
            contact_id=contact_id,
            contact_child_id=cc_id,
            ref=rid,
        )
        for rid, value, reason, by, at, cc_id, contact_id in rows
    ]


def _threshold_events(assessments: list[AssessmentDTO]) -> list[CaseEvent]:
    events = []
    for a in assessments:
        # QA re-ratings are checks on practice, not decisions about the child.
        if a.kind == "qa":
            continue
        where = "Referral review" if a.kind == "referral" else "Screening"
        if a.override:
            how = f"overriding suggested Level {a.suggested_level}: {a.rationale or ''}"
        elif a.suggested_level is None:
            how = f"no indicators ticked: {a.rationale or ''}"
        else:
            how = "suggested level confirmed"
        # The version comes before the rationale so a long rationale never truncates it away.
        summary = f"{where}: {a.level_label} ({a.document}) — {how}"
        detail_lines = [f"{a.document_title} ({a.document})", summary]
        detail_lines += [f"• Level {i.level}: {i.text}" for i in a.indicators]
        if a.pathways:
            detail_lines.append("Pathways: " + ", ".join(a.pathways))
        events.append(
            CaseEvent(
                when=a.assessed_at,
                kind="threshold",
                who=a.assessed_by,
                summary=_one_line(summary),
                detail="\n".join(detail_lines),
                contact_child_id=a.contact_child_id,
                referral_id=a.referral_id,
                assessment=a,
                ref=a.id,
            )
        )
    return events


def _outcome_events(unit: Unit, person_id: int, names: UserNames) -> list[CaseEvent]:
    rows = unit.conn.execute(
        select(
            ContactOutcomeRow.id,
            ContactOutcomeRow.outcome,
            ContactOutcomeRow.recorded_by,
            ContactOutcomeRow.recorded_at,
            ContactChild.id,
            ContactChild.contact_id,
            ContactChild.no_offer_reason,
        )
        .join(ContactChild, ContactChild.id == ContactOutcomeRow.contact_child_id)
        .where(ContactChild.person_id == person_id)
        .order_by(ContactOutcomeRow.id)
    ).all()
    # Outcomes recorded together (one save) are one event.
    grouped: dict[tuple[int, datetime], list] = {}
    for row in rows:
        grouped.setdefault((row[4], row[3]), []).append(row)
    events = []
    for (cc_id, at), group in grouped.items():
        labels = []
        for row in group:
            try:
                labels.append(OUTCOME_LABELS[ContactOutcome(row[1])])
            except ValueError:
                labels.append(words(row[1]))
        text = "Contact closed with: " + "; ".join(labels)
        if group[0][6]:
            text += f" (no children's-centre offer: {group[0][6]})"
        events.append(
            CaseEvent(
                when=at,
                kind="outcome",
                who=names(group[0][2]),
                summary=_one_line(text),
                detail=text,
                contact_id=group[0][5],
                contact_child_id=cc_id,
                ref=group[0][0],
            )
        )
    return events


def read_referrals(unit: Unit, person_id: int) -> list[tuple[Referral, int]]:
    """The child's referrals, newest first, each with its contact's id.

    Read once for the chronology and the referrals list of the case record.
    """
    return [
        (referral, contact_id)
        for referral, contact_id in unit.session.execute(
            select(Referral, ContactChild.contact_id)
            .join(ContactChild, ContactChild.id == Referral.contact_child_id)
            .where(Referral.person_id == person_id)
            .order_by(Referral.referral_at.desc(), Referral.id.desc())
        )
    ]


def _referral_events(rows: list[tuple[Referral, int]], names: UserNames) -> list[CaseEvent]:
    events = []
    for referral, contact_id in rows:
        need = PRIMARY_NEEDS.get(referral.primary_need, referral.primary_need)
        status = words(referral.status)
        text = f"MASH referral — primary need {referral.primary_need} {need}; {status}"
        if referral.level is not None:
            text += f"; Level {referral.level}"
        if referral.referral_nfa:
            text += "; no further action after referral"
        events.append(
            CaseEvent(
                when=referral.referral_at,
                kind="referral",
                who=names(referral.created_by),
                summary=_one_line(text),
                detail=text
                + f"\nSource: {REFERRAL_SOURCES.get(referral.source, referral.source)}"
                + f"\nDecision due {referral.decision_due_at:%d %b %Y %H:%M} UTC",
                contact_id=contact_id,
                contact_child_id=referral.contact_child_id,
                referral_id=referral.id,
                ref=referral.id,
            )
        )
    return events


def _allocation_events(
    unit: Unit, person_id: int, names: UserNames, page: _Page
) -> list[CaseEvent]:
    rows = page.rows(
        unit.session.execute,
        select(Allocation).where(Allocation.person_id == person_id),
        Allocation.allocated_at.desc(),
        Allocation.id.desc(),
    )
    events = []
    for (a,) in rows:
        what = "contact" if a.contact_child_id is not None else "referral"
        to = names(a.to_user_id) + (f" ({a.team})" if a.team else "")
        if a.kind == "taken":
            text = f"Took the {what}" + (f" ({a.team})" if a.team else "")
        else:
            verb = "Reallocated" if a.kind == "reallocated" else "Allocated"
            text = f"{verb} the {what} to {to}"
            if a.from_user_id is not None:
                text += f", from {names(a.from_user_id)}"
        if a.reason:
            text += f": {a.reason}"
        events.append(
            CaseEvent(
                when=a.allocated_at,
                kind="allocation",
                who=names(a.allocated_by),
                summary=_one_line(text),
                detail=text,
                contact_child_id=a.contact_child_id,
                referral_id=a.referral_id,
                ref=a.id,
            )
        )
    return events


def _audit_events(unit: Unit, person_id: int, names: UserNames, page: _Page) -> list[CaseEvent]:
    rows = page.rows(
        unit.conn.execute,
        select(
            AuditEntry.id,
            AuditEntry.at,
            AuditEntry.user_id,
            AuditEntry.action,
            AuditEntry.entity,
            AuditEntry.entity_id,
            AuditEntry.detail,
        ).where(
            # The audit trail cannot be rewritten, so a merged-away record's rows stay under
            # its id: read them with the kept record's.
            AuditEntry.person_id.in_(
                select(Person.id).where(
                    or_(Person.id == person_id, Person.merged_into == person_id)
                )
            ),
            AuditEntry.action.not_in(_SHOWN_ELSEWHERE),
            # The rows the server writes for every changed row (storage/server_audit.py) say
            # which table changed, not what happened to the child: the chronology lists events.
            AuditEntry.action.not_like(f"{CHANGE_PREFIX}%"),
        ),
        AuditEntry.at.desc(),
        AuditEntry.id.desc(),
    )
    events = []
    for audit_id, at, user_id, action, entity, entity_id, raw in rows:
        try:
            detail = json.loads(raw) if raw else {}
        except ValueError:
            detail = {}
        label = _AUDIT_LABELS.get(action, words(action.replace(".", " ")).capitalize())
        if action == "person.updated" and isinstance(detail.get("changes"), dict):
            changed = ", ".join(words(k) for k in detail["changes"]) or "nothing"
            label += f": {changed}"
        elif action == "relationship.added" and detail.get("kind"):
            other = unit.session.get(Person, detail.get("person") or 0)
            who = f"{other.given_name} {other.family_name.upper()}" if other else "someone"
            label += f": {who} — {words(detail['kind'])}"
        events.append(
            CaseEvent(
                when=at,
                kind="audit",
                who=names(user_id),
                summary=_one_line(label),
                detail=f"{action} on {entity} {entity_id or ''}".strip(),
                ref=audit_id,
            )
        )
    return events


def read_events(
    unit: Unit,
    person_id: int,
    assessments: list[AssessmentDTO],
    referrals: list[tuple[Referral, int]],
    names: UserNames,
    limit: int | None,
) -> tuple[list[CaseEvent], int]:
    """The newest ``limit`` events of the child (all with ``None``), and how many there are."""
    page = _Page(limit)
    events = [
        *_threshold_events(assessments),
        *_outcome_events(unit, person_id, names),
        *_referral_events(referrals, names),
    ]
    page.total += len(events)
    events += [
        *_contact_events(unit, person_id, names, page),
        *_rag_events(unit, person_id, names, page),
        *_allocation_events(unit, person_id, names, page),
        *_audit_events(unit, person_id, names, page),
    ]
    events.sort(key=lambda e: (e.when, _KIND_RANK.get(e.kind, 99), e.ref), reverse=True)
    if limit is not None:
        del events[limit:]
    return events, page.total
