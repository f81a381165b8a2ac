"""One database holding a piece of every kind of work, for the text-at-the-edge tests.

Every public create and update service needs something to act on (an open contact, a
referral on today's agenda, a signed decision with actions, an open check, an escalation,
a routing, a QA sample...). Building that takes seconds, so it is built once per backend,
kept as a snapshot, and restored whenever an example changed it (see test_text_edge.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from mash_desk.services.checks import CheckRequestInput
from mash_desk.services.decisions import ActionInput
from mash_desk.services.desk import Desk
from mash_desk.services.dto import Actor
from mash_desk.services.routing import RoutingInput
from tests.services.test_checks import make_referral
from tests.services.test_decisions import details
from tests.services.test_meetings import quorate
from tests.services.test_routing import SUMMARY, partner
from tests.support.helpers import child, contact, log_one, make_actors

THU = date(2026, 11, 19)
# One indicator per level, as screening ticks them (the shipped threshold document's ids).
L2 = "l2-bullying"


@dataclass
class Scene:
    """Who acts and the ids (and versions) of what they act on."""

    actors: dict[str, Actor]
    ids: dict[str, int] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    memo_pdf: bytes = b""

    def __getitem__(self, name: str) -> int:
        return self.ids[name]


def build_scene(desk: Desk) -> Scene:
    """Create the work every case in text_edge_cases.py acts on; return who and what."""
    actors = make_actors(desk)
    for agency in ("health", "early_support"):
        actors[agency] = partner(desk, agency)
    scene = Scene(actors)
    p, chair = actors["practitioner"], actors["chair"]

    cc = log_one(desk, p, given="Open", family="Contact").children[0]
    scene.ids["cc"], scene.versions["cc"] = cc.id, cc.version
    screened = desk.contacts.log(p, contact(child(given="Screened", family="Child"))).value
    cc2 = screened.children[0]
    desk.screening.screen(p, cc2.id, cc2.version, indicators=(L2,))

    on_agenda = make_referral(desk, p, "amber", given="Agenda", family="Child")
    to_draft = make_referral(desk, p, "amber", given="Draft", family="Child")
    to_sign = make_referral(desk, p, "amber", given="Signed", family="Child")
    scene.ids["referral"], scene.versions["referral"] = on_agenda.id, on_agenda.version
    scene.ids["referral_person"] = on_agenda.person_id

    meeting = desk.meetings.create_today(chair).value
    meeting = quorate(desk, chair, meeting.id)
    scene.ids["meeting"] = meeting.id

    draft = desk.decisions.draft(p, to_draft.id, details(), meeting.id).value
    scene.ids["draft"], scene.versions["draft"] = draft.id, draft.version
    signed_draft = desk.decisions.draft(
        p,
        to_sign.id,
        details(
            "strategy_discussion_s47",
            actions=(ActionInput("Check the police national computer", THU, "police"),),
        ),
        meeting.id,
    ).value
    signed = desk.decisions.sign(chair, signed_draft.id, signed_draft.version).value
    scene.ids["decision"], scene.versions["decision"] = signed.id, signed.version
    scene.ids["signed_referral"] = to_sign.id
    scene.versions["meeting"] = desk.meetings.get(chair, meeting.id).version

    [action] = desk.actions.for_referral(p, to_sign.id)
    scene.ids["action"], scene.versions["action"] = action.id, action.version
    [feedback] = desk.decisions.feedback(p, to_sign.id)
    scene.ids["feedback"], scene.versions["feedback"] = feedback.id, feedback.version
    escalation = desk.decisions.record_dissent(
        actors["police"], signed.id, "police", "Police hold intelligence the meeting did not"
    ).value
    scene.ids["escalation"], scene.versions["escalation"] = escalation.id, escalation.version

    [check] = desk.checks.request(
        p, on_agenda.id, [CheckRequestInput("police", "Any call-outs to the home?")]
    ).value
    scene.ids["check"], scene.versions["check"] = check.id, check.version

    memo = desk.documents.issue_memo(p, signed.id).value
    scene.ids["document"], scene.memo_pdf = memo.id, memo.pdf

    routing = desk.routing.create(
        p,
        on_agenda.person_id,
        RoutingInput(
            kind="step_down",
            to_agency="early_support",
            reason="Needs now met at level 2 with family support",
            level_after=2,
            handover_summary=SUMMARY,
            level_before=3,
            family_consent=True,
        ),
    ).value
    scene.ids["routing"], scene.versions["routing"] = routing.id, routing.version

    sample = desk.qa.draw_sample(actors["manager"], size=100, seed=1).value
    scene.ids["qa_item"] = sample.items[0].id
    return scene
