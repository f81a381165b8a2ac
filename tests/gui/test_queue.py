"""The live work queue: its table model, countdown, paging, filters and keyboard use."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import shiboken6
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem
from sqlalchemy import update

from mash_desk.domain.enums import Rag, Role
from mash_desk.gui.queue_model import (
    COL_AGE,
    COL_CHILD,
    COL_HOUSEHOLD,
    COL_RAG,
    COL_STATUS,
    COL_TIME_LEFT,
    COL_WORKER,
    QueueModel,
    QueueProxy,
    RowRole,
    SortRole,
    Urgency,
    UrgencyRole,
    countdown,
    describe_age,
)
from mash_desk.gui.queue_view import EMPTY_MESSAGE, QueueView
from mash_desk.services.inputs import OutcomeInput, ReferralDetails
from mash_desk.services.queue import QueueFilter
from mash_desk.storage.models import ContactChild
from tests.support.helpers import child, contact, log_one

DISPLAY = Qt.ItemDataRole.DisplayRole
DECORATION = Qt.ItemDataRole.DecorationRole


def _loaded_model(qtbot, session, **kw) -> QueueModel:
    model = QueueModel(session, **kw)
    model.reload()
    qtbot.waitUntil(lambda: not model.loading)
    return model


def _cell(model, row: int, column: int, role=DISPLAY):
    return model.data(model.index(row, column), role)


def _row_of(model, name: str) -> int:
    names = [r.child_name for r in model.rows()]
    return names.index(name)


def _same_icon(icon, standard) -> bool:
    wanted = QApplication.style().standardIcon(standard)
    return icon.pixmap(16).toImage() == wanted.pixmap(16).toImage()


def _refer(desk, actor, cc):
    return desk.outcomes.record(
        actor,
        cc.id,
        cc.version,
        OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails("N1")),
    )


def _varied(session):
    """A small queue: red, amber, green, unrated, unborn, a baby, and one referral."""
    desk, p = session.desk, session.actor
    log_one(desk, p, given="Zofia", family="Nowak", rag="red", rag_reason="r", postcode="HA1 1AA")
    log_one(desk, p, given="Tom", family="Smith", rag="green", rag_reason="r")
    log_one(desk, p, given="Ada", family="Jones", rag="amber", rag_reason="r")
    log_one(
        desk, p, given="Baby", family="Reed", date_of_birth=None, expected_delivery=date(2027, 2, 3)
    )
    log_one(desk, p, given="Ivy", family="Lee", date_of_birth=date(2026, 6, 1))
    referred = log_one(desk, p, given="Ravi", family="Patel", rag="amber", rag_reason="r")
    _refer(desk, p, referred.children[0])


def _assign(session, contact_child_id: int, user_id: int) -> None:
    # No service assigns work yet (a later issue); set it in the database for the filter.
    with session.desk.db.transaction() as s:
        s.execute(
            update(ContactChild)
            .where(ContactChild.id == contact_child_id)
            .values(assigned_to=user_id)
        )


# --- model --------------------------------------------------------------------------------------


def test_model_passes_the_model_tester(qtbot, qtmodeltester, session):
    _varied(session)
    model = _loaded_model(qtbot, session)
    assert model.rowCount() == 6
    qtmodeltester.check(model)


def test_cells_show_words_icons_and_roles(qtbot, session):
    _varied(session)
    model = _loaded_model(qtbot, session)
    zofia = _row_of(model, "Zofia Nowak")
    assert _cell(model, zofia, COL_RAG) == "Red"
    assert not _cell(model, zofia, COL_RAG, DECORATION).isNull()
    assert _cell(model, zofia, COL_AGE) == "7 years"
    assert _cell(model, zofia, COL_HOUSEHOLD).startswith("HA1 1AA · household ")
    assert _cell(model, zofia, COL_STATUS) == "Contact: open"
    assert _cell(model, zofia, COL_WORKER) == "Unassigned"
    row = _cell(model, zofia, COL_CHILD, RowRole)
    assert row.child_name == "Zofia Nowak" and row.rag is Rag.RED
    assert _cell(model, _row_of(model, "Baby Reed"), COL_AGE) == "unborn, due 3 Feb 2027"
    assert _cell(model, _row_of(model, "Baby Reed"), COL_RAG) == "Not rated"
    assert _cell(model, _row_of(model, "Ivy Lee"), COL_AGE) == "5 months"
    ravi = _row_of(model, "Ravi Patel")
    assert _cell(model, ravi, COL_STATUS) == "Referral: awaiting decision"
    # Sort keys order sensibly: red before amber before green; the unborn child is youngest.
    rag_keys = {
        r.child_name: _cell(model, i, COL_RAG, SortRole) for i, r in enumerate(model.rows())
    }
    assert rag_keys["Zofia Nowak"] < rag_keys["Ada Jones"] < rag_keys["Tom Smith"]
    ages = sorted(
        model.rows(), key=lambda r: _cell(model, _row_of(model, r.child_name), COL_AGE, SortRole)
    )
    assert ages[0].child_name == "Baby Reed" and ages[1].child_name == "Ivy Lee"


def test_a_painted_cell_says_what_the_model_says(qtbot, session):
    # A view's delegate asks for all of a cell's roles at once (multiData), through the proxy.
    _varied(session)
    model = _loaded_model(qtbot, session)
    proxy = QueueProxy()
    proxy.setSourceModel(model)
    proxy.sort(COL_RAG, Qt.SortOrder.AscendingOrder)
    delegate = QStyledItemDelegate()
    painted = []
    for i in range(proxy.rowCount()):
        for column in range(model.columnCount()):
            option = QStyleOptionViewItem()
            delegate.initStyleOption(option, proxy.index(i, column))
            source = proxy.mapToSource(proxy.index(i, column))
            assert option.text == source.data()
            assert option.icon.isNull() == (source.data(DECORATION) is None)
            painted.append(option.text)
    assert painted[COL_RAG] == "Red" and "Not rated" in painted
    assert "Referral: awaiting decision" in painted


def test_only_the_first_page_is_loaded_until_fetch_more(qtbot, session):
    for i in range(7):
        log_one(session.desk, session.actor, given=f"Child{i}", family=f"Family{i}")
    model = _loaded_model(qtbot, session, page_size=3)
    assert model.rowCount() == 3 and model.canFetchMore(QModelIndex())
    # Nothing else was asked for: no read is running or waiting (a second page would be).
    assert not model.loading and session.tasks.busy == 0
    with qtbot.waitSignal(model.rowsInserted):
        model.fetchMore(QModelIndex())
        # One request at a time: a second call while the page is on its way does nothing.
        assert model.loading and not model.canFetchMore(QModelIndex())
        model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: not model.loading)
    assert model.rowCount() == 6
    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: not model.loading)
    assert model.rowCount() == 7 and not model.canFetchMore(QModelIndex())
    names = [r.child_name for r in model.rows()]
    assert len(set(names)) == 7
    dues = [r.due_at for r in model.rows()]
    assert dues == sorted(dues)


def test_refresh_keeps_the_rows_scrolled_to(qtbot, session):
    for i in range(5):
        log_one(session.desk, session.actor, given=f"Child{i}", family=f"Family{i}")
    model = _loaded_model(qtbot, session, page_size=2)
    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: not model.loading)
    assert model.rowCount() == 4
    model.reload()
    qtbot.waitUntil(lambda: not model.loading)
    assert model.rowCount() == 4


def _staggered(session, clock, count: int) -> list[str]:
    """Log ``count`` children a minute apart, named against deadline order; return the names."""
    names = []
    for i in range(count):
        name = f"{chr(ord('Z') - i)}ara"
        log_one(session.desk, session.actor, given=name, family="Queue")
        names.append(f"{name} Queue")
        clock.advance(timedelta(minutes=1))
    return names


def test_pages_fetched_later_are_sized_apart_and_keep_the_chosen_sort(qtbot, session, clock):
    by_deadline = _staggered(session, clock, 7)
    model = _loaded_model(qtbot, session, page_size=2, fetch_size=3)
    proxy = QueueProxy()
    proxy.setSourceModel(model)
    proxy.sort(COL_CHILD, Qt.SortOrder.AscendingOrder)
    assert model.rowCount() == 2 and model.fetch_size == 3

    def shown() -> list[str]:
        return [proxy.index(i, COL_CHILD).data() for i in range(proxy.rowCount())]

    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: not model.loading)
    # A later page is the fetch size; the rows loaded so far stay sorted by name.
    assert model.rowCount() == 5
    assert shown() == sorted(by_deadline[:5])
    # Soonest deadline first: the rows appended by the next page land after the others.
    proxy.sort(COL_TIME_LEFT, Qt.SortOrder.AscendingOrder)
    assert proxy.sortColumn() == COL_TIME_LEFT
    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: not model.loading)
    assert shown() == by_deadline and not model.has_more
    assert [r.child_name for r in model.rows()] == by_deadline
    proxy.sort(COL_TIME_LEFT, Qt.SortOrder.DescendingOrder)
    assert shown() == by_deadline[::-1]
    proxy.sort(COL_CHILD, Qt.SortOrder.DescendingOrder)
    assert shown() == sorted(by_deadline, reverse=True)


def test_the_view_scrolls_for_more_in_deadline_order(qtbot, session, clock):
    by_deadline = _staggered(session, clock, 9)
    widget = QueueView(session, page_size=2, fetch_size=3)
    qtbot.addWidget(widget)
    widget.resize(1200, 500)
    widget.show()
    # The table asks for pages until its viewport is full or the queue is read to the end.
    qtbot.waitUntil(lambda: widget.model.rowCount() == 9 and not widget.model.loading)
    assert _names(widget) == by_deadline
    assert widget.table.horizontalHeader().sortIndicatorSection() == COL_TIME_LEFT
    assert widget.count_label.text() == "9 open items"
    widget.table.sortByColumn(COL_CHILD, Qt.SortOrder.AscendingOrder)
    assert _names(widget) == sorted(by_deadline)
    widget.table.sortByColumn(COL_TIME_LEFT, Qt.SortOrder.AscendingOrder)
    assert _names(widget) == by_deadline


def test_red_countdown_runs_in_real_time_and_warns(qtbot, session):
    clock = session.desk.ctx.clock
    log_one(session.desk, session.actor, rag="red", rag_reason="Disclosure at school")
    model = _loaded_model(qtbot, session, countdown_ms=60_000)
    cell = model.index(0, COL_TIME_LEFT)
    # Received at 10:00: due 14:00 the same day, so it is already "near".
    assert cell.data() == "4 h left — due today"
    assert cell.data(UrgencyRole) == Urgency.NEAR
    assert _same_icon(cell.data(DECORATION), QStyle.StandardPixmap.SP_MessageBoxWarning)
    assert "14:00" in cell.data(Qt.ItemDataRole.ToolTipRole)

    clock.advance(timedelta(hours=3, minutes=15))
    model.countdown_timer.setInterval(20)
    with qtbot.waitSignal(model.dataChanged) as changed:
        pass
    top_left, bottom_right = changed.args[0], changed.args[1]
    # Only the time-left column is redrawn.
    assert top_left.column() == bottom_right.column() == COL_TIME_LEFT
    assert cell.data() == "45 min left — due today"
    assert _same_icon(cell.data(DECORATION), QStyle.StandardPixmap.SP_MessageBoxWarning)

    clock.advance(timedelta(hours=3))
    with qtbot.waitSignal(model.dataChanged):
        pass
    assert cell.data() == "OVERDUE by 2 h 15 min"
    assert cell.data(UrgencyRole) == Urgency.OVERDUE
    assert _same_icon(cell.data(DECORATION), QStyle.StandardPixmap.SP_MessageBoxCritical)
    assert "OVERDUE" in cell.data(Qt.ItemDataRole.AccessibleTextRole)


def test_amber_and_green_count_working_days(qtbot, session):
    log_one(session.desk, session.actor, given="Ada", family="Jones", rag="amber", rag_reason="r")
    log_one(session.desk, session.actor, given="Tom", family="Smith", rag="green", rag_reason="r")
    model = _loaded_model(qtbot, session)
    amber, green = _row_of(model, "Ada Jones"), _row_of(model, "Tom Smith")
    assert _cell(model, amber, COL_TIME_LEFT) == "due in 1 working day"
    assert _cell(model, green, COL_TIME_LEFT) == "due in 3 working days"
    assert _cell(model, amber, COL_TIME_LEFT, UrgencyRole) == Urgency.OK


def test_an_amber_contact_logged_after_closing_is_due_in_one_working_day(qtbot, session, clock):
    # Tuesday 18:00, after closing: the amber clock (one working day) starts at Wednesday's
    # opening and runs out at Thursday's, so the queue says one working day, as the rule does.
    clock.advance(timedelta(hours=8))
    logged = log_one(
        session.desk, session.actor, given="Eve", family="Late", rag="amber", rag_reason="r"
    )
    assert logged.children[0].due_at == datetime(2026, 11, 19, 9, 0, tzinfo=UTC)
    model = _loaded_model(qtbot, session)
    assert _cell(model, _row_of(model, "Eve Late"), COL_TIME_LEFT) == "due in 1 working day"


@pytest.mark.parametrize(
    ("now", "due", "real_time", "text", "urgency"),
    [
        # Half an hour later than a full working day: working time left, not real time.
        ((17, 10, 30), (18, 10, 0), False, "7 h 30 min left", Urgency.OK),
        ((17, 16, 0), (18, 10, 0), False, "2 h left", Urgency.OK),
        ((17, 16, 45), (18, 9, 30), False, "45 min left — due soon", Urgency.NEAR),
        ((17, 18, 0), (18, 9, 0), False, "due at next opening — due soon", Urgency.NEAR),
        ((17, 11, 0), (17, 15, 0), False, "4 h left — due today", Urgency.NEAR),
        ((17, 22, 0), (18, 2, 0), True, "4 h left", Urgency.OK),
        ((17, 22, 0), (17, 22, 0), True, "DUE NOW", Urgency.OVERDUE),
        # Friday 16:00 to Monday 10:00 is two working hours, whatever the weekend holds.
        ((20, 16, 0), (23, 10, 0), False, "2 h left", Urgency.OK),
        ((17, 10, 0), (20, 10, 0), False, "due in 3 working days", Urgency.OK),
        # Saturday: counting starts at Monday's opening, so Tuesday 09:00 is one working day.
        ((21, 10, 0), (24, 9, 0), False, "due in 1 working day", Urgency.OK),
        ((18, 9, 0), (17, 14, 0), False, "OVERDUE by 19 h", Urgency.OVERDUE),
    ],
)
def test_countdown_wording(session, now, due, real_time, text, urgency):
    def at(d, h, m):
        return datetime(2026, 11, d, h, m, tzinfo=UTC)

    found = countdown(at(*due), at(*now), session.desk.ctx.deadlines, real_time=real_time)
    assert (found.text, found.urgency) == (text, urgency)


def test_age_wording():
    today = date(2026, 11, 17)
    assert describe_age(date(2019, 6, 1), None, today)[0] == "7 years"
    assert describe_age(date(2025, 11, 17), None, today)[0] == "1 year"
    assert describe_age(date(2025, 11, 18), None, today)[0] == "11 months"
    assert describe_age(date(2026, 11, 1), None, today)[0] == "under 1 month"
    assert describe_age(None, date(2027, 2, 3), today)[0] == "unborn, due 3 Feb 2027"
    assert describe_age(None, None, today)[0] == "not recorded"


# --- view ---------------------------------------------------------------------------------------


@pytest.fixture
def view(qtbot, session):
    def make(**kw) -> QueueView:
        widget = QueueView(session, **kw)
        qtbot.addWidget(widget)
        widget.resize(1200, 500)
        qtbot.waitUntil(lambda: not widget.model.loading and widget.choices_ready)
        return widget

    return make


def _names(view) -> list[str]:
    return [
        view.proxy.index(i, COL_CHILD).data(RowRole).child_name
        for i in range(view.proxy.rowCount())
    ]


def _settle(qtbot, view, **expected) -> None:
    qtbot.waitUntil(
        lambda: (
            not view.model.loading
            and all(getattr(view.model.filter, k) == v for k, v in expected.items())
        )
    )


def test_loading_indicator_and_empty_state(qtbot, session):
    widget = QueueView(session)
    qtbot.addWidget(widget)
    assert widget.model.loading and widget.loading_label.isVisibleTo(widget)
    qtbot.waitUntil(lambda: not widget.model.loading)
    assert not widget.loading_label.isVisibleTo(widget)
    assert widget.stack.currentWidget() is widget.empty_label
    assert widget.empty_label.text() == EMPTY_MESSAGE


def test_filters_and_search_narrow_the_rows_through_the_service(qtbot, session, view, monkeypatch):
    _varied(session)
    desk, p = session.desk, session.actor
    system = desk.users.system_actor()
    other_team = desk.users.create(
        system,
        username="test.bea",
        display_name="Bea Other-Team",
        role=Role.PRACTITIONER,
        agency_code="social_care",
        password=None,
        team="MASH team B",
    ).value
    ada = next(r for r in desk.queue.page(p).rows if r.child_name == "Ada Jones")
    _assign(session, ada.item_id, other_team.user_id)

    asked: list[QueueFilter] = []
    real_page = desk.queue.page

    def spy(actor, **kw):
        asked.append(kw.get("flt"))
        return real_page(actor, **kw)

    monkeypatch.setattr(desk.queue, "page", spy)
    widget = view(search_delay_ms=300)
    assert len(_names(widget)) == 6
    for combo in (widget.rag_filter, widget.kind_filter, widget.team_filter, widget.worker_filter):
        assert combo.accessibleName()

    widget.rag_filter.setCurrentIndex(widget.rag_filter.findData(Rag.RED))
    _settle(qtbot, widget, rag=Rag.RED)
    assert _names(widget) == ["Zofia Nowak"] and asked[-1].rag is Rag.RED
    widget.rag_filter.setCurrentIndex(0)

    widget.kind_filter.setCurrentIndex(widget.kind_filter.findData("referral"))
    _settle(qtbot, widget, rag=None, kind="referral")
    assert _names(widget) == ["Ravi Patel"]
    widget.kind_filter.setCurrentIndex(0)

    assert widget.team_filter.findData("MASH team B") > 0
    widget.team_filter.setCurrentIndex(widget.team_filter.findData("MASH team B"))
    _settle(qtbot, widget, kind=None, team="MASH team B")
    assert _names(widget) == ["Ada Jones"]
    assert widget.model.index(0, COL_WORKER).data() == "Bea Other-Team"
    widget.team_filter.setCurrentIndex(0)

    widget.worker_filter.setCurrentIndex(widget.worker_filter.findData(other_team.user_id))
    _settle(qtbot, widget, team=None, worker_id=other_team.user_id)
    assert _names(widget) == ["Ada Jones"]
    assert any(
        widget.worker_filter.itemText(i).endswith("(me)")
        for i in range(widget.worker_filter.count())
    )
    widget.worker_filter.setCurrentIndex(0)
    _settle(qtbot, widget, worker_id=None)

    # Search as you type: nothing is asked until the typing pauses, then one search runs.
    before = len(asked)
    qtbot.keyClicks(widget.search, "nowa")
    assert widget.model.filter.search is None and len(asked) == before
    _settle(qtbot, widget, search="nowa")
    assert _names(widget) == ["Zofia Nowak"]
    assert [f.search for f in asked[before:]] == ["nowa"]

    widget.search.setText("no such child")
    _settle(qtbot, widget, search="no such child")
    assert widget.model.rowCount() == 0
    assert widget.stack.currentWidget() is widget.empty_label


def test_group_by_household_keeps_siblings_together(qtbot, session, view):
    desk, p = session.desk, session.actor
    clock = desk.ctx.clock
    desk.contacts.log(
        p,
        contact(
            child("Ayo", "Okafor", postcode="HA3 5QR", rag="red", rag_reason="r"),
            child("Bisi", "Okafor", postcode="HA3 5QR", rag="green", rag_reason="r"),
        ),
    )
    log_one(desk, p, given="Cara", family="Mills", postcode="HA8 1AB", rag="amber", rag_reason="r")
    clock.advance(timedelta(minutes=1))
    log_one(desk, p, given="Dan", family="Wood", postcode="HA9 9ZZ", rag="green", rag_reason="r")
    widget = view()
    assert _names(widget) == ["Ayo Okafor", "Cara Mills", "Bisi Okafor", "Dan Wood"]

    widget.group_toggle.setChecked(True)
    assert _names(widget) == ["Ayo Okafor", "Bisi Okafor", "Cara Mills", "Dan Wood"]
    # Sorted the other way, households keep their earliest-deadline order.
    widget.table.sortByColumn(COL_TIME_LEFT, Qt.SortOrder.DescendingOrder)
    assert _names(widget) == ["Bisi Okafor", "Ayo Okafor", "Cara Mills", "Dan Wood"]
    widget.table.sortByColumn(COL_CHILD, Qt.SortOrder.AscendingOrder)
    assert _names(widget) == ["Ayo Okafor", "Bisi Okafor", "Cara Mills", "Dan Wood"]

    widget.group_toggle.setChecked(False)
    widget.table.sortByColumn(COL_CHILD, Qt.SortOrder.DescendingOrder)
    assert _names(widget) == ["Dan Wood", "Cara Mills", "Bisi Okafor", "Ayo Okafor"]


def test_keyboard_moves_the_selection_and_enter_opens(qtbot, session, view):
    _varied(session)
    widget = view()
    with qtbot.waitExposed(widget):
        widget.show()
    with qtbot.waitActive(widget):
        widget.activateWindow()
    assert widget.selected_row() is None

    widget.select_next()
    assert widget.selected_row() == widget.proxy.index(0, 0).data(RowRole)
    widget.select_next()
    widget.select_next()
    widget.select_previous()
    second = widget.proxy.index(1, 0).data(RowRole)
    assert widget.selected_row() == second

    widget.table.setFocus()
    with qtbot.waitSignal(widget.open_requested) as opened:
        qtbot.keyClick(widget.table, Qt.Key.Key_Return)
    assert opened.args == [second]

    # The shortcut works from anywhere in the view, and Down leaves the search box for the rows.
    widget.focus_search()
    assert widget.search.hasFocus()
    qtbot.keyClick(widget.search, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert widget.selected_row() == widget.proxy.index(2, 0).data(RowRole)
    qtbot.keyClick(widget.search, Qt.Key.Key_Down)
    assert widget.table.hasFocus()

    third = widget.proxy.index(3, 0).data(RowRole)
    rect = widget.table.visualRect(widget.proxy.index(3, COL_CHILD))
    # A real double-click starts with a click; QTest's double-click alone skips it.
    qtbot.mouseClick(widget.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(widget.open_requested) as opened:
        qtbot.mouseDClick(widget.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [third]


def test_refreshes_when_the_queue_changes_and_keeps_the_selection(qtbot, session, view):
    _varied(session)
    widget = view()
    widget.select_next()
    chosen = widget.selected_row()
    logged = session.desk.contacts.log(
        session.actor, contact(child("New", "Arrival", rag="red", rag_reason="r"))
    )
    # A change that is not the queue's starts no read (a reload would start one at once).
    session.hub.announce(frozenset({"person:1"}))
    assert not widget.model.loading and session.tasks.busy == 0
    assert widget.model.rowCount() == 6
    session.hub.announce(logged.changed)
    qtbot.waitUntil(lambda: widget.model.rowCount() == 7)
    assert widget.selected_row() == chosen
    assert "7 open items" in widget.count_label.text()


def test_a_refused_read_is_shown_in_words(qtbot, gui_actors, session):
    session.actor = gui_actors["police"]
    widget = QueueView(session)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: not widget.model.loading)
    assert widget.message_label.isVisibleTo(widget)
    assert "may not see the front-door work queue" in widget.message_label.text()
    assert not widget.model.canFetchMore(QModelIndex())


def test_a_view_closed_while_reading_ignores_late_results(qtbot, session):
    _varied(session)
    widget = QueueView(session)
    assert widget.model.loading
    shiboken6.delete(widget)
    assert session.tasks.wait(10_000)
    qtbot.wait(20)  # the late callbacks run here and must not raise
