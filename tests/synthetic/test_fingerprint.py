"""The generator's output, pinned table by table: the same seed gives the same bytes.

The benchmarks cache databases of several hundred MB keyed by the generator's version
(``benchmarks/harness.py`` ``CACHE_FORMAT``), and the demo's tests rely on what the demo day
holds. A refactor of ``mash_desk.synthetic`` must not change one generated value; this test
fails on the first table whose rows differ.

When the generated data (or the schema) changes on purpose: bump ``CACHE_FORMAT`` and
refresh the fingerprint below with ``python -m tests.synthetic.test_fingerprint``.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from mash_desk.storage.base import Base
from mash_desk.storage.database import Database
from mash_desk.synthetic import ensure_demo_users, generate

# Three weeks and a bit ending at the tests' NOW (a Tuesday morning): every kind of row the
# generator writes (screenings, meetings, routings, the demo day) and quick to build.
YEARS = 0.06
SEED = 7
END = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)

# sha256 over each table's rows in primary-key order, its first 128 bits (row count first, to
# read a failure).
FINGERPRINT: dict[str, str] = {
    "access_log": "0 e3b0c44298fc1c149afbf4c8996fb924",
    "agencies": "12 6f0b360cb3c9934be0fd901c0ce4dd69",
    "agency_check_requests": "343 23ea14660e55a5c81ccd74cff9fae80f",
    "agenda_items": "72 bb7d156002d1bd6f4f3ff76c1160ed1c",
    "allocations": "0 e3b0c44298fc1c149afbf4c8996fb924",
    "audit_chain_head": "2 2c32b64c2472961664fed65f3e2f38e0",
    "audit_log": "6566 05dcb6105978544b99763839f09ec4bc",
    "consents": "992 30be018b79f68345e396f1c464b7ef99",
    "contact_attachments": "0 e3b0c44298fc1c149afbf4c8996fb924",
    "contact_children": "674 02deaa1ed836832c9071e95070276d52",
    "contact_outcomes": "703 a440d48c6240ebe24cf1160634d850ac",
    "contact_risk_indicators": "582 1b8ae59ea96c4a96c6f045e69e9cd91d",
    "contacts": "570 e1748227be99133f969beed71ade631e",
    "decision_action_updates": "274 cbd5d601c259514d08fff0f52e3c8a8a",
    "decision_actions": "233 168da35e2df867e1565ae5f9ee720f42",
    "decision_pathways": "40 643df950838b3cfdb7fba0529597d1fa",
    "decisions": "101 16d8b24bcd2462c928733792d6d075c9",
    "document_outputs": "0 e3b0c44298fc1c149afbf4c8996fb924",
    "escalation_steps": "1 28a4d3dd9a253488e340f104c42cb2ee",
    "escalations": "1 06d215a1c96ca3bd74cdbeec475a43ff",
    "households": "411 45f888992ee3bf14ae6b96dc046bcbae",
    "issued_documents": "0 e3b0c44298fc1c149afbf4c8996fb924",
    "meeting_attendance": "95 2b1b3b0f561aad55494b38ebd6cf0501",
    "meetings": "15 a05e772e907d67acc60f457c9e5afb84",
    "people": "1252 e39a2059b075457ecc78436f28849560",
    "qa_items": "0 e3b0c44298fc1c149afbf4c8996fb924",
    "qa_samples": "0 e3b0c44298fc1c149afbf4c8996fb924",
    "rag_ratings": "691 3f489b81a27dd9926c5c5ccdabe2ba87",
    "referrals": "122 39bc4be841b91a54589d82205fced665",
    "referrer_feedback": "101 bef8ac098511f184c275e6ab8c26c66e",
    "relationships": "1307 335c989fcc6bcba9075f0ffba2d8a44c",
    "roles": "6 b621e48159336e0ac3c2a6a5cd0369c0",
    "routing_informing": "39 163332087a466befcc1cb2432ac26108",
    "routings": "13 15b622c5b7ffc6e7c2212cb5b8713ab9",
    "service_episodes": "125 76fe01c969746a13361ef47930514c9e",
    "strategy_attendees": "96 f807699fee12b03289648531880b1b93",
    "strategy_discussions": "26 a7bce016d21feb73165f8d6443a2f87d",
    "threshold_assessment_indicators": "1287 42231bfa53a8544fddf3404b08bc65f2",
    "threshold_assessments": "766 fa6f613e0e80841e14ad4fdbaddf2d04",
    "threshold_documents": "1 ba829b800e4bc6c0b2b8626fa8af5b6b",
    "users": "21 32c700ee8a2848e61d5ab17a08642d41",
}


def fingerprint(db: Database) -> dict[str, str]:
    """Return ``"rows sha256"`` for every table the models declare, by table name."""
    result: dict[str, str] = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            digest = hashlib.sha256()
            count = 0
            query = select(table).order_by(*table.primary_key.columns)
            for row in conn.execute(query):
                digest.update(repr(tuple(row)).encode())
                count += 1
            result[table.name] = f"{count} {digest.hexdigest()[:32]}"
    return result


def generated_fingerprint(folder: Path) -> dict[str, str]:
    """Build the pinned history in a new SQLite file under ``folder`` and fingerprint it."""
    db = Database(f"sqlite:///{folder / 'pinned.sqlite3'}")
    try:
        ensure_demo_users(db)
        generate(db, years=YEARS, seed=SEED, end=END)
        return fingerprint(db)
    finally:
        db.close()


def test_the_pinned_seed_gives_the_same_rows_in_every_table(tmp_path: Path):
    found = generated_fingerprint(tmp_path)
    changed = {
        name: (FINGERPRINT.get(name), value)
        for name, value in found.items()
        if FINGERPRINT.get(name) != value
    }
    assert not changed, f"generated rows changed (expected, found): {changed}"
    assert set(found) == set(FINGERPRINT)


if __name__ == "__main__":  # pragma: no cover - prints the fingerprint to paste above
    os.environ.setdefault("MASH_DESK_KEY_STORE", "tests.support.database_keys:SyntheticKeys")
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    with tempfile.TemporaryDirectory() as folder:
        for name, value in sorted(generated_fingerprint(Path(folder)).items()):
            print(f"    {name!r}: {value!r},", file=sys.stdout)
