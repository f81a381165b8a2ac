"""The Children in Need census XML (the DfE's ``CIN_schema_2024.xsd``), built from plain records.

Element order follows the schema's sequences exactly (an XML validator refuses any other). The
header carries the council's LA number and the software's name from
``resources/returns/cin_census.yaml``; each child carries its identifiers, characteristics and
one ``CINdetails`` per referral of the year, with its s47 enquiry (``Section47``) if any.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

from mash_desk import __version__
from mash_desk.domain.census import (
    CLOSED_NFA,
    CensusChild,
    CensusPeriod,
    CensusReferral,
    CensusS47,
    disability_codes,
    ethnicity_code,
    gender_code,
    need_code,
    source_code,
    upn_unknown_code,
    valid_upn,
)
from mash_desk.domain.yaml_values import (
    ResourceFileError,
    YamlChecker,
    parse_yaml,
    read_resource,
)
from mash_desk.paths import resource

SETTINGS_FILE = ("returns", "cin_census.yaml")


@dataclass(frozen=True)
class CinHeader:
    """The census header: who sends the file, for which year, which file it is."""

    lea: str
    software_code: str
    release: str
    serial_no: int
    made_at: datetime


class CinSettingsError(ResourceFileError):
    """The census settings file cannot be used; ``problems`` names every key at fault."""

    what = "census settings file"


# The shipped settings are two values; a council's own file with comments stays tiny.
SETTINGS_MAX_BYTES = 16 * 1024


def load_header(serial_no: int, made_at: datetime) -> CinHeader:
    """The header from the shipped settings, for the ``serial_no``-th file made at ``made_at``.

    Raises:
        CinSettingsError: the settings file is unreadable or a value is missing or wrong.
    """
    lea, software_code = load_settings(resource(*SETTINGS_FILE))
    return CinHeader(lea, software_code, __version__, serial_no, made_at)


def load_settings(path: Path) -> tuple[str, str]:
    """Read and check the census settings file at ``path``: the LA number and software name.

    Raises:
        CinSettingsError: every problem at once, each with its key and line.
    """
    what = CinSettingsError.what
    raw = read_resource(path, SETTINGS_MAX_BYTES, what, CinSettingsError)
    data = parse_yaml(raw, path, what, CinSettingsError)
    checker = YamlChecker(path, data)
    top = checker.mapping(data, "", ("lea", "software_code")) or {}
    written = top.get("lea")
    lea: str | None = None
    if isinstance(written, int) and not isinstance(written, bool):
        # Unquoted, YAML reads 082 as the octal number 66: the quotes keep the digits.
        checker.add("lea", f'write the number in quotes, e.g. "{written:03d}"')
    elif "lea" in top:
        lea = checker.text(written, "lea")
    # The DfE's three-digit local authority number: the schema's LEA element is a string
    # with the pattern \d{3} (CIN_schema_2024.xsd, header Source).
    if lea is not None and not (len(lea) == 3 and lea.isdigit()):
        checker.add("lea", f"{lea!r} is not the DfE's three-digit local authority number")
    code = checker.text(top["software_code"], "software_code") if "software_code" in top else None
    checker.raise_if_any(CinSettingsError)
    assert lea is not None and code is not None
    return lea, code


def _add(parent: ET.Element, tag: str, value: object | None) -> None:
    if value is None:
        return
    child = ET.SubElement(parent, tag)
    child.text = value.isoformat() if isinstance(value, date) else str(value)


def _yes_no(value: bool) -> str:
    return "true" if value else "false"


def _header(root: ET.Element, header: CinHeader, period: CensusPeriod) -> None:
    head = ET.SubElement(root, "Header")
    details = ET.SubElement(head, "CollectionDetails")
    _add(details, "Collection", "CIN")
    _add(details, "Year", period.year)
    _add(details, "ReferenceDate", period.end)
    source = ET.SubElement(head, "Source")
    _add(source, "SourceLevel", "L")
    _add(source, "LEA", header.lea)
    _add(source, "SoftwareCode", header.software_code)
    _add(source, "Release", header.release)
    _add(source, "SerialNo", f"{header.serial_no:03d}")
    _add(source, "DateTime", header.made_at.replace(microsecond=0).isoformat())


def _identifiers(parent: ET.Element, child: CensusChild) -> None:
    ids = ET.SubElement(parent, "ChildIdentifiers")
    _add(ids, "LAchildID", child.la_child_id)
    _add(ids, "UPN", valid_upn(child.upn))
    _add(ids, "UPNunknown", upn_unknown_code(child))
    # A born child gives the date of birth only, even where an expected date was kept.
    _add(ids, "PersonBirthDate", child.date_of_birth)
    if child.date_of_birth is None:
        _add(ids, "ExpectedPersonBirthDate", child.expected_birth)
    _add(ids, "GenderCurrent", gender_code(child))


def _characteristics(parent: ET.Element, child: CensusChild) -> None:
    chars = ET.SubElement(parent, "ChildCharacteristics")
    _add(chars, "Ethnicity", ethnicity_code(child.ethnicity))
    disabilities = ET.SubElement(chars, "Disabilities")
    for code in disability_codes(child.disabled):
        _add(disabilities, "Disability", code)


def _section47(parent: ET.Element, s47: CensusS47) -> None:
    element = ET.SubElement(parent, "Section47")
    _add(element, "S47ActualStartDate", s47.started_on)
    _add(element, "InitialCPCtarget", s47.icpc_target)
    _add(element, "DateOfInitialCPC", s47.icpc_held_on)
    _add(element, "ICPCnotRequired", _yes_no(s47.not_required_on is not None))


def _details(parent: ET.Element, referral: CensusReferral) -> None:
    details = ET.SubElement(parent, "CINdetails")
    _add(details, "CINreferralDate", referral.referral_date)
    _add(details, "ReferralSource", source_code(referral.source))
    _add(details, "PrimaryNeedCode", need_code(referral.primary_need))
    if referral.nfa:
        _add(details, "CINclosureDate", referral.referral_date)
        _add(details, "ReasonForClosure", CLOSED_NFA)
    if referral.s47 is not None:
        _section47(details, referral.s47)
    # Not yet decided at the reference date: the referral is going on, so not NFA.
    _add(details, "ReferralNFA", _yes_no(bool(referral.nfa)))


def build_cin_xml(
    header: CinHeader, period: CensusPeriod, children: Iterable[CensusChild]
) -> tuple[bytes, int]:
    """The census file (UTF-8 bytes with its declaration) and how many children it holds."""
    root = ET.Element("Message")
    _header(root, header, period)
    listed = ET.SubElement(root, "Children")
    count = 0
    for child in children:
        element = ET.SubElement(listed, "Child")
        _identifiers(element, child)
        _characteristics(element, child)
        for referral in child.referrals:
            _details(element, referral)
        count += 1
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n", count


__all__ = ["CinHeader", "CinSettingsError", "build_cin_xml", "load_header", "load_settings"]
