"""The ``counted`` fixture: a desk whose every SQL statement is counted at the driver.

Shared by the tests that pin how many statements a screen sends (issue 16): the case view
(tests/services/test_case_statements.py) and the queue page (test_queue_statements.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from benchmarks import statements
from mash_desk.domain.clock import FixedClock
from mash_desk.services.desk import Desk


@pytest.fixture
def counted(db_url: str, clock: FixedClock) -> Iterator[Desk]:
    """A second desk on the same database whose every statement is counted at the driver."""
    statements.install()
    d = Desk.open(db_url, clock)
    try:
        yield d
    finally:
        d.close()
        statements.uninstall()
