"""Invented front-door history for demos, training and benchmarks (never real people).

``generate`` fills an empty database with years of contacts, referrals, people and audit
entries at Harrow's volumes, with the daily MASH meeting's history (agency checks, meetings,
decisions, routings, strategy discussions, escalations) and a "today" of 20–25 referrals
awaiting the chair; ``ensure_demo_users`` creates the demo accounts.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mash_desk.synthetic.generate import GenerationReport, generate
    from mash_desk.synthetic.users import DEMO_PRACTITIONER, ensure_demo_users

__all__ = ["DEMO_PRACTITIONER", "GenerationReport", "ensure_demo_users", "generate"]

# Each name's module, imported when the name is first asked for (PEP 562): the generator
# takes ~0.5 s to import (Faker, its word lists), and the demo desk's every start needs only
# ``ensure_demo_users`` (issue 16: start-up imports only what the first screen needs).
_HOME = {
    "DEMO_PRACTITIONER": "mash_desk.synthetic.users",
    "GenerationReport": "mash_desk.synthetic.generate",
    "ensure_demo_users": "mash_desk.synthetic.users",
    "generate": "mash_desk.synthetic.generate",
}


def __getattr__(name: str) -> Any:
    """Import the module holding ``name`` on first use."""
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_HOME[name]), name)
