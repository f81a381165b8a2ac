"""Row-level security for a performance / QA officer: figures, never a family.

On every case table the performance login may select only the columns that count; what it
can read names or describes nobody, counts still work, and every service it runs works
through that login while every screen that lists children refuses it.
"""

from __future__ import annotations

from datetime import date

from psycopg import errors as pg_errors
from sqlalchemy import Connection, text
from sqlalchemy.exc import ProgrammingError

from mash_desk.domain.enums import Role
from mash_desk.domain.errors import PermissionDenied
from mash_desk.services.search import ChildQuery
from mash_desk.storage import server_policies
from tests.support.row_security_day import owner_ids

NAMED_IN_THE_ISSUE = {
    "people": ("given_name", "family_name", "date_of_birth", "nhs_number", "upn", "school"),
    "households": ("address", "postcode"),
    "contacts": (
        "referrer_name",
        "referrer_phone",
        "referrer_email",
        "referrer_agency",
        "concerns",
    ),
    "decisions": ("rationale", "inform_family", "amendment_reason", "outcome_level_reason"),
    "threshold_assessments": ("rationale", "not_red_reason"),
    "contact_children": ("level_rationale",),
    "strategy_discussions": ("rationale",),
    "strategy_attendees": ("name",),
    "routings": ("reason", "handover_summary"),
    "decision_actions": ("description", "closing_note"),
    "agency_check_requests": ("question", "finding"),
    "issued_documents": ("model", "recipient", "subject"),
    "audit_log": ("detail",),
    "access_log": ("detail",),
}
# Where the day's family details are, read as the owner: the values no performance login
# may come across in any column it can read.
_FAMILY_VALUES = (
    "SELECT given_name, family_name, date_of_birth, nhs_number FROM people",
    "SELECT address, postcode FROM households",
    "SELECT referrer_name, referrer_phone, referrer_email, concerns FROM contacts",
)
# Longer than any code, date or team name: free text somebody wrote about a family.
FREE_TEXT = 30


def _case_columns(owner: Connection) -> dict[str, list[str]]:
    return {
        table: list(
            owner.execute(
                text(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                    "'public' AND table_name = :t ORDER BY ordinal_position"
                ),
                {"t": table},
            ).scalars()
        )
        for table in server_policies.PARTNER
    }


def _refused(conn: Connection, sql: str) -> bool:
    try:
        conn.execute(text(sql)).all()
    except ProgrammingError as exc:
        assert isinstance(exc.orig, pg_errors.InsufficientPrivilege), exc.orig
        conn.rollback()
        return True
    return False


def test_performance_login_reads_only_the_columns_that_count(world):
    """Every column of every case table: refused unless it is an id, code, date or figure."""
    made = world.server
    with made.raw("postgres") as owner:
        columns = _case_columns(owner)
    listed = {t: sorted(c - set(columns[t])) for t, c in server_policies.AGGREGATE_COLUMNS.items()}
    assert {t: c for t, c in listed.items() if c} == {}, "listed columns that do not exist"
    for table, named in NAMED_IN_THE_ISSUE.items():
        assert set(named) <= set(columns[table]), table
        assert not set(named) & server_policies.AGGREGATE_COLUMNS[table], table
    wrong = {}
    with made.raw(made.logins[Role.PERFORMANCE]) as conn:
        for table, names in columns.items():
            shown = server_policies.AGGREGATE_COLUMNS.get(table, frozenset())
            for column in names:
                refused = _refused(conn, f'SELECT "{column}" FROM "{table}"')
                if refused == (column in shown):
                    wrong[f"{table}.{column}"] = "refused" if refused else "readable"
            # Whole rows, as an ORM entity load or ``SELECT *`` in psql would read them.
            if len(shown) < len(names) and not _refused(conn, f'SELECT * FROM "{table}"'):
                wrong[f"{table}.*"] = "readable"
    assert wrong == {}


def _family_values(owner: Connection) -> set[object]:
    values: set[object] = set()
    for sql in _FAMILY_VALUES:
        for row in owner.execute(text(sql)):
            values |= {v for v in row if v not in (None, "")}
    for table, names in _case_columns(owner).items():
        for column in names:
            for (value,) in owner.execute(text(f'SELECT "{column}" FROM "{table}"')):
                if isinstance(value, str) and len(value) > FREE_TEXT:
                    values.add(value)
    return values


def test_nothing_a_performance_login_can_read_names_or_describes_a_family(world):
    """Every readable cell of every case table is compared with the family's details."""
    made = world.server
    group = made.group(Role.PERFORMANCE)
    with made.raw("postgres") as owner:
        family = _family_values(owner)
        readable = {
            table: [
                c
                for c in names
                if owner.execute(
                    text("SELECT has_column_privilege(:g, CAST(:t AS regclass), :c, 'SELECT')"),
                    {"g": group, "t": f'"{table}"', "c": c},
                ).scalar_one()
            ]
            for table, names in _case_columns(owner).items()
        }
    names = {v for v in family if isinstance(v, str) and len(v) >= 4}
    assert {"Amira", "Hassan", "1 Elm Row", "N1 1AA", "Jo Teacher"} <= names  # the day's own
    assert any(isinstance(v, date) for v in family)  # dates of birth
    seen: dict[str, object] = {}
    with made.raw(made.logins[Role.PERFORMANCE]) as conn:
        for table, columns in readable.items():
            if not columns:
                continue
            listed = ", ".join(f'"{c}"' for c in columns)
            for row in conn.execute(text(f'SELECT {listed} FROM "{table}"')):
                for column, value in zip(columns, row, strict=True):
                    leaked = value in family or (
                        isinstance(value, str)
                        and (len(value) > FREE_TEXT or any(n in value for n in names))
                    )
                    if leaked:
                        seen[f"{table}.{column}"] = value
    assert seen == {}


def test_performance_login_still_counts_everything(world):
    """count(*) of every case table and the usual breakdowns work on the withheld tables."""
    made = world.server
    breakdowns = (
        "SELECT channel, referral_source, count(*) FROM contacts GROUP BY 1, 2",
        "SELECT rag, level, status, count(*) FROM referrals GROUP BY 1, 2, 3",
        "SELECT outcome, level, count(*) FROM decisions GROUP BY 1, 2",
        "SELECT status, rag, count(*) FROM contact_children GROUP BY 1, 2",
        "SELECT sex, ethnicity, count(*) FROM people GROUP BY 1, 2",
        "SELECT kind, status, count(*) FROM routings GROUP BY 1, 2",
        "SELECT suggested_level, chosen_level, count(*) FROM threshold_assessments GROUP BY 1, 2",
        "SELECT action, count(*) FROM audit_log GROUP BY 1",
        "SELECT what, count(DISTINCT person_id) FROM access_log GROUP BY 1",
    )
    with made.raw("postgres") as owner, made.raw(made.logins[Role.PERFORMANCE]) as conn:
        for table in server_policies.AGGREGATE_COLUMNS:
            sql = f'SELECT count(*) FROM "{table}"'
            assert conn.execute(text(sql)).scalar_one() == owner.execute(text(sql)).scalar_one()
        for sql in breakdowns:
            figures = sorted(conn.execute(text(sql)).all(), key=repr)
            assert figures == sorted(owner.execute(text(sql)).all(), key=repr), sql
            assert figures, sql


def test_every_performance_service_works_through_the_performance_login(world):
    """What the desk runs for a performance officer still runs with its columns withheld."""
    made = world.server
    one = "SELECT min(id) FROM {}"
    person_id, sample_id = (owner_ids(world, one.format(t))[0] for t in ("people", "qa_samples"))
    desk, me = made.desk_as(Role.PERFORMANCE)
    tour = {
        "summary.summary": lambda: desk.summary.summary(me),
        "allocation.workload": lambda: desk.allocation.workload(me),
        "access.who_viewed": lambda: desk.access.who_viewed(me, person_id),
        "qa.draw_sample": lambda: desk.qa.draw_sample(me, size=2, seed=2),
        "qa.sample": lambda: desk.qa.sample(me, sample_id),
        "qa.latest_sample_id": lambda: desk.qa.latest_sample_id(me),
        "qa.report": lambda: desk.qa.report(me, sample_id),
        "thresholds.library": lambda: desk.thresholds.library(me),
    }
    failed = {}
    for name, call in tour.items():
        try:
            call()
        except Exception as exc:  # noqa: BLE001 — every failure is reported, not the first
            failed[name] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    assert failed == {}, "\n".join(f"{k}: {v}" for k, v in failed.items())
    assert all(e.detail is None for e in desk.access.who_viewed(me, person_id))


def test_a_performance_officer_is_refused_every_screen_that_lists_children(world):
    """The services refuse, in the role's words, before any withheld column is asked for."""
    made = world.server
    one = "SELECT min(id) FROM {}"
    meeting_id, referral_id, routing_id, person_id = (
        owner_ids(world, one.format(t))[0] for t in ("meetings", "referrals", "routings", "people")
    )
    desk, me = made.desk_as(Role.PERFORMANCE)
    screens = {
        "queue.page": lambda: desk.queue.page(me),
        "meetings.today": lambda: desk.meetings.today(me),
        "meetings.get": lambda: desk.meetings.get(me, meeting_id),
        "documents.minutes_model": lambda: desk.documents.minutes_model(me, meeting_id),
        "decisions.history": lambda: desk.decisions.history(me, referral_id),
        "decisions.overdue_feedback": lambda: desk.decisions.overdue_feedback(me),
        "decisions.escalations": lambda: desk.decisions.escalations(me),
        "routing.get": lambda: desk.routing.get(me, routing_id),
        "routing.for_person": lambda: desk.routing.for_person(me, person_id),
        "strategy.for_referral": lambda: desk.strategy.for_referral(me, referral_id),
        "actions.for_referral": lambda: desk.actions.for_referral(me, referral_id),
        "actions.overdue": lambda: desk.actions.overdue(me),
        "case.view": lambda: desk.case.view(me, person_id),
        "search.find": lambda: desk.search.find(me, ChildQuery("Amira Hassan")),
    }
    answers = {}
    for name, call in screens.items():
        try:
            call()
            answers[name] = "shown"
        except PermissionDenied as refusal:
            answers[name] = str(refusal).startswith("A performance / qa officer may not")
    assert answers == dict.fromkeys(screens, True)
