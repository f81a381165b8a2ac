"""Add or edit a PostgreSQL server profile: hosts, ports, database, user, CA file, SSL mode.

Never a password: it is typed in the sign-in dialog and, if the user asks, kept in the system
keyring; this dialog only writes the small profiles file, so it does its work on the GUI thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from mash_desk.domain.errors import MashDeskError, ValidationError
from mash_desk.gui.a11y import announce, live_label, mark_invalid
from mash_desk.gui.forms.ui_profile import Ui_ProfileForm
from mash_desk.profiles import (
    DEFAULT_PORT,
    SSL_MODES,
    VERIFIED_SSL_MODE,
    Profile,
    ProfileStore,
)

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


class LabelFieldMessage:
    """A field's message in a Designer form's ``<field>Error`` label (as :class:`FieldMessage`)."""

    def __init__(self, field: QWidget, label: QLabel):
        """Use ``label`` (hidden while empty) as the message of ``field``."""
        self.field = field
        self.label = label
        label.setStyleSheet(_MESSAGE_STYLE)
        label.setTextFormat(Qt.TextFormat.PlainText)
        live_label(label, f"{field.accessibleName()} message")
        label.hide()

    def show_message(self, text: str) -> None:
        """Show ``text`` under the field (an empty text hides the message)."""
        if not text:
            self.clear_message()
            return
        self.label.setText(_WARNING + text)
        mark_invalid(self.field, text)
        self.label.show()
        announce(self.field, text, assertive=True)

    def clear_message(self) -> None:
        """Hide the message."""
        self.label.clear()
        mark_invalid(self.field, None)
        self.label.hide()

    @property
    def message(self) -> str:
        """Return the message shown, without its warning sign ("" when none)."""
        return self.label.text().removeprefix(_WARNING)


class ProfileDialog(QDialog):
    """Add a server profile, or edit one (``profile`` given); saves it to ``store``.

    The form is ``ui/profile.ui``. Naming a CA certificate while the SSL mode is "Default"
    switches the mode to verify-full, which is what the profile would use anyway; clearing the
    certificate again puts "Default" back. After ``accepted``, :attr:`result_profile` is the
    saved profile.
    """

    FIELDS = ("name", "host", "port", "database", "user", "sslrootcert", "sslmode")

    def __init__(
        self, store: ProfileStore, profile: Profile | None = None, parent: QWidget | None = None
    ):
        """Build the form, filled from ``profile`` when editing."""
        super().__init__(parent)
        self.store = store
        self.original = profile
        self.result_profile: Profile | None = None
        self.form = Ui_ProfileForm()
        self.form.setupUi(self)
        self.setWindowTitle("Edit database server" if profile else "Add database server")
        form = self.form
        self.name_edit, self.host_edit, self.port_edit = form.nameEdit, form.hostEdit, form.portEdit
        self.database_edit, self.user_edit = form.databaseEdit, form.userEdit
        self.ca_edit, self.ca_browse_button = form.caEdit, form.caBrowseButton
        self.sslmode_combo = form.sslmodeCombo
        self.sslmode_combo.addItem("Default (prefer; verify-full with a CA certificate)", None)
        for mode in SSL_MODES:
            self.sslmode_combo.addItem(mode, mode)
        if profile is not None:
            self._fill(profile)
        else:
            self.port_edit.setText(str(DEFAULT_PORT))
        # Set by this dialog, not the user: cleared when the CA certificate is.
        self._mode_from_ca = False
        self.ca_edit.textChanged.connect(self._ca_changed)
        self.sslmode_combo.activated.connect(self._mode_chosen)
        self.ca_browse_button.clicked.connect(self.choose_ca_file)

        widgets = {
            "name": self.name_edit,
            "host": self.host_edit,
            "port": self.port_edit,
            "database": self.database_edit,
            "user": self.user_edit,
            "sslrootcert": self.ca_edit,
            "sslmode": self.sslmode_combo,
        }
        self.messages = {
            key: LabelFieldMessage(widget, getattr(form, f"{key}Error"))
            for key, widget in widgets.items()
        }
        self.status = form.status
        self.status.setStyleSheet(_MESSAGE_STYLE)
        self.status.hide()
        self.buttons = form.buttons
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.name_edit.setFocus()

    def _fill(self, profile: Profile) -> None:
        self.name_edit.setText(profile.name)
        self.host_edit.setText(", ".join(profile.hosts))
        self.port_edit.setText(str(profile.port).replace(",", ", "))
        self.database_edit.setText(profile.database)
        self.user_edit.setText(profile.user)
        self.ca_edit.setText(profile.sslrootcert or "")
        if profile.sslmode:
            self.sslmode_combo.setCurrentIndex(self.sslmode_combo.findData(profile.sslmode))

    def message(self, field: str) -> str:
        """Return the message shown under ``field`` ("" when none)."""
        return self.messages[field].message

    def choose_ca_file(self) -> None:
        """Ask for the CA certificate file (a file dialog) and put its path in the field."""
        start = self.ca_edit.text().strip() or str(Path.home())
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            "Choose the CA certificate",
            start,
            "Certificates (*.crt *.pem *.cer);;All files (*)",
        )
        if chosen:
            self.ca_edit.setText(chosen)

    def _ca_changed(self, text: str) -> None:
        if text.strip() and self.sslmode_combo.currentData() is None:
            self.sslmode_combo.setCurrentIndex(self.sslmode_combo.findData(VERIFIED_SSL_MODE))
            self._mode_from_ca = True
        elif not text.strip() and self._mode_from_ca:
            self.sslmode_combo.setCurrentIndex(0)
            self._mode_from_ca = False

    def _mode_chosen(self, _index: int) -> None:
        self._mode_from_ca = False

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
                sslrootcert=self.ca_edit.text(),
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
