"""What users wait for, through the services the screens call, each beside its floor (issue 16).

Operations (the service call, as the widget named makes it):

* ``open_case_typical`` / ``open_case_longest`` — ``desk.case.view`` (gui/case_view.py, a
  write unit: it logs the access) for a child picked at random among those with front-door
  history, and for the child with the longest history in the database;
* ``meeting_agenda`` — ``desk.meetings.today`` as the chair (gui/meeting_mode.py);
* ``decision_sign`` — ``desk.decisions.sign`` of a draft on today's agenda (gui/meeting/writes);
* ``partner_inbox`` — ``desk.checks.inbox`` as a police rep (gui/partner_inbox.py);
* ``record_outcome`` — ``desk.outcomes.record`` of NFA on an open contact (gui/outcome_dialog);
* ``find_child`` — ``desk.search.find`` of a stored child's "given family" (gui/find_child.py);
* ``queue_first_page`` — ``desk.queue.page`` of 50 rows as the practitioner (gui/queue_view.py).

Floors are in :mod:`benchmarks.screen_floors`. Writes consume prepared work (drafts, open
contacts) made untimed through the services before anything is timed: app and floor each get
their own, so neither ever re-does the other's (cheaper) no-op.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from benchmarks import screen_floors as floors
from benchmarks import statements
from benchmarks.harness import SEED, _same
from benchmarks.rawsql import Raw
from mash_desk.domain.enums import Rag
from mash_desk.services.decisions import ActionInput, DecisionInput
from mash_desk.services.desk import Desk
from mash_desk.services.dto import Actor
from mash_desk.services.inputs import (
    ChildOnContact,
    NewContact,
    NewPerson,
    OutcomeInput,
    ReferralDetails,
)
from mash_desk.services.meetings import meeting_policy
from mash_desk.services.search import ChildQuery

OPERATIONS = (
    "open_case_typical",
    "open_case_longest",
    "meeting_agenda",
    "decision_sign",
    "partner_inbox",
    "record_outcome",
    "find_child",
    "queue_first_page",
)
WRITES = frozenset({"decision_sign", "record_outcome"})
VARYING = frozenset({"open_case_typical", "find_child"})  # reads whose probe changes per run
ROLES = ("practitioner", "chair", "police")
# First touches per operation and side, each in a fresh process (benchmarks/cold.py): one
# first call is a single sample of a few milliseconds, at the mercy of whatever else the
# machine did in that instant; the report gives the median of these.
COLD_SAMPLES = 5


@dataclass
class Seat:
    """One signed-in desk: its services, its actor and a raw connection for floors."""

    desk: Desk
    actor: Actor
    raw: Raw

    def close(self) -> None:
        """Release both connections."""
        self.raw.close()
        self.desk.close()


def seat(desk: Desk, actor: Actor) -> Seat:
    """A seat on ``desk`` for ``actor``."""
    return Seat(desk, actor, Raw(desk, actor.user_id))


class ScreenScenarios:
    """The screens' operations on one database (SQLite file or PostgreSQL database)."""

    def __init__(self, seats: dict[str, Seat], repeat: int):
        self.seats = seats
        self.repeat = repeat
        self.work = seats["practitioner"]
        self.ctx = self.work.desk.ctx
        self.now = self.ctx.clock.now()
        self.today = self.ctx.today()
        raw = self.work.raw
        rng = random.Random(SEED)
        known = raw.all(
            "SELECT DISTINCT person_id FROM contact_children WHERE person_id % 97 = 5 "
            "ORDER BY person_id LIMIT 2000"
        )
        self.typical = [p for (p,) in rng.sample(known, min(len(known), repeat + 2))]
        self.longest = raw.one(
            "SELECT person_id FROM (SELECT person_id FROM contact_children UNION ALL "
            "SELECT person_id FROM referrals) AS w GROUP BY person_id "
            "ORDER BY count(*) DESC, person_id LIMIT 1"
        )[0]
        names = raw.all(
            "SELECT given_name, family_name FROM people WHERE kind = 'child' AND id % 89 = 3 "
            "AND given_name NOT LIKE :sp AND family_name NOT LIKE :sp ORDER BY id LIMIT 500",
            {"sp": "% %"},
        )
        self.names = rng.sample(names, min(len(names), repeat + 2))
        self.drafts: dict[str, list[tuple[int, int]]] = {"app": [], "floor": []}
        self.contacts: dict[str, list[tuple[int, int]]] = {"app": [], "floor": []}
        # Per side: one for the answer check, one warm-up, ``repeat`` timed, ``COLD_SAMPLES``
        # first touches after the desk's warm-up and one before it (benchmarks/cold.py).
        per_side = repeat + 2 + COLD_SAMPLES + 1
        self._prepare_meeting(2 * per_side)
        self._prepare_contacts(2 * per_side)

    def probes(self) -> dict[str, Any]:
        """The probes chosen and the work prepared, for a first-touch process (``cold``)."""
        return {
            "typical": self.typical,
            "longest": self.longest,
            "names": self.names,
            "drafts": self.drafts,
            "contacts": self.contacts,
            "cold_index": self.repeat + 2,
            "cold_samples": COLD_SAMPLES,
        }

    @classmethod
    def from_probes(cls, seats: dict[str, Seat], probes: dict[str, Any]) -> ScreenScenarios:
        """Scenarios over probes another process chose and prepared (nothing written here)."""
        self = cls.__new__(cls)
        self.seats, self.repeat, self.work = seats, probes["cold_index"] - 2, seats["practitioner"]
        self.ctx = self.work.desk.ctx
        self.now, self.today = self.ctx.clock.now(), self.ctx.today()
        self.typical, self.longest = probes["typical"], probes["longest"]
        self.names = [tuple(n) for n in probes["names"]]
        self.drafts = {k: [tuple(d) for d in v] for k, v in probes["drafts"].items()}
        self.contacts = {k: [tuple(c) for c in v] for k, v in probes["contacts"].items()}
        return self

    # -- untimed preparation, through the services --------------------------------------------
    def _log(self, n: int, outcome: bool) -> tuple[int, int]:
        """Log a new one-child green contact; return (contact child id, version)."""
        practitioner = self.work.actor
        logged = self.work.desk.contacts.log(
            practitioner,
            NewContact(
                received_at=self.now - timedelta(minutes=30),
                channel="phone",
                referral_source="2A",
                concerns="Class teacher reports the child arrived hungry on three days.",
                referrer_name="Bench Referrer",
                risk_indicators=("neglect",),
                children=(
                    ChildOnContact(
                        new=NewPerson(
                            "Screen" + "".join(chr(ord("a") + int(d)) for d in str(n)),
                            "Bench" + ("o" if outcome else "m"),
                            date_of_birth=date(2012, 1, 1) + timedelta(days=n),
                        ),
                        rag=Rag.GREEN,
                        rag_reason="School concern",
                    ),
                ),
            ),
        ).value
        cc = logged.children[0]
        return cc.id, cc.version

    def _prepare_contacts(self, count: int) -> None:
        for n in range(count):
            self.contacts["app" if n % 2 == 0 else "floor"].append(self._log(n, True))

    def _prepare_meeting(self, drafts: int) -> None:
        desk, chair = self.seats["chair"].desk, self.seats["chair"].actor
        practitioner = self.work.actor
        meeting = desk.meetings.today(chair)
        if meeting is None:
            meeting = desk.meetings.create_today(chair).value
        for code in meeting_policy(self.ctx).quorum:
            desk.meetings.record_attendance(chair, meeting.id, code, f"Rep of {code}")
        awaiting = [a for a in meeting.agenda if a.status == "pending"]
        for n in range(max(0, drafts - len(awaiting))):
            cc_id, version = self._log(n, False)
            desk.outcomes.record(
                practitioner,
                cc_id,
                version,
                OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails("N1")),
            )
        meeting = desk.meetings.refresh_agenda(chair, meeting.id).value
        self.meeting_id = meeting.id
        pending = [a for a in meeting.agenda if a.status == "pending"][:drafts]
        for n, item in enumerate(pending):
            draft = desk.decisions.draft(
                practitioner,
                item.referral_id,
                DecisionInput(
                    outcome="single_assessment_s17",
                    rationale="Needs are not met without an assessment and the school's support.",
                    indicators=("l3-pregnant-young-person",),
                    allocated_team="First Response",
                    pathways=("health_notification",),
                    actions=(ActionInput("Home visit and report back", self.today, "police"),),
                    inform_family="Mother told by phone",
                    inform_referrer="School DSL told",
                ),
                meeting.id,
            ).value
            self.drafts["app" if n % 2 == 0 else "floor"].append((draft.id, draft.version))

    # -- the pairs -----------------------------------------------------------------------------
    def pair(self, name: str) -> tuple[Callable[[int], Any], Callable[[int], Any]]:
        """Return the (app, floor) callables of one operation, taking a probe index."""
        return {
            "open_case_typical": (self.case_app, self.case_floor),
            "open_case_longest": (
                lambda _i: self.case_app(-1),
                lambda _i: self.case_floor(-1),
            ),
            "meeting_agenda": (self.agenda_app, self.agenda_floor),
            "decision_sign": (self.sign_app, self.sign_floor),
            "partner_inbox": (self.inbox_app, self.inbox_floor),
            "record_outcome": (self.outcome_app, self.outcome_floor),
            "find_child": (self.find_app, self.find_floor),
            "queue_first_page": (self.queue_app, self.queue_floor),
        }[name]

    def _child(self, i: int) -> int:
        return self.longest if i < 0 else self.typical[i % len(self.typical)]

    def case_app(self, i: int) -> Any:
        """Open a case as the case view does."""
        return self.work.desk.case.view(self.work.actor, self._child(i))

    def case_floor(self, i: int) -> Any:
        """The same tables for that child by hand-written SQL; one access row."""
        return floors.open_case(self.work.raw, self._child(i), self.now, self.today)

    def agenda_app(self, _i: int) -> Any:
        """Open today's meeting as meeting mode does."""
        return self.seats["chair"].desk.meetings.today(self.seats["chair"].actor)

    def agenda_floor(self, _i: int) -> Any:
        """Today's meeting by hand-written SQL."""
        return floors.meeting_agenda(self.seats["chair"].raw, self.today)

    def sign_app(self, i: int) -> Any:
        """Sign prepared draft ``i`` as the chair's click does."""
        decision_id, version = self.drafts["app"][i]
        chair = self.seats["chair"]
        return chair.desk.decisions.sign(chair.actor, decision_id, version)

    def sign_floor(self, i: int) -> Any:
        """Sign the floor's draft ``i`` by hand-written SQL."""
        due = self.ctx.deadlines.due(meeting_policy(self.ctx).referrer_feedback, self.now)
        return floors.sign_decision(
            self.seats["chair"].raw, self.drafts["floor"][i][0], self.now, due
        )

    def inbox_app(self, _i: int) -> Any:
        """The police rep's inbox."""
        return self.seats["police"].desk.checks.inbox(self.seats["police"].actor)

    def inbox_floor(self, _i: int) -> Any:
        """The same checks by hand-written SQL."""
        return floors.partner_inbox(self.seats["police"].raw)

    def outcome_app(self, i: int) -> Any:
        """Record NFA on prepared open contact ``i``."""
        cc_id, version = self.contacts["app"][i]
        return self.work.desk.outcomes.record(
            self.work.actor, cc_id, version, OutcomeInput(outcomes=("nfa",))
        )

    def outcome_floor(self, i: int) -> Any:
        """Record it by hand-written SQL on the floor's own contact ``i``."""
        return floors.record_outcome(self.work.raw, self.contacts["floor"][i][0], self.now)

    def find_app(self, i: int) -> Any:
        """Find a child by typed name, as the find dialog does."""
        given, family = self.names[i % len(self.names)]
        return self.work.desk.search.find(self.work.actor, ChildQuery(text=f"{given} {family}"))

    def find_floor(self, i: int) -> Any:
        """The same search by hand-written SQL."""
        given, family = self.names[i % len(self.names)]
        return floors.find_child(self.work.raw, given, family, self.now, self.today)

    def queue_app(self, _i: int) -> Any:
        """The queue's first page, as the queue view asks for it."""
        return self.work.desk.queue.page(self.work.actor, size=floors.QUEUE_PAGE)

    def queue_floor(self, _i: int) -> Any:
        """The same page by hand-written SQL."""
        return floors.queue_first_page(self.work.raw, self.today)

    # -- the answers -----------------------------------------------------------------------
    def check_answers(self) -> None:
        """Fail loudly when a floor's answer differs from the app's (run before timing)."""
        for name, i in (("open_case_typical", 0), ("open_case_longest", -1)):
            case = self.case_app(i)
            found = self.case_floor(i)
            _same(
                name,
                (
                    case.child.id,
                    [r.id for r in case.referrals],
                    [[d.id for d in r.decisions] for r in case.referrals],
                    len(case.consents),
                    sum(1 for e in case.events if e.kind == "contact"),
                    sorted(m.person.id for m in case.household),
                ),
                (
                    found["child"],
                    found["referrals"],
                    found["decisions"],
                    found["consents"],
                    found["contacts"],
                    found["household"],
                ),
            )
        meeting = self.agenda_app(0)
        _same("meeting_agenda", sorted(a.referral_id for a in meeting.agenda), self.agenda_floor(0))
        _same("partner_inbox", [c.id for c in self.inbox_app(0)], self.inbox_floor(0))
        for i in range(2):
            _same(
                "find_child", [c.person.id for c in self.find_app(i).children], self.find_floor(i)
            )
        _same(
            "queue_first_page",
            [(r.kind, r.item_id) for r in self.queue_app(0).rows],
            self.queue_floor(0),
        )
        self.sign_app(0)
        self.sign_floor(0)
        _same(
            "decision_sign",
            self._signed(self.drafts["app"][0][0]),
            self._signed(self.drafts["floor"][0][0]),
        )
        self.outcome_app(0)
        self.outcome_floor(0)
        _same(
            "record_outcome",
            self._closed(self.contacts["app"][0][0]),
            self._closed(self.contacts["floor"][0][0]),
        )

    def _signed(self, decision_id: int) -> tuple[Any, ...]:
        return self.work.raw.one(
            "SELECT d.status, r.status, (SELECT status FROM agenda_items WHERE referral_id = "
            "r.id AND meeting_id = d.meeting_id), (SELECT count(*) FROM referrer_feedback WHERE "
            "decision_id = d.id), (SELECT count(*) FROM audit_log WHERE entity = 'decision' AND "
            "entity_id = d.id AND action = 'decision.signed'), d.version, r.level "
            "FROM decisions d JOIN referrals r ON r.id = d.referral_id WHERE d.id = :d",
            {"d": decision_id},
        )

    def _closed(self, cc_id: int) -> tuple[Any, ...]:
        return self.work.raw.one(
            "SELECT cc.status, cc.version, (SELECT count(*) FROM contact_outcomes o WHERE "
            "o.contact_child_id = cc.id AND o.outcome = 'nfa'), (SELECT count(*) FROM audit_log "
            "WHERE entity = 'contact_child' AND entity_id = cc.id AND "
            "action = 'contact.outcome_recorded') FROM contact_children cc WHERE cc.id = :c",
            {"c": cc_id},
        )

    def close(self) -> None:
        """Release every seat."""
        for s in self.seats.values():
            s.close()


def time_pair(
    app: Callable[[int], Any],
    floor: Callable[[int], Any],
    repeat: int,
    write: bool,
    varying: bool = True,
    budget_s: float = 60.0,
    counted: dict[str, int] | None = None,
) -> tuple[float, float, int]:
    """Median seconds of app and floor, interleaved, order alternating each round; rounds run.

    Reads whose probe varies are first run once untimed for every probe (as
    ``harness._medians``: no side meets a cold page first), other reads and writes once (a
    write consumes its probe: probe 0 is the answer check's, 1 the warm-up's, timed writes
    use 2..repeat+1). A slow operation stops after ``budget_s`` seconds of timed rounds (at
    least 3), so a 2-core machine finishes; the report says how many rounds were run.
    With ``counted``, a write's warm-up call on each side is counted (statements sent) into
    it: a write can be counted only on a call that is not timed, and consumes its probe.
    """
    warm = [1] if write else list(range(repeat if varying else 1))
    for i in warm:
        if write and counted is not None:
            counted["app"] = statements.count(app, i)
            counted["floor"] = statements.count(floor, i)
            continue
        app(i)
        floor(i)
    times: tuple[list[float], list[float]] = ([], [])
    sides = (app, floor)
    spent = 0.0
    for n in range(repeat):
        if n >= 3 and spent > budget_s:
            break
        i = n + 2 if write else n
        order = (0, 1) if n % 2 == 0 else (1, 0)
        for k in order:
            t0 = time.perf_counter()
            sides[k](i)
            took = time.perf_counter() - t0
            times[k].append(took)
            spent += took
    return statistics.median(times[0]), statistics.median(times[1]), len(times[0])
