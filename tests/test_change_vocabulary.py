"""Change keys are spelt only by the vocabulary (issue 17 item 4, ``domain/changes.py``).

``OpResult.changed`` and the change hub are typed, so mypy refuses a bare string there; this
test catches the other half: a view comparing what arrived with a key it spelt itself, or a
record key built by hand, which would silently never match after a rename.
"""

from __future__ import annotations

import re
from pathlib import Path

from mash_desk.domain.changes import INBOX, Kind, Topic

PACKAGE = Path(__file__).resolve().parents[1] / "mash_desk"
KINDS = "|".join(sorted([k.value for k in Kind] + [INBOX], key=len, reverse=True))
# f"person:{...}" and the like: a record key built by hand.
HAND_MADE_RECORD = re.compile(rf'f"({KINDS}):\{{')
# "queue" in keys / keys & {"queue", ...}: a topic spelt by hand where keys are compared.
TOPICS = "|".join(sorted((t.value for t in Topic), key=len, reverse=True))
HAND_MADE_TOPIC = re.compile(rf'"({TOPICS})"\s+in\s+keys|keys\s*&\s*\{{[^}}]*"({TOPICS})"')


def _offences(pattern: re.Pattern[str]) -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "changes.py" or "forms" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                found.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    return found


def test_no_record_key_is_built_by_hand() -> None:
    """Every ``person:7`` comes from ``record_key`` (or ``agency_inbox``)."""
    assert _offences(HAND_MADE_RECORD) == []


def test_no_view_compares_with_a_topic_spelt_by_hand() -> None:
    """A view refreshes on ``Topic.QUEUE``, never on the word typed again."""
    assert _offences(HAND_MADE_TOPIC) == []
