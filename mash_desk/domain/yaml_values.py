"""One checker for every resource file: problems with file, line and place, all at once.

Threshold documents, the policy and meeting policy, the measures, population and neighbours
files, the letterhead, the returns' settings and Annex A lists and the agency list are YAML
files an administrator edits by hand. Each is read the same way (:func:`read_resource` with
the file kind's size cap, then :func:`parse_yaml`, which keeps every mapping's and list's
lines), checked by a :class:`YamlChecker` that collects *every* :class:`Problem` before one
:class:`ResourceFileError` lists them, so a broken file is fixed in one pass, not one error per
restart.

A problem message says "expected a number, found text", not a Python type name: the people
editing these files are administrators, not programmers.

JSON Schema (``jsonschema``) and pydantic were weighed for this: both validate the parsed
data, which has lost its line numbers, and the rules that matter most here (a route named by a
level exists, the stages are numbered in order, a rate has a denominator) cross entries, so
each file would still need its own code beside a schema. The located loader below keeps the
lines for every kind at the cost of about forty lines.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mash_desk.domain.capped_files import FileTooLarge, describe_size, read_capped
from mash_desk.domain.errors import MashDeskError

if TYPE_CHECKING:
    import yaml


def kind_of(value: object) -> str:
    """Name a YAML value's type the way an administrator would."""
    if value is None:
        return "nothing"
    # bool before int (a bool is an int); dict and list by isinstance, since the located
    # loader's mappings and lists are subclasses that remember their lines.
    for kind, words in (
        (bool, "true/false"),
        (int | float, "a number"),
        (str, "text"),
        (list, "a list"),
        (dict, "a mapping"),
        (date, "a date"),
    ):
        if isinstance(value, kind):
            return words
    return type(value).__name__


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a resource file, and where it is.

    Attributes:
        place: where in the file, as the administrator would look for it: a dotted key path
            (``working_hours.tue``), a list entry (``indicators[57] 'l3-missing'``), or
            ``file`` for the file as a whole.
        message: what is wrong, and the rule it breaks.
        line: the line it is on (1-based), when known.
        file: the file (its path, or a name such as "upload") the problem was found in.
    """

    place: str
    message: str
    line: int | None = None
    file: str = ""

    @property
    def where(self) -> str:
        """The place (the name the threshold screens and their tests have always used)."""
        return self.place

    def __str__(self) -> str:
        """``line 12, working_hours.tue: end 08:00 is not after start 09:00``.

        The file is named once by the error holding the problems, not in each of them.
        """
        if self.line is None:
            return f"{self.place}: {self.message}"
        place = "" if self.place == "file" else f", {self.place}"
        return f"line {self.line}{place}: {self.message}"


# An error message lists this many problems; ``problems`` holds every one. A threshold
# document with a systematic mistake can have hundreds, more than a dialog or a log line holds.
_LISTED = 20


class ResourceFileError(MashDeskError):
    """A resource file could not be used; ``problems`` lists every problem found.

    Attributes:
        problems: every problem, in file order of the checks.
        source: the file's name as given (a path, or "upload").
        path: the file's path when it was read from one, else None.
    """

    what = "resource file"
    """What kind of file this error is about, as the message names it."""

    def __init__(
        self,
        problems: Iterable[Problem | str],
        source: str | Path | None = None,
        what: str | None = None,
    ):
        """Record ``problems`` found in the ``what`` file ``source``."""
        if what is not None:
            self.what = what
        if isinstance(problems, str):  # one problem given alone, not its characters
            problems = [problems]
        self.path = Path(source) if isinstance(source, Path) else None
        self.source = str(source) if source is not None else self.what
        self.problems: tuple[Problem, ...] = tuple(
            p if isinstance(p, Problem) else Problem("file", p, None, self.source) for p in problems
        )
        listed = "; ".join(str(p) for p in self.problems[:_LISTED])
        more = len(self.problems) - _LISTED
        tail = f" (and {more} more)" if more > 0 else ""
        name = self.what if self.source == self.what else f"{self.what} {self.source}"
        super().__init__(f"{name} has {len(self.problems)} problem(s): {listed}{tail}")


# --- reading with lines ----------------------------------------------------------------------


class LocatedMap(dict[str, Any]):
    """A YAML mapping that remembers its line, each key's line and any key written twice."""

    line: int = 0
    repeated: tuple[str, ...] = ()
    key_lines: dict[str, int] = {}  # noqa: RUF012 — replaced per instance by the loader


class LocatedList(list[Any]):
    """A YAML list that remembers its line and each entry's line."""

    line: int = 0
    item_lines: tuple[int, ...] = ()


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LocatedMap:
    loader.flatten_mapping(node)
    pairs = loader.construct_pairs(node, deep=True)
    mapping = LocatedMap()
    mapping.key_lines = {str(key.value): key.start_mark.line + 1 for key, _ in node.value}
    repeated: list[str] = []
    for key, value in pairs:
        if key in mapping:
            repeated.append(str(key))
        mapping[key] = value
    mapping.line = node.start_mark.line + 1
    mapping.repeated = tuple(repeated)
    return mapping


def _construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> LocatedList:
    items = LocatedList(loader.construct_sequence(node, deep=True))
    items.line = node.start_mark.line + 1
    items.item_lines = tuple(item.start_mark.line + 1 for item in node.value)
    return items


@functools.cache
def _line_loader() -> type[yaml.SafeLoader]:
    """Safe YAML loading (no object construction) that keeps line numbers.

    Made on first use: PyYAML takes 18 ms to import, and a start reads no YAML once the
    shipped policy is kept (``services/kept_policy.py``, issue 16).
    """
    import yaml

    class LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]  # base: C if built
        """Safe YAML loading (no object construction) that keeps line numbers."""

    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
    return LineLoader


def read_resource(
    path: Path, limit: int, what: str, error: type[ResourceFileError] = ResourceFileError
) -> bytes:
    """Return the bytes of the ``what`` file at ``path``, refusing one over ``limit`` bytes.

    Raises:
        ResourceFileError: (``error``) the file is missing, unreadable or too large (checked
            before it is read whole).
    """
    try:
        return read_capped(path, limit, what)
    except FileTooLarge as exc:
        message = too_large(exc.size, limit, what)
    except FileNotFoundError:
        message = "does not exist"
    except OSError as exc:
        message = f"cannot read it: {exc.strerror or exc}"
    raise error([Problem("file", message, None, str(path))], path, what)


def too_large(size: int, limit: int, what: str) -> str:
    """The problem of a file of ``size`` bytes over the ``limit`` of its kind."""
    return (
        f"too large: {describe_size(size)}, and a {what} may be at most "
        f"{describe_size(limit)}; nothing of it was read"
    )


def parse_yaml(
    raw: bytes | str,
    source: str | Path,
    what: str,
    error: type[ResourceFileError] = ResourceFileError,
) -> Any:
    """Parse YAML text keeping lines (mappings are :class:`LocatedMap`, lists :class:`LocatedList`).

    Raises:
        ResourceFileError: (``error``) not UTF-8, not YAML (with the line), or nested too
            deeply to be any resource file.
    """
    import yaml

    name = str(source)
    try:
        # Decoded here, not by PyYAML, which would also take UTF-16 and then report a stray
        # byte as an "unacceptable character": every resource file is UTF-8 (a BOM allowed).
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        return yaml.load(text, Loader=_line_loader())  # noqa: S506 — a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        column = f" at column {mark.column + 1}" if mark is not None else ""
        reason = getattr(exc, "problem", None) or str(exc)
        problem = Problem("file", f"YAML syntax error{column}: {reason}", line, name)
    except UnicodeDecodeError:
        problem = Problem("file", "not UTF-8 text (save it as UTF-8)", None, name)
    except RecursionError:
        problem = Problem("file", f"nested too deeply to be a {what}", None, name)
    raise error([problem], source, what) from None


_NOTE = re.compile(r" \([^)]*\)| '[^']*'")
_STEP = re.compile(r"([^.\[]*)((?:\[\d+\])*)")


def line_of(root: object, place: str) -> int | None:
    """The line of ``place`` (``rag.green``, ``measures[3] (id).target``) in parsed ``root``.

    The line of the deepest key or entry of the path that exists: a missing key is reported
    at the mapping it is missing from. None when the path's first step is not in the file.
    """
    node, line = root, None
    for part in _NOTE.sub("", place).split("."):
        match = _STEP.fullmatch(part)
        if match is None:
            return line
        key, indexes = match.groups()
        steps: list[str | int] = [key] if key else []
        steps += [int(i) for i in re.findall(r"\d+", indexes)]
        for step in steps:
            if isinstance(step, str) and isinstance(node, LocatedMap) and step in node:
                line, node = node.key_lines.get(step, node.line), node[step]
            elif isinstance(step, int) and isinstance(node, LocatedList) and step < len(node):
                line, node = node.item_lines[step], node[step]
            else:
                return line
    return line


class YamlChecker:
    """Collects every problem of a resource file at once, each with its place and line.

    The base of every resource file's checker: each file kind adds its own value checks. A
    problem added without a line gets the line of its place in ``root`` (the parsed file).
    """

    def __init__(self, source: str | Path | None = None, root: object = None) -> None:
        """Start with no problems, checking ``root`` as read from ``source`` (a path or name)."""
        self.source = source
        self.file = str(source) if source is not None else ""
        self.root = root
        self.problems: list[Problem] = []

    def add(self, where: str, message: str, line: int | None = None) -> None:
        """Record a problem at ``where`` (a dotted key path), on ``line`` or where it is."""
        if line is None:
            line = line_of(self.root, where)
        self.problems.append(Problem(where or "file", message, line, self.file))

    def mapping(
        self, value: object, where: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, Any] | None:
        """Check ``value`` is a mapping with the required keys, no unknown ones, none twice."""
        if not isinstance(value, dict):
            self.add(where or "file", f"expected a mapping, got {kind_of(value)}")
            return None
        prefix = f"{where}." if where else ""
        for key in getattr(value, "repeated", ()):
            # YAML keeps the last of a key written twice without a word: say so.
            self.add(f"{prefix}{key}", "written twice; keep one")
        for key in required:
            if key not in value:
                self.add(f"{prefix}{key}", "missing")
        allowed = set(required) | set(optional)
        for key in value:
            if key not in allowed:
                self.add(
                    f"{prefix}{key}",
                    f"unknown key (expected {', '.join(required + optional)})",
                )
        return value

    def text(self, value: object, where: str) -> str | None:
        """Return ``value`` stripped if it is non-blank text, else record a problem."""
        if not isinstance(value, str) or not value.strip():
            found = "blank text" if isinstance(value, str) else kind_of(value)
            self.add(where, f"expected non-empty text, got {found}")
            return None
        return value.strip()

    def count(self, value: object, where: str) -> int | None:
        """Return ``value`` if it is a whole number from 0, else record a problem."""
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.add(where, f"expected a whole number from 0, got {value!r}")
            return None
        return value

    def raise_if_any(self, error: type[ResourceFileError], what: str | None = None) -> None:
        """Raise ``error`` listing every problem found, if there is any."""
        if self.problems:
            raise error(self.problems, self.source, what)
