"""The figures dashboard (issue 15 item 2): the front door's measures, charts and neighbours.

For managers, chairs and performance officers (``Permission.VIEW_MEASURES``). The fixed
layout is ``ui/dashboard.ui`` (filters bar, tile area, chart area); the tiles and charts are
built here. Everything is read on the task runner (``gui/dashboard_data.py``): the window
never waits on a query. The figures reload, a moment after the last change, whenever the
desk's own or another desk's work changes (``session.hub``), or on the next showing if the
tab is hidden meanwhile.

Roles that may open case records (managers, chairs) drill down from a tile (Enter, a
double-click) or a breakdown row to the children behind it; a performance officer sees the
counts only, with no drill-down offered (and the service would refuse it).
"""

from __future__ import annotations

from datetime import date
from functools import partial

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from mash_desk.domain.changes import ChangeKey, Kind, Topic
from mash_desk.domain.measures import Breakdown, MonthPeriod, add_months
from mash_desk.domain.permissions import ROLE_PERMISSIONS, Permission
from mash_desk.gui.a11y import live_label
from mash_desk.gui.dashboard_chart_data import (
    flows_chart,
    neighbours_chart,
    rag_chart,
    sources_chart,
    trend_chart,
)
from mash_desk.gui.dashboard_charts import ChartPanel
from mash_desk.gui.dashboard_data import DashboardData, load_dashboard
from mash_desk.gui.dashboard_details import MeasureDetails
from mash_desk.gui.dashboard_tiles import MeasureTile
from mash_desk.gui.forms.ui_dashboard import Ui_DashboardView
from mash_desk.gui.session import DeskSession
from mash_desk.gui.tasks import describe_error

PERIODS = (1, 3, 6, 12)
# Months offered in the month filter: three years back covers a year-on-year comparison.
MONTHS_BACK = 36
TILE_COLUMNS = 2
# Work whose change moves a figure (services' OpResult.changed and live_sync's table keys).
RELOAD_KEYS: frozenset[ChangeKey] = frozenset(
    {
        Topic.QUEUE,
        Topic.WORKLOAD,
        Topic.AGENCY_CHECKS,
        Topic.ROUTINGS,
        Topic.STRATEGY,
        Topic.DECISIONS,
        Topic.FEEDBACK,
    }
)
RELOAD_PREFIXES = (f"{Kind.CONTACT}:", f"{Kind.REFERRAL}:")
# A burst of changes (a meeting signing ten decisions) reloads once, this long after the last.
RELOAD_DELAY_MS = 400
CHARTS = ("Trends", "RAG timeliness", "Sources", "Flows", "Neighbours")


def moves_figures(keys: frozenset[str]) -> bool:
    """Whether a change announced with ``keys`` can move a figure."""
    return bool(keys & RELOAD_KEYS) or any(k.startswith(RELOAD_PREFIXES) for k in keys)


class DashboardView(QWidget):
    """Filters, a tile per measure, charts and the chosen measure's details.

    Signals:
        loaded(): new figures are on screen.
        open_requested(int, str): open this child's case (from a drill-down list).
    """

    loaded = Signal()
    open_requested = Signal(int, str)

    def __init__(self, session: DeskSession, parent: QWidget | None = None):
        """Build the dashboard and start reading this month's figures."""
        super().__init__(parent)
        self.session = session
        permitted = ROLE_PERMISSIONS.get(session.actor.role, frozenset())
        self.can_drill = Permission.VIEW_CASE in permitted
        self.data: DashboardData | None = None
        self.tiles: dict[str, MeasureTile] = {}
        self.selected: str | None = None
        self.board_dialog: QWidget | None = None
        self.drill_dialog: QWidget | None = None
        self._asked = 0
        self._stale = False
        self.ui = Ui_DashboardView()
        self.ui.setupUi(self)
        title = self.ui.titleLabel.font()
        title.setBold(True)
        title.setPointSizeF(title.pointSizeF() * 1.2)
        self.ui.titleLabel.setFont(title)
        self.status = live_label(self.ui.statusLabel, "Dashboard status")
        self._fill_filters()
        self.ui.bodySplitter.setStretchFactor(0, 5)
        self.ui.bodySplitter.setStretchFactor(1, 6)
        self.ui.bodySplitter.setSizes([580, 720])
        self.charts = {name: ChartPanel(name) for name in CHARTS}
        for name, panel in self.charts.items():
            self.ui.chartTabs.addTab(panel, name)
        self.details = MeasureDetails(self.can_drill)
        self.details.drill.connect(self._drill_group)
        self.ui.chartTabs.addTab(self.details, "Details")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RELOAD_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.ui.refreshButton.clicked.connect(self.refresh)
        self.ui.boardButton.clicked.connect(self.open_board_report)
        for combo in (self.ui.monthCombo, self.ui.monthsCombo, self.ui.teamCombo):
            combo.activated.connect(lambda _i: self.refresh())
        f5 = QShortcut(QKeySequence(Qt.Key.Key_F5), self)
        f5.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        f5.activated.connect(self.refresh)
        session.hub.changed.connect(self._hub_changed)
        self.setFocusProxy(self.ui.monthCombo)
        self.refresh()

    # --- filters --------------------------------------------------------------------------------

    def _fill_filters(self) -> None:
        this_month = self.session.desk.ctx.today().replace(day=1)
        combo = self.ui.monthCombo
        for back in range(MONTHS_BACK):
            month = add_months(this_month, -back)
            text = f"{month:%B %Y}" + (" (so far)" if back == 0 else "")
            # As text: a date in a combo's data comes back as a QDate, and findData misses.
            combo.addItem(text, month.isoformat())
        for months in PERIODS:
            self.ui.monthsCombo.addItem("1 month" if months == 1 else f"{months} months", months)
        self.ui.teamCombo.addItem("All teams", None)

    @property
    def period(self) -> MonthPeriod:
        """The period the filters choose."""
        last = date.fromisoformat(self.ui.monthCombo.currentData())
        return MonthPeriod(last, int(self.ui.monthsCombo.currentData()))

    @property
    def team(self) -> str | None:
        """The team the filter chooses, or None for all."""
        return self.ui.teamCombo.currentData()

    def set_filters(
        self, *, month: date | None = None, months: int | None = None, team: str | None = ""
    ) -> None:
        """Choose filters in code (as a user would) and reload."""
        if month is not None:
            self.ui.monthCombo.setCurrentIndex(self.ui.monthCombo.findData(month.isoformat()))
        if months is not None:
            self.ui.monthsCombo.setCurrentIndex(self.ui.monthsCombo.findData(months))
        if team != "":
            self.ui.teamCombo.setCurrentIndex(max(0, self.ui.teamCombo.findData(team)))
        self.refresh()

    def _fill_teams(self, teams: tuple[str, ...]) -> None:
        combo = self.ui.teamCombo
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("All teams", None)
        for team in teams:
            combo.addItem(team, team)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    # --- loading --------------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        """Read the figures for the filters again, in the background."""
        self._timer.stop()
        self._stale = False
        self._asked += 1
        asked = self._asked
        period, team = self.period, self.team
        scope = f"{period.label}" + (f", {team}" if team else "")
        self.status.setText(f"Loading the figures for {scope}…")
        self.setProperty("loading", True)
        self.session.tasks.read(
            load_dashboard,
            self.session.desk,
            self.session.actor,
            period,
            team,
            on_done=partial(self._arrived, asked),
            on_error=partial(self._failed, asked),
            label="Computing the figures…",
        )

    def _arrived(self, asked: int, data: DashboardData) -> None:
        if not isValid(self) or asked != self._asked:
            return  # a newer reading is on its way
        self.data = data
        self.setProperty("loading", False)
        self._fill_teams(data.teams)
        self._show_tiles(data)
        self._show_charts(data)
        report = data.report
        scope = f"{report.period.label}" + (f", {report.team}" if report.team else ", all teams")
        hint = (
            " Enter or a double-click on a figure lists the children behind it."
            if self.can_drill
            else " Counts only: no child is named on this dashboard."
        )
        today = self.session.desk.ctx.today()
        partial = (
            f" {today:%B %Y} is not over: its figures are so far, compared with whole months."
            if report.period.last == today.replace(day=1)
            else ""
        )
        self.status.setText(
            f"{len(report.results)} measures for {scope}, computed at "
            f"{report.computed_at.astimezone(self.session.desk.ctx.tz):%H:%M}.{partial}{hint}"
        )
        self.loaded.emit()

    def _failed(self, asked: int, exc: BaseException) -> None:
        if isValid(self) and asked == self._asked:
            self.setProperty("loading", False)
            self.status.setText(f"The figures could not be computed: {describe_error(exc)}")

    # --- tiles and charts -----------------------------------------------------------------------

    def _show_tiles(self, data: DashboardData) -> None:
        grid = self.ui.tilesGrid
        team = data.report.team
        ids = [r.measure.id for r in data.report.results]
        if list(self.tiles) != ids:
            for tile in self.tiles.values():
                tile.setParent(None)
                tile.deleteLater()
            self.tiles = {}
            drillable = self.session.desk.measure_children.drillable
            for n, result in enumerate(data.report.results):
                tile = MeasureTile(
                    result, team=team, can_drill=self.can_drill and drillable(result.measure.id)
                )
                tile.chosen.connect(self.choose)
                tile.drill.connect(self.drill)
                grid.addWidget(tile, n // TILE_COLUMNS, n % TILE_COLUMNS)
                self.tiles[result.measure.id] = tile
            grid.setRowStretch(len(ids) // TILE_COLUMNS + 1, 1)
            self._fix_tile_order()
        else:
            for result in data.report.results:
                self.tiles[result.measure.id].show_result(result, team=team)
        self.choose(self.selected or (ids[0] if ids else ""))

    def _fix_tile_order(self) -> None:
        """Tab goes through the tiles in reading order, after the filters."""
        previous: QWidget = self.ui.boardButton
        for tile in self.tiles.values():
            QWidget.setTabOrder(previous, tile)
            previous = tile
        QWidget.setTabOrder(previous, self.ui.chartTabs)

    def open_board_report(self) -> QWidget:
        """Open the board report dialog for the month the dashboard shows (if it is over)."""
        from mash_desk.gui.board_report_dialog import BoardReportDialog

        dialog = BoardReportDialog(self.session, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        found = dialog.ui.month.findData(f"{self.period.last:%Y-%m}")
        if found >= 0:
            dialog.ui.month.setCurrentIndex(found)
        dialog.open()
        self.board_dialog = dialog
        return dialog

    def _show_charts(self, data: DashboardData) -> None:
        today = self.session.desk.ctx.today()
        built = {
            "Trends": trend_chart(data),
            "RAG timeliness": rag_chart(data),
            "Sources": sources_chart(data),
            "Flows": flows_chart(data),
            "Neighbours": neighbours_chart(data, team=data.report.team, today=today),
        }
        for name, chart in built.items():
            index = self.ui.chartTabs.indexOf(self.charts[name])
            self.ui.chartTabs.setTabVisible(index, chart is not None)
            if chart is not None:
                self.charts[name].show_chart(chart)

    @Slot(str)
    def choose(self, measure_id: str) -> None:
        """Show a measure's details beside the tiles and mark its tile."""
        if not measure_id or measure_id not in self.tiles or self.data is None:
            return
        self.selected = measure_id
        for mid, tile in self.tiles.items():
            tile.set_selected(mid == measure_id)
        self.ui.tilesScroll.ensureWidgetVisible(self.tiles[measure_id])
        self.details.show_result(
            self.data.report.get(measure_id),
            drillable=self.session.desk.measure_children.drillable(measure_id),
        )

    # --- drill-down -----------------------------------------------------------------------------

    @Slot(str)
    def drill(self, measure_id: str) -> QWidget | None:
        """List the children behind a measure's figure (managers and chairs only)."""
        return self._open_drill(measure_id, None, None, "")

    def _drill_group(self, dimension: Breakdown, key: str, label: str) -> None:
        if self.selected:
            self._open_drill(self.selected, dimension, key, label)

    def _open_drill(
        self, measure_id: str, dimension: Breakdown | None, key: str | None, label: str
    ) -> QWidget | None:
        if not self.can_drill or self.data is None:
            return None
        from mash_desk.gui.measure_children_dialog import MeasureChildrenDialog

        if self.drill_dialog is not None and isValid(self.drill_dialog):
            self.drill_dialog.close()
        dialog = MeasureChildrenDialog(
            self.session,
            self.data.report.get(measure_id).measure,
            self.data.report.period,
            team=self.data.report.team,
            breakdown=dimension,
            key=key,
            group=label,
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open_requested.connect(self.open_requested)
        self.drill_dialog = dialog
        dialog.show()
        return dialog

    # --- staying current ------------------------------------------------------------------------

    @Slot(object)
    def _hub_changed(self, keys: frozenset[str]) -> None:
        if not moves_figures(keys):
            return
        if self.isVisible():
            self._timer.start()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 — Qt API
        """Reload on showing if work changed while the tab was hidden."""
        super().showEvent(event)
        if self._stale:
            self._timer.start()
