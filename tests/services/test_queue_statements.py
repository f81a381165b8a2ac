"""A queue page on a server checks the acting user inside its first read, and still refuses.

Issue 16: the queue is the screen every practitioner re-reads all day. On a server the reading
connection is in autocommit, so a user check in a statement of its own was a network round
trip (and a transaction) of its own before the page's two selects. The check now rides in the
open contacts' select; on SQLite, where there is no round trip, the page is read as before.
Statements are counted at the database driver (benchmarks/statements.py).
"""

from __future__ import annotations

import dataclasses

import pytest

from benchmarks import statements
from mash_desk.domain.enums import Role
from mash_desk.domain.errors import PermissionDenied
from mash_desk.services.desk import Desk
from mash_desk.services.inputs import OutcomeInput, ReferralDetails
from mash_desk.services.queue import QueueFilter
from tests.support.helpers import log_one, row_counts

# Open contacts, referrals awaiting decision, the page's children's other open work; and on
# SQLite the user check before them.
PAGE_STATEMENTS = {"postgresql": 3, "sqlite": 4}


def _open_work(desk: Desk, actor) -> None:
    """Two open contacts and a referral awaiting decision."""
    log_one(desk, actor, given="Zofia", family="Nowak", rag="red", rag_reason="Injury seen")
    log_one(desk, actor, given="Tom", family="Smith")
    referred = log_one(desk, actor, given="Ravi", family="Shah").children[0]
    desk.outcomes.record(
        actor,
        referred.id,
        referred.version,
        OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails("N1")),
    )


def test_a_queue_page_on_a_server_sends_no_user_check_of_its_own(desk, counted, actors):
    p = actors["practitioner"]
    _open_work(desk, p)
    counted.queue.page(p)  # first use: each statement compiled, the pool's connection made

    sent = statements.count(counted.queue.page, p)

    page = counted.queue.page(p)
    assert sorted((r.kind, r.child_name) for r in page.rows) == [
        ("contact", "Tom Smith"),
        ("contact", "Zofia Nowak"),
        ("referral", "Ravi Shah"),
    ]
    assert sent == PAGE_STATEMENTS[desk.db.dialect]


def test_an_empty_queue_is_an_empty_page_not_a_refusal(desk, actors):
    p = actors["practitioner"]
    assert desk.queue.page(p).rows == ()
    _open_work(desk, p)
    # Contacts are read first, with the user's check: none match, the referral still shows.
    only_referrals = desk.queue.page(p, flt=QueueFilter(search="shah"))
    assert [(r.kind, r.child_name) for r in only_referrals.rows] == [("referral", "Ravi Shah")]
    assert desk.queue.page(p, flt=QueueFilter(search="nobody")).rows == ()


def test_a_deactivated_or_forged_user_is_refused_the_queue_and_nothing_is_written(desk, actors):
    p = actors["practitioner"]
    _open_work(desk, p)
    assert len(desk.queue.page(p).rows) == 3
    forged = dataclasses.replace(actors["performance"], role=p.role)  # stored: performance
    wrong_login = dataclasses.replace(p, username="someone.else")
    desk.users.deactivate(actors["admin"], actors["practitioner2"].username)
    before = row_counts(desk)

    with pytest.raises(PermissionDenied, match="see the front-door work queue"):
        desk.queue.page(forged)
    with pytest.raises(PermissionDenied, match="not active"):
        desk.queue.page(wrong_login)
    with pytest.raises(PermissionDenied, match="not active"):
        desk.queue.page(actors["practitioner2"])
    with pytest.raises(PermissionDenied, match="not active"):
        desk.queue.page(actors["practitioner2"], flt=QueueFilter(kind="referral"))

    assert row_counts(desk) == before


@pytest.mark.parametrize("login", [Role.PERFORMANCE, Role.PARTNER])
def test_a_server_login_of_another_role_is_refused_the_queue_whatever_its_actor_says(
    server_db, login
):
    # On a shared server the login's grants follow its stored role: a performance login may
    # not read children's names, a partner's row policies show no front-door work. A script
    # forging the practitioner's role is refused as the queue refuses that role, not with
    # the server's own error about grants.
    desk, actor = server_db.desk_as(login)
    forged = dataclasses.replace(actor, role=Role.PRACTITIONER)
    with pytest.raises(PermissionDenied, match="may not see the front-door work queue"):
        desk.queue.page(forged)
