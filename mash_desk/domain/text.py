"""Rules for text a user types: names, short fields and long narratives.

Text arrives from paste buffers, police systems and e-mail; control characters and
enormous pastes are refused here with a message rather than failing later in a database
driver, a PDF renderer or a screen reader.
"""

from __future__ import annotations

import unicodedata

from mash_desk.domain.errors import FieldError

SHORT_TEXT_MAX = 200
# A concerns narrative is a summary; long police notifications are attached, not pasted.
# 100,000 characters is ~15,000 words, far beyond any real narrative, and keeps a memo
# printable in seconds.
NARRATIVE_MAX = 100_000

_ALLOWED_IN_NARRATIVE = {"\n", "\r", "\t"}


def _has_control(value: str, allowed: set[str]) -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value)


def clean_short(
    value: str | None, field: str, label: str, *, required: bool = False
) -> tuple[str | None, FieldError | None]:
    """Strip and check a one-line field; ``None``/blank means not given."""
    text = (value or "").strip()
    if not text:
        if required:
            return None, FieldError(field, "required", f"{label} is required")
        return None, None
    if _has_control(text, set()):
        return None, FieldError(
            field, "control_characters", f"{label} contains control characters (e.g. from a paste)"
        )
    if len(text) > SHORT_TEXT_MAX:
        return None, FieldError(
            field, "too_long", f"{label} is {len(text):,} characters; the limit is {SHORT_TEXT_MAX}"
        )
    return unicodedata.normalize("NFC", text), None


def clean_narrative(
    value: str | None, field: str, label: str, *, required: bool = False
) -> tuple[str | None, FieldError | None]:
    """Check a multi-line narrative: line breaks and tabs allowed, other controls refused."""
    text = (value or "").strip()
    if not text:
        if required:
            return None, FieldError(field, "required", f"{label} is required")
        return None, None
    if _has_control(text, _ALLOWED_IN_NARRATIVE):
        return None, FieldError(
            field,
            "control_characters",
            f"{label} contains control characters other than line breaks and tabs",
        )
    if len(text) > NARRATIVE_MAX:
        return None, FieldError(
            field,
            "too_long",
            f"{label} is {len(text):,} characters; the limit is {NARRATIVE_MAX:,} — "
            "summarise and attach the full document instead",
        )
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n")), None
