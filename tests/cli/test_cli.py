"""The ``mash-desk`` command as a user runs it, in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mash_desk.services.desk import Desk


def run(
    *args: str,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
    drop: tuple[str, ...] = (),
) -> subprocess.CompletedProcess:
    full_env = {
        k: v for k, v in os.environ.items() if k != "MASH_DESK_DATABASE_URL" and k not in drop
    }
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "mash_desk", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=stdin,
        timeout=300,
    )


def test_database_option_creates_and_migrates(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/desk.sqlite3"
    result = run("summary", "--database", url)
    assert result.returncode == 0, result.stderr
    assert "contacts" in result.stdout and (tmp_path / "desk.sqlite3").exists()
    status = run("db", "status", "--database", url)
    assert "up to date" in status.stdout


def test_environment_variable_names_the_database(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/env.sqlite3"
    result = run("summary", env={"MASH_DESK_DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    assert str(tmp_path) in result.stdout


def test_database_given_before_the_verb_is_kept(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/before.sqlite3"
    result = run("--database", url, "summary")
    assert str(tmp_path) in result.stdout


def test_unreachable_server_is_one_clear_line():
    result = run("summary", "--database", "postgresql://nobody@127.0.0.1:1/none")
    assert result.returncode == 2
    assert result.stderr.startswith("mash-desk: cannot open the database:")
    assert "Traceback" not in result.stderr


def test_user_add_then_sign_in(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/users.sqlite3"
    made = run(
        "user",
        "add",
        "amina.p",
        "--name",
        "Amina P",
        "--role",
        "practitioner",
        "--password-stdin",
        "--database",
        url,
        stdin="correct horse battery\n",
    )
    assert made.returncode == 0, made.stderr
    desk = Desk.open(url)
    try:
        actor = desk.users.sign_in("amina.p", "correct horse battery")
        assert actor.role.value == "practitioner"
    finally:
        desk.close()


def test_short_password_refused_with_field_named(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/short.sqlite3"
    result = run(
        "user",
        "add",
        "x",
        "--name",
        "X",
        "--role",
        "manager",
        "--password-stdin",
        "--database",
        url,
        stdin="short\n",
    )
    assert result.returncode == 2
    assert "password" in result.stderr and "12 characters" in result.stderr


def test_installed_wheel_carries_resources_and_migrations(tmp_path: Path):
    """``pip install .`` must ship resources/ and db/ inside the package and run from there."""
    repo = Path(__file__).resolve().parents[2]
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(repo),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if built.returncode != 0 and "No module named" in built.stderr:
        pytest.fail(f"hatchling missing from the test environment: {built.stderr}")
    assert built.returncode == 0, built.stderr
    target = tmp_path / "site"
    installed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            *map(str, wheels.glob("*.whl")),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr
    assert (target / "mash_desk" / "resources" / "policy" / "default.yaml").exists()
    assert (target / "mash_desk" / "db" / "versions").is_dir()
    assert (
        target / "mash_desk" / "resources" / "thresholds" / "model-threshold-2016.yaml"
    ).exists()
    # Run from somewhere that is not the checkout, with the installed copy first on the path.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import mash_desk.paths as p, mash_desk.cli as c; print(p.data_dir('db')); "
            f"raise SystemExit(c.main(['db', 'upgrade', '--database', 'sqlite:///{tmp_path}/w.sqlite3']))",
        ],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        # The checkout comes second only for the tests' synthetic key store (conftest); the
        # package itself is found in the installed copy first, whole.
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(target), str(Path.cwd())])},
        timeout=120,
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.splitlines()[0].startswith(str(target))
    assert "up to date" in probe.stdout


def test_without_a_display_the_client_says_so_in_one_line(tmp_path: Path):
    result = run(
        "--database",
        f"sqlite:///{tmp_path}/d.sqlite3",
        drop=("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"),
    )
    assert result.returncode == 2
    assert result.stderr.startswith("mash-desk: no display available")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_demo_flag_opens_a_labelled_demo_desk(tmp_path: Path):
    # A fresh user data folder and settings, as on a newcomer's machine.
    env = {
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "HOME": str(tmp_path),
    }
    first = run("--demo", "--smoke-test", env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().splitlines()[-1] == "ready"
    [demo_db] = list((tmp_path / "data").rglob("mash-desk-DEMO.sqlite3"))
    # The desk shows live work straight away, soonest deadline first.
    url = f"sqlite:///{demo_db}"
    summary = run("summary", "--as", "demo.practitioner", "--database", url)
    queue_lines = [
        line for line in summary.stdout.splitlines() if line.startswith(("  due", "  OVERDUE"))
    ]
    assert queue_lines
    again = run("--demo", "--smoke-test", env=env)
    assert again.returncode == 0 and again.stdout.strip().endswith("ready")
    # The demo history carries a consistency-QA sample, re-rated blind (issue 3).
    qa = run("qa", "report", "--as", "demo.manager", "--database", url)
    assert qa.returncode == 0, qa.stderr
    assert "Agreement overall" in qa.stdout and "%" in qa.stdout and "Disagreements" in qa.stdout


def test_demo_verb_fills_the_named_database(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/small.sqlite3"
    made = run("demo", "--years", "0.02", "--seed", "3", "--database", url)
    assert made.returncode == 0, made.stderr
    summary = run("summary", "--as", "demo.practitioner", "--database", url)
    counts = {
        line.split()[0]: int(line.split()[-1].replace(",", ""))
        for line in summary.stdout.splitlines()
        if line.startswith("  ") and line.split()[-1].replace(",", "").isdigit()
    }
    assert counts["contacts"] > 100 and counts["referrals"] > 10
    refused = run("demo", "--years", "0.02", "--database", url)
    assert refused.returncode == 2 and "already" in refused.stderr.lower()


def test_years_must_be_positive(tmp_path: Path):
    result = run("demo", "--years", "0", "--database", f"sqlite:///{tmp_path}/z.sqlite3")
    assert result.returncode == 2 and "--years" in result.stderr
