"""Storage-test fixtures: the multi-agency day shared by the row-security test modules."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mash_desk.domain.clock import FixedClock
from tests.conftest import NOW
from tests.support.row_security_day import World, build_world
from tests.support.server import drop_logins, make_server_db


@pytest.fixture(scope="package")
def world(templates, pg_server, tmp_path_factory) -> Iterator[World]:
    """One multi-agency day on a shared server, for every login's comparison (built once)."""
    made = make_server_db(templates, pg_server, tmp_path_factory.mktemp("rls"), FixedClock(NOW))
    try:
        yield build_world(made)
    finally:
        drop_logins(made)
