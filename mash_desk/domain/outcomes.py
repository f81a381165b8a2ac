"""Rules for per-child contact outcomes (domain brief §5)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Protocol

from mash_desk.domain.enums import ContactOutcome
from mash_desk.domain.errors import FieldError

# Outcomes that mean social care is taking the child on; any other outcome for an
# under-5 must come with a children's-centre offer (000 L184).
SOCIAL_CARE_OUTCOMES = frozenset({ContactOutcome.REFERRAL, ContactOutcome.FORWARD_TO_WORKER})


def age_in_years(date_of_birth: date, on: date) -> int:
    """Return completed years of age on a day."""
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


class Born(Protocol):
    """Anything that carries a child's date of birth or expected delivery (a person DTO)."""

    @property
    def date_of_birth(self) -> date | None:
        """The date of birth (None for an unborn child)."""

    @property
    def expected_delivery(self) -> date | None:
        """The expected delivery date of an unborn child."""


def age_text(person: Born, today: date) -> str:
    """``"7 years"``, ``"11 months"``, or ``"Unborn, due 03 Feb 2027"``."""
    if person.date_of_birth is None:
        if person.expected_delivery is not None:
            return f"Unborn, due {person.expected_delivery:%d %b %Y}"
        return "Age not known"
    years = age_in_years(person.date_of_birth, today)
    if years >= 2:
        return f"{years} years"
    born = person.date_of_birth
    months = (today.year - born.year) * 12 + today.month - born.month
    if today.day < born.day:
        months -= 1
    months = max(months, 0)
    return f"{months} month{'s' if months != 1 else ''}"


def is_under_five(date_of_birth: date | None, expected_delivery: date | None, on: date) -> bool:
    """Return whether the child is under 5 on ``on``; an unborn child counts as under 5."""
    if date_of_birth is None:
        return expected_delivery is not None
    return age_in_years(date_of_birth, on) < 5


def check_outcomes(outcomes: Collection[ContactOutcome]) -> list[FieldError]:
    """Return the problems with a set of outcomes for one child."""
    problems: list[FieldError] = []
    if not outcomes:
        problems.append(FieldError("outcomes", "required", "Choose at least one outcome"))
    if ContactOutcome.NFA in outcomes and len(outcomes) > 1:
        others = ", ".join(o.label for o in outcomes if o is not ContactOutcome.NFA)
        problems.append(
            FieldError(
                "outcomes",
                "nfa_exclusive",
                f"No further action cannot be combined with another outcome ({others})",
            )
        )
    return problems


UNDER_FIVE_NOTICE = (
    "Under-5 rule: a children's-centre early-help offer was added, because every child under 5 "
    "who does not need social care is offered one (Harrow MASH practice, seed 000 L184)"
)


def apply_under_five_rule(
    outcomes: Collection[ContactOutcome], under_five: bool, no_offer_reason: str | None
) -> tuple[frozenset[ContactOutcome], list[str], list[FieldError]]:
    """Apply the under-5 rule to one child's outcomes.

    Every under-5 contact that does not need social care is referred to a children's centre
    for an early-help offer (000 L184). Returns the outcomes to store, notices to show the
    practitioner, and problems. NFA excludes every other outcome, so an under-5 closed with
    NFA must say why no offer is made (e.g. the family already attends a centre).
    """
    chosen = frozenset(outcomes)
    if not under_five or chosen & SOCIAL_CARE_OUTCOMES or ContactOutcome.CHILDRENS_CENTRE in chosen:
        return chosen, [], []
    if ContactOutcome.NFA in chosen:
        if no_offer_reason:
            return chosen, [], []
        return (
            chosen,
            [],
            [
                FieldError(
                    "outcomes",
                    "under_five_childrens_centre",
                    "This child is under 5 and does not need social care, so a children's-centre "
                    "offer is expected (000 L184): choose the children's-centre offer, or give the "
                    "reason no offer is made",
                )
            ],
        )
    return chosen | {ContactOutcome.CHILDRENS_CENTRE}, [UNDER_FIVE_NOTICE], []
