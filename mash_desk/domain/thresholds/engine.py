"""Apply a threshold document to the indicators a practitioner ticks.

The rule is the brief's (§3 Decision): the suggested level is the highest level ticked, the
indicators at that level are shown as the reasons, and the practitioner confirms it or
overrides it with a written rationale. Specific pathways (LADO, MARAC/IDVA, pre-birth
planning…) are raised by the indicators that call for them *whatever the level*, so a Level 2
private-fostering arrangement still reaches the private fostering team.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from mash_desk.domain.enums import ConsentPurpose, ConsentState
from mash_desk.domain.errors import FieldError, ValidationError
from mash_desk.domain.outcomes import is_under_five
from mash_desk.domain.text import clean_narrative
from mash_desk.domain.thresholds.model import (
    Consent,
    ConsentRule,
    DocumentKey,
    Indicator,
    Level,
    Pathway,
    Route,
    RouteCondition,
    ThresholdDocument,
)

# Pregnancy is dated from 40 weeks at the expected delivery date, so "before 34 weeks" falls
# six weeks before it (pre-birth planning, seed 001 L36).
_TERM_WEEKS = 40


@dataclass(frozen=True)
class ChildFacts:
    """What the routes need to know about the child, on the day of the screening."""

    on: date
    date_of_birth: date | None = None
    expected_delivery: date | None = None

    @property
    def unborn(self) -> bool:
        """Whether the child is not yet born (an expected delivery date and no birth date)."""
        return self.date_of_birth is None and self.expected_delivery is not None

    @property
    def under_five(self) -> bool:
        """Whether the child is under five (an unborn child counts)."""
        return is_under_five(self.date_of_birth, self.expected_delivery, self.on)

    def meets(self, condition: RouteCondition) -> bool:
        """Whether a route's condition holds for this child."""
        if condition is RouteCondition.UNDER_5:
            return self.under_five
        if condition is RouteCondition.FIVE_OR_OVER:
            return not self.under_five
        return self.unborn


@dataclass(frozen=True)
class SuggestedRoute:
    """A route the document suggests, with the condition that made it apply (if any)."""

    route: Route
    when: RouteCondition | None


@dataclass(frozen=True)
class RaisedPathway:
    """A specific pathway, the ticked indicators that call for it, and when it is due."""

    pathway: Pathway
    because: tuple[Indicator, ...]
    due_on: date | None = None
    """For a pathway tied to a week of pregnancy: the last day it can happen in time."""


@dataclass(frozen=True)
class Suggestion:
    """What the document says about the indicators ticked."""

    document: DocumentKey
    ticked: tuple[Indicator, ...]
    level: Level | None
    drivers: tuple[Indicator, ...]
    routes: tuple[SuggestedRoute, ...]
    pathways: tuple[RaisedPathway, ...]

    @property
    def consent(self) -> Consent | None:
        """The consent rule of the suggested level (None until something is ticked)."""
        return self.level.consent if self.level is not None else None

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        """Ids of the ticked indicators, in document order."""
        return tuple(i.id for i in self.ticked)

    def explain(self) -> str:
        """One paragraph a practitioner can read back: level, why, consent, routes, pathways."""
        if self.level is None:
            return "No indicators ticked: no level suggested."
        parts = [
            f"Suggested {self.level.label}, because: "
            + "; ".join(i.text for i in self.drivers)
            + "."
        ]
        if self.consent is not None and self.consent.text:
            parts.append(f"Consent: {self.consent.text}")
        if self.routes:
            parts.append("Routes: " + ", ".join(r.route.name for r in self.routes) + ".")
        if self.pathways:
            parts.append("Pathways: " + ", ".join(p.pathway.name for p in self.pathways) + ".")
        return " ".join(parts)


def _unknown(document: ThresholdDocument, ids: Iterable[str]) -> list[FieldError]:
    return [
        FieldError(
            "indicators",
            "unknown",
            f"Indicator '{i}' is not in the threshold document {document.key}",
        )
        for i in ids
        if not document.has_indicator(i)
    ]


def suggest(
    document: ThresholdDocument, ticked: Iterable[str], child: ChildFacts | None = None
) -> Suggestion:
    """Suggest a level, its reasons, routes and pathways from the ticked indicator ids.

    Without ``child`` every route is returned with its condition, for the caller to show as
    "if under 5"; with it, only the routes that apply to this child.
    """
    ids = list(dict.fromkeys(ticked))
    errors = _unknown(document, ids)
    if errors:
        raise ValidationError(errors)
    chosen = tuple(sorted((document.indicator(i) for i in ids), key=lambda i: i.position))
    if not chosen:
        return Suggestion(document.key, (), None, (), (), ())
    top = max(i.level for i in chosen)
    level = document.level(top)
    drivers = tuple(i for i in chosen if i.level == top)
    routes = tuple(
        SuggestedRoute(lr.route, lr.when)
        for lr in level.routes
        if lr.when is None or child is None or child.meets(lr.when)
    )
    return Suggestion(
        document.key, chosen, level, drivers, routes, _pathways(document, chosen, child)
    )


def _pathways(
    document: ThresholdDocument, chosen: tuple[Indicator, ...], child: ChildFacts | None
) -> tuple[RaisedPathway, ...]:
    because: dict[str, list[Indicator]] = {}
    for indicator in chosen:
        for pathway in indicator.pathways:
            because.setdefault(pathway.id, []).append(indicator)
    raised: list[RaisedPathway] = []
    for pathway in document.pathways:
        if pathway.id not in because:
            continue
        due = None
        if pathway.weeks_gestation is not None and child is not None and child.unborn:
            assert child.expected_delivery is not None
            due = child.expected_delivery - timedelta(weeks=_TERM_WEEKS - pathway.weeks_gestation)
        raised.append(RaisedPathway(pathway, tuple(because[pathway.id]), due))
    return tuple(raised)


@dataclass(frozen=True)
class LevelChoice:
    """The practitioner's level, beside the suggestion it confirms or overrides."""

    suggested: int | None
    level: int
    override: bool
    rationale: str | None


def choose_level(
    document: ThresholdDocument,
    suggestion: Suggestion,
    level: int | None,
    rationale: str | None,
) -> LevelChoice:
    """Confirm the suggestion (``level`` None or equal) or override it with a rationale.

    Raises ``ValidationError`` naming the field and rule: an unknown level, no level at all,
    an override without a written rationale, or a level chosen with nothing ticked and no
    rationale.
    """
    suggested = suggestion.level.number if suggestion.level is not None else None
    errors: list[FieldError] = []
    text, problem = clean_narrative(rationale, "rationale", "Rationale for the level")
    if problem is not None:
        errors.append(problem)
    if level is None:
        level = suggested
    if level is None:
        errors.append(
            FieldError(
                "level",
                "required",
                "Tick the indicators that apply, or choose a level and say why",
            )
        )
    elif isinstance(level, bool) or level not in document.level_numbers:
        numbers = ", ".join(str(n) for n in document.level_numbers)
        errors.append(
            FieldError(
                "level", "choice", f"Threshold level must be one of {numbers} (got {level!r})"
            )
        )
    elif not text and problem is None:
        if suggested is None:
            errors.append(
                FieldError(
                    "rationale",
                    "required_without_indicators",
                    f"No indicators are ticked: say why Level {level} applies",
                )
            )
        elif level != suggested:
            errors.append(
                FieldError(
                    "rationale",
                    "override_rationale",
                    f"Choosing Level {level} instead of the suggested Level {suggested} "
                    "needs a written rationale",
                )
            )
    if errors:
        raise ValidationError(errors)
    assert level is not None
    return LevelChoice(suggested, level, suggested is not None and level != suggested, text)


# Which consent each level's rule is about (domain brief §6): early help is consent-based,
# a s17 assessment seeks consent, and at Level 4 the question is whether to share without it.
_CONSENT_PURPOSE = {
    ConsentRule.REQUIRED: ConsentPurpose.EARLY_HELP,
    ConsentRule.SOUGHT: ConsentPurpose.ASSESSMENT,
    ConsentRule.MAY_PROCEED_WITHOUT: ConsentPurpose.SHARE_INFORMATION,
}


def consent_purpose(rule: ConsentRule) -> ConsentPurpose | None:
    """The consent a level's rule is about (None when no consent is needed)."""
    return _CONSENT_PURPOSE.get(rule)


def consent_notice(level: Level, recorded: Mapping[str, str]) -> str | None:
    """Say what the level's consent rule asks, when the consent recorded does not meet it.

    ``recorded`` maps consent purposes to their recorded states for this child. Returns None
    when nothing needs saying (no consent needed, or it was given).
    """
    purpose = _CONSENT_PURPOSE.get(level.consent.rule)
    if purpose is None:
        return None
    state = recorded.get(purpose.value)
    if state == ConsentState.GIVEN.value:
        return None
    stands = f"recorded as {state.replace('_', ' ')}" if state else "not recorded"
    what = purpose.value.replace("_", " ")
    if level.consent.rule is ConsentRule.MAY_PROCEED_WITHOUT:
        return (
            f"{level.label}: agencies may share and act without consent, and the reason must "
            f"be recorded. Consent to {what} is {stands}."
        )
    return f"{level.label}: {level.consent.text} Consent to {what} is {stands}."
