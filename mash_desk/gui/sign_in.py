"""The sign-in dialog: choose the database (this computer or a shared server), then sign in.

For a shared PostgreSQL server the dialog also asks for the database password, which the
user may keep in the operating system's keyring (never in a file). Where there is no keyring
the dialog says so and asks each time. Opening the database, checking the password and every
keyring call run on the dialog's own :class:`TaskRunner` — there is no desk session yet — so a
slow server or a keyring unlock prompt never freezes the window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import OperationalError

from mash_desk.domain.errors import MashDeskError, PermissionDenied
from mash_desk.gui.a11y import announce, live_label
from mash_desk.gui.profile_dialog import FieldMessage, ProfileDialog, with_message
from mash_desk.gui.tasks import TaskRunner, describe_error
from mash_desk.profiles import (
    NO_KEYRING_MESSAGE,
    KeyringUnavailable,
    Profile,
    ProfileStore,
    keyring_available,
)
from mash_desk.services.desk import Desk
from mash_desk.services.dto import Actor

EMBEDDED_LABEL = "This computer (embedded)"
_CHECKING_KEYRING = "Checking the system keyring…"
_NOTE = "ℹ "  # an information sign, so the note does not rely on its grey colour
_STATUS_STYLE = "color: #a4262c;"
# libpq's wording when the server rejects the credentials (not when it cannot be reached).
_AUTH_FAILURES = ("password authentication failed", "no password supplied", "authentication failed")
# libpq's wording (PostgreSQL 14+) when target_session_attrs=read-write meets a standby.
_READ_ONLY = "session is read-only"
# OpenSSL's wording through libpq when the chain does not lead to the given CA, and libpq's
# when the certificate names another host (sslmode=verify-full).
_UNVERIFIED = "certificate verify failed"
_WRONG_NAME = "does not match host name"


class CannotConnect(MashDeskError):
    """The database could not be opened; one line saying where and why.

    Attributes:
        field: ``"server_password"`` when the server refused the password, else None.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class SignedIn:
    """What a successful sign-in hands over (the caller owns and closes the desk)."""

    desk: Desk
    actor: Actor
    notices: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Target:
    """The database to open. ``url`` and ``server_password`` are secret: kept out of repr."""

    profile: Profile | None
    url: str = field(repr=False)
    server_password: str | None = field(default=None, repr=False)
    # True: keep the password in the keyring; False: forget it; None: no keyring to ask.
    remember: bool | None = None

    @property
    def key(self) -> tuple[Profile | None, str | None]:
        return self.profile, self.server_password


class _Connector:
    """Opens desks and signs in. Qt-free; runs only on the runner's single writer thread.

    A desk opened for an attempt that failed on the MASH Desk password is kept for the next
    attempt, so a retyped password does not reopen (and re-check the migrations of) the
    database.
    """

    def __init__(self, open_desk: Callable[[str], Desk], store: ProfileStore):
        self._open_desk = open_desk
        self._store = store
        self._key: tuple[Profile | None, str | None] | None = None
        self._desk: Desk | None = None

    def sign_in(self, target: _Target, username: str, password: str) -> SignedIn:
        desk = self._desk_for(target)
        notices = self._keep_password(target)
        # A person's own server login is the whole sign-in (the server checked the password);
        # a server still on one shared login, and this computer's database, ask for the
        # MASH Desk account as before.
        actor = desk.users.server_person() if target.profile is not None else None
        if actor is None:
            if not username or not password:
                raise PermissionDenied(
                    "This server login is not a MASH Desk account: enter your MASH Desk "
                    "username and password"
                )
            actor = desk.users.sign_in(username, password)
        # The desk now belongs to the caller.
        self._key = self._desk = None
        return SignedIn(desk, actor, notices)

    def close(self) -> None:
        if self._desk is not None:
            self._desk.close()
        self._key = self._desk = None

    def _desk_for(self, target: _Target) -> Desk:
        if self._desk is not None and self._key == target.key:
            return self._desk
        self.close()
        try:
            desk = self._open_desk(target.url)
        except OperationalError as exc:
            raise _cannot_connect(target, exc) from None
        self._key, self._desk = target.key, desk
        return desk

    def _keep_password(self, target: _Target) -> tuple[str, ...]:
        # Only now: the server accepted the password, so a mistyped one is never remembered.
        if target.profile is None or target.remember is None or not target.server_password:
            return ()
        try:
            if target.remember:
                self._store.save_password(target.profile, target.server_password)
            else:
                self._store.forget_password(target.profile)
        except KeyringUnavailable as exc:
            return (str(exc),)
        return ()


def _cannot_connect(target: _Target, exc: OperationalError) -> CannotConnect:
    """Turn a driver error into one line; the URL and password never appear in it."""
    full = str(getattr(exc, "orig", None) or exc).strip()
    lines = full.splitlines()
    reason = (lines[0] if lines else type(exc).__name__).strip()
    # libpq: 'connection failed: connection to server at "h", port 5432 failed: <why>'.
    reason = reason.rsplit("failed: ", 1)[-1].strip().rstrip(".") or reason
    if target.server_password:
        reason = reason.replace(target.server_password, "•••")
    profile = target.profile
    if profile is None:
        return CannotConnect(f"Cannot open the database on this computer: {reason}.")
    if any(words in reason.lower() for words in _AUTH_FAILURES):
        return CannotConnect(
            f"The server refused this password for database user {profile.user}.",
            field="server_password",
        )
    if _READ_ONLY in full:
        # With several hosts psycopg tries each and reports the last failure first; any
        # "read-only" means a server answered but none of those that did takes writes.
        return CannotConnect(
            f"Cannot connect to {profile.name}: no writable server was found at "
            f"{profile.where} (the servers that answered are read-only standbys)."
        )
    return CannotConnect(f"Cannot connect to {profile.name} ({profile.where}): {_tls(reason)}.")


def _tls(reason: str) -> str:
    """Say in words what a certificate failure means (libpq's own wording kept at the end)."""
    if _UNVERIFIED in reason:
        return (
            "the server's certificate is not signed by the CA certificate in this profile "
            f"({reason})"
        )
    if _WRONG_NAME in reason:
        return f"the server's certificate is for another host name ({reason})"
    if reason.startswith("root certificate file"):
        return f"the CA certificate file named in this profile is missing ({reason})"
    return reason


class SignInDialog(QDialog):
    """Choose the database and sign in to MASH Desk.

    After ``accepted``: :attr:`result_desk` (the caller now owns it and must close it),
    :attr:`result_actor`, :attr:`result_profile` (None for this computer),
    :attr:`result_label` (for the title bar) and :attr:`result_notices` (e.g. the password
    could not be kept because the keyring is locked).

    Signals:
        signed_in(Desk, Actor): emitted just before the dialog is accepted.
    """

    signed_in = Signal(object, object)

    def __init__(
        self,
        embedded_url: str,
        open_desk: Callable[[str], Desk],
        store: ProfileStore | None = None,
        parent: QWidget | None = None,
    ):
        """Build the dialog; ``open_desk(url)`` opens a database (called off the GUI thread)."""
        super().__init__(parent)
        self.embedded_url = embedded_url
        self.store = store if store is not None else ProfileStore()
        self.tasks = TaskRunner(self)
        self._connector = _Connector(open_desk, self.store)
        self._profiles: dict[str, Profile] = {}
        self._keyring_ok: bool | None = None  # None until the background check answers
        self._keyring_note = _CHECKING_KEYRING
        self._busy = False
        self._abandoned = False
        self.profile_dialog: ProfileDialog | None = None

        self.result_desk: Desk | None = None
        self.result_actor: Actor | None = None
        self.result_profile: Profile | None = None
        self.result_label = ""
        self.result_notices: tuple[str, ...] = ()

        self._build()
        self._load_profiles()
        self.tasks.read(
            keyring_available,
            on_done=self._keyring_known,
            on_error=lambda _exc: self._keyring_known(False),
            label=_CHECKING_KEYRING,
        )

    # -- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.setWindowTitle("Sign in — MASH Desk")
        self.setMinimumWidth(460)
        heading = self._heading()
        database_box = self._build_database_row()
        self._build_server_box()
        username_box, password_box = self._build_account_fields()
        form = self._database_form(database_box)
        account = self._account_form(username_box, password_box)
        self._build_status_and_buttons()

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.server_box)
        layout.addLayout(account)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self._set_tab_order()
        self.database_combo.currentIndexChanged.connect(self._database_changed)
        self.add_button.clicked.connect(lambda: self._open_profile_dialog(None))
        self.edit_button.clicked.connect(lambda: self._open_profile_dialog(self.current_profile()))
        self.username_edit.setFocus()

    def _heading(self) -> QLabel:
        """Return the dialog's title line, larger and bold."""
        heading = QLabel("Sign in to MASH Desk")
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        return heading

    def _build_database_row(self) -> QWidget:
        """Return the database choice with Add server… and Edit server… beside it."""
        self.database_combo = QComboBox()
        self.database_combo.setAccessibleName("Database")
        # Long profile names must not push the "Database" label out of the dialog.
        self.database_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.database_combo.setMinimumContentsLength(24)
        self.add_button = QPushButton("&Add server…")
        self.add_button.setAccessibleName("Add a database server")
        self.add_button.setAutoDefault(False)
        self.edit_button = QPushButton("&Edit server…")
        self.edit_button.setAccessibleName("Edit the chosen database server")
        self.edit_button.setAutoDefault(False)
        database_row = QHBoxLayout()
        database_row.addWidget(self.database_combo, 1)
        database_row.addWidget(self.add_button)
        database_row.addWidget(self.edit_button)
        database_box = QWidget()
        database_box.setLayout(database_row)
        database_row.setContentsMargins(0, 0, 0, 0)
        self.database_message = FieldMessage(self.database_combo)
        return database_box

    def _build_server_box(self) -> None:
        # The shared-server part: shown only when a server profile is chosen.
        self.server_box = QGroupBox("Database server")
        self.server_address = QLabel()
        self.server_address.setAccessibleName("Server address")
        self.server_password_edit = QLineEdit()
        self.server_password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.server_password_edit.setAccessibleName("Database server password")
        server_password_box, self.server_password_message = with_message(self.server_password_edit)
        self.remember_check = QCheckBox("&Remember password in the system keyring")
        self.remember_check.setAccessibleName("Remember password in the system keyring")
        self.keyring_note = QLabel()
        self.keyring_note.setWordWrap(True)
        live_label(self.keyring_note, "System keyring note")
        self.keyring_note.setStyleSheet("color: palette(placeholder-text);")
        server_form = QFormLayout(self.server_box)
        server_form.addRow("Address:", self.server_address)
        server_password_label = QLabel("Server pass&word:")
        server_password_label.setBuddy(self.server_password_edit)
        server_form.addRow(server_password_label, server_password_box)
        server_form.addRow("", self.remember_check)
        server_form.addRow("", self.keyring_note)

    def _build_account_fields(self) -> tuple[QWidget, QWidget]:
        """Return the username and password edits, each boxed with its message below."""
        self.username_edit = QLineEdit()
        self.username_edit.setAccessibleName("Username")
        username_box, self.username_message = with_message(self.username_edit)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName("Password")
        password_box, self.password_message = with_message(self.password_edit)
        return username_box, password_box

    def _database_form(self, database_box: QWidget) -> QFormLayout:
        """Return the form row for the database choice, with its message below."""
        form = QFormLayout()
        database_label = QLabel("&Database:")
        database_label.setBuddy(self.database_combo)
        form.addRow(database_label, database_box)
        form.addRow("", self.database_message)
        return form

    def _account_form(self, username_box: QWidget, password_box: QWidget) -> QFormLayout:
        """Return the username and password rows (their labels carry Alt+U and Alt+P)."""
        username_label = QLabel("&Username:")
        username_label.setBuddy(self.username_edit)
        password_label = QLabel("&Password:")
        password_label.setBuddy(self.password_edit)
        account = QFormLayout()
        account.addRow(username_label, username_box)
        account.addRow(password_label, password_box)
        return account

    def _build_status_and_buttons(self) -> None:
        """Make the status line (hidden until there is news) and Sign in / Cancel."""
        self.status = QLabel()
        self.status.setWordWrap(True)
        live_label(self.status, "Sign-in status")
        self.status.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_in_button = self.buttons.addButton(
            "&Sign in", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.sign_in_button.setAccessibleName("Sign in")
        # Default button: Enter in any field signs in.
        self.sign_in_button.setDefault(True)
        self.buttons.accepted.connect(self.sign_in)
        self.buttons.rejected.connect(self.reject)

    def _set_tab_order(self) -> None:
        """Tab from the database choice down to Cancel, top to bottom."""
        order = [
            self.database_combo,
            self.add_button,
            self.edit_button,
            self.server_password_edit,
            self.remember_check,
            self.username_edit,
            self.password_edit,
            self.sign_in_button,
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel),
        ]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)

    # -- the database choice --------------------------------------------------------------

    def current_profile(self) -> Profile | None:
        """Return the chosen server profile (None for this computer's database)."""
        name = self.database_combo.currentData()
        return self._profiles.get(name) if name is not None else None

    def choose(self, profile_name: str | None) -> None:
        """Choose a server profile by name, or this computer's database (None)."""
        index = self.database_combo.findData(profile_name) if profile_name is not None else 0
        self.database_combo.setCurrentIndex(max(index, 0))

    def _load_profiles(self, select: str | None = None) -> None:
        self.database_message.clear_message()
        try:
            profiles = self.store.load()
        except MashDeskError as exc:
            profiles = []
            self.database_message.show_message(str(exc))
        self._profiles = {p.name: p for p in profiles}
        self.database_combo.blockSignals(True)
        self.database_combo.clear()
        self.database_combo.addItem(EMBEDDED_LABEL, None)
        for profile in profiles:
            self.database_combo.addItem(profile.name, profile.name)
            self.database_combo.setItemData(
                self.database_combo.count() - 1, profile.address, Qt.ItemDataRole.ToolTipRole
            )
        self.database_combo.blockSignals(False)
        self.choose(select)
        self._database_changed()

    def _database_changed(self) -> None:
        profile = self.current_profile()
        for message in (self.server_password_message, self.password_message):
            message.clear_message()
        self._show_status("")
        self.server_box.setVisible(profile is not None)
        self.edit_button.setEnabled(profile is not None and not self._busy)
        self.server_password_edit.clear()
        self.remember_check.setChecked(False)
        if profile is not None:
            self.server_address.setText(profile.address)
            if self._keyring_ok:
                self._look_up_password(profile)
        self._show_keyring_state()

    # -- the keyring ----------------------------------------------------------------------

    def _keyring_known(self, available: bool) -> None:
        self._keyring_ok = available
        self._keyring_note = _NOTE + NO_KEYRING_MESSAGE + "."
        self._show_keyring_state()
        profile = self.current_profile()
        if available and profile is not None:
            self._look_up_password(profile)

    def _show_keyring_state(self) -> None:
        server = self.current_profile() is not None
        self.remember_check.setVisible(server and self._keyring_ok is True)
        self.keyring_note.setText(self._keyring_note)
        self.keyring_note.setVisible(server and self._keyring_ok is not True)

    def _look_up_password(self, profile: Profile) -> None:
        self.tasks.read(
            self.store.password,
            profile,
            on_done=lambda password: self._prefill(profile, password),
            on_error=lambda exc: self._keyring_failed(profile, exc),
            label="Reading the system keyring…",
        )

    def _prefill(self, profile: Profile, password: str | None) -> None:
        # The user may have chosen another database, or started typing, meanwhile.
        if profile != self.current_profile() or not password:
            return
        if not self.server_password_edit.text():
            self.server_password_edit.setText(password)
            self.remember_check.setChecked(True)

    def _keyring_failed(self, profile: Profile, exc: BaseException) -> None:
        # A locked or vanished keyring: carry on asking for the password, and say why.
        self._keyring_ok = False
        self._keyring_note = _NOTE + describe_error(exc).rstrip(".") + "."
        self._show_keyring_state()

    # -- profiles -------------------------------------------------------------------------

    def _open_profile_dialog(self, profile: Profile | None) -> None:
        dialog = ProfileDialog(self.store, profile, self)
        self.profile_dialog = dialog
        dialog.accepted.connect(lambda: self._profile_saved(profile, dialog.result_profile))
        dialog.open()

    def _profile_saved(self, old: Profile | None, new: Profile | None) -> None:
        if new is None:
            return
        if old is not None and old.keyring_username != new.keyring_username and self._keyring_ok:
            # The remembered password belonged to the old server or user.
            self.tasks.write(
                self.store.forget_password,
                old,
                on_error=lambda _exc: None,
                label="Updating the system keyring…",
            )
        self._load_profiles(select=new.name)

    # -- signing in -----------------------------------------------------------------------

    def sign_in(self) -> None:
        """Check the form, then open the database and sign in in the background."""
        if self._busy:
            return
        for message in (self.server_password_message, self.username_message, self.password_message):
            message.clear_message()
        self._show_status("")
        profile = self.current_profile()
        username = self.username_edit.text().strip()
        password = self.password_edit.text()
        server_password = self.server_password_edit.text() if profile is not None else None
        missing: list[tuple[FieldMessage, str]] = []
        if profile is not None and not server_password:
            missing.append(
                (
                    self.server_password_message,
                    f"Enter the password of database user {profile.user}",
                )
            )
        # On a server with one login per person, the server password is the only one.
        if profile is None and not username:
            missing.append((self.username_message, "Enter your username"))
        if profile is None and not password:
            missing.append((self.password_message, "Enter your password"))
        if missing:
            for message, text in missing:
                message.show_message(text)
            missing[0][0].field.setFocus()
            return

        if profile is None:
            target = _Target(None, self.embedded_url)
        else:
            remember = self.remember_check.isChecked() if self._keyring_ok else None
            target = _Target(profile, profile.url(server_password), server_password, remember)
        self._set_busy(True)
        self.tasks.write(
            self._connector.sign_in,
            target,
            username,
            password,
            on_done=self._signed_in,
            on_error=self._sign_in_failed,
            label="Signing in…",
        )

    def _signed_in(self, result: SignedIn) -> None:
        if self._abandoned:
            # Cancelled while the sign-in was under way: nobody will use this desk.
            self.tasks.write(result.desk.close, label="Closing the database…")
            return
        profile = self.current_profile()
        self.result_desk, self.result_actor = result.desk, result.actor
        self.result_profile = profile
        self.result_label = (
            "This computer" if profile is None else f"{profile.name} ({', '.join(profile.hosts)})"
        )
        self.result_notices = result.notices
        self.password_edit.clear()
        self.server_password_edit.clear()
        self._set_busy(False)
        self.signed_in.emit(result.desk, result.actor)
        self.accept()

    def _sign_in_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, PermissionDenied):
            self.password_message.show_message(str(exc))
            self.password_edit.selectAll()
            self.password_edit.setFocus()
        elif isinstance(exc, CannotConnect) and exc.field == "server_password":
            self.server_password_message.show_message(str(exc))
            self.server_password_edit.selectAll()
            self.server_password_edit.setFocus()
        else:
            self._show_status(describe_error(exc), problem=True)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (
            self.database_combo,
            self.add_button,
            self.server_password_edit,
            self.remember_check,
            self.username_edit,
            self.password_edit,
            self.sign_in_button,
        ):
            widget.setEnabled(not busy)
        self.edit_button.setEnabled(not busy and self.current_profile() is not None)
        self._show_status("Signing in…" if busy else "")

    def _show_status(self, text: str, *, problem: bool = False) -> None:
        self.status.setStyleSheet(_STATUS_STYLE if problem else "")
        self.status.setText(("⚠ " if problem else "") + text)
        self.status.setVisible(bool(text))
        announce(self.status, text, assertive=problem)  # a status message (WCAG 4.1.3)

    def status_text(self) -> str:
        """Return the one-line status shown under the form ("" when none)."""
        return self.status.text().removeprefix("⚠ ") if self.status.isVisibleTo(self) else ""

    def reject(self) -> None:
        """Close without signing in; a database opened for a failed attempt is closed."""
        self._abandoned = True
        self.tasks.write(self._connector.close, label="Closing the database…")
        super().reject()
