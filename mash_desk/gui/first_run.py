"""First run on a new database: create the administrator account before anyone signs in."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from mash_desk.domain.errors import ValidationError
from mash_desk.gui.profile_dialog import FieldMessage, with_message
from mash_desk.gui.tasks import TaskRunner, describe_error
from mash_desk.services.desk import Desk


class FirstRunDialog(QDialog):
    """Create the first administrator of an empty database (then sign in as usual)."""

    def __init__(self, desk: Desk, parent: QWidget | None = None):
        """Ask for the first administrator's username, name and password."""
        super().__init__(parent)
        self.desk = desk
        self.tasks = TaskRunner(self)
        self.created_username: str | None = None
        self.setWindowTitle("MASH Desk — first run")
        # Wide enough that field messages read on one line instead of being cut off.
        self.setMinimumWidth(480)
        intro = QLabel(
            "This database has no user accounts yet. Create the first administrator; they "
            "can then add accounts for practitioners, managers and partner agencies.\n"
            "To look around first, close this and run: mash-desk --demo"
        )
        intro.setWordWrap(True)
        self.username = QLineEdit()
        self.username.setAccessibleName("Administrator username")
        self.display_name = QLineEdit()
        self.display_name.setAccessibleName("Administrator full name")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setAccessibleName("Repeat the password")
        self.messages: dict[str, FieldMessage] = {}
        form = QFormLayout()
        for label, field, key in (
            ("&Username", self.username, "username"),
            ("Full &name", self.display_name, "display_name"),
            ("&Password", self.password, "password"),
            ("&Repeat password", self.repeat, "repeat"),
        ):
            box, message = with_message(field)
            self.messages[key] = message
            form.addRow(label, box)
            label_widget = form.labelForField(box)
            assert isinstance(label_widget, QLabel)  # addRow(text, …) made it a QLabel
            label_widget.setBuddy(field)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create administrator")
        self.buttons.accepted.connect(self.create_account)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

    def message(self, field: str) -> str:
        """The message shown at ``field`` ("" when none)."""
        return self.messages[field].message

    def create_account(self) -> None:
        """Check the two passwords match, then create the account in the background."""
        for message in self.messages.values():
            message.clear_message()
        self.status.clear()
        if self.password.text() != self.repeat.text():
            self.messages["repeat"].show_message("The two passwords are not the same")
            self.repeat.setFocus()
            return
        self.buttons.setEnabled(False)
        self.tasks.write(
            self.desk.users.create_first_administrator,
            username=self.username.text(),
            display_name=self.display_name.text(),
            password=self.password.text(),
            on_done=self._created,
            on_error=self._failed,
            label="Creating the administrator…",
        )

    def _created(self, result) -> None:
        self.created_username = result.value.username
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(exc, ValidationError):
            for error in exc.errors:
                target = self.messages.get(error.field)
                if target is not None:
                    target.show_message(error.message)
                else:
                    self.status.setText(error.message)
            return
        self.status.setText(describe_error(exc))
