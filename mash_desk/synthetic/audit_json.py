"""Audit ``detail`` JSON written exactly as the services encode it, without the encoder.

The generator writes hundreds of thousands of audit rows; these shortcuts build the same
text as ``json.dumps(..., sort_keys=True, ensure_ascii=False, default=str)`` for the few
shapes it writes (tests compare both).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

_ENCODER = json.JSONEncoder(default=str, ensure_ascii=False, sort_keys=True)
# The same options through the C encoder, built once: ``JSONEncoder.encode`` builds it anew for
# every call, which is a good part of the cost of an audit row (the tests compare the two).
_C_ENCODE = (
    json.encoder.c_make_encoder(  # type: ignore[attr-defined]  # private C helper: not in typeshed
        None, str, json.encoder.encode_basestring, None, ": ", ", ", True, False, True
    )
    if json.encoder.c_make_encoder is not None  # type: ignore[attr-defined]  # as above
    else None
)


def _json(detail: dict[str, Any]) -> str:
    if _C_ENCODE is None:
        return _ENCODER.encode(detail)
    return "".join(_C_ENCODE(detail, 0))


# The most frequent audit details, written straight to JSON text: each gives exactly what
# ``_json`` gives for the same detail (the tests check), without the encoder's per-call cost.
# Their values are codes, ids and postcodes, which JSON never escapes.


def person_json(kind: str, unborn: bool) -> str:
    """Return the detail of ``person.created``."""
    return f'{{"kind": "{kind}", "unborn": {"true" if unborn else "false"}}}'


def household_json(postcode: str | None) -> str:
    """Return the detail of ``household.created``."""
    return _json({"postcode": postcode}) if postcode is None else f'{{"postcode": "{postcode}"}}'


def relationship_json(person: int, kind: str) -> str:
    """Return the detail of ``relationship.added``."""
    return f'{{"kind": "{kind}", "person": {person}}}'


def _codes(values: list[str]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def logged_json(
    children: list[int], channel: str, source: str, ratings: list[str], indicators: list[str]
) -> str:
    """Return the detail of ``contact.logged`` (every child rated at logging)."""
    return (
        f'{{"channel": "{channel}", "children": [{", ".join(map(str, children))}], '
        f'"ratings": {_codes(ratings)}, "risk_indicators": {_codes(indicators)}, '
        f'"source": "{source}"}}'
    )


def outcome_json(outcomes: list[str], rule_applied: bool, no_offer: str | None) -> str:
    """Return the detail of ``contact.outcome_recorded`` (``outcomes`` sorted)."""
    reason = "null" if no_offer is None else _ENCODER.encode(no_offer)
    return (
        f'{{"no_offer_reason": {reason}, "outcomes": {_codes(outcomes)}, '
        f'"under_five_rule_applied": {"true" if rule_applied else "false"}}}'
    )


def referral_json(source: str, need: str, decision_due: datetime) -> str:
    """Return the detail of ``referral.created``."""
    return (
        f'{{"decision_due_at": "{decision_due.isoformat()}", "primary_need": "{need}", '
        f'"source": "{source}"}}'
    )


def screened_json(
    assessment: int,
    document: str,
    version: str,
    indicators: list[str],
    suggested: int,
    level: int,
    override: bool,
    pathways: list[str],
    rag: str,
) -> str:
    """Return the detail of ``contact.screened`` (ids are slugs: nothing to escape)."""
    return (
        f'{{"assessment": {assessment}, "document": "{document}", '
        f'"document_version": "{version}", "indicators": {_codes(indicators)}, '
        f'"level": {level}, "override": {"true" if override else "false"}, '
        f'"pathways": {_codes(pathways)}, "rag": "{rag}", "suggested_level": {suggested}}}'
    )
