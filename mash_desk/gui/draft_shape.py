"""The shape a contact draft's data must have before a form is filled from it.

A draft file may have been damaged by a disk fault, edited by hand or planted, and the form's
``load_draft`` trusts the types it is given (``set(5)``, ``RelationshipKind("x")`` and
``"x".get`` all raise). So every field the form reads is checked here first: a field of the
wrong type names itself (``data.children[0].consents``) and the whole draft is set aside with
its text offered back, rather than half-filling a form or crashing the desk. Keys the form
does not read are ignored, missing keys keep the form's defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mash_desk.domain.enums import ConsentPurpose, RelationshipKind


@dataclass(frozen=True)
class Opt:
    """``None`` or a value of shape ``inner``."""

    inner: Shape


@dataclass(frozen=True)
class ListOf:
    """A list whose every entry has shape ``item``."""

    item: Shape


@dataclass(frozen=True)
class MapOf:
    """A mapping of text keys whose every value has shape ``value``.

    ``named`` are the keys a message may name; any other key is shown as "…", since a key of
    a damaged or planted file may be anything, a child's name included, and messages are
    logged.
    """

    value: Shape
    named: frozenset[str] = frozenset()


@dataclass(frozen=True)
class OneOf:
    """Text that is one of ``values``."""

    values: frozenset[str]


# A plain type (str, bool, int), one of the wrappers above, or a record: a mapping of the keys
# the form reads to their shapes.
Shape = type | Opt | ListOf | MapOf | OneOf | Mapping[str, "Shape"]

_IDENTITY: dict[str, Shape] = {
    "given_name": str,
    "family_name": str,
    "unborn": bool,
    "date_of_birth": str,
    "expected_delivery": str,
    "sex": Opt(str),
    "nhs_number": str,
}
_PERSON: dict[str, Shape] = {
    "id": int,
    "kind": str,
    "given_name": str,
    "family_name": str,
    "date_of_birth": Opt(str),
    "expected_delivery": Opt(str),
    "sex": str,
    "nhs_number": Opt(str),
    "postcode": Opt(str),
    "household_id": Opt(int),
    "version": int,
}
_CONSENT: dict[str, Shape] = {
    "state": str,
    "reason": str,
    "basis": str,
    "approved_by": Opt(int),
}
_RELATIVE: dict[str, Shape] = {
    "given_name": str,
    "family_name": str,
    "relationship": OneOf(frozenset(k.value for k in RelationshipKind)),
    "parental_responsibility": Opt(bool),
}
_CHILD: dict[str, Shape] = {
    **_IDENTITY,
    "rag": str,
    "rag_reason": str,
    "address": str,
    "postcode": str,
    "school": str,
    "ethnicity": Opt(str),
    "new_child_reason": str,
    "new_child_chosen": bool,
    "sibling_of": Opt(int),
    "consents": MapOf(_CONSENT, frozenset(p.value for p in ConsentPurpose)),
    "relatives": ListOf(_RELATIVE),
    "person_id": Opt(int),
    "person": Opt(_PERSON),
    "person_label": Opt(str),
    "typed": Opt(_IDENTITY),
}
CONTACT_DRAFT: dict[str, Shape] = {
    "kind": str,
    "received_at": str,
    "channel": str,
    "referrer_name": str,
    "referrer_role": str,
    "referrer_agency": str,
    "referrer_phone": str,
    "referrer_email": str,
    "referral_source": str,
    "concerns": str,
    "risk_indicators": ListOf(str),
    "attachments": ListOf(str),
    "children": ListOf(_CHILD),
}


def shape_problem(value: Any, shape: Shape, where: str) -> str | None:
    """Return the first place where ``value`` does not have ``shape`` (None when it does).

    The message names the field only, never its content (it goes to the log).
    """
    # The recursion follows the shape, a few levels deep, never the data's own nesting.
    if isinstance(shape, Opt):
        return None if value is None else shape_problem(value, shape.inner, where)
    if isinstance(shape, type):
        ok = isinstance(value, shape) and (shape is bool or not isinstance(value, bool))
        return None if ok else f"{where} should be {_NAMES.get(shape, shape.__name__)}"
    if isinstance(shape, OneOf):
        return None if value in shape.values else f"{where} is not a value this form knows"
    if isinstance(shape, ListOf):
        if not isinstance(value, list):
            return f"{where} should be a list"
        for index, item in enumerate(value):
            if found := shape_problem(item, shape.item, f"{where}[{index}]"):
                return found
        return None
    if not isinstance(value, dict):
        return f"{where} should be a group of fields"
    if isinstance(shape, MapOf):
        for key, item in value.items():
            shown = key if key in shape.named else "…"
            if found := shape_problem(item, shape.value, f"{where}.{shown}"):
                return found
        return None
    for key, inner in shape.items():
        if key in value and (found := shape_problem(value[key], inner, f"{where}.{key}")):
            return found
    return None


_NAMES = {str: "text", bool: "yes or no", int: "a whole number"}
