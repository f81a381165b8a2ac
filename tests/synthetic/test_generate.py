"""Synthetic history: volumes, rules and determinism a manager (or a benchmark) relies on.

Every figure is computed here by SQL over the generated rows, never taken from the
generator's own report, so the tests check the data rather than the generator's arithmetic.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import random
import sys
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import undefer
from stdnum.gb import nhs

from mash_desk.domain.clock import FixedClock
from mash_desk.domain.deadlines import Deadlines
from mash_desk.domain.enums import ContactOutcome, Role
from mash_desk.domain.errors import PermissionDenied
from mash_desk.domain.identifiers import normalise_postcode
from mash_desk.domain.outcomes import is_under_five
from mash_desk.domain.policy import default_policy
from mash_desk.domain.thresholds import suggest
from mash_desk.services.desk import Desk
from mash_desk.services.inputs import ChildOnContact, NewContact, NewPerson, OutcomeInput
from mash_desk.storage.audit_chain import verify
from mash_desk.storage.base import Base
from mash_desk.storage.database import Database
from mash_desk.storage.models import (
    AssessmentIndicator,
    AuditEntry,
    Contact,
    ContactChild,
    QaItem,
    QaSample,
    Referral,
    ThresholdAssessment,
    ThresholdDocumentRow,
    User,
)
from mash_desk.synthetic import DEMO_PRACTITIONER, ensure_demo_users, generate
from mash_desk.synthetic.generate import THRESHOLD_DOCUMENT, THRESHOLD_VERSION
from mash_desk.synthetic.users import DEMO_MANAGER
from tests.conftest import NOW
from tests.support.helpers import side_engine

gen_module = importlib.import_module("mash_desk.synthetic.generate")

# A Thursday late morning: yesterday's and today's work is still open.
END = datetime(2024, 3, 14, 11, 30, tzinfo=UTC)
SOCIAL_CARE = {ContactOutcome.REFERRAL.value, ContactOutcome.FORWARD_TO_WORKER.value}


def _db(path: Path) -> Database:
    return Database(f"sqlite:///{path}")


def _scalar(db: Database, sql: str) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def _rows(db: Database, sql: str) -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def _table_hash(db: Database) -> str:
    """Hash every row of every table, in primary-key order."""
    digest = hashlib.sha256()
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            digest.update(table.name.encode())
            query = select(table).order_by(*table.primary_key.columns)
            for row in conn.execute(query):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


# --- one year (slow) -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = _db(tmp_path_factory.mktemp("year") / "d.sqlite3")
    generate(db, years=1, seed=1, end=END)
    yield db
    db.close()


@pytest.mark.slow
def test_one_year_has_harrows_volumes(year: Database):
    contacts = _scalar(year, "SELECT COUNT(*) FROM contacts")
    referrals = _scalar(year, "SELECT COUNT(*) FROM referrals")
    assert abs(contacts - 9400) <= 0.05 * 9400
    assert abs(referrals - 2300) <= 0.08 * 2300
    # Police and schools are the biggest referral sources (domain brief §8/§9).
    sources = _rows(
        year, "SELECT referral_source FROM contacts GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 2"
    )
    assert [s for (s,) in sources] == ["6", "2A"]
    # 10–15 % out of hours: evenings, nights, weekends and bank holidays.
    calendar = Deadlines.from_policy(default_policy()).calendar
    received = [r for (r,) in _rows(year, "SELECT received_at FROM contacts")]
    out_of_hours = sum(
        not calendar.is_open(datetime.fromisoformat(r).replace(tzinfo=UTC)) for r in received
    )
    assert 0.09 <= out_of_hours / contacts <= 0.16


@pytest.mark.slow
def test_re_referrals_within_twelve_months_near_harrows_rate(year: Database):
    referrals = _scalar(year, "SELECT COUNT(*) FROM referrals")
    again = _scalar(
        year,
        """
        SELECT COUNT(*) FROM referrals r WHERE EXISTS (
            SELECT 1 FROM referrals p
            WHERE p.person_id = r.person_id AND p.id <> r.id
              AND p.referral_at < r.referral_at
              AND julianday(r.referral_at) - julianday(p.referral_at) <= 365)
        """,
    )
    assert 0.09 <= again / referrals <= 0.14


@pytest.mark.slow
def test_siblings_unborn_and_known_children(year: Database):
    contacts = _scalar(year, "SELECT COUNT(*) FROM contacts")
    sibling_contacts = _scalar(
        year,
        """
        SELECT COUNT(*) FROM (
            SELECT cc.contact_id FROM contact_children cc JOIN people p ON p.id = cc.person_id
            GROUP BY cc.contact_id
            HAVING COUNT(*) >= 2 AND COUNT(DISTINCT p.household_id) = 1)
        """,
    )
    assert 0.08 <= sibling_contacts / contacts <= 0.16
    assert (
        _scalar(
            year, "SELECT MAX(n) FROM (SELECT COUNT(*) n FROM contact_children GROUP BY contact_id)"
        )
        <= 4
    )
    # Unborn at the contact: still unborn if due after the end, otherwise born since.
    still_unborn = _scalar(year, "SELECT COUNT(*) FROM people WHERE expected_delivery IS NOT NULL")
    born_since = _scalar(
        year,
        """
        SELECT COUNT(*) FROM audit_log a JOIN people p ON p.id = a.entity_id
        WHERE a.action = 'person.created' AND a.detail LIKE '%"unborn": true%'
          AND p.date_of_birth IS NOT NULL AND p.expected_delivery IS NULL
        """,
    )
    assert still_unborn > 10 and born_since > 10
    assert (
        _scalar(
            year,
            "SELECT COUNT(*) FROM people "
            "WHERE date_of_birth IS NOT NULL AND expected_delivery IS NOT NULL",
        )
        == 0
    )
    contact_children = _scalar(year, "SELECT COUNT(*) FROM contact_children")
    unborn_share = (still_unborn + born_since) / contact_children
    assert 0.01 <= unborn_share <= 0.04
    # Children the front door already knew: more than one contact in the year.
    known = _scalar(
        year,
        "SELECT COUNT(*) FROM "
        "(SELECT person_id FROM contact_children GROUP BY 1 HAVING COUNT(*) > 1)",
    )
    assert known > 500
    # Parents and carers are linked to the children.
    kinds = {k for (k,) in _rows(year, "SELECT DISTINCT kind FROM relationships")}
    assert kinds == {"sibling", "parent", "carer", "parental_responsibility", "adult_of_concern"}


@pytest.mark.slow
def test_every_under_five_without_social_care_gets_a_childrens_centre_offer(year: Database):
    tz = Deadlines.from_policy(default_policy()).calendar.timezone
    outcomes: dict[int, set[str]] = defaultdict(set)
    for cc_id, outcome in _rows(year, "SELECT contact_child_id, outcome FROM contact_outcomes"):
        outcomes[cc_id].add(outcome)
    rows = _rows(
        year,
        """
        SELECT cc.id, cc.closed_at, cc.no_offer_reason, p.date_of_birth, p.expected_delivery
        FROM contact_children cc JOIN people p ON p.id = cc.person_id
        WHERE cc.status <> 'open'
        """,
    )
    checked = offers = reasons = 0
    for cc_id, closed_at, reason, dob, edd in rows:
        day = datetime.fromisoformat(closed_at).replace(tzinfo=UTC).astimezone(tz).date()
        dob = date.fromisoformat(dob) if dob else None
        edd = date.fromisoformat(edd) if edd else None
        # A child born after the outcome was unborn at the time: under 5 either way.
        under_five = (dob is not None and dob > day) or is_under_five(dob, edd, day)
        if not under_five or outcomes[cc_id] & SOCIAL_CARE:
            continue
        checked += 1
        if ContactOutcome.CHILDRENS_CENTRE.value in outcomes[cc_id]:
            offers += 1
        else:
            assert outcomes[cc_id] == {ContactOutcome.NFA.value}
            assert reason, f"under-5 child-on-contact {cc_id} closed NFA without a reason"
            reasons += 1
    assert checked > 1000
    assert reasons < 0.15 * checked  # NFA with a reason instead of an offer is rare


@pytest.mark.slow
def test_outcomes_are_consistent(year: Database):
    nfa_with_others = _scalar(
        year,
        """
        SELECT COUNT(*) FROM (
            SELECT contact_child_id FROM contact_outcomes GROUP BY 1
            HAVING SUM(outcome = 'nfa') > 0 AND COUNT(*) > 1)
        """,
    )
    assert nfa_with_others == 0
    # Closed work has outcomes and a closing time; open work has neither.
    has_outcome = "EXISTS (SELECT 1 FROM contact_outcomes o WHERE o.contact_child_id = cc.id)"
    closed_without = _scalar(
        year,
        "SELECT COUNT(*) FROM contact_children cc WHERE status <> 'open' "
        f"AND (closed_at IS NULL OR NOT {has_outcome})",
    )
    open_with = _scalar(
        year,
        "SELECT COUNT(*) FROM contact_children cc WHERE status = 'open' "
        f"AND (closed_at IS NOT NULL OR {has_outcome})",
    )
    assert closed_without == open_with == 0
    # Exactly the referred children have a referral, made at the outcome.
    assert _scalar(
        year, "SELECT COUNT(*) FROM contact_children WHERE status = 'referred'"
    ) == _scalar(
        year,
        "SELECT COUNT(*) FROM referrals r JOIN contact_children cc "
        "ON cc.id = r.contact_child_id AND cc.closed_at = r.referral_at",
    )
    # The RAG on the record is the latest rating, with the decision clock from receipt.
    deadlines = Deadlines.from_policy(default_policy())
    rows = _rows(
        year,
        """
        SELECT cc.rag, cc.due_at, c.received_at,
               (SELECT value FROM rag_ratings r WHERE r.contact_child_id = cc.id
                ORDER BY rated_at DESC, id DESC LIMIT 1)
        FROM contact_children cc JOIN contacts c ON c.id = cc.contact_id
        """,
    )
    for rag, due_at, received_at, latest in rows[:2000]:
        assert rag == latest
        received = datetime.fromisoformat(received_at).replace(tzinfo=UTC)
        assert datetime.fromisoformat(due_at).replace(tzinfo=UTC) == deadlines.decision_due(
            rag, received
        )
    rated = {v: n for v, n in _rows(year, "SELECT rag, COUNT(*) FROM contact_children GROUP BY 1")}
    total = sum(rated.values())
    assert 0.06 <= rated["red"] / total <= 0.15
    assert 0.25 <= rated["amber"] / total <= 0.45
    assert 0.45 <= rated["green"] / total <= 0.65
    re_rated = _scalar(
        year,
        "SELECT COUNT(*) FROM "
        "(SELECT contact_child_id FROM rag_ratings GROUP BY 1 HAVING COUNT(*) > 1)",
    )
    assert 0.02 <= re_rated / total <= 0.08
    # About a fifth of decided referrals are NFA; primary need N1 is the most common.
    decided, nfa = _rows(
        year, "SELECT COUNT(*), SUM(referral_nfa) FROM referrals WHERE status = 'decided'"
    )[0]
    assert 0.1 <= nfa / decided <= 0.3
    assert _rows(
        year, "SELECT primary_need FROM referrals GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1"
    ) == [("N1",)]


@pytest.mark.slow
def test_consent_recorded_for_most_children_with_reasons(year: Database):
    children = _scalar(year, "SELECT COUNT(*) FROM contact_children")
    with_consent = _scalar(
        year,
        "SELECT COUNT(*) FROM contact_children cc WHERE EXISTS (SELECT 1 FROM consents k "
        "WHERE k.contact_id = cc.contact_id AND k.person_id = cc.person_id)",
    )
    assert with_consent / children >= 0.85
    states = dict(_rows(year, "SELECT state, COUNT(*) FROM consents GROUP BY 1"))
    assert set(states) == {"given", "refused", "sought", "not_sought", "overridden"}
    assert states["given"] == max(states.values())
    assert (
        _scalar(year, "SELECT COUNT(*) FROM consents WHERE state = 'not_sought' AND reason IS NULL")
        == 0
    )
    approvers = _rows(
        year,
        "SELECT DISTINCT u.role_code, k.lawful_basis IS NOT NULL FROM consents k "
        "LEFT JOIN users u ON u.id = k.approved_by WHERE k.state = 'overridden'",
    )
    assert approvers == [("manager", 1)]


@pytest.mark.slow
def test_open_work_at_the_end_is_recent(year: Database):
    calendar = Deadlines.from_policy(default_policy()).calendar
    rows = _rows(
        year,
        "SELECT c.received_at, cc.due_at FROM contact_children cc "
        "JOIN contacts c ON c.id = cc.contact_id WHERE cc.status = 'open'",
    )
    assert 10 <= len(rows) <= 200  # dozens of live rows in the demo queue
    oldest = min(datetime.fromisoformat(r).replace(tzinfo=UTC) for r, _ in rows)
    # No open contact older than about three working days (24 working hours, some late).
    assert calendar.working_time_between(oldest, END) <= timedelta(hours=28)
    due = [datetime.fromisoformat(d).replace(tzinfo=UTC) for _, d in rows]
    assert any(d < END for d in due) and any(d > END for d in due)  # overdue and due soon
    # Everything received before the last week is closed or referred.
    assert (
        _scalar(
            year,
            "SELECT COUNT(*) FROM contact_children cc JOIN contacts c ON c.id = cc.contact_id "
            f"WHERE cc.status = 'open' AND c.received_at < '{END - timedelta(days=7):%Y-%m-%d}'",
        )
        == 0
    )
    # Referrals awaiting a decision are from the last few working days only: since the last
    # meeting, or deferred at one of the last meetings (``meetings.FINAL_MEETINGS``).
    awaiting = _rows(year, "SELECT referral_at FROM referrals WHERE status = 'awaiting_decision'")
    for (referral_at,) in awaiting:
        at = datetime.fromisoformat(referral_at).replace(tzinfo=UTC)
        assert calendar.working_time_between(at, END) <= timedelta(hours=8 * 5)


@pytest.mark.slow
def test_audit_rows_like_the_services_write(year: Database):
    for sql in (
        "SELECT COUNT(*) FROM contacts c WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE "
        "a.action = 'contact.logged' AND a.entity = 'contact' AND a.entity_id = c.id "
        "AND a.at = c.created_at AND a.user_id = c.created_by)",
        "SELECT COUNT(*) FROM contact_children cc WHERE status <> 'open' AND NOT EXISTS (SELECT 1 "
        "FROM audit_log a WHERE a.action = 'contact.outcome_recorded' "
        "AND a.entity = 'contact_child' AND a.entity_id = cc.id AND a.at = cc.closed_at)",
        "SELECT COUNT(*) FROM referrals r WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE "
        "a.action = 'referral.created' AND a.entity = 'referral' AND a.entity_id = r.id "
        "AND a.person_id = r.person_id)",
        "SELECT COUNT(*) FROM people p WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE "
        "a.action = 'person.created' AND a.entity = 'person' AND a.entity_id = p.id "
        "AND a.at = p.created_at)",
    ):
        assert _scalar(year, sql) == 0, sql
    for (detail,) in _rows(year, "SELECT detail FROM audit_log LIMIT 5000"):
        parsed = json.loads(detail)
        assert json.dumps(parsed, default=str, ensure_ascii=False, sort_keys=True) == detail
    # Ids follow time, as when the services write rows one change at a time.
    assert (
        _scalar(
            year,
            "SELECT COUNT(*) FROM contacts a JOIN contacts b ON b.id = a.id + 1 "
            "WHERE b.received_at < a.received_at",
        )
        == 0
    )


@pytest.mark.slow
def test_people_identifiers_and_names(year: Database):
    numbers = [
        n for (n,) in _rows(year, "SELECT nhs_number FROM people WHERE nhs_number IS NOT NULL")
    ]
    children = _scalar(year, "SELECT COUNT(*) FROM people WHERE kind = 'child'")
    assert 0.6 <= len(numbers) / children <= 0.8
    assert all(n.startswith("999") and nhs.is_valid(n) for n in numbers)
    assert len(set(numbers)) == len(numbers)
    postcodes = [p for (p,) in _rows(year, "SELECT postcode FROM households")]
    assert all(p[:2] == "HA" and p[2].isdigit() and p[3] == " " for p in postcodes)
    assert all(normalise_postcode(p) == (p, None) for p in postcodes)  # valid UK format
    # The phonetic keys are the ones duplicate detection looks up.
    from mash_desk.domain.matching import name_key

    for given, family, gkey, fkey in _rows(
        year, "SELECT given_name, family_name, given_key, family_key FROM people LIMIT 3000"
    ):
        assert (gkey, fkey) == (name_key(given), name_key(family))
    # A diverse borough: diacritics kept, several name origins.
    names = " ".join(f for (f,) in _rows(year, "SELECT family_name FROM people"))
    assert any(ch in names for ch in "ŁłąęșțăîčėšžşğüöçŠ")
    assert _scalar(year, "SELECT COUNT(DISTINCT ethnicity) FROM people") >= 10


@pytest.mark.slow
def test_services_work_on_generated_data(year: Database):
    desk = Desk(year, clock=FixedClock(END))
    actor = desk.users.actor_for(DEMO_PRACTITIONER)
    page = desk.queue.page(actor, size=100)
    contacts = [r for r in page.rows if r.kind == "contact"]
    assert contacts
    row = contacts[0]
    history = desk.history.check(actor, row.person_id, exclude_contact_id=row.contact_id)
    assert history.person_id == row.person_id
    done = desk.outcomes.record(
        actor, row.item_id, row.version, OutcomeInput(outcomes=("information_advice_signpost",))
    )
    assert done.value.contact_child.status == "closed"
    logged = desk.contacts.log(
        actor,
        NewContact(
            received_at=END,
            channel="phone",
            referral_source="2A",
            concerns="Test contact after the synthetic history.",
            children=(
                ChildOnContact(
                    new=NewPerson("Testchild", "Afterhistory", date_of_birth=date(2015, 5, 5)),
                    rag="green",
                    rag_reason="Low-level concern",
                ),
            ),
        ),
    ).value
    assert logged.id == _scalar(year, "SELECT MAX(id) FROM contacts")


# --- short periods (fast) -----------------------------------------------------------------------


def test_same_seed_same_rows_and_different_seed_different_rows(tmp_path: Path):
    hashes = []
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        db = _db(tmp_path / f"{name}.sqlite3")
        report = generate(db, years=0.05, seed=seed, end=END)
        assert report.contacts > 300
        hashes.append(_table_hash(db))
        db.close()
    assert hashes[0] == hashes[1]
    assert hashes[0] != hashes[2]


@pytest.mark.skipif(sys.platform != "linux", reason="the writer process is used on Linux only")
def test_writer_process_writes_the_same_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    inline = _db(tmp_path / "inline.sqlite3")
    generate(inline, years=0.05, seed=3, end=END)
    monkeypatch.setattr(gen_module, "PROCESS_WRITER_YEARS", 0.0)
    forked = _db(tmp_path / "forked.sqlite3")
    generate(forked, years=0.05, seed=3, end=END)
    assert _table_hash(inline) == _table_hash(forked)
    # Generated audit rows are chained like the services' (the head moved with each batch).
    report = verify(forked.engine)
    assert report.ok and report.rows > 100, report.summary()


def test_refuses_a_database_with_contacts(tmp_path: Path):
    db = _db(tmp_path / "d.sqlite3")
    progress: list[tuple[str, float]] = []
    report = generate(
        db, years=0.03, seed=2, end=END, progress=lambda m, f: progress.append((m, f))
    )
    assert progress and progress[-1][1] == 1.0
    assert "contacts" in report.summary()
    with db.reading() as session:
        before = session.scalar(select(func.count()).select_from(Contact))
        users = session.scalar(select(func.count()).select_from(User))
    with pytest.raises(ValueError, match="already has .* contacts"):
        generate(db, years=0.03, seed=2, end=END)
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == before
        assert session.scalar(select(func.count()).select_from(User)) == users


def test_bad_arguments_refused(tmp_path: Path):
    db = _db(tmp_path / "d.sqlite3")
    with pytest.raises(ValueError, match="aware"):
        generate(db, years=1, end=datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="positive"):
        generate(db, years=0, end=END)


def test_demo_users_one_per_role_idempotent(tmp_path: Path):
    db = _db(tmp_path / "d.sqlite3")
    first = ensure_demo_users(db)
    second = ensure_demo_users(db)
    assert first == second
    with db.reading() as session:
        # password_hash is deferred (no login may read it on a server): load it on purpose.
        every_user = select(User).options(undefer(User.password_hash))
        users = {u.username: u for u in session.scalars(every_user)}
    assert {Role(users[name].role_code) for name in first} == set(Role)
    assert users[DEMO_PRACTITIONER].role_code == Role.PRACTITIONER.value
    assert all(users[name].password_hash is None and users[name].active for name in first)
    practitioners = [n for n in first if users[n].role_code == "practitioner"]
    assert len(practitioners) >= 4 and all(users[n].team for n in practitioners)


def test_audit_json_is_the_services_encoding():
    """``_json`` (the C encoder built once) gives exactly ``Unit.audit``'s text."""
    details = [
        {},
        {"b": [1, 'é "quoted" \\ back'], "a": {"z": None, "y": True}, "n": 1.5},
        {"at": END, "day": END.date(), "shared": {"with": "mash", "what": "nothing known"}},
        {"missing": ["health", "police"], "reason": "Line one\nline two\t— tab"},
    ]
    for detail in details:
        expected = json.dumps(detail, default=str, ensure_ascii=False, sort_keys=True)
        assert gen_module._json(detail) == expected


def test_audit_detail_shortcuts_match_the_encoder():
    cases = [
        (gen_module.person_json("child", True), {"kind": "child", "unborn": True}),
        (gen_module.person_json("adult", False), {"kind": "adult", "unborn": False}),
        (gen_module.household_json("HA3 5QX"), {"postcode": "HA3 5QX"}),
        (gen_module.household_json(None), {"postcode": None}),
        (gen_module.relationship_json(12, "parent"), {"person": 12, "kind": "parent"}),
        (
            gen_module.screened_json(
                41, "model-threshold", "2016", ["l2-a", "l3-b"], 3, 3, False, [], "amber"
            ),
            {
                "assessment": 41,
                "document": "model-threshold",
                "document_version": "2016",
                "indicators": ["l2-a", "l3-b"],
                "suggested_level": 3,
                "level": 3,
                "override": False,
                "pathways": [],
                "rag": "amber",
            },
        ),
        (
            gen_module.screened_json(
                7, "model-threshold", "2016.1", ["l4-x"], 4, 3, True, ["lado", "mappa"], "red"
            ),
            {
                "assessment": 7,
                "document": "model-threshold",
                "document_version": "2016.1",
                "indicators": ["l4-x"],
                "suggested_level": 4,
                "level": 3,
                "override": True,
                "pathways": ["lado", "mappa"],
                "rag": "red",
            },
        ),
    ]
    cases += [
        (
            gen_module.logged_json([5, 6], "phone", "2A", ["red", "amber"], ["neglect"]),
            {
                "children": [5, 6],
                "channel": "phone",
                "source": "2A",
                "ratings": ["red", "amber"],
                "risk_indicators": ["neglect"],
            },
        ),
        (
            gen_module.outcome_json(["childrens_centre", "early_help"], True, None),
            {
                "outcomes": ["childrens_centre", "early_help"],
                "under_five_rule_applied": True,
                "no_offer_reason": None,
            },
        ),
        (
            gen_module.outcome_json(["nfa"], False, 'Family\'s "own" centre — ok'),
            {
                "outcomes": ["nfa"],
                "under_five_rule_applied": False,
                "no_offer_reason": 'Family\'s "own" centre — ok',
            },
        ),
        (
            gen_module.referral_json("6", "N1", END),
            {"source": "6", "primary_need": "N1", "decision_due_at": END.isoformat()},
        ),
    ]
    for fast, detail in cases:
        assert fast == json.dumps(detail, default=str, ensure_ascii=False, sort_keys=True)


# --- threshold assessments and a consistency-QA sample, on SQLite and PostgreSQL --------------


def _all(desk: Desk, query) -> list[tuple]:
    with desk.db.read_connection() as conn:
        return [tuple(r) for r in conn.execute(query)]


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def test_each_screening_has_one_assessment_from_the_shipped_document(screened: Desk):
    document = gen_module.shipped_document()
    stored = _all(
        screened,
        select(
            ThresholdDocumentRow.document_id,
            ThresholdDocumentRow.version,
            ThresholdDocumentRow.sha256,
            ThresholdDocumentRow.content,
            ThresholdDocumentRow.installed_at,
        ),
    )
    assert len(stored) == 1
    document_id, version, sha, content, installed_at = stored[0]
    assert (document_id, version) == document.key == (THRESHOLD_DOCUMENT, THRESHOLD_VERSION)
    assert sha == document.sha256 == hashlib.sha256(content.encode()).hexdigest()
    children = {
        r[0]: r[1:]
        for r in _all(
            screened,
            select(
                ContactChild.id,
                ContactChild.person_id,
                ContactChild.provisional_level,
                ContactChild.level_rationale,
                ContactChild.threshold_document,
                ContactChild.threshold_version,
                ContactChild.screened_by,
                ContactChild.screened_at,
            ).where(ContactChild.screened_at.is_not(None)),
        )
    }
    assessments = _all(
        screened,
        select(
            ThresholdAssessment.id,
            ThresholdAssessment.contact_child_id,
            ThresholdAssessment.person_id,
            ThresholdAssessment.document_id,
            ThresholdAssessment.document_version,
            ThresholdAssessment.suggested_level,
            ThresholdAssessment.chosen_level,
            ThresholdAssessment.override,
            ThresholdAssessment.rationale,
            ThresholdAssessment.assessed_by,
            ThresholdAssessment.assessed_at,
            ThresholdAssessment.referral_id,
        ).where(ThresholdAssessment.kind == "screening"),
    )
    assert len(children) > 2000
    # Exactly one screening assessment per screened child on a contact, and none for others.
    assert sorted(a[1] for a in assessments) == sorted(children)
    ticked: dict[int, list[str]] = defaultdict(list)
    for assessment_id, indicator_id in _all(
        screened, select(AssessmentIndicator.assessment_id, AssessmentIndicator.indicator_id)
    ):
        ticked[assessment_id].append(indicator_id)
    overrides = 0
    for aid, cc_id, person, doc, ver, suggested, chosen, override, why, by, at, ref in assessments:
        cc = children[cc_id]
        assert (person, chosen, why, doc, ver, by) == cc[:6]
        assert _aware(at) == _aware(cc[6]) and _aware(installed_at) <= _aware(at)
        assert ref is None
        assert 1 <= len(ticked[aid]) <= 5
        assert all(document.has_indicator(i) for i in ticked[aid])
        assert max(document.indicator(i).level for i in ticked[aid]) == suggested
        assert bool(override) == (chosen != suggested)
        assert abs(chosen - suggested) <= 1
        assert why  # every level has its rationale; an override's says why it differs
        overrides += bool(override)
    assert 0.04 <= overrides / len(assessments) <= 0.1
    # The chosen levels keep the generator's spread: mostly levels 1–2, some 3, few 4.
    levels = defaultdict(int)
    for row in assessments:
        levels[row[6]] += 1
    assert levels[2] > levels[3] > levels[4] > 0 and levels[1] > levels[4]


def test_screened_audit_rows_carry_what_the_service_writes(screened: Desk):
    document = gen_module.shipped_document()
    ticked: dict[int, list[str]] = defaultdict(list)
    for assessment_id, indicator_id in _all(
        screened, select(AssessmentIndicator.assessment_id, AssessmentIndicator.indicator_id)
    ):
        ticked[assessment_id].append(indicator_id)
    assessments = {
        r[0]: r[1:]
        for r in _all(
            screened,
            select(
                ThresholdAssessment.id,
                ThresholdAssessment.contact_child_id,
                ThresholdAssessment.suggested_level,
                ThresholdAssessment.chosen_level,
                ThresholdAssessment.override,
                ThresholdAssessment.assessed_by,
                ThresholdAssessment.assessed_at,
            ).where(ThresholdAssessment.kind == "screening"),
        )
    }
    rags = dict(_all(screened, select(ContactChild.id, ContactChild.rag)))
    audits = _all(
        screened,
        select(AuditEntry.entity_id, AuditEntry.user_id, AuditEntry.at, AuditEntry.detail).where(
            AuditEntry.action == "contact.screened"
        ),
    )
    assert len(audits) == len(assessments)
    keys = {
        "assessment",
        "document",
        "document_version",
        "indicators",
        "suggested_level",
        "level",
        "override",
        "pathways",
        "rag",
    }
    for cc_id, user, at, detail in audits:
        parsed = json.loads(detail)
        assert json.dumps(parsed, default=str, ensure_ascii=False, sort_keys=True) == detail
        assert set(parsed) == keys
        cc, suggested, chosen, override, by, assessed_at = assessments[parsed["assessment"]]
        assert (cc_id, user, _aware(at)) == (cc, by, _aware(assessed_at))
        suggestion = suggest(document, ticked[parsed["assessment"]])
        assert parsed["indicators"] == list(suggestion.indicator_ids)
        assert parsed["pathways"] == [p.pathway.id for p in suggestion.pathways]
        assert (parsed["document"], parsed["document_version"]) == document.key
        assert (parsed["suggested_level"], parsed["level"]) == (suggested, chosen)
        assert parsed["override"] is bool(override)
        assert parsed["rag"] == rags[cc_id]
    # Unborn babies' screenings raise pre-birth planning when the level is high enough.
    raised = {p for _, _, _, d in audits for p in json.loads(d)["pathways"]}
    assert {"pre-birth-planning", "health-notification"} <= raised
    # A referral carries the level its child was screened at until the meeting's signed
    # decision sets it (the latest version's level: see test_meetings).
    rows = _all(
        screened,
        select(Referral.level, ContactChild.provisional_level)
        .join(ContactChild, ContactChild.id == Referral.contact_child_id)
        .where(Referral.status == "awaiting_decision"),
    )
    assert rows and all(level is not None and level == chosen for level, chosen in rows)


def test_a_completed_qa_sample_re_rated_by_other_practitioners(screened: Desk):
    manager = screened.users.actor_for(DEMO_MANAGER)
    samples = _all(
        screened,
        select(
            QaSample.id,
            QaSample.kind,
            QaSample.period_from,
            QaSample.period_to,
            QaSample.size,
            QaSample.seed,
            QaSample.drawn_by,
            QaSample.drawn_at,
        ),
    )
    assert len(samples) == 1
    sample_id, kind, first, last, size, seed, drawn_by, drawn_at = samples[0]
    drawn_at = _aware(drawn_at)
    tz = Deadlines.from_policy(default_policy()).calendar.timezone
    assert (kind, size, drawn_by) == ("screening", 40, manager.user_id)
    assert NOW - timedelta(days=7) <= drawn_at < NOW
    assert last < drawn_at.astimezone(tz).date() and last - first == timedelta(days=91)
    # The stored seed draws the same items from the period, as ``QaService.draw_sample`` does.
    since = datetime.combine(first, datetime.min.time(), tz)
    until = datetime.combine(last + timedelta(days=1), datetime.min.time(), tz)
    made = [
        i
        for i, at in _all(
            screened,
            select(ThresholdAssessment.id, ThresholdAssessment.assessed_at)
            .where(ThresholdAssessment.kind == "screening")
            .order_by(ThresholdAssessment.id),
        )
        if since <= _aware(at) < until
    ]
    original = ThresholdAssessment.__table__.alias("original")
    rerate = ThresholdAssessment.__table__.alias("rerate")
    items = _all(
        screened,
        select(
            QaItem.position,
            QaItem.original_id,
            original.c.assessed_by,
            rerate.c.assessed_by,
            rerate.c.assessed_at,
            rerate.c.kind,
            rerate.c.person_id == original.c.person_id,
            rerate.c.contact_child_id == original.c.contact_child_id,
            rerate.c.document_version == original.c.document_version,
            rerate.c.suggested_level,
            rerate.c.chosen_level,
            rerate.c.rationale,
            rerate.c.id,
        )
        .join(original, original.c.id == QaItem.original_id)
        .join(rerate, rerate.c.id == QaItem.rerate_id)
        .where(QaItem.sample_id == sample_id)
        .order_by(QaItem.position),
    )
    assert [i[0] for i in items] == list(range(1, 41))
    assert [i[1] for i in items] == random.Random(seed).sample(made, 40)
    practitioners = dict(
        _all(screened, select(User.id, User.role_code).where(User.role_code == "practitioner"))
    )
    document = gen_module.shipped_document()
    ticked: dict[int, list[str]] = defaultdict(list)
    for assessment_id, indicator_id in _all(
        screened, select(AssessmentIndicator.assessment_id, AssessmentIndicator.indicator_id)
    ):
        ticked[assessment_id].append(indicator_id)
    for _, _, by, again_by, at, kind, same_person, same_cc, same_doc, sug, level, why, rid in items:
        assert again_by != by and again_by in practitioners
        assert drawn_at < _aware(at) <= NOW
        assert kind == "qa" and same_person and same_cc and same_doc and why
        assert max(document.indicator(i).level for i in ticked[rid]) == sug == level
    audits = _all(
        screened,
        select(AuditEntry.action, AuditEntry.entity_id, AuditEntry.user_id, AuditEntry.detail)
        .where(AuditEntry.action.in_(("qa.sample_drawn", "qa.rerated")))
        .order_by(AuditEntry.id),
    )
    assert audits[0][:3] == ("qa.sample_drawn", sample_id, manager.user_id)
    assert json.loads(audits[0][3]) == {
        "kind": "screening",
        "period_from": first.isoformat(),
        "period_to": last.isoformat(),
        "size": 40,
        "seed": seed,
    }
    assert len(audits) == 41
    for action, _, user, detail in audits[1:]:
        assert action == "qa.rerated" and user in practitioners
        assert set(json.loads(detail)) == {"sample", "assessment", "level", "agreed"}

    report = screened.qa.report(manager, sample_id)
    assert report.overall.rated == 40 and report.outstanding == 0
    assert 0.6 < report.overall.rate < 1.0
    assert len(report.disagreements) == 40 - report.overall.agreed
    for d in report.disagreements:
        assert abs(d.rerated_level - d.original_level) == 1 and d.rerated_rationale

    # A child in the sample: each assessment shown against the document version it used.
    person = _all(
        screened,
        select(ThresholdAssessment.person_id).where(ThresholdAssessment.id == items[0][1]),
    )[0][0]
    shown = screened.thresholds.assessments(manager, person)
    # (and a referred child's meeting decision, from the meetings' history)
    assert {"screening", "qa"} <= {a.kind for a in shown} <= {"screening", "qa", "decision"}
    for a in shown:
        assert a.document == document.key and a.indicators and a.level_label
        assert max(i.level for i in a.indicators) == a.suggested_level


def test_services_add_assessments_and_samples_after_the_history(screened: Desk):
    """New ids follow the generated ones (PostgreSQL sequences were moved past them)."""
    manager = screened.users.actor_for(DEMO_MANAGER)
    drawn = screened.qa.draw_sample(manager, size=3, seed=11).value
    item = drawn.items[0]
    before = _all(screened, select(func.max(ThresholdAssessment.id)))[0][0]
    for name in ("demo.practitioner", "demo.practitioner2"):
        try:
            done = screened.qa.rerate(
                screened.users.actor_for(name), item.id, indicators=["l2-bullying"]
            )
        except PermissionDenied:
            continue  # this practitioner made the original decision
        break
    assert done.value.level == 2
    after = _all(screened, select(func.max(ThresholdAssessment.id)))[0][0]
    assert after == before + 1
    # The services' audit rows chain on from the generated history's.
    report = verify(side_engine(screened))
    assert report.ok, report.summary()
