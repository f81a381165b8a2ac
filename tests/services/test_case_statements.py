"""Opening a case costs the same number of statements however many referrals the child has.

Issue 16: the case view read each referral's decisions and strategy records on their own, so a
child with a long history took many more round trips to open (≈ 53 on PostgreSQL, each a
network round trip to the server). The reads are now one per table keyed by the child; this
counts what reaches the database driver — below the ORM and the prepared statements alike —
when the same child's record is opened with one referral and again with three, each with its
decision, an action and a routing.
"""

from __future__ import annotations

from benchmarks import statements
from mash_desk.services.decisions import ActionInput
from mash_desk.services.desk import Desk
from mash_desk.services.inputs import ChildOnContact, OutcomeInput, ReferralDetails
from mash_desk.services.routing import RoutingInput
from tests.services.test_case_decisions import s47  # noqa: F401 - fixture
from tests.services.test_decisions import details, meeting  # noqa: F401 - fixture
from tests.support.helpers import contact


def _another_decided_referral(desk: Desk, actors, person_id: int) -> int:
    """Refer the child again (red), decide it between meetings with an action, route the child.

    Returns the new referral's id.
    """
    p, manager = actors["practitioner"], actors["manager"]
    logged = desk.contacts.log(
        p,
        contact(ChildOnContact(person_id=person_id, rag="red", rag_reason="Injury reported")),
    ).value
    cc = logged.children[0]
    referral = desk.outcomes.record(
        p,
        cc.id,
        cc.version,
        OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails("N1")),
    ).value.referral
    assert referral is not None
    draft = desk.decisions.draft(
        p,
        referral.id,
        details(actions=(ActionInput("Home visit", referral.referral_at.date(), "police"),)),
    ).value
    desk.decisions.sign(manager, draft.id, draft.version)
    desk.routing.create(
        p,
        person_id,
        RoutingInput(
            "transfer", "camhs", "Specialist assessment", 3, "Summary", from_agency="social_care"
        ),
    )
    return referral.id


def test_opening_a_case_sends_as_many_statements_with_three_referrals_as_with_one(
    desk: Desk,
    counted: Desk,
    actors,
    s47,  # noqa: F811 - fixture
):
    p = actors["practitioner"]
    child = s47.person_id
    desk.decisions.record_dissent(actors["chair"], s47.id, "police", "Threshold not met")
    counted.case.view(p, child)  # first use: the desk's once-only look-ups (documents, route)
    one = statements.count(counted.case.view, p, child)

    for _ in range(2):
        _another_decided_referral(desk, actors, child)
    case = counted.case.view(p, child)
    assert len(case.referrals) == 3
    assert all(r.decisions for r in case.referrals)
    assert len(case.escalations) == 1 and len(case.routings) == 2
    three = statements.count(counted.case.view, p, child)

    assert one > 0
    assert three == one
