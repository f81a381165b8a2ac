"""The early first page: the service's first queue page, read before SQLAlchemy is imported.

Whatever the early reader shows before the full desk has loaded must be the page the desk then
shows (the same rows, marks, order and cursor, for the same person), or nothing at all.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

from mash_desk.domain.enums import Role, ServiceKind
from mash_desk.domain.errors import PermissionDenied
from mash_desk.services import early_page
from mash_desk.services.desk import Desk
from mash_desk.services.dto import Actor
from mash_desk.services.early_page import EarlyPage, read_embedded_page, read_server_page
from mash_desk.services.inputs import ChildOnContact, OutcomeInput, ReferralDetails
from mash_desk.services.queue import _open_work_of, _sides
from mash_desk.services.users import _ACTOR_BY_USERNAME
from mash_desk.storage.encryption import header_path
from mash_desk.storage.models import ServiceEpisode
from mash_desk.storage.prepared import Prepared
from mash_desk.storage.schema_head import SCHEMA_HEAD
from tests.conftest import NOW, copy_sqlite, fresh_database_url
from tests.support.helpers import child, contact, log_one, make_actors, side_engine
from tests.support.server import PASSWORD, ServerDb, drop_logins, make_server_db

ROOT = Path(__file__).resolve().parents[2]
# The people the scenes name, and the server login of each one's role.
ROLES = {"practitioner": Role.PRACTITIONER, "manager": Role.MANAGER, "police": Role.PARTNER}


@dataclass
class Scene:
    """A database with people in it, the desk that writes there, and both ways to read it."""

    writer: Desk
    actors: dict[str, Actor]
    early: Callable[[str, int], EarlyPage | None]
    """The early page of the person named (a key of ``actors``), ``size`` rows."""
    desk_of: Callable[[str], tuple[Desk, Actor]]
    """The full desk as the named person signs into it, and their Actor."""

    @property
    def today(self) -> date:
        return self.writer.ctx.today()

    def owner_sql(self, statement: str, **params: object) -> None:
        """Run ``statement`` as the database's owner (beside the desks)."""
        with side_engine(self.writer).begin() as conn:
            conn.execute(text(statement), params)


def _embedded(templates, pg_server, tmp_path, clock) -> Iterator[Scene]:
    url = fresh_database_url("sqlite", templates, pg_server, tmp_path)
    desk = Desk.open(url, clock)
    actors = make_actors(desk)
    path = Path(make_url(url).database or "")

    def early(who: str, size: int) -> EarlyPage | None:
        return read_embedded_page(path, actors[who].username, size=size, today=desk.ctx.today())

    yield Scene(desk, actors, early, lambda who: (desk, actors[who]))
    desk.close()


def _server(templates, pg_server, tmp_path, clock) -> Iterator[Scene]:
    made: ServerDb = make_server_db(templates, pg_server, tmp_path, clock)
    actors = {who: made.actors[role] for who, role in ROLES.items()}

    def early(who: str, size: int) -> EarlyPage | None:
        url = made.login_url(made.logins[ROLES[who]])
        return read_server_page(url, size=size, today=made.owner.ctx.today())

    try:
        yield Scene(made.owner, actors, early, lambda who: made.desk_as(ROLES[who]))
    finally:
        drop_logins(made)


@pytest.fixture(params=["embedded", "server"])
def scene(request, templates, pg_server, tmp_path, clock) -> Iterator[Scene]:
    """A database on each engine, with a desk signed in as its people the way the desk is."""
    made = _embedded if request.param == "embedded" else _server
    yield from made(templates, pg_server, tmp_path, clock)


@pytest.fixture
def embedded(templates, pg_server, tmp_path, clock) -> Iterator[Scene]:
    """The embedded scene on its own (for what only a file has)."""
    yield from _embedded(templates, pg_server, tmp_path, clock)


@pytest.fixture
def server_scene(templates, pg_server, tmp_path, clock) -> Iterator[Scene]:
    """The server scene on its own (for what only a server has)."""
    yield from _server(templates, pg_server, tmp_path, clock)


@pytest.fixture
def server_db_scene(templates, pg_server, tmp_path, clock) -> Iterator[ServerDb]:
    """A server database with a login per role (for the refusals only a server has)."""
    made = make_server_db(templates, pg_server, tmp_path, clock)
    yield made
    drop_logins(made)


def _refer(desk: Desk, actor: Actor, cc) -> None:
    desk.outcomes.record(
        actor,
        cc.id,
        cc.version,
        OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails("N1")),
    )


def _episode(desk: Desk, person_id: int, service: str, start: date, end: date | None) -> None:
    with desk.db.transaction() as session:
        session.add(
            ServiceEpisode(person_id=person_id, service=service, started_on=start, ended_on=end)
        )


def _fill(scene: Scene) -> None:
    """Open work of every shape a first page shows (the clock stands still: deadlines tie)."""
    desk, worker = scene.writer, scene.actors["practitioner"]
    today = scene.today
    gia = log_one(
        desk,
        worker,
        given="Gia",
        family="Long",
        postcode="N1 1AA",
        rag="amber",
        rag_reason="Synthetic test reason for an amber rating",
    )
    gia = gia.children[0]
    # A second contact about Gia, and one about her a day older (an earlier deadline).
    desk.contacts.log(worker, contact(ChildOnContact(person_id=gia.person.id)))
    older = desk.contacts.log(
        worker,
        contact(ChildOnContact(person_id=gia.person.id), received_at=NOW - timedelta(days=1)),
    ).value.children[0]
    _refer(desk, worker, older)
    # Unborn, with an open episode and one that ended; held by the worker.
    unborn = log_one(
        desk,
        worker,
        given="Baby",
        family="Moss",
        date_of_birth=None,
        expected_delivery=today + timedelta(days=40),
    ).children[0]
    desk.allocation.take(worker, "contact", unborn.id, unborn.version)
    _episode(desk, unborn.person.id, ServiceKind.CHILD_PROTECTION, today - timedelta(days=9), None)
    _episode(desk, unborn.person.id, ServiceKind.EARLY_HELP, date(2025, 1, 6), today)
    # Gia is in need; an episode starting tomorrow is not open yet.
    _episode(desk, gia.person.id, ServiceKind.CHILD_IN_NEED, date(2026, 1, 5), None)
    _episode(desk, gia.person.id, ServiceKind.LOOKED_AFTER, today + timedelta(days=1), None)
    # Several children at the same deadline, two referred (a referral's deadline ties too).
    for n, name in enumerate(("Ida", "Jon", "Kit", "Lev", "Mia")):
        made = log_one(desk, worker, given=name, family="Tie").children[0]
        if n % 2:
            _refer(desk, worker, made)
    # Older work, overdue by now.
    desk.contacts.log(worker, contact(child("Ned", "Early"), received_at=NOW - timedelta(days=2)))
    desk.contacts.log(worker, contact(child("Ola", "Earlier"), received_at=NOW - timedelta(days=3)))


def _same_page(scene: Scene, who: str, size: int) -> EarlyPage:
    early = scene.early(who, size)
    desk, actor = scene.desk_of(who)
    page = desk.queue.page(actor, size=size)
    assert early is not None
    assert early.actor == actor
    assert early.rows == page.rows, "every field of every row, in the service's order"
    assert early.cursor == page.next_cursor
    # The instants in UTC, as the service gives them (equal instants compare equal anyway).
    assert all(r.due_at is not None and r.due_at.tzinfo == UTC for r in early.rows)
    return early


def test_the_early_page_is_the_services_first_page(scene: Scene):
    _fill(scene)
    whole = _same_page(scene, "practitioner", 50)
    assert whole.cursor is None and len(whole.rows) == 11
    assert {r.kind for r in whole.rows} == {"contact", "referral"}
    assert any(r.expected_delivery and r.date_of_birth is None for r in whole.rows)
    assert any(r.assigned_id for r in whole.rows) and any(not r.assigned_id for r in whole.rows)
    assert any(r.postcode for r in whole.rows) and any(r.rag for r in whole.rows)
    marked = {r.child_name: r.also_open for r in whole.rows if r.also_open}
    assert marked["Baby Moss"] == ("on a child-protection plan",)
    assert "open as a child in need" in marked["Gia Long"]
    # Cut inside runs of equal deadlines: the cursor is where the service's next page starts.
    for size in (1, 4, 7, 10, 11):
        cut = _same_page(scene, "practitioner", size)
        assert cut.rows == whole.rows[:size]
        assert (cut.cursor is None) == (size != len(cut.rows))
    # Another person who may see the queue gets their own Actor and the same work.
    assert _same_page(scene, "manager", 50).rows == whole.rows


def test_a_driver_without_pipeline_mode_reads_the_same_page(
    server_scene: Scene, monkeypatch: pytest.MonkeyPatch
):
    import psycopg

    _fill(server_scene)
    # A libpq older than 14: the statements go one at a time.
    monkeypatch.setattr(psycopg.Pipeline, "is_supported", classmethod(lambda cls: False))
    monkeypatch.setattr(psycopg.Connection, "pipeline", None)
    for size in (4, 50):
        assert len(_same_page(server_scene, "practitioner", size).rows) == min(size, 11)


def test_an_empty_queue_is_an_empty_page(scene: Scene):
    page = _same_page(scene, "practitioner", 50)
    assert page.rows == () and page.cursor is None


def test_no_early_page_for_a_schema_not_at_this_desks_revision(scene: Scene):
    log_one(scene.writer, scene.actors["practitioner"])
    assert scene.early("practitioner", 50) is not None
    scene.owner_sql("UPDATE alembic_version SET version_num = '0019'")
    assert scene.early("practitioner", 50) is None
    # No revision at all: the driver's error is the answer's, not the caller's.
    scene.owner_sql("DROP TABLE alembic_version")
    assert scene.early("practitioner", 50) is None


def test_no_early_page_for_an_inactive_user(scene: Scene):
    name = scene.actors["practitioner"].username
    scene.owner_sql("UPDATE users SET active = :no WHERE username = :name", no=False, name=name)
    assert scene.early("practitioner", 50) is None


def test_no_early_page_for_a_role_without_the_queue(scene: Scene):
    log_one(scene.writer, scene.actors["practitioner"])
    assert scene.early("police", 50) is None
    desk, rep = scene.desk_of("police")
    with pytest.raises(PermissionDenied):
        desk.queue.page(rep, size=50)


def test_no_early_page_for_a_server_login_that_is_nobodys_account(
    server_db_scene: ServerDb,
):
    made = server_db_scene
    # The owner's login: a working connection, but no MASH Desk user of that name.
    assert made.owner.users.server_person() is None
    assert read_server_page(made.url, size=50, today=made.owner.ctx.today()) is None


def test_a_refused_server_login_gives_no_page_and_logs_no_secret(
    server_db_scene: ServerDb, caplog: pytest.LogCaptureFixture
):
    made = server_db_scene
    login = made.logins[Role.PRACTITIONER]
    wrong = made.login_url(login, password="not the password at all")
    with caplog.at_level(logging.INFO, logger=early_page.__name__):
        assert read_server_page(wrong, size=50, today=made.owner.ctx.today()) is None
    assert "connecting to the server failed" in caplog.text
    for secret in (login, "not the password at all", PASSWORD):
        assert secret not in caplog.text
    assert read_server_page("sqlite:///elsewhere.sqlite3", size=5, today=NOW.date()) is None


def test_no_early_page_for_an_embedded_user_nobody_has(embedded: Scene):
    path = Path(make_url(embedded.writer.db.url).database or "")
    for nobody in ("nobody.here", "bad\x00name"):
        assert read_embedded_page(path, nobody, size=50, today=embedded.today) is None


def test_no_early_page_and_no_file_made_where_there_is_no_database(tmp_path):
    missing = tmp_path / "not-yet.sqlite3"
    assert read_embedded_page(missing, "demo.practitioner", size=50, today=NOW.date()) is None
    assert not missing.exists() and not header_path(missing).exists()


def test_no_early_page_where_the_key_needs_a_passphrase(templates, tmp_path):
    # A copy whose header says its key is derived from a passphrase nobody has typed yet.
    copy = tmp_path / "passphrase.sqlite3"
    copy_sqlite(Path(templates["sqlite"]), copy)
    header = json.loads(header_path(copy).read_text("utf-8"))
    header_path(copy).write_text(json.dumps(header | {"source": "passphrase"}), "utf-8")
    assert read_embedded_page(copy, "demo.practitioner", size=50, today=NOW.date()) is None


def test_a_page_size_out_of_range_is_the_callers_mistake(tmp_path):
    for size in (0, 501):
        with pytest.raises(ValueError):
            read_embedded_page(tmp_path / "x.sqlite3", "someone", size=size, today=NOW.date())


# --- Without SQLAlchemy --------------------------------------------------------------------

_WITHOUT_SQLALCHEMY = """
import json, sys
from datetime import date
from pathlib import Path
from mash_desk.services.early_page import read_embedded_page, read_server_page

where, who, today = sys.argv[1], sys.argv[2], date.fromisoformat(sys.argv[3])
if who:
    page = read_embedded_page(Path(where), who, size=50, today=today)
else:
    page = read_server_page(where, size=50, today=today)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "alembic"))
print(json.dumps({"rows": None if page is None else len(page.rows), "loaded": loaded}))
"""


def test_the_early_page_is_read_without_sqlalchemy(scene: Scene):
    _fill(scene)
    desk, actor = scene.desk_of("practitioner")
    expected = len(desk.queue.page(actor, size=50).rows)
    url = scene.writer.db.url
    if url.startswith("sqlite"):
        where, who = make_url(url).database or "", actor.username
    else:
        where, who = desk.db.url, ""
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_SQLALCHEMY, where, who, scene.today.isoformat()],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"rows": expected, "loaded": []}


# --- The statements are the service's --------------------------------------------------------

_DIALECTS = {"sqlite": sqlite.dialect(), "postgresql": postgresql.psycopg.dialect()}


def _words(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip()


@pytest.mark.parametrize("dialect", list(_DIALECTS))
def test_the_early_statements_are_the_services(dialect: str):
    compiled = _DIALECTS[dialect]
    for kind in ("contact", "referral"):
        for size in (1, 50, 500):
            service = _sides(kind, frozenset(), size).compile_for(compiled)
            assert _words(early_page.side_sql(dialect, kind, size)) == _words(service.sql)
            # The values the early reader binds: the side's kind, and SQLite's OFFSET 0.
            bound = (kind, 0) if dialect == "sqlite" else (kind,)
            assert tuple(service.fixed[n] for n in service.names) == bound
    for children in (1, 2, 50):
        service = _open_work_of(children).compile_for(compiled)
        assert _words(early_page.open_work_sql(dialect, children)) == _words(service.sql)
    actor = Prepared(_ACTOR_BY_USERNAME).compile_for(compiled).sql
    if dialect == "sqlite":
        assert _words(early_page.ACTOR_BY_NAME_SQLITE) == _words(actor)
    else:
        # On a server the person is the login: the name compared is ``session_user``.
        by_login = actor.replace("%(username)s::VARCHAR", "session_user")
        assert _words(early_page.ACTOR_OF_LOGIN_PG) == _words(by_login)


def test_the_schema_head_is_the_migrations_head():
    from alembic.script import ScriptDirectory

    from mash_desk.storage.migrations import alembic_config, head_revision

    # A new migration fails this until storage/schema_head.py names it.
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == SCHEMA_HEAD
    assert head_revision() == SCHEMA_HEAD


def _desk_urls() -> list[str]:
    from mash_desk.profiles import Profile

    one = Profile("One", "db.council.example", 5432, "mash", "sam.worker", "verify-full", "/ca.pem")
    pair = Profile("Pair", "db1.example,db2.example", "5432,5433", "mash desk", "jo%worker")
    rendered = make_url(one.url("p")).set(password="correct horse @:/ battery")
    return [
        one.url("pa:ss/wo rd%?&="),
        pair.url("s3cret+plus"),
        one.url(None),
        rendered.render_as_string(hide_password=False),  # the cli's way: spaces as they are
        "postgresql://localhost/mash",
        "postgresql+psycopg://[::1]:5433/mash?sslmode=require",
    ]


@pytest.mark.parametrize("url", _desk_urls())
def test_a_server_is_reached_with_the_desks_own_connection_settings(url: str):
    dialect = postgresql.psycopg.dialect()
    _, expected = dialect.create_connect_args(make_url(url))
    expected.pop("context", None)  # the dialect's type adapters, not connection settings
    assert early_page._libpq_params(url) == {k: str(v) for k, v in expected.items()}


def test_a_url_that_is_no_server_of_the_desks_is_not_dialled():
    for url in ("sqlite:///x.sqlite3", "postgresql+psycopg2://h/db", "mysql://h/db"):
        assert early_page._libpq_params(url) is None
