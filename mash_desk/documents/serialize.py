"""Document models to JSON and back, so an issued document can be reprinted exactly.

A copy must say what the original said, even after escalations are resolved or actions
closed; the model is kept as JSON beside the original's hash and rendered again with the
"COPY" marking. Only the types the models use are handled: nested frozen dataclasses,
``tuple[X, ...]``, ``X | None``, ``str``, ``int``, ``bool``, ``date`` and ``datetime``.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import date, datetime
from functools import cache
from typing import Any

from mash_desk.documents.models import DOCUMENT_TYPES, Document

FORMAT = 1


def to_json(document: Document) -> str:
    """The model as JSON (keys sorted, so equal models give equal text)."""
    payload = {"format": FORMAT, "kind": document.meta.kind, "model": _dump(document)}
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def from_json(text: str) -> Document:
    """The model written by :func:`to_json`.

    Raises:
        ValueError: the text is not a stored document model.
    """
    try:
        payload = json.loads(text)
        cls = DOCUMENT_TYPES[payload["kind"]]
        if payload.get("format") != FORMAT:
            raise ValueError(f"unknown document model format {payload.get('format')!r}")
        return _load(cls, payload["model"])
    except (KeyError, TypeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not a stored document model: {exc}") from exc


def _dump(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return [_dump(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _has_default(f: dataclasses.Field) -> bool:
    return f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _load(kind: Any, raw: Any) -> Any:
    origin = typing.get_origin(kind)
    if origin in (types.UnionType, typing.Union):
        if raw is None:
            return None
        (inner,) = [a for a in typing.get_args(kind) if a is not type(None)]
        return _load(inner, raw)
    if origin is tuple:
        inner = typing.get_args(kind)[0]
        return tuple(_load(inner, v) for v in raw)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        # A field added since a model was stored takes its default (a model kept before the
        # memo carried ``superseded_by`` still loads for a reprint).
        return kind(
            **{
                f.name: _load(hints[f.name], raw[f.name])
                for f in dataclasses.fields(kind)
                if f.name in raw or not _has_default(f)
            }
        )
    if kind is datetime:
        return datetime.fromisoformat(raw)
    if kind is date:
        return date.fromisoformat(raw)
    if kind in (str, int, bool):
        if not isinstance(raw, kind):
            raise TypeError(f"expected {kind.__name__}, found {type(raw).__name__}")
        return raw
    raise TypeError(f"cannot load {kind!r}")
