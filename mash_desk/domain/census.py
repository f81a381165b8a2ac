"""The Children in Need census as the MASH sees it: the period, what it reads, the codes.

The census (DfE, "Children in need census 2023 to 2024: guide", and its XML schema
``CIN_schema_2024.xsd``) counts every child referred to children's social care in the
collection year, 1 April to 31 March. The MASH's part is the referral: the child's
identifiers and characteristics, the referral's date, source, primary need and whether it
led to no further action, and any s47 enquiry with its initial conference (domain brief §8).

The records here are plain data read from the desk (``services.returns``); the functions map
the desk's stored values to the census's codes. Nothing here touches the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from mash_desk.domain.enums import PRIMARY_NEEDS, REFERRAL_SOURCES, Sex


@dataclass(frozen=True)
class CensusPeriod:
    """The collection year ending 31 March ``year`` (census guide: 1 April to 31 March)."""

    year: int

    @property
    def start(self) -> date:
        """The first day of the collection year (1 April of the year before)."""
        return date(self.year - 1, 4, 1)

    @property
    def end(self) -> date:
        """The last day, also the census's ReferenceDate (31 March)."""
        return date(self.year, 3, 31)

    def __contains__(self, day: object) -> bool:
        """Whether ``day`` falls within the collection year."""
        return isinstance(day, date) and self.start <= day <= self.end

    def describe(self) -> str:
        """The period in words, for messages and the export record."""
        return f"{self.start:%d %b %Y} to {self.end:%d %b %Y}"


@dataclass(frozen=True)
class CensusS47:
    """An s47 enquiry of a referral, as its strategy discussion recorded it."""

    discussion_id: int
    discussed_on: date
    """The local date of the strategy discussion the enquiry followed."""
    started_on: date
    icpc_target: date | None
    """The stored initial conference target (a local date)."""
    icpc_expected_target: date | None
    """The target the working-time rules give from the discussion (15 working days)."""
    icpc_held_on: date | None
    not_required_on: date | None
    """When the enquiry concluded with no conference needed (None: not recorded)."""


@dataclass(frozen=True)
class CensusReferral:
    """One referral of a child in the collection year."""

    referral_id: int
    referral_date: date
    source: str | None
    primary_need: str | None
    nfa: bool | None
    """ReferralNFA: None while the referral is not yet decided."""
    s47: CensusS47 | None


@dataclass(frozen=True)
class CensusChild:
    """A child referred in the collection year, with that year's referrals (oldest first)."""

    person_id: int
    la_child_id: str
    upn: str | None
    date_of_birth: date | None
    expected_birth: date | None
    sex: str | None
    ethnicity: str | None
    disabled: bool
    referrals: tuple[CensusReferral, ...]

    @property
    def unborn(self) -> bool:
        """An unborn child: an expected date of birth and no date of birth."""
        return self.date_of_birth is None and self.expected_birth is not None


# Schema ``ethnicitytype`` (CIN_schema_2024.xsd): the DfE's ethnicity codes.
_ETHNICITY_LIST = (
    "WBRI WIRI WIRT WOTH WROM MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH BCRB BAFR BOTH CHNE "
    "OOTH REFU NOBT"
)
ETHNICITY_CODES = frozenset(_ETHNICITY_LIST.split())
# Schema ``gendertype``: 1 male, 2 female, 0 not recorded or unborn, 9 indeterminate.
_GENDER = {Sex.MALE: "1", Sex.FEMALE: "2", Sex.INDETERMINATE: "9", Sex.UNKNOWN: "0"}
# Schema ``upntype``: a letter and 12 digits, or a letter, 11 digits and a letter.
UPN_PATTERN = re.compile(r"[A-Za-z]\d{12}|[A-Za-z]\d{11}[A-Za-z]")
# Census guide, UPNunknown: UN1 "child is not of school age" (under 5, unborn), UN7
# "referral with no further action" (only when every referral of the child was NFA: rule 8772).
UPN_NOT_SCHOOL_AGE = "UN1"
UPN_REFERRAL_NFA = "UN7"
SCHOOL_AGE = 5
# Census guide, ReasonForClosure: RC8 "case closed after assessment, no further action"; a
# referral with no further action closes on its referral date.
CLOSED_NFA = "RC8"


def gender_code(child: CensusChild) -> str:
    """GenderCurrent: the stored sex's code; "0" for an unborn child (rule 8750)."""
    if child.unborn:
        return "0"
    try:
        return _GENDER[Sex(child.sex or Sex.UNKNOWN)]
    except ValueError:
        return "0"


def ethnicity_code(stored: str | None) -> str | None:
    """Ethnicity: the stored code; NOBT (not yet obtained) when none is; None if invalid."""
    if stored is None or not stored.strip():
        return "NOBT"
    code = stored.strip().upper()
    return code if code in ETHNICITY_CODES else None


def disability_codes(disabled: bool) -> tuple[str, ...]:
    """Disabilities: NONE, or DDA ("other") for a disabled child.

    The desk records whether a child is disabled, not how: DDA is the census's code for a
    disability of a kind not listed, the only one the desk can honestly give.
    """
    return ("DDA",) if disabled else ("NONE",)


def source_code(stored: str | None) -> str | None:
    """ReferralSource: the desk stores the census's own codes (domain brief §8); None if not."""
    return stored if stored in REFERRAL_SOURCES else None


def need_code(stored: str | None) -> str | None:
    """PrimaryNeedCode: the desk stores N0–N9 (domain brief §8); None if not one of them."""
    return stored if stored in PRIMARY_NEEDS else None


def valid_upn(stored: str | None) -> str | None:
    """UPN as the schema takes it (upper case), or None when there is none or it is malformed."""
    if stored is None:
        return None
    text = stored.strip().upper()
    return text if UPN_PATTERN.fullmatch(text) else None


def age_on(born: date, day: date) -> int:
    """Whole years from ``born`` to ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def upn_unknown_code(child: CensusChild) -> str | None:
    """UPNunknown for a child without a valid UPN, or None when no code fits.

    UN7 when every referral of the year was no further action; UN1 for an unborn child or
    one under school age at their first referral of the year.
    """
    if valid_upn(child.upn) is not None:
        return None
    if child.referrals and all(r.nfa for r in child.referrals):
        return UPN_REFERRAL_NFA
    first = child.referrals[0].referral_date if child.referrals else None
    if child.unborn or (
        child.date_of_birth is not None
        and first is not None
        and age_on(child.date_of_birth, first) < SCHOOL_AGE
    ):
        return UPN_NOT_SCHOOL_AGE
    return None
