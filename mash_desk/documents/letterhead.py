"""The council's letterhead (``resources/documents/letterhead.yaml``), checked on load.

Read and checked by the shared resource checker (:mod:`mash_desk.domain.yaml_values`): every
missing, unknown or malformed key is reported at once, each with its line.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from mash_desk.documents.models import Letterhead
from mash_desk.domain.yaml_values import (
    ResourceFileError,
    YamlChecker,
    kind_of,
    parse_yaml,
    read_resource,
)
from mash_desk.paths import resource

_TEXT_KEYS = ("council", "service", "telephone", "email", "out_of_hours", "marking", "handling")
# The shipped file is under 1 KB: a council's own details, however wordy, stay far below
# 64 KiB, while a wrong file chosen by mistake is refused before it is parsed.
LETTERHEAD_MAX_BYTES = 64 * 1024


class LetterheadError(ResourceFileError):
    """The letterhead file cannot be used; ``problems`` names every key at fault."""

    what = "letterhead file"


def parse_letterhead(data: object, source: str | Path = "letterhead file") -> Letterhead:
    """Build the letterhead from parsed YAML, naming every missing or malformed key."""
    checker = YamlChecker(source, data)
    top = checker.mapping(data, "", (*_TEXT_KEYS, "address"))
    if top is None:
        raise LetterheadError(checker.problems, source)
    values: dict[str, str] = {}
    for key in _TEXT_KEYS:
        text = checker.text(top[key], key) if key in top else None
        if text is not None:
            # Printed on one line of the page head: line breaks of the file are not kept.
            values[key] = " ".join(text.split())
    address = top.get("address", [])
    if not isinstance(address, list) or not address:
        checker.add("address", f"expected a list of address lines, got {kind_of(address)}")
        address = []
    lines = [checker.text(line, f"address[{i}]") for i, line in enumerate(address)]
    checker.raise_if_any(LetterheadError)
    return Letterhead(address=tuple(line for line in lines if line), **values)


def load_letterhead(path: Path | None = None) -> Letterhead:
    """Read and check a letterhead file (default: the shipped one, read once)."""
    if path is None:
        return _shipped()
    return _read(path)


def _read(path: Path) -> Letterhead:
    raw = read_resource(path, LETTERHEAD_MAX_BYTES, LetterheadError.what, LetterheadError)
    return parse_letterhead(parse_yaml(raw, path, LetterheadError.what, LetterheadError), path)


@cache
def _shipped() -> Letterhead:
    return _read(resource("documents", "letterhead.yaml"))
