"""Frozen results the services hand to callers.

Never ORM objects, so nothing lazy-loads on the GUI thread and nothing can be changed
behind a service's back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, NamedTuple, TypeVar

from mash_desk.domain.changes import ChangeKey
from mash_desk.domain.enums import ContactOutcome, Rag
from mash_desk.domain.matching import STRONG_MATCH_AT, FieldMatch

# Defined where the first queue page can use them without this module (issue 16, start-up);
# every caller has always found them here.
from mash_desk.services.actor import Actor  # noqa: F401
from mash_desk.services.queue_terms import QueueCursor, QueuePage, QueueRow  # noqa: F401

T = TypeVar("T")


CLOSED_PAGE = 200
"""How many closed items a partner's list shows at a time, newest closed first (issue 16).

A rep works from the open items; the closed ones are history, and all of them (22,000 checks
and 9,000 actions for the police on ten years) took seconds and grew without bound.
"""


class ClosedMark(NamedTuple):
    """Where a page of closed work ended: its last item's closing time and id.

    The next page is the items closed before it in (closing time, id) order: a keyset, so each
    page is one bounded index read however far back it is, and a row closed meanwhile neither
    repeats nor skips an older one.
    """

    closed_at: datetime
    id: int


@dataclass(frozen=True)
class OpResult(Generic[T]):
    """A change's result plus what changed, so a view refreshes only that (as in Anki).

    ``changed`` holds keys of the change vocabulary (``domain/changes.py``).
    """

    value: T
    changed: frozenset[ChangeKey] = frozenset()
    notices: tuple[str, ...] = ()


@dataclass(frozen=True)
class PersonDTO:
    """A child, unborn child or adult."""

    id: int
    kind: str
    given_name: str
    family_name: str
    date_of_birth: date | None
    expected_delivery: date | None
    sex: str
    nhs_number: str | None
    upn: str | None
    local_id: str | None
    household_id: int | None
    postcode: str | None
    disability: bool
    version: int

    @property
    def full_name(self) -> str:
        """Return "Given FAMILY" the way case records print names."""
        return f"{self.given_name} {self.family_name.upper()}"

    @property
    def unborn(self) -> bool:
        """Return whether this is an unborn child."""
        return self.date_of_birth is None and self.expected_delivery is not None


@dataclass(frozen=True)
class KnownSummary:
    """What the MASH already knows about a suggested child, for the duplicate list.

    ``plans`` are the services the child is open to today (``ServiceKind`` values), e.g. a
    child protection plan; ``current_level`` is the latest threshold level recorded.
    """

    open_work: int
    last_contact: datetime | None
    referrals_12_months: int
    current_level: int | None
    plans: tuple[str, ...]


@dataclass(frozen=True)
class MatchDTO:
    """A stored person who may be the one being entered, and why.

    ``known`` is filled only for users who may read the child's case (MASH staff); it is
    None for anyone else, so a suggestion never says more than its reader may see.
    """

    person: PersonDTO
    score: float
    reasons: tuple[FieldMatch, ...]
    known: KnownSummary | None = None

    @property
    def strong(self) -> bool:
        """Whether the match is strong enough that a new record needs a reason."""
        return self.score >= STRONG_MATCH_AT

    @property
    def explanation(self) -> str:
        """Return the reasons in one line, strongest first."""
        ordered = sorted(self.reasons, key=lambda r: -r.strength)
        return "; ".join(f"{r.how} ({r.strength:.0%})" for r in ordered)


@dataclass(frozen=True)
class RagRatingDTO:
    """One RAG rating in a child's history."""

    value: Rag
    reason: str
    rated_by: str
    rated_at: datetime


@dataclass(frozen=True)
class ContactChildDTO:
    """One child on a contact, as screened so far."""

    id: int
    contact_id: int
    person: PersonDTO
    status: str
    rag: Rag | None
    due_at: datetime | None
    provisional_level: int | None
    level_rationale: str | None
    threshold_document: str | None
    threshold_version: str | None
    outcomes: tuple[ContactOutcome, ...]
    rag_history: tuple[RagRatingDTO, ...]
    version: int


@dataclass(frozen=True)
class ContactDTO:
    """A logged contact with its children."""

    id: int
    received_at: datetime
    channel: str
    referrer_name: str | None
    referrer_role: str | None
    referrer_agency: str | None
    referral_source: str
    concerns: str
    risk_indicators: tuple[str, ...]
    children: tuple[ContactChildDTO, ...]
    version: int
    referrer_phone: str | None = None
    referrer_email: str | None = None


@dataclass(frozen=True)
class ReferralDTO:
    """A MASH referral with its CIN census fields and clocks."""

    id: int
    contact_child_id: int
    person_id: int
    referral_at: datetime
    source: str
    primary_need: str
    referral_nfa: bool | None
    status: str
    rag: Rag | None
    decision_due_at: datetime
    assessment_due_at: datetime
    version: int


@dataclass(frozen=True)
class PastContact:
    """A previous contact about the child, for the history check."""

    contact_id: int
    received_at: datetime
    outcomes: tuple[str, ...]


@dataclass(frozen=True)
class PastReferral:
    """A previous referral about the child, for the history check."""

    referral_id: int
    referral_at: datetime
    status: str
    primary_need: str


@dataclass(frozen=True)
class OpenService:
    """A service the child is open to right now."""

    service: str
    team: str | None
    since: date


@dataclass(frozen=True)
class HistoryDTO:
    """What the front door already knows about a child (screening's first question)."""

    person_id: int
    contacts: tuple[PastContact, ...]
    referrals: tuple[PastReferral, ...]
    re_referral_within_12_months: bool
    open_services: tuple[OpenService, ...]
    open_work: int
    total_contacts: int
    total_referrals: int

    @property
    def known(self) -> bool:
        """Return whether the child has any history at all."""
        return bool(self.total_contacts or self.total_referrals or self.open_services)
