"""The letterhead file is checked like every resource file: every problem, each with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from mash_desk.documents.letterhead import LETTERHEAD_MAX_BYTES, LetterheadError, load_letterhead
from mash_desk.paths import resource

SHIPPED = resource("documents", "letterhead.yaml").read_text(encoding="utf-8")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "letterhead.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(text: str, start: str) -> int:
    return next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith(start))


def test_the_shipped_letterhead_loads():
    letterhead = load_letterhead()
    assert letterhead.council == "London Borough of Eastmoor"
    assert letterhead.address[-1] == "Eastmoor ZZ1 1ZZ"


def test_two_different_mistakes_are_both_reported_with_their_lines(tmp_path: Path):
    text = SHIPPED.replace('telephone: "020 7946 0100"', "telephone:").replace(
        'marking: "OFFICIAL-SENSITIVE"', 'marking: "OFFICIAL-SENSITIVE"\ncolour: red'
    )
    path = _write(tmp_path, text)
    with pytest.raises(LetterheadError) as caught:
        load_letterhead(path)
    assert [str(p) for p in caught.value.problems] == [
        f"line {_line_of(text, 'colour')}, colour: unknown key (expected council, service, "
        "telephone, email, out_of_hours, marking, handling, address)",
        f"line {_line_of(text, 'telephone')}, telephone: expected non-empty text, got nothing",
    ]
    assert all(p.file == str(path) for p in caught.value.problems)
    assert f"letterhead file {path} has 2 problem(s)" in str(caught.value)


def test_a_blank_address_line_is_named_by_its_place_and_line(tmp_path: Path):
    text = SHIPPED.replace('  - "Eastmoor ZZ1 1ZZ"', '  - "  "')
    with pytest.raises(LetterheadError) as caught:
        load_letterhead(_write(tmp_path, text))
    [problem] = caught.value.problems
    assert (problem.place, problem.line) == ("address[1]", _line_of(text, '  - "  "'))
    assert problem.message == "expected non-empty text, got blank text"


def test_a_file_over_the_cap_is_refused_before_parsing(tmp_path: Path):
    path = _write(tmp_path, SHIPPED + "#" * LETTERHEAD_MAX_BYTES)
    with pytest.raises(LetterheadError) as caught:
        load_letterhead(path)
    [problem] = caught.value.problems
    assert problem.place == "file" and "at most 64 KiB" in problem.message
