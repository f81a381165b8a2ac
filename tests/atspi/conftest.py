"""Fixtures of the AT-SPI tests: the desk in this process, a screen reader in another.

The desk runs here under pytest-qt on a real X server (Xvfb) with Qt's AT-SPI bridge on
(``QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1``), on a private D-Bus session where at-spi2-core's bus
launcher and registry start on demand. :class:`ScreenReader` runs ``reader.py`` under the
system Python (pyatspi is a Debian package, not in the venv) through a QProcess, so this
process's Qt event loop keeps answering the reader's D-Bus calls while the test waits.
``scripts/atspi-tests.sh`` sets all of that up; anywhere else these tests are skipped.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QProcess
from PySide6.QtGui import QGuiApplication

from mash_desk.domain.clock import FixedClock
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import TaskRunner
from mash_desk.services.desk import Desk
from mash_desk.synthetic import ensure_demo_users, generate
from tests.conftest import NOW

READER = Path(__file__).with_name("reader.py")
SYSTEM_PYTHON = os.environ.get("MASH_DESK_ATSPI_PYTHON", "/usr/bin/python3")

# Roles a keyboard or pointer user acts on: each must have a name a screen reader can say.
INTERACTIVE_ROLES = {
    "push button",
    "toggle button",
    "check box",
    "radio button",
    "combo box",
    "text",
    "password text",
    "spin button",
    "slider",
    "table",
    "tree table",
    "tree",
    "list",
    "list box",
    "page tab",
    "page tab list",
    "menu item",
    "check menu item",
    "radio menu item",
    "link",
    "date editor",
}


@dataclass
class ScreenReader:
    """The reader process, and what it has said so far."""

    qtbot: Any
    process: QProcess
    replies: dict[int, dict] = field(default_factory=dict)
    events: list[dict] = field(default_factory=list)
    ready: bool = False
    _buffer: bytes = b""
    _next: int = 0

    def _read(self) -> None:
        self._buffer += bytes(self.process.readAllStandardOutput().data())
        while b"\n" in self._buffer:
            line, self._buffer = self._buffer.split(b"\n", 1)
            message = json.loads(line)
            if "event" in message:
                self.events.append(message)
            elif message.get("ready"):
                self.ready = True
            else:
                self.replies[message["id"]] = message

    def request(self, command: str, timeout: int = 60_000, **args: Any) -> dict:
        """Send one command and wait (running Qt's event loop) for its reply."""
        self._next += 1
        number = self._next
        self.process.write((json.dumps({"id": number, "cmd": command, **args}) + "\n").encode())
        self.qtbot.waitUntil(lambda: number in self.replies, timeout=timeout)
        reply = self.replies.pop(number)
        assert "error" not in reply, reply["error"]
        return reply

    def tree(self) -> list[dict]:
        """Every showing object of this process's windows, as the screen reader sees them."""
        self.wait_on_bus()
        return self.request("tree", pid=os.getpid())["tree"]

    def wait_on_bus(self, timeout: float = 30.0) -> None:
        """Wait until this process's application is on the bus.

        Qt joins the bus when a window first shows, and asynchronously.
        """
        deadline = time.monotonic() + timeout
        while not self.request("find", pid=os.getpid())["found"]:
            assert time.monotonic() < deadline, "the desk never joined the accessibility bus"
            self.qtbot.wait(200)

    def listen(self, *events: str) -> None:
        """Start hearing these AT-SPI events (Qt only sends those someone listens to)."""
        self.request("listen", events=list(events))

    def wait_event(self, matches: Callable[[dict], bool], timeout: int = 10_000) -> dict:
        """Wait for an event the reader heard that ``matches``; return it."""
        found: list[dict] = []

        def heard() -> bool:
            found[:] = [e for e in self.events if matches(e)]
            return bool(found)

        self.qtbot.waitUntil(heard, timeout=timeout)
        return found[0]


@pytest.fixture
def reader(qtbot, qapp) -> Iterator[ScreenReader]:
    """A screen reader reading this process over the accessibility bus."""
    assert QGuiApplication.platformName() == "xcb"
    assert os.environ.get("QT_LINUX_ACCESSIBILITY_ALWAYS_ON") == "1"
    process = QProcess()
    process.setProcessChannelMode(QProcess.ProcessChannelMode.ForwardedErrorChannel)
    screen_reader = ScreenReader(qtbot, process)
    process.readyReadStandardOutput.connect(screen_reader._read)
    process.start(SYSTEM_PYTHON, [str(READER)])
    assert process.waitForStarted(10_000), process.errorString()
    qtbot.waitUntil(lambda: screen_reader.ready, timeout=30_000)
    yield screen_reader
    if process.state() != QProcess.ProcessState.NotRunning:
        process.write(b'{"id": 0, "cmd": "quit"}\n')
        if not process.waitForFinished(10_000):
            process.kill()
            process.waitForFinished(5_000)


@pytest.fixture(scope="module")
def demo_desk(tmp_path_factory) -> Iterator[Desk]:
    """A desk over a small demo database (a few weeks of synthetic work)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('atspi')}/demo.sqlite3"
    desk = Desk.open(url, FixedClock(NOW))
    ensure_demo_users(desk.db)
    generate(desk.db, years=0.1, seed=11, end=NOW)
    yield desk
    desk.close()


def demo_session(desk: Desk, username: str) -> DeskSession:
    """A session of ``username`` on the demo desk."""
    return DeskSession(
        desk, desk.users.actor_for(username), TaskRunner(), demo=True, database_label="DEMO"
    )
