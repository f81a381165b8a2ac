"""Add or edit a PostgreSQL server profile: host, port, database and user — never a password.

The password is typed in the sign-in dialog and, if the user asks, kept in the system keyring;
this dialog only writes the small profiles file, so it does its work on the GUI thread.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from mash_desk.domain.errors import MashDeskError, ValidationError
from mash_desk.gui.a11y import announce, live_label, mark_invalid
from mash_desk.profiles import DEFAULT_PORT, SSL_MODES, Profile, ProfileStore

# A warning sign as well as the colour, so the message never depends on colour alone.
_WARNING = "⚠ "
_MESSAGE_STYLE = "color: #a4262c;"


class FieldMessage(QLabel):
    """A message shown under one input: hidden when empty, read out with the input.

    Shown, it is announced at once and put first in the input's description (what a screen
    reader says with the input's name on focus); its own name is its text.
    """

    def __init__(self, field: QWidget, parent: QWidget | None = None):
        """Create the message label of ``field`` (empty and hidden)."""
        super().__init__(parent)
        self.field = field
        self.setWordWrap(True)
        self.setStyleSheet(_MESSAGE_STYLE)
        self.setTextFormat(Qt.TextFormat.PlainText)
        live_label(self, f"{field.accessibleName()} message")
        self.hide()

    def show_message(self, text: str) -> None:
        """Show ``text`` under the field (an empty text hides the message)."""
        if not text:
            self.clear_message()
            return
        self.setText(_WARNING + text)
        # Screen readers say the description when the field takes focus, and the
        # announcement now, wherever the focus is.
        mark_invalid(self.field, text)
        self.show()
        announce(self.field, text, assertive=True)

    def clear_message(self) -> None:
        """Hide the message."""
        self.clear()
        mark_invalid(self.field, None)
        self.hide()

    @property
    def message(self) -> str:
        """Return the message shown, without its warning sign ("" when none)."""
        return self.text().removeprefix(_WARNING)


def with_message(field: QWidget) -> tuple[QWidget, FieldMessage]:
    """Return a container holding ``field`` with its :class:`FieldMessage` underneath."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    message = FieldMessage(field, box)
    layout.addWidget(field)
    layout.addWidget(message)
    return box, message


def message_label(name: str) -> QLabel:
    """Return a hidden, wrapping plain-text label for a form-wide problem (not one field's)."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(_MESSAGE_STYLE)
    live_label(label, name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.hide()
    return label


def add_form_row(
    form: QFormLayout, messages: dict[str, FieldMessage], key: str, text: str, widget: QWidget
) -> None:
    """Add ``widget`` to ``form`` under its label, keeping its message as ``messages[key]``."""
    box, messages[key] = with_message(widget)
    label = QLabel(text)
    label.setBuddy(widget)
    form.addRow(label, box)


class ProfileDialog(QDialog):
    """Add a server profile, or edit one (``profile`` given); saves it to ``store``.

    After ``accepted``, :attr:`result_profile` is the saved profile.
    """

    FIELDS = ("name", "host", "port", "database", "user", "sslmode")

    def __init__(
        self, store: ProfileStore, profile: Profile | None = None, parent: QWidget | None = None
    ):
        """Build the form, filled from ``profile`` when editing."""
        super().__init__(parent)
        self.store = store
        self.original = profile
        self.result_profile: Profile | None = None
        self.setWindowTitle("Edit database server" if profile else "Add database server")
        self.setMinimumWidth(420)

        self.name_edit = QLineEdit(profile.name if profile else "")
        self.name_edit.setAccessibleName("Profile name")
        self.name_edit.setPlaceholderText("e.g. Council MASH server")
        self.host_edit = QLineEdit(profile.host if profile else "")
        self.host_edit.setAccessibleName("Server host")
        self.host_edit.setPlaceholderText("host name or IP address")
        self.port_edit = QLineEdit(str(profile.port if profile else DEFAULT_PORT))
        self.port_edit.setAccessibleName("Port")
        self.port_edit.setMaximumWidth(90)
        self.database_edit = QLineEdit(profile.database if profile else "")
        self.database_edit.setAccessibleName("Database name")
        self.user_edit = QLineEdit(profile.user if profile else "")
        self.user_edit.setAccessibleName("Database user")
        self.sslmode_combo = QComboBox()
        self.sslmode_combo.setAccessibleName("SSL mode")
        self.sslmode_combo.addItem("Default (prefer)", None)
        for mode in SSL_MODES:
            self.sslmode_combo.addItem(mode, mode)
        if profile and profile.sslmode:
            self.sslmode_combo.setCurrentIndex(self.sslmode_combo.findData(profile.sslmode))

        intro = QLabel(
            "The shared PostgreSQL server this computer signs in to. The password is not "
            "kept here: you type it when you sign in, and may keep it in the system keyring."
        )
        intro.setWordWrap(True)

        form = QFormLayout()
        self.messages: dict[str, FieldMessage] = {}
        rows = (
            ("name", "Profile &name:", self.name_edit),
            ("host", "Server &host:", self.host_edit),
            ("port", "&Port:", self.port_edit),
            ("database", "&Database:", self.database_edit),
            ("user", "Database &user:", self.user_edit),
            ("sslmode", "&SSL mode:", self.sslmode_combo),
        )
        for key, text, widget in rows:
            box, message = with_message(widget)
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, box)
            self.messages[key] = message

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setStyleSheet(_MESSAGE_STYLE)
        self.status.setAccessibleName("Problem saving the profile")
        self.status.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

        for first, second in pairwise([w for _k, _t, w in rows] + [self.save_button]):
            QWidget.setTabOrder(first, second)
        self.name_edit.setFocus()

    def message(self, field: str) -> str:
        """Return the message shown under ``field`` ("" when none)."""
        return self.messages[field].message

    def save(self) -> None:
        """Check the form; show each problem under its field, or save and close."""
        for message in self.messages.values():
            message.clear_message()
        self.status.hide()
        try:
            profile = Profile.checked(
                name=self.name_edit.text(),
                host=self.host_edit.text(),
                port=self.port_edit.text(),
                database=self.database_edit.text(),
                user=self.user_edit.text(),
                sslmode=self.sslmode_combo.currentData(),
            )
            self.store.save(profile, replacing=self.original.name if self.original else None)
        except ValidationError as exc:
            self._show_errors(exc)
            return
        except MashDeskError as exc:
            self.status.setText(_WARNING + str(exc))
            self.status.show()
            return
        self.result_profile = profile
        self.accept()

    def _show_errors(self, exc: ValidationError) -> None:
        first: QWidget | None = None
        for field in self.FIELDS:
            errors = exc.for_field(field)
            if errors:
                message = self.messages[field]
                message.show_message(" ".join(e.message for e in errors))
                first = first or message.field
        if first is not None:
            first.setFocus()
