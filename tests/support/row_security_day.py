"""A multi-agency day on a shared server, built through the services, for row-security tests.

Checks asked of police, health and education; a meeting police and health attend; a decision
with actions for police and education; a routing handed to health, another still open to
police; police's dissent. :func:`build_world` builds it once and works out, for every login,
the row keys its services show it (nothing derived from a second copy of the policies' SQL).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from psycopg import errors as pg_errors
from sqlalchemy import Connection, text
from sqlalchemy.exc import ProgrammingError

from mash_desk.domain.enums import Role
from mash_desk.domain.errors import NotFound, ValidationError
from mash_desk.services.decisions import ActionInput
from mash_desk.services.desk import Desk
from mash_desk.services.dto import Actor, ReferralDTO
from mash_desk.services.inputs import AttachmentInput, ConsentInput
from mash_desk.services.routing import RoutingInput
from mash_desk.services.search import ChildQuery
from mash_desk.services.strategy import StrategyInput
from mash_desk.storage import server_policies
from tests.conftest import NOW
from tests.services.test_checks import ask, make_referral
from tests.services.test_decisions import details
from tests.services.test_meetings import quorate
from tests.services.test_routing import completed
from tests.support.helpers import child, contact
from tests.support.server import ServerDb

REFUSED = "refused"
PARTNERS = ("police", "health", "education")
FRONT_DOOR = (Role.PRACTITIONER, Role.MANAGER, Role.CHAIR)
CHILDREN = (("Amira", "Hassan"), ("Ben", "Carter"), ("Carl", "Dunn"), ("Dina", "Evans"))

Rows = set[tuple] | str


@dataclass
class Rep:
    """A partner agency's rep: login, Actor, and a desk on that login."""

    login: str
    actor: Actor
    desk: Desk


@dataclass
class World:
    """The shared server after the day, and what each login is expected to see."""

    server: ServerDb
    reps: dict[str, Rep]
    expected: dict[str, dict[str, Rows]] = field(default_factory=dict)
    tables: list[str] = field(default_factory=list)
    logged_upto: tuple[int, int] = (0, 0)
    """The newest audit and access rows when ``expected`` was worked out."""


def _keys(conn: Connection, table: str) -> list[str]:
    return list(
        conn.execute(
            text(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
                "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                "WHERE i.indrelid = CAST(:t AS regclass) AND i.indisprimary ORDER BY a.attnum"
            ),
            {"t": f'"{table}"'},
        ).scalars()
    )


def _rows(conn: Connection, table: str, keys: list[str]) -> Rows:
    """The primary keys of ``table`` this connection sees, or REFUSED."""
    columns = ", ".join(f'"{k}"' for k in keys)
    try:
        return {tuple(r) for r in conn.execute(text(f'SELECT {columns} FROM "{table}"'))}
    except ProgrammingError as exc:
        assert isinstance(exc.orig, pg_errors.InsufficientPrivilege), exc.orig
        return REFUSED


def _where(owner: Connection, table: str, condition: str, **params: object) -> set[tuple]:
    return {
        tuple(r) for r in owner.execute(text(f"SELECT id FROM {table} WHERE {condition}"), params)
    }


def _ids(values: object) -> set[tuple]:
    return {(v,) for v in values}  # type: ignore[attr-defined]


def _build_day(made: ServerDb) -> dict[str, Rep]:
    """The multi-agency day, through the services (the owner's desk, each person's actor)."""
    owner = made.owner
    p, chair = made.actors[Role.PRACTITIONER], made.actors[Role.CHAIR]
    logins = {"police": made.logins[Role.PARTNER]}
    for code in PARTNERS[1:]:
        logins[code], rep = made.add_person(Role.PARTNER, code, f"rep-{code}")
        if code == "health":
            health_rep = rep.user_id
    amira = make_referral(owner, p, "amber", address="1 Elm Row", postcode="N1 1AA")
    ben = make_referral(owner, p, "amber", given="Ben", family="Carter", address="2 Oak Row")
    carl = make_referral(owner, p, "green", given="Carl", family="Dunn", address="3 Ash Row")
    ask(owner, p, amira, "police", "health")
    ask(owner, p, ben, "education")
    meeting = owner.meetings.create_today(chair).value
    # Police and health attend; education does not (it may not dissent from its decisions).
    quorate(owner, chair, meeting.id, ("social_care", "police", "health"))
    due = date(2026, 11, 24)
    actions = (
        ActionInput("Police welfare visit", due, "police"),
        ActionInput("School attendance plan", due, "education"),
    )
    draft = owner.decisions.draft(p, ben.id, details(actions=actions), meeting.id).value
    owner.decisions.sign(chair, draft.id, draft.version)
    # Carl: an action owned by the health rep in person, not by an agency. It alone opens Carl,
    # his referral and the decision to health (the policies' "or the rep's own" door).
    named = ActionInput("Named nurse visit", due, owner_user_id=health_rep)
    carl_draft = owner.decisions.draft(p, carl.id, details(actions=(named,)), meeting.id).value
    owner.decisions.sign(chair, carl_draft.id, carl_draft.version)
    routing = owner.routing.create(
        p,
        ben.person_id,
        RoutingInput(
            "transfer",
            "health",
            "Health-led plan",
            3,
            "Handover for health",
            from_agency="social_care",
        ),
    ).value
    completed(owner, p, routing)
    # Still open (not handed over): police may not see it yet, nor Carl through it.
    owner.routing.create(
        p,
        carl.person_id,
        RoutingInput(
            "transfer",
            "police",
            "Police-led plan",
            3,
            "Handover for police",
            from_agency="social_care",
        ),
    )
    _fill_the_rest(made, amira, meeting.id)
    reps = {}
    for code, login in logins.items():
        desk, actor = made.desk_of(login)
        reps[code] = Rep(login, actor, desk)
    # Each rep works through its own login: a return, a progress note, an acknowledgement,
    # a dissent (so every partner-written table has rows of more than one agency).
    police, health, education = (reps[c] for c in PARTNERS)
    (check,) = police.desk.checks.inbox(police.actor)
    opened = police.desk.checks.open_request(police.actor, check.id)
    police.desk.checks.return_findings(police.actor, check.id, opened.version, nothing_known=True)
    (work,) = education.desk.actions.inbox(education.actor)
    education.desk.actions.update(education.actor, work.id, work.version, "Plan agreed")
    (handed,) = health.desk.routing.inbox(health.actor)
    health.desk.routing.acknowledge(health.actor, handed.id, handed.version)
    police.desk.decisions.record_dissent(police.actor, draft.id, "police", "s47 threshold met")
    health.desk.decisions.record_dissent(health.actor, draft.id, "health", "Level too low")
    return reps


def _fill_the_rest(made: ServerDb, amira: ReferralDTO, meeting_id: int) -> None:
    """Rows in every other case table, so "none of it" is tested on rows that exist."""
    owner = made.owner
    p, chair = made.actors[Role.PRACTITIONER], made.actors[Role.CHAIR]
    # Dina: a contact with a risk indicator, an attachment and a consent; screened; taken.
    dina = owner.contacts.log(
        p,
        contact(
            child(
                "Dina",
                "Evans",
                nhs_number="9434765919",
                consents=(ConsentInput("share_information", "given"),),
            ),
            referrer_phone="01632 960123",
            risk_indicators=("domestic_abuse",),
            attachments=(
                AttachmentInput("referral-form.pdf", b"%PDF-1.4\n% synthetic referral form\n"),
            ),
        ),
    ).value.children[0]
    screened = owner.screening.screen(
        p, dina.id, dina.version, indicators=["l2-persistent-absence"]
    )
    owner.allocation.take(p, "contact", dina.id, screened.value.version)
    # Amira: an s47 decision at the meeting (health to act, a pathway), its strategy
    # discussion, an issued and printed memo, and a sibling link to Ben.
    action = ActionInput("Health visitor home visit", date(2026, 11, 19), "health")
    draft = owner.decisions.draft(
        p,
        amira.id,
        details("strategy_discussion_s47", actions=(action,), pathways=("marac",)),
        meeting_id,
    ).value
    decision = owner.decisions.sign(chair, draft.id, draft.version).value
    owner.strategy.record(
        chair,
        decision.id,
        StrategyInput(
            NOW,
            (("social_care", "SW Patel"), ("police", "DC Lee"), ("health", "Dr Ahmed")),
            "proceed",
            "Reasonable cause to suspect significant harm.",
        ),
    )
    # Amended after the meeting: health's visit is superseded (kept, no longer work: the
    # service tells health so), police gets the new action.
    police_action = ActionInput("Joint visit with the social worker", date(2026, 11, 20), "police")
    owner.decisions.amend(
        chair,
        decision.id,
        decision.version,
        details("strategy_discussion_s47", actions=(police_action,), pathways=("marac",)),
        "Police returned more information after the meeting",
    )
    memo = owner.documents.issue_memo(p, decision.id).value
    assert memo.pdf is not None
    owner.documents.record_output(p, memo.id, "print", "MASH printer", memo.pdf)
    with made.raw("postgres") as conn:
        ben = conn.execute(text("SELECT max(id) FROM people WHERE family_name = 'Carter'"))
        ben_id = ben.scalar_one()
        # Service episodes come from the council's case system, not from a desk service.
        conn.execute(
            text(
                "INSERT INTO service_episodes (person_id, service, started_on) "
                "VALUES (:p, 'child_in_need', DATE '2026-01-05')"
            ),
            {"p": ben_id},
        )
    owner.people.link(p, amira.person_id, ben_id, "sibling")
    # A QA sample drawn by the performance officer through its own login.
    perf_desk, perf = made.desk_as(Role.PERFORMANCE)
    perf_desk.qa.draw_sample(perf, size=1, seed=1)


def _amending(owner: Connection, mash: tuple[Desk, Actor], superseded: set[int]) -> set[int]:
    """The signed versions that superseded these actions' decisions (the service says so)."""
    desk, manager = mash
    found = set()
    for referral_id, revision in owner.execute(
        text(
            "SELECT d.referral_id, d.revision FROM decision_actions a "
            "JOIN decisions d ON d.id = a.decision_id WHERE a.id = ANY(:a)"
        ),
        {"a": list(superseded)},
    ):
        found |= {
            d.id
            for d in desk.decisions.history(manager, referral_id)
            if d.revision > revision and d.status == "signed"
        }
    return found


def _partner_expected(
    owner: Connection, rep: Rep, code: str, mash: tuple[Desk, Actor]
) -> dict[str, Rows]:
    """What the partner services show ``rep``, as row keys (the rest of its tables: none)."""
    desk, me = rep.desk, rep.actor
    checks = {i.id for i in desk.checks.inbox(me, include_closed=True)}
    routings = {r.id for r in desk.routing.inbox(me, include_closed=True)}
    actions = desk.actions.inbox(me, include_closed=True)
    # An action the rep may not work is "not found"; its own (current, closed or superseded)
    # is refused for the missing note. Nothing is written either way.
    action_ids, superseded = set(), set()
    for action_id, version in owner.execute(text("SELECT id, version FROM decision_actions")):
        try:
            desk.actions.update(me, action_id, version, None)
        except NotFound:
            continue
        except ValidationError as refusal:
            action_ids.add(action_id)
            if "latest" in refusal.rules:
                superseded.add(action_id)
    assert {a.id for a in actions} <= action_ids
    people: set[int] = set()
    for given, family in CHILDREN:
        found = desk.search.find(me, ChildQuery(f"{given} {family}")).children
        people |= {c.person.id for c in found}
    decision_ids = owner.execute(text("SELECT id FROM decisions")).scalars().all()
    dissentable = set()
    for decision_id in decision_ids:
        # A blank reason is refused after the decision is found and before anything is
        # written: "not found" means the rep does not know the decision.
        try:
            desk.decisions.record_dissent(me, decision_id, code, " ")
        except NotFound:
            continue
        except ValidationError:
            dissentable.add(decision_id)
    of_actions = _where(
        owner,
        "decisions",
        "id IN (SELECT decision_id FROM decision_actions WHERE id = ANY(:a))",
        a=list(action_ids),
    )
    decisions = {d[0] for d in of_actions} | dissentable | _amending(owner, mash, superseded)
    referrals = {a.referral_id for a in actions} | set(
        owner.execute(
            text("SELECT referral_id FROM agency_check_requests WHERE id = ANY(:ids)"),
            {"ids": list(checks)},
        ).scalars()
    )
    meetings = set(
        owner.execute(
            text("SELECT meeting_id FROM decisions WHERE id = ANY(:ids)"),
            {"ids": list(dissentable)},
        ).scalars()
    )
    escalations = _where(
        owner, "escalations", "agency_id = (SELECT id FROM agencies WHERE code = :c)", c=code
    )
    escalation_ids = [e[0] for e in escalations]
    updates = _where(owner, "decision_action_updates", "action_id = ANY(:a)", a=list(action_ids))
    assert len(updates) >= sum(len(a.updates) for a in actions)
    return {
        "agency_check_requests": _ids(checks),
        "routings": _ids(routings),
        "routing_informing": _where(
            owner, "routing_informing", "routing_id = ANY(:r)", r=list(routings)
        ),
        "decision_actions": _ids(action_ids),
        "decision_action_updates": updates,
        "decisions": _ids(decisions),
        "referrals": _ids(referrals),
        "people": _ids(people),
        "households": _where(
            owner,
            "households",
            "id IN (SELECT household_id FROM people WHERE id = ANY(:p))",
            p=list(people),
        ),
        "meeting_attendance": _where(
            owner, "meeting_attendance", "meeting_id = ANY(:m)", m=list(meetings)
        ),
        "escalations": escalations,
        "escalation_steps": _where(
            owner, "escalation_steps", "escalation_id = ANY(:e)", e=escalation_ids
        ),
        # Its own log rows only (the desk writes them with RETURNING id).
        "audit_log": _where(owner, "audit_log", "user_id = :u", u=me.user_id),
        "access_log": _where(owner, "access_log", "user_id = :u", u=me.user_id),
    }


def _granted(owner: Connection, group: str, table: str) -> bool:
    return bool(
        owner.execute(
            text("SELECT has_any_column_privilege(:g, CAST(:t AS regclass), 'SELECT')"),
            {"g": group, "t": f'"{table}"'},
        ).scalar_one()
    )


def _expectations(world: World) -> None:
    made = world.server
    with made.raw("postgres") as owner:
        mash = (made.owner, made.actors[Role.MANAGER])
        partner = {
            code: _partner_expected(owner, rep, code, mash) for code, rep in world.reps.items()
        }
        world.tables = list(
            owner.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
            ).scalars()
        )
        everything = {t: _rows(owner, t, _keys(owner, t)) for t in world.tables}
        logins = {
            role.value: (role, made.logins[role]) for role in Role if role is not Role.PARTNER
        }
        logins |= {code: (Role.PARTNER, rep.login) for code, rep in world.reps.items()}
        for name, (role, login) in logins.items():
            seen: dict[str, Rows] = {}
            for table in world.tables:
                if not _granted(owner, made.group(role), table):
                    seen[table] = REFUSED
                elif role is Role.PARTNER and table not in server_policies.SHARED:
                    seen[table] = partner[name].get(table, set())
                else:
                    seen[table] = everything[table]
            world.expected[login] = seen


def build_world(made: ServerDb) -> World:
    """Build the day on ``made`` and what each login's services show of it."""
    built = World(made, _build_day(made))
    current_expectations(built)
    return built


def current_expectations(world: World) -> dict[str, dict[str, Rows]]:
    """What each login should see now: worked out again once another test has logged more.

    Tests sharing the world write access and audit rows through its logins (a drill-down, a
    census check); the rows every MASH login may read then grow after the day was built.
    """
    if _logged_upto(world) != world.logged_upto:
        _expectations(world)
        # Working it out reads through the services, which log too: the mark is taken after.
        world.logged_upto = _logged_upto(world)
    return world.expected


def _logged_upto(world: World) -> tuple[int, int]:
    with world.server.raw("postgres") as owner:
        audit, access = (
            int(owner.execute(text(f"SELECT coalesce(max(id), 0) FROM {log}")).scalar_one())
            for log in ("audit_log", "access_log")
        )
    return audit, access


def owner_ids(world: World, sql: str) -> list[int]:
    """Run ``sql`` as the owner (row security does not apply) and return its first column."""
    with world.server.raw("postgres") as owner:
        return list(owner.execute(text(sql)).scalars())
