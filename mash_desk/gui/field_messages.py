"""Messages at a form's fields: flag a field invalid (for the eye and screen readers).

Shared by the New contact form and its parts (consent, parents and carers), so every field
error looks and reads the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from mash_desk.gui.a11y import mark_invalid


@dataclass
class Target:
    """Where the messages of one field go: its widget (to flag and focus) and its label."""

    widget: QWidget | None
    label: QLabel


def set_combo(combo: QComboBox, value: Any) -> None:
    """Choose the item whose data is ``value`` (or the first / none if absent)."""
    index = combo.findData(value)
    combo.setCurrentIndex(index if index >= 0 else (0 if combo.placeholderText() == "" else -1))


def error_colour(widget: QWidget) -> str:
    """Return the error text colour readable on the widget's theme."""
    # Dark red reads at 7:1 on the light theme; on the dark theme a light red does.
    dark = widget.palette().color(QPalette.ColorRole.Window).lightness() < 128
    return "#ff8a80" if dark else "#b00020"


def mark(widget: QWidget | None, message: str | None) -> None:
    """Flag (or unflag) a field as invalid, for the eye and for screen readers."""
    if widget is None:
        return
    widget.setProperty("invalid", bool(message))
    # The message becomes the field's description and is announced (gui/a11y.py).
    mark_invalid(widget, message)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def show_message(label: QLabel, messages: list[str]) -> None:
    """Show ``messages`` in ``label`` (or hide it when there are none)."""
    if not messages:
        label.clear()
        label.hide()
        return
    label.setText("\n".join(f"⚠ {m}" for m in messages))
    label.setStyleSheet(f"color: {error_colour(label)}; font-weight: 600;")
    label.setAccessibleName("Problem: " + " ".join(messages))
    label.show()


def error_label(parent: QWidget) -> QLabel:
    """Return a hidden, wrapping label for a field's messages."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.hide()
    return label
