"""Small helpers shared by meeting mode's parts: keys, messages, dates, combo choice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from mash_desk.domain.meetings import AgendaStatus
from mash_desk.gui.profile_dialog import FieldMessage, with_message

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
STATUS_WORDS = {
    AgendaStatus.PENDING: "○ to decide",
    AgendaStatus.DECIDED: "✔ decided",
    AgendaStatus.DEFERRED: "» deferred",
}
RAG_WORDS = {"red": "● RED", "amber": "◐ AMBER", "green": "○ GREEN"}
_WARNING = "⚠ "
_W = TypeVar("_W", bound=QWidget)


def bind_key(
    widget: QWidget, sequences: tuple[str, ...], slot: Callable[[], Any]
) -> list[QShortcut]:
    """Bind ``sequences`` to ``slot`` while the focus is inside ``widget``."""
    made = []
    for sequence in sequences:
        shortcut = QShortcut(QKeySequence(sequence), widget)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)
        made.append(shortcut)
    return made


def window_bound(widget: QWidget, keys: tuple[str, ...]) -> set[str]:
    """Which of ``keys`` the window around ``widget`` binds with its own window-wide actions.

    A window-wide action and a widget's shortcut on one key cancel each other in Qt
    ("Ambiguous shortcut overload"), so the widget leaves such a key to the window.
    """
    window = widget.window()
    if window is widget:
        return set()
    wide = (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut)
    wanted = {QKeySequence(k).toString() for k in keys}
    return {
        s.toString()
        for action in window.findChildren(QAction)
        if action.isEnabled() and action.shortcutContext() in wide
        for s in action.shortcuts()
        if s.toString() in wanted
    }


def named(widget: _W, name: str) -> _W:
    """``widget`` with its accessible name (inputs only: never a label whose text changes)."""
    widget.setAccessibleName(name)
    return widget


def labelled(text: str, field: QWidget) -> QLabel:
    """A label linked to ``field`` (its buddy), so a screen reader names the field by it."""
    label = QLabel(text)
    label.setBuddy(field)
    return label


def choose(combo: QComboBox, data: Any) -> None:
    """Choose the item of ``combo`` holding ``data`` (nothing when none does)."""
    index = combo.findData(data)
    if index >= 0:
        combo.setCurrentIndex(index)


def when_ready(ready: Callable[[], bool], then: Callable[[], None], owner: QWidget) -> None:
    """Run ``then`` once ``ready()`` (a dialog's background load), while ``owner`` lives."""
    timer = QTimer(owner)
    timer.setInterval(25)

    def tick() -> None:
        if ready():
            timer.stop()
            timer.deleteLater()
            then()

    timer.timeout.connect(tick)
    timer.start()
    tick()


def when_text(at: datetime, tz: Any) -> str:
    """``"18 Nov 10:00"`` in the desk's time zone."""
    local = at.astimezone(tz)
    return f"{local.day} {MONTHS[local.month - 1]} {local:%H:%M}"


class LabelMessage:
    """A field's message in a Designer form's ``<field>Error`` label (as :class:`FieldMessage`)."""

    def __init__(self, field: QWidget, label: QLabel):
        """Use ``label`` (hidden while empty) as the message of ``field``."""
        self.field = field
        self.label = label
        label.setStyleSheet("color: #a4262c;")
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.hide()

    def show_message(self, text: str) -> None:
        """Show ``text`` under the field; the field describes itself with it."""
        if not text:
            self.clear_message()
            return
        self.label.setText(_WARNING + text)
        self.field.setAccessibleDescription(text)
        self.label.show()

    def clear_message(self) -> None:
        """Hide the message."""
        self.label.clear()
        self.field.setAccessibleDescription("")
        self.label.hide()

    @property
    def message(self) -> str:
        """The message shown, without its warning sign ("" when none)."""
        return self.label.text().removeprefix(_WARNING)


def message_box(field: QWidget, messages: dict[str, Any], key: str) -> QWidget:
    """``field`` in a box with its :class:`FieldMessage` under it, kept as ``messages[key]``."""
    box, message = with_message(field)
    # Its text is what a screen reader should read (the field's description carries it too).
    message.setAccessibleName("")
    messages[key] = message
    return box


__all__ = ["FieldMessage", "LabelMessage"]
