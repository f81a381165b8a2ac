"""Duplicate detection for people: who might this new child already be?

Front-door records are typed at speed from phone calls, so the same child turns up as
"Mohammed"/"Muhammad", with day and month swapped, or with a double-barrelled surname
shortened. An NHS number match is conclusive; otherwise a phonetic name key (Metaphone)
narrows the candidates through an index and a Jaro-Winkler score plus the date of birth
says how strong the match is and why.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import jellyfish

# Scores at or above this are shown as "possible duplicate"; below it the candidate is noise.
SUGGEST_AT = 0.6
# At or above this a new record is almost surely a second copy of a stored child: the same
# first and family name (0.3 + 0.3) and the same date of birth (0.3) score 0.9, as does an
# NHS number. Saving a new child over such a match needs an explicit "new child" and a
# reason (issue 12: a 90 % match was saved as a second person without a question), because a
# duplicate record splits the child's history and hides earlier concerns from the checks.
STRONG_MATCH_AT = 0.9


@dataclass(frozen=True)
class FieldMatch:
    """How one field matched: ``how`` is plain words, ``strength`` 0..1."""

    field: str
    how: str
    strength: float


@dataclass(frozen=True)
class PersonFacts:
    """What matching looks at for one person (new or stored)."""

    given_name: str
    family_name: str
    date_of_birth: date | None = None
    expected_delivery: date | None = None
    nhs_number: str | None = None
    postcode: str | None = None


_NOT_LETTERS = re.compile(r"[^A-Za-z]+")
# Typed straight, curly (a word processor's), as a modifier letter or a backtick: O'Brien,
# O’Brien and OBrien key alike. An apostrophe joins a name, where a space or a hyphen
# separates one: as a separator, "O'Brien" keyed as "O", with every O'Connor and
# O'Neill, and never met "OBrien" typed without it.
APOSTROPHES = "'’‘ʼ`"
_NO_APOSTROPHES = str.maketrans("", "", APOSTROPHES)


# A search or a duplicate check keys and folds the same few names many times over (the typed
# name against every candidate, both ways round): kept, they cost a look-up after the first.
@functools.lru_cache(maxsize=4096)
def _ascii_fold(name: str) -> str:
    letters = name.translate(_NO_APOSTROPHES)
    if not letters.isascii():
        # Most names are plain ASCII already: decomposing them letter by letter was a quarter
        # of finding a child on a one-year history (benchmarks/, ``find_child``).
        decomposed = unicodedata.normalize("NFKD", letters)
        letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        # Ł/ł and ß have no decomposition; fold the common ones by hand so Polish and German
        # names key the same whether or not the typist had the right keyboard.
        letters = letters.replace("ł", "l").replace("Ł", "L").replace("ß", "ss")
    return _NOT_LETTERS.sub(" ", letters).strip().lower()


@functools.lru_cache(maxsize=4096)
def name_key(name: str) -> str:
    """Return the phonetic key stored (and indexed) for a name: Metaphone of its first word.

    Using the first word makes "Smith-Jones" meet "Smith"; an apostrophe joins ("O'Brien" keys
    as "OBrien" does); an empty name keys as "".
    """
    folded = _ascii_fold(name)
    if not folded:
        return ""
    return jellyfish.metaphone(folded.split()[0])[:12]


def _name_similarity(a: str, b: str) -> float:
    return jellyfish.jaro_winkler_similarity(_ascii_fold(a), _ascii_fold(b))


def _date_match(new: date, old: date) -> FieldMatch | None:
    if new == old:
        return FieldMatch("date_of_birth", "same date of birth", 1.0)
    if (new.day, new.month) == (old.month, old.day) and new.year == old.year:
        return FieldMatch("date_of_birth", "day and month swapped", 0.8)
    if (new.month, new.day) == (old.month, old.day) and abs(new.year - old.year) == 1:
        return FieldMatch("date_of_birth", "same day and month, year differs by one", 0.6)
    gap = abs((new - old).days)
    if gap <= 7:
        return FieldMatch("date_of_birth", f"date of birth {gap} day(s) apart", 0.5)
    return None


def score(new: PersonFacts, old: PersonFacts) -> tuple[float, tuple[FieldMatch, ...]]:
    """Return how likely ``old`` is the same person as ``new`` (0..1) and the reasons."""
    if new.nhs_number and old.nhs_number and new.nhs_number == old.nhs_number:
        return 1.0, (FieldMatch("nhs_number", "same NHS number", 1.0),)
    reasons: list[FieldMatch] = []
    family = _name_similarity(new.family_name, old.family_name)
    given = _name_similarity(new.given_name, old.given_name)
    if family >= 0.999:
        reasons.append(FieldMatch("family_name", "same family name", 1.0))
    elif name_key(new.family_name) and name_key(new.family_name) == name_key(old.family_name):
        reasons.append(FieldMatch("family_name", "family name sounds the same", max(family, 0.85)))
    elif family >= 0.85:
        reasons.append(FieldMatch("family_name", "family name spelt similarly", family))
    if given >= 0.999:
        reasons.append(FieldMatch("given_name", "same first name", 1.0))
    elif name_key(new.given_name) and name_key(new.given_name) == name_key(old.given_name):
        reasons.append(FieldMatch("given_name", "first name sounds the same", max(given, 0.85)))
    elif given >= 0.85:
        reasons.append(FieldMatch("given_name", "first name spelt similarly", given))
    date_reason: FieldMatch | None = None
    if new.date_of_birth and old.date_of_birth:
        date_reason = _date_match(new.date_of_birth, old.date_of_birth)
    elif new.expected_delivery and old.expected_delivery:
        gap = abs((new.expected_delivery - old.expected_delivery).days)
        if gap <= 28:
            date_reason = FieldMatch(
                "expected_delivery", f"expected delivery {gap} day(s) apart", 1.0 - gap / 56
            )
    if date_reason:
        reasons.append(date_reason)
    if new.postcode and old.postcode and new.postcode == old.postcode:
        reasons.append(FieldMatch("postcode", "same postcode", 1.0))
    weights = {
        "family_name": 0.3,
        "given_name": 0.3,
        "date_of_birth": 0.3,
        "expected_delivery": 0.3,
        "postcode": 0.1,
    }
    if new.date_of_birth is None and new.expected_delivery is not None:
        # An unborn child has no first name yet ("Unborn"), so the family name and the
        # expected delivery carry the match between them.
        weights.update(family_name=0.45, expected_delivery=0.45, given_name=0.0)
    total = sum(weights[r.field] * r.strength for r in reasons)
    return round(min(total, 0.99), 3), tuple(reasons)
