"""Other desks' committed changes, as the change keys the views already refresh on.

The services name what a save touched with keys (``OpResult.changed``: ``"queue"``,
``"person:7"``, ``"meeting:3"``...), and every view refreshes on the keys that concern it.
A change another desk committed arrives from the server's change feed
(``storage.notifications``) as a table and ids; :func:`keys_of` turns it into the same keys,
so a view refreshes on another desk's save exactly as on its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from mash_desk.domain.changes import ChangeKey, Kind, Topic, record_key
from mash_desk.storage.database import Database
from mash_desk.storage.notifications import Change, ChangeFeed, Polled, server_lost

__all__ = ["Change", "LiveChanges", "Polled", "keys_of", "server_lost"]

# Table -> the general keys a change to it touches (besides the per-row keys of _ROW_KEYS).
_TABLE_KEYS: dict[str, frozenset[ChangeKey]] = {
    "contacts": frozenset({Topic.QUEUE}),
    "contact_children": frozenset({Topic.QUEUE}),
    "contact_attachments": frozenset(),
    "rag_ratings": frozenset({Topic.QUEUE}),
    "contact_outcomes": frozenset({Topic.QUEUE, Topic.WORKLOAD}),
    "referrals": frozenset({Topic.QUEUE, Topic.WORKLOAD}),
    "allocations": frozenset({Topic.QUEUE, Topic.WORKLOAD}),
    "people": frozenset({Topic.QUEUE}),
    "households": frozenset({Topic.QUEUE}),
    "consents": frozenset({Topic.AGENCY_CHECKS}),
    "relationships": frozenset(),
    "service_episodes": frozenset({Topic.QUEUE}),
    "threshold_assessments": frozenset({Topic.QUEUE}),
    "threshold_documents": frozenset({Topic.THRESHOLDS}),
    "agency_check_requests": frozenset({Topic.AGENCY_CHECKS}),
    "routings": frozenset({Topic.ROUTINGS}),
    "routing_informing": frozenset({Topic.ROUTINGS}),
    "strategy_discussions": frozenset({Topic.STRATEGY}),
    "strategy_attendees": frozenset({Topic.STRATEGY}),
    "meetings": frozenset({Topic.MEETINGS}),
    "meeting_attendance": frozenset({Topic.MEETINGS}),
    "agenda_items": frozenset({Topic.MEETINGS, Topic.QUEUE}),
    "decisions": frozenset({Topic.QUEUE, Topic.DECISIONS, Topic.MEETINGS}),
    "decision_actions": frozenset({Topic.ACTIONS, Topic.DECISIONS}),
    "decision_action_updates": frozenset({Topic.ACTIONS}),
    "escalations": frozenset({Topic.ESCALATIONS}),
    "escalation_steps": frozenset({Topic.ESCALATIONS}),
    "referrer_feedback": frozenset({Topic.FEEDBACK}),
    "users": frozenset({Topic.USERS}),
}

# Id column -> the key it names. A table's own ``id`` names a key only for these tables.
_ROW_KEYS = {"person_id": Kind.PERSON, "contact_id": Kind.CONTACT, "meeting_id": Kind.MEETING}
_OWN_ID_KEYS = {"people": Kind.PERSON, "contacts": Kind.CONTACT, "meetings": Kind.MEETING}
_REFERRAL_KEYS = {"referral_id": Kind.REFERRAL}

# What a desk refreshes after the server came back (changes in between were not heard).
EVERYTHING: frozenset[ChangeKey] = frozenset(
    {
        Topic.QUEUE,
        Topic.WORKLOAD,
        Topic.AGENCY_CHECKS,
        Topic.ROUTINGS,
        Topic.ACTIONS,
        Topic.DECISIONS,
        Topic.MEETINGS,
    }
)


def keys_of(changes: Iterable[Change]) -> frozenset[ChangeKey]:
    """The change keys a batch of committed changes touches (unknown tables: none)."""
    keys: set[ChangeKey] = set()
    for change in changes:
        general = _TABLE_KEYS.get(change.table)
        if general is None:
            continue
        keys |= general
        for column, name in (_ROW_KEYS | _REFERRAL_KEYS).items():
            if column in change.ids:
                keys.add(record_key(name, int(change.ids[column])))
        own = _OWN_ID_KEYS.get(change.table)
        if own is not None and "id" in change.ids:
            keys.add(record_key(own, int(change.ids["id"])))
        if change.table == "referrals" and "id" in change.ids:
            keys.add(record_key(Kind.REFERRAL, int(change.ids["id"])))
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
