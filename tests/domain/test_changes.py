"""The change vocabulary (issue 17 item 4): what views refresh on, typed and checked."""

from __future__ import annotations

import pytest

from mash_desk.domain.changes import (
    Kind,
    Topic,
    agency_inbox,
    change_keys,
    is_key,
    record_key,
    record_keys,
)


def test_a_record_key_names_its_kind_and_id() -> None:
    """``person:7`` is the one spelling, whoever makes it."""
    assert record_key(Kind.PERSON, 7) == "person:7"
    assert record_keys(Kind.CONTACT, [3, 4]) == {"contact:3", "contact:4"}


def test_topics_and_record_keys_are_plain_strings_for_the_signal() -> None:
    """Qt carries the keys as strings; a topic still equals its word."""
    keys = change_keys(Topic.QUEUE, record_key(Kind.MEETING, 2))
    assert keys == {"queue", "meeting:2"}
    assert all(isinstance(key, str) for key in keys)


@pytest.mark.parametrize(
    ("text", "known"),
    [
        ("queue", True),
        ("person:12", True),
        ("qa_sample:3", True),
        ("persons:12", False),
        ("person:", False),
        ("person:x", False),
        ("que", False),
    ],
)
def test_only_words_of_the_vocabulary_are_keys(text: str, known: bool) -> None:
    """A misspelt key is not a key (a view would never refresh on it)."""
    assert is_key(text) is known


def test_a_partner_agency_inbox_has_a_key_of_its_own() -> None:
    """Check requests and actions for the police refresh the police inbox only."""
    assert agency_inbox("police") == "agency_inbox:police"
    assert is_key("agency_inbox:youth_justice")
    assert not is_key("agency_inbox:")
