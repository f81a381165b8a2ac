"""The census settings file is checked like every resource file: every problem with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from mash_desk.paths import resource
from mash_desk.returns.cin import SETTINGS_FILE, CinSettingsError, load_settings


def test_the_shipped_settings_give_a_three_digit_la_number():
    lea, software = load_settings(resource(*SETTINGS_FILE))
    assert lea == "310" and software == "MASH Desk"


def test_two_different_mistakes_are_both_reported_with_their_lines(tmp_path: Path):
    path = tmp_path / "cin_census.yaml"
    path.write_text("# settings\nlea: 82\nsoftware_code: ''\nserial: 1\n", encoding="utf-8")
    with pytest.raises(CinSettingsError) as caught:
        load_settings(path)
    assert [str(p) for p in caught.value.problems] == [
        "line 4, serial: unknown key (expected lea, software_code)",
        'line 2, lea: write the number in quotes, e.g. "082"',
        "line 3, software_code: expected non-empty text, got blank text",
    ]
    assert f"census settings file {path} has 3 problem(s)" in str(caught.value)


def test_an_la_number_of_the_wrong_length_is_named(tmp_path: Path):
    path = tmp_path / "cin_census.yaml"
    path.write_text('lea: "3100"\nsoftware_code: Desk\n', encoding="utf-8")
    with pytest.raises(CinSettingsError) as caught:
        load_settings(path)
    [problem] = caught.value.problems
    assert (problem.place, problem.line) == ("lea", 1)
    assert "three-digit local authority number" in problem.message
