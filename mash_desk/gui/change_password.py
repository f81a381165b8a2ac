"""Change your own password: the small dialog behind "Change password…" in the View menu.

On a shared server the password is the person's own server login (the service runs
``ALTER ROLE CURRENT_USER``; the server already knows who is connected, so the current password
is not asked for); on this computer's database it is the argon2 account, and the current
password is checked first. The service call runs off the GUI thread like every other.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QWidget

from mash_desk.domain.errors import PermissionDenied, ValidationError
from mash_desk.gui.a11y import announce, live_label
from mash_desk.gui.forms.ui_change_password import Ui_ChangePasswordForm
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import describe_error


class ChangePasswordDialog(QDialog):
    """Ask for the new password twice (and the current one on an embedded database)."""

    def __init__(self, session: DeskSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.form = Ui_ChangePasswordForm()
        self.form.setupUi(self)
        self.on_server = session.desk.db.dialect == "postgresql"
        self.form.currentLabel.setVisible(not self.on_server)
        self.form.currentEdit.setVisible(not self.on_server)
        live_label(self.form.message, "Password change message")
        self.form.message.hide()
        self.form.buttons.accepted.connect(self.submit)
        self.form.buttons.rejected.connect(self.reject)
        (self.form.newEdit if self.on_server else self.form.currentEdit).setFocus()

    def submit(self) -> None:
        """Check the two new passwords agree, then change it in the background."""
        new, repeat = self.form.newEdit.text(), self.form.repeatEdit.text()
        if new != repeat:
            self._say("The two new passwords are not the same")
            self.form.repeatEdit.setFocus()
            return
        self._ok_button().setEnabled(False)
        self.session.tasks.write(
            self.session.desk.users.change_password,
            self.session.actor,
            self.form.currentEdit.text(),
            new,
            on_done=lambda _none: self._done(),
            on_error=self._failed,
            label="Changing your password…",
        )

    def message_text(self) -> str:
        """Return the message shown in the dialog ("" when none)."""
        return self.form.message.text() if self.form.message.isVisibleTo(self) else ""

    def _ok_button(self) -> QPushButton:
        return self.form.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _done(self) -> None:
        for edit in (self.form.currentEdit, self.form.newEdit, self.form.repeatEdit):
            edit.clear()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._ok_button().setEnabled(True)
        if isinstance(exc, ValidationError):
            self._say(exc.errors[0].message)
            self.form.newEdit.setFocus()
        elif isinstance(exc, PermissionDenied):
            self._say(str(exc))
            self.form.currentEdit.selectAll()
            self.form.currentEdit.setFocus()
        else:
            self._say(describe_error(exc))

    def _say(self, text: str) -> None:
        self.form.message.setText(text)
        self.form.message.show()
        announce(self.form.message, text, assertive=True)
