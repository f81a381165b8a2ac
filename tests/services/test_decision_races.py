"""Two people deciding the same referral at the same moment (issue 13, item 7).

Each side runs on its own thread with its own Desk (so its own connections) on the same
database; a barrier releases both calls of a pair together. Whatever the interleaving, the
database keeps one draft per referral and one version per revision, and the loser gets a
ValidationError naming the winner: never a raw database error, never two drafts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from alembic import command
from sqlalchemy import func, insert, literal, select

from mash_desk.domain.errors import ConflictError, ValidationError
from mash_desk.services.desk import Desk
from mash_desk.storage.database import Database
from mash_desk.storage.migrations import alembic_config, upgrade
from mash_desk.storage.models import AuditEntry, Decision, DecisionPathway, ThresholdAssessment
from tests.services.test_checks import make_referral
from tests.services.test_decisions import details
from tests.support.helpers import side_engine

PAIRS = 40


def race(
    url: str, clock, jobs: list[tuple[Callable[[Desk], Any], Callable[[Desk], Any]]]
) -> list[tuple[Any, Any]]:
    """Run each pair of ``jobs`` on two threads released together; return both outcomes.

    An outcome is the call's value or the exception it raised (any kind: a raw one fails).
    """
    barrier = threading.Barrier(2, timeout=60)
    outcomes: list[list[Any]] = [[None] * len(jobs) for _ in range(2)]

    # Opened here, not on the threads: the database is migrated already, and Alembic's
    # module-level proxies are not for two threads at once.
    desks = [Desk(Database(url, migrate=False, seed=False), clock) for _ in range(2)]

    def side(which: int) -> None:
        desk = desks[which]
        try:
            for i, pair in enumerate(jobs):
                barrier.wait()
                try:
                    outcomes[which][i] = pair[which](desk)
                except Exception as exc:  # noqa: BLE001 - every kind is an outcome to judge
                    outcomes[which][i] = exc
        finally:
            # Each thread closes its own connections (they are kept per thread).
            desk.close()

    threads = [threading.Thread(target=side, args=(w,)) for w in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return list(zip(outcomes[0], outcomes[1], strict=True))


def one_winner(
    outcomes: list[tuple[Any, Any]], names: tuple[str, str], rule: str, words: str
) -> None:
    """Each pair: one saved, the other refused with ``rule`` naming the winner."""
    for i, (a, b) in enumerate(outcomes):
        errors = [o for o in (a, b) if isinstance(o, BaseException)]
        assert len(errors) == 1, f"pair {i}: {a!r} / {b!r}"
        lost = errors[0]
        assert isinstance(lost, ValidationError), f"pair {i}: raw {lost!r}"
        assert lost.rules == {rule}, f"pair {i}: {lost}"
        winner = names[1] if lost is a else names[0]
        assert f"{winner} {words}" in str(lost) or f"{words} {winner}" in str(lost), str(lost)


def test_forty_simultaneous_first_drafts_leave_one_draft_each(desk, actors, clock):
    p, p2 = actors["practitioner"], actors["practitioner2"]
    referrals = [make_referral(desk, p, "red", given=f"Race{i}") for i in range(PAIRS)]
    jobs = [
        (
            lambda d, r=r.id: d.decisions.draft(p, r, details(rationale="Mine: first view")),
            lambda d, r=r.id: d.decisions.draft(p2, r, details(rationale="Mine: second view")),
        )
        for r in referrals
    ]
    outcomes = race(desk.db.url, clock, jobs)
    one_winner(
        outcomes,
        (p.display_name, p2.display_name),
        "one_draft",
        "is already drafting this decision",
    )
    with desk.db.reading() as s:
        drafts = dict(
            s.execute(
                select(Decision.referral_id, func.count())
                .where(Decision.status == "draft")
                .group_by(Decision.referral_id)
            ).all()
        )
    assert drafts == {r.id: 1 for r in referrals}
    # The loser's unit rolled back whole: its threshold assessment and audit row went too.
    with desk.db.reading() as s:
        audited = s.scalar(select(func.count()).where(AuditEntry.action == "decision.drafted"))
        assessed = s.scalar(select(func.count()).where(ThresholdAssessment.kind == "decision"))
    assert (audited, assessed) == (PAIRS, PAIRS)


def test_forty_simultaneous_amendments_keep_one_new_version_each(desk, actors, clock):
    manager, chair = actors["manager"], actors["chair"]
    signed = []
    for i in range(PAIRS):
        referral = make_referral(desk, actors["practitioner"], "red", given=f"Amend{i}")
        d = desk.decisions.draft(manager, referral.id, details()).value
        signed.append(desk.decisions.sign(manager, d.id, d.version).value)
    jobs = [
        (
            lambda k, d=d: k.decisions.amend(manager, d.id, d.version, details(), "Police rang"),
            lambda k, d=d: k.decisions.amend(chair, d.id, d.version, details(), "Health rang"),
        )
        for d in signed
    ]
    outcomes = race(desk.db.url, clock, jobs)
    one_winner(outcomes, (manager.display_name, chair.display_name), "latest", "amended by")
    with desk.db.reading() as s:
        versions = dict(
            s.execute(
                select(Decision.referral_id, func.count()).group_by(Decision.referral_id)
            ).all()
        )
    assert versions == {d.referral_id: 2 for d in signed}


def test_upgrade_keeps_the_newest_of_two_drafts_left_by_the_old_race(desk, actors):
    """A database that already holds two drafts on one referral still upgrades to 0014."""
    referral = make_referral(desk, actors["practitioner"], "red")
    older = desk.decisions.draft(
        actors["practitioner"], referral.id, details(pathways=("marac",))
    ).value
    cfg = alembic_config()
    with side_engine(desk).begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0013")
    table = Decision.__table__
    columns = [c for c in table.c if c.name != "id"]
    copy = select(
        *(literal(2).label("revision") if c.name == "revision" else c for c in columns)
    ).where(table.c.id == older.id)
    with side_engine(desk).begin() as conn:
        conn.execute(insert(table).from_select([c.name for c in columns], copy))
    upgrade(side_engine(desk))
    history = desk.decisions.history(actors["manager"], referral.id)
    assert [(d.revision, d.status.value) for d in history] == [(2, "draft")]
    with desk.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(DecisionPathway)) == 0
        assert s.scalar(select(func.count()).where(AuditEntry.action == "decision.drafted")) == 1


def test_forty_simultaneous_redrafts_keep_one_and_refuse_the_other(desk, actors, clock):
    p, p2 = actors["practitioner"], actors["practitioner2"]
    drafts = []
    for i in range(PAIRS):
        referral = make_referral(desk, p, "red", given=f"Redraft{i}")
        drafts.append(desk.decisions.draft(p, referral.id, details(pathways=("marac",))).value)
    jobs = [
        (
            lambda k, d=d: k.decisions.redraft(p, d.id, d.version, details(rationale="One")),
            lambda k, d=d: k.decisions.redraft(p2, d.id, d.version, details(rationale="Two")),
        )
        for d in drafts
    ]
    for i, (a, b) in enumerate(race(desk.db.url, clock, jobs)):
        errors = [o for o in (a, b) if isinstance(o, BaseException)]
        assert len(errors) == 1 and isinstance(errors[0], ConflictError), f"{i}: {a!r} {b!r}"
        assert "nothing was overwritten" in str(errors[0])
