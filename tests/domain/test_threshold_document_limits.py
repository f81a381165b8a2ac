"""Every field of a threshold document is checked before it is accepted, and size is capped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mash_desk.domain.meetings import load_meeting_policy
from mash_desk.domain.policy import POLICY_MAX_BYTES, PolicyError, load_policy
from mash_desk.domain.thresholds import (
    DOCUMENT_MAX_BYTES,
    ThresholdDocumentError,
    load_document,
    parse_document,
)
from mash_desk.paths import resource
from tests.support.thresholds import SHIPPED

# The shipped document with one header field broken; nothing else is wrong with it.
_SOURCE_BLOCK = re.compile(r"^source: >-\n(?:  .*\n)+", re.MULTILINE)


def with_header(field: str, yaml_value: str) -> str:
    """Return the shipped document with ``field`` written as ``yaml_value``."""
    text = SHIPPED.read_text(encoding="utf-8")
    if field == "source":
        return _SOURCE_BLOCK.sub(f"source: {yaml_value}\n", text, count=1)
    return re.sub(rf"^{field}: .*$", f"{field}: {yaml_value}", text, count=1, flags=re.M)


BROKEN_HEADERS = [
    ("title", '["Continuum of Need", "model"]', "'title' must be text"),
    ("title", '"   "', "'title' must not be blank"),
    ("title", '"' + "T" * 301 + '"', "'title' is longer than 300 characters"),
    ("partnership", "{name: Model partnership}", "'partnership' must be text"),
    ("partnership", '""', "'partnership' must not be blank"),
    ("source", "[written, for, tests]", "'source' must be text"),
    ("source", '""', "'source' must not be blank"),
]


@pytest.mark.parametrize(("field", "value", "message"), BROKEN_HEADERS)
def test_a_malformed_header_field_refuses_the_document_naming_it(field, value, message):
    with pytest.raises(ThresholdDocumentError) as caught:
        parse_document(with_header(field, value), "council.yaml")
    [problem] = caught.value.problems
    assert problem.where == field and problem.message == message
    assert problem.line is not None


def test_the_untouched_header_still_loads():
    # The helper above changes only the field it is given: unchanged, the document is fine.
    document = parse_document(with_header("version", '"2016"'), "council.yaml")
    assert document.title.startswith("Continuum of Need")
    assert document.source.startswith("Written for MASH Desk")


def test_a_document_over_the_size_cap_is_refused_before_parsing(tmp_path: Path):
    text = SHIPPED.read_text(encoding="utf-8")
    # Valid YAML comments: only the size is wrong with it.
    padding = ("# " + "x" * 98 + "\n") * (DOCUMENT_MAX_BYTES // 100 + 1)
    big = tmp_path / "council.yaml"
    big.write_text(text + padding, "utf-8")
    with pytest.raises(ThresholdDocumentError) as caught:
        load_document(big)
    [problem] = caught.value.problems
    assert problem.where == "file"
    assert "too large" in problem.message and "at most 1 MiB" in problem.message
    assert caught.value.source == str(big)
    with pytest.raises(ThresholdDocumentError, match="at most 1 MiB"):
        parse_document((text + padding).encode(), "upload")


def test_a_document_just_under_the_cap_is_read(tmp_path: Path):
    text = SHIPPED.read_text(encoding="utf-8")
    room = DOCUMENT_MAX_BYTES - len(text.encode())
    padded = tmp_path / "council.yaml"
    padded.write_text(text + "#" * (room - 1) + "\n", "utf-8")
    assert padded.stat().st_size == DOCUMENT_MAX_BYTES
    assert load_document(padded).version == "2016"


def test_deeply_nested_yaml_is_refused_not_crashed():
    with pytest.raises(ThresholdDocumentError) as caught:
        parse_document("indicators: " + "[" * 100_000 + "]" * 100_000, "hostile.yaml")
    assert caught.value.problems[0].where == "file"


@pytest.mark.parametrize(
    ("loader", "shipped"),
    [(load_policy, "default.yaml"), (load_meeting_policy, "meetings.yaml")],
    ids=["policy", "meetings"],
)
def test_a_policy_file_over_the_size_cap_is_refused(tmp_path: Path, loader, shipped):
    text = resource("policy", shipped).read_text(encoding="utf-8")
    big = tmp_path / shipped
    big.write_text(text + ("#" * 99 + "\n") * (POLICY_MAX_BYTES // 100 + 1), "utf-8")
    with pytest.raises(PolicyError) as caught:
        loader(big)
    [problem] = caught.value.problems
    assert (problem.file, problem.place) == (str(big), "file")
    assert problem.message.startswith("too large")
    assert "a policy file may be at most 256 KiB" in problem.message
    assert str(big) in str(caught.value)
    # The same text under the cap loads: the size alone refused it.
    fine = tmp_path / f"fine-{shipped}"
    fine.write_text(text, "utf-8")
    assert loader(fine) is not None
