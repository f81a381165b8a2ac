"""The rest of the text-at-the-edge table (see text_edge_cases.py for :class:`Case`).

Accounts, meetings, decisions, partner work, routing, allocation, documents, QA and the
searches.
"""

from __future__ import annotations

from mash_desk.domain.errors import NotFound, PermissionDenied
from mash_desk.services.checks import CheckRequestInput
from mash_desk.services.decisions import ActionInput
from mash_desk.services.queue import QueueFilter
from mash_desk.services.search import ChildQuery
from tests.services.text_edge_cases import MINIMUM, THU, Case, _decision, _routing, _strategy

PASSWORD = "correct horse battery staple"


def _user(**kw: object):
    def call(d, s, t):
        given = {
            "username": "text.edge",
            "display_name": "Text Edge",
            "role": "practitioner",
            "agency_code": "social_care",
            # No password unless it is the field under test: argon2 is slow by design.
            "password": None,
            "team": "MASH team A",
        }
        given.update({k: t for k in kw})
        return d.users.create(s.actors["admin"], **given)

    return call


USERS = [
    Case(f"users.create.{name}", field, _user(**{name: True}))
    for name, field in (
        ("username", "username"),
        ("display_name", "display_name"),
        ("role", "role"),
        ("agency_code", "agency"),
        ("password", "password"),
        ("team", "team"),
    )
] + [
    Case(
        "users.sign_in.username",
        None,
        lambda d, s, t: d.users.sign_in(t, PASSWORD),
        (PermissionDenied,),
    ),
    Case(
        "users.sign_in.password",
        None,
        lambda d, s, t: d.users.sign_in("test.practitioner", t),
        (PermissionDenied,),
    ),
    Case(
        "users.confirm_password",
        None,
        lambda d, s, t: d.users.confirm_password(s.actors["practitioner"], t),
        (PermissionDenied,),
    ),
    Case(
        "users.actor_for",
        None,
        lambda d, s, t: d.users.actor_for(t),
        (PermissionDenied,),
    ),
    Case(
        "users.change_password.new",
        "new_password",
        lambda d, s, t: d.users.change_password(s.actors["practitioner"], "", t),
        (PermissionDenied,),
    ),
    Case(
        "users.deactivate.username",
        "username",
        lambda d, s, t: d.users.deactivate(s.actors["admin"], t),
    ),
]

MEETINGS = [
    Case(
        "meetings.record_attendance.attendee_name",
        "attendee_name",
        lambda d, s, t: d.meetings.record_attendance(
            s.actors["chair"], s["meeting"], "education", t
        ),
    ),
    Case(
        "meetings.record_attendance.agency_code",
        "agency",
        lambda d, s, t: d.meetings.record_attendance(s.actors["chair"], s["meeting"], t, "Ms Head"),
    ),
    Case(
        "meetings.defer.reason",
        "reason",
        lambda d, s, t: d.meetings.defer(s.actors["chair"], s["meeting"], s["referral"], t),
    ),
    Case(
        "meetings.proceed_without_quorum.reason",
        "reason",
        lambda d, s, t: d.meetings.proceed_without_quorum(
            s.actors["chair"], s["meeting"], s.versions["meeting"], t
        ),
    ),
]

DECISIONS = [
    Case("decisions.redraft.outcome", "outcome", _decision(lambda t: {"outcome": t})),
    Case("decisions.redraft.rationale", "rationale", _decision(lambda t: {"rationale": t})),
    Case("decisions.redraft.indicators", "indicators", _decision(lambda t: {"indicators": (t,)})),
    Case(
        "decisions.redraft.level_rationale",
        "level_rationale",
        _decision(lambda t: {"level": 3, "level_rationale": t}),
    ),
    Case("decisions.redraft.document", "document", _decision(lambda t: {"document": (t, "1")})),
    Case("decisions.redraft.pathways", "pathways", _decision(lambda t: {"pathways": (t,)})),
    Case(
        "decisions.redraft.inform_family",
        "inform_family",
        _decision(lambda t: {"inform_family": t}),
    ),
    Case(
        "decisions.redraft.allocated_team",
        "allocated_team",
        _decision(lambda t: {"allocated_team": t}),
    ),
    Case(
        "decisions.redraft.outcome_level_reason",
        "outcome_level_reason",
        _decision(lambda t: {"outcome": "nfa", "allocated_team": None, "outcome_level_reason": t}),
    ),
    Case(
        "decisions.redraft.action_description",
        "actions[0].description",
        _decision(lambda t: {"actions": (ActionInput(t, THU, "police"),)}),
    ),
    Case(
        "decisions.redraft.action_owner_agency",
        "actions[0].owner",
        _decision(lambda t: {"actions": (ActionInput("Visit", THU, t),)}),
    ),
    Case(
        "decisions.amend.reason",
        "reason",
        lambda d, s, t: d.decisions.amend(
            s.actors["chair"], s["decision"], s.versions["decision"], _amended(), t
        ),
    ),
    Case(
        "decisions.record_dissent.agency_code",
        "agency",
        lambda d, s, t: d.decisions.record_dissent(
            s.actors["chair"], s["decision"], t, "The police view differs"
        ),
    ),
    Case(
        "decisions.record_dissent.reason",
        "reason",
        lambda d, s, t: d.decisions.record_dissent(s.actors["health"], s["decision"], "health", t),
    ),
    Case(
        "decisions.escalate.reason",
        "reason",
        lambda d, s, t: d.decisions.escalate(
            s.actors["manager"], s["escalation"], s.versions["escalation"], t
        ),
    ),
    Case(
        "decisions.resolve.outcome",
        "outcome",
        lambda d, s, t: d.decisions.resolve(
            s.actors["manager"], s["escalation"], s.versions["escalation"], t
        ),
    ),
    Case(
        "decisions.mark_feedback_sent.method",
        "method",
        lambda d, s, t: d.decisions.mark_feedback_sent(
            s.actors["practitioner"], s["feedback"], s.versions["feedback"], t
        ),
    ),
    Case(
        "strategy.record.rationale",
        "rationale",
        _strategy(lambda t: MINIMUM, rationale="$"),
    ),
    Case(
        "strategy.record.s47_decision",
        "s47_decision",
        _strategy(lambda t: MINIMUM, s47_decision="$"),
    ),
    Case(
        "strategy.record.attendee_name",
        "attendees[3].name",
        _strategy(lambda t: (*MINIMUM, ("education", t))),
    ),
    Case(
        "strategy.record.attendee_agency",
        "attendees[3].agency",
        _strategy(lambda t: (*MINIMUM, (t, "Ms Head"))),
    ),
]


def _amended():
    from tests.services.test_decisions import details

    return details("strategy_discussion_s47")


PARTNER_WORK = [
    Case(
        "checks.request.question",
        "checks[0].question",
        lambda d, s, t: d.checks.request(
            s.actors["practitioner"], s["referral"], [CheckRequestInput("health", t)]
        ),
    ),
    Case(
        "checks.request.agency_code",
        "checks[0].agency",
        lambda d, s, t: d.checks.request(
            s.actors["practitioner"], s["referral"], [CheckRequestInput(t, "Known?")]
        ),
    ),
    Case(
        "checks.return_findings.finding",
        "finding",
        lambda d, s, t: d.checks.return_findings(
            s.actors["police"], s["check"], s.versions["check"], finding=t
        ),
    ),
    Case(
        "checks.withdraw.reason",
        "reason",
        lambda d, s, t: d.checks.withdraw(
            s.actors["practitioner"], s["check"], s.versions["check"], t
        ),
    ),
    Case(
        "checks.overdue.agency_code",
        None,
        lambda d, s, t: d.checks.overdue(s.actors["manager"], t),
    ),
    Case(
        "actions.update.note",
        "note",
        lambda d, s, t: d.actions.update(s.actors["police"], s["action"], s.versions["action"], t),
    ),
    Case(
        "actions.close.note",
        "note",
        lambda d, s, t: d.actions.close(
            s.actors["police"], s["action"], s.versions["action"], True, t
        ),
    ),
    Case(
        "actions.inbox.agency_code",
        None,
        lambda d, s, t: d.actions.inbox(s.actors["practitioner"], agency_code=t),
    ),
    Case(
        "actions.overdue.agency_code",
        None,
        lambda d, s, t: d.actions.overdue(s.actors["manager"], t),
    ),
]

ROUTING = [
    Case("routing.create.kind", "kind", _routing(kind="$")),
    Case("routing.create.to_agency", "to_agency", _routing(to_agency="$")),
    Case("routing.create.from_agency", "from_agency", _routing(from_agency="$")),
    Case("routing.create.reason", "reason", _routing(reason="$")),
    Case("routing.create.handover_summary", "handover_summary", _routing(handover_summary="$")),
    Case("routing.create.to_team", "to_team", _routing(to_team="$")),
    *[
        Case(
            f"routing.record_informing.{name}",
            name,
            lambda d, s, t, name=name: d.routing.record_informing(
                s.actors["practitioner"],
                s["routing"],
                s.versions["routing"],
                **{"party": "family", "who": "Mother", "method": "phone", name: t},
            ),
        )
        for name in ("party", "who", "method")
    ],
]

ALLOCATION = [
    Case(
        "allocation.allocate.team",
        "team",
        lambda d, s, t: d.allocation.allocate(
            s.actors["manager"],
            "contact",
            s["cc"],
            s.versions["cc"],
            worker_id=s.actors["practitioner"].user_id,
            team=t,
        ),
    ),
    Case(
        "allocation.allocate.reason",
        "reason",
        lambda d, s, t: d.allocation.allocate(
            s.actors["manager"],
            "contact",
            s["cc"],
            s.versions["cc"],
            worker_id=s.actors["practitioner"].user_id,
            reason=t,
        ),
    ),
    Case(
        "allocation.take.kind",
        "kind",
        lambda d, s, t: d.allocation.take(s.actors["practitioner"], t, s["cc"], s.versions["cc"]),
    ),
    Case(
        "allocation.work.kind",
        "kind",
        lambda d, s, t: d.allocation.work(s.actors["practitioner"], t, s["cc"]),
    ),
]

DOCUMENTS = [
    Case(
        "documents.issue_memo.recipient_agency",
        "recipient_agency",
        lambda d, s, t: d.documents.issue_memo(s.actors["practitioner"], s["decision"], t),
    ),
    Case(
        "documents.issue_routing_notice.audience",
        "audience",
        lambda d, s, t: d.documents.issue_routing_notice(s.actors["practitioner"], s["routing"], t),
    ),
    Case(
        "documents.record_output.action",
        "action",
        lambda d, s, t: d.documents.record_output(
            s.actors["practitioner"], s["document"], t, "Office printer", s.memo_pdf
        ),
    ),
    Case(
        "documents.record_output.destination",
        "destination",
        lambda d, s, t: d.documents.record_output(
            s.actors["practitioner"], s["document"], "print", t, s.memo_pdf
        ),
    ),
]

QA_AND_THRESHOLDS = [
    Case(
        "qa.draw_sample.kind",
        "kind",
        lambda d, s, t: d.qa.draw_sample(s.actors["manager"], size=1, kind=t, seed=1),
    ),
    Case(
        "qa.rerate.rationale",
        "rationale",
        lambda d, s, t: d.qa.rerate(
            s.actors["manager"], s["qa_item"], indicators=("l2-bullying",), level=3, rationale=t
        ),
    ),
    Case(
        "thresholds.suggest.indicators",
        "indicators",
        lambda d, s, t: d.thresholds.suggest(s.actors["practitioner"], (t,)),
    ),
    Case(
        "thresholds.document.document_id",
        None,
        lambda d, s, t: d.thresholds.document(s.actors["practitioner"], t, "1"),
        (NotFound,),
    ),
]

SEARCHES = (
    [
        Case(
            f"search.find.{name}",
            None,
            lambda d, s, t, name=name: d.search.find(
                s.actors["practitioner"], ChildQuery(**{name: t})
            ),
        )
        for name in ("text", "nhs_number", "postcode")
    ]
    + [
        Case(
            f"queue.page.{name}",
            None,
            lambda d, s, t, name=name: d.queue.page(
                s.actors["practitioner"], flt=QueueFilter(**{name: t})
            ),
        )
        for name in ("rag", "kind", "team", "search")
    ]
    + [
        Case(
            f"reference.users.{name}",
            None,
            lambda d, s, t, name=name: d.reference.users(s.actors["manager"], **{name: t}),
        )
        for name in ("role", "agency_code")
    ]
)
