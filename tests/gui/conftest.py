"""Fixtures of the GUI tests: a signed-in desk session over a fresh SQLite database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mash_desk.domain.clock import FixedClock
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import TaskRunner
from mash_desk.services.desk import Desk
from mash_desk.services.dto import Actor
from tests.conftest import fresh_database_url
from tests.support.helpers import make_actors


@pytest.fixture
def gui_desk(templates, tmp_path: Path, clock: FixedClock) -> Iterator[Desk]:
    """Services over a fresh migrated SQLite database, with the fixed clock."""
    desk = Desk.open(fresh_database_url("sqlite", templates, None, tmp_path), clock)
    yield desk
    desk.close()


@pytest.fixture
def gui_actors(gui_desk: Desk) -> dict[str, Actor]:
    """One user per role on the GUI test database."""
    return make_actors(gui_desk)


@pytest.fixture
def session(qtbot, gui_desk: Desk, gui_actors: dict[str, Actor]) -> Iterator[DeskSession]:
    """A practitioner signed in; background tasks are drained before the database closes."""
    tasks = TaskRunner()
    desk_session = DeskSession(gui_desk, gui_actors["practitioner"], tasks, database_label="test")
    yield desk_session
    assert tasks.wait(30_000)
    qtbot.wait(10)


def session_as(qtbot, desk: Desk, actor: Actor) -> Iterator[DeskSession]:
    """``actor`` signed in over ``desk``; background tasks drain before the database closes."""
    tasks = TaskRunner()
    made = DeskSession(desk, actor, tasks, database_label="test")
    yield made
    assert tasks.wait(30_000)
    qtbot.wait(10)


@pytest.fixture
def chair_session(qtbot, gui_desk: Desk, gui_actors: dict[str, Actor]) -> Iterator[DeskSession]:
    """The meeting's chair signed in."""
    yield from session_as(qtbot, gui_desk, gui_actors["chair"])


@pytest.fixture
def manager_session(qtbot, gui_desk: Desk, gui_actors: dict[str, Actor]) -> Iterator[DeskSession]:
    """A team manager signed in."""
    yield from session_as(qtbot, gui_desk, gui_actors["manager"])


@pytest.fixture
def police_session(qtbot, gui_desk: Desk, gui_actors: dict[str, Actor]) -> Iterator[DeskSession]:
    """The police partner rep signed in."""
    yield from session_as(qtbot, gui_desk, gui_actors["police"])
