"""Consistency QA: random sample, blind re-rating by a second practitioner, agreement figures."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from mash_desk.domain.errors import ConflictError, PermissionDenied, ValidationError
from mash_desk.services.quality import cohens_kappa
from tests.support.helpers import child, contact, row_counts

# What each practitioner ticked (by original level), and what a re-rater ticks instead.
TICKS = {
    1: ["l1-meeting-milestones"],
    2: ["l2-persistent-absence"],
    3: ["l3-going-missing"],
    4: ["l4-disclosure-physical-abuse"],
}


@pytest.fixture
def screened(desk, actors):
    """Eight screenings: levels 1-4 by the first practitioner, levels 2-3 twice by the second."""
    made = []
    plan = [("practitioner", n) for n in (1, 2, 3, 4)] + [
        ("practitioner2", n) for n in (2, 2, 3, 3)
    ]
    for k, (who, level) in enumerate(plan):
        cc = desk.contacts.log(
            actors[who],
            contact(
                child(given=f"Child{chr(65 + k)}"),
                concerns=f"Concern number {k} reported by the school.",
            ),
        ).value.children[0]
        desk.screening.screen(actors[who], cc.id, cc.version, indicators=TICKS[level])
        made.append((who, level, cc))
    return made


def draw(desk, actors, size=8):
    return desk.qa.draw_sample(actors["manager"], size=size, seed=42).value


def test_sample_is_random_but_reproducible_and_audited(desk, actors, screened):
    sample = draw(desk, actors, size=5)
    assert sample.size == 5 and len(sample.items) == 5 and sample.outstanding == 5
    again = desk.qa.draw_sample(actors["manager"], size=5, seed=42).value
    firsts = [desk.qa.blind_case(actors["chair"], i.id).concerns for i in sample.items]
    seconds = [desk.qa.blind_case(actors["chair"], i.id).concerns for i in again.items]
    assert firsts == seconds
    everything = desk.qa.draw_sample(actors["manager"], size=100, seed=1)
    assert everything.value.size == 8
    assert "all are sampled" in everything.notices[0]


def test_blind_case_never_shows_the_original_judgement(desk, actors, screened):
    sample = draw(desk, actors)
    case = desk.qa.blind_case(actors["chair"], sample.items[0].id)
    fields = {f.name for f in dataclasses.fields(case)}
    assert not fields & {"level", "chosen_level", "suggested_level", "indicators", "rationale"}
    assert case.concerns.startswith("Concern number")
    assert case.document == ("model-threshold", "2016")
    assert case.child == "7 years"


def test_the_original_decision_maker_cannot_rerate_their_own(desk, actors, screened):
    sample = draw(desk, actors)
    offered = desk.qa.next_case(actors["practitioner"], sample.id)
    assert offered is not None and _number(offered) >= 4  # decided by practitioner2
    refused = 0
    for item in sample.items:
        if _number(desk.qa.blind_case(actors["chair"], item.id)) < 4:
            with pytest.raises(PermissionDenied, match="second practitioner"):
                desk.qa.blind_case(actors["practitioner"], item.id)
            with pytest.raises(PermissionDenied, match="second practitioner"):
                desk.qa.rerate(actors["practitioner"], item.id, indicators=["l2-bullying"])
            refused += 1
    assert refused == 4


def _number(case) -> int:
    # Which screening of the fixture this is; the test knows, the re-rater does not care.
    return int(case.concerns.split()[2])


def rerate_everything(desk, actors, sample, disagree_with: set[int]):
    """Re-rate all items with the other practitioner; shift the level where told."""
    results = []
    for who in ("practitioner2", "practitioner"):
        while (case := desk.qa.next_case(actors[who], sample.id)) is not None:
            item = next(i for i in sample.items if i.id == case.item_id)
            original = _original_level(desk, actors, case)
            level = original
            if item.position in disagree_with:
                level = original - 1 if original > 1 else 2
            results.append(
                desk.qa.rerate(
                    actors[who],
                    case.item_id,
                    indicators=TICKS[level],
                    rationale="Read the contact differently" if level != original else None,
                ).value
            )
    return results


def _original_level(desk, actors, case):
    # The test knows the answer from the concerns text; the re-rater never sees it.
    return [1, 2, 3, 4, 2, 2, 3, 3][_number(case)]


def test_agreement_overall_per_level_per_decision_maker_and_disagreements(desk, actors, screened):
    sample = draw(desk, actors)
    results = rerate_everything(desk, actors, sample, disagree_with={1, 2})
    assert len(results) == 8
    assert sum(not r.agreed for r in results) == 2
    report = desk.qa.report(actors["manager"], sample.id)
    assert (report.overall.rated, report.overall.agreed) == (8, 6)
    assert report.overall.rate == pytest.approx(0.75)
    assert sum(a.rated for a in report.per_level.values()) == 8
    assert set(report.per_level) == {1, 2, 3, 4}
    assert set(report.per_decision_maker) == {"Test Practitioner", "Test Practitioner2"}
    assert sum(a.agreed for a in report.per_decision_maker.values()) == 6
    assert len(report.disagreements) == 2
    first = report.disagreements[0]
    assert first.original_level != first.rerated_level
    assert first.rerated_rationale == "Read the contact differently"
    assert first.child.startswith("Child") and first.child.endswith("Hassan")
    assert report.kappa is not None and 0 < report.kappa < report.overall.rate
    assert report.outstanding == 0
    # Issue 13 item 3: a performance officer gets the same figures, the children by id only.
    figures = desk.qa.report(actors["performance"], sample.id)
    assert (figures.overall, figures.per_level, figures.kappa) == (
        report.overall,
        report.per_level,
        report.kappa,
    )
    assert figures.per_decision_maker == report.per_decision_maker
    assert [(d.person_id, d.original_level, d.rerated_level) for d in figures.disagreements] == [
        (d.person_id, d.original_level, d.rerated_level) for d in report.disagreements
    ]
    for d in figures.disagreements:
        assert d.child == f"Child #{d.person_id}"
        assert (d.original_rationale, d.rerated_rationale) == (None, None)


def test_a_case_is_rerated_once(desk, actors, screened):
    sample = draw(desk, actors)
    case = desk.qa.next_case(actors["practitioner2"], sample.id)
    assert case is not None
    desk.qa.rerate(
        actors["practitioner2"], case.item_id, indicators=["l2-bullying"], level=2, rationale="x"
    )
    before = row_counts(desk)
    with pytest.raises(ConflictError, match="already been re-rated"):
        desk.qa.rerate(actors["chair"], case.item_id, indicators=["l2-bullying"])
    assert row_counts(desk) == before
    assert desk.qa.sample(actors["manager"], sample.id).outstanding == 7


def test_rerating_is_stored_apart_from_the_case_record(desk, actors, screened):
    """A QA re-rating must not change the child's screening level on the live record."""
    who, level, cc = screened[0]
    sample = draw(desk, actors)
    assert who == "practitioner"
    for item in sample.items:
        if _number(desk.qa.blind_case(actors["chair"], item.id)) == 0:
            desk.qa.rerate(actors["practitioner2"], item.id, indicators=TICKS[4])
    contact = desk.contacts.get(actors["practitioner"], cc.contact_id)
    assert contact.children[0].provisional_level == level == 1
    kinds = [a.kind for a in desk.thresholds.assessments(actors["manager"], cc.person.id)]
    assert sorted(kinds) == ["qa", "screening"]


@pytest.mark.parametrize(
    "kwargs, field, rule",
    [
        ({"size": 0}, "size", "range"),
        ({"size": 501}, "size", "range"),
        ({"kind": "meeting"}, "kind", "choice"),
        (
            {"period_from": date(2026, 11, 10), "period_to": date(2026, 11, 1)},
            "period_from",
            "order",
        ),
        ({"period_to": date(2026, 12, 1)}, "period_to", "future"),
        ({"period_from": date(2020, 1, 1), "period_to": date(2020, 3, 1)}, "period_from", "empty"),
    ],
)
def test_bad_sample_requests_name_the_field(desk, actors, screened, kwargs, field, rule):
    before = row_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.qa.draw_sample(actors["manager"], **kwargs)
    assert caught.value.for_field(field) and rule in caught.value.rules
    assert row_counts(desk) == before


def test_who_may_do_what(desk, actors, screened):
    with pytest.raises(PermissionDenied):
        desk.qa.draw_sample(actors["practitioner"], size=3)
    with pytest.raises(PermissionDenied):
        desk.qa.draw_sample(actors["police"], size=3)
    sample = desk.qa.draw_sample(actors["performance"], size=3).value
    with pytest.raises(PermissionDenied):
        desk.qa.report(actors["practitioner"], sample.id)
    with pytest.raises(PermissionDenied):
        desk.qa.rerate(actors["performance"], sample.items[0].id, indicators=["l2-bullying"])


def test_kappa_is_agreement_beyond_chance():
    assert cohens_kappa([]) is None
    assert cohens_kappa([(2, 2), (3, 3)]) == pytest.approx(1.0)
    assert cohens_kappa([(2, 2), (2, 2)]) is None  # one category: chance explains all
    # Classic 2x2 example: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no → κ = 0.4.
    pairs = [(1, 1)] * 20 + [(1, 2)] * 5 + [(2, 1)] * 10 + [(2, 2)] * 15
    assert cohens_kappa(pairs) == pytest.approx(0.4)


def test_qa_officer_follows_progress_and_period_is_bounded(desk, actors, screened):
    sample = draw(desk, actors, size=3)
    assert desk.qa.latest_sample_id(actors["performance"]) == sample.id
    assert desk.qa.sample(actors["performance"], sample.id).outstanding == 3
    with pytest.raises(PermissionDenied):
        desk.qa.latest_sample_id(actors["police"])
    with pytest.raises(ValidationError) as caught:
        desk.qa.draw_sample(
            actors["manager"], period_from=date(2020, 1, 1), period_to=date(2026, 11, 1)
        )
    assert "too_long" in caught.value.rules
