"""Where a child goes next, as rules: step up, step down, transfers, strategy discussions.

Pure Python (domain brief §4–5). Step up moves a child from early help to social care when
need rises to level 3–4; step down moves a child from social care to early help when need
falls to level 1–2, with the family's consent and never straight from a child-protection plan
or an open s47 enquiry. Family, professionals and referrer are told (who, when, how) before a
routing is complete. A strategy discussion needs social care, police and health as a minimum
and starts the initial child protection conference clock.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum

from mash_desk.domain.enums import ServiceKind
from mash_desk.domain.errors import FieldError


class RoutingKind(StrEnum):
    """The direction of a routing."""

    STEP_UP = "step_up"
    STEP_DOWN = "step_down"
    TRANSFER = "transfer"


class RoutingStatus(StrEnum):
    """Where a routing stands: open → complete (handed over) → accepted or rejected."""

    OPEN = "open"
    COMPLETE = "complete"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class InformedParty(StrEnum):
    """Who must be told of a routing before it is complete (000 L343)."""

    FAMILY = "family"
    PROFESSIONALS = "professionals"
    REFERRER = "referrer"


class InformMethod(StrEnum):
    """How someone was told."""

    PHONE = "phone"
    IN_PERSON = "in_person"
    LETTER = "letter"
    EMAIL = "email"
    MEETING = "meeting"


class S47Decision(StrEnum):
    """What a strategy discussion decides."""

    PROCEED = "proceed"
    NO_FURTHER_ACTION = "no_further_s47_action"


SOCIAL_CARE = "social_care"
EARLY_HELP_AGENCIES = frozenset({"early_support", "childrens_centres"})
CHILDRENS_CENTRES = "childrens_centres"
STEP_DOWN_MAX_LEVEL = 2
STEP_UP_MIN_LEVEL = 3
# Open services a child may not be stepped down from straight to early help [ext].
NO_STEP_DOWN_FROM = frozenset({ServiceKind.CHILD_PROTECTION.value, ServiceKind.S47.value})
STRATEGY_MINIMUM = ("social_care", "police", "health")

_SERVICE_WORDS = {
    ServiceKind.CHILD_PROTECTION.value: "a child-protection plan",
    ServiceKind.S47.value: "an open s47 enquiry",
}


def routing_problems(
    kind: RoutingKind,
    to_agency: str,
    level_after: int,
    family_consent: bool | None,
    open_services: Collection[str],
) -> list[FieldError]:
    """Return every broken rule of a routing, each named by its field."""
    problems: list[FieldError] = []
    if not 1 <= level_after <= 4:
        problems.append(FieldError("level_after", "range", "The level after is 1 to 4"))
    if kind is RoutingKind.STEP_UP:
        if level_after < STEP_UP_MIN_LEVEL:
            problems.append(
                FieldError(
                    "level_after",
                    "step_up_level",
                    f"A step up needs level {STEP_UP_MIN_LEVEL} or above (this is level "
                    f"{level_after}); below that the child stays with early help",
                )
            )
        if to_agency != SOCIAL_CARE:
            problems.append(
                FieldError("to_agency", "step_up_to", "A step up goes to children's social care")
            )
    elif kind is RoutingKind.STEP_DOWN:
        if level_after > STEP_DOWN_MAX_LEVEL:
            problems.append(
                FieldError(
                    "level_after",
                    "step_down_level",
                    f"A step down needs level {STEP_DOWN_MAX_LEVEL} or below (this is level "
                    f"{level_after}); at that level the child stays with social care",
                )
            )
        if to_agency not in EARLY_HELP_AGENCIES:
            problems.append(
                FieldError(
                    "to_agency",
                    "step_down_to",
                    "A step down goes to early help (Early Support or a children's centre)",
                )
            )
        if family_consent is not True:
            problems.append(
                FieldError(
                    "family_consent",
                    "consent",
                    "A step down to early help needs the family's consent: record it as given",
                )
            )
        blocking = sorted(set(open_services) & NO_STEP_DOWN_FROM)
        if blocking:
            words = " and ".join(_SERVICE_WORDS[s] for s in blocking)
            problems.append(
                FieldError(
                    "kind",
                    "not_from_child_protection",
                    f"This child has {words}: no step down straight to early help; "
                    "close that first (step down to child in need)",
                )
            )
    return problems


def offers_childrens_centre(under_five: bool, level_after: int, to_agency: str) -> bool:
    """Return whether a children's-centre offer is added: under 5, not needing social care."""
    return under_five and level_after <= STEP_DOWN_MAX_LEVEL and to_agency != CHILDRENS_CENTRES


CHILDRENS_CENTRE_NOTICE = (
    "Under-5 rule: a children's-centre offer was recorded, because every child under 5 who "
    "does not need social care is offered one (seed 000 L184)"
)


def informing_missing(informed: Collection[InformedParty]) -> FieldError | None:
    """Return the problem if family, professionals or referrer have not been told."""
    missing = [p for p in InformedParty if p not in set(informed)]
    if not missing:
        return None
    return FieldError(
        "informed",
        "informing_required",
        "Record who was informed before completing the routing; not yet informed: "
        + ", ".join(p.value for p in missing),
    )


def strategy_attendance_missing(agencies: Collection[str]) -> FieldError | None:
    """Return the problem if social care, police or health did not take part."""
    missing = [a for a in STRATEGY_MINIMUM if a not in set(agencies)]
    if not missing:
        return None
    return FieldError(
        "attendees",
        "strategy_minimum",
        "A strategy discussion needs social care, police and health as a minimum; missing: "
        + ", ".join(missing),
    )
