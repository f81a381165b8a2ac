"""Open the encrypted embedded database at start-up, and check its audit chain's tail.

Where the key comes from a passphrase (no system keyring), the desk asks for it; an
unencrypted database from an earlier version is converted in place, behind a progress bar,
once the user agrees. A wrong key, a missing key or a damaged file are not handled here: they
reach the caller's error dialog with their message, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QMessageBox,
    QProgressDialog,
    QWidget,
)

from mash_desk.gui.tasks import TaskRunner
from mash_desk.storage.encryption import (
    PASSPHRASE_MIN,
    PassphraseNeeded,
    PlaintextDatabase,
    WrongKey,
    unlock,
)

T = TypeVar("T")
# About the last 500 rows of each log: what changed or vanished lately, and the end against
# its head — a fraction of a second on ten years of history (benchmarks: chain_tail).
TAIL_ROWS = 500
CONVERT_QUESTION = (
    "This computer's MASH Desk database is not encrypted: anyone who can read the file can "
    "read every record in it.\n\nEncrypt it now? MASH Desk makes an encrypted copy, checks "
    "it against the original (every table's rows and the audit chain), puts it in place and "
    "then overwrites and removes the unencrypted file. It takes a minute or two for years "
    "of records."
)


class StartCancelled(Exception):
    """The person chose not to unlock or convert the database: the desk does not start."""


def in_background(app: QApplication, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``fn`` off the GUI thread while the event loop keeps turning; return its result."""
    tasks = TaskRunner()
    outcome: dict[str, object] = {}
    tasks.read(
        fn,
        *args,
        **kwargs,
        on_done=lambda value: outcome.setdefault("value", value),
        on_error=lambda exc: outcome.setdefault("error", exc),
    )
    while not outcome:
        app.processEvents()
        tasks.wait(20)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]  # on_error stores only exceptions
    return outcome["value"]  # type: ignore[return-value]  # on_done stores fn's own result


class PassphraseDialog(QDialog):
    """Ask for the database passphrase, or (``new``) choose one and type it twice."""

    def __init__(self, *, new: bool, message: str = "", parent: QWidget | None = None):
        """Build the dialog; ``message`` says why it is asked again (a wrong passphrase)."""
        # Imported here: a desk whose key is in the keyring never shows it, and building its
        # form's module cost 13 ms of every start (issue 16).
        from mash_desk.gui.forms.ui_database_passphrase import Ui_DatabasePassphraseForm

        super().__init__(parent)
        self.form = Ui_DatabasePassphraseForm()
        self.form.setupUi(self)
        self.new = new
        if new:
            self.form.explanation.setText(
                "No system keyring is available to keep the database's key, so it will be "
                f"made from a passphrase. Choose one of at least {PASSPHRASE_MIN} characters "
                "(three or four unrelated words work well). It is asked every time MASH Desk "
                "starts; without it nobody — not even an administrator — can open the records."
            )
        self.form.repeatLabel.setVisible(new)
        self.form.repeatEdit.setVisible(new)
        self.form.message.setText(message)
        self.form.buttons.accepted.connect(self.submit)
        self.form.buttons.rejected.connect(self.reject)
        self.form.passphraseEdit.setFocus()

    def passphrase(self) -> str:
        """Return the passphrase typed."""
        return self.form.passphraseEdit.text()

    def message_text(self) -> str:
        """Return the message shown under the fields ("" when none)."""
        return self.form.message.text()

    def submit(self) -> None:
        """Accept, unless a new passphrase is too short or its two copies differ."""
        typed = self.passphrase()
        if self.new and len(typed) < PASSPHRASE_MIN:
            self.form.message.setText(f"The passphrase needs at least {PASSPHRASE_MIN} characters")
            return
        if self.new and self.form.repeatEdit.text() != typed:
            self.form.message.setText("The two passphrases are not the same")
            self.form.repeatEdit.setFocus()
            return
        if not typed:
            self.form.message.setText("Type the passphrase")
            return
        self.accept()


def _ask_passphrase(app: QApplication, needed: PassphraseNeeded) -> bool:
    message = ""
    while True:
        dialog = PassphraseDialog(new=needed.new, message=message)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        try:
            in_background(app, unlock, needed.path, dialog.passphrase())
        except WrongKey as exc:
            message = str(exc)
            continue
        return True


class _ProgressRelay(QObject):
    moved = Signal(str, float)


def with_progress(app: QApplication, title: str, fn: Callable[..., T], **kwargs: Any) -> T:
    """Run ``fn(progress=…, **kwargs)`` on the writer thread behind a progress dialog."""
    dialog = QProgressDialog(title, "", 0, 1000)
    dialog.setWindowTitle("MASH Desk")
    dialog.setCancelButton(None)  # a half-made copy is dropped anyway; nothing to cancel
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(0)
    dialog.show()
    relay = _ProgressRelay()

    def moved(message: str, fraction: float) -> None:
        dialog.setLabelText(f"{title}: {message}")
        dialog.setValue(int(fraction * 1000))

    relay.moved.connect(moved)
    tasks = TaskRunner()
    outcome: dict[str, object] = {}
    tasks.write(
        fn,
        progress=lambda message, fraction: relay.moved.emit(message, fraction),
        **kwargs,
        on_done=lambda value: outcome.setdefault("value", value),
        on_error=lambda exc: outcome.setdefault("error", exc),
        label=title,
    )
    while not outcome:
        app.processEvents()
        tasks.wait(50)
    dialog.close()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]  # on_error stores only exceptions
    return outcome["value"]  # type: ignore[return-value]  # on_done stores fn's own result


def _convert(app: QApplication, plain: PlaintextDatabase, confirm: Callable[[], bool]) -> bool:
    from mash_desk.storage.encrypted_files import encrypt_in_place

    if not confirm():
        return False
    title = "Encrypting the database"
    try:
        with_progress(app, title, encrypt_in_place, path=plain.path)
    except PassphraseNeeded:
        dialog = PassphraseDialog(new=True)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        with_progress(app, title, encrypt_in_place, path=plain.path, passphrase=dialog.passphrase())
    return True


def _confirm_conversion() -> bool:
    answer = QMessageBox.question(
        None, "MASH Desk — encrypt the database", CONVERT_QUESTION,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
    )  # fmt: skip
    return answer == QMessageBox.StandardButton.Yes


def open_embedded(
    app: QApplication, opener: Callable[[], T], *, confirm: Callable[[], bool] | None = None
) -> T:
    """Run ``opener`` (which opens a database) in the background, unlocking it as needed.

    Raises:
        StartCancelled: the person cancelled the passphrase or declined the conversion.
    """
    for _attempt in range(4):
        try:
            return in_background(app, opener)
        except PassphraseNeeded as needed:
            if not _ask_passphrase(app, needed):
                raise StartCancelled from None
        except PlaintextDatabase as plain:
            if not _convert(app, plain, confirm or _confirm_conversion):
                raise StartCancelled from None
    return in_background(app, opener)


def chain_warning(reports: Any) -> str | None:
    """Return the warning to show for start-up chain reports, or None when they hold."""
    broken = [r.summary() for r in reports if not r.ok]
    if not broken:
        return None
    return (
        "The audit log's hash chain is broken near its end: "
        + "; ".join(broken)
        + ". Records may have been altered or removed outside MASH Desk. Tell your "
        "administrator (they can run: mash-desk audit verify)."
    )


def start_tail_check(window: Any, tasks: TaskRunner, engine: Any) -> None:
    """Verify the last rows of the audit chains in the background; warn on the window if broken.

    The warning stays in ``window.chain_warning`` (a non-modal message box) so the desk can
    be used meanwhile: the records are still the records, and someone must look into it.
    """
    from mash_desk.storage.audit_chain import verify_all

    def show(reports: Any) -> None:
        text = chain_warning(reports)
        if text is None:
            return
        window.statusBar().showMessage("Audit log chain broken — see the warning", 0)
        box = QMessageBox(QMessageBox.Icon.Warning, "MASH Desk — audit log", text)
        box.setParent(window, box.windowFlags())
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        window.chain_warning = box
        box.open()

    tasks.read(verify_all, engine, tail=TAIL_ROWS, on_done=show, label="Checking the audit log…")


def confirm_with(answer: bool) -> Callable[[], bool]:
    """Return a conversion confirmation that answers ``answer`` (``--smoke-test``, tests)."""
    return lambda: answer
