"""Ofsted's Annex A lists as rules: the shipped headers and options, and the desk's codes mapped.

Pure Python. The headers and value options are data (``resources/returns/annex_a.yaml``, from
Ofsted's Annex A template as liiatools 0.2.0 spells it); this module says which option each
of the desk's own codes becomes, and how the derived columns (age, "in the last 12 months")
are counted. The service (``services/annex_a.py``) reads the rows; this decides their cells.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from mash_desk.domain.enums import Sex
from mash_desk.domain.outcomes import age_in_years
from mash_desk.domain.yaml_values import (
    Problem,
    ResourceFileError,
    YamlChecker,
    kind_of,
    parse_yaml,
    read_resource,
)

LIST_KEYS = ("list_1", "list_2", "list_3", "list_5")
"""The lists the front door can fill: contacts, early help, referrals, s47 and ICPCs."""

# Ofsted's gender options against the desk's recorded sex (domain.enums.Sex, the CIN census
# codes 1 male, 2 female, 0 not known, 9 indeterminate). The census defines 9 as "unable to
# be classified as either male or female", which is Annex A's "Neither".
_GENDER_LETTER = {
    Sex.MALE.value: "a) Male",
    Sex.FEMALE.value: "b) Female",
    Sex.UNKNOWN.value: "c) Not stated/recorded",
    Sex.INDETERMINATE.value: "d) Neither",
}
# The desk stores DfE/CIN ethnicity codes (WBRI …). Nothing recorded is "information not yet
# obtained" (NOBT), as the CIN census codes a blank.
NOT_OBTAINED = "NOBT"
# CIN source 5D (early help) was added to the census after Annex A's source list was drawn up;
# Annex A has no 5D, and an early-help service is an internal LA department other than
# social care, which is Annex A's 5B ("LA services - other internal").
_SOURCE_ALIASES = {"5D": "5B"}
Event = tuple[date, Any]
"""An event counted "in the last 12 months": its local day and a key ordering it."""

UNALLOCATED = "Unallocated"
"""What the allocated team and worker columns say when nobody holds the work (Ofsted asks
for both columns on every row; inspectors look for unallocated children)."""


class AnnexASpecError(ResourceFileError):
    """The Annex A resource file is missing a list, a header or an option."""

    what = "Annex A file"


# The shipped file is about 5 KB; a new Ofsted version adds a few lists and options at most.
ANNEX_A_MAX_BYTES = 256 * 1024
_CODE_COLUMNS = ("gender", "ethnicity", "source", "yes_no")


@dataclass(frozen=True)
class ListSpec:
    """One Annex A list: its sheet name, a title for people, and Ofsted's column headers."""

    key: str
    sheet: str
    title: str
    headers: tuple[str, ...]


@dataclass(frozen=True)
class AnnexASpec:
    """The shipped resource: version, the lists and each coded column's options."""

    version: str
    lists: Mapping[str, ListSpec]
    codes: Mapping[str, tuple[str, ...]]

    def gender(self, sex: str | None) -> str:
        """Return Ofsted's gender option for the desk's recorded sex."""
        return self._known("gender", _GENDER_LETTER.get(sex or "", "c) Not stated/recorded"))

    def ethnicity(self, code: str | None) -> str:
        """Return the ethnicity option whose DfE code is ``code`` (NOBT when none matches)."""
        wanted = (code or "").strip().upper() or NOT_OBTAINED
        found = _by_suffix(self.codes["ethnicity"], lambda option: option.split(") ", 1)[1])
        return found.get(wanted, found[NOT_OBTAINED])

    def source(self, code: str) -> str:
        """Return the contact/referral source option of a CIN source code (unknown: 10)."""
        wanted = _SOURCE_ALIASES.get(code.strip().upper(), code.strip().upper())
        found = _by_suffix(
            self.codes["source"], lambda option: option.split(") ", 1)[1].split(":", 1)[0]
        )
        return found.get(wanted, found["10"])

    def yes_no(self, value: bool | None) -> str:
        """Return ``a) Yes``/``b) No``, or ``c) Unknown`` when nobody has said."""
        options = self.codes["yes_no"]
        return options[2] if value is None else options[0] if value else options[1]

    def _known(self, column: str, option: str) -> str:
        if option not in self.codes[column]:
            problem = Problem(f"codes.{column}", f"{option!r} is not an Annex A {column} option")
            raise AnnexASpecError([problem])
        return option


def _by_suffix(options: Iterable[str], key: Any) -> dict[str, str]:
    return {key(option): option for option in options}


def parse_spec(data: Any, where: str | Path) -> AnnexASpec:
    """Check and return the Annex A resource's content (``where`` names it in errors).

    Raises:
        AnnexASpecError: every missing list, header or option at once, each with its line.
    """
    checker = YamlChecker(where, data)
    top = checker.mapping(data, "", ("version", "lists", "codes"))
    if top is None:
        raise AnnexASpecError(checker.problems, where)
    version = checker.text(top["version"], "version") if "version" in top else None
    # A missing key is reported by mapping() above; only what is written is checked further.
    lists = _lists(checker, top["lists"]) if "lists" in top else {}
    codes = _codes(checker, top["codes"]) if "codes" in top else {}
    checker.raise_if_any(AnnexASpecError)
    assert version is not None
    return AnnexASpec(version, lists, codes)


def _texts(checker: YamlChecker, value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        checker.add(where, f"expected a non-empty list of text, got {kind_of(value)}")
        return ()
    texts = [checker.text(item, f"{where}[{i}]") for i, item in enumerate(value)]
    return tuple(t for t in texts if t is not None)


def _lists(checker: YamlChecker, value: object) -> dict[str, ListSpec]:
    # Lists beyond the front door's (Ofsted has eleven) may be written; these four must be.
    others = tuple(value) if isinstance(value, dict) else ()
    top = checker.mapping(value, "lists", LIST_KEYS, others)
    lists: dict[str, ListSpec] = {}
    for key, spec in (top or {}).items():
        where = f"lists.{key}"
        entry = checker.mapping(spec, where, ("sheet", "title", "headers"))
        if entry is None or any(k not in entry for k in ("sheet", "title", "headers")):
            continue
        sheet = checker.text(entry["sheet"], f"{where}.sheet")
        title = checker.text(entry["title"], f"{where}.title")
        headers = _texts(checker, entry["headers"], f"{where}.headers")
        if sheet and title and headers:
            lists[key] = ListSpec(key, sheet, title, headers)
    return lists


def _codes(checker: YamlChecker, value: object) -> dict[str, tuple[str, ...]]:
    top = checker.mapping(value, "codes", _CODE_COLUMNS)
    codes = {k: _texts(checker, v, f"codes.{k}") for k, v in (top or {}).items()}
    # AnnexASpec's lookups fall back to these options (Ofsted's "not obtained" ethnicity, the
    # "10: Unknown" source, yes/no/unknown in that order): refused here, not mid-export.
    _must_offer(checker, codes, "ethnicity", NOT_OBTAINED, lambda o: o.split(") ", 1)[-1])
    _must_offer(checker, codes, "source", "10", lambda o: o.split(") ", 1)[-1].split(":", 1)[0])
    if len(codes.get("yes_no", (0, 0, 0))) != 3:
        checker.add("codes.yes_no", "expected three options: yes, no and unknown, in that order")
    return codes


def _must_offer(
    checker: YamlChecker, codes: Mapping[str, tuple[str, ...]], column: str, code: str, key: Any
) -> None:
    if codes.get(column) and code not in {key(option) for option in codes[column]}:
        checker.add(f"codes.{column}", f'no option for code {code} (written as "x) {code}")')


@cache
def load_spec(path: Path) -> AnnexASpec:
    """Read the Annex A resource file at ``path`` (once per process)."""
    raw = read_resource(path, ANNEX_A_MAX_BYTES, AnnexASpecError.what, AnnexASpecError)
    return parse_spec(parse_yaml(raw, path, AnnexASpecError.what, AnnexASpecError), path)


def age_on(date_of_birth: date | None, on: date) -> int | None:
    """Whole years on ``on`` (Annex A's "Age of Child (Years)"); None for an unborn child.

    Counted at the event the row is about (the contact, the referral, the s47 start), so a
    row does not change age with the day the list is drawn.
    """
    if date_of_birth is None:
        return None
    return max(age_in_years(date_of_birth, on), 0)


def twelve_months_before(day: date) -> date:
    """The same calendar day a year earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def count_earlier_within_year(when: Event, events: Iterable[Event]) -> int:
    """How many ``events`` come before ``when`` and within the 12 months before its day.

    An event is ``(day, order)``: ``order`` (a timestamp and id) sorts events of one day. The
    row's own event is not counted: Ofsted's sample workbook, shipped with liiatools, has
    children with 0 referrals in the last 12 months on their own referral row.
    """
    since = twelve_months_before(when[0])
    return sum(1 for e in events if since <= e[0] and e[1] < when[1])
