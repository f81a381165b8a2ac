"""The shipped policy, kept in a file between starts (issue 16, start-up).

Every start read ``resources/policy/default.yaml`` for its clocks and working hours, and
importing PyYAML to do so took 18 ms of the time to the first queue page. The policy read is
now kept in the cache folder as JSON (``default-policy.json``: settings only, no person),
under the SHA-256 of the YAML it came from: a changed file is read again, never answered
from the old one. A missing, damaged or unwritable file means reading the YAML, as before.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

from mash_desk.domain.policy import Policy, load_policy
from mash_desk.domain.policy_codec import CODEC, policy_from_json, policy_to_json
from mash_desk.paths import resource, user_cache_dir

log = logging.getLogger(__name__)

FILE_NAME = "default-policy.json"


@functools.cache
def kept_default_policy() -> Policy:
    """The shipped policy: read back from the cache folder, or from its YAML (then kept)."""
    return read_or_keep(resource("policy", "default.yaml"), user_cache_dir() / FILE_NAME)


def read_or_keep(source: Path, kept: Path) -> Policy:
    """The policy in ``source`` (the shipped YAML), read back from ``kept`` when it matches."""
    try:
        source_hash = hashlib.sha256(source.read_bytes()).hexdigest()
    except OSError:
        return _parsed(source)  # says what is wrong with the file, as before
    found = _read(kept, source_hash)
    if found is not None:
        return found
    policy = _parsed(source)
    try:
        _write(kept, {"codec": CODEC, "source": source_hash, "policy": policy_to_json(policy)})
    except OSError as exc:
        # The desk works without the file: the next start reads the YAML again.
        log.warning("policy not kept (%s)", type(exc).__name__)
    return policy


def _parsed(source: Path) -> Policy:
    # As domain.policy.default_policy: the shipped calendar is checked by the test suite.
    return load_policy(source, check_calendar=False)


def _read(kept: Path, source_hash: str) -> Policy | None:
    try:
        data = json.loads(kept.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("codec") != CODEC:
        return None
    if data.get("source") != source_hash:
        return None
    try:
        return policy_from_json(data.get("policy"))
    except ValueError:
        return None


def _write(kept: Path, contents: dict[str, object]) -> None:
    kept.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # A temporary file of its own, then a rename: two desks starting together each write a
    # whole file, and the last one stays (as services/kept_holidays.py).
    fd, temp = tempfile.mkstemp(prefix=".default-policy-", dir=kept.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(contents, handle, sort_keys=True)
        os.replace(temp, kept)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
