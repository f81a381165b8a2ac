"""Find a child (Ctrl+L, from anywhere): search every child the MASH has known, open a case.

The form is ``ui/find_child.ui``; this module runs the search off the GUI thread and turns
the results into a read-only table. Enter in a field searches; after results arrive the
focus is on the first one, so a second Enter opens that child's case (the case view logs
the look, the search itself does not).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QDialog, QHeaderView, QLineEdit, QTableView, QWidget

from mash_desk.domain.errors import FieldError, ValidationError
from mash_desk.domain.identifiers import format_nhs_number
from mash_desk.domain.permissions import ROLE_PERMISSIONS, Permission
from mash_desk.gui.a11y import name_clear_button
from mash_desk.gui.forms.ui_find_child import Ui_FindChildDialog
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import describe_error
from mash_desk.services.search import ChildQuery, FoundChild, SearchResults, parse_date

HEADERS = ("Child", "Born", "NHS number", "Postcode", "What the MASH knows")
ChildRole = Qt.ItemDataRole.UserRole + 1
_ERROR_STYLE = "color: #b00020; font-weight: bold;"


def born_text(child: FoundChild) -> str:
    """Date of birth, or the expected delivery of an unborn child."""
    person = child.person
    if person.date_of_birth:
        return f"{person.date_of_birth:%d/%m/%Y}"
    if person.expected_delivery:
        return f"Unborn, due {person.expected_delivery:%d/%m/%Y}"
    return ""


def fit_columns(table: QTableView, short_columns: int) -> None:
    """Size the first ``short_columns`` to their contents, then the rows to their wrapped text."""
    for column in range(short_columns):
        table.resizeColumnToContents(column)
    table.resizeRowsToContents()


class FindChildDialog(QDialog):
    """Search box, optional narrowing fields and the children found.

    Signals:
        open_requested(int, str): the person id and name of the child whose case to open.
    """

    open_requested = Signal(int, str)

    def __init__(self, session: DeskSession, parent: QWidget | None = None):
        """Build the form over ``session``; nothing is searched until the user asks."""
        super().__init__(parent)
        self.session = session
        self.ui = Ui_FindChildDialog()
        self.ui.setupUi(self)
        name_clear_button(self.ui.searchEdit, "Clear the search")
        self.results: SearchResults | None = None
        self.searching = False
        self.model = QStandardItemModel(0, len(HEADERS), self)
        self.model.setHorizontalHeaderLabels(list(HEADERS))
        table = self.ui.resultsTable
        table.setModel(self.model)
        table.verticalHeader().hide()
        # The short columns fit their contents once filled; what is known takes the rest and
        # wraps, so nothing is clipped and nothing scrolls sideways.
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(len(HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        # Enter on a result opens it (the dialog's default button would search again).
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.open_selected)
        table.doubleClicked.connect(lambda _index: self.open_selected())
        self.ui.findButton.clicked.connect(self.search)
        self.ui.openButton.clicked.connect(self.open_selected)
        self.ui.householdButton.clicked.connect(self.same_household)
        self.ui.closeButton.clicked.connect(self.close)
        self._may_open = Permission.VIEW_CASE in ROLE_PERMISSIONS.get(
            session.actor.role, frozenset()
        )
        self._fields: dict[str, QLineEdit] = {
            "text": self.ui.searchEdit,
            "date_of_birth": self.ui.dobEdit,
            "nhs_number": self.ui.nhsEdit,
            "postcode": self.ui.postcodeEdit,
        }
        self._update_buttons()

    # -- searching --------------------------------------------------------------------------

    def focus_search(self) -> None:
        """Put the cursor in the search box, its text selected to type over."""
        self.ui.searchEdit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.ui.searchEdit.selectAll()

    def query(self) -> ChildQuery:
        """The query the fields hold; raises ``ValidationError`` for a date that is no date."""
        raw_dob = self.ui.dobEdit.text().strip()
        dob = parse_date(raw_dob) if raw_dob else None
        if raw_dob and dob is None:
            raise ValidationError(
                FieldError(
                    "date_of_birth",
                    "format",
                    f"Date of birth {raw_dob!r} is not a date: type it as dd/mm/yyyy",
                )
            )
        return ChildQuery(
            text=self.ui.searchEdit.text(),
            date_of_birth=dob,
            nhs_number=self.ui.nhsEdit.text(),
            postcode=self.ui.postcodeEdit.text(),
        )

    def search(self, query: ChildQuery | None = None) -> None:
        """Run the search in the background; the table fills when it returns."""
        self._clear_marks()
        try:
            query = query or self.query()
        except ValidationError as exc:
            self._refused(exc)
            return
        self.searching = True
        self._say("Searching…")
        self.session.tasks.read(
            self.session.desk.search.find,
            self.session.actor,
            query,
            on_done=self._found,
            on_error=self._failed,
            label="Finding children…",
        )

    def same_household(self) -> None:
        """Search for the children who live with the selected child."""
        child = self.selected()
        if child is None or child.person.household_id is None:
            self._say("The selected child has no household on record.")
            return
        self.search(ChildQuery(household_id=child.person.household_id))

    def _found(self, results: SearchResults) -> None:
        self.searching = False
        self.results = results
        self.model.removeRows(0, self.model.rowCount())
        for child in results.children:
            person = child.person
            cells = (
                person.full_name,
                born_text(child),
                format_nhs_number(person.nhs_number) if person.nhs_number else "",
                person.postcode or "",
                child.known,
            )
            items = [QStandardItem(text) for text in cells]
            items[0].setData(child, ChildRole)
            self.model.appendRow(items)
        self._say(results.message)
        fit_columns(self.ui.resultsTable, len(HEADERS) - 1)
        if results.children:
            table = self.ui.resultsTable
            table.selectRow(0)
            table.setCurrentIndex(self.model.index(0, 0))
            table.setFocus(Qt.FocusReason.OtherFocusReason)
        self._update_buttons()

    def _failed(self, exc: BaseException) -> None:
        self.searching = False
        if isinstance(exc, ValidationError):
            self._refused(exc)
        else:
            self._say(describe_error(exc), error=True)

    def _refused(self, exc: ValidationError) -> None:
        # The last results answered another question: clear them rather than mislead.
        self.results = None
        self.model.removeRows(0, self.model.rowCount())
        self._update_buttons()
        self._say(" ".join(e.message for e in exc.errors), error=True)
        first = None
        for problem in exc.errors:
            field = self._fields.get(problem.field)
            if field is None:
                continue
            field.setProperty("invalid", True)
            field.setAccessibleDescription(problem.message)
            first = first or field
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def _clear_marks(self) -> None:
        for field in self._fields.values():
            field.setProperty("invalid", False)
            field.setAccessibleDescription("")

    def _say(self, message: str, *, error: bool = False) -> None:
        self.ui.messageLabel.setStyleSheet(_ERROR_STYLE if error else "")
        self.ui.messageLabel.setText(message)
        # The results table carries the outcome, so a screen reader hears it on arrival.
        self.ui.resultsTable.setAccessibleDescription(message)

    # -- opening ----------------------------------------------------------------------------

    def selected(self) -> FoundChild | None:
        """The child on the current row, if any."""
        index = self.ui.resultsTable.currentIndex()
        if not index.isValid():
            return None
        value: Any = self.model.index(index.row(), 0).data(ChildRole)
        return value if isinstance(value, FoundChild) else None

    def open_selected(self) -> None:
        """Open the selected child's case (MASH staff); a partner is told where to look."""
        child = self.selected()
        if child is None:
            self._say("Choose a child in the list first (search, then the arrow keys).")
            return
        if not self._may_open:
            self._say(
                f"{child.person.full_name} is known to your agency: their checks, routings "
                "and actions are in your agency inbox."
            )
            return
        self.open_requested.emit(child.person.id, child.person.full_name)

    def _update_buttons(self) -> None:
        has_rows = self.model.rowCount() > 0
        self.ui.openButton.setEnabled(has_rows and self._may_open)
        self.ui.householdButton.setEnabled(has_rows)
