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

from mash_desk.domain.measures import MeasuresError
from mash_desk.domain.yaml_values import YamlChecker, kind_of, parse_yaml, read_resource

# The shipped file is about 2 KB; a council's own table of a dozen authorities stays small.
NEIGHBOURS_MAX_BYTES = 64 * 1024
_WHAT = "neighbours file"
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
        MeasuresError: the file is unreadable, or fields are missing or not counts (every
            problem at once, each with its row, field and line).
    """
    path = Path(path)
    raw = read_resource(path, NEIGHBOURS_MAX_BYTES, _WHAT, MeasuresError)
    data = parse_yaml(raw, path, _WHAT, MeasuresError)
    checker = YamlChecker(path, data)
    top = checker.mapping(data, "", ("title", "year", "source", "authorities"))
    if top is None:
        raise MeasuresError(checker.problems, path, _WHAT)
    # A missing key is already reported by mapping(): each check below is of what is there.
    texts = {
        key: checker.text(top[key], key) or "" for key in ("title", "year", "source") if key in top
    }
    rows = top.get("authorities", [])
    if "authorities" in top and (not isinstance(rows, list) or not rows):
        checker.add("authorities", f"expected a list of authorities, got {kind_of(rows)}")
        rows = []
    authorities = [n for i, row in enumerate(rows) if (n := _neighbour(checker, row, i))]
    checker.raise_if_any(MeasuresError, _WHAT)
    return NeighbourTable(texts["title"], texts["year"], texts["source"], tuple(authorities))


def _neighbour(checker: YamlChecker, row: object, index: int) -> Neighbour | None:
    where = f"authorities[{index}]"
    if not isinstance(row, dict) or not isinstance(row.get("name"), str):
        checker.add(f"{where}.name", "expected the authority's name")
        return None
    where = f"{where} ({row['name']})"
    figures = [checker.count(row.get(f), f"{where}.{f}") for f in _FIGURES]
    counts = [f for f in figures if f is not None]
    if len(counts) != len(_FIGURES):
        return None
    return Neighbour(row["name"], *counts)


@cache
def shipped_neighbours() -> NeighbourTable:
    """The table shipped in ``resources/reference/statistical_neighbours.yaml``."""
    from mash_desk.paths import resource

    return load_neighbours(resource("reference", "statistical_neighbours.yaml"))
