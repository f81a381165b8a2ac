"""Every public create, update and search service call, with one text parameter left open.

Each :class:`Case` calls one service with the generated text in one of its string
parameters and everything else valid, acting on the work text_edge_scene.py built, so
that a refusal can only be about that text. ``field`` is the field a refusal of unstorable
text must name; ``other`` lists the project errors a read may answer with instead (an
unknown username is "not recognised", whatever it contains).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from mash_desk.domain.errors import MashDeskError
from mash_desk.services.desk import Desk
from mash_desk.services.inputs import (
    AttachmentInput,
    ChildOnContact,
    ConsentInput,
    NewPerson,
    OutcomeInput,
    ReferralDetails,
    RelativeInput,
)
from mash_desk.services.routing import RoutingInput
from mash_desk.services.strategy import StrategyInput
from tests.conftest import NOW
from tests.services.test_decisions import details
from tests.services.text_edge_scene import L2, THU, Scene
from tests.support.helpers import child, contact

Call = Callable[[Desk, Scene, str], object]


@dataclass(frozen=True)
class Case:
    """One service call with the text in one parameter."""

    name: str
    field: str | None
    call: Call
    other: tuple[type[MashDeskError], ...] = ()

    def __str__(self) -> str:
        return self.name


def _person(t: str, name: str) -> NewPerson:
    base = NewPerson("Text", "Edge", kind="child", date_of_birth=THU.replace(year=2019))
    return replace(base, **{name: t})


def _file_name(t: str) -> str:
    return t.replace("/", "-").replace("\\", "-") + ".pdf"


def _on_contact(**kw: object) -> Call:
    """Log a contact with the text in one of its own fields (``"$"`` marks it)."""

    def call(d: Desk, s: Scene, t: str) -> object:
        given = {k: (t if v == "$" else v) for k, v in kw.items()}
        return d.contacts.log(s.actors["practitioner"], contact(child(), **given))

    return call


def _on_child(make: Callable[[str], ChildOnContact]) -> Call:
    def call(d: Desk, s: Scene, t: str) -> object:
        return d.contacts.log(s.actors["practitioner"], contact(make(t)))

    return call


def _decision(make: Callable[[str], dict[str, object]]) -> Call:
    def call(d: Desk, s: Scene, t: str) -> object:
        return d.decisions.redraft(
            s.actors["practitioner"], s["draft"], s.versions["draft"], details(**make(t))
        )

    return call


def _routing(**kw: object) -> Call:
    def call(d: Desk, s: Scene, t: str) -> object:
        given: dict[str, object] = {
            "kind": "step_down",
            "to_agency": "early_support",
            "reason": "Needs met at level 2",
            "level_after": 2,
            "handover_summary": "Plan attached",
            "level_before": 3,
            "family_consent": True,
        }
        given.update({k: (t if v == "$" else v) for k, v in kw.items()})
        return d.routing.create(
            s.actors["practitioner"], s["referral_person"], RoutingInput(**given)
        )

    return call


def _strategy(attendees: Callable[[str], tuple[tuple[str, str], ...]], **kw: str) -> Call:
    def call(d: Desk, s: Scene, t: str) -> object:
        given = {"s47_decision": "proceed", "rationale": "Reasonable cause to suspect harm"}
        given.update({k: t for k in kw})
        return d.strategy.record(
            s.actors["chair"],
            s["decision"],
            StrategyInput(held_at=NOW, attendees=attendees(t), **given),
        )

    return call


MINIMUM = (("social_care", "SW Patel"), ("police", "DC Lee"), ("health", "Dr Ahmed"))

PEOPLE = [
    Case(
        f"people.create.{name}",
        name,
        lambda d, s, t, name=name: d.people.create(s.actors["practitioner"], _person(t, name)),
    )
    for name in (
        "given_name",
        "family_name",
        "kind",
        "sex",
        "nhs_number",
        "upn",
        "local_id",
        "address",
        "postcode",
        "first_language",
        "school",
    )
] + [
    Case(
        "people.update.family_name",
        "family_name",
        lambda d, s, t: d.people.update(
            s.actors["practitioner"], s["referral_person"], 1, _person(t, "family_name")
        ),
    ),
    Case(
        "people.find_duplicates.given_name",
        None,
        lambda d, s, t: d.people.find_duplicates(
            s.actors["practitioner"], _person(t, "given_name")
        ),
    ),
    Case(
        "people.link.kind",
        "kind",
        lambda d, s, t: d.people.link(s.actors["practitioner"], s["referral_person"], 1, t),
    ),
]

CONTACTS = [
    Case("contacts.log.concerns", "concerns", _on_contact(concerns="$")),
    Case("contacts.log.channel", "channel", _on_contact(channel="$")),
    Case("contacts.log.referral_source", "referral_source", _on_contact(referral_source="$")),
    Case("contacts.log.referrer_name", "referrer_name", _on_contact(referrer_name="$")),
    Case("contacts.log.referrer_role", "referrer_role", _on_contact(referrer_role="$")),
    Case("contacts.log.referrer_agency", "referrer_agency", _on_contact(referrer_agency="$")),
    Case("contacts.log.referrer_phone", "referrer_phone", _on_contact(referrer_phone="$")),
    Case("contacts.log.referrer_email", "referrer_email", _on_contact(referrer_email="$")),
    Case(
        "contacts.log.risk_indicators",
        "risk_indicators",
        lambda d, s, t: d.contacts.log(
            s.actors["practitioner"], contact(child(), risk_indicators=(t,))
        ),
    ),
    Case(
        "contacts.log.attachment_filename",
        "attachments[0]",
        lambda d, s, t: d.contacts.log(
            s.actors["practitioner"],
            # Only the last part of a path is kept as the name (the folders are dropped), so
            # the text stands for the whole name: without separators, ending ".pdf".
            contact(child(), attachments=(AttachmentInput(_file_name(t), b"%PDF-1.4 synthetic"),)),
        ),
    ),
    Case("contacts.log.rag", "children[0].rag", _on_child(lambda t: child(rag=t, rag_reason="x"))),
    Case(
        "contacts.log.rag_reason",
        "children[0].rag_reason",
        _on_child(lambda t: child(rag="amber", rag_reason=t)),
    ),
    Case(
        "contacts.log.new_child_reason",
        "children[0].new_child_reason",
        _on_child(lambda t: child(new_child_reason=t)),
    ),
    Case(
        "contacts.log.child_given_name",
        "children[0].given_name",
        _on_child(lambda t: child(given=t)),
    ),
    Case(
        "contacts.log.consent_reason",
        "children[0].consents[0].reason",
        _on_child(lambda t: child(consents=(ConsentInput("share_information", "refused", t),))),
    ),
    Case(
        "contacts.log.consent_purpose",
        "children[0].consents[0].purpose",
        _on_child(lambda t: child(consents=(ConsentInput(t, "given"),))),
    ),
    Case(
        "contacts.log.consent_lawful_basis",
        "children[0].consents[0].lawful_basis",
        _on_child(
            lambda t: child(
                consents=(ConsentInput("share_information", "not_sought", "Not yet asked", t),)
            )
        ),
    ),
    Case(
        "contacts.log.relative_relationship",
        "children[0].relatives[0].relationship",
        _on_child(lambda t: replace(child(), relatives=(RelativeInput(t, "Sam", "Edge", True),))),
    ),
    Case(
        "contacts.log.relative_family_name",
        "children[0].relatives[0].family_name",
        _on_child(lambda t: replace(child(), relatives=(RelativeInput("parent", "Sam", t, True),))),
    ),
]

SCREENING = [
    Case(
        "screening.change_rag.rag",
        "rag",
        lambda d, s, t: d.screening.change_rag(
            s.actors["practitioner"], s["cc"], s.versions["cc"], t, "Reason"
        ),
    ),
    Case(
        "screening.change_rag.reason",
        "rag_reason",
        lambda d, s, t: d.screening.change_rag(
            s.actors["practitioner"], s["cc"], s.versions["cc"], "red", t
        ),
    ),
    Case(
        "screening.screen.indicators",
        "indicators",
        lambda d, s, t: d.screening.screen(
            s.actors["practitioner"], s["cc"], s.versions["cc"], indicators=(t,)
        ),
    ),
    Case(
        "screening.screen.rationale",
        "rationale",
        lambda d, s, t: d.screening.screen(
            s.actors["practitioner"],
            s["cc"],
            s.versions["cc"],
            indicators=(L2,),
            level=3,
            rationale=t,
        ),
    ),
    Case(
        "screening.screen.not_red_reason",
        "not_red_reason",
        lambda d, s, t: d.screening.screen(
            s.actors["practitioner"],
            s["cc"],
            s.versions["cc"],
            indicators=(L2,),
            not_red_reason=t,
        ),
    ),
    Case(
        "screening.screen.document",
        "document",
        lambda d, s, t: d.screening.screen(
            s.actors["practitioner"],
            s["cc"],
            s.versions["cc"],
            indicators=(L2,),
            document=(t, "1"),
        ),
    ),
    Case(
        "screening.review_referral_level.rationale",
        "rationale",
        lambda d, s, t: d.screening.review_referral_level(
            s.actors["manager"],
            s["referral"],
            s.versions["referral"],
            indicators=(L2,),
            level=3,
            rationale=t,
        ),
    ),
]

OUTCOMES = [
    Case(
        f"outcomes.record.{name}",
        field,
        lambda d, s, t, make=make: d.outcomes.record(
            s.actors["practitioner"], s["cc"], s.versions["cc"], make(t)
        ),
    )
    for name, field, make in (
        ("outcome", "outcomes", lambda t: OutcomeInput(outcomes=(t,))),
        (
            "no_offer_reason",
            "no_offer_reason",
            lambda t: OutcomeInput(outcomes=("nfa",), no_offer_reason=t),
        ),
        (
            "primary_need",
            "primary_need",
            lambda t: OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails(t)),
        ),
        (
            "source",
            "referral_source",
            lambda t: OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails("N1", t)),
        ),
        (
            "consent_reason",
            "consent_reason",
            lambda t: OutcomeInput(
                outcomes=("mash_referral",), referral=ReferralDetails("N1"), consent_reason=t
            ),
        ),
    )
]
