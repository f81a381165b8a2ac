"""A desk that loses the server says so, keeps every typed word and reconnects by itself.

The server is a cluster of this test's own (``tests.support.cluster``): stopped the way an
administrator's restart stops it, then started again on the same data and port.
"""

from __future__ import annotations

from mash_desk.domain.enums import Role
from mash_desk.gui.contact_form import ContactForm
from mash_desk.gui.live_sync import LOST
from tests.gui.test_live_refresh import idle, open_window, queue_names
from tests.support.cluster import own_server_db

CONCERNS = "Police attended a domestic incident; children present."


def type_contact(qtbot, form: ContactForm, given: str = "Chidi", family: str = "Okafor") -> None:
    form.ui.referralSource.setFocus()
    qtbot.keyClicks(form.ui.referralSource, "6")
    form.ui.concerns.setFocus()
    qtbot.keyClicks(form.ui.concerns, CONCERNS)
    card = form.cards[0]
    card.family_name.setFocus()
    qtbot.keyClicks(card.family_name, family)
    qtbot.keyClicks(card.given_name, given)
    qtbot.keyClicks(card.date_of_birth, "12/12/2020")


def still_typed(form: ContactForm, given: str = "Chidi", family: str = "Okafor") -> bool:
    card = form.cards[0]
    return (
        form.ui.concerns.toPlainText() == CONCERNS
        and (card.given_name.text(), card.family_name.text()) == (given, family)
        and card.date_of_birth.text() == "12/12/2020"
    )


def test_lost_server_banner_keeps_the_form_and_reconnects_by_itself(qtbot, tmp_path, clock):
    with own_server_db(tmp_path, clock) as (cluster, made):
        window = open_window(qtbot, made, Role.PRACTITIONER, tmp_path / "drafts")
        banner = window.live_sync.banner
        announced: list[str] = []
        banner.announced.connect(announced.append)
        form = window.new_contact()
        form.ask_unsaved = lambda: "discard"
        type_contact(qtbot, form)
        idle(qtbot, window)
        assert not banner.isVisible()

        cluster.stop_fast()
        qtbot.waitUntil(lambda: banner.isVisible(), timeout=10_000)
        assert banner.text() == LOST and announced == [LOST]  # said aloud, not only shown

        form.save()
        qtbot.waitUntil(lambda: not form.saving, timeout=15_000)
        assert "Not saved: The server cannot be reached" in form.ui.formError.text()
        assert "Traceback" not in form.ui.formError.text()
        assert window.tabs.indexOf(form) > 0 and still_typed(form)

        cluster.start_again()
        qtbot.waitUntil(lambda: not window.live_sync.offline, timeout=30_000)
        assert "Connected to the server again" in announced[-1]
        qtbot.waitUntil(lambda: not banner.isVisible(), timeout=10_000)
        assert still_typed(form)

        with qtbot.waitSignal(form.saved, timeout=15_000):
            form.save()
        qtbot.waitUntil(lambda: "chidi okafor" in queue_names(window), timeout=15_000)

        # A restart while nobody saves: the first save afterwards goes through at once.
        type_contact(qtbot, form, "Ngozi", "Eze")
        idle(qtbot, window)
        cluster.stop_fast()
        qtbot.waitUntil(lambda: window.live_sync.offline, timeout=10_000)
        cluster.start_again()
        qtbot.waitUntil(lambda: not window.live_sync.offline, timeout=30_000)
        assert still_typed(form, "Ngozi", "Eze")
        with qtbot.waitSignal(form.saved, timeout=15_000):
            form.save()
        window.close()
        idle(qtbot, window)
