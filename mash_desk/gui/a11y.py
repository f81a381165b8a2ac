"""What screen-reader users need from every screen, in one place.

Qt exposes each widget to the Linux accessibility bus (AT-SPI) with a name, a description
and states. Three rules of the desk follow from how that works (checked over the real bus by
``tests/atspi``):

* A label whose text changes (a suggestion, a status, a due date) must not have a fixed
  accessible name: Qt then reads the fixed name and the text on screen is lost. Its name is
  left empty, so the screen reader reads the text, and what the label is for goes in the
  description (:func:`live_label`).
* A change the user did not move to (a new suggested level, an error after saving) is
  announced (:func:`announce`): Qt ≥ 6.8 carries ``QAccessibleAnnouncementEvent`` to AT-SPI
  as ``object:announcement``, which Orca speaks at once.
* A field's problem and whether it is required are in its description, next to what the
  description already said (:func:`mark_invalid`, :func:`mark_required`): Qt has no
  "invalid" or "required" state to set on a standard widget, and the description is read
  with the name whenever the field takes focus.

Tables and trees keep arrow keys for cells but give Tab back to the form
(:func:`no_tab_trap`): otherwise Tab walks every cell (hundreds on a queue page) and a
keyboard user never reaches the buttons after the table.
"""

from __future__ import annotations

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QScrollArea,
    QToolButton,
    QWidget,
)

# QAccessibleAnnouncementEvent exists from Qt 6.8; pyproject.toml allows PySide6 from 6.6, so
# an older Qt gets the name-changed event below instead of a silent failure.
_ANNOUNCEMENT = getattr(QtGui, "QAccessibleAnnouncementEvent", None)

REQUIRED = "required"
_BASE = "a11yBaseDescription"
_ERROR = "a11yError"
_REQUIRED = "a11yRequired"


def announce(widget: QWidget, text: str, *, assertive: bool = False) -> None:
    """Have screen readers say ``text`` now, on behalf of ``widget``.

    Polite by default (said after what is being read); ``assertive`` for errors, which
    interrupt. Nothing happens when no assistive technology is listening.
    """
    if not text or not QAccessible.isActive():
        return
    if _ANNOUNCEMENT is not None:
        event = _ANNOUNCEMENT(widget, text)
        if assertive:
            event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive)
        QAccessible.updateAccessibility(event)
        return
    # Fallback before Qt 6.8: a name change on the widget (a live label's name is its text).
    QAccessible.updateAccessibility(QAccessibleEvent(widget, QAccessible.Event.NameChanged))


def live_label(label: QLabel, purpose: str) -> QLabel:
    """Let the text of ``label`` reach screen readers as it changes; ``purpose`` describes it.

    Qt reads an empty accessible name from the label's text, and tells AT-SPI when that text
    changes (``object:property-change:accessible-name``).
    """
    label.setAccessibleName("")
    label.setAccessibleDescription(purpose)
    return label


def no_tab_trap(*views: QAbstractItemView) -> None:
    """Make one Tab leave each table, tree or list; arrow keys still move between cells."""
    for view in views:
        view.setTabKeyNavigation(False)


def _describe(widget: QWidget) -> None:
    base = widget.property(_BASE) or ""
    parts = [widget.property(_ERROR) or "", REQUIRED if widget.property(_REQUIRED) else "", base]
    widget.setAccessibleDescription(" — ".join(p for p in parts if p))


def _keep_base(widget: QWidget) -> None:
    if widget.property(_BASE) is None:
        # With no description of its own Qt describes a widget by its tooltip, and a line
        # edit by its placeholder: setting one must not silence what was said before.
        base = widget.accessibleDescription() or widget.toolTip()
        if not base and isinstance(widget, QLineEdit):
            base = widget.placeholderText()
        widget.setProperty(_BASE, base)


def mark_invalid(widget: QWidget | None, message: str | None) -> None:
    """Put ``message`` first in the field's description (None or "" takes it away)."""
    if widget is None:
        return
    _keep_base(widget)
    widget.setProperty(_ERROR, message or "")
    _describe(widget)


def name_clear_button(edit: QLineEdit, name: str = "Clear") -> None:
    """Name the clear button Qt puts in ``edit`` (``setClearButtonEnabled``).

    Qt's button is an icon with no text: a screen reader meets an unnamed push button as
    soon as something is typed (WCAG 4.1.2).
    """
    edit.setClearButtonEnabled(True)
    for button in edit.findChildren(QToolButton):
        button.setAccessibleName(name)


def clear_invalid(widget: QWidget | None) -> None:
    """Take a problem :func:`mark_invalid` put on the field away; leave any other alone.

    Unlike ``mark_invalid(widget, None)`` it never fixes the description of a field that was
    not marked, so a description set later (a rule said before the choice) is kept.
    """
    if widget is not None and widget.property(_ERROR):
        mark_invalid(widget, None)


def mark_required(widget: QWidget, required: bool = True) -> None:
    """Say "required" in the field's description (its label shows it with a star)."""
    _keep_base(widget)
    widget.setProperty(_REQUIRED, required)
    _describe(widget)


def mark_required_by_labels(root: QWidget) -> list[QWidget]:
    """Mark required every field under ``root`` whose label ends with "*"; return them."""
    marked = []
    for label in root.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is not None and label.text().rstrip().endswith("*"):
            mark_required(buddy)
            marked.append(buddy)
    return marked


def focus_into(page: QWidget, target: QWidget) -> None:
    """Put the focus on ``target`` if ``page`` is on screen and the user is not in it yet.

    A new tab otherwise leaves the focus where it was, or on the bare scrolling pane that
    wraps the page: a screen reader then says nothing useful (WCAG 2.4.3).
    """
    if not (page.isVisible() and target.isVisible() and target.isEnabled()):
        return
    current = QApplication.focusWidget()
    if current is not None and page.isAncestorOf(current) and type(current) is not QScrollArea:
        return  # the user has moved on inside the page: leave them there
    target.setFocus(Qt.FocusReason.OtherFocusReason)
