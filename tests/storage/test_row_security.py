"""Row-level security on a shared server: each login reaches what its services show, no more.

A multi-agency day is built through the services (checks asked of police, health and
education; a meeting police and health attend; a decision with actions for police and
education; a routing handed to health, another still open to police; police's dissent).
Then, for every login and every public table, the row keys a raw connection with that
person's login returns are compared with the keys the services show that person: for a
partner rep, its inbox of checks, routings and actions, the children its search finds, the
decisions it may dissent from, and the rows hanging off those; for the front door, everything.
Nothing is derived from a second copy of the policies' SQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import pytest
from psycopg import errors as pg_errors
from sqlalchemy import Connection, text
from sqlalchemy.exc import ProgrammingError

from mash_desk.domain.clock import FixedClock
from mash_desk.domain.enums import Role
from mash_desk.domain.errors import NotFound, PermissionDenied, ValidationError
from mash_desk.services.decisions import ActionInput
from mash_desk.services.desk import Desk
from mash_desk.services.dto import Actor, ReferralDTO
from mash_desk.services.inputs import AttachmentInput, ConsentInput
from mash_desk.services.routing import RoutingInput
from mash_desk.services.search import ChildQuery
from mash_desk.services.strategy import StrategyInput
from mash_desk.storage import server_policies
from mash_desk.storage.database import make_engine
from mash_desk.storage.server import init_server
from tests.conftest import NOW
from tests.services.test_checks import ask, make_referral
from tests.services.test_decisions import details
from tests.services.test_meetings import quorate
from tests.services.test_routing import completed
from tests.support.helpers import child, contact
from tests.support.server import PASSWORD, ServerDb, drop_logins, make_server_db

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
        logins[code], _ = made.add_person(Role.PARTNER, code, f"rep-{code}")
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


@pytest.fixture(scope="module")
def world(templates, pg_server, tmp_path_factory) -> Iterator[World]:
    """One multi-agency day on a shared server, for every login's comparison."""
    made = make_server_db(templates, pg_server, tmp_path_factory.mktemp("rls"), FixedClock(NOW))
    try:
        built = World(made, _build_day(made))
        _expectations(built)
        yield built
    finally:
        drop_logins(made)


def test_every_table_has_a_row_decision(world):
    """A new table fails here until it says what a partner rep sees of it."""
    decided = set(server_policies.PARTNER) | server_policies.SHARED
    assert sorted(set(world.tables) - decided) == []
    assert sorted(set(server_policies.PARTNER) - set(world.tables)) == []


def test_the_day_reaches_every_partner_door(world):
    """The comparison means something: each rep has rows in its inbox, and not all rows."""
    for code in PARTNERS:
        seen = world.expected[world.reps[code].login]
        assert seen["people"], code
        everyone = world.expected[world.server.logins[Role.PRACTITIONER]]["people"]
        assert seen["people"] != everyone, code
    police = world.expected[world.reps["police"].login]
    assert police["escalations"] and police["decision_actions"] and police["meeting_attendance"]
    assert world.expected[world.reps["health"].login]["routings"]
    assert world.expected[world.reps["education"].login]["decision_action_updates"]


@pytest.mark.parametrize("who", [r.value for r in Role if r is not Role.PARTNER] + list(PARTNERS))
def test_a_login_sees_exactly_what_its_services_show(world, who):
    """For every public table: the raw login's rows equal the services' (REFUSED: no grant)."""
    made = world.server
    login = world.reps[who].login if who in PARTNERS else made.logins[Role(who)]
    expected = world.expected[login]
    with made.raw(login) as conn, made.raw("postgres") as owner:
        seen = {t: _rows(conn, t, _keys(owner, t)) for t in world.tables}
    wrong = {
        t: {
            "outside scope": sorted(seen[t] - expected[t]),
            "missing": sorted(expected[t] - seen[t]),
        }
        if isinstance(seen[t], set) and isinstance(expected[t], set)
        else (seen[t] if isinstance(seen[t], str) else "rows", expected[t])
        for t in world.tables
        if seen[t] != expected[t]
    }
    assert wrong == {}


def test_no_login_reads_a_password_hash(world):
    made = world.server
    for login in [*made.logins.values(), *made.extra_logins]:
        with made.raw(login) as conn:
            with pytest.raises(ProgrammingError) as caught:
                conn.execute(text("SELECT password_hash FROM users"))
            assert isinstance(caught.value.orig, pg_errors.InsufficientPrivilege)
            assert conn.execute(text("SELECT count(username) FROM users")).scalar_one() > 1


def _owner_ids(world: World, sql: str) -> list[int]:
    with world.server.raw("postgres") as owner:
        return list(owner.execute(text(sql)).scalars())


def _versions(world: World, table: str) -> dict[int, int]:
    with world.server.raw("postgres") as owner:
        return dict(owner.execute(text(f"SELECT id, version FROM {table}")).all())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("agency_check_requests", "agency_id"),
        ("routings", "to_agency_id"),
        ("decision_actions", "owner_agency_id"),
    ],
)
def test_a_rep_cannot_update_another_agencys_rows(world, table, column):
    """Police's raw UPDATE reaches only police rows; moving its own row away is refused."""
    police = world.reps["police"]
    before = _versions(world, table)
    others = [i for i in before if i not in {k[0] for k in world.expected[police.login][table]}]
    assert others, f"the day has {table} rows of other agencies"
    with world.server.raw(police.login) as conn:
        hit = conn.execute(
            text(f"UPDATE {table} SET version = version + 1 WHERE id = ANY(:ids)"),
            {"ids": others},
        )
        assert hit.rowcount == 0
        # Handing its own row to another agency would take it out of police's reach.
        own = [k[0] for k in world.expected[police.login][table]]
        if own:
            with pytest.raises(ProgrammingError) as caught:
                conn.execute(
                    text(f"UPDATE {table} SET {column} = {column} + 1 WHERE id = :i"),
                    {"i": own[0]},
                )
            assert isinstance(caught.value.orig, pg_errors.InsufficientPrivilege)
            assert "row-level security" in str(caught.value.orig)
    assert _versions(world, table) == before


def test_a_rep_cannot_write_in_another_agencys_or_persons_name(world):
    """Dissent for another agency, or an audit row in someone else's name, is refused."""
    police, health = world.reps["police"], world.reps["health"]
    counts = _owner_ids(world, "SELECT count(*) FROM escalations")
    with world.server.raw(police.login) as conn:
        for sql in (
            "INSERT INTO escalations (decision_id, agency_id, reason, raised_by, raised_at, "
            "stage, stage_started_at, due_at, status, version) SELECT d.id, a.id, 'Forged', "
            ":me, now(), 1, now(), now(), 'open', 1 FROM decisions d, agencies a "
            "WHERE a.code = 'health' LIMIT 1",
        ):
            with pytest.raises(ProgrammingError) as caught:
                conn.execute(text(sql), {"me": police.actor.user_id, "other": health.actor.user_id})
            assert isinstance(caught.value.orig, pg_errors.InsufficientPrivilege)
        logs_before = _owner_ids(world, "SELECT count(*) FROM audit_log")
        _forge_a_log_row(conn, health.actor.user_id)
    assert _owner_ids(world, "SELECT count(*) FROM escalations") == counts
    _no_row_in_anothers_name(world, health.actor.user_id, logs_before)


def _forge_a_log_row(conn: Connection, other: int) -> None:
    """Try to write an audit row naming ``other``: refused, or written in the session's name.

    Two layers answer it: row security refuses a row naming someone else, and the server's
    own trigger (storage/server_audit.py) rewrites the writer to the session's user before
    that check, so the row that lands, if any, names its real writer.
    """
    try:
        conn.execute(
            text(
                "INSERT INTO audit_log (at, user_id, action, entity, detail) "
                "VALUES (now(), :other, 'forged', 'user', '{}')"
            ),
            {"other": other},
        )
    except ProgrammingError as refused:
        assert isinstance(refused.orig, pg_errors.InsufficientPrivilege), refused.orig


def _no_row_in_anothers_name(world: World, other: int, before: list[int]) -> None:
    in_their_name = "SELECT count(*) FROM audit_log WHERE action = 'forged' AND user_id = "
    assert _owner_ids(world, in_their_name + str(other)) == [0]
    # Nothing older was touched: the log only ever grows.
    assert _owner_ids(world, "SELECT count(*) FROM audit_log")[0] >= before[0]


def test_a_person_cannot_claim_another_person_through_the_setting(world):
    """``mash.user_id`` names the person only for the owner's test sessions, never a login's."""
    police, health = world.reps["police"], world.reps["health"]
    with world.server.raw(police.login) as conn, world.server.raw("postgres") as owner:
        keys = _keys(owner, "agency_check_requests")
        conn.execute(
            text("SELECT set_config('mash.user_id', :i, false)"), {"i": str(health.actor.user_id)}
        )
        seen = _rows(conn, "agency_check_requests", keys)
    assert seen == world.expected[police.login]["agency_check_requests"]


# The identity and narrative a performance login must never read, as issue 13 item 3 names
# them (the policy's own list, AGGREGATE_COLUMNS, is checked against this, not copied).
NAMED_IN_THE_ISSUE = {
    "people": ("given_name", "family_name", "date_of_birth", "nhs_number", "upn", "school"),
    "households": ("address", "postcode"),
    "contacts": (
        "referrer_name",
        "referrer_phone",
        "referrer_email",
        "referrer_agency",
        "concerns",
    ),
    "decisions": ("rationale", "inform_family", "amendment_reason", "outcome_level_reason"),
    "threshold_assessments": ("rationale", "not_red_reason"),
    "contact_children": ("level_rationale",),
    "strategy_discussions": ("rationale",),
    "strategy_attendees": ("name",),
    "routings": ("reason", "handover_summary"),
    "decision_actions": ("description", "closing_note"),
    "agency_check_requests": ("question", "finding"),
    "issued_documents": ("model", "recipient", "subject"),
    "audit_log": ("detail",),
    "access_log": ("detail",),
}
# Where the day's family details are, read as the owner: the values no performance login
# may come across in any column it can read.
_FAMILY_VALUES = (
    "SELECT given_name, family_name, date_of_birth, nhs_number FROM people",
    "SELECT address, postcode FROM households",
    "SELECT referrer_name, referrer_phone, referrer_email, concerns FROM contacts",
)
# Longer than any code, date or team name: free text somebody wrote about a family.
FREE_TEXT = 30


def _case_columns(owner: Connection) -> dict[str, list[str]]:
    return {
        table: list(
            owner.execute(
                text(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                    "'public' AND table_name = :t ORDER BY ordinal_position"
                ),
                {"t": table},
            ).scalars()
        )
        for table in server_policies.PARTNER
    }


def _refused(conn: Connection, sql: str) -> bool:
    try:
        conn.execute(text(sql)).all()
    except ProgrammingError as exc:
        assert isinstance(exc.orig, pg_errors.InsufficientPrivilege), exc.orig
        conn.rollback()
        return True
    return False


def test_performance_login_reads_only_the_columns_that_count(world):
    """Every column of every case table: refused unless it is an id, code, date or figure."""
    made = world.server
    with made.raw("postgres") as owner:
        columns = _case_columns(owner)
    listed = {t: sorted(c - set(columns[t])) for t, c in server_policies.AGGREGATE_COLUMNS.items()}
    assert {t: c for t, c in listed.items() if c} == {}, "listed columns that do not exist"
    for table, named in NAMED_IN_THE_ISSUE.items():
        assert set(named) <= set(columns[table]), table
        assert not set(named) & server_policies.AGGREGATE_COLUMNS[table], table
    wrong = {}
    with made.raw(made.logins[Role.PERFORMANCE]) as conn:
        for table, names in columns.items():
            shown = server_policies.AGGREGATE_COLUMNS.get(table, frozenset())
            for column in names:
                refused = _refused(conn, f'SELECT "{column}" FROM "{table}"')
                if refused == (column in shown):
                    wrong[f"{table}.{column}"] = "refused" if refused else "readable"
            # Whole rows, as an ORM entity load or ``SELECT *`` in psql would read them.
            if len(shown) < len(names) and not _refused(conn, f'SELECT * FROM "{table}"'):
                wrong[f"{table}.*"] = "readable"
    assert wrong == {}


def _family_values(owner: Connection) -> set[object]:
    values: set[object] = set()
    for sql in _FAMILY_VALUES:
        for row in owner.execute(text(sql)):
            values |= {v for v in row if v not in (None, "")}
    for table, names in _case_columns(owner).items():
        for column in names:
            for (value,) in owner.execute(text(f'SELECT "{column}" FROM "{table}"')):
                if isinstance(value, str) and len(value) > FREE_TEXT:
                    values.add(value)
    return values


def test_nothing_a_performance_login_can_read_names_or_describes_a_family(world):
    """Every readable cell of every case table is compared with the family's details."""
    made = world.server
    group = made.group(Role.PERFORMANCE)
    with made.raw("postgres") as owner:
        family = _family_values(owner)
        readable = {
            table: [
                c
                for c in names
                if owner.execute(
                    text("SELECT has_column_privilege(:g, CAST(:t AS regclass), :c, 'SELECT')"),
                    {"g": group, "t": f'"{table}"', "c": c},
                ).scalar_one()
            ]
            for table, names in _case_columns(owner).items()
        }
    names = {v for v in family if isinstance(v, str) and len(v) >= 4}
    assert {"Amira", "Hassan", "1 Elm Row", "N1 1AA", "Jo Teacher"} <= names  # the day's own
    assert any(isinstance(v, date) for v in family)  # dates of birth
    seen: dict[str, object] = {}
    with made.raw(made.logins[Role.PERFORMANCE]) as conn:
        for table, columns in readable.items():
            if not columns:
                continue
            listed = ", ".join(f'"{c}"' for c in columns)
            for row in conn.execute(text(f'SELECT {listed} FROM "{table}"')):
                for column, value in zip(columns, row, strict=True):
                    leaked = value in family or (
                        isinstance(value, str)
                        and (len(value) > FREE_TEXT or any(n in value for n in names))
                    )
                    if leaked:
                        seen[f"{table}.{column}"] = value
    assert seen == {}


def test_performance_login_still_counts_everything(world):
    """count(*) of every case table and the usual breakdowns work on the withheld tables."""
    made = world.server
    breakdowns = (
        "SELECT channel, referral_source, count(*) FROM contacts GROUP BY 1, 2",
        "SELECT rag, level, status, count(*) FROM referrals GROUP BY 1, 2, 3",
        "SELECT outcome, level, count(*) FROM decisions GROUP BY 1, 2",
        "SELECT status, rag, count(*) FROM contact_children GROUP BY 1, 2",
        "SELECT sex, ethnicity, count(*) FROM people GROUP BY 1, 2",
        "SELECT kind, status, count(*) FROM routings GROUP BY 1, 2",
        "SELECT suggested_level, chosen_level, count(*) FROM threshold_assessments GROUP BY 1, 2",
        "SELECT action, count(*) FROM audit_log GROUP BY 1",
        "SELECT what, count(DISTINCT person_id) FROM access_log GROUP BY 1",
    )
    with made.raw("postgres") as owner, made.raw(made.logins[Role.PERFORMANCE]) as conn:
        for table in server_policies.AGGREGATE_COLUMNS:
            sql = f'SELECT count(*) FROM "{table}"'
            assert conn.execute(text(sql)).scalar_one() == owner.execute(text(sql)).scalar_one()
        for sql in breakdowns:
            figures = sorted(conn.execute(text(sql)).all(), key=repr)
            assert figures == sorted(owner.execute(text(sql)).all(), key=repr), sql
            assert figures, sql


def test_every_performance_service_works_through_the_performance_login(world):
    """What the desk runs for a performance officer still runs with its columns withheld."""
    made = world.server
    one = "SELECT min(id) FROM {}"
    person_id, sample_id = (_owner_ids(world, one.format(t))[0] for t in ("people", "qa_samples"))
    desk, me = made.desk_as(Role.PERFORMANCE)
    tour = {
        "summary.summary": lambda: desk.summary.summary(me),
        "allocation.workload": lambda: desk.allocation.workload(me),
        "access.who_viewed": lambda: desk.access.who_viewed(me, person_id),
        "qa.draw_sample": lambda: desk.qa.draw_sample(me, size=2, seed=2),
        "qa.sample": lambda: desk.qa.sample(me, sample_id),
        "qa.latest_sample_id": lambda: desk.qa.latest_sample_id(me),
        "qa.report": lambda: desk.qa.report(me, sample_id),
        "thresholds.library": lambda: desk.thresholds.library(me),
    }
    failed = {}
    for name, call in tour.items():
        try:
            call()
        except Exception as exc:  # noqa: BLE001 — every failure is reported, not the first
            failed[name] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    assert failed == {}, "\n".join(f"{k}: {v}" for k, v in failed.items())
    assert all(e.detail is None for e in desk.access.who_viewed(me, person_id))


def test_a_performance_officer_is_refused_every_screen_that_lists_children(world):
    """The services refuse, in the role's words, before any withheld column is asked for."""
    made = world.server
    one = "SELECT min(id) FROM {}"
    meeting_id, referral_id, routing_id, person_id = (
        _owner_ids(world, one.format(t))[0] for t in ("meetings", "referrals", "routings", "people")
    )
    desk, me = made.desk_as(Role.PERFORMANCE)
    screens = {
        "queue.page": lambda: desk.queue.page(me),
        "meetings.today": lambda: desk.meetings.today(me),
        "meetings.get": lambda: desk.meetings.get(me, meeting_id),
        "documents.minutes_model": lambda: desk.documents.minutes_model(me, meeting_id),
        "decisions.history": lambda: desk.decisions.history(me, referral_id),
        "decisions.overdue_feedback": lambda: desk.decisions.overdue_feedback(me),
        "decisions.escalations": lambda: desk.decisions.escalations(me),
        "routing.get": lambda: desk.routing.get(me, routing_id),
        "routing.for_person": lambda: desk.routing.for_person(me, person_id),
        "strategy.for_referral": lambda: desk.strategy.for_referral(me, referral_id),
        "actions.for_referral": lambda: desk.actions.for_referral(me, referral_id),
        "actions.overdue": lambda: desk.actions.overdue(me),
        "case.view": lambda: desk.case.view(me, person_id),
        "search.find": lambda: desk.search.find(me, ChildQuery("Amira Hassan")),
    }
    answers = {}
    for name, call in screens.items():
        try:
            call()
            answers[name] = "shown"
        except PermissionDenied as refusal:
            answers[name] = str(refusal).startswith("A performance / qa officer may not")
    assert answers == dict.fromkeys(screens, True)


def test_a_server_login_unlocks_with_its_server_password_not_a_stored_hash(world):
    """With hashes out of reach, the idle lock checks the password by signing in again."""
    made = world.server
    desk, me = made.desk_of(world.reps["health"].login)
    assert desk.users.first_run() is False  # a person is connected: no first-run set-up
    desk.users.confirm_password(me, PASSWORD)
    with made.raw("postgres") as owner:
        checks_passwords = owner.execute(
            text(
                "SELECT count(*) FROM pg_hba_file_rules "
                "WHERE type LIKE 'host%' AND auth_method IN ('scram-sha-256', 'md5')"
            )
        ).scalar_one()
    if checks_passwords:
        with pytest.raises(PermissionDenied, match="Password not recognised"):
            desk.users.confirm_password(me, "not the password at all")


def test_server_init_again_keeps_the_same_policies_and_columns(server_db):
    def state() -> tuple[set[tuple], set[tuple]]:
        with server_db.raw("postgres") as owner:
            policies = {
                tuple(r)
                for r in owner.execute(
                    text(
                        "SELECT tablename, policyname, cmd, roles::text, qual, with_check "
                        "FROM pg_policies WHERE schemaname = 'public'"
                    )
                )
            }
            columns = {
                tuple(r)
                for r in owner.execute(
                    text(
                        "SELECT grantee, table_name, column_name, privilege_type "
                        "FROM information_schema.column_privileges WHERE table_schema = 'public'"
                    )
                )
            }
        return policies, columns

    before = state()
    engine = make_engine(server_db.url)
    try:
        init_server(engine)
    finally:
        engine.dispose()
    assert state() == before
    assert before[0], "row security has policies"


@pytest.mark.parametrize("role", list(Role))
def test_nobody_writes_a_log_row_in_someone_elses_name(world, role):
    made = world.server
    other = world.reps["health"].actor.user_id
    before = _owner_ids(world, "SELECT count(*) FROM audit_log")
    with made.raw(made.logins[role]) as conn:
        _forge_a_log_row(conn, other)
    _no_row_in_anothers_name(world, other, before)
