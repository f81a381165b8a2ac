"""Text at the edge (issue 14 item 7): no typed or pasted text makes a service crash.

Every public create, update and search service is called with generated text (any code
point, lone surrogates and C0/C1 controls included, and long valid text to meet column
widths) in each of its string parameters. Each call must succeed or raise the project's
``ValidationError`` (or, for sign-in, its one vague ``PermissionDenied``); text holding a
lone surrogate or a control character must be refused by a write, naming that field; a
refused call changes no table (row counts of every table, the audit log included, before
and after). Searches and filters may instead find nothing.

SQLite takes the thousands of inputs: a database there is restored by copying a file, and
after every successful write each string column is checked against its width, which SQLite
does not enforce but PostgreSQL does (a value PostgreSQL would refuse fails the test). The
PostgreSQL run is smaller and only sends text that must be refused (lone surrogates, NUL
and other controls inside the text), so it never has to re-create its database.

Sizing: the ``text-edge-ci`` profile (default) keeps this module to a minute or two on a
slow two-CPU machine. For a long run (tens of thousands of inputs):

    MASH_DESK_TEXT_EDGE_PROFILE=text-edge-long pytest tests/services/test_text_edge.py
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import String, create_engine, func, select, text
from sqlalchemy.engine import make_url

from mash_desk.domain.clock import FixedClock
from mash_desk.domain.errors import ValidationError
from mash_desk.services.desk import Desk
from mash_desk.storage.base import Base
from mash_desk.storage.database import Database
from tests.conftest import NOW, fresh_database_url
from tests.services.text_edge_cases import CONTACTS, OUTCOMES, PEOPLE, SCREENING, Case
from tests.services.text_edge_scene import Scene, build_scene
from tests.services.text_edge_work import (
    ALLOCATION,
    DECISIONS,
    DOCUMENTS,
    MEETINGS,
    PARTNER_WORK,
    QA_AND_THRESHOLDS,
    ROUTING,
    SEARCHES,
    USERS,
)
from tests.support import postgres

CASES = [
    *PEOPLE,
    *CONTACTS,
    *SCREENING,
    *OUTCOMES,
    *USERS,
    *MEETINGS,
    *DECISIONS,
    *PARTNER_WORK,
    *ROUTING,
    *ALLOCATION,
    *DOCUMENTS,
    *QA_AND_THRESHOLDS,
    *SEARCHES,
]

# Examples per case and backend. SQLite restores a changed database by copying a file;
# PostgreSQL by re-creating it from a template, which is slower, so it gets fewer.
_COMMON = {
    "deadline": None,
    "derandomize": False,
    "database": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile("text-edge-ci-sqlite", max_examples=12, **_COMMON)
settings.register_profile("text-edge-ci-postgresql", max_examples=2, **_COMMON)
settings.register_profile("text-edge-long-sqlite", max_examples=400, **_COMMON)
settings.register_profile("text-edge-long-postgresql", max_examples=60, **_COMMON)
PROFILE = os.environ.get("MASH_DESK_TEXT_EDGE_PROFILE", "text-edge-ci")

# What a damaged paste brings: lone surrogates (half an emoji), NUL, C0 and C1 controls.
# None of them is whitespace, so inside a text no stripping can remove them.
BAD = ["\ud800", "\udfff", "\ud83d", "\udc80", "\x00", "\x07", "\x1b", "\x7f", "\x9f"]
ANY_CHAR = st.characters(codec=None, exclude_categories=())
DAMAGED = st.tuples(
    st.text(min_size=1, max_size=30), st.sampled_from(BAD), st.text(min_size=1, max_size=30)
).map("".join)
TEXT_BY_BACKEND = {
    "postgresql": DAMAGED,
    "sqlite": st.one_of(
        st.text(ANY_CHAR, max_size=40),
        DAMAGED,
        # Long valid text meets the widths of the columns short fields are stored in.
        st.text(
            st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=50, max_size=260
        ),
    ),
}
# A lone surrogate, or a control character no stripping removes (not whitespace): text that
# must be refused by whichever field it is typed into.
_DAMAGED = re.compile("[\ud800-\udfff\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


@dataclass
class Bench:
    """A database holding the scene, and how to put it back after an example changed it."""

    backend: str
    url: str
    snapshot: str
    desk: Desk
    scene: Scene
    pg: postgres.PgServer | None

    def restore(self) -> None:
        """Put the database back as the scene left it (a changed one broke later examples)."""
        self.desk.close()
        if self.backend == "sqlite":
            work = Path(self.url.removeprefix("sqlite:///"))
            for extra in ("-wal", "-shm"):
                Path(f"{work}{extra}").unlink(missing_ok=True)
            shutil.copyfile(self.snapshot, work)
        else:
            assert self.pg is not None
            _from_template(self.pg, _database(self.url), self.snapshot, drop=True)
        self.desk = Desk(Database(self.url, migrate=False, seed=False), FixedClock(NOW))


def _database(url: str) -> str:
    """The database's name in ``url`` (its query carries the TLS settings)."""
    return make_url(url).database or ""


def _from_template(pg: postgres.PgServer, name: str, template: str, *, drop: bool) -> None:
    engine = create_engine(pg.admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if drop:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def bench(
    request: pytest.FixtureRequest,
    templates: dict[str, str],
    pg_server: postgres.PgServer | None,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Bench]:
    """The scene on one backend, built once for the module and snapshotted."""
    url = fresh_database_url(request.param, templates, pg_server, tmp_path_factory.mktemp("te"))
    desk = Desk.open(url, FixedClock(NOW))
    scene = build_scene(desk)
    desk.close()
    if request.param == "sqlite":
        snapshot = url.removeprefix("sqlite:///") + ".snapshot"
        shutil.copyfile(url.removeprefix("sqlite:///"), snapshot)
    else:
        assert pg_server is not None
        snapshot = _database(url) + "_snapshot"
        _from_template(pg_server, snapshot, _database(url), drop=False)
    made = Bench(
        request.param,
        url,
        snapshot,
        Desk(Database(url, migrate=False, seed=False), FixedClock(NOW)),
        scene,
        pg_server,
    )
    yield made
    made.desk.close()


def table_counts(desk: Desk) -> tuple[int, ...]:
    """Return the row count of every table, the audit log included, in one round trip.

    The same proof as ``tests.support.helpers.row_counts``, asked as one statement because
    it runs twice for each of thousands of examples.
    """
    counts = [
        select(func.count()).select_from(table).scalar_subquery()
        for table in Base.metadata.sorted_tables
    ]
    with desk.db.reading() as session:
        return tuple(session.execute(select(*counts)).one())


def check_one(bench: Bench, case: Case, typed: str) -> None:
    """Call ``case`` with ``typed``: a success, or a refusal naming the field that wrote nothing.

    Anything else (a driver's UnicodeEncodeError, DataError...) fails the test.
    """
    desk = bench.desk
    before = table_counts(desk)
    try:
        case.call(desk, bench.scene, typed)
    except ValidationError as refused:
        assert table_counts(desk) == before, f"{case}: a refused call wrote"
        if case.field is not None and _DAMAGED.search(typed):
            fields = {e.field for e in refused.errors}
            assert case.field in fields, f"{case}: refusal names {fields}, not {case.field}"
        return
    except case.other:
        assert table_counts(desk) == before, f"{case}: a refused call wrote"
        return
    if case.field is not None:
        assert not _DAMAGED.search(typed), f"{case}: accepted damaged text {typed!r}"
    if table_counts(desk) != before:
        too_long = overlong(desk) if bench.backend == "sqlite" else []
        bench.restore()  # before asserting, so a failure leaves the next case a clean scene
        assert too_long == [], f"{case}: PostgreSQL would refuse {typed!r}"


def overlong(desk: Desk) -> list[str]:
    """Return the string columns holding a value longer than the column's width.

    SQLite ignores ``VARCHAR(n)``; PostgreSQL refuses a longer value with a DataError, so a
    rule that lets one through is a crash waiting for the shared server.
    """
    over = []
    with desk.db.reading() as session:
        for table in Base.metadata.tables.values():
            widths = {
                c.name: c.type.length
                for c in table.columns
                if isinstance(c.type, String) and c.type.length
            }
            if not widths:
                continue
            longest = session.execute(
                select(*(func.max(func.length(table.c[name])) for name in widths))
            ).one()
            over += [
                f"{table.name}.{name}"
                for (name, width), got in zip(widths.items(), longest, strict=True)
                if (got or 0) > width
            ]
    return over


@pytest.mark.parametrize("case", CASES, ids=str)
def test_any_text_is_stored_or_refused_by_field(bench: Bench, case: Case) -> None:
    profile = settings.get_profile(f"{PROFILE}-{bench.backend}")

    @profile
    @given(typed=TEXT_BY_BACKEND[bench.backend])
    def run(typed: str) -> None:
        check_one(bench, case, typed)

    run()


def test_a_username_is_measured_as_it_is_stored_lower_cased(desk: Desk, actors) -> None:
    # Found by the long profile: "İ" lower-cases to two characters, so 40 typed are 80
    # stored, past the column's 60, which PostgreSQL refused with a DataError.
    before = table_counts(desk)
    with pytest.raises(ValidationError) as caught:
        desk.users.create(
            actors["admin"],
            username="İ" * 40,
            display_name="Text Edge",
            role="practitioner",
            agency_code="social_care",
            password=None,
        )
    assert [(e.field, e.rule) for e in caught.value.errors] == [("username", "too_long")]
    assert table_counts(desk) == before
