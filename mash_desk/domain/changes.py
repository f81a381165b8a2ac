"""What a saved change touched: the small vocabulary views refresh on (issue 17 item 4).

A service's result names what its transaction changed (``OpResult.changed``); the desk's
change hub (``gui/session.py``) passes those keys to every open view, and on a shared server
other desks' commits arrive as the same keys (``services/live.py`` turns the server's change
feed into them). A view refreshes only when a key that concerns it arrives, as in Anki.

Two kinds of key, both plain strings underneath so they travel through Qt signals unchanged:

* a :class:`Topic` — a list some view shows (the queue, today's meetings, the routings);
* a record key — one record of a :class:`Kind`, made by :func:`record_key` (``person:7``),
  or one partner agency's inbox, made by :func:`agency_inbox` (``agency_inbox:police``).

Everything is typed: :data:`ChangeKey` is what ``OpResult.changed`` holds, and a bare string
does not type-check there, so a misspelt key fails mypy instead of silently never refreshing.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import NewType


class Topic(StrEnum):
    """A list or figure a view shows, refreshed whenever anything in it changed."""

    QUEUE = "queue"  # the work queue: open contacts and referrals awaiting decision
    WORKLOAD = "workload"  # each worker's allocated work (team managers)
    AGENCY_CHECKS = "agency_checks"  # partner agencies' check requests and returns
    ROUTINGS = "routings"  # step-ups, step-downs and transfers still to complete
    STRATEGY = "strategy"  # strategy discussions and their s47 / ICPC clocks
    MEETINGS = "meetings"  # the daily MASH meeting: agenda, attendance, decisions
    DECISIONS = "decisions"  # signed and draft decisions
    ACTIONS = "actions"  # the actions decisions set, and their updates
    ESCALATIONS = "escalations"  # professional disagreements and their stages
    FEEDBACK = "feedback"  # what referrers were told of the decision
    THRESHOLDS = "thresholds"  # the threshold documents installed and in force
    USERS = "users"  # user accounts
    QA = "qa"  # consistency QA samples and re-ratings
    DOCUMENTS = "documents"  # issued memos and minutes
    EXPORTS = "exports"  # reports written out (each one is audited)
    RETURNS = "returns"  # statutory returns written out
    AUDIT = "audit"  # the audit log itself (an export that names children is a record)


class Kind(StrEnum):
    """A kind of record whose own views (a child's case, one meeting) refresh by id."""

    PERSON = "person"
    CONTACT = "contact"
    REFERRAL = "referral"
    MEETING = "meeting"
    ROUTING = "routing"
    DOCUMENT = "document"
    QA_SAMPLE = "qa_sample"
    ACTION = "action"
    DECISION = "decision"


INBOX = "agency_inbox"
RecordKey = NewType("RecordKey", str)
"""One record's key, ``"<kind>:<id>"``; made only by :func:`record_key`."""

ChangeKey = Topic | RecordKey
"""What ``OpResult.changed`` holds and the change hub announces."""


def record_key(kind: Kind, record_id: int) -> RecordKey:
    """The key of one record: ``record_key(Kind.PERSON, 7) == "person:7"``."""
    return RecordKey(f"{kind.value}:{int(record_id)}")


def agency_inbox(agency_code: str) -> RecordKey:
    """The key of one partner agency's inbox: its check requests and the actions it owns."""
    return RecordKey(f"{INBOX}:{agency_code}")


def change_keys(*keys: ChangeKey) -> frozenset[ChangeKey]:
    """The keys a result names, as ``OpResult.changed`` holds them."""
    return frozenset(keys)


def record_keys(kind: Kind, ids: Iterable[int]) -> frozenset[RecordKey]:
    """The keys of several records of one kind."""
    return frozenset(record_key(kind, i) for i in ids)


def is_key(text: str) -> bool:
    """Whether ``text`` is a key of the vocabulary (a topic, or ``<kind>:<digits>``)."""
    if text in Topic._value2member_map_:
        return True
    kind, _, rest = text.partition(":")
    if kind == INBOX:
        return bool(rest) and rest.replace("_", "").isalnum()
    return kind in Kind._value2member_map_ and rest.isdigit()
