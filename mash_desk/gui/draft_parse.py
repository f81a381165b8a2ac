"""Turn a draft file's bytes into a draft, or into a reason and whatever text can be saved.

:func:`parse_draft` is total: for any bytes at all it returns a :class:`ParsedDraft` or a
:class:`Unreadable` — it never raises. Checks run cheapest first: UTF-8, then nesting depth
(scanned without recursion, so 100,000 nested lists cannot exhaust the stack as
``json.loads`` would), then JSON, the format version, the envelope's fields (an aware
``saved_at``), the form data's shape, and text that is valid Unicode throughout.

When a draft cannot be used, :func:`recover_text` pulls out every piece of text it can (from
the parsed JSON if it parsed, else from quoted key/value pairs in the raw text, which also
works on a file cut short), so what the practitioner typed can still be copied.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mash_desk.gui.draft_shape import CONTACT_DRAFT, shape_problem

DRAFT_FORMAT = 1
# A real draft is about six levels deep (envelope, data, children, child, consents, purpose).
DEPTH_MAX = 32

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKET = re.compile(r"[\[\]{}]")
_PAIR = re.compile(r'"([A-Za-z_][A-Za-z0-9_]{0,40})"\s*:\s*"([^"\\]*(?:\\.[^"\\]*)*)("?)')
_SURROGATE = re.compile("[\ud800-\udfff]")

# Keys whose values are codes or bookkeeping, not something a person typed.
_NOT_TYPED = frozenset(
    {"format", "id", "kind", "saved_at", "channel", "referral_source", "sex", "rag", "state"}
    | {"relationship", "approved_by", "person_id", "household_id", "version"}
)
LABELS = {
    "summary": "Summary",
    "received_at": "Received at",
    "referrer_name": "Referrer's name",
    "referrer_role": "Referrer's role",
    "referrer_agency": "Referrer's agency",
    "referrer_phone": "Referrer's phone",
    "referrer_email": "Referrer's email",
    "concerns": "Concerns",
    "risk_indicators": "Risk indicator",
    "attachments": "Attached file",
    "given_name": "Given name",
    "family_name": "Family name",
    "date_of_birth": "Date of birth",
    "expected_delivery": "Expected delivery",
    "nhs_number": "NHS number",
    "rag_reason": "RAG reason",
    "address": "Address",
    "postcode": "Postcode",
    "school": "School",
    "new_child_reason": "Why a new child record",
    "person_label": "Record chosen",
    "reason": "Consent reason",
    "basis": "Consent override basis",
}


@dataclass(frozen=True)
class ParsedDraft:
    """A draft that passed every check."""

    kind: str
    summary: str
    saved_at: datetime
    data: dict[str, Any]


@dataclass(frozen=True)
class Unreadable:
    """Why a draft cannot be used (no personal data), and the text that could be saved."""

    reason: str
    recovered: tuple[tuple[str, str], ...]
    saved_at: datetime | None = None


class _Refused(ValueError):
    """One check failed; the message is the reason a person reads."""


def parse_draft(raw: bytes, draft_id: str) -> ParsedDraft | Unreadable:
    """Check the bytes of the draft file named ``draft_id``; never raises."""
    record: object = None
    try:
        text = raw.decode("utf-8")
        _check_depth(text)
        record = _load_json(text)
        return _check_record(record, draft_id)
    except UnicodeDecodeError:
        return Unreadable("it is not UTF-8 text", recover_text(raw))
    except _Refused as refused:
        parsed = record if isinstance(record, dict) else None
        saved = _saved_at(parsed.get("saved_at")) if parsed is not None else None
        return Unreadable(str(refused), recover_text(raw, record), saved)
    except (RecursionError, MemoryError, ValueError, TypeError):  # belt and braces
        return Unreadable("it could not be read", recover_text(raw))


def _check_depth(text: str) -> None:
    depth = 0
    for bracket in _BRACKET.finditer(_STRING.sub('""', text)):
        depth += 1 if bracket.group() in "[{" else -1
        if depth > DEPTH_MAX:
            raise _Refused("it is nested too deeply to be a draft")


def _load_json(text: str) -> object:
    def refuse_constant(name: str) -> object:
        raise _Refused(f"it holds {name}, which is not a value a form writes")

    try:
        return json.loads(text, parse_constant=refuse_constant)
    except _Refused:
        raise
    except json.JSONDecodeError:
        raise _Refused("it is cut short or is not valid JSON") from None
    except (ValueError, RecursionError):  # e.g. a number too long to convert
        raise _Refused("it holds a value a form never writes") from None


def _check_record(record: object, draft_id: str) -> ParsedDraft:
    if not isinstance(record, dict):
        raise _Refused("it is not a draft (no fields at the top)")
    version = record.get("format")
    if version != DRAFT_FORMAT or isinstance(version, bool):
        shown = f" (format {version})" if isinstance(version, int) else ""
        raise _Refused(f"it was written by another version of MASH Desk{shown}")
    if record.get("id") != draft_id:
        raise _Refused("its id does not match its file name")
    for key in ("kind", "summary", "saved_at"):
        if not isinstance(record.get(key, ""), str):
            raise _Refused(f"'{key}' should be text")
    saved_at = _saved_at(record.get("saved_at"))
    if saved_at is None:
        raise _Refused("'saved_at' is not a date and time with a time zone")
    data = record.get("data")
    if not isinstance(data, dict):
        raise _Refused("it holds no form data")
    if problem := shape_problem(data, CONTACT_DRAFT, "data"):
        raise _Refused(problem)
    if _has_surrogate(record):
        raise _Refused("it holds text that is not valid Unicode")
    return ParsedDraft(
        kind=record.get("kind", ""),
        summary=record.get("summary", ""),
        saved_at=saved_at,
        data=data,
    )


def _saved_at(value: object) -> datetime | None:
    """Return ``value`` as an aware UTC time, or None (a naive time is ambiguous)."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        return None
    return moment.astimezone(UTC)


def _has_surrogate(value: object) -> bool:
    # A lone surrogate (JSON "\ud800") cannot be shown by Qt or written back as UTF-8.
    return any(_SURROGATE.search(text) for _, text in _strings(value))


def _strings(value: object) -> list[tuple[str, str]]:
    """Every (key, text) in ``value``, walked with a stack (depth is already bounded)."""
    found: list[tuple[str, str]] = []
    stack: list[tuple[str, object]] = [("", value)]
    while stack:
        key, item = stack.pop()
        if isinstance(item, str):
            found.append((key, item))
        elif isinstance(item, Mapping):
            stack.extend((str(k), v) for k, v in reversed(list(item.items())))
        elif isinstance(item, list):
            stack.extend((key, v) for v in reversed(item))
    return found


def recover_text(raw: bytes, parsed: object = None) -> tuple[tuple[str, str], ...]:
    """Return (label, text) for every piece of typed text found in a damaged draft.

    From ``parsed`` (the JSON, when it parsed but failed a check) every text value is taken;
    otherwise quoted ``"key": "value"`` pairs are pulled from the raw text, undecodable
    bytes shown as �, and a value cut off by the end of the file is kept as far as it goes.
    """
    if isinstance(parsed, dict | list):
        pairs = _strings(parsed)
    else:
        pairs = [
            (key, _unescape(value, closed=bool(end)))
            for key, value, end in _PAIR.findall(raw.decode("utf-8", errors="replace"))
        ]
    return tuple(
        (LABELS.get(key, key.replace("_", " ").capitalize() or "Text"), _clean(text))
        for key, text in pairs
        if key not in _NOT_TYPED and text.strip()
    )


def _unescape(value: str, *, closed: bool) -> str:
    if not closed:
        value = re.sub(r"\\(u[0-9a-fA-F]{0,3})?$", "", value)  # an escape cut in half
    try:
        return str(json.loads(f'"{value}"'))
    except ValueError:
        return value


def _clean(text: str) -> str:
    return _SURROGATE.sub("\ufffd", text)
