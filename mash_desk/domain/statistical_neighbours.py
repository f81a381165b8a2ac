"""Statistical neighbours' yearly referrals and assessments: reference data for the dashboard.

The shipped table (``resources/reference/statistical_neighbours.yaml``) is Harrow's own
comparison with similar authorities (seed 004 L137-150, 2012-13): public totals per local
authority, no person in them. :func:`load_neighbours` checks the file and names the row and
field of every problem, as the measures loader does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from mash_desk.domain.capped_files import FileTooLarge, read_capped
from mash_desk.domain.measures import MeasuresError

# The shipped file is about 2 KB; a council's own table of a dozen authorities stays small.
NEIGHBOURS_MAX_BYTES = 64 * 1024
_FIGURES = ("referrals", "initial_assessments", "core_assessments", "total_assessments")


@dataclass(frozen=True)
class Neighbour:
    """One authority's yearly totals."""

    name: str
    referrals: int
    initial_assessments: int
    core_assessments: int
    total_assessments: int


@dataclass(frozen=True)
class NeighbourTable:
    """The comparison table: its year and source, and the authorities in file order."""

    title: str
    year: str
    source: str
    authorities: tuple[Neighbour, ...]


def load_neighbours(path: str | Path) -> NeighbourTable:
    """Read and validate the neighbours file at ``path``.

    Raises:
        MeasuresError: the file is unreadable, or a field is missing or not a count.
    """
    path = Path(path)
    try:
        data = yaml.safe_load(read_capped(path, NEIGHBOURS_MAX_BYTES, "neighbours file"))
    except (OSError, FileTooLarge, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise MeasuresError([f"file: cannot read {path}: {exc}"], path, "neighbours") from None
    problems: list[str] = []
    if not isinstance(data, dict):
        raise MeasuresError(["file: expected a mapping"], path, "neighbours")
    texts = {}
    for key in ("title", "year", "source"):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{key}: expected non-empty text")
        texts[key] = str(value)
    rows = data.get("authorities")
    authorities: list[Neighbour] = []
    if not isinstance(rows, list) or not rows:
        problems.append("authorities: expected a list of authorities")
        rows = []
    for i, row in enumerate(rows):
        where = f"authorities[{i}]"
        if not isinstance(row, dict) or not isinstance(row.get("name"), str):
            problems.append(f"{where}.name: expected the authority's name")
            continue
        figures = [row.get(f) for f in _FIGURES]
        bad = [
            f
            for f, v in zip(_FIGURES, figures, strict=True)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0
        ]
        problems += [f"{where} ({row['name']}).{f}: expected a whole number from 0" for f in bad]
        if not bad:
            authorities.append(Neighbour(row["name"], *(int(v) for v in figures)))  # type: ignore[arg-type]
    if problems:
        raise MeasuresError(problems, path, "neighbours")
    return NeighbourTable(texts["title"], texts["year"], texts["source"], tuple(authorities))


@cache
def shipped_neighbours() -> NeighbourTable:
    """The table shipped in ``resources/reference/statistical_neighbours.yaml``."""
    from mash_desk.paths import resource

    return load_neighbours(resource("reference", "statistical_neighbours.yaml"))
