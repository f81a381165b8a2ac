"""The threshold documents of one database, parsed once per process and kept in step."""

from __future__ import annotations

from functools import cache
from threading import Lock

from sqlalchemy import select
from sqlalchemy.engine import Connection

from mash_desk.domain.thresholds import (
    ThresholdDocument,
    ThresholdLibrary,
    load_document,
    parse_document,
)
from mash_desk.paths import resource
from mash_desk.storage.models import ThresholdDocumentRow


@cache
def shipped_documents() -> tuple[ThresholdDocument, ...]:
    """The documents shipped in ``resources/thresholds/`` (each checked on load)."""
    return tuple(load_document(p) for p in sorted(resource("thresholds").glob("*.yaml")))


class ThresholdStore:
    """The stored documents of one database, parsed once per process and kept in step."""

    def __init__(self) -> None:
        self._parsed: dict[tuple[str, str, str], ThresholdDocument] = {}
        self._lock = Lock()

    def library(self, conn: Connection) -> ThresholdLibrary:
        """Every document: stored versions, plus shipped ones never stored (stored text wins)."""
        rows = conn.execute(
            select(
                ThresholdDocumentRow.document_id,
                ThresholdDocumentRow.version,
                ThresholdDocumentRow.sha256,
            )
        ).all()
        stored: list[ThresholdDocument] = []
        for document_id, version, sha in rows:
            key = (document_id, version, sha)
            with self._lock:
                document = self._parsed.get(key)
            if document is None:
                content = conn.execute(
                    select(ThresholdDocumentRow.content).where(
                        ThresholdDocumentRow.document_id == document_id,
                        ThresholdDocumentRow.version == version,
                    )
                ).scalar_one()
                document = parse_document(content, f"stored threshold document {document_id}")
                with self._lock:
                    self._parsed[key] = document
            stored.append(document)
        keys = {d.key for d in stored}
        return ThresholdLibrary([*(d for d in shipped_documents() if d.key not in keys), *stored])
