"""Identifiers a child record carries, validated with python-stdnum where it knows them.

NHS number: 10 digits, modulus-11 check digit (check value 10 is invalid).
UPN (unique pupil number): 13 characters, modulus-23 check letter.
Local child id: up to 20 letters and digits (domain brief §7).
"""

from __future__ import annotations

import re

from stdnum import exceptions as stdnum_errors
from stdnum.gb import nhs, upn

from mash_desk.domain.errors import FieldError

# Royal Mail's format rules, simplified to the outward/inward shape plus GIR 0AA; the
# post office's own list of live postcodes is not shipped, so a well-formed code passes.
_POSTCODE = re.compile(
    r"^(GIR ?0AA|[A-PR-UWYZ](\d[A-HJKPSTUW]?|\d\d|[A-HK-Y]\d[ABEHMNPRV-Y]?|[A-HK-Y]\d\d?)"
    r" ?\d[ABD-HJLNP-UW-Z]{2})$"
)
_LOCAL_ID = re.compile(r"^[A-Za-z0-9]{1,20}$")


def _stdnum_problem(field: str, label: str, exc: stdnum_errors.ValidationError) -> FieldError:
    if isinstance(exc, stdnum_errors.InvalidChecksum):
        return FieldError(
            field, "checksum", f"{label}: the check digit is wrong — check for a typo"
        )
    if isinstance(exc, stdnum_errors.InvalidLength):
        return FieldError(field, "length", f"{label}: wrong number of characters")
    return FieldError(field, "format", f"{label}: not in the expected format")


def normalise_nhs_number(
    value: str, field: str = "nhs_number"
) -> tuple[str | None, FieldError | None]:
    """Return the NHS number as 10 digits, or the problem with it (modulus-11 rule)."""
    try:
        return nhs.validate(value), None
    except stdnum_errors.ValidationError as exc:
        return None, _stdnum_problem(field, f"NHS number {value.strip()!r}", exc)


def format_nhs_number(value: str) -> str:
    """Return an NHS number the way NHS staff read it aloud: 3-3-4."""
    return nhs.format(value)


def normalise_upn(value: str, field: str = "upn") -> tuple[str | None, FieldError | None]:
    """Return the UPN upper-cased and compact, or the problem with it (modulus-23 rule)."""
    try:
        return upn.validate(value), None
    except stdnum_errors.ValidationError as exc:
        return None, _stdnum_problem(field, f"UPN {value.strip()!r}", exc)


def normalise_postcode(value: str, field: str = "postcode") -> tuple[str | None, FieldError | None]:
    """Return a UK postcode upper-cased with one space before the inward code."""
    compact = re.sub(r"\s+", "", value).upper()
    if not _POSTCODE.match(compact):
        return None, FieldError(
            field, "format", f"Postcode {value.strip()!r} is not a UK postcode (e.g. HA1 2XY)"
        )
    return f"{compact[:-3]} {compact[-3:]}", None


def normalise_local_id(value: str, field: str = "local_id") -> tuple[str | None, FieldError | None]:
    """Return the council's own child id if it is 1–20 letters and digits."""
    stripped = value.strip()
    if not _LOCAL_ID.match(stripped):
        return None, FieldError(
            field, "format", "Local child id must be 1 to 20 letters and digits, with no spaces"
        )
    return stripped, None
