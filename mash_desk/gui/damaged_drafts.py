"""Tell the practitioner a saved draft could not be read, and give back its text to copy.

Shown at start-up when :meth:`DraftStore.scan` set damaged drafts aside. The text recovered
from them is read-only (it is what was typed, not a form to save) and copyable in one press,
so a contact typed before a crash can be re-entered even when its draft file was damaged.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QWidget

from mash_desk.gui.drafts import DamagedDraft
from mash_desk.gui.forms.ui_damaged_drafts import Ui_DamagedDraftsDialog

# Short values sit beside their label; longer or multi-line ones (the concerns) go below it.
_INLINE_MAX = 60


def damaged_message(damaged: Sequence[DamagedDraft]) -> str:
    """Return the one-line message for ``damaged`` (also shown in the status bar)."""
    count = len(damaged)
    if any(d.recovered for d in damaged):
        if count == 1:
            return "One saved draft could not be read; its text has been kept for you to copy."
        return f"{count} saved drafts could not be read; their text has been kept for you to copy."
    if count == 1:
        return "One saved draft could not be read, and no text could be recovered from it."
    return f"{count} saved drafts could not be read, and no text could be recovered from them."


def recovered_report(damaged: Sequence[DamagedDraft]) -> str:
    """Return every damaged draft's reason and recovered text, as plain text to copy."""
    parts = []
    for number, draft in enumerate(damaged, start=1):
        when = (
            f"saved {draft.saved_at.astimezone():%d/%m/%Y %H:%M}"
            if draft.saved_at is not None
            else "saved at an unknown time"
        )
        lines = [f"Draft {number} ({when}) could not be read: {draft.reason}."]
        if draft.kept_at is not None:
            lines.append(f"The file was kept as {draft.kept_at}.")
        lines.append("")
        if not draft.recovered:
            lines.append("No text could be recovered from it.")
        for label, text in draft.recovered:
            inline = "\n" not in text and len(text) <= _INLINE_MAX
            lines.append(f"{label}: {text}" if inline else f"{label}:\n{text}\n")
        parts.append("\n".join(lines).rstrip())
    return "\n\n\n".join(parts) + "\n"


class DamagedDraftsDialog(QDialog):
    """The message, the recovered text (read-only) and a button that copies all of it."""

    def __init__(self, damaged: Sequence[DamagedDraft], parent: QWidget | None = None):
        """Show what was recovered from ``damaged``."""
        super().__init__(parent)
        self.form = Ui_DamagedDraftsDialog()
        self.form.setupUi(self)
        self.form.message.setText(damaged_message(damaged))
        self.form.recoveredText.setText(recovered_report(damaged))
        self.form.copyButton.setEnabled(any(d.recovered for d in damaged))
        self.form.copyButton.clicked.connect(self.copy_all)
        self.form.buttons.rejected.connect(self.reject)
        self.form.recoveredText.setFocus()

    def message_text(self) -> str:
        """Return the message at the top of the dialog."""
        return self.form.message.text()

    def recovered_text(self) -> str:
        """Return the recovered text shown."""
        return self.form.recoveredText.text()

    def copy_all(self) -> None:
        """Put all the recovered text on the clipboard."""
        QGuiApplication.clipboard().setText(self.recovered_text())
        self.form.copyButton.setText("Copied")
