"""The case record: child, household, flags, chronology newest first, consents, deadlines."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mash_desk.domain.errors import NotFound, PermissionDenied
from mash_desk.services.inputs import (
    ChildOnContact,
    ConsentInput,
    NewPerson,
    OutcomeInput,
    ReferralDetails,
)
from mash_desk.storage.models import ServiceEpisode
from tests.support.helpers import VALID_NHS, child, contact, log_one

SHIPPED_KEY = ("model-threshold", "2016")


def _refer(desk, actor, cc):
    return desk.outcomes.record(
        actor,
        cc.id,
        cc.version,
        OutcomeInput(
            outcomes=("mash_referral",),
            referral=ReferralDetails("N1"),
            # Level 4 goes on without consent to share only with the reason (issue 12).
            consent_reason="Asking first would put the mother at risk",
        ),
    ).value


def _story(desk, actors, clock):
    """Two contacts, a RAG change, a screening with an override, and a referral."""
    p = actors["practitioner"]
    first = desk.contacts.log(
        p,
        contact(
            child(
                "Maisie",
                "Okafor",
                date_of_birth=date(2017, 3, 9),
                nhs_number=VALID_NHS,
                upn="V310200112345",
                local_id="HRW0042",
                address="12 Elm Row",
                postcode="HA1 1AA",
                rag="green",
                rag_reason="No immediate risk",
                consents=(ConsentInput("share_information", "given"),),
            ),
            child(
                "Tobi",
                "Okafor",
                date_of_birth=date(2022, 8, 1),
                address="12 Elm Row",
                postcode="HA1 1AA",
            ),
            concerns="School nurse reports Maisie has missed two dental appointments.",
        ),
    ).value
    maisie, tobi = first.children
    outcome = desk.outcomes.record(
        p, maisie.id, maisie.version, OutcomeInput(outcomes=("information_advice_signpost",))
    ).value
    clock.advance(timedelta(days=30))
    second = desk.contacts.log(
        p,
        contact(
            ChildOnContact(person_id=maisie.person.id, rag="amber", rag_reason="Repeat concern"),
            concerns="Police attended a domestic incident at the home overnight.",
            referral_source="6",
            referrer_name="PC Example",
        ),
    ).value
    cc = second.children[0]
    clock.advance(timedelta(minutes=20))
    cc = desk.screening.change_rag(
        p, cc.id, cc.version, "red", "Children present at incident"
    ).value
    clock.advance(timedelta(minutes=20))
    cc = desk.screening.screen(
        p,
        cc.id,
        cc.version,
        indicators=["l3-domestic-abuse-affecting-child"],
        level=4,
        rationale="Third police call-out this month; mother injured",
        document=SHIPPED_KEY,
    ).value
    clock.advance(timedelta(minutes=20))
    referral = _refer(desk, p, cc).referral
    return maisie, tobi, outcome, second, referral


def test_case_shows_child_identifiers_household_and_chronology_newest_first(desk, actors, clock):
    p = actors["practitioner"]
    maisie, tobi, _, second, referral = _story(desk, actors, clock)
    clock.advance(timedelta(hours=1))
    mother = desk.people.create(
        p, NewPerson("Grace", "Okafor", kind="adult", household_id=maisie.person.household_id)
    ).value
    desk.people.link(p, mother.id, maisie.person.id, "parent")
    desk.people.link(p, maisie.person.id, tobi.person.id, "sibling")

    case = desk.case.view(p, maisie.person.id)

    assert case.child.full_name == "Maisie OKAFOR"
    assert case.age_text == "9 years"
    assert case.address == "12 Elm Row"
    assert dict(case.identifiers) == {
        "NHS number": "943 476 5919",
        "UPN": "V310200112345",
        "Local id": "HRW0042",
    }
    assert [(m.person.given_name, m.relationship, m.same_household) for m in case.household] == [
        ("Grace", "Parent", True),
        ("Tobi", "Sibling", True),
    ]
    kinds = [e.kind for e in case.events]
    # Newest first: the parent linked last, then the second contact's steps in reverse; the
    # outcome and referral were one save, the contact and its first rating another.
    assert kinds[:7] == ["audit", "referral", "outcome", "threshold", "rag", "rag", "contact"]
    assert [e.when for e in case.events] == sorted((e.when for e in case.events), reverse=True)
    assert kinds.count("contact") == 2
    assert kinds.count("rag") == 3  # green at logging, amber at logging, raised to red
    contacts = [e for e in case.events if e.kind == "contact"]
    assert contacts[0].contact_id == second.id
    assert contacts[0].summary.startswith("Phone contact from PC Example: Police attended")
    assert all(e.who == "Test Practitioner" for e in case.events)
    [ref_event] = [e for e in case.events if e.kind == "referral"]
    assert ref_event.referral_id == referral.id and "N1 Abuse or neglect" in ref_event.summary
    [outcome] = [e for e in case.events if e.kind == "outcome" and e.contact_id != second.id]
    assert "Information, advice or signposting" in outcome.summary
    # Audit rows the other events do not already show: creation and relationships.
    audit = [e.summary for e in case.events if e.kind == "audit"]
    assert "Relationship recorded: Grace OKAFOR — parent" in audit
    assert "Record created" in audit
    [consent] = case.consents
    assert (consent.purpose, consent.state, consent.summary) == (
        "share_information",
        "given",
        "Share information: given",
    )


def test_threshold_events_show_their_own_version_override_and_rationale(desk, actors, clock):
    maisie, *_ = _story(desk, actors, clock)
    case = desk.case.view(actors["practitioner"], maisie.person.id)
    [event] = [e for e in case.events if e.kind == "threshold"]
    assert event.assessment is not None
    assert tuple(event.assessment.document) == SHIPPED_KEY
    assert event.assessment.override and event.assessment.chosen_level == 4
    assert "overriding suggested Level 3: Third police call-out" in event.summary
    assert "model-threshold version 2016" in event.summary
    assert "Domestic abuse at home that is affecting the child" in event.detail


def test_chronology_opens_on_its_newest_page_and_counts_the_rest(desk, actors, clock):
    p = actors["practitioner"]
    maisie, *_ = _story(desk, actors, clock)
    clock.advance(timedelta(hours=1))
    mother = desk.people.create(p, NewPerson("Grace", "Okafor", kind="adult")).value
    desk.people.link(p, mother.id, maisie.person.id, "parent")

    whole = desk.case.view(p, maisie.person.id, events_limit=None)
    page = desk.case.view(p, maisie.person.id, events_limit=4)

    assert len(whole.events) > 4 and not whole.chronology_more
    assert page.events == whole.events[:4]  # the newest four, in the same order
    assert page.events_total == len(whole.events) and page.chronology_more
    # Only the chronology is paged: the referrals and their decisions are all there.
    assert page.referrals == whole.referrals
    assert page.consents == whole.consents


def test_deadlines_of_open_work_soonest_first(desk, actors, clock):
    p = actors["practitioner"]
    maisie, *_ = _story(desk, actors, clock)
    open_contact = desk.contacts.log(
        p, contact(ChildOnContact(person_id=maisie.person.id, rag="green", rag_reason="Update"))
    ).value
    case = desk.case.view(p, maisie.person.id)
    whats = [d.what for d in case.deadlines]
    assert any(w.startswith(f"Contact {open_contact.id}") for w in whats)
    assert sum("Referral" in w for w in whats) == 2
    assert [d.due_at for d in case.deadlines] == sorted(d.due_at for d in case.deadlines)
    assert not any(d.overdue for d in case.deadlines)
    clock.advance(timedelta(days=5))
    later = desk.case.view(p, maisie.person.id)
    assert any(d.overdue for d in later.deadlines)


def test_re_referral_flag_follows_the_twelve_month_window(desk, actors, clock):
    p = actors["practitioner"]
    cc = log_one(desk, p, date_of_birth=date(2014, 5, 5)).children[0]
    assert not desk.case.view(p, cc.person.id).has_flag("re_referral")
    _refer(desk, p, cc)
    # The referral just made is the child's first: it is not its own predecessor.
    assert not desk.case.view(p, cc.person.id).has_flag("re_referral")
    clock.advance(timedelta(days=200))
    # A new contact: progressing it would make a re-referral, so the record says so now.
    desk.contacts.log(p, contact(ChildOnContact(person_id=cc.person.id)))
    case = desk.case.view(p, cc.person.id)
    assert case.has_flag("re_referral")
    assert not case.has_flag("under_5")
    clock.advance(timedelta(days=200))
    assert not desk.case.view(p, cc.person.id).has_flag("re_referral")


def test_unborn_child_is_flagged_unborn_and_under_five(desk, actors, clock):
    p = actors["practitioner"]
    due = clock.now().date() + timedelta(days=100)
    cc = log_one(desk, p, given="", family="Nowak", date_of_birth=None, expected_delivery=due)
    case = desk.case.view(p, cc.children[0].person.id)
    assert case.has_flag("unborn") and case.has_flag("under_5")
    assert case.age_text == f"Unborn, due {due:%d %b %Y}"
    [unborn] = [f for f in case.flags if f.code == "unborn"]
    assert "34 weeks" in unborn.detail


def test_under_five_disability_and_open_service_flags(desk, actors):
    p = actors["practitioner"]
    cc = log_one(desk, p, date_of_birth=date(2025, 1, 20), disability=True).children[0]
    with desk.db.transaction() as s:
        s.add(
            ServiceEpisode(
                person_id=cc.person.id,
                service="early_help",
                team="Early Support North",
                started_on=date(2026, 9, 1),
            )
        )
    case = desk.case.view(p, cc.person.id)
    assert [f.code for f in case.flags] == ["open_service", "under_5", "disability"]
    assert case.flags[0].label == "Open to Early help"
    assert "Early Support North" in case.flags[0].detail
    assert case.age_text == "21 months"


def test_partner_agency_user_is_refused(desk, actors):
    cc = log_one(desk, actors["practitioner"]).children[0]
    with pytest.raises(PermissionDenied):
        desk.case.view(actors["police"], cc.person.id)


def test_unknown_person_is_not_found(desk, actors):
    with pytest.raises(NotFound):
        desk.case.view(actors["practitioner"], 987654)
