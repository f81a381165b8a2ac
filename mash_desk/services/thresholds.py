"""Threshold documents in use: which is in force, installing one, and recording assessments.

The shipped documents live in ``resources/thresholds/``; a council installs its own into the
database with ``mash-desk thresholds install``. Every version that is installed or used is
kept whole in ``threshold_documents``, so an assessment is always shown against the text it was
made with, even after the file changes or a newer version takes over.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from mash_desk.domain.changes import Topic, change_keys
from mash_desk.domain.errors import ConflictError, FieldError, NotFound, ValidationError
from mash_desk.domain.permissions import Permission
from mash_desk.domain.thresholds import (
    ChildFacts,
    DocumentKey,
    LevelChoice,
    Suggestion,
    ThresholdDocument,
    ThresholdLibrary,
    parse_document,
    suggest,
)
from mash_desk.services.access import ASSESSMENTS_VIEW, record_access
from mash_desk.services.context import Service, Unit
from mash_desk.services.dto import Actor, OpResult
from mash_desk.services.threshold_store import shipped_documents
from mash_desk.storage.models import (
    AssessmentIndicator,
    Person,
    ThresholdAssessment,
    ThresholdDocumentRow,
    User,
)


def store_document(unit: Unit, document: ThresholdDocument) -> bool:
    """Keep ``document`` whole in the database unless that version is already there.

    Returns whether a row was written. Two first uses at once on a shared server race for the
    same row; the loser's savepoint rolls back and its screening goes on with the stored copy.
    """
    exists = unit.conn.execute(
        select(ThresholdDocumentRow.sha256).where(
            ThresholdDocumentRow.document_id == document.id,
            ThresholdDocumentRow.version == document.version,
        )
    ).scalar()
    if exists is not None:
        return False
    try:
        with unit.conn.begin_nested():
            unit.conn.execute(
                insert(ThresholdDocumentRow).values(
                    document_id=document.id,
                    version=document.version,
                    title=document.title,
                    effective_from=document.effective_from,
                    sha256=document.sha256,
                    content=document.text,
                    installed_at=unit.now,
                    installed_by=unit.user_id,
                )
            )
    except IntegrityError:
        return False
    return True


def child_facts(unit: Unit, person_id: int) -> ChildFacts:
    """The facts routes depend on (age, unborn) for a person, on the unit's day."""
    row = unit.conn.execute(
        select(Person.date_of_birth, Person.expected_delivery).where(Person.id == person_id)
    ).one_or_none()
    if row is None:
        raise NotFound(f"No person {person_id}")
    return ChildFacts(unit.today, row.date_of_birth, row.expected_delivery)


def document_in_force(
    library: ThresholdLibrary, on: date, asked: DocumentKey | tuple[str, str] | None
) -> ThresholdDocument:
    """The document in force on ``on``; if the caller names one, it must be that one.

    The threshold panel shows the version it applies; if the day's document changed while the
    panel was open, saving against the old one would store a version nobody was shown.
    """
    current = library.current(on)
    if asked is not None and DocumentKey(*asked) != current.key:
        raise ValidationError(
            FieldError(
                "document",
                "not_current",
                f"The threshold document in force is {current.key}, not {DocumentKey(*asked)}; "
                "reopen the threshold panel and tick the indicators again",
            )
        )
    return current


def record_assessment(
    unit: Unit,
    document: ThresholdDocument,
    suggestion: Suggestion,
    choice: LevelChoice,
    *,
    kind: str,
    person_id: int,
    contact_child_id: int | None = None,
    referral_id: int | None = None,
) -> ThresholdAssessment:
    """Write one assessment with its ticked indicators, keeping the document version used."""
    store_document(unit, document)
    row = ThresholdAssessment(
        kind=kind,
        person_id=person_id,
        contact_child_id=contact_child_id,
        referral_id=referral_id,
        document_id=document.id,
        document_version=document.version,
        suggested_level=choice.suggested,
        chosen_level=choice.level,
        override=choice.override,
        rationale=choice.rationale,
        assessed_by=unit.user_id,
        assessed_at=unit.now,
    )
    unit.session.add(row)
    unit.session.flush()
    unit.session.add_all(
        AssessmentIndicator(assessment_id=row.id, indicator_id=i) for i in suggestion.indicator_ids
    )
    return row


def assessment_detail(
    assessment: ThresholdAssessment,
    document: ThresholdDocument,
    suggestion: Suggestion,
    choice: LevelChoice,
) -> dict[str, object]:
    """The audit detail every threshold assessment carries, whatever recorded it."""
    return {
        "assessment": assessment.id,
        "document": document.id,
        "document_version": document.version,
        "indicators": list(suggestion.indicator_ids),
        "suggested_level": choice.suggested,
        "level": choice.level,
        "override": choice.override,
        "pathways": [p.pathway.id for p in suggestion.pathways],
    }


@dataclass(frozen=True)
class IndicatorView:
    """A ticked indicator as worded in the document version the assessment used."""

    id: str
    level: int
    domain: str
    text: str


@dataclass(frozen=True)
class AssessmentDTO:
    """A stored assessment, shown against the document version it used."""

    id: int
    kind: str
    document: DocumentKey
    document_title: str
    suggested_level: int | None
    chosen_level: int
    level_label: str
    override: bool
    rationale: str | None
    indicators: tuple[IndicatorView, ...]
    pathways: tuple[str, ...]
    assessed_by: str
    assessed_at: datetime
    contact_child_id: int | None
    referral_id: int | None


def read_assessments(unit: Unit, library: ThresholdLibrary, person_id: int) -> list[AssessmentDTO]:
    """A child's assessments inside ``unit``, for a service that logs the view itself."""
    rows = unit.session.scalars(
        select(ThresholdAssessment)
        .where(ThresholdAssessment.person_id == person_id)
        .order_by(ThresholdAssessment.assessed_at.desc(), ThresholdAssessment.id.desc())
    ).all()
    return assessment_dtos(unit, library, rows)


def assessment_dtos(
    unit: Unit, library: ThresholdLibrary, rows: Sequence[ThresholdAssessment]
) -> list[AssessmentDTO]:
    """Describe assessments, each against its own document version."""
    if not rows:
        return []
    ids = [r.id for r in rows]
    ticked: dict[int, list[str]] = {i: [] for i in ids}
    for assessment_id, indicator_id in unit.conn.execute(
        select(AssessmentIndicator.assessment_id, AssessmentIndicator.indicator_id).where(
            AssessmentIndicator.assessment_id.in_(ids)
        )
    ):
        ticked[assessment_id].append(indicator_id)
    names = dict(
        unit.conn.execute(
            select(User.id, User.display_name).where(User.id.in_({r.assessed_by for r in rows}))
        ).all()
    )
    return [
        assessment_dto(row, library.get((row.document_id, row.document_version)), ticked, names)
        for row in rows
    ]


def assessment_dto(
    row: Any, document: ThresholdDocument, ticked: dict[int, list[str]], names: dict[int, str]
) -> AssessmentDTO:
    """An assessment as screens show it, worked out again from its document version.

    Shows the indicators ticked that the document still has, and the pathways they raise.
    """
    known = [i for i in ticked[row.id] if document.has_indicator(i)]
    shown = suggest(document, known)
    return AssessmentDTO(
        id=row.id,
        kind=row.kind,
        document=document.key,
        document_title=document.title,
        suggested_level=row.suggested_level,
        chosen_level=row.chosen_level,
        level_label=document.level(row.chosen_level).label,
        override=row.override,
        rationale=row.rationale,
        indicators=tuple(IndicatorView(i.id, i.level, i.domain.name, i.text) for i in shown.ticked),
        pathways=tuple(p.pathway.name for p in shown.pathways),
        assessed_by=names.get(row.assessed_by, "unknown user"),
        assessed_at=row.assessed_at,
        contact_child_id=row.contact_child_id,
        referral_id=row.referral_id,
    )


class ThresholdService(Service):
    """Read the threshold documents, get a live suggestion, install a council's document."""

    def library(self, actor: Actor) -> ThresholdLibrary:
        """Every installed document version."""
        with self.reading(actor, Permission.VIEW_THRESHOLDS) as unit:
            return self.ctx.thresholds.library(unit.conn)

    def current(self, actor: Actor, on: date | None = None) -> ThresholdDocument:
        """The document in force today (or on ``on``)."""
        with self.reading(actor, Permission.VIEW_THRESHOLDS) as unit:
            return self.ctx.thresholds.library(unit.conn).current(on or unit.today)

    def document(self, actor: Actor, document_id: str, version: str) -> ThresholdDocument:
        """One installed version, e.g. the one an old screening used."""
        with self.reading(actor, Permission.VIEW_THRESHOLDS) as unit:
            return self.ctx.thresholds.library(unit.conn).get((document_id, version))

    def suggest(
        self,
        actor: Actor,
        indicators: Iterable[str],
        *,
        person_id: int | None = None,
        document: DocumentKey | tuple[str, str] | None = None,
    ) -> Suggestion:
        """What the document says about ``indicators``, for this child if one is named.

        Without ``document`` the one in force today is used; naming one shows an older
        assessment against the version it used.
        """
        # Naming a child reveals their age band (under 5, unborn) through the routes: only
        # someone who may open the case may ask about a particular child.
        permission = Permission.VIEW_CASE if person_id is not None else Permission.VIEW_THRESHOLDS
        with self.reading(actor, permission) as unit:
            library = self.ctx.thresholds.library(unit.conn)
            chosen = library.get(document) if document else library.current(unit.today)
            facts = child_facts(unit, person_id) if person_id is not None else None
            return suggest(chosen, indicators, facts)

    def assessments(self, actor: Actor, person_id: int) -> list[AssessmentDTO]:
        """Every threshold assessment of a child, newest first, each against its version.

        A view of the child's record: written to the access log in the same unit.
        """
        with self.writing(actor, Permission.VIEW_CASE) as unit:
            if unit.session.get(Person, person_id) is None:
                raise NotFound(f"No person with id {person_id}")
            found = read_assessments(unit, self.ctx.thresholds.library(unit.conn), person_id)
            record_access(unit, person_id, ASSESSMENTS_VIEW)
            return found

    def store_shipped(self, actor: Actor) -> int:
        """Keep every shipped document in the database now; return how many were new.

        On a shared server (``server init`` / ``server upgrade``) the owner stores them up
        front, because the people's logins may not write threshold documents: otherwise the
        first screening against a shipped document would need to store it.
        """
        written = 0
        with self.writing(actor, Permission.ADMINISTER) as unit:
            for document in shipped_documents():
                written += store_document(unit, document)
        return written

    def install(
        self, actor: Actor, data: bytes, source: str = "threshold document"
    ) -> OpResult[ThresholdDocument]:
        """Check a council's document and keep it in the database beside the others.

        The same id and version with different text is refused: assessments already made
        against that version must keep meaning what they meant.
        """
        document = parse_document(data, source)
        with self.writing(actor, Permission.ADMINISTER) as unit:
            library = self.ctx.thresholds.library(unit.conn)
            try:
                existing = library.get(document.key)
            except NotFound:
                existing = None
            if existing is not None and existing.sha256 != document.sha256:
                raise ConflictError(
                    f"Threshold document {document.key} is already installed with different "
                    "wording; give the changed document a new version"
                )
            written = store_document(unit, document)
            if written:
                unit.audit(
                    "threshold_document.installed",
                    "threshold_document",
                    None,
                    document=document.id,
                    version=document.version,
                    effective_from=document.effective_from.isoformat(),
                    sha256=document.sha256,
                )
            notices = () if written else (f"{document.key} was already installed",)
            return OpResult(
                document, change_keys(Topic.THRESHOLDS) if written else frozenset(), notices
            )
