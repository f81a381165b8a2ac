"""Who the window says is signed in, and to what: its title and the demo banner."""

from __future__ import annotations

from mash_desk.services.actor import Actor

DEMO_BANNER_STYLE = (
    "#demoBanner { background: #ffe08a; color: #1b1b1b; padding: 6px; font-weight: bold; }"
)
"""The demo banner's look (``objectName`` "demoBanner"), the same in every window."""


def who(actor: Actor) -> str:
    """The person and their role, as the title and banner name them."""
    return f"{actor.display_name} ({actor.role.label})"


def window_title(actor: Actor, database_label: str, *, demo: bool) -> str:
    """The main window's title; a demo desk's starts with "[DEMO]"."""
    title = f"MASH Desk — {who(actor)} — {database_label}"
    return "[DEMO] " + title if demo else title


def demo_banner(actor: Actor) -> str:
    """The banner across a demo desk: synthetic data, who, and how to try another role."""
    return (
        "DEMO DATABASE — synthetic data only, no real person. "
        f"Signed in as {who(actor)}. Use the Demo menu to try another role."
    )
