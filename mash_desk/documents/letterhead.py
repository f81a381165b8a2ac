"""The council's letterhead (``resources/documents/letterhead.yaml``), checked on load."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from mash_desk.documents.models import Letterhead
from mash_desk.domain.errors import MashDeskError
from mash_desk.paths import resource

_TEXT_KEYS = ("council", "service", "telephone", "email", "out_of_hours", "marking", "handling")


class LetterheadError(MashDeskError):
    """The letterhead file cannot be used; the message names every key at fault."""


def parse_letterhead(data: object, source: str = "letterhead") -> Letterhead:
    """Build the letterhead from parsed YAML, naming every missing or malformed key."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise LetterheadError(f"{source}: expected a mapping of letterhead keys")
    for key in data:
        if key not in (*_TEXT_KEYS, "address"):
            problems.append(f"{key}: unknown key")
    values: dict[str, str] = {}
    for key in _TEXT_KEYS:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{key}: expected non-empty text")
        else:
            values[key] = " ".join(value.split())
    address = data.get("address")
    if (
        not isinstance(address, list)
        or not address
        or not all(isinstance(line, str) and line.strip() for line in address)
    ):
        problems.append("address: expected a list of address lines")
        address = []
    if problems:
        raise LetterheadError(f"{source} has {len(problems)} problem(s): " + "; ".join(problems))
    return Letterhead(address=tuple(line.strip() for line in address), **values)


def load_letterhead(path: Path | None = None) -> Letterhead:
    """Read and check a letterhead file (default: the shipped one, read once)."""
    if path is None:
        return _shipped()
    return parse_letterhead(yaml.safe_load(path.read_text(encoding="utf-8")), str(path))


@cache
def _shipped() -> Letterhead:
    path = resource("documents", "letterhead.yaml")
    return parse_letterhead(yaml.safe_load(path.read_text(encoding="utf-8")), str(path))
