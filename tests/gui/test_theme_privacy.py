"""Themes keep text readable; the privacy screen hides everything at once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QVBoxLayout,
    QWidget,
)

from mash_desk.gui.app import display_available
from mash_desk.gui.privacy import PrivacyCurtain
from mash_desk.gui.theme import THEMES, apply_theme, contrast_ratio, palette

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


@pytest.fixture
def themed(qapp):
    """Switch themes for one test, then put the application's own style and palette back."""
    style, colours = qapp.style().name(), QPalette(qapp.palette())
    yield lambda theme: apply_theme(qapp, theme)
    qapp.setStyle(style)
    qapp.setPalette(colours)


def _edge_contrast(image, rect, background, inside) -> float:
    """The best contrast of an edge pixel on a row through the middle of ``rect``.

    Each pixel counts by the weaker of its contrast against the background around the
    control and against the control's inside.
    """
    y = rect.center().y()
    best = 0.0
    for x in range(rect.left() - 2, rect.left() + 4):
        pixel = image.pixelColor(x, y)
        best = max(best, min(contrast_ratio(pixel, background), contrast_ratio(pixel, inside)))
    return best


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("kind", ["check box", "radio button", "text field", "text area"])
def test_control_edges_stand_out_at_least_3_to_1(qtbot, themed, theme, kind):
    """WCAG 2.1 1.4.11: an empty check box or field is seen by its edge alone."""
    themed(theme)
    host = QWidget()
    host.setAutoFillBackground(True)
    layout = QVBoxLayout(host)
    control = {
        "check box": lambda: QCheckBox("Child seen alone"),
        "radio button": lambda: QRadioButton("Phone"),
        "text field": QLineEdit,
        "text area": QPlainTextEdit,
    }[kind]()
    control.setFixedHeight(control.sizeHint().height() if kind != "text area" else 60)
    layout.addWidget(control)
    qtbot.addWidget(host)
    host.resize(300, 120)
    host.show()
    qtbot.waitExposed(host)
    if isinstance(control, QCheckBox | QRadioButton):
        option = QStyleOptionButton()
        control.initStyleOption(option)
        element = (
            QStyle.SubElement.SE_CheckBoxIndicator
            if isinstance(control, QCheckBox)
            else QStyle.SubElement.SE_RadioButtonIndicator
        )
        rect = control.style().subElementRect(element, option, control)
    else:
        rect = control.rect()
    rect.translate(control.pos())
    image = host.grab().toImage()
    colours = palette(theme)
    background = colours.color(QPalette.ColorRole.Window)
    inside = colours.color(QPalette.ColorRole.Base)
    assert image.pixelColor(rect.center()) == inside  # sampled where we think the control is
    assert _edge_contrast(image, rect, background, inside) >= 3.0
