"""A validated :class:`~mash_desk.domain.policy.Policy` as plain JSON values, and back.

For keeping the shipped policy between starts (``services/kept_policy.py``, issue 16): the
values written are those of a policy already checked by :func:`load_policy`, and reading
them back builds the same policy (tested for equality), or raises ``ValueError`` for anything
not written here, so a damaged file is read from the YAML again instead.
"""

from __future__ import annotations

from datetime import date, time
from types import MappingProxyType
from typing import Any

from mash_desk.domain.enums import Rag
from mash_desk.domain.policy import (
    BankHolidays,
    ClockUnit,
    OpeningHours,
    Policy,
    RagClocks,
    TimeLimit,
)

CODEC = 1
"""Bumped when the shape below changes: a file of another shape is not read."""


def policy_to_json(policy: Policy) -> dict[str, Any]:
    """The policy as JSON values."""
    closed = policy.bank_holidays.extra_closed_days
    return {
        "id": policy.id,
        "title": policy.title,
        "timezone": policy.timezone,
        "working_hours": {
            str(day): [hours.start.isoformat(), hours.end.isoformat()]
            for day, hours in policy.working_hours.items()
        },
        "bank_holidays": {
            "country": policy.bank_holidays.country,
            "subdivision": policy.bank_holidays.subdivision,
            "extra_closed_days": sorted(d.isoformat() for d in closed),
        },
        "rag": {
            rag.value: [_limit_to_json(clocks.decision), _limit_to_json(clocks.agency_check)]
            for rag, clocks in policy.rag.items()
        },
        "referral_decision": _limit_to_json(policy.referral_decision),
        "single_assessment": _limit_to_json(policy.single_assessment),
        "icpc": _limit_to_json(policy.icpc),
        "idle_lock_minutes": policy.idle_lock_minutes,
    }


def policy_from_json(data: Any) -> Policy:
    """The policy :func:`policy_to_json` wrote.

    Raises:
        ValueError: ``data`` is not what it writes.
    """
    try:
        holidays = data["bank_holidays"]
        return Policy(
            id=_text(data["id"]),
            title=_text(data["title"]),
            timezone=_text(data["timezone"]),
            working_hours=MappingProxyType(
                {
                    int(day): OpeningHours(time.fromisoformat(start), time.fromisoformat(end))
                    for day, (start, end) in data["working_hours"].items()
                }
            ),
            bank_holidays=BankHolidays(
                _text(holidays["country"]),
                None if holidays["subdivision"] is None else _text(holidays["subdivision"]),
                frozenset(date.fromisoformat(d) for d in holidays["extra_closed_days"]),
            ),
            rag=MappingProxyType(
                {
                    Rag(rag): RagClocks(_limit_from_json(decision), _limit_from_json(check))
                    for rag, (decision, check) in data["rag"].items()
                }
            ),
            referral_decision=_limit_from_json(data["referral_decision"]),
            single_assessment=_limit_from_json(data["single_assessment"]),
            icpc=_limit_from_json(data["icpc"]),
            idle_lock_minutes=float(data["idle_lock_minutes"]),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a kept policy ({type(exc).__name__})") from None


def _limit_to_json(limit: TimeLimit) -> list[Any]:
    return [limit.amount, limit.unit.value, limit.out_of_hours]


def _limit_from_json(value: Any) -> TimeLimit:
    amount, unit, out_of_hours = value
    if not isinstance(amount, int | float) or not isinstance(out_of_hours, bool):
        raise ValueError("not a kept time limit")
    return TimeLimit(amount, ClockUnit(unit), out_of_hours)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("not a kept policy (a text is not text)")
    return value
