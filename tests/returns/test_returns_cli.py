"""``mash-desk returns cin`` and ``returns check`` over a generated demo year.

The demo history ends at the tests' NOW (17 Nov 2026), so collection year 2027 holds up to
seven and a half months of referrals: s47 enquiries with conferences held, ones concluded with no
conference needed, ones still waiting; NFA referrals and unborn children. Its census file
must validate against the DfE's 2024 schema on both engines; the command writes it 0600,
warns about a shared folder and refuses a role that may not export.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import xmlschema
from sqlalchemy import select

from mash_desk.domain.clock import FixedClock
from mash_desk.domain.enums import Role
from mash_desk.domain.errors import PermissionDenied
from mash_desk.services.desk import Desk
from mash_desk.services.inputs import OutcomeInput, ReferralDetails
from mash_desk.services.returns import SERVER_REFUSED
from mash_desk.storage.models import AuditEntry
from mash_desk.synthetic import generate
from tests.cli.test_cli import run
from tests.conftest import NOW, fresh_database_url
from tests.support.helpers import log_one
from tests.support.server import ServerDb

YEAR = "2027"
FAILURE_LINE = re.compile(
    r"child \d+ \(LAchildID MASH\d+\)(, referral \d+)?: rule [0-9A-Z-]+ \((error|query)\) "
    r"\w+ \[desk field \w+\]: .+"
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo(request, templates, pg_server, tmp_path_factory) -> Iterator[tuple[str, Desk]]:
    """A database holding one generated year ending at NOW, on each engine (built once)."""
    url = fresh_database_url(request.param, templates, pg_server, tmp_path_factory.mktemp("cin"))
    desk = Desk.open(url, FixedClock(NOW))
    # A whole year on SQLite (seconds); a third of one on PostgreSQL, whose bulk writer is
    # several times slower on a shared test machine (tests/synthetic does the same).
    generate(desk.db, years=1 if request.param == "sqlite" else 0.3, seed=3, end=NOW)
    yield url, desk
    desk.close()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_demo_years_census_validates_and_holds_every_kind_of_s47(
    demo, cin_schema: xmlschema.XMLSchema, tmp_path
):
    url, desk = demo
    out = tmp_path / "returns" / "cin-2027.xml"
    done = run(
        "returns",
        "cin",
        "--year",
        YEAR,
        "--out",
        str(out),
        "--as",
        "demo.performance",
        "--database",
        url,
    )
    assert done.returncode == 0, done.stderr
    data = out.read_bytes()
    cin_schema.validate(data.decode("utf-8"))
    assert mode(out) == 0o600 and mode(out.parent) == 0o700
    assert "warning" not in done.stderr  # a private folder is not named
    digest = hashlib.sha256(data).hexdigest()
    assert f"SHA-256 {digest}" in done.stdout
    root = ET.fromstring(data)
    s47 = root.findall(".//Section47")
    assert {e.findtext("ICPCnotRequired") for e in s47} == {"true", "false"}
    assert any(e.find("DateOfInitialCPC") is not None for e in s47)
    assert root.findall(".//ExpectedPersonBirthDate")  # unborn children
    assert {e.text for e in root.iter("ReferralNFA")} == {"true", "false"}
    children = root.findall("Children/Child")
    with desk.db.reading() as s:
        [entry] = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "returns.cin_exported")
        ).all()
    detail = json.loads(entry.detail)
    assert (detail["sha256"], detail["children"]) == (digest, len(children))
    assert detail["where"] == str(out.absolute())


def test_check_lists_failures_by_id_and_rule_only(demo):
    url, desk = demo
    done = run("returns", "check", "--year", YEAR, "--as", "demo.manager", "--database", url)
    # The demo year has no error, only queries (school-age children without a UPN).
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    summary = lines.pop()
    assert summary.startswith("CIN census 2027 (01 Apr 2026 to 31 Mar 2027): ")
    assert "0 children would fail (0 errors)" in summary
    assert lines and all(FAILURE_LINE.fullmatch(line) for line in lines)
    assert all("(query)" in line for line in lines)


def test_check_exits_1_naming_the_rule_and_field_that_fails(demo, tmp_path):
    # Runs after the two tests above (it adds to the module's demo year).
    url, desk = demo
    practitioner = desk.users.actor_for("demo.practitioner")
    cc = log_one(desk, practitioner).children[0]  # born 2019, no UPN
    referral = desk.outcomes.record(
        practitioner,
        cc.id,
        cc.version,
        OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails("N0")),
    ).value.referral
    done = run("returns", "check", "--year", YEAR, "--as", "demo.manager", "--database", url)
    assert done.returncode == 1
    child = f"child {referral.person_id} (LAchildID MASH{referral.person_id})"
    assert (
        f"{child}, referral {referral.id}: rule 8610 (error) PrimaryNeedCode "
        "[desk field primary_need]: A primary need is required unless the referral led to no "
        "further action"
    ) in done.stdout
    assert (
        f"{child}: rule 8770Q (query) UPN [desk field upn]: A child of school age needs a UPN "
        "or the reason it is unknown"
    ) in done.stdout
    assert "Amira" not in done.stdout and "Hassan" not in done.stdout  # ids, never names
    out = tmp_path / "cin.xml"
    refused = run(
        "returns",
        "cin",
        "--year",
        YEAR,
        "--out",
        str(out),
        "--as",
        "demo.manager",
        "--database",
        url,
    )
    assert refused.returncode == 2 and not out.exists()
    assert "census rule failure(s) for 2027" in refused.stderr


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder in /tmp that others can list and change (pytest's own are in a 0700 parent)."""
    with tempfile.TemporaryDirectory(dir="/tmp", prefix="mash-desk-test-") as made:
        os.chmod(made, 0o777)
        yield Path(made)


def test_export_warns_about_a_shared_folder_and_refuses_a_practitioner(
    templates, pg_server, tmp_path, shared_folder
):
    url = fresh_database_url("sqlite", templates, pg_server, tmp_path)
    desk = Desk.open(url, FixedClock(NOW))
    generate(desk.db, years=0.2, seed=4, end=NOW)
    desk.close()
    out = shared_folder / "cin.xml"
    refused = run(
        "returns",
        "cin",
        "--year",
        YEAR,
        "--out",
        str(out),
        "--as",
        "demo.practitioner",
        "--database",
        url,
    )
    assert refused.returncode == 2 and not out.exists()
    assert "may not check or export the statutory returns" in refused.stderr
    done = run(
        "returns",
        "cin",
        "--year",
        YEAR,
        "--out",
        str(out),
        "--as",
        "demo.manager",
        "--database",
        url,
    )
    assert done.returncode == 0, done.stderr
    assert (
        "mash-desk: warning: other people on this computer can list and change the files in "
        f"{shared_folder}" in done.stderr
    )
    assert mode(out) == 0o600


def test_on_a_shared_server_a_manager_exports_and_a_performance_officer_is_told_so(
    server_db: ServerDb,
):
    practitioner_desk, practitioner = server_db.desk_as(Role.PRACTITIONER)
    cc = log_one(practitioner_desk, practitioner).children[0]
    practitioner_desk.outcomes.record(
        practitioner,
        cc.id,
        cc.version,
        OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails("N1")),
    )
    performance_desk, performance = server_db.desk_as(Role.PERFORMANCE)
    with pytest.raises(PermissionDenied) as caught:
        performance_desk.returns.check_cin(performance, 2027)
    assert str(caught.value) == SERVER_REFUSED
    manager_desk, manager = server_db.desk_as(Role.MANAGER)
    written: list[bytes] = []
    done = manager_desk.returns.export_cin(
        manager, 2027, lambda data: written.append(data) or "cin.xml"
    ).value
    assert done.children == 1 and hashlib.sha256(written[0]).hexdigest() == done.sha256
