"""Consistency QA: are threshold decisions made at the right level (seed 000 L374)?

A QA officer or manager draws a random sample of past screenings (or referral reviews); a
second practitioner re-rates each one *blind* — from what was known on the contact, without
the original level, indicators or rationale — against the same document version; the report
gives agreement overall, per level and per decision-maker, Cohen's kappa, and every
disagreement side by side for the practice discussion.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, null, select, update

from mash_desk.domain.changes import Kind, Topic, change_keys, record_key
from mash_desk.domain.enums import REFERRAL_SOURCES, RISK_INDICATORS
from mash_desk.domain.errors import (
    ConflictError,
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from mash_desk.domain.outcomes import age_in_years
from mash_desk.domain.permissions import Permission, allows
from mash_desk.domain.thresholds import ChildFacts, DocumentKey, choose_level, suggest
from mash_desk.services.context import Service, Unit
from mash_desk.services.dto import Actor, OpResult
from mash_desk.services.thresholds import record_assessment
from mash_desk.storage.models import (
    Contact,
    ContactChild,
    Person,
    QaItem,
    QaSample,
    RiskIndicatorRow,
    ThresholdAssessment,
    User,
)

QA_KINDS = ("screening", "referral")
# Each sampled case is re-rated blind by hand: the default 30 is a quarter's audit; the cap
# bounds one draw well beyond what a team re-rates.
SAMPLE_MAX = 500
# A sample is drawn from ids read into memory inside the write transaction; two years of
# screenings (~25,000) is a small list, a century would hold the writer for seconds.
PERIOD_MAX = timedelta(days=731)
# A quarter is the usual audit window for a monthly practice-quality meeting.
DEFAULT_PERIOD = timedelta(days=91)


@dataclass(frozen=True)
class QaItemDTO:
    """One sampled assessment: whether it has been re-rated, and by whom."""

    id: int
    position: int
    done: bool
    rerated_by: str | None


@dataclass(frozen=True)
class QaSampleDTO:
    """A drawn sample and its items."""

    id: int
    kind: str
    period_from: date
    period_to: date
    size: int
    seed: int
    drawn_by: str
    drawn_at: datetime
    items: tuple[QaItemDTO, ...]

    @property
    def outstanding(self) -> int:
        """Items still waiting for a re-rating."""
        return sum(1 for i in self.items if not i.done)


@dataclass(frozen=True)
class BlindCase:
    """What a re-rater sees: the contact as it arrived, never the original judgement."""

    item_id: int
    sample_id: int
    position: int
    document: DocumentKey
    received_at: datetime
    channel: str
    referral_source: str
    referrer_agency: str | None
    concerns: str
    risk_flags: tuple[str, ...]
    child: str
    """Age on the day ("7 years", "unborn, due 3 May 2026"), never the name."""
    sex: str


@dataclass(frozen=True)
class RerateResult:
    """Shown after the blind re-rating is saved: the two levels side by side."""

    item_id: int
    level: int
    original_level: int
    agreed: bool


@dataclass(frozen=True)
class Agreement:
    """How many re-rated items agreed with the original level."""

    rated: int = 0
    agreed: int = 0

    @property
    def rate(self) -> float | None:
        """Share agreeing (None before anything is re-rated)."""
        return self.agreed / self.rated if self.rated else None

    def plus(self, agreed: bool) -> Agreement:
        """This agreement with one more re-rated item."""
        return Agreement(self.rated + 1, self.agreed + int(agreed))


@dataclass(frozen=True)
class Disagreement:
    """An item where the re-rater reached a different level."""

    item_id: int
    position: int
    person_id: int
    child: str
    """The child's name, so the practice discussion can open the case."""
    document: DocumentKey
    original_level: int
    original_by: str
    original_rationale: str | None
    rerated_level: int
    rerated_by: str
    rerated_rationale: str | None


@dataclass(frozen=True)
class AgreementReport:
    """Agreement figures for one sample."""

    sample_id: int
    size: int
    overall: Agreement
    per_level: dict[int, Agreement]
    per_decision_maker: dict[str, Agreement]
    kappa: float | None
    disagreements: tuple[Disagreement, ...]

    @property
    def outstanding(self) -> int:
        """Items not yet re-rated."""
        return self.size - self.overall.rated


def _narrative(column: Any, identified: bool) -> tuple[Any]:
    """``column``, or a NULL in its place for a reader who may not see names or reasons."""
    return (column if identified else null().label(column.name),)


def cohens_kappa(pairs: Sequence[tuple[int, int]]) -> float | None:
    """Agreement beyond chance between two raters (None when chance alone explains all).

    Reported beside raw agreement because most contacts sit at one or two levels, where two
    raters agree often by chance alone.
    """
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(1 for a, b in pairs if a == b) / n
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    expected = sum(first[k] * second[k] for k in first) / (n * n)
    if expected >= 1:
        return None
    return (observed - expected) / (1 - expected)


def sample_problems(
    size: object, kind: str, first: date, last: date, today: date
) -> list[FieldError]:
    """What is wrong with a QA sample's size, kind and period, if anything."""
    errors: list[FieldError] = []
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= SAMPLE_MAX:
        errors.append(
            FieldError("size", "range", f"Sample size must be 1 to {SAMPLE_MAX} (got {size!r})")
        )
    if kind not in QA_KINDS:
        errors.append(
            FieldError("kind", "choice", f"Sample kind must be one of {', '.join(QA_KINDS)}")
        )
    if first > last:
        errors.append(
            FieldError("period_from", "order", "The period must start on or before its end")
        )
    if last > today:
        errors.append(FieldError("period_to", "future", "The period cannot end after today"))
    if last - first > PERIOD_MAX:
        errors.append(
            FieldError("period_from", "too_long", "Sample from a period of two years at most")
        )
    return errors


def _assessments_made(unit: Unit, kind: str, start: datetime, end: datetime) -> list[int]:
    """The ids of the assessments of ``kind`` made in [start, end), oldest first."""
    return list(
        unit.conn.execute(
            select(ThresholdAssessment.id)
            .where(
                ThresholdAssessment.kind == kind,
                ThresholdAssessment.assessed_at >= start,
                ThresholdAssessment.assessed_at < end,
            )
            .order_by(ThresholdAssessment.id)
        ).scalars()
    )


def _store_sample(
    unit: Unit, kind: str, first: date, last: date, seed: int, picked: list[int]
) -> QaSample:
    """Store the sample drawn and its items in the order drawn."""
    sample = QaSample(
        kind=kind,
        period_from=first,
        period_to=last,
        size=len(picked),
        seed=seed,
        drawn_by=unit.user_id,
        drawn_at=unit.now,
    )
    unit.session.add(sample)
    unit.session.flush()
    unit.session.add_all(
        QaItem(sample_id=sample.id, position=n, original_id=a)
        for n, a in enumerate(picked, start=1)
    )
    unit.session.flush()
    return sample


class QaService(Service):
    """Draw samples, re-rate blind, report agreement."""

    def _local_day_bounds(self, first: date, last: date) -> tuple[datetime, datetime]:
        tz = self.ctx.tz
        return (
            datetime.combine(first, time(), tz),
            datetime.combine(last + timedelta(days=1), time(), tz),
        )

    def draw_sample(
        self,
        actor: Actor,
        *,
        size: int = 30,
        period_from: date | None = None,
        period_to: date | None = None,
        kind: str = "screening",
        seed: int | None = None,
    ) -> OpResult[QaSampleDTO]:
        """Draw ``size`` assessments of ``kind`` made in the period, at random (seed kept)."""
        today = self.ctx.today()
        last = period_to or today
        first = period_from or (last - DEFAULT_PERIOD)
        errors = sample_problems(size, kind, first, last, today)
        if errors:
            raise ValidationError(errors)
        start, end = self._local_day_bounds(first, last)
        with self.writing(actor, Permission.RUN_QA) as unit:
            ids = _assessments_made(unit, kind, start, end)
            if not ids:
                raise ValidationError(
                    FieldError(
                        "period_from",
                        "empty",
                        f"No {kind} decisions were made between {first:%d %b %Y} and "
                        f"{last:%d %b %Y}; choose a longer period",
                    )
                )
            if seed is None:
                seed = random.SystemRandom().randrange(2**31)
            picked = random.Random(seed).sample(ids, min(size, len(ids)))
            sample = _store_sample(unit, kind, first, last, seed, picked)
            unit.audit(
                "qa.sample_drawn",
                "qa_sample",
                sample.id,
                kind=kind,
                period_from=first.isoformat(),
                period_to=last.isoformat(),
                size=len(picked),
                seed=seed,
            )
            notices = (
                (f"Only {len(picked)} {kind} decisions were made in the period; all are sampled",)
                if len(picked) < size
                else ()
            )
            return OpResult(self._sample(unit, sample.id), change_keys(Topic.QA), notices)

    def _sample(self, unit: Unit, sample_id: int) -> QaSampleDTO:
        sample = unit.load(QaSample, sample_id, what="QA sample")
        rows = unit.conn.execute(
            select(QaItem.id, QaItem.position, QaItem.rerate_id, User.display_name)
            .outerjoin(ThresholdAssessment, ThresholdAssessment.id == QaItem.rerate_id)
            .outerjoin(User, User.id == ThresholdAssessment.assessed_by)
            .where(QaItem.sample_id == sample_id)
            .order_by(QaItem.position)
        ).all()
        drawn_by = unit.session.get(User, sample.drawn_by)
        return QaSampleDTO(
            sample.id,
            sample.kind,
            sample.period_from,
            sample.period_to,
            sample.size,
            sample.seed,
            drawn_by.display_name if drawn_by else "unknown user",
            sample.drawn_at,
            tuple(QaItemDTO(i, p, r is not None, name) for i, p, r, name in rows),
        )

    @contextmanager
    def _progress_unit(self, actor: Actor) -> Iterator[Unit]:
        """Re-raters (SCREEN) and QA officers (RUN_QA) both follow a sample's progress."""
        with self.reading(actor, Permission.VIEW_THRESHOLDS) as unit:
            if not (allows(unit.role, Permission.SCREEN) or allows(unit.role, Permission.RUN_QA)):
                raise PermissionDenied(
                    f"A {unit.role.label.lower()} may not follow consistency samples"
                )
            yield unit

    def sample(self, actor: Actor, sample_id: int) -> QaSampleDTO:
        """A sample and how far its re-rating has got."""
        with self._progress_unit(actor) as unit:
            return self._sample(unit, sample_id)

    def latest_sample_id(self, actor: Actor) -> int | None:
        """The most recently drawn sample, if any."""
        with self._progress_unit(actor) as unit:
            return unit.conn.execute(select(func.max(QaSample.id))).scalar()

    def _item(self, unit: Unit, item_id: int) -> tuple[QaItem, ThresholdAssessment]:
        item = unit.session.get(QaItem, item_id)
        if item is None:
            raise NotFound(f"No QA item {item_id}")
        original = unit.session.get(ThresholdAssessment, item.original_id)
        assert original is not None
        if original.assessed_by == unit.user_id:
            raise PermissionDenied(
                "You made the original decision on this case; a second practitioner must re-rate it"
            )
        return item, original

    def next_case(self, actor: Actor, sample_id: int) -> BlindCase | None:
        """The next item of a sample this practitioner can re-rate (not their own decision)."""
        with self.reading(actor, Permission.SCREEN) as unit:
            item_id = unit.conn.execute(
                select(QaItem.id)
                .join(ThresholdAssessment, ThresholdAssessment.id == QaItem.original_id)
                .where(
                    QaItem.sample_id == sample_id,
                    QaItem.rerate_id.is_(None),
                    ThresholdAssessment.assessed_by != unit.user_id,
                )
                .order_by(QaItem.position)
                .limit(1)
            ).scalar()
            return self._blind(unit, item_id) if item_id is not None else None

    def blind_case(self, actor: Actor, item_id: int) -> BlindCase:
        """One sampled case as a re-rater sees it."""
        with self.reading(actor, Permission.SCREEN) as unit:
            return self._blind(unit, item_id)

    def _blind(self, unit: Unit, item_id: int) -> BlindCase:
        item, original = self._item(unit, item_id)
        assert original.contact_child_id is not None
        cc = unit.session.get(ContactChild, original.contact_child_id)
        assert cc is not None
        contact = unit.session.get(Contact, cc.contact_id)
        person = unit.session.get(Person, original.person_id)
        assert contact is not None and person is not None
        flags = unit.conn.execute(
            select(RiskIndicatorRow.code)
            .where(RiskIndicatorRow.contact_id == contact.id)
            .order_by(RiskIndicatorRow.code)
        ).scalars()
        on = contact.received_at.astimezone(self.ctx.tz).date()
        if person.date_of_birth is not None:
            years = age_in_years(person.date_of_birth, on)
            child = f"{years} year{'s' if years != 1 else ''}"
        elif person.expected_delivery is not None:
            child = f"unborn, due {person.expected_delivery:%d %B %Y}"
        else:
            child = "age not known"
        return BlindCase(
            item_id=item.id,
            sample_id=item.sample_id,
            position=item.position,
            document=DocumentKey(original.document_id, original.document_version),
            received_at=contact.received_at,
            channel=contact.channel,
            referral_source=REFERRAL_SOURCES.get(contact.referral_source, contact.referral_source),
            referrer_agency=contact.referrer_agency,
            concerns=contact.concerns,
            risk_flags=tuple(RISK_INDICATORS.get(f, f) for f in flags),
            child=child,
            sex=person.sex,
        )

    def rerate(
        self,
        actor: Actor,
        item_id: int,
        *,
        indicators: Sequence[str] = (),
        level: int | None = None,
        rationale: str | None = None,
    ) -> OpResult[RerateResult]:
        """Save a blind re-rating against the document version the original used."""
        with self.writing(actor, Permission.SCREEN) as unit:
            item, original = self._item(unit, item_id)
            if item.rerate_id is not None:
                raise ConflictError("This case has already been re-rated; open the next one")
            document = self.ctx.thresholds.library(unit.conn).get(
                (original.document_id, original.document_version)
            )
            person = unit.session.get(Person, original.person_id)
            assert person is not None
            on = original.assessed_at.astimezone(self.ctx.tz).date()
            facts = ChildFacts(on, person.date_of_birth, person.expected_delivery)
            suggestion = suggest(document, indicators, facts)
            choice = choose_level(document, suggestion, level, rationale)
            rerate = record_assessment(
                unit,
                document,
                suggestion,
                choice,
                kind="qa",
                person_id=original.person_id,
                contact_child_id=original.contact_child_id,
                referral_id=original.referral_id,
            )
            claimed = unit.conn.execute(
                update(QaItem)
                .where(QaItem.id == item.id, QaItem.rerate_id.is_(None))
                .values(rerate_id=rerate.id)
            ).rowcount
            if claimed != 1:
                raise ConflictError("This case has already been re-rated; open the next one")
            agreed = choice.level == original.chosen_level
            unit.audit(
                "qa.rerated",
                "qa_item",
                item.id,
                person_id=original.person_id,
                sample=item.sample_id,
                assessment=rerate.id,
                level=choice.level,
                agreed=agreed,
            )
            return OpResult(
                RerateResult(item.id, choice.level, original.chosen_level, agreed),
                change_keys(Topic.QA, record_key(Kind.QA_SAMPLE, item.sample_id)),
            )

    def report(self, actor: Actor, sample_id: int) -> AgreementReport:
        """Agreement overall, per original level and per decision-maker, with disagreements."""
        with self.reading(actor, Permission.RUN_QA) as unit:
            sample = unit.session.get(QaSample, sample_id)
            if sample is None:
                raise NotFound(f"No QA sample {sample_id}")
            # Who may open the case reads whose it was and why; a performance officer reads
            # the figures and the children's ids only (issue 13 item 3), and its login could
            # not select the names or rationales anyway (storage.server_policies).
            identified = allows(unit.role, Permission.VIEW_CASE)
            original = ThresholdAssessment.__table__.alias("original")
            rerate = ThresholdAssessment.__table__.alias("rerate")
            by_original = User.__table__.alias("by_original")
            by_rerate = User.__table__.alias("by_rerate")
            rows = unit.conn.execute(
                select(
                    QaItem.id,
                    QaItem.position,
                    original.c.person_id,
                    original.c.document_id,
                    original.c.document_version,
                    original.c.chosen_level,
                    by_original.c.display_name,
                    *_narrative(original.c.rationale, identified),
                    rerate.c.chosen_level,
                    by_rerate.c.display_name,
                    *_narrative(rerate.c.rationale, identified),
                    *_narrative(Person.given_name, identified),
                    *_narrative(Person.family_name, identified),
                )
                .join(original, original.c.id == QaItem.original_id)
                .join(Person, Person.id == original.c.person_id)
                .join(by_original, by_original.c.id == original.c.assessed_by)
                .join(rerate, rerate.c.id == QaItem.rerate_id)
                .join(by_rerate, by_rerate.c.id == rerate.c.assessed_by)
                .where(QaItem.sample_id == sample_id)
                .order_by(QaItem.position)
            ).all()
        overall = Agreement()
        per_level: dict[int, Agreement] = {}
        per_person: dict[str, Agreement] = {}
        disagreements: list[Disagreement] = []
        for row in rows:
            (item_id, position, person_id, doc_id, doc_version, level, by, why) = row[:8]
            (again, again_by, again_why, given, family) = row[8:]
            agreed = level == again
            overall = overall.plus(agreed)
            per_level[level] = per_level.get(level, Agreement()).plus(agreed)
            per_person[by] = per_person.get(by, Agreement()).plus(agreed)
            if not agreed:
                disagreements.append(
                    Disagreement(
                        item_id,
                        position,
                        person_id,
                        f"{given} {family}" if identified else f"Child #{person_id}",
                        DocumentKey(doc_id, doc_version),
                        level,
                        by,
                        why,
                        again,
                        again_by,
                        again_why,
                    )
                )
        return AgreementReport(
            sample_id=sample.id,
            size=sample.size,
            overall=overall,
            per_level=dict(sorted(per_level.items())),
            per_decision_maker=dict(sorted(per_person.items())),
            kappa=cohens_kappa([(r[5], r[8]) for r in rows]),
            disagreements=tuple(disagreements),
        )
