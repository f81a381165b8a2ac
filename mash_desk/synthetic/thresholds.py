"""Which threshold indicators an invented screening ticks, chosen to fit the contact.

A screening ticks one to three indicators at the level it suggests, and up to two below it.
Indicators that fit come first: for an unborn baby those flagged ``pre_birth``, then those
whose risk flags match the contact's risk-indicator codes or that the catalogue lists for the
contact's theme. Only when nothing at the level fits are general (unflagged) indicators ticked
instead; lower levels add only indicators that fit. A born child never gets ``pre_birth`` ones.
Picks are indexes into the document's indicators in document order, so sorting them gives the
order the service stores and shows them in.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence

from mash_desk.domain.thresholds import ThresholdDocument
from mash_desk.synthetic.catalogue import THEME_THRESHOLD_INDICATORS

PRE_BIRTH = "pre_birth"
# How many indicators a screening ticks at its level (1–3) and below it (0–2): cumulative
# shares, read against one ``random()`` each.
_TOP_COUNTS = ((0.55, 1), (0.9, 2), (1.0, 3))
_LOWER_COUNTS = ((0.45, 0), (0.85, 1), (1.0, 2))

Tiers = tuple[tuple[int, ...], ...]


def _plain(value: str) -> bool:
    """Whether ``value`` appears in JSON exactly as ``"value"`` (nothing to escape)."""
    return json.dumps(value, ensure_ascii=False) == f'"{value}"'


def _count(rng: random.Random, shares: tuple[tuple[float, int], ...]) -> int:
    r = rng.random()
    for share, count in shares:
        if r < share:
            return count
    return shares[-1][1]


def _pick(rng: random.Random, tiers: Tiers, count: int) -> list[int]:
    """Take ``count`` indexes, all of the first tier before any of the next."""
    picked: list[int] = []
    for tier in tiers:
        need = count - len(picked)
        if need <= 0:
            break
        if need >= len(tier):
            picked += tier
        elif need == 1:  # the usual case; quicker than ``sample``
            picked.append(tier[int(rng.random() * len(tier))])
        else:
            picked += rng.sample(tier, need)
    return picked


class IndicatorPicker:
    """The indicators of one threshold document, grouped for quick, coherent picks.

    Attributes:
        document: the document the picks come from.
        ids: indicator ids in document order (``ids[n]`` is pick ``n``).
        pathway_ids: pathway ids in document order.
        pathways: for each indicator, the indexes into ``pathway_ids`` it raises (sorted).
    """

    def __init__(self, document: ThresholdDocument):
        """Group ``document``'s indicators by level, risk flags and theme hints."""
        self.document = document
        indicators = sorted(document.indicators, key=lambda i: i.position)
        self.ids = tuple(i.id for i in indicators)
        self.pathway_ids = tuple(p.id for p in document.pathways)
        order = {p: n for n, p in enumerate(self.pathway_ids)}
        self.pathways = tuple(tuple(sorted({order[p.id] for p in i.pathways})) for i in indicators)
        self._levels = tuple(i.level for i in indicators)
        self._flags = tuple(frozenset(i.risk_flags) for i in indicators)
        numbers = document.level_numbers
        self.lowest, self.highest = min(numbers), max(numbers)
        self._pools: dict[tuple[int, frozenset[str], str, bool], tuple[Tiers, Tiers]] = {}
        # Ids go into audit JSON as they are (see ``generate.screened_json``); the loader only
        # admits slugs, which JSON never escapes.
        assert all(map(_plain, (*self.ids, *self.pathway_ids, document.id, document.version)))

    def _tiers(
        self,
        low: int,
        high: int,
        flags: frozenset[str],
        hints: frozenset[str],
        unborn: bool,
        general_ok: bool,
    ) -> Tiers:
        span = [n for n, level in enumerate(self._levels) if low <= level <= high]
        if unborn:
            first = [n for n in span if PRE_BIRTH in self._flags[n]]
        else:
            first = []
            span = [n for n in span if PRE_BIRTH not in self._flags[n]]
        taken = set(first)
        liked = [
            n for n in span if n not in taken and (self._flags[n] & flags or self.ids[n] in hints)
        ]
        if first or liked:
            return tuple(tuple(t) for t in (first, liked) if t)
        general = tuple(n for n in span if not self._flags[n])
        return (general,) if general and general_ok else ()

    def pools(
        self, level: int, flags: frozenset[str], theme: str, unborn: bool
    ) -> tuple[Tiers, Tiers]:
        """Return the tiers to pick from at ``level`` and below it, for this kind of child."""
        key = (level, flags, theme, unborn)
        found = self._pools.get(key)
        if found is None:
            hints = set(THEME_THRESHOLD_INDICATORS.get(theme, ()))
            if unborn:
                hints.update(THEME_THRESHOLD_INDICATORS.get(PRE_BIRTH, ()))
            frozen = frozenset(hints)
            top = self._tiers(level, level, flags, frozen, unborn, general_ok=True)
            if not top:  # a document with nothing suitable at the level: take any of it
                top = (tuple(n for n, v in enumerate(self._levels) if v == level),)
            lower = self._tiers(self.lowest, level - 1, flags, frozen, unborn, general_ok=False)
            found = self._pools[key] = (top, lower)
        return found

    def tick(
        self, rng: random.Random, level: int, flags: frozenset[str], theme: str, unborn: bool
    ) -> list[int]:
        """Return the indexes ticked for a screening that suggests ``level``, sorted.

        Args:
            rng: the random source (the same draws give the same picks).
            level: the level the ticked indicators must suggest (their highest).
            flags: the contact's risk-indicator codes.
            theme: the contact's theme code (see ``themes.THEMES``).
            unborn: whether the child was unborn at the contact.
        """
        top, lower = self.pools(level, flags, theme, unborn)
        picked = _pick(rng, top, _count(rng, _TOP_COUNTS))
        if lower:
            more = _count(rng, _LOWER_COUNTS)
            if more:
                picked += _pick(rng, lower, more)
        picked.sort()
        return picked

    def raised(self, picked: Sequence[int]) -> list[int]:
        """Return the pathways the picked indicators raise, as sorted indexes."""
        pathways = self.pathways
        found: set[int] = set()
        for n in picked:
            found.update(pathways[n])
        return sorted(found)
