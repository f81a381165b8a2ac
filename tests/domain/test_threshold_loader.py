"""Loading and checking threshold documents: the shipped file, and every kind of broken one."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from mash_desk.domain.enums import RISK_INDICATORS
from mash_desk.domain.thresholds import (
    ConsentRule,
    ThresholdDocumentError,
    load_document,
    parse_document,
)
from tests.support.thresholds import SHIPPED, SHIPPED_FILES, dump, tiny


def problems_of(text: str) -> list[str]:
    with pytest.raises(ThresholdDocumentError) as caught:
        parse_document(text, "council.yaml")
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.name)
def test_every_shipped_file_loads_and_passes_the_check(path):
    document = load_document(path)
    assert document.level_numbers == (1, 2, 3, 4)
    assert path.name == f"{document.id}-{document.version}.yaml"


def test_shipped_document_is_usable_for_real():
    """At least 25 indicators per level, in all three domains, 100+ in all (issue 3)."""
    document = load_document(SHIPPED)
    per_level = Counter(i.level for i in document.indicators)
    assert len(document.indicators) >= 100
    assert all(per_level[n] >= 25 for n in (1, 2, 3, 4)), per_level
    for level in (1, 2, 3, 4):
        domains = {i.domain.id for i in document.indicators if i.level == level}
        assert domains == {"developmental-needs", "parenting-capacity", "family-environment"}
    rules = [level.consent.rule for level in document.levels]
    assert rules == [
        ConsentRule.NOT_NEEDED,
        ConsentRule.REQUIRED,
        ConsentRule.SOUGHT,
        ConsentRule.MAY_PROCEED_WITHOUT,
    ]
    assert all(level.agencies and level.routes and level.description for level in document.levels)


# Each situation the issue names, and what in the document shows it is covered: a pathway
# raised by some indicator, or a risk flag carried by some indicator.
SITUATIONS = {
    "unborn baby and domestic abuse": ("pathway", "pre-birth-planning", "flag", "domestic_abuse"),
    "disabled children / complex health": ("pathway", "cwds"),
    "missing from home or care": ("pathway", "return-home-interview"),
    "missing from education": ("text", "missing education"),
    "sexual exploitation": ("flag", "sexual_exploitation"),
    "criminal exploitation": ("flag", "criminal_exploitation"),
    "trafficking": ("pathway", "trafficking-nrm"),
    "private fostering": ("pathway", "private-fostering"),
    "allegations against adults who work with children": ("pathway", "lado"),
    "parental mental health": ("flag", "parental_mental_health"),
    "parental substance misuse": ("flag", "parental_substance_misuse"),
    "parental learning disability": ("flag", "parental_disability"),
    "neglect": ("flag", "neglect"),
    "poor school attendance": ("text", "absence"),
    "young carers": ("pathway", "young-carers-assessment"),
    "UASC": ("pathway", "uasc-team"),
    "homeless 16-17": ("pathway", "joint-housing-assessment"),
    "FGM": ("pathway", "fgm-duty"),
    "self-harm": ("flag", "self_harm"),
    "babies (non-mobile bruising)": ("text", "non-mobile"),
    "high-risk domestic abuse": ("pathway", "marac-idva"),
}


@pytest.mark.parametrize("situation", SITUATIONS)
def test_shipped_document_covers_the_situations_the_seeds_name(situation):
    document = load_document(SHIPPED)
    checks = SITUATIONS[situation]
    for kind, value in zip(checks[::2], checks[1::2], strict=True):
        if kind == "pathway":
            hits = [i for i in document.indicators if value in {p.id for p in i.pathways}]
        elif kind == "flag":
            hits = [i for i in document.indicators if value in i.risk_flags]
        else:
            hits = [i for i in document.indicators if value in i.text.casefold()]
        assert hits, f"no indicator covers {situation} ({kind} {value})"


def test_parental_problems_and_neglect_appear_at_levels_two_to_four():
    document = load_document(SHIPPED)
    for flag in ("parental_mental_health", "parental_substance_misuse", "neglect"):
        levels = {i.level for i in document.indicators if flag in i.risk_flags}
        assert {2, 3, 4} <= levels, (flag, levels)


def test_tiny_document_fields_are_read():
    document = parse_document(dump(tiny()))
    assert document.effective_from == date(2020, 1, 1)
    assert document.indicator("t4-unborn").pathways[0].weeks_gestation == 34
    assert document.indicator("t4-unborn").domain.name == "Family"
    assert [r.when for r in document.level(2).routes] == ["5-or-over", "under-5"]
    assert document.search("pregnant") == (document.indicator("t4-unborn"),)
    assert len(document.sha256) == 64


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        target: Any = d
        for step in path[:-1]:
            target = target[step]
        if value is _DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return change


_DELETE = object()

BROKEN: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "unknown level": (
        _set(("indicators", 1, "level"), 7),
        "indicators[1] 't2-absence': unknown level 7 (levels defined: 1, 2, 3, 4)",
    ),
    "duplicate id": (
        _set(("indicators", 2, "id"), "t2-absence"),
        "indicators[2] 't2-absence': duplicate id 't2-absence' (first at line",
    ),
    "indicator in no domain": (
        _set(("indicators", 0, "domain"), _DELETE),
        "indicators[0] 't1-well': indicator in no domain",
    ),
    "unknown domain": (
        _set(("indicators", 0, "domain"), "school"),
        "indicators[0] 't1-well': unknown domain 'school'",
    ),
    "dimension of another domain": (
        _set(("indicators", 0, "dimension"), "housing"),
        "unknown dimension 'housing' in domain 'developmental-needs'",
    ),
    "missing consent rule": (
        _set(("levels", 1, "consent"), _DELETE),
        "levels[1]: missing consent rule",
    ),
    "unknown consent rule": (
        _set(("levels", 1, "consent", "rule"), "optional"),
        "unknown consent rule 'optional'",
    ),
    "bad date": (
        _set(("effective_from",), "2020-02-30"),
        "effective_from: bad date '2020-02-30'",
    ),
    "unknown route": (
        _set(("levels", 2, "routes", 0, "route"), "assesment"),
        "levels[2] (level 3), routes[0]: unknown route 'assesment'",
    ),
    "unknown route condition": (
        _set(("levels", 0, "routes", 1, "when"), "toddler"),
        "unknown condition 'toddler'",
    ),
    "unknown pathway": (
        _set(("indicators", 3, "pathways"), ["lado", "marac"]),
        "indicators[3] 't3-lado': unknown pathway 'marac'",
    ),
    "unknown risk flag": (
        _set(("indicators", 4, "risk_flags"), ["unborn"]),
        "unknown risk flag 'unborn'",
    ),
    "unknown key (typo)": (
        _set(("indicators", 3, "pathway"), ["lado"]),
        "indicators[3] 't3-lado': unknown key 'pathway'",
    ),
    "unknown outcome": (
        _set(("routes", 0, "outcome"), "signpost"),
        "routes[0] 'advice': unknown outcome 'signpost'",
    ),
    "missing text": (
        _set(("indicators", 0, "text"), _DELETE),
        "indicators[0] 't1-well': missing 'text'",
    ),
    "bad id": (
        _set(("indicators", 0, "id"), "T1 Well"),
        "'id' 'T1 Well' must be lowercase letters",
    ),
    "level never reached": (
        lambda d: [_set(("indicators", n, "level"), 4)(d) for n in (2, 3)],
        "level 3: no indicator has this level",
    ),
    "gap in levels": (
        _set(("levels", 2, "level"), 5),
        "levels must be numbered 1, 2, 3… without gaps (found 1, 2, 4, 5)",
    ),
    "unsupported schema": (_set(("schema",), 2), "reads schema 1, not 2"),
    "unquoted decimal version": (_set(("version",), 2016.1), "version 2016.1 must be short text"),
    "pre-birth weeks out of range": (
        _set(("pathways", 1, "weeks_gestation"), 50),
        "'weeks_gestation' must be a whole number of weeks 1–42",
    ),
    "no indicators": (_set(("indicators",), []), "'indicators' must list at least one entry"),
    # YAML escapes could give text no database stores (issue 14 item 7): PyYAML itself
    # refuses a lone surrogate's escape, the loader refuses NUL and other controls.
    "lone surrogate in the title": (
        _set(("title",), "Council \ud800thresholds"),
        "invalid Unicode character escape code",
    ),
    "NUL in a level's title": (
        _set(("levels", 0, "title"), "Universal\x00"),
        "'title' contains a character that cannot be stored",
    ),
}


@pytest.mark.parametrize("defect", BROKEN)
def test_each_kind_of_broken_file_is_reported_with_where_it_is(defect):
    change, expected = BROKEN[defect]
    document = tiny()
    change(document)
    found = problems_of(dump(document))
    assert any(expected in p for p in found), found
    assert all(p.startswith("line ") for p in found if "level 3:" not in p), found


def test_duplicate_id_in_shipped_copy_names_both_lines():
    text = SHIPPED.read_text(encoding="utf-8")
    lines = text.splitlines()
    first = next(n for n, line in enumerate(lines) if line.strip() == "- id: l2-bullying")
    second = next(n for n, line in enumerate(lines) if line.strip() == "- id: l2-young-carer")
    assert first < second
    lines[second] = lines[second].replace("l2-young-carer", "l2-bullying")
    found = problems_of("\n".join(lines))
    assert found == [
        f"line {second + 1}, indicators[{_index(text, 'l2-young-carer')}] 'l2-bullying': "
        f"duplicate id 'l2-bullying' (first at line {first + 1})"
    ]


def _index(text: str, indicator_id: str) -> int:
    ids = [line[8:] for line in text.splitlines() if re.match(r"  - id: l[1-4]-", line)]
    return ids.index(indicator_id)


def test_every_problem_is_reported_at_once():
    document = tiny()
    document["indicators"][2]["level"] = 9
    document["indicators"][1]["domain"] = "nowhere"
    document["effective_from"] = "yesterday"
    assert len(problems_of(dump(document))) == 3


def test_two_different_mistakes_are_both_reported_with_their_lines():
    document = tiny()
    document["effective_from"] = "yesterday"
    document["domains"][1]["colour"] = "red"
    text = dump(document)
    rows = text.splitlines()
    effective = rows.index("effective_from: yesterday") + 1
    domain = rows.index("- id: parenting-capacity") + 1
    colour = rows.index("  colour: red") + 1
    problems = problems_of(text)
    assert (
        f"line {effective}, effective_from: bad date 'yesterday': write the date the "
        "document takes effect as YYYY-MM-DD" in problems
    )
    # An unknown key is on its own line; the entry is named by index and id.
    unknown = [p for p in problems if "unknown key 'colour'" in p]
    assert unknown == [
        f"line {colour}, domains[1] 'parenting-capacity': unknown key 'colour' "
        "(expected one of: id, name, dimensions)"
    ]
    assert len(problems) == 2 and colour > domain


@pytest.mark.parametrize(
    "text, expected",
    [
        ("levels: [1, 2\n", "YAML syntax error"),
        ("- just\n- a list\n", "document: must be a mapping"),
        ("id: a\nid: b\n", "key 'id' is written twice"),
        (b"\xff\xfe\x00", "not"),
    ],
)
def test_unreadable_files_say_why(text, expected):
    with pytest.raises(ThresholdDocumentError) as caught:
        parse_document(text)
    assert expected in str(caught.value)


def test_missing_file_is_a_problem_not_a_crash(tmp_path):
    with pytest.raises(ThresholdDocumentError) as caught:
        load_document(tmp_path / "nope.yaml")
    assert "does not exist" in str(caught.value)


def test_risk_flags_vocabulary_is_the_contact_form_one():
    """Indicators point at the same risk codes the contact form records (domain brief §7)."""
    flags = {f for i in load_document(SHIPPED).indicators for f in i.risk_flags}
    assert flags <= set(RISK_INDICATORS)
    assert len(flags) >= 15
