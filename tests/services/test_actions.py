"""Decision actions as partner work: inbox, progress notes, closing, overdue, isolation."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from mash_desk.domain.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from mash_desk.services.actions import ActionStatus, action_timing
from mash_desk.services.decisions import ActionInput
from mash_desk.storage.models import AccessLogEntry, AuditEntry
from tests.services.test_decisions import L3, details, meeting  # noqa: F401 - fixture
from tests.services.test_routing import partner
from tests.support.helpers import row_counts

TUE, WED, THU = date(2026, 11, 17), date(2026, 11, 18), date(2026, 11, 19)
HEALTH = "Health (GP, midwifery, health visiting, school nursing)"


@pytest.fixture
def health(desk):
    return partner(desk, "health")


@pytest.fixture
def decided(desk, actors, meeting, health):  # noqa: F811
    """A signed decision with actions for health (two, one in the rep's own name) and police."""
    meeting_id, referral = meeting
    draft = desk.decisions.draft(
        actors["practitioner"],
        referral.id,
        details(
            actions=(
                ActionInput("Health visitor to visit the home", THU, owner_agency="health"),
                ActionInput("Check the police national computer", TUE, owner_agency="police"),
                ActionInput("Share the GP summary", WED, owner_user_id=health.user_id),
            )
        ),
        meeting_id,
    ).value
    # Not work until signed: nobody's inbox has a draft's actions.
    assert desk.actions.inbox(health) == ()
    assert desk.actions.inbox(actors["practitioner"]) == ()
    return desk.decisions.sign(actors["chair"], draft.id, draft.version).value


def audit(desk, action):
    with desk.db.reading() as s:
        return s.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        ).all()


def refused(desk, call, *rules):
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        call()
    assert caught.value.rules == set(rules)
    assert row_counts(desk) == before
    return caught.value


def test_timing_in_words():
    open_ = ActionStatus.OPEN
    assert action_timing(open_, TUE, TUE) == (False, "due today")
    assert action_timing(open_, WED, TUE) == (False, "due tomorrow")
    assert action_timing(open_, THU, TUE) == (False, "due in 2 days")
    assert action_timing(open_, TUE, WED) == (True, "overdue by 1 day")
    assert action_timing(open_, TUE, THU) == (True, "overdue by 2 days")
    assert action_timing(ActionStatus.DONE, TUE, THU) == (False, "done")
    assert action_timing(ActionStatus.NOT_DONE, TUE, THU) == (False, "not done")


def test_partner_inbox_has_own_agency_and_own_actions_with_child_and_due(
    desk, actors, decided, health, clock
):
    items = desk.actions.inbox(health)
    assert [(i.description, i.owner) for i in items] == [
        ("Share the GP summary", "Rep of health"),  # due Wednesday: soonest first
        ("Health visitor to visit the home", HEALTH),
    ]
    first = items[0]
    assert (first.child_name, first.age_text, first.outcome.label) == (
        "Amira HASSAN",
        "7 years",
        "Single assessment (s17)",
    )
    assert (first.due_on, first.overdue, first.timing, first.status) == (
        WED,
        False,
        "due tomorrow",
        "open",
    )
    assert [i.description for i in desk.actions.inbox(actors["police"])] == [
        "Check the police national computer"
    ]
    # MASH staff see every agency's, or one agency's.
    staff = desk.actions.inbox(actors["practitioner"])
    assert len(staff) == 3
    assert [
        i.owner_agency for i in desk.actions.inbox(actors["manager"], agency_code="health")
    ] == ["health"]
    clock.advance(timedelta(days=2))  # Thursday: Wednesday's is a day late
    late = {i.description: i for i in desk.actions.inbox(health)}
    assert late["Share the GP summary"].overdue is True
    assert late["Share the GP summary"].timing == "overdue by 1 day"
    assert late["Health visitor to visit the home"].timing == "due today"


def test_progress_note_keeps_the_action_open_and_is_audited(desk, actors, decided, health):
    item = next(i for i in desk.actions.inbox(health) if i.owner_agency == "health")
    result = desk.actions.update(health, item.id, item.version, "Visit booked for Thursday 10:00")
    updated = result.value
    assert updated.status == "open" and updated.version == item.version + 1
    assert [(u.note, u.status_after, u.written_by) for u in updated.updates] == [
        ("Visit booked for Thursday 10:00", "open", "Rep of health")
    ]
    assert {"actions", f"action:{item.id}", "agency_inbox:health"} <= result.changed
    [row] = audit(desk, "decision_action.updated")
    assert (row.person_id, row.entity, row.entity_id, row.user_id) == (
        decided.person_id,
        "decision_action",
        item.id,
        health.user_id,
    )
    assert json.loads(row.detail)["note"] == "Visit booked for Thursday 10:00"
    # The version moved: a colleague who had the old one open is told to reload.
    before = row_counts(desk)
    with pytest.raises(ConflictError):
        desk.actions.update(health, item.id, item.version, "Also booked")
    assert row_counts(desk) == before
    e = refused(
        desk, lambda: desk.actions.update(health, item.id, updated.version, "  "), "required"
    )
    assert e.for_field("note")[0].message == "Progress note is required"


def test_close_needs_the_outcome_or_the_reason_and_is_final(desk, actors, decided, health):
    done_item, not_done_item = sorted(desk.actions.inbox(health), key=lambda i: i.id)
    e = refused(desk, lambda: desk.actions.close(health, done_item.id, 1, True, None), "required")
    assert "What was done" in e.for_field("note")[0].message
    e = refused(desk, lambda: desk.actions.close(health, done_item.id, 1, False, ""), "required")
    assert "Why it was not done" in e.for_field("note")[0].message

    closed = desk.actions.close(
        health, done_item.id, done_item.version, True, "Home visit made; baby well, mum coping"
    ).value
    assert (closed.status, closed.closing_note, closed.closed_by, closed.timing) == (
        "done",
        "Home visit made; baby well, mum coping",
        "Rep of health",
        "done",
    )
    assert closed.updates[-1].status_after == "done"
    not_done = desk.actions.close(
        health, not_done_item.id, not_done_item.version, False, "Not registered with our GPs"
    ).value
    assert (not_done.status, not_done.closing_note) == ("not_done", "Not registered with our GPs")
    assert desk.actions.inbox(health) == ()
    assert {i.status for i in desk.actions.inbox(health, include_closed=True)} == {
        "done",
        "not_done",
    }
    # Closed is final: no more notes, no second closing — with a plain message, nothing written.
    e = refused(
        desk, lambda: desk.actions.update(health, closed.id, closed.version, "More"), "open"
    )
    assert "closed as done on 17 Nov 2026" in e.for_field("status")[0].message
    refused(desk, lambda: desk.actions.close(health, closed.id, closed.version, False, "x"), "open")
    rows = audit(desk, "decision_action.closed")
    assert [json.loads(r.detail)["status"] for r in rows] == ["done", "not_done"]
    assert {r.person_id for r in rows} == {decided.person_id}
    # The decision shows where its actions got to.
    [version] = desk.decisions.history(actors["manager"], decided.referral_id)
    shown = {a.id: (a.status, a.closing_note) for a in version.actions}
    assert shown[closed.id] == ("done", "Home visit made; baby well, mum coping")
    assert version.indicators == (L3,)


def test_mash_staff_may_work_any_agencys_action(desk, actors, decided):
    police_item = next(
        i for i in desk.actions.inbox(actors["practitioner"]) if i.owner_agency == "police"
    )
    closed = desk.actions.close(
        actors["practitioner"],
        police_item.id,
        police_item.version,
        True,
        "PC Lee confirmed by phone: no record",
    ).value
    assert (closed.status, closed.closed_by) == ("done", "Test Practitioner")
    with pytest.raises(PermissionDenied):  # performance officers never write
        desk.actions.update(actors["performance"], police_item.id, closed.version, "x")
    assert len(desk.actions.inbox(actors["manager"], include_closed=True)) == 3
    # Issue 13 item 3: actions describe a family's work, so a performance officer has no list.
    with pytest.raises(PermissionDenied, match="performance / qa officer may not see the actions"):
        desk.actions.inbox(actors["performance"], include_closed=True)


def test_another_agencys_action_looks_exactly_like_a_missing_one(desk, actors, decided, health):
    police = actors["police"]
    # Health's own action and the one in the health rep's name: neither is the police rep's.
    theirs = [i.id for i in desk.actions.inbox(health)]
    assert len(theirs) == 2
    before = row_counts(desk)
    for call in (
        lambda aid: desk.actions.update(police, aid, 1, "Seen it"),
        lambda aid: desk.actions.close(police, aid, 1, True, "Done it"),
    ):
        for action_id in theirs:
            messages = []
            for tried in (action_id, 999_999):
                with pytest.raises(NotFound) as caught:
                    call(tried)
                messages.append(str(caught.value).replace(str(tried), "N"))
            assert messages[0] == messages[1]
    assert row_counts(desk) == before
    # The agency comes from the database, not from the Actor the caller holds.
    forged = replace(police, agency_code="health")
    assert {i.owner_agency for i in desk.actions.inbox(forged)} == {"police"}
    with pytest.raises(NotFound):
        desk.actions.close(forged, theirs[0], 1, True, "x")


def test_for_referral_staff_see_all_a_partner_only_theirs_and_it_is_logged(
    desk, actors, decided, health
):
    referral_id = decided.referral_id
    staff = desk.actions.for_referral(actors["manager"], referral_id)
    assert len(staff) == 3 and all(i.current for i in staff)
    mine = desk.actions.for_referral(health, referral_id)
    assert {i.owner for i in mine} == {HEALTH, "Rep of health"}
    with desk.db.reading() as s:
        logged = s.execute(
            select(AccessLogEntry.user_id, AccessLogEntry.what).where(
                AccessLogEntry.person_id == decided.person_id
            )
        ).all()
    assert (health.user_id, "decision_actions.view") in logged
    education = partner(desk, "education")  # nothing of theirs on this referral
    before = row_counts(desk)
    messages = []
    for rid in (referral_id, 999_999):
        with pytest.raises(NotFound) as caught:
            desk.actions.for_referral(education, rid)
        messages.append(str(caught.value).replace(str(rid), "N"))
    assert messages[0] == messages[1]
    assert row_counts(desk) == before  # no access row for what was not shown


def test_amended_decisions_superseded_actions_are_not_work(desk, actors, decided, health):
    old = next(i for i in desk.actions.inbox(health) if i.owner_agency == "health")
    desk.actions.update(health, old.id, old.version, "Visit booked")
    amended = desk.decisions.amend(
        actors["chair"],
        decided.id,
        decided.version,
        details(actions=(ActionInput("Joint visit with social worker", THU, "health"),)),
        "Health returned more information after the meeting",
    ).value
    assert [i.description for i in desk.actions.inbox(health)] == ["Joint visit with social worker"]
    assert [i.id for i in desk.actions.inbox(health)] == [amended.actions[0].id]
    staff = desk.actions.for_referral(actors["manager"], decided.referral_id)
    assert [(i.revision, i.current) for i in staff] == [(1, False)] * 3 + [(2, True)]
    superseded = next(i for i in staff if i.id == old.id)
    assert superseded.timing.startswith("superseded") and not superseded.overdue
    assert [u.note for u in superseded.updates] == ["Visit booked"]  # kept as it was
    refused(
        desk,
        lambda: desk.actions.close(health, old.id, superseded.version, True, "Done"),
        "latest",
    )
    # A partner no longer sees the superseded version's actions at all.
    assert old.id not in {i.id for i in desk.actions.for_referral(health, decided.referral_id)}


def test_overdue_for_managers(desk, actors, decided, health, clock):
    manager = actors["manager"]
    assert desk.actions.overdue(manager) == ()
    clock.advance(timedelta(days=1))  # Wednesday: Tuesday's police action is a day late
    [late] = desk.actions.overdue(manager)
    assert (late.owner_agency, late.timing) == ("police", "overdue by 1 day")
    clock.advance(timedelta(days=1))
    assert [i.due_on for i in desk.actions.overdue(manager)] == [TUE, WED]  # most overdue first
    assert [i.owner for i in desk.actions.overdue(manager, agency_code="police")] == ["Police"]
    desk.actions.close(manager, late.id, late.version, False, "Police rep on leave; re-asked")
    assert [i.due_on for i in desk.actions.overdue(manager)] == [WED]
    for who in ("practitioner", "police"):
        with pytest.raises(PermissionDenied):
            desk.actions.overdue(actors[who])
    with pytest.raises(PermissionDenied):
        desk.actions.overdue(health)
