"""The CIN census's validation rules that concern what the front door records.

Each rule names the census element it guards (``field``), the desk's own field a person
would correct (``desk_field``), a plain message and its source: the DfE's CIN census
validation rules (their numbers; a "Q" rule is a query the council may explain, not an error
the collection refuses) or the local rule behind a desk check ("MD-…"). The numbers and
wording follow the DfE's 2023 to 2024 validation rules as published with the census guide.

:func:`failures` runs every rule over one child's year: ``mash-desk returns check`` lists
them, the export refuses while an error stands, and a form can ask :func:`referral_failures`
about a value as it is typed. Pure: no database, no clock but the dates given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from stdnum.gb import upn as upn_number

from mash_desk.domain.census import (
    CensusChild,
    CensusPeriod,
    CensusReferral,
    CensusS47,
    ethnicity_code,
    need_code,
    source_code,
    upn_unknown_code,
    valid_upn,
)
from mash_desk.domain.census import age_on as _age_on

# Rule 8606: a referral may come before birth, but not more than 40 weeks before it.
PREGNANCY = timedelta(weeks=40)
_WEEKEND = (5, 6)


class Severity(StrEnum):
    """How the collection treats a failure: an error is refused, a query needs a reason."""

    ERROR = "error"
    QUERY = "query"


@dataclass(frozen=True)
class Subject:
    """What one rule looks at: a child, and one of its referrals and s47 enquiries if any."""

    child: CensusChild
    period: CensusPeriod
    referral: CensusReferral | None = None
    s47: CensusS47 | None = None


class Level(StrEnum):
    """Which part of a child's year a rule is about."""

    CHILD = "child"
    REFERRAL = "referral"
    S47 = "s47"


@dataclass(frozen=True)
class CensusRule:
    """One census rule: where it applies and what it says when broken."""

    id: str
    level: Level
    field: str
    """The census element (``PrimaryNeedCode``)."""
    desk_field: str
    """The desk's field a person corrects (``primary_need``)."""
    message: str
    source: str
    severity: Severity
    broken: Callable[[Subject], bool]


@dataclass(frozen=True)
class CensusFailure:
    """A rule one child's record breaks (ids only: a failure never names the child)."""

    rule: CensusRule
    person_id: int
    la_child_id: str
    referral_id: int | None = None


def _dfe(number: str) -> str:
    return f"DfE CIN census 2023-24 validation rule {number}"


def _child(s: Subject) -> CensusChild:
    return s.child


def _ref(s: Subject) -> CensusReferral:
    assert s.referral is not None
    return s.referral


def _s47(s: Subject) -> CensusS47:
    assert s.s47 is not None
    return s.s47


def _no_birth_date(s: Subject) -> bool:
    return s.child.date_of_birth is None and s.child.expected_birth is None


def _born_after_period(s: Subject) -> bool:
    return s.child.date_of_birth is not None and s.child.date_of_birth > s.period.end


def _bad_ethnicity(s: Subject) -> bool:
    return ethnicity_code(s.child.ethnicity) is None


def _bad_upn(s: Subject) -> bool:
    stored = s.child.upn
    if stored is None or not stored.strip():
        return False
    return valid_upn(stored) is None or not upn_number.is_valid(stored.strip().upper())


def _school_age_without_upn(s: Subject) -> bool:
    c = s.child
    if valid_upn(c.upn) is not None or upn_unknown_code(c) is not None:
        return False
    first = c.referrals[0].referral_date if c.referrals else s.period.end
    return c.date_of_birth is not None and _age_on(c.date_of_birth, first) > 5


def _outside_period(s: Subject) -> bool:
    return _ref(s).referral_date not in s.period


def _bad_source(s: Subject) -> bool:
    return source_code(_ref(s).source) is None


def _bad_need(s: Subject) -> bool:
    stored = _ref(s).primary_need
    return stored is not None and need_code(stored) is None


def _need_missing(s: Subject) -> bool:
    r = _ref(s)
    return r.nfa is not True and r.primary_need in (None, "", "N0")


def _long_before_birth(s: Subject) -> bool:
    born = s.child.date_of_birth or s.child.expected_birth
    return born is not None and _ref(s).referral_date < born - PREGNANCY


def _s47_before_referral(s: Subject) -> bool:
    return _s47(s).started_on < _ref(s).referral_date


def _target_not_fifteen_days(s: Subject) -> bool:
    e = _s47(s)
    return e.icpc_target != e.icpc_expected_target


def _target_on_weekend(s: Subject) -> bool:
    target = _s47(s).icpc_target
    return target is not None and target.weekday() in _WEEKEND


def _icpc_before_s47(s: Subject) -> bool:
    e = _s47(s)
    return e.icpc_held_on is not None and e.icpc_held_on < e.started_on


def _icpc_before_referral(s: Subject) -> bool:
    held = _s47(s).icpc_held_on
    return held is not None and held < _ref(s).referral_date


def _icpc_on_weekend(s: Subject) -> bool:
    held = _s47(s).icpc_held_on
    return held is not None and held.weekday() in _WEEKEND


def _held_and_not_required(s: Subject) -> bool:
    e = _s47(s)
    return e.icpc_held_on is not None and e.not_required_on is not None


def _rule(
    id: str,
    level: Level,
    field: str,
    desk_field: str,
    message: str,
    source: str,
    broken: Callable[[Subject], bool],
    severity: Severity = Severity.ERROR,
) -> CensusRule:
    return CensusRule(id, level, field, desk_field, message, source, severity, broken)


RULES: tuple[CensusRule, ...] = (
    _rule(
        "8525Q",
        Level.CHILD,
        "PersonBirthDate",
        "date_of_birth",
        "Either a date of birth or, for an unborn child, an expected date of birth is needed",
        _dfe("8525Q"),
        _no_birth_date,
        Severity.QUERY,
    ),
    _rule(
        "8520",
        Level.CHILD,
        "PersonBirthDate",
        "date_of_birth",
        "The date of birth is after the end of the collection year",
        _dfe("8520"),
        _born_after_period,
    ),
    _rule(
        "4220",
        Level.CHILD,
        "Ethnicity",
        "ethnicity",
        "The ethnicity is not one of the census's codes",
        _dfe("4220"),
        _bad_ethnicity,
    ),
    _rule(
        "1510",
        Level.CHILD,
        "UPN",
        "upn",
        "The UPN is not a valid unique pupil number (format or check letter)",
        _dfe("1510") + " (and 1540, 1550)",
        _bad_upn,
    ),
    _rule(
        "8770Q",
        Level.CHILD,
        "UPN",
        "upn",
        "A child of school age needs a UPN or the reason it is unknown",
        _dfe("8770Q"),
        _school_age_without_upn,
        Severity.QUERY,
    ),
    _rule(
        "8600",
        Level.REFERRAL,
        "CINreferralDate",
        "referral_at",
        "The referral date is outside the collection year",
        _dfe("8600") + " (and the census period, 1 April to 31 March)",
        _outside_period,
    ),
    _rule(
        "8866",
        Level.REFERRAL,
        "ReferralSource",
        "source",
        "The referral source is missing or not one of the census's codes",
        _dfe("8866"),
        _bad_source,
    ),
    _rule(
        "8650",
        Level.REFERRAL,
        "PrimaryNeedCode",
        "primary_need",
        "The primary need is not one of the codes N0 to N9",
        _dfe("8650"),
        _bad_need,
    ),
    _rule(
        "8610",
        Level.REFERRAL,
        "PrimaryNeedCode",
        "primary_need",
        "A primary need is required unless the referral led to no further action",
        _dfe("8610") + "; census guide: N0 'not stated' only for no further action",
        _need_missing,
    ),
    _rule(
        "8606",
        Level.REFERRAL,
        "CINreferralDate",
        "date_of_birth",
        "The referral is more than 40 weeks before the (expected) date of birth",
        _dfe("8606"),
        _long_before_birth,
    ),
    _rule(
        "2889",
        Level.S47,
        "S47ActualStartDate",
        "s47_started_on",
        "The s47 enquiry starts before the referral date",
        _dfe("2889"),
        _s47_before_referral,
    ),
    _rule(
        "MD-ICPC-TARGET",
        Level.S47,
        "InitialCPCtarget",
        "icpc_due_at",
        "The initial conference target is not 15 working days after the strategy discussion",
        "Working Together to Safeguard Children 2023 (initial conference within 15 working "
        "days of the strategy discussion); resources/policy/default.yaml deadlines.icpc",
        _target_not_fifteen_days,
    ),
    _rule(
        "8870Q",
        Level.S47,
        "InitialCPCtarget",
        "icpc_due_at",
        "The initial conference target falls on a weekend",
        _dfe("8870Q"),
        _target_on_weekend,
        Severity.QUERY,
    ),
    _rule(
        "8615",
        Level.S47,
        "DateOfInitialCPC",
        "icpc_held_on",
        "The initial conference is before the s47 enquiry started",
        _dfe("8615"),
        _icpc_before_s47,
    ),
    _rule(
        "1104",
        Level.S47,
        "DateOfInitialCPC",
        "icpc_held_on",
        "The initial conference is before the referral date",
        _dfe("1104"),
        _icpc_before_referral,
    ),
    _rule(
        "8875",
        Level.S47,
        "DateOfInitialCPC",
        "icpc_held_on",
        "The initial conference is recorded on a weekend",
        _dfe("8875"),
        _icpc_on_weekend,
    ),
    _rule(
        "MD-ICPC-NOT-REQUIRED",
        Level.S47,
        "ICPCnotRequired",
        "icpc_not_required_on",
        "A conference is recorded as held and as not needed",
        "CIN census guide, Section47: ICPCnotRequired is true only when no conference is held",
        _held_and_not_required,
    ),
)
RULES_BY_ID = {rule.id: rule for rule in RULES}


def _broken(rules: tuple[CensusRule, ...], level: Level, subject: Subject) -> list[CensusRule]:
    return [rule for rule in rules if rule.level is level and rule.broken(subject)]


def failures(child: CensusChild, period: CensusPeriod) -> tuple[CensusFailure, ...]:
    """Every rule ``child``'s year breaks: the child's, then each referral's and s47's."""
    found: list[CensusFailure] = []
    subject = Subject(child, period)
    for rule in _broken(RULES, Level.CHILD, subject):
        found.append(CensusFailure(rule, child.person_id, child.la_child_id))
    for referral in child.referrals:
        for rule in referral_failures(child, referral, period):
            found.append(
                CensusFailure(rule, child.person_id, child.la_child_id, referral.referral_id)
            )
    return tuple(found)


def referral_failures(
    child: CensusChild, referral: CensusReferral, period: CensusPeriod
) -> tuple[CensusRule, ...]:
    """The rules one referral (and its s47 enquiry) breaks: what a form flags as it is typed."""
    subject = Subject(child, period, referral)
    broken = _broken(RULES, Level.REFERRAL, subject)
    if referral.s47 is not None:
        broken += _broken(RULES, Level.S47, Subject(child, period, referral, referral.s47))
    return tuple(broken)


# The rules a form can apply to a referral's own typed fields, before the rest is known.
TYPED_REFERRAL_RULES = ("8866", "8650", "8610")


def typed_referral_failures(
    source: str | None, primary_need: str | None, nfa: bool | None = None
) -> tuple[CensusRule, ...]:
    """The census rules a referral's source and primary need would break, as they are typed.

    ``nfa`` is None while the referral is not decided (the outcome form): a primary need of
    N0 then fails rule 8610 unless the decision turns out to be no further action.
    """
    referral = CensusReferral(0, date.min, source, primary_need, nfa, None)
    child = CensusChild(0, "", None, None, None, None, None, False, (referral,))
    subject = Subject(child, CensusPeriod(date.min.year + 1), referral)
    return tuple(rule for rule in RULES if rule.id in TYPED_REFERRAL_RULES and rule.broken(subject))


def period_of(day: date) -> CensusPeriod:
    """The collection year ``day`` falls in (it ends 31 March of the year after a 1 April)."""
    return CensusPeriod(day.year + 1 if day.month >= 4 else day.year)


__all__ = [
    "RULES",
    "RULES_BY_ID",
    "CensusFailure",
    "CensusRule",
    "Level",
    "Severity",
    "Subject",
    "failures",
    "period_of",
    "referral_failures",
    "typed_referral_failures",
]
