"""A council's document with any bad field is refused whole: the version in force stays."""

from __future__ import annotations

import pytest

from mash_desk.domain.thresholds import DOCUMENT_MAX_BYTES, ThresholdDocumentError
from tests.domain.test_threshold_document_limits import BROKEN_HEADERS, with_header
from tests.support.helpers import row_counts


def newer(text: str) -> bytes:
    """``text`` as version 2026, in force since 2020 (so it would be in force at once)."""
    return (
        text.replace('version: "2016"', 'version: "2026"')
        .replace("effective_from: 2016-04-01", "effective_from: 2020-01-01")
        .encode()
    )


@pytest.mark.parametrize(("field", "value", "message"), BROKEN_HEADERS)
def test_a_malformed_header_installs_nothing(desk, actors, field, value, message):
    before = row_counts(desk)
    with pytest.raises(ThresholdDocumentError) as caught:
        desk.thresholds.install(actors["admin"], newer(with_header(field, value)), "council.yaml")
    assert [p.where for p in caught.value.problems] == [field]
    assert message in str(caught.value)
    assert row_counts(desk) == before
    assert desk.thresholds.current(actors["practitioner"]).version == "2016"
    versions = {d.version for d in desk.thresholds.library(actors["admin"])}
    assert "2026" not in versions
    # The same document with the field intact installs and is in force at once: only the
    # broken field kept it out.
    desk.thresholds.install(actors["admin"], newer(with_header("version", '"2016"')))
    assert desk.thresholds.current(actors["practitioner"]).version == "2026"


def test_an_oversize_document_installs_nothing(desk, actors):
    text = with_header("version", '"2016"') + "#" * DOCUMENT_MAX_BYTES + "\n"
    before = row_counts(desk)
    with pytest.raises(ThresholdDocumentError, match="too large"):
        desk.thresholds.install(actors["admin"], newer(text), "council.yaml")
    assert row_counts(desk) == before
    assert desk.thresholds.current(actors["practitioner"]).version == "2016"
