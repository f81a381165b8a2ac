"""The chronology of a child's case record: every event, newest first, paged (issue 16).

Split out of :mod:`mash_desk.services.case`. Each kind of event is one prepared read
(storage/prepared_case.py) whatever the history's length; the case record holds the newest
page of events and says how many there are.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mash_desk.domain.enums import (
    OUTCOME_LABELS,
    PRIMARY_NEEDS,
    REFERRAL_SOURCES,
    Channel,
    ContactOutcome,
)
from mash_desk.domain.thresholds import ThresholdLibrary
from mash_desk.services.context import Unit
from mash_desk.services.thresholds import AssessmentDTO, assessment_dto
from mash_desk.storage import prepared_case as q

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
# A chronology entry is one line of the case view's table, so its summary is cut to a line.
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


class UserNames:
    """Display names of users, all read with the first one asked for.

    A long history names many workers; one look-up each made the statements grow with the
    history (issue 16). The desk's users are a council's staff, a few hundred rows at most.
    """

    def __init__(self, unit: Unit):
        self._unit = unit
        self._known: dict[int, str] | None = None

    @property
    def known(self) -> dict[int, str]:
        """Every user's display name by id."""
        if self._known is None:
            self._known = dict(q.USERS.all(self._unit.sql))
        return self._known

    def __call__(self, user_id: int | None) -> str:
        """The display name of ``user_id`` ("" for none, "unknown user" if not found)."""
        if user_id is None:
            return ""
        return self.known.get(user_id) or "unknown user"


class PeopleNames:
    """Names of people an audit row mentions, from those the case record already read.

    A relationship recorded for the child names the other person, who is in the child's
    household list; anyone else is looked up once (a link since removed by a merge).
    """

    def __init__(self, unit: Unit, known: dict[int, tuple[str, str]]):
        self._unit = unit
        self._known = known

    def __call__(self, person_id: int) -> tuple[str, str] | None:
        """(given name, family name) of ``person_id``, or ``None`` if there is no such person."""
        if person_id not in self._known:
            row = q.PERSON_NAME.first(self._unit.sql, pid=person_id)
            # None remembers "no such person" so it is not asked again; the cache is typed by
            # what callers pass in (names only).
            self._known[person_id] = (row[0], row[1]) if row else None  # type: ignore[assignment]
        return self._known[person_id]


def _contact_events(rows: list[Any], names: UserNames) -> list[CaseEvent]:
    events = []
    for r in rows:
        try:
            how = _CHANNEL_LABELS[Channel(r.channel)]
        except ValueError:
            how = words(r.channel).capitalize()
        who_referred = ", ".join(
            x for x in (r.referrer_name, r.referrer_role, r.referrer_agency) if x
        ) or REFERRAL_SOURCES.get(r.referral_source, r.referral_source)
        events.append(
            CaseEvent(
                when=r.received_at,
                kind="contact",
                who=names(r.created_by),
                summary=_one_line(f"{how} contact from {who_referred}: {r.concerns}"),
                detail=r.concerns,
                contact_id=r.contact_id,
                contact_child_id=r.cc_id,
                ref=r.cc_id,
            )
        )
    return events


def _rag_events(unit: Unit, person_id: int, names: UserNames) -> list[CaseEvent]:
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
        for rid, value, reason, by, at, cc_id, contact_id in q.RAGS.all(unit.sql, pid=person_id)
    ]


def read_assessments(
    unit: Unit, library: Callable[[], ThresholdLibrary], person_id: int, names: UserNames
) -> list[AssessmentDTO]:
    """The child's assessments, newest first, each against its own document version.

    What ``thresholds.read_assessments`` gives, from one statement (the assessments joined to
    their ticked indicators); ``library`` is asked for only when there are assessments.
    """
    rows: dict[int, Any] = {}
    ticked: dict[int, list[str]] = {}
    for row in q.ASSESSMENTS.records(unit.sql, pid=person_id):
        rows.setdefault(row.id, row)
        found = ticked.setdefault(row.id, [])
        if row.indicator_id is not None:
            found.append(row.indicator_id)
    if not rows:
        return []
    documents = library()
    return [
        assessment_dto(
            row, documents.get((row.document_id, row.document_version)), ticked, names.known
        )
        for row in rows.values()
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
    rows = q.OUTCOMES.all(unit.sql, pid=person_id)
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


def read_referrals(unit: Unit, person_id: int) -> list[Any]:
    """The child's referrals, newest first: rows with the referral's columns and ``contact_id``.

    Read once for the chronology, the deadlines and the referrals list of the case record.
    """
    return q.REFERRALS.records(unit.sql, pid=person_id)


def read_contacts(unit: Unit, person_id: int) -> list[Any]:
    """The child's contacts with their child row's state (``cc_id``, ``status``, ``due_at``…).

    Read once for the chronology and the deadlines of open contacts.
    """
    return q.CONTACTS.records(unit.sql, pid=person_id)


def _referral_events(rows: list[Any], names: UserNames) -> list[CaseEvent]:
    events = []
    for referral in rows:
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
                contact_id=referral.contact_id,
                contact_child_id=referral.contact_child_id,
                referral_id=referral.id,
                ref=referral.id,
            )
        )
    return events


def _allocation_events(unit: Unit, person_id: int, names: UserNames) -> list[CaseEvent]:
    events = []
    for a in q.ALLOCATIONS.records(unit.sql, pid=person_id):
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


_AUDITS = q.audits(_SHOWN_ELSEWHERE)


# The audit actions whose label says what their detail holds; the others' detail is not read.
_DETAILED = frozenset({"person.updated", "relationship.added"})


def _audit_label(action: str, raw: str | None, people: PeopleNames) -> str:
    label = _AUDIT_LABELS.get(action, words(action.replace(".", " ")).capitalize())
    if action not in _DETAILED:
        return label
    try:
        detail = json.loads(raw) if raw else {}
    except ValueError:
        detail = {}
    if action == "person.updated" and isinstance(detail.get("changes"), dict):
        changed = ", ".join(words(k) for k in detail["changes"]) or "nothing"
        label += f": {changed}"
    elif action == "relationship.added" and detail.get("kind"):
        other = people(detail.get("person") or 0)
        who = f"{other[0]} {other[1].upper()}" if other else "someone"
        label += f": {who} — {words(detail['kind'])}"
    return label


def _audit_events(
    unit: Unit, person_id: int, names: UserNames, people: PeopleNames
) -> list[CaseEvent]:
    return [
        CaseEvent(
            when=at,
            kind="audit",
            who=names(user_id),
            summary=_one_line(_audit_label(action, raw, people)),
            detail=f"{action} on {entity} {entity_id or ''}".strip(),
            ref=audit_id,
        )
        for audit_id, at, user_id, action, entity, entity_id, raw in _AUDITS.all(
            unit.sql, pid=person_id
        )
    ]


@dataclass(frozen=True)
class ChronologyReads:
    """What the case record already read that the chronology lists too."""

    assessments: list[AssessmentDTO]
    referrals: list[Any]
    contacts: list[Any]
    names: UserNames
    people: PeopleNames


def read_events(
    unit: Unit,
    person_id: int,
    reads: ChronologyReads,
    limit: int | None,
) -> tuple[list[CaseEvent], int]:
    """The newest ``limit`` events of the child (all with ``None``), and how many there are.

    Each kind is one read whatever the history's length. The reads are not cut in SQL: with
    an ORDER BY ... LIMIT on the event's time a typical child's case opened slower on SQLite
    (the planner may walk a time index rather than the child's rows), and a child's rows are
    few. What a long history cost was its statements, now a fixed number.
    """
    names = reads.names
    events = [
        *_threshold_events(reads.assessments),
        *_outcome_events(unit, person_id, names),
        *_referral_events(reads.referrals, names),
        *_contact_events(reads.contacts, names),
        *_rag_events(unit, person_id, names),
        *_allocation_events(unit, person_id, names),
        *_audit_events(unit, person_id, names, reads.people),
    ]
    total = len(events)
    events.sort(key=lambda e: (e.when, _KIND_RANK.get(e.kind, 99), e.ref), reverse=True)
    if limit is not None:
        del events[limit:]
    return events, total
