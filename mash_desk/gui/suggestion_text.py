"""The threshold panel's wording of a suggestion: why, its consent rule, routes and pathways.

Pure text from a :class:`~mash_desk.domain.thresholds.Suggestion`, one bullet a line, so
screen readers read each reason, route and pathway as its own line.
"""

from __future__ import annotations

from mash_desk.domain.thresholds import ConsentRule, Suggestion

CONSENT_WORDS = {
    ConsentRule.NOT_NEEDED: "no consent needed",
    ConsentRule.REQUIRED: "family consent required",
    ConsentRule.SOUGHT: "consent sought",
    ConsentRule.MAY_PROCEED_WITHOUT: "may proceed without consent — record why",
}
CONDITION_WORDS = {"under-5": "if under 5", "5-or-over": "if 5 or over", "unborn": "if unborn"}


def drivers_text(suggestion: Suggestion) -> str:
    """Return the indicators behind the suggested level, one bullet each."""
    return "\n".join(f"• {i.text}" for i in suggestion.drivers)


def consent_text(suggestion: Suggestion) -> str:
    """Return the suggested level's consent rule and its wording in the document."""
    assert suggestion.level is not None  # only a suggested level has a consent rule
    consent = suggestion.level.consent
    return f"{CONSENT_WORDS[consent.rule].capitalize()}. {consent.text}"


def routes_text(suggestion: Suggestion, child_known: bool) -> str:
    """Return the routes, one bullet each ("—" for none).

    A route's condition (e.g. "if under 5") is named only when no child is known: with a
    child, the engine has already kept the routes that apply to them.
    """
    routes = []
    for r in suggestion.routes:
        when = f" ({CONDITION_WORDS.get(r.when.value, r.when.value)})" if r.when else ""
        routes.append(f"• {r.route.name}{'' if child_known else when}")
    return "\n".join(routes) or "—"


def pathways_text(suggestion: Suggestion) -> str:
    """Return the pathways raised with their timescale and due date ("None raised." if none)."""
    pathways = []
    for raised in suggestion.pathways:
        text = f"• {raised.pathway.name}"
        if raised.pathway.timescale:
            text += f" — {raised.pathway.timescale}"
        if raised.due_on is not None:
            text += f" (by {raised.due_on:%d %B %Y})"
        pathways.append(text)
    return "\n".join(pathways) or "None raised."
