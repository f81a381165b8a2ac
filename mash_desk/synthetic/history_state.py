"""The generator's state: its clock, random streams, row lists, ids and audit helpers."""

from __future__ import annotations

import math
import random
from collections import deque
from datetime import UTC, date, datetime, time, timedelta
from operator import itemgetter
from typing import Any

from sqlalchemy import func, select

from mash_desk.domain.deadlines import Deadlines
from mash_desk.domain.enums import (
    Role,
)
from mash_desk.domain.policy import default_policy
from mash_desk.domain.thresholds import ThresholdDocument, parse_document
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
    Household,
    Person,
    QaItem,
    QaSample,
    RagRating,
    Referral,
    Relationship,
    RiskIndicatorRow,
    ServiceEpisode,
    ThresholdAssessment,
    ThresholdDocumentRow,
    User,
)
from mash_desk.storage.reference_data import SYSTEM_USERNAME
from mash_desk.synthetic.audit_json import _json
from mash_desk.synthetic.catalogue import (
    OUT_OF_HOURS_SOURCES,
)
from mash_desk.synthetic.meetings import TABLES as MEETING_TABLES
from mash_desk.synthetic.meetings import MeetingHistory
from mash_desk.synthetic.names import (
    NhsNumbers,
    Places,
    name_pools,
)
from mash_desk.synthetic.people import Family, FamilyFactory, Kid
from mash_desk.synthetic.rates import (
    BACKLOG_WORKING_HOURS,
    OFFICE_PER_DAY,
    ONE_DAY,
    OOH_PER_HOUR,
    QA_WINDOW,
    SEASON,
    THRESHOLD_DOCUMENT,
    THRESHOLD_VERSION,
    shipped_document,
)
from mash_desk.synthetic.report import Progress
from mash_desk.synthetic.themes import THEMES
from mash_desk.synthetic.thresholds import IndicatorPicker
from mash_desk.synthetic.users import (
    DEMO_CHAIR,
    DEMO_EDT,
    DEMO_MANAGER,
    DEMO_USERS,
    ensure_demo_users,
)

# Tables written with explicit ids, in the order their rows must be inserted.
TABLES_IN_ORDER: tuple[type[Base], ...] = (
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
WAIT_FOR_REFERRAL = (
    (Referral, "id"),
    (AgencyCheckRequest, "referral_id"),
    (AgendaItem, "referral_id"),
)
TABLES_WITH_IDS = tuple(
    m for m in TABLES_IN_ORDER if m not in (RiskIndicatorRow, AssessmentIndicator)
)
# Rows of these tables are built as tuples in column order (many, and only two columns).
TUPLE_ROW_TABLES = (AssessmentIndicator,)


def _poisson(rng: random.Random, mean: float) -> int:
    """Return a Poisson-distributed count (Knuth's method: means here are below 40)."""
    limit = math.exp(-mean)
    count, product = 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def lower_first(words: str) -> str:
    """Return ``words`` with a leading capital lowered, unless it starts an acronym (GP, A&E)."""
    if len(words) > 1 and words[1].islower():
        return words[0].lower() + words[1:]
    return words


# Exactly the options ``Unit.audit`` serialises detail with (one encoder, built once).


class HistoryState:
    """What every step of the generator shares: seeds, calendar, rows waiting to be written, ids."""

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
        self.rows: dict[type, list[Any]] = {m: [] for m in TABLES_IN_ORDER}
        self.written: dict[type, int] = {m: 0 for m in TABLES_IN_ORDER}
        self.families: list[Family] = []
        self.open_kids: list[Kid] = []
        self.recent_referrals: deque[tuple[datetime, Kid]] = deque()
        # The referrer of the contact being written: (name, role, agency).
        self.referrer: tuple[str | None, str, str | None] = (None, "", None)
        self.referrals_made = 0
        # Threshold choices (indicators ticked, overrides, the QA sample) draw from their own
        # stream, so the rest of the history is the same as without them for a given seed.
        self.trng = random.Random(f"{seed}:thresholds")
        self.qa_from = end - QA_WINDOW
        # Screenings that may be drawn for QA: (assessment id, person, contact child,
        # screener, screened at, level, contact's risk codes, theme, unborn).
        self.qa_candidates: list[tuple[Any, ...]] = []

    # --- setup ----------------------------------------------------------------------------

    def prepare(self) -> None:
        """Load the demo users, agencies and names, and start the meeting history."""
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
                m: (session.scalar(select(func.max(m.__table__.c.id))) or 0) + 1
                for m in TABLES_WITH_IDS
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
        document = self._threshold_document(stored)
        self.picker = IndicatorPicker(document)
        # Rows are built as dicts (readable) and handed to the writer as tuples in column order.
        self.getters = {
            m: itemgetter(*(c.key for c in m.__table__.columns)) for m in TABLES_IN_ORDER
        }
        self.factory = FamilyFactory(
            self.rng, self.pools, self.places, NhsNumbers(self.rng, taken), self.end_day
        )
        self.document_key = (THRESHOLD_DOCUMENT, THRESHOLD_VERSION)
        self._start_meetings(users)

    def _threshold_document(self, stored: Any) -> ThresholdDocument:
        """Return the threshold document screenings tick from, keeping the shipped one whole.

        ``stored`` is the database's copy of the shipped document's version (sha256 and
        content), or None if it has none yet.
        """
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
        return document

    def _start_meetings(self, users: dict[str, int]) -> None:
        """Start the meeting history with the agencies, the demo reps and the chair."""
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
        day_end = self._local(day + ONE_DAY, time(0))
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
            day -= ONE_DAY
        return end - timedelta(hours=hours)

    def _working(self, at: datetime, low: float, high: float) -> datetime:
        """Return ``at`` plus a random ``low``–``high`` working hours (counted in opening hours)."""
        hours = low + (high - low) * self.rng.random()
        return self.cal.add_working_time(at, timedelta(hours=hours)).replace(microsecond=0)
