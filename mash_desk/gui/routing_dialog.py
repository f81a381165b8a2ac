"""Record a routing — step up, step down or transfer — then who was told, then complete it.

The dialog drives :class:`~mash_desk.services.routing.RoutingService`; every rule lives
there (step down needs level 1–2 and the family's consent and never comes straight from a
child-protection plan or an open s47 enquiry; step up needs level 3–4; an under-5 child not
needing social care is offered a children's centre — domain brief §4, seed 000 L184, L343).
Each broken rule is shown under the field it names and nothing typed is lost. Once saved the
routing cannot be edited; the dialog moves on to who was informed — family, professionals
and referrer, who/when/how — and then completes the routing, which hands it to the
receiving service.

Keys: Ctrl+S save the routing · Ctrl+I record who was told · Ctrl+Enter complete · Esc close.
"""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mash_desk.domain.errors import ValidationError
from mash_desk.domain.outcomes import is_under_five
from mash_desk.domain.routing import (
    EARLY_HELP_AGENCIES,
    SOCIAL_CARE,
    InformedParty,
    InformMethod,
    RoutingKind,
    RoutingStatus,
)
from mash_desk.gui.a11y import live_label, no_tab_trap
from mash_desk.gui.profile_dialog import FieldMessage, add_form_row, message_label, with_message
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import describe_error
from mash_desk.services.dto import PersonDTO
from mash_desk.services.routing import RoutingDTO, RoutingInput

KIND_LABELS = {
    RoutingKind.STEP_UP: "Step up (early help → social care)",
    RoutingKind.STEP_DOWN: "Step down (social care → early help)",
    RoutingKind.TRANSFER: "Transfer to another team or agency",
}
KIND_SHORT = {
    RoutingKind.STEP_UP: "Step up",
    RoutingKind.STEP_DOWN: "Step down",
    RoutingKind.TRANSFER: "Transfer",
}
PARTY_LABELS = {
    InformedParty.FAMILY: "Family",
    InformedParty.PROFESSIONALS: "Professionals involved",
    InformedParty.REFERRER: "Referrer",
}
METHOD_LABELS = {
    InformMethod.PHONE: "Phone",
    InformMethod.IN_PERSON: "In person",
    InformMethod.LETTER: "Letter",
    InformMethod.EMAIL: "Email",
    InformMethod.MEETING: "Meeting",
}
STATUS_LABELS = {
    RoutingStatus.OPEN: "Open — who was told still to be recorded",
    RoutingStatus.COMPLETE: "Complete — with the receiving service",
    RoutingStatus.ACCEPTED: "Accepted by the receiving service",
    RoutingStatus.REJECTED: "Rejected — back with the MASH",
}
# Where each kind usually starts, so the form is right first time for the common case
# (the service uses the same defaults when no "from" is given).
_DEFAULT_FROM = {
    RoutingKind.STEP_UP: "early_support",
    RoutingKind.STEP_DOWN: SOCIAL_CARE,
    RoutingKind.TRANSFER: SOCIAL_CARE,
}
_DEFAULT_TO = {RoutingKind.STEP_UP: SOCIAL_CARE, RoutingKind.STEP_DOWN: "early_support"}
_WARNING = "⚠ "
_CHOOSE = "Choose…"


def local_datetime_edit(name: str) -> QDateTimeEdit:
    """A date-and-time field showing the MASH's wall-clock time whatever the PC's zone is.

    It holds that wall time as if it were UTC; :func:`read_local` attaches the policy zone.
    """
    edit = QDateTimeEdit()
    edit.setAccessibleName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("ddd dd MMM yyyy HH:mm")
    if hasattr(edit, "setTimeZone"):
        edit.setTimeZone(QTimeZone(QTimeZone.Initialization.UTC))
    else:  # pragma: no cover — Qt before 6.7
        edit.setTimeSpec(Qt.TimeSpec.UTC)
    return edit


def show_local(edit: QDateTimeEdit, when: datetime, session: DeskSession) -> None:
    """Show the aware ``when`` in ``edit`` in the MASH's time zone."""
    local = when.astimezone(session.desk.ctx.tz)
    edit.setDateTime(
        QDateTime(
            QDate(local.year, local.month, local.day),
            QTime(local.hour, local.minute),
            QTimeZone(QTimeZone.Initialization.UTC),
        )
    )


def read_local(edit: QDateTimeEdit, session: DeskSession) -> datetime:
    """The time in ``edit`` as an aware datetime in the MASH's time zone."""
    value = edit.dateTime()
    day, moment = value.date(), value.time()
    return datetime(
        day.year(),
        day.month(),
        day.day(),
        moment.hour(),
        moment.minute(),
        tzinfo=session.desk.ctx.tz,
    )


def _shortcut(widget: QWidget, sequences: tuple[str, ...], slot: Any) -> None:
    for sequence in sequences:
        QShortcut(QKeySequence(sequence), widget, slot)


class RoutingDialog(QDialog):
    """Record a routing for one child, who was told of it, and complete it.

    ``decision_id`` links the routing to the decision it follows (the meeting opens the
    dialog that way after a step-down or step-up decision); ``preset_kind`` chooses the kind
    (``"step_up"``, ``"step_down"``, ``"transfer"``). Pass ``routing`` (an open routing) to
    carry on recording who was told.

    Signals:
        saved(object): the :class:`~mash_desk.services.routing.RoutingDTO` after each change.
        completed(object): the routing once it is complete (handed to the receiving service).
    """

    saved = Signal(object)
    completed = Signal(object)

    ROUTING_FIELDS = (
        "kind",
        "from_agency",
        "to_agency",
        "to_team",
        "level_before",
        "level_after",
        "family_consent",
        "reason",
        "handover_summary",
        "decision",
    )
    INFORM_FIELDS = ("party", "who", "method", "informed_at", "informed")

    def __init__(
        self,
        session: DeskSession,
        person_id: int,
        referral_id: int | None = None,
        decision_id: int | None = None,
        preset_kind: str | None = None,
        parent: QWidget | None = None,
        *,
        routing: RoutingDTO | None = None,
    ):
        """Build the form and load the agencies and the child in the background."""
        super().__init__(parent)
        self.session = session
        self.person_id = person_id
        self.referral_id = referral_id
        self.decision_id = decision_id
        self.routing: RoutingDTO | None = routing
        self.person: PersonDTO | None = None
        self.agency_names: dict[str, str] = {}
        self.notices: tuple[str, ...] = ()
        self.messages: dict[str, FieldMessage] = {}
        self._busy = False
        self._preset = RoutingKind(preset_kind) if preset_kind else None
        self.setWindowTitle("Record a routing")
        self.setMinimumWidth(620)
        self._build()
        self._bind_keys()
        self._load()
        if routing is not None:
            self._show_routing(routing)
        self._update_state()

    # ---- building ------------------------------------------------------------------------

    def _row(self, form: QFormLayout, key: str, text: str, widget: QWidget) -> None:
        add_form_row(form, self.messages, key, text, widget)

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self._build_headline(outer)
        self._build_routing_fields()
        self._lay_out_routing(outer)
        self._build_informing(outer)
        self._build_footer(outer)
        self._set_tab_order()

    def _build_headline(self, outer: QVBoxLayout) -> None:
        """Name the child in bold, with room for the under-5 rule's notice below."""
        self.child_label = QLabel("Loading the child…")
        live_label(self.child_label, "Child being routed")
        bold = self.child_label.font()
        bold.setBold(True)
        self.child_label.setFont(bold)
        outer.addWidget(self.child_label)
        self.under_five_label = QLabel()
        self.under_five_label.setWordWrap(True)
        live_label(self.under_five_label, "Under-5 rule")
        self.under_five_label.hide()
        outer.addWidget(self.under_five_label)

    def _build_routing_fields(self) -> None:
        """Make the routing's inputs: kind, services, levels, consent, reason and handover."""
        self.routing_box = QGroupBox("1. The routing")
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName("Kind of routing")
        for kind, label in KIND_LABELS.items():
            self.kind_combo.addItem(label, kind.value)
        if self._preset is not None:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(self._preset.value))
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.from_combo = QComboBox()
        self.from_combo.setAccessibleName("From service")
        self.to_combo = QComboBox()
        self.to_combo.setAccessibleName("To agency")
        self.team_edit = QLineEdit()
        self.team_edit.setAccessibleName("Receiving team")
        self.team_edit.setPlaceholderText("e.g. Early Support North (optional)")
        self.level_before_combo = QComboBox()
        self.level_before_combo.setAccessibleName("Level before")
        self.level_before_combo.addItem("Not recorded", None)
        self.level_after_combo = QComboBox()
        self.level_after_combo.setAccessibleName("Level after")
        self.level_after_combo.addItem(_CHOOSE, 0)
        for level in range(1, 5):
            self.level_before_combo.addItem(f"Level {level}", level)
            self.level_after_combo.addItem(f"Level {level}", level)
        self.level_after_combo.currentIndexChanged.connect(self._update_offer)
        self.consent_combo = QComboBox()
        self.consent_combo.setAccessibleName("Family consent")
        self.consent_combo.addItem("Not recorded", None)
        self.consent_combo.addItem("Given", True)
        self.consent_combo.addItem("Not given", False)
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setAccessibleName("Reason for the routing")
        self.reason_edit.setPlaceholderText("Why the child is moving on")
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setFixedHeight(64)
        self.summary_edit = QPlainTextEdit()
        self.summary_edit.setAccessibleName("Handover summary")
        self.summary_edit.setPlaceholderText(
            "What the receiving service needs, so the family does not tell their story again"
        )
        self.summary_edit.setTabChangesFocus(True)
        self.summary_edit.setFixedHeight(84)
        self.link_check = QCheckBox()
        self.link_check.setAccessibleName("Link to the decision")
        self.link_check.setChecked(self.decision_id is not None)
        self.link_check.setVisible(self.decision_id is not None)
        if self.decision_id is not None:
            where = f" of referral {self.referral_id}" if self.referral_id else ""
            self.link_check.setText(f"Follows decision {self.decision_id}{where}")

    def _lay_out_routing(self, outer: QVBoxLayout) -> None:
        """Put the routing's inputs in a form, each with its message, above Save."""
        form = QFormLayout(self.routing_box)
        self._row(form, "kind", "&Kind:", self.kind_combo)
        self._row(form, "from_agency", "&From:", self.from_combo)
        self._row(form, "to_agency", "&To agency:", self.to_combo)
        self._row(form, "to_team", "Receiving t&eam:", self.team_edit)
        self._row(form, "level_before", "Level &before:", self.level_before_combo)
        self._row(form, "level_after", "Level &after:", self.level_after_combo)
        self._row(form, "family_consent", "Family &consent:", self.consent_combo)
        self._row(form, "reason", "&Reason:", self.reason_edit)
        self._row(form, "handover_summary", "&Handover summary:", self.summary_edit)
        self._row(form, "decision", "", self.link_check)
        self.save_button = QPushButton("&Save routing")
        self.save_button.setAccessibleName("Save the routing (Ctrl+S)")
        self.save_button.setToolTip("Save the routing (Ctrl+S)")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save_routing)
        form.addRow("", self.save_button)
        outer.addWidget(self.routing_box)

    def _build_informing(self, outer: QVBoxLayout) -> None:
        """Make step 2: the list of who was told, how to add one, and Complete."""
        self.inform_box = QGroupBox("2. Who was informed (family, professionals, referrer)")
        inform = QVBoxLayout(self.inform_box)
        self.informed_list = QListWidget()
        no_tab_trap(self.informed_list)
        self.informed_list.setAccessibleName("Who has been informed")
        self.informed_list.setMaximumHeight(92)
        informed_box, self.messages["informed"] = with_message(self.informed_list)
        inform.addWidget(informed_box)
        form2 = QFormLayout()
        self.party_combo = QComboBox()
        self.party_combo.setAccessibleName("Who was told: party")
        for party, label in PARTY_LABELS.items():
            self.party_combo.addItem(label, party.value)
        self.who_edit = QLineEdit()
        self.who_edit.setAccessibleName("Name or role of who was told")
        self.who_edit.setPlaceholderText("e.g. Mother, School DSL, GP surgery")
        self.method_combo = QComboBox()
        self.method_combo.setAccessibleName("How they were told")
        for method, label in METHOD_LABELS.items():
            self.method_combo.addItem(label, method.value)
        self.informed_at_edit = local_datetime_edit("When they were told")
        show_local(self.informed_at_edit, self.session.desk.ctx.clock.now(), self.session)
        self._row(form2, "party", "&Party:", self.party_combo)
        self._row(form2, "who", "&Who:", self.who_edit)
        self._row(form2, "method", "H&ow:", self.method_combo)
        self._row(form2, "informed_at", "Whe&n:", self.informed_at_edit)
        inform.addLayout(form2)
        inform.addLayout(self._informing_buttons())
        outer.addWidget(self.inform_box)

    def _informing_buttons(self) -> QHBoxLayout:
        """Return Record informed beside Complete routing (which needs everyone told)."""
        buttons = QHBoxLayout()
        self.inform_button = QPushButton("Record &informed")
        self.inform_button.setAccessibleName("Record who was told (Ctrl+I)")
        self.inform_button.setToolTip("Record who was told (Ctrl+I)")
        self.inform_button.clicked.connect(self.record_informing)
        self.complete_button = QPushButton("Co&mplete routing")
        self.complete_button.setAccessibleName("Complete the routing (Ctrl+Enter)")
        self.complete_button.setToolTip(
            "Hand the routing to the receiving service (Ctrl+Enter); family, professionals "
            "and referrer must all have been told"
        )
        self.complete_button.clicked.connect(self.complete_routing)
        buttons.addWidget(self.inform_button)
        buttons.addStretch()
        buttons.addWidget(self.complete_button)
        return buttons

    def _build_footer(self, outer: QVBoxLayout) -> None:
        """Add the status and problem lines, then Close."""
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        live_label(self.status_label, "Routing status")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        outer.addWidget(self.status_label)
        self.error_label = message_label("Problem with the routing")
        outer.addWidget(self.error_label)
        close_row = QHBoxLayout()
        close_row.addStretch()
        self.close_button = QPushButton("Close")
        self.close_button.setAccessibleName("Close the routing dialog")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        close_row.addWidget(self.close_button)
        outer.addLayout(close_row)

    def _set_tab_order(self) -> None:
        """Tab down step 1, then step 2, then Close: the order the work is done in."""
        chain = [
            self.kind_combo,
            self.from_combo,
            self.to_combo,
            self.team_edit,
            self.level_before_combo,
            self.level_after_combo,
            self.consent_combo,
            self.reason_edit,
            self.summary_edit,
            self.link_check,
            self.save_button,
            self.informed_list,
            self.party_combo,
            self.who_edit,
            self.method_combo,
            self.informed_at_edit,
            self.inform_button,
            self.complete_button,
            self.close_button,
        ]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _bind_keys(self) -> None:
        _shortcut(self, ("Ctrl+S",), self._save_key)
        _shortcut(self, ("Ctrl+I",), self._inform_key)
        _shortcut(self, ("Ctrl+Return", "Ctrl+Enter"), self._complete_key)

    def _save_key(self) -> None:
        if self.save_button.isEnabled():
            self.save_routing()

    def _inform_key(self) -> None:
        if self.inform_button.isEnabled():
            self.record_informing()

    def _complete_key(self) -> None:
        if self.complete_button.isEnabled():
            self.complete_routing()

    # ---- loading -------------------------------------------------------------------------

    def _load(self) -> None:
        tasks, desk, actor = self.session.tasks, self.session.desk, self.session.actor
        tasks.read(
            desk.reference.agencies,
            actor,
            on_done=self._agencies_read,
            on_error=self._show_failure,
            label="Reading agencies…",
        )
        # Reading the child's name and age is a view of the record, logged like every other.
        tasks.read(
            desk.people.get,
            actor,
            self.person_id,
            on_done=self._person_read,
            on_error=self._show_failure,
            label="Reading the child…",
        )

    def _agencies_read(self, agencies: Any) -> None:
        self.agency_names = {a.code: a.name for a in agencies}
        for combo in (self.from_combo, self.to_combo):
            combo.clear()
            combo.addItem(_CHOOSE, "")
            for agency in agencies:
                combo.addItem(agency.name, agency.code)
        if self.routing is not None:
            self._show_routing(self.routing)
        else:
            self._kind_changed()
        self._update_state()

    def _person_read(self, person: PersonDTO) -> None:
        self.person = person
        self.child_label.setText(f"Child: {person.full_name} (person {person.id})")
        self._update_offer()

    def _show_failure(self, exc: BaseException) -> None:
        self.error_label.setText(_WARNING + describe_error(exc))
        self.error_label.show()

    @property
    def loaded(self) -> bool:
        """Whether the agencies have arrived (the form can be filled)."""
        return self.to_combo.count() > 0

    # ---- reacting to the form ------------------------------------------------------------

    def kind(self) -> RoutingKind:
        """The kind chosen."""
        return RoutingKind(self.kind_combo.currentData())

    def _kind_changed(self, *_args: Any) -> None:
        """Suggest the usual from/to of the kind, unless the user already chose them."""
        if self.routing is not None or not self.loaded:
            return
        kind = self.kind()
        if self.from_combo.currentData() in ("", None, *_DEFAULT_FROM.values()):
            self._choose(self.from_combo, _DEFAULT_FROM[kind])
        suggested = _DEFAULT_TO.get(kind)
        current = self.to_combo.currentData()
        if suggested and (current in ("", None, SOCIAL_CARE) or current in EARLY_HELP_AGENCIES):
            self._choose(self.to_combo, suggested)
        self._update_offer()

    @staticmethod
    def _choose(combo: QComboBox, data: Any) -> None:
        index = combo.findData(data)
        if index >= 0:
            combo.setCurrentIndex(index)

    def _update_offer(self, *_args: Any) -> None:
        """Say in advance when the under-5 rule will add a children's-centre offer."""
        person = self.person
        today = self.session.desk.ctx.today()
        if person is None or not is_under_five(
            person.date_of_birth, person.expected_delivery, today
        ):
            self.under_five_label.hide()
            return
        self.under_five_label.setText(
            "ℹ Under 5: if this child does not need social care (level 1–2), a "
            "children's-centre offer is recorded with the routing (seed 000 L184)."
        )
        self.under_five_label.show()

    # ---- saving --------------------------------------------------------------------------

    def routing_input(self) -> RoutingInput:
        """The routing as typed (unvalidated: the service checks every rule)."""
        return RoutingInput(
            kind=self.kind_combo.currentData(),
            to_agency=self.to_combo.currentData() or "",
            reason=self.reason_edit.toPlainText(),
            level_after=int(self.level_after_combo.currentData() or 0),
            handover_summary=self.summary_edit.toPlainText(),
            level_before=self.level_before_combo.currentData(),
            family_consent=self.consent_combo.currentData(),
            from_agency=self.from_combo.currentData() or None,
            to_team=self.team_edit.text() or None,
            decision_id=self.decision_id if self.link_check.isChecked() else None,
        )

    def message(self, field: str) -> str:
        """The message shown beside ``field`` ("" when none)."""
        return self.messages[field].message

    def _clear_messages(self, fields: tuple[str, ...]) -> None:
        for field in fields:
            self.messages[field].clear_message()
        self.error_label.hide()

    def _start(self, fn: Any, *args: Any, label: str, fields: tuple[str, ...]) -> None:
        self._clear_messages(fields)
        self._busy = True
        self._update_state()
        self.session.tasks.write(
            fn,
            self.session.actor,
            *args,
            on_done=self._done,
            on_error=lambda exc: self._failed(exc, fields),
            label=label,
        )

    def save_routing(self) -> None:
        """Create the routing; each broken rule appears beside its field."""
        if self.routing is not None or self._busy:
            return
        self._start(
            self.session.desk.routing.create,
            self.person_id,
            self.routing_input(),
            label="Saving the routing…",
            fields=self.ROUTING_FIELDS,
        )

    def record_informing(self) -> None:
        """Record that the chosen party was told: who, when, how."""
        if self.routing is None or self._busy:
            return
        self._start(
            self.session.desk.routing.record_informing,
            self.routing.id,
            self.routing.version,
            self.party_combo.currentData(),
            self.who_edit.text(),
            self.method_combo.currentData(),
            read_local(self.informed_at_edit, self.session),
            label="Recording who was told…",
            fields=self.INFORM_FIELDS,
        )

    def complete_routing(self) -> None:
        """Complete the routing (refused, beside the list, until everyone has been told)."""
        if self.routing is None or self._busy:
            return
        self._start(
            self.session.desk.routing.complete,
            self.routing.id,
            self.routing.version,
            label="Completing the routing…",
            fields=self.INFORM_FIELDS,
        )

    def _done(self, result: Any) -> None:
        self._busy = False
        first_save = self.routing is None
        previous = self.routing
        self.routing = result.value
        self.notices = self.notices + tuple(result.notices)
        self.session.hub.announce(result.changed)
        if previous is not None and len(result.value.informed) > len(previous.informed):
            self.who_edit.clear()  # saved: the next party starts with an empty name
        self._show_routing(result.value)
        self._update_state()
        if result.value.status is RoutingStatus.COMPLETE:
            # "Who was told" is disabled now, focus and all: the keyboard goes to Close
            # rather than nowhere.
            self.close_button.setFocus()
        self.saved.emit(result.value)
        if result.value.status is RoutingStatus.COMPLETE:
            self.completed.emit(result.value)
        if first_save:
            self.who_edit.setFocus()

    def _failed(self, exc: BaseException, fields: tuple[str, ...]) -> None:
        self._busy = False
        self._update_state()
        if not isinstance(exc, ValidationError):
            self._show_failure(exc)
            return
        first: QWidget | None = None
        leftover = []
        for error in exc.errors:
            if error.field not in fields:
                # Not about anything typed (the routing's status, say): said under the form.
                leftover.append(error.message)
                continue
            message = self.messages[error.field]
            shown = message.message
            message.show_message(f"{shown} {error.message}".strip() if shown else error.message)
            first = first or message.field
        if leftover:
            self.error_label.setText(_WARNING + " ".join(leftover))
            self.error_label.show()
        if first is not None:
            first.setFocus()

    # ---- showing the saved routing -------------------------------------------------------

    def _show_routing(self, routing: RoutingDTO) -> None:
        if not self.loaded:
            return
        self.setWindowTitle(f"Routing {routing.id} — {KIND_SHORT[routing.kind]}")
        self._choose(self.kind_combo, routing.kind.value)
        self._choose(self.from_combo, routing.from_agency)
        self._choose(self.to_combo, routing.to_agency)
        self.team_edit.setText(routing.to_team or "")
        self._choose(self.level_before_combo, routing.level_before)
        self._choose(self.level_after_combo, routing.level_after)
        self._choose(self.consent_combo, routing.family_consent)
        self.reason_edit.setPlainText(routing.reason)
        self.summary_edit.setPlainText(routing.handover_summary)
        self.informed_list.clear()
        tz = self.session.desk.ctx.tz
        told = {i.party for i in routing.informed}
        for item in routing.informed:
            self.informed_list.addItem(
                f"✔ {PARTY_LABELS[item.party]}: {item.who} — {METHOD_LABELS[item.method]}, "
                f"{item.informed_at.astimezone(tz):%d %b %Y %H:%M}"
            )
        for party in InformedParty:
            if party not in told:
                self.informed_list.addItem(f"✘ {PARTY_LABELS[party]}: not yet informed")
        # Point the party choice at the next one still to tell.
        waiting = [p for p in InformedParty if p not in told]
        if waiting:
            self._choose(self.party_combo, waiting[0].value)
        lines = [f"Routing {routing.id}: {STATUS_LABELS[routing.status]}."]
        if routing.childrens_centre_offer:
            lines.append("ℹ A children's-centre offer is recorded with this routing (under 5).")
        lines += [f"ℹ {n}" for n in self.notices if "children's-centre" not in n]
        self.status_label.setText("\n".join(lines))

    def _update_state(self) -> None:
        saved = self.routing is not None
        is_open = self.routing is not None and self.routing.status is RoutingStatus.OPEN
        for widget in (
            self.kind_combo,
            self.from_combo,
            self.to_combo,
            self.level_before_combo,
            self.level_after_combo,
            self.consent_combo,
            self.link_check,
        ):
            widget.setEnabled(not saved and self.loaded)
        # Read-only rather than disabled: what was saved stays legible and selectable.
        for edit in (self.team_edit, self.reason_edit, self.summary_edit):
            edit.setReadOnly(saved)
        self.save_button.setEnabled(not saved and self.loaded and not self._busy)
        self.save_button.setVisible(not saved)
        self.inform_box.setEnabled(is_open)
        self.inform_button.setEnabled(is_open and not self._busy)
        self.complete_button.setEnabled(is_open and not self._busy)
        if not saved:
            self.status_label.setText(
                "Save the routing first; then record who was told and complete it."
            )
