"""Partner isolation, enforced in the services.

A partner rep gets nothing about a child unless a check about that child is addressed to
their own agency. The health rep is asked about Amira; the police rep is asked about someone
else. Every public method of every service on the desk that takes a person, contact,
referral, check or QA id is called with the police rep and Amira's ids, and must refuse
(``PermissionDenied``, or ``NotFound`` where police may use the method at all) — never return
data, never write. Methods without such an id that could still hand over a child are called
too. A new service method fails ``test_every_public_method_is_classified`` until it is added
here.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from mash_desk.domain.enums import Role
from mash_desk.domain.errors import NotFound, PermissionDenied
from mash_desk.domain.measures import MonthPeriod
from mash_desk.services.checks import CheckRequestInput
from mash_desk.services.context import Service
from mash_desk.services.decisions import ActionInput, DecisionInput
from mash_desk.services.inputs import (
    ChildOnContact,
    NewContact,
    NewPerson,
    OutcomeInput,
    ReferralDetails,
)
from mash_desk.services.routing import RoutingInput
from mash_desk.services.strategy import StrategyInput
from mash_desk.storage.models import ContactChild
from tests.services.test_checks import make_referral
from tests.services.test_decisions import details
from tests.services.test_routing import completed
from tests.support.helpers import row_counts
from tests.support.thresholds import SHIPPED


def tiny_document() -> bytes:
    """A valid threshold document (the shipped one under another version)."""
    return SHIPPED.read_bytes().replace(b'version: "2016"', b'version: "2099"')


ID_PARAMETERS = frozenset(
    {
        "person_id",
        "related_id",
        "contact_id",
        "contact_child_id",
        "referral_id",
        "request_id",
        "item_id",
        "sample_id",
        "meeting_id",
        "decision_id",
        "escalation_id",
        "feedback_id",
        "routing_id",
        "action_id",
        "discussion_id",
    }
)
# Service plumbing every use case is built on, not use cases.
PLUMBING = frozenset({"reading", "writing", "reading_first", "reading_rows_first", "writing_first"})
# Public methods that take no child id and cannot return a child: why each is safe.
EXEMPT = {
    "users.sign_in": "returns the signing-in user's own Actor",
    "users.actor_for": "returns a user's Actor (demo desk, admin scripts): no child data",
    "users.first_run": "says only whether any account can sign in",
    "users.confirm_password": "checks the acting user's own password (idle lock): no child data",
    "users.system_actor": "returns the system user's Actor: no child data",
    "users.create_first_administrator": "refused once any account exists; no child data",
    "users.sign_in_server": "returns the connected login's own Actor: no child data",
    "users.server_person": "returns the connected server login's own Actor: no child data",
    "users.change_password": "changes the acting user's own password: no child data",
    "thresholds.library": "threshold documents are shared with partners (000 L186)",
    "thresholds.current": "threshold documents are shared with partners (000 L186)",
    "thresholds.document": "threshold documents are shared with partners (000 L186)",
    "checks.inbox": "the rep's own agency only: tested below",
    "checks.closed": "the rep's own agency's closed checks only: tested below and in "
    "test_closed_work.py",
    "routing.inbox": "the rep's own agency only: tested in test_routing.py",
    "routing.answered": "the inbox's answered routings only: tested below and in "
    "test_answered_routings.py",
    "actions.inbox": "the rep's own agency only: tested below and in test_actions.py",
    "actions.closed": "the inbox's closed actions only: tested below and in test_closed_work.py",
    "reference.agencies": "agency codes and names only, shared with everyone signed in",
    "search.find": "the rep's own agency's children only: tested in test_search.py",
    "documents.verify": "answers only for bytes the caller already holds; names a decision id "
    "and version, never a child",
    "measure_children.drillable": "says whether a measure of the file can list children; "
    "reads nothing",
}


@dataclass
class World:
    """Amira (asked of, decided for and routed to health only) and Ben (asked of police)."""

    person_id: int
    other_person_id: int
    contact_id: int
    contact_child_id: int
    referral_id: int
    request_id: int
    police_request_id: int
    health: Any
    decision_id: int
    action_id: int
    routing_id: int


@pytest.fixture
def world(desk, actors) -> World:
    p = actors["practitioner"]
    health = desk.users.create(
        desk.users.system_actor(),
        username="test.health",
        display_name="Test Health",
        role="partner",
        agency_code="health",
        password=None,
    ).value
    amira = make_referral(desk, p, "red", nhs_number="9434765919", address="1 Elm Row")
    ben = make_referral(desk, p, "amber", given="Ben", family="Carter")
    (to_health,) = desk.checks.request(
        p, amira.id, [CheckRequestInput("health", "Registered with a GP? Any A&E visits?")]
    ).value
    (to_police,) = desk.checks.request(
        p, ben.id, [CheckRequestInput("police", "Any call-outs to the address?")]
    ).value
    with desk.db.reading() as s:
        contact_id = s.get(ContactChild, amira.contact_child_id).contact_id
    # Amira is decided (red, between meetings) with an action for health, and routed to
    # health only: the role test is that police cannot obtain her through any service.
    draft = desk.decisions.draft(
        p,
        amira.id,
        details(actions=(ActionInput("Health visitor home visit", date(2026, 11, 19), "health"),)),
    ).value
    decision = desk.decisions.sign(actors["manager"], draft.id, draft.version).value
    routing = desk.routing.create(
        p,
        amira.person_id,
        RoutingInput(
            "transfer",
            "health",
            "Health-led plan",
            3,
            "Handover for health only",
            from_agency="social_care",
        ),
    ).value
    routing = completed(desk, p, routing)
    return World(
        person_id=amira.person_id,
        other_person_id=ben.person_id,
        contact_id=contact_id,
        contact_child_id=amira.contact_child_id,
        referral_id=amira.id,
        request_id=to_health.id,
        police_request_id=to_police.id,
        health=health,
        decision_id=decision.id,
        action_id=decision.actions[0].id,
        routing_id=routing.id,
    )


def _services(desk) -> dict[str, Service]:
    # Every service, built or not yet (Desk builds each on first use).
    built = {name: getattr(desk, name) for name in vars(type(desk)) if not name.startswith("_")}
    return {name: svc for name, svc in built.items() if isinstance(svc, Service)}


def _public_methods(desk) -> dict[str, Any]:
    found = {}
    for name, svc in _services(desk).items():
        for method_name, _ in inspect.getmembers(type(svc), inspect.isfunction):
            if not method_name.startswith("_") and method_name not in PLUMBING:
                found[f"{name}.{method_name}"] = getattr(svc, method_name)
    return found


def _takes_an_id(method) -> bool:
    return bool(ID_PARAMETERS & set(inspect.signature(method).parameters))


def _amira(w: World) -> NewPerson:
    return NewPerson("Amira", "Hassan", date_of_birth=date(2019, 6, 1))


def _arguments(w: World) -> dict[str, Any]:
    """A value for every parameter name the id-taking methods use: Amira's ids first."""
    return {
        "person_id": w.person_id,
        "related_id": w.other_person_id,
        "contact_id": w.contact_id,
        "contact_child_id": w.contact_child_id,
        "referral_id": w.referral_id,
        "request_id": w.request_id,
        "item_id": 1,
        "sample_id": 1,
        "expected_version": 1,
        "rag": "green",
        "reason": "Forged by a script",
        "kind": "sibling",
        "new": _amira(w),
        "given": OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails("N1")),
        "checks": [CheckRequestInput("police", "Tell us everything")],
        "indicators": ["l3-pregnant-young-person"],
        "nothing_known": True,
        "meeting_id": 1,
        "decision_id": w.decision_id,
        "action_id": w.action_id,
        "note": "Forged by a script",
        "done": True,
        "escalation_id": 1,
        "feedback_id": 1,
        "details": DecisionInput("nfa", "Forged by a script"),
        "agency_code": "police",
        "attendee_name": "PC Forged",
        "method": "phone",
        "outcome": "Forged by a script",
        "routing_id": w.routing_id,
        "routing": RoutingInput("step_up", "police", "Forged", 3, "Forged by a script"),
        "party": "family",
        "who": "Forged",
        "accept": True,
        "discussion": StrategyInput(None, (), "proceed", "Forged by a script"),
        "discussion_id": 1,
        "held_on": date(2026, 11, 17),
        "concluded_on": date(2026, 11, 17),
        "worker_id": w.health.user_id,
    }


def _id_calls(desk, w: World, actor) -> dict[str, Any]:
    """Every public method that takes an id, bound to its arguments by parameter name."""
    values = _arguments(w)
    calls = {}
    for name, method in _public_methods(desk).items():
        if not _takes_an_id(method):
            continue
        kwargs = {}
        for param in list(inspect.signature(method).parameters.values())[1:]:  # after actor
            if param.name in values:
                kwargs[param.name] = values[param.name]
            else:
                assert param.default is not param.empty, (
                    f"{name}: add a value for parameter {param.name!r} to _arguments()"
                )
        calls[name] = (method, kwargs)
    return calls


def _other_calls(desk, w: World) -> dict[str, Any]:
    """Methods without a child id that could still hand over a child or change one."""
    existing = ChildOnContact(person_id=w.person_id)
    return {
        "contacts.log": lambda a: desk.contacts.log(
            a, NewContact(None, "phone", "6", "Police notification", (existing,))
        ),
        "people.find_duplicates": lambda a: desk.people.find_duplicates(a, _amira(w)),
        # An attachment id is no child id, but its bytes are the child's referral form.
        "attachments.read": lambda a: desk.attachments.read(a, 1),
        "people.create": lambda a: desk.people.create(a, _amira(w)),
        "queue.page": lambda a: desk.queue.page(a),
        "queue.choices": lambda a: desk.queue.choices(a),
        "summary.summary": lambda a: desk.summary.summary(a),
        "checks.overdue": lambda a: desk.checks.overdue(a),
        "meetings.create_today": lambda a: desk.meetings.create_today(a),
        "meetings.today": lambda a: desk.meetings.today(a),
        "decisions.escalations": lambda a: desk.decisions.escalations(a),
        "decisions.overdue_feedback": lambda a: desk.decisions.overdue_feedback(a),
        "routing.returned": lambda a: desk.routing.returned(a),
        "actions.overdue": lambda a: desk.actions.overdue(a),
        "reference.users": lambda a: desk.reference.users(a),
        "allocation.teams": lambda a: desk.allocation.teams(a),
        "allocation.workload": lambda a: desk.allocation.workload(a),
        "strategy.overdue_icpc": lambda a: desk.strategy.overdue_icpc(a),
        "documents.meeting_pack": lambda a: desk.documents.meeting_pack(a, date(2026, 11, 17)),
        "documents.record_output": lambda a: desk.documents.record_output(
            a, 1, "print", "Forged printer", b"%PDF-forged"
        ),
        "qa.draw_sample": lambda a: desk.qa.draw_sample(a),
        "merge.duplicates": lambda a: desk.merge.duplicates(a),
        "merge.merge": lambda a: desk.merge.merge(a, w.person_id, w.other_person_id),
        "qa.latest_sample_id": lambda a: desk.qa.latest_sample_id(a),
        "thresholds.install": lambda a: desk.thresholds.install(a, tiny_document(), "forged"),
        # Issue 15: figures, drill-downs and returns are the MASH's, never a partner's.
        "measures.compute": lambda a: desk.measures.compute(a, MonthPeriod.parse("2026-10")),
        "measures.teams": lambda a: desk.measures.teams(a),
        "measure_children.children": lambda a: desk.measure_children.children(
            a, "referrals", MonthPeriod.parse("2026-11")
        ),
        "board_report.build": lambda a: desk.board_report.build(a, "2026-10"),
        "board_report.export": lambda a: desk.board_report.export(
            a, "2026-10", "pdf", lambda _data: "nowhere"
        ),
        "returns.check_cin": lambda a: desk.returns.check_cin(a, 2027),
        "returns.export_cin": lambda a: desk.returns.export_cin(a, 2027, lambda _data: "nowhere"),
        "annex_a.export": lambda a: desk.annex_a.export(
            a, date(2026, 11, 1), date(2026, 11, 30), Path("/nonexistent/annex-a.xlsx")
        ),
        "thresholds.store_shipped": lambda a: desk.thresholds.store_shipped(a),
        "users.deactivate": lambda a: desk.users.deactivate(a, "test.practitioner2"),
        "users.create": lambda a: desk.users.create(
            a,
            username="forged",
            display_name="Forged",
            role="manager",
            agency_code="police",
            password=None,
        ),
    }


def test_every_public_method_is_classified(desk, actors, world):
    methods = set(_public_methods(desk))
    covered = (
        set(_id_calls(desk, world, actors["police"])) | set(_other_calls(desk, world)) | set(EXEMPT)
    )
    assert methods - covered == set(), "classify these methods in test_partner_isolation.py"
    assert covered - methods == set(), "these methods no longer exist"
    # The enumeration really reaches the services the issue names.
    for name in (
        "case.view",
        "contacts.get",
        "history.check",
        "people.get",
        "thresholds.assessments",
        "thresholds.suggest",
        "qa.blind_case",
        "checks.open_request",
        "checks.return_findings",
        "access.who_viewed",
    ):
        assert name in _id_calls(desk, world, actors["police"])


def test_police_rep_gets_nothing_about_a_child_asked_of_health_only(desk, actors, world):
    police = actors["police"]
    before = row_counts(desk)
    outcomes: dict[str, str] = {}
    calls = {
        name: (lambda m=method, k=kwargs: m(police, **k))
        for name, (method, kwargs) in _id_calls(desk, world, police).items()
    }
    calls |= {name: (lambda f=fn: f(police)) for name, fn in _other_calls(desk, world).items()}
    for name, call in sorted(calls.items()):
        try:
            result = call()
        except (PermissionDenied, NotFound) as refused:
            outcomes[name] = type(refused).__name__
        else:
            outcomes[name] = f"returned {result!r:.200}"
    leaked = {n: o for n, o in outcomes.items() if o.startswith("returned")}
    assert leaked == {}
    # Where police may use the method at all, the check is "not found", never "not allowed":
    # the rep cannot tell that a check about this child exists.
    assert outcomes["checks.open_request"] == "NotFound"
    assert outcomes["checks.return_findings"] == "NotFound"
    assert outcomes["case.view"] == outcomes["people.get"] == "PermissionDenied"
    for name in (
        "actions.update",
        "actions.close",
        "actions.for_referral",
        "routing.acknowledge",
        "decisions.record_dissent",  # police was at no meeting that decided Amira
    ):
        assert outcomes[name] == "NotFound", name
    assert row_counts(desk) == before  # nothing written: no access row, no audit, no change
    assert world.request_id not in {i.id for i in desk.checks.inbox(police, include_closed=True)}


def test_other_agencys_check_looks_exactly_like_a_missing_one(desk, actors, world):
    police = actors["police"]
    messages = []
    for request_id in (world.request_id, 999_999):
        with pytest.raises(NotFound) as caught:
            desk.checks.open_request(police, request_id)
        messages.append(str(caught.value).replace(str(request_id), "N"))
    assert messages[0] == messages[1]


def test_forged_agency_on_the_actor_gains_nothing(desk, actors, world):
    # The agency comes from the database, not from the Actor the caller holds.
    forged = replace(actors["police"], agency_code="health")
    assert [i.id for i in desk.checks.inbox(forged)] == [world.police_request_id]
    with pytest.raises(NotFound):
        desk.checks.open_request(forged, world.request_id)
    forged_role = replace(actors["police"], role=Role.MANAGER)
    with pytest.raises(PermissionDenied):
        desk.case.view(forged_role, world.person_id)


def test_health_rep_sees_the_check_and_returns_it(desk, actors, world):
    health = world.health
    [item] = desk.checks.inbox(health)
    assert (item.id, item.child_name, item.agency_code) == (
        world.request_id,
        "Amira HASSAN",
        "health",
    )
    opened = desk.checks.open_request(health, world.request_id)
    assert (opened.nhs_number, opened.address) == ("9434765919", "1 Elm Row")
    desk.checks.return_findings(
        health, world.request_id, opened.version, finding="Registered with Elm Road GP"
    )
    [mash] = desk.checks.for_referral(actors["practitioner"], world.referral_id).checks
    assert mash.finding == "Registered with Elm Road GP"
    assert [i.id for i in desk.checks.closed(health)] == [world.request_id]
    assert desk.checks.closed(actors["police"]) == ()  # health's return is not police's
    # The health rep is still a partner: no case record, and not police's check either.
    with pytest.raises(PermissionDenied):
        desk.case.view(health, world.person_id)
    with pytest.raises(NotFound):
        desk.checks.open_request(health, world.police_request_id)


def test_police_rep_sees_its_own_check(desk, actors, world):
    # The refusals above are isolation, not a broken inbox: police's own check works.
    police = actors["police"]
    assert [i.id for i in desk.checks.inbox(police)] == [world.police_request_id]
    opened = desk.checks.open_request(police, world.police_request_id)
    assert opened.child_name == "Ben CARTER"


def test_police_rep_cannot_obtain_a_case_routed_only_to_health(desk, actors, world):
    # Issue 5 §10: Amira is routed to health and her decision's action is health's. Police
    # neither lists her anywhere nor can tell her routing or action from a missing one.
    police, health = actors["police"], world.health
    before = row_counts(desk)
    assert desk.routing.inbox(police, include_closed=True) == ()
    assert desk.routing.answered(police) == ()
    assert desk.actions.inbox(police, include_closed=True) == ()
    assert desk.actions.closed(police) == ()
    for call in (
        lambda rid: desk.routing.get(police, rid),
        lambda rid: desk.routing.acknowledge(police, rid, 1),
        lambda rid: desk.routing.respond(police, rid, 1, False, "Not ours"),
    ):
        messages = []
        for routing_id in (world.routing_id, 999_999):
            with pytest.raises(NotFound) as caught:
                call(routing_id)
            messages.append(str(caught.value).replace(str(routing_id), "N"))
        assert messages[0] == messages[1]
    for call in (
        lambda aid: desk.actions.update(police, aid, 1, "Seen"),
        lambda aid: desk.actions.close(police, aid, 1, True, "Done"),
    ):
        messages = []
        for action_id in (world.action_id, 999_999):
            with pytest.raises(NotFound) as caught:
                call(action_id)
            messages.append(str(caught.value).replace(str(action_id), "N"))
        assert messages[0] == messages[1]
    with pytest.raises(NotFound):
        desk.actions.for_referral(police, world.referral_id)
    assert row_counts(desk) == before
    # Not a broken inbox: health, the receiving agency, has both.
    [routed] = desk.routing.inbox(health)
    assert (routed.id, routed.child_name) == (world.routing_id, "Amira HASSAN")
    [action] = desk.actions.inbox(health)
    assert (action.id, action.child_name) == (world.action_id, "Amira HASSAN")
