"""Rules for what the contact form captures beyond the child: referrer details, attachments.

The referrer is told the outcome (referrer feedback, domain brief §5), so a phone number or
e-mail address that cannot reach them is refused at the field rather than found out days
later. Attachments are the referral form or e-mail the referrer sent; they are kept as
evidence and only ever opened read-only by the user's own viewer, never run by the desk.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import PurePath

from mash_desk.domain.errors import FieldError
from mash_desk.domain.text import unstorable_problem

# UK numbers: 10 or 11 digits starting 0 (01/02 geographic, 03, 07 mobile, 08), or the same
# after +44 / 0044 without the leading 0. Spaces, dashes, dots and brackets are typing noise.
_PHONE_NOISE = re.compile(r"[\s\-().]")
_UK_PHONE = re.compile(r"^0[1-9]\d{8,9}$")
# Deliberately plain: one @, a dot in the domain, no spaces. Full RFC 5322 accepts addresses
# no council mail system sends to, and a stricter check refuses real ones.
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
EMAIL_MAX = 254  # RFC 5321's limit on a whole address


def normalise_phone(value: str, field: str) -> tuple[str | None, FieldError | None]:
    """Return a UK phone number as digits (0 first), or the rule it breaks."""
    compact = _PHONE_NOISE.sub("", value)
    if compact.startswith("+44"):
        compact = "0" + compact[3:]
    elif compact.startswith("0044"):
        compact = "0" + compact[4:]
    if compact.startswith("00"):
        compact = compact[1:]  # "+44 (0)20 …" leaves a doubled 0
    if not _UK_PHONE.match(compact):
        return None, FieldError(
            field,
            "phone_format",
            f"Phone number {value.strip()!r} is not a UK number (10 or 11 digits, e.g. "
            "020 7946 0000 or 07700 900123)",
        )
    return compact, None


def normalise_email(value: str, field: str) -> tuple[str | None, FieldError | None]:
    """Return an e-mail address trimmed (domain lower-cased), or the rule it breaks."""
    text = value.strip()
    if len(text) > EMAIL_MAX or not _EMAIL.match(text):
        return None, FieldError(
            field,
            "email_format",
            f"E-mail address {text!r} is not valid (e.g. jo.teacher@school.example.org)",
        )
    local, domain = text.rsplit("@", 1)
    return f"{local}@{domain.lower()}", None


# A scanned multi-page referral form is 1–5 MB and council mail systems refuse messages over
# 10 MB, so nothing a referrer could have sent is larger; the cap keeps one upload from
# bloating every backup of the case database.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
FILENAME_MAX = 200


@dataclass(frozen=True)
class AttachmentKind:
    """One accepted kind of file: its media type and how its first bytes begin."""

    media_type: str
    label: str
    magic: tuple[bytes, ...]


ATTACHMENT_KINDS: dict[str, AttachmentKind] = {
    ".pdf": AttachmentKind("application/pdf", "PDF", (b"%PDF-",)),
    # A .docx is a zip package; its content is checked no further (it is never opened here).
    ".docx": AttachmentKind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word document",
        (b"PK\x03\x04",),
    ),
    ".eml": AttachmentKind("message/rfc822", "E-mail", ()),
    ".png": AttachmentKind("image/png", "PNG image", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": AttachmentKind("image/jpeg", "JPEG image", (b"\xff\xd8\xff",)),
    ".jpeg": AttachmentKind("image/jpeg", "JPEG image", (b"\xff\xd8\xff",)),
}
_EML_HEADER = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:")


@dataclass(frozen=True)
class CheckedAttachment:
    """An attachment that passed every rule, with its clean name, type and SHA-256."""

    filename: str
    media_type: str
    size: int
    sha256: str


def check_attachment(
    filename: str, data: bytes, field: str
) -> tuple[CheckedAttachment | None, FieldError | None]:
    """Check one attachment's name, size and content; return it described, or the rule broken.

    The content must look like what its extension says, so a program renamed ``form.pdf``
    is refused: the desk never runs a file, but the user's viewer would be handed it.
    """
    name = PurePath(filename.replace("\\", "/")).name.strip()
    # A file name read from a disk in another encoding arrives with lone surrogates
    # (Python's surrogateescape), which no database can store.
    unstorable = unstorable_problem(name, field, "The attachment's file name")
    if unstorable:
        return None, unstorable
    if not name or len(name) > FILENAME_MAX or any(ord(ch) < 32 for ch in name):
        return None, FieldError(field, "filename", "The attachment needs a plain file name")
    kind = ATTACHMENT_KINDS.get(PurePath(name).suffix.lower())
    if kind is None:
        return None, FieldError(
            field,
            "file_type",
            f"{name}: only PDF, Word (.docx), e-mail (.eml), PNG and JPEG files can be attached",
        )
    if not data:
        return None, FieldError(field, "empty", f"{name} is empty")
    if len(data) > MAX_ATTACHMENT_BYTES:
        return None, FieldError(
            field,
            "too_large",
            f"{name} is {len(data) / 1048576:.1f} MB; attachments can be at most "
            f"{MAX_ATTACHMENT_BYTES // 1048576} MB",
        )
    if kind.magic:
        looks_right = any(data.startswith(m) for m in kind.magic)
    else:  # an e-mail is text that starts with a header line
        looks_right = b"\x00" not in data[:4096] and bool(_EML_HEADER.match(data.lstrip()))
    if not looks_right:
        return None, FieldError(
            field, "content", f"{name} is not a real {kind.label} file (its content differs)"
        )
    return CheckedAttachment(
        name, kind.media_type, len(data), hashlib.sha256(data).hexdigest()
    ), None
