"""Themes keep text readable; the privacy screen hides everything at once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QMainWindow

from mash_desk.gui.app import display_available
from mash_desk.gui.privacy import PrivacyCurtain
from mash_desk.gui.theme import THEMES, contrast_ratio, palette

PAIRS = [
    (QPalette.ColorRole.Text, QPalette.ColorRole.Base, 7.0),
    (QPalette.ColorRole.WindowText, QPalette.ColorRole.Window, 7.0),
    (QPalette.ColorRole.ButtonText, QPalette.ColorRole.Button, 7.0),
    (QPalette.ColorRole.Text, QPalette.ColorRole.AlternateBase, 7.0),
    (QPalette.ColorRole.HighlightedText, QPalette.ColorRole.Highlight, 4.5),
    (QPalette.ColorRole.PlaceholderText, QPalette.ColorRole.Base, 4.5),
]


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("fore, back, least", PAIRS)
def test_theme_contrast_is_readable(theme, fore, back, least):
    colours = palette(theme)
    assert contrast_ratio(colours.color(fore), colours.color(back)) >= least


def test_privacy_curtain_covers_the_window_and_hides_the_title(qtbot):
    window = QMainWindow()
    window.setCentralWidget(QLabel("Amira Hassan, 7, RED"))
    window.setWindowTitle("MASH Desk — Amira Hassan")
    window.resize(800, 600)
    qtbot.addWidget(window)
    window.show()
    curtain = PrivacyCurtain(window)
    curtain.drop()
    assert curtain.isVisible() and curtain.geometry() == window.rect()
    assert window.windowTitle() == "MASH Desk"
    # Nothing of the window shows through: every pixel of the grab is the curtain's.
    image = window.grab().toImage()
    background = image.pixelColor(5, 5)
    assert image.pixelColor(400, 20) == background
    qtbot.keyClick(curtain, Qt.Key.Key_A)  # swallowed, not typed anywhere
    assert curtain.isVisible()
    qtbot.keyClick(curtain, Qt.Key.Key_F12)
    assert not curtain.isVisible()
    assert window.windowTitle() == "MASH Desk — Amira Hassan"


@pytest.mark.parametrize(
    "env, platform, expected",
    [
        ({}, "linux", False),
        ({"DISPLAY": ":0"}, "linux", True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", True),
        ({}, "win32", True),
    ],
)
def test_display_detection(env, platform, expected):
    assert display_available(env, platform) is expected
