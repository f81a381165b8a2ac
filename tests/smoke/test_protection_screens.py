"""Screenshots under Xvfb of the screens issues 13 and 14 added, at 1366×768 in both themes.

The lost-server banner, a server profile with its CA certificate, the damaged-draft notice,
the database passphrase and a performance officer's figures-only desk: each opens on a real
display and is saved to ``artifacts/screenshots/`` for a person to look at.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtWidgets import QDialog

from mash_desk.gui.damaged_drafts import DamagedDraftsDialog
from mash_desk.gui.database_unlock import PassphraseDialog
from mash_desk.gui.drafts import DamagedDraft
from mash_desk.gui.live_sync import LOST
from mash_desk.gui.profile_dialog import ProfileDialog
from mash_desk.profiles import ProfileStore
from mash_desk.synthetic import DEMO_PRACTITIONER
from tests.smoke.test_screens import (
    _finish,
    _laptop_window,
    _session,
    _settle,
    _window,
    demo_desk,  # noqa: F401 (the module's demo database, shared)
    pytestmark,  # noqa: F401 (Xvfb only)
    save,
    save_screen,
    theme,  # noqa: F401 (light and dark)
)


def _over(qtbot, window, dialog: QDialog, name: str) -> None:
    dialog.setParent(window, dialog.windowFlags())
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.move(window.frameGeometry().center() - dialog.rect().center())
    qtbot.wait(300)
    save_screen(window, name)
    dialog.reject()


def test_lost_server_banner_at_1366(qtbot, demo_desk, tmp_path, theme):  # noqa: F811
    window = _laptop_window(qtbot, demo_desk, DEMO_PRACTITIONER, tmp_path)
    # The embedded demo has no server to lose: show the banner as the live sync shows it.
    banner = window.live_sync.banner
    banner.setText(LOST)
    banner.show()
    qtbot.wait(200)
    assert banner.isVisible() and banner.text() == LOST
    save(window, f"40-lost-server-banner-1366-{theme}")
    _finish(qtbot, window)


def test_server_profile_with_a_ca_at_1366(qtbot, demo_desk, tmp_path, theme):  # noqa: F811
    window = _laptop_window(qtbot, demo_desk, DEMO_PRACTITIONER, tmp_path)
    dialog = ProfileDialog(ProfileStore(tmp_path / "profiles.json"))
    dialog.name_edit.setText("Council MASH server")
    dialog.host_edit.setText("db1.example.org,db2.example.org")
    dialog.database_edit.setText("mash")
    dialog.user_edit.setText("a.khan")
    dialog.ca_edit.setText(str(tmp_path / "council-ca.crt"))
    qtbot.wait(100)
    assert dialog.sslmode_combo.currentText().startswith("verify-full")
    _over(qtbot, window, dialog, f"41-server-profile-ca-1366-{theme}")
    _finish(qtbot, window)


def test_damaged_draft_notice_at_1366(qtbot, demo_desk, tmp_path, theme):  # noqa: F811
    window = _laptop_window(qtbot, demo_desk, DEMO_PRACTITIONER, tmp_path)
    damaged = DamagedDraft(
        reason="The file was cut short (the computer may have stopped while saving)",
        recovered=(
            ("Referrer", "PC Sam Tyler"),
            ("Concerns", "Neighbour reports shouting late at night; child seen alone outside."),
        ),
        saved_at=datetime(2026, 11, 17, 9, 41, tzinfo=UTC),
        kept_at=None,
    )
    _over(qtbot, window, DamagedDraftsDialog([damaged]), f"42-damaged-draft-1366-{theme}")
    _finish(qtbot, window)


def test_database_passphrase_at_1366(qtbot, demo_desk, tmp_path, theme):  # noqa: F811
    window = _laptop_window(qtbot, demo_desk, DEMO_PRACTITIONER, tmp_path)
    dialog = PassphraseDialog(new=True)
    _over(qtbot, window, dialog, f"43-database-passphrase-1366-{theme}")
    _finish(qtbot, window)


@pytest.mark.parametrize("username", ["demo.performance"])
def test_performance_desk_at_1366(qtbot, demo_desk, tmp_path, theme, username):  # noqa: F811
    session = _session(demo_desk, username)
    window = _window(qtbot, session, tmp_path)
    window.move(0, 0)
    window.resize(1366, 768)
    _settle(qtbot, session)
    qtbot.wait(300)
    save(window, f"44-performance-desk-1366-{theme}")
    _finish(qtbot, window)
