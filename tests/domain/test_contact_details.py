"""Referrer phone and e-mail rules, attachment checks, and the strong-match threshold."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from mash_desk.domain.contact_details import (
    MAX_ATTACHMENT_BYTES,
    check_attachment,
    normalise_email,
    normalise_phone,
)
from mash_desk.domain.matching import STRONG_MATCH_AT, SUGGEST_AT, PersonFacts, score


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("020 7946 0000", "02079460000"),
        ("+44 (0)20 7946 0000", "02079460000"),
        ("0044 7700 900123", "07700900123"),
        ("07700-900-123", "07700900123"),
        ("01632 960 001", "01632960001"),
    ],
)
def test_uk_phone_numbers_normalised(typed, stored):
    assert normalise_phone(typed, "referrer_phone") == (stored, None)


@pytest.mark.parametrize("typed", ["12345", "+1 202 555 0100", "0000000000", "07700 9001234 5"])
def test_bad_phone_numbers(typed):
    value, problem = normalise_phone(typed, "referrer_phone")
    assert value is None and problem.field == "referrer_phone"
    assert problem.rule == "phone_format"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (" jo.teacher@school.example.org ", "jo.teacher@school.example.org"),
        ("Jo.Teacher@School.Example.ORG", "Jo.Teacher@school.example.org"),
    ],
)
def test_email_addresses(typed, stored):
    assert normalise_email(typed, "referrer_email") == (stored, None)


@pytest.mark.parametrize("typed", ["jo@school", "jo teacher@x.org", "@x.org", "jo@@x.org"])
def test_bad_email_addresses(typed):
    value, problem = normalise_email(typed, "referrer_email")
    assert value is None and problem.rule == "email_format"


def test_attachment_described_with_its_hash():
    data = b"%PDF-1.7 synthetic"
    checked, problem = check_attachment("C:\\forms\\referral.PDF", data, "attachments[0]")
    assert problem is None
    assert checked.filename == "referral.PDF" and checked.media_type == "application/pdf"
    assert checked.sha256 == hashlib.sha256(data).hexdigest() and checked.size == len(data)


@pytest.mark.parametrize(
    ("name", "data", "rule"),
    [
        ("a.exe", b"MZ", "file_type"),
        ("a.pdf", b"MZ renamed program", "content"),
        ("a.docx", b"%PDF- not a zip", "content"),
        ("a.jpg", b"\x89PNG\r\n\x1a\n", "content"),
        ("a.eml", b"no header line here", "content"),
        ("a.pdf", b"", "empty"),
        ("a.pdf", b"%PDF-" + bytes(MAX_ATTACHMENT_BYTES), "too_large"),
        ("", b"%PDF-", "filename"),
    ],
)
def test_bad_attachments(name, data, rule):
    checked, problem = check_attachment(name, data, "attachments[0]")
    assert checked is None and problem.rule == rule and problem.field == "attachments[0]"


def test_same_names_and_birthday_are_a_strong_match_but_a_nickname_is_not():
    stored = PersonFacts("Amira", "Hassan", date(2019, 6, 1))
    same, _ = score(PersonFacts("Amira", "Hassan", date(2019, 6, 1)), stored)
    assert same >= STRONG_MATCH_AT
    near, _ = score(PersonFacts("Amira", "Hassan", date(2019, 6, 6)), stored)
    assert SUGGEST_AT <= near < STRONG_MATCH_AT
