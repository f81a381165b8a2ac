"""Rules for text a user types: names, short fields, long narratives and codes.

Text arrives from paste buffers, police systems and e-mail; control characters, characters
that cannot be stored and enormous pastes are refused here with a message naming the field,
rather than failing later in a database driver, a PDF renderer or a screen reader.

What is refused, and why:

* Lone surrogates (U+D800–U+DFFF). A Python string can hold one (a damaged paste, a file
  name decoded with ``surrogateescape``, half of an emoji cut in two), but UTF-8 cannot
  encode it: SQLite and psycopg both raise ``UnicodeEncodeError`` on it. They are the only
  code points UTF-8 cannot encode, so refusing them covers "anything UTF-8 cannot encode".
* C0 and C1 controls (Unicode category Cc, U+0000–U+001F and U+007F–U+009F), NUL among
  them: PostgreSQL cannot store NUL in text at all, and the others are invisible on screen
  and break PDF text and screen readers. Narratives keep line breaks and tabs; a Windows
  line break (CR LF) is stored as LF.

What is deliberately allowed:

* Unicode noncharacters (U+FDD0–U+FDEF, U+xFFFE, U+xFFFF) are valid UTF-8, PostgreSQL and
  SQLite store them, and nothing MASH Desk writes (PDF via ReportLab, Qt) is XML 1.0 that
  would reject them; refusing them would buy no safety.
* Bidirectional controls (U+202A–U+202E, U+2066–U+2069) are part of genuine mixed Arabic,
  Hebrew or Urdu and English text pasted from Word or e-mail, which a MASH in a diverse
  borough receives daily; they are storable and refusing them would refuse real referrals.
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

# Python's ``re`` matches surrogate code points like any other; one compiled class per kind
# of field scans a long narrative in C rather than character by character in Python.
_UNSTORABLE = re.compile("[\ud800-\udfff]")
# Unicode category Cc is exactly U+0000–U+001F and U+007F–U+009F.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_NARRATIVE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

UNSTORABLE_RULE = "unstorable_character"
CONTROL_RULE = "control_characters"


def _unstorable(text: str, field: str, label: str) -> FieldError | None:
    if _UNSTORABLE.search(text):
        return FieldError(
            field,
            UNSTORABLE_RULE,
            f"{label} contains a character that cannot be stored "
            "(often from a damaged paste): remove it",
        )
    return None


def unstorable_problem(
    value: str | None, field: str, label: str, *, narrative: bool = False
) -> FieldError | None:
    """Return why ``value`` cannot be stored as typed (bad characters only), else ``None``.

    For strings that are not free text but still reach the database: a code chosen from a
    list, a search box, a username at sign-in. Blank and ``None`` pass; length and
    required-ness are the caller's rules.
    """
    if not value:
        return None
    problem = _unstorable(value, field, label)
    if problem is not None:
        return problem
    controls = _CONTROL_IN_NARRATIVE if narrative else _CONTROL
    if controls.search(value):
        allowed = " other than line breaks and tabs" if narrative else ""
        return FieldError(
            field,
            CONTROL_RULE,
            f"{label} contains hidden control characters{allowed} (e.g. from a paste): remove them",
        )
    return None


def clean_short(
    value: str | None,
    field: str,
    label: str,
    *,
    required: bool = False,
    max_length: int = SHORT_TEXT_MAX,
) -> tuple[str | None, FieldError | None]:
    """Strip and check a one-line field; ``None``/blank means not given.

    ``max_length`` is the width of the column the value is stored in, when narrower than
    :data:`SHORT_TEXT_MAX`: PostgreSQL refuses a longer value outright. The length is
    counted after NFC normalisation because that is what is stored (NFC can lengthen text).
    """
    text = (value or "").strip()
    if not text:
        if required:
            return None, FieldError(field, "required", f"{label} is required")
        return None, None
    problem = unstorable_problem(text, field, label)
    if problem is not None:
        return None, problem
    text = unicodedata.normalize("NFC", text)
    if len(text) > max_length:
        return None, FieldError(
            field, "too_long", f"{label} is {len(text):,} characters; the limit is {max_length}"
        )
    return text, None


def clean_narrative(
    value: str | None, field: str, label: str, *, required: bool = False
) -> tuple[str | None, FieldError | None]:
    """Check a multi-line narrative: line breaks and tabs allowed, other controls refused."""
    text = (value or "").strip()
    if not text:
        if required:
            return None, FieldError(field, "required", f"{label} is required")
        return None, None
    problem = unstorable_problem(text, field, label, narrative=True)
    if problem is not None:
        return None, problem
    if len(text) > NARRATIVE_MAX:
        return None, FieldError(
            field,
            "too_long",
            f"{label} is {len(text):,} characters; the limit is {NARRATIVE_MAX:,} — "
            "summarise and attach the full document instead",
        )
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    if len(text) > NARRATIVE_MAX:
        return None, FieldError(
            field, "too_long", f"{label} is over the limit of {NARRATIVE_MAX:,} characters"
        )
    return text, None


# What no database driver accepts in a parameter: lone surrogates (UTF-8 cannot encode
# them) and NUL (PostgreSQL text cannot hold it). Other controls are storable, just refused
# in what users type, so a search for them simply finds nothing.
_UNSENDABLE = re.compile("[\ud800-\udfff\x00]")


def unsendable(value: str | None) -> bool:
    """Whether ``value`` cannot even be sent to the database as a search or filter value.

    Nothing stored can hold such a character, so a search or filter holding one matches
    nothing: callers answer "nothing found" instead of letting the driver raise.
    """
    if not value:
        return False
    return _UNSENDABLE.search(value) is not None
