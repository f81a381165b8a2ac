"""The minutes of a daily meeting, built from the database (issue 6).

Read inside the caller's write unit, which also takes the access-log row of every child on the
agenda; :class:`mash_desk.services.documents.DocumentService` checks who may.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from mash_desk.documents.models import (
    ActionEntry,
    Attendee,
    DocumentKind,
    MeetingMinutes,
    MinuteCase,
)
from mash_desk.domain.meetings import PATHWAY_LABELS, AgendaStatus, DecisionOutcome
from mash_desk.domain.thresholds import ThresholdLibrary
from mash_desk.services.access import record_access
from mash_desk.services.context import ServiceContext, Unit
from mash_desk.services.decisions import ActionDTO, DecisionDTO
from mash_desk.services.document_parts import (
    ACCESS,
    Agencies,
    Names,
    action_entry,
    agencies,
    document_meta,
)
from mash_desk.services.meetings import AgendaItemDTO, MeetingDTO
from mash_desk.storage.models import Decision, Escalation, Meeting


def build_minutes(
    unit: Unit, ctx: ServiceContext, meeting: MeetingDTO, versions: dict[int, DecisionDTO]
) -> MeetingMinutes:
    """A meeting's minutes from its agenda and its decisions' versions (access rows written)."""
    names = Names(unit)
    agency_names = agencies(unit)
    stored = unit.session.get(Meeting, meeting.id)
    assert stored is not None
    decisions: dict[int, Decision] = {}
    for d in unit.session.scalars(
        select(Decision)
        .where(Decision.meeting_id == meeting.id)
        .order_by(Decision.revision, Decision.id)
    ):
        decisions[d.referral_id] = d
    case = _CaseMinute(
        ctx.thresholds.library(unit.conn),
        versions,
        _dissent(unit, [d.id for d in decisions.values()], agency_names),
        lambda a: action_entry(a, agency_names, names),
    )
    minutes = MeetingMinutes(
        meta=document_meta(
            unit,
            ctx,
            DocumentKind.MEETING_MINUTES,
            "Meeting minutes",
            f"MASH/MM/{meeting.meeting_date:%Y%m%d}",
            "Attendees and service managers",
        ),
        meeting_id=meeting.id,
        meeting_date=meeting.meeting_date,
        chair=meeting.chair_name,
        attendance=tuple(
            Attendee(a.agency_name, a.attendee_name, a.present) for a in meeting.attendance
        ),
        quorate=meeting.quorate,
        quorum_missing=tuple(agency_names.name_of_code(c) for c in meeting.quorum_missing),
        quorum_reason=meeting.quorum_reason,
        cases=tuple(
            case(position, item, decisions.get(item.referral_id))
            for position, item in enumerate(meeting.agenda, start=1)
        ),
        signed_off_by=names(stored.signed_off_by) or None,
        signed_off_at=stored.signed_off_at,
    )
    for item in meeting.agenda:
        record_access(
            unit, item.person_id, ACCESS[DocumentKind.MEETING_MINUTES], minutes.meta.reference
        )
    return minutes


def _dissent(unit: Unit, decision_ids: list[int], agency_names: Agencies) -> dict[int, list[str]]:
    """Each decision's recorded dissent: "Agency: reason", oldest first."""
    dissent: dict[int, list[str]] = {}
    for e in unit.session.scalars(
        select(Escalation).where(Escalation.decision_id.in_(decision_ids)).order_by(Escalation.id)
    ):
        dissent.setdefault(e.decision_id, []).append(
            f"{agency_names.name(e.agency_id)}: {e.reason}"
        )
    return dissent


@dataclass(frozen=True)
class _CaseMinute:
    """Minutes one agenda item: what was decided, at which level, with what dissent."""

    library: ThresholdLibrary
    versions: dict[int, DecisionDTO]
    dissent: dict[int, list[str]]
    action: Callable[[ActionDTO], ActionEntry]

    def __call__(self, position: int, item: AgendaItemDTO, decided: Decision | None) -> MinuteCase:
        deferred = item.deferred_reason if item.status is AgendaStatus.DEFERRED else None
        if decided is None:
            return MinuteCase(
                position=position,
                child_name=item.child_name,
                referral_id=item.referral_id,
                rag=item.rag,
                status=item.status.value,
                decision_id=None,
                revision=None,
                outcome=None,
                level_label=None,
                rationale=None,
                pathways=(),
                actions=(),
                deferred_reason=deferred,
                dissent=(),
            )
        dto = self.versions.get(decided.id)
        document = self.library.get((decided.document_id, decided.document_version))
        return MinuteCase(
            position=position,
            child_name=item.child_name,
            referral_id=item.referral_id,
            rag=item.rag,
            status=decided.status,
            decision_id=decided.id,
            revision=decided.revision,
            outcome=DecisionOutcome(decided.outcome).label,
            level_label=document.level(decided.level).label,
            rationale=decided.rationale,
            pathways=tuple(PATHWAY_LABELS[p] for p in dto.pathways) if dto else (),
            actions=tuple(self.action(a) for a in dto.actions) if dto else (),
            deferred_reason=deferred,
            dissent=tuple(self.dissent.get(decided.id, ())),
        )
