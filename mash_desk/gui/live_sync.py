"""Keep a signed-in window live on a shared server, and say so when the server is lost.

Issue 13 item 5. Every :data:`POLL_MS` the window asks the desk's change feed
(``services.live``) what other desks committed; the feed answers from its own socket without
a round trip and never waits for a read in progress. Changes are coalesced for
:data:`DEBOUNCE_MS` (a contact's save is a burst of rows) and announced on the session's
:class:`~mash_desk.gui.session.ChangeHub` as the same keys a save on this desk announces, so
the queue, the partner inbox, the meeting agenda and an open case refresh exactly as they do
after a local save: the queue keeps its selection and scroll, and no form being typed in is
ever reloaded (forms do not listen to the hub).

When the feed, a read or a save finds the server gone, a banner (a :class:`LiveLabel`, so a
screen reader announces it) says so; forms keep their text (a failed save leaves its form
open, and drafts are saved locally as before). The window tries to reconnect by itself, every
1 s at first and then every :data:`MAX_RETRY_MS`; once connected it hides the banner and
refreshes everything once, since what other desks committed meanwhile was not heard.
On SQLite (one user per file) none of this runs.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMainWindow, QWidget

from mash_desk.domain.changes import ChangeKey, Kind, record_key
from mash_desk.gui.live import LiveLabel
from mash_desk.gui.session import DeskSession
from mash_desk.services.live import EVERYTHING, keys_of

log = logging.getLogger(__name__)

POLL_MS = 100
# A save writes several rows in one transaction; their notifications come together.
DEBOUNCE_MS = 150
FIRST_RETRY_MS = 1000
MAX_RETRY_MS = 5000

LOST = (
    "⚠ The server cannot be reached. Nothing you typed is lost; MASH Desk is reconnecting…"
    " Saving waits until it is back."
)
BACK = "✔ Connected to the server again; everything has been refreshed."


class LiveSync(QObject):
    """The live refresh and the lost-server banner of one main window.

    Attributes:
        banner: the lost-server line, hidden while the server is there.
    """

    def __init__(self, window: QMainWindow, session: DeskSession):
        """Start following the change feed of ``session`` (nothing on SQLite)."""
        super().__init__(window)
        self._window = window
        self._session = session
        self._live = session.desk.live
        self._pending: set[ChangeKey] = set()
        self._offline = False
        self._listening = False
        self._listened_once = False
        self._retry_ms = FIRST_RETRY_MS
        self._live_stopped = False
        self.banner = LiveLabel()
        self.banner.setObjectName("serverBanner")
        self.banner.setAccessibleDescription("Connection to the server")
        self.banner.setStyleSheet(
            "#serverBanner { background: #b3261e; color: #ffffff; padding: 6px;"
            " font-weight: bold; }"
        )
        self.banner.hide()
        self._poll_timer = QTimer(self)
        self._poll_timer.setInterval(POLL_MS)
        self._poll_timer.timeout.connect(self._poll)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._flush)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self._listen)
        if not self._live.available:
            return
        session.tasks.connection_lost.connect(self.server_lost)
        self._poll_timer.start()
        self._listen()

    @property
    def offline(self) -> bool:
        """Whether the window is showing that the server cannot be reached."""
        return self._offline

    def stop(self) -> None:
        """Stop following the feed and reconnecting (the window is closing)."""
        for timer in (self._poll_timer, self._debounce, self._retry):
            timer.stop()
        self._live_stopped = True

    def place_banner(self, layout: Any, index: int = 0) -> None:
        """Put the banner into ``layout`` (the window's column, above the tabs)."""
        layout.insertWidget(index, self.banner)

    # -- the feed ---------------------------------------------------------------------------

    def _poll(self) -> None:
        polled = self._live.poll()
        if polled.changes:
            self._pending |= keys_of(polled.changes)
            if not self._debounce.isActive():
                self._debounce.start()
        if polled.lost:
            self.server_lost()
        elif polled.must_listen and not self._offline:
            self._listen()

    def _flush(self) -> None:
        keys, self._pending = frozenset(self._pending), set()
        self._session.hub.announce(keys)

    def _listen(self) -> None:
        if self._listening or self._live_stopped:
            return
        self._listening = True
        self._session.tasks.read(
            self._live.listen,
            on_done=self._listened,
            on_error=self._listen_failed,
            label="Connecting to the server…" if self._offline else "Following changes…",
        )

    def _listened(self, newly: bool) -> None:
        self._listening = False
        was_offline, self._offline = self._offline, False
        self._retry_ms = FIRST_RETRY_MS
        if was_offline:
            self.banner.setText(BACK)
            # The line stays a moment for sighted users; the screen reader has it already.
            QTimer.singleShot(4000, self._hide_banner)
        if was_offline or (newly and self._listened_once):
            # The reader was replaced: what other desks did meanwhile was not heard.
            self.refresh_everything()
        self._listened_once = True

    def _listen_failed(self, exc: BaseException) -> None:
        self._listening = False
        if self._live.lost(exc):
            self.server_lost()
        else:
            log.warning("Following changes failed (%s); trying again", type(exc).__name__)
            self._schedule_retry()

    def _hide_banner(self) -> None:
        if not self._offline:
            self.banner.hide()
            self.banner.setText("")

    # -- the server lost and found ------------------------------------------------------------

    def server_lost(self) -> None:
        """Show the banner and start reconnecting (a read, a save or the feed lost the server)."""
        if not self._live.available:
            return
        if not self._offline:
            self._offline = True
            self.banner.setText(LOST)
            self.banner.show()
        if not self._retry.isActive() and not self._listening:
            self._schedule_retry()

    def _schedule_retry(self) -> None:
        self._retry.start(self._retry_ms)
        self._retry_ms = min(self._retry_ms * 2, MAX_RETRY_MS)

    def refresh_everything(self) -> None:
        """Announce every list and every open case as changed, so each reads itself again."""
        from mash_desk.gui.case_view import CaseView

        keys: set[ChangeKey] = set(EVERYTHING)
        for case in self._window.findChildren(CaseView):
            keys.add(record_key(Kind.PERSON, case.person_id))
        meeting = _meeting_of(self._window)
        if meeting is not None:
            keys.add(record_key(Kind.MEETING, meeting))
        self._session.hub.announce(frozenset(keys))


def _meeting_of(window: QWidget) -> int | None:
    from mash_desk.gui.meeting_mode import MeetingMode

    for mode in window.findChildren(MeetingMode):
        if mode.meeting is not None:
            return mode.meeting.id
    return None
