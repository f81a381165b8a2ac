"""Threshold documents for tests: the shipped one, and a tiny one to break on purpose."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from mash_desk.paths import resource

SHIPPED_FILES = sorted(resource("thresholds").glob("*.yaml"))
SHIPPED = resource("thresholds", "model-threshold-2016.yaml")

_TINY: dict[str, Any] = {
    "schema": 1,
    "id": "tiny-threshold",
    "title": "Tiny test threshold document",
    "partnership": "Test partnership",
    "version": "1",
    "effective_from": "2020-01-01",
    "source": "Written for the tests.",
    "levels": [
        {
            "level": n,
            "name": f"L{n}",
            "title": f"Level {n} title",
            "description": f"Level {n}.",
            "consent": {"rule": rule, "text": f"Consent at level {n}."},
            "agencies": ["Schools"],
            "routes": routes,
        }
        for n, rule, routes in (
            (1, "not-needed", [{"route": "advice"}, {"route": "centre", "when": "under-5"}]),
            (
                2,
                "required",
                [
                    {"route": "early-help", "when": "5-or-over"},
                    {"route": "centre", "when": "under-5"},
                ],
            ),
            (3, "sought", [{"route": "assessment"}]),
            (4, "may-proceed-without", [{"route": "strategy"}]),
        )
    ],
    "domains": [
        {
            "id": "developmental-needs",
            "name": "Child",
            "dimensions": [{"id": "health", "name": "Health"}],
        },
        {
            "id": "parenting-capacity",
            "name": "Parents",
            "dimensions": [{"id": "basic-care", "name": "Basic care"}],
        },
        {
            "id": "family-environment",
            "name": "Family",
            "dimensions": [{"id": "housing", "name": "Housing"}],
        },
    ],
    "routes": [
        {
            "id": "advice",
            "name": "Advice",
            "description": "Advice.",
            "outcome": "information_advice_signpost",
        },
        {
            "id": "centre",
            "name": "Children's centre",
            "description": "CC.",
            "outcome": "childrens_centre",
        },
        {"id": "early-help", "name": "Early help", "description": "EH.", "outcome": "early_help"},
        {
            "id": "assessment",
            "name": "Single assessment",
            "description": "SA.",
            "outcome": "mash_referral",
        },
        {
            "id": "strategy",
            "name": "Strategy discussion",
            "description": "SD.",
            "outcome": "mash_referral",
        },
    ],
    "pathways": [
        {"id": "lado", "name": "LADO", "description": "LADO."},
        {
            "id": "pre-birth",
            "name": "Pre-birth planning",
            "description": "PB.",
            "weeks_gestation": 34,
        },
    ],
    "indicators": [
        {
            "id": "t1-well",
            "level": 1,
            "domain": "developmental-needs",
            "dimension": "health",
            "text": "Healthy",
        },
        {
            "id": "t2-absence",
            "level": 2,
            "domain": "developmental-needs",
            "dimension": "health",
            "text": "Absent",
        },
        {
            "id": "t3-neglect",
            "level": 3,
            "domain": "parenting-capacity",
            "dimension": "basic-care",
            "text": "Neglect",
        },
        {
            "id": "t3-lado",
            "level": 3,
            "domain": "parenting-capacity",
            "dimension": "basic-care",
            "text": "Conduct",
            "pathways": ["lado"],
        },
        {
            "id": "t4-unborn",
            "level": 4,
            "domain": "family-environment",
            "dimension": "housing",
            "text": "Unborn at risk",
            "pathways": ["pre-birth"],
            "risk_flags": ["pre_birth"],
            "terms": ["pregnant"],
        },
    ],
}


def tiny() -> dict[str, Any]:
    """A fresh copy of a small valid document, to change and dump."""
    return copy.deepcopy(_TINY)


def dump(document: dict[str, Any]) -> str:
    """YAML text of a document dict."""
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def write(path: Path, document: dict[str, Any] | str) -> Path:
    """Write a document (dict or YAML text) to ``path`` and return it."""
    path.write_text(document if isinstance(document, str) else dump(document), encoding="utf-8")
    return path
