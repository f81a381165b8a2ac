"""``mash-desk thresholds`` and ``mash-desk qa`` as an administrator or QA officer runs them."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_cli import run
from tests.support.thresholds import SHIPPED, SHIPPED_FILES


def test_shipped_documents_pass_the_check():
    result = run("thresholds", "check", *map(str, SHIPPED_FILES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK — model-threshold version 2016" in result.stdout
    assert "148 indicators" in result.stdout


def test_a_copy_with_a_duplicated_id_fails_naming_it(tmp_path: Path):
    text = SHIPPED.read_text(encoding="utf-8")
    broken = tmp_path / "council.yaml"
    broken.write_text(text.replace("- id: l2-young-carer", "- id: l2-bullying"), "utf-8")
    result = run("thresholds", "check", str(SHIPPED), str(broken))
    assert result.returncode == 1
    problem = [line for line in result.stdout.splitlines() if "duplicate id" in line]
    assert len(problem) == 1
    assert problem[0].startswith(f"{broken}: line ")
    assert "duplicate id 'l2-bullying' (first at line" in problem[0]
    assert f"{SHIPPED}: OK" in result.stdout


def test_check_of_a_missing_file_fails_in_one_line(tmp_path: Path):
    result = run("thresholds", "check", str(tmp_path / "none.yaml"))
    assert result.returncode == 1
    assert "does not exist" in result.stdout and "Traceback" not in result.stderr


def test_list_and_install_side_by_side(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/t.sqlite3"
    listed = run("thresholds", "list", "--database", url)
    assert listed.returncode == 0, listed.stderr
    assert "in force" in listed.stdout and "model-threshold version 2016" in listed.stdout
    newer = tmp_path / "model-threshold-2030.yaml"
    newer.write_text(
        SHIPPED.read_text(encoding="utf-8")
        .replace('version: "2016"', 'version: "2030"')
        .replace("effective_from: 2016-04-01", "effective_from: 2030-04-01"),
        "utf-8",
    )
    installed = run("thresholds", "install", str(newer), "--database", url)
    assert installed.returncode == 0, installed.stderr
    assert "Installed model-threshold version 2030" in installed.stdout
    listed = run("thresholds", "list", "--database", url).stdout
    assert "not yet in force" in listed and "version 2030" in listed
    in_force = [line for line in listed.splitlines() if "[    in force    ]" in line]
    assert len(in_force) == 1 and "version 2016" in in_force[0]


def test_install_of_a_broken_file_is_refused(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/t.sqlite3"
    broken = tmp_path / "broken.yaml"
    broken.write_text("schema: 1\nid: x\n", "utf-8")
    result = run("thresholds", "install", str(broken), "--database", url)
    assert result.returncode == 1
    assert (
        "missing 'levels'" in result.stderr
        and "nothing was installed" in result.stderr
        and "Traceback" not in result.stderr
    )


def test_qa_sample_and_report_on_demo_data(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/qa.sqlite3"
    assert run("demo", "--years", "0.05", "--seed", "5", "--database", url).returncode == 0
    drawn = run("qa", "sample", "--size", "12", "--as", "demo.manager", "--database", url)
    assert drawn.returncode == 0, drawn.stderr
    assert "12 screening decisions" in drawn.stdout
    sample_id = drawn.stdout.split("Drew sample ")[1].split(":")[0]
    report = run("qa", "report", sample_id, "--as", "demo.manager", "--database", url)
    assert report.returncode == 0, report.stderr
    assert f"Consistency sample {sample_id}: 0 of 12 re-rated blind" in report.stdout
    refused = run("qa", "sample", "--as", "demo.practitioner", "--database", url)
    assert refused.returncode == 2 and "may not run consistency checks" in refused.stderr


def test_install_of_a_document_with_a_malformed_title_is_refused(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/t.sqlite3"
    broken = tmp_path / "council.yaml"
    broken.write_text(
        SHIPPED.read_text(encoding="utf-8")
        .replace('version: "2016"', 'version: "2026"')
        .replace("effective_from: 2016-04-01", "effective_from: 2020-01-01")
        .replace('title: "Continuum of Need', 'title: ["Continuum of Need"]\n# "'),
        "utf-8",
    )
    result = run("thresholds", "install", str(broken), "--database", url)
    assert result.returncode == 1, result.stdout
    assert f"{broken}: line 14, title: 'title' must be text" in result.stderr
    assert "nothing was installed" in result.stderr and "Traceback" not in result.stderr
    listed = run("thresholds", "list", "--database", url).stdout
    assert "version 2026" not in listed
    in_force = [line for line in listed.splitlines() if "[    in force    ]" in line]
    assert len(in_force) == 1 and "version 2016" in in_force[0]


def test_install_and_check_of_an_oversize_file_are_refused(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/t.sqlite3"
    big = tmp_path / "council.yaml"
    big.write_bytes(SHIPPED.read_bytes() + b"#" * (2 << 20) + b"\n")
    result = run("thresholds", "install", str(big), "--database", url)
    assert result.returncode == 1
    assert f"{big}: file: too large: 2.1 MiB, and a threshold document may be at most 1 MiB" in (
        result.stderr
    )
    assert "nothing was installed" in result.stderr and "Traceback" not in result.stderr
    checked = run("thresholds", "check", str(big))
    assert checked.returncode == 1 and "may be at most 1 MiB" in checked.stdout
