"""What the meeting's parts need from the screen that hosts them: :class:`MeetingHost`.

Meeting mode (``gui/meeting_mode.py``) and the red-referral dialog (``gui/red_decision.py``)
both host the decision form and next-steps parts; meeting mode alone hosts the attendance,
agenda and reasons parts as well (:class:`MeetingScreen`). The parts are typed against these
protocols rather than against either host, so neither host is imported by its own parts
(no import cycle, ``tests/test_import_cycles.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from PySide6.QtWidgets import QLabel, QScrollArea, QWidget

from mash_desk.gui.session import DeskSession


class MeetingHost(Protocol):
    """The state and actions a meeting part reads from, or calls on, its host screen."""

    session: DeskSession
    meeting: Any
    messages: dict[str, Any]
    checks: dict[int, Any]
    follow_ups: dict[int, Any]

    # Read-only here, so a host may hold a subclass (a LiveLabel, a QListWidget).
    @property
    def status_label(self) -> QLabel:
        """The screen's live status line."""

    @property
    def scroller(self) -> QScrollArea:
        """The scroll area around the decision form."""

    @property
    def agenda_list(self) -> QWidget:
        """The agenda (the list of children), or what stands for it."""

    @property
    def item(self) -> Any:
        """The agenda item (or referral) on screen."""

    @property
    def follow_up(self) -> Any:
        """What still follows the signed decision on screen, if anything."""

    def window(self) -> QWidget:
        """The top-level window (QWidget.window)."""

    def when(self, at: datetime) -> str:
        """``at`` in words, in local time."""

    def referral_record(self, referral_id: int) -> Any:
        """The referral's record in the case read for the chair's view."""

    def update_buttons(self) -> None:
        """Enable what the state allows."""

    def next_pending(self) -> None:
        """Move on to the next child still to decide."""

    def print_memo(self) -> QWidget | None:
        """Preview and print the signed decision's memo."""


class MeetingScreen(MeetingHost, Protocol):
    """Meeting mode as the attendance, agenda and reasons parts use it (writes of its own)."""

    def now(self) -> datetime:
        """The desk's clock."""

    def write(
        self,
        fn: Callable[..., Any],
        *args: Any,
        then: Callable[[Any], None] | None = None,
        fallback: str = "decision",
        label: str = "Saving…",
    ) -> None:
        """Run a write in the background; show the errors at their fields."""

    def defer(self) -> None:
        """Defer the child on screen."""

    def record_dissent(self) -> None:
        """Record a partner's dissent."""

    def amend(self) -> None:
        """Amend the signed decision."""
