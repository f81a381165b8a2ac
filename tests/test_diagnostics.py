"""The desk's log: private files, references, redacted database errors, crash dumps (issue 14).

Synthetic data only: the NHS number is NHS England's published example.
"""

from __future__ import annotations

import logging
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from mash_desk import cli, diagnostics
from mash_desk.paths import LOG_DIR_ENV
from mash_desk.storage.database import make_engine
from mash_desk.synthetic import ensure_demo_users
from tests.support.helpers import VALID_NHS
from tests.support.log_scan import leaks, log_text, personal_values

REFERENCE = re.compile(r"MD-[2-9A-HJ-NP-Z]{6}")
SPACED_NHS = f"{VALID_NHS[:3]} {VALID_NHS[3:6]} {VALID_NHS[6:]}"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def log_folder(tmp_path: Path) -> Iterator[Path]:
    """A log started in a folder that does not exist yet; closed after the test."""
    folder = tmp_path / "state" / "log"
    yield folder
    diagnostics.stop_logging()


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_log_folder_and_every_log_file_are_private_whatever_the_umask(log_folder, umask):
    old = os.umask(umask)
    try:
        setup = diagnostics.start_logging(log_folder, logging.DEBUG)
        setup.handler.maxBytes = 300  # rotate after a few lines
        for number in range(20):
            logging.getLogger("mash_desk.test").info("Line %d of the rotation test", number)
    finally:
        os.umask(old)
    names = sorted(p.name for p in log_folder.iterdir())
    assert {"mash-desk.log", "mash-desk.log.1", "mash-desk.log.2", "crash-dumps.log"} <= set(names)
    assert mode(log_folder) == mode(log_folder.parent) == 0o700
    assert {name: mode(log_folder / name) for name in names} == dict.fromkeys(names, 0o600)


def test_an_old_log_left_world_readable_is_made_private_when_opened_again(log_folder):
    log_folder.mkdir(parents=True)
    old_log = log_folder / "mash-desk.log"
    old_log.write_text("an old line\n")
    os.chmod(old_log, 0o644)
    os.chmod(log_folder, 0o755)
    diagnostics.start_logging(log_folder)
    assert mode(old_log) == 0o600 and mode(log_folder) == 0o700


def test_an_error_line_has_a_reference_and_the_time_level_and_module(log_folder):
    diagnostics.start_logging(log_folder)
    logging.getLogger("mash_desk.services.contacts").info("Logged contact %d", 41)
    logging.getLogger("mash_desk.services.contacts").error("Could not log contact %d", 42)
    lines = (log_folder / "mash-desk.log").read_text().splitlines()
    info = next(line for line in lines if "contact 41" in line)
    error = next(line for line in lines if "contact 42" in line)
    assert re.match(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ INFO mash_desk\.services\.contacts \[-\]", info
    )
    assert re.match(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ ERROR mash_desk\.services\.contacts \[MD-\w{6}\]",
        error,
    )


def test_faulthandler_writes_a_hard_crash_into_the_private_dump_file(tmp_path):
    folder = tmp_path / "log"
    script = (
        "import faulthandler, sys\n"
        "from mash_desk.diagnostics import start_logging\n"
        f"start_logging({str(folder)!r})\n"
        "assert faulthandler.is_enabled()\n"
        "faulthandler._sigsegv()\n"
    )
    crashed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=dict(os.environ)
    )
    assert crashed.returncode != 0
    dump = folder / "crash-dumps.log"
    assert "Fatal Python error: Segmentation fault" in dump.read_text()
    assert mode(dump) == 0o600


# ---- database errors carry the row's values; the log does not ----------------------------------

# Every value bound, as the desk's own statements are: the [SQL: ...] part names no one.
_INSERT = text(
    "INSERT INTO people (kind, given_name, family_name, given_key, family_key, date_of_birth,"
    " sex, nhs_number, interpreter_needed, disability, created_at, version)"
    " VALUES (:kind, :given, :family, :gkey, :fkey, :born, :sex, :nhs, :no, :no, :at, 1)"
)
_VALUES = {
    "kind": "child",
    "given": "Zephyrine",
    "family": "Quillfeather",
    "gkey": "SFRN",
    "fkey": "KLFR",
    "born": date(2019, 6, 1),
    "sex": "female",
    "nhs": VALID_NHS,
    "no": False,
    "at": datetime(2026, 11, 17, tzinfo=UTC),
}


def _duplicate_nhs_error(url: str) -> IntegrityError:
    """A real IntegrityError: the same NHS number twice, through an engine that shows values."""
    # The desk's own engine (an encrypted file needs its key), made to show values: the worst
    # a driver can echo.
    engine = make_engine(url)
    engine.hide_parameters = False
    try:
        with engine.begin() as conn:
            conn.execute(_INSERT, _VALUES)
        with pytest.raises(IntegrityError) as refused, engine.begin() as conn:
            conn.execute(_INSERT, _VALUES)
    finally:
        engine.dispose()
    return refused.value


def test_a_duplicate_nhs_number_error_is_logged_with_a_reference_and_without_the_number(
    desk, db_url, log_folder
):
    error = _duplicate_nhs_error(db_url)
    assert VALID_NHS in str(error)  # the driver's message really does carry it
    diagnostics.start_logging(log_folder)
    reference = diagnostics.log_unexpected(error, "in the redaction test")
    written = log_text(log_folder)
    assert reference in written and "IntegrityError" in written and "Traceback" in written
    assert "nhs_number" in written  # the column is named, so the administrator knows what
    for value in (VALID_NHS, SPACED_NHS, "Zephyrine", "Quillfeather", "2019-06-01"):
        assert value not in written


def test_the_desk_engine_never_puts_values_in_its_errors(desk, db_url):
    _duplicate_nhs_error(db_url)
    with pytest.raises(IntegrityError) as refused, desk.db.engine.begin() as conn:
        conn.execute(_INSERT, _VALUES)
    assert "[parameters:" not in str(refused.value)
    assert "Zephyrine" not in str(refused.value)


def test_redact_removes_what_drivers_echo():
    echoed = (
        'duplicate key value violates unique constraint "people_nhs_number_key"\n'
        f"DETAIL:  Key (nhs_number)=({VALID_NHS}) already exists.\n"
        "[SQL: INSERT INTO people (given_name) VALUES (%(given_name)s)]\n"
        "[parameters: {'given_name': 'Zephyrine', 'concerns': 'hungry ] again'}]\n"
        'invalid input syntax for type date: "01/13/2019"\n'
        "new row violates check constraint\n  Failing row contains (7, Zephyrine, 2019-06-01).\n"
        f"CONTEXT:  SQL statement \"SELECT '{VALID_NHS}'\""
    )
    cleaned = diagnostics.redact(echoed)
    for value in (VALID_NHS, "Zephyrine", "hungry", "01/13/2019", "2019-06-01"):
        assert value not in cleaned
    assert "people_nhs_number_key" in cleaned and "[SQL: INSERT INTO people" in cleaned


# ---- the command line --------------------------------------------------------------------------


def test_an_unexpected_command_failure_prints_a_reference_found_in_the_log(
    tmp_path, monkeypatch, capsys
):
    folder = tmp_path / "cli-log"
    monkeypatch.setenv(LOG_DIR_ENV, str(folder))
    status = cli.main(["summary", "--database", "nosuchdriver://somewhere/db"])
    err = capsys.readouterr().err
    assert status == 70
    reference = REFERENCE.search(err).group()
    assert f"tell your administrator the reference {reference}" in err and str(folder) in err
    assert "Traceback" not in err
    written = log_text(folder)
    assert reference in written and "Traceback" in written
    assert diagnostics.current() is None  # the command closed its log


def test_a_demo_build_logs_no_synthetic_persons_details(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "demo-log"
    monkeypatch.setenv(LOG_DIR_ENV, str(folder))
    monkeypatch.setenv(diagnostics.LEVEL_ENV, "DEBUG")
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    assert cli.main(["demo", "--years", "0.1", "--seed", "3", "--database", url]) == 0
    capsys.readouterr()
    from mash_desk.services.desk import Desk

    desk = Desk.open(url)
    try:
        ensure_demo_users(desk.db)
        values = personal_values(desk)
    finally:
        desk.close()
    assert len(values) > 100  # the demo really made people to look for
    assert "MASH Desk" in log_text(folder)  # and the log was written
    assert leaks(folder, values) == []
