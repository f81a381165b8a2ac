"""The threshold panel: tick what applies, see the suggested level live, confirm or override.

The document in force is read in the background; the engine
(:func:`mash_desk.domain.thresholds.suggest`) is pure and takes microseconds, so every tick
re-runs it on the GUI thread and the suggestion, its reasons, the consent rule, the routes for
this child and the pathways (with the pre-birth date) update as the practitioner works. Saving
goes through the screening service, which applies the same rules again and stores the
document version the practitioner was shown.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QWidget

from mash_desk.domain.errors import ConflictError, FieldError, ValidationError
from mash_desk.domain.thresholds import (
    ChildFacts,
    Suggestion,
    ThresholdDocument,
    choose_level,
    suggest,
)
from mash_desk.gui.a11y import announce, mark_invalid, mark_required
from mash_desk.gui.form_indicators import show_form_indicators
from mash_desk.gui.level_rag_prompt import FIELDS as RAG_PROMPT_FIELDS
from mash_desk.gui.session import DeskSession
from mash_desk.gui.suggestion_text import consent_text, drivers_text, pathways_text, routes_text
from mash_desk.gui.tasks import describe_error
from mash_desk.gui.threshold_indicators import IndicatorModel, IndicatorRole
from mash_desk.gui.threshold_panel_widgets import ThresholdPanelWidgets
from mash_desk.services.case import age_text
from mash_desk.services.dto import ContactChildDTO, OpResult
from mash_desk.services.thresholds import AssessmentDTO

# Imported from here by the views and tests that find indicator rows.
__all__ = ["IndicatorModel", "IndicatorRole", "ThresholdPanel"]


WARNING = "⚠ "  # the icon that goes with every message, so none is signalled by colour alone


class ThresholdPanel(ThresholdPanelWidgets):
    """Apply the threshold document to one child on a contact (or show a past assessment).

    Signals:
        screened(object): the saved :class:`~mash_desk.services.dto.ContactChildDTO`.
        document_loaded(object): the :class:`ThresholdDocument` now shown.
    """

    screened = Signal(object)
    document_loaded = Signal(object)

    def __init__(self, session: DeskSession, parent: QWidget | None = None):
        """Build the panel and start reading the document in force."""
        super().__init__(parent)
        self.session = session
        self.document: ThresholdDocument | None = None
        self.subject: ContactChildDTO | None = None
        self.assessment: AssessmentDTO | None = None
        self.suggestion: Suggestion | None = None
        self.notices: tuple[str, ...] = ()
        self._saving = False
        self._request = 0
        self._levels_of: ThresholdDocument | None = None

        self._build()
        self._connect_signals()
        self._add_shortcuts()
        self._saved_state: tuple | None = None
        self.setAccessibleName("Threshold panel")
        self._fill_levels()
        self._update_suggestion()
        self._update_enabled()
        self.load_current()

    # -- wiring ------------------------------------------------------------------------------

    def _connect_signals(self) -> None:
        """Search filters the tree; a tick or a level re-runs the suggestion; Save saves."""
        self.search.textChanged.connect(self.filter_indicators)
        self.model.ticked_changed.connect(self._ticks_changed)
        self.level_combo.currentIndexChanged.connect(self._choice_changed)
        self.save_button.clicked.connect(self.save)

    def _add_shortcuts(self) -> None:
        """Ctrl+F searches; Ctrl+S and Ctrl+Enter save — within this panel only."""
        scoped = Qt.ShortcutContext.WidgetWithChildrenShortcut
        # setContext, not a context= argument: PySide6 ignores that keyword and the shortcut
        # would be window-wide, clashing with the case view's keys in the same tab.
        bound = [
            QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search),
            QShortcut(QKeySequence.StandardKey.Save, self, self.save),
        ]
        # Ctrl+Enter saves too, as in the contact form.
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            bound.append(QShortcut(QKeySequence(keys), self, self.save))
        for shortcut in bound:
            shortcut.setContext(scoped)

    # -- the document ------------------------------------------------------------------------

    @property
    def read_only(self) -> bool:
        """Whether a past assessment is shown (nothing can be ticked or saved)."""
        return self.assessment is not None

    def load_current(self, then_say: str | None = None) -> None:
        """Read the document in force today in the background."""
        self._request += 1
        number = self._request
        self.session.tasks.read(
            self.session.desk.thresholds.current,
            self.session.actor,
            on_done=lambda doc: self._document_ready(number, doc, then_say),
            on_error=lambda exc: self._document_failed(number, exc),
            label="Loading the threshold document…",
        )

    def _document_ready(
        self, number: int, document: ThresholdDocument, say: str | None = None
    ) -> None:
        if number != self._request:
            return
        self.document = document
        self.document_label.setText(
            f"{document.title} — version {document.version}, in force from "
            f"{document.effective_from:%d %B %Y}"
        )
        self.model.set_document(document, self.model.ticked)
        self.model.set_editable(not self.read_only)
        self.tree.expandAll()
        self._update_match_label()
        if say:
            self._show_message(self.document_error, say)
        else:
            self.document_error.hide()
        self._update_suggestion()
        self._update_enabled()
        self.document_loaded.emit(document)

    def _document_failed(self, number: int, exc: BaseException) -> None:
        if number != self._request:
            return
        self.document_label.setText("The threshold document could not be read.")
        self._show_message(self.document_error, describe_error(exc))
        self._update_enabled()

    def filter_indicators(self, text: str) -> None:
        """Show only the indicators whose wording, terms or dimension contain every word."""
        self.model.set_search(text)
        self.tree.expandAll()
        self._update_match_label()

    def _update_match_label(self) -> None:
        if self.document is None:
            return
        total = len(self.document.indicators)
        ticked = len(self.model.ticked)
        text = self.search.text()
        if text.strip():
            shown = self.model.shown_ids()
            hidden = len(self.model.ticked - set(shown))
            self.match_label.setText(
                f"{len(shown)} of {total} indicators match “{text}” · {ticked} ticked"
                + (f", {hidden} of them hidden by the search" if hidden else "")
            )
        else:
            self.match_label.setText(f"{total} indicators · {ticked} ticked")

    def visible_indicator_ids(self) -> list[str]:
        """Ids of the indicators the tree shows now (search applied)."""
        return self.model.shown_ids()

    # -- the subject and ticking --------------------------------------------------------------

    def set_subject(
        self, contact_child: ContactChildDTO, form_indicators: Sequence[str] = ()
    ) -> None:
        """Screen this child on this contact (ticks start empty).

        ``form_indicators`` are the risk indicators ticked on the contact form: they are
        named above the tree and the indicators they relate to are marked in it.
        """
        self.model.form_flags = frozenset(form_indicators)
        show_form_indicators(self.form_label, form_indicators)
        was_read_only = self.read_only
        self.assessment = None
        self._saved_state = None
        self.subject = contact_child
        self.notices = ()
        self.notices_label.hide()
        self.status_label.clear()
        self.rationale.setReadOnly(False)
        self.rationale.clear()
        self.rag_prompt.reset()
        self.mode_label.hide()
        self.subject_label.show()
        self._clear_errors()
        person = contact_child.person
        facts = self._facts()
        age = age_text(person, facts.on) if facts else ""
        under = " · under 5" if facts is not None and facts.under_five else ""
        current = ""
        if contact_child.provisional_level is not None:
            current = (
                f" · screened before at Level {contact_child.provisional_level} "
                f"({contact_child.threshold_document} version {contact_child.threshold_version})"
            )
        self.subject_label.setText(
            f"Child: {person.full_name} — {age}{under} · contact {contact_child.contact_id}"
            + current
        )
        self.model.set_document(self.model.document)  # ticks start empty for a new child
        if was_read_only or self.document is None:
            self.load_current()
        else:
            self.model.set_editable(True)
            self.tree.expandAll()
        self._update_match_label()
        self._update_suggestion()
        self._update_enabled()

    def _facts(self) -> ChildFacts | None:
        if self.subject is None:
            return None
        person = self.subject.person
        return ChildFacts(
            self.session.desk.ctx.today(), person.date_of_birth, person.expected_delivery
        )

    def ticked(self) -> tuple[str, ...]:
        """The ticked indicator ids, in document order."""
        if self.document is None:
            return tuple(sorted(self.model.ticked))
        return tuple(i.id for i in self.document.indicators if i.id in self.model.ticked)

    def set_ticked(self, indicator_id: str, ticked: bool = True) -> None:
        """Tick or untick an indicator (as clicking it does)."""
        if self.read_only:
            return
        if self.document is None or not self.document.has_indicator(indicator_id):
            raise KeyError(indicator_id)
        self.model.set_checked(indicator_id, ticked)

    def _ticks_changed(self) -> None:
        self.indicators_error.hide()
        self._update_suggestion()
        self._update_match_label()
        # The focus stays on the indicator: say the new suggestion without moving it.
        announce(self.suggested_label, self.suggested_label.text())

    def focus_search(self) -> None:
        """Put the cursor in the search field (Ctrl+F)."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # -- the suggestion -----------------------------------------------------------------------

    def _update_suggestion(self) -> None:
        document = self.document
        if document is None:
            self.suggestion = None
            self.suggested_label.setText("Suggested level: waiting for the threshold document")
            for label in (
                self.drivers_label,
                self.consent_label,
                self.routes_label,
                self.pathways_label,
            ):
                label.setText("—")
            self._name_suggestion()
            return
        facts = None if self.read_only else self._facts()
        self.suggestion = s = suggest(document, self.ticked(), facts)
        if s.level is None:
            self.suggested_label.setText("Suggested level: none yet — tick what applies")
            self.drivers_label.setText("Nothing ticked.")
            self.consent_label.setText("—")
            self.routes_label.setText("—")
        else:
            self.suggested_label.setText(f"Suggested: {s.level.label}")
            self.drivers_label.setText(drivers_text(s))
            self.consent_label.setText(consent_text(s))
            self.routes_label.setText(routes_text(s, child_known=facts is not None))
        self.pathways_label.setText(pathways_text(s))
        self._name_suggestion()

    def _fill_levels(self) -> None:
        """Offer "Confirm suggested level" and every level of the document shown."""
        chosen = self.level_combo.currentData()
        self.level_combo.blockSignals(True)
        self.level_combo.clear()
        self.level_combo.addItem("Confirm suggested level", None)
        self._levels_of = self.document
        if self.document is not None:
            for level in self.document.levels:
                self.level_combo.addItem(f"Override: {level.label}", level.number)
        self.level_combo.setCurrentIndex(max(self.level_combo.findData(chosen), 0))
        self.level_combo.blockSignals(False)

    def _name_suggestion(self) -> None:
        """Keep the chooser's first entry naming the level it confirms."""
        if self._levels_of is not self.document:
            self._fill_levels()
        s = self.suggestion
        confirm = "Confirm suggested level"
        if s is not None and s.level is not None:
            # The number only: the full "Level 3: Complex needs: child in need" was cut off in
            # the closed box at 1366×768; the suggestion heading above names it in full.
            confirm += f" (Level {s.level.number})"
        if self.level_combo.itemText(0) != confirm:
            self.level_combo.setItemText(0, confirm)
        self._choice_changed()

    def chosen_level(self) -> int | None:
        """The level chosen in the chooser; None confirms the suggestion."""
        return self.level_combo.currentData()

    def choose_level(self, level: int | None) -> None:
        """Pick a level in the chooser (None: confirm the suggestion)."""
        self.level_combo.setCurrentIndex(max(self.level_combo.findData(level), 0))

    def _choice_changed(self, *_args) -> None:
        s = self.suggestion
        level = self.chosen_level()
        suggested = s.level.number if s is not None and s.level is not None else None
        needs = (level is not None and level != suggested) or (suggested is None and level)
        if self.read_only:
            self.rationale_title.setText("Ra&tionale")
        else:
            self.rationale_title.setText(
                "Ra&tionale (required: say why)" if needs else "Ra&tionale (optional)"
            )
        mark_required(self.rationale, bool(needs) and not self.read_only)
        self.level_error.hide()
        rag = self.subject.rag if self.subject is not None and not self.read_only else None
        was_hidden = self.rag_prompt.isHidden()
        self.rag_prompt.update_for(suggested, level, rag)
        if was_hidden and not self.rag_prompt.isHidden():
            # At 1366×768 the prompt opens below the fold: bring it and Save into view once
            # the layout has made room for it.
            QTimer.singleShot(0, self, self._show_rag_prompt)

    def _show_rag_prompt(self) -> None:
        self.decision_scroll.ensureWidgetVisible(self.save_button)

    # -- saving --------------------------------------------------------------------------------

    def _update_enabled(self) -> None:
        can_save = (
            not self.read_only
            and self.subject is not None
            and self.document is not None
            and not self._saving
        )
        self.save_button.setEnabled(can_save)
        self.save_button.setVisible(not self.read_only)
        self.level_combo.setEnabled(not self.read_only)

    def _clear_errors(self) -> None:
        for label in (
            self.level_error,
            self.rationale_error,
            self.indicators_error,
            self.error_label,
        ):
            label.hide()
        self.rag_prompt.clear_error()
        for widget in (self.level_combo, self.rationale, self.tree):
            mark_invalid(widget, None)

    @staticmethod
    def _show_message(label: QLabel, text: str) -> None:
        label.setText(WARNING + text)
        label.show()
        announce(label, text, assertive=True)

    def _show_errors(self, errors: tuple[FieldError, ...] | list[FieldError]) -> None:
        places = {
            "rationale": self.rationale_error,
            "level": self.level_error,
            "indicators": self.indicators_error,
            "document": self.document_error,
        }
        grouped: dict[QLabel, list[str]] = {}
        prompt = [e.message for e in errors if e.field in RAG_PROMPT_FIELDS]
        if prompt:
            self.rag_prompt.show_error(prompt)
        errors = [e for e in errors if e.field not in RAG_PROMPT_FIELDS]
        for error in errors:
            grouped.setdefault(places.get(error.field, self.error_label), []).append(error.message)
        fields = {
            self.rationale_error: self.rationale,
            self.level_error: self.level_combo,
            self.indicators_error: self.tree,
        }
        for label, messages in grouped.items():
            self._show_message(label, "\n".join(messages))
            mark_invalid(fields.get(label), " ".join(messages))
        if self.rationale_error in grouped:
            self.rationale.setFocus(Qt.FocusReason.OtherFocusReason)
        elif self.level_error in grouped:
            self.level_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    def _state(self) -> tuple:
        return (
            self.ticked(),
            self.chosen_level(),
            self.rationale.toPlainText().strip(),
            self.rag_prompt.state(),
        )

    def has_unsaved_work(self) -> bool:
        """Whether ticks, a level or a rationale were entered and not saved."""
        if self.read_only or self.subject is None:
            return False
        state = self._state()
        if self._saved_state is not None:
            return state != self._saved_state
        return bool(state[0] or state[2])

    def maybe_close(self) -> bool:
        """Ask before throwing away an unsaved screening; True when it may close."""
        if not self.has_unsaved_work():
            return True
        answer = self.ask_unsaved()
        if answer == "save":
            self.save()
            return False  # closes after the user sees the result
        return answer == "discard"

    def ask_unsaved(self) -> str:
        """Ask what to do with an unsaved screening: "save", "discard" or "cancel"."""
        from PySide6.QtWidgets import QMessageBox

        buttons = (
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        answer = QMessageBox.question(
            self,
            "Unsaved screening",
            "The indicators and level you chose for this child are not saved yet.",
            buttons,
            QMessageBox.StandardButton.Cancel,
        )
        return {
            QMessageBox.StandardButton.Save: "save",
            QMessageBox.StandardButton.Discard: "discard",
        }.get(answer, "cancel")

    def save(self) -> None:
        """Save the screening: the ticked indicators, the level and the document version."""
        if self.read_only or self.subject is None or self.document is None or self._saving:
            return
        if self._saved_state is not None and self._state() == self._saved_state:
            # A second Ctrl+S (or key repeat) must not write the same screening twice.
            self.status_label.setText("Already saved; change something to save again.")
            return
        assert self.suggestion is not None
        self._clear_errors()
        level = self.chosen_level()
        rationale = self.rationale.toPlainText().strip() or None
        try:
            # The same pure rule the service applies: a missing rationale is shown at once,
            # without a round trip. The service checks again before writing.
            choose_level(self.document, self.suggestion, level, rationale)
        except ValidationError as exc:
            self._show_errors(exc.errors)
            return
        cc = self.subject
        self._saving = True
        self._update_enabled()
        self.status_label.setText("Saving…")
        self.session.tasks.write(
            self.session.desk.screening.screen,
            self.session.actor,
            cc.id,
            cc.version,
            indicators=list(self.ticked()),
            level=level,
            rationale=rationale,
            document=self.document.key,
            **self.rag_prompt.screen_kwargs(),
            on_done=self._saved,
            on_error=self._save_failed,
            label="Saving the screening…",
        )

    def _saved(self, result: OpResult[ContactChildDTO]) -> None:
        self._saving = False
        self._saved_state = self._state()
        # Tell the other views first: this panel may be closing while the save finishes.
        self.session.hub.announce(result.changed)
        self.subject = result.value
        self._choice_changed()  # re-rated red: the Level 4 prompt has nothing left to ask
        level = result.value.provisional_level
        self.status_label.setText(
            f"Saved: Level {level} against {result.value.threshold_document} version "
            f"{result.value.threshold_version}."
        )
        self.notices = result.notices
        if result.notices:
            self.notices_label.setText(
                "Next steps:\n" + "\n".join(f"• {n}" for n in result.notices)
            )
            self.notices_label.show()
        else:
            self.notices_label.hide()
        self._update_enabled()
        said = [self.status_label.text()] + list(result.notices)
        announce(self.status_label, " ".join(said))  # a status message (WCAG 4.1.3)
        self.screened.emit(result.value)

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self.status_label.clear()
        if isinstance(exc, ValidationError):
            if "not_current" in exc.rules:
                self.model.ticked.clear()
                self.load_current(
                    then_say=(
                        "The threshold document changed while this panel was open, so nothing "
                        "was saved. The document in force is now shown: read the indicators "
                        "and tick them again."
                    )
                )
                others = [e for e in exc.errors if e.rule != "not_current"]
                if others:
                    self._show_errors(others)
            else:
                self._show_errors(exc.errors)
        elif isinstance(exc, ConflictError):
            self._show_message(
                self.error_label,
                f"{exc} Close this contact and open it again from the queue.",
            )
        else:
            self._show_message(self.error_label, describe_error(exc))
        self._update_enabled()

    # -- a past assessment ---------------------------------------------------------------------

    def show_assessment(self, assessment: AssessmentDTO) -> None:
        """Show a past assessment, read only, against the document version it used."""
        self.assessment = assessment
        self.model.ticked = {i.id for i in assessment.indicators}
        self._clear_errors()
        self.notices_label.hide()
        self.status_label.clear()
        self.document_label.setText(f"Loading {assessment.document}…")
        self._update_enabled()
        self._request += 1
        number = self._request
        self.session.tasks.read(
            self.session.desk.thresholds.document,
            self.session.actor,
            assessment.document.id,
            assessment.document.version,
            on_done=lambda doc: self._assessment_document(number, doc),
            on_error=lambda exc: self._document_failed(number, exc),
            label="Loading the threshold document version…",
        )

    def _assessment_document(self, number: int, document: ThresholdDocument) -> None:
        if number != self._request or self.assessment is None:
            return
        a = self.assessment
        local = a.assessed_at.astimezone(self.session.desk.ctx.tz)
        how = "override" if a.override else "suggested level confirmed"
        self.mode_label.setText(
            f"Read only: {a.kind} assessment of {local:%d %b %Y %H:%M} by {a.assessed_by} "
            f"({a.level_label}, {how}), shown against the version it used."
        )
        self.mode_label.show()
        self.subject_label.hide()
        self._document_ready(number, document)
        # A confirmed suggestion shows as confirmed; an override or a level chosen with
        # nothing ticked shows the level itself.
        confirmed = not a.override and a.suggested_level is not None
        self.choose_level(None if confirmed else a.chosen_level)
        self.rationale.setPlainText(a.rationale or "")
        self.rationale.setReadOnly(True)
        self._update_enabled()
