"""Checking what the decision form sent, every field in one pass (drafting and amending).

Each part (outcome and rationale, pathways, who is informed, the allocation, the actions, the
level through the threshold engine) adds its field errors to one list, so the chair sees
every problem at once; nothing is written unless the list stays empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from mash_desk.domain.errors import FieldError, ValidationError
from mash_desk.domain.meetings import (
    DecisionOutcome,
    Pathway,
    expected_levels_text,
    outcome_fits_level,
)
from mash_desk.domain.text import clean_narrative, clean_short, unstorable_problem
from mash_desk.domain.thresholds import ThresholdLibrary, choose_level, suggest
from mash_desk.services.context import Unit
from mash_desk.services.decision_records import ActionInput, DecisionInput
from mash_desk.services.thresholds import child_facts, document_in_force
from mash_desk.storage.models import Agency, User

# The width of decisions.allocated_team (storage/models/meetings.py): PostgreSQL refuses more.
TEAM_MAX = 80


@dataclass(frozen=True)
class CheckedDecision:
    """The form's fields once checked: what a draft or an amendment stores."""

    outcome: DecisionOutcome
    rationale: str
    pathways: tuple[Pathway, ...]
    actions: tuple[tuple[str, int | None, int | None, date], ...]
    inform: tuple[str | None, str | None, str | None]
    team: str | None
    worker_id: int | None
    outcome_level_reason: str | None = None


def check_decision_input(
    unit: Unit,
    library: ThresholdLibrary,
    person_id: int,
    d: DecisionInput,
    errors: list[FieldError],
) -> tuple[CheckedDecision, tuple]:
    """Check every field of ``d`` (with ``errors`` found earlier); raise if any is wrong.

    ``library`` is the threshold documents in force (``ThresholdStore.library``); returns
    the checked fields and the level (document used, suggestion, choice).
    """
    outcome: DecisionOutcome | None = None
    try:
        outcome = DecisionOutcome(d.outcome)
    except ValueError:
        errors.append(FieldError("outcome", "choice", f"Unknown outcome {d.outcome!r}"))
    rationale, problem = clean_narrative(
        d.rationale, "rationale", "Rationale for the decision", required=True
    )
    errors += [problem] if problem else []
    pathways = _pathways(d, errors)
    inform = _inform(d, errors)
    team, problem = clean_short(
        d.allocated_team, "allocated_team", "Allocated team", max_length=TEAM_MAX
    )
    errors += [problem] if problem else []
    if d.allocated_worker_id is not None and not _active_user(unit, d.allocated_worker_id):
        errors.append(
            FieldError("allocated_worker", "exists", "The allocated worker is not a user")
        )
    actions = [a for i, x in enumerate(d.actions) if (a := _action(unit, i, x, errors))]
    level, reason = _level(unit, library, person_id, d, outcome, errors)
    if errors:
        raise ValidationError(errors)
    assert outcome is not None and rationale is not None
    checked = CheckedDecision(
        outcome,
        rationale,
        tuple(pathways),
        tuple(actions),
        (inform[0], inform[1], inform[2]),  # family, referrer, professionals
        team,
        d.allocated_worker_id,
        reason,
    )
    return checked, level


def _pathways(d: DecisionInput, errors: list[FieldError]) -> list[Pathway]:
    pathways: list[Pathway] = []
    for value in d.pathways:
        try:
            pathway = Pathway(value)
        except ValueError:
            errors.append(FieldError("pathways", "choice", f"Unknown pathway {value!r}"))
            continue
        if pathway in pathways:
            errors.append(FieldError("pathways", "unique", f"{value} is chosen twice"))
        pathways.append(pathway)
    return pathways


def _inform(d: DecisionInput, errors: list[FieldError]) -> list[str | None]:
    inform: list[str | None] = []
    for name in ("inform_family", "inform_referrer", "inform_professionals"):
        text, problem = clean_narrative(getattr(d, name), name, "Who is informed")
        errors += [problem] if problem else []
        inform.append(text)
    return inform


def _active_user(unit: Unit, user_id: int | None) -> bool:
    return bool(unit.session.scalar(select(User.active).where(User.id == user_id)))


def _action(
    unit: Unit, i: int, action: ActionInput, errors: list[FieldError]
) -> tuple[str, int | None, int | None, date] | None:
    """One action checked (None when its due date is missing: refused as "required")."""
    where = f"actions[{i}]"
    text, problem = clean_narrative(
        action.description, f"{where}.description", "What is to be done", required=True
    )
    errors += [problem] if problem else []
    if action.due_on is None:
        errors.append(FieldError(f"{where}.due_on", "required", "Give a due date"))
    elif action.due_on < unit.today:
        errors.append(FieldError(f"{where}.due_on", "not_past", "Due date is past"))
    agency_id = None
    if (action.owner_agency is None) == (action.owner_user_id is None):
        errors.append(FieldError(f"{where}.owner", "one_owner", "Give an agency or a person"))
    elif unstorable := unstorable_problem(action.owner_agency, f"{where}.owner", "Agency"):
        errors.append(unstorable)
    elif action.owner_agency is not None:
        agency_id = unit.session.scalar(
            select(Agency.id).where(Agency.code == action.owner_agency, Agency.active)
        )
        if agency_id is None:
            errors.append(
                FieldError(f"{where}.owner", "exists", f"Unknown agency {action.owner_agency!r}")
            )
    elif not _active_user(unit, action.owner_user_id):
        errors.append(FieldError(f"{where}.owner", "exists", "The owner is not a user"))
    if action.due_on is None:
        return None
    return (text or "", agency_id, action.owner_user_id, action.due_on)


def _level(
    unit: Unit,
    library: ThresholdLibrary,
    person_id: int,
    d: DecisionInput,
    outcome: DecisionOutcome | None,
    errors: list[FieldError],
) -> tuple[tuple, str | None]:
    """The level through the threshold engine, and why the outcome departs from it (if so)."""
    level: tuple = ()
    reason: str | None = None
    try:
        used = document_in_force(library, unit.today, d.document)
        suggestion = suggest(used, d.indicators, child_facts(unit, person_id))
        choice = choose_level(used, suggestion, d.level, d.level_rationale)
        level = (used, suggestion, choice)
        if outcome is not None:
            reason, problem = outcome_level_reason(outcome, choice.level, d)
            errors += [problem] if problem else []
    except ValidationError as exc:
        errors += [
            FieldError("level_rationale" if e.field == "rationale" else e.field, e.rule, e.message)
            for e in exc.errors
        ]
    return level, reason


def outcome_level_reason(
    outcome: DecisionOutcome, level: int, d: DecisionInput
) -> tuple[str | None, FieldError | None]:
    """The reason an outcome departs from the usual route at ``level``: required then.

    Kept only when it is needed, so the record says "departs from the usual route" exactly
    when it does.
    """
    if outcome_fits_level(outcome, level):
        return None, None
    text, problem = clean_narrative(
        d.outcome_level_reason, "outcome_level_reason", "Why this outcome at this level"
    )
    if problem is not None:
        return None, problem
    if text is None:
        return None, FieldError(
            "outcome_level_reason",
            "outcome_level",
            f"{outcome.label} usually goes with {expected_levels_text(outcome)}, not Level "
            f"{level}: say why this outcome at this level",
        )
    return text, None
