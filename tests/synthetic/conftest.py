"""Generated histories shared by the synthetic-data tests (built once per backend)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mash_desk.domain.clock import FixedClock
from mash_desk.services.desk import Desk
from mash_desk.synthetic import generate
from tests.conftest import NOW, fresh_database_url

# A quarter and a bit: enough screenings for the QA sample and about 75 daily meetings,
# quick on either backend.
QA_YEARS = 0.3


@pytest.fixture(scope="package", params=["sqlite", "postgresql"])
def screened(
    request: pytest.FixtureRequest,
    templates: dict[str, str],
    pg_server,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Desk]:
    """A desk over a fresh database with a quarter's history ending at the tests' ``NOW``.

    Tests only add to it (a QA sample, access-log rows); they never change generated rows.
    """
    url = fresh_database_url(request.param, templates, pg_server, tmp_path_factory.mktemp("qa"))
    desk = Desk.open(url, FixedClock(NOW))
    generate(desk.db, years=QA_YEARS, seed=5, end=NOW)
    yield desk
    desk.close()
