"""Rules for text a user types: names, short fields and long narratives.

Text arrives from paste buffers, police systems and e-mail; control characters and
enormous pastes are refused here with a message rather than failing later in a database
driver, a PDF renderer or a screen reader.
"""

from __future__ import annotations

import re
import unicodedata

from mash_desk.domain.errors import FieldError

SHORT_TEXT_MAX = 200
# A concerns narrative is a summary; long police notifications are attached, not pasted.
# 100,000 characters is ~15,000 words, far beyond any real narrative, and keeps a memo
# printable in seconds.
NARRATIVE_MAX = 100_000

# Unicode category Cc is exactly U+0000–U+001F and U+007F–U+009F; a regex scans a long
# narrative in C rather than character by character in Python.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_NARRATIVE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_short(
    value: str | None, field: str, label: str, *, required: bool = False
) -> tuple[str | None, FieldError | None]:
    """Strip and check a one-line field; ``None``/blank means not given."""
    text = (value or "").strip()
    if not text:
        if required:
            return None, FieldError(field, "required", f"{label} is required")
        return None, None
    if _CONTROL.search(text):
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
    if _CONTROL_IN_NARRATIVE.search(text):
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
