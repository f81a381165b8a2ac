"""Invented names, addresses and identifiers for synthetic people.

Faker is slow per call, so names are drawn once into pools (per locale, seeded) and then
picked with the generator's own ``random.Random``. Names stay in Latin script with the
diacritics Faker gives (Łukasz, Ștefan, Stankevičienė). NHS numbers come only from the
999 range NHS England reserves for test data, so none can belong to a real person.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

from faker import Faker
from stdnum.gb import upn

from mash_desk.domain.matching import name_key
from mash_desk.synthetic.catalogue import AREAS, SAINTS, SCHOOL_KINDS, SURGERY_KINDS


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Locale mix that looks like a diverse outer-London borough: about half British names, a
# large South Asian community, and the Romanian, Polish, Turkish, Lithuanian and Somali /
# Arabic-speaking communities of north-west London.
GROUPS: tuple[tuple[str, float], ...] = (
    ("en_GB", 45),
    ("en_IN", 20),
    ("ro_RO", 9),
    ("pl_PL", 8),
    ("so_ar", 8),
    ("tr_TR", 6),
    ("lt_LT", 4),
)

# A small invented list, in Latin script, of Somali- and Arabic-origin names common in London.
_SO_AR_MALE = _words(
    "Mohamed Ahmed Abdirahman Abdullahi Hassan Hussein Yusuf Ibrahim Omar Khalid Bilal "
    "Hamza Idris Mustafa Zakaria Ayub Faisal Karim Samir Tariq Abdiqani Mahad"
)
_SO_AR_FEMALE = _words(
    "Amina Fadumo Hodan Khadija Ayan Hawa Safiya Maryam Zahra Layla Fatima Nasra Sagal "
    "Ikram Huda Rania Yasmin Salma Najma Deqa Hibaaq"
)
_SO_AR_FAMILY = _words(
    "Abdi Farah Warsame Osman Jama Aden Hersi Nur Egal Dualeh Haji Mohamud Elmi Ismail "
    "Ali Hassan Al-Amin Haddad Mansour Nasser Saleh Rahman Aziz Abdalla"
)

# Faker's en_GB first names are those of today's parents and grandparents; children born
# this century mostly carry names like these (common names, as in published name statistics).
MODERN_BOYS = _words(
    "Oliver George Harry Noah Jack Leo Arthur Oscar Charlie Jacob Thomas Henry Freddie "
    "Alfie Theo William Archie Joshua Alexander James Isaac Edward Lucas Tommy Finley Max "
    "Logan Ethan Mason Harrison Joseph Teddy Reggie Dylan Riley Jaxon Kai Elijah Tyler "
    "Jayden Kayden Callum Kyle Liam Aiden Rhys Ryan Connor Zane"
)
MODERN_GIRLS = _words(
    "Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Willow Freya "
    "Florence Emily Ella Poppy Evie Elsie Charlotte Evelyn Sienna Sofia Daisy Phoebe "
    "Sophie Alice Harper Matilda Ruby Emilia Maya Isabelle Millie Chloe Jessica Layla "
    "Amber Maisie Erin Tia Kayla Leah Megan Courtney Jade Aaliyah"
)

# CIN census ethnicity codes and first languages by name group (weights).
ETHNICITY: dict[str, tuple[tuple[str, float], ...]] = {
    "en_GB": (
        ("WBRI", 55),
        ("WIRI", 3),
        ("WOTH", 5),
        ("MWBC", 8),
        ("MWBA", 3),
        ("MWAS", 4),
        ("MOTH", 4),
        ("BCRB", 8),
        ("BAFR", 7),
        ("BOTH", 2),
        ("REFU", 1),
    ),
    "en_IN": (("AIND", 55), ("APKN", 15), ("AOTH", 20), ("ABAN", 5), ("MOTH", 5)),
    "ro_RO": (("WOTH", 85), ("WROM", 15)),
    "pl_PL": (("WOTH", 100),),
    "so_ar": (("BAFR", 60), ("OOTH", 30), ("AOTH", 10)),
    "tr_TR": (("OOTH", 50), ("WOTH", 40), ("MOTH", 10)),
    "lt_LT": (("WOTH", 100),),
}
LANGUAGES: dict[str, tuple[tuple[str, float], ...]] = {
    "en_GB": (("English", 100),),
    "en_IN": (
        ("English", 45),
        ("Gujarati", 20),
        ("Tamil", 15),
        ("Urdu", 8),
        ("Punjabi", 7),
        ("Hindi", 5),
    ),
    "ro_RO": (("Romanian", 85), ("Romani", 5), ("English", 10)),
    "pl_PL": (("Polish", 85), ("English", 15)),
    "so_ar": (("Somali", 50), ("Arabic", 35), ("English", 15)),
    "tr_TR": (("Turkish", 75), ("Kurdish", 15), ("English", 10)),
    "lt_LT": (("Lithuanian", 80), ("Russian", 5), ("English", 15)),
}

# Royal Mail inward codes never use C, I, K, M, O or V in the unit letters.
_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_POOL_DRAWS = 800


@cache
def _cumulative(weights: tuple[tuple[str, float], ...]) -> tuple[list[str], list[float], float]:
    cumulative = list(accumulate(w for _, w in weights))
    return [k for k, _ in weights], cumulative, cumulative[-1]


def choose(rng: random.Random, weights: Sequence[tuple[str, float]]) -> str:
    """Return one key of ``(key, weight)`` pairs, chosen with ``rng`` (like ``rng.choices``)."""
    keys, cumulative, total = _cumulative(tuple(weights))
    return keys[bisect(cumulative, rng.random() * total)]


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def _lithuanian_is_female(name: str) -> bool:
    # Lithuanian Faker data has one first-name list; female names end in -a or -ė.
    return name.endswith(("a", "ė"))


def feminine_surname(surname: str, group: str, *, married: bool) -> str:
    """Return the form of a family name a woman or girl of ``group`` carries.

    Polish -ski/-cki/-dzki names take -ska/-cka/-dzka; Lithuanian names change their ending
    (-ienė for a married woman, -aitė/-ytė/-iūtė/-ūtė for a daughter). Others do not change.
    """
    if group == "pl_PL":
        for male, female in (("dzki", "dzka"), ("ski", "ska"), ("cki", "cka")):
            if surname.endswith(male):
                return surname[: -len(male)] + female
        return surname
    if group == "lt_LT":
        for ending, wife, daughter in (
            ("ius", "ienė", "iūtė"),
            ("as", "ienė", "aitė"),
            ("is", "ienė", "ytė"),
            ("ys", "ienė", "ytė"),
            ("us", "ienė", "ūtė"),
        ):
            if surname.endswith(ending):
                return surname[: -len(ending)] + (wife if married else daughter)
    return surname


@dataclass(frozen=True)
class NamePool:
    """First names by sex and family names (male form) of one name group."""

    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]


@cache
def name_pools(seed: int) -> dict[str, NamePool]:
    """Return the seeded name pools of every group (cached: Faker is slow to set up)."""
    pools: dict[str, NamePool] = {}
    for group, _ in GROUPS:
        if group == "so_ar":
            pools[group] = NamePool(_SO_AR_MALE, _SO_AR_FEMALE, _SO_AR_FAMILY)
            continue
        fake = Faker(group)
        fake.seed_instance(seed)
        if group == "lt_LT":
            firsts = _unique([fake.first_name() for _ in range(_POOL_DRAWS * 2)])
            male = tuple(n for n in firsts if not _lithuanian_is_female(n))
            female = tuple(n for n in firsts if _lithuanian_is_female(n))
        else:
            male = _unique([fake.first_name_male() for _ in range(_POOL_DRAWS)])
            female = _unique([fake.first_name_female() for _ in range(_POOL_DRAWS)])
        if group in ("pl_PL", "lt_LT"):
            family = _unique([fake.last_name_male() for _ in range(_POOL_DRAWS)])
        else:
            family = _unique([fake.last_name() for _ in range(_POOL_DRAWS)])
        pools[group] = NamePool(male, female, family)
    return pools


@cache
def street_pool(seed: int) -> tuple[str, ...]:
    """Return invented street names (Faker en_GB)."""
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    return _unique([fake.street_name() for _ in range(1500)])


@cache
def key_of(name: str) -> str:
    """Return the phonetic key stored for a name (cached: pools repeat names)."""
    return name_key(name)


class Places:
    """Invented addresses with Harrow-like postcodes, schools and GP surgeries."""

    def __init__(self, rng: random.Random, seed: int):
        self._rng = rng
        self._streets = street_pool(seed)
        self._areas = [(a, o) for a, o, _ in AREAS]
        self._area_weights = [w for _, _, w in AREAS]
        family_names = name_pools(seed)["en_GB"].family
        # Invented schools and surgeries named after Faker surnames; a fixed-size list so the
        # same school turns up again for the same family over the years.
        pick = random.Random(seed * 7919 + 1)
        self.schools = tuple(
            pick.choice(SCHOOL_KINDS).format(name=pick.choice(family_names), saint=s)
            for s in (pick.choice(SAINTS) for _ in range(45))
        )
        self.surgeries = tuple(
            pick.choice(SURGERY_KINDS).format(name=pick.choice(family_names)) for _ in range(25)
        )

    def address(self) -> tuple[str, str]:
        """Return an invented address line and a well-formed HA postcode for it."""
        rng = self._rng
        area, outward = rng.choices(self._areas, self._area_weights)[0]
        street = rng.choice(self._streets)
        if rng.random() < 0.3:
            line = f"Flat {rng.randint(1, 40)}, {rng.randint(1, 180)} {street}, {area}"
        else:
            line = f"{rng.randint(1, 250)} {street}, {area}"
        inward = f"{rng.randint(1, 9)}{rng.choice(_UNIT_LETTERS)}{rng.choice(_UNIT_LETTERS)}"
        return line, f"{outward} {inward}"


def nhs_check_digit(body: str) -> int | None:
    """Return the modulus-11 check digit of a 9-digit NHS number body (None if invalid)."""
    total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


class NhsNumbers:
    """Unique NHS numbers from the test-data range 999 000 0000 – 999 999 9999."""

    def __init__(self, rng: random.Random, taken: set[str]):
        self._rng = rng
        self._used: set[int] = {int(n[3:9]) for n in taken if n.startswith("999")}
        self._taken = taken

    def next(self) -> str | None:
        """Return an unused valid number, or None once the range is nearly exhausted."""
        for _ in range(200):
            body = self._rng.randrange(1_000_000)
            if body in self._used:
                continue
            self._used.add(body)
            digits = f"999{body:06d}"
            check = nhs_check_digit(digits)
            if check is None:
                continue
            number = digits + str(check)
            if number in self._taken:
                continue
            return number
        return None


# Harrow's local-authority number in the UPN scheme (the first three digits after the
# check letter); the school and serial parts are random, so no real pupil's UPN is made.
_UPN_LA = "310"


def make_upn(rng: random.Random, year_allocated: int) -> str:
    """Return an invented, well-formed unique pupil number (modulus-23 check letter)."""
    body = (
        f"{_UPN_LA}{rng.randint(2000, 7999):04d}{year_allocated % 100:02d}{rng.randrange(1000):03d}"
    )
    number = upn.calc_check_digit(body) + body
    return number
