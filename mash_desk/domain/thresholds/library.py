"""The threshold documents installed side by side, and which one is in force on a day."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from mash_desk.domain.errors import NotFound
from mash_desk.domain.thresholds.model import DocumentKey, ThresholdDocument


class ThresholdLibrary:
    """Every installed version of every document.

    A screening uses the one in force that day, and is shown later against the one it used.
    """

    def __init__(self, documents: Iterable[ThresholdDocument]):
        """Hold ``documents``; a later entry with the same id and version replaces an earlier."""
        by_key: dict[DocumentKey, ThresholdDocument] = {}
        for document in documents:
            by_key[document.key] = document
        # Effective date first; on the same date the later version string wins, so a
        # council that re-issues a document on the day it takes effect gets the new one.
        self._documents = tuple(
            sorted(by_key.values(), key=lambda d: (d.effective_from, d.version, d.id))
        )

    def __iter__(self):
        """Iterate the documents, oldest effective date first."""
        return iter(self._documents)

    def __len__(self) -> int:
        return len(self._documents)

    def current(self, on: date) -> ThresholdDocument:
        """The document in force on ``on``: the latest effective date on or before it."""
        in_force = [d for d in self._documents if d.effective_from <= on]
        if not in_force:
            raise NotFound(f"No threshold document is in force on {on:%d %B %Y}")
        return in_force[-1]

    def get(self, key: DocumentKey | tuple[str, str]) -> ThresholdDocument:
        """The document with this id and version; ``NotFound`` when it is not installed."""
        key = DocumentKey(*key)
        for document in self._documents:
            if document.key == key:
                return document
        raise NotFound(f"Threshold document {key} is not installed")
