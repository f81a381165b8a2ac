"""What each document says, as plain frozen data: the first of the two steps of a document.

Services assemble these models from the database *for one recipient* (a memo for an agency
carries only that agency's information); :mod:`mash_desk.documents.render` turns a model into
PDF bytes. A model holds only text, numbers, dates and tuples — no ORM rows, no Qt — so it can
be kept as JSON with the issued document (:mod:`mash_desk.documents.serialize`) and rendered
again, byte for byte, for a reprint. Labels are already in words: the renderer decides layout,
never wording.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar


class DocumentKind(StrEnum):
    """The kinds of document MASH Desk issues."""

    DECISION_MEMO = "decision_memo"
    REFERRER_LETTER = "referrer_letter"
    ROUTING_NOTICE = "routing_notice"
    MEETING_MINUTES = "meeting_minutes"

    @property
    def label(self) -> str:
        """The kind in words."""
        return KIND_LABELS[self]


KIND_LABELS = {
    DocumentKind.DECISION_MEMO: "decision memo",
    DocumentKind.REFERRER_LETTER: "referrer outcome letter",
    DocumentKind.ROUTING_NOTICE: "step-up / step-down notification",
    DocumentKind.MEETING_MINUTES: "meeting minutes",
}


@dataclass(frozen=True)
class Letterhead:
    """The council and MASH printed at the top of every page (``resources/documents``)."""

    council: str
    service: str
    address: tuple[str, ...]
    telephone: str
    email: str
    out_of_hours: str
    marking: str
    handling: str


@dataclass(frozen=True)
class DocumentMeta:
    """What every document carries: kind, title, reference, when, for whom, and copy state.

    ``generated_at`` is when the model was assembled; it is printed and is also the PDF's
    creation date, so identical models give identical bytes. ``reprinted_on`` is set on a
    copy: every page then says "COPY — reprinted <date>", and its reference carries
    ``copy_number``, so two copies reprinted on one day still differ (and hash differently).
    """

    kind: str
    title: str
    reference: str
    generated_at: datetime
    prepared_for: str
    letterhead: Letterhead
    timezone: str = "Europe/London"
    """Times are stored in UTC and printed in the MASH's own time zone."""
    reprinted_on: date | None = None
    copy_number: int = 0
    draft: bool = False


@dataclass(frozen=True)
class Field:
    """A labelled value (an identifier, a detail)."""

    label: str
    value: str


@dataclass(frozen=True)
class ChildDetails:
    """The child the document is about."""

    name: str
    date_of_birth: date | None
    expected_delivery: date | None
    age_text: str
    sex: str
    identifiers: tuple[Field, ...]
    address: str | None
    postcode: str | None
    flags: tuple[str, ...]


@dataclass(frozen=True)
class HouseholdMember:
    """Someone living with or linked to the child."""

    name: str
    relationship: str
    age_text: str
    same_household: bool


@dataclass(frozen=True)
class ContactSummary:
    """The contact that became the referral."""

    contact_id: int
    received_at: datetime
    channel: str
    referrer: str
    source: str
    concerns: str
    risk_indicators: tuple[str, ...]


@dataclass(frozen=True)
class ReferralSummary:
    """The referral the decision is on."""

    referral_id: int
    referral_at: datetime
    primary_need: str
    decision_due_at: datetime
    rag: str | None


@dataclass(frozen=True)
class AgencyReturn:
    """An agency check: what the agency was asked and what it returned."""

    agency: str
    question: str
    status: str
    answer: str
    requested_at: datetime
    returned_at: datetime | None


@dataclass(frozen=True)
class RagEntry:
    """One RAG rating with its reason."""

    rated_at: datetime
    value: str
    reason: str
    rated_by: str


@dataclass(frozen=True)
class ThresholdIndicator:
    """A ticked indicator, worded as in the document version the decision used."""

    level: int
    domain: str
    text: str


@dataclass(frozen=True)
class ThresholdSummary:
    """The threshold level of the decision, against the document version used."""

    level: int
    level_label: str
    document_title: str
    document_id: str
    document_version: str
    suggested_level: int | None
    override: bool
    level_rationale: str | None
    indicators: tuple[ThresholdIndicator, ...]
    consent_rule: str
    pathways_raised: tuple[str, ...]
    outcome_level_reason: str | None = None
    """Why this outcome at this level, when they disagree (NFA at Level 4, s17 at Level 2).
    Defaulted so memos stored before it existed still load for a reprint."""


@dataclass(frozen=True)
class ConsentEntry:
    """Consent recorded for the child for one purpose."""

    purpose: str
    state: str
    detail: str
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class SharingEntry:
    """Information shared with an agency (an agency check asked of it): with whom, when, what."""

    agency: str
    shared_at: datetime
    what: str
    by: str


@dataclass(frozen=True)
class ActionEntry:
    """An action of the decision: what, whose, by when, and where it stands."""

    description: str
    owner: str
    due_on: date
    status: str


@dataclass(frozen=True)
class InformedEntry:
    """Someone told of the decision or routing: who, how and when."""

    party: str
    who: str
    how: str
    when: datetime | None


@dataclass(frozen=True)
class EscalationEntry:
    """An agency's dissent and where its escalation stands."""

    agency: str
    reason: str
    raised_at: datetime
    stage: int
    stage_name: str
    status: str
    due_at: datetime
    resolution: str | None


@dataclass(frozen=True)
class SignOff:
    """Who drafted and signed the decision, and where."""

    drafted_by: str
    drafted_at: datetime
    signed_by: str | None
    signed_at: datetime | None
    where: str


@dataclass(frozen=True)
class AmendmentEntry:
    """One version of the decision in its amendment history."""

    revision: int
    decision_id: int
    status: str
    signed_at: datetime | None
    signed_by: str | None
    outcome: str
    level: int
    reason: str | None


@dataclass(frozen=True)
class Supersession:
    """The later signed version that replaced the decision a memo records.

    Set on a memo (and on every reprint of it) once an amendment is signed, so a copy of
    version 1 printed after version 2 says it is no longer the decision in force.
    """

    revision: int
    decision_id: int
    reference: str
    signed_at: datetime | None
    signed_by: str | None
    reason: str | None

    def sentence(self, when: str) -> str:
        """The notice in words; ``when`` is the signing time as the document prints it."""
        by = f" by {self.signed_by}" if self.signed_by else ""
        why = f" Reason for the amendment: {self.reason}" if self.reason else ""
        return (
            f"SUPERSEDED: this decision has been replaced by version {self.revision} "
            f"(decision {self.decision_id}, memo {self.reference}), signed {when}{by}. "
            f"Act on version {self.revision}, not on this one.{why}"
        )


@dataclass(frozen=True)
class DecisionMemo:
    """The decision memo of one decision version, for one recipient (seed 000 L1189)."""

    meta: DocumentMeta
    decision_id: int
    referral_id: int
    revision: int
    status: str
    child: ChildDetails
    household: tuple[HouseholdMember, ...]
    contact: ContactSummary
    referral: ReferralSummary
    agency_scope: str
    agency_returns: tuple[AgencyReturn, ...]
    rag_history: tuple[RagEntry, ...]
    threshold: ThresholdSummary
    outcome: str
    rationale: str
    pathways: tuple[str, ...]
    allocated_team: str | None
    allocated_worker: str | None
    s47_started_on: date | None
    consents: tuple[ConsentEntry, ...]
    sharing: tuple[SharingEntry, ...]
    actions: tuple[ActionEntry, ...]
    informed: tuple[InformedEntry, ...]
    escalations: tuple[EscalationEntry, ...]
    sign_off: SignOff
    amendments: tuple[AmendmentEntry, ...]
    superseded_by: Supersession | None = None
    """The later signed version in force, if this one has been amended since."""


@dataclass(frozen=True)
class Paragraphs:
    """A block of text under a heading (no heading: ``heading`` is empty)."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class ReferrerLetter:
    """The referrer's acknowledgement and outcome letter for one signed decision version."""

    meta: DocumentMeta
    decision_id: int
    revision: int
    to_name: str
    to_role: str | None
    to_agency: str | None
    child_name: str
    child_born: str
    contact_received_at: datetime
    decided_on: date
    outcome: str
    sections: tuple[Paragraphs, ...]
    signed_by: str
    signed_role: str


@dataclass(frozen=True)
class RoutingNotice:
    """A step-up, step-down or transfer notification, for professionals or the family.

    The family variant carries no professional reason or handover summary (they may hold
    agency information the family is not told): only plain-language sections.
    """

    meta: DocumentMeta
    routing_id: int
    audience: str
    kind_label: str
    child_name: str
    child_born: str
    from_service: str
    to_service: str
    to_team: str | None
    level_before: int | None
    level_after: int
    reason: str | None
    handover_summary: str | None
    family_consent: str
    childrens_centre_offer: bool
    informed: tuple[InformedEntry, ...]
    sections: tuple[Paragraphs, ...]


@dataclass(frozen=True)
class Attendee:
    """Someone from an agency at the meeting."""

    agency: str
    name: str
    present: bool


@dataclass(frozen=True)
class MinuteCase:
    """One child on the agenda and what the meeting decided."""

    position: int
    child_name: str
    referral_id: int
    rag: str | None
    status: str
    decision_id: int | None
    revision: int | None
    outcome: str | None
    level_label: str | None
    rationale: str | None
    pathways: tuple[str, ...]
    actions: tuple[ActionEntry, ...]
    deferred_reason: str | None
    dissent: tuple[str, ...]


@dataclass(frozen=True)
class MeetingMinutes:
    """The minutes of one daily MASH meeting: attendance, quorum and each case's decision."""

    meta: DocumentMeta
    meeting_id: int
    meeting_date: date
    chair: str
    attendance: tuple[Attendee, ...]
    quorate: bool
    quorum_missing: tuple[str, ...]
    quorum_reason: str | None
    cases: tuple[MinuteCase, ...]
    signed_off_by: str | None
    signed_off_at: datetime | None


Document = DecisionMemo | ReferrerLetter | RoutingNotice | MeetingMinutes
DOCUMENT_TYPES: dict[str, type] = {
    DocumentKind.DECISION_MEMO.value: DecisionMemo,
    DocumentKind.REFERRER_LETTER.value: ReferrerLetter,
    DocumentKind.ROUTING_NOTICE.value: RoutingNotice,
    DocumentKind.MEETING_MINUTES.value: MeetingMinutes,
}

D = TypeVar("D", bound=Document)


def as_copy(document: D, reprinted_on: date, number: int = 1) -> D:
    """The same document marked as copy ``number``, reprinted on ``reprinted_on``."""
    meta = dataclasses.replace(document.meta, reprinted_on=reprinted_on, copy_number=number)
    return dataclasses.replace(document, meta=meta)
