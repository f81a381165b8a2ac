"""Fill an empty MASH Desk database with years of invented front-door history.

The rows look exactly like rows the services write (contacts, per-child screening, RAG
history, consents, outcomes, referrals, people, households, relationships, audit entries),
at Harrow's volumes (domain brief §9): about 9,400 contacts and 2,300 referrals a year,
37 contacts a working day, 11.5 % re-referrals within 12 months. Work received in the last
working day or two before ``end`` is still open, so the demo queue shows live work.

Referrals go through the daily MASH meeting (see ``meetings``): agency checks with their
returns, meetings with attendance and agendas, signed decisions (a few amended, a few disputed
through the escalation protocol), referrer feedback, actions, step-up and step-down routings
and strategy discussions. The history's last day is the demo's "today": no meeting yet and
20–25 referrals awaiting a decision, so a chair can run today's meeting.

Every screening applies the shipped threshold document, kept whole in ``threshold_documents``:
a threshold assessment with the indicators ticked (see ``thresholds``), about 7 % of them
overridden one level with a rationale. Histories of a quarter or more end with one completed
consistency-QA sample: 40 screenings of the last quarter re-rated blind by other practitioners.

Rows are generated a month at a time and bulk-inserted with INSERTs compiled by SQLAlchemy
Core for the database's dialect (see ``bulk``): in this process, one transaction per month,
for short histories; on Linux, for longer ones, by a forked writer process (a year per
transaction) while this process invents the next month. Primary keys are assigned here (from
``max(id) + 1``) so child rows reference their parents without round trips; on PostgreSQL the
id sequences are moved past them at the end. Each row is written once in its final state,
with the ``version`` a service would have left (1, plus one per later update such as
screening, a RAG change or the outcome). Everything random comes from one seeded
``random.Random`` and seeded Faker instances: the same seed, period and database give the
same rows.
"""

from __future__ import annotations

import json
import math
import random
import sys
import time as timer
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from operator import itemgetter
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from mash_desk.domain.deadlines import Deadlines
from mash_desk.domain.enums import (
    ConsentPurpose,
    ConsentState,
    ContactOutcome,
    Rag,
    RelationshipKind,
    Role,
    WorkStatus,
)
from mash_desk.domain.outcomes import SOCIAL_CARE_OUTCOMES, is_under_five
from mash_desk.domain.policy import default_policy
from mash_desk.domain.thresholds import ThresholdDocument, parse_document
from mash_desk.services.threshold_store import shipped_documents
from mash_desk.storage.audit_chain import Chainer, read_head
from mash_desk.storage.base import Base
from mash_desk.storage.database import Database
from mash_desk.storage.models import (
    Agency,
    AgencyCheckRequest,
    AgendaItem,
    AssessmentIndicator,
    AuditEntry,
    Consent,
    Contact,
    ContactChild,
    ContactOutcomeRow,
    Decision,
    Escalation,
    Household,
    Meeting,
    Person,
    QaItem,
    QaSample,
    RagRating,
    Referral,
    Relationship,
    RiskIndicatorRow,
    Routing,
    ServiceEpisode,
    StrategyDiscussion,
    ThresholdAssessment,
    ThresholdDocumentRow,
    User,
)
from mash_desk.storage.reference_data import SYSTEM_USERNAME
from mash_desk.synthetic.bulk import Batch, InlineWriter, ProcessWriter, Writer
from mash_desk.synthetic.catalogue import (
    CHANNELS_BY_SOURCE,
    CLOSINGS,
    DEFAULT_CHANNELS,
    DISPOSITION_BY_LEVEL,
    EARLY_HELP_TEAMS,
    LEVEL_LOWERED,
    LEVEL_RAISED,
    LEVEL_RATIONALES,
    NO_OFFER_REASONS,
    NOT_SOUGHT_REASONS,
    OPENERS,
    OUT_OF_HOURS_OPENER,
    OUT_OF_HOURS_SOURCES,
    OVERRIDE_BASIS,
    QA_HIGHER,
    QA_LOWER,
    RAG_BY_LEVEL,
    RAG_REASONS,
    REFERRER_ROLES,
    REFUSED_REASONS,
    RERATE_DOWN,
    RERATE_UP,
    SOCIAL_CARE_TEAMS,
    THEMES,
    Theme,
)
from mash_desk.synthetic.meetings import TABLES as MEETING_TABLES
from mash_desk.synthetic.meetings import MeetingHistory
from mash_desk.synthetic.names import (
    NhsNumbers,
    Places,
    choose,
    key_of,
    name_pools,
)
from mash_desk.synthetic.people import Adult, Family, FamilyFactory, Kid
from mash_desk.synthetic.thresholds import IndicatorPicker
from mash_desk.synthetic.users import (
    DEMO_CHAIR,
    DEMO_EDT,
    DEMO_MANAGER,
    DEMO_USERS,
    ensure_demo_users,
)

Progress = Callable[[str, float], None]

# --- volumes (domain brief §9) ---------------------------------------------------------------
CONTACTS_PER_YEAR = 9400
# Police notifications overnight and EDT handovers: 10–15 % of contacts arrive out of hours.
OUT_OF_HOURS_SHARE = 0.125
# England has about 253 working days a year (261 weekdays less 8 bank holidays).
WORKING_DAYS_PER_YEAR = 253
# Out-of-hours time a year: 16 h on each working day plus the whole of the other 112 days.
_OOH_HOURS = 16 * WORKING_DAYS_PER_YEAR + 24 * (365.25 - WORKING_DAYS_PER_YEAR)
OFFICE_PER_DAY = CONTACTS_PER_YEAR * (1 - OUT_OF_HOURS_SHARE) / WORKING_DAYS_PER_YEAR
OOH_PER_HOUR = CONTACTS_PER_YEAR * OUT_OF_HOURS_SHARE / _OOH_HOURS
# Harrow's monthly contacts ranged 733–787 (000 L535): a summer-holiday dip, an autumn-term
# peak. Normalised to average 1.
_SEASON_RAW = (1.03, 1.03, 1.04, 0.96, 1.03, 1.05, 1.0, 0.85, 1.06, 1.07, 1.05, 0.9)
SEASON = tuple(s * 12 / sum(_SEASON_RAW) for s in _SEASON_RAW)
# About 12 % of contacts are about a sibling group of 2–4 children sharing a household.
SIBLING_SHARE = 0.125
SIBLING_SIZES = ((2, 62), (3, 27), (4, 11))
# Re-referrals within 12 months: Harrow brought them down from 19 % to 11.5 % (000 L380).
RE_REFERRAL_TARGET = 0.115
# Contacts about a child already open to a service (forwarded to the allocated worker).
OPEN_CHILD_SHARE = 0.075
# Contacts about a family the front door has met before, but not a re-referral.
KNOWN_FAMILY_SHARE = 0.2
KNOWN_FAMILY_SHARE_REFERRAL = 0.1
# A family not heard of for this long is not picked for repeat contacts any more.
FAMILY_MEMORY = timedelta(days=6 * 365)
# Some children are re-rated as checks come back (RAG can be raised or lowered, §4).
RERATE_SHARE = 0.05
# Under-5s closed with NFA and no children's-centre offer: rare, and always with a reason.
NO_OFFER_SHARE = 0.1
EARLY_HELP_TAKE_UP = 0.65

# Work received in the last two working days before ``end`` is often still waiting for its
# decision (the brief's live demo queue: dozens of rows, some overdue, some due soon).
BACKLOG_WORKING_HOURS = 16
BACKLOG_SHARE = 0.5

# The last fortnight stays in memory until the end, however the months fall: the demo day's
# last meetings, and its checks, are settled once the whole history is known (``meetings``).
FINAL_BATCH_DAYS = 14

# Histories this long are written by a forked second process while this one invents the next
# month (shorter ones are not worth the process).
PROCESS_WRITER_YEARS = 0.5


def shipped_document() -> ThresholdDocument:
    """Return the shipped threshold document every invented screening applies.

    The one with the latest effective date (then version): history from before it took effect
    is screened with it too, as no older document is shipped.
    """
    return max(shipped_documents(), key=lambda d: (d.effective_from, d.version))


THRESHOLD_DOCUMENT, THRESHOLD_VERSION = shipped_document().key
# About 6–8 % of screenings choose a level one away from the document's suggestion (§3).
OVERRIDE_SHARE = 0.07
# One completed consistency-QA sample near the end (000 L374), as a QA officer would draw:
# the usual quarter's screenings, by the demo manager, on a working day of the last week.
QA_SAMPLE_SIZE = 40
QA_PERIOD = timedelta(days=91)
QA_MIN_YEARS = 0.25
# Screenings kept in memory as QA candidates: the period plus the week before the end.
_QA_WINDOW = QA_PERIOD + timedelta(days=10)
# A re-rater agrees with the original level this often (a share drawn once per sample).
QA_AGREEMENT = (0.8, 0.9)

_RAG_ORDER = ("green", "amber", "red")
_DAY = timedelta(days=1)
_YEAR = timedelta(days=365)
# Codes as plain strings: reading ``.value`` of an enum member on every row is slow.
_NFA = ContactOutcome.NFA.value
_ADVICE = ContactOutcome.ADVICE.value
_EARLY_HELP = ContactOutcome.EARLY_HELP.value
_CHILDRENS_CENTRE = ContactOutcome.CHILDRENS_CENTRE.value
_FORWARD = ContactOutcome.FORWARD_TO_WORKER.value
_REFERRAL = ContactOutcome.REFERRAL.value
_SOCIAL_CARE = frozenset(o.value for o in SOCIAL_CARE_OUTCOMES)
_OPEN = WorkStatus.OPEN.value
_CLOSED = WorkStatus.CLOSED.value
_REFERRED = WorkStatus.REFERRED.value
_AWAITING = WorkStatus.AWAITING_DECISION.value
# English day and month names, independent of the machine's locale (strftime is not).
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_SHARE = ConsentPurpose.SHARE_INFORMATION.value
_EARLY_HELP_CONSENT = ConsentPurpose.EARLY_HELP.value
_ASSESSMENT = ConsentPurpose.ASSESSMENT.value
# Consent states by purpose and threshold level (§6): consent is mostly given; sharing
# without it ("overridden", with lawful basis and a manager's approval) happens at level 4,
# rarely at level 3; early help is consent-based, so never overridden.
_CONSENT_EARLY_HELP = (
    (ConsentState.GIVEN.value, 82),
    (ConsentState.SOUGHT.value, 10),
    (ConsentState.REFUSED.value, 8),
)
_CONSENT_BY_LEVEL = {
    4: (("given", 45), ("overridden", 33), ("not_sought", 12), ("sought", 6), ("refused", 4)),
    3: (("given", 72), ("sought", 10), ("refused", 8), ("not_sought", 7), ("overridden", 3)),
    2: (("given", 80), ("sought", 8), ("refused", 7), ("not_sought", 5)),
    1: (("given", 80), ("sought", 8), ("refused", 7), ("not_sought", 5)),
}


@dataclass(frozen=True)
class GenerationReport:
    """What ``generate`` wrote: counts per kind of row and how long it took."""

    seed: int
    start: datetime
    end: datetime
    contacts: int
    contact_children: int
    children: int
    unborn_children: int
    adults: int
    households: int
    relationships: int
    referrals: int
    re_referrals: int
    outcomes: int
    rag_ratings: int
    consents: int
    risk_indicators: int
    service_episodes: int
    audit_entries: int
    open_contact_children: int
    awaiting_referrals: int
    screenings: int
    overrides: int
    qa_items: int
    qa_agreed: int
    meetings: int
    decisions: int
    amendments: int
    agency_checks: int
    routings: int
    strategy_discussions: int
    escalations: int
    seconds: float

    def summary(self) -> str:
        """Return a few lines for the command line."""
        years = (self.end - self.start) / timedelta(days=365.25)
        rate = self.re_referrals / self.referrals if self.referrals else 0.0
        return "\n".join(
            (
                f"Synthetic history {self.start:%d %b %Y} – {self.end:%d %b %Y %H:%M} UTC "
                f"({years:.2f} years, seed {self.seed}), built in {self.seconds:.1f} s:",
                f"  {self.contacts:,} contacts about {self.contact_children:,} children "
                f"({self.open_contact_children:,} still open)",
                f"  {self.referrals:,} referrals ({rate:.1%} re-referrals within 12 months, "
                f"{self.awaiting_referrals:,} awaiting decision)",
                f"  {self.children:,} children ({self.unborn_children:,} first met unborn), "
                f"{self.adults:,} adults, {self.households:,} households, "
                f"{self.relationships:,} relationships",
                f"  {self.outcomes:,} outcomes, {self.rag_ratings:,} RAG ratings, "
                f"{self.consents:,} consents, {self.risk_indicators:,} risk indicators, "
                f"{self.service_episodes:,} service episodes, "
                f"{self.audit_entries:,} audit entries",
                f"  {self.screenings:,} threshold screenings ({self.overrides:,} overrides), "
                + (
                    f"a QA sample of {self.qa_items} re-rated "
                    f"({self.qa_agreed / self.qa_items:.0%} agreement)"
                    if self.qa_items
                    else "no QA sample (history too short)"
                ),
                f"  {self.meetings:,} daily meetings, {self.decisions:,} decisions "
                f"({self.amendments:,} amendments), {self.agency_checks:,} agency checks, "
                f"{self.routings:,} routings, {self.strategy_discussions:,} strategy "
                f"discussions, {self.escalations:,} escalations",
            )
        )


# Tables written with explicit ids, in the order their rows must be inserted.
_TABLES: tuple[type[Base], ...] = (
    ThresholdDocumentRow,
    Household,
    Person,
    Relationship,
    ServiceEpisode,
    Contact,
    RiskIndicatorRow,
    ContactChild,
    RagRating,
    Consent,
    ContactOutcomeRow,
    Referral,
    ThresholdAssessment,
    AssessmentIndicator,
    *MEETING_TABLES,
    QaSample,
    QaItem,
    AuditEntry,
)
# Rows held back while their referral awaits its decision (see ``_take_batch``).
_WAIT_FOR_REFERRAL = (
    (Referral, "id"),
    (AgencyCheckRequest, "referral_id"),
    (AgendaItem, "referral_id"),
)
_WITH_IDS = tuple(m for m in _TABLES if m not in (RiskIndicatorRow, AssessmentIndicator))
# Rows of these tables are built as tuples in column order (many, and only two columns).
_TUPLE_ROWS = (AssessmentIndicator,)


def _poisson(rng: random.Random, mean: float) -> int:
    """Return a Poisson-distributed count (Knuth's method: means here are below 40)."""
    limit = math.exp(-mean)
    count, product = 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _lower_first(words: str) -> str:
    """Return ``words`` with a leading capital lowered, unless it starts an acronym (GP, A&E)."""
    if len(words) > 1 and words[1].islower():
        return words[0].lower() + words[1:]
    return words


# Exactly the options ``Unit.audit`` serialises detail with (one encoder, built once).
_ENCODER = json.JSONEncoder(default=str, ensure_ascii=False, sort_keys=True)
# The same options through the C encoder, built once: ``JSONEncoder.encode`` builds it anew for
# every call, which is a good part of the cost of an audit row (the tests compare the two).
_C_ENCODE = (
    json.encoder.c_make_encoder(  # type: ignore[attr-defined]  # private C helper: not in typeshed
        None, str, json.encoder.encode_basestring, None, ": ", ", ", True, False, True
    )
    if json.encoder.c_make_encoder is not None  # type: ignore[attr-defined]  # as above
    else None
)


def _json(detail: dict[str, Any]) -> str:
    if _C_ENCODE is None:
        return _ENCODER.encode(detail)
    return "".join(_C_ENCODE(detail, 0))


# The most frequent audit details, written straight to JSON text: each gives exactly what
# ``_json`` gives for the same detail (the tests check), without the encoder's per-call cost.
# Their values are codes, ids and postcodes, which JSON never escapes.


def person_json(kind: str, unborn: bool) -> str:
    """Return the detail of ``person.created``."""
    return f'{{"kind": "{kind}", "unborn": {"true" if unborn else "false"}}}'


def household_json(postcode: str | None) -> str:
    """Return the detail of ``household.created``."""
    return _json({"postcode": postcode}) if postcode is None else f'{{"postcode": "{postcode}"}}'


def relationship_json(person: int, kind: str) -> str:
    """Return the detail of ``relationship.added``."""
    return f'{{"kind": "{kind}", "person": {person}}}'


def _codes(values: list[str]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def logged_json(
    children: list[int], channel: str, source: str, ratings: list[str], indicators: list[str]
) -> str:
    """Return the detail of ``contact.logged`` (every child rated at logging)."""
    return (
        f'{{"channel": "{channel}", "children": [{", ".join(map(str, children))}], '
        f'"ratings": {_codes(ratings)}, "risk_indicators": {_codes(indicators)}, '
        f'"source": "{source}"}}'
    )


def outcome_json(outcomes: list[str], rule_applied: bool, no_offer: str | None) -> str:
    """Return the detail of ``contact.outcome_recorded`` (``outcomes`` sorted)."""
    reason = "null" if no_offer is None else _ENCODER.encode(no_offer)
    return (
        f'{{"no_offer_reason": {reason}, "outcomes": {_codes(outcomes)}, '
        f'"under_five_rule_applied": {"true" if rule_applied else "false"}}}'
    )


def referral_json(source: str, need: str, decision_due: datetime) -> str:
    """Return the detail of ``referral.created``."""
    return (
        f'{{"decision_due_at": "{decision_due.isoformat()}", "primary_need": "{need}", '
        f'"source": "{source}"}}'
    )


def screened_json(
    assessment: int,
    document: str,
    version: str,
    indicators: list[str],
    suggested: int,
    level: int,
    override: bool,
    pathways: list[str],
    rag: str,
) -> str:
    """Return the detail of ``contact.screened`` (ids are slugs: nothing to escape)."""
    return (
        f'{{"assessment": {assessment}, "document": "{document}", '
        f'"document_version": "{version}", "indicators": {_codes(indicators)}, '
        f'"level": {level}, "override": {"true" if override else "false"}, '
        f'"pathways": {_codes(pathways)}, "rag": "{rag}", "suggested_level": {suggested}}}'
    )


class _Generator:
    def __init__(
        self, db: Database, seed: int, start: datetime, end: datetime, progress: Progress | None
    ):
        self.db = db
        self.seed = seed
        self.start = start
        self.end = end
        self.years = (end - start) / timedelta(days=365.25)
        self.progress = progress
        self.rng = random.Random(seed)
        self.policy = default_policy()
        self.deadlines = Deadlines.from_policy(self.policy)
        self.cal = self.deadlines.calendar
        self.tz = self.cal.timezone
        self.end_day = end.astimezone(self.tz).date()
        self.backlog_from = self._working_hours_before(end, BACKLOG_WORKING_HOURS)
        self.pools = name_pools(seed)
        self.places = Places(self.rng, seed)
        self.themes = THEMES
        self.theme_weights = [t.weight for t in THEMES]
        ooh_sources = {s for s, _ in OUT_OF_HOURS_SOURCES}
        # Out of hours only police, A&E, families and EDT partners ring: weight each theme by
        # the share of its sources that work at night.
        self.ooh_theme_weights = [
            t.weight
            * sum(w for s, w in t.sources if s in ooh_sources)
            / sum(w for _, w in t.sources)
            for t in THEMES
        ]
        self.counts: dict[str, int] = {
            name: 0
            for name in (
                "children",
                "unborn_children",
                "adults",
                "open_contact_children",
                "re_referrals",
                "screenings",
                "overrides",
                "qa_items",
                "qa_agreed",
            )
        }
        self.rows: dict[type, list[Any]] = {m: [] for m in _TABLES}
        self.written: dict[type, int] = {m: 0 for m in _TABLES}
        self.families: list[Family] = []
        self.open_kids: list[Kid] = []
        self.recent_referrals: deque[tuple[datetime, Kid]] = deque()
        # The referrer of the contact being written: (name, role, agency).
        self.referrer: tuple[str | None, str, str | None] = (None, "", None)
        self.referrals_made = 0
        # Threshold choices (indicators ticked, overrides, the QA sample) draw from their own
        # stream, so the rest of the history is the same as without them for a given seed.
        self.trng = random.Random(f"{seed}:thresholds")
        self.qa_from = end - _QA_WINDOW
        # Screenings that may be drawn for QA: (assessment id, person, contact child,
        # screener, screened at, level, contact's risk codes, theme, unborn).
        self.qa_candidates: list[tuple[Any, ...]] = []

    # --- setup ----------------------------------------------------------------------------

    def prepare(self) -> None:
        users = ensure_demo_users(self.db)
        self.practitioners = [
            users[u.username]
            for u in DEMO_USERS
            if u.role.value == "practitioner" and u.username != DEMO_EDT
        ]
        self.edt = users[DEMO_EDT]
        self.manager = users[DEMO_MANAGER]
        with self.db.reading() as session:
            contacts = session.scalar(select(func.count()).select_from(Contact)) or 0
            if contacts:
                raise ValueError(
                    f"This database already has {contacts:,} contacts: synthetic history is "
                    "only generated into an empty database, so it can never be mixed with real "
                    "records. Use a new (demo) database."
                )
            self.next_id = {
                m: (session.scalar(select(func.max(m.__table__.c.id))) or 0) + 1 for m in _WITH_IDS
            }
            head = read_head(session.connection())
            if head is None:
                raise ValueError("The audit chain has no head: run mash-desk db upgrade first.")
            self.chain = Chainer(*head) if self.db.dialect == "sqlite" else None
            taken = {
                n
                for n in session.scalars(
                    select(Person.nhs_number).where(Person.nhs_number.is_not(None))
                )
                if n is not None  # the query leaves none out; this tells the type checker
            }
            self.installer = (
                session.scalar(select(User.id).where(User.username == SYSTEM_USERNAME))
                or users["demo.admin"]
            )
            stored = session.execute(
                select(ThresholdDocumentRow.sha256, ThresholdDocumentRow.content).where(
                    ThresholdDocumentRow.document_id == THRESHOLD_DOCUMENT,
                    ThresholdDocumentRow.version == THRESHOLD_VERSION,
                )
            ).first()
        document = shipped_document()
        if stored is None:
            # Kept whole before any screening uses it, as the services' first use would.
            self.rows[ThresholdDocumentRow].append(
                {
                    "id": self._id(ThresholdDocumentRow),
                    "document_id": document.id,
                    "version": document.version,
                    "title": document.title,
                    "effective_from": document.effective_from,
                    "sha256": document.sha256,
                    "content": document.text,
                    "installed_at": self.start,
                    "installed_by": self.installer,
                }
            )
        elif stored.sha256 != document.sha256:
            # Installed already with other wording: the services show screenings against the
            # stored text, so tick indicators from it.
            document = parse_document(stored.content, "stored threshold document")
        self.picker = IndicatorPicker(document)
        # Rows are built as dicts (readable) and handed to the writer as tuples in column order.
        self.getters = {m: itemgetter(*(c.key for c in m.__table__.columns)) for m in _TABLES}
        self.factory = FamilyFactory(
            self.rng, self.pools, self.places, NhsNumbers(self.rng, taken), self.end_day
        )
        self.document_key = (THRESHOLD_DOCUMENT, THRESHOLD_VERSION)
        with self.db.reading() as session:
            agencies = dict(
                session.execute(select(Agency.code, Agency.id).where(Agency.active)).all()
            )
            names = dict(
                session.execute(
                    select(User.id, User.display_name).where(User.id.in_(users.values()))
                ).all()
            )
        # Each agency's demo rep returns its checks, answers its routings, closes its actions.
        reps = {
            u.agency: users[u.username]
            for u in DEMO_USERS
            if u.role is Role.PARTNER and u.agency in agencies
        }
        self.meetings = MeetingHistory(self, agencies, users, names, reps, users[DEMO_CHAIR])

    def _id(self, model: type) -> int:
        value = self.next_id[model]
        self.next_id[model] = value + 1
        return value

    def _audit(
        self,
        at: datetime,
        user: int,
        action: str,
        entity: str,
        entity_id: int | None,
        person_id: int | None,
        **detail: Any,
    ) -> None:
        self._audit_json(at, user, action, entity, entity_id, person_id, _json(detail))

    def _audit_json(
        self,
        at: datetime,
        user: int,
        action: str,
        entity: str,
        entity_id: int | None,
        person_id: int | None,
        detail: str,
    ) -> None:
        """Add an audit row whose detail is already serialised as ``Unit.audit`` would."""
        self.rows[AuditEntry].append(
            {
                "at": at,
                "user_id": user,
                "action": action,
                "entity": entity,
                "entity_id": entity_id,
                "person_id": person_id,
                "detail": detail,
            }
        )

    # --- time -----------------------------------------------------------------------------

    def _local(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=self.tz).astimezone(UTC)

    def _arrivals(self, day: date) -> list[datetime]:
        """Return when contacts arrived on local ``day`` (sorted, within the period)."""
        rng = self.rng
        season = SEASON[day.month - 1]
        day_start = self._local(day, time(0))
        day_end = self._local(day + _DAY, time(0))
        times: list[datetime] = []
        hours = self.policy.working_hours.get(day.weekday())
        if self.cal.is_working_day(day) and hours is not None:
            opens, closes = self._local(day, hours.start), self._local(day, hours.end)
            span = (closes - opens).total_seconds()
            for _ in range(_poisson(rng, OFFICE_PER_DAY * season)):
                times.append(opens + timedelta(seconds=rng.random() * span))
            before = (opens - day_start).total_seconds()
            after = (day_end - closes).total_seconds()
            for _ in range(_poisson(rng, OOH_PER_HOUR * (before + after) / 3600 * season)):
                # Evenings are busier than the small hours for police call-outs.
                if rng.random() < 0.7:
                    times.append(closes + timedelta(seconds=rng.random() * after))
                else:
                    times.append(day_start + timedelta(seconds=rng.random() * before))
        else:
            span = (day_end - day_start).total_seconds()
            for _ in range(_poisson(rng, OOH_PER_HOUR * span / 3600 * season)):
                times.append(day_start + timedelta(seconds=rng.random() * span))
        times.sort()
        return [t.replace(microsecond=0) for t in times if self.start <= t <= self.end]

    def _working_hours_before(self, end: datetime, hours: float) -> datetime:
        """Return the instant from which ``hours`` of opening hours run until ``end``."""
        left = timedelta(hours=hours)
        day = end.astimezone(self.tz).date()
        for _ in range(3660):
            opening = self.policy.working_hours.get(day.weekday())
            if opening is not None and self.cal.is_working_day(day):
                opens = self._local(day, opening.start)
                closes = min(self._local(day, opening.end), end)
                if closes > opens:
                    if closes - opens >= left:
                        return closes - left
                    left -= closes - opens
            day -= _DAY
        return end - timedelta(hours=hours)

    def _working(self, at: datetime, low: float, high: float) -> datetime:
        """Return ``at`` plus a random ``low``–``high`` working hours (counted in opening hours)."""
        hours = low + (high - low) * self.rng.random()
        return self.cal.add_working_time(at, timedelta(hours=hours)).replace(microsecond=0)

    # --- run ------------------------------------------------------------------------------

    def run(self) -> GenerationReport:
        began = timer.perf_counter()
        self.prepare()
        first = self.start.astimezone(self.tz).date()
        day = first
        total_days = max(1, (self.end_day - first).days + 1)
        month = (day.year, day.month)
        writer = self._writer()
        try:
            final_from = self.end_day - timedelta(days=FINAL_BATCH_DAYS)
            while day <= self.end_day:
                for received in self._arrivals(day):
                    self._contact(received)
                self.meetings.after_day(day)
                day += _DAY
                if (day.year, day.month) != month or day > self.end_day:
                    if day > self.end_day:
                        # In the last batch, so audit ids follow time.
                        self.meetings.finish()
                        self._qa_sample()
                    if day > self.end_day or day <= final_from:
                        writer.write(self._take_batch(final=day > self.end_day))
                    if day.month == 1:
                        self._forget(day)
                    month = (day.year, day.month)
                    if self.progress:
                        done = min(1.0, (day - first).days / total_days)
                        self.progress(
                            f"{day - _DAY:%B %Y}: {self.written[Contact]:,} contacts", done
                        )
        except BaseException:
            writer.abort()
            raise
        writer.close()
        self._advance_sequences()
        return GenerationReport(
            seed=self.seed,
            start=self.start,
            end=self.end,
            contacts=self.written[Contact],
            contact_children=self.written[ContactChild],
            children=self.counts["children"],
            unborn_children=self.counts["unborn_children"],
            adults=self.counts["adults"],
            households=self.written[Household],
            relationships=self.written[Relationship],
            referrals=self.written[Referral],
            re_referrals=self.counts["re_referrals"],
            outcomes=self.written[ContactOutcomeRow],
            rag_ratings=self.written[RagRating],
            consents=self.written[Consent],
            risk_indicators=self.written[RiskIndicatorRow],
            service_episodes=self.written[ServiceEpisode],
            audit_entries=self.written[AuditEntry],
            open_contact_children=self.counts["open_contact_children"],
            awaiting_referrals=self.meetings.awaiting(),
            screenings=self.counts["screenings"],
            overrides=self.counts["overrides"],
            qa_items=self.counts["qa_items"],
            qa_agreed=self.counts["qa_agreed"],
            meetings=self.written[Meeting],
            decisions=self.written[Decision],
            amendments=self.meetings.counts["amendments"],
            agency_checks=self.written[AgencyCheckRequest],
            routings=self.written[Routing],
            strategy_discussions=self.written[StrategyDiscussion],
            escalations=self.written[Escalation],
            seconds=round(timer.perf_counter() - began, 2),
        )

    def _writer(self) -> Writer:
        url = make_url(self.db.url)
        in_memory = url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
        # The writer process is forked, which is safe and quick on Linux only; elsewhere
        # (and for short runs, where starting it is not worth it) rows are written inline.
        if self.years >= PROCESS_WRITER_YEARS and not in_memory and sys.platform == "linux":
            return ProcessWriter(self.db)
        return InlineWriter(self.db)

    def _forget(self, day: date) -> None:
        """Drop families and episodes no later contact can be about (once a year).

        Picks skip such entries anyway; sweeping them keeps memory flat over a century and
        keeps picks from wasting their tries on families whose children have grown up.
        """
        self.families = [
            f
            for f in self.families
            if f.last_seen >= day - FAMILY_MEMORY and any(k.is_child_on(day) for k in f.kids)
        ]
        # A child opened again after an episode ended can be listed twice; keep one entry
        # (dict keeps the list's order, so this stays deterministic).
        self.open_kids = list(
            dict.fromkeys(k for k in self.open_kids if k.open_on(day) and k.is_child_on(day))
        )

    def _take_batch(self, final: bool = False) -> Batch:
        """Hand over the rows generated so far (a month's worth) as tuples; start new lists."""
        audit = self.rows[AuditEntry]
        # The services write audit rows as things happen; keep ids in time order.
        audit.sort(key=itemgetter("at"))
        for row in audit:
            row["id"] = self._id(AuditEntry)
            row["db_user"] = row["prev_hash"] = row["row_hash"] = None
            # SQLite: chained here, as Unit.audit would; PostgreSQL's trigger chains them.
            if self.chain is not None:
                self.chain.link(row)
        # A referral still awaiting its meeting is written once decided (its row changes at
        # the meeting), with the rows that need it first: its checks and agenda items.
        waiting = (
            set() if final else {r["id"] for r in self.rows[Referral] if r["status"] == _AWAITING}
        )
        later: dict[type, list[Any]] = {m: [] for m in _TABLES}
        if waiting:
            for waiter, key in _WAIT_FOR_REFERRAL:
                rows = self.rows[waiter]
                later[waiter] = [r for r in rows if r[key] in waiting]
                self.rows[waiter] = [r for r in rows if r[key] not in waiting]
        batch: Batch = {}
        for model in _TABLES:
            rows = self.rows[model]
            if model in _TUPLE_ROWS:
                batch[model.__tablename__] = rows
            else:
                get = self.getters[model]
                batch[model.__tablename__] = [get(row) for row in rows]
            self.written[model] += len(rows)
        self.rows = later
        return batch

    def _advance_sequences(self) -> None:
        if self.db.dialect != "postgresql":
            return
        # Ids were given explicitly, so PostgreSQL's sequences did not move; move them past the
        # new rows or the next row a service inserts would collide.
        with self.db.transaction() as session:
            for model in _WITH_IDS:
                name = model.__tablename__
                session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT MAX(id) FROM {name}))"
                    )
                )

    # --- choosing who a contact is about ----------------------------------------------------

    def _theme_for_age(self, age: int | None, *, serious: bool) -> Theme:
        """Return a theme that fits a child of ``age`` (None: unborn)."""
        rng = self.rng
        for _ in range(20):
            theme = rng.choices(self.themes, self.theme_weights)[0]
            if theme.alone or theme.girls_only:
                continue
            if serious and theme.levels[2] + theme.levels[3] == 0:
                continue
            if age is None:
                if theme.unborn:
                    return theme
                continue
            if not theme.unborn and theme.ages[0] <= age <= theme.ages[1]:
                return theme
        return self.themes[0]

    def _pick_open(self, day: date) -> Kid | None:
        rng = self.rng
        pool = self.open_kids
        for _ in range(6):
            if not pool:
                return None
            i = rng.randrange(len(pool))
            kid = pool[i]
            if not kid.open_on(day) or not kid.is_child_on(day) or not kid.born_by(day):
                pool[i] = pool[-1]
                pool.pop()
                continue
            return kid
        return None

    def _pick_rereferral(self, at: datetime) -> Kid | None:
        rng = self.rng
        recent = self.recent_referrals
        # Keep a day's margin so the new referral (made hours after receipt) is within 365 days.
        while recent and recent[0][0] < at - _YEAR + _DAY:
            recent.popleft()
        day = at.astimezone(self.tz).date()
        for _ in range(8):
            if not recent:
                return None
            when, kid = recent[rng.randrange(len(recent))]
            if (
                kid.last_referral == when
                and not kid.awaiting
                and when < at - timedelta(hours=2)
                and not kid.open_on(day)
                and kid.born_by(day)
                and kid.is_child_on(day)
            ):
                return kid
        return None

    def _pick_known(
        self, at: datetime, day: date, theme: Theme, referral: bool
    ) -> tuple[Family, Kid] | None:
        rng = self.rng
        # A referral meant as a first referral must not be about a child referred in the last
        # 12 months (that would be an unplanned re-referral); keep a margin for the outcome.
        recent = at - _YEAR - timedelta(days=30)
        pool = self.families
        for _ in range(6):
            if not pool:
                return None
            i = rng.randrange(len(pool))
            fam = pool[i]
            if fam.last_seen < day - FAMILY_MEMORY or not any(k.is_child_on(day) for k in fam.kids):
                pool[i] = pool[-1]
                pool.pop()
                continue
            if theme.alone:
                return None
            if theme.unborn:
                mother = fam.mother()
                if mother is None or (day - mother.dob).days > 43 * 365:
                    continue
                if any(not k.born_by(day) for k in fam.kids):
                    continue
                return fam, self.factory.add_unborn(fam, day)
            for kid in fam.kids:
                age = kid.age_on(day)
                if (
                    age is not None
                    and theme.ages[0] <= age <= theme.ages[1]
                    and (not theme.girls_only or kid.sex == "female")
                    and not kid.open_on(day)
                    and not (
                        referral and kid.last_referral is not None and kid.last_referral > recent
                    )
                ):
                    return fam, kid
        return None

    def _siblings(self, fam: Family, chosen: list[Kid], day: date, want: int) -> list[Kid]:
        others = [k for k in fam.kids if k not in chosen and k.born_by(day) and k.is_child_on(day)]
        self.rng.shuffle(others)
        return chosen + others[: max(0, want - len(chosen))]

    def _want_rereferral(self) -> bool:
        # Error diffusion towards the target rate: re-referral contacts are chosen while the
        # running share of re-referrals is below 11.5 %, so short histories hit it too.
        deficit = RE_REFERRAL_TARGET * (self.referrals_made + 1) - self.counts["re_referrals"]
        return deficit > 0 and self.rng.random() < min(1.0, RE_REFERRAL_TARGET + deficit * 0.1)

    # --- one contact -------------------------------------------------------------------------

    def _contact(self, received: datetime) -> None:
        rng = self.rng
        day = received.astimezone(self.tz).date()
        ooh = not self.cal.is_open(received)
        want = 1
        if rng.random() < SIBLING_SHARE:
            want = int(choose(rng, [(str(n), w) for n, w in SIBLING_SIZES]))
        fam: Family | None = None
        kids: list[Kid] = []
        theme: Theme
        intent: str
        if rng.random() < OPEN_CHILD_SHARE and (kid := self._pick_open(day)) is not None:
            theme = self._theme_for_age(kid.age_on(day), serious=False)
            level = self._level(theme)
            intent = self._intent(theme, level)
            fam, kids = kid.fam, self._siblings(kid.fam, [kid], day, want)
        else:
            weights = self.ooh_theme_weights if ooh else self.theme_weights
            theme = rng.choices(self.themes, weights)[0]
            level = self._level(theme)
            intent = self._intent(theme, level)
            referral = intent == "referral"
            if referral and want == 1 and self.meetings.wants_siblings(received):
                # The demo day's agenda shows siblings discussed together (issue 5 item 2).
                want = 2
            if referral and not theme.unborn and self._want_rereferral():
                kid2 = self._pick_rereferral(received)
                if kid2 is not None:
                    theme = self._theme_for_age(kid2.age_on(day), serious=True)
                    level = max(3, self._level(theme))
                    fam, kids = kid2.fam, self._siblings(kid2.fam, [kid2], day, want)
            if not kids and rng.random() < (
                KNOWN_FAMILY_SHARE_REFERRAL if referral else KNOWN_FAMILY_SHARE
            ):
                found = self._pick_known(received, day, theme, referral)
                if found is not None:
                    fam, kids = found[0], self._siblings(found[0], [found[1]], day, want)
            if not kids:
                fam, kids = self.factory.new_family(day, theme, want)
                self.families.append(fam)
        assert fam is not None
        fam.last_seen = day
        self._write_contact(received, ooh, theme, level, intent, fam, kids)

    def _level(self, theme: Theme) -> int:
        return self.rng.choices((1, 2, 3, 4), theme.levels)[0]

    def _intent(self, theme: Theme, level: int) -> str:
        return choose(self.rng, theme.dispositions or DISPOSITION_BY_LEVEL[level])

    def _source(self, theme: Theme, ooh: bool) -> tuple[str, str]:
        rng = self.rng
        if theme.code == "private_fostering":
            return choose(rng, theme.sources), "private_fostering_notification"
        if ooh:
            night = [(s, w) for s, w in theme.sources if s in dict(OUT_OF_HOURS_SOURCES)]
            source = choose(rng, night) if night else "6"
            if source == "6" and rng.random() < 0.85:
                return source, "police_notification"
            return source, "out_of_hours_handover"
        source = choose(rng, theme.sources)
        return source, choose(rng, CHANNELS_BY_SOURCE.get(source, DEFAULT_CHANNELS))

    # --- rows -----------------------------------------------------------------------------

    def _ensure_household(self, fam: Family, at: datetime, user: int) -> None:
        if fam.hid is not None:
            return
        fam.hid = self._id(Household)
        self.rows[Household].append(
            {"id": fam.hid, "address": fam.address, "postcode": fam.postcode, "version": 1}
        )
        self._audit_json(
            at, user, "household.created", "household", fam.hid, None, household_json(fam.postcode)
        )
        for adult in fam.adults:
            if adult.role != "partner":
                self._create_adult(fam, adult, at, user)

    def _create_adult(self, fam: Family, adult: Adult, at: datetime, user: int) -> None:
        adult.pid = self._id(Person)
        self.counts["adults"] += 1
        self.rows[Person].append(
            {
                "id": adult.pid,
                "kind": "adult",
                "given_name": adult.given,
                "family_name": adult.family,
                "given_key": key_of(adult.given),
                "family_key": key_of(adult.family),
                "date_of_birth": adult.dob,
                "expected_delivery": None,
                "sex": adult.sex,
                "nhs_number": None,
                "upn": None,
                "local_id": None,
                "ethnicity": fam.ethnicity,
                "first_language": fam.language,
                "interpreter_needed": fam.interpreter,
                "disability": False,
                "household_id": fam.hid,
                "school": None,
                "created_at": at,
                "version": 1,
                "merged_into": None,
            }
        )
        self._audit_json(
            at, user, "person.created", "person", adult.pid, adult.pid, person_json("adult", False)
        )
        for kid in fam.kids:
            if kid.pid is not None:
                self._link_adult(adult, kid, at, user)

    def _link(
        self,
        person: int,
        related: int,
        kind: RelationshipKind,
        at: datetime,
        user: int,
        pr: bool | None = None,
    ) -> None:
        rid = self._id(Relationship)
        self.rows[Relationship].append(
            {
                "id": rid,
                "person_id": person,
                "related_id": related,
                "kind": kind.value,
                "parental_responsibility": pr,
            }
        )
        self._audit_json(
            at,
            user,
            "relationship.added",
            "relationship",
            rid,
            related,
            relationship_json(person, kind.value),
        )

    def _link_adult(self, adult: Adult, kid: Kid, at: datetime, user: int) -> None:
        assert adult.pid is not None and kid.pid is not None
        # A mother always has parental responsibility; a father or carer as the family says.
        pr = adult.role == "mother" or bool(adult.pr)
        if adult.role in ("mother", "father"):
            self._link(adult.pid, kid.pid, RelationshipKind.PARENT, at, user, pr)
        elif adult.role == "carer":
            self._link(adult.pid, kid.pid, RelationshipKind.CARER, at, user, pr)
        else:
            self._link(adult.pid, kid.pid, RelationshipKind.ADULT_OF_CONCERN, at, user)
        # A mother always has parental responsibility; the record lists it where it is not
        # automatic (fathers who acquired it, carers under a court order).
        if adult.pr and adult.role in ("father", "carer"):
            self._link(adult.pid, kid.pid, RelationshipKind.PARENTAL_RESPONSIBILITY, at, user, True)

    def _create_kid(self, kid: Kid, day: date, at: datetime, user: int) -> None:
        fam = kid.fam
        kid.pid = self._id(Person)
        unborn_now = not kid.born_by(day)
        born_at_end = kid.born_by(self.end_day)
        self.counts["children"] += 1
        self.counts["unborn_children"] += unborn_now
        given = kid.given if born_at_end or not unborn_now else "Unborn"
        sex = kid.sex if born_at_end else "unknown"
        self.rows[Person].append(
            {
                "id": kid.pid,
                "kind": "child",
                "given_name": given,
                "family_name": kid.family,
                "given_key": key_of(given),
                "family_key": key_of(kid.family),
                "date_of_birth": kid.dob if born_at_end else None,
                "expected_delivery": None if born_at_end else kid.edd,
                "sex": sex,
                "nhs_number": kid.nhs,
                "upn": kid.upn,
                "local_id": None,
                "ethnicity": fam.ethnicity,
                "first_language": fam.language,
                # Children rarely need an interpreter; an unaccompanied child usually does.
                "interpreter_needed": fam.interpreter and not fam.adults,
                "disability": kid.disability,
                "household_id": fam.hid,
                "school": None,
                "created_at": at,
                # Met unborn and born since: the record was updated once with the birth.
                "version": 2 if unborn_now and born_at_end else 1,
                "merged_into": None,
            }
        )
        self._audit_json(
            at, user, "person.created", "person", kid.pid, kid.pid, person_json("child", unborn_now)
        )
        if unborn_now and born_at_end:
            assert kid.dob is not None and kid.edd is not None
            when = min(self._local(kid.dob + timedelta(days=3), time(11)), self.end)
            when = max(when, at)
            changes = {
                "given_name": ["Unborn", kid.given],
                "sex": ["unknown", kid.sex],
                "date_of_birth": [None, kid.dob],
                "expected_delivery": [kid.edd, None],
            }
            if kid.nhs:
                changes["nhs_number"] = [None, kid.nhs]
            self._audit(
                when,
                self.rng.choice(self.practitioners),
                "person.updated",
                "person",
                kid.pid,
                kid.pid,
                changes=changes,
            )
        for adult in fam.adults:
            if adult.pid is not None:
                self._link_adult(adult, kid, at, user)
        if fam.first_kid is None:
            fam.first_kid = kid
        else:
            assert fam.first_kid.pid is not None
            self._link(fam.first_kid.pid, kid.pid, RelationshipKind.SIBLING, at, user)

    def _write_contact(
        self,
        received: datetime,
        ooh: bool,
        theme: Theme,
        level: int,
        intent: str,
        fam: Family,
        kids: list[Kid],
    ) -> None:
        rng = self.rng
        day = received.astimezone(self.tz).date()
        logger = self.edt if ooh else rng.choice(self.practitioners)
        logged = received + timedelta(seconds=rng.randint(60, 1800 if not ooh else 5400))
        if logged > self.end:
            return  # arrived, but nobody has typed it in yet
        source, channel = self._source(theme, ooh)

        # People first: the household, its adults and any child met for the first time.
        self._ensure_household(fam, logged, logger)
        child_ids: list[int] = []
        for kid in kids:
            if kid.pid is None:
                self._create_kid(kid, day, logged, logger)
            assert kid.pid is not None  # _create_kid gave it its person row
            child_ids.append(kid.pid)
        indicators = set(theme.indicators)
        for code, p in theme.extra:
            if rng.random() < p:
                indicators.add(code)
        if (
            "domestic_abuse" in indicators
            and fam.mother() is not None
            and fam.partner() is None
            and rng.random() < 0.35
        ):
            # The mother's new partner becomes an adult of concern for every child in the
            # household, including children first met later (see ``_create_kid``).
            partner = self.factory.add_partner(fam, day)
            self._create_adult(fam, partner, logged, logger)

        # Urgency: the contact's rating, siblings mostly the same (§4).
        base = choose(rng, RAG_BY_LEVEL[level])
        ratings: list[tuple[str, str]] = []  # (initial, final)
        for _ in kids:
            final = base
            if rng.random() < 0.1:
                final = _RAG_ORDER[max(0, min(2, _RAG_ORDER.index(base) + rng.choice((-1, 1))))]
            initial = final
            if rng.random() < RERATE_SHARE:
                step = rng.choice((-1, 1))
                initial = _RAG_ORDER[max(0, min(2, _RAG_ORDER.index(final) - step))]
            ratings.append((initial, final))
        worst = max((_RAG_ORDER.index(f) for _, f in ratings), default=0)

        # How long the work took: red within hours (EDT finishes red cases out of hours),
        # amber within a working day, green within three; some run late (§9: > 77 % of
        # referral episodes completed within 3 days).
        late = rng.random() < 0.15
        if worst == 2:
            hours = rng.uniform(3.5, 6.0) if late else rng.uniform(0.5, 3.5)
            decided = received + timedelta(hours=hours)
            handler = self.edt if ooh else rng.choice(self.practitioners)
        elif worst == 1:
            decided = (
                self._working(received, 7.5, 10.0) if late else self._working(received, 0.5, 7.5)
            )
            handler = rng.choice(self.practitioners)
        else:
            decided = (
                self._working(received, 22.0, 27.0) if late else self._working(received, 1.0, 22.0)
            )
            handler = rng.choice(self.practitioners)
        if self.backlog_from <= received <= self.end and intent == "referral":
            # Clear referrals of the last two working days were progressed within hours, so
            # they wait for the demo day's meeting rather than on the contact queue.
            decided = min(decided, self._working(received, 0.5, 4.0))
        elif self.backlog_from <= received <= self.end and rng.random() < (
            BACKLOG_SHARE / 4 if worst == 2 else BACKLOG_SHARE
        ):
            # Today's and yesterday's work still waiting for a decision: the live queue the
            # demo opens on, some of it already past its deadline (reds are rarely left).
            decided = self.end + timedelta(hours=1)
        decided = max(decided.replace(microsecond=0), logged + timedelta(minutes=5))
        screened = logged + (decided - logged) * rng.uniform(0.2, 0.7)
        screened = screened.replace(microsecond=0)
        rerated = (logged + (screened - logged) * rng.uniform(0.3, 0.9)).replace(microsecond=0)

        contact_id = self._id(Contact)
        referrer_name, role, agency = self._referrer(source, fam)
        # Who referred, for a referral's routing ("referrer informed", 000 L343).
        self.referrer = (referrer_name, role, agency)
        self.rows[Contact].append(
            {
                "id": contact_id,
                "received_at": received,
                "channel": channel,
                "referrer_name": referrer_name,
                "referrer_role": role,
                "referrer_agency": agency,
                # Derived from the id, not drawn, so the random stream (and every other
                # generated value) stays as it was: Ofcom's drama range, RFC 2606's domain.
                "referrer_phone": f"0207946{contact_id % 1000:04d}" if referrer_name else None,
                "referrer_email": f"referrer{contact_id}@example.org" if referrer_name else None,
                "referral_source": source,
                "concerns": self._narrative(
                    theme, source, channel, ooh, received, fam, kids, role, agency, referrer_name
                ),
                "created_by": logger,
                "created_at": logged,
                "version": 1,
            }
        )
        for code in sorted(indicators):
            self.rows[RiskIndicatorRow].append({"contact_id": contact_id, "code": code})
        self._audit_json(
            logged,
            logger,
            "contact.logged",
            "contact",
            contact_id,
            kids[0].pid,
            logged_json(
                child_ids,
                channel,
                source,
                [initial for initial, _ in ratings],
                sorted(indicators),
            ),
        )
        flags = frozenset(indicators)
        for i, (kid, (initial, final)) in enumerate(zip(kids, ratings, strict=True)):
            self._child_on_contact(
                contact_id,
                kid,
                i,
                theme,
                level,
                intent,
                source,
                received,
                logged,
                rerated,
                screened,
                decided + timedelta(seconds=30 * i),
                logger,
                handler,
                initial,
                final,
                flags,
                not kid.born_by(day),
            )

    def _child_on_contact(
        self,
        contact_id: int,
        kid: Kid,
        index: int,
        theme: Theme,
        level: int,
        intent: str,
        source: str,
        received: datetime,
        logged: datetime,
        rerated: datetime,
        screened: datetime,
        decided: datetime,
        logger: int,
        handler: int,
        initial: str,
        final: str,
        flags: frozenset[str],
        unborn: bool,
    ) -> None:
        rng = self.rng
        end = self.end
        assert kid.pid is not None
        cc_id = self._id(ContactChild)
        version = 1
        rag = initial
        self.rows[RagRating].append(
            {
                "id": self._id(RagRating),
                "contact_child_id": cc_id,
                "value": initial,
                "reason": rng.choice(RAG_REASONS[initial]),
                "rated_by": logger,
                "rated_at": logged,
            }
        )
        if final != initial and rerated <= end:
            reason = rng.choice(
                RERATE_UP if _RAG_ORDER.index(final) > _RAG_ORDER.index(initial) else RERATE_DOWN
            )
            self.rows[RagRating].append(
                {
                    "id": self._id(RagRating),
                    "contact_child_id": cc_id,
                    "value": final,
                    "reason": reason,
                    "rated_by": handler,
                    "rated_at": rerated,
                }
            )
            self._audit(
                rerated,
                handler,
                "rag.changed",
                "contact_child",
                cc_id,
                kid.pid,
                before=initial,
                after=final,
                reason=reason,
            )
            rag = final
            version += 1
        row: dict[str, Any] = {
            "id": cc_id,
            "contact_id": contact_id,
            "person_id": kid.pid,
            "status": _OPEN,
            "rag": rag,
            "due_at": self.deadlines.decision_due(Rag(rag), received),
            "assigned_to": None,
            "team": None,
            "provisional_level": None,
            "level_rationale": None,
            "threshold_document": None,
            "threshold_version": None,
            "screened_by": None,
            "screened_at": None,
            "no_offer_reason": None,
            "consent_reason": None,
            "closed_at": None,
        }
        if screened <= end:
            rationale = rng.choice(LEVEL_RATIONALES[level])
            rationale = self._screening(
                kid.pid, cc_id, theme, level, rationale, flags, unborn, handler, screened, rag
            )
            row.update(
                assigned_to=handler,
                provisional_level=level,
                level_rationale=rationale,
                threshold_document=THRESHOLD_DOCUMENT,
                threshold_version=THRESHOLD_VERSION,
                screened_by=handler,
                screened_at=screened,
            )
            version += 1
        shared = self._consent(kid, contact_id, _SHARE, level, logger, logged)
        if shared is not None:
            kid.consent = shared
        if decided > end:
            row["version"] = version
            self.rows[ContactChild].append(row)
            self.counts["open_contact_children"] += 1
            return

        # Outcome (§5): forward if the child is open to social care; the contact's route
        # otherwise; then the under-5 children's-centre rule (000 L184).
        day = decided.astimezone(self.tz).date()
        route = intent
        if kid.open_on(day):
            route = "referral" if kid.open_service == "early_help" and level >= 3 else "forward"
        if index > 0 and route == "referral" and rng.random() < 0.1:
            route = "early_help"  # an older sibling's needs can differ from the others'
        if route == "referral" and kid.awaiting:
            # The child's last referral still awaits its decision: the new information goes
            # to the worker holding it rather than making a second referral.
            route = "forward"
        under_five = is_under_five(
            kid.dob if kid.born_by(day) else None, kid.edd if not kid.born_by(day) else None, day
        )
        # Outcome codes as plain strings (they are what the services store).
        chosen: set[str]
        no_offer: str | None = None
        if route == "referral":
            chosen = {_REFERRAL}
        elif route == "forward":
            chosen = {_FORWARD}
        elif route == "early_help":
            chosen = {_EARLY_HELP}
            if rng.random() < 0.1:
                chosen.add(_ADVICE)
        elif route == "advice":
            chosen = {_ADVICE}
        elif under_five and rng.random() >= NO_OFFER_SHARE:
            chosen = {_CHILDRENS_CENTRE}
        else:
            chosen = {_NFA}
            if under_five:
                no_offer = rng.choice(NO_OFFER_REASONS)
        rule_applied = False
        if under_five and not chosen & _SOCIAL_CARE and _NFA not in chosen:
            rule_applied = _CHILDRENS_CENTRE not in chosen
            chosen.add(_CHILDRENS_CENTRE)
        recorder = handler
        if rag == "red" and chosen == {_NFA}:
            recorder = self.manager  # NFA on a red case is signed off by a manager (§2)
        outcomes = sorted(chosen)
        for outcome in outcomes:
            self.rows[ContactOutcomeRow].append(
                {
                    "id": self._id(ContactOutcomeRow),
                    "contact_child_id": cc_id,
                    "outcome": outcome,
                    "recorded_by": recorder,
                    "recorded_at": decided,
                }
            )
        referred = _REFERRAL in chosen
        row.update(
            status=_REFERRED if referred else _CLOSED,
            no_offer_reason=no_offer,
            closed_at=decided,
            version=version + 1,
        )
        self.rows[ContactChild].append(row)
        self._audit_json(
            decided,
            recorder,
            "contact.outcome_recorded",
            "contact_child",
            cc_id,
            kid.pid,
            outcome_json(outcomes, rule_applied, no_offer),
        )
        if _EARLY_HELP in chosen or _CHILDRENS_CENTRE in chosen:
            self._consent(kid, contact_id, _EARLY_HELP_CONSENT, level, recorder, decided)
        if _EARLY_HELP in chosen and rng.random() < EARLY_HELP_TAKE_UP:
            self._episode(kid, "early_help", day + timedelta(days=rng.randint(7, 21)), 90, 270)
        if referred:
            self._consent(kid, contact_id, _ASSESSMENT, level, recorder, decided)
            screened_level = level if screened <= end else None
            self._referral(
                kid,
                cc_id,
                theme,
                level,
                screened_level,
                source,
                rag,
                decided,
                handler,
                flags,
                unborn,
            )

    # --- threshold assessments ----------------------------------------------------------------

    def _assessment(
        self,
        kind: str,
        person_id: int,
        cc_id: int | None,
        suggested: int,
        level: int,
        rationale: str,
        ticked: list[int],
        user: int,
        at: datetime,
        referral_id: int | None = None,
    ) -> int:
        """Add one threshold assessment and its ticked indicators (as ``record_assessment``)."""
        aid = self._id(ThresholdAssessment)
        self.rows[ThresholdAssessment].append(
            {
                "id": aid,
                "kind": kind,
                "person_id": person_id,
                "contact_child_id": cc_id,
                "referral_id": referral_id,
                "document_id": THRESHOLD_DOCUMENT,
                "document_version": THRESHOLD_VERSION,
                "suggested_level": suggested,
                "chosen_level": level,
                "override": suggested != level,
                "rationale": rationale,
                "not_red_reason": None,
                "assessed_by": user,
                "assessed_at": at,
            }
        )
        ids = self.picker.ids
        self.rows[AssessmentIndicator].extend([(aid, ids[n]) for n in ticked])
        return aid

    def _one_level_off(self, level: int) -> int:
        """Return a level next to ``level`` (up or down, within the document's levels)."""
        picker = self.picker
        if level <= picker.lowest:
            return level + 1
        if level >= picker.highest:
            return level - 1
        return level + (1 if self.trng.random() < 0.5 else -1)

    def _screening(
        self,
        person_id: int,
        cc_id: int,
        theme: Theme,
        level: int,
        rationale: str,
        flags: frozenset[str],
        unborn: bool,
        user: int,
        at: datetime,
        rag: str,
    ) -> str:
        """Apply the threshold document to a child on a contact; return the level's rationale.

        ``level`` is the level chosen. Mostly it is the one the ticked indicators suggest; in
        an override the indicators suggest a level next to it and the rationale says why.
        """
        trng = self.trng
        suggested = level
        if trng.random() < OVERRIDE_SHARE:
            suggested = self._one_level_off(level)
            rationale = trng.choice(LEVEL_LOWERED if level < suggested else LEVEL_RAISED)
            self.counts["overrides"] += 1
        picker = self.picker
        ticked = picker.tick(trng, suggested, flags, theme.code, unborn)
        aid = self._assessment(
            "screening", person_id, cc_id, suggested, level, rationale, ticked, user, at
        )
        self.counts["screenings"] += 1
        if at >= self.qa_from:
            self.qa_candidates.append(
                (aid, person_id, cc_id, user, at, level, flags, theme.code, unborn)
            )
        ids, pathway_ids = picker.ids, picker.pathway_ids
        self._audit_json(
            at,
            user,
            "contact.screened",
            "contact_child",
            cc_id,
            person_id,
            screened_json(
                aid,
                THRESHOLD_DOCUMENT,
                THRESHOLD_VERSION,
                [ids[n] for n in ticked],
                suggested,
                level,
                suggested != level,
                [pathway_ids[p] for p in picker.raised(ticked)],
                rag,
            ),
        )
        return rationale

    def _qa_drawn_at(self) -> datetime | None:
        """When the QA sample is drawn: a working morning of the last week, time to re-rate."""
        trng = self.trng
        days = []
        for back in range(6, 0, -1):
            day = self.end_day - timedelta(days=back)
            hours = self.policy.working_hours.get(day.weekday())
            if hours is None or not self.cal.is_working_day(day):
                continue
            latest = self._local(day, hours.start) + timedelta(minutes=90)
            if self.cal.working_time_between(latest, self.end) >= timedelta(hours=8):
                days.append((day, hours.start))
        if not days:
            return None
        day, opens = trng.choice(days)
        return self._local(day, opens) + timedelta(minutes=trng.randint(15, 90))

    def _qa_sample(self) -> None:
        """Draw one consistency-QA sample of recent screenings and re-rate all of it blind.

        The draw is the service's (``QaService.draw_sample``): screening assessments made in
        the period, by id, sampled with ``random.Random(seed)``, so the stored seed gives the
        same items again. Each item is re-rated by a practitioner other than the screener.
        """
        if self.years < QA_MIN_YEARS or not self.qa_candidates:
            return
        drawn_at = self._qa_drawn_at()
        if drawn_at is None:
            return
        trng = self.trng
        tz = self.tz
        last = drawn_at.astimezone(tz).date() - _DAY
        first = last - QA_PERIOD
        since = datetime.combine(first, time(), tz)
        until = datetime.combine(last + _DAY, time(), tz)
        made = {c[0]: c for c in self.qa_candidates if since <= c[4] < until}
        if not made:
            return
        seed = (self.seed * 7919 + 2013) % 2**31
        ids = sorted(made)
        picked = random.Random(seed).sample(ids, min(QA_SAMPLE_SIZE, len(ids)))
        sample_id = self._id(QaSample)
        self.rows[QaSample].append(
            {
                "id": sample_id,
                "kind": "screening",
                "period_from": first,
                "period_to": last,
                "size": len(picked),
                "seed": seed,
                "drawn_by": self.manager,
                "drawn_at": drawn_at,
            }
        )
        self._audit(
            drawn_at,
            self.manager,
            "qa.sample_drawn",
            "qa_sample",
            sample_id,
            None,
            kind="screening",
            period_from=first.isoformat(),
            period_to=last.isoformat(),
            size=len(picked),
            seed=seed,
        )
        # Re-ratings spread over the working time left, in the order of the sample.
        hours = self.cal.working_time_between(drawn_at, self.end) / timedelta(hours=1)
        offsets = sorted(trng.uniform(0.25, hours * 0.95) for _ in picked)
        share = trng.uniform(*QA_AGREEMENT)
        wrong = round(len(picked) * (1 - share)) if len(picked) >= 5 else 0
        differ = set(trng.sample(range(len(picked)), wrong))
        for position, (original, offset) in enumerate(zip(picked, offsets, strict=True), 1):
            _, person_id, cc_id, screener, _, level, flags, theme, unborn = made[original]
            at = self.cal.add_working_time(drawn_at, timedelta(hours=offset))
            at = min(at.replace(microsecond=0), self.end)
            user = trng.choice([p for p in self.practitioners if p != screener])
            again = level
            if position - 1 in differ:
                again = self._one_level_off(level)
                rationale = trng.choice(QA_HIGHER if again > level else QA_LOWER)
            else:
                rationale = trng.choice(LEVEL_RATIONALES[again])
                self.counts["qa_agreed"] += 1
            ticked = self.picker.tick(trng, again, flags, theme, unborn)
            rerate = self._assessment(
                "qa", person_id, cc_id, again, again, rationale, ticked, user, at
            )
            item_id = self._id(QaItem)
            self.rows[QaItem].append(
                {
                    "id": item_id,
                    "sample_id": sample_id,
                    "position": position,
                    "original_id": original,
                    "rerate_id": rerate,
                }
            )
            self._audit(
                at,
                user,
                "qa.rerated",
                "qa_item",
                item_id,
                person_id,
                sample=sample_id,
                assessment=rerate,
                level=again,
                agreed=again == level,
            )
            self.counts["qa_items"] += 1

    def _referral(
        self,
        kid: Kid,
        cc_id: int,
        theme: Theme,
        level: int,
        screened_level: int | None,
        source: str,
        rag: str,
        at: datetime,
        handler: int,
        flags: frozenset[str],
        unborn: bool,
    ) -> None:
        """Make the referral; checks, the meeting and what follows are ``meetings``' part."""
        rng = self.rng
        assert kid.pid is not None
        ref_id = self._id(Referral)
        previous = kid.last_referral
        self.referrals_made += 1
        if previous is not None and at - previous <= _YEAR:
            self.counts["re_referrals"] += 1
        kid.last_referral = at
        self.recent_referrals.append((at, kid))
        decision_due = self.deadlines.referral_decision_due(at)
        need = choose(rng, theme.needs)
        row: dict[str, Any] = {
            "id": ref_id,
            "contact_child_id": cc_id,
            "person_id": kid.pid,
            "referral_at": at,
            # The contact's source carries over unless the practitioner corrects it.
            "source": source if rng.random() < 0.97 else "5D",
            "primary_need": need,
            "referral_nfa": None,
            "status": _AWAITING,
            "rag": rag,
            "decision_due_at": decision_due,
            "assessment_due_at": self.deadlines.assessment_due(at),
            "assigned_to": handler,
            "team": "MASH",
            # The level the child was screened at; a manager's same-day review (a
            # "referral" assessment) would change it, and none is invented here. The
            # meeting's decision sets it again when signed.
            "level": screened_level,
            "created_by": handler,
            "version": 1,
        }
        self._audit_json(
            at,
            handler,
            "referral.created",
            "referral",
            ref_id,
            kid.pid,
            referral_json(row["source"], need, decision_due),
        )
        self.rows[Referral].append(row)
        self.meetings.referral(row, kid, theme, flags, unborn, self.referrer)

    def _episode(self, kid: Kid, service: str, start: date, low: int, high: int) -> None:
        rng = self.rng
        assert kid.pid is not None
        ends = start + timedelta(days=rng.randint(low, high))
        if kid.open_until is None or kid.open_until < start:
            self.open_kids.append(kid)
        kid.open_until = max(ends, kid.open_until or ends)
        kid.open_service = service
        if start > self.end_day:
            return
        team = (
            rng.choice(EARLY_HELP_TEAMS) if service == "early_help" else SOCIAL_CARE_TEAMS[service]
        )
        self.rows[ServiceEpisode].append(
            {
                "id": self._id(ServiceEpisode),
                "person_id": kid.pid,
                "service": service,
                "team": team,
                "worker_id": None,
                "started_on": start,
                "ended_on": ends if ends <= self.end_day else None,
            }
        )

    def _consent(
        self,
        kid: Kid,
        contact_id: int,
        purpose: str,
        level: int,
        user: int,
        at: datetime,
    ) -> str | None:
        """Record consent for one purpose (§6): mostly given; overridden only at level 4.

        Returns the state recorded (None: none recorded).
        """
        rng = self.rng
        assert kid.pid is not None
        if purpose == _SHARE and rng.random() < 0.06:
            return None  # not yet recorded: target 100 % (000 L275), reality a little short
        weights: tuple[tuple[str, int], ...]
        if purpose == _EARLY_HELP_CONSENT:
            weights = _CONSENT_EARLY_HELP
        else:
            weights = _CONSENT_BY_LEVEL[level]
        state = choose(rng, weights)
        reason = lawful = None
        approver = None
        if state == "not_sought":
            reason = rng.choice(NOT_SOUGHT_REASONS)
        elif state == "refused":
            reason = rng.choice(REFUSED_REASONS)
        elif state == "overridden":
            # Lawful only where seeking consent would put the child at risk; a manager
            # approves (000 L258, L273).
            lawful = rng.choice(OVERRIDE_BASIS)
            approver = self.manager
        self.rows[Consent].append(
            {
                "id": self._id(Consent),
                "person_id": kid.pid,
                "contact_id": contact_id,
                "purpose": purpose,
                "state": state,
                "reason": reason,
                "lawful_basis": lawful,
                "approved_by": approver,
                "recorded_by": user,
                "recorded_at": at,
            }
        )
        return state

    # --- text ------------------------------------------------------------------------------

    def _person_name(self) -> str:
        rng = self.rng
        group = rng.choice(("en_GB", "en_GB", "en_GB", "en_IN", "pl_PL", "ro_RO", "so_ar"))
        pool = self.pools[group]
        first = rng.choice(pool.male if rng.random() < 0.4 else pool.female)
        return f"{first} {rng.choice(pool.family)}"

    def _referrer(self, source: str, fam: Family) -> tuple[str | None, str, str | None]:
        rng = self.rng
        role, agency = rng.choice(REFERRER_ROLES.get(source, REFERRER_ROLES["8"]))
        if agency is not None:
            agency = agency.format(school=fam.school, surgery=fam.surgery)
        if source in ("9", "10"):
            return None, role, agency
        if source == "1C" and role.startswith("Parent"):
            mother = fam.mother()
            if mother is not None:
                return f"{mother.given} {mother.family}", role, agency
        return self._person_name(), role, agency

    def _narrative(
        self,
        theme: Theme,
        source: str,
        channel: str,
        ooh: bool,
        received: datetime,
        fam: Family,
        kids: list[Kid],
        role: str,
        agency: str | None,
        referrer: str | None,
    ) -> str:
        rng = self.rng
        local = received.astimezone(self.tz)
        day = local.date()
        kid = kids[0]
        born = kid.born_by(day)
        mother = fam.mother()
        parent = rng.choice(
            [f"the {a.role}" for a in fam.adults if a.role in ("mother", "father", "carer")]
            or ["the carer"]
        )
        pronouns = {"male": ("he", "him", "his"), "female": ("she", "her", "her")}.get(
            kid.sex if born else "", ("they", "them", "their")
        )
        edd = kid.edd or day
        values = {
            "child": kid.given if born else "the unborn baby",
            "they": pronouns[0],
            "them": pronouns[1],
            "their": pronouns[2],
            "mother": mother.given if mother else "the mother",
            "parent": parent,
            "age": str(kid.age_on(day) or 0),
            "weeks": str(max(8, 40 - (edd - day).days // 7)),
            "day": f"{_WEEKDAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]}",
            "ref": f"{rng.randint(1000, 9999)}/{local.day:02d}{_MONTHS[local.month - 1][:3]}",
            "role": _lower_first(role),
            "agency": agency or "the referrer's agency",
            "referrer": referrer or "The referrer",
        }
        key = "9" if source == "9" else source[0] if source[0] in "1236" else "other"
        if key == "2" and agency is None:
            key = "other"
        if channel in ("drop_in", "email") and key == "1":
            key = channel
        elif channel == "email" and key == "9":
            key = "9_email"
        opener = rng.choice(OPENERS[key])
        parts = [OUT_OF_HOURS_OPENER] if ooh and source != "6" else []
        parts.append(opener)
        if len(kids) > 1:
            names = [k.given if k.born_by(day) else "the unborn baby" for k in kids]
            parts.append(f"The contact is about {', '.join(names[:-1])} and {names[-1]}.")
        count = min(len(theme.sentences), rng.choice((1, 2, 2, 3)))
        parts.extend(rng.sample(theme.sentences, count))
        parts.append(rng.choice(CLOSINGS))
        sentences = []
        for part in parts:
            sentence = part.format_map(values)
            sentences.append(sentence[0].upper() + sentence[1:])
        return " ".join(sentences)


def generate(
    db: Database,
    *,
    years: float,
    seed: int = 1,
    end: datetime | None = None,
    progress: Progress | None = None,
) -> GenerationReport:
    """Fill ``db`` with invented front-door history for the period ``[end - years, end]``.

    Demo users are created first (idempotently). Contacts received in the last working day or
    two before ``end`` are left open, so the queue shows live work.

    Args:
        db: a migrated database with no contacts.
        years: length of the history, in years (fractions allowed).
        seed: the same seed, ``years`` and ``end`` give the same rows.
        end: the end of the history (aware); defaults to now (UTC).
        progress: called now and then with a message and the fraction done (0..1).

    Returns:
        The counts of what was written.

    Raises:
        ValueError: the database already has contacts, ``years`` is not positive, or ``end``
            is naive.
    """
    if not years > 0:
        raise ValueError(f"years must be positive, got {years!r}")
    if end is None:
        end = datetime.now(UTC).replace(microsecond=0)
    elif end.tzinfo is None or end.utcoffset() is None:
        raise ValueError("end must be an aware datetime (e.g. with tzinfo=UTC)")
    end = end.astimezone(UTC)
    start = end - timedelta(days=years * 365.25)
    return _Generator(db, seed, start, end, progress).run()
