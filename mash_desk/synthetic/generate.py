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
same rows (``tests/synthetic/test_fingerprint.py`` pins them table by table).

The generator is one class built from steps, each in a module named for what it writes, each
step a subclass of the one before (so a later step calls only earlier ones):
``history_state`` (clock, random streams, ids, audit rows) → ``people_rows`` (households,
people, relationships, consents) → ``screenings`` (threshold assessments, the QA sample) →
``contact_text`` (source, channel, narrative) → ``contact_rows`` (the contact, each child on
it, outcomes, referrals) → ``contact_picks`` (who each contact is about) → ``_Generator``
here (the day-by-day run and the monthly batches). Rates and codes are in ``rates``, the
concern themes in ``themes``, the daily meeting's history in ``meetings``.
"""

from __future__ import annotations

import sys
import time as timer
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from mash_desk.storage.database import Database
from mash_desk.storage.models import (
    AgencyCheckRequest,
    AuditEntry,
    Consent,
    Contact,
    ContactChild,
    ContactOutcomeRow,
    Decision,
    Escalation,
    Household,
    Meeting,
    RagRating,
    Referral,
    Relationship,
    RiskIndicatorRow,
    Routing,
    ServiceEpisode,
    StrategyDiscussion,
)
from mash_desk.synthetic.audit_json import (
    _json,  # noqa: F401 - the tests compare it with the services encoder
    household_json,
    logged_json,
    outcome_json,
    person_json,
    referral_json,
    relationship_json,
    screened_json,
)
from mash_desk.synthetic.bulk import Batch, InlineWriter, ProcessWriter, Writer
from mash_desk.synthetic.contact_picks import ContactPicks
from mash_desk.synthetic.history_state import (
    TABLES_IN_ORDER,
    TABLES_WITH_IDS,
    TUPLE_ROW_TABLES,
    WAIT_FOR_REFERRAL,
)
from mash_desk.synthetic.rates import (
    FAMILY_MEMORY,
    FINAL_BATCH_DAYS,
    ONE_DAY,
    PROCESS_WRITER_YEARS,
    STATUS_AWAITING,
    THRESHOLD_DOCUMENT,
    THRESHOLD_VERSION,
    shipped_document,
)
from mash_desk.synthetic.report import GenerationReport, Progress


class _Generator(ContactPicks):
    """The whole run: day by day, contacts and meetings, written a month at a time."""

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
                day += ONE_DAY
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
                            f"{day - ONE_DAY:%B %Y}: {self.written[Contact]:,} contacts", done
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
            set()
            if final
            else {r["id"] for r in self.rows[Referral] if r["status"] == STATUS_AWAITING}
        )
        later: dict[type, list[Any]] = {m: [] for m in TABLES_IN_ORDER}
        if waiting:
            for waiter, key in WAIT_FOR_REFERRAL:
                rows = self.rows[waiter]
                later[waiter] = [r for r in rows if r[key] in waiting]
                self.rows[waiter] = [r for r in rows if r[key] not in waiting]
        batch: Batch = {}
        for model in TABLES_IN_ORDER:
            rows = self.rows[model]
            if model in TUPLE_ROW_TABLES:
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
            for model in TABLES_WITH_IDS:
                name = model.__tablename__
                session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT MAX(id) FROM {name}))"
                    )
                )


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


# Imported from here by the tests, the CLI and the benchmarks (the names predate the split).
__all__ = [
    "PROCESS_WRITER_YEARS",
    "THRESHOLD_DOCUMENT",
    "THRESHOLD_VERSION",
    "GenerationReport",
    "Progress",
    "generate",
    "household_json",
    "logged_json",
    "outcome_json",
    "person_json",
    "referral_json",
    "relationship_json",
    "screened_json",
    "shipped_document",
]
