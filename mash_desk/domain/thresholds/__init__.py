"""Threshold documents (continuum of need) as data, and the engine that applies them."""

from mash_desk.domain.thresholds.engine import (
    ChildFacts,
    LevelChoice,
    RaisedPathway,
    SuggestedRoute,
    Suggestion,
    choose_level,
    consent_notice,
    consent_purpose,
    suggest,
)
from mash_desk.domain.thresholds.library import ThresholdLibrary
from mash_desk.domain.thresholds.loader import (
    DOCUMENT_MAX_BYTES,
    Problem,
    ThresholdDocumentError,
    load_document,
    parse_document,
    read_document_bytes,
)
from mash_desk.domain.thresholds.model import (
    Consent,
    ConsentRule,
    DocumentKey,
    Indicator,
    Level,
    Pathway,
    Route,
    RouteCondition,
    ThresholdDocument,
)

__all__ = [
    "DOCUMENT_MAX_BYTES",
    "ChildFacts",
    "Consent",
    "ConsentRule",
    "DocumentKey",
    "Indicator",
    "Level",
    "LevelChoice",
    "Pathway",
    "Problem",
    "RaisedPathway",
    "Route",
    "RouteCondition",
    "SuggestedRoute",
    "Suggestion",
    "ThresholdDocument",
    "ThresholdDocumentError",
    "ThresholdLibrary",
    "choose_level",
    "consent_notice",
    "consent_purpose",
    "load_document",
    "parse_document",
    "read_document_bytes",
    "suggest",
]
