"""Policy files: the shipped default loads, and every kind of broken file is reported by key."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from mash_desk.domain.enums import Rag
from mash_desk.domain.policy import (
    BankHolidays,
    ClockUnit,
    OpeningHours,
    Policy,
    PolicyError,
    TimeLimit,
    default_policy,
    load_policy,
)
from mash_desk.domain.working_time import WorkingCalendar
from mash_desk.paths import resource

DEFAULT_TEXT = resource("policy", "default.yaml").read_text(encoding="utf-8")
NINE_TO_FIVE = OpeningHours(time(9), time(17))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def edited(*replacements: tuple[str, str]) -> str:
    """The default file with each ``old`` text replaced by ``new`` (``old`` must be there)."""
    text = DEFAULT_TEXT
    for old, new in replacements:
        assert old in text, f"test fixture out of date: {old!r} not in default.yaml"
        text = text.replace(old, new, 1)
    return text


def problems_of(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        load_policy(write(tmp_path, text))
    assert caught.value.problems, "a PolicyError must say what is wrong"
    # Place and message: the lines are asserted where they are the point of the test.
    return [f"{p.place}: {p.message}" for p in caught.value.problems]


# --- the default policy ----------------------------------------------------------------------


def test_default_policy_loads(policy: Policy) -> None:
    assert policy.id == "default"
    assert policy.title
    assert policy.timezone == "Europe/London"
    assert str(policy.zone) == "Europe/London"


def test_default_policy_is_cached() -> None:
    assert default_policy() is default_policy()


def test_default_working_hours(policy: Policy) -> None:
    assert dict(policy.working_hours) == {day: NINE_TO_FIVE for day in range(5)}


def test_default_bank_holidays(policy: Policy) -> None:
    assert policy.bank_holidays == BankHolidays("GB", "ENG", frozenset())


@pytest.mark.parametrize(
    ("rag", "decision", "agency_check"),
    [
        pytest.param(
            Rag.RED,
            TimeLimit(4, ClockUnit.WORKING_HOURS, out_of_hours=True),
            TimeLimit(2, ClockUnit.HOURS),
            id="red",
        ),
        pytest.param(
            Rag.AMBER,
            TimeLimit(1, ClockUnit.WORKING_DAYS),
            TimeLimit(6, ClockUnit.HOURS),
            id="amber",
        ),
        pytest.param(
            Rag.GREEN,
            TimeLimit(3, ClockUnit.WORKING_DAYS),
            TimeLimit(24, ClockUnit.HOURS),
            id="green",
        ),
    ],
)
def test_default_rag_clocks(
    policy: Policy, rag: Rag, decision: TimeLimit, agency_check: TimeLimit
) -> None:
    assert policy.rag[rag].decision == decision
    assert policy.rag[rag].agency_check == agency_check
    assert policy.rag[rag].agency_check.counts_real_time


def test_red_decision_clock_runs_out_of_hours(policy: Policy) -> None:
    assert policy.rag[Rag.RED].decision.counts_real_time
    assert not policy.rag[Rag.AMBER].decision.counts_real_time
    assert not policy.rag[Rag.GREEN].decision.counts_real_time


def test_default_statutory_deadlines(policy: Policy) -> None:
    assert policy.referral_decision == TimeLimit(1, ClockUnit.WORKING_DAYS)
    assert policy.single_assessment == TimeLimit(45, ClockUnit.WORKING_DAYS)
    assert policy.icpc == TimeLimit(15, ClockUnit.WORKING_DAYS)


@pytest.mark.parametrize(
    ("limit", "words"),
    [
        pytest.param(
            TimeLimit(4, ClockUnit.WORKING_HOURS, True),
            "4 working hours, clock runs out of hours",
            id="red",
        ),
        pytest.param(TimeLimit(1, ClockUnit.WORKING_DAYS), "1 working day", id="one-day"),
        pytest.param(TimeLimit(45, ClockUnit.WORKING_DAYS), "45 working days", id="45-days"),
        pytest.param(TimeLimit(1.5, ClockUnit.HOURS), "1.5 hours", id="fraction"),
        pytest.param(TimeLimit(1, ClockUnit.HOURS), "1 hour", id="one-hour"),
    ],
)
def test_time_limit_describe(limit: TimeLimit, words: str) -> None:
    assert limit.describe() == words


def test_policy_is_immutable_and_hashable(policy: Policy) -> None:
    with pytest.raises(AttributeError):
        policy.id = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        policy.working_hours[5] = NINE_TO_FIVE  # type: ignore[index]
    assert hash(policy) == hash(load_policy(resource("policy", "default.yaml")))


def test_load_policy_equals_default(policy: Policy) -> None:
    assert load_policy(str(resource("policy", "default.yaml"))) == policy


# --- valid variations ------------------------------------------------------------------------


def test_saturday_morning_and_closure_days(tmp_path: Path) -> None:
    text = edited(
        ("sat: closed", 'sat: {start: "10:00", end: "12:00"}'),
        ("extra_closed_days: []", "extra_closed_days: [2026-12-24, 2026-12-31]"),
    )
    policy = load_policy(write(tmp_path, text))
    assert policy.working_hours[5] == OpeningHours(time(10), time(12))
    assert 6 not in policy.working_hours
    assert policy.bank_holidays.extra_closed_days == {date(2026, 12, 24), date(2026, 12, 31)}
    cal = WorkingCalendar.from_policy(policy)
    assert not cal.is_working_day(date(2026, 12, 24))  # Thursday, local closure
    assert not cal.is_working_day(date(2026, 12, 25))  # bank holiday still applies
    assert cal.is_working_day(date(2026, 12, 23))
    assert cal.is_working_day(date(2026, 11, 7))  # a Saturday


def test_missing_weekday_is_closed(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, edited(("  sun: closed\n", ""))))
    assert 6 not in policy.working_hours


def test_fractional_hours_are_allowed(tmp_path: Path) -> None:
    policy = load_policy(
        write(tmp_path, edited(("agency_check: {hours: 2}", "agency_check: {hours: 1.5}")))
    )
    assert policy.rag[Rag.RED].agency_check == TimeLimit(1.5, ClockUnit.HOURS)


# --- broken files ----------------------------------------------------------------------------

TUE = 'tue: {start: "09:00", end: "17:00"}'
WED = 'wed: {start: "09:00", end: "17:00"}'
THU = 'thu: {start: "09:00", end: "17:00"}'
MON = 'mon: {start: "09:00", end: "17:00"}'


@pytest.mark.parametrize(
    ("replacements", "expected"),
    [
        pytest.param(
            [(TUE, 'tue: {start: "09:00", end: "08:00"}')],
            "working_hours.tue: end 08:00 is not after start 09:00",
            id="end-before-start",
        ),
        pytest.param(
            [(TUE, 'tue: {start: "09:00", end: "09:00"}')],
            "working_hours.tue: end 09:00 is not after start 09:00",
            id="end-equals-start",
        ),
        pytest.param(
            [(MON, 'mon: {start: "9am", end: "17:00"}')],
            "working_hours.mon.start: '9am' is not a time",
            id="time-not-hh-mm",
        ),
        pytest.param(
            [(MON, 'mon: {start: "25:00", end: "17:00"}')],
            "working_hours.mon.start: '25:00' is not a time",
            id="hour-out-of-range",
        ),
        pytest.param(
            [(WED, 'wed: {start: "09:00", end: 17:00}')],
            "working_hours.wed.end: got the number 1020; write the time in quotes",
            id="unquoted-time",
        ),
        pytest.param(
            [(THU, 'thu: {start: "09:00"}')],
            "working_hours.thu.end: missing",
            id="missing-end",
        ),
        pytest.param(
            [(THU, 'thu: {start: "09:00", end: "17:00", lunch: "12:00"}')],
            "working_hours.thu.lunch: unknown key",
            id="unknown-day-key",
        ),
        pytest.param(
            [(MON, 'mnd: {start: "09:00", end: "17:00"}')],
            "working_hours.mnd: unknown weekday (expected mon, tue, wed, thu, fri, sat, sun)",
            id="unknown-weekday",
        ),
        pytest.param(
            [("sat: closed", "sat: shut")],
            'working_hours.sat: expected "closed" or {start: "HH:MM", end: "HH:MM"}',
            id="day-neither-closed-nor-hours",
        ),
        pytest.param(
            [
                (MON, "mon: closed"),
                (TUE, "tue: closed"),
                (WED, "wed: closed"),
                (THU, "thu: closed"),
                ('fri: {start: "09:00", end: "17:00"}', "fri: closed"),
            ],
            "working_hours: every day is closed",
            id="always-closed",
        ),
        pytest.param(
            [("timezone: Europe/London", "timezone: Europe/Londn")],
            "timezone: unknown time zone 'Europe/Londn'",
            id="unknown-timezone",
        ),
        pytest.param(
            [("timezone: Europe/London", "timezone: 0")],
            "timezone: expected a time zone name",
            id="timezone-not-text",
        ),
        pytest.param(
            [("  green:\n", "  purple:\n")],
            "rag.purple: unknown RAG rating (expected red, amber, green)",
            id="unknown-rag",
        ),
        pytest.param(
            [("  green:\n", "  purple:\n")],
            "rag.green: missing",
            id="missing-rag",
        ),
        pytest.param(
            [("agency_check: {hours: 6}", "")],
            "rag.amber.agency_check: missing",
            id="missing-agency-check",
        ),
        pytest.param(
            [("decision: {working_days: 1}", "decision: {working_hours: 8, working_days: 1}")],
            "rag.amber.decision: give exactly one of hours, working_hours, working_days",
            id="two-units",
        ),
        pytest.param(
            [("decision: {working_days: 1}", "decision: {out_of_hours: true}")],
            "rag.amber.decision: give exactly one of hours, working_hours, working_days",
            id="no-unit",
        ),
        pytest.param(
            [("agency_check: {hours: 6}", "agency_check: {hours: -6}")],
            "rag.amber.agency_check.hours: must be a positive number, got -6",
            id="negative-amount",
        ),
        pytest.param(
            [("agency_check: {hours: 6}", "agency_check: {hours: 0}")],
            "rag.amber.agency_check.hours: must be a positive number, got 0",
            id="zero-amount",
        ),
        pytest.param(
            [("referral_decision: {working_days: 1}", "referral_decision: {working_days: one}")],
            "deadlines.referral_decision.working_days: must be a positive number, got 'one'",
            id="amount-not-a-number",
        ),
        pytest.param(
            [("agency_check: {hours: 6}", "agency_check: {hours: true}")],
            "rag.amber.agency_check.hours: must be a positive number, got True",
            id="amount-boolean",
        ),
        pytest.param(
            [("decision: {working_days: 3}", "decision: {working_days: 1.5}")],
            "rag.green.decision.working_days: must be a whole number of days, got 1.5",
            id="fractional-days",
        ),
        pytest.param(
            [("decision: {working_days: 1}", "decision: {working_days: 1, out_of_hours: true}")],
            "rag.amber.decision.out_of_hours: only applies to working_hours",
            id="out-of-hours-on-days",
        ),
        pytest.param(
            [
                (
                    "{working_hours: 4, out_of_hours: true}",
                    "{working_hours: 4, out_of_hours: sometimes}",
                )
            ],
            "rag.red.decision.out_of_hours: must be true or false, got 'sometimes'",
            id="out-of-hours-not-boolean",
        ),
        pytest.param(
            [("{working_hours: 4, out_of_hours: true}", "{working_hour: 4}")],
            "rag.red.decision.working_hour: unknown key",
            id="misspelt-unit",
        ),
        pytest.param(
            [("decision: {working_days: 3}", "decision: 3")],
            "rag.green.decision: expected a mapping such as {working_days: 1}, got a number",
            id="limit-not-mapping",
        ),
        pytest.param(
            [("  icpc: {working_days: 15}\n", "")],
            "deadlines.icpc: missing",
            id="missing-deadline",
        ),
        pytest.param(
            [("  icpc: {working_days: 15}\n", "  icpc: {working_days: 15}\n  lado: {hours: 1}\n")],
            "deadlines.lado: unknown key",
            id="unknown-deadline",
        ),
        pytest.param(
            [("id: default\n", "")],
            "id: missing",
            id="missing-id",
        ),
        pytest.param(
            [("title: Default MASH policy (England)", 'title: ""')],
            "title: expected non-empty text",
            id="empty-title",
        ),
        pytest.param(
            [("id: default\n", "id: default\ncolour: blue\n")],
            "colour: unknown key",
            id="unknown-top-level-key",
        ),
        pytest.param(
            [("country: GB", "country: XX")],
            "bank_holidays.country: unknown country 'XX'",
            id="unknown-country",
        ),
        pytest.param(
            [("subdivision: ENG", "subdivision: ENGLAND")],
            "bank_holidays.subdivision: 'ENGLAND' is not a subdivision of GB "
            "(expected one of ENG, NIR, SCT, WLS)",
            id="unknown-subdivision",
        ),
        pytest.param(
            [("extra_closed_days: []", "extra_closed_days: [christmas eve]")],
            "bank_holidays.extra_closed_days[0]: 'christmas eve' is not a date "
            "(expected YYYY-MM-DD)",
            id="closure-not-a-date",
        ),
        pytest.param(
            [("extra_closed_days: []", "extra_closed_days: 2026-12-24")],
            "bank_holidays.extra_closed_days: expected a list of dates, got a date",
            id="closures-not-a-list",
        ),
        pytest.param(
            [("working_hours:\n", "working_hours: 9-5\nold_hours:\n")],
            "working_hours: expected a mapping of weekdays (mon to sun), got text",
            id="working-hours-not-mapping",
        ),
        pytest.param(
            [("rag:\n", "rag: [red, amber, green]\nold_rag:\n")],
            "rag: expected a mapping of RAG ratings (red, amber, green), got a list",
            id="rag-not-mapping",
        ),
    ],
)
def test_broken_policy_is_reported(
    tmp_path: Path, replacements: list[tuple[str, str]], expected: str
) -> None:
    problems = problems_of(tmp_path, edited(*replacements))
    assert any(p.startswith(expected) for p in problems), problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", "file: the file is empty", id="empty-file"),
        pytest.param("# only a comment\n", "file: the file is empty", id="only-comments"),
        pytest.param("- red\n- amber\n", "file: expected a mapping", id="top-level-list"),
        pytest.param("just text\n", "file: expected a mapping", id="top-level-text"),
        pytest.param(
            'id: default\nworking_hours: {mon: {start: "09:00"\n',
            "file: YAML syntax error at column",
            id="yaml-syntax-error",
        ),
    ],
)
def test_unusable_file_is_reported(tmp_path: Path, text: str, expected: str) -> None:
    problems = problems_of(tmp_path, text)
    assert problems[0].startswith(expected), problems


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy(tmp_path / "nowhere.yaml")
    [problem] = caught.value.problems
    assert (problem.file, str(problem)) == (str(tmp_path / "nowhere.yaml"), "file: does not exist")
    assert str(tmp_path / "nowhere.yaml") in str(caught.value)


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    text = edited(
        ("timezone: Europe/London", "timezone: Europe/Londn"),
        (TUE, 'tue: {start: "09:00", end: "08:00"}'),
        ("  green:\n", "  purple:\n"),
    )
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    line = _first_lines(text, "timezone", "tue", "purple", "rag")
    assert [str(p) for p in caught.value.problems] == [
        f"line {line['timezone']}, timezone: unknown time zone 'Europe/Londn'",
        f"line {line['tue']}, working_hours.tue: end 08:00 is not after start 09:00",
        f"line {line['purple']}, rag.purple: unknown RAG rating (expected red, amber, green)",
        # A missing key is reported at the mapping it is missing from.
        f"line {line['rag']}, rag.green: missing",
    ]
    assert caught.value.path == path
    assert str(path) in str(caught.value)
    assert "Europe/Londn" in str(caught.value)


def _first_lines(text: str, *keys: str) -> dict[str, int]:
    """The line (1-based) each key is first written on, as an administrator counts them."""
    lines = text.splitlines()
    return {
        key: next(n for n, row in enumerate(lines, 1) if row.strip().startswith(f"{key}:"))
        for key in keys
    }


def test_a_key_written_twice_is_reported_with_its_line(tmp_path: Path) -> None:
    text = edited(("timezone: Europe/London", "timezone: Europe/London\ntimezone: Europe/Paris"))
    with pytest.raises(PolicyError) as caught:
        load_policy(write(tmp_path, text))
    [problem] = caught.value.problems
    assert (problem.place, problem.message) == ("timezone", "written twice; keep one")
    # The line of the second writing: the one YAML would silently have kept.
    assert problem.line == _first_lines(text, "timezone")["timezone"] + 1


# --- idle lock -------------------------------------------------------------------------------


def test_default_idle_lock_is_ten_minutes(policy: Policy) -> None:
    assert policy.idle_lock_minutes == 10


def test_idle_lock_can_be_shortened(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, edited(("idle_lock_minutes: 10", "idle_lock_minutes: 2"))))
    assert policy.idle_lock_minutes == 2


def test_an_older_policy_without_idle_lock_keeps_the_default(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, edited(("idle_lock_minutes: 10\n", ""))))
    assert policy.idle_lock_minutes == 10


@pytest.mark.parametrize("value", ["0", "-5", "90", "soon", "true"])
def test_an_unusable_idle_lock_is_reported(tmp_path: Path, value: str) -> None:
    problems = problems_of(
        tmp_path, edited(("idle_lock_minutes: 10", f"idle_lock_minutes: {value}"))
    )
    assert any(p.startswith("idle_lock_minutes: must be a number of minutes") for p in problems)


def test_the_shipped_calendar_is_known() -> None:
    """The desk loads its shipped policy without asking ``holidays`` (start-up, issue 16).

    So the shipped file's country and subdivision are checked here, as any other policy
    file's are when it is loaded.
    """
    checked = load_policy(resource("policy", "default.yaml"))
    assert checked.bank_holidays == default_policy().bank_holidays
    assert (checked.bank_holidays.country, checked.bank_holidays.subdivision) == ("GB", "ENG")


def test_a_country_that_is_not_text_is_refused_by_name(tmp_path: Path) -> None:
    """A number for the country names the field and what was expected."""
    with pytest.raises(PolicyError) as caught:
        load_policy(write(tmp_path, edited(("country: GB", "country: 44"))))
    assert "bank_holidays.country: expected a country code such as GB, got" in str(caught.value)
