"""Light and dark themes with readable contrast, remembered between runs.

Both use Qt's Fusion style with an explicit palette, so the contrast does not depend on the
desktop's own theme: text on base is at least 7:1 in both (WCAG AAA for body text), because
practitioners read these screens all day, often on poor office monitors.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

THEMES = ("light", "dark")

# (role, light, dark). Window text #1b1b1b on #f4f4f4 is 15.6:1; #ececec on #1e1e1e is 14.5:1.
_COLOURS = (
    (QPalette.ColorRole.Window, "#f4f4f4", "#1e1e1e"),
    (QPalette.ColorRole.WindowText, "#1b1b1b", "#ececec"),
    (QPalette.ColorRole.Base, "#ffffff", "#252526"),
    (QPalette.ColorRole.AlternateBase, "#eef2f6", "#2d2d30"),
    (QPalette.ColorRole.Text, "#1b1b1b", "#ececec"),
    (QPalette.ColorRole.Button, "#e8e8e8", "#333337"),
    (QPalette.ColorRole.ButtonText, "#1b1b1b", "#ececec"),
    (QPalette.ColorRole.Highlight, "#0b5cad", "#4a9eff"),
    (QPalette.ColorRole.HighlightedText, "#ffffff", "#0b0b0b"),
    (QPalette.ColorRole.ToolTipBase, "#ffffdc", "#333337"),
    (QPalette.ColorRole.ToolTipText, "#1b1b1b", "#ececec"),
    (QPalette.ColorRole.PlaceholderText, "#5f5f5f", "#a8a8a8"),
    (QPalette.ColorRole.Link, "#0b5cad", "#7ab8ff"),
)


# The edge of a check box, radio button or text field (WCAG 2.1 1.4.11: at least 3:1 against
# what is around it). Fusion draws these edges from the window colour, darkened: about 1.8:1
# in the light theme and 1.1:1 in the dark one, so an empty check box all but vanished.
# #5f5f5f on #ffffff is 6.4:1, on #f4f4f4 5.8:1; #8c8c8c on #252526 is 4.6:1, on #1e1e1e 5.0:1.
CONTROL_BORDER = {"light": "#5f5f5f", "dark": "#8c8c8c"}


def palette(theme: str) -> QPalette:
    """The palette of ``theme`` ("light" or "dark")."""
    column = 1 if theme == "light" else 2
    result = QPalette()
    for row in _COLOURS:
        result.setColor(row[0], QColor(row[column]))
    disabled = QColor("#8a8a8a" if theme == "light" else "#7a7a7a")
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        result.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return result


def apply_theme(app: QApplication, theme: str, *, first_page: bool = False) -> None:
    """Switch the whole application to ``theme``.

    ``first_page``: Fusion as Qt draws it, for the queue's first page shown before the desk
    has loaded (``gui/early_window.py``). The contrast style (``gui/contrast_style.py``) is
    written in Python, and its first call made PySide6 build a Python type for every style
    option and widget class it might be handed: 20 ms of that page's first paint (issue 16,
    start-up). That page's controls get the same edges through their palettes
    (:func:`with_contrast_edge`), and the desk's own start applies the theme again, with the
    style, before it takes the page over.
    """
    if theme not in THEMES:
        raise ValueError(f"Unknown theme {theme!r}")
    if first_page:
        app.setStyle(QStyleFactory.create("Fusion"))
    else:
        # Its own module: making Qt's proxy style class ready costs 9 ms, which the first
        # page, drawn in plain Fusion, does without.
        from mash_desk.gui.contrast_style import ContrastStyle

        app.setStyle(ContrastStyle(CONTROL_BORDER[theme]))
    app.setPalette(palette(theme))
    app.setProperty("mash_theme", theme)


def with_contrast_edge(control: QWidget, theme: str) -> None:
    """Give ``control`` the contrast style's edge under plain Fusion, through its palette.

    Fusion draws a field's or check box's edge from the window colour, darkened: the control's
    own palette hands it the colour that darkens to the readable edge, as the style does. Only
    for controls that paint no window-coloured background of their own (fields, check boxes).
    """
    edged = QPalette(control.palette())
    source = QColor(CONTROL_BORDER[theme]).lighter(140)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        edged.setColor(group, QPalette.ColorRole.Window, source)
    control.setPalette(edged)


def contrast_ratio(foreground: QColor, background: QColor) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""

    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(colour.redF())
            + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF())
        )

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
