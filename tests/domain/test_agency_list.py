"""The agencies file is checked like every resource file: every problem with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from mash_desk.domain.agency_list import AgencyListError, load_agency_list
from mash_desk.paths import resource


def test_the_shipped_list_has_the_desks_own_service_first():
    entries = load_agency_list(resource("reference", "agencies.yaml"))
    assert entries[0].code == "social_care" and len({e.code for e in entries}) == len(entries)


def test_two_different_mistakes_are_both_reported_with_their_lines(tmp_path: Path):
    path = tmp_path / "agencies.yaml"
    path.write_text(
        "agencies:\n"
        "  - {code: social_care, name: Social care}\n"
        "  - {code: police, name: Police}\n"
        "  - {code: police, name: Police again}\n"
        f"  - {{code: health, name: {'H' * 121}}}\n",
        encoding="utf-8",
    )
    with pytest.raises(AgencyListError) as caught:
        load_agency_list(path)
    assert [str(p) for p in caught.value.problems] == [
        "line 4, agencies[2].code: 'police' is listed twice",
        "line 5, agencies[3].name: longer than 120 characters",
    ]
    assert f"agencies file {path} has 2 problem(s)" in str(caught.value)
