"""The desk's warm-up after its first page (issue 16: first touch in a fresh process).

What a practitioner notices is the first click after start: the case view, an outcome, the
partner inbox answering at once instead of after a pause. The warm-up does that work early;
these tests check it does all of it, on both engines and under every role's server login,
and that it reads no child's record (no access row is due) and changes nothing.
"""

from __future__ import annotations

import importlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mash_desk.domain.enums import Role
from mash_desk.domain.meetings import default_meeting_policy
from mash_desk.services.desk import Desk
from mash_desk.services.threshold_store import shipped_documents
from mash_desk.services.warm_up import STATEMENT_MODULES, warm_up, warm_up_quietly
from mash_desk.storage.models import AccessLogEntry, AuditEntry, ThresholdDocumentRow
from mash_desk.storage.prepared import Prepared


def _screen_statements() -> list[Prepared]:
    found = []
    for name in STATEMENT_MODULES:
        module = importlib.import_module(name)
        found += [v for v in vars(module).values() if isinstance(v, Prepared)]
    return found


def _stored_documents(desk: Desk) -> int:
    with desk.db.reading() as session:
        return session.scalar(select(func.count()).select_from(ThresholdDocumentRow)) or 0


def _log_rows(desk: Desk) -> tuple[int, int]:
    with desk.db.reading() as session:
        return (
            session.scalar(select(func.count()).select_from(AuditEntry)) or 0,
            session.scalar(select(func.count()).select_from(AccessLogEntry)) or 0,
        )


def test_warm_up_compiles_every_screen_statement_and_parses_the_thresholds(desk: Desk):
    dialect = desk.db.engine.dialect.name
    before = _log_rows(desk)
    default_meeting_policy.cache_clear()  # as in a fresh process

    warm_up(desk)

    statements = _screen_statements()
    assert statements, "the screens' statement modules hold prepared statements"
    assert [s for s in statements if dialect not in s._compiled] == []
    # Every threshold document is parsed: the shipped ones and any stored in the database.
    assert shipped_documents.cache_info().currsize == 1
    assert len(desk.ctx.thresholds._parsed) == _stored_documents(desk)
    assert desk.ctx.deadlines.calendar.holidays_loaded, "the first deadline will not load them"
    assert default_meeting_policy.cache_info().currsize == 1, "meeting mode's rules are read"
    assert _log_rows(desk) == before, "a warm-up reads no record and changes nothing"
    # A second warm-up (a second window on the same desk) finds nothing left to do.
    assert warm_up(desk) == 0


def test_warm_up_readies_the_queues_refresh_and_first_scroll(desk: Desk):
    # A start whose first page was read early (services/early_page.py) never used the queue
    # service: its first F5 or scroll must not compile while the practitioner waits.
    from mash_desk.services import queue
    from mash_desk.services.queue_terms import FIRST_PAGE, SCROLL_PAGE

    for made in (queue._sides, queue._sides_behind_user, queue._open_work):
        made.cache_clear()  # as in a fresh process: no queue statement made yet
    warm_up(desk)
    dialect = desk.db.engine.dialect.name
    server = desk.db.dialect != "sqlite"
    for kind in ("contact", "referral"):
        for shape, size in ((frozenset(), FIRST_PAGE), (frozenset({"after"}), SCROLL_PAGE)):
            made = queue._sides_behind_user if server else queue._sides
            assert dialect in made(kind, shape, size)._compiled, (kind, shape)
    assert dialect in queue._open_work(FIRST_PAGE)._compiled


@pytest.mark.postgres
@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.CHAIR, Role.PARTNER, Role.PERFORMANCE])
def test_warm_up_works_under_each_roles_own_server_login(server_db, role):
    # Row security decides what each login may read: the warm-up must not need more.
    desk, _actor = server_db.desk_as(role)
    try:
        assert warm_up(desk) >= 0
        assert len(desk.ctx.thresholds._parsed) == _stored_documents(desk)
    finally:
        desk.close()


def test_a_failing_warm_up_is_logged_without_stopping_the_desk(desk: Desk, caplog, tmp_path):
    if desk.db.dialect != "sqlite":
        pytest.skip("the failure staged here is a database file gone from under the desk")
    path = Path(desk.db.engine.url.database or "")
    path.rename(tmp_path / "moved-away.sqlite3")
    # No pooled connection left and a fresh thread: the warm-up's read meets the missing file.
    desk.db.engine.dispose()
    worker = ThreadPoolExecutor(max_workers=1)
    assert worker.submit(warm_up_quietly, desk).result() == 0
    worker.shutdown()
    assert "Warm-up after start stopped early" in caplog.text
    assert str(path) not in caplog.text, "the log names what failed, never where"
