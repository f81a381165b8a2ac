"""The partner agencies file (``resources/reference/agencies.yaml``), checked on load.

Agencies are data, not code: a council adds or renames them in the file, and each start of the
desk inserts the missing ones. Read and checked by the shared resource checker
(:mod:`mash_desk.domain.yaml_values`), every problem at once with its line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mash_desk.domain.yaml_values import (
    ResourceFileError,
    YamlChecker,
    kind_of,
    parse_yaml,
    read_resource,
)

# The column sizes of storage.models.reference.Agency (code String(30), name String(120)):
# longer text would be refused by PostgreSQL at start-up instead of named here.
CODE_MAX = 30
NAME_MAX = 120
# The system user belongs to the council's own social care (storage.reference_data).
REQUIRED_CODE = "social_care"
# The shipped file is about 1 KB; a council's list of a few dozen partners stays small.
AGENCIES_MAX_BYTES = 64 * 1024


class AgencyListError(ResourceFileError):
    """The agencies file cannot be used; ``problems`` names every entry at fault."""

    what = "agencies file"


@dataclass(frozen=True)
class AgencyEntry:
    """One partner agency as the file lists it."""

    code: str
    name: str


def load_agency_list(path: Path) -> tuple[AgencyEntry, ...]:
    """Read and check the agencies file at ``path``.

    Raises:
        AgencyListError: every problem at once, each with its entry and line.
    """
    what = AgencyListError.what
    raw = read_resource(path, AGENCIES_MAX_BYTES, what, AgencyListError)
    return parse_agency_list(parse_yaml(raw, path, what, AgencyListError), path)


def parse_agency_list(
    data: object, source: str | Path = "agencies file"
) -> tuple[AgencyEntry, ...]:
    """Check parsed YAML as the agencies file: codes unique, short enough, social care there."""
    checker = YamlChecker(source, data)
    top = checker.mapping(data, "", ("agencies",)) or {}
    rows = top.get("agencies", [])
    if "agencies" in top and (not isinstance(rows, list) or not rows):
        checker.add("agencies", f"expected a list of agencies, got {kind_of(rows)}")
        rows = []
    entries: list[AgencyEntry] = []
    for index, row in enumerate(rows):
        entry = _entry(checker, row, f"agencies[{index}]")
        if entry is not None and entry.code in {e.code for e in entries}:
            checker.add(f"agencies[{index}].code", f"{entry.code!r} is listed twice")
        elif entry is not None:
            entries.append(entry)
    if "agencies" in top and REQUIRED_CODE not in {e.code for e in entries}:
        checker.add("agencies", f"no {REQUIRED_CODE!r} entry (the desk's own service)")
    checker.raise_if_any(AgencyListError)
    return tuple(entries)


def _entry(checker: YamlChecker, row: object, where: str) -> AgencyEntry | None:
    spec = checker.mapping(row, where, ("code", "name"))
    if spec is None or "code" not in spec or "name" not in spec:
        return None
    code = checker.text(spec["code"], f"{where}.code")
    name = checker.text(spec["name"], f"{where}.name")
    for key, value, limit in (("code", code, CODE_MAX), ("name", name, NAME_MAX)):
        if value is not None and len(value) > limit:
            checker.add(f"{where}.{key}", f"longer than {limit} characters")
            return None
    return AgencyEntry(code, name) if code is not None and name is not None else None
