"""The bank holidays kept between starts (issue 16): read back, never trusted when stale."""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path

import pytest

from mash_desk.domain import working_time
from mash_desk.domain.policy import BankHolidays
from mash_desk.domain.working_time import HolidayChecker
from mash_desk.services.kept_holidays import FILE_NAME, HolidayFile

ENGLAND = BankHolidays("GB", "ENG")
BOXING_DAY_2026 = date(2026, 12, 28)  # 26 December 2026 is a Saturday: kept on the Monday
NEW_YEAR_2027 = date(2027, 1, 1)


@pytest.fixture
def without_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, working a year out with the ``holidays`` package fails."""

    def refuse(self: HolidayChecker, years: list[int]) -> None:
        raise ImportError("the holidays package was used")

    monkeypatch.setattr(HolidayChecker, "_work_out", refuse)


def test_a_second_start_reads_the_days_back_without_the_package(tmp_path: Path, request):
    first = HolidayChecker(ENGLAND, HolidayFile(tmp_path / FILE_NAME))
    assert first(BOXING_DAY_2026)
    assert not first(date(2026, 12, 29))

    request.getfixturevalue("without_the_package")
    again = HolidayChecker(ENGLAND, HolidayFile(tmp_path / FILE_NAME))
    assert again(BOXING_DAY_2026)
    assert not again(date(2026, 12, 29))
    # December's first question kept January too: a deadline set before Christmas runs into it.
    assert again(NEW_YEAR_2027)


def test_without_a_file_every_start_works_the_days_out(tmp_path: Path, request):
    HolidayChecker(ENGLAND)(BOXING_DAY_2026)
    request.getfixturevalue("without_the_package")
    with pytest.raises(ImportError):
        HolidayChecker(ENGLAND)(BOXING_DAY_2026)


def test_a_new_release_of_the_package_is_not_answered_from_old_days(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / FILE_NAME
    HolidayChecker(ENGLAND, HolidayFile(path))(BOXING_DAY_2026)
    # Make the kept copy wrong, then move to another release: the wrong days must not be used.
    kept = json.loads(path.read_text())
    (source,) = kept
    kept[source]["2026"] = ["2026-12-29"]
    path.write_text(json.dumps(kept))
    monkeypatch.setattr(working_time, "_holidays_release", lambda: "a-newer-release")

    checker = HolidayChecker(ENGLAND, HolidayFile(path))
    assert checker(BOXING_DAY_2026)
    assert not checker(date(2026, 12, 29))


def test_a_damaged_file_is_worked_out_again_and_rewritten(tmp_path: Path):
    path = tmp_path / FILE_NAME
    path.write_text('{"GB/ENG/holidays x": {"2026": ["not a date"]}, ')

    checker = HolidayChecker(ENGLAND, HolidayFile(path))
    assert checker(BOXING_DAY_2026)
    assert any("2026-12-28" in days["2026"] for days in json.loads(path.read_text()).values())


def test_a_folder_that_cannot_be_written_still_answers(tmp_path: Path):
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    checker = HolidayChecker(ENGLAND, HolidayFile(blocked / FILE_NAME))
    assert checker(BOXING_DAY_2026)


def test_the_file_is_private_and_holds_only_dates(tmp_path: Path):
    path = tmp_path / "cache" / FILE_NAME
    HolidayChecker(ENGLAND, HolidayFile(path))(BOXING_DAY_2026)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    kept = json.loads(path.read_text())
    for years in kept.values():
        assert set(years) == {"2026", "2027"}
        for days in years.values():
            assert all(date.fromisoformat(d).year in (2026, 2027) for d in days)


def test_local_closure_days_come_from_the_policy_not_the_file(tmp_path: Path):
    path = tmp_path / FILE_NAME
    HolidayChecker(ENGLAND, HolidayFile(path))(BOXING_DAY_2026)
    closure = date(2026, 12, 29)
    with_closure = BankHolidays("GB", "ENG", frozenset({closure}))
    assert HolidayChecker(with_closure, HolidayFile(path))(closure)
    assert not HolidayChecker(ENGLAND, HolidayFile(path))(closure)


def test_a_desk_keeps_the_bank_holidays_in_the_users_cache_folder(desk, _private_cache_folder):
    assert not desk.ctx.deadlines.calendar.is_working_day(BOXING_DAY_2026)
    kept = json.loads((_private_cache_folder / FILE_NAME).read_text())
    assert any("2026-12-28" in years.get("2026", []) for years in kept.values())
