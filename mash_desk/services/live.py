"""Other desks' committed changes, as the change keys the views already refresh on.

The services name what a save touched with keys (``OpResult.changed``: ``"queue"``,
``"person:7"``, ``"meeting:3"``...), and every view refreshes on the keys that concern it.
A change another desk committed arrives from the server's change feed
(``storage.notifications``) as a table and ids; :func:`keys_of` turns it into the same keys,
so a view refreshes on another desk's save exactly as on its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from mash_desk.storage.database import Database
from mash_desk.storage.notifications import Change, ChangeFeed, Polled, server_lost

__all__ = ["Change", "LiveChanges", "Polled", "keys_of", "server_lost"]

# Table -> the general keys a change to it touches (besides the per-row keys of _ROW_KEYS).
_TABLE_KEYS: dict[str, frozenset[str]] = {
    "contacts": frozenset({"queue"}),
    "contact_children": frozenset({"queue"}),
    "contact_attachments": frozenset(),
    "rag_ratings": frozenset({"queue"}),
    "contact_outcomes": frozenset({"queue", "workload"}),
    "referrals": frozenset({"queue", "workload"}),
    "allocations": frozenset({"queue", "workload"}),
    "people": frozenset({"queue"}),
    "households": frozenset({"queue"}),
    "consents": frozenset({"agency_checks"}),
    "relationships": frozenset(),
    "service_episodes": frozenset({"queue"}),
    "threshold_assessments": frozenset({"queue"}),
    "threshold_documents": frozenset({"thresholds"}),
    "agency_check_requests": frozenset({"agency_checks"}),
    "routings": frozenset({"routings"}),
    "routing_informing": frozenset({"routings"}),
    "strategy_discussions": frozenset({"strategy"}),
    "strategy_attendees": frozenset({"strategy"}),
    "meetings": frozenset({"meetings"}),
    "meeting_attendance": frozenset({"meetings"}),
    "agenda_items": frozenset({"meetings", "queue"}),
    "decisions": frozenset({"queue", "decisions", "meetings"}),
    "decision_actions": frozenset({"actions", "decisions"}),
    "decision_action_updates": frozenset({"actions"}),
    "escalations": frozenset({"escalations"}),
    "escalation_steps": frozenset({"escalations"}),
    "referrer_feedback": frozenset({"feedback"}),
    "users": frozenset({"users"}),
}

# Id column -> the key it names. A table's own ``id`` names a key only for these tables.
_ROW_KEYS = {"person_id": "person", "contact_id": "contact", "meeting_id": "meeting"}
_OWN_ID_KEYS = {"people": "person", "contacts": "contact", "meetings": "meeting"}
_REFERRAL_KEYS = {"referral_id": "referral"}

# What a desk refreshes after the server came back (changes in between were not heard).
EVERYTHING = frozenset(
    {"queue", "workload", "agency_checks", "routings", "actions", "decisions", "meetings"}
)


def keys_of(changes: Iterable[Change]) -> frozenset[str]:
    """The change keys a batch of committed changes touches (unknown tables: none)."""
    keys: set[str] = set()
    for change in changes:
        general = _TABLE_KEYS.get(change.table)
        if general is None:
            continue
        keys |= general
        for column, name in (_ROW_KEYS | _REFERRAL_KEYS).items():
            if column in change.ids:
                keys.add(f"{name}:{change.ids[column]}")
        own = _OWN_ID_KEYS.get(change.table)
        if own is not None and "id" in change.ids:
            keys.add(f"{own}:{change.ids['id']}")
        if change.table == "referrals" and "id" in change.ids:
            keys.add(f"referral:{change.ids['id']}")
    return frozenset(keys)


class LiveChanges:
    """The desk's view of the change feed: what to refresh, and whether the server is there.

    Calls never wait on the GUI thread except :meth:`listen`, which connects (run it in the
    background).
    """

    def __init__(self, db: Database):
        """Follow the change feed of ``db`` (idle on SQLite)."""
        self._feed = ChangeFeed(db)

    @property
    def available(self) -> bool:
        """Whether other desks' changes are announced (a shared server)."""
        return self._feed.available

    def listen(self) -> bool:
        """Connect if need be and LISTEN; returns whether the feed newly listens."""
        return self._feed.listen()

    def poll(self) -> Polled:
        """What arrived since the last poll (never waits, never asks the server)."""
        return self._feed.poll()

    @staticmethod
    def lost(exc: BaseException | None) -> bool:
        """Whether ``exc`` says the server cannot be reached (not that it refused)."""
        return server_lost(exc)
