"""The decision form (Designer form ``ui/meeting_decision_form.ui``) and what it holds.

Outcome, parallel pathways, level from the threshold indicators or an override with its
rationale, why the outcome departs from the usual route at that level when it does, actions
owned by an agency or a person, who is informed, allocated team and worker.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QCheckBox, QListWidgetItem, QWidget

from mash_desk.domain.census_rules import CensusRule, typed_referral_failures
from mash_desk.domain.enums import Role
from mash_desk.domain.meetings import (
    OUTCOME_LABELS,
    PATHWAY_LABELS,
    DecisionOutcome,
    Pathway,
    expected_levels_text,
    outcome_fits_level,
)
from mash_desk.domain.thresholds.engine import suggest
from mash_desk.gui.forms.ui_meeting_decision_form import Ui_MeetingDecisionForm
from mash_desk.gui.meeting.common import LabelMessage, bind_key, named
from mash_desk.services.decisions import ActionInput, DecisionDTO, DecisionInput
from mash_desk.services.reference import UserChoiceDTO

if TYPE_CHECKING:
    from mash_desk.gui.meeting.host import MeetingHost

# Roles that work for the MASH itself: an allocated worker or an action's owner is one of them
# (partner reps own their agency's actions through the agency, domain brief §2).
MASH_STAFF = frozenset({Role.PRACTITIONER, Role.MANAGER, Role.CHAIR})

# Message key → (field attribute of the form, error label attribute).
_MESSAGES = {
    "outcome": ("outcome", "outcomeError"),
    "pathways": ("pathways", "pathwaysError"),
    "indicators": ("indicatorList", "indicatorsError"),
    "level": ("level", "levelError"),
    "level_rationale": ("levelRationale", "levelRationaleError"),
    "outcome_level_reason": ("outcomeLevelReason", "outcomeLevelReasonError"),
    "rationale": ("rationale", "rationaleError"),
    "actions": ("actionText", "actionsError"),
    "inform_family": ("informFamily", "informFamilyError"),
    "inform_referrer": ("informReferrer", "informReferrerError"),
    "inform_professionals": ("informProfessionals", "informProfessionalsError"),
    "allocated_team": ("team", "teamError"),
    "allocated_worker": ("worker", "workerError"),
    "decision": ("signButton", "decisionError"),
}


class DecisionForm(QWidget):
    """The form the chair fills for the child on screen."""

    def __init__(self, mode: MeetingHost):
        """Build the form; its messages join ``mode.messages``."""
        super().__init__()
        self.mode = mode
        self.ui = ui = Ui_MeetingDecisionForm()
        ui.setupUi(self)
        self.document: Any = None
        self.agencies: list[tuple[str, str]] = []
        self.staff: list[UserChoiceDTO] = []
        self.action_inputs: list[ActionInput] = []
        self.referral_need: str | None = None
        """The primary need of the referral decided here, once its case is read."""
        for key, (field, label) in _MESSAGES.items():
            mode.messages[key] = LabelMessage(getattr(ui, field), getattr(ui, label))
        ui.outcome.addItem("Choose the outcome…", None)
        for outcome in DecisionOutcome:
            ui.outcome.addItem(OUTCOME_LABELS[outcome], outcome.value)
        self.pathway_boxes: dict[str, QCheckBox] = {}
        pathways = list(Pathway)
        for i, pathway in enumerate(pathways):
            check = named(QCheckBox(PATHWAY_LABELS[pathway]), PATHWAY_LABELS[pathway])
            self.pathway_boxes[pathway.value] = check
            # The last of an odd number takes the whole row: its label is the longest.
            span = 2 if i == len(pathways) - 1 and i % 2 == 0 else 1
            ui.pathwaysGrid.addWidget(check, i // 2, i % 2, 1, span)
        ui.level.addItem("The suggested level", None)
        ui.worker.addItem("No worker allocated yet", None)
        ui.indicatorFilter.textChanged.connect(self._filter)
        ui.indicatorList.itemChanged.connect(lambda _i: self.update_suggestion())
        ui.outcome.currentIndexChanged.connect(lambda _i: self.update_outcome_prompt())
        ui.outcome.currentIndexChanged.connect(lambda _i: self.update_census_flag())
        ui.level.currentIndexChanged.connect(lambda _i: self.update_outcome_prompt())
        ui.actionAdd.clicked.connect(self.add_action)
        ui.actionText.returnPressed.connect(self.add_action)
        bind_key(ui.actionList, ("Delete",), self.remove_action)
        # The owner's name is what tells two owners apart: it gets the row's spare width.
        ui.actionsGrid.setColumnStretch(1, 1)
        ui.actionOwner.setMinimumContentsLength(14)
        # One Tab leaves a list (WCAG 2.1.2): arrows move within it.
        for view in (ui.indicatorList, ui.actionList):
            view.setTabKeyNavigation(False)
        self.update_outcome_prompt()
        self.update_census_flag()

    # ---- reference data --------------------------------------------------------------------

    def set_document(self, document: Any) -> None:
        """Offer ``document``'s indicators and levels."""
        self.document = document
        ui = self.ui
        ui.indicatorList.blockSignals(True)
        ui.indicatorList.clear()
        for indicator in document.indicators:
            item = QListWidgetItem(
                f"L{indicator.level} · {indicator.domain.name}: {indicator.text}"
            )
            item.setData(Qt.ItemDataRole.UserRole, indicator.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            ui.indicatorList.addItem(item)
        ui.indicatorList.blockSignals(False)
        ui.level.clear()
        ui.level.addItem("The suggested level", None)
        for level in document.levels:
            ui.level.addItem(level.label, level.number)

    def set_staff(self, users: list[UserChoiceDTO]) -> None:
        """Offer the MASH staff among ``users`` as workers and action owners."""
        self.staff = [u for u in users if u.role in MASH_STAFF]
        worker = self.ui.worker
        chosen = worker.currentData()
        worker.clear()
        worker.addItem("No worker allocated yet", None)
        for user in self.staff:
            worker.addItem(user.label, user.id)
        worker.setCurrentIndex(max(worker.findData(chosen), 0))
        self.fill_owners()
        self.show_actions()

    def set_agencies(self, agencies: list[tuple[str, str]]) -> None:
        """Offer ``agencies`` (code, name) as action owners."""
        self.agencies = agencies
        self.fill_owners()

    def fill_owners(self) -> None:
        """Owners of an action: the chair, an agency, or a member of the MASH staff."""
        # Data is "user:<id>" or "agency:<code>".
        owner, actor = self.ui.actionOwner, self.mode.session.actor
        owner.clear()
        owner.addItem(f"Me: {actor.display_name}", f"user:{actor.user_id}")
        if self.agencies:
            owner.insertSeparator(owner.count())
        for code, name in self.agencies:
            owner.addItem(f"Agency: {name}", f"agency:{code}")
        others = [u for u in self.staff if u.id != actor.user_id]
        if others:
            owner.insertSeparator(owner.count())
        for user in others:
            owner.addItem(f"Person: {user.label}", f"user:{user.id}")
        owner.setCurrentIndex(0)

    # ---- filling and reading ---------------------------------------------------------------

    def fill(self, details: DecisionInput | None) -> None:
        """Show ``details`` (an empty form when None)."""
        ui = self.ui
        details = details or DecisionInput(outcome="", rationale="")
        index = ui.outcome.findData(details.outcome) if details.outcome else 0
        ui.outcome.setCurrentIndex(max(index, 0))
        for value, box in self.pathway_boxes.items():
            box.setChecked(value in details.pathways)
        ui.indicatorList.blockSignals(True)
        first_ticked = None
        for row in range(ui.indicatorList.count()):
            item = ui.indicatorList.item(row)
            ticked = item.data(Qt.ItemDataRole.UserRole) in details.indicators
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            first_ticked = first_ticked or (item if ticked else None)
        ui.indicatorList.blockSignals(False)
        # What the decision rests on is in view, not scrolled away among 150 indicators.
        if first_ticked is not None:
            ui.indicatorList.scrollToItem(first_ticked)
        else:
            ui.indicatorList.scrollToTop()
        ui.level.setCurrentIndex(max(ui.level.findData(details.level), 0))
        ui.levelRationale.setText(details.level_rationale or "")
        ui.outcomeLevelReason.setText(details.outcome_level_reason or "")
        ui.rationale.setPlainText(details.rationale or "")
        self.action_inputs = list(details.actions)
        self.show_actions()
        ui.informFamily.setText(details.inform_family or "")
        ui.informReferrer.setText(details.inform_referrer or "")
        ui.informProfessionals.setText(details.inform_professionals or "")
        ui.team.setText(details.allocated_team or "")
        ui.worker.setCurrentIndex(max(ui.worker.findData(details.allocated_worker_id), 0))
        self.update_suggestion()

    def fill_from(self, d: DecisionDTO) -> None:
        """Show a stored version: its own ticks come back, so an amendment starts from them."""
        known = {
            self.ui.indicatorList.item(r).data(Qt.ItemDataRole.UserRole)
            for r in range(self.ui.indicatorList.count())
        }
        ticks = tuple(i for i in d.indicators if i in known)
        level: int | None = d.level
        rationale: str | None = f"Level {d.level} as recorded in version {d.revision}"
        if self.document is not None and ticks:
            suggested = suggest(self.document, ticks).level
            if suggested is not None and suggested.number == d.level:
                # The ticks give the level by themselves: no override, no rationale needed.
                level, rationale = None, None
        self.fill(
            DecisionInput(
                outcome=d.outcome.value,
                rationale=d.rationale,
                indicators=ticks,
                level=level,
                level_rationale=rationale,
                pathways=tuple(p.value for p in d.pathways),
                actions=tuple(
                    ActionInput(a.description, a.due_on, a.owner_agency, a.owner_user_id)
                    for a in d.actions
                ),
                inform_family=d.inform_family,
                inform_referrer=d.inform_referrer,
                inform_professionals=d.inform_professionals,
                allocated_team=d.allocated_team,
                allocated_worker_id=d.allocated_worker_id,
                outcome_level_reason=d.outcome_level_reason,
            )
        )

    def details(self) -> DecisionInput:
        """The decision as the form holds it (validated by the service)."""
        ui = self.ui
        return DecisionInput(
            outcome=ui.outcome.currentData() or "",
            rationale=ui.rationale.toPlainText(),
            indicators=self.ticked(),
            level=ui.level.currentData(),
            level_rationale=ui.levelRationale.text() or None,
            document=tuple(self.document.key) if self.document is not None else None,
            pathways=tuple(v for v, box in self.pathway_boxes.items() if box.isChecked()),
            actions=tuple(self.action_inputs),
            inform_family=ui.informFamily.text() or None,
            inform_referrer=ui.informReferrer.text() or None,
            inform_professionals=ui.informProfessionals.text() or None,
            allocated_team=ui.team.text() or None,
            allocated_worker_id=ui.worker.currentData(),
            outcome_level_reason=ui.outcomeLevelReason.text() or None,
        )

    # ---- indicators, level and the outcome-level prompt ------------------------------------

    def ticked(self) -> tuple[str, ...]:
        """Ids of the ticked threshold indicators."""
        view = self.ui.indicatorList
        return tuple(
            view.item(r).data(Qt.ItemDataRole.UserRole)
            for r in range(view.count())
            if view.item(r).checkState() == Qt.CheckState.Checked
        )

    def set_ticked(self, indicator_id: str, ticked: bool = True) -> None:
        """Tick (or untick) one indicator by id."""
        view = self.ui.indicatorList
        for r in range(view.count()):
            item = view.item(r)
            if item.data(Qt.ItemDataRole.UserRole) == indicator_id:
                item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def _filter(self, text: str) -> None:
        words = text.lower().split()
        view = self.ui.indicatorList
        for r in range(view.count()):
            item = view.item(r)
            item.setHidden(not all(w in item.text().lower() for w in words))

    def suggested_level(self) -> int | None:
        """The level the ticked indicators suggest (None: nothing ticked or no document)."""
        if self.document is None:
            return None
        level = suggest(self.document, self.ticked()).level
        return level.number if level is not None else None

    def update_suggestion(self) -> None:
        """Say the suggested level; the pure engine answers at once, no database call."""
        if self.document is not None:
            self.ui.suggestion.setText(suggest(self.document, self.ticked()).explain())
        self.update_outcome_prompt()

    def level(self) -> int | None:
        """The level the decision will have: the chosen one, else the suggestion."""
        chosen = self.ui.level.currentData()
        return chosen if chosen is not None else self.suggested_level()

    def set_referral_need(self, need: str | None) -> None:
        """Say which primary need the referral has (None: not known yet) and flag the census."""
        self.referral_need = need
        self.update_census_flag()

    def update_census_flag(self) -> None:
        """Flag, as the outcome is chosen, a referral the CIN census would refuse (issue 15).

        A primary need of N0 ("not stated") passes the census only for a referral decided as
        no further action (rule 8610); a flag, not a refusal: the decision may still be made.
        """
        value = self.ui.outcome.currentData()
        broken: tuple[CensusRule, ...] = ()
        if value and self.referral_need:
            nfa = DecisionOutcome(value) is DecisionOutcome.NFA
            broken = typed_referral_failures(None, self.referral_need, nfa)
        flag = next((r for r in broken if r.desk_field == "primary_need"), None)
        self.ui.censusFlag.setText(
            f"⚑ CIN census rule {flag.id}: {flag.message} — this referral's primary need is "
            f"{self.referral_need} (not stated)"
            if flag is not None
            else ""
        )
        self.ui.censusFlag.setVisible(flag is not None)

    def update_outcome_prompt(self) -> None:
        """Show the "why this outcome at this level" prompt only when they disagree."""
        ui = self.ui
        value, level = ui.outcome.currentData(), self.level()
        departs = False
        if value and level is not None:
            outcome = DecisionOutcome(value)
            departs = not outcome_fits_level(outcome, level)
        if departs:
            ui.outcomeLevelPrompt.setText(
                f"⚑ {outcome.label} usually goes with {expected_levels_text(outcome)}, not "
                f"Level {level}: say why this outcome at this level."
            )
        else:
            ui.outcomeLevelPrompt.setText("")
        for widget in (
            ui.outcomeLevelPrompt,
            ui.outcomeLevelReason,
            ui.outcomeLevelReasonLabel,
            ui.outcomeLevelReasonField,
        ):
            widget.setVisible(departs or bool(ui.outcomeLevelReason.text()))

    # ---- actions ---------------------------------------------------------------------------

    def add_action(self) -> None:
        """Add the action typed in the action fields to the decision's actions."""
        ui, messages = self.ui, self.mode.messages
        text = ui.actionText.text().strip()
        if not text:
            messages["actions"].show_message("Say what is to be done, then add it")
            ui.actionText.setFocus()
            return
        # Owners are "agency:<code>" or "user:<id>" (see fill_owners).
        owner = ui.actionOwner.currentData() or f"user:{self.mode.session.actor.user_id}"
        kind, _, key = owner.partition(":")
        due = ui.actionDue.date().toPython()
        if kind == "agency":
            action = ActionInput(text, due, owner_agency=key)
        else:
            action = ActionInput(text, due, owner_user_id=int(key))
        self.action_inputs.append(action)
        ui.actionText.clear()
        messages["actions"].clear_message()
        self.show_actions()

    def remove_action(self) -> None:
        """Remove the selected action."""
        row = self.ui.actionList.currentRow()
        if 0 <= row < len(self.action_inputs):
            del self.action_inputs[row]
            self.show_actions()

    def show_actions(self) -> None:
        """List the decision's actions; the next due date defaults to tomorrow."""
        view = self.ui.actionList
        view.clear()
        for a in self.action_inputs:
            due = a.due_on.strftime("%d/%m/%Y") if a.due_on else "no date"
            view.addItem(f"{a.description} — {self._owner_name(a)} — due {due}")
        tomorrow = self.mode.session.desk.ctx.today() + timedelta(days=1)
        self.ui.actionDue.setDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))

    def _owner_name(self, action: ActionInput) -> str:
        actor = self.mode.session.actor
        if action.owner_agency:
            return dict(self.agencies).get(action.owner_agency, action.owner_agency)
        if action.owner_user_id == actor.user_id:
            return f"{actor.display_name} (me)"
        names = {u.id: u.display_name for u in self.staff}
        return names.get(action.owner_user_id or 0, "a MASH colleague")
