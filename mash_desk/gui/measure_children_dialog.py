"""The children behind a dashboard figure, listed for a manager or chair (issue 15 item 2).

The form is ``ui/measure_children.ui``. The list is read off the GUI thread by
``MeasureChildrenService.children``, which logs each child listed in the access log (so it
runs on the writing thread). Enter or a double-click on a child opens their case through the
main window, as a found child opens (the case view logs that look too).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QDialog, QHeaderView, QWidget

from mash_desk.domain.measures import Breakdown, Direction, Measure, MeasureUnit, MonthPeriod
from mash_desk.gui.a11y import live_label
from mash_desk.gui.forms.ui_measure_children import Ui_MeasureChildrenDialog
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import describe_error
from mash_desk.services.measure_children import MeasureChildren, Part

HEADERS = ("Child", "Born", "What", "Date", "In the figure")
PersonRole = int(Qt.ItemDataRole.UserRole) + 1


def part_words(measure: Measure) -> dict[Part, str]:
    """What each choice lists, in the measure's own words."""
    if measure.unit is MeasureUnit.COUNT or measure.denominator is None:
        return {Part.COUNTED: f"Counted: {measure.numerator.lower()}"}
    return {
        Part.COUNTED: f"Counted: {measure.numerator.lower()}",
        Part.NOT_COUNTED: f"Not counted (missed): not {measure.numerator.lower()}",
        Part.ALL: f"All: {measure.denominator.lower()}",
    }


def default_part(measure: Measure) -> Part:
    """What a manager asks first: the misses of an "in time" measure, else who was counted.

    For a rate where higher is better (decisions, checks, conferences in time), the children
    a manager needs are the ones the figure missed; for a count, or a rate where lower is
    better (re-referrals), the counted ones are the ones to look at.
    """
    if measure.denominator is not None and measure.direction is Direction.HIGHER:
        return Part.NOT_COUNTED
    return Part.COUNTED


class MeasureChildrenDialog(QDialog):
    """A figure's children, with a choice of counted / not counted / all.

    Signals:
        open_requested(int, str): the person id and name of the child whose case to open.
        loaded(): a list arrived.
    """

    open_requested = Signal(int, str)
    loaded = Signal()

    def __init__(
        self,
        session: DeskSession,
        measure: Measure,
        period: MonthPeriod,
        *,
        team: str | None = None,
        breakdown: Breakdown | None = None,
        key: str | None = None,
        group: str = "",
        part: Part | None = None,
        parent: QWidget | None = None,
    ):
        """List ``measure``'s children for the period (one breakdown ``group`` if given)."""
        super().__init__(parent)
        self.session = session
        self.measure, self.period, self.team = measure, period, team
        self.breakdown, self.key = breakdown, key
        self.listing: MeasureChildren | None = None
        self.ui = Ui_MeasureChildrenDialog()
        self.ui.setupUi(self)
        scope = f"{period.label}" + (f", {team}" if team else "") + (f", {group}" if group else "")
        self.setWindowTitle(f"Children behind: {measure.name} ({scope})")
        self.ui.explanationLabel.setText(
            f"<b>{measure.name}</b>, {scope}.<br>{measure.definition}<br>Listing these children "
            "is recorded in each child's access log. Enter opens a child's case."
        )
        live_label(self.ui.messageLabel, "How many children are listed")
        for choice, words in part_words(measure).items():
            self.ui.partCombo.addItem(words, choice)
        self.ui.partCombo.setCurrentIndex(
            max(0, self.ui.partCombo.findData(part or default_part(measure)))
        )
        self.ui.partCombo.setEnabled(self.ui.partCombo.count() > 1)
        self.model = QStandardItemModel(0, len(HEADERS), self)
        self.model.setHorizontalHeaderLabels(list(HEADERS))
        table = self.ui.childrenTable
        table.setModel(self.model)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Enter and a double-click both activate a row (one signal: a case opens once).
        table.activated.connect(lambda _index: self.open_current())
        self.ui.openButton.clicked.connect(self.open_current)
        self.ui.closeButton.clicked.connect(self.reject)
        self.ui.partCombo.currentIndexChanged.connect(lambda _i: self.reload())
        self.resize(860, 560)
        self.reload()

    @property
    def part(self) -> Part:
        """Which rows are listed."""
        return Part(self.ui.partCombo.currentData() or Part.COUNTED)

    def reload(self) -> None:
        """Read the list again (on the writing thread: it writes access rows)."""
        self.ui.messageLabel.setText("Loading the children…")
        self.ui.openButton.setEnabled(False)
        self.session.tasks.write(
            self.session.desk.measure_children.children,
            self.session.actor,
            self.measure.id,
            self.period,
            team=self.team,
            breakdown=self.breakdown,
            key=self.key,
            part=self.part,
            on_done=self._arrived,
            on_error=self._failed,
            label="Listing the children behind the figure…",
        )

    def _arrived(self, listing: MeasureChildren) -> None:
        self.listing = listing
        self.model.removeRows(0, self.model.rowCount())
        for row in listing.rows:
            born = f"{row.date_of_birth:%d/%m/%Y}" if row.date_of_birth else ""
            cells = (row.name, born, row.item, f"{row.on:%d/%m/%Y}", "Yes" if row.counted else "No")
            items = []
            for column, text in enumerate(cells):
                item = QStandardItem(text)
                item.setData((row.person_id, row.name), PersonRole)
                item.setData(f"{HEADERS[column]}: {text}", Qt.ItemDataRole.AccessibleTextRole)
                items.append(item)
            self.model.appendRow(items)
        shown = len(listing.rows)
        children = len({r.person_id for r in listing.rows})
        text = f"{shown:,} row{'s' if shown != 1 else ''} ({children:,} children)"
        if listing.cut:
            text = f"The newest {shown:,} of {listing.matching:,} rows ({children:,} children)"
        self.ui.messageLabel.setText(
            f"{text}; {listing.counted:,} of {listing.total:,} counted in the figure."
        )
        self.ui.openButton.setEnabled(shown > 0)
        if shown:
            self.ui.childrenTable.setCurrentIndex(self.model.index(0, 0))
            self.ui.childrenTable.setFocus(Qt.FocusReason.OtherFocusReason)
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        self.ui.messageLabel.setText(f"The children could not be listed: {describe_error(exc)}")

    def open_current(self) -> None:
        """Open the selected child's case."""
        index = self.ui.childrenTable.currentIndex()
        if not index.isValid():
            return
        person_id, name = index.data(PersonRole)
        self.open_requested.emit(int(person_id), str(name))
