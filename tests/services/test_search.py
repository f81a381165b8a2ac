"""Find any child, open or closed (issue 12 item 3), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from mash_desk.domain.errors import PermissionDenied, ValidationError
from mash_desk.services import search as search_module
from mash_desk.services.checks import CheckRequestInput
from mash_desk.services.inputs import ChildOnContact, ConsentInput
from mash_desk.services.search import ChildQuery
from mash_desk.storage.models import AccessLogEntry, ContactChild
from tests.conftest import NOW
from tests.services.test_checks import make_referral
from tests.services.test_decisions import details
from tests.support.helpers import VALID_NHS, contact, log_one, row_counts

ELM_ROW = "LS1 4AB"


def closed_two_years_ago(desk, clock, actors, **child_kw):
    """A child referred, decided and closed two years before NOW, made through the services.

    Amira Hassan (NHS number ``VALID_NHS``): a red contact progressed to a referral, decided
    between meetings by a manager (single assessment, s17). The clock then goes back to NOW.
    """
    clock.set(NOW - timedelta(days=730))
    child_kw.setdefault("nhs_number", VALID_NHS)
    child_kw.setdefault("address", "1 Elm Row")
    child_kw.setdefault("postcode", ELM_ROW)
    child_kw.setdefault("consents", (ConsentInput("share_information", "given"),))
    referral = make_referral(desk, actors["practitioner"], "red", **child_kw)
    draft = desk.decisions.draft(actors["practitioner"], referral.id, details()).value
    decision = desk.decisions.sign(actors["manager"], draft.id, draft.version).value
    clock.set(NOW)
    return SimpleNamespace(referral=referral, decision=decision, person_id=referral.person_id)


def names(results):
    return [c.person.full_name for c in results.children]


@pytest.fixture
def p(actors):
    return actors["practitioner"]


def test_closed_child_is_found_by_nhs_number_with_what_is_known(desk, clock, actors, p):
    old = closed_two_years_ago(desk, clock, actors)
    for query in (
        ChildQuery(VALID_NHS),
        ChildQuery("943 476 5919"),
        ChildQuery(nhs_number=VALID_NHS),
    ):
        [found] = desk.search.find(p, query).children
        assert found.person.id == old.person_id
        assert found.open_work == 0
        assert found.referrals_12_months == 0  # two years ago: not in the last 12 months
        assert found.status.startswith("Closed — decided on ")
        assert "Single assessment" in found.status or "s17" in found.status
        assert found.last_contact is not None and found.last_contact.year == 2024


def test_phonetic_name_date_of_birth_postcode_and_household(desk, clock, actors, p):
    old = closed_two_years_ago(desk, clock, actors)
    household_id = desk.people.get(p, old.person_id).household_id
    log_one(
        desk,
        p,
        given="Yusuf",
        family="Hassan",
        date_of_birth=date(2021, 3, 2),
        household_id=household_id,
    )
    log_one(desk, p, given="Ben", family="Carter", date_of_birth=date(2019, 6, 1))
    assert names(desk.search.find(p, ChildQuery("amirah hasan"))) == ["Amira HASSAN"]
    assert names(desk.search.find(p, ChildQuery("Hasan Amira"))) == ["Amira HASSAN"]
    assert set(names(desk.search.find(p, ChildQuery("Hassan")))) == {"Amira HASSAN", "Yusuf HASSAN"}
    assert set(names(desk.search.find(p, ChildQuery("01/06/2019")))) == {
        "Amira HASSAN",
        "Ben CARTER",
    }
    assert names(desk.search.find(p, ChildQuery("Hassan", date_of_birth=date(2019, 6, 1)))) == [
        "Amira HASSAN"
    ]
    assert set(names(desk.search.find(p, ChildQuery("ls14ab")))) == {"Amira HASSAN", "Yusuf HASSAN"}
    household = desk.search.find(p, ChildQuery(household_id=household_id))
    assert set(names(household)) == {"Amira HASSAN", "Yusuf HASSAN"}
    # Open work shows as open, with its level of knowledge.
    [yusuf] = desk.search.find(p, ChildQuery("Yusuf")).children
    assert yusuf.open_work == 1 and yusuf.status.startswith("Open")


def test_search_writes_nothing_not_even_an_access_row(desk, clock, actors, p):
    closed_two_years_ago(desk, clock, actors)
    before = row_counts(desk)
    assert desk.search.find(p, ChildQuery("Amira")).children
    assert row_counts(desk) == before
    # Opening the found child's case view does log the look.
    [found] = desk.search.find(p, ChildQuery("Amira")).children
    case = desk.case.view(p, found.person.id)
    assert len(case.referrals) == 1 and case.referrals[0].latest_signed is not None
    with desk.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(AccessLogEntry)) == 1


@pytest.mark.parametrize(
    ("query", "field", "rule"),
    [
        (ChildQuery(""), "text", "required"),
        (ChildQuery("   ,  "), "text", "required"),
        (ChildQuery("9434765918"), "text", "checksum"),
        (ChildQuery(nhs_number="123"), "nhs_number", "length"),
        (ChildQuery(nhs_number="9434765918"), "nhs_number", "checksum"),
        (ChildQuery("Amira", postcode="not a postcode"), "postcode", "format"),
        (ChildQuery("Amira 31/02/2019"), "text", "format"),
    ],
)
def test_bad_search_names_the_field_and_the_rule(desk, p, query, field, rule):
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.search.find(p, query)
    assert [(e.field, e.rule) for e in caught.value.errors] == [(field, rule)]
    assert row_counts(desk) == before


def test_results_are_bounded_with_a_refine_message(desk, p, monkeypatch):
    for given in ("Ann", "Bea", "Cal"):
        log_one(desk, p, given=given, family="Okafor")
    monkeypatch.setattr(search_module, "RESULT_LIMIT", 2)
    results = desk.search.find(p, ChildQuery("Okafor"))
    assert len(results.children) == 2 and results.more
    assert "refine" in results.message
    assert not desk.search.find(p, ChildQuery("Cal Okafor")).more


def test_partner_finds_only_children_asked_of_their_agency(desk, actors, p):
    police = actors["police"]
    amira = make_referral(desk, p, "red", nhs_number=VALID_NHS)
    ben = make_referral(desk, p, "amber", given="Ben", family="Carter")
    desk.checks.request(p, ben.id, [CheckRequestInput("police", "Any call-outs?")])
    desk.checks.request(p, amira.id, [CheckRequestInput("health", "Registered with a GP?")])
    assert desk.search.find(police, ChildQuery("Amira")).children == ()
    assert desk.search.find(police, ChildQuery(VALID_NHS)).children == ()
    [found] = desk.search.find(police, ChildQuery("Ben Carter")).children
    assert found.person.id == ben.person_id
    # No more than the inbox shows: none of the MASH's own history.
    assert (found.open_work, found.last_contact, found.level) == (None, None, None)
    assert found.status == "Known to your agency"
    # A partner still cannot open the case record itself.
    with pytest.raises(PermissionDenied):
        desk.search.resolve(police, ben.person_id)
    # The MASH finds both.
    assert len(desk.search.find(p, ChildQuery("01/06/2019")).children) == 2


def test_admin_may_not_search(desk, actors):
    with pytest.raises(PermissionDenied):
        desk.search.find(actors["admin"], ChildQuery("Amira"))


def test_twins_on_one_contact_are_both_found(desk, p):
    desk.contacts.log(
        p,
        contact(
            ChildOnContact(new=_twin("Ada")),
            ChildOnContact(new=_twin("Ida")),
        ),
    )
    assert len(desk.search.find(p, ChildQuery("Nwosu")).children) == 2
    with desk.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(ContactChild)) == 2


def _twin(given):
    from mash_desk.services.inputs import NewPerson

    return NewPerson(given, "Nwosu", date_of_birth=date(2020, 1, 5))


def test_partner_finds_children_routed_to_or_given_actions_by_their_agency(desk, actors, p):
    from mash_desk.services.decisions import ActionInput
    from mash_desk.services.routing import RoutingInput
    from tests.services.test_routing import completed

    health = desk.users.create(
        desk.users.system_actor(),
        username="test.health",
        display_name="Test Health",
        role="partner",
        agency_code="health",
        password=None,
    ).value
    cara = make_referral(desk, p, "amber", given="Cara", family="Doyle")
    routing = desk.routing.create(
        p,
        cara.person_id,
        RoutingInput(
            "transfer", "health", "Health-led plan", 3, "Handover", from_agency="social_care"
        ),
    ).value
    dan = make_referral(desk, p, "red", given="Dan", family="Doyle")
    draft = desk.decisions.draft(
        p,
        dan.id,
        details(actions=(ActionInput("Health visitor visit", date(2026, 11, 19), "health"),)),
    ).value
    desk.decisions.sign(actors["manager"], draft.id, draft.version)
    make_referral(desk, p, "amber", given="Eve", family="Doyle")
    # An open (not yet handed over) routing is not the agency's yet.
    assert names(desk.search.find(health, ChildQuery("Doyle"))) == ["Dan DOYLE"]
    completed(desk, p, routing)
    assert set(names(desk.search.find(health, ChildQuery("Doyle")))) == {"Cara DOYLE", "Dan DOYLE"}
    assert desk.search.find(actors["police"], ChildQuery("Doyle")).children == ()
