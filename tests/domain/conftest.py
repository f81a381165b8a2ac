"""Shared fixtures of the domain tests: the shipped policy and the objects built from it."""

from __future__ import annotations

import pytest

from mash_desk.domain.deadlines import Deadlines
from mash_desk.domain.policy import Policy, default_policy
from mash_desk.domain.working_time import WorkingCalendar


@pytest.fixture(scope="session")
def policy() -> Policy:
    """The default policy shipped in resources/policy/default.yaml."""
    return default_policy()


@pytest.fixture(scope="session")
def work_calendar(policy: Policy) -> WorkingCalendar:
    """England working calendar of the default policy (Mon-Fri 09:00-17:00, bank holidays)."""
    return WorkingCalendar.from_policy(policy)


@pytest.fixture(scope="session")
def deadlines(policy: Policy, work_calendar: WorkingCalendar) -> Deadlines:
    """Deadlines of the default policy."""
    return Deadlines(policy, work_calendar)
