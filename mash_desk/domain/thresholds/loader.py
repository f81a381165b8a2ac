"""Read a threshold document from YAML and check every rule of its schema.

A council administrator edits these files by hand, so the check reports *every* problem at
once, each with the line and the place in the document (``line 212, indicators[57]
'l3-missing-from-home': unknown level 5``), rather than failing on the first. The schema is
described for councils in ``resources/thresholds/README.md``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from mash_desk.domain.enums import RISK_INDICATORS, ContactOutcome
from mash_desk.domain.text import unstorable_problem
from mash_desk.domain.thresholds.model import (
    Consent,
    ConsentRule,
    Dimension,
    Domain,
    Indicator,
    Level,
    LevelRoute,
    Pathway,
    Route,
    RouteCondition,
    ThresholdDocument,
)
from mash_desk.domain.yaml_values import (
    LocatedMap,
    Problem,
    ResourceFileError,
    YamlChecker,
    parse_yaml,
    read_resource,
    too_large,
)

SCHEMA_VERSION = 1
# Ids and versions are keys stored with every screening and shown in the library
# ("model-threshold version 2016"): plain characters, at most the columns' sizes
# (storage.models.thresholds: document_id String(80), version String(20)).
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")
# Indicator wording is read aloud on the phone and shown in one table row.
_TEXT_MAX = 300
# The shipped model document (148 indicators, every level, route and pathway written out in
# full) is 56 KB. 1 MiB is over 18 times that: room for a council's own wording and several
# hundred more indicators, while a file pasted by mistake or built to be hostile is refused
# before the YAML parser spends memory and minutes on it.
DOCUMENT_MAX_BYTES = 1 << 20

_TOP_KEYS = {
    "schema": True,
    "id": True,
    "title": True,
    "partnership": True,
    "version": True,
    "effective_from": True,
    "source": True,
    "levels": True,
    "domains": True,
    "routes": True,
    "pathways": True,
    "indicators": True,
}
_LEVEL_KEYS = {
    "level": True,
    "name": True,
    "title": True,
    "description": True,
    "consent": True,
    "agencies": False,
    "routes": True,
}
_CONSENT_KEYS = {"rule": True, "text": True}
_LEVEL_ROUTE_KEYS = {"route": True, "when": False}
_DOMAIN_KEYS = {"id": True, "name": True, "dimensions": True}
_DIMENSION_KEYS = {"id": True, "name": True}
_ROUTE_KEYS = {"id": True, "name": True, "description": True, "outcome": False}
_PATHWAY_KEYS = {
    "id": True,
    "name": True,
    "description": True,
    "timescale": False,
    "weeks_gestation": False,
}
_INDICATOR_KEYS = {
    "id": True,
    "level": True,
    "domain": True,
    "dimension": True,
    "text": True,
    "pathways": False,
    "risk_flags": False,
    "terms": False,
}


class ThresholdDocumentError(ResourceFileError):
    """A threshold document could not be used; ``problems`` lists every problem found."""

    what = "threshold document"


def _line(value: object, key: str | None = None) -> int | None:
    """The line of a mapping, or of one of its keys when ``key`` is given and present."""
    if not isinstance(value, LocatedMap):
        return None
    return value.key_lines.get(key, value.line) if key is not None else value.line


class _Checker(YamlChecker):
    """Walks the parsed YAML, collecting problems and building the model when it can.

    Its places name entries by index and id (``indicators[57] 'l3-missing'``) and it gives
    each problem's line itself: an indicator's problem is on the indicator's line.
    """

    def problem(self, where: str, message: str, line: int | None) -> None:
        self.add(where, message, line)

    def entry(
        self,
        value: object,
        where: str,
        keys: Mapping[str, bool],
        line: int | None,
        missing: Mapping[str, str] | None = None,
    ) -> Any:
        """Return ``value`` as a located mapping, reporting missing, unknown and repeated keys.

        ``missing`` gives a fuller message for a required key whose absence needs explaining.
        """
        if not isinstance(value, dict):
            self.problem(where, f"must be a mapping of keys ({', '.join(keys)})", line)
            return None
        line = _line(value) or line
        for key in getattr(value, "repeated", ()):
            self.problem(where, f"key '{key}' is written twice; keep one", line)
        for key in value:
            if key not in keys:
                self.problem(
                    where,
                    f"unknown key '{key}' (expected one of: {', '.join(keys)})",
                    _line(value, key),
                )
        for key, required in keys.items():
            if required and key not in value:
                self.problem(where, (missing or {}).get(key, f"missing '{key}'"), line)
        return value

    def field_text(self, m: Mapping[str, Any], key: str, where: str, *, required: bool = True):
        value = m.get(key)
        if value is None:
            return None  # a missing required key is reported by mapping()
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.problem(where, f"'{key}' must be text", _line(m, key))
            return None
        value = str(value).strip()
        if required and not value:
            self.problem(where, f"'{key}' must not be blank", _line(m, key))
            return None
        if len(value) > _TEXT_MAX and key in {"text", "name", "title"}:
            self.problem(where, f"'{key}' is longer than {_TEXT_MAX} characters", _line(m, key))
        # YAML's "\0" escape gives text PostgreSQL cannot store (PyYAML itself refuses a
        # lone surrogate's escape): say so here, not with a driver's error at install.
        if unstorable_problem(value, key, f"'{key}'", narrative=True):
            self.problem(
                where,
                f"'{key}' contains a character that cannot be stored (a lone surrogate or a "
                "control character, often from an escape): remove it",
                _line(m, key),
            )
            return None
        return value

    def slug(self, m: Mapping[str, Any], key: str, where: str) -> str | None:
        value = m.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not _SLUG.match(value):
            self.problem(
                where,
                f"'{key}' {value!r} must be lowercase letters, digits and hyphens "
                "(at most 80), starting with a letter or digit",
                _line(m, key),
            )
            return None
        return value

    def items(self, m: Mapping[str, Any], key: str, where: str, *, required: bool = True):
        value = m.get(key)
        if value is None:
            if required and key in m:
                self.problem(where, f"'{key}' must list at least one entry", _line(m, key))
            return []
        if not isinstance(value, list):
            self.problem(where, f"'{key}' must be a list", _line(m, key))
            return []
        if required and not value:
            self.problem(where, f"'{key}' must list at least one entry", _line(m, key))
        return value

    def strings(self, m: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        out: list[str] = []
        for value in self.items(m, key, where, required=False):
            blank = not str(value).strip()
            if isinstance(value, bool) or not isinstance(value, str | int) or blank:
                self.problem(where, f"'{key}' entries must be non-blank text", _line(m, key))
            else:
                out.append(str(value).strip())
        return tuple(out)


def _name(m: Mapping[str, Any], kind: str, index: int) -> str:
    ident = m.get("id") if isinstance(m, dict) else None
    return f"{kind}[{index}] '{ident}'" if isinstance(ident, str) else f"{kind}[{index}]"


def _effective_date(c: _Checker, doc: Mapping[str, Any]) -> date | None:
    value = doc.get("effective_from")
    if value is None:
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    c.problem(
        "effective_from",
        f"bad date {value!r}: write the date the document takes effect as YYYY-MM-DD",
        _line(doc, "effective_from"),
    )
    return None


def _catalogue(
    c: _Checker,
    doc: Mapping[str, Any],
    key: str,
    keys: Mapping[str, bool],
    missing: Mapping[str, str] | None = None,
):
    """Yield (where, mapping, id) of each well-formed entry of a top-level list, ids unique."""
    seen: dict[str, int | None] = {}
    for index, entry in enumerate(c.items(doc, key, key)):
        where = _name(entry, key, index)
        m = c.entry(entry, where, keys, _line(doc), missing)
        if m is None:
            continue
        ident = c.slug(m, "id", where)
        if ident is None:
            continue
        if ident in seen:
            first = seen[ident]
            c.problem(
                where,
                f"duplicate id '{ident}'" + (f" (first at line {first})" if first else ""),
                _line(m),
            )
            continue
        seen[ident] = _line(m)
        yield where, m, ident


def _routes(c: _Checker, doc: Mapping[str, Any]) -> dict[str, Route]:
    outcomes = {o.value for o in ContactOutcome}
    routes: dict[str, Route] = {}
    for where, m, ident in _catalogue(c, doc, "routes", _ROUTE_KEYS):
        outcome = c.field_text(m, "outcome", where, required=False)
        if outcome is not None and outcome not in outcomes:
            c.problem(
                where,
                f"unknown outcome '{outcome}' (expected one of: {', '.join(sorted(outcomes))})",
                _line(m),
            )
            outcome = None
        routes[ident] = Route(
            ident,
            c.field_text(m, "name", where) or ident,
            c.field_text(m, "description", where) or "",
            outcome,
        )
    return routes


def _pathways(c: _Checker, doc: Mapping[str, Any]) -> dict[str, Pathway]:
    pathways: dict[str, Pathway] = {}
    for where, m, ident in _catalogue(c, doc, "pathways", _PATHWAY_KEYS):
        weeks = m.get("weeks_gestation")
        # A week of pregnancy: 42 weeks is the end of a post-term pregnancy, so a larger
        # number cannot be a date before birth (resources/thresholds/README.md, pathways).
        if weeks is not None and (
            isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= 42
        ):
            c.problem(
                where,
                f"'weeks_gestation' must be a whole number of weeks 1–42, not {weeks!r}",
                _line(m),
            )
            weeks = None
        pathways[ident] = Pathway(
            ident,
            c.field_text(m, "name", where) or ident,
            c.field_text(m, "description", where) or "",
            c.field_text(m, "timescale", where, required=False),
            weeks,
        )
    return pathways


def _domains(c: _Checker, doc: Mapping[str, Any]) -> dict[str, Domain]:
    domains: dict[str, Domain] = {}
    for where, m, ident in _catalogue(c, doc, "domains", _DOMAIN_KEYS):
        dimensions: dict[str, Dimension] = {}
        for index, entry in enumerate(c.items(m, "dimensions", where)):
            dwhere = f"{where}, {_name(entry, 'dimensions', index)}"
            dm = c.entry(entry, dwhere, _DIMENSION_KEYS, _line(m))
            if dm is None:
                continue
            dident = c.slug(dm, "id", dwhere)
            if dident is None:
                continue
            if dident in dimensions:
                c.problem(dwhere, f"duplicate dimension id '{dident}' in this domain", _line(dm))
                continue
            dimensions[dident] = Dimension(dident, c.field_text(dm, "name", dwhere) or dident)
        domains[ident] = Domain(
            ident, c.field_text(m, "name", where) or ident, tuple(dimensions.values())
        )
    return domains


def _consent(c: _Checker, m: Mapping[str, Any], where: str, missing: str) -> Consent | None:
    """The level's consent rule, or None with the problem recorded."""
    raw = m.get("consent")
    if raw is None:
        if "consent" in m:
            c.problem(where, missing, _line(m))
        return None
    cm = c.entry(raw, f"{where}, consent", _CONSENT_KEYS, _line(m))
    rule = cm.get("rule") if cm is not None else None
    if rule is None:
        return None
    if rule not in {r.value for r in ConsentRule}:
        c.problem(
            f"{where}, consent",
            f"unknown consent rule {rule!r} (expected one of: "
            f"{', '.join(r.value for r in ConsentRule)})",
            _line(cm),
        )
        return None
    return Consent(ConsentRule(rule), c.field_text(cm, "text", where) or "")


def _level_routes(
    c: _Checker, m: Mapping[str, Any], where: str, routes: Mapping[str, Route]
) -> list[LevelRoute]:
    """The routes a level offers, each naming a route the document defines."""
    conditions = ", ".join(rc.value for rc in RouteCondition)
    level_routes: list[LevelRoute] = []
    for rindex, rentry in enumerate(c.items(m, "routes", where)):
        rwhere = f"{where}, routes[{rindex}]"
        rm = c.entry(rentry, rwhere, _LEVEL_ROUTE_KEYS, _line(m))
        if rm is None:
            continue
        rid = rm.get("route")
        when = rm.get("when")
        if when is not None and when not in {rc.value for rc in RouteCondition}:
            c.problem(
                rwhere, f"unknown condition {when!r} (expected one of: {conditions})", _line(rm)
            )
            continue
        if rid is None:
            continue
        if rid not in routes:
            c.problem(
                rwhere,
                f"unknown route '{rid}' (routes defined: {', '.join(routes) or 'none'})",
                _line(rm),
            )
            continue
        level_routes.append(
            LevelRoute(routes[rid], RouteCondition(when) if when is not None else None)
        )
    return level_routes


def _levels(c: _Checker, doc: Mapping[str, Any], routes: Mapping[str, Route]) -> dict[int, Level]:
    levels: dict[int, Level] = {}
    missing_consent = (
        "missing consent rule: say whether family consent is needed ("
        + ", ".join(r.value for r in ConsentRule)
        + ")"
    )
    for index, entry in enumerate(c.items(doc, "levels", "levels")):
        where = f"levels[{index}]"
        m = c.entry(entry, where, _LEVEL_KEYS, _line(doc), {"consent": missing_consent})
        if m is None:
            continue
        number = m.get("level")
        if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
            c.problem(where, f"'level' must be a whole number, not {number!r}", _line(m))
            continue
        if number is None:
            continue
        where = f"levels[{index}] (level {number})"
        if number in levels:
            c.problem(where, f"level {number} is defined twice", _line(m))
            continue
        consent = _consent(c, m, where, missing_consent)
        level_routes = _level_routes(c, m, where, routes)
        if consent is None:
            continue
        levels[number] = Level(
            number,
            c.field_text(m, "name", where) or f"Level {number}",
            c.field_text(m, "title", where) or "",
            c.field_text(m, "description", where) or "",
            consent,
            c.strings(m, "agencies", where),
            tuple(level_routes),
        )
    return levels


def _indicator_links(
    c: _Checker, m: Mapping[str, Any], where: str, pathways: Mapping[str, Pathway]
) -> tuple[list[Pathway], tuple[str, ...], bool]:
    """An indicator's pathways and risk flags, and whether every one of them is known."""
    ok = True
    used: list[Pathway] = []
    for pid in c.strings(m, "pathways", where):
        if pid in pathways:
            used.append(pathways[pid])
        else:
            c.problem(
                where,
                f"unknown pathway '{pid}' (pathways defined: {', '.join(pathways) or 'none'})",
                _line(m),
            )
            ok = False
    # The contact form's risk codes (domain.enums.RISK_INDICATORS): a flag is matched to them.
    flags = c.strings(m, "risk_flags", where)
    for flag in flags:
        if flag not in RISK_INDICATORS:
            c.problem(
                where,
                f"unknown risk flag '{flag}' (expected one of: {', '.join(RISK_INDICATORS)})",
                _line(m),
            )
            ok = False
    return used, flags, ok


def _indicators(
    c: _Checker,
    doc: Mapping[str, Any],
    level_numbers: set[int],
    domains: Mapping[str, Domain],
    pathways: Mapping[str, Pathway],
) -> list[Indicator]:
    indicators: list[Indicator] = []
    domain_names = ", ".join(domains) or "none defined"
    level_list = ", ".join(str(n) for n in sorted(level_numbers)) or "none defined"
    in_no_domain = f"indicator in no domain: give it a 'domain' ({domain_names})"
    for where, m, ident in _catalogue(
        c, doc, "indicators", _INDICATOR_KEYS, {"domain": in_no_domain}
    ):
        ok = True
        level = m.get("level")
        if level is not None and (
            isinstance(level, bool) or not isinstance(level, int) or level not in level_numbers
        ):
            c.problem(where, f"unknown level {level!r} (levels defined: {level_list})", _line(m))
            ok = False
        domain_id = m.get("domain")
        domain = domains.get(domain_id) if isinstance(domain_id, str) else None
        if domain_id is None or (isinstance(domain_id, str) and not domain_id.strip()):
            if "domain" in m:
                c.problem(where, in_no_domain, _line(m))
            ok = False
        elif domain is None:
            c.problem(
                where, f"unknown domain {domain_id!r} (domains defined: {domain_names})", _line(m)
            )
            ok = False
        dimension = None
        dimension_id = m.get("dimension")
        if domain is not None and dimension_id is not None:
            dimension = next((d for d in domain.dimensions if d.id == dimension_id), None)
            if dimension is None:
                c.problem(
                    where,
                    f"unknown dimension {dimension_id!r} in domain '{domain.id}' (its "
                    f"dimensions: {', '.join(d.id for d in domain.dimensions)})",
                    _line(m),
                )
                ok = False
        used, flags, linked = _indicator_links(c, m, where, pathways)
        ok = ok and linked
        text = c.field_text(m, "text", where)
        if ok and text and domain is not None and dimension is not None and level is not None:
            indicators.append(
                Indicator(
                    ident,
                    level,
                    domain,
                    dimension,
                    text,
                    tuple(used),
                    flags,
                    c.strings(m, "terms", where),
                    len(indicators),
                )
            )
    return indicators


def _check_levels_complete(
    c: _Checker, doc: Mapping[str, Any], levels: Mapping[int, Level]
) -> None:
    numbers = sorted(levels)
    if numbers and numbers != list(range(1, len(numbers) + 1)):
        c.problem(
            "levels",
            f"levels must be numbered 1, 2, 3… without gaps (found {', '.join(map(str, numbers))})",
            _line(doc, "levels"),
        )
    # Counted from every indicator written, valid or not: an indicator with a bad domain
    # still shows the level was meant to be reachable, and one problem is enough to report.
    reached = {e.get("level") for e in doc.get("indicators") or [] if isinstance(e, dict)}
    for number in numbers:
        if number not in reached:
            c.problem(
                f"level {number}",
                "no indicator has this level, so it can never be suggested",
                _line(doc, "levels"),
            )


def parse_document(data: bytes | str, source: str = "threshold document") -> ThresholdDocument:
    """Check a document's YAML text and return it, or raise with every problem found."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > DOCUMENT_MAX_BYTES:
        # An upload is already in memory: refused before the YAML parser spends on it.
        message = too_large(len(raw), DOCUMENT_MAX_BYTES, ThresholdDocumentError.what)
        raise ThresholdDocumentError([Problem("file", message, None, source)], source)
    return _parse_cached(raw, source)


def _header(c: _Checker, doc: Mapping[str, Any]) -> tuple[str | None, str | None, str, str]:
    """Check the document's own fields; return its id, version, title and partnership."""
    schema = doc.get("schema")
    if schema is not None and schema != SCHEMA_VERSION:
        c.problem(
            "schema",
            f"this version of MASH Desk reads schema {SCHEMA_VERSION}, not {schema!r}",
            _line(doc, "schema"),
        )
    ident = c.slug(doc, "id", "id")
    version = doc.get("version")
    if version is not None:
        if (
            isinstance(version, bool)
            or not isinstance(version, str | int)
            or not _VERSION.match(str(version))
        ):
            c.problem(
                "version",
                f'version {version!r} must be short text such as "2016" or '
                '"2024.1" (letters, digits, dots, hyphens; quote it)',
                _line(doc, "version"),
            )
            version = None
        else:
            version = str(version)
    # Checked here, with everything else, so a bad title or partnership refuses the whole
    # document: once it is installed its wording is fixed for every screening against it.
    title = c.field_text(doc, "title", "title") or ""
    partnership = c.field_text(doc, "partnership", "partnership") or ""
    return ident, version, title, partnership


@lru_cache(maxsize=16)
def _parse_cached(raw: bytes, source: str) -> ThresholdDocument:
    doc = parse_yaml(raw, source, ThresholdDocumentError.what, ThresholdDocumentError)
    c = _Checker(source, doc)
    doc = c.entry(doc, "document", _TOP_KEYS, None)
    if doc is None:
        raise ThresholdDocumentError(c.problems, source)
    ident, version, title, partnership = _header(c, doc)
    effective = _effective_date(c, doc)
    # The source says where the wording comes from (shown with every suggestion): checked
    # before the final check below, like every other field, never after it.
    origin = c.field_text(doc, "source", "source") or ""
    routes = _routes(c, doc)
    pathways = _pathways(c, doc)
    domains = _domains(c, doc)
    levels = _levels(c, doc, routes)
    level_numbers = {
        n
        for n in (e.get("level") for e in doc.get("levels") or [] if isinstance(e, dict))
        if isinstance(n, int) and not isinstance(n, bool)
    }
    indicators = _indicators(c, doc, level_numbers, domains, pathways)
    _check_levels_complete(c, doc, levels)
    if c.problems:
        raise ThresholdDocumentError(c.problems, source)
    assert ident is not None and version is not None and effective is not None
    return ThresholdDocument(
        id=ident,
        title=title or ident,
        partnership=partnership,
        version=version,
        effective_from=effective,
        source=origin,
        levels=tuple(levels[n] for n in sorted(levels)),
        domains=tuple(domains.values()),
        routes=tuple(routes.values()),
        pathways=tuple(pathways.values()),
        indicators=tuple(indicators),
        sha256=hashlib.sha256(raw).hexdigest(),
        text=raw.decode("utf-8"),
    )


def read_document_bytes(path: Path | str) -> bytes:
    """Return the bytes of the document file at ``path``, refusing one over the size cap.

    Raises:
        ThresholdDocumentError: the file cannot be read or is too large (checked before
            reading it whole).
    """
    path = Path(path)
    return read_resource(path, DOCUMENT_MAX_BYTES, "threshold document", ThresholdDocumentError)


def load_document(path: Path | str) -> ThresholdDocument:
    """Read and check the threshold document at ``path``."""
    return parse_document(read_document_bytes(path), str(Path(path)))
