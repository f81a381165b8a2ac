"""Asking partner agencies: what a check request may ask, and writing it (``services/checks.py``).

The checks the MASH asks are refused as a whole, every problem named with its field, before
anything is written; a race for the same agency is refused by the database's partial unique
index, not doubled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from mash_desk.domain.enums import ConsentPurpose
from mash_desk.domain.errors import FieldError, ValidationError
from mash_desk.domain.text import clean_narrative, unstorable_problem
from mash_desk.services.context import Unit
from mash_desk.storage.models import Agency, AgencyCheckRequest, Consent, Referral


class CheckStatus(StrEnum):
    """Where an agency check stands."""

    REQUESTED = "requested"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class CheckRequestInput:
    """One agency to ask, and what to ask it."""

    agency_code: str
    question: str


def check_questions(checks: Sequence[CheckRequestInput]) -> tuple[list[FieldError], list[str]]:
    """Problems with what was typed (no agency chosen, a blank question) and the questions."""
    errors: list[FieldError] = []
    questions: list[str] = []
    if not checks:
        errors.append(FieldError("checks", "required", "Choose at least one agency to ask"))
    for i, check in enumerate(checks):
        text, problem = clean_narrative(
            check.question, f"checks[{i}].question", "The question to the agency", required=True
        )
        errors += [problem] if problem else []
        questions.append(text or "")
    return errors, questions


def check_agencies(
    unit: Unit, referral_id: int, checks: Sequence[CheckRequestInput]
) -> tuple[list[str], dict[str, int], list[FieldError]]:
    """The agency codes asked, their ids, and why any cannot be asked (field per agency).

    An agency cannot be asked if it is unknown, no longer a partner, asked twice in one
    request, or already has an open check for this referral.
    """
    errors: list[FieldError] = []
    codes = [(c.agency_code or "").strip() for c in checks]
    for i, code in enumerate(codes):
        if unstorable := unstorable_problem(code, f"checks[{i}].agency", "Agency"):
            errors.append(unstorable)
            codes[i] = ""  # looked up as no agency; the refusal above names it
    agencies = {
        code: (agency_id, name, active)
        for agency_id, code, name, active in unit.session.execute(
            select(Agency.id, Agency.code, Agency.name, Agency.active).where(
                Agency.code.in_(set(codes))
            )
        )
    }
    open_now = dict(
        unit.session.execute(
            select(AgencyCheckRequest.agency_id, AgencyCheckRequest.due_at).where(
                AgencyCheckRequest.referral_id == referral_id,
                AgencyCheckRequest.status == CheckStatus.REQUESTED.value,
            )
        ).all()
    )
    seen: set[str] = set()
    for i, code in enumerate(codes):
        field = f"checks[{i}].agency"
        found = agencies.get(code)
        if found is None:
            errors.append(FieldError(field, "exists", f"Unknown agency {code!r}"))
        elif not found[2]:
            errors.append(FieldError(field, "active", f"{found[1]} is no longer a partner agency"))
        elif code in seen:
            errors.append(FieldError(field, "unique", f"{found[1]} is asked twice in one request"))
        elif found[0] in open_now:
            errors.append(
                FieldError(
                    field,
                    "open_request",
                    f"{found[1]} already has an open check for this referral (due "
                    f"{open_now[found[0]]:%d %b %Y %H:%M} UTC); wait for its return or "
                    "withdraw it first",
                )
            )
        seen.add(code)
    return codes, {code: found[0] for code, found in agencies.items()}, errors


def add_requests(
    unit: Unit,
    referral: Referral,
    agency_ids: list[int],
    questions: list[str],
    due_at: datetime,
) -> list[AgencyCheckRequest]:
    """Write one open check per agency; a race for the same agency is refused, not doubled."""
    made = [
        AgencyCheckRequest(
            referral_id=referral.id,
            agency_id=agency_id,
            question=question,
            requested_by=unit.user_id,
            requested_at=unit.now,
            due_at=due_at,
            rag=referral.rag,
            status=CheckStatus.REQUESTED.value,
            nothing_known=False,
        )
        for agency_id, question in zip(agency_ids, questions, strict=True)
    ]
    unit.session.add_all(made)
    try:
        unit.session.flush()
    except IntegrityError as exc:
        # Two practitioners asked the same agency at the same moment: the partial
        # unique index keeps one open check per referral and agency.
        raise ValidationError(
            FieldError(
                "checks",
                "open_request",
                "Someone else has just asked one of these agencies about this referral; "
                "nothing was saved. Reload to see their request.",
            )
        ) from exc
    return made


def consent_to_share(unit: Unit, person_id: int) -> str:
    """The child's latest recorded consent to share information, for the share record."""
    state = unit.session.scalar(
        select(Consent.state)
        .where(
            Consent.person_id == person_id,
            Consent.purpose == ConsentPurpose.SHARE_INFORMATION.value,
        )
        .order_by(Consent.recorded_at.desc(), Consent.id.desc())
        .limit(1)
    )
    return state or "not recorded"
