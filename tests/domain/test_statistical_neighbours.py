"""The statistical neighbours' reference table (seed 004 L137-150) and its loader's refusals."""

from __future__ import annotations

import pytest

from mash_desk.domain.measures import MeasuresError
from mash_desk.domain.statistical_neighbours import load_neighbours, shipped_neighbours


def test_the_shipped_table_is_harrows_2012_13_comparison():
    table = shipped_neighbours()
    assert table.year == "2012-13"
    assert "004 L137-150" in table.source
    names = [n.name for n in table.authorities]
    assert len(names) == 12 and names[0] == "Barnet" and names[-1] == "Slough"
    barnet = table.authorities[0]
    assert (barnet.referrals, barnet.initial_assessments, barnet.core_assessments) == (
        3315,
        3096,
        653,
    )
    # Each row's total is initial plus core assessments, as in the seed.
    for n in table.authorities:
        assert n.total_assessments == n.initial_assessments + n.core_assessments, n.name


def test_a_broken_file_names_each_row_and_field(tmp_path):
    path = tmp_path / "neighbours.yaml"
    path.write_text(
        "title: Neighbours\nyear: '2012-13'\nauthorities:\n"
        "  - {name: Barnet, referrals: -1, initial_assessments: 1, core_assessments: 1,"
        " total_assessments: 2}\n"
        "  - {referrals: 1}\n",
        encoding="utf-8",
    )
    with pytest.raises(MeasuresError) as caught:
        load_neighbours(path)
    # Every problem at once, each with its row, field and line (the file's own numbering).
    assert [str(p) for p in caught.value.problems] == [
        "source: missing",
        "line 4, authorities[0] (Barnet).referrals: expected a whole number from 0, got -1",
        "line 5, authorities[1].name: expected the authority's name",
    ]
    assert str(path) in str(caught.value)


def test_a_file_that_is_not_yaml_names_the_line(tmp_path):
    path = tmp_path / "neighbours.yaml"
    path.write_text("title: Neighbours\nyear: [2012\nsource: x\n", encoding="utf-8")
    with pytest.raises(MeasuresError) as caught:
        load_neighbours(path)
    [problem] = caught.value.problems
    assert problem.message.startswith("YAML syntax error") and problem.line is not None
