"""The shipped policy kept between starts (services/kept_policy.py, issue 16 start-up)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

from mash_desk.domain.policy import default_policy
from mash_desk.domain.policy_codec import policy_from_json, policy_to_json
from mash_desk.paths import resource
from mash_desk.services.kept_policy import read_or_keep

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = resource("policy", "default.yaml")


def test_a_kept_policy_is_the_policy_it_was_read_from():
    policy = default_policy()
    assert policy_from_json(json.loads(json.dumps(policy_to_json(policy)))) == policy
    # Every kind of value survives: closed days, no subdivision, a clock running out of hours.
    odd = replace(
        policy,
        bank_holidays=replace(
            policy.bank_holidays,
            subdivision=None,
            extra_closed_days=frozenset({date(2026, 12, 24), date(2026, 12, 31)}),
        ),
        icpc=replace(policy.icpc, out_of_hours=True, amount=2.5),
    )
    assert policy_from_json(json.loads(json.dumps(policy_to_json(odd)))) == odd


def test_the_first_start_keeps_it_privately_and_the_next_reads_it_back(tmp_path):
    kept = tmp_path / "cache" / "default-policy.json"
    assert read_or_keep(SHIPPED, kept) == default_policy()
    assert stat.S_IMODE(kept.stat().st_mode) & 0o077 == 0
    assert stat.S_IMODE(kept.parent.stat().st_mode) == 0o700
    # The next start: the same policy, and PyYAML never imported.
    script = (
        "import sys; from pathlib import Path\n"
        "from mash_desk.services.kept_policy import read_or_keep\n"
        "from mash_desk.paths import resource\n"
        "policy = read_or_keep(resource('policy', 'default.yaml'), Path(sys.argv[1]))\n"
        "print(policy.id, 'yaml' in sys.modules)\n"
    )
    said = subprocess.run(
        [sys.executable, "-c", script, str(kept)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=os.environ,
        check=True,
    )
    assert said.stdout.split() == [default_policy().id, "False"]


def test_a_changed_policy_file_is_read_again_not_answered_from_the_old(tmp_path):
    kept = tmp_path / "default-policy.json"
    read_or_keep(SHIPPED, kept)
    changed = tmp_path / "policy.yaml"
    changed.write_text(
        SHIPPED.read_text(encoding="utf-8").replace(
            "idle_lock_minutes: 10", "idle_lock_minutes: 5"
        ),
        encoding="utf-8",
    )
    assert "idle_lock_minutes: 5" in changed.read_text(encoding="utf-8")
    assert read_or_keep(changed, kept).idle_lock_minutes == 5
    assert json.loads(kept.read_text(encoding="utf-8"))["policy"]["idle_lock_minutes"] == 5


def test_a_damaged_or_unwritable_file_means_reading_the_yaml(tmp_path):
    kept = tmp_path / "default-policy.json"
    read_or_keep(SHIPPED, kept)
    data = json.loads(kept.read_text(encoding="utf-8"))
    data["policy"]["rag"]["red"] = "soon"
    kept.write_text(json.dumps(data), encoding="utf-8")
    assert read_or_keep(SHIPPED, kept) == default_policy()
    assert json.loads(kept.read_text(encoding="utf-8"))["policy"]["rag"]["red"] != "soon"
    kept.write_text("{not json", encoding="utf-8")
    assert read_or_keep(SHIPPED, kept) == default_policy()
    # A folder that cannot be made (a file is in the way; as root, a read-only one would not do).
    (tmp_path / "in-the-way").write_text("x", encoding="utf-8")
    assert (
        read_or_keep(SHIPPED, tmp_path / "in-the-way" / "default-policy.json") == default_policy()
    )
