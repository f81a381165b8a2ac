"""The New contact form's drafts: everything typed, kept on disk until the contact is saved.

Split out of ``contact_form.py``: :class:`DraftKeeping` is the part of ``ContactForm`` that
turns the form into JSON-ready data and back, and writes it every few seconds and shortly
after every change, so a crash or power cut loses at most a few seconds of typing.
"""

from __future__ import annotations

import contextlib
import json
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt

from mash_desk.domain.enums import Channel
from mash_desk.gui.draft_shape import CONTACT_DRAFT, shape_problem
from mash_desk.gui.field_messages import set_combo as _set_combo

if TYPE_CHECKING:
    from mash_desk.gui.attachments import AttachmentsEditor
    from mash_desk.gui.child_card import ChildCard
    from mash_desk.gui.drafts import DraftStore
    from mash_desk.gui.forms.ui_new_contact import Ui_NewContactForm

log = logging.getLogger(__name__)

DRAFT_KIND = "new_contact"


class DraftKeeping:
    """Mixin of ``ContactForm``: its state as a draft, restored and kept on disk.

    It uses the form's ``ui``, ``drafts``, ``draft_id``, cards and ``attachments``.
    """

    # Provided by ContactForm (set in its __init__).
    ui: Ui_NewContactForm
    drafts: DraftStore
    draft_id: str | None
    attachments: AttachmentsEditor
    _cards: list[ChildCard]
    _last_written: str | None

    if TYPE_CHECKING:

        def received_at(self) -> datetime:
            """The received-at time, aware, in the MASH's time zone."""

        def set_received_at(self, when: datetime) -> None:
            """Show ``when`` in the received-at field."""

        def has_unsaved_work(self) -> bool:
            """Whether anything was typed since the form was opened or last saved."""

        def clear_errors(self) -> None:
            """Hide every field message."""

        def _checked_indicators(self) -> list[str]: ...

        def _new_card(self) -> ChildCard: ...

        def _remove_all_cards(self) -> None: ...

        def _renumber(self) -> None: ...

        def _update_deadlines(self, *_args: Any) -> None: ...

        def _edited(self, *_args: Any) -> None: ...

    def to_draft(self) -> dict[str, Any]:
        """Return everything typed as JSON-ready data; :meth:`load_draft` takes it back."""
        ui = self.ui
        return {
            "kind": DRAFT_KIND,
            "received_at": self.received_at().isoformat(),
            "channel": ui.channel.currentData() or "",
            "referrer_name": ui.referrerName.text(),
            "referrer_role": ui.referrerRole.text(),
            "referrer_agency": ui.referrerAgency.text(),
            "referrer_phone": ui.referrerPhone.text(),
            "referrer_email": ui.referrerEmail.text(),
            "referral_source": ui.referralSource.currentData() or "",
            "concerns": ui.concerns.toPlainText(),
            "risk_indicators": self._checked_indicators(),
            "attachments": self.attachments.state(),
            "children": [card.state() for card in self._cards],
        }

    def load_draft(self, data: dict[str, Any]) -> None:
        """Fill the form from :meth:`to_draft` data (a restored draft).

        The restored state is written at once under this form's own draft, so the old draft
        file can be discarded by the caller without a moment when neither exists.

        Raises:
            ValueError: a field has the wrong type (named in the message); the form is left
                untouched. The draft store checks this too, before offering a draft.
        """
        if problem := shape_problem(data, CONTACT_DRAFT, "data"):
            raise ValueError(f"This draft cannot fill the form: {problem}")
        ui = self.ui
        self._loading = True
        try:
            with contextlib.suppress(KeyError, ValueError, TypeError):
                self.set_received_at(datetime.fromisoformat(str(data["received_at"])))
            _set_combo(ui.channel, data.get("channel", Channel.PHONE.value))
            ui.referrerName.setText(str(data.get("referrer_name", "")))
            ui.referrerRole.setText(str(data.get("referrer_role", "")))
            ui.referrerAgency.setText(str(data.get("referrer_agency", "")))
            ui.referrerPhone.setText(str(data.get("referrer_phone", "")))
            ui.referrerEmail.setText(str(data.get("referrer_email", "")))
            self.attachments.load(data.get("attachments"))
            _set_combo(ui.referralSource, data.get("referral_source", ""))
            ui.concerns.setPlainText(str(data.get("concerns", "")))
            wanted = set(data.get("risk_indicators") or ())
            for row in range(ui.riskIndicators.count()):
                item = ui.riskIndicators.item(row)
                item.setCheckState(
                    Qt.CheckState.Checked
                    if item.data(Qt.ItemDataRole.UserRole) in wanted
                    else Qt.CheckState.Unchecked
                )
            self._remove_all_cards()
            children = [c for c in data.get("children") or () if isinstance(c, dict)] or [{}]
            for child in children:
                self._new_card().load(child)
            self._renumber()
        finally:
            self._loading = False
        self.clear_errors()
        self._update_deadlines()
        self._edited()
        self.autosave()

    def summary(self) -> str:
        """Return one line describing the contact being typed (for the drafts list)."""
        names = []
        for card in self._cards:
            name = f"{card.given_name.text().strip()} {card.family_name.text().strip().upper()}"
            if name.strip():
                names.append(name.strip())
        who = ", ".join(names) if names else "no child named yet"
        concerns = " ".join(self.ui.concerns.toPlainText().split())
        if len(concerns) > 60:
            concerns = concerns[:57] + "…"
        when = self.received_at()
        return f"Contact received {when:%d/%m/%Y %H:%M} about {who}" + (
            f": {concerns}" if concerns else ""
        )

    def autosave(self) -> None:
        """Keep the form's state as a draft on disk if it changed since the last write.

        Runs on the GUI thread on purpose: the write is a few kilobytes, and doing it here
        keeps it strictly ordered with the save that deletes it.
        """
        if not self.has_unsaved_work():
            if self.draft_id is not None:
                self._drop_draft()
            return
        data = self.to_draft()
        text = json.dumps(data, sort_keys=True)
        if text == self._last_written:
            return
        if self.draft_id is None:
            self.draft_id = self.drafts.new_id()
            self.drafts.claim(self.draft_id)
        try:
            self.drafts.save(self.draft_id, data, kind=DRAFT_KIND, summary=self.summary())
        except OSError as exc:
            log.warning("Could not write the draft of a contact: %s", exc)
            self.ui.statusLabel.setText(
                f"⚠ Could not keep a draft of this contact ({exc.strerror or exc}). "
                "Save it as soon as you can."
            )
            return
        self._last_written = text

    def _drop_draft(self) -> None:
        if self.draft_id is not None:
            try:
                self.drafts.discard(self.draft_id)
            except OSError as exc:
                log.warning("Could not delete a contact draft: %s", exc)
        self.draft_id = None
        self._last_written = None
