"""The shared resource checker: lines kept through parsing, every problem listed once."""

from __future__ import annotations

import pytest

from mash_desk.domain.yaml_values import (
    Problem,
    ResourceFileError,
    YamlChecker,
    kind_of,
    line_of,
    parse_yaml,
)

TEXT = """\
# a comment
title: Example
rag:
  red: {decision: 1}
  amber:
    decision: 2
stages:
  - {stage: 1}
  - {stage: 2, name: B}
"""


def test_mappings_and_lists_keep_their_lines_and_still_read_as_plain_yaml():
    data = parse_yaml(TEXT, "example.yaml", "example file")
    assert data == {
        "title": "Example",
        "rag": {"red": {"decision": 1}, "amber": {"decision": 2}},
        "stages": [{"stage": 1}, {"stage": 2, "name": "B"}],
    }
    assert kind_of(data) == "a mapping" and kind_of(data["stages"]) == "a list"
    assert line_of(data, "rag.amber.decision") == 6
    assert line_of(data, "stages[1].name") == 9
    # A missing key is placed at the mapping it is missing from; an unknown top key nowhere.
    assert line_of(data, "rag.green") == 3
    assert line_of(data, "stages[1] (B).clock") == 9
    assert line_of(data, "file") is None


def test_a_checker_collects_every_problem_with_its_line_before_one_error():
    data = parse_yaml(TEXT + "title: Again\n", "example.yaml", "example file")
    checker = YamlChecker("example.yaml", data)
    checker.mapping(data, "", ("title", "rag", "stages", "owner"))
    checker.text(data["rag"]["red"]["decision"], "rag.red.decision")
    with pytest.raises(ResourceFileError) as caught:
        checker.raise_if_any(ResourceFileError, "example file")
    assert [str(p) for p in caught.value.problems] == [
        "line 10, title: written twice; keep one",
        "owner: missing",
        "line 4, rag.red.decision: expected non-empty text, got a number",
    ]
    assert str(caught.value).startswith("example file example.yaml has 3 problem(s): line 10")


def test_a_syntax_error_is_one_problem_with_its_line():
    with pytest.raises(ResourceFileError) as caught:
        parse_yaml("a: 1\nb: [2\n", "broken.yaml", "example file")
    [problem] = caught.value.problems
    assert problem.place == "file" and problem.line is not None
    assert problem.message.startswith("YAML syntax error")


def test_a_long_list_of_problems_is_cut_in_the_message_but_kept_whole():
    problems = [Problem(f"item[{n}]", "wrong", n + 1) for n in range(25)]
    error = ResourceFileError(problems, "big.yaml", "example file")
    assert len(error.problems) == 25 and str(error).endswith("(and 5 more)")
