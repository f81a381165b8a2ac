"""A threshold document as plain, immutable data (domain brief §3).

Every safeguarding partnership publishes a "continuum of need": four levels on the
Assessment Framework triangle, each with its consent rule, the agencies potentially involved
and suggested routes, and indicators grouped by the triangle's three domains. MASH Desk treats
the document as data so a council replaces the shipped one with its own without touching code;
:mod:`mash_desk.domain.thresholds.loader` builds these objects from a YAML file and checks it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import NamedTuple


class ConsentRule(StrEnum):
    """What the document says about family consent at a level (domain brief §3, §6)."""

    NOT_NEEDED = "not-needed"
    """Universal services: nothing to consent to."""
    REQUIRED = "required"
    """Early help is consent-based: without the family's agreement there is no early help."""
    SOUGHT = "sought"
    """Consent is sought for a s17 assessment; refusal means re-checking for significant harm."""
    MAY_PROCEED_WITHOUT = "may-proceed-without"
    """Significant harm: agencies may act without consent, and must record why."""

    @property
    def reason_needed_without_consent(self) -> bool:
        """Whether acting without consent at this level needs a recorded reason."""
        return self is ConsentRule.MAY_PROCEED_WITHOUT


class RouteCondition(StrEnum):
    """When a level's route applies, from facts about the child."""

    UNDER_5 = "under-5"
    """Under five on the day, unborn included: Harrow offers every under-5 contact not needing
    social care a children's centre (seed 000 L184)."""
    FIVE_OR_OVER = "5-or-over"
    UNBORN = "unborn"


@dataclass(frozen=True)
class Consent:
    """A level's consent rule and the document's own wording of it."""

    rule: ConsentRule
    text: str


@dataclass(frozen=True)
class Route:
    """A route the document suggests (early help, single assessment, strategy discussion…).

    ``outcome`` is the contact outcome code it corresponds to, when there is one.
    """

    id: str
    name: str
    description: str
    outcome: str | None = None


@dataclass(frozen=True)
class LevelRoute:
    """A route offered at one level, optionally only when ``when`` holds for the child."""

    route: Route
    when: RouteCondition | None = None


@dataclass(frozen=True)
class Level:
    """One level of the continuum of need."""

    number: int
    name: str
    title: str
    description: str
    consent: Consent
    agencies: tuple[str, ...]
    routes: tuple[LevelRoute, ...]

    @property
    def label(self) -> str:
        """``"Level 3: Complex needs"`` — how practitioners say it."""
        return f"Level {self.number}: {self.title}"


@dataclass(frozen=True)
class Pathway:
    """A specific pathway some indicators call for whatever the level (LADO, MARAC…).

    ``weeks_gestation`` is set for pathways that must happen before a point in pregnancy
    (pre-birth planning before 34 weeks, seed 001 L36).
    """

    id: str
    name: str
    description: str
    timescale: str | None = None
    weeks_gestation: int | None = None


@dataclass(frozen=True)
class Dimension:
    """A dimension of one domain of the Assessment Framework triangle."""

    id: str
    name: str


@dataclass(frozen=True)
class Domain:
    """One side of the Assessment Framework triangle, with its dimensions."""

    id: str
    name: str
    dimensions: tuple[Dimension, ...]


@dataclass(frozen=True)
class Indicator:
    """One recognisable situation and the level it indicates."""

    id: str
    level: int
    domain: Domain
    dimension: Dimension
    text: str
    pathways: tuple[Pathway, ...] = ()
    risk_flags: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    position: int = 0
    """Order in the document, so lists read the way the council wrote them."""

    def matches(self, words: str) -> bool:
        """Whether every word of a search appears in the wording, terms or dimension."""
        haystack = " ".join(
            (self.text, " ".join(self.terms), self.dimension.name, self.domain.name, self.id)
        ).casefold()
        return all(word in haystack for word in words.casefold().split())


class DocumentKey(NamedTuple):
    """What every screening stores to be shown later against the same document."""

    id: str
    version: str

    def __str__(self) -> str:
        return f"{self.id} version {self.version}"


@dataclass(frozen=True)
class ThresholdDocument:
    """A whole validated threshold document. Build it with the loader."""

    id: str
    title: str
    partnership: str
    version: str
    effective_from: date
    source: str
    levels: tuple[Level, ...]
    domains: tuple[Domain, ...]
    routes: tuple[Route, ...]
    pathways: tuple[Pathway, ...]
    indicators: tuple[Indicator, ...]
    sha256: str = ""
    """Digest of the file's bytes: two copies with one version and different text differ."""
    text: str = field(default="", repr=False, compare=False)
    """The YAML as written, kept so the version used can be stored whole."""
    _by_id: MappingProxyType[str, Indicator] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", MappingProxyType({i.id: i for i in self.indicators}))

    @property
    def key(self) -> DocumentKey:
        """The id and version stored with every screening that used this document."""
        return DocumentKey(self.id, self.version)

    @property
    def level_numbers(self) -> tuple[int, ...]:
        """The levels this document defines, lowest first."""
        return tuple(level.number for level in self.levels)

    def level(self, number: int) -> Level:
        """Return level ``number``; ``KeyError`` when the document has no such level."""
        for level in self.levels:
            if level.number == number:
                return level
        raise KeyError(number)

    def indicator(self, indicator_id: str) -> Indicator:
        """Return an indicator by its id; ``KeyError`` when unknown."""
        return self._by_id[indicator_id]

    def has_indicator(self, indicator_id: str) -> bool:
        """Whether the document defines ``indicator_id``."""
        return indicator_id in self._by_id

    def search(self, words: str) -> tuple[Indicator, ...]:
        """Indicators whose wording, terms or dimension contain every word typed."""
        if not words.strip():
            return self.indicators
        return tuple(i for i in self.indicators if i.matches(words))

    def grouped(self) -> tuple[tuple[Domain, tuple[Indicator, ...]], ...]:
        """Indicators by domain (document order within), for a panel or a printout."""
        return tuple(
            (domain, tuple(i for i in self.indicators if i.domain.id == domain.id))
            for domain in self.domains
        )
